"""The state of an export in progress: its plan of streams, its part files, its checkpoint.

Plan
----

Three kinds of stream read records, all through the one paginator:

* the **list stream** follows the list endpoint's ``after`` cursor from the
  first record upwards (ascending ``hs_object_id``);
* **search chunks** each read one ``hs_object_id`` range ``[lo, hi)`` with
  the search endpoint (windowed past 10,000 by ``iter_search_pages``);
* **range streams** each read one ``hs_object_id`` range ``[lo, hi)`` with
  a list cursor of their own (below).

For a plain export, the list stream reads from the bottom of the id space
while search workers claim ranges from the top (``[min, max]`` from two
1-result searches) downwards. A claim is the range just below the lowest one
claimed so far, ``[lo, boundary)``; the list keeps only ids below the lowest
claim, and a claim never reaches below what the list has read. So every id
belongs to exactly one stream. Each claim is sized from the measured speeds
so that search finishes it (and what it holds already) before the list would
get to ``lo``: at most :data:`Plan.CLAIM_RECORDS` records, fewer near the
meeting point, none once the list is about to get there. The two ends meet
where both finish together; at low latency the list is fast and search
hardly claims anything. The first claim (the top, unbounded above) is read
last, so that records created just before the export have had time to reach
the search index.

For a search export there is no list stream: the matches' id range is cut
into equal chunks at the start, read in ascending order.

**Range streams** (mode ``ranges``) are list cursors too. HubSpot documents
the list endpoint's ``after`` as the id of the next record, and the export
checks that the server honours a cursor it did not hand out before relying on
it (:func:`hubframe.export._check_cursor`). Then the id span is cut into
equal ranges ``[lo, hi)`` at the start, each read by a list cursor started at
``after=lo`` and stopped at ``hi``; a few cursors take the ranges in
ascending order. A range's committed position is its last id written, and it
resumes at ``after=last id + 1`` (the next record, by the same rule).

A plan is saved in the checkpoint; positions are the *committed* ones (after
the last part written), so a resumed plan re-reads only what was not kept.

Files
-----

A Parquet file cannot be appended to once closed, and a killed writer leaves
one without a footer. So an export never writes the target directly. Next to
``contacts.parquet`` it keeps::

    .contacts.parquet.partial/          part files, each a complete Parquet file
        p000001-list.parquet            (written to a temp name, fsynced, renamed)
        ...
        merged.tmp                      the target being assembled (discarded on resume)
    .contacts.parquet.checkpoint.json   which parts count, and where each stream stands

A part is named in the checkpoint only after it is complete on disk, and the
checkpoint is replaced atomically (temp file, fsync, ``os.replace``), so at
every instant the checkpoint describes whole parts and the cursor positions
just after them: a resumed export continues from there and reads every record
exactly once. Part files on disk that the checkpoint does not name (a crash
between the rename and the checkpoint) are deleted on resume.

Parts are appended, in output order, to ``merged.tmp`` as soon as every part
before them is known (the list stream's parts at once, a search chunk's once
the streams before it are done); when every stream is done the merge is
fsynced and moved onto the target with ``os.replace``: the target path only
ever holds a finished file. A resumed export starts ``merged.tmp`` afresh from
the parts. The checkpoint and the part directory
are removed afterwards (checkpoint first, so a crash in between leaves
nothing that claims to be resumable).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .errors import ExportError

log = logging.getLogger("hubframe")

FORMAT = "hubframe-export-checkpoint"
VERSION = 1
#: Compression of part files and of the final file (readable by DuckDB, polars, pandas, Spark).
COMPRESSION = "zstd"
_MERGED = "merged.tmp"
_LOCK = "lock"
LIST = "list"


#: What :meth:`Plan.next_chunk` returns when a worker should ask again shortly.
WAIT = object()


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
        stream = cls(**{k: data[k] for k in cls._SAVED})
        stream.parts = [str(p) for p in data["parts"]]
        return stream


class _Rates:
    """Live throughput of the list cursor and of the search workers (for claiming)."""

    #: Assumed before any search page arrived: a by-ids page, at a modest pace.
    PRIOR_PAGE_SECONDS = 0.3
    PRIOR_PAGE_RECORDS = 100.0

    def __init__(self) -> None:
        self.list_started: float | None = None
        self.list_rows = 0
        self.list_pages = 0
        self.page_seconds = self.PRIOR_PAGE_SECONDS
        self.page_records = self.PRIOR_PAGE_RECORDS
        self.workers = 1
        self.search_rate = 5.0  # search requests per second allowed (the client's limiter)

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


class Plan:
    """The streams of one export (in output order) and the rules for claiming chunks.

    Thread-safe: fetch threads call :meth:`list_accept`, :meth:`next_chunk` and
    :meth:`search_page`; the writer calls :meth:`commit`.

    See the module docstring for how claims are made and sized.
    """

    #: Most records one claim takes (about 20 search pages); near the meeting point claims shrink.
    CLAIM_RECORDS = 4_000
    #: Fewest records worth a claim (one search page).
    MIN_CLAIM_RECORDS = 200
    #: Search joins in only if it could take at least this share of the records. Below it
    #: (low latency: the list cursor is fast and the client busy converting) search would
    #: add CPU work and an end where the list waits for the slower search.
    MIN_SEARCH_SHARE = 0.1

    def __init__(
        self,
        mode: str,
        streams: list[Stream],
        *,
        top: str | None = None,
        density: float = 1.0,
        span: tuple[int, int] | None = None,
        cursors: int = 1,
    ):
        if mode not in ("list", "list+search", "search", "ranges"):
            raise ValueError(f"unknown plan mode {mode!r}")
        self.mode = mode
        self.streams = streams
        self.top = top  # key of the chunk read last (plain exports)
        self.density = density  # records per unit of id, from the probe
        self.span = span  # (lowest, highest) id from the probe (plain exports)
        self.cursors = cursors  # ranges: list cursors reading at once
        self.lock = threading.Lock()
        self.rates = _Rates()
        self._by_key = {s.key: s for s in streams}
        self._list_pos: int | None = None
        if self.has_list:
            last = self[LIST].last_id
            self._list_pos = int(last) if last is not None else None
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
    def list_ranges(cls, lo: int, hi: int, ranges: int, total: int, cursors: int) -> Plan:
        """Ids ``[lo, hi]`` cut into ``ranges`` equal ranges, read by ``cursors`` list cursors.

        The first range is unbounded below and the last above (records created
        after the probe land there), so no record is outside every range.
        """
        plan = cls.search_chunks(lo, hi, ranges, total)
        for i, s in enumerate(plan.streams):
            s.key, s.kind = f"r{i}", "range"
        return cls("ranges", plan.streams, density=plan.density, span=plan.span, cursors=cursors)

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
                "streams": [s.to_json() for s in self.streams],
            }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        try:
            streams = [Stream.from_json(s) for s in data["streams"]]
            span = data.get("span")
            return cls(
                data["mode"],
                streams,
                top=data.get("top"),
                density=float(data.get("density") or 1.0),
                span=(int(span[0]), int(span[1])) if span else None,
                cursors=int(data.get("cursors") or 1),
            )
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise ExportError(
                f"the export checkpoint's plan is damaged ({exc}); pass resume=False to start over"
            ) from None

    # -- queries ---------------------------------------------------------------------------

    def __getitem__(self, key: str) -> Stream:
        return self._by_key[key]

    @property
    def has_list(self) -> bool:
        return LIST in self._by_key

    @property
    def chunks(self) -> list[Stream]:
        return [s for s in self.streams if s.kind == "search"]

    def ordered(self) -> list[Stream]:
        """The streams in output order (a copy: claims add streams while others read)."""
        with self.lock:
            return list(self.streams)

    @property
    def rows(self) -> int:
        return sum(s.rows for s in self.streams)

    def needs_search(self) -> bool:
        """Whether a search chunk may still need reading (or claiming) in this run."""
        with self.lock:
            list_open = self.mode == "list+search" and not self[LIST].fetched
            return list_open or any(not s.done for s in self.chunks)

    def all_done(self) -> bool:
        with self.lock:
            return all(s.done for s in self.streams)

    # -- fetch side ------------------------------------------------------------------------

    def _boundary(self) -> int | None:
        """The lowest claimed chunk's lower bound: the list keeps only ids below it."""
        los = [int(s.lo) for s in self.chunks if s.lo is not None]
        return min(los) if los else None

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
            kept: list[dict[str, Any]] = []
            finished = False
            for record in records:
                rid = int(record["id"])
                if (
                    self.mode == "list+search"
                    and self._list_pos is not None
                    and rid <= self._list_pos
                ):
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
                self[LIST].fetched = True
            return kept, finished

    def list_finished(self) -> None:
        """The list cursor reached its end: no chunk may be claimed any more."""
        with self.lock:
            self[LIST].fetched = True

    def search_page(self, key: str, records: int, seconds: float) -> None:
        """A search worker read a page of ``records`` in ``seconds``."""
        with self.lock:
            self[key].live_rows += records
            self.rates.page(seconds, records)

    def chunk_fetched(self, key: str) -> None:
        with self.lock:
            self[key].fetched = True

    def next_range(self) -> Stream | None:
        """The lowest range stream nobody reads yet (None when all are taken)."""
        with self.lock:
            for s in self.streams:
                if s.kind == "range" and not s.done and not s.taken:
                    s.taken = True
                    return s
            return None

    def next_chunk(self) -> Stream | None | object:
        """The next search chunk to read; :data:`WAIT` to ask again soon; None when done."""
        with self.lock:
            # 1. Chunks already claimed (resumed, or a search export), except the one read last.
            for s in self.chunks:
                if not s.done and not s.taken and s.key != self.top:
                    s.taken = True
                    return s
            # 2. New claims downwards from the top, while search would finish them first.
            while self.mode == "list+search" and not self[LIST].fetched:
                s = self._claim()
                if s is None:
                    break
                if s.key != self.top:  # the top chunk is claimed first but read last
                    s.taken = True
                    return s
            # 3. The top chunk, last.
            if self.top is not None:
                s = self[self.top]
                if not s.done and not s.taken:
                    s.taken = True
                    return s
            if self.mode == "list+search" and not self[LIST].fetched:
                return WAIT
            return None

    def _claim(self) -> Stream | None:
        """Claim ``[lo, boundary)`` sized so search finishes it before the list gets to ``lo``."""
        assert self.span is not None
        now = time.monotonic()
        list_rate = self.rates.list_per_second(now)
        if list_rate is None:
            return None  # not measured yet
        search_rate = self.rates.search_per_second()
        if search_rate < self.MIN_SEARCH_SHARE * (list_rate + search_rate):
            return None
        bound = self._boundary()
        upper = bound if bound is not None else self.span[1] + 1
        pos = self._list_pos if self._list_pos is not None else self.span[0] - 1
        d = max(self.density, 1e-9)
        pending = sum(
            max(0, c.estimate - c.rows - c.live_rows)
            for c in self.chunks
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
            f"c{len(self.chunks)}",
            "search",
            lo=str(lo),
            hi=None if first else str(upper),
            estimate=estimate,
        )
        # Output order is ascending id: claims go downwards, so each new one comes right after the list.
        self.streams.insert(1, s)
        self._by_key[s.key] = s
        if first:
            self.top = s.key
        return s

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


