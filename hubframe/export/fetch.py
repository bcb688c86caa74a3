"""Reading: background threads that fetch pages into one bounded queue.

Fetching runs in background threads feeding a bounded queue; the calling
thread converts and writes (:mod:`.writer`), so network and CPU overlap.
Memory is bounded by the queue and the writer's buffers, never by the number
of records. Each thread runs one kind of stream of the plan (:mod:`.plan`):

* the list thread follows the list cursor (modes ``list`` and ``list+search``);
* range threads take range streams in ascending order and read each with a
  list cursor of its own, paced to the list cursors' share of the client's
  request window (:func:`~.planner.list_share`; mode ``ranges``); the plan's
  search streams take ranges too (all but the last) and read each with a search
  over the range, paced by the client's search limit;
* search threads take search chunks (mode ``search``) or claim them from the
  top of the id space (mode ``list+search``, :mod:`.claims`).

The queue carries :class:`Event` tuples: a page of records with the stream
position after it, a stream's end, a thread's exit, or the exception a thread
died of (the writer's thread raises it).
"""

from __future__ import annotations

import contextlib
import functools
import queue
import threading
import time
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from .._ratelimit import SlidingWindow
from ..errors import ExportError
from .claims import WAIT, Claims
from .plan import LIST, Plan, Stream
from .planner import pace_window

if TYPE_CHECKING:  # pragma: no cover
    from ..pagination import Page
    from ..resources import ObjectResource
    from .job import SearchSpec

__all__ = ["Event", "Fetch", "Read"]


class Read(Protocol):
    """What the fetch threads need of a read: an export's :class:`~.job.Job`, or a
    DataFrame read's arguments (:mod:`.collect`)."""

    @property
    def names(self) -> list[str]: ...
    @property
    def associations(self) -> list[str]: ...
    @property
    def archived(self) -> bool: ...
    @property
    def search(self) -> SearchSpec | None: ...
    @property
    def parallel(self) -> int: ...


#: What a list cursor's ``accept`` makes of a page: the records that belong to the stream,
#: the stream state to checkpoint with them, and whether the stream ends with this page.
Accepted = tuple[list[dict[str, Any]], dict[str, Any], bool]


class Event(NamedTuple):
    """One item of the queue between the fetch threads and the writer."""

    kind: str  # "page", "done" (a stream ended), "exit" (a thread ended) or "error"
    key: str = ""  # the stream ("page", "done")
    payload: Any = None  # "page": the records to keep; "error": the exception
    state: Any = None  # "page": the stream's position after these records


def _workers(plan: Plan, parallel: int) -> int:
    """Threads besides the list thread: range cursors, or search workers if search is needed."""
    if plan.mode == "ranges":
        return plan.cursors + plan.searchers
    if not plan.needs_search():
        return 0
    return max(1, parallel - (1 if plan.has_list else 0))


