"""Bulk reads into one DataFrame, through the export's reader.

``get_all`` and ``search`` read with the same plans and fetch threads as an export
(:mod:`.planner`, :mod:`.fetch`): list cursors over id ranges with search streams
beside them, search chunks, or one cursor for a small portal, ``parallel=1``,
archived records and samples (``max_records``). Instead of Parquet parts, each
stream's pages become Arrow batches in the calling thread as they arrive (network and
conversion overlap), :data:`~hubframe.frames.CONVERT_RECORDS` records at a time (a
conversion has a fixed cost), kept per stream; the batches are put in id order and
made into one DataFrame at the end. Memory is the batches (about the DataFrame's size) plus the
fetch queue, which is bounded.

There is no checkpoint: an interrupted read is simply read again.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from .. import frames
from .._progress import progress as open_bar
from ..validate import check_count
from .fetch import Fetch
from .job import SearchSpec
from .plan import Plan
from .planner import DEFAULT_PARALLEL, make_plan, match_count, pace_window

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd
    import pyarrow as pa

    from ..resources import ObjectResource

T = TypeVar("T")
R = TypeVar("R")

__all__ = ["FrameRead", "check_parallel", "paced_map", "read_frame"]


def check_parallel(parallel: Any) -> int:
    """``parallel=`` of a read: None for :data:`~.planner.DEFAULT_PARALLEL`, else a whole number >= 1.

    Raises:
        InputError: anything else.
    """
    return DEFAULT_PARALLEL if parallel is None else check_count("parallel", parallel, 1)


@dataclass
class FrameRead:
    """The checked arguments of one bulk read into a DataFrame (what :class:`.fetch.Fetch` needs)."""

    names: list[str]
    associations: list[str]
    archived: bool = False
    search: SearchSpec | None = None
    parallel: int = DEFAULT_PARALLEL
    progress: bool = True
    max_records: int | None = None  # a sample: read in id order with one stream, then stop
    desc: str = ""


def read_frame(resource: ObjectResource, read: FrameRead) -> tuple[pd.DataFrame, int | None]:
    """Every record (or every match of ``read.search``) as one typed DataFrame, in id order.

    Returns:
        The DataFrame and HubSpot's count of the records (of the matches, for a search)
        when a request told it, else None.

    Raises:
        HubSpotError: a request failed after every retry (the read stops; nothing is kept).
    """
    parallel = 1 if read.max_records is not None else read.parallel
    list_only = read.archived
    names = read.names if read.search is None else None
    plan, total = make_plan(resource, read.search, parallel, list_only, names=names)
    if total is None and read.progress and not read.archived and read.search is None:
        total = match_count(resource, None)
    schema = resource.schema(read.names, read.associations)
    fetch = Fetch(resource, plan, read)
    batches: dict[str, list[pa.RecordBatch]] = {}
    pending: dict[str, list[Any]] = {}  # per stream, records not yet converted
    issues = frames.ParseIssues()
    got = 0
    shown = _capped(total, read.max_records)
    with open_bar(resource.client, read.desc, total=shown, enabled=read.progress) as bar:
        fetch.start()
        try:
            for event in fetch.events(idle=lambda: None):
                if event.kind == "error":
                    raise event.payload
                if total is None and fetch.totals:
                    total = min(fetch.totals.values())  # the first page's count of all matches
                    bar.set_total(_capped(total, read.max_records))
                if event.kind != "page":
                    continue
                records = event.payload
                if read.max_records is not None:
                    records = records[: read.max_records - got]
                waiting = pending.setdefault(event.key, [])
                waiting += records
                if len(waiting) >= frames.CONVERT_RECORDS:
                    batches.setdefault(event.key, []).append(
                        frames.to_batch(waiting, schema, issues=issues)
                    )
                    pending[event.key] = []
                got += len(records)
                bar.update(len(records))
                if read.max_records is not None and got >= read.max_records:
                    break
        finally:
            fetch.close()
    for key, waiting in pending.items():
        if waiting:
            batches.setdefault(key, []).append(frames.to_batch(waiting, schema, issues=issues))
    issues.warn()
    if total is None and fetch.totals:
        total = min(fetch.totals.values())
    return frames.batches_to_frame(_in_order(plan, batches), schema), total


def _capped(total: int | None, cap: int | None) -> int | None:
    return min(total, cap) if total is not None and cap is not None else total


def _in_order(plan: Plan, batches: dict[str, Any]) -> list[pa.RecordBatch]:
    """The batches of every stream, streams in output order (ascending ids)."""
    return [b for s in plan.ordered() for b in batches.get(s.key, [])]


def paced_map(
    resource: ObjectResource, call: Callable[[T], R], items: Sequence[T], parallel: int
) -> list[R]:
    """``call`` on every item (one request each, e.g. a batch read of 100 ids), ``parallel``
    at once, paced to the list cursors' share of the request window; results in order.

    One item, or ``parallel=1``, runs in the calling thread. The first error raised
    stops the rest from starting and is raised.
    """
    if len(items) <= 1 or parallel <= 1:
        return [call(item) for item in items]
    pace = pace_window(resource, 0)

    def paced(item: T) -> R:
        pace.acquire()
        return call(item)

    with ThreadPoolExecutor(min(parallel, len(items)), thread_name_prefix="hubframe-read") as pool:
        futures = [pool.submit(paced, item) for item in items]
        try:
            return [f.result() for f in futures]
        finally:
            for f in futures:
                f.cancel()
