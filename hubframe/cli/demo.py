"""``hubframe demo``: export a built-in sandbox portal to Parquet and summarise what came out."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from ..demo import NEXT_STEPS, run_demo, summary
from .options import command_parser, count
from .output import emit

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> None:
    """Add the ``demo`` command to the ``hubframe`` subparsers ``sub``."""
    p = command_parser(
        sub,
        "demo",
        "export a built-in sandbox portal to Parquet and summarise it",
        "Start a local HubSpot sandbox with generated contacts, companies and deals, export "
        "every property of each to Parquet, and print each file's rows, columns, dtypes and "
        "a sample, then what to try next. No HubSpot account or token is needed.",
        ["hubframe demo", "hubframe demo -o /tmp/demo --contacts 20000"],
    )
    p.add_argument(
        "-o",
        "--out",
        default="hubframe-demo",
        metavar="FOLDER",
        help="output folder (default ./hubframe-demo)",
    )
    p.add_argument(
        "--contacts",
        type=count,
        default=5000,
        metavar="N",
        help="contacts to generate (default 5000)",
    )
    p.add_argument(
        "--companies",
        type=count,
        default=500,
        metavar="N",
        help="companies to generate (default 500)",
    )
    p.add_argument(
        "--deals", type=count, default=1000, metavar="N", help="deals to generate (default 1000)"
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Run the demo, then print rows, columns, dtypes and samples of each file, and next steps.

    Args:
        args: parsed arguments with ``out``, ``contacts``, ``companies`` and ``deals``.

    Returns:
        The exit status (0).
    """
    emit(
        f"Starting a local HubSpot sandbox with {args.contacts:,} contacts, {args.companies:,} "
        f"companies and {args.deals:,} deals, and exporting every property to Parquet..."
    )
    started = time.monotonic()
    paths = run_demo(args.out, contacts=args.contacts, companies=args.companies, deals=args.deals)
    emit(f"\nDone in {time.monotonic() - started:.1f} s.\n")
    for object_type, path in paths.items():
        for line in summary(object_type, path):
            emit(line)
        emit("")
    emit(NEXT_STEPS.format(out=Path(args.out).as_posix()))
    return 0
