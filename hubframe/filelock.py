"""An exclusive lock on a file, so that two writers of one target never interleave.

The export (``.name.partial/lock``) and the sync (``.name.sync.lock``) each hold one
while they write; a second writer of the same target, in this process or another,
gets the caller's error at once instead of waiting.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import ExportError, HubFrameError

__all__ = ["FileLock"]

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_CLOEXEC = getattr(os, "O_CLOEXEC", 0)


class FileLock:
    """An advisory lock (``flock``) on ``path``, held from :meth:`acquire` to :meth:`release`.

    Args:
        path: the lock file (created if missing).
        busy: makes the error to raise when another writer holds the lock.
    """

    def __init__(self, path: Path, busy: Callable[[], HubFrameError]):
        self.path = path
        self.busy = busy
        self._handle: Any = None

    def acquire(self) -> None:
        """Take the lock.

        Raises:
            HubFrameError: what ``busy`` makes, when another writer holds it.
            ExportError: ``path`` is a symbolic link (never followed: whoever planted it
                would choose which file is opened).
            FileNotFoundError: the folder of ``path`` does not exist (the caller makes it).
        """
        for _ in range(3):
            handle = self._open()
            try:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except ImportError:  # pragma: no cover - Windows: no advisory locks; carry on
                pass
            except OSError:
                handle.close()
                raise self.busy() from None
            # A writer that finishes removes its lock file while still holding it; a lock
            # taken on the removed file would not exclude the next writer, who creates a new
            # one. Only the file still at the path counts.
            if _same_file(handle.fileno(), self.path):
                self._handle = handle
                return
            handle.close()
        raise self.busy()

    def _open(self) -> Any:
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | _NOFOLLOW | _CLOEXEC, 0o666)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                raise ExportError(
                    f"{self.path} is a symbolic link, not the lock file hubframe makes; it is "
                    "never followed. Remove the link, then run again"
                ) from None
            raise
        return os.fdopen(fd, "r+b")

    def release(self) -> None:
        """Let go of the lock (closing the file releases it); safe to call twice.

        A caller that removes the lock file does so before this, while it still holds it.
        """
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _same_file(fd: int, path: Path) -> bool:
    """Whether the open file ``fd`` is still the file at ``path``."""
    try:
        here, there = os.fstat(fd), os.lstat(path)
    except FileNotFoundError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)
