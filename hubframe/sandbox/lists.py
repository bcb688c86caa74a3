"""Lists v3: the store's list operations and their handlers (facts §2.14).

Only MANUAL and SNAPSHOT lists take manual changes; memberships are listed by
ascending record id with archived contacts left out.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from .calls import Call, Reply, paging
from .errors import ApiError, validation_error
from .state import PortalState
from .util import locked, parse_id
from .values import iso_ms, now_ms

__all__ = ["ListOps"]

# The sandbox's own copies of HubSpot's list limits (the client keeps its own on purpose).
MANUAL_TYPES = ("MANUAL", "SNAPSHOT")
MAX_MEMBERSHIP_IDS = 100_000
MEMBERSHIPS_DEFAULT, MEMBERSHIPS_MAX = 100, 250
LIST_SEARCH_DEFAULT, LIST_SEARCH_MAX = 20, 500


class ListOps(PortalState):
    """List operations of the store.

    Attributes:
        lists: list id -> the list's metadata.
        list_members: list id -> {record id: membership timestamp (epoch ms)}.
    """

    def __init__(self, portal_id: int) -> None:
        super().__init__(portal_id)
        self.lists: dict[str, dict[str, Any]] = {}
        self.list_members: dict[str, dict[int, int]] = {}

    def _list(self, list_id: str) -> dict[str, Any]:
        meta = self.lists.get(str(list_id))
        if meta is None:
            raise ApiError(
                404,
                f"List with id {list_id} does not exist.",
                "OBJECT_NOT_FOUND",
                context={"listId": [str(list_id)]},
            )
        return meta

    def _live_members(self, list_id: str) -> list[int]:
        contacts = self.tables["contacts"].records
        return sorted(
            i
            for i in self.list_members.get(list_id, {})
            if i in contacts and not contacts[i].archived
        )

    def _list_json(self, meta: dict[str, Any]) -> dict[str, Any]:
        members = self.list_members.get(meta["listId"], {})
        size = len(self._live_members(meta["listId"]))
        last_added = max(members.values(), default=meta["createdAt"])
        return {
            "listId": meta["listId"],
            "listVersion": meta["listVersion"],
            "createdAt": iso_ms(meta["createdAt"]),
            "updatedAt": iso_ms(meta["updatedAt"]),
            "filtersUpdatedAt": iso_ms(meta["createdAt"]),
            "processingStatus": "COMPLETE",
            "createdById": meta["createdById"],
            "updatedById": meta["createdById"],
            "processingType": meta["processingType"],
            "objectTypeId": meta["objectTypeId"],
            "name": meta["name"],
            "size": size,
            "additionalProperties": {
                "hs_list_size": str(size),
                "hs_last_record_added_at": str(last_added),
                "hs_list_reference_count": "0",
            },
        }

    @locked
    def get_list(self, list_id: str) -> dict[str, Any]:
        """One list (GET /crm/v3/lists/{listId}); 404 if unknown."""
        return self._list_json(self._list(list_id))

    @locked
    def get_lists(self, list_ids: list[str] | None) -> list[dict[str, Any]]:
        """Lists by id (unknown ids skipped), or every list."""
        ids = list_ids if list_ids else list(self.lists)
        return [self._list_json(self.lists[i]) for i in ids if i in self.lists]

    @locked
    def search_lists(
        self,
        *,
        query: str,
        offset: int,
        count: int,
        processing_types: list[str],
        list_ids: list[str],
    ) -> tuple[list[dict[str, Any]], int, bool, int]:
        """POST /crm/v3/lists/search: (lists, total, hasMore, next offset)."""
        q = query.casefold()
        hits = [
            m
            for m in self.lists.values()
            if q in m["name"].casefold()
            and (not processing_types or m["processingType"] in processing_types)
            and (not list_ids or m["listId"] in list_ids)
        ]
        page = hits[offset : offset + count]
        return (
            [self._list_json(m) for m in page],
            len(hits),
            offset + count < len(hits),
            offset + len(page),
        )

    @locked
    def get_memberships(
        self, list_id: str, *, after: int | None, limit: int
    ) -> tuple[list[dict[str, str]], int | None, int]:
        """Members by ascending record id: (page, next record id or None, total)."""
        self._list(list_id)
        ids = self._live_members(str(list_id))
        start = 0 if after is None else bisect_left(ids, after)
        members = self.list_members[str(list_id)]
        page = [
            {"recordId": str(i), "membershipTimestamp": iso_ms(members[i])}
            for i in ids[start : start + limit]
        ]
        nxt = ids[start + limit] if start + limit < len(ids) else None
        return page, nxt, len(ids)

    def _manual_list(self, list_id: str) -> dict[str, Any]:
        meta = self._list(list_id)
        if meta["processingType"] not in MANUAL_TYPES:
            raise validation_error(
                f"List {list_id} has processingType {meta['processingType']}: records can only be added "
                "to or removed from MANUAL or SNAPSHOT lists."
            )
        return meta

    def _record_ids(self, raw: Any) -> list[str]:
        if not isinstance(raw, list) or not all(
            isinstance(x, (str, int)) and not isinstance(x, bool) for x in raw
        ):
            raise validation_error("The request body must be a JSON array of record id strings.")
        if len(raw) > MAX_MEMBERSHIP_IDS:
            raise validation_error(f"At most {MAX_MEMBERSHIP_IDS} record ids can be sent at once.")
        return list(dict.fromkeys(str(x) for x in raw))

    @locked
    def add_and_remove_memberships(
        self, list_id: str, to_add: Any, to_remove: Any
    ) -> dict[str, list[str]]:
        """Add and remove members of a MANUAL/SNAPSHOT list.

        Records that do not exist go to ``recordIdsMissing``; records already in (or
        already out of) the list are ignored and not reported. The response carries both
        ``recordsIdsAdded`` (HubSpot's spelling, the only one it sends).
        """
        meta = self._manual_list(list_id)
        add_ids, remove_ids = self._record_ids(to_add), self._record_ids(to_remove)
        contacts = self.tables["contacts"]
        members = self.list_members.setdefault(meta["listId"], {})
        added, removed, missing = [], [], []
        now = now_ms()
        for raw in add_ids:
            rec = contacts.get_live(parse_id(raw))
            if rec is None:
                missing.append(raw)
            elif rec.id not in members:
                members[rec.id] = now
                added.append(str(rec.id))
        for raw in remove_ids:
            rec = contacts.get_live(parse_id(raw))
            if rec is None:
                missing.append(raw)
            elif members.pop(rec.id, None) is not None:
                removed.append(str(rec.id))
        if added or removed:
            meta["updatedAt"] = now
            self.note_write()
        return {
            "recordsIdsAdded": added,
            "recordIdsRemoved": removed,
            "recordIdsMissing": list(dict.fromkeys(missing)),
        }

    def add_memberships(self, list_id: str, record_ids: Any) -> dict[str, list[str]]:
        """PUT /crm/v3/lists/{listId}/memberships/add (body: a bare array of ids)."""
        return self.add_and_remove_memberships(list_id, record_ids, [])

    def remove_memberships(self, list_id: str, record_ids: Any) -> dict[str, list[str]]:
        """PUT /crm/v3/lists/{listId}/memberships/remove."""
        return self.add_and_remove_memberships(list_id, [], record_ids)

    # -- persistence ------------------------------------------------------------------------

    def lists_state(self) -> dict[str, Any]:
        return {
            "lists": [dict(m) for m in self.lists.values()],
            "list_members": {
                k: [[i, t] for i, t in v.items()] for k, v in self.list_members.items()
            },
        }

    def load_lists_state(self, state: dict[str, Any]) -> None:
        self.lists = {m["listId"]: m for m in state.get("lists", [])}
        self.list_members = {
            k: {int(i): t for i, t in v} for k, v in state.get("list_members", {}).items()
        }


# -- handlers ------------------------------------------------------------------------------


def get_list(call: Call, store: ListOps) -> Reply:
    return Reply(200, {"list": store.get_list(call.args["list_id"])})


def get_lists(call: Call, store: ListOps) -> Reply:
    return Reply(200, {"lists": store.get_lists(call.csv("listIds"))})


def search_lists(call: Call, store: ListOps) -> Reply:
    body = call.json(default={})
    if not isinstance(body, dict):
        raise validation_error("Invalid input JSON: expected an object.")
    try:
        offset = int(body.get("offset") or 0)
        count = int(body.get("count") or LIST_SEARCH_DEFAULT)
    except (TypeError, ValueError):
        raise validation_error("offset and count must be whole numbers.") from None
    if offset < 0 or not 1 <= count <= LIST_SEARCH_MAX:
        raise validation_error(f"count must be between 1 and {LIST_SEARCH_MAX} and offset >= 0.")
    lists, total, has_more, nxt = store.search_lists(
        query=str(body.get("query") or ""),
        offset=offset,
        count=count,
        processing_types=list(body.get("processingTypes") or []),
        list_ids=[str(i) for i in body.get("listIds") or []],
    )
    return Reply(200, {"offset": nxt, "hasMore": has_more, "lists": lists, "total": total})


def get_memberships(call: Call, store: ListOps) -> Reply:
    limit = call.number("limit", MEMBERSHIPS_DEFAULT, 1, MEMBERSHIPS_MAX)
    results, nxt, total = store.get_memberships(
        call.args["list_id"], after=call.cursor(), limit=limit
    )
    return Reply(200, {"results": results, "total": total, **paging(call, nxt, link=False)})


def add_memberships(call: Call, store: ListOps) -> Reply:
    return Reply(200, store.add_memberships(call.args["list_id"], call.json(default=[])))


def remove_memberships(call: Call, store: ListOps) -> Reply:
    return Reply(200, store.remove_memberships(call.args["list_id"], call.json(default=[])))


def add_and_remove_memberships(call: Call, store: ListOps) -> Reply:
    body = call.json(default={})
    if not isinstance(body, dict):
        raise validation_error(
            "The body must be an object with recordIdsToAdd and recordIdsToRemove."
        )
    return Reply(
        200,
        store.add_and_remove_memberships(
            call.args["list_id"],
            body.get("recordIdsToAdd") or [],
            body.get("recordIdsToRemove") or [],
        ),
    )
