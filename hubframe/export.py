"""Streaming Parquet export: every record (or a search's matches) to one Parquet file.

``hs.contacts.export("contacts.parquet", properties="all")`` reads every page
through the one paginator (:meth:`ObjectResource.iter_pages` for the list
cursor, :meth:`ObjectResource.iter_search_pages` for id-range searches and
searches past 10,000), converts each page to an Arrow record batch with a
schema fixed from the property definitions before the first page
(:func:`hubframe.frames.schema`), and writes row groups of about
``row_group_size`` rows. Memory is bounded by the page queue and the row-group
buffers, never by the number of records.

Concurrency
    Fetching runs in background threads feeding a bounded queue; the calling
    thread converts and writes, so network and CPU overlap. A single list
    cursor is latency-bound (at ~150 ms per request it sends about 6 requests
    a second, a third of a 190/10 s budget). With ``parallel > 1`` (the
    default) a plain export cuts the ``hs_object_id`` span into ranges and
    reads them with several list cursors at once, each started at
    ``after=<first id of its range>``: HubSpot documents ``after`` as the id
    of the next record, and three small requests check at plan time that the
    server reads it so (:func:`_check_cursor`). How many cursors run follows
    from the client's rate limit and the measured time per request
    (:func:`_cursor_count`); together they send at most :data:`RANGE_SHARE` of
    the client's request window. Every page of a range must hold ascending ids
    inside the range, or the export stops with :class:`ExportError`.

    If the check fails (the cursor is opaque, a chosen cursor is refused or
    lands elsewhere), or one cursor already fills the window, the export logs
    why and runs the list cursor from the bottom of the id space with
    ``parallel - 1`` search workers claiming ranges from the top (see
    :mod:`hubframe._checkpoint`). All requests share the client's rate
    limiter, so search stays within HubSpot's 5 requests per second and
    everything within the burst limit.

    Trade-off of search streams: HubSpot's search index lags writes by a few
    moments and never holds archived records. A record created or changed in
    the seconds before its range is read may be missing or show its previous
    values, exactly as if it had changed just after being read. List cursors
    (one or several) have no such lag. ``parallel=1`` exports with one list
    cursor alone, and exports with ``associations`` or ``archived=True``
    always do.

Resume and atomicity
    Progress is kept in ``.<name>.checkpoint.json`` and part files in
    ``.<name>.partial/`` next to the target; the target appears, complete,
    only when the export finishes (``os.replace``). An interrupted export
    (exception, Ctrl-C, killed process, or a page that failed after every
    retry) continues from its checkpoint on the next call with ``resume=True``
    and the file holds every record exactly once. The checkpoint holds the
    plan, cursors, property names and filters, never the token.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import queue
import threading
import time
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from . import frames
from ._checkpoint import LIST, WAIT, Merger, Plan, Staging, Stream, fingerprint
from ._ratelimit import SlidingWindow
from .validate import check_count, check_flag
from .errors import ExportError, HubFrameError, InputError
from .pagination import next_cursor

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .resources import ObjectResource

__all__ = ["DEFAULT_PARALLEL", "ExportResult", "export", "iter_export", "read_parquet"]

log = logging.getLogger("hubframe")

#: Most streams of a plain export: list cursors over id ranges, or the list cursor plus
#: this many minus one search workers.
DEFAULT_PARALLEL = 5
#: Rows per row group of the output (and most rows a stream buffers before writing a part).
DEFAULT_ROW_GROUP_SIZE = 25_000
#: A stream's buffer is written as a part past this many bytes of Arrow data, whatever its rows.
BUFFER_BYTES = 32 * 2**20
#: Records of a stream converted to Arrow together. Converting costs a fixed ~1 ms per
#: call (dozens of vectorised passes) on top of the per-value work, so ten list pages
#: at once take less than half the CPU of ten conversions of one page.
CONVERT_RECORDS = 1_000
#: Everything buffered is written and checkpointed at least this often (seconds).
CHECKPOINT_SECONDS = 30.0
#: Records per chunk a search export's id range is cut into (about 20 search pages).
CHUNK_RECORDS = 4_000
#: Below this many records a plain export reads with the list cursor alone.
MIN_SPLIT_RECORDS = 1_000
_MAX_CHUNKS = 2_000
#: Range streams: a quarter more cursors than the request rate needs (see
#: :func:`_cursor_count`), the most cursors, and how the id span is cut (several ranges per
#: cursor, so that an uneven spread of ids does not leave one cursor reading alone at the end).
RANGE_HEADROOM = 1.25
#: Range streams send at most this share of the client's request window. Each cursor waits
#: on a window of its own first: HubSpot answers ``X-HubSpot-RateLimit-Remaining: 0`` when
#: the rolling window is full, and the client then holds every request for a whole period
#: (measured: the window's 190 requests in about 7 s, then nothing for 10 s). The rest is for the
#: export's other requests, retries and the portal's other integrations.
RANGE_SHARE = 0.95
#: List pages (100 records) a second one export converts and writes when nothing waits on
#: the network (measured: 134 to 173 on two cores). At zero latency one cursor delivers
#: that already; more cursors were measured to add memory (a buffer each) and no speed.
CLIENT_PAGES_PER_SECOND = 150
MAX_CURSORS = 8
RANGES_PER_CURSOR = 4
MIN_RANGE_RECORDS = 2_000
# HubSpot: at most 6 filters per group and 18 in all; a range adds 2, a window floor 1.
_FILTERS_PER_GROUP, _FILTERS_TOTAL, _RANGE_COST = 6, 18, 3


@dataclass
class ExportResult:
    """What an export did.

    Attributes:
        path: the Parquet file (complete once :func:`export` returns).
        rows: records in the file (or, while running, kept so far, including earlier runs).
        pages: pages read in this run.
        requests: HTTP requests sent in this run (retries included).
        retries: requests repeated after a retryable failure.
        wait_seconds: time spent waiting on rate limits and retry backoff.
        elapsed: seconds this run took.
        resumed: whether this run continued an interrupted export.
        columns: the file's columns.
        row_groups: row groups in the file (0 while running).
        parallel: streams that fetched concurrently.
        total: the record count HubSpot reported at the start, when known.
    """

    path: Path
    rows: int
    pages: int
    requests: int
    retries: int
    wait_seconds: float
    elapsed: float
    resumed: bool
    columns: list[str] = field(repr=False)
    row_groups: int = 0
    parallel: int = 1
    total: int | None = None

    @property
    def records_per_second(self) -> float:
        """Rows kept per second of this run."""
        return self.rows / self.elapsed if self.elapsed > 0 else 0.0


# -- arguments -----------------------------------------------------------------------------


def _search_spec(
    resource: ObjectResource, search: Any
) -> tuple[list[dict[str, Any]], str | None] | None:
    """``search=`` as (filter groups, query), validated; None for a plain export."""
    if search is None:
        return None
    if isinstance(search, (tuple, list)) and len(search) in (2, 3) and isinstance(search[0], str):
        if len(search) == 2:
            return resource.filter_groups(search[0], search[1]), None
        return resource.filter_groups(search[0], search[2], operator=search[1]), None
    if isinstance(search, dict):
        unknown = set(search) - {"field", "value", "operator", "filters", "query"}
        if unknown:
            raise InputError(
                f"search has unknown keys {sorted(unknown)}: use field, value, operator, filters, query"
            )
        query = search.get("query")
        if query is not None and not isinstance(query, str):
            raise InputError(f"search query={query!r}: use a string")
        groups = resource.filter_groups(
            search.get("field"), search.get("value"),
            operator=search.get("operator", "EQ"), filters=search.get("filters"),
        )  # fmt: skip
        return groups, query or None
    raise InputError(
        f"search={search!r:.100}: use (field, value), (field, operator, value) or "
        "{'filters': [...], 'query': '...'}"
    )


def _target(path: Any) -> Path:
    try:
        target = Path(path).expanduser()
    except TypeError:
        raise InputError(f"path={path!r}: use a file path such as 'contacts.parquet'") from None
    if target.is_dir():
        raise InputError(
            f"{target} is a directory; name the .parquet file to write, e.g. {target / 'contacts.parquet'}"
        )
    if not target.parent.is_dir():
        raise InputError(f"the folder {target.parent} does not exist; create it first")
    return target.absolute()


# -- planning ------------------------------------------------------------------------------


def _probe(
    resource: ObjectResource,
    groups: list[dict[str, Any]],
    query: str | None,
    *,
    ends_too: bool = True,
) -> tuple[int, int, int]:
    """(total, lowest id, highest id) of the matches, from two 1-result searches (one for the total)."""
    ends = []
    total = 0
    for direction in ("ASCENDING", "DESCENDING") if ends_too else ("ASCENDING",):
        body: dict[str, Any] = {
            "filterGroups": groups, "limit": 1, "properties": ["hs_object_id"],
            "sorts": [{"propertyName": "hs_object_id", "direction": direction}],
        }  # fmt: skip
        if query:
            body["query"] = query
        data = (
            resource.client.request_json(
                "POST", resource.client.paths.search(resource.object_type), json=body, kind="search"
            )
            or {}
        )
        results = data.get("results") or []
        if direction == "ASCENDING":
            total = int(data.get("total") or 0)
        if not results:
            return 0, 0, 0
        ends.append(int(results[0]["id"]))
    return (total, ends[0], ends[-1])


def _can_split(groups: list[dict[str, Any]]) -> bool:
    """Whether an id range still fits HubSpot's filter limits on every group."""
    counts = [len(g.get("filters") or []) for g in groups] or [0]
    return (
        max(counts) + _RANGE_COST <= _FILTERS_PER_GROUP
        and sum(c + _RANGE_COST for c in counts) <= _FILTERS_TOTAL
    )


