"""What an export did: :class:`ExportResult`, yielded while it runs and returned at the end."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["ExportResult"]


@dataclass
class ExportResult:
    """What an export did.

    Attributes:
        path: the Parquet file (complete once :func:`~hubframe.export.export` returns).
        rows: records in the file (or, while running, kept so far, including earlier runs).
        pages: pages read in this run.
        requests: HTTP requests sent in this run (retries included).
        retries: requests repeated after a retryable failure.
        wait_seconds: time spent waiting on rate limits and retry backoff.
        elapsed: seconds this run took.
        resumed: whether this run continued an interrupted export.
        columns: the file's columns.
        row_groups: row groups in the file (0 while running).
        parallel: streams that fetched concurrently.
        total: the record count HubSpot reported at the start, when known.
        mode: how the records were read: ``list`` (one list cursor), ``ranges`` (list
            cursors over id ranges), ``list+search`` (the list cursor joined by search
            streams) or ``search`` (a search export).
        streams: the plan's streams (the list cursor, each id range, each search chunk).
    """

    path: Path
    rows: int
    pages: int
    requests: int
    retries: int
    wait_seconds: float
    elapsed: float
    resumed: bool
    columns: list[str] = field(repr=False)
    row_groups: int = 0
    parallel: int = 1
    total: int | None = None
    mode: str = "list"
    streams: int = 1

    @property
    def records_per_second(self) -> float:
        """Rows kept per second of this run."""
        return self.rows / self.elapsed if self.elapsed > 0 else 0.0
