"""The plan of an export: its streams, where each one stands, and how the plan is saved.

Three kinds of stream read records, all through the one paginator:

* the **list stream** (key ``list``) follows the list endpoint's ``after``
  cursor from the first record upwards (ascending ``hs_object_id``);
* **search chunks** (keys ``c0``, ``c1``, ...) each read one ``hs_object_id``
  range ``[lo, hi)`` with the search endpoint (windowed past 10,000 by
  ``iter_search_pages``);
* **range streams** (keys ``r0``, ``r1``, ...) each read one ``hs_object_id``
  range ``[lo, hi)`` with a list cursor of their own, started at ``after=lo``
  and stopped at ``hi``, or (taken by one of the plan's ``searchers``) with a
  search over the same range, so that reads use HubSpot's search limit besides
  its request window. Either way a range's position is its last id written.

A plan has one of four modes (:mod:`.planner` chooses which):

``list``
    the list stream alone: ``parallel=1``, ``archived=True`` or a small portal.
``ranges``
    the id span cut into equal ranges at the start, a few list cursors taking
    them in ascending order, and ``searchers`` search streams taking them too
    (never the last range, which holds the records created during the read and
    is read by a list cursor, which has no index lag). HubSpot documents the list endpoint's ``after`` as
    the id of the next record, and the planner checks that the server honours
    a cursor it did not hand out before relying on it. A range resumes at
    ``after=last id + 1`` (the next record, by the same rule).
``list+search``
    the list stream from the bottom of the id space and search chunks claimed
    from the top while it runs (how claims are sized: :mod:`.claims`).
``search``
    a search export: the matches' id range cut into equal chunks at the start,
    read in ascending order (or one chunk over every match).

The plan is saved in the checkpoint; positions are the *committed* ones (after
the last part written), so a resumed plan re-reads only what was not kept.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import ExportError
from .staging import PART_NAME

__all__ = ["LIST", "MODES", "Plan", "Stream"]

#: Key of the list stream.
LIST = "list"
MODES = ("list", "list+search", "search", "ranges")


@dataclass
class Stream:
    """One stream of an export: the list cursor, a search id range, or a list-cursor id range."""

    key: str
    kind: str  # "list", "search" or "range"
    lo: str | None = None  # search, range: hs_object_id >= lo (None: unbounded)
    hi: str | None = None  # search, range: hs_object_id < hi (None: unbounded)
    estimate: int = 0  # search: records expected in the range, from the probe
    # Committed position, saved in the checkpoint.
    after: str | None = None  # list: the cursor of the next page
    floor: str | None = None  # search: the last id written
    last_id: str | None = None  # list, range: the last id written
    done: bool = False
    rows: int = 0
    parts: list[str] = field(default_factory=list)
    # Live state of this run (not saved).
    taken: bool = field(default=False, repr=False)
    fetched: bool = field(default=False, repr=False)
    live_rows: int = field(default=0, repr=False)

    _SAVED = ("key", "kind", "lo", "hi", "estimate", "after", "floor", "last_id", "done", "rows")

    def start_cursor(self) -> str | None:
        """Range streams: the ``after`` to read from (the record after the last one written)."""
        if self.last_id is not None:
            return str(int(self.last_id) + 1)
        return self.lo

    def to_json(self) -> dict[str, Any]:
        return {**{k: getattr(self, k) for k in self._SAVED}, "parts": list(self.parts)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Stream:
        """The stream :meth:`to_json` saved.

        Raises:
            ValueError: a field is missing or not of the type it is saved as (the
                message names it).
        """
        if not isinstance(data, dict):
            raise ValueError(f"a stream is {data!r:.60}, not an object")
        missing = [k for k in (*cls._SAVED, "parts") if k not in data]
        if missing:
            raise ValueError(f"a stream has no {', '.join(map(repr, missing))}")
        key = data["key"]
        for name, check, shown in _STREAM_FIELDS:
            if not check(data[name]):
                raise ValueError(
                    f"stream {key!r:.40}'s {name!r} is {data[name]!r:.60}, not {shown}"
                )
        parts = data["parts"]
        if not isinstance(parts, list) or not all(
            isinstance(p, str) and PART_NAME.fullmatch(p) for p in parts
        ):
            raise ValueError(f"stream {key!r}'s 'parts' is {parts!r:.80}, not a list of part names")
        stream = cls(**{k: data[k] for k in cls._SAVED})
        stream.parts = list(parts)
        return stream


def _id_or_none(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.isdigit())


def _count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


#: How each saved field of a stream is checked when a checkpoint is read: a hand-edited
#: value of the wrong type would otherwise fail deep inside a fetch thread.
_STREAM_FIELDS: tuple[tuple[str, Callable[[Any], bool], str], ...] = (
    ("key", lambda v: isinstance(v, str) and v.isalnum(), "a stream key"),
    ("kind", lambda v: v in ("list", "search", "range"), "'list', 'search' or 'range'"),
    ("lo", _id_or_none, "a record id or null"),
    ("hi", _id_or_none, "a record id or null"),
    ("floor", _id_or_none, "a record id or null"),
    ("last_id", _id_or_none, "a record id or null"),
    ("after", lambda v: v is None or isinstance(v, str), "a cursor or null"),
    ("estimate", _count, "a whole number >= 0"),
    ("rows", _count, "a whole number >= 0"),
    ("done", lambda v: isinstance(v, bool), "true or false"),
)


class Plan:
    """The streams of one export, in output order (ascending ids), and their positions.

    Thread-safe: fetch threads take streams (:meth:`take`) and claims add them
    (:meth:`add_claim`); the writer records parts (:meth:`commit`). Every
    method holds :attr:`lock`, which is reentrant so that :class:`~.claims.Claims`
    can hold it across several calls.
    """

    def __init__(
        self,
        mode: str,
        streams: list[Stream],
        *,
        top: str | None = None,
        density: float = 1.0,
        span: tuple[int, int] | None = None,
        cursors: int = 1,
        searchers: int = 0,
    ):
        if mode not in MODES:
            raise ValueError(f"unknown plan mode {mode!r}")
        self.mode = mode
        self.streams = streams
        self.top = top  # key of the chunk read last (list+search)
        self.density = density  # records per unit of id, from the probe
        self.span = span  # (lowest, highest) id from the probe
        self.cursors = cursors  # ranges: list cursors reading at once
        self.searchers = searchers  # ranges: search streams reading ranges besides them
        self.lock = threading.RLock()
        self._by_key = {s.key: s for s in streams}
        if self.has_list:
            self[LIST].fetched = self[LIST].done

    # -- construction / persistence --------------------------------------------------------

    @classmethod
    def list_only(cls) -> Plan:
        """One list stream over everything (the sequential reference)."""
        return cls("list", [Stream(LIST, "list")])

    @classmethod
    def list_and_search(cls, lo: int, hi: int, total: int) -> Plan:
        """The list cursor from the bottom, search claims from the top of ids ``[lo, hi]``."""
        return cls(
            "list+search", [Stream(LIST, "list")], density=total / (hi - lo + 1), span=(lo, hi)
        )

    @classmethod
    def search_chunks(cls, lo: int, hi: int, chunks: int, total: int) -> Plan:
        """A search export cut into chunks of equal width over ids ``[lo, hi]``.

        The first chunk is unbounded below and the last above, so no match is
        outside every chunk.
        """
        span = hi - lo + 1
        chunks = max(1, min(chunks, span))
        width = -(-span // chunks)
        bounds = [lo + i * width for i in range(chunks)]
        streams = []
        for i, start in enumerate(bounds):
            low = str(start) if i else None
            high = str(bounds[i + 1]) if i + 1 < len(bounds) else None
            streams.append(
                Stream(f"c{i}", "search", lo=low, hi=high, estimate=round(width * total / span))
            )
        return cls("search", streams, density=total / span, span=(lo, hi))

    @classmethod
    def list_ranges(
        cls, lo: int, hi: int, ranges: int, total: int, cursors: int, searchers: int = 0
    ) -> Plan:
        """Ids ``[lo, hi]`` cut into ``ranges`` equal ranges, read by ``cursors`` list cursors
        and ``searchers`` search streams.

        The first range is unbounded below and the last above (records created
        after the probe land there), so no record is outside every range.
        """
        plan = cls.search_chunks(lo, hi, ranges, total)
        for i, s in enumerate(plan.streams):
            s.key, s.kind = f"r{i}", "range"
        return cls(
            "ranges", plan.streams, density=plan.density, span=plan.span, cursors=cursors,
            searchers=searchers,
        )  # fmt: skip

    @classmethod
    def single_search(cls) -> Plan:
        """One search stream over every match."""
        return cls("search", [Stream("c0", "search")])

    def to_json(self) -> dict[str, Any]:
        with self.lock:
            return {
                "mode": self.mode,
                "top": self.top,
                "density": self.density,
                "span": list(self.span) if self.span else None,
                "cursors": self.cursors,
                "searchers": self.searchers,
                "streams": [s.to_json() for s in self.streams],
            }

    @classmethod
    def from_json(cls, data: dict[str, Any], where: str = "the export checkpoint") -> Plan:
        """The plan a checkpoint saved.

        Args:
            data: the saved plan.
            where: the checkpoint, as the error names it.

        Raises:
            ExportError: the saved plan is damaged (missing fields, wrong types, part
                names that are not part names, a stream twice).
        """
        try:
            streams = [Stream.from_json(s) for s in data["streams"]]
            keys = [s.key for s in streams]
            if len(set(keys)) != len(keys):
                raise ValueError(f"a stream key appears twice in {keys}")
            if data["mode"] in ("list", "list+search") and LIST not in keys:
                raise ValueError(f"mode {data['mode']!r} without the list stream")
            span = data.get("span")
            return cls(
                data["mode"],
                streams,
                top=_optional_str(data.get("top")),
                density=float(data.get("density") or 1.0),
                span=(int(span[0]), int(span[1])) if span else None,
                cursors=int(data.get("cursors") or 1),
                searchers=int(data.get("searchers") or 0),  # none in older checkpoints
            )
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
            raise ExportError(
                f"{where} is damaged: its plan {_why(exc)}, so the export cannot be resumed",
                hint=ExportError.START_OVER,
            ) from None

    # -- queries ---------------------------------------------------------------------------

    def __getitem__(self, key: str) -> Stream:
        return self._by_key[key]

    @property
    def has_list(self) -> bool:
        return LIST in self._by_key

    @property
    def chunks(self) -> list[Stream]:
        """The search chunks, in output order."""
        return [s for s in self.streams if s.kind == "search"]

    def ordered(self) -> list[Stream]:
        """The streams in output order (a copy: claims add streams while others read)."""
        with self.lock:
            return list(self.streams)

    @property
    def rows(self) -> int:
        return sum(s.rows for s in self.streams)

    def list_open(self) -> bool:
        """Whether the list stream of a ``list+search`` plan may still read (and claims be made)."""
        with self.lock:
            return self.mode == "list+search" and not self[LIST].fetched

    def needs_search(self) -> bool:
        """Whether a search chunk may still need reading (or claiming) in this run."""
        with self.lock:
            return self.list_open() or any(not s.done for s in self.chunks)

    def all_done(self) -> bool:
        with self.lock:
            return all(s.done for s in self.streams)

    # -- fetch side ------------------------------------------------------------------------

    @property
    def last_range(self) -> str | None:
        """The key of the last range (unbounded above), which only list cursors read."""
        keys = [s.key for s in self.streams if s.kind == "range"]
        return keys[-1] if keys else None

    def take_for_search(self) -> Stream | None:
        """A range for a search stream, now taken; None when the list cursors should read the rest.

        Never the last range (it holds the records created during the read). And not
        once no more ranges are left than list cursors: a search stream reads a range
        more slowly than a list cursor (the search limit is shared by a few streams), so
        the last ranges go to the cursors and the read ends together.
        """
        with self.lock:
            left = [
                s for s in self.streams
                if s.kind == "range" and not s.done and not s.taken and s.key != self.last_range
            ]  # fmt: skip
            if len(left) <= self.cursors:
                return None
            left[0].taken = True
            return left[0]

    def take(self, kind: str, *, skip: str | None = None) -> Stream | None:
        """The first stream of ``kind`` (but ``skip``) nobody reads yet, now taken; None if none."""
        with self.lock:
            for s in self.streams:
                if s.kind == kind and not s.done and not s.taken and s.key != skip:
                    s.taken = True
                    return s
            return None

    def add_claim(self, stream: Stream, *, top: bool) -> None:
        """Add a search chunk claimed below the others (``top``: the first claim, read last)."""
        with self.lock:
            # Output order is ascending id: claims go downwards, so each new one comes right
            # after the list.
            self.streams.insert(1, stream)
            self._by_key[stream.key] = stream
            if top:
                self.top = stream.key

    def fetched(self, key: str) -> None:
        """Stream ``key`` has read its last page (its parts may still be unwritten)."""
        with self.lock:
            self[key].fetched = True

    # -- writer side -----------------------------------------------------------------------

    def commit(
        self, key: str, *, rows: int, part: str | None, state: dict[str, Any], done: bool
    ) -> None:
        """Record a written part (or only a new position) of stream ``key``."""
        with self.lock:
            s = self[key]
            for name, value in state.items():
                setattr(s, name, value)
            s.rows += rows
            if s.kind == "search":
                s.live_rows -= rows  # now counted in rows
            if part is not None:
                s.parts.append(part)
            if done:
                s.done = True


def _optional_str(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise ValueError(f"'top' is {value!r:.40}, not a stream key")


def _why(exc: BaseException) -> str:
    """What a failed read of a saved plan says about it."""
    if isinstance(exc, KeyError):
        return f"has no {exc}"
    return f"is not as hubframe writes it ({exc})"
