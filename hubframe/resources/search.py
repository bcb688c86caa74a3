"""Search: the filter builder, and every match of a search (past 10,000 too).

:func:`filter_groups` turns the user's ``field, value, operator`` and
``filters=`` into HubSpot ``filterGroups``, each value checked and encoded
against the property definitions; :class:`Search` runs them through the one
paginator.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Generator, Mapping
from typing import TYPE_CHECKING, Any, cast

from ..encode import check_text, encode_value
from ..errors import InputError
from ..pagination import (
    MAX_FILTERS,
    MAX_FILTERS_PER_GROUP,
    MAX_GROUPS,
    SEARCH_PAGE_MAX,
    Page,
    check_key_room,
    iter_search_pages,
)
from ..properties import Property, PropertySet, normalize_object_type
from ..validate import check_flag, check_id, check_max_records, is_missing, sequence_of
from .reads import Reads

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .objects import ObjectResource

__all__ = ["OPERATORS", "SEARCH_BODY_MAX", "Search", "filter_groups"]

#: HubSpot rejects search bodies longer than this.
SEARCH_BODY_MAX = 3_000

OPERATORS = (
    "EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN",
    "HAS_PROPERTY", "NOT_HAS_PROPERTY", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN",
)  # fmt: skip


_EMPTY_VALUE_FIX = (
    "a search compares with a value, and an empty one matches nothing; to find records "
    "without a value use operator='NOT_HAS_PROPERTY' (with a value, operator='HAS_PROPERTY')"
)

#: One day in epoch milliseconds: an EQ on a datetime with a date is that day.
_DAY_MS = 86_400_000


def filter_value(prop: Property, value: Any) -> str:
    """A filter value as HubSpot compares it: dates and times as epoch milliseconds.

    Raises:
        InputError: an empty value (None, NaN, ``pd.NA``, ``NaT``, ``""``), which would
            be sent as ``""`` and match nothing, or a value that does not fit ``prop``.
    """
    if is_missing(value) or (isinstance(value, str) and value == ""):
        raise InputError(f"{prop.name}: the value {value!r} is empty: {_EMPTY_VALUE_FIX}")
    text = encode_value(prop, value)
    if prop.type in ("date", "datetime") and text:
        when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        if when.tzinfo is None:
            when = when.replace(tzinfo=dt.timezone.utc)
        return str(int(when.timestamp() * 1000))
    return text


def _is_date_only(value: Any) -> bool:
    """A day without a time: a ``datetime.date`` (not a datetime) or ``'YYYY-MM-DD'`` text."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return True
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            dt.date.fromisoformat(value.strip())
        except ValueError:
            return False
        return True
    return False


def _day_filter(out: dict[str, Any], prop: Property, value: Any) -> dict[str, Any]:
    """EQ on a datetime with a day: every time of that day (UTC), as BETWEEN.

    HubSpot's EQ on a datetime compares the exact millisecond, so a date would find
    only records stamped at midnight; what a user means by "created on 2022-03-15" is
    the whole day. BETWEEN takes both ends, so the day ends a millisecond before the next.
    """
    start = int(filter_value(prop, value))
    out["operator"] = "BETWEEN"
    out["value"] = str(start)
    out["highValue"] = str(start + _DAY_MS - 1)
    return out


def _list_filter(out: dict[str, Any], prop: Property, op: str, value: Any) -> dict[str, Any]:
    items = None if isinstance(value, (str, bytes)) else sequence_of(value)
    if not items:
        raise InputError(
            f"{op} needs a non-empty list of values (a list, tuple, set, array, Series or "
            f"Index), e.g. ['a', 'b'] (got {value!r:.100})"
        )
    vals = [filter_value(prop, v) for v in items]
    # HubSpot matches string IN values only when they are lower case.
    if prop.type in ("string", "phone_number"):
        vals = [v.lower() for v in vals]
    out["values"] = vals
    return out


