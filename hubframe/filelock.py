"""An exclusive lock on a file, so that two writers of one target never interleave.

The export (``.name.partial/lock``) and the sync (``.name.sync.lock``) each hold one
while they write; a second writer of the same target, in this process or another,
gets the caller's error at once instead of waiting.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from .errors import HubFrameError

__all__ = ["FileLock"]


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
        """
        handle = open(self.path, "a+b")  # noqa: SIM115 - held until release()
        try:
            import fcntl

            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # pragma: no cover - Windows: no advisory locks; carry on
            pass
        except OSError:
            handle.close()
            raise self.busy() from None
        self._handle = handle

    def release(self) -> None:
        """Let go of the lock (closing the file releases it); safe to call twice."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
