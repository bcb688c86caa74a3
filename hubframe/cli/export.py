"""``hubframe export``: stream every record of an object type (or a search's matches) to Parquet."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from .options import (
    checkpoint_age,
    checkpoint_age_option,
    command_parser,
    file_arguments,
    portal_client,
    properties_of,
    property_list,
    source_options,
    type_list,
)
from .output import emit, emit_error
from .search import SYNTAX, SearchAction, describe, search_of

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> None:
    """Add the ``export`` command to the ``hubframe`` subparsers ``sub``."""
    p = command_parser(
        sub,
        "export",
        "stream every record of an object type to Parquet",
        "Stream every record of one object type (or the matches of --search) to one "
        "Parquet file, typed from the portal's property definitions. An interrupted export "
        "resumes from its checkpoint when the same command runs again. A file already at "
        "the target is replaced once the export is complete; if its columns differ, a note "
        "on standard error says what changed.",
        [
            "hubframe export contacts -o contacts.parquet --properties all",
            "hubframe export deals -o won.parquet --search dealstage=closedwon --search 'amount>1000'",
            "hubframe export contacts -o c.parquet --search email:CONTAINS_TOKEN:*@example.com",
            "hubframe export contacts -o c.parquet --associations companies,deals --labels",
            "hubframe export deals -o deals.parquet --sandbox --deals 5000",
        ],
    )
    file_arguments(
        p, "to export", "the Parquet file to write (.parquet or .pq; its folder must exist)"
    )
    p.add_argument(
        "--properties",
        type=property_list,
        default=None,
        metavar="NAMES",
        help="'all' or a comma-separated list (default: HubSpot's defaults); "
        "`hubframe properties TYPE` lists them",
    )
    p.add_argument(
        "--search",
        nargs="+",
        action=SearchAction,
        metavar="FILTER",
        default=None,
        help=f"export only the records that match; one filter each, ANDed when repeated: {SYNTAX}. "
        "Quote filters with > or < for the shell",
    )
    p.add_argument(
        "--associations",
        type=type_list,
        default=None,
        metavar="TYPES",
        help="comma-separated object types, e.g. companies,deals: add an associations.<type> "
        "column of associated ids for each",
    )
    p.add_argument(
        "--labels",
        action="store_true",
        help="add a <column>_label column after each enumeration, owner, pipeline and stage column",
    )
    p.add_argument(
        "--no-resume", action="store_true", help="start over even if a checkpoint exists"
    )
    checkpoint_age_option(p)
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    source_options(p, "export from")
    p.set_defaults(run=run, resumable=True)


def run(args: argparse.Namespace) -> int:
    """Export one object type, then print a one-paragraph summary.

    Args:
        args: parsed arguments of ``hubframe export``.

    Returns:
        The exit status (0).

    Raises:
        HubFrameError: the export failed (``main`` prints it and exits with 2).
    """
    before = _columns(args.out)
    with portal_client(args) as hs:
        res = hs.objects(args.object_type).export(
            args.out, properties=properties_of(args.properties), search=search_of(args.search),
            associations=args.associations, resume=not args.no_resume,
            max_checkpoint_age=checkpoint_age(args), labels=args.labels,
            progress=not args.no_progress,
        )  # fmt: skip
    if before is not None and before != list(res.columns):
        emit_error(_replaced(res.path, before, list(res.columns)))
    what = args.object_type
    if args.search:
        what += f" matching {describe(args.search)}"
    groups = f"{res.row_groups} row group{'' if res.row_groups == 1 else 's'}"
    emit(
        f"Exported {res.rows:,} {what} ({len(res.columns)} columns, {groups}) to "
        f"{res.path} in {res.elapsed:.1f} s ({res.records_per_second:,.0f} records/s) with "
        f"{res.requests:,} requests and {res.retries} retr{'y' if res.retries == 1 else 'ies'}, "
        f"{_waits(res.wait_seconds, res.parallel)}"
        f"{', resuming an interrupted export' if res.resumed else ''}."
    )
    return 0


def _waits(seconds: float, streams: int) -> str:
    """The rate-limit and retry waits, said so that no figure reads as a share of the wall
    time: the client adds up the waits of every stream, and parallel streams wait at once."""
    if streams <= 1:
        return f"{seconds:.1f} s of it waiting on rate limits and retries"
    return (
        f"its {streams} parallel streams waited {seconds:.1f} s on rate limits and retries, "
        "added up over the streams"
    )


def _columns(path: Path) -> list[str] | None:
    """The columns of the Parquet file at ``path`` (None: none there, or not Parquet)."""
    if not path.is_file():
        return None
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(path).names)
    except (OSError, ValueError):  # pyarrow's ArrowInvalid is a ValueError
        return None


def _replaced(path: Path, before: list[str], after: list[str]) -> str:
    """The note that a file with other columns was replaced: what went, what came."""
    gone = [c for c in before if c not in after]
    new = [c for c in after if c not in before]
    changes = []
    if gone:
        changes.append(f"dropped {', '.join(gone[:8])}{' ...' if len(gone) > 8 else ''}")
    if new:
        changes.append(f"added {', '.join(new[:8])}{' ...' if len(new) > 8 else ''}")
    what = "; ".join(changes) or "the same columns in another order"
    return f"hubframe: note: replaced {path}, whose columns differed ({what})"
