"""List memberships (``hs.lists``), on HubSpot's Lists API (``/crm/lists/{version}``, or
``/crm/v3/lists`` with ``api_version="legacy"``: the ids and shapes are the same)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..batching import chunks
from ..errors import InputError
from ..pagination import iter_offset_pages, iter_pages
from ..validate import check_id, check_ids
from .base import table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..client import HubSpot

__all__ = ["Lists"]

#: Record ids per membership request; HubSpot documents no limit, so stay modest.
LIST_CHUNK = 100


class Lists:
    """List memberships (``hs.lists``), on the Lists API of the client's version."""

    def __init__(self, hs: HubSpot):
        self._hs = hs

    def add(self, list_id: str | int, ids: Any) -> pd.DataFrame:
        """Add records to a static (MANUAL or SNAPSHOT) list.

        Args:
            list_id: the list id (the ILS id of the v3 and dated APIs, not a legacy v1 id).
            ids: one record id, a list of ids, a Series, or a DataFrame with an ``id`` column.

        Returns:
            One row per id: ``id`` and ``outcome`` (``added``, ``already a member`` or
            ``not found``).

        Raises:
            InputError: a bad list id or record id (before anything is sent).
            NotFoundError: no such list.
            BadRequestError: the list is not static (HubSpot adds only to MANUAL/SNAPSHOT lists).
        """
        lid = check_id(list_id, what="list id")
        record_ids = list(dict.fromkeys(check_ids(ids, what="record id")))
        outcome: dict[str, str] = {}
        for chunk in chunks(record_ids, LIST_CHUNK):
            data = (
                self._hs.request_json(
                    "PUT",
                    self._hs.paths.list_memberships(lid, "add"),
                    json=list(chunk),
                    kind="idempotent",
                )
                or {}
            )
            # HubSpot's documented key is "recordsIdsAdded"; accept the spelling without the "s" too.
            added = {
                str(i) for i in (data.get("recordsIdsAdded") or data.get("recordIdsAdded") or [])
            }
            missing = {str(i) for i in data.get("recordIdsMissing") or []}
            for rid in chunk:
                outcome[rid] = (
                    "added"
                    if rid in added
                    else "not found"
                    if rid in missing
                    else "already a member"
                )
        return table(
            [{"id": rid, "outcome": outcome[rid]} for rid in record_ids], ["id", "outcome"]
        )

    def members(self, list_id: str | int) -> pd.DataFrame:
        """The record ids in a list (every page), with the time each was added."""
        import pandas as pd

        lid = check_id(list_id, what="list id")
        rows: dict[str, dict[str, Any]] = {}
        path = self._hs.paths.list_memberships(lid)
        # HubSpot documents no order for memberships (unconfirmed either way), so only the
        # pages' shape and cursors are checked; a record listed twice is kept once.
        for page in iter_pages(self._hs, "GET", path, params={"limit": 250}, order_key=None):
            for r in page.results:
                rid = str(r.get("recordId"))
                rows.setdefault(rid, {"id": rid, "added_at": r.get("membershipTimestamp")})
        df = pd.DataFrame(list(rows.values()), columns=["id", "added_at"])
        df["id"] = df["id"].astype("string")
        df["added_at"] = pd.to_datetime(df["added_at"], utc=True, errors="coerce", format="ISO8601")
        return df

    def all(self, *, query: str = "") -> pd.DataFrame:
        """The portal's lists (id, name, processing type, object type, size).

        Args:
            query: only lists whose name contains this text.
        """
        if not isinstance(query, str):
            raise InputError(
                f"query={query!r:.100}: use a string (part of a list name), or '' for all lists"
            )
        rows: list[dict[str, Any]] = []
        path = self._hs.paths.list_search()
        for items in iter_offset_pages(self._hs, path, {"query": query}, items_key="lists"):
            for item in items:
                extra = item.get("additionalProperties") or {}
                rows.append({
                    "list_id": str(item.get("listId")),
                    "name": item.get("name"),
                    "processing_type": item.get("processingType"),
                    "object_type_id": item.get("objectTypeId"),
                    "size": str(extra.get("hs_list_size", item.get("size", ""))),
                })  # fmt: skip
        return table(rows, ["list_id", "name", "processing_type", "object_type_id", "size"])
