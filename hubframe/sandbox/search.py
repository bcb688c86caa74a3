"""CRM search: request validation, filter matching, sorting (facts §2.8).

:func:`parse_request` checks a search body against HubSpot's limits and
compiles its filters; :func:`find` returns every matching id in result order.
The store caches :func:`find`'s answer per query until the next write, so paging
a 100,000-record result (or windowing it by ``hs_object_id GT``) does not scan
and sort every record for every page. ``hs_object_id`` ranges are cut from the
sorted id array with bisect instead of being tested record by record.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from fnmatch import translate
from typing import TYPE_CHECKING, Any

from .definitions import ObjectType, PropertyDef, object_type
from .errors import validation_error
from .values import parse_time_ms

if TYPE_CHECKING:  # pragma: no cover
    from .store import ObjectTable, Record, Store

__all__ = ["SearchRequest", "parse_request", "find", "MAX_RESULTS", "MAX_BODY_CHARS"]

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
_TOKEN_SPLIT = re.compile(r"[^\w]+", re.UNICODE)

Predicate = Callable[["Record"], bool]


@dataclass
class Filter:
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

    sort = _parse_sorts(defs, body.get("sorts"))
    query = body.get("query")
    if query is not None and not isinstance(query, str):
        raise validation_error("query must be a string.")
    props = body.get("properties")
    if props is not None and (
        not isinstance(props, list) or not all(isinstance(p, str) for p in props)
    ):
        raise validation_error("properties must be a list of property names.")

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

    key = json.dumps(
        [otype.name, groups_raw, query.strip() if query else None, sort],
        sort_keys=True,
        default=str,
    )
    return SearchRequest(groups, query.strip() if query else None, sort, props, limit, after, key)


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


# -- matching -----------------------------------------------------------------------------


def find(store: Store, table: ObjectTable, req: SearchRequest) -> list[int]:
    """Every live id matching ``req``, in result order (no caching here)."""
    ids = table.live_ids()
    if not req.groups:
        matched = ids
    else:
        seen: set[int] = set()
        parts: list[list[int]] = []
        for group in req.groups:
            part = _match_group(store, table, ids, group)
            parts.append(part)
            seen.update(part)
        matched = parts[0] if len(parts) == 1 else sorted(seen)
    if req.query:
        pred = _query_predicate(table, req.query)
        recs = table.records
        matched = [i for i in matched if pred(recs[i])]
    return _sort(table, matched, req.sort)


def _match_group(
    store: Store, table: ObjectTable, ids: list[int], group: list[Filter]
) -> list[int]:
    candidates: list[int] | None = None
    exact: Filter | None = None
    for f in group:
        narrowed = _narrow(store, table, ids, f)
        if narrowed is not None:
            candidates, exact = narrowed, f
            break
    if candidates is None:
        candidates = ids
    preds = [_compile(store, table, f) for f in group if f is not exact]
    if not preds:
        return list(candidates)
    recs = table.records
    if len(preds) == 1:
        p = preds[0]
        return [i for i in candidates if p(recs[i])]
    return [i for i in candidates if all(p(recs[i]) for p in preds)]


def _narrow(store: Store, table: ObjectTable, ids: list[int], f: Filter) -> list[int] | None:
    """Candidate ids for a filter that an index answers exactly, else None."""
    if f.prop == "hs_object_id":
        if f.op in ("GT", "GTE", "LT", "LTE", "EQ", "BETWEEN"):
            v = _number(f.value, f.prop)
            if f.op == "GT":
                return ids[bisect_right(ids, v) :]
            if f.op == "GTE":
                return ids[bisect_left(ids, v) :]
            if f.op == "LT":
                return ids[: bisect_left(ids, v)]
            if f.op == "LTE":
                return ids[: bisect_right(ids, v)]
            if f.op == "EQ":
                i = bisect_left(ids, v)
                return ids[i : i + 1] if i < len(ids) and ids[i] == v else []
            hi = _number(f.high, f.prop)
            return ids[bisect_left(ids, v) : bisect_right(ids, hi)]
        if f.op == "IN":
            numbers = (_number(v, f.prop) for v in f.values)
            wanted = sorted({int(n) for n in numbers if n == int(n)})
            recs = table.records
            return [i for i in wanted if i in recs and not recs[i].archived]
    if f.prop == "email" and f.op == "EQ" and table.email_index is not None:
        hit = table.email_index.get(str(f.value).strip().casefold())
        return [hit] if hit is not None else []
    if f.prop.startswith("associations.") and f.op == "EQ":
        to_type = object_type(f.prop.split(".", 1)[1]).name
        try:
            other = int(str(f.value))
        except ValueError:
            return []
        recs = table.records
        return sorted(
            i
            for i in store.assoc.targets(to_type, other, table.type.name)
            if i in recs and not recs[i].archived
        )
    return None


def _number(raw: Any, prop: str) -> float:
    try:
        return float(raw)
    except (TypeError, ValueError):
        raise validation_error(f"{raw!r} is not a valid number for property {prop}.") from None


def _converter(defn: PropertyDef, prop: str) -> Callable[[Any], Any]:
    kind = defn.type
    if kind == "number":
        return lambda v: _number(v, prop)
    if kind in ("date", "datetime"):

        def to_ms(v: Any) -> int:
            ms = parse_time_ms(v)
            if ms is None:
                raise validation_error(
                    f'{v!r} is not a valid value for {prop}: use epoch milliseconds (e.g. "1579514400000").'
                )
            return ms

        return to_ms
    if kind == "bool":
        return lambda v: str(v).strip().lower()
    if kind == "enumeration":
        return lambda v: str(v)  # enumeration values are case-sensitive
    return lambda v: str(v).casefold()


def _compile(store: Store, table: ObjectTable, f: Filter) -> Predicate:
    if f.prop.startswith("associations."):
        return _compile_association(store, table, f)
    name, op = f.prop, f.op
    defn = table.defs[name]
    value_of = table.value
    if op in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        want = op == "HAS_PROPERTY"
        return lambda r: (value_of(r, name) not in (None, "")) is want
    if op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        match = _token_matcher(str(f.value))
        if op == "CONTAINS_TOKEN":
            return lambda r: match(value_of(r, name))
        return lambda r: not match(value_of(r, name))
    if defn.multi:
        return _compile_multi(table, f)
    conv = _converter(defn, name)
    typed = table.typed
    if op in ("EQ", "NEQ"):
        v = conv(f.value)
        if op == "EQ":
            return lambda r: typed(r, name) == v
        return lambda r: typed(r, name) != v
    if op in ("IN", "NOT_IN"):
        # Strings are matched lower-cased, and the values are not: HubSpot asks for
        # lower-case IN values, and upper-case ones simply do not match.
        raw_conv = (lambda v: str(v)) if defn.type in ("string", "phone_number") else conv
        wanted = {raw_conv(v) for v in f.values}
        if op == "IN":
            return lambda r: typed(r, name) in wanted
        return lambda r: typed(r, name) not in wanted
    if op == "BETWEEN":
        lo, hi = conv(f.value), conv(f.high)
        return lambda r: (t := typed(r, name)) is not None and lo <= t <= hi
    v = conv(f.value)
    if op == "LT":
        return lambda r: (t := typed(r, name)) is not None and t < v
    if op == "LTE":
        return lambda r: (t := typed(r, name)) is not None and t <= v
    if op == "GT":
        return lambda r: (t := typed(r, name)) is not None and t > v
    return lambda r: (t := typed(r, name)) is not None and t >= v  # GTE


def _compile_multi(table: ObjectTable, f: Filter) -> Predicate:
    name, op = f.prop, f.op
    value_of = table.value

    def parts(r: Record) -> set[str]:
        v = value_of(r, name)
        return set(v.split(";")) - {""} if v else set()

    if op in ("EQ", "NEQ"):
        v = str(f.value)
        return (lambda r: v in parts(r)) if op == "EQ" else (lambda r: v not in parts(r))
    if op in ("IN", "NOT_IN"):
        wanted = {str(v) for v in f.values}
        return (
            (lambda r: bool(parts(r) & wanted)) if op == "IN" else (lambda r: not parts(r) & wanted)
        )
    raise validation_error(f"Operator {op} is not supported for multiple checkbox property {name}.")


def _compile_association(store: Store, table: ObjectTable, f: Filter) -> Predicate:
    to_type = object_type(f.prop.split(".", 1)[1]).name
    from_type = table.type.name

    def linked(r: Record) -> set[str]:
        return {str(i) for i in store.live_targets(from_type, r.id, to_type)}

    op = f.op
    if op == "HAS_PROPERTY":
        return lambda r: bool(linked(r))
    if op == "NOT_HAS_PROPERTY":
        return lambda r: not linked(r)
    if op in ("EQ", "NEQ"):
        v = str(f.value)
        return (lambda r: v in linked(r)) if op == "EQ" else (lambda r: v not in linked(r))
    wanted = {str(v) for v in f.values}
    return (
        (lambda r: bool(linked(r) & wanted)) if op == "IN" else (lambda r: not linked(r) & wanted)
    )


def _token_matcher(token: str) -> Callable[[str | None], bool]:
    """CONTAINS_TOKEN: a whole-value or per-word match, ``*`` as wildcard, any case."""
    t = token.strip().casefold()
    if "*" in t:
        rx = re.compile(translate(t), re.IGNORECASE | re.DOTALL)

        def wild(v: str | None) -> bool:
            if not v:
                return False
            low = v.casefold()
            return bool(rx.match(low)) or any(rx.match(w) for w in low.split())

        return wild

    def exact(v: str | None) -> bool:
        if not v:
            return False
        low = v.casefold()
        return low == t or t in low.split() or t in _TOKEN_SPLIT.split(low)

    return exact


def _query_predicate(table: ObjectTable, query: str) -> Predicate:
    terms = [t.casefold() for t in query.split()]
    names = [n for n in table.type.query_props if n in table.defs]
    value_of = table.value

    def pred(r: Record) -> bool:
        hay = " ".join(v for n in names if (v := value_of(r, n))).casefold()
        return all(t in hay for t in terms)

    return pred


def _sort(table: ObjectTable, ids: list[int], sort: tuple[str, bool] | None) -> list[int]:
    if sort is None:
        return ids  # creation order: ids only grow
    name, desc = sort
    if name == "hs_object_id":
        return ids[::-1] if desc else ids
    recs = table.records
    typed = table.typed
    keyed = [(typed(recs[i], name), i) for i in ids]
    present = [kv for kv in keyed if kv[0] is not None]
    missing = [i for k, i in keyed if k is None]
    # Stable sorts keep ties in id order in both directions; records without a value go last.
    present.sort(key=lambda kv: kv[0], reverse=desc)
    return [i for _, i in present] + missing
