"""The package's only printing: a command's output lines, and its one-line complaints."""

from __future__ import annotations

import sys

__all__ = ["emit", "emit_error"]


def emit(line: str) -> None:
    """Write one line of a command's output to standard output."""
    print(line, flush=True)


def emit_error(line: str) -> None:
    """Write one line to standard error: why a command stopped."""
    print(line, file=sys.stderr)
