"""The one paginator: every loop over HubSpot's pages lives here, and checks each page.

- :func:`iter_pages` follows a list endpoint's ``after`` cursor (objects,
  association lists, list memberships), checking that every answer holds its
  ``results`` list and that ids ascend across the whole read;
- :func:`iter_search_pages` reads every match of a CRM search **by key**: sorted
  by ``hs_object_id``, each page a fresh query for the matches above the last id
  read. It never pages by offset, so changes behind the cursor shift nothing and
  HubSpot's 10,000-result cap never applies;
- :func:`iter_offset_pages` is the lists search's ``offset`` / ``hasMore`` loop.

An answer that breaks these rules raises :class:`UnexpectedResponseError` (after
the client's retries, where a retry can help): a read never ends early on a
broken page and never returns a record twice.
"""

from __future__ import annotations

import copy
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import InputError, UnexpectedResponseError

if TYPE_CHECKING:  # pragma: no cover
    from .client import HubSpot

__all__ = [
    "LIST_PAGE_MAX",
    "MAX_FILTERS",
    "MAX_FILTERS_PER_GROUP",
    "MAX_GROUPS",
    "SEARCH_CAP",
    "SEARCH_PAGE_MAX",
    "Page",
    "check_ascending",
    "check_key_room",
    "iter_offset_pages",
    "iter_pages",
    "iter_search_pages",
    "next_cursor",
]

#: HubSpot returns at most this many results for one search query.
SEARCH_CAP = 10_000
#: Largest search page HubSpot serves.
SEARCH_PAGE_MAX = 200
#: Largest list page HubSpot serves.
LIST_PAGE_MAX = 100
#: HubSpot's limits on a search's filters: groups, filters per group, filters in all.
MAX_GROUPS, MAX_FILTERS_PER_GROUP, MAX_FILTERS = 5, 6, 18


@dataclass
class Page:
    """One page of results.

    Attributes:
        results: the raw objects of the page, as HubSpot sent them.
        after: the cursor of the next page (None on the last page).
        total: the number of matches, when HubSpot says (search only).
        requested_after: the cursor that produced this page (None for the first).
    """

    results: list[dict[str, Any]]
    after: str | None
    total: int | None = None
    requested_after: str | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False)


def next_cursor(data: Mapping[str, Any]) -> str | None:
    """``paging.next.after`` of a response, or None when there is no next page."""
    paging = data.get("paging") or {}
    nxt = (paging.get("next") or {}).get("after")
    return None if nxt in (None, "") else str(nxt)


def iter_pages(
    hs: HubSpot,
    method: str,
    path: str,
    *,
    params: Mapping[str, Any] | None = None,
    kind: str = "read",
    after: str | None = None,
    order_key: str | None = "id",
) -> Generator[Page, None, None]:
    """Yield every page of a cursor-paged endpoint, following ``paging.next.after``.

    Every page is checked before it is used: an answer without a ``results`` list is
    retried, then raised; ids must ascend strictly across the whole read (object lists
    are in id order: HubSpot's cursor is the id of the next record), so an id read
    twice or a cursor that goes back is an error, never a duplicate; a cursor that
    does not move raises instead of looping forever. A short or even empty page that
    still carries a cursor is followed.

    Args:
        hs: the client.
        method, path: the endpoint.
        params: query parameters sent with every page.
        kind: the request kind for the retry policy.
        after: start from this cursor (resume).
        order_key: the key of each result whose value must ascend strictly (``"id"``);
            None for lists in no such order (association lists name a record once per
            label).

    Raises:
        UnexpectedResponseError: a page without results, out of order, or a cursor that
            does not advance.
        HubSpotError: a request failed.
    """
    seen: set[str] = set()
    last: int | None = None
    while True:
        query = dict(params or {})
        if after is not None:
            query["after"] = after
        data = hs.request_json(method, path, params=query or None, kind=kind, require="results")
        results = data["results"]
        if order_key is not None:
            last = check_ascending(results, order_key, last, method, path)
        nxt = next_cursor(data)
        total = data.get("total")
        yield Page(
            results=results,
            after=nxt,
            total=int(total) if total is not None else None,
            requested_after=after,
            raw=data,
        )
        if nxt is None:
            return
        backwards = (
            order_key is not None and last is not None and nxt.isdigit() and int(nxt) <= last
        )
        if nxt == after or nxt in seen or backwards:
            raise UnexpectedResponseError(
                f"HubSpot's next cursor is {nxt!r:.40}, "
                + ("a record already read" if backwards else "one it handed out before")
                + "; stopping instead of reading records twice.",
                method=method,
                path=path,
            )
        seen.add(nxt)
        after = nxt


def check_ascending(
    results: list[Any], key: str, last: int | None, method: str, path: str
) -> int | None:
    """The last id of a page whose ids ascend strictly from ``last``; else an error.

    Raises:
        UnexpectedResponseError: a result that is not an object with a numeric ``key``,
            or an id not above the one before it (out of order, or read already).
    """
    for record in results:
        raw = record.get(key) if isinstance(record, Mapping) else None
        text = str(raw) if raw is not None else ""
        if not (text.isascii() and text.isdigit()):
            raise UnexpectedResponseError(
                f"HubSpot sent a result without a record id ({key}={raw!r:.40}); stopping "
                "instead of guessing.",
                method=method,
                path=path,
            )
        rid = int(text)
        if last is not None and rid <= last:
            raise UnexpectedResponseError(
                f"HubSpot sent id {rid} after {last}: ids should ascend, so this record was "
                "read already or the order broke; stopping instead of reading records twice "
                "or skipping some.",
                method=method,
                path=path,
            )
        last = rid
    return last


