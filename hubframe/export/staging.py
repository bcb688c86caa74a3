"""The hidden files next to an export's target: a lock, the checkpoint, the part files.

A Parquet file cannot be appended to once closed, and a killed writer leaves
one without a footer. So an export never writes the target directly. Next to
``contacts.parquet`` it keeps::

    .contacts.parquet.partial/          part files, each a complete Parquet file
        lock                            held while an export writes this target
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

When every stream is done the merge (:class:`~.writer.Merger`) is fsynced and
moved onto the target with ``os.replace``: the target path only ever holds a
finished file. The checkpoint and the part directory are removed afterwards
(checkpoint first, so a crash in between leaves nothing that claims to be
resumable). The checkpoint holds the plan, cursors, property names and
filters, the portal (its id, or a hash of the host and token) and when the
export started, never the token.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import ExportError
from ..filelock import FileLock

__all__ = ["COMPRESSION", "FORMAT", "VERSION", "Staging", "fsync_dir"]

FORMAT = "hubframe-export-checkpoint"
VERSION = 1
#: Compression of part files and of the final file (readable by DuckDB, polars, pandas, Spark).
COMPRESSION = "zstd"
_MERGED = "merged.tmp"
_LOCK = "lock"


def fsync_dir(path: Path) -> None:
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
        #: Where the target is assembled before :meth:`publish` moves it into place.
        self.merge_path = self.dir / _MERGED
        self._lock_file: Any = None
        self._seq = 0

    # -- locking -------------------------------------------------------------------------

    def lock(self) -> None:
        """Hold an exclusive lock so that two exports cannot write the same target.

        Raises:
            ExportError: another process (or another export in this one) holds it.
        """
        self.dir.mkdir(parents=True, exist_ok=True)
        target = self.target
        self._lock_file = FileLock(
            self.dir / _LOCK,
            lambda: ExportError(
                f"another export is writing {target} right now; wait for it to finish "
                "or stop it first"
            ),
        )
        self._lock_file.acquire()

    def unlock(self) -> None:
        """Release the lock (closing the file releases it)."""
        if self._lock_file is not None:
            self._lock_file.release()
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
        fsync_dir(self.checkpoint_path.parent)

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
        fsync_dir(self.dir)
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

    def publish(self) -> None:
        """Move the finished merge file onto the target, then remove the checkpoint and the parts."""
        os.replace(self.merge_path, self.target)
        fsync_dir(self.target.parent)
        with contextlib.suppress(FileNotFoundError):
            self.checkpoint_path.unlink()
        self.unlock()
        shutil.rmtree(self.dir, ignore_errors=True)


def _seq_of(name: str) -> int:
    try:
        return int(name[1:7]) if name.startswith("p") else 0
    except ValueError:
        return 0
