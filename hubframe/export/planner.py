"""Choosing a plan: how many streams read an export, and of which kind.

A single list cursor is latency-bound: at ~150 ms per request it sends about
6 requests a second, a third of a 190/10 s budget. So with ``parallel > 1``
(the default) a plain export cuts the ``hs_object_id`` span into ranges and
reads them with several list cursors at once (mode ``ranges``), each started
at ``after=<first id of its range>``. HubSpot documents ``after`` as the id of
the next record, and three small requests check at plan time that the server
reads it so (:func:`check_cursor`). How many cursors run follows from the
client's rate limit and the measured time per request (:func:`cursor_count`);
together they send at most :data:`RANGE_SHARE` of the client's request window.
Every page of a range must hold ascending ids inside the range, or the export
stops with :class:`~hubframe.errors.ExportError` (:mod:`.fetch`).

HubSpot limits search apart from the request window (5 a second, 200 records a
page), so a plain read of live records also takes a few of the ranges with
search streams (:func:`search_count`): both budgets are then used, each within
:data:`RANGE_SHARE`. When the client counts searches against its request window
too (``HubSpot(search_in_rate_limit=True)``, the default), the list cursors leave
the searches' share of the window to them (:func:`list_share`); search still pays,
with twice the records per request. Reads with many properties (whose search
body would be too long, so search would read the records by batch read from the
same window) take no search streams.

If the check fails (the cursor is opaque, a chosen cursor is refused or lands
elsewhere), or one cursor already fills the window, the export logs why and
runs the list cursor from the bottom of the id space with ``parallel - 1``
search workers claiming ranges from the top (mode ``list+search``, see
:mod:`.claims`). All requests share the client's rate limiter, so search stays
within HubSpot's 5 requests per second and everything within the burst limit.

Trade-off of search streams: HubSpot's search index lags writes by a few
moments and never holds archived records. A record created or changed in the
seconds before its range is read may be missing or show its previous values,
exactly as if it had changed just after being read. List cursors (one or
several) have no such lag. ``parallel=1`` exports with one list cursor alone,
and exports with ``archived=True`` always do. Exports with ``associations`` take any
plan: every stream reads its pages' associations with the association batch read.

A search export (``search=``) is cut into chunks of about
:data:`CHUNK_RECORDS` matches at the start, read by ``parallel`` workers.
"""

from __future__ import annotations

import logging
import math
import time
from typing import TYPE_CHECKING, Any

from .._ratelimit import SlidingWindow
from ..errors import HubFrameError
from ..pagination import next_cursor
from .plan import Plan

if TYPE_CHECKING:  # pragma: no cover
    from ..resources import ObjectResource
    from .job import SearchSpec

__all__ = [
    "CHUNK_RECORDS",
    "DEFAULT_PARALLEL",
    "RANGE_SHARE",
    "check_cursor",
    "cursor_count",
    "list_share",
    "pace_window",
    "make_plan",
    "match_count",
    "probe",
    "search_count",
]

log = logging.getLogger("hubframe")

#: Most streams of a plain read: list cursors over id ranges and the search streams beside
#: them (at 150 ms and 190/10 s: 4 cursors and 2 search streams), or the list cursor plus
#: this many minus one search workers.
DEFAULT_PARALLEL = 6
#: Records per chunk a search export's id range is cut into (about 20 search pages).
CHUNK_RECORDS = 4_000
#: Below this many records a plain export reads with the list cursor alone.
MIN_SPLIT_RECORDS = 1_000
#: Most chunks or ranges of one plan (the checkpoint names each).
MAX_CHUNKS = 2_000
#: Range streams: a quarter more cursors than the request rate needs (see
#: :func:`cursor_count`), the most cursors, and how the id span is cut (several ranges per
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
MIN_RANGE_RECORDS = 1_000
#: Search streams over ranges: twice as many as the search limit needs at the measured
#: latency (a search page of 200 takes longer than the check's small list pages), and
#: the most of them.
SEARCH_HEADROOM = 2.0
MAX_SEARCHERS = 3
#: HubSpot: at most 6 filters per group and 18 in all; a search chunk adds 2 to each group:
#: its upper bound (``hs_object_id < hi``) and the key every search page carries
#: (``hs_object_id > last id read``, which also holds the chunk's lower bound).
FILTERS_PER_GROUP, FILTERS_TOTAL, RANGE_COST = 6, 18, 2


