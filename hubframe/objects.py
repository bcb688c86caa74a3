"""Contacts, companies and deals: one method per connector operation, each returning a DataFrame.

``hs.contacts``, ``hs.companies`` and ``hs.deals`` are :class:`ObjectResource`
instances (companies a :class:`CompanyResource`, which adds the association
operations). Every read goes through ``hubframe.pagination`` and every
DataFrame is built by ``hubframe.frames`` with dtypes from the portal's
property definitions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from . import frames
from .client import json_body
from .encode import (
    check_email,
    check_flag,
    check_id,
    check_ids,
    encode_properties,
    encode_value,
    is_missing,
)
from .errors import (
    ConflictError,
    HubSpotConnectionError,
    InputError,
    NotFoundError,
    ServerError,
    ValidationError,
    error_from_response,
)
from .pagination import LIST_PAGE_MAX, SEARCH_PAGE_MAX, Page, iter_pages, iter_search_pages
from .properties import DEFAULT_PROPERTIES, SEARCH_DEFAULT_PROPERTIES, normalize_object_type

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .client import HubSpot
    from .properties import PropertySet

__all__ = ["OPERATORS", "BATCH_MAX", "CompanyResource", "ObjectResource"]

log = logging.getLogger("hubframe")

#: Inputs per batch request (HubSpot's limit for object batch endpoints).
BATCH_MAX = 100
#: Budget for the encoded ``properties=`` query value of one GET. HubSpot
#: answers 414 somewhere past ~16,000 characters of URL; stay well below.
URL_PROPERTIES_BUDGET = 12_000
#: HubSpot rejects search bodies longer than this.
SEARCH_BODY_MAX = 3_000

OPERATORS = (
    "EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN",
    "HAS_PROPERTY", "NOT_HAS_PROPERTY", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN",
)  # fmt: skip

_SINGULAR = {"contacts": "contact", "companies": "company", "deals": "deal"}

#: Association type ids of the "primary" company association, per object type.
_PRIMARY_COMPANY_TYPE = {"contacts": 1, "deals": 5}


def _chunks(seq: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


def property_chunks(names: Sequence[str], budget: int = URL_PROPERTIES_BUDGET) -> list[list[str]]:
    """Split property names so each chunk's encoded ``properties=a%2Cb`` stays within ``budget``."""
    chunks: list[list[str]] = [[]]
    used = 0
    for name in names:
        cost = len(quote(name, safe="")) + 3
        if chunks[-1] and used + cost > budget:
            chunks.append([])
            used = 0
        chunks[-1].append(name)
        used += cost
    return chunks


def _merge_by_id(base: list[dict[str, Any]], extra: list[dict[str, Any]]) -> None:
    """Fold the properties of ``extra`` into the records of ``base`` with the same id."""
    by_id = {str(r.get("id")): r for r in base}
    for rec in extra:
        target = by_id.get(str(rec.get("id")))
        if target is not None:
            target.setdefault("properties", {}).update(rec.get("properties") or {})


