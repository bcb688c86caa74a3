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

The target's folder may be shared, so these paths are never trusted to be what
hubframe made: a staging path that is a symbolic link (or the part folder that is
not a folder) is refused before anything is created, cleaned or removed; files are
created fresh (``O_EXCL | O_NOFOLLOW``, a planted link is removed, never written
through); only names hubframe writes are ever deleted, and a part folder holding
anything else is refused. Finishing removes every staging file *before* the lock is
released, so an export starting then never sees a half-removed part folder.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.parquet as pq

from .. import diskerrors
from ..errors import ExportError
from ..filelock import FileLock

__all__ = [
    "COMPRESSION",
    "FORMAT",
    "PART_NAME",
    "VERSION",
    "Staging",
    "atomic_write",
    "create_file",
    "fsync_dir",
]

FORMAT = "hubframe-export-checkpoint"
VERSION = 1
#: Compression of part files and of the final file (readable by DuckDB, polars, pandas, Spark).
COMPRESSION = "zstd"
_MERGED = "merged.tmp"
_LOCK = "lock"
#: Every name hubframe writes in the part folder besides the lock: parts, their temp files,
#: the merge file.
_OURS = re.compile(r"p\d{6}-[A-Za-z0-9]+\.parquet(\.tmp)?|merged\.tmp")
#: The name of a part (as a checkpoint names it): never a path.
PART_NAME = re.compile(r"p\d{6}-[A-Za-z0-9]+\.parquet")
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


def create_file(path: Path, mode: str = "wb") -> IO[Any]:
    """``path`` opened for writing as a new file, never through a link planted there.

    A file (or symbolic link) already at ``path`` is removed first: removing a link
    removes the link alone, while opening it would write wherever it points.
    """
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _CLOEXEC
    try:
        fd = os.open(path, flags, 0o666)
    except FileExistsError:
        os.unlink(path)
        fd = os.open(path, flags, 0o666)
    if "b" in mode:
        return os.fdopen(fd, mode)
    return os.fdopen(fd, mode, encoding="utf-8")


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


