"""CRM search matching: which records a :class:`~.search.SearchRequest` finds, in order.

:func:`find` returns every matching id in result order. The store caches its
answer per query until the next write, so paging a 100,000-record result (or
windowing it by ``hs_object_id GT``) does not scan and sort every record for
every page. ``hs_object_id`` ranges are cut from the sorted id array with
bisect instead of being tested record by record.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from fnmatch import translate
from typing import Any

from ..errors import validation_error
from ..values import parse_time_ms
from .definitions import PropertyDef, object_type
from .records import LiveTargets, ObjectTable, Record
from .search import Filter, SearchRequest

__all__ = ["find"]

_TOKEN_SPLIT = re.compile(r"[^\w]+", re.UNICODE)

Predicate = Callable[[Record], bool]


def find(table: ObjectTable, req: SearchRequest, live_targets: LiveTargets) -> list[int]:
    """Every live id matching ``req``, in result order (no caching here).

    Args:
        table: the object type's table.
        req: the validated request.
        live_targets: the store's association lookup (``associations.{type}`` filters).
    """
    ids = table.live_ids()
    if not req.groups:
        matched = ids
    else:
        seen: set[int] = set()
        parts: list[list[int]] = []
        for group in req.groups:
            part = _match_group(table, ids, group, live_targets)
            parts.append(part)
            seen.update(part)
        matched = parts[0] if len(parts) == 1 else sorted(seen)
    if req.query:
        pred = _query_predicate(table, req.query)
        recs = table.records
        matched = [i for i in matched if pred(recs[i])]
    return _sort(table, matched, req.sort)


def _match_group(
    table: ObjectTable, ids: list[int], group: list[Filter], live_targets: LiveTargets
) -> list[int]:
    candidates: list[int] | None = None
    exact: Filter | None = None
    for f in group:
        narrowed = _narrow(table, ids, f, live_targets)
        if narrowed is not None:
            candidates, exact = narrowed, f
            break
    if candidates is None:
        candidates = ids
    preds = [_compile(table, f, live_targets) for f in group if f is not exact]
    if not preds:
        return list(candidates)
    recs = table.records
    if len(preds) == 1:
        p = preds[0]
        return [i for i in candidates if p(recs[i])]
    return [i for i in candidates if all(p(recs[i]) for p in preds)]


def _narrow(
    table: ObjectTable, ids: list[int], f: Filter, live_targets: LiveTargets
) -> list[int] | None:
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
        return sorted(live_targets(to_type, other, table.type.name))
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


def _compile(table: ObjectTable, f: Filter, live_targets: LiveTargets) -> Predicate:
    if f.prop.startswith("associations."):
        return _compile_association(table, f, live_targets)
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
    return _compile_comparison(table, f, defn)


def _compile_comparison(table: ObjectTable, f: Filter, defn: PropertyDef) -> Predicate:
    """EQ, NEQ, IN, NOT_IN, BETWEEN, LT, LTE, GT and GTE on a single-valued property."""
    name, op = f.prop, f.op
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


def _compile_association(table: ObjectTable, f: Filter, live_targets: LiveTargets) -> Predicate:
    to_type = object_type(f.prop.split(".", 1)[1]).name
    from_type = table.type.name

    def linked(r: Record) -> set[str]:
        return {str(i) for i in live_targets(from_type, r.id, to_type)}

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