def make_plan(
    resource: ObjectResource,
    spec: SearchSpec | None,
    parallel: int,
    list_only: bool,
    *,
    names: list[str] | None = None,
) -> tuple[Plan, int | None]:
    """A fresh plan and the record total when a probe told it.

    Args:
        resource: the object type exported.
        spec: the search of a search export; None for a plain export.
        parallel: most streams at once.
        list_only: read with the list cursor alone (archived records).
        names: the properties read; given, range plans may add search streams (when
            their search body fits).
    """
    if spec is None:
        if list_only or parallel == 1:
            return Plan.list_only(), None
        # The probe first, the cursor check (three list requests) only for a read worth
        # splitting: a small read (most of a notebook's) then costs one search before its
        # pages, and a large one a round trip more than running the two side by side.
        total, lo, hi = probe(resource, [], None, enough=MIN_SPLIT_RECORDS - 1)
        if total < MIN_SPLIT_RECORDS:
            return Plan.list_only(), total
        checked = check_cursor(resource)
        searchable = names is not None and not resource.search_reads_by_ids([], names)
        ranges = _range_plan(resource, parallel, total, (lo, hi), checked, searchable)
        if ranges is not None:
            return ranges, total
        return Plan.list_and_search(lo, hi, total), total
    groups, query = spec
    if parallel == 1 or not _can_split(groups):
        return Plan.single_search(), None
    total, lo, hi = probe(resource, groups, query, enough=CHUNK_RECORDS)
    if total <= CHUNK_RECORDS:
        return Plan.single_search(), total
    chunks = min(MAX_CHUNKS, max(parallel, math.ceil(total / CHUNK_RECORDS)))
    return Plan.search_chunks(lo, hi, chunks, total), total


def match_count(resource: ObjectResource, spec: SearchSpec | None) -> int:
    """How many records a plain export (or a search export's matches) holds, for the bar."""
    if spec is None:
        return resource.count()
    return probe(resource, spec.filter_groups, spec.query, ends_too=False)[0]


def probe(
    resource: ObjectResource,
    groups: list[dict[str, Any]],
    query: str | None,
    *,
    ends_too: bool = True,
    enough: int | None = None,
) -> tuple[int, int, int]:
    """(total, lowest id, highest id) of the matches, from two 1-result searches (one for the total).

    ``enough``: when the first search counts at most this many, the second is not sent
    (the read will not be cut into ranges; the highest id is then the lowest).
    """
    hs = resource.client
    ends = []
    total = 0
    for direction in ("ASCENDING", "DESCENDING") if ends_too else ("ASCENDING",):
        body: dict[str, Any] = {
            "filterGroups": groups, "limit": 1, "properties": ["hs_object_id"],
            "sorts": [{"propertyName": "hs_object_id", "direction": direction}],
        }  # fmt: skip
        if query:
            body["query"] = query
        path = hs.paths.search(resource.object_type)
        data = hs.request_json("POST", path, json=body, kind="search") or {}
        results = data.get("results") or []
        if direction == "ASCENDING":
            total = int(data.get("total") or 0)
        if not results:
            return 0, 0, 0
        ends.append(int(results[0]["id"]))
        if enough is not None and total <= enough:
            break  # a search costs a fifth of a second of HubSpot's search limit
    return (total, ends[0], ends[-1])


