"""Writing: pages to Arrow, buffers to part files, parts in order to the final file.

The writer runs in the caller's thread. Each stream's pages gather in a buffer
of its own, converted to Arrow record batches with the schema fixed from the
property definitions before the first page (:func:`hubframe.frames.schema`),
so a page without values of a column cannot change its type. A buffer is
written as one part file (:meth:`~.staging.Staging.write_part`) once it holds
about ``row_group_size`` rows or :data:`BUFFER_BYTES` of Arrow data, and the
checkpoint is saved after it; at least every :data:`CHECKPOINT_SECONDS`
everything buffered is written.

Parts are appended, in output order (ascending ids), to the merge file as soon
as every part before them is known: the list stream's parts at once, a later
stream's once the streams before it are done. The :class:`Merger` coalesces
small parts into row groups of about ``row_group_size`` rows. A resumed export
starts the merge file afresh from the parts.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from .. import diskerrors, frames
from .staging import COMPRESSION, create_file

if TYPE_CHECKING:  # pragma: no cover
    from .job import Job
    from .plan import Plan
    from .staging import Staging

__all__ = [
    "BUFFER_BYTES",
    "CHECKPOINT_SECONDS",
    "CONVERT_RECORDS",
    "DEFAULT_ROW_GROUP_SIZE",
    "MERGE_BYTES",
    "Merger",
    "Writer",
]

#: Rows per row group of the output (and most rows a stream buffers before writing a part).
DEFAULT_ROW_GROUP_SIZE = 25_000
#: A stream's buffer is written as a part past this many bytes of Arrow data, whatever its rows.
BUFFER_BYTES = 32 * 2**20
#: Records of a stream converted to Arrow together, whatever the number of streams
#: (:data:`hubframe.frames.CONVERT_RECORDS`: a conversion has a fixed cost, so 250 at a
#: time cost twice the CPU per record). The unconverted records of each stream (~3 KB
#: each decoded, ~3 MB per stream) are the price, bounded by the number of streams.
CONVERT_RECORDS = frames.CONVERT_RECORDS
#: Everything buffered is written and checkpointed at least this often (seconds).
CHECKPOINT_SECONDS = 30.0
#: The merge holds at most this many bytes of Arrow data before writing a row group.
MERGE_BYTES = 64 * 2**20


class _Buffer:
    """What a stream read since its last part: Arrow batches, and records not yet converted."""

    __slots__ = ("batches", "records", "rows", "bytes", "state")

    def __init__(self) -> None:
        self.batches: list[pa.RecordBatch] = []
        self.records: list[dict[str, Any]] = []
        self.rows = 0
        self.bytes = 0
        self.state: dict[str, Any] = {}


class Writer:
    """Turns pages into parts, checkpoints, and the merged file.

    Args:
        staging: the export's hidden files.
        plan: the plan whose streams the pages come from.
        job: the export's checked arguments (schema, row group size, checkpoint header).
        streams: streams that fill buffers at the same pace (range cursors); their Arrow
            buffers share one row group's worth of memory, so peak memory does not grow
            with their number (beyond each stream's :data:`CONVERT_RECORDS` records).
    """

    def __init__(self, staging: Staging, plan: Plan, job: Job, streams: int = 1):
        self.staging = staging
        self.plan = plan
        self.job = job
        self.schema = job.schema
        self.header = job.header
        self.part_rows = max(1, job.row_group_size // streams)
        self.part_bytes = BUFFER_BYTES // streams
        # Not divided among the streams as the part size is: smaller conversions cost
        # far more CPU per record than the few MB of records they would save.
        self.convert_records = CONVERT_RECORDS
        self.issues = frames.ParseIssues()  # unreadable cells of the whole export
        self.buffers: dict[str, _Buffer] = {}
        self.merger = Merger(staging.merge_path, job.schema, job.row_group_size)
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
            batch = self.job.to_batch(buf.records, self.issues)
            buf.batches.append(batch)
            buf.bytes += batch.nbytes
            buf.records = []

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
        """Write every buffer (whole pages with their positions) and save the checkpoint."""
        if self.buffers:
            self.commit(list(self.buffers))

    def commit_if_due(self) -> None:
        """:meth:`commit_all` when the last commit is :data:`CHECKPOINT_SECONDS` old."""
        if self.buffers and time.monotonic() - self.last_commit >= CHECKPOINT_SECONDS:
            self.commit_all()

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

    def finish(self) -> None:
        """Merge the last parts, warn about unreadable cells, and close the merge file."""
        self.advance()
        self.issues.warn()
        self.merger.close()


class Merger:
    """Writes parts, in order, as the row groups of the final Parquet file.

    Small parts (a short id range) are coalesced into row groups of about
    ``row_group_size`` rows (or :data:`MERGE_BYTES`), so memory stays bounded
    and readers get sensibly sized row groups. Any earlier file at ``path`` (an
    unfinished merge) is discarded.
    """

    def __init__(self, path: Path, schema: pa.Schema, row_group_size: int):
        self.path = path
        self.schema = schema
        self.row_group_size = row_group_size
        self._fh = create_file(path)  # a fresh file, never one a planted link points to
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
        with diskerrors.at(self.path):
            self._writer.write_table(table, row_group_size=max(table.num_rows, 1))
        self.rows_written += table.num_rows
        self.row_groups += 1

    def close(self) -> None:
        """Write what is pending, the footer, and fsync the file."""
        if self._writer is None:
            return
        self._flush()
        with diskerrors.at(self.path):
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
