"""Running an export: :func:`export` and :func:`iter_export`, step by step.

One run goes through four steps (:class:`_Run`):

1. **open**: lock the target's hidden files (:mod:`.staging`); resume the plan
   a checkpoint saved (if its parameters, portal and age allow) or make a fresh one
   (:mod:`.planner`);
2. **start**: the fetch threads (:mod:`.fetch`), the writer (:mod:`.writer`)
   and the progress bar;
3. **write pages**: each page from the queue goes to the writer, and the running
   :class:`~.result.ExportResult` is yielded;
4. **finish**: the last parts are written and merged, and the file is moved
   onto the target.

An interrupted run (an exception, Ctrl-C, a closed generator, a killed
process, or a page that failed after every retry) leaves a checkpoint; the
next call with ``resume=True`` continues from it and the file holds every
record exactly once.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Generator, Iterator
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from .. import diskerrors
from .._progress import Progress, progress
from ..errors import ExportError, HubFrameError
from .fetch import Fetch
from .job import DEFAULT_MAX_CHECKPOINT_AGE, Job
from .plan import Plan
from .planner import make_plan, match_count
from .result import ExportResult
from .staging import Staging
from .writer import Writer

if TYPE_CHECKING:  # pragma: no cover
    from ..resources import ObjectResource

__all__ = ["export", "iter_export"]

log = logging.getLogger("hubframe")


def export(
    resource: ObjectResource,
    path: Any,
    *,
    properties: Any = None,
    search: Any = None,
    associations: Any = None,
    archived: bool = False,
    progress: bool = True,
    resume: bool = True,
    parallel: int | None = None,
    row_group_size: int | None = None,
    max_checkpoint_age: float | timedelta | None = DEFAULT_MAX_CHECKPOINT_AGE,
    on_page: Callable[[ExportResult], None] | None = None,
    labels: bool = False,
) -> ExportResult:
    """Stream every record (or a search's matches) to one Parquet file.

    Called as ``hs.contacts.export(path, ...)`` (the method is this function).

    Args:
        resource: ``hs.contacts``, ``hs.companies`` or ``hs.deals`` (``self`` of the method).
        path: the ``.parquet`` file to write; replaced atomically when the export completes.
        properties: None (defaults), a list of names, or ``"all"``.
        search: export only matches: ``(field, value)``, ``(field, operator, value)``, or
            ``{"filters": [...], "query": "..."}`` as for ``search()``; past 10,000 too.
        associations: object types whose associated ids to add as list columns. Read
            for each page with the association batch read (one request per page and
            type), so any plan and ``search=`` work with them; for the edges with their
            type ids and labels, ``hs.associations(...)``.
        archived: export archived records instead (list cursor alone).
        progress: show a progress bar (records, total, rate-limit waits).
        resume: continue an interrupted export of the same parameters from its checkpoint;
            False starts over. A checkpoint read from another portal is never resumed (the
            portal id from the account details, else a hash of the base URL and token, is
            checked).
        parallel: most concurrent streams (default :data:`~.planner.DEFAULT_PARALLEL`): list
            cursors over id ranges, as many as the rate limit and latency make useful, with
            search streams taking some of the ranges within the rest (HubSpot's separate
            search limit; see ``HubSpot(search_in_rate_limit=...)``), or
            (when the server's cursor cannot be chosen) the list cursor plus ``parallel - 1``
            id-range search workers; ``1`` is the list cursor alone (exact, sequential). A
            resumed export keeps the streams it started with.
        row_group_size: rows per Parquet row group (also how often progress is checkpointed).
        max_checkpoint_age: the oldest checkpoint to resume, as seconds or a
            ``datetime.timedelta`` since the interrupted export started (default 24 hours):
            records it holds may have changed or been deleted since. None resumes any age.
        on_page: called with the running :class:`ExportResult` after each page (raising
            from it stops the export, resumably).
        labels: add a ``<column>_label`` column after each enumeration, owner, pipeline
            and stage column (see :mod:`hubframe.labels`). The labels are read once, when
            the export starts, and kept in its checkpoint: a resumed export labels every
            record as the first run would have, whatever was renamed in between.

    Returns:
        An :class:`ExportResult` (path, rows, pages, requests, retries, wait_seconds,
        elapsed, resumed, columns).

    Raises:
        InputError / UnknownPropertyError: bad arguments, before any record is read.
        ExportError: a checkpoint from other parameters, another portal, an earlier hubframe
            or longer ago than ``max_checkpoint_age`` exists, or is damaged (start over with
            ``resume=False``), another export writes the same file, a staging path is a
            symbolic link, a page failed after all retries, or a write failed (disk full,
            file too large, read-only file system: the checkpoint keeps everything written;
            run again to resume).

    Example:
        >>> res = hs.contacts.export("contacts.parquet", properties="all")  # doctest: +SKIP
        >>> res.rows, res.path  # doctest: +SKIP
    """
    steps: Generator[ExportResult, None, ExportResult] = iter_export(
        resource, path, properties=properties, search=search, associations=associations, archived=archived,
        progress=progress, resume=resume, parallel=parallel, row_group_size=row_group_size,
        max_checkpoint_age=max_checkpoint_age, labels=labels,
    )  # fmt: skip
    try:
        while True:
            running = next(steps)
            if on_page is not None:
                on_page(running)
    except StopIteration as done:
        return done.value
    finally:
        steps.close()


def iter_export(
    resource: ObjectResource,
    path: Any,
    *,
    properties: Any = None,
    search: Any = None,
    associations: Any = None,
    archived: bool = False,
    progress: bool = True,
    resume: bool = True,
    parallel: int | None = None,
    row_group_size: int | None = None,
    max_checkpoint_age: float | timedelta | None = DEFAULT_MAX_CHECKPOINT_AGE,
    labels: bool = False,
) -> Generator[ExportResult, None, ExportResult]:
    """:func:`export`, one step at a time: yields the running result after each page.

    Closing the generator early (or an exception in the loop that drives it)
    leaves a checkpoint that the next run resumes from. The generator's return
    value (``StopIteration.value``) is the final :class:`ExportResult`.
    Arguments are those of :func:`export`.
    """
    # Counted from here: reading the property definitions is part of the run.
    started, base = time.monotonic(), resource.client.stats.snapshot()
    job = Job.check(
        resource, path, properties=properties, search=search, associations=associations,
        archived=archived, progress=progress, resume=resume, parallel=parallel,
        row_group_size=row_group_size, max_checkpoint_age=max_checkpoint_age, labels=labels,
    )  # fmt: skip
    staging = Staging(job.target)
    # A full disk, a file-size limit, a read-only folder: the checkpoint keeps what was
    # written, so the error says so, and that the same call resumes.
    with diskerrors.converted(
        f"the export of {job.target.name}", job.target.parent, "resumes from its checkpoint"
    ):
        staging.lock()
        run = _Run(resource, job, staging, started, base)
        try:
            run.start()
            yield from run.write_pages()
            return run.finish()
        except BaseException:
            run.abort()
            raise
        finally:
            run.close()
            staging.unlock()


class _Run:
    """The state of one call of :func:`iter_export`, from its plan to the published file.

    Args:
        resource, job, staging: what to export, its checked arguments, its hidden files
            (locked).
        started, base: when the run started, and the client's request statistics then.
    """

    plan: Plan

    def __init__(
        self,
        resource: ObjectResource,
        job: Job,
        staging: Staging,
        started: float,
        base: tuple[int, int, float],
    ):
        self.resource = resource
        self.job = job
        self.staging = staging
        self.started = started
        self.base = base
        self.fetch: Fetch | None = None
        self.writer: Writer | None = None
        self.bar: Progress | None = None
        self.rows = self.pages = 0
        self.total: int | None = None
        self.resumed = False

    # -- the steps -------------------------------------------------------------------------

    def start(self) -> None:
        """Open the plan, then start the fetch threads, the writer and the bar."""
        plan, self.total = self._open_plan()
        job = self.job  # a resumed job keeps the start time of its checkpoint
        self.plan = plan
        if self.total is None and job.progress and not job.archived:
            self.total = match_count(self.resource, job.search)
        self.fetch = Fetch(self.resource, plan, job)
        streams = self.fetch.workers if plan.mode == "ranges" else 1
        self.writer = Writer(self.staging, plan, job, streams)
        self.writer.advance()  # a resumed export's parts, as far as they go
        self.bar = progress(
            self.resource.client, f"export {self.resource.object_type}", total=self.total,
            enabled=job.progress, initial=plan.rows,
        )  # fmt: skip
        self.rows = plan.rows
        self.fetch.start()

    def write_pages(self) -> Iterator[ExportResult]:
        """Hand every page to the writer; the running result after each."""
        assert self.fetch is not None and self.writer is not None and self.bar is not None
        fetch, writer = self.fetch, self.writer
        for event in fetch.events(idle=writer.commit_if_due):
            if event.kind == "error":
                raise self._stopped(event.payload)
            if event.kind == "done":
                writer.commit([], done=(event.key,))
                log.debug(
                    "export stream %s done after %.1f s: %d rows",
                    event.key, time.monotonic() - self.started, self.plan[event.key].rows,
                )  # fmt: skip
                continue
            writer.add(event.key, event.payload, event.state)
            self.pages += 1
            self.rows += len(event.payload)
            self.bar.update(len(event.payload))
            writer.commit_if_due()
            yield self.result()

    def finish(self) -> ExportResult:
        """Write and merge what is left, and move the file onto the target."""
        assert self.writer is not None
        self.writer.commit_all()
        # Every thread exits only when its streams are done.
        if not self.plan.all_done():  # pragma: no cover
            raise ExportError(
                f"the export of {self.job.target} stopped before reading everything; run it again to resume"
            )
        self.writer.finish()
        self.staging.publish()
        result = self.result(self.writer.merger.row_groups)
        log.info(
            "exported %d %s to %s in %.1f s",
            result.rows, self.resource.object_type, self.job.target, result.elapsed,
        )  # fmt: skip
        return result

    def abort(self) -> None:
        """Stop the threads and keep every whole page read (they are buffered with positions)."""
        if self.fetch is not None:
            self.fetch.stop.set()
        if self.writer is not None and not self.writer.committing:
            with contextlib.suppress(Exception):
                self.writer.commit_all()

    def close(self) -> None:
        """Join the threads and let go of the merge file and the bar."""
        if self.fetch is not None:
            self.fetch.close()
        if self.writer is not None:
            self.writer.merger.abandon()
        if self.bar is not None:
            self.bar.close()

    # -- helpers ---------------------------------------------------------------------------

    def _open_plan(self) -> tuple[Plan, int | None]:
        """The plan a matching checkpoint saved, or a fresh one (saved at once) and the
        record total when its probe told it."""
        job, staging = self.job, self.staging
        saved = staging.load() if job.resume else None
        if saved is None:
            staging.reset()
            plan, total = make_plan(
                self.resource, job.search, job.parallel, job.list_only, names=job.names
            )
            staging.save({**job.header, "rows": 0, "plan": plan.to_json()})
            return plan, total
        job.check_checkpoint(saved, staging)
        self.job = job.resuming(saved)
        plan = Plan.from_json(saved["plan"], where=f"the checkpoint {staging.checkpoint_path}")
        staging.keep_only({p for s in plan.streams for p in s.parts})
        self.resumed = True
        log.info("resuming the export of %s from %d rows", job.target, plan.rows)
        return plan, None

    def result(self, row_groups: int = 0) -> ExportResult:
        """The running (or, with ``row_groups``, the final) result of this run."""
        req, retries, wait = self.resource.client.stats.snapshot()
        return ExportResult(
            path=self.job.target, rows=self.rows, pages=self.pages, requests=req - self.base[0],
            retries=retries - self.base[1], wait_seconds=wait - self.base[2],
            elapsed=time.monotonic() - self.started, resumed=self.resumed,
            columns=list(self.job.schema.names), row_groups=row_groups,
            parallel=len(self.fetch.threads) if self.fetch is not None else 0, total=self.total,
            mode=self.plan.mode, streams=len(self.plan.ordered()),
        )  # fmt: skip

    def _stopped(self, exc: BaseException) -> BaseException:
        """The error to raise when a fetch thread failed: everything read so far is kept first."""
        assert self.writer is not None
        self.writer.commit_all()
        if isinstance(exc, HubFrameError):
            err = ExportError(
                f"the export of {self.job.target.name} stopped: {exc}. The {self.plan.rows} rows "
                "read so far are checkpointed; run the same export again (resume=True) to "
                "continue from there."
            )
            err.__cause__ = exc
            return err
        return exc
