"""Records already encoded as JSON: what a list or search page is made of, kept between reads.

Rendering a record (its properties in order, the computed ones, the timestamps) and
encoding it is most of the sandbox's CPU per page. A portal that is read again (a test
suite's session sandbox, a benchmark's contenders one after another) asks for the same
records with the same property names, so each record's encoded form is kept, per object
type, names and ``nulls``, as an ``orjson.Fragment`` that the page's JSON embeds as is.
A record is encoded on its own only when it is read a second time (the first read only
notes it): encoding records one by one costs more than encoding a page at once, which a
portal read once would pay for nothing.

Everything kept is valid for one portal :attr:`~hubframe.sandbox.state.PortalState.version`
(a number every write changes: records, associations, archiving): the first read after
any write starts over, so nothing stale is ever served. The bytes kept are bounded: once
the budget is spent, what is kept stays (until the next write) and other records are
served as on a first read, so a portal larger than the budget is not encoded over and
over.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import orjson

from .records import Record

__all__ = ["EncodedRecords", "BUDGET_BYTES"]

#: The encoded bytes kept at most (about 25,000 contacts with every property).
BUDGET_BYTES = 64 * 2**20


#: What a record read once (not encoded yet) counts against the budget: its dict entry.
_SEEN_BYTES = 40


class EncodedRecords:
    """The encoded records of one portal version (the store's lock is held by callers)."""

    def __init__(self, budget: int = BUDGET_BYTES) -> None:
        self.budget = budget
        self._version: object = None
        self._bytes = 0
        # key -> record id -> its fragment, or None once read (and rendered) one time
        self._kept: dict[tuple[Any, ...], dict[int, orjson.Fragment | None]] = {}

    def page(
        self,
        key: tuple[Any, ...],
        records: Iterable[Record],
        render: Callable[[Record], dict[str, Any]],
        version: object,
    ) -> list[Any]:
        """Each record rendered, or as the fragment this version encoded before under
        ``key`` (object type, names, nulls); a record read before is encoded and kept."""
        if version != self._version:
            self.clear()
            self._version = version
        kept = self._kept.setdefault(key, {})
        room = self._bytes < self.budget
        out: list[Any] = []
        for rec in records:
            rid = rec.id
            fragment = kept.get(rid)
            if fragment is not None:  # read before, encoded: reused
                out.append(fragment)
            elif rid in kept and room:  # read a second time: encoded and kept
                data = orjson.dumps(render(rec))
                self._bytes += len(data)
                fragment = kept[rid] = orjson.Fragment(data)
                out.append(fragment)
            else:  # the first read (or the budget is spent): rendered as usual, noted
                if room and rid not in kept:
                    kept[rid] = None
                    self._bytes += _SEEN_BYTES
                out.append(render(rec))
        return out

    def clear(self) -> None:
        self._kept.clear()
        self._bytes = 0
