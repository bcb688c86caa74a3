"""Exporting a whole portal: :func:`export_portal`, one table after another.

A run locks the folder, opens the partial state (an interrupted export's, if its
parameters, API version and portal match; else a fresh one, after removing any old
manifest), then writes, in this order, every object table (through that type's
resumable export), every association pair's edge table (for the ids the object
table holds), the owners and the pipelines, recording each in the partial state
as it completes. The manifest is written last; until then the folder does not look
complete. An interruption anywhere leaves the partial state and the running
export's checkpoint: the next call with ``resume=True`` skips the finished tables
and continues the unfinished one.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import diskerrors
from .._progress import TableProgress
from ..errors import (
    BadRequestError,
    ExportError,
    ForbiddenError,
    HubSpotError,
    InputError,
    NotFoundError,
    warn,
)
from ..export import DEFAULT_MAX_CHECKPOINT_AGE
from . import tables
from .job import PortalJob, edge_table
from .manifest import PortalFolder, now

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable

    from ..client import HubSpot
    from ..export import ExportResult

__all__ = ["PortalResult", "export_portal"]

log = logging.getLogger("hubframe")

#: What running an export of a portal again does after a failed write.
AGAIN = "resumes: the tables already written are kept"


@dataclass
class PortalResult:
    """What an export of a portal wrote.

    Attributes:
        path: the folder (complete: its ``manifest.json`` is written).
        tables: table name -> rows, in the order written (objects, edges, owners, pipelines).
        skipped: what was not written, and why (an object type the token may not read).
        resumed: whether this run continued an interrupted export.
        elapsed: seconds this run took.
        requests: HTTP requests this run sent.
    """

    path: Path
    tables: dict[str, int]
    skipped: dict[str, str] = field(default_factory=dict)
    resumed: bool = False
    elapsed: float = 0.0
    requests: int = 0

    @property
    def rows(self) -> int:
        """Rows in every table together."""
        return sum(self.tables.values())


def export_portal(
    hs: HubSpot,
    path: Any,
    *,
    objects: Any = None,
    properties: Any = None,
    associations: bool = True,
    labels: bool = True,
    progress: bool = True,
    resume: bool = True,
    max_checkpoint_age: float | timedelta | None = DEFAULT_MAX_CHECKPOINT_AGE,
) -> PortalResult:
    """Write the whole portal to a folder of Parquet files: a relational dataset.

    Called as ``hs.export_portal(path, ...)``. The folder gets one file per object type
    (``contacts.parquet``, ...), one edge table per pair of exported types
    (``associations/contacts__companies.parquet``: ``from_id, to_id, type_id, label,
    category``; each pair once, from the type listed first), ``owners.parquet``,
    ``pipelines.parquet`` (one row per stage, with ``object_type`` first) and, last,
    ``manifest.json`` (tables, row counts, portal, API version, when). Read it back with
    :func:`hubframe.read_portal`, or with any Parquet reader (DuckDB, Spark, Dask, Trino).

    Args:
        hs: the client (``self`` of the method).
        path: the folder to write (created if its parent exists).
        objects: object types to export; None is every type the portal has (types the
            token may not read are skipped with a warning and listed in the manifest).
        properties: None (HubSpot's defaults), ``"all"``, or a dict from object type to
            None, ``"all"`` or a list of names.
        associations: write the edge table of every pair of exported types.
        labels: add the ``<column>_label`` columns to the object tables.
        progress: show one bar over the tables, naming the one being read.
        resume: continue an interrupted export into the same folder (same parameters,
            portal and API version); False starts over. A folder whose export finished is
            exported anew (its manifest is removed first, so it never names a table
            being replaced).
        max_checkpoint_age: how long after it started an interrupted export may be
            continued, as seconds or a ``datetime.timedelta`` (default 24 hours; None: any
            age); the object exports' checkpoints are held to it too (see
            :func:`hubframe.export.export`).

    Returns:
        A :class:`PortalResult` (path, tables with their rows, skipped, resumed, elapsed).

    Raises:
        InputError: bad arguments, before any record is read.
        ExportError: an interrupted export into the folder has other parameters, another
            API version or another portal (pass ``resume=False``), another export writes
            the folder, or a read failed after all retries (run again to continue).

    Example:
        >>> res = hs.export_portal("portal/")  # doctest: +SKIP
        >>> tables = hf.read_portal("portal/")  # doctest: +SKIP
    """
    started, base = time.monotonic(), hs.stats.snapshot()[0]
    job = PortalJob.check(
        hs, path, objects=objects, properties=properties, associations=associations,
        labels=labels, progress=progress, resume=resume, max_checkpoint_age=max_checkpoint_age,
    )  # fmt: skip
    folder = PortalFolder(job.folder)
    # A full disk, a file-size limit, a read-only folder: every table written is recorded
    # in the partial state, so the error says so, and that the same call resumes.
    with diskerrors.converted(f"the export of the portal to {job.folder}", job.folder, AGAIN):
        folder.lock()
        try:
            run = _Run(hs, job, folder)
            run.open()
            run.write_all()
            result = run.finish()
        finally:
            folder.unlock()
    result.elapsed = time.monotonic() - started
    result.requests = hs.stats.snapshot()[0] - base
    log.info(
        "exported the portal to %s: %d tables, %d rows", job.folder, len(result.tables), result.rows
    )
    return result


class _Run:
    """The state of one :func:`export_portal` call: the tables done so far."""

    def __init__(self, hs: HubSpot, job: PortalJob, folder: PortalFolder):
        self.hs = hs
        self.job = job
        self.folder = folder
        self.state: dict[str, Any] = {}
        self.resumed = False

    def open(self) -> None:
        """Continue a matching interrupted export, or start a fresh one."""
        header = {
            "params": self.job.params, "api_version": self.hs.api_version,
            "portal": self.hs.portal_fingerprint(),
        }  # fmt: skip
        saved = self.folder.load_partial() if self.job.resume else None
        if saved is not None:
            self._check(saved, header)
            self._check_age(saved)
            self.state = saved
            self.resumed = True
            log.info("continuing the export of the portal into %s", self.job.folder)
            return
        self.folder.start_over()
        self.state = {**header, "started_at": now(), "tables": {}, "skipped": {}}
        self.folder.save_partial(self.state)

    def _check(self, saved: dict[str, Any], header: dict[str, Any]) -> None:
        """Refuse to continue an export of other parameters, version or portal."""
        differ = [k for k in header if saved.get(k) != header[k]]
        if differ:
            shown = "; ".join(
                f"{k}: the unfinished export has {saved.get(k)!r:.120}, this call {header[k]!r:.120}"
                for k in differ
            )
            raise ExportError(
                f"an unfinished export of a portal into {self.job.folder} differs ({shown}). "
                "Pass resume=False to start over, or call again with its arguments to finish it."
            )

    def _check_age(self, saved: dict[str, Any]) -> None:
        """Refuse to continue an export that started longer ago than ``max_checkpoint_age``:
        its finished tables would be older than that next to the ones read now."""
        try:
            started = datetime.fromisoformat(saved["started_at"])
        except (KeyError, TypeError, ValueError):
            raise ExportError(
                f"the state of the unfinished export into {self.job.folder} says no readable "
                "start time; pass resume=False to start over"
            ) from None
        age = (datetime.now(timezone.utc) - started).total_seconds()
        limit = self.job.max_age
        if limit is not None and age > limit:
            raise ExportError(
                f"the unfinished export of a portal into {self.job.folder} started "
                f"{age / 3600:.1f} hours ago ({saved['started_at']}), longer ago than "
                f"max_checkpoint_age ({limit / 3600:.1f} hours): the tables it wrote may have "
                "changed in HubSpot since. Pass resume=False to start over, or "
                "max_checkpoint_age=None to continue it anyway."
            )

    def write_all(self) -> None:
        """Write every table not written yet, recording each as it completes."""
        job = self.job
        bar = TableProgress("export portal", job.table_count, job.progress, initial=self._done())
        try:
            for name in job.objects:
                self._step(bar, name, partial(self._object, bar, name))
            for a, b in job.pairs:
                self._step(bar, edge_table(a, b), partial(self._edges, a, b))
            self._step(bar, "owners", lambda: tables.write_owners(self.hs, job))
            self._step(bar, "pipelines", lambda: tables.write_pipelines(self.hs, job))
        finally:
            bar.close()

    def _done(self) -> int:
        return len(self.state["tables"]) + len(self.state["skipped"])

    def _step(
        self, bar: TableProgress, name: str, write: Callable[[], dict[str, Any] | None]
    ) -> None:
        """Write one table unless an earlier run did, then record it."""
        done = self.state["tables"].get(name)
        if done is not None and (self.job.folder / done["path"]).is_file():
            return
        if name in self.state["skipped"]:
            return
        bar.show(name)
        try:
            entry = write()
        except HubSpotError as exc:
            raise ExportError(
                f"the export of the portal into {self.job.folder} stopped at {name}: {exc}. "
                f"The {len(self.state['tables'])} tables written so far are kept; run the same "
                "export again (resume=True) to continue from there."
            ) from exc
        if entry is None:
            self.state["skipped"][name] = "no exported object type has it"
        elif "skipped" in entry:
            self.state["skipped"][name] = entry["skipped"]
        else:
            self.state["tables"][name] = entry
        self.folder.save_partial(self.state)
        bar.done()

    def _object(self, bar: TableProgress, name: str) -> dict[str, Any]:
        """An object table; with ``objects=None``, a type the token may not read is skipped."""

        def on_page(res: ExportResult) -> None:
            bar.show(name, res.rows, res.total)

        try:
            return tables.write_object(self.hs, self.job, name, on_page)
        except ForbiddenError as exc:
            if self.job.explicit:
                raise
            warn(f"the portal export leaves out {name}: {exc}")
            return {"skipped": f"{type(exc).__name__}: {str(exc):.300}"}

    def _edges(self, a: str, b: str) -> dict[str, Any]:
        """An edge table; none when one side was left out."""
        left_out = [t for t in (a, b) if t not in self.state["tables"]]
        if left_out:
            return {"skipped": f"{' and '.join(left_out)} not exported"}
        try:
            return tables.write_edges(self.hs, self.job, a, b)
        except (InputError, BadRequestError, NotFoundError) as exc:
            # A pair the association read does not take (a custom object it cannot name),
            # or one HubSpot defines no association for: which status HubSpot answers for
            # such a pair is unconfirmed, so 400 and 404 both leave the pair out. The
            # manifest says why; the rest of the portal is still written.
            return {"skipped": f"{type(exc).__name__}: {str(exc):.300}"}

    def finish(self) -> PortalResult:
        """Write the manifest: the folder is complete."""
        state = self.state
        manifest = {
            "hubframe": _version(), "api_version": state["api_version"], "portal": state["portal"],
            "params": state["params"], "started_at": state["started_at"], "finished_at": now(),
            "tables": state["tables"], "skipped": state["skipped"],
        }  # fmt: skip
        self.folder.publish(manifest)
        return PortalResult(
            path=self.job.folder, tables={k: v["rows"] for k, v in state["tables"].items()},
            skipped=dict(state["skipped"]), resumed=self.resumed,
        )  # fmt: skip


def _version() -> str:
    """The installed hubframe's version (read from its metadata: importing the package
    from here would make an import cycle)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("hubframe")
    except PackageNotFoundError:  # pragma: no cover - run from a source tree
        return "unknown"