def build_filter(props: PropertySet, field: Any, operator: Any, value: Any) -> dict[str, Any]:
    """One HubSpot filter, checked against the property definitions.

    Raises:
        InputError: an unknown operator, a missing or ill-typed value.
        UnknownPropertyError: ``field`` is not defined.
    """
    if not isinstance(operator, str) or operator.upper() not in OPERATORS:
        raise InputError(f"operator={operator!r}: use one of {', '.join(OPERATORS)}")
    op = operator.upper()
    if not isinstance(field, str) or not field:
        raise InputError(f"field={field!r}: name the property to search, e.g. 'email'")
    if field.startswith("associations."):
        normalize_object_type(field.split(".", 1)[1])
        return {
            "propertyName": field,
            "operator": op,
            "value": check_id(value, what="associated id"),
        }
    props.resolve([field], default=[])
    prop = props[field]
    out: dict[str, Any] = {"propertyName": field, "operator": op}
    if op in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        if value is not None:
            raise InputError(f"{op} takes no value (got {value!r:.100}): leave the value out")
        return out
    if op in ("IN", "NOT_IN"):
        return _list_filter(out, prop, op, value)
    if op == "BETWEEN":
        pair = None if isinstance(value, (str, bytes)) else sequence_of(value)
        if pair is None or len(pair) != 2:
            raise InputError(f"BETWEEN needs (low, high) (got {value!r:.100})")
        out["value"] = filter_value(prop, pair[0])
        out["highValue"] = filter_value(prop, pair[1])
        return out
    if is_missing(value) or (isinstance(value, str) and value == ""):
        raise InputError(f"{op} on {field} needs a value (got {value!r}): {_EMPTY_VALUE_FIX}")
    if op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        out["value"] = check_text(str(value), field)
        return out
    if op == "EQ" and prop.type == "datetime" and _is_date_only(value):
        return _day_filter(out, prop, value)
    out["value"] = filter_value(prop, value)
    return out


def _filter_spec(props: PropertySet, spec: Any) -> dict[str, Any]:
    if isinstance(spec, Mapping):
        field = spec.get("propertyName") or spec.get("field")
        value = spec.get("values", spec.get("value"))
        return build_filter(props, field, spec.get("operator", "EQ"), value)
    if isinstance(spec, (list, tuple)) and len(spec) in (2, 3):
        field, op, value = (spec[0], "EQ", spec[1]) if len(spec) == 2 else spec
        return build_filter(props, field, op, value)
    raise InputError(f"filter {spec!r}: use (field, operator, value), e.g. ('amount', 'GT', 1000)")


def filter_groups(
    props: PropertySet,
    field: Any = None,
    value: Any = None,
    *,
    operator: str = "EQ",
    filters: Any = None,
) -> list[dict[str, Any]]:
    """HubSpot ``filterGroups`` from a field/value pair and/or ``filters``.

    ``filters`` is a list of ``(field, operator, value)`` tuples (ANDed), or a list of
    such lists (each an ORed group); the pair, when given, joins every group.

    Raises:
        InputError: a bad filter, or more groups or filters than HubSpot allows.
    """
    first: list[dict[str, Any]] = []
    if field is not None:
        first.append(build_filter(props, field, operator, value))
    elif value is not None:
        raise InputError(
            f"value {value!r:.100} given without field: name the property to search, e.g. search('email', value)"
        )
    if filters is not None and not isinstance(filters, (list, tuple)):
        raise InputError(f"filters={filters!r}: use a list of (field, operator, value) tuples")
    specs = list(filters or [])
    nested = bool(specs) and all(
        isinstance(f, (list, tuple)) and f and isinstance(f[0], (list, tuple, Mapping))
        for f in specs
    )
    if nested:
        groups = [first + [_filter_spec(props, f) for f in group] for group in specs]
    else:
        group = first + [_filter_spec(props, f) for f in specs]
        groups = [group] if group else []
    if (
        len(groups) > MAX_GROUPS
        or any(len(g) > MAX_FILTERS_PER_GROUP for g in groups)
        or sum(len(g) for g in groups) > MAX_FILTERS
    ):
        sizes = [len(g) for g in groups]
        raise InputError(
            f"{len(groups)} filter group(s) of {sizes} filters: HubSpot allows at most "
            f"{MAX_GROUPS} groups, {MAX_FILTERS_PER_GROUP} filters per group and {MAX_FILTERS} "
            "in all; narrow the search or split it into several searches"
        )
    built = [{"filters": g} for g in groups]
    check_key_room(built)  # a search adds one filter to each group: refuse now, not mid-read
    return built


