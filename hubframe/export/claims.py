"""Who reads which ids: the list cursor from the bottom, search workers claiming from the top.

In a ``list+search`` plan the list stream reads from the bottom of the id space
while search workers claim ranges from the top (``[min, max]`` from two
1-result searches) downwards. A claim is the range just below the lowest one
claimed so far, ``[lo, boundary)``; the list keeps only ids below the lowest
claim, and a claim never reaches below what the list has read. So every id
belongs to exactly one stream.

Each claim is sized from the measured speeds so that search finishes it (and
what it holds already) before the list would get to ``lo``: at most
:data:`Claims.CLAIM_RECORDS` records, fewer near the meeting point, none once
the list is about to get there. The two ends meet where both finish together;
at low latency the list is fast and search hardly claims anything. The first
claim (the top, unbounded above) is read last, so that records created just
before the export have had time to reach the search index.

A ``search`` plan's chunks are all cut at the start; :meth:`Claims.next_chunk`
hands them out in ascending order and claims nothing.
"""

from __future__ import annotations

import time
from typing import Any

from ..errors import ExportError
from .plan import LIST, Plan, Stream

__all__ = ["WAIT", "Claims"]

#: What :meth:`Claims.next_chunk` returns when a worker should ask again shortly.
WAIT = object()


class _Rates:
    """Live throughput of the list cursor and of the search workers."""

    #: Assumed before any search page arrived: a by-ids page, at a modest pace.
    PRIOR_PAGE_SECONDS = 0.3
    PRIOR_PAGE_RECORDS = 100.0

    def __init__(self, workers: int, search_rate: float) -> None:
        self.list_started: float | None = None
        self.list_rows = 0
        self.list_pages = 0
        self.page_seconds = self.PRIOR_PAGE_SECONDS
        self.page_records = self.PRIOR_PAGE_RECORDS
        self.workers = workers
        self.search_rate = search_rate  # search requests per second allowed (the client's limiter)

    def list_per_second(self, now: float) -> float | None:
        """Records/s of the list cursor, once it has run half a second and read 2 pages (None before)."""
        if self.list_started is None or now - self.list_started < 0.5 or self.list_pages < 2:
            return None
        return self.list_rows / (now - self.list_started)

    def search_per_second(self) -> float:
        """Records/s the search workers can deliver: limited by the search rate or their pace."""
        pages = min(0.9 * self.search_rate, self.workers / max(self.page_seconds, 1e-3))
        return pages * self.page_records

    def page(self, seconds: float, records: int) -> None:
        # An exponential moving average follows changes (a slow stretch) without jumping.
        self.page_seconds += 0.2 * (seconds - self.page_seconds)
        if records:
            self.page_records += 0.2 * (records - self.page_records)


