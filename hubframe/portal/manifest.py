"""The manifest of a portal folder, and the state of an export of it that is under way.

A finished export of a portal is a folder of Parquet files and ``manifest.json``,
which names each table (its file, kind and row count), the portal it was read from,
the API version and when. The manifest is written last, atomically (temp file,
fsync, ``os.replace``), so a folder without one never looks complete: readers
(:func:`~hubframe.portal.read.read_portal`) refuse it.

While an export runs, the tables written so far are recorded in the hidden
``.manifest.partial.json`` (replaced atomically after each table): a run that is
interrupted continues from there, and each object table that was cut short resumes
from its own export checkpoint. Neither file holds the token.
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from ..errors import ExportError
from ..export.staging import atomic_write, fsync_dir
from ..filelock import FileLock

__all__ = [
    "FORMAT",
    "MANIFEST",
    "PARTIAL",
    "VERSION",
    "PortalFolder",
    "now",
    "read_manifest",
    "write_json",
]

FORMAT = "hubframe-portal"
VERSION = 1
MANIFEST = "manifest.json"
PARTIAL = ".manifest.partial.json"
_LOCK = ".portal.lock"


def now() -> str:
    """The current UTC time as the manifest writes it."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def write_json(path: Path, data: dict[str, Any]) -> None:
    """Replace ``path`` atomically with ``data`` as JSON (a reader sees the old file or the new)."""
    with atomic_write(path, "w") as fh:  # never through a planted link
        json.dump(data, fh, indent=1)


class PortalFolder:
    """The folder an export of a portal writes: its lock, manifest and partial state.

    Args:
        folder: the folder (absolute).
    """

    def __init__(self, folder: Path):
        self.folder = folder
        self.manifest_path = folder / MANIFEST
        self.partial_path = folder / PARTIAL
        self._lock = FileLock(
            folder / _LOCK,
            lambda: ExportError(
                f"another export of a portal is writing {folder} right now; wait for it to "
                "finish or stop it first"
            ),
        )

    def lock(self) -> None:
        """Hold the folder's lock (one export of a portal per folder at a time).

        Raises:
            ExportError: another export holds it.
        """
        self._lock.acquire()

    def unlock(self) -> None:
        """Let go of the lock."""
        self._lock.release()

    def load_partial(self) -> dict[str, Any] | None:
        """The state an interrupted export left, or None when there is none.

        Raises:
            ExportError: the file is not one hubframe wrote, or another version wrote it.
        """
        try:
            text = self.partial_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        data = _parsed(text)
        if data is None:
            raise ExportError(
                f"{self.partial_path} is not the state of a portal export hubframe can read; "
                "pass resume=False to start the export over"
            )
        return data

    def save_partial(self, data: dict[str, Any]) -> None:
        """Record the tables written so far (atomically)."""
        write_json(self.partial_path, {"format": FORMAT, "version": VERSION, **data})

    def start_over(self) -> None:
        """Forget an earlier export: the manifest first (the folder stops looking complete
        before any table is replaced), then the partial state."""
        for path in (self.manifest_path, self.partial_path):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        fsync_dir(self.folder)

    def publish(self, manifest: dict[str, Any]) -> None:
        """Write the manifest (the folder is complete from this instant), then drop the
        partial state."""
        write_json(self.manifest_path, {"format": FORMAT, "version": VERSION, **manifest})
        with contextlib.suppress(FileNotFoundError):
            self.partial_path.unlink()
        fsync_dir(self.folder)


def _parsed(text: str) -> dict[str, Any] | None:
    """A manifest or partial state as a dict, or None if it is not one of this version."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    if data.get("version") != VERSION or not isinstance(data.get("tables"), dict):
        return None
    return data


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a finished export in ``folder``.

    Raises:
        ExportError: no manifest (never exported there, or an export that did not
            finish) or one hubframe cannot read.
    """
    path = folder / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if (folder / PARTIAL).exists():
            raise ExportError(
                f"the export of a portal into {folder} did not finish (there is no {MANIFEST} "
                "yet): run hs.export_portal(...) into the same folder again to complete it"
            ) from None
        raise ExportError(
            f"{folder} holds no exported portal (no {MANIFEST}): write one there first with "
            f"hs.export_portal({str(folder)!r}) or `hubframe export-portal -o {folder}`"
        ) from None
    data = _parsed(text)
    if data is None:
        raise ExportError(
            f"{path} is not a manifest this hubframe can read (format {FORMAT} version "
            f"{VERSION}); export the portal again with this version"
        )
    return data
