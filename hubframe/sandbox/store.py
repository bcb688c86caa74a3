"""The sandbox portal: its records and HubSpot's rules for changing them.

The store is the only place that holds or changes state. Its public methods
carry HubSpot's operation names (``get_page``, ``get_by_id``, ``create``,
``update``, ``archive``, ``batch_read``, ``do_search`` ...) and return plain
JSON-ready structures; HTTP concerns (status codes, envelopes, links) stay in
the handlers. Every public method holds ``self.lock``: werkzeug serves each
request on its own thread.

Association, list, form and workflow operations live in the mixins of
``store_associations`` and ``store_marketing``.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any

from . import search as search_mod
from ._util import locked, parse_id
from .associations import AssociationGraph
from .definitions import (
    DEAL_STAGE_PROBABILITY,
    OBJECT_TYPES,
    PROPERTIES,
    ObjectType,
    PropertyDef,
)
from .errors import ApiError, missing_objects, not_found, property_errors, validation_error
from .store_associations import AssociationOps
from .store_marketing import MarketingOps
from .values import PropertyValueError, date_ms, iso_ms, normalize, now_ms, parse_time_ms

__all__ = ["Store", "ObjectTable", "Record", "STATE_VERSION"]

STATE_VERSION = 1


class Record:
    """One CRM record. ``props`` holds stored values only; computed ones are derived."""

    __slots__ = ("id", "props", "created", "updated", "archived", "archived_at")

    def __init__(
        self,
        id: int,
        props: dict[str, str],
        created: int,
        updated: int,
        archived: bool = False,
        archived_at: int | None = None,
    ):
        self.id = id
        self.props = props
        self.created = created
        self.updated = updated
        self.archived = archived
        self.archived_at = archived_at

    def __repr__(self) -> str:
        return f"Record(id={self.id}, archived={self.archived})"


class ObjectTable:
    """The records of one object type, in ascending id order, plus their indexes."""

    def __init__(self, store: Store, otype: ObjectType, first_id: int):
        self.store = store
        self.type = otype
        self.defs: dict[str, PropertyDef] = PROPERTIES[otype.name]
        self.records: dict[int, Record] = {}
        self.next_id = first_id
        # Contacts are unique by email (lower-cased); only live records are indexed.
        self.email_index: dict[str, int] | None = {} if otype.name == "contacts" else None
        self._live: list[int] | None = None
        self._archived: list[int] | None = None
        self._kinds = {name: d.type for name, d in self.defs.items()}
        self._computed = _computed_values(store, otype)
        self._plans: dict[tuple[str, ...], tuple[tuple[str, Any], ...]] = {}
        self.always = ("createdate", "hs_object_id", otype.modified_prop)

    # -- indexes ----------------------------------------------------------------------------

    def live_ids(self) -> list[int]:
        """Sorted ids of records that are not archived (cached until the next write)."""
        if self._live is None:
            self._live = [i for i, r in self.records.items() if not r.archived]
        return self._live

    def archived_ids(self) -> list[int]:
        if self._archived is None:
            self._archived = [i for i, r in self.records.items() if r.archived]
        return self._archived

    def invalidate(self) -> None:
        self._live = self._archived = None
        self.store._version += 1

    def insert(
        self, props: dict[str, str], created: int, updated: int, record_id: int | None = None
    ) -> Record:
        """Add a record with the next id (or ``record_id``), indexing its email."""
        rid = self.next_id if record_id is None else record_id
        self.next_id = max(self.next_id, rid + 1)
        rec = Record(rid, props, created, updated)
        self.records[rid] = rec
        if self.email_index is not None and props.get("email"):
            self.email_index[props["email"]] = rid
        self.invalidate()
        return rec

    def get_live(self, rid: int | None) -> Record | None:
        rec = self.records.get(rid) if rid is not None else None
        return rec if rec is not None and not rec.archived else None

    # -- values -----------------------------------------------------------------------------

    def render_plan(self, names: tuple[str, ...]) -> tuple[tuple[str, Any], ...]:
        """``(name, computing function or None)`` of ``names`` in HubSpot's order (alphabetical)."""
        plan = self._plans.get(names)
        if plan is None:
            if len(self._plans) > 256:  # clients ask for a few name lists, not thousands
                self._plans.clear()
            plan = self._plans[names] = tuple(
                (n, self._computed.get(n)) for n in sorted(set(names))
            )
        return plan

    def value(self, rec: Record, name: str) -> str | None:
        """A property's value as HubSpot returns it (computed ones derived on read)."""
        fn = self._computed.get(name)
        if fn is not None:
            return fn(rec)
        return rec.props.get(name)

    def typed(self, rec: Record, name: str) -> Any:
        """A value for comparing and sorting: float, epoch ms, or a (case-folded) string."""
        if name == "hs_object_id":
            return rec.id
        if name == "createdate":
            return rec.created
        if name == self.type.modified_prop:
            return rec.updated
        v = self.value(rec, name)
        if v is None or v == "":
            return None
        kind = self._kinds.get(name)
        try:
            if kind == "number":
                return float(v)
            if kind == "datetime":
                return parse_time_ms(v)
            if kind == "date":
                return date_ms(v)
        except ValueError:
            return None
        if kind == "bool":
            return v.lower()
        if kind == "enumeration":
            return v
        return v.casefold()


