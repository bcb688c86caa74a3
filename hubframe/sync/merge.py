"""The Parquet merge: old rows minus changed and deleted ids, plus the changed rows.

The old file is streamed one batch at a time (never read whole); the changed
rows, sorted by id, are merged in as the old ids pass them, so the new file is
in ascending id order like a fresh export, with the same schema. It is written
to a temporary file and fsynced; :func:`publish` moves it onto the target.
"""

from __future__ import annotations

import contextlib
import os
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .. import diskerrors
from ..errors import SyncError
from ..export.staging import COMPRESSION, create_file, fsync_dir
from ..export.writer import DEFAULT_ROW_GROUP_SIZE

__all__ = ["MergeCounts", "merge", "publish", "sorted_by_id"]


@dataclass
class MergeCounts:
    """What a merge did: rows written, changed ids that were new or already there, and
    deleted ids that were in the old file."""

    rows: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0


def sorted_by_id(table: pa.Table) -> pa.Table:
    """A table in ascending numeric ``id`` order (ids are digit strings)."""
    if table.num_rows == 0:
        return table
    keys = pc.cast(table.column("id"), pa.int64())
    return table.take(pc.sort_indices(keys))


class _Out:
    """The temporary file, written in row groups of about ``row_group_size`` rows."""

    def __init__(self, path: Path, schema: pa.Schema, row_group_size: int):
        self.path = path
        self.schema = schema
        self.row_group_size = row_group_size
        self.fh = create_file(path)  # closed in close(); never through a planted link
        self.writer = pq.ParquetWriter(self.fh, schema, compression=COMPRESSION)
        self.pending: list[pa.Table] = []
        self.rows = 0
        self.pending_rows = 0

    def add(self, table: pa.Table) -> None:
        if table.num_rows:
            self.pending.append(table)
            self.pending_rows += table.num_rows
            if self.pending_rows >= self.row_group_size:
                self.flush()

    def flush(self) -> None:
        if self.pending:
            table = pa.concat_tables(self.pending)
            with diskerrors.at(self.path):  # a failed write names no file otherwise
                self.writer.write_table(table, row_group_size=max(table.num_rows, 1))
            self.rows += table.num_rows
            self.pending, self.pending_rows = [], 0

    def close(self) -> None:
        self.flush()
        with diskerrors.at(self.path):
            self.writer.close()
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()

    def abandon(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()
        with contextlib.suppress(OSError):
            self.fh.close()


def merge(
    old: Path,
    out: Path,
    schema: pa.Schema,
    changed: pa.Table,
    deleted: set[str],
    row_group_size: int = DEFAULT_ROW_GROUP_SIZE,
) -> MergeCounts:
    """Write ``old`` minus the changed and deleted ids, plus ``changed``, to ``out``.

    Args:
        old: the file the last sync left (ascending ids, ``schema``'s columns).
        out: the temporary file to write (replaced).
        schema: the file's schema (the export's).
        changed: the changed records, with ``schema``.
        deleted: ids to remove.
        row_group_size: rows per row group of the new file.

    Raises:
        SyncError: the old file cannot be read, or its ids are not in ascending order.
    """
    changed = sorted_by_id(changed.cast(schema) if changed.schema != schema else changed)
    change_keys = pc.cast(changed.column("id"), pa.int64()).to_pylist()
    change_ids = changed.column("id").combine_chunks()
    gone = pa.array(sorted(deleted), pa.string())
    drop = pa.concat_arrays([change_ids.cast(pa.string()), gone])
    counts = MergeCounts()
    sink = _Out(out, schema, row_group_size)
    taken, last = 0, -1
    try:
        for batch in _old_batches(old, schema, row_group_size):
            ids = batch.column("id")
            if batch.num_rows:
                keys = pc.cast(ids, pa.int64())
                first, top = pc.min(keys).as_py(), pc.max(keys).as_py()
                if first <= last:
                    raise SyncError(
                        f"{old.name} is not in ascending id order (id {first} after {last}); "
                        "pass full=True to read it afresh"
                    )
                last = top
                counts.updated += pc.sum(pc.is_in(ids, value_set=change_ids)).as_py() or 0
                counts.deleted += pc.sum(pc.is_in(ids, value_set=gone)).as_py() or 0
                kept = pa.Table.from_batches([batch]).filter(
                    pc.invert(pc.is_in(ids, value_set=drop))
                )
                upto = bisect_right(change_keys, top)
                piece = changed.slice(taken, upto - taken)
                taken = upto
                sink.add(sorted_by_id(pa.concat_tables([kept, piece])) if piece.num_rows else kept)
        sink.add(changed.slice(taken))
        sink.close()
    except BaseException:
        sink.abandon()
        with contextlib.suppress(FileNotFoundError):
            out.unlink()
        raise
    counts.rows = sink.rows
    counts.created = changed.num_rows - counts.updated
    return counts


def _old_batches(old: Path, schema: pa.Schema, batch_size: int) -> Iterator[pa.RecordBatch]:
    """The old file's rows, a batch at a time, with exactly ``schema``."""
    try:
        reader = pq.ParquetFile(old)
        for batch in reader.iter_batches(batch_size=batch_size):
            yield batch if batch.schema == schema else batch.cast(schema)
    except (OSError, pa.ArrowInvalid, pa.ArrowTypeError, ValueError) as exc:
        raise SyncError(
            f"{old} cannot be read as the file the last sync wrote ({exc}); pass full=True to "
            "read it afresh"
        ) from None


def publish(tmp: Path, target: Path) -> None:
    """Move the finished temporary file onto the target (atomic)."""
    os.replace(tmp, target)
    fsync_dir(target.parent)