def _range_groups(
    groups: list[dict[str, Any]], lo: str | None, hi: str | None
) -> list[dict[str, Any]]:
    """``groups`` with ``lo <= hs_object_id < hi`` added to each (groups are ORed)."""
    extra = []
    if lo is not None:
        extra.append({"propertyName": "hs_object_id", "operator": "GTE", "value": lo})
    if hi is not None:
        extra.append({"propertyName": "hs_object_id", "operator": "LT", "value": hi})
    if not extra:
        return [dict(g, filters=list(g.get("filters") or [])) for g in groups]
    if not groups:
        return [{"filters": extra}]
    return [dict(g, filters=list(g.get("filters") or []) + extra) for g in groups]


def _first_ids(
    resource: ObjectResource, limit: int, after: str | None = None
) -> tuple[list[int], Any]:
    """The ids of one small list page (and its raw answer), as sent."""
    params: dict[str, Any] = {"limit": limit, "archived": "false", "properties": "hs_object_id"}
    if after is not None:
        params["after"] = after
    data = resource.client.request_json(
        "GET", resource.client.paths.objects(resource.object_type), params=params
    ) or {}
    return [int(r["id"]) for r in data.get("results") or []], data


def _check_cursor(resource: ObjectResource) -> tuple[str | None, float]:
    """Whether the list endpoint reads ``after`` as "the id of the next record".

    HubSpot documents the cursor so, but hands it out as an opaque string. Before
    range streams start cursors of their own, three small requests check it: the
    first page gives the lowest ids ``i0 < i1 < i2``; ``after=i2`` must start at
    ``i2``, and ``after=i0+1`` (an id between records, or ``i1`` itself) at ``i1``.

    Returns:
        (why the cursor cannot be synthesized, or None when it can; the median
        seconds per request, which sizes the number of cursors).
    """
    seconds: list[float] = []

    def timed(limit: int, after: str | None = None) -> tuple[list[int], Any]:
        started = time.monotonic()
        try:
            return _first_ids(resource, limit, after)
        finally:
            seconds.append(time.monotonic() - started)

    try:
        ids, data = timed(3)
        if len(ids) < 3 or ids != sorted(set(ids)):
            return f"the first list page's ids are not ascending ({ids})", 0.0
        nxt = next_cursor(data)
        if nxt is not None and not (nxt.isdigit() and int(nxt) > ids[2]):
            return f"the list cursor {nxt!r:.40} is not the id of the next record", 0.0
        for after, expected in ((ids[2], ids[2]), (ids[0] + 1, ids[1])):
            got, _ = timed(1, str(after))
            if got[:1] != [expected]:
                return f"after={after} started at {got[:1] or 'nothing'}, not at id {expected}", 0.0
    except (HubFrameError, KeyError, TypeError, ValueError) as exc:
        return f"a list request with a chosen cursor failed ({type(exc).__name__}: {exc})", 0.0
    return None, sorted(seconds)[len(seconds) // 2]


def _cursor_count(resource: ObjectResource, parallel: int, seconds: float) -> int:
    """How many list cursors fill the client's request window at ``seconds`` per request.

    One cursor sends ``1 / seconds`` requests a second; the window allows
    ``max_requests / period``, and the export converts and writes at most about
    :data:`CLIENT_PAGES_PER_SECOND` pages. A quarter more cursors than the lower
    of the two needs covers pages slower than the check's small ones; the
    limiter holds back the excess.
    """
    limit, period = resource.client.rate_limit
    allowed = min(RANGE_SHARE * limit / period, CLIENT_PAGES_PER_SECOND)
    return max(1, min(parallel, MAX_CURSORS, math.ceil(RANGE_HEADROOM * allowed * seconds)))


def _range_plan(
    resource: ObjectResource,
    parallel: int,
    total: int,
    lo: int,
    hi: int,
    checked: tuple[str | None, float],
) -> Plan | None:
    """Range streams over ``[lo, hi]``, if the server honours chosen cursors and several pay."""
    why, seconds = checked
    if why is not None:
        log.info("export: reading with one list cursor and search streams: %s", why)
        return None
    cursors = _cursor_count(resource, parallel, seconds)
    if cursors < 2:
        log.info(
            "export: one list cursor fills the request window (%.0f ms per request); "
            "reading with it and search streams", seconds * 1000,
        )  # fmt: skip
        return None
    wanted = min(RANGES_PER_CURSOR * cursors, total // MIN_RANGE_RECORDS)
    ranges = min(_MAX_CHUNKS, max(cursors, wanted))
    log.info(
        "export: %d list cursors over %d id ranges (%.0f ms per request)",
        cursors, ranges, seconds * 1000,
    )  # fmt: skip
    return Plan.list_ranges(lo, hi, ranges, total, cursors)


def _make_plan(
    resource: ObjectResource,
    spec: tuple[list[dict[str, Any]], str | None] | None,
    parallel: int,
    list_only: bool,
) -> tuple[Plan, int | None]:
    """A fresh plan and the record total when a probe told it."""
    if spec is None:
        if list_only or parallel == 1:
            return Plan.list_only(), None
        # The cursor check (three list requests) runs while the probe's searches do.
        with ThreadPoolExecutor(1, thread_name_prefix="hubframe-export-check") as pool:
            checking = pool.submit(_check_cursor, resource)
            total, lo, hi = _probe(resource, [], None)
            checked = checking.result()
        if total < MIN_SPLIT_RECORDS:
            return Plan.list_only(), total
        ranges = _range_plan(resource, parallel, total, lo, hi, checked)
        if ranges is not None:
            return ranges, total
        return Plan.list_and_search(lo, hi, total), total
    groups, query = spec
    if parallel == 1 or not _can_split(groups):
        return Plan.single_search(), None
    total, lo, hi = _probe(resource, groups, query)
    if total <= CHUNK_RECORDS:
        return Plan.single_search(), total
    chunks = min(_MAX_CHUNKS, max(parallel, math.ceil(total / CHUNK_RECORDS)))
    return Plan.search_chunks(lo, hi, chunks, total), total


# -- fetching ------------------------------------------------------------------------------


class _Fetch:
    """The background threads and the bounded queue between them and the writer."""

    def __init__(
        self,
        resource: ObjectResource,
        plan: Plan,
        names: list[str],
        assoc: list[str],
        archived: bool,
        spec: tuple[list[dict[str, Any]], str | None] | None,
        workers: int,
    ):
        self.resource = resource
        self.plan = plan
        self.names = names
        self.assoc = assoc
        self.archived = archived
        self.groups, self.query = spec if spec is not None else ([], None)
        self.stop = threading.Event()
        # A few pages per stream: enough to keep every stream busy, small enough to bound memory.
        self.queue: queue.Queue[tuple[str, str, Any, Any]] = queue.Queue(
            maxsize=2 * (workers + 1) + 2
        )
        self.threads: list[threading.Thread] = []
        if plan.has_list and not plan[LIST].done:
            self.threads.append(
                threading.Thread(
                    target=self._run, args=(self._list,), daemon=True, name="hubframe-export-list"
                )
            )
        plan.rates.workers = max(1, workers)
        plan.rates.search_rate = resource.client.search_rate  # what search can deliver at most
        work, kind = self._search, "search"
        if plan.mode == "ranges":
            limit, period = resource.client.rate_limit
            self.pace = SlidingWindow(max(1, int(RANGE_SHARE * limit)), period)
            work, kind = self._ranges, "range"
        for i in range(workers):
            self.threads.append(
                threading.Thread(
                    target=self._run, args=(work,), daemon=True, name=f"hubframe-export-{kind}-{i}"
                )
            )

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def _put(self, item: tuple[str, str, Any, Any]) -> bool:
        while not self.stop.is_set():
            try:
                self.queue.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self, body: Callable[[], None]) -> None:
        try:
            body()
        except BaseException as exc:  # handed to the writer, which raises it
            self._put(("error", "", exc, None))
        finally:
            self._put(("exit", "", None, None))

    def _list(self) -> None:
        stream = self.plan[LIST]
        self.plan.list_begin()
        pages = self.resource.iter_pages(
            names=self.names, associations=self.assoc, archived=self.archived, after=stream.after
        )
        with contextlib.closing(pages):
            for page in pages:
                if self.stop.is_set():
                    return
                kept, finished = self.plan.list_accept(page.results)
                end = finished or page.after is None
                if not self._put_page(LIST, kept, {"after": page.after}, end):
                    return
                if end:
                    break
        self.plan.list_finished()
        self._put(("done", LIST, None, None))

    def _put_page(self, key: str, kept: list[dict[str, Any]], state: dict[str, Any], end: bool) -> bool:
        """Queue a list cursor's page with the stream state to checkpoint with it; False when stopped."""
        if kept:
            state["last_id"] = str(kept[-1]["id"])
        if end:
            # Saved with the stream's last part: a checkpoint holding ``after: None``
            # must never look like a cursor to restart from the first record.
            state["done"] = True
        return self._put(("page", key, kept, state))

    def _ranges(self) -> None:
        while not self.stop.is_set():
            stream = self.plan.next_range()
            if stream is None:
                return
            if not self._read_range(stream):
                return

    def _read_range(self, stream: Stream) -> bool:
        """Read one id range with a list cursor started at its first id; False when stopped."""
        lo = int(stream.lo) if stream.lo is not None else None
        hi = int(stream.hi) if stream.hi is not None else None
        last = int(stream.last_id) if stream.last_id is not None else None
        pages = self.resource.iter_pages(names=self.names, after=stream.start_cursor())
        with contextlib.closing(pages):
            while True:
                self.pace.acquire()  # before the request that next() sends
                page = next(pages, None)
                if page is None:
                    break
                if self.stop.is_set():
                    return False
                kept, finished = _in_range(stream.key, page.results, lo, hi, last)
                if kept:
                    last = int(kept[-1]["id"])
                # The next cursor is the next record's id (checked at plan time): at or
                # past hi, nothing more of this range exists.
                end = finished or page.after is None or _at_or_past(stream.key, page.after, hi)
                if not self._put_page(stream.key, kept, {}, end):
                    return False
                if end:
                    break
        self._put(("done", stream.key, None, None))
        return True

    def _search(self) -> None:
        while not self.stop.is_set():
            chunk = self.plan.next_chunk()
            if chunk is None:
                return
            if chunk is WAIT:
                self.stop.wait(0.2)  # the list may come into range of a claim, or finish
                continue
            assert isinstance(chunk, Stream)
            self._read_chunk(chunk)

    def _read_chunk(self, chunk: Stream) -> None:
        groups = _range_groups(self.groups, chunk.lo, chunk.hi)
        pages = self.resource.iter_search_pages(
            groups, self.names, query=self.query, floor=chunk.floor
        )
        with contextlib.closing(pages):
            clock = time.monotonic()
            for page in pages:
                if self.stop.is_set():
                    return
                now = time.monotonic()
                self.plan.search_page(chunk.key, len(page.results), now - clock)
                state = {"floor": str(page.results[-1]["id"])} if page.results else {}
                if not self._put(("page", chunk.key, page.results, state)):
                    return
                clock = time.monotonic()  # time spent waiting on the queue is not search time
        self.plan.chunk_fetched(chunk.key)
        self._put(("done", chunk.key, None, None))

    def close(self) -> None:
        """Ask every thread to stop; a thread inside a request finishes it first."""
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=0.5)


