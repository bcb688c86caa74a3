"""What a failed file operation means, as an :class:`~hubframe.errors.ExportError` that says so.

The export, the sync and the portal export write through Python's files, pyarrow and
``os`` calls, which fail with a bare :class:`OSError` (``ENOSPC``, ``EFBIG``, ``EROFS``
...). Every one of those writers keeps what it wrote resumable, so the error that
reaches the caller says what happened, which file, and that the same call, run again
once the cause is fixed, continues from where it stopped.

:func:`at` (around one write) notes the file a bare write error was about (a failed
``write()`` on an open file names none); :func:`converted` (around a whole run) turns
any :class:`OSError` into the :class:`ExportError`.
"""

from __future__ import annotations

import errno
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import ExportError

__all__ = ["at", "converted", "disk_error", "errno_of"]

#: What the common failures mean, and what to do about them.
_CAUSES: dict[int, tuple[str, str]] = {
    errno.ENOSPC: ("the disk is full", "free some space"),
    errno.EDQUOT: ("the disk quota is used up", "free some space or raise the quota"),
    errno.EFBIG: (
        "the file is too large for this file system or for the process's file-size limit",
        "write to a file system that takes larger files, or raise the limit (ulimit -f)",
    ),
    errno.EROFS: ("the file system is read-only", "make it writable or write somewhere else"),
    errno.EACCES: ("permission was denied", "make the folder writable for this user"),
    errno.EPERM: ("the operation was not permitted", "make the folder writable for this user"),
    errno.EIO: ("the disk reported an I/O error", "check the disk"),
}
_ERRNO_TEXT = re.compile(r"errno (\d+)", re.IGNORECASE)


def errno_of(exc: OSError) -> int | None:
    """The error number of ``exc``, also when only its text carries it (some pyarrow errors)."""
    if exc.errno is not None:
        return int(exc.errno)
    found = _ERRNO_TEXT.search(str(exc))
    return int(found.group(1)) if found else None


def disk_error(exc: OSError, *, what: str, path: Path, again: str) -> ExportError:
    """The :class:`ExportError` for ``exc``, which stopped ``what`` (e.g. "the export of x").

    Args:
        exc: the error; its ``filename`` names the file when known, else ``path`` does.
        what: what stopped, as the message's subject.
        path: the file or folder written when ``exc`` names none.
        again: what running the same call again does (e.g. "resumes from its checkpoint").
    """
    number = errno_of(exc)
    cause, fix = _CAUSES.get(number or -1, ("a file operation failed", "fix the cause"))
    where = exc.filename if exc.filename is not None else path
    detail = exc.strerror or str(exc) or type(exc).__name__
    message = f"{what} stopped: {cause} ({detail}, at {where})"
    return ExportError(message, hint=f"{fix}, then run the same call again: it {again}")


@contextmanager
def at(path: Path) -> Iterator[None]:
    """Name ``path`` in an :class:`OSError` raised inside that names no file."""
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(path)
        raise


@contextmanager
def converted(what: str, path: Path, again: str) -> Iterator[None]:
    """Raise any :class:`OSError` from inside as the :class:`ExportError` of :func:`disk_error`."""
    try:
        yield
    except OSError as exc:
        raise disk_error(exc, what=what, path=path, again=again) from exc