def _with_floor(filter_groups: list[dict[str, Any]], floor: str | None) -> list[dict[str, Any]]:
    """The filter groups, each also requiring ``hs_object_id > floor`` (groups are ORed)."""
    if floor is None:
        return copy.deepcopy(filter_groups)
    extra = {"propertyName": "hs_object_id", "operator": "GT", "value": floor}
    if not filter_groups:
        return [{"filters": [extra]}]
    groups = copy.deepcopy(filter_groups)
    for group in groups:
        group.setdefault("filters", []).append(extra)
    return groups


def check_key_room(filter_groups: list[dict[str, Any]]) -> None:
    """Refuse filters that leave no room for the key filter a search adds to every group.

    Raises:
        InputError: a group already holds the most filters HubSpot allows, or all groups do.
    """
    counts = [len(g.get("filters") or []) for g in filter_groups] or [0]
    if max(counts) < MAX_FILTERS_PER_GROUP and sum(c + 1 for c in counts) <= MAX_FILTERS:
        return
    raise InputError(
        f"filter groups of {counts} filters leave no room for the one hubframe adds to each "
        "group (hs_object_id above the last id read), which keeps a search exact while "
        f"records change and lets it read past {SEARCH_CAP:,}. HubSpot allows "
        f"{MAX_FILTERS_PER_GROUP} filters per group and {MAX_FILTERS} in all: use at most "
        f"{MAX_FILTERS_PER_GROUP - 1} per group and {MAX_FILTERS - len(counts)} in all."
    )


def iter_search_pages(
    hs: HubSpot,
    object_type: str,
    *,
    filter_groups: list[dict[str, Any]] | None = None,
    properties: list[str] | None = None,
    query: str | None = None,
    limit: int = SEARCH_PAGE_MAX,
    floor: str | None = None,
) -> Generator[Page, None, None]:
    """Yield every page of matches of a CRM search, by key: exact while records change.

    Results come in ascending ``hs_object_id`` order, and each page is a fresh query
    for the matches above the last id read (added to every filter group), never an
    offset into the previous answer. So a record deleted, or starting to match,
    behind the cursor shifts nothing, and HubSpot's 10,000-result cap never applies:
    every page is the first page of its query. It costs the same requests as offset
    paging (one per ``limit`` matches). Each page's ``total`` is what HubSpot counts
    for its query: all matches on the first page, those still ahead later.

    Args:
        hs: the client.
        object_type: ``contacts``, ``companies`` or ``deals``.
        filter_groups: HubSpot ``filterGroups`` (ORed groups of ANDed filters); each must
            leave room for the key filter (see :func:`check_key_room`).
        properties: property names to return.
        query: HubSpot's free-text ``query``.
        limit: page size (at most 200).
        floor: start above this id (resume).

    Raises:
        InputError: a bad limit, or filters that leave no room for the key.
        UnexpectedResponseError: a page without results, or ids out of order.
    """
    if not 1 <= limit <= SEARCH_PAGE_MAX:
        raise InputError(f"limit={limit}: search pages hold 1 to {SEARCH_PAGE_MAX} results")
    groups = filter_groups or []
    check_key_room(groups)
    path = hs.paths.search(object_type)
    while True:
        body: dict[str, Any] = {
            "filterGroups": _with_floor(groups, floor),
            "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
            "limit": limit,
        }
        if properties is not None:
            body["properties"] = list(properties)
        if query:
            body["query"] = query
        data = hs.request_json("POST", path, json=body, kind="search", require="results")
        results = data["results"]
        floor_id = int(floor) if floor is not None else None
        last = check_ascending(results, "id", floor_id, "POST", path)
        # More may follow while HubSpot says so, or while a page comes back full; an
        # empty answer to "above the last id" means there is nothing above it.
        more = bool(results) and (next_cursor(data) is not None or len(results) >= limit)
        total = data.get("total")
        yield Page(
            results=results,
            after=str(last) if more else None,
            total=int(total) if total is not None else None,
            requested_after=floor,
            raw=data,
        )
        if not more:
            return
        floor = str(last)


def iter_offset_pages(
    hs: HubSpot,
    path: str,
    body: Mapping[str, Any],
    *,
    items_key: str,
    count: int = 100,
) -> Iterator[list[dict[str, Any]]]:
    """Yield the items of every page of an offset-paged search (``offset``, ``hasMore``).

    Stops when HubSpot says there is no more. An answer without the ``items_key``
    list, or an offset that does not advance, is an :class:`UnexpectedResponseError`.
    """
    offset = 0
    while True:
        data = hs.request_json(
            "POST", path, json={**body, "count": count, "offset": offset}, kind="read",
            require=items_key,
        )  # fmt: skip
        yield list(data[items_key])
        if not data.get("hasMore"):
            return
        new_offset = data.get("offset")
        if not isinstance(new_offset, int) or new_offset <= offset:
            raise UnexpectedResponseError(
                f"HubSpot says more {items_key} follow but its next offset is {new_offset!r:.40} "
                f"(after {offset}); stopping instead of reading the same page forever.",
                method="POST",
                path=path,
            )
        offset = new_offset