def _at_or_past(key: str, cursor: str, hi: int | None) -> bool:
    """Whether a list cursor (the next record's id) is at or past ``hi``.

    Raises:
        ExportError: the cursor is not an id any more, unlike at plan time.
    """
    if not cursor.isdigit():
        raise ExportError(
            f"HubSpot's list cursor for id range {key} is {cursor!r:.40}, not a record id as when "
            "the export started; export with parallel=1 instead"
        )
    return hi is not None and int(cursor) >= hi


def _in_range(
    key: str, records: list[dict[str, Any]], lo: int | None, hi: int | None, last: int | None
) -> tuple[list[dict[str, Any]], bool]:
    """The records of a range stream's page below ``hi``, and whether the range is finished.

    Raises:
        ExportError: an id below ``lo``, or not above the one before it. The ranges
            rely on ascending ids; reading on could lose or repeat records.
    """
    kept: list[dict[str, Any]] = []
    for record in records:
        rid = int(record["id"])
        if (lo is not None and rid < lo) or (last is not None and rid <= last):
            raise ExportError(
                f"HubSpot's list cursor for id range {key} [{lo}, {hi}) returned id {rid} after "
                f"{last if last is not None else 'the start'}, not an ascending id in the range; "
                "export with parallel=1 instead"
            )
        if hi is not None and rid >= hi:
            return kept, True
        kept.append(record)
        last = rid
    return kept, False


