"""The state of an export in progress: its plan of streams, its part files, its checkpoint.

Plan
----

Two kinds of stream read records, both through the one paginator:

* the **list stream** follows the list endpoint's ``after`` cursor from the
  first record upwards (ascending ``hs_object_id``);
* **search chunks** each read one ``hs_object_id`` range ``[lo, hi)`` with
  the search endpoint (windowed past 10,000 by ``iter_search_pages``).

For a plain export the id space ``[min, max]`` (from two 1-result searches) is
cut into equal-width chunks. Search workers claim chunks from the top down
while the list stream reads from the bottom up; a chunk may only be claimed
while the list has not reached its lower bound, and the list keeps only ids
below the lowest claimed chunk. The two ends meet wherever their speeds put
them, and every id belongs to exactly one stream: ids below the lowest claim
to the list, ids from it upwards to a claimed chunk. The topmost chunk
(unbounded above) is reserved at the start but read last, so that records
created just before the export have had time to reach the search index.

For a search export there is no list stream: every chunk is claimed at the
start and read in ascending order.

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




@dataclass
class Stream:
    """One stream of an export: the list cursor, or one search id range."""

    key: str
    kind: str  # "list" or "search"
    lo: str | None = None  # search: hs_object_id >= lo (None: unbounded)
    hi: str | None = None  # search: hs_object_id < hi (None: unbounded)
    claimed: bool = False  # search: reserved for a search worker (the list must stop below it)
    # Committed position, saved in the checkpoint.
    after: str | None = None  # list: the cursor of the next page
    floor: str | None = None  # search: the last id written
    last_id: str | None = None  # list: the last id written
    done: bool = False
    rows: int = 0
    parts: list[str] = field(default_factory=list)
    # Live state of this run (not saved).
    taken: bool = field(default=False, repr=False)
    fetched: bool = field(default=False, repr=False)

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key, "kind": self.kind, "lo": self.lo, "hi": self.hi,
            "claimed": self.claimed, "after": self.after, "floor": self.floor,
            "last_id": self.last_id, "done": self.done, "rows": self.rows, "parts": list(self.parts),
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Stream:
        keys = ("key", "kind", "lo", "hi", "claimed", "after", "floor", "last_id", "done", "rows")
        stream = cls(**{k: data[k] for k in keys})
        stream.parts = [str(p) for p in data["parts"]]
        return stream


class Plan:
    """The streams of one export (in output order) and the rules for claiming chunks.

    Thread-safe: fetch threads call :meth:`list_accept` and :meth:`next_chunk`;
    the writer reads and updates committed positions.
    """

    def __init__(self, mode: str, streams: list[Stream], top: str | None = None):
        if mode not in ("list", "list+search", "search"):
            raise ValueError(f"unknown plan mode {mode!r}")
        self.mode = mode
        self.streams = streams
        self.top = top  # key of the chunk read last (plain exports)
        self.lock = threading.Lock()
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
    def partitioned(cls, lo: int, hi: int, chunks: int, *, with_list: bool) -> Plan:
        """Chunks of equal width over ids ``[lo, hi]``, with or without a list stream.

        The first chunk is unbounded below for a search export (an id below the
        probed minimum still lands somewhere), the last is unbounded above.
        """
        chunks = max(1, min(chunks, hi - lo + 1))
        width = -(-(hi - lo + 1) // chunks)
        streams = [Stream(LIST, "list")] if with_list else []
        bounds = [lo + i * width for i in range(chunks)]
        for i, start in enumerate(bounds):
            low = None if (i == 0 and not with_list) else str(start)
            high = str(bounds[i + 1]) if i + 1 < len(bounds) else None
            streams.append(Stream(f"c{i}", "search", lo=low, hi=high, claimed=not with_list))
        top = None
        if with_list:
            streams[-1].claimed = True  # reserved now, read last
            top = streams[-1].key
        return cls("list+search" if with_list else "search", streams, top)

    @classmethod
    def single_search(cls) -> Plan:
        """One search stream over every match."""
        return cls("search", [Stream("c0", "search", claimed=True)])

    def to_json(self) -> dict[str, Any]:
        with self.lock:
            return {"mode": self.mode, "top": self.top, "streams": [s.to_json() for s in self.streams]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Plan:
        try:
            return cls(data["mode"], [Stream.from_json(s) for s in data["streams"]], data.get("top"))
        except (KeyError, TypeError, ValueError) as exc:
            raise ExportError(f"the export checkpoint's plan is damaged ({exc}); pass resume=False to start over") from None

    # -- queries ---------------------------------------------------------------------------

    def __getitem__(self, key: str) -> Stream:
        return self._by_key[key]

    @property
    def has_list(self) -> bool:
        return LIST in self._by_key

    @property
    def chunks(self) -> list[Stream]:
        return [s for s in self.streams if s.kind == "search"]

    @property
    def rows(self) -> int:
        return sum(s.rows for s in self.streams)

    @property
    def parts(self) -> int:
        return sum(len(s.parts) for s in self.streams)

    def needs_search(self) -> bool:
        """Whether a search chunk may still need reading in this run."""
        with self.lock:
            list_open = self.has_list and not self[LIST].fetched
            return any(not s.done and (s.claimed or list_open) for s in self.chunks)

    # -- fetch side ------------------------------------------------------------------------

    def _boundary(self) -> int | None:
        """The lowest claimed chunk's lower bound: the list keeps only ids below it."""
        los = [int(s.lo) for s in self.chunks if s.claimed and s.lo is not None]
        return min(los) if los else None

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
                if self.mode == "list+search" and self._list_pos is not None and rid <= self._list_pos:
                    raise ExportError(
                        f"HubSpot listed {self[LIST].key} records out of id order ({rid} after "
                        f"{self._list_pos}); export with parallel=1 instead"
                    )
                if bound is not None and rid >= bound:
                    finished = True
                    break
                kept.append(record)
                self._list_pos = rid
            if finished:
                self[LIST].fetched = True
            return kept, finished

    def list_finished(self) -> None:
        """The list cursor reached its end: no chunk may be claimed any more."""
        with self.lock:
            self[LIST].fetched = True

    def next_chunk(self) -> Stream | None:
        """Take the next search chunk to read, or None when there is nothing left."""
        with self.lock:
            chunks = self.chunks
            # 1. Chunks already claimed (resumed, or a search export), except the one read last.
            for s in chunks:
                if s.claimed and not s.done and not s.taken and s.key != self.top:
                    s.taken = True
                    return s
            # 2. A new claim just below the lowest claimed chunk, if the list has not reached it.
            if self.has_list and not self[LIST].fetched:
                claimed = [i for i, s in enumerate(chunks) if s.claimed]
                below = (min(claimed) if claimed else len(chunks)) - 1
                if below >= 0:
                    s = chunks[below]
                    assert s.lo is not None
                    if self._list_pos is None or int(s.lo) > self._list_pos:
                        s.claimed = s.taken = True
                        return s
            # 3. The top chunk, last.
            if self.top is not None:
                s = self[self.top]
                if not s.done and not s.taken:
                    s.taken = True
                    return s
            return None

    # -- writer side -----------------------------------------------------------------------

    def commit(self, key: str, *, rows: int, part: str | None, state: dict[str, Any], done: bool) -> None:
        """Record a written part (or only a new position) of stream ``key``."""
        with self.lock:
            s = self[key]
            for name, value in state.items():
                setattr(s, name, value)
            s.rows += rows
            if part is not None:
                s.parts.append(part)
            if done:
                s.done = True
                if key == LIST:
                    # Every chunk nobody claimed lies below the list's end: the list read it.
                    for c in self.chunks:
                        if not c.claimed:
                            c.done = True

    def all_done(self) -> bool:
        with self.lock:
            return all(s.done for s in self.streams)


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
            pq.write_table(table, fh, compression=COMPRESSION)
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