class Claims:
    """The rules by which the list stream and the search workers of one run share the ids.

    Thread-safe (through the plan's lock): the list thread calls
    :meth:`list_accept`, search workers :meth:`next_chunk` and :meth:`search_page`.

    Args:
        plan: the plan of the run.
        workers: search workers reading at once.
        search_rate: search requests a second the client allows.
    """

    #: Most records one claim takes (about 20 search pages); near the meeting point claims shrink.
    CLAIM_RECORDS = 4_000
    #: Fewest records worth a claim (one search page).
    MIN_CLAIM_RECORDS = 200
    #: Search joins in only if it could take at least this share of the records. Below it
    #: (low latency: the list cursor is fast and the client busy converting) search would
    #: add CPU work and an end where the list waits for the slower search.
    MIN_SEARCH_SHARE = 0.1

    def __init__(self, plan: Plan, *, workers: int = 1, search_rate: float = 5.0):
        self.plan = plan
        self.rates = _Rates(max(1, workers), search_rate)
        self.lock = plan.lock
        last = plan[LIST].last_id if plan.has_list else None
        self._list_pos: int | None = int(last) if last is not None else None

    # -- the list stream -------------------------------------------------------------------

    def list_begin(self) -> None:
        """The list thread starts (its speed is measured from here)."""
        with self.lock:
            self.rates.list_started = time.monotonic()

    def list_accept(self, records: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], bool]:
        """The records of a list page that belong to the list stream, and whether it is finished.

        Raises:
            ExportError: the list returned ids out of ascending order, which the
                division into id ranges relies on (``parallel=1`` does not).
        """
        with self.lock:
            bound = self._boundary()
            checked = self.plan.mode == "list+search"
            kept: list[dict[str, Any]] = []
            finished = False
            for record in records:
                rid = int(record["id"])
                if checked and self._list_pos is not None and rid <= self._list_pos:
                    raise ExportError(
                        f"HubSpot listed records out of id order ({rid} after {self._list_pos}); "
                        "export with parallel=1 instead"
                    )
                if bound is not None and rid >= bound:
                    finished = True
                    break
                kept.append(record)
                self._list_pos = rid
            self.rates.list_rows += len(records)
            self.rates.list_pages += 1
            if finished:
                self.plan.fetched(LIST)
            return kept, finished

    # -- search chunks ---------------------------------------------------------------------

    def search_page(self, key: str, records: int, seconds: float) -> None:
        """A search worker read a page of ``records`` in ``seconds``."""
        with self.lock:
            self.plan[key].live_rows += records
            self.rates.page(seconds, records)

    def next_chunk(self) -> Stream | None | object:
        """The next search chunk to read; :data:`WAIT` to ask again soon; None when done."""
        plan = self.plan
        with self.lock:
            # Chunks claimed already (resumed, or a search export), except the one read last.
            chunk = plan.take("search", skip=plan.top)
            if chunk is None:
                chunk = self._claim_to_read()  # new claims, downwards from the top
            if chunk is None:
                chunk = plan.take("search")  # the top chunk, last
            if chunk is not None:
                return chunk
            return WAIT if plan.list_open() else None

    def _claim_to_read(self) -> Stream | None:
        """A new claim for a worker to read now, while search would finish it first."""
        while self.plan.list_open():
            s = self._claim()
            if s is None:
                return None
            if s.key != self.plan.top:  # the top chunk is claimed first but read last
                s.taken = True
                return s
        return None

    def _boundary(self) -> int | None:
        """The lowest claimed chunk's lower bound: the list keeps only ids below it."""
        los = [int(s.lo) for s in self.plan.chunks if s.lo is not None]
        return min(los) if los else None

    def _claim(self) -> Stream | None:
        """Claim ``[lo, boundary)`` sized so search finishes it before the list gets to ``lo``."""
        plan = self.plan
        assert plan.span is not None
        list_rate = self.rates.list_per_second(time.monotonic())
        if list_rate is None:
            return None  # not measured yet
        search_rate = self.rates.search_per_second()
        if search_rate < self.MIN_SEARCH_SHARE * (list_rate + search_rate):
            return None
        bound = self._boundary()
        upper = bound if bound is not None else plan.span[1] + 1
        pos = self._list_pos if self._list_pos is not None else plan.span[0] - 1
        d = max(plan.density, 1e-9)
        pending = sum(
            max(0, c.estimate - c.rows - c.live_rows)
            for c in plan.chunks
            if not c.done and not c.fetched
        )
        # The list reaches lo after (lo - pos)·d/L seconds; search finishes after
        # (pending + (upper - lo)·d)/S. Claim the widest range with the first larger.
        lowest = (pending / search_rate + upper * d / search_rate + pos * d / list_rate) / (
            d / list_rate + d / search_rate
        )
        lo = max(int(lowest) + 1, pos + 1, upper - int(self.CLAIM_RECORDS / d))
        estimate = round((upper - lo) * d)
        if estimate < self.MIN_CLAIM_RECORDS:
            return None
        first = bound is None
        s = Stream(
            f"c{len(plan.chunks)}",
            "search",
            lo=str(lo),
            hi=None if first else str(upper),
            estimate=estimate,
        )
        plan.add_claim(s, top=first)
        return s
