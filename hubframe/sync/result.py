"""What a sync did: :class:`SyncResult`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

__all__ = ["SyncResult"]


@dataclass
class SyncResult:
    """What one sync did.

    Attributes:
        path: the Parquet file (up to date once :func:`~hubframe.sync.sync` returns).
        rows: records in the file now.
        created: records added (a full read counts every record it wrote).
        updated: records rewritten with their new values (a change may leave values equal).
        deleted: records removed (archived in HubSpot).
        requests: HTTP requests sent (retries included).
        seconds: how long the sync took.
        full: whether the file was read in full (first sync, or an incremental one was not
            possible).
        full_reason: why it was read in full (None for an incremental sync).
        since: the modification time changes were read from (None for a full read).
        mark: the high-water mark saved for the next sync (the next reads from ``mark``
            minus the lookback).
    """

    path: Path
    rows: int
    created: int
    updated: int
    deleted: int
    requests: int
    seconds: float
    full: bool
    full_reason: str | None
    since: datetime | None
    mark: datetime