class Search(Reads):
    """The connector's search operation, on the read operations (it reads by id when it must)."""

    def filter_groups(
        self, field: Any = None, value: Any = None, *, operator: str = "EQ", filters: Any = None
    ) -> list[dict[str, Any]]:
        """HubSpot ``filterGroups`` for this object type; see :func:`filter_groups`."""
        return filter_groups(self.props, field, value, operator=operator, filters=filters)

    def search_reads_by_ids(
        self, filter_groups: list[dict[str, Any]], names: list[str], *, query: str | None = None
    ) -> bool:
        """Whether a search for ``names`` asks for ids only and reads the records by batch
        read: its body (with the key filter and, in a range, a bound) would pass
        HubSpot's 3,000 characters otherwise."""
        key = {"propertyName": "hs_object_id", "operator": "GT", "value": "9" * 12}
        probe = {
            "filterGroups": [{"filters": [*g.get("filters", []), key, key]} for g in filter_groups]
            or [{"filters": [key, key]}],
            "properties": names, "query": query or "",
            "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
            "limit": SEARCH_PAGE_MAX,
        }  # fmt: skip
        return len(json.dumps(probe, separators=(",", ":"))) > SEARCH_BODY_MAX

    def iter_search_pages(
        self,
        filter_groups: list[dict[str, Any]],
        names: list[str],
        *,
        query: str | None = None,
        floor: str | None = None,
    ) -> Generator[Page, None, None]:
        """Yield every page of a search with all requested properties, past 10,000 too.

        When the property list would push the search body past HubSpot's
        3,000-character limit, the search asks for ids only and the records are
        read with batch reads (whose bodies have no such limit).
        """
        by_ids = self.search_reads_by_ids(filter_groups, names, query=query)
        # Full 200-id pages even when reading by ids: search (5/s) is the scarce budget.
        pages = iter_search_pages(
            self._hs, self.object_type, filter_groups=filter_groups,
            properties=["hs_object_id"] if by_ids else names, query=query,
            limit=SEARCH_PAGE_MAX, floor=floor,
        )  # fmt: skip
        for page in pages:
            if by_ids and page.results:
                ids = [str(r["id"]) for r in page.results]
                got = self._batch_read(ids, names)
                # Records deleted between the search and the read simply drop out.
                page.results = [got[i] for i in ids if i in got]
            yield page

    def search(
        self,
        field: str | None = None,
        value: Any = None,
        *,
        operator: str = "EQ",
        filters: Any = None,
        query: str | None = None,
        properties: Any = None,
        associations: Any = None,
        max_records: int | None = None,
        progress: bool = True,
        labels: bool = False,
        parallel: int | None = None,
    ) -> pd.DataFrame:
        """Every record matching a search (the connector's "search"), also past 10,000.

        Read as a search export reads (:mod:`hubframe.export.collect`): more than a few
        thousand matches are cut into id ranges read by several search streams at once
        (within HubSpot's 5 searches a second), each page converted as it arrives.

        Args:
            field: the property to filter on, e.g. ``"email"``.
            value: the value to compare with. A list (or tuple, set, NumPy array, Series,
                Index) for ``IN``/``NOT_IN``, ``(low, high)`` for ``BETWEEN``, nothing for
                ``HAS_PROPERTY``. Dates and times may be given as ``datetime.date``/``datetime``
                or ISO strings; ``EQ`` on a datetime property with a date (``"2022-03-15"``)
                finds that whole day in UTC (sent as ``BETWEEN`` its first and last
                millisecond). An empty value (None, NaN, ``pd.NA``, ``NaT``) is refused: use
                ``operator="NOT_HAS_PROPERTY"`` to find records without a value.
            operator: one of :data:`OPERATORS` (default ``EQ``).
            filters: more ``(field, operator, value)`` tuples, ANDed with the first; a list of
                such lists makes ORed groups.
            query: HubSpot's free-text search over default searchable properties.
            properties: None (HubSpot's search defaults), a list of names, or ``"all"``.
            associations: object types whose associated ids to add as list columns, as
                ``get_all`` does. HubSpot's search returns no associations: they are read
                for each page of matches with the association batch read (one more request
                per page and type; see ``hs.associations`` for the edges with their labels).
            max_records: stop after this many matches.
            progress: show a progress bar.
            labels: add a ``<column>_label`` column after each enumeration, owner,
                pipeline and stage column (see :mod:`hubframe.labels`).
            parallel: most search streams at once (default 6); ``1`` reads with one.

        Returns:
            The matches in ascending id order; ``df.attrs["total"]`` is HubSpot's count.
        """
        from ..export.collect import FrameRead, check_parallel, read_frame
        from ..export.job import SearchSpec

        max_records = check_max_records(max_records)
        progress = check_flag(progress, "progress")
        labels = check_flag(labels, "labels")
        streams = check_parallel(parallel)
        if query is not None and not isinstance(query, str):
            raise InputError(f"query={query!r:.100}: use a string")
        assoc = self.association_types(associations)  # checked before definitions are read
        groups = self.filter_groups(field, value, operator=operator, filters=filters)
        names = self.names(properties, search=True)
        read = FrameRead(
            names, assoc, search=SearchSpec(groups, query), parallel=streams, progress=progress,
            max_records=max_records, desc=f"{self.object_type} search",
        )  # fmt: skip
        df, total = read_frame(cast("ObjectResource", self), read)
        df = self.labelled(df, names, labels)
        df.attrs["total"] = total if total is not None else len(df)
        return df
