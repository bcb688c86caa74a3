"""The ``hubframe`` command: ``demo``, ``sandbox`` and ``export``.

``main`` is the console script's entry point (``hubframe.cli:main``); ``python -m
hubframe.cli`` runs it too. The modules:

- ``main``: the parser, the dispatch to a command, and how errors and Ctrl-C end it.
- ``output``: :func:`emit`, the package's only printing.
- ``options``: argument types and the sandbox options two commands share.
- ``demo``, ``export``, ``sandbox``: one command each, its arguments and its handler.

No module outside this package imports it: the library logs, the command prints.
"""

from .main import build_parser, main
from .output import emit

__all__ = ["build_parser", "emit", "main"]