def _can_split(groups: list[dict[str, Any]]) -> bool:
    """Whether an id range still fits HubSpot's filter limits on every group."""
    counts = [len(g.get("filters") or []) for g in groups] or [0]
    return (
        max(counts) + RANGE_COST <= FILTERS_PER_GROUP
        and sum(c + RANGE_COST for c in counts) <= FILTERS_TOTAL
    )


# -- range streams -----------------------------------------------------------------------------


def _first_ids(
    resource: ObjectResource, limit: int, after: str | None = None
) -> tuple[list[int], Any]:
    """The ids of one small list page (and its raw answer), as sent."""
    params: dict[str, Any] = {"limit": limit, "archived": "false", "properties": "hs_object_id"}
    if after is not None:
        params["after"] = after
    hs = resource.client
    data = hs.request_json("GET", hs.paths.objects(resource.object_type), params=params) or {}
    return [int(r["id"]) for r in data.get("results") or []], data


def check_cursor(resource: ObjectResource) -> tuple[str | None, float]:
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


def cursor_count(resource: ObjectResource, parallel: int, seconds: float) -> int:
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


def search_count(resource: ObjectResource, seconds: float) -> int:
    """How many search streams fill the client's search limit at ``seconds`` per request."""
    rate = RANGE_SHARE * resource.client.search_rate
    return max(1, min(MAX_SEARCHERS, math.ceil(SEARCH_HEADROOM * rate * seconds)))


def list_share(resource: ObjectResource, searchers: int) -> int:
    """Requests per window the list cursors of a range plan may send.

    :data:`RANGE_SHARE` of the client's window; less the searches' share of it when the
    client counts searches against the window too (they are paced by the search limit).
    """
    limit, period = resource.client.rate_limit
    share = RANGE_SHARE * limit
    if searchers and resource.client.search_in_rate_limit:
        share -= resource.client.search_rate * period
    return max(1, int(share))


#: The list cursors' pace is counted over this many seconds (or the client's period, if
#: shorter): their share of the window spread evenly. A pace over the whole window would
#: let them send it in the first seconds (4 cursors at 150 ms: the share in 7 of 10 s)
#: and then stall until it slides, which is where a read of 10 to 20 s spends its end.
PACE_SECONDS = 2.0


def pace_window(resource: ObjectResource, searchers: int) -> SlidingWindow:
    """The window the list cursors (or parallel batch reads) of one read wait on."""
    period = resource.client.rate_limit[1]
    seconds = min(PACE_SECONDS, period)
    return SlidingWindow(max(1, int(list_share(resource, searchers) * seconds / period)), seconds)


def _range_plan(
    resource: ObjectResource,
    parallel: int,
    total: int,
    span: tuple[int, int],
    checked: tuple[str | None, float],
    searchable: bool,
) -> Plan | None:
    """Range streams over ``span``, if the server honours chosen cursors and several pay.

    ``searchable``: the read may also take ranges with search streams, as many as
    ``parallel`` leaves room for besides the list cursors.
    """
    lo, hi = span
    why, seconds = checked
    if why is not None:
        log.info("export: reading with one list cursor and search streams: %s", why)
        return None
    cursors = cursor_count(resource, parallel, seconds)
    if cursors < 2:
        log.info(
            "export: one list cursor fills the request window (%.0f ms per request); "
            "reading with it and search streams", seconds * 1000,
        )  # fmt: skip
        return None
    searchers = min(search_count(resource, seconds), parallel - cursors) if searchable else 0
    streams = cursors + searchers
    wanted = min(RANGES_PER_CURSOR * streams, total // MIN_RANGE_RECORDS)
    ranges = min(MAX_CHUNKS, max(streams, wanted))
    log.info(
        "read: %d list cursors and %d search streams over %d id ranges (%.0f ms per request)",
        cursors, searchers, ranges, seconds * 1000,
    )  # fmt: skip
    return Plan.list_ranges(lo, hi, ranges, total, cursors, searchers)
