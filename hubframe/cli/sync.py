"""``hubframe sync``: keep an exported Parquet file up to date, reading only the changes."""

from __future__ import annotations

import argparse
from typing import Any

from ..sync import DEFAULT_LOOKBACK
from .options import (
    command_parser,
    file_arguments,
    portal_client,
    properties_of,
    property_list,
    seconds,
    source_options,
)
from .output import emit

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> None:
    """Add the ``sync`` command to the ``hubframe`` subparsers ``sub``."""
    p = command_parser(
        sub,
        "sync",
        "keep an exported .parquet file up to date (only the changes)",
        "Bring an exported Parquet file up to date: the first run exports in full, later runs "
        "read only the records created, changed or deleted since the last one (with a "
        "lookback for HubSpot's search index), and read in full again when only that is "
        "correct (other properties, another portal, a changed file), saying why.",
        [
            "hubframe sync contacts -o contacts.parquet",
            "hubframe sync deals -o deals.parquet --properties all --incremental-only",
            "hubframe sync contacts -o contacts.parquet --full",
        ],
    )
    file_arguments(p, "of the file", "the Parquet file to keep up to date (.parquet or .pq)")
    p.add_argument(
        "--properties",
        type=property_list,
        default=None,
        help="'all' or a comma-separated list (default: those of the last sync, else HubSpot's)",
    )
    default = DEFAULT_LOOKBACK.total_seconds()
    p.add_argument(
        "--lookback",
        type=seconds,
        default=default,
        metavar="SECONDS",
        help=f"read again this long before the last sync's mark (default {default:g})",
    )
    how = p.add_mutually_exclusive_group()
    how.add_argument("--full", action="store_true", help="read everything again")
    how.add_argument(
        "--incremental-only",
        action="store_true",
        help="fail instead of reading everything when only a full read would be correct",
    )
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    source_options(p, "sync from")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Sync one object type's file, then print a one-line summary.

    Returns:
        The exit status (0).

    Raises:
        HubFrameError: the sync failed (``main`` prints it and exits with 2).
    """
    full = True if args.full else (False if args.incremental_only else None)
    with portal_client(args) as hs:
        res = hs.objects(args.object_type).sync(
            args.out, properties=properties_of(args.properties), lookback=args.lookback,
            full=full, progress=not args.no_progress,
        )  # fmt: skip
    how = f"read in full ({res.full_reason})" if res.full else "incremental"
    emit(
        f"Synced {res.path}: {res.created:,} created, {res.updated:,} updated, "
        f"{res.deleted:,} deleted, {res.rows:,} rows; {how}; {res.requests:,} requests in "
        f"{res.seconds:.1f} s."
    )
    return 0
