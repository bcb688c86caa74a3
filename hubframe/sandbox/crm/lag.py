"""Search that lags writes: HubSpot's search index shows new and changed records late.

HubSpot's docs say new or updated records appear in search "with a delay" (facts
§2.8). A :class:`DelayedIndex` is what search sees of one table when the sandbox
has a search lag: a replica of the table that takes each write only once it is
``lag`` seconds old. Until then a created record is not found, an update is not
seen (filters and returned values use the old values) and an archived record is
still returned. Gets, lists and batch reads read the table itself and see every
write at once. Associations are not delayed.

The replica starts by sharing the table's record objects; just before the table
changes a shared record, :meth:`DelayedIndex.before_change` gives the replica a
copy of it, so the replica keeps what search still shows. Every write is queued as
a copy of the record after it, and :meth:`DelayedIndex.current` (called at the
start of each search, under the store's lock) applies the ones whose time has come.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

from .records import ObjectTable, Record, copy_record

__all__ = ["DelayedIndex"]


class DelayedIndex:
    """One table as search sees it, ``lag`` seconds behind its writes.

    Args:
        table: the table whose writes are delayed; the index listens to it
            (:attr:`ObjectTable.observer`) until :meth:`detach`.
        lag: seconds between a write and search seeing it (changeable: :attr:`lag`).
        clock: the time source (``time.monotonic``).
    """

    def __init__(
        self, table: ObjectTable, lag: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.table = table
        self.lag = lag
        #: changes whenever search's view changes (search caches key on it)
        self.version = 0
        self._clock = clock
        self._queue: deque[tuple[float, Record]] = deque()  # (written at, record after it)
        self.replica = table.replica(on_write=self._changed)
        table.observer = self

    def _changed(self) -> None:
        self.version += 1

    def before_change(self, rec: Record) -> None:
        """Keep the state search still shows when the table is about to change a shared record."""
        if self.replica.records.get(rec.id) is rec:
            self.replica.records[rec.id] = copy_record(rec)

    def after_change(self, rec: Record) -> None:
        """Queue a write: search sees it once it is ``lag`` seconds old."""
        self._queue.append((self._clock(), copy_record(rec)))

    @property
    def pending(self) -> int:
        """Writes search does not see yet."""
        return len(self._queue)

    def current(self) -> ObjectTable:
        """The replica with every write older than the lag applied: what search sees now."""
        due = self._clock() - self.lag
        queue = self._queue
        while queue and queue[0][0] <= due:
            self.replica.put(queue.popleft()[1])
        return self.replica

    def detach(self) -> None:
        """Stop listening to the table (search then reads the table itself)."""
        if self.table.observer is self:
            self.table.observer = None