class Fetch:
    """The background threads of one run and the bounded queue between them and the writer.

    Args:
        resource: the object type exported.
        plan: the plan whose streams to read.
        job: the read's checked arguments (properties, associations, search).
    """

    def __init__(self, resource: ObjectResource, plan: Plan, job: Read):
        self.resource = resource
        self.plan = plan
        self.job = job
        self.groups: list[dict[str, Any]] = job.search.filter_groups if job.search else []
        self.query: str | None = job.search.query if job.search else None
        self.workers = _workers(plan, job.parallel)
        self.stop = threading.Event()
        # A few pages per stream: enough to keep every stream busy, small enough to bound memory.
        self.queue: queue.Queue[Event] = queue.Queue(maxsize=2 * (self.workers + 1) + 2)
        self.claims = Claims(plan, workers=self.workers, search_rate=resource.client.search_rate)
        self.pace: SlidingWindow | None = None
        #: HubSpot's match count from the first page of each search chunk (a search's total).
        self.totals: dict[str, int] = {}
        self.threads: list[threading.Thread] = []
        if plan.has_list and not plan[LIST].done:
            self._thread(self._list, "list")
        if plan.mode == "ranges":
            self._range_threads()
            return
        for i in range(self.workers):
            body = functools.partial(self._take_and_read, self.claims.next_chunk, self._read_chunk)
            self._thread(body, f"search-{i}")

    def _range_threads(self) -> None:
        """The list cursors and search streams of a ``ranges`` plan."""
        plan = self.plan
        self.pace = pace_window(self.resource, plan.searchers)
        by_list = functools.partial(plan.take, "range")
        by_search = plan.take_for_search
        for i in range(plan.cursors):
            body = functools.partial(self._take_and_read, by_list, self._read_range)
            self._thread(body, f"range-{i}")
        for i in range(plan.searchers):
            body = functools.partial(self._take_and_read, by_search, self._search_range)
            self._thread(body, f"range-search-{i}")

    def _thread(self, body: Callable[[], None], name: str) -> None:
        self.threads.append(
            threading.Thread(
                target=self._run, args=(body,), daemon=True, name=f"hubframe-export-{name}"
            )
        )

    def start(self) -> None:
        for thread in self.threads:
            thread.start()

    def events(self, idle: Callable[[], None]) -> Iterator[Event]:
        """The queue's pages, stream ends and errors until every thread exited.

        Args:
            idle: called whenever nothing arrived for a moment.
        """
        running = len(self.threads)
        while running:
            try:
                event = self.queue.get(timeout=0.2)
            except queue.Empty:
                idle()
                continue
            if event.kind == "exit":
                running -= 1
            else:
                yield event

    def close(self) -> None:
        """Ask every thread to stop; a thread inside a request finishes it first."""
        self.stop.set()
        for thread in self.threads:
            # Ctrl-C can land while start() is still starting them: join only those it started.
            if thread.ident is not None:
                thread.join(timeout=0.5)

    # -- in the threads --------------------------------------------------------------------

    def attach(self, records: list[dict[str, Any]]) -> None:
        """Give a page's records their associations (``associations=``), before it is queued.

        Every stream (list cursor, id ranges, search chunks) reads them the same way, with
        the association batch read of the page's ids, so an export with associations keeps
        the fast plans; a page and its associations go into the same part, which keeps the
        export resumable and each record written once.
        """
        if self.job.associations and records:
            self.resource.attach_associations(records, self.job.associations)

    def _put(self, event: Event) -> bool:
        """Queue ``event``, waiting while the queue is full; False when stopped."""
        while not self.stop.is_set():
            try:
                self.queue.put(event, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def _run(self, body: Callable[[], None]) -> None:
        try:
            body()
        except BaseException as exc:  # handed to the writer, which raises it
            self._put(Event("error", payload=exc))
        finally:
            self._put(Event("exit"))

    def _take_and_read(
        self, take: Callable[[], Stream | None | object], read: Callable[[Stream], None]
    ) -> None:
        """Read the streams ``take`` hands out until there are none (or the run stops)."""
        while not self.stop.is_set():
            stream = take()
            if stream is None:
                return
            if stream is WAIT:
                self.stop.wait(0.2)  # the list may come into range of a claim, or finish
                continue
            assert isinstance(stream, Stream)
            read(stream)

    def _follow(
        self,
        key: str,
        pages: Generator[Page, None, None],
        accept: Callable[[Page], Accepted],
        pace: SlidingWindow | None = None,
    ) -> bool:
        """Queue a list cursor's pages until ``accept`` says the stream ends; False when stopped."""
        with contextlib.closing(pages):
            while True:
                if pace is not None:
                    pace.acquire()  # before the request that next() sends
                page = next(pages, None)
                if page is None:
                    break
                if self.stop.is_set():
                    return False
                kept, state, end = accept(page)
                self.attach(kept)
                if kept:
                    state["last_id"] = str(kept[-1]["id"])
                if end:
                    # Saved with the stream's last part: a checkpoint holding ``after: None``
                    # must never look like a cursor to restart from the first record.
                    state["done"] = True
                if not self._put(Event("page", key, kept, state)):
                    return False
                if end:
                    break
        return True

    def _list(self) -> None:
        stream = self.plan[LIST]
        self.claims.list_begin()

        def accept(page: Page) -> Accepted:
            kept, finished = self.claims.list_accept(page.results)
            return kept, {"after": page.after}, finished or page.after is None

        job = self.job
        # No embedded associations: every stream reads them alike, in attach().
        pages = self.resource.iter_pages(names=job.names, archived=job.archived, after=stream.after)
        if self._follow(LIST, pages, accept):
            self.plan.fetched(LIST)  # no chunk may be claimed any more
            self._put(Event("done", LIST))

    def _read_range(self, stream: Stream) -> None:
        """Read one id range with a list cursor started at its first id."""
        hi = int(stream.hi) if stream.hi is not None else None
        within = _range_check(stream)

        def accept(page: Page) -> Accepted:
            kept, finished = within(page.results)
            # The next cursor is the next record's id (checked at plan time): at or
            # past hi, nothing more of this range exists.
            end = finished or page.after is None or _at_or_past(stream.key, page.after, hi)
            return kept, {}, end

        pages = self.resource.iter_pages(names=self.job.names, after=stream.start_cursor())
        if self._follow(stream.key, pages, accept, self.pace):
            self._put(Event("done", stream.key))

    def _search_range(self, stream: Stream) -> None:
        """Read one id range with a search by key, from its last id written up to ``hi``."""
        within = _range_check(stream)
        start = stream.start_cursor()  # the first id to read; the search key is "above"
        floor = str(int(start) - 1) if start is not None else None

        def accept(page: Page) -> Accepted:
            kept, finished = within(page.results)
            return kept, {}, finished or page.after is None

        pages = self.resource.iter_search_pages(
            _below(self.groups, stream.hi), self.job.names, query=self.query, floor=floor
        )
        if self._follow(stream.key, pages, accept):
            self._put(Event("done", stream.key))

    def _read_chunk(self, chunk: Stream) -> None:
        """Read one search chunk, past 10,000 too, from its last id written."""
        # The chunk's lower bound is where its key starts (above lo - 1); its upper
        # bound is one more filter in each group.
        groups = _below(self.groups, chunk.hi)
        start = chunk.floor
        if start is None and chunk.lo is not None:
            start = str(int(chunk.lo) - 1)
        pages = self.resource.iter_search_pages(
            groups, self.job.names, query=self.query, floor=start
        )
        with contextlib.closing(pages):
            clock = time.monotonic()
            for page in pages:
                if self.stop.is_set():
                    return
                self.claims.search_page(chunk.key, len(page.results), time.monotonic() - clock)
                if page.total is not None:
                    self.totals.setdefault(chunk.key, page.total)
                state = {"floor": str(page.results[-1]["id"])} if page.results else {}
                self.attach(page.results)
                if not self._put(Event("page", chunk.key, page.results, state)):
                    return
                clock = time.monotonic()  # time spent waiting on the queue is not search time
        self.plan.fetched(chunk.key)
        self._put(Event("done", chunk.key))


def _below(groups: list[dict[str, Any]], hi: str | None) -> list[dict[str, Any]]:
    """``groups`` with ``hs_object_id < hi`` added to each (groups are ORed)."""
    if hi is None:
        return [dict(g, filters=list(g.get("filters") or [])) for g in groups]
    extra = [{"propertyName": "hs_object_id", "operator": "LT", "value": hi}]
    if not groups:
        return [{"filters": extra}]
    return [dict(g, filters=list(g.get("filters") or []) + extra) for g in groups]


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


def _range_check(stream: Stream) -> Callable[[list[dict[str, Any]]], tuple[list[Any], bool]]:
    """The check of a range stream's pages, page after page (see :func:`_in_range`)."""
    lo = int(stream.lo) if stream.lo is not None else None
    hi = int(stream.hi) if stream.hi is not None else None
    last = int(stream.last_id) if stream.last_id is not None else None

    def within(records: list[dict[str, Any]]) -> tuple[list[Any], bool]:
        nonlocal last
        kept, finished = _in_range(stream.key, records, lo, hi, last)
        if kept:
            last = int(kept[-1]["id"])
        return kept, finished

    return within


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