def _computed_values(store: Store, otype: ObjectType) -> dict[str, Callable[[Record], str | None]]:
    """Read-only properties HubSpot computes, derived when read so they never go stale."""
    name = otype.name
    out: dict[str, Callable[[Record], str | None]] = {
        "hs_object_id": lambda r: str(r.id),
        "createdate": lambda r: iso_ms(r.created),
        otype.modified_prop: lambda r: iso_ms(r.updated),
    }

    def count(to_type: str) -> Callable[[Record], str | None]:
        return lambda r: str(len(store.live_targets(name, r.id, to_type)))

    if name == "contacts":
        out["hs_email_domain"] = lambda r: (r.props.get("email") or "").partition("@")[2] or None
        out["hs_is_contact"] = lambda r: "true"
        out["num_associated_deals"] = count("deals")

        def primary_company(r: Record) -> str | None:
            for cid, types in store.live_targets("contacts", r.id, "companies").items():
                if 1 in types:
                    return str(cid)
            return None

        out["associatedcompanyid"] = primary_company
    elif name == "companies":
        out["num_associated_contacts"] = count("contacts")
        out["num_associated_deals"] = count("deals")
    else:

        def stage_flag(stages: tuple[str, ...]) -> Callable[[Record], str | None]:
            return lambda r: (
                None
                if not r.props.get("dealstage")
                else ("true" if r.props["dealstage"] in stages else "false")
            )

        out["hs_is_closed"] = stage_flag(("closedwon", "closedlost"))
        out["hs_is_closed_won"] = stage_flag(("closedwon",))
        out["hs_deal_stage_probability"] = lambda r: DEAL_STAGE_PROBABILITY.get(
            r.props.get("dealstage") or ""
        )
        out["amount_in_home_currency"] = lambda r: r.props.get("amount") or None
        out["num_associated_contacts"] = count("contacts")
    return out