def fingerprint(schema: pa.Schema) -> str:
    """A short hash of the column names and Arrow types (labels may change; types may not)."""
    text = "\n".join(f"{f.name}\t{f.type}" for f in schema)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _fsync_dir(path: Path) -> None:
    """Make a rename in ``path`` durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class Staging:
    """The hidden files next to an export's target, and the operations on them.

    Args:
        target: the final ``.parquet`` path.
    """

    def __init__(self, target: Path):
        self.target = target
        self.dir = target.parent / f".{target.name}.partial"
        self.checkpoint_path = target.parent / f".{target.name}.checkpoint.json"
        self._lock_file: Any = None
        self._seq = 0

    # -- locking -------------------------------------------------------------------------

    def lock(self) -> None:
        """Hold an exclusive lock so that two exports cannot write the same target.

        Raises:
            ExportError: another process (or another export in this one) holds it.
        """
        self.dir.mkdir(parents=True, exist_ok=True)
        handle = open(self.dir / _LOCK, "a+b")  # noqa: SIM115 - held until unlock()
        try:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - Windows: no advisory locks; carry on
            pass
        except OSError:
            handle.close()
            raise ExportError(
                f"another export is writing {self.target} right now; wait for it to finish "
                "or stop it first"
            ) from None
        self._lock_file = handle

    def unlock(self) -> None:
        """Release the lock (closing the file releases it)."""
        if self._lock_file is not None:
            self._lock_file.close()
            self._lock_file = None

    # -- checkpoint ----------------------------------------------------------------------

    def load(self) -> dict[str, Any] | None:
        """The saved checkpoint, or None when there is none.

        Raises:
            ExportError: the file exists but is not a hubframe export checkpoint.
        """
        try:
            text = self.checkpoint_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ExportError(
                f"{self.checkpoint_path} is not a checkpoint hubframe can read; pass "
                "resume=False to start the export over"
            )
        if data.get("version") != VERSION:
            raise ExportError(
                f"{self.checkpoint_path} was written by another hubframe version "
                f"(format {data.get('version')!r}); pass resume=False to start over"
            )
        return data

    def save(self, data: dict[str, Any]) -> None:
        """Replace the checkpoint atomically with ``data`` (plus format and timestamp)."""
        body = {"format": FORMAT, "version": VERSION, "updated_at": time.time(), **data}
        tmp = self.checkpoint_path.with_name(self.checkpoint_path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(body, fh, indent=1, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.checkpoint_path)
        _fsync_dir(self.checkpoint_path.parent)

    # -- parts ---------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget any earlier attempt: the checkpoint, every part and the merge file."""
        with contextlib.suppress(FileNotFoundError):
            self.checkpoint_path.unlink()
        self.keep_only(set())

    def keep_only(self, names: set[str]) -> None:
        """Delete every file in the part directory except the lock and ``names``."""
        if not self.dir.is_dir():
            return
        for entry in self.dir.iterdir():
            if entry.name == _LOCK or entry.name in names:
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                with contextlib.suppress(FileNotFoundError):
                    entry.unlink()
        self._seq = max([self._seq] + [_seq_of(n) for n in names])

    def write_part(self, table: pa.Table, stream: str) -> str:
        """Write ``table`` as a complete, fsynced Parquet part; return its file name."""
        self._seq += 1
        name = f"p{self._seq:06d}-{stream}.parquet"
        tmp = self.dir / (name + ".tmp")
        with open(tmp, "wb") as fh:
            # Parts are read once more by the merge: no dictionaries makes them ~35% cheaper to write.
            pq.write_table(table, fh, compression=COMPRESSION, use_dictionary=False)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.dir / name)
        _fsync_dir(self.dir)
        return name

    def read_part(self, name: str, schema: pa.Schema) -> pa.Table:
        """A part back as a table with exactly ``schema``.

        Raises:
            ExportError: the part named by the checkpoint is missing or unreadable.
        """
        try:
            table = pq.read_table(self.dir / name)
        except (OSError, pa.ArrowInvalid) as exc:
            raise ExportError(
                f"part {name} of the unfinished export of {self.target} cannot be read ({exc}); "
                "pass resume=False to start over"
            ) from None
        # Parquet does not keep every Arrow detail (e.g. field metadata); the types are equal.
        return table.cast(schema) if table.schema != schema else table

    # -- finish --------------------------------------------------------------------------

    def merger(self, schema: pa.Schema, row_group_size: int) -> Merger:
        """A fresh merge file (any earlier, unfinished one is discarded)."""
        return Merger(self.dir / _MERGED, schema, row_group_size)

    def publish(self, merger: Merger) -> None:
        """Move the finished merge onto the target, then remove the checkpoint and the parts."""
        merger.close()
        os.replace(merger.path, self.target)
        _fsync_dir(self.target.parent)
        with contextlib.suppress(FileNotFoundError):
            self.checkpoint_path.unlink()
        self.unlock()
        shutil.rmtree(self.dir, ignore_errors=True)


