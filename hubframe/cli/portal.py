"""``hubframe export-portal``: the whole portal to a folder of Parquet files and a manifest."""

from __future__ import annotations

import argparse
from typing import Any

from .options import (
    checkpoint_age,
    checkpoint_age_option,
    command_parser,
    portal_client,
    source_options,
    type_list,
)
from .output import emit

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> None:
    """Add the ``export-portal`` command to the ``hubframe`` subparsers ``sub``."""
    p = command_parser(
        sub,
        "export-portal",
        "write the whole portal to a folder of Parquet files (objects, associations, "
        "owners, pipelines)",
        "Write every object type, the association edges of every pair of them, "
        "the owners and the pipelines to one Parquet file each, and manifest.json last. "
        "An interrupted export continues when the same command runs again. Read the folder "
        "with hf.read_portal(FOLDER), DuckDB, Spark, Dask or Trino.",
        [
            "hubframe export-portal -o portal/",
            "hubframe export-portal -o portal/ --objects contacts,companies,deals --all-properties",
            "hubframe export-portal -o demo-portal/ --sandbox --contacts 2000",
        ],
    )
    p.add_argument("-o", "--out", required=True, metavar="FOLDER", help="the folder to write")
    p.add_argument(
        "--objects",
        type=type_list,
        default=None,
        help="comma-separated object types, e.g. contacts,deals (default: every type the portal has)",
    )
    p.add_argument(
        "--all-properties",
        action="store_true",
        help="every property of each type (default: HubSpot's defaults)",
    )
    p.add_argument(
        "--no-associations", action="store_true", help="leave out the association edge tables"
    )
    p.add_argument("--no-labels", action="store_true", help="leave out the *_label columns")
    p.add_argument(
        "--no-resume", action="store_true", help="start over even if an export was interrupted"
    )
    checkpoint_age_option(p)
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    source_options(p, "export")
    p.set_defaults(run=run, resumable=True)


def run(args: argparse.Namespace) -> int:
    """Export the portal, then print what was written.

    Args:
        args: parsed arguments of ``hubframe export-portal``.

    Returns:
        The exit status (0).

    Raises:
        HubFrameError: the export failed (``main`` prints it and exits with 2).
    """
    with portal_client(args) as hs:
        res = hs.export_portal(
            args.out, objects=args.objects, properties="all" if args.all_properties else None,
            associations=not args.no_associations, labels=not args.no_labels,
            progress=not args.no_progress, resume=not args.no_resume,
            max_checkpoint_age=checkpoint_age(args),
        )  # fmt: skip
    shown = ", ".join(f"{name} {rows:,}" for name, rows in res.tables.items())
    emit(
        f"Exported {len(res.tables)} tables ({res.rows:,} rows) to {res.path} in "
        f"{res.elapsed:.1f} s with {res.requests:,} requests"
        f"{', resuming an interrupted export' if res.resumed else ''}: {shown}."
    )
    for name, why in res.skipped.items():
        emit(f"Left out {name}: {why}.")
    return 0
