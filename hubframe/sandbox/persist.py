"""Keeping a sandbox portal in a file across restarts.

The state is JSON (gzip-compressed when the file name ends in ``.gz``), written
atomically (temporary file + rename) so a crash never leaves half a portal.
It holds records, associations, lists, forms, submissions, workflows and
enrollments - never the bearer token. A file that is not one (damaged, hand-edited,
too large once inflated) is refused with an :class:`~hubframe.errors.InputError`
naming it.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import tempfile
import threading
import zlib
from pathlib import Path
from typing import Any

from ..errors import InputError
from .store import Store

__all__ = ["MAX_STATE_BYTES", "save", "load", "Saver"]

#: The most JSON a portal file may hold, inflated. A seeded portal takes about 1.2 KiB
#: per contact with its companies, deals and activity (5,000 contacts: 5.8 MiB), so
#: 100,000 contacts are about 120 MiB; this leaves room over that, and stops a gzip bomb
#: (1 MiB inflating to 1 GiB) before it fills the memory.
MAX_STATE_BYTES = 512 * 2**20

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

    A file is inflated (``.gz``) and read to at most :data:`MAX_STATE_BYTES`, so a small
    compressed file cannot fill the memory; JSON nested deeper than Python's recursion
    limit is refused too.

    Raises:
        InputError: the file cannot be read, is larger than :data:`MAX_STATE_BYTES`
            (inflated), is not JSON, or is not a sandbox portal of a version this code
            reads; the message names the file and what is wrong.
    """
    path = Path(path)
    raw = _read_capped(path)
    try:
        state: Any = json.loads(raw)
    except RecursionError:
        raise _bad(path, "its JSON is nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, and UnicodeDecodeError for bytes not UTF-8
        raise _bad(path, f"it is not JSON text ({exc})") from None
    if not isinstance(state, dict) or "objects" not in state:
        raise _bad(path, "it holds no 'objects'")
    try:
        return Store.from_state(state)
    except (KeyError, TypeError, AttributeError, ValueError, IndexError, RecursionError) as exc:
        # Written by save(), a file has every field with its type: anything else was edited
        # or damaged, and the field the store tripped on is the best description there is.
        raise _bad(
            path, f"its content is not as save() writes it ({type(exc).__name__}: {exc})"
        ) from None


def _read_capped(path: Path) -> bytes:
    """The file's bytes, inflated when gzip-compressed, refused past :data:`MAX_STATE_BYTES`."""
    try:
        with open(path, "rb") as fh:
            if fh.read(2) != b"\x1f\x8b":
                fh.seek(0)
                raw = fh.read(MAX_STATE_BYTES + 1)
            else:
                fh.seek(0)
                with gzip.GzipFile(fileobj=fh) as gz:
                    raw = gz.read(MAX_STATE_BYTES + 1)
    except (OSError, EOFError, zlib.error) as exc:  # gzip.BadGzipFile is an OSError
        raise _bad(path, f"it cannot be read ({exc})") from None
    if len(raw) > MAX_STATE_BYTES:
        raise _bad(
            path,
            f"it holds more than {MAX_STATE_BYTES // 2**20} MiB of JSON (inflated), more than "
            "any sandbox portal this code writes",
        )
    return raw


def _bad(path: Path, why: str) -> InputError:
    return InputError(
        f"{path} is not a sandbox portal file hubframe can read: {why}. Pass another path=, "
        "or move this file away to seed a new portal there"
    )


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
