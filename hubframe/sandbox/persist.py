"""Keeping a sandbox portal in a file across restarts.

The state is JSON (gzip-compressed when the file name ends in ``.gz``), written
atomically (temporary file + rename) so a crash never leaves half a portal.
It holds records, associations, lists, forms, submissions, workflows and
enrollments - never the bearer token.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import tempfile
import threading
from pathlib import Path
from typing import Any

from .store import Store

__all__ = ["save", "load", "Saver"]

log = logging.getLogger("hubframe.sandbox")


def save(store: Store, path: str | os.PathLike[str]) -> None:
    """Write the store's state to ``path`` atomically."""
    path = Path(path)
    state = store.to_state()
    data = json.dumps(state, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    if path.suffix == ".gz":
        data = gzip.compress(data, compresslevel=5)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    log.debug("sandbox portal saved to %s (%d bytes)", path, len(data))


def load(path: str | os.PathLike[str]) -> Store:
    """Read a store written by :func:`save`.

    Raises:
        ValueError: the file is not a sandbox portal of a version this code reads.
    """
    raw = Path(path).read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    try:
        state: Any = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path} is not a hubframe sandbox portal file: {exc}") from None
    if not isinstance(state, dict) or "objects" not in state:
        raise ValueError(f"{path} is not a hubframe sandbox portal file")
    return Store.from_state(state)


class Saver:
    """Saves the store every ``interval`` seconds while it changes, and once more on stop."""

    def __init__(self, get_store: Any, path: Path, interval: float):
        self._get_store = get_store
        self._path = path
        self._interval = interval
        self._stop = threading.Event()
        self._saved_version: int | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self._run, name="hubframe-sandbox-saver", daemon=True
        )

    def start(self) -> None:
        self._thread.start()

    def save_now(self) -> None:
        with self._lock:
            store = self._get_store()
            version = store.version
            save(store, self._path)
            self._saved_version = version

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            if self._get_store().version != self._saved_version:
                try:
                    self.save_now()
                except OSError:
                    log.exception("could not save the sandbox portal to %s", self._path)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        self.save_now()
