"""The sync state next to the file: what the last sync read, and a lock.

Next to ``contacts.parquet`` a sync keeps::

    .contacts.parquet.sync.json     the state (below), replaced atomically
    .contacts.parquet.sync.lock     held while a sync writes this file
    .contacts.parquet.sync.tmp      the next file being written (an interrupted sync's is discarded)

The state holds the object type, the property names (and whether they were
``"all"``), the Arrow schema fingerprint, the portal fingerprint, the
high-water mark (epoch ms), when the sync ran (by the sync's clock), the
lookback, the row count and the file's sha256 — never the token. While a new
file is moved into place the state also names it as ``pending`` (its sha256
and the state that goes with it), so a sync killed between the move and the
final state write resumes from the new file instead of re-reading everything.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import SyncError
from ..export.staging import atomic_write
from ..filelock import FileLock

__all__ = ["FORMAT", "VERSION", "sync_lock", "SyncState", "file_sha256", "load", "save"]

FORMAT = "hubframe-sync-state"
VERSION = 1


@dataclass(frozen=True)
class SyncState:
    """What one finished sync read (see the module docstring)."""

    object_type: str
    properties: list[str]
    all_properties: bool
    schema: str
    portal: str
    connection: str
    mark_ms: int
    synced_at: str
    lookback: float
    rows: int
    sha256: str

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> SyncState | None:
        """The state in ``data``, or None when it is not one this hubframe wrote."""
        if not isinstance(data, dict):
            return None
        try:
            state = cls(**{k: data[k] for k in cls.__dataclass_fields__})
        except (KeyError, TypeError):
            return None
        if not isinstance(state.mark_ms, int) or not isinstance(state.properties, list):
            return None
        return state


def state_path(target: Path) -> Path:
    """``.contacts.parquet.sync.json`` next to ``contacts.parquet``."""
    return target.parent / f".{target.name}.sync.json"


def temp_path(target: Path) -> Path:
    """Where a sync writes the next file before moving it onto ``target``."""
    return target.parent / f".{target.name}.sync.tmp"


def load(target: Path) -> tuple[SyncState | None, SyncState | None, str | None]:
    """The saved state, the pending one (a file being moved into place), and why there
    is no usable state (None when there is one)."""
    path = state_path(target)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, None, "there is no sync state yet (a first sync)"
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None, None, f"{path.name} is not a sync state hubframe can read"
    if data.get("version") != VERSION:
        return None, None, f"{path.name} was written by another hubframe version"
    state = SyncState.from_json(data.get("state"))
    if state is None:
        return None, None, f"{path.name} is incomplete"
    return state, SyncState.from_json(data.get("pending")), None


def save(target: Path, state: SyncState, pending: SyncState | None = None) -> None:
    """Replace the state atomically (temp file, fsync, ``os.replace``)."""
    path = state_path(target)
    body = {
        "format": FORMAT,
        "version": VERSION,
        "state": state.to_json(),
        "pending": None if pending is None else pending.to_json(),
    }
    with atomic_write(path, "w") as fh:  # never through a planted link
        json.dump(body, fh, indent=1, sort_keys=True)


def file_sha256(path: Path) -> str | None:
    """The sha256 of a file's bytes (None when there is no file)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1 << 20), b""):
                digest.update(block)
    except FileNotFoundError:
        return None
    return digest.hexdigest()


def sync_lock(target: Path) -> FileLock:
    """An exclusive lock on a file's sync (``.name.sync.lock``), for a ``with`` block.

    Raises:
        SyncError: another sync of the same file holds it.
    """
    return FileLock(
        target.parent / f".{target.name}.sync.lock",
        lambda: SyncError(
            f"another sync is writing {target} right now; wait for it to finish or stop it first"
        ),
    )