class ObjectResource:
    """The operations on one CRM object type (``hs.contacts``, ``hs.companies``, ``hs.deals``)."""

    def __init__(self, hs: HubSpot, object_type: str):
        self._hs = hs
        self.object_type = normalize_object_type(object_type)
        self._path = f"/crm/v3/objects/{self.object_type}"

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.object_type}>"

    @property
    def _singular(self) -> str:
        """``contact``, ``company`` or ``deal``, for messages."""
        return _SINGULAR[self.object_type]

    # -- shared helpers --------------------------------------------------------------------

    @property
    def props(self) -> PropertySet:
        """The property definitions of this object type (fetched once per client)."""
        return self._hs.properties(self.object_type)

    def names(self, properties: Any = None, *, search: bool = False) -> list[str]:
        """Resolve ``properties=`` (None, a list of names, or ``"all"``) to property names.

        Raises:
            UnknownPropertyError: a name the portal does not define (with suggestions).
        """
        defaults = (SEARCH_DEFAULT_PROPERTIES if search else DEFAULT_PROPERTIES)[self.object_type]
        return self.props.resolve(properties, default=[n for n in defaults if n in self.props])

    def _assoc_types(self, associations: Any) -> list[str]:
        if associations is None:
            return []
        if isinstance(associations, str):
            associations = [a for a in associations.split(",") if a.strip()]
        if not isinstance(associations, (list, tuple)):
            raise InputError(f"associations={associations!r}: use an object type or a list, e.g. ['companies']")
        return list(dict.fromkeys(normalize_object_type(a) for a in associations))

    def _frame(self, records: list[dict[str, Any]], names: list[str], associations: Sequence[str] = ()) -> pd.DataFrame:
        props = [self.props[n] for n in names]
        return frames.to_frame(records, props, associations=list(associations))

    def _schema(self, names: list[str], associations: Sequence[str] = ()):
        return frames.schema([self.props[n] for n in names], associations=list(associations))

    def _get_chunked(self, path: str, names: list[str], params: dict[str, Any]) -> dict[str, Any]:
        """One GET whose property list may be split across several requests (no 414)."""
        chunks = property_chunks(names)
        first = dict(params)
        if chunks[0]:
            first["properties"] = ",".join(chunks[0])
        data = self._hs.request_json("GET", path, params=first) or {}
        for chunk in chunks[1:]:
            more = {k: v for k, v in params.items() if k != "associations"}
            more["properties"] = ",".join(chunk)
            extra = self._hs.request_json("GET", path, params=more) or {}
            if "results" in data:
                _merge_by_id(data.get("results") or [], extra.get("results") or [])
            else:
                data.setdefault("properties", {}).update(extra.get("properties") or {})
        return data

    def _collect(
        self, pages: Iterator[Page], schema: Any, desc: str, total: int | None,
        max_records: int | None, progress: bool,
    ) -> tuple[pd.DataFrame, int | None]:
        """Pages -> one DataFrame (Arrow batches, one conversion), with a bar and a record cap.

        Returns the frame and the first ``total`` HubSpot reported (search), else ``total``.
        """
        from ._progress import progress as bar

        batches = []
        got = 0
        issues = frames.ParseIssues()
        with bar(self._hs, desc, total=total, enabled=progress) as pbar:
            for page in pages:
                if total is None and page.total is not None:
                    total = page.total
                    pbar.set_total(min(total, max_records) if max_records else total)
                records = page.results
                if max_records is not None:
                    records = records[: max_records - got]
                batches.append(frames.to_batch(records, schema, issues=issues))
                got += len(records)
                pbar.update(len(records))
                if max_records is not None and got >= max_records:
                    break
        issues.warn()
        return frames.batches_to_frame(batches, schema), total

    # -- reads -----------------------------------------------------------------------------

    def iter_pages(
        self,
        *,
        properties: Any = None,
        associations: Any = None,
        archived: bool = False,
        after: str | None = None,
        limit: int = LIST_PAGE_MAX,
        names: list[str] | None = None,
    ) -> Iterator[Page]:
        """Yield every list page as raw records (all property chunks merged).

        This is what :meth:`get_all` and the Parquet export are built on; ``after``
        resumes from a cursor. Each page's ``requested_after`` is the cursor that
        produced it and ``after`` the cursor of the next one.
        """
        limit = _check_limit(limit)
        archived = check_flag(archived, "archived")
        names = names if names is not None else self.names(properties)
        assoc = self._assoc_types(associations)
        chunks = property_chunks(names)
        params: dict[str, Any] = {"limit": limit, "archived": str(bool(archived)).lower()}
        if chunks[0]:
            params["properties"] = ",".join(chunks[0])
        if assoc:
            params["associations"] = ",".join(assoc)
        for page in iter_pages(self._hs, "GET", self._path, params=params, after=after):
            for chunk in chunks[1:]:
                more = {"limit": limit, "archived": params["archived"], "properties": ",".join(chunk)}
                if page.requested_after is not None:
                    more["after"] = page.requested_after
                extra = self._hs.request_json("GET", self._path, params=more) or {}
                _merge_by_id(page.results, extra.get("results") or [])
            yield page

    def get_page(
        self,
        after: str | int | None = None,
        *,
        properties: Any = None,
        limit: int = LIST_PAGE_MAX,
        associations: Any = None,
        archived: bool = False,
    ) -> pd.DataFrame:
        """One page of records, as the connector's "get all" does.

        Args:
            after: the cursor from the previous page's ``df.attrs["next_after"]`` (None: first page).
            properties: None (HubSpot's defaults), a list of names, or ``"all"``.
            limit: records per page, 1 to 100.
            associations: object types whose associated ids to add as list columns.
            archived: read archived (deleted) records instead.

        Returns:
            A DataFrame; ``df.attrs["next_after"]`` is the next cursor, None on the last page.
        """
        limit = _check_limit(limit)
        if after is not None and (
            isinstance(after, bool) or not isinstance(after, (str, int)) or not str(after).strip()
        ):
            raise InputError(f"after={after!r:.100}: pass the cursor from df.attrs['next_after'], or None")
        archived = check_flag(archived, "archived")
        names = self.names(properties)
        assoc = self._assoc_types(associations)
        pages = self.iter_pages(
            names=names, associations=assoc, archived=archived, limit=limit,
            after=None if after is None else str(after),
        )  # fmt: skip
        page = next(pages)
        pages.close()
        df = self._frame(page.results, names, assoc)
        df.attrs["next_after"] = page.after
        return df

    def count(self) -> int:
        """How many (unarchived) records exist, from one search request."""
        body = {"filterGroups": [], "limit": 1, "properties": ["hs_object_id"]}
        data = self._hs.request_json("POST", f"{self._path}/search", json=body, kind="search") or {}
        return int(data.get("total") or 0)

    def get_all(
        self,
        *,
        properties: Any = None,
        associations: Any = None,
        archived: bool = False,
        max_records: int | None = None,
        progress: bool = True,
    ) -> pd.DataFrame:
        """Every record, all pages, as one DataFrame.

        For portals too large for memory use :meth:`export`, which streams to Parquet.

        Args:
            properties: None (defaults), a list of names, or ``"all"``.
            associations: object types whose associated ids to add as list columns.
            archived: read archived (deleted) records instead.
            max_records: stop after this many records (a sample).
            progress: show a progress bar.
        """
        max_records = _check_max(max_records)
        archived = check_flag(archived, "archived")
        progress = check_flag(progress, "progress")
        names = self.names(properties)
        assoc = self._assoc_types(associations)
        schema = self._schema(names, assoc)
        total = None
        if progress and not archived:
            total = self.count()
            if max_records is not None:
                total = min(total, max_records)
        pages = self.iter_pages(names=names, associations=assoc, archived=archived)
        df, _ = self._collect(pages, schema, f"{self.object_type}", total, max_records, progress)
        return df

    def get(
        self,
        record_id: str | int,
        *,
        properties: Any = None,
        id_property: str | None = None,
        associations: Any = None,
    ) -> pd.DataFrame:
        """One record by id, as a one-row DataFrame.

        Args:
            record_id: the record id (or the email when ``id_property="email"``).
            properties: None (defaults: contacts firstname, lastname, email), a list, or ``"all"``.
            id_property: look the record up by this unique property instead (e.g. ``"email"``).
            associations: object types whose associated ids to add as list columns.

        Raises:
            NotFoundError: no such record.
        """
        key = self._check_key(record_id, id_property)
        names = self.names(properties)
        assoc = self._assoc_types(associations)
        params: dict[str, Any] = {}
        if id_property:
            params["idProperty"] = id_property
        if assoc:
            params["associations"] = ",".join(assoc)
        data = self._get_chunked(f"{self._path}/{quote(key, safe='')}", names, params)
        return self._frame([data], names, assoc)

    def _check_key(self, record_id: Any, id_property: str | None) -> str:
        if id_property is None:
            return check_id(record_id, what=f"{self._singular} id")
        if not isinstance(id_property, str) or id_property not in self.props:
            self.props.resolve([id_property], default=[])  # raises with suggestions
        if id_property == "email":
            return check_email(record_id)
        if isinstance(record_id, bool) or not isinstance(record_id, (str, int)):
            raise InputError(
                f"{id_property} value {record_id!r:.100} ({type(record_id).__name__}): give the {id_property} "
                "to look up as a string"
            )
        if not str(record_id).strip():
            raise InputError(f"{id_property} value {record_id!r} is empty: give the {id_property} to look up")
        return str(record_id).strip()

    def get_many(
        self,
        ids: Any,
        *,
        properties: Any = None,
        id_property: str | None = None,
    ) -> pd.DataFrame:
        """Several records by id (batch read, 100 ids per request), in the order given.

        Ids that do not exist are listed in ``df.attrs["missing_ids"]`` and reported
        with a warning; they are never dropped silently.

        Args:
            ids: a list of ids (or emails with ``id_property="email"``), a Series, or a
                DataFrame with an ``id`` column. Duplicates are read once.
            properties: None (defaults), a list of names, or ``"all"``.
            id_property: read by this unique property instead of the record id.
        """
        if id_property is None:
            keys = check_ids(ids, what=f"{self._singular} id")
        else:
            kind = type(ids).__name__
            if isinstance(ids, (str, int)) and not isinstance(ids, bool):
                raw = [ids]
            elif kind == "Series":
                raw = ids.dropna().tolist()
            elif kind == "DataFrame" and id_property in ids.columns:
                raw = ids[id_property].dropna().tolist()
            elif isinstance(ids, Iterable) and kind != "DataFrame" and not isinstance(ids, (bytes, Mapping)):
                raw = list(ids)
            else:
                raise InputError(
                    f"ids must be a {id_property} value or a list of them, not {type(ids).__name__} {ids!r:.100}"
                )
            if not raw:
                raise InputError(f"no {id_property} values given: pass at least one")
            keys = [self._check_key(v, id_property) for v in raw]
        keys = list(dict.fromkeys(keys))
        names = self.names(properties)
        # Missing ids are whatever did not come back: HubSpot's 207 error list says the
        # same, but a record read by email is keyed by the email, so compare keys instead.
        found: dict[str, dict[str, Any]] = {}
        for chunk in _chunks(keys, BATCH_MAX):
            body: dict[str, Any] = {"inputs": [{"id": k} for k in chunk], "properties": names}
            if id_property:
                body["idProperty"] = id_property
            data = self._hs.request_json("POST", f"{self._path}/batch/read", json=body, kind="read") or {}
            for rec in data.get("results") or []:
                key = str(rec.get("id"))
                if id_property:
                    key = str((rec.get("properties") or {}).get(id_property, key))
                    if id_property == "email":
                        key = key.lower()
                found[key] = rec
        lookup = (lambda k: k.lower()) if id_property == "email" else (lambda k: k)
        ordered = [found[lookup(k)] for k in keys if lookup(k) in found]
        missing = [k for k in keys if lookup(k) not in found]
        df = self._frame(ordered, names)
        df.attrs["missing_ids"] = missing
        if missing:
            shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
            warnings.warn(
                f"{len(missing)} of {len(keys)} {self.object_type} were not found: {shown} "
                "(see df.attrs['missing_ids'])",
                frames.HubFrameWarning,
                stacklevel=2,
            )
        return df

    # -- search ----------------------------------------------------------------------------

    def _filter(self, field: Any, operator: Any, value: Any) -> dict[str, Any]:
        if not isinstance(operator, str) or operator.upper() not in OPERATORS:
            raise InputError(f"operator={operator!r}: use one of {', '.join(OPERATORS)}")
        op = operator.upper()
        if not isinstance(field, str) or not field:
            raise InputError(f"field={field!r}: name the property to search, e.g. 'email'")
        if field.startswith("associations."):
            normalize_object_type(field.split(".", 1)[1])
            return {"propertyName": field, "operator": op, "value": check_id(value, what="associated id")}
        self.props.resolve([field], default=[])
        prop = self.props[field]
        out: dict[str, Any] = {"propertyName": field, "operator": op}
        if op in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
            if value is not None:
                raise InputError(f"{op} takes no value (got {value!r:.100}): leave the value out")
            return out
        if op in ("IN", "NOT_IN"):
            if isinstance(value, (str, bytes)) or not isinstance(value, (list, tuple, set)) or not value:
                raise InputError(f"{op} needs a non-empty list of values, e.g. ['a', 'b'] (got {value!r})")
            vals = [self._filter_value(prop, v) for v in value]
            # HubSpot matches string IN values only when they are lower case.
            if prop.type in ("string", "phone_number"):
                vals = [v.lower() for v in vals]
            out["values"] = vals
            return out
        if op == "BETWEEN":
            if not isinstance(value, (list, tuple)) or len(value) != 2:
                raise InputError(f"BETWEEN needs (low, high) (got {value!r})")
            out["value"] = self._filter_value(prop, value[0])
            out["highValue"] = self._filter_value(prop, value[1])
            return out
        if value is None or (isinstance(value, str) and value == ""):
            raise InputError(
                f"{op} on {field} needs a value (got {value!r}); to find empty values use NOT_HAS_PROPERTY"
            )
        if op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
            out["value"] = str(value)
            return out
        out["value"] = self._filter_value(prop, value)
        return out

    @staticmethod
    def _filter_value(prop: Any, value: Any) -> str:
        """A filter value as HubSpot compares it: dates and times as epoch milliseconds."""
        text = encode_value(prop, value)
        if prop.type in ("date", "datetime") and text:
            when = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            if when.tzinfo is None:
                when = when.replace(tzinfo=dt.timezone.utc)
            return str(int(when.timestamp() * 1000))
        return text

    def filter_groups(self, field: Any = None, value: Any = None, *, operator: str = "EQ", filters: Any = None) -> list[dict[str, Any]]:
        """Build HubSpot ``filterGroups`` from a field/value pair and/or ``filters``.

        ``filters`` is a list of ``(field, operator, value)`` tuples (ANDed), or a list of
        such lists (each an ORed group).
        """
        first: list[dict[str, Any]] = []
        if field is not None:
            first.append(self._filter(field, operator, value))
        elif value is not None:
            raise InputError(
                f"value {value!r:.100} given without field: name the property to search, e.g. search('email', value)"
            )
        if filters is not None and not isinstance(filters, (list, tuple)):
            raise InputError(f"filters={filters!r}: use a list of (field, operator, value) tuples")
        specs = list(filters or [])
        nested = bool(specs) and all(
            isinstance(f, (list, tuple)) and f and isinstance(f[0], (list, tuple, Mapping)) for f in specs
        )
        if nested:
            groups = [first + [self._filter_spec(f) for f in group] for group in specs]
        else:
            group = first + [self._filter_spec(f) for f in specs]
            groups = [group] if group else []
        if len(groups) > 5 or any(len(g) > 6 for g in groups) or sum(len(g) for g in groups) > 18:
            sizes = [len(g) for g in groups]
            raise InputError(
                f"{len(groups)} filter group(s) of {sizes} filters: HubSpot allows at most 5 groups, "
                "6 filters per group and 18 in all; narrow the search or split it into several searches"
            )
        return [{"filters": g} for g in groups]

    def _filter_spec(self, spec: Any) -> dict[str, Any]:
        if isinstance(spec, Mapping):
            return self._filter(spec.get("propertyName") or spec.get("field"), spec.get("operator", "EQ"),
                                spec.get("values", spec.get("value")))
        if isinstance(spec, (list, tuple)) and len(spec) in (2, 3):
            field, op, value = (spec[0], "EQ", spec[1]) if len(spec) == 2 else spec
            return self._filter(field, op, value)
        raise InputError(f"filter {spec!r}: use (field, operator, value), e.g. ('amount', 'GT', 1000)")

    def iter_search_pages(
        self,
        filter_groups: list[dict[str, Any]],
        names: list[str],
        *,
        query: str | None = None,
        floor: str | None = None,
    ) -> Iterator[Page]:
        """Yield every page of a search with all requested properties, past 10,000 too.

        When the property list would push the search body past HubSpot's
        3,000-character limit, the search asks for ids only and the records are
        read with batch reads (whose bodies have no such limit).
        """
        body_size = len(json.dumps({"filterGroups": filter_groups, "properties": names, "query": query or "",
                                     "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
                                     "limit": SEARCH_PAGE_MAX, "after": "10000"}, separators=(",", ":")))
        by_ids = body_size > SEARCH_BODY_MAX
        # Full 200-id pages even when reading by ids: search (5/s) is the scarce budget.
        pages = iter_search_pages(
            self._hs, self.object_type, filter_groups=filter_groups,
            properties=["hs_object_id"] if by_ids else names, query=query,
            limit=SEARCH_PAGE_MAX, floor=floor,
        )  # fmt: skip
        for page in pages:
            if by_ids and page.results:
                ids = [str(r["id"]) for r in page.results]
                got: dict[str, dict[str, Any]] = {}
                for chunk in _chunks(ids, BATCH_MAX):
                    body = {"inputs": [{"id": i} for i in chunk], "properties": names}
                    data = self._hs.request_json("POST", f"{self._path}/batch/read", json=body) or {}
                    got.update((str(r["id"]), r) for r in data.get("results") or [])
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
        max_records: int | None = None,
        progress: bool = True,
    ) -> pd.DataFrame:
        """Every record matching a search (the connector's "search"), also past 10,000.

        Args:
            field: the property to filter on, e.g. ``"email"``.
            value: the value to compare with. A list for ``IN``/``NOT_IN``, ``(low, high)``
                for ``BETWEEN``, nothing for ``HAS_PROPERTY``. Dates and times may be given as
                ``datetime.date``/``datetime`` or ISO strings.
            operator: one of :data:`OPERATORS` (default ``EQ``).
            filters: more ``(field, operator, value)`` tuples, ANDed with the first; a list of
                such lists makes ORed groups.
            query: HubSpot's free-text search over default searchable properties.
            properties: None (HubSpot's search defaults), a list of names, or ``"all"``.
            max_records: stop after this many matches.
            progress: show a progress bar.

        Returns:
            The matches in ascending id order; ``df.attrs["total"]`` is HubSpot's count.
        """
        max_records = _check_max(max_records)
        progress = check_flag(progress, "progress")
        if query is not None and not isinstance(query, str):
            raise InputError(f"query={query!r:.100}: use a string")
        groups = self.filter_groups(field, value, operator=operator, filters=filters)
        names = self.names(properties, search=True)
        schema = self._schema(names)
        pages = self.iter_search_pages(groups, names, query=query)
        df, total = self._collect(pages, schema, f"{self.object_type} search", None, max_records, progress)
        df.attrs["total"] = total if total is not None else len(df)
        return df

    # -- writes ----------------------------------------------------------------------------

    def _company_association(self, company_id: Any) -> list[dict[str, Any]]:
        if company_id is None:
            return []
        if self.object_type not in _PRIMARY_COMPANY_TYPE:
            raise InputError(
                f"company_id={company_id!r} is for contacts and deals, not {self.object_type}: leave it out "
                "(hs.companies.add_contact(company_id, contact_id) links a contact)"
            )
        cid = check_id(company_id, what="company id")
        return [{"to": {"id": cid}, "types": [{"associationCategory": "HUBSPOT_DEFINED",
                                                "associationTypeId": _PRIMARY_COMPANY_TYPE[self.object_type]}]}]

    def _result_names(self, written: Sequence[str]) -> list[str]:
        defaults = [n for n in DEFAULT_PROPERTIES[self.object_type] if n in self.props]
        return list(dict.fromkeys([*defaults, *written]))

    def create(
        self,
        properties: Mapping[str, Any] | pd.DataFrame | Sequence[Mapping[str, Any]],
        *,
        company_id: str | int | None = None,
        on_conflict: str = "raise",
    ) -> pd.DataFrame:
        """Create one record (a dict) or many (a DataFrame or list of dicts, 100 per request).

        Args:
            properties: ``{name: value}`` for one record; a DataFrame (one record per row,
                empty cells left unset) or a list of dicts for many.
            company_id: associate the new contact (or deal) with this company as its primary
                company, as the connector does (association type 1; 5 for deals).
            on_conflict: for contacts whose email exists already: ``"raise"`` a
                ConflictError naming the existing id, or ``"update"`` that contact instead.

        Returns:
            The created records, with HubSpot's default properties and those written.

        Raises:
            InputError / UnknownPropertyError: bad values, before anything is sent.
            ConflictError: the record exists (contacts: same email).
        """
        if on_conflict not in ("raise", "update"):
            raise InputError(f"on_conflict={on_conflict!r}: use 'raise' or 'update'")
        assoc = self._company_association(company_id)
        if isinstance(properties, Mapping):
            encoded = encode_properties(self.props, properties)
            with _naming_company(company_id, assoc):
                return self._create_one(encoded, assoc, on_conflict)
        rows = _rows(properties)
        encoded_rows = [_encode_row(self.props, i, row) for i, row in enumerate(rows)]
        if on_conflict == "update":
            raise InputError("on_conflict='update' works for one record; for many, use update() on the existing ids")
        with _naming_company(company_id, assoc):
            return self._create_batch(encoded_rows, assoc)

    def _find_by_email(self, email: str) -> dict[str, Any] | None:
        try:
            return self._hs.request_json(
                "GET", f"{self._path}/{quote(email, safe='')}", params={"idProperty": "email"}
            )
        except NotFoundError:
            return None

    def _create_one(self, encoded: dict[str, str], assoc: list[dict[str, Any]], on_conflict: str) -> pd.DataFrame:
        body = {"properties": encoded, "associations": assoc}
        email = encoded.get("email") if self.object_type == "contacts" else None
        names = self._result_names(list(encoded))
        for attempt in range(self._hs.max_retries + 1):
            try:
                data = self._hs.request_json("POST", self._path, json=body, kind="create")
                return self._frame([data], names)
            except ConflictError as exc:
                if on_conflict == "update" and exc.existing_id:
                    return self.update(exc.existing_id, encoded)
                raise
            except (HubSpotConnectionError, ServerError):
                # The create may have been applied with its answer lost. A contact's
                # email tells: look it up, and only send again if it is not there.
                if not email or attempt == self._hs.max_retries:
                    raise
                existing = self._find_by_email(email)
                if existing is not None:
                    log.info("create of %s lost its answer but was applied; returning it", self.object_type)
                    return self._frame([existing], names)
        raise AssertionError("unreachable")  # pragma: no cover

    def _create_batch(self, rows: list[dict[str, str]], assoc: list[dict[str, Any]]) -> pd.DataFrame:
        written = list(dict.fromkeys(k for row in rows for k in row))
        names = self._result_names(written)
        if self.object_type == "contacts":
            _check_unique_emails(rows)
        created: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for start, chunk in enumerate(_chunks(rows, BATCH_MAX)):
            inputs = [
                {"properties": row, "associations": assoc, "objectWriteTraceId": str(start * BATCH_MAX + i)}
                for i, row in enumerate(chunk)
            ]
            data = self._hs.request_json("POST", f"{self._path}/batch/create", json={"inputs": inputs}, kind="create") or {}
            results = data.get("results") or []
            if all("objectWriteTraceId" in r for r in results):
                results.sort(key=lambda r: int(r["objectWriteTraceId"]))
            created.extend(results)
            failed.extend(_batch_failures(data, "row"))
        df = self._frame(created, names)
        _report_failures(df, failed, len(rows), self.object_type, "created", f"{self._path}/batch/create")
        return df

    def update(self, record_id: Any, properties: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Update one record (id + dict), or many (a DataFrame with an ``id`` column).

        Args:
            record_id: the id; or a DataFrame whose ``id`` column names the records and whose
                other columns are the properties to write (empty cells are left alone).
            properties: ``{name: value}``; ``""`` or None clears a value.

        Returns:
            The updated records.
        """
        import pandas as pd

        if isinstance(record_id, pd.DataFrame):
            if properties is not None:
                raise InputError("pass either a DataFrame, or an id and a dict of properties")
            return self._update_batch(record_id)
        rid = check_id(record_id, what=f"{self._singular} id")
        if properties is None:
            raise InputError("update needs the properties to write, e.g. update(id, {'lastname': 'Lovelace'})")
        encoded = encode_properties(self.props, properties)
        data = self._hs.request_json("PATCH", f"{self._path}/{rid}", json={"properties": encoded}, kind="idempotent")
        return self._frame([data], self._result_names(list(encoded)))

    def _update_batch(self, df: pd.DataFrame) -> pd.DataFrame:
        if "id" not in df.columns:
            raise InputError(
                f"the DataFrame needs an 'id' column naming the records to update (columns: {list(df.columns)[:8]})"
            )
        if len(df.columns) == 1:
            raise InputError(
                "the DataFrame has only an 'id' column: add a column for each property to write, "
                "e.g. df[['id', 'lastname']]"
            )
        empty = [n for n, v in enumerate(df["id"].tolist()) if is_missing(v)]
        if empty:
            raise InputError(
                f"row {empty[0]} has no id ({df['id'].iloc[empty[0]]!r}): every row needs the id of "
                "the record to update"
            )
        ids = check_ids(df["id"].tolist(), what=f"{self._singular} id")
        first_row: dict[str, int] = {}
        for n, rid in enumerate(ids):
            if rid in first_row:
                raise InputError(
                    f"id {rid} is in rows {first_row[rid]} and {n}: give each record one row "
                    "(merge the values to write into it)"
                )
            first_row[rid] = n
        rows = _rows(df.drop(columns=["id"]))
        inputs = [{"id": i, "properties": _encode_row(self.props, n, row)} for n, (i, row) in enumerate(zip(ids, rows, strict=True))]
        written = list(dict.fromkeys(k for inp in inputs for k in inp["properties"]))
        updated: dict[str, dict[str, Any]] = {}
        failed: list[dict[str, Any]] = []
        for chunk in _chunks(inputs, BATCH_MAX):
            data = self._hs.request_json("POST", f"{self._path}/batch/update", json={"inputs": list(chunk)}, kind="idempotent") or {}
            for rec in data.get("results") or []:
                updated[str(rec["id"])] = rec
            failed.extend(_batch_failures(data, "id"))
        result = self._frame([updated[i] for i in ids if i in updated], self._result_names(written))
        _report_failures(result, failed, len(ids), self.object_type, "updated", f"{self._path}/batch/update")
        return result

    def delete(self, record_id: Any) -> None:
        """Delete (archive) one record, or several (a list of ids, 100 per request).

        Deleted records stay restorable in HubSpot for 90 days.

        Raises:
            NotFoundError: (one id) no such record.
        """
        if isinstance(record_id, (str, int)) and not isinstance(record_id, bool):
            rid = check_id(record_id, what=f"{self._singular} id")
            self._hs.request("DELETE", f"{self._path}/{rid}", kind="idempotent")
            return
        ids = list(dict.fromkeys(check_ids(record_id, what=f"{self._singular} id")))
        for chunk in _chunks(ids, BATCH_MAX):
            self._hs.request("POST", f"{self._path}/batch/archive", json={"inputs": [{"id": i} for i in chunk]}, kind="idempotent")

    def export(self, path: Any, **kwargs: Any) -> Any:
        """Stream every record (or a search's matches) to a Parquet file; see ``hubframe.export``."""
        from .export import export

        return export(self, path, **kwargs)


class CompanyResource(ObjectResource):
    """Companies, plus the connector's company-contact association operations."""

    def get_contacts(self, company_id: Any, *, properties: Any = None) -> pd.DataFrame:
        """All contacts of a company: the contacts themselves, every page, each once.

        Args:
            company_id: the company id.
            properties: the contacts' properties: None (defaults), a list, or ``"all"``.
        """
        cid = check_id(company_id, what="company id")
        contacts = self._hs.contacts
        names = contacts.names(properties)  # validate before any request
        ids: list[str] = []
        path = f"{self._path}/{cid}/associations/contacts"
        for page in iter_pages(self._hs, "GET", path):
            ids.extend(str(r["id"]) for r in page.results)
        ids = list(dict.fromkeys(ids))  # one row per contact, though HubSpot lists each per label
        if not ids:
            return contacts._frame([], names)
        return contacts.get_many(ids, properties=names)

    def _association(self, action: str, company_id: Any, contact_id: Any) -> None:
        cid = check_id(company_id, what="company id")
        pid = check_id(contact_id, what="contact id")
        body = {"inputs": [{"from": {"id": pid}, "to": {"id": cid}, "type": "contact_to_company"}]}
        response = self._hs.request("POST", f"/crm/v3/associations/contact/company/batch/{action}", json=body, kind="idempotent")
        data = json_body(response) if response.content else {}
        errors = data.get("errors") or []
        if errors:
            first = errors[0]
            raise NotFoundError(
                f"cannot {'add' if action == 'create' else 'remove'} contact {pid} "
                f"{'to' if action == 'create' else 'from'} company {cid}: "
                f"{first.get('message') or 'HubSpot reported an error'} Check both ids, e.g. with "
                f"hs.companies.get({cid!r}) and hs.contacts.get({pid!r}).",
                status=response.status_code, category=first.get("category"),
                correlation_id=data.get("correlationId"), method="POST", path="/crm/v3/associations/contact/company",
                body=data,
            )

    def add_contact(self, company_id: Any, contact_id: Any) -> None:
        """Associate a contact with a company (the connector's "add contact to company").

        Raises:
            NotFoundError: the company or contact does not exist.
        """
        self._association("create", company_id, contact_id)

    def remove_contact(self, company_id: Any, contact_id: Any) -> None:
        """Remove the association between a contact and a company."""
        self._association("archive", company_id, contact_id)


def _check_unique_emails(rows: list[dict[str, str]]) -> None:
    """Two new contacts with one email: HubSpot would create one and refuse the other."""
    seen: dict[str, int] = {}
    for n, row in enumerate(rows):
        email = (row.get("email") or "").lower()
        if not email:
            continue
        if email in seen:
            raise InputError(
                f"rows {seen[email]} and {n} have the same email {row['email']!r}: a contact's email "
                "is unique, so give each contact one row"
            )
        seen[email] = n


def _batch_failures(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The inputs a 207 batch answer says failed: ``{key: ..., "message": ...}`` each.

    Create errors echo the input's ``objectWriteTraceId`` (its row); a batch update's
    not-found error lists the ids.
    """
    out: list[dict[str, Any]] = []
    for err in data.get("errors") or []:
        context = err.get("context") or {}
        message = str(err.get("message") or err.get("category") or "failed")
        where = context.get("objectWriteTraceId") if key == "row" else context.get("ids")
        category = str(err.get("category") or "VALIDATION_ERROR")
        if key == "id" and category == "OBJECT_NOT_FOUND":
            message = "not found (never created, or deleted)"
        for item in where or [None]:
            value = None if item is None else (int(item) if key == "row" else str(item))
            out.append({key: value, "message": message, "category": category})
    return out


def _report_failures(
    df: pd.DataFrame, failed: list[dict[str, Any]], total: int, noun: str, verb: str, path: str
) -> None:
    """Failed batch inputs are never dropped silently.

    When some inputs were written, the failures go to ``df.attrs["failed"]`` with a
    warning; when none was, HubSpot's verdict on the first is raised as its error class.
    """
    df.attrs["failed"] = [{k: v for k, v in f.items() if k != "category"} for f in failed]
    if not failed:
        return
    key = "row" if "row" in failed[0] else "id"
    shown = "; ".join(f"{key} {f[key]}: {f['message']}" for f in failed[:3]) + (" ..." if len(failed) > 3 else "")
    if len(df) == 0:
        category = failed[0]["category"]
        status = {"CONFLICT": 409, "OBJECT_NOT_FOUND": 404}.get(category, 400)
        # Every failure rides on the error's body, not only the three named in the message.
        body = {"message": f"none of the {total} {noun} were {verb}: {shown}", "category": category,
                "failed": df.attrs["failed"]}  # fmt: skip
        raise error_from_response(status, body, method="POST", path=path)
    warnings.warn(
        f"{len(failed)} of {total} {noun} were not {verb}: {shown} (see df.attrs['failed'])",
        frames.HubFrameWarning,
        stacklevel=frames._user_stacklevel(),
    )


@contextlib.contextmanager
def _naming_company(company_id: Any, assoc: list[dict[str, Any]]) -> Iterator[None]:
    """A create HubSpot refused for its company association names ``company_id`` and the fix."""
    try:
        yield
    except ValidationError as exc:
        if not assoc or "association" not in (exc.message or "").lower():
            raise
        cid = assoc[0]["to"]["id"]
        raise ValidationError(
            f"company_id={company_id!r}: {exc.message} Check the company id, e.g. with "
            f"hs.companies.get({cid!r}), or leave company_id out.",
            status=exc.status, category=exc.category, correlation_id=exc.correlation_id,
            method=exc.method, path=exc.path, body=exc.body,
        ) from None


def _encode_row(props: PropertySet, n: int, row: Mapping[str, Any]) -> dict[str, str]:
    """One record of a many-record write, checked; an error names the row (nothing is sent yet)."""
    try:
        return encode_properties(props, row, what=f"row {n}")
    except InputError as exc:
        if not str(exc).startswith(f"row {n}"):
            exc.args = (f"row {n}: {exc}",)
        raise


def _check_limit(limit: Any) -> int:
    if isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= LIST_PAGE_MAX:
        raise InputError(f"limit={limit!r:.100}: a page holds 1 to {LIST_PAGE_MAX} records")
    return limit


def _check_max(max_records: Any) -> int | None:
    if max_records is None:
        return None
    if isinstance(max_records, bool) or not isinstance(max_records, int) or max_records < 1:
        raise InputError(f"max_records={max_records!r}: use a whole number >= 1, or None for all")
    return max_records


def _rows(data: Any) -> list[dict[str, Any]]:
    """Records to write from a DataFrame (empty cells left out) or a list of dicts."""
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        if data.empty:
            raise InputError("the DataFrame has no rows to write: pass at least one row")
        rows = []
        for rec in data.to_dict(orient="records"):
            rows.append({str(k): v for k, v in rec.items() if not is_missing(v)})
        return rows
    if isinstance(data, (list, tuple)) and not data:
        raise InputError(f"{data!r} holds no records to write: pass a dict, or a list of at least one dict")
    if isinstance(data, (list, tuple)) and all(isinstance(r, Mapping) for r in data):
        return [dict(r) for r in data]
    raise InputError(
        f"expected a dict (one record), a DataFrame or a list of dicts, not {type(data).__name__} {data!r:.100}"
    )
