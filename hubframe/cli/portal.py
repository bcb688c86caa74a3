"""``hubframe export-portal``: the whole portal to a folder of Parquet files and a manifest."""

from __future__ import annotations

import argparse
from typing import Any

from ..errors import ExportError
from .options import in_options, portal_client, source_options
from .output import emit

__all__ = ["add_parser", "run"]

#: The Python arguments an export's messages name, as this command's options.
_OPTIONS = (
    ("max_checkpoint_age=None", "--max-checkpoint-age none"),
    ("resume=False", "--no-resume"),
    ("(resume=True)", "(without --no-resume)"),
    ("call again with its arguments", "run again with its options"),
)


def _types(text: str) -> list[str]:
    """``--objects``: object types separated by commas."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise argparse.ArgumentTypeError(
            f"{text!r} names no object type: give types separated by commas, e.g. contacts,deals"
        )
    return names


def add_parser(sub: Any) -> None:
    """Add the ``export-portal`` command to the ``hubframe`` subparsers ``sub``."""
    p: argparse.ArgumentParser = sub.add_parser(
        "export-portal",
        help="write the whole portal to a folder of Parquet files (objects, associations, "
        "owners, pipelines)",
        description="Write every object type, the association edges of every pair of them, "
        "the owners and the pipelines to one Parquet file each, and manifest.json last. "
        "An interrupted export continues when run again. Read the folder with "
        "hf.read_portal(FOLDER), DuckDB, Spark, Dask or Trino.",
    )
    p.add_argument("-o", "--out", required=True, metavar="FOLDER", help="the folder to write")
    p.add_argument(
        "--objects",
        type=_types,
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
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    source_options(p, "export")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Export the portal, then print what was written.

    Args:
        args: parsed arguments of ``hubframe export-portal``.

    Returns:
        The exit status (0).

    Raises:
        HubFrameError: the export failed (``main`` prints it and exits with 2).
    """
    try:
        with portal_client(args) as hs:
            res = hs.export_portal(
                args.out, objects=args.objects, properties="all" if args.all_properties else None,
                associations=not args.no_associations, labels=not args.no_labels,
                progress=not args.no_progress, resume=not args.no_resume,
            )  # fmt: skip
    except ExportError as exc:
        raise ExportError(in_options(str(exc), _OPTIONS)) from exc
    shown = ", ".join(f"{name} {rows:,}" for name, rows in res.tables.items())
    emit(
        f"Exported {len(res.tables)} tables ({res.rows:,} rows) to {res.path} in "
        f"{res.elapsed:.1f} s with {res.requests:,} requests"
        f"{', resuming an interrupted export' if res.resumed else ''}: {shown}."
    )
    for name, why in res.skipped.items():
        emit(f"Left out {name}: {why}.")
    return 0