class Store(AssociationOps, MarketingOps):
    """All state of one sandbox portal.

    Args:
        portal_id: the portal (hub) id.

    Attributes:
        tables: ``{"contacts"|"companies"|"deals": ObjectTable}``.
        assoc: the :class:`AssociationGraph`.
        lists, list_members, forms, submissions, workflows, enrollments: see ``store_marketing``.
        version: bumped by every write (search caches and persistence watch it).
    """

    SEARCH_CACHE_SIZE = 64

    def __init__(self, portal_id: int):
        self.lock = threading.RLock()
        self.portal_id = portal_id
        self._version = 0
        self.assoc = AssociationGraph()
        first_ids = {"contacts": 901, "companies": 5_001, "deals": 7_001}
        self.tables: dict[str, ObjectTable] = {
            n: ObjectTable(self, t, first_ids[n]) for n, t in OBJECT_TYPES.items()
        }
        MarketingOps.__init__(self)
        self._search_cache: OrderedDict[str, tuple[int, list[int]]] = OrderedDict()

    @property
    def version(self) -> int:
        """A number that changes with every write to the portal (records, associations, lists...)."""
        return self._version + self.assoc.changes

    def table(self, object_type: str | ObjectType) -> ObjectTable:
        """The table of an object type (``contacts`` or an :class:`ObjectType`)."""
        return self.tables[object_type if isinstance(object_type, str) else object_type.name]

    # -- reading helpers (also handy in tests) -------------------------------------------------

    @locked
    def record(self, object_type: str, record_id: int | str) -> Record | None:
        """A record by id, archived or not (None if it never existed)."""
        return self.tables[object_type].records.get(parse_id(record_id))

    @locked
    def contact_by_email(self, email: str) -> Record | None:
        """The live contact with this email (any case), or None."""
        t = self.tables["contacts"]
        rid = t.email_index.get(email.strip().lower()) if t.email_index is not None else None
        return t.records.get(rid) if rid is not None else None

    @locked
    def count(self, object_type: str, *, archived: bool = False) -> int:
        t = self.tables[object_type]
        return len(t.archived_ids() if archived else t.live_ids())

    def live_targets(self, from_type: str, from_id: int, to_type: str) -> dict[int, frozenset[int]]:
        """Associations of one record whose other end is not archived."""
        recs = self.tables[to_type].records
        return {
            i: t
            for i, t in self.assoc.targets(from_type, from_id, to_type).items()
            if i in recs and not recs[i].archived
        }

    def render(
        self,
        table: ObjectTable,
        rec: Record,
        names: Iterable[str],
        *,
        nulls: bool = False,
        associations: Iterable[str] = (),
    ) -> dict[str, Any]:
        """A record as HubSpot's SimplePublicObject(WithAssociations).

        Args:
            names: property names to include (sorted alphabetically, as HubSpot does).
            nulls: include requested-but-unset properties as ``null`` (search) instead of
                leaving them out (GET, list, batch read).
            associations: object types whose associations to embed.
        """
        props: dict[str, str | None] = {}
        # table.value() unrolled: this loop runs for every property of every record served.
        stored = rec.props
        for n, fn in table.render_plan(tuple(names)):
            v = fn(rec) if fn is not None else stored.get(n)
            if v is not None:
                props[n] = v
            elif nulls:
                props[n] = None
        out: dict[str, Any] = {
            "id": str(rec.id),
            "properties": props,
            "createdAt": iso_ms(rec.created),
            "updatedAt": iso_ms(rec.updated),
            "archived": rec.archived,
        }
        if rec.archived and rec.archived_at is not None:
            out["archivedAt"] = iso_ms(rec.archived_at)
        embedded: dict[str, Any] = {}
        for to_type in associations:
            entries = self.v3_entries(table.type.name, rec.id, to_type)
            if entries:
                embedded[to_type] = {"results": entries}
        if embedded:
            out["associations"] = embedded
        return out

    def _names(
        self, table: ObjectTable, requested: list[str] | None, *, search: bool = False
    ) -> list[str]:
        """Properties to return: the defaults, or the known requested ones, plus id/timestamps."""
        if requested is None:
            base = list(table.type.search_defaults if search else table.type.get_defaults)
        else:
            base = [n for n in requested if n in table.defs]  # unknown names are ignored
        return base + [n for n in table.always if n not in base]

    def _find(
        self,
        table: ObjectTable,
        raw_id: str,
        id_property: str | None = None,
        archived: bool = False,
    ) -> Record:
        if id_property and id_property != "hs_object_id":
            if id_property != "email" or table.email_index is None:
                raise validation_error(
                    f"{id_property} is not a unique identifier property of {table.type.upper} objects."
                )
            rid = table.email_index.get(str(raw_id).strip().lower())
            rec = table.records.get(rid) if rid is not None and not archived else None
        else:
            rec = table.records.get(parse_id(raw_id))  # type: ignore[arg-type]
        if rec is None or rec.archived != archived:
            raise not_found(raw_id)
        return rec

    # -- object operations ------------------------------------------------------------------

    @locked
    def get_page(
        self,
        otype: ObjectType,
        *,
        limit: int,
        after: int | None,
        properties: list[str] | None,
        associations: list[str],
        archived: bool,
    ) -> tuple[list[dict[str, Any]], int | None]:
        """One page of records in id order. Returns (results, id of the next record or None)."""
        table = self.table(otype)
        ids = table.archived_ids() if archived else table.live_ids()
        start = 0 if after is None else bisect_left(ids, after)
        page = ids[start : start + limit]
        nxt = ids[start + limit] if start + limit < len(ids) else None
        names = self._names(table, properties)
        recs = table.records
        return [self.render(table, recs[i], names, associations=associations) for i in page], nxt

    @locked
    def get_by_id(
        self,
        otype: ObjectType,
        object_id: str,
        *,
        properties: list[str] | None,
        associations: list[str],
        archived: bool,
        id_property: str | None,
    ) -> dict[str, Any]:
        """One record. Raises ApiError 404 (facts §2.6 body) when it does not exist."""
        table = self.table(otype)
        rec = self._find(table, object_id, id_property, archived)
        return self.render(table, rec, self._names(table, properties), associations=associations)

    @locked
    def create(self, otype: ObjectType, body: dict[str, Any]) -> dict[str, Any]:
        """Create one record (with associations). Returns it with its computed properties."""
        table = self.table(otype)
        values = self._validate(table, _properties_of(body))
        links = self._validate_links(otype, body.get("associations"))
        self._check_unique(table, values, None)
        rec = self._insert(table, values)
        for to_type, to_id, type_ids in links:
            self.assoc.add(otype.name, rec.id, to_type, to_id, type_ids)
        return self._render_written(table, rec, None)

    @locked
    def update(
        self,
        otype: ObjectType,
        object_id: str,
        body: dict[str, Any],
        id_property: str | None = None,
    ) -> dict[str, Any]:
        """Change some properties of a live record (``""`` clears one)."""
        table = self.table(otype)
        rec = self._find(table, object_id, id_property)
        values = self._validate(table, _properties_of(body), rec.props)
        self._check_unique(table, values, rec.id)
        self._apply(table, rec, values)
        return self._render_written(table, rec, list(values))

    @locked
    def archive(self, otype: ObjectType, object_id: str) -> None:
        """Move a live record to the recycle bin (DELETE). Raises 404 for unknown ids."""
        table = self.table(otype)
        self._archive(table, self._find(table, object_id))

    @locked
    def batch_read(
        self,
        otype: ObjectType,
        ids: list[str],
        *,
        properties: list[str] | None,
        id_property: str | None,
        archived: bool,
    ) -> tuple[list[dict[str, Any]], list[str]]:
        """Read records by id (or email). Returns (results in input order, missing ids)."""
        table = self.table(otype)
        names = self._names(table, properties)
        results, missing = [], []
        for raw in dict.fromkeys(ids):  # duplicates are read once
            try:
                rec = self._find(table, raw, id_property, archived)
            except ApiError as exc:
                if exc.status != 404:
                    raise
                missing.append(raw)
                continue
            results.append(self.render(table, rec, names))
        return results, missing

    @locked
    def batch_create(
        self, otype: ObjectType, inputs: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Create records. Returns (created, per-input errors).

        Without an ``objectWriteTraceId`` on every input the batch is all or nothing:
        the first invalid input fails the request and nothing is created. With trace
        ids, valid inputs are created and each failure is reported (HTTP 207).
        """
        table = self.table(otype)
        per_input = bool(inputs) and all(i.get("objectWriteTraceId") is not None for i in inputs)
        prepared, errors = [], []
        batch_emails: dict[str, int] = {}
        for n, item in enumerate(inputs):
            try:
                values = self._validate(table, _properties_of(item))
                links = self._validate_links(otype, item.get("associations"))
                self._check_unique(table, values, None)
                email = values.get("email")
                if email and table.email_index is not None:
                    if email in batch_emails:
                        raise ApiError(409, f"Duplicate email in batch input: {email}", "CONFLICT")
                    batch_emails[email] = n
            except ApiError as exc:
                if not per_input:
                    raise
                errors.append(_write_error(exc, item.get("objectWriteTraceId")))
                continue
            prepared.append((item, values, links))
        results = []
        for item, values, links in prepared:
            rec = self._insert(table, values)
            for to_type, to_id, type_ids in links:
                self.assoc.add(otype.name, rec.id, to_type, to_id, type_ids)
            out = self._render_written(table, rec, None)
            if item.get("objectWriteTraceId") is not None:
                out["objectWriteTraceId"] = str(item["objectWriteTraceId"])
            results.append(out)
        return results, errors

    @locked
    def batch_update(
        self, otype: ObjectType, inputs: list[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Update records by id. Returns (updated, errors); unknown ids become one
        OBJECT_NOT_FOUND error and the other inputs are still applied."""
        table = self.table(otype)
        per_input = bool(inputs) and all(i.get("objectWriteTraceId") is not None for i in inputs)
        prepared, errors, missing = [], [], []
        for item in inputs:
            raw_id = str(item.get("id", ""))
            try:
                rec = self._find(table, raw_id, item.get("idProperty"))
            except ApiError as exc:
                if exc.status != 404:
                    raise
                missing.append(raw_id)
                continue
            try:
                values = self._validate(table, _properties_of(item), rec.props)
                self._check_unique(table, values, rec.id)
            except ApiError as exc:
                if not per_input:
                    raise
                errors.append(_write_error(exc, item.get("objectWriteTraceId")))
                continue
            prepared.append((item, rec, values))
        results = []
        for item, rec, values in prepared:
            self._apply(table, rec, values)
            out = self._render_written(table, rec, list(values))
            if item.get("objectWriteTraceId") is not None:
                out["objectWriteTraceId"] = str(item["objectWriteTraceId"])
            results.append(out)
        if missing:
            errors.insert(0, missing_objects(otype.upper, missing))
        return results, errors

    @locked
    def batch_upsert(self, otype: ObjectType, inputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Create or update contacts by ``idProperty: email``. Each result carries ``new``."""
        table = self.table(otype)
        results = []
        for item in inputs:
            id_property = item.get("idProperty")
            if id_property != "email" or table.email_index is None:
                raise validation_error(
                    f"idProperty {id_property!r} is not a unique identifier property of {otype.upper} objects."
                )
            email = str(item.get("id", "")).strip().lower()
            props = dict(_properties_of(item))
            props.setdefault("email", email)
            rid = table.email_index.get(email)
            if rid is None:
                values = self._validate(table, props)
                self._check_unique(table, values, None)
                rec, new = self._insert(table, values), True
            else:
                rec = table.records[rid]
                values = self._validate(table, props, rec.props)
                self._check_unique(table, values, rec.id)
                self._apply(table, rec, values)
                new = False
            out = self._render_written(table, rec, list(values))
            out["new"] = new
            results.append(out)
        return results

    @locked
    def batch_archive(self, otype: ObjectType, ids: list[str]) -> None:
        """Archive records by id; ids that do not exist are ignored."""
        table = self.table(otype)
        for raw in ids:
            rec = table.get_live(parse_id(raw))
            if rec is not None:
                self._archive(table, rec)

    @locked
    def do_search(
        self, otype: ObjectType, req: search_mod.SearchRequest
    ) -> tuple[int, list[dict[str, Any]], int | None]:
        """Run a search. Returns (total, one page of results, next offset or None)."""
        table = self.table(otype)
        cached = self._search_cache.get(req.cache_key)
        if cached is not None and cached[0] == self.version:
            self._search_cache.move_to_end(req.cache_key)
            ids = cached[1]
        else:
            ids = search_mod.find(self, table, req)
            self._search_cache[req.cache_key] = (self.version, ids)
            if len(self._search_cache) > self.SEARCH_CACHE_SIZE:
                self._search_cache.popitem(last=False)
        total = len(ids)
        end = req.after + req.limit
        names = self._names(table, req.properties, search=True)
        recs = table.records
        results = [self.render(table, recs[i], names, nulls=True) for i in ids[req.after : end]]
        return total, results, (end if end < total else None)

    @locked
    def get_properties(self, otype: ObjectType, archived: bool = False) -> list[dict[str, Any]]:
        """Every property definition of an object type (none are archived here)."""
        return [] if archived else [d.to_json() for d in PROPERTIES[otype.name].values()]

    @locked
    def get_property(self, otype: ObjectType, name: str) -> dict[str, Any]:
        defn = PROPERTIES[otype.name].get(name)
        if defn is None:
            raise ApiError(
                404,
                f"Unable to find property with name {name} on object type {otype.type_id}",
                "OBJECT_NOT_FOUND",
            )
        return defn.to_json()

    # -- write internals --------------------------------------------------------------------

    def _validate(
        self, table: ObjectTable, props: dict[str, Any], current: dict[str, str] | None = None
    ) -> dict[str, str]:
        problems: list[tuple[str, str, str]] = []
        values: dict[str, str] = {}
        for name, raw in props.items():
            defn = table.defs.get(name)
            if defn is None:
                problems.append(
                    (name, "PROPERTY_DOESNT_EXIST", f'Property "{name}" does not exist')
                )
            elif defn.read_only:
                problems.append(
                    (
                        name,
                        "READ_ONLY_VALUE",
                        f'Property "{name}" is a read only property; its value cannot be set.',
                    )
                )
            else:
                try:
                    values[name] = normalize(
                        defn, raw, (current or {}).get(name), object_type=table.type.name
                    )
                except PropertyValueError as exc:
                    problems.append((name, exc.code, exc.message))
        if problems:
            raise property_errors(problems)
        return values

    def _check_unique(self, table: ObjectTable, values: dict[str, str], own_id: int | None) -> None:
        email = values.get("email")
        if table.email_index is not None and email:
            hit = table.email_index.get(email)
            if hit is not None and hit != own_id:
                raise ApiError(409, f"Contact already exists. Existing ID: {hit}", "CONFLICT")

    def _insert(self, table: ObjectTable, values: dict[str, str]) -> Record:
        if table.type.name == "deals" and not values.get("pipeline"):
            values["pipeline"] = (
                "default"  # HubSpot puts a deal without one in the default pipeline
            )
        now = now_ms()
        return table.insert({k: v for k, v in values.items()}, now, now)

    def _apply(self, table: ObjectTable, rec: Record, values: dict[str, str]) -> None:
        if not values:
            return
        if table.email_index is not None and "email" in values:
            old = rec.props.get("email")
            if old and table.email_index.get(old) == rec.id:
                del table.email_index[old]
            if values["email"]:
                table.email_index[values["email"]] = rec.id
        rec.props.update(values)
        rec.updated = max(now_ms(), rec.updated)
        table.invalidate()

    def _archive(self, table: ObjectTable, rec: Record) -> None:
        rec.archived = True
        rec.archived_at = now_ms()  # archiving does not change lastmodifieddate
        email = rec.props.get("email")
        if table.email_index is not None and email and table.email_index.get(email) == rec.id:
            del table.email_index[email]
        table.invalidate()

    def _render_written(
        self, table: ObjectTable, rec: Record, changed: list[str] | None
    ) -> dict[str, Any]:
        """A created (``changed=None``: every value) or updated record as the write returns it."""
        if changed is None:
            names = [n for n in rec.props] + [
                n for n in table._computed if table.value(rec, n) is not None
            ]
        else:
            names = list(table.type.get_defaults) + changed
        return self.render(table, rec, names + list(table.always))

    def _validate_links(self, otype: ObjectType, raw: Any) -> list[tuple[str, int, list[int]]]:
        """Check a create body's ``associations``; returns (to_type, to_id, type ids)."""
        if not raw:
            return []
        if not isinstance(raw, list):
            raise validation_error("associations must be a list.")
        links = []
        for item in raw:
            if not isinstance(item, dict):
                raise validation_error("Each association must be an object with to and types.")
            to_id = parse_id((item.get("to") or {}).get("id", ""))
            types = item.get("types") or []
            if not types:
                raise validation_error("Each association needs at least one type.")
            type_ids = self.check_type_specs(otype.name, None, types)
            to_type = _to_type_of(type_ids[0])
            if self.tables[to_type].get_live(to_id) is None:
                raise validation_error(
                    f"Invalid association: {OBJECT_TYPES[to_type].upper} "
                    f"{(item.get('to') or {}).get('id')} does not exist.",
                    context={"toObjectId": [str((item.get("to") or {}).get("id"))]},
                )
            links.append((to_type, to_id, type_ids))  # type: ignore[arg-type]
        return links

    # -- persistence ------------------------------------------------------------------------

    @locked
    def to_state(self) -> dict[str, Any]:
        """Everything in the portal as JSON-ready data (no credentials)."""
        return {
            "version": STATE_VERSION,
            "portal_id": self.portal_id,
            "objects": {
                name: {
                    "next_id": t.next_id,
                    "records": [
                        [r.id, r.created, r.updated, r.archived, r.archived_at, dict(r.props)]
                        for r in t.records.values()
                    ],
                }
                for name, t in self.tables.items()
            },
            "associations": list(self.assoc.dump()),
            **self.marketing_state(),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Store:
        """Rebuild a store saved by :meth:`to_state`."""
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported sandbox state version {state.get('version')!r}")
        store = cls(int(state["portal_id"]))
        for name, data in state["objects"].items():
            t = store.tables[name]
            for rid, created, updated, archived, archived_at, props in sorted(
                data["records"], key=lambda r: r[0]
            ):
                rec = t.insert(props, created, updated, record_id=int(rid))
                if archived:
                    rec.archived, rec.archived_at = True, archived_at
                    if (
                        t.email_index is not None
                        and t.email_index.get(props.get("email", "")) == rec.id
                    ):
                        del t.email_index[props["email"]]
            t.next_id = max(t.next_id, int(data["next_id"]))
            t.invalidate()
        store.assoc.load(state["associations"])
        store.load_marketing_state(state)
        return store


def _properties_of(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise validation_error("Invalid input JSON: expected an object.")
    props = body.get("properties")
    if props is None:
        return {}
    if not isinstance(props, dict):
        raise validation_error("properties must be an object of property names to values.")
    return props


def _to_type_of(type_id: int) -> str:
    from .definitions import ASSOC_TYPES

    return ASSOC_TYPES[type_id].to_type


def _write_error(exc: ApiError, trace_id: Any) -> dict[str, Any]:
    """A StandardError for one failed batch input, echoing its objectWriteTraceId."""
    context = dict(exc.context or {})
    if trace_id is not None:
        context["objectWriteTraceId"] = [str(trace_id)]
    return {
        "status": "error",
        "category": exc.category or "VALIDATION_ERROR",
        "message": exc.message,
        "context": context,
        "errors": exc.errors or [],
        "links": {},
    }
