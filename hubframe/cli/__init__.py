"""The ``hubframe`` command: ``demo``, ``sandbox``, ``export``, ``export-portal``, ``sync``
and ``properties``.

``main`` is the console script's entry point (``hubframe.cli:main``); ``python -m
hubframe.cli`` runs it too. The modules:

- ``main``: the parser, the dispatch to a command, and how errors and Ctrl-C end it
  (``render_error``: hubframe's messages with their Python arguments as flags).
- ``output``: :func:`emit`, the package's only printing.
- ``options``: argument types, the options several commands share, the token, and the
  client a command reads with.
- ``search``: ``--search`` filters.
- ``demo``, ``export``, ``portal``, ``properties``, ``sandbox``, ``sync``: one command
  each, its arguments and its handler.

No module outside this package imports it: the library logs, the command prints.
"""

from .main import build_parser, main
from .output import emit

__all__ = ["build_parser", "emit", "main"]