# -- writing -------------------------------------------------------------------------------


class _Buffer:
    """What a stream read since its last part: Arrow batches, and records not yet converted."""

    __slots__ = ("batches", "records", "rows", "bytes", "state")

    def __init__(self) -> None:
        self.batches: list[pa.RecordBatch] = []
        self.records: list[dict[str, Any]] = []
        self.rows = 0
        self.bytes = 0
        self.state: dict[str, Any] = {}


class _Writer:
    """Turns pages into parts, checkpoints, and the merged file (runs in the caller's thread)."""

    def __init__(
        self,
        staging: Staging,
        plan: Plan,
        schema: pa.Schema,
        row_group_size: int,
        header: dict[str, Any],
        streams: int = 1,
    ):
        self.staging = staging
        self.plan = plan
        self.schema = schema
        self.row_group_size = row_group_size
        self.header = header
        # Streams that fill buffers at the same pace (range cursors) share one row group's
        # worth of memory, so peak memory does not grow with the number of cursors.
        self.part_rows = max(1, row_group_size // streams)
        self.part_bytes = BUFFER_BYTES // streams
        self.convert_records = max(100, CONVERT_RECORDS // streams)
        self.issues = frames.ParseIssues()  # unreadable cells of the whole export
        self.buffers: dict[str, _Buffer] = {}
        self.merger: Merger = staging.merger(schema, row_group_size)
        self.last_commit = time.monotonic()
        self.committing = False

    def add(self, key: str, records: list[dict[str, Any]], state: dict[str, Any]) -> None:
        """Buffer a page of stream ``key`` and its position after it; write a part when full."""
        buf = self.buffers.setdefault(key, _Buffer())
        buf.records += records
        buf.rows += len(records)
        buf.state.update(state)
        if len(buf.records) >= self.convert_records:
            self._convert(buf)
        if buf.rows >= self.part_rows or buf.bytes >= self.part_bytes:
            self.commit([key])

    def _convert(self, buf: _Buffer) -> None:
        if buf.records:
            batch = frames.to_batch(buf.records, self.schema, issues=self.issues)
            buf.batches.append(batch)
            buf.bytes += batch.nbytes
            buf.records = []

    def due(self) -> bool:
        return bool(self.buffers) and time.monotonic() - self.last_commit >= CHECKPOINT_SECONDS

    def commit(self, keys: list[str], done: tuple[str, ...] = ()) -> None:
        """Write the buffers of ``keys`` as parts, mark ``done`` streams, save the checkpoint."""
        self.committing = True
        fresh: dict[str, pa.Table] = {}
        for key in dict.fromkeys([*keys, *done]):
            buf = self.buffers.pop(key, None) or _Buffer()
            self._convert(buf)
            part = None
            if buf.rows:
                table = pa.Table.from_batches(buf.batches, schema=self.schema)
                part = self.staging.write_part(table, key)
                fresh[part] = table
            self.plan.commit(key, rows=buf.rows, part=part, state=buf.state, done=key in done)
        self.staging.save({**self.header, "rows": self.plan.rows, "plan": self.plan.to_json()})
        self.last_commit = time.monotonic()
        self.committing = False
        self.advance(fresh)

    def commit_all(self) -> None:
        if self.buffers:
            self.commit(list(self.buffers))

    def advance(self, fresh: dict[str, pa.Table] | None = None) -> None:
        """Append every part whose predecessors are all merged (fresh ones need no re-read)."""
        fresh = fresh or {}
        m = self.merger
        streams = self.plan.ordered()
        while m.stream_index < len(streams):
            s = streams[m.stream_index]
            fed = m.fed.get(s.key, 0)
            for name in s.parts[fed:]:
                m.feed(fresh[name] if name in fresh else self.staging.read_part(name, self.schema))
                fed += 1
                m.fed[s.key] = fed
            if not s.done:
                break
            m.stream_index += 1


def iter_export(
    resource: ObjectResource,
    path: Any,
    *,
    properties: Any = None,
    search: Any = None,
    associations: Any = None,
    archived: bool = False,
    progress: bool = True,
    resume: bool = True,
    parallel: int | None = None,
    row_group_size: int | None = None,
) -> Generator[ExportResult, None, ExportResult]:
    """:func:`export`, one step at a time: yields the running result after each page.

    Closing the generator early (or an exception in the loop that drives it)
    leaves a checkpoint that the next run resumes from. The generator's return
    value (``StopIteration.value``) is the final :class:`ExportResult`.
    Arguments are those of :func:`export`.
    """
    started = time.monotonic()
    hs = resource.client
    base = hs.stats.snapshot()
    target = _target(path)
    if row_group_size is None:
        row_group_size = DEFAULT_ROW_GROUP_SIZE
    row_group_size = check_count("row_group_size", row_group_size, 1)
    parallel = DEFAULT_PARALLEL if parallel is None else check_count("parallel", parallel, 1)
    archived, progress, resume = (
        check_flag(archived, "archived"), check_flag(progress, "progress"), check_flag(resume, "resume")
    )
    spec = _search_spec(resource, search)
    assoc = resource.association_types(associations)
    if spec is not None and (assoc or archived):
        raise InputError(
            "search results carry no associations and never archived records; "
            "export without search=, or without associations=/archived="
        )
    names = resource.names(properties, search=spec is not None)
    schema = resource.schema(names, assoc)
    params = {
        "object_type": resource.object_type, "properties": names, "associations": assoc, "archived": archived,
        "search": None if spec is None else {"filter_groups": spec[0], "query": spec[1]},
    }  # fmt: skip
    params = json.loads(json.dumps(params))
    header = {"target": target.name, "params": params, "schema": fingerprint(schema)}

    staging = Staging(target)
    staging.lock()
    writer: _Writer | None = None
    fetch: _Fetch | None = None
    bar = None
    try:
        saved = staging.load() if resume else None
        if not resume:
            staging.reset()
        total: int | None = None
        if saved is not None:
            _check_same(saved, header, staging)
            plan = Plan.from_json(saved["plan"])
            staging.keep_only({p for s in plan.streams for p in s.parts})
            log.info("resuming the export of %s from %d rows", target, plan.rows)
        else:
            staging.reset()
            plan, total = _make_plan(resource, spec, parallel, list_only=bool(assoc) or archived)
            staging.save({**header, "rows": 0, "plan": plan.to_json()})
        resumed = saved is not None
        if total is None and progress and not archived:
            total = (
                resource.count()
                if spec is None
                else _probe(resource, spec[0], spec[1], ends_too=False)[0]
            )

        if plan.mode == "ranges":
            workers = plan.cursors
        else:
            workers = max(1, parallel - (1 if plan.has_list else 0)) if plan.needs_search() else 0
        fetch = _Fetch(resource, plan, names, assoc, archived, spec, workers)
        streams = workers if plan.mode == "ranges" else 1
        writer = _Writer(staging, plan, schema, row_group_size, header, streams)
        writer.advance()
        from ._progress import progress as progress_bar

        bar = progress_bar(
            hs, f"export {resource.object_type}", total=total, enabled=progress, initial=plan.rows
        )
        rows = plan.rows
        pages = 0

        def snapshot(row_groups: int = 0) -> ExportResult:
            req, retries, wait = hs.stats.snapshot()
            return ExportResult(
                path=target, rows=rows, pages=pages, requests=req - base[0], retries=retries - base[1],
                wait_seconds=wait - base[2], elapsed=time.monotonic() - started, resumed=resumed,
                columns=list(schema.names), row_groups=row_groups, parallel=len(fetch.threads), total=total,
            )  # fmt: skip

        fetch.start()
        running = len(fetch.threads)
        while running:
            try:
                kind, key, payload, state = fetch.queue.get(timeout=0.2)
            except queue.Empty:
                if writer.due():
                    writer.commit_all()
                continue
            if kind == "exit":
                running -= 1
            elif kind == "error":
                raise _stopped(payload, writer, plan, target)
            elif kind == "done":
                writer.commit([], done=(key,))
                log.debug(
                    "export stream %s done after %.1f s: %d rows",
                    key,
                    time.monotonic() - started,
                    plan[key].rows,
                )
            else:
                writer.add(key, payload, state)
                pages += 1
                rows += len(payload)
                bar.update(len(payload))
                if writer.due():
                    writer.commit_all()
                yield snapshot()
        writer.commit_all()
        if (
            not plan.all_done()
        ):  # pragma: no cover - every thread exits only when its streams are done
            raise ExportError(
                f"the export of {target} stopped before reading everything; run it again to resume"
            )
        writer.advance()
        writer.issues.warn()
        staging.publish(writer.merger)
        result = snapshot(writer.merger.row_groups)
        log.info(
            "exported %d %s to %s in %.1f s",
            result.rows,
            resource.object_type,
            target,
            result.elapsed,
        )
        return result
    except BaseException:
        if fetch is not None:
            fetch.stop.set()
        if writer is not None and not writer.committing:
            # Whole pages are buffered with their positions: keeping them loses nothing.
            with contextlib.suppress(Exception):
                writer.commit_all()
        raise
    finally:
        if fetch is not None:
            fetch.close()
        if writer is not None:
            writer.merger.abandon()
        if bar is not None:
            bar.close()
        staging.unlock()


def _check_same(saved: dict[str, Any], header: dict[str, Any], staging: Staging) -> None:
    """Refuse to resume a checkpoint written for other parameters."""
    how = (
        f"To start over, pass resume=False (or delete {staging.checkpoint_path.name} and "
        f"{staging.dir.name} in {staging.dir.parent})."
    )
    old, new = saved.get("params") or {}, header["params"]
    differ = [k for k in new if old.get(k) != new[k]]
    if differ:
        shown = "; ".join(
            f"{k}: checkpoint has {old.get(k)!r:.120}, this call {new[k]!r:.120}" for k in differ
        )
        raise ExportError(
            f"an unfinished export of {staging.target.name} with different parameters exists ({shown}). {how}"
        )
    if saved.get("schema") != header["schema"]:
        raise ExportError(
            f"the property definitions changed since the unfinished export of {staging.target.name} "
            f"started (a column's type differs), so its parts cannot be combined. {how}"
        )


def _stopped(exc: BaseException, writer: _Writer, plan: Plan, target: Path) -> BaseException:
    """The error to raise when a fetch thread failed: everything read so far is kept first."""
    writer.commit_all()
    if isinstance(exc, HubFrameError):
        err = ExportError(
            f"the export of {target.name} stopped: {exc}. The {plan.rows} rows read so far are "
            "checkpointed; run the same export again (resume=True) to continue from there."
        )
        err.__cause__ = exc
        return err
    return exc


def read_parquet(path: Any, *, columns: list[str] | None = None) -> pd.DataFrame:
    """Read an exported file back as the DataFrame the operations return.

    Any Parquet reader (DuckDB, polars, Spark, ``pandas.read_parquet``) reads the
    file; this one also gives hubframe's dtypes (nullable ``Float64``, ``boolean``,
    ``string``, ``date32`` and list columns) rather than NumPy's ``float64`` and
    ``object``, so a read-back equals what ``get_all`` returned.

    Args:
        path: the ``.parquet`` file an export wrote.
        columns: read only these columns, in the order given.
    """
    import pyarrow.parquet as pq

    try:
        target = Path(path).expanduser()
    except TypeError:
        raise InputError(f"path={path!r:.100}: use the path of an exported file, e.g. 'contacts.parquet'") from None
    if not target.is_file():
        raise InputError(f"path={str(path)!r:.200}: no file there; export to it first, or check the path")
    if columns is not None and (
        isinstance(columns, str) or not all(isinstance(c, str) for c in columns)
    ):
        raise InputError(f"columns={columns!r:.100}: use a list of column names, e.g. ['id', 'email']")
    try:
        names = pq.read_schema(target).names
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{target} is not a readable Parquet file: {exc}") from None
    unknown = [c for c in columns or () if c not in names]
    if unknown:
        raise InputError(
            f"columns {unknown!r:.200} are not in {target.name}; it has {', '.join(names[:12])}"
            + (", ..." if len(names) > 12 else "")
        )
    try:
        table = pq.read_table(target, columns=columns)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{target} could not be read as Parquet: {exc}") from None
    return frames.batch_to_frame(table)


def export(
    resource: ObjectResource,
    path: Any,
    *,
    properties: Any = None,
    search: Any = None,
    associations: Any = None,
    archived: bool = False,
    progress: bool = True,
    resume: bool = True,
    parallel: int | None = None,
    row_group_size: int | None = None,
    on_page: Callable[[ExportResult], None] | None = None,
) -> ExportResult:
    """Stream every record (or a search's matches) of ``resource`` to one Parquet file.

    Args:
        resource: ``hs.contacts``, ``hs.companies`` or ``hs.deals`` (usually called as
            ``hs.contacts.export(path, ...)``).
        path: the ``.parquet`` file to write; replaced atomically when the export completes.
        properties: None (defaults), a list of names, or ``"all"``.
        search: export only matches: ``(field, value)``, ``(field, operator, value)``, or
            ``{"filters": [...], "query": "..."}`` as for ``search()``; past 10,000 too.
        associations: object types whose associated ids to add as list columns
            (exports with the list cursor alone: search does not return associations).
        archived: export archived records instead (list cursor alone).
        progress: show a progress bar (records, total, rate-limit waits).
        resume: continue an interrupted export of the same parameters from its checkpoint;
            False starts over.
        parallel: most concurrent streams (default :data:`DEFAULT_PARALLEL`): list cursors
            over id ranges, as many as the rate limit and latency make useful, or (when the
            server's cursor cannot be chosen) the list cursor plus ``parallel - 1`` id-range
            search workers; ``1`` is the list cursor alone (exact, sequential). A resumed
            export keeps the streams it started with.
        row_group_size: rows per Parquet row group (also how often progress is checkpointed).
        on_page: called with the running :class:`ExportResult` after each page (raising
            from it stops the export, resumably).

    Returns:
        An :class:`ExportResult` (path, rows, pages, requests, retries, wait_seconds,
        elapsed, resumed, columns).

    Raises:
        InputError / UnknownPropertyError: bad arguments, before any record is read.
        ExportError: a checkpoint from other parameters exists (start over with
            ``resume=False``), another export writes the same file, or a page failed
            after all retries (the checkpoint keeps everything read; run again to resume).

    Example:
        >>> res = hs.contacts.export("contacts.parquet", properties="all")  # doctest: +SKIP
        >>> res.rows, res.path  # doctest: +SKIP
    """
    steps: Iterator[ExportResult] = iter_export(
        resource, path, properties=properties, search=search, associations=associations, archived=archived,
        progress=progress, resume=resume, parallel=parallel, row_group_size=row_group_size,
    )  # fmt: skip
    try:
        while True:
            running = next(steps)
            if on_page is not None:
                on_page(running)
    except StopIteration as done:
        return done.value
    finally:
        steps.close()  # type: ignore[attr-defined]
