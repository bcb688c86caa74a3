"""Reading what changed: records modified since a moment, and archived records.

- :func:`read_changed` searches the object's modification property
  (``lastmodifieddate`` for contacts, ``hs_lastmodifieddate`` for companies and
  deals) for values at or after a moment, through the one search paginator
  (:meth:`~hubframe.resources.search.Search.iter_search_pages`): paged by
  ``hs_object_id`` key, so any number of records sharing one timestamp is read
  exactly once, past 10,000 too.
- :func:`read_archived` lists the recycle bin (``archived=true``): each record's id
  and ``archivedAt``. Search never returns archived records (facts §2.8), so
  deletions are only seen here; HubSpot keeps them about 90 days.
- :func:`resolve` decides, for an id in both, whether the record was archived
  after its last change (deleted) or changed after it was archived (restored).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from ..errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from ..resources import ObjectResource

__all__ = ["MODIFIED", "Changes", "parse_when", "read_archived", "read_changed", "resolve"]

#: The property HubSpot moves on every write, per object type (search filters on it);
#: every type not listed (tickets, engagements, custom objects ...) has ``hs_lastmodifieddate``.
MODIFIED = {
    "contacts": "lastmodifieddate",
    "companies": "hs_lastmodifieddate",
    "deals": "hs_lastmodifieddate",
}


@dataclass
class Changes:
    """What changed: the changed records (raw, by id) and the deleted ids."""

    changed: dict[str, dict[str, Any]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)


def parse_when(value: Any, name: str = "since") -> datetime:
    """A moment as an aware UTC datetime: an ISO string with a zone, an aware datetime or
    pandas Timestamp.

    Raises:
        InputError: anything else, a naive time (which zone is unknown), or bad text.
    """
    when: Any = value
    if isinstance(value, str):
        try:
            when = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InputError(
                f"{name}={value!r:.60}: not an ISO date-time; use e.g. '2026-11-30T00:00Z'"
            ) from None
    elif hasattr(value, "to_pydatetime") and not isinstance(value, type):
        when = value.to_pydatetime()
    if not isinstance(when, datetime):
        raise InputError(
            f"{name}={value!r:.60}: use an ISO string with a time zone such as "
            "'2026-11-30T00:00Z', a timezone-aware datetime, or a pandas Timestamp"
        )
    if when.tzinfo is None or when.utcoffset() is None:
        raise InputError(
            f"{name}={value!r:.60} has no time zone, so the moment it names is unknown; give "
            "one, e.g. '2026-11-30T00:00Z' or datetime(2026, 11, 30, tzinfo=timezone.utc)"
        )
    return when.astimezone(timezone.utc)


def ms_of(text: Any) -> int | None:
    """Epoch milliseconds of an ISO timestamp HubSpot sent (None when unreadable)."""
    if not isinstance(text, str) or not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return int(when.timestamp() * 1000)


def read_changed(
    resource: ObjectResource,
    since_ms: int,
    names: list[str],
    on_page: Callable[[int, int | None], None] | None = None,
) -> dict[str, dict[str, Any]]:
    """Every record whose modification property is at or after ``since_ms``, by id.

    ``on_page(records, total)`` is told of each page (for a progress bar).
    """
    prop = MODIFIED.get(resource.object_type, "hs_lastmodifieddate")
    when = datetime.fromtimestamp(since_ms / 1000, tz=timezone.utc)
    groups = resource.filter_groups(prop, when, operator="GTE")
    found: dict[str, dict[str, Any]] = {}
    for page in resource.iter_search_pages(groups, names):
        for rec in page.results:
            found[str(rec["id"])] = rec
        if on_page is not None:
            on_page(len(page.results), page.total)
    return found


def read_archived(resource: ObjectResource, since_ms: int | None = None) -> dict[str, int]:
    """``{id: archivedAt ms}`` of the archived records (archived at or after ``since_ms``
    when given). A record without a readable ``archivedAt`` counts as archived now."""
    out: dict[str, int] = {}
    for page in resource.iter_pages(archived=True, names=["hs_object_id"]):
        for rec in page.results:
            at = ms_of(rec.get("archivedAt"))
            if at is None:
                at = int(datetime.now(timezone.utc).timestamp() * 1000)
            if since_ms is None or at >= since_ms:
                out[str(rec["id"])] = at
    return out


def resolve(changed: dict[str, dict[str, Any]], archived: dict[str, int]) -> Changes:
    """The changes: an id both changed and archived is deleted when it was archived after
    its last change (search still shows it: its index lags), and kept when it changed after
    (a restored record)."""
    out = Changes(changed=dict(changed))
    for rid, archived_at in archived.items():
        rec = out.changed.get(rid)
        if rec is not None:
            modified = ms_of(rec.get("updatedAt"))
            if modified is not None and modified > archived_at:
                continue
            del out.changed[rid]
        out.deleted.add(rid)
    return out
