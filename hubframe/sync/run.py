"""Running a sync: decide incremental or full, read, merge, move into place, save the state.

:func:`sync` keeps one Parquet file equal to a fresh export of the same
properties. The first call is a full export (:func:`hubframe.export.export`)
plus the sync state; later calls read only the changes (:mod:`.changes`),
merge them into the file (:mod:`.merge`) and save the new state (:mod:`.state`).

The high-water mark saved is the wall-clock moment this sync started reading
minus the lookback; the next sync reads records modified at or after the mark
minus the lookback. So a record written while a sync reads, or shown late by
HubSpot's lagging search index, is read again by the next sync, and a record
read twice is merged once (the merge replaces rows by id).
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from .. import diskerrors, frames
from .._progress import progress as progress_bar
from ..account import portal_id_of
from ..errors import ExportError, InputError, SyncError
from ..export import export
from ..export.job import fingerprint
from ..validate import check_flag, check_target
from .changes import parse_when, read_archived, read_changed, resolve
from .merge import merge, publish
from .result import SyncResult
from .state import SyncState, file_sha256, load, save, sync_lock, temp_path

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..resources import ObjectResource

__all__ = ["ARCHIVE_RETENTION", "DEFAULT_LOOKBACK", "changed_since", "sync"]

log = logging.getLogger("hubframe")

#: How far before the last mark a sync reads again. HubSpot's search index shows writes
#: "with a delay" of a few moments (facts §2.8); five minutes covers that many times
#: over, and a few seconds of clock difference between this machine and HubSpot.
DEFAULT_LOOKBACK = timedelta(minutes=5)
#: How long HubSpot keeps archived records in the recycle bin (where a sync sees
#: deletions). A state older than this may have missed deletions: the sync reads in full.
ARCHIVE_RETENTION = timedelta(days=90)
#: What running a sync again does after a failed write (the file and its state are kept).
AGAIN = "reads the changes again; the file and its sync state are as they were before"


@dataclass
class _Plan:
    """What a sync will read: the properties, the schema, the state, why not incremental."""

    names: list[str]
    all_properties: bool
    schema: pa.Schema
    state: SyncState | None
    reason: str | None


def sync(
    resource: ObjectResource,
    path: Any,
    *,
    properties: Any = None,
    lookback: float | timedelta = DEFAULT_LOOKBACK,
    full: bool | None = None,
    progress: bool = True,
    now: Callable[[], datetime] | None = None,
) -> SyncResult:
    """Keep a Parquet file equal to a fresh export: the first call exports, later ones
    read only what changed.

    Called as ``hs.contacts.sync(path, ...)`` (the method is this function).

    Args:
        resource: ``hs.contacts``, ``hs.companies`` or ``hs.deals`` (``self`` of the method).
        path: the ``.parquet`` file; replaced atomically, its sync state kept next to it
            (``.NAME.sync.json``).
        properties: None (the properties of the last sync; on the first, HubSpot's
            defaults), a list of names, or ``"all"`` (remembered as "all": a property
            added to the portal makes the next sync read in full).
        lookback: seconds (or a ``timedelta``) before the last mark to read again
            (default 5 minutes; see :data:`DEFAULT_LOOKBACK`).
        full: None reads incrementally when that is correct, else in full (saying why in
            the log and ``full_reason``); True always reads in full; False refuses with
            :class:`~hubframe.errors.SyncError` when a full read would be needed.
        progress: show a progress bar.
        now: the clock the state's age is measured with (returns an aware datetime;
            default the wall clock). The mark always comes from the wall clock, as
            HubSpot's timestamps do.

    Returns:
        A :class:`~hubframe.sync.SyncResult` (created, updated, deleted, requests,
        seconds, full, full_reason ...).

    Raises:
        InputError / UnknownPropertyError: a bad argument, before any record is read.
        SyncError: ``full=False`` but the sync must read in full, or another sync writes
            the same file.
        ExportError / HubSpotError: the read failed; the file and state are as before.
    """
    started, base = time.monotonic(), resource.client.stats.snapshot()[0]
    target = check_target(path)
    lookback_s = _seconds(lookback)
    if full is not None:
        full = check_flag(full, "full")
    progress = check_flag(progress, "progress")
    clock = _clock(now)
    # A full disk, a file-size limit, a read-only folder: the file and its state are as
    # before (the new file is moved onto it only when complete), so the same call runs again.
    with (
        diskerrors.converted(f"the sync of {target.name}", target.parent, AGAIN),
        sync_lock(target),
    ):
        with contextlib.suppress(FileNotFoundError):
            temp_path(target).unlink()  # an interrupted sync's unfinished file
        plan = _plan(resource, target, properties, clock)
        reason = "full=True was passed" if full else plan.reason
        if reason is not None and full is False:
            raise SyncError(
                f"{target.name} cannot be synced incrementally: {reason}. Pass full=None "
                "(the default) or full=True to read it in full."
            )
        run = _full if reason is not None else _incremental
        if reason is not None:
            log.info("sync of %s reads in full: %s", target.name, reason)
        res = run(resource, target, plan, lookback_s, clock, progress)
    res.requests = resource.client.stats.snapshot()[0] - base
    res.seconds = time.monotonic() - started
    res.full_reason = reason
    log.info(
        "synced %s: %d created, %d updated, %d deleted, %d rows, %d requests, %.1f s",
        target.name, res.created, res.updated, res.deleted, res.rows, res.requests, res.seconds,
    )  # fmt: skip
    return res


def changed_since(
    resource: ObjectResource,
    since: Any,
    *,
    properties: Any = None,
    progress: bool = False,
) -> pd.DataFrame:
    """The records changed (created, updated or restored) at or after ``since``, and the ids
    archived since then.

    Called as ``hs.contacts.changed_since(since, ...)``.

    Args:
        resource: ``hs.contacts``, ``hs.companies`` or ``hs.deals``.
        since: an ISO string with a zone (``"2026-11-30T00:00Z"``), a timezone-aware
            ``datetime`` or pandas ``Timestamp``.
        properties: None (defaults), a list of names, or ``"all"``.
        progress: show a progress bar.

    Returns:
        The changed records in ascending id order, typed as ``get_all`` types them;
        ``df.attrs["deleted_ids"]`` lists the ids archived since (ascending) and
        ``df.attrs["since"]`` the moment as a UTC datetime.

    Raises:
        InputError: a naive or unreadable ``since``, or bad properties.
    """
    when = parse_when(since)
    progress = check_flag(progress, "progress")
    names = resource.names(properties)
    since_ms = int(when.timestamp() * 1000)
    bar = progress_bar(resource.client, f"{resource.object_type} changes", enabled=progress)
    with bar:
        archived = read_archived(resource, since_ms)
        changed = read_changed(resource, since_ms, names, _bar_update(bar))
    found = resolve(changed, archived)
    records = [found.changed[i] for i in sorted(found.changed, key=int)]
    df = resource.frame(records, names)
    df.attrs["deleted_ids"] = sorted(found.deleted, key=int)
    df.attrs["since"] = when
    return df


# -- the two ways to sync --------------------------------------------------------------------


def _full(
    resource: ObjectResource,
    target: Path,
    plan: _Plan,
    lookback_s: float,
    clock: Callable[[], datetime],
    progress: bool,
) -> SyncResult:
    """A fresh export onto the target, then a new state."""
    mark_ms = _wall_ms() - int(lookback_s * 1000)
    try:
        res = export(resource, target, properties=plan.names, progress=progress, resume=False)
    except ExportError as exc:
        if isinstance(exc.__cause__, OSError):  # the export's disk error, said for a sync
            raise diskerrors.disk_error(
                exc.__cause__, what=f"the sync of {target.name}", path=target.parent, again=AGAIN
            ) from exc.__cause__
        raise
    sha = file_sha256(target)
    assert sha is not None  # the export just published it
    save(target, _state(resource, plan, mark_ms, clock, lookback_s, res.rows, sha))
    return _result(target, res.rows, (res.rows, 0, 0), full=True, since=None, mark_ms=mark_ms)


def _incremental(
    resource: ObjectResource,
    target: Path,
    plan: _Plan,
    lookback_s: float,
    clock: Callable[[], datetime],
    progress: bool,
) -> SyncResult:
    """The changes since the last mark merged into the file, then a new state."""
    assert plan.state is not None
    mark_ms = _wall_ms() - int(lookback_s * 1000)  # before anything is read
    since_ms = plan.state.mark_ms - int(lookback_s * 1000)
    bar = progress_bar(resource.client, f"sync {resource.object_type}", enabled=progress)
    with bar:
        archived = read_archived(resource)
        changed = read_changed(resource, since_ms, plan.names, _bar_update(bar))
    found = resolve(changed, archived)
    records = list(found.changed.values())
    table = pa.Table.from_batches([frames.to_batch(records, plan.schema)], schema=plan.schema)
    tmp = temp_path(target)
    counts = merge(target, tmp, plan.schema, table, found.deleted)
    sha = file_sha256(tmp)
    assert sha is not None
    new = _state(resource, plan, mark_ms, clock, lookback_s, counts.rows, sha)
    save(target, plan.state, pending=new)  # a kill after the move still finds its state
    publish(tmp, target)
    save(target, new)
    return _result(
        target, counts.rows, (counts.created, counts.updated, counts.deleted),
        full=False, since=since_ms, mark_ms=mark_ms,
    )  # fmt: skip


# -- deciding ----------------------------------------------------------------------------------


def _plan(
    resource: ObjectResource, target: Path, properties: Any, clock: Callable[[], datetime]
) -> _Plan:
    """The properties and state of this sync, and why it must read in full (or None)."""
    state, pending, why = load(target)
    if properties is None and state is not None and state.object_type == resource.object_type:
        all_props = state.all_properties
        names = resource.names("all") if all_props else resource.names(list(state.properties))
    else:
        all_props = isinstance(properties, str) and properties.strip().lower() == "all"
        names = resource.names(properties)
    schema = resource.schema(names)
    plan = _Plan(names, all_props, schema, state, why)
    if state is None:
        return plan
    if not target.is_file():
        plan.reason = f"{target.name} does not exist"
        return plan
    sha = file_sha256(target)
    if sha != state.sha256:
        if pending is None or sha != pending.sha256:
            plan.reason = (
                f"{target.name} was changed by something else since the last sync (its "
                "sha256 differs from the one in the sync state)"
            )
            return plan
        plan.state = state = pending  # the last sync moved its file but did not save its state
    plan.reason = _mismatch(resource, state, names, fingerprint(schema), clock)
    return plan


def _mismatch(
    resource: ObjectResource,
    state: SyncState,
    names: list[str],
    schema_fp: str,
    clock: Callable[[], datetime],
) -> str | None:
    """Why the state cannot be continued with these properties on this portal now."""
    if state.object_type != resource.object_type:
        return f"the file holds {state.object_type}, not {resource.object_type}"
    if names != state.properties:
        added = [n for n in names if n not in state.properties]
        removed = [n for n in state.properties if n not in names]
        return (
            f"the property set changed (added {added or 'none'}, removed {removed or 'none'}"
            + (", order changed" if not added and not removed else "")
            + ")"
        )
    if schema_fp != state.schema:
        return "a property's type changed since the last sync (the column types differ)"
    if not _same_portal(resource, state):
        return f"the file was synced from another portal ({_shown(state.portal)})"
    synced = _parse_stamp(state.synced_at)
    age = clock() - synced if synced is not None else None
    if age is None or age > ARCHIVE_RETENTION:
        days = "an unknown time" if age is None else f"{age.total_seconds() / 86400:.0f} days"
        return (
            f"the last sync was {days} ago, longer than HubSpot keeps archived records "
            f"({ARCHIVE_RETENTION.days} days), so some deletions can no longer be seen"
        )
    return None


def _same_portal(resource: ObjectResource, state: SyncState) -> bool:
    """Whether the state was read from this client's portal (portal ids decide when both are
    known; otherwise the same base URL and token)."""
    client = resource.client
    now = client.portal_fingerprint()
    old_id, new_id = portal_id_of(state.portal), portal_id_of(now)
    if old_id is not None and new_id is not None:
        return old_id == new_id
    return state.portal == now or state.connection == client.connection_fingerprint()


def _shown(portal: str) -> str:
    portal_id = portal_id_of(portal)
    return f"portal {portal_id}" if portal_id is not None else f"connection {portal}"


# -- helpers -----------------------------------------------------------------------------------


def _state(
    resource: ObjectResource,
    plan: _Plan,
    mark_ms: int,
    clock: Callable[[], datetime],
    lookback_s: float,
    rows: int,
    sha: str,
) -> SyncState:
    client = resource.client
    return SyncState(
        object_type=resource.object_type, properties=list(plan.names),
        all_properties=plan.all_properties, schema=fingerprint(plan.schema),
        portal=client.portal_fingerprint(), connection=client.connection_fingerprint(),
        mark_ms=mark_ms, synced_at=clock().isoformat(), lookback=lookback_s, rows=rows, sha256=sha,
    )  # fmt: skip


def _result(
    target: Path,
    rows: int,
    counts: tuple[int, int, int],
    *,
    full: bool,
    since: int | None,
    mark_ms: int,
) -> SyncResult:
    return SyncResult(
        path=target, rows=rows, created=counts[0], updated=counts[1], deleted=counts[2],
        requests=0, seconds=0.0, full=full, full_reason=None,
        since=None if since is None else _datetime(since), mark=_datetime(mark_ms),
    )  # fmt: skip


def _bar_update(bar: Any) -> Callable[[int, int | None], None]:
    def update(records: int, total: int | None) -> None:
        if total is not None and bar.bar.total is None:
            bar.set_total(total)
        bar.update(records)

    return update


def _datetime(ms: int) -> datetime:
    return datetime.fromtimestamp(ms / 1000, tz=timezone.utc)


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


def _parse_stamp(text: str) -> datetime | None:
    try:
        when = datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return when if when.tzinfo is not None else when.replace(tzinfo=timezone.utc)


def _clock(now: Any) -> Callable[[], datetime]:
    """``now=`` as a clock returning aware datetimes."""
    if now is None:
        return lambda: datetime.now(timezone.utc)
    if not callable(now):
        raise InputError(
            f"now={now!r:.80}: pass a function returning the current time as an aware "
            "datetime, e.g. lambda: datetime.now(timezone.utc), or None for the wall clock"
        )

    def checked() -> datetime:
        value = now()
        if not isinstance(value, datetime) or value.tzinfo is None:
            raise InputError(
                f"now() returned {value!r:.80}: it must return a timezone-aware datetime"
            )
        return value

    return checked


def _seconds(value: Any) -> float:
    """``lookback=`` as seconds >= 0."""
    seconds = value.total_seconds() if isinstance(value, timedelta) else value
    if (
        isinstance(seconds, (int, float)) and not isinstance(seconds, bool)
        and math.isfinite(seconds) and seconds >= 0
    ):  # fmt: skip
        return float(seconds)
    raise InputError(
        f"lookback={value!r:.80}: use seconds >= 0 or a datetime.timedelta, e.g. "
        "timedelta(minutes=5)"
    )
