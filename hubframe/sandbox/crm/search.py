"""CRM search requests: a search body checked against HubSpot's limits (facts §2.8).

:func:`parse_request` validates a body and returns a :class:`SearchRequest`
whose filters are checked against the property definitions; finding the
matching records is :mod:`.matching`'s.

The limits below are the sandbox's own copy of HubSpot's facts; the client
keeps its own on purpose (a wrong one on either side is caught by the other).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from ..errors import validation_error
from .definitions import ObjectType, PropertyDef, object_type

__all__ = ["SearchRequest", "Filter", "parse_request", "MAX_RESULTS", "MAX_BODY_CHARS"]

MAX_GROUPS = 5
MAX_FILTERS_PER_GROUP = 6
MAX_FILTERS = 18
MAX_BODY_CHARS = 3000
MAX_LIMIT = 200
DEFAULT_LIMIT = 10
MAX_RESULTS = 10_000

OPERATORS = frozenset(
    {
        "EQ",
        "NEQ",
        "LT",
        "LTE",
        "GT",
        "GTE",
        "BETWEEN",
        "IN",
        "NOT_IN",
        "HAS_PROPERTY",
        "NOT_HAS_PROPERTY",
        "CONTAINS_TOKEN",
        "NOT_CONTAINS_TOKEN",
    }
)
_NEEDS_VALUE = frozenset(
    {"EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"}
)
_NEEDS_VALUES = frozenset({"IN", "NOT_IN"})


@dataclass
class Filter:
    """One filter of a filter group."""

    prop: str
    op: str
    value: Any = None
    high: Any = None
    values: list[Any] = field(default_factory=list)


@dataclass
class SearchRequest:
    """A validated search body."""

    groups: list[list[Filter]]
    query: str | None
    sort: tuple[str, bool] | None  # (property, descending)
    properties: list[str] | None
    limit: int
    after: int
    cache_key: str


def parse_request(
    otype: ObjectType, defs: dict[str, PropertyDef], body: Any, raw_chars: int
) -> SearchRequest:
    """Validate a search body the way HubSpot does.

    Args:
        otype: the object type searched.
        defs: its property definitions.
        body: the decoded JSON body.
        raw_chars: length of the raw body (HubSpot refuses bodies over 3,000 characters).

    Returns:
        The request, with filters checked against the property definitions.

    Raises:
        ApiError: 400 VALIDATION_ERROR for every limit or shape HubSpot rejects.
    """
    if raw_chars > MAX_BODY_CHARS:
        raise validation_error(
            f"The request body is {raw_chars} characters long; search requests are limited to "
            f"{MAX_BODY_CHARS} characters."
        )
    if body is None:
        body = {}
    if not isinstance(body, dict):
        raise validation_error("Invalid input JSON: expected an object.")
    groups_raw = body.get("filterGroups") or []
    groups = _parse_groups(otype, defs, groups_raw)
    loose_raw = body.get("filters") or []
    loose = _parse_loose(otype, defs, loose_raw)
    if loose:  # ANDed with every group, or the one group when there are none
        groups = [group + loose for group in groups] or [loose]

    sort = _parse_sorts(defs, body.get("sorts"))
    query = body.get("query")
    if query is not None and not isinstance(query, str):
        raise validation_error("query must be a string.")
    props = body.get("properties")
    if props is not None and (
        not isinstance(props, list) or not all(isinstance(p, str) for p in props)
    ):
        raise validation_error("properties must be a list of property names.")

    limit, after = _parse_paging(body)

    key = json.dumps(
        [otype.name, groups_raw, loose_raw, query.strip() if query else None, sort],
        sort_keys=True,
        default=str,
    )
    return SearchRequest(groups, query.strip() if query else None, sort, props, limit, after, key)


def _parse_groups(
    otype: ObjectType, defs: dict[str, PropertyDef], groups_raw: Any
) -> list[list[Filter]]:
    if not isinstance(groups_raw, list):
        raise validation_error("filterGroups must be a list.")
    if len(groups_raw) > MAX_GROUPS:
        raise validation_error(
            f"Too many filter groups: {len(groups_raw)}. A search can have at most {MAX_GROUPS} "
            f"filterGroups, {MAX_FILTERS_PER_GROUP} filters per group and {MAX_FILTERS} filters in total."
        )
    groups: list[list[Filter]] = []
    total = 0
    for g in groups_raw:
        filters_raw = (g or {}).get("filters") or [] if isinstance(g, dict) else None
        if not isinstance(filters_raw, list):
            raise validation_error("Each filterGroup must be an object with a list of filters.")
        if len(filters_raw) > MAX_FILTERS_PER_GROUP:
            raise validation_error(
                f"Too many filters in a filterGroup: {len(filters_raw)}. The maximum is {MAX_FILTERS_PER_GROUP}."
            )
        total += len(filters_raw)
        groups.append([_parse_filter(otype, defs, f) for f in filters_raw])
    if total > MAX_FILTERS:
        raise validation_error(
            f"Too many filters: {total}. The maximum across all filterGroups is {MAX_FILTERS}."
        )
    return groups


def _parse_loose(otype: ObjectType, defs: dict[str, PropertyDef], raw: Any) -> list[Filter]:
    """Top-level ``filters``: HubSpot also takes filters outside any group and ANDs them
    (hubspot-api-nodejs#491; Airbyte's incremental search sends only these). Their limits
    are unconfirmed: here they count as one group of at most the per-group maximum."""
    if not isinstance(raw, list):
        raise validation_error("filters must be a list.")
    if len(raw) > MAX_FILTERS_PER_GROUP:
        raise validation_error(
            f"Too many filters: {len(raw)}. The maximum in one group is {MAX_FILTERS_PER_GROUP}."
        )
    return [_parse_filter(otype, defs, f) for f in raw]


def _parse_paging(body: dict[str, Any]) -> tuple[int, int]:
    """``(limit, after)``, within HubSpot's page size and its 10,000-result cap."""
    limit = _int_field(body.get("limit"), "limit", DEFAULT_LIMIT)
    if limit < 0 or limit > MAX_LIMIT:
        raise validation_error(f"limit must be between 0 and {MAX_LIMIT}; got {limit}.")
    after = _int_field(body.get("after"), "after", 0)
    if after < 0:
        raise validation_error(f"after must be a non-negative offset; got {after}.")
    if after + limit > MAX_RESULTS:
        raise validation_error(
            f"Paging beyond {MAX_RESULTS} results is not supported: after ({after}) + limit ({limit}) "
            f"is more than {MAX_RESULTS}. Narrow the query, e.g. with an hs_object_id GT filter."
        )
    return limit, after


def _int_field(raw: Any, name: str, default: int) -> int:
    if raw is None or raw == "":
        return default
    if isinstance(raw, bool):
        raise validation_error(f"{name} must be a whole number.")
    try:
        return int(raw) if not isinstance(raw, float) or raw.is_integer() else int("x")
    except (TypeError, ValueError):
        raise validation_error(f"{name} must be a whole number; got {raw!r}.") from None


def _parse_filter(otype: ObjectType, defs: dict[str, PropertyDef], raw: Any) -> Filter:
    if not isinstance(raw, dict):
        raise validation_error("Each filter must be an object with propertyName and operator.")
    prop = raw.get("propertyName")
    op = raw.get("operator")
    if not isinstance(prop, str) or not prop:
        raise validation_error("Each filter needs a propertyName.")
    if op not in OPERATORS:
        raise validation_error(
            f"Invalid operator {op!r} for property {prop}. Use one of: {', '.join(sorted(OPERATORS))}."
        )
    if prop.startswith("associations."):
        object_type(prop.split(".", 1)[1])  # 400 for an unknown object type
        if op not in ("EQ", "NEQ", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY"):
            raise validation_error(f"Operator {op} is not supported for {prop}.")
    elif prop not in defs:
        raise validation_error(
            f"Property {prop} does not exist on {otype.upper} objects and cannot be filtered on."
        )
    f = Filter(prop, op, raw.get("value"), raw.get("highValue"), raw.get("values") or [])
    if op in _NEEDS_VALUE and f.value is None:
        raise validation_error(f"Operator {op} on {prop} needs a value.")
    if op == "BETWEEN" and f.high is None:
        raise validation_error(f"Operator BETWEEN on {prop} needs a value and a highValue.")
    if op in _NEEDS_VALUES and (not isinstance(f.values, list) or not f.values):
        raise validation_error(f"Operator {op} on {prop} needs a non-empty list of values.")
    return f


def _parse_sorts(defs: dict[str, PropertyDef], raw: Any) -> tuple[str, bool] | None:
    if not raw:
        return None
    if not isinstance(raw, list):
        raise validation_error("sorts must be a list.")
    if len(raw) > 1:
        raise validation_error(f"Only one sort is allowed; got {len(raw)}.")
    s = raw[0]
    name: Any  # a str when valid; anything else fails the definitions check below
    if isinstance(s, str):  # the spec also types sorts as strings: "prop" or "-prop"
        name, desc = (s[1:], True) if s.startswith("-") else (s, False)
    elif isinstance(s, dict):
        name = s.get("propertyName")
        direction = s.get("direction", "ASCENDING")
        if direction not in ("ASCENDING", "DESCENDING"):
            raise validation_error(
                f"Invalid sort direction {direction!r}: use ASCENDING or DESCENDING."
            )
        desc = direction == "DESCENDING"
    else:
        raise validation_error("Each sort must be an object with propertyName and direction.")
    if name not in defs:
        raise validation_error(f"Cannot sort by {name!r}: no such property.")
    return name, desc