@contextmanager
def atomic_write(path: Path, mode: str = "wb", *, tmp: Path | None = None) -> Iterator[IO[Any]]:
    """A file whose contents replace ``path`` atomically once the block ends (a reader sees
    the old file or the new, never half of one).

    Written to ``tmp`` (default ``<name>.tmp`` beside it; never through a link planted
    there), fsynced, moved onto ``path``, and the folder fsynced. A block that raises
    leaves ``path`` as it was.
    """
    tmp = tmp or path.with_name(path.name + ".tmp")
    with diskerrors.at(tmp), create_file(tmp, mode) as fh:
        yield fh
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    fsync_dir(path.parent)


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
            ExportError: another process (or another export in this one) holds it, or a
                staging path is a symbolic link or not the kind of file hubframe makes.
        """
        target = self.target
        for _ in range(3):
            self._check_paths()
            self.dir.mkdir(parents=True, exist_ok=True)
            self._check_paths()  # mkdir(exist_ok=True) accepts a link to a folder
            lock = FileLock(
                self.dir / _LOCK,
                lambda: ExportError(
                    f"another export is writing {target} right now; wait for it to finish "
                    "or stop it first"
                ),
            )
            try:
                lock.acquire()
            except FileNotFoundError:
                continue  # a finishing export removed the folder just now: make it again
            self._lock_file = lock
            return
        raise ExportError(  # pragma: no cover - three finishing exports in a row
            f"the part folder {self.dir} keeps disappearing; another program removes it. "
            "Run the export again once it stops"
        )

    def _check_paths(self) -> None:
        """Refuse staging paths that are links, and a part folder that is not a folder."""
        for path in (self.checkpoint_path, self._checkpoint_tmp):
            _refuse_link(path)
        try:
            mode = os.lstat(self.dir).st_mode
        except FileNotFoundError:
            return
        _refuse_link(self.dir)
        if not stat.S_ISDIR(mode):
            raise ExportError(
                f"{self.dir} is not a folder, so it is not the part folder hubframe keeps for "
                f"the export of {self.target.name}; nothing was changed. Move it away (or "
                "export to another file name)"
            )

    @property
    def _checkpoint_tmp(self) -> Path:
        return self.checkpoint_path.with_name(self.checkpoint_path.name + ".tmp")

    def _remove_checkpoint(self) -> None:
        """The checkpoint and a temporary copy a killed save left."""
        for path in (self.checkpoint_path, self._checkpoint_tmp):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

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
        except (OSError, UnicodeDecodeError) as exc:
            raise self.damaged(f"it cannot be read: {exc}") from None
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            data = None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ExportError(
                f"{self.checkpoint_path} is not a checkpoint hubframe can read",
                hint=ExportError.START_OVER,
            )
        if data.get("version") != VERSION:
            raise ExportError(
                f"{self.checkpoint_path} was written by another hubframe version "
                f"(format {data.get('version')!r})",
                hint=ExportError.START_OVER,
            )
        for key, kind, shown, required in _HEADER:
            value = data.get(key)
            if value is None and not required:
                continue
            if key not in data:
                raise self.damaged(f"it has no {key!r}")
            if not isinstance(value, kind) or isinstance(value, bool):
                raise self.damaged(f"its {key!r} is {value!r:.60}, not {shown}")
        if data["rows"] < 0:
            raise self.damaged(f"its 'rows' is {data['rows']}, below 0")
        return data

    def damaged(self, why: str) -> ExportError:
        """The error for a checkpoint that is not as hubframe writes it (hand-edited, cut short)."""
        return ExportError(
            f"the checkpoint {self.checkpoint_path} is damaged ({why}), so the unfinished "
            f"export of {self.target.name} cannot be resumed",
            hint=ExportError.START_OVER,
        )

    def save(self, data: dict[str, Any]) -> None:
        """Replace the checkpoint atomically with ``data`` (plus format and timestamp)."""
        body = {"format": FORMAT, "version": VERSION, "updated_at": time.time(), **data}
        with atomic_write(self.checkpoint_path, "w", tmp=self._checkpoint_tmp) as fh:
            json.dump(body, fh, indent=1, sort_keys=True)

    # -- parts ---------------------------------------------------------------------------

    def reset(self) -> None:
        """Forget any earlier attempt: the checkpoint, every part and the merge file."""
        self._remove_checkpoint()
        self.keep_only(set())

    def keep_only(self, names: set[str]) -> None:
        """Delete every file hubframe wrote in the part folder except the lock and ``names``.

        Raises:
            ExportError: the folder holds something hubframe never writes there (a folder,
                another file), or one of ``names`` is a symbolic link. Nothing is deleted.
        """
        if not self.dir.is_dir():
            return
        doomed = []
        with os.scandir(self.dir) as entries:
            for entry in entries:
                linked = entry.is_symlink()
                if entry.name == _LOCK or (entry.name in names and not linked):
                    continue
                if linked or not _OURS.fullmatch(entry.name) or not entry.is_file():
                    # A link, even one with a part's name, was planted: a part read through
                    # it would put another file's rows in the export.
                    raise ExportError(
                        f"{self.dir} holds {entry.name!r}, which hubframe did not write "
                        f"({'a symbolic link' if linked else 'not a part file'}); nothing was "
                        "deleted. Remove it, then run the export again"
                    )
                doomed.append(entry.name)
        for name in doomed:
            with contextlib.suppress(FileNotFoundError):
                (self.dir / name).unlink()
        self._seq = max([self._seq] + [_seq_of(n) for n in names])

    def write_part(self, table: pa.Table, stream: str) -> str:
        """Write ``table`` as a complete, fsynced Parquet part; return its file name."""
        self._seq += 1
        name = f"p{self._seq:06d}-{stream}.parquet"
        tmp = self.dir / (name + ".tmp")
        with diskerrors.at(tmp), create_file(tmp) as fh:
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
                f"part {name} of the unfinished export of {self.target} cannot be read ({exc})",
                hint=ExportError.START_OVER,
            ) from None
        # Parquet does not keep every Arrow detail (e.g. field metadata); the types are equal.
        return table.cast(schema) if table.schema != schema else table

    # -- finish --------------------------------------------------------------------------

    def publish(self) -> None:
        """Move the finished merge file onto the target, then remove every staging file.

        The checkpoint goes first (a crash after it leaves nothing that claims to be
        resumable), then the parts, the lock file and the folder, and only then is the
        lock released: an export of the same target starting meanwhile finds it held and
        says so, instead of losing files to this one's clean-up.
        """
        os.replace(self.merge_path, self.target)
        fsync_dir(self.target.parent)
        self._remove_checkpoint()
        self.remove_dir()
        self.unlock()

    def remove_dir(self) -> None:
        """Remove the files hubframe wrote in the part folder, its lock file and the folder.

        Anything else found there is left (with the folder), and nothing is ever followed.
        """
        if not self.dir.is_dir() or self.dir.is_symlink():
            return
        with os.scandir(self.dir) as entries:
            names = [e.name for e in entries if e.name == _LOCK or _OURS.fullmatch(e.name)]
        for name in sorted(names, key=lambda n: n == _LOCK):  # the lock file last
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.dir / name)
        try:
            os.rmdir(self.dir)
        except OSError as exc:
            if exc.errno not in (errno.ENOENT, errno.ENOTEMPTY, errno.EEXIST):
                raise


def _refuse_link(path: Path) -> None:
    """Raise when ``path`` is a symbolic link: hubframe never follows one it did not make."""
    if path.is_symlink():
        raise ExportError(
            f"{path} is a symbolic link, where hubframe keeps a file of its own; it is never "
            "followed, and nothing was changed. Remove the link, then run the export again"
        )


#: The fields of a checkpoint besides its format, that every use of it relies on, with
#: their JSON types (the plan is checked by :meth:`Plan.from_json <.plan.Plan.from_json>`).
_HEADER: tuple[tuple[str, type, str, bool], ...] = (
    ("rows", int, "a whole number", True),
    ("plan", dict, "an object", True),
    ("params", dict, "an object", False),
    ("labels", list, "a list", False),
)


def _seq_of(name: str) -> int:
    try:
        return int(name[1:7]) if name.startswith("p") else 0
    except ValueError:
        return 0
