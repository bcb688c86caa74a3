"""The one paginator: every loop over HubSpot's ``after`` cursor lives here.

Two shapes of cursor exist:

- list endpoints (``GET /crm/v3/objects/{type}``, association lists, list
  memberships) carry ``after`` in the query string;
- search (``POST .../search``) carries it in the JSON body, as a numeric offset.

The lists search (``POST /crm/v3/lists/search``) pages by ``offset`` and
``hasMore`` instead: :func:`iter_offset_pages` is that loop.

:func:`iter_pages` handles both (the cursor's place is a setting, not a second
loop). :func:`iter_search_pages` builds on it to read *every* match of a
search, also past HubSpot's 10,000-result cap: it sorts by ``hs_object_id``,
pages up to the cap, then restarts the query above the last id seen, so no
match is skipped and none is read twice.
"""

from __future__ import annotations

import copy
from collections.abc import Generator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import HubSpotError, InputError

if TYPE_CHECKING:  # pragma: no cover
    from .client import HubSpot

__all__ = [
    "LIST_PAGE_MAX",
    "SEARCH_CAP",
    "SEARCH_PAGE_MAX",
    "Page",
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
    body: Mapping[str, Any] | None = None,
    cursor: str = "query",
    kind: str = "read",
    after: str | None = None,
) -> Generator[Page, None, None]:
    """Yield every page of a cursor-paged endpoint, following ``paging.next.after``.

    Paging is driven only by the cursor: a short or even empty page that still
    carries a cursor is followed (HubSpot's search does this), and a cursor that
    does not move raises instead of looping forever.

    Args:
        hs: the client.
        method, path: the endpoint.
        params: query parameters sent with every page.
        body: JSON body sent with every page (search).
        cursor: ``"query"`` or ``"body"``: where ``after`` travels.
        kind: the request kind for the retry policy (``read`` or ``search``).
        after: start from this cursor (resume).

    Raises:
        HubSpotError: a request failed, or HubSpot returned the same cursor twice.
    """
    if cursor not in ("query", "body"):
        raise InputError(f"cursor={cursor!r}: use 'query' or 'body'")
    seen: set[str] = set()
    while True:
        q = dict(params or {})
        b = copy.deepcopy(dict(body)) if body is not None else None
        if after is not None:
            if cursor == "query":
                q["after"] = after
            else:
                assert b is not None
                b["after"] = after
        data = hs.request_json(method, path, params=q or None, json=b, kind=kind) or {}
        nxt = next_cursor(data)
        total = data.get("total")
        yield Page(
            results=list(data.get("results") or []),
            after=nxt,
            total=int(total) if total is not None else None,
            requested_after=after,
            raw=data,
        )
        if nxt is None:
            return
        if nxt == after or nxt in seen:
            raise HubSpotError(
                f"HubSpot returned the cursor {nxt!r} twice for {method} {path}; stopping "
                "instead of reading the same page forever.",
                method=method,
                path=path,
            )
        seen.add(nxt)
        after = nxt


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
    """Yield every page of matches of a CRM search, also past the 10,000-result cap.

    Results come in ascending ``hs_object_id`` order. Each query window is read
    until just before the cap; the next window adds ``hs_object_id > last id``
    to every filter group. The ``total`` of the first page is the count of all
    matches; later windows report what is left.

    Args:
        hs: the client.
        object_type: ``contacts``, ``companies`` or ``deals``.
        filter_groups: HubSpot ``filterGroups`` (ORed groups of ANDed filters).
        properties: property names to return.
        query: HubSpot's free-text ``query``.
        limit: page size (at most 200).
        floor: start above this id (resume).
    """
    if not 1 <= limit <= SEARCH_PAGE_MAX:
        raise InputError(f"limit={limit}: search pages hold 1 to {SEARCH_PAGE_MAX} results")
    path = hs.paths.search(object_type)
    groups = filter_groups or []
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
        last_id: str | None = None
        capped = False
        for page in iter_pages(hs, "POST", path, body=body, cursor="body", kind="search"):
            if page.results:
                last_id = str(page.results[-1]["id"])
            yield page
            if page.after is not None and int(page.after) + limit > SEARCH_CAP:
                capped = True  # the next page would cross the cap: start a new window
                break
        if not capped:
            return
        if last_id is None or (floor is not None and int(last_id) <= int(floor)):
            raise HubSpotError(
                f"search on {object_type} stopped advancing at hs_object_id {floor}; "
                "stopping instead of looping.",
                method="POST",
                path=path,
            )
        floor = last_id


def iter_offset_pages(
    hs: HubSpot,
    path: str,
    body: Mapping[str, Any],
    *,
    items_key: str,
    count: int = 100,
) -> Iterator[list[dict[str, Any]]]:
    """Yield the items of every page of an offset-paged search (``offset``, ``hasMore``).

    Stops when HubSpot says there is no more, or when its offset does not advance
    (instead of reading the same page forever).
    """
    offset = 0
    while True:
        data = (
            hs.request_json(
                "POST", path, json={**body, "count": count, "offset": offset}, kind="search"
            )
            or {}
        )
        yield list(data.get(items_key) or [])
        if not data.get("hasMore"):
            return
        new_offset = int(data.get("offset") or 0)
        if new_offset <= offset:
            return
        offset = new_offset
