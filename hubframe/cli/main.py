"""The ``hubframe`` parser, the dispatch to a command, and how a command ends.

A :class:`~hubframe.errors.HubFrameError` ends a command with ``hubframe: <message>``
on standard error and exit status 2; Ctrl-C with ``hubframe: interrupted`` and 130.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from ..errors import HubFrameError
from . import demo, export, portal, sandbox, sync
from .output import emit_error

__all__ = ["build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """The ``hubframe`` parser; each command sets ``run``, its handler."""
    parser = argparse.ArgumentParser(prog="hubframe", description="HubSpot CRM in Jupyter.")
    sub = parser.add_subparsers(dest="command", required=True)
    for command in (demo, sandbox, export, portal, sync):
        command.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``hubframe`` console script.

    Args:
        argv: the arguments (default: ``sys.argv[1:]``).

    Returns:
        The exit status: 0 on success, 2 for a hubframe error (or bad arguments, which
        argparse reports by exiting), 130 after Ctrl-C.
    """
    args = build_parser().parse_args(argv)
    try:
        status: int = args.run(args)
    except HubFrameError as exc:
        emit_error(f"hubframe: {exc}")
        return 2
    except KeyboardInterrupt:
        emit_error("hubframe: interrupted")
        return 130
    return status
