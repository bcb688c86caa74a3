"""The ``hubframe`` parser, the dispatch to a command, and how a command ends.

A :class:`~hubframe.errors.HubFrameError` ends a command with ``hubframe: <message>``
on standard error and exit status 2; Ctrl-C with ``hubframe: interrupted`` (and, for a
command that resumes, that running it again continues) and 130.

hubframe's messages say what to do in Python (``pass resume=False``), because the library
is used from Python first. :func:`render_error` is the one place that says the same in
this command's terms (``pass --no-resume``): every command's errors go through it.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence

from .. import __version__
from ..errors import HubFrameError
from . import demo, export, portal, properties, sandbox, sync
from .output import emit_error

__all__ = ["FLAGS", "build_parser", "main", "render_error"]

#: Python spellings in hubframe's messages -> what a command-line user types instead.
#: Applied in order (a longer spelling before the shorter one it contains).
FLAGS: tuple[tuple[str, str], ...] = (
    ("Pass full=None (the default) or full=True", "Leave out --incremental-only, or pass --full,"),
    ("full=True", "--full"),
    ("full=False", "--incremental-only"),
    ("max_checkpoint_age=None", "--max-checkpoint-age none"),
    ("max_checkpoint_age", "--max-checkpoint-age"),
    ("export again (resume=True)", "command again"),
    ("(resume=True)", "(without --no-resume)"),
    ("resume=False", "--no-resume"),
    ("call again with its arguments", "run the same command again"),
    ("HubSpot(token=...)", "--token-file PATH"),
    ("HubSpot(rate_limit=...)", "--rate-limit"),
    ("HubSpot(base_url=...)", "--base-url"),
    ("base_url (or $HUBFRAME_BASE_URL)", "--base-url (or $HUBFRAME_BASE_URL)"),
    ("properties=", "--properties "),
)

#: Python code in hubframe's messages -> the command that does the same.
_CODE: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"hs\.properties\('([^']+)'\)\.names lists the \d+ defined names"),
        r"`hubframe properties \1` lists them",
    ),
    (
        re.compile(
            r"`from hubframe\.sandbox import Sandbox; hs = Sandbox\(\)\.start\(\)\.client\(\)`"
        ),
        "`--sandbox` (a built-in one) or `hubframe sandbox` (one that keeps running)",
    ),
)


def render_error(exc: HubFrameError) -> str:
    """The line ``main`` prints for ``exc``: its message, with every Python argument it
    names spelled as this command's flag (``resume=False`` -> ``--no-resume``)."""
    text = str(exc)
    for pattern, command in _CODE:
        text = pattern.sub(command, text)
    for python, flag in FLAGS:
        text = text.replace(python, flag)
    return f"hubframe: {text}"


def build_parser() -> argparse.ArgumentParser:
    """The ``hubframe`` parser; each command sets ``run``, its handler."""
    parser = argparse.ArgumentParser(
        prog="hubframe",
        description="HubSpot CRM to Parquet, and a local HubSpot sandbox to try it on.",
        epilog="Examples:\n  hubframe demo\n  hubframe export contacts -o contacts.parquet "
        "--properties all\n  hubframe COMMAND --help",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "-V", "--version", action="version", version=f"hubframe {__version__}",
        help="print hubframe's version and exit",
    )  # fmt: skip
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for command in (demo, sandbox, export, portal, sync, properties):
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
    run: Callable[[argparse.Namespace], int] = args.run
    try:
        status: int = run(args)
    except HubFrameError as exc:
        emit_error(render_error(exc))
        return 2
    except BrokenPipeError:
        # The reader went away (``hubframe properties contacts | head``): nothing more to
        # say, and Python's own complaint at exit is silenced by pointing stdout nowhere.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # what a shell reports for a command ended by SIGPIPE
    except KeyboardInterrupt:
        # An export keeps a checkpoint of every part written: the same command continues.
        again = "; run the same command again to resume from where it stopped"
        emit_error(f"hubframe: interrupted{again if getattr(args, 'resumable', False) else ''}")
        return 130
    return status
