"""``python -m hubframe.cli``: the ``hubframe`` command."""

import sys

from .main import main

sys.exit(main())