def _seq_of(name: str) -> int:
    try:
        return int(name[1:7]) if name.startswith("p") else 0
    except ValueError:
        return 0


#: The merge holds at most this many bytes of Arrow data before writing a row group.
MERGE_BYTES = 64 * 2**20


class Merger:
    """Writes parts, in order, as the row groups of the final Parquet file.

    Small parts (a short id-range partition) are coalesced into row groups of
    about ``row_group_size`` rows (or :data:`MERGE_BYTES`), so memory stays
    bounded and readers get sensibly sized row groups.
    """

    def __init__(self, path: Path, schema: pa.Schema, row_group_size: int):
        self.path = path
        self.schema = schema
        self.row_group_size = row_group_size
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        self._fh = open(path, "wb")  # noqa: SIM115 - closed in close()
        self._writer = pq.ParquetWriter(self._fh, schema, compression=COMPRESSION)
        self._pending: list[pa.Table] = []
        self._rows = 0
        self._bytes = 0
        self.rows_written = 0
        self.row_groups = 0
        #: per stream key, how many of its parts were fed
        self.fed: dict[str, int] = {}
        #: index (in stream order) of the first stream not yet completely fed
        self.stream_index = 0

    def feed(self, table: pa.Table) -> None:
        """Add one part's rows; writes a row group when enough have gathered."""
        if table.num_rows == 0:
            return
        self._pending.append(table)
        self._rows += table.num_rows
        self._bytes += table.nbytes
        if self._rows >= self.row_group_size or self._bytes >= MERGE_BYTES:
            self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        table = pa.concat_tables(self._pending)
        self._pending, self._rows, self._bytes = [], 0, 0
        self._writer.write_table(table, row_group_size=max(table.num_rows, 1))
        self.rows_written += table.num_rows
        self.row_groups += 1

    def close(self) -> None:
        """Write what is pending, the footer, and fsync the file."""
        if self._writer is None:
            return
        self._flush()
        self._writer.close()
        self._writer = None
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()

    def abandon(self) -> None:
        """Close the file handle without finishing (the file is discarded on the next run)."""
        if self._writer is None:
            return
        writer, self._writer, self._pending = self._writer, None, []
        with contextlib.suppress(Exception):
            writer.close()
        with contextlib.suppress(OSError):
            self._fh.close()
