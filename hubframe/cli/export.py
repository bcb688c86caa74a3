"""``hubframe export``: stream every record of an object type (or a search's matches) to Parquet."""

from __future__ import annotations

import argparse
import math
from datetime import timedelta
from typing import Any

from ..errors import ExportError
from ..export import DEFAULT_MAX_CHECKPOINT_AGE
from .options import (
    in_options,
    portal_client,
    properties_of,
    property_list,
    source_options,
)
from .output import emit

__all__ = ["add_parser", "run"]

#: The Python arguments an export's messages name, as this command's options.
_OPTIONS = (
    ("max_checkpoint_age=None", "--max-checkpoint-age none"),
    ("max_checkpoint_age", "--max-checkpoint-age"),
    ("resume=False", "--no-resume"),
    ("(resume=True)", "(without --no-resume)"),
)


def _hours(text: str) -> float | None:
    """``--max-checkpoint-age``: hours > 0, or ``none`` for any age."""
    if text.strip().lower() == "none":
        return None
    try:
        hours = float(text)
    except ValueError:
        hours = math.nan
    if not math.isfinite(hours) or hours <= 0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of hours: give a number > 0, e.g. 24, or 'none' for any age"
        )
    return hours


def add_parser(sub: Any) -> None:
    """Add the ``export`` command to the ``hubframe`` subparsers ``sub``."""
    p: argparse.ArgumentParser = sub.add_parser(
        "export", help="stream every record of an object type to Parquet"
    )
    p.add_argument(
        "object_type",
        help="the object type to export: contacts, companies, deals, tickets, line_items, notes ..., "
        "or a custom object's name (unknown names are refused, listing the portal's types)",
    )
    p.add_argument("-o", "--out", required=True, help="target .parquet file")
    p.add_argument(
        "--properties",
        type=property_list,
        default=None,
        help="'all' or a comma-separated list (default: HubSpot's defaults)",
    )
    p.add_argument(
        "--search",
        nargs=2,
        metavar=("PROPERTY", "VALUE"),
        default=None,
        help="export the matches of PROPERTY = VALUE",
    )
    p.add_argument(
        "--labels",
        action="store_true",
        help="add a <column>_label column after each enumeration, owner, pipeline and stage column",
    )
    p.add_argument(
        "--no-resume", action="store_true", help="start over even if a checkpoint exists"
    )
    default_hours = DEFAULT_MAX_CHECKPOINT_AGE.total_seconds() / 3600
    p.add_argument(
        "--max-checkpoint-age",
        type=_hours,
        default=default_hours,
        metavar="HOURS",
        help=f"resume a checkpoint only this many hours after its export started "
        f"(default {default_hours:g}; 'none': any age)",
    )
    source_options(p, "export from")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Export one object type, then print a one-paragraph summary.

    Args:
        args: parsed arguments of ``hubframe export``.

    Returns:
        The exit status (0).

    Raises:
        HubFrameError: the export failed (``main`` prints it and exits with 2).
    """
    properties = properties_of(args.properties)
    search = tuple(args.search) if args.search else None
    age = args.max_checkpoint_age
    try:
        with portal_client(args) as hs:
            res = hs.objects(args.object_type).export(
                args.out, properties=properties, search=search, resume=not args.no_resume,
                max_checkpoint_age=None if age is None else timedelta(hours=age), labels=args.labels,
            )  # fmt: skip
    except ExportError as exc:
        raise ExportError(in_options(str(exc), _OPTIONS)) from exc
    what = (
        f"{args.object_type} matching {search[0]} = {search[1]!r}" if search else args.object_type
    )
    groups = f"{res.row_groups} row group{'' if res.row_groups == 1 else 's'}"
    emit(
        f"Exported {res.rows:,} {what} ({len(res.columns)} columns, {groups}) to "
        f"{res.path} in {res.elapsed:.1f} s ({res.records_per_second:,.0f} records/s) with "
        f"{res.requests:,} requests, {res.retries} retries and {res.wait_seconds:.1f} s of rate-limit "
        f"waits{', resuming an interrupted export' if res.resumed else ''}."
    )
    return 0
