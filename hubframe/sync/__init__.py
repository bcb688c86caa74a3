"""Incremental refresh: keep an exported Parquet file up to date with only the changes.

``hs.contacts.sync("contacts.parquet")`` exports on the first call and, on later
calls, reads the records modified since the last sync (minus a lookback) and the
recycle bin, and merges them into the file; ``hs.contacts.changed_since(when)``
returns the changes as a DataFrame.

=================  ===========================================================
:mod:`.run`        :func:`sync` and :func:`changed_since`: incremental or full, and why
:mod:`.changes`    reading changed records (search by key) and archived ones (the list)
:mod:`.merge`      the Parquet merge: old rows streamed, sorted changes merged in
:mod:`.state`      the sync state next to the file, its checksum, the lock
:mod:`.result`     :class:`SyncResult`
=================  ===========================================================
"""

from .changes import MODIFIED
from .result import SyncResult
from .run import ARCHIVE_RETENTION, DEFAULT_LOOKBACK, changed_since, sync

__all__ = [
    "ARCHIVE_RETENTION",
    "DEFAULT_LOOKBACK",
    "MODIFIED",
    "SyncResult",
    "changed_since",
    "sync",
]
