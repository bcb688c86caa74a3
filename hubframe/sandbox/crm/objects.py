"""CRM object operations: list, read, create, update, archive, the batches and search.

:class:`ObjectOps` holds the store's object operations under HubSpot's
operation names (``get_page``, ``get_by_id``, ``batch_read``, ``do_search``
...). They return plain JSON-ready structures; HTTP concerns (status codes,
envelopes, links) stay in :mod:`.handlers`. The rules about one table's
records (validation, unique emails, rendering) are the
:class:`~.records.ObjectTable`'s.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from ..errors import ApiError, missing_objects, validation_error
from ..state import PortalState
from ..util import locked, parse_id
from . import matching
from .associations import check_type_specs, v3_entries
from .definitions import ASSOC_TYPES, OBJECT_TYPES, ObjectType, PropertyDef
from .lag import DelayedIndex
from .records import ObjectTable, Record
from .search import SearchRequest

__all__ = ["ObjectOps"]

Results = list[dict[str, Any]]


class ObjectOps(PortalState):
    """The object, property and search operations of the store."""

    SEARCH_CACHE_SIZE = 64

    def __init__(self, portal_id: int) -> None:
        super().__init__(portal_id)
        # query -> (version, matching ids): paging one query scans the records once
        self._search_cache: OrderedDict[str, tuple[object, list[int]]] = OrderedDict()
        # object type -> what search sees while search lags writes (none without a lag)
        self._lagged: dict[str, DelayedIndex] = {}
        self.search_lag = 0.0

    def render(
        self,
        table: ObjectTable,
        rec: Record,
        names: Iterable[str],
        *,
        nulls: bool = False,
        associations: Iterable[str] = (),
        history: Iterable[str] | None = None,
    ) -> dict[str, Any]:
        """A record as HubSpot returns it, with the associations to ``associations`` embedded
        and, when ``history`` names properties, their ``propertiesWithHistory``."""
        embedded: dict[str, Any] = {}
        for to_type in associations:
            entries = v3_entries(self.live_targets, table.type.name, rec.id, to_type)
            if entries:
                embedded[to_type] = {"results": entries}
        out = table.render(rec, names, nulls=nulls, associations=embedded)
        if history:
            out["propertiesWithHistory"] = table.history(rec, history)
        return out

    # -- reads ------------------------------------------------------------------------------

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
        history: list[str] | None = None,
    ) -> tuple[Results, int | None]:
        """One page of records in id order. Returns (results, id of the next record or None)."""
        table = self.table(otype)
        ids = table.archived_ids() if archived else table.live_ids()
        start = 0 if after is None else bisect_left(ids, after)
        page = ids[start : start + limit]
        nxt = ids[start + limit] if start + limit < len(ids) else None
        names = table.names(properties)
        recs = table.records
        return [
            self.render(table, recs[i], names, associations=associations, history=history)
            for i in page
        ], nxt

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
        history: list[str] | None = None,
    ) -> dict[str, Any]:
        """One record. Raises ApiError 404 (facts §2.6 body) when it does not exist."""
        table = self.table(otype)
        rec = table.find(object_id, id_property, archived)
        return self.render(
            table, rec, table.names(properties), associations=associations, history=history
        )

    @locked
    def batch_read(
        self,
        otype: ObjectType,
        ids: list[str],
        *,
        properties: list[str] | None,
        id_property: str | None,
        archived: bool,
        history: list[str] | None = None,
    ) -> tuple[Results, list[str]]:
        """Read records by id (or email). Returns (results in input order, missing ids)."""
        table = self.table(otype)
        names = table.names(properties)
        results, missing = [], []
        for raw in dict.fromkeys(ids):  # duplicates are read once
            try:
                rec = table.find(raw, id_property, archived)
            except ApiError as exc:
                if exc.status != 404:
                    raise
                missing.append(raw)
                continue
            results.append(self.render(table, rec, names, history=history))
        return results, missing

    @locked
    def do_search(self, otype: ObjectType, req: SearchRequest) -> tuple[int, Results, int | None]:
        """Run a search. Returns (total, one page of results, next offset or None)."""
        table, version = self._searched(otype)
        cached = self._search_cache.get(req.cache_key)
        if cached is not None and cached[0] == version:
            self._search_cache.move_to_end(req.cache_key)
            ids = cached[1]
        else:
            ids = matching.find(table, req, self.live_targets)
            self._search_cache[req.cache_key] = (version, ids)
            if len(self._search_cache) > self.SEARCH_CACHE_SIZE:
                self._search_cache.popitem(last=False)
        total = len(ids)
        end = req.after + req.limit
        names = table.names(req.properties, search=True)
        recs = table.records
        results = [self.render(table, recs[i], names, nulls=True) for i in ids[req.after : end]]
        return total, results, (end if end < total else None)

    def _searched(self, otype: ObjectType) -> tuple[ObjectTable, object]:
        """The table search reads (the delayed replica while search lags) and its version."""
        index = self._lagged.get(otype.name)
        if index is None:
            return self.table(otype), self.version
        # Associations and other tables are read live: the store's version counts too.
        return index.current(), (self.version, index.version)

    @locked
    def set_search_lag(self, seconds: float) -> None:
        """Make search see each write only ``seconds`` after it (0: at once, the default).

        Starting a lag takes the portal as it is now as what search sees; changing it
        applies to the writes not yet seen too.
        """
        self.search_lag = float(seconds)
        if self.search_lag <= 0:
            for index in self._lagged.values():
                index.detach()
            self._lagged.clear()
        elif self._lagged:
            for index in self._lagged.values():
                index.lag = self.search_lag
        else:
            self._lagged = {
                name: DelayedIndex(table, self.search_lag) for name, table in self.tables.items()
            }
        self._search_cache.clear()

    @locked
    def record_json(self, object_type: str, record_id: int | str) -> dict[str, Any] | None:
        """A record as HubSpot returns it, with every stored and computed value, archived
        or not (None if it never existed)."""
        rec = self.record(object_type, record_id)
        if rec is None:
            return None
        table = self.tables[object_type]
        return self.render(table, rec, table.written_names(rec, None))

    def get_properties(self, definitions: dict[str, PropertyDef]) -> Results:
        """Property definitions in HubSpot's v3 shape (none are archived here)."""
        return [d.to_json() for d in definitions.values()]

    def get_properties_v2(self, definitions: dict[str, PropertyDef]) -> Results:
        """The same definitions in the legacy v2 shape."""
        return [d.to_v2_json() for d in definitions.values()]

    def get_property(
        self, definitions: dict[str, PropertyDef], name: str, type_id: str
    ) -> dict[str, Any]:
        """One definition by name; a 404 names the object type by its id."""
        defn = definitions.get(name)
        if defn is None:
            raise ApiError(
                404,
                f"Unable to find property with name {name} on object type {type_id}",
                "OBJECT_NOT_FOUND",
            )
        return defn.to_json()

    # -- writes -----------------------------------------------------------------------------

    @locked
    def create(self, otype: ObjectType, body: dict[str, Any]) -> dict[str, Any]:
        """Create one record (with associations). Returns it with its computed properties."""
        table = self.table(otype)
        values = table.validate(_properties_of(body))
        links = self._validate_links(otype, body.get("associations"))
        table.check_unique(values, None)
        rec = self._create_linked(table, values, links)
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
        rec = table.find(object_id, id_property)
        values = table.validate(_properties_of(body), rec.props)
        table.check_unique(values, rec.id)
        table.apply(rec, values)
        return self._render_written(table, rec, list(values))

    @locked
    def archive(self, otype: ObjectType, object_id: str) -> None:
        """Move a live record to the recycle bin (DELETE). Raises 404 for unknown ids."""
        table = self.table(otype)
        table.archive(table.find(object_id))

    @locked
    def batch_create(
        self, otype: ObjectType, inputs: list[dict[str, Any]]
    ) -> tuple[Results, Results]:
        """Create records. Returns (created, per-input errors).

        Without an ``objectWriteTraceId`` on every input the batch is all or nothing:
        the first invalid input fails the request and nothing is created. With trace
        ids, valid inputs are created and each failure is reported (HTTP 207).
        """
        table = self.table(otype)
        per_input = _per_input(inputs)
        prepared, errors = [], []
        batch_emails: set[str] = set()
        for item in inputs:
            try:
                values = table.validate(_properties_of(item))
                links = self._validate_links(otype, item.get("associations"))
                table.check_unique(values, None)
                _check_batch_email(table, values, batch_emails)
            except ApiError as exc:
                if not per_input:
                    raise
                errors.append(_write_error(exc, item.get("objectWriteTraceId")))
                continue
            prepared.append((item, values, links))
        results = []
        for item, values, links in prepared:
            rec = self._create_linked(table, values, links)
            results.append(_traced(self._render_written(table, rec, None), item))
        return results, errors

    @locked
    def batch_update(
        self, otype: ObjectType, inputs: list[dict[str, Any]]
    ) -> tuple[Results, Results]:
        """Update records by id. Returns (updated, errors); unknown ids become one
        OBJECT_NOT_FOUND error and the other inputs are still applied."""
        table = self.table(otype)
        per_input = _per_input(inputs)
        prepared, errors, missing = [], [], []
        for item in inputs:
            raw_id = str(item.get("id", ""))
            try:
                rec = table.find(raw_id, item.get("idProperty"))
            except ApiError as exc:
                if exc.status != 404:
                    raise
                missing.append(raw_id)
                continue
            try:
                values = table.validate(_properties_of(item), rec.props)
                table.check_unique(values, rec.id)
            except ApiError as exc:
                if not per_input:
                    raise
                errors.append(_write_error(exc, item.get("objectWriteTraceId")))
                continue
            prepared.append((item, rec, values))
        results = []
        for item, rec, values in prepared:
            table.apply(rec, values)
            results.append(_traced(self._render_written(table, rec, list(values)), item))
        if missing:
            errors.insert(0, missing_objects(otype.upper, missing))
        return results, errors

    @locked
    def batch_upsert(self, otype: ObjectType, inputs: list[dict[str, Any]]) -> Results:
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
                values = table.validate(props)
                table.check_unique(values, None)
                rec, new = table.create(values), True
            else:
                rec = table.records[rid]
                values = table.validate(props, rec.props)
                table.check_unique(values, rec.id)
                table.apply(rec, values)
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
                table.archive(rec)

    @locked
    def restore(self, otype: ObjectType, object_id: str) -> None:
        """Bring an archived record back live (HubSpot's recycle-bin restore); 404 if
        there is no archived record with this id, 409 if its email is taken."""
        table = self.table(otype)
        table.restore(table.find(object_id, archived=True))

    @locked
    def touch_all(
        self, otype: ObjectType, ids: list[str], at: int, properties: dict[str, Any]
    ) -> list[str]:
        """Write ``properties`` (may be empty) to live records, all modified at ``at``
        (epoch ms), as one of HubSpot's batch updates stamps them. Returns the ids written
        (ids not live are skipped)."""
        table = self.table(otype)
        written = []
        for raw in ids:
            rec = table.get_live(parse_id(raw))
            if rec is None:
                continue
            values = table.validate(properties, rec.props)
            table.check_unique(values, rec.id)
            table.apply(rec, values, at=at)
            written.append(str(rec.id))
        return written

    # -- write helpers ----------------------------------------------------------------------

    def _create_linked(
        self, table: ObjectTable, values: dict[str, str], links: list[tuple[str, int, list[int]]]
    ) -> Record:
        rec = table.create(values)
        for to_type, to_id, type_ids in links:
            self.assoc.add(table.type.name, rec.id, to_type, to_id, type_ids)
        return rec

    def _render_written(
        self, table: ObjectTable, rec: Record, changed: list[str] | None
    ) -> dict[str, Any]:
        """A created (``changed=None``: every value) or updated record as the write returns it."""
        return self.render(table, rec, table.written_names(rec, changed))

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
            raw_to = (item.get("to") or {}).get("id", "")
            types = item.get("types") or []
            if not types:
                raise validation_error("Each association needs at least one type.")
            type_ids = check_type_specs(otype.name, None, types)
            to_type = ASSOC_TYPES[type_ids[0]].to_type
            target = self.tables[to_type].get_live(parse_id(raw_to))
            if target is None:
                raise validation_error(
                    f"Invalid association: {OBJECT_TYPES[to_type].upper} "
                    f"{(item.get('to') or {}).get('id')} does not exist.",
                    context={"toObjectId": [str((item.get("to") or {}).get("id"))]},
                )
            links.append((to_type, target.id, type_ids))
        return links


def _properties_of(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise validation_error("Invalid input JSON: expected an object.")
    props = body.get("properties")
    if props is None:
        return {}
    if not isinstance(props, dict):
        raise validation_error("properties must be an object of property names to values.")
    return props


def _per_input(inputs: list[dict[str, Any]]) -> bool:
    """Batch writes report per input (207) only when every input has an objectWriteTraceId."""
    return bool(inputs) and all(i.get("objectWriteTraceId") is not None for i in inputs)


def _check_batch_email(table: ObjectTable, values: dict[str, str], seen: set[str]) -> None:
    email = values.get("email")
    if email and table.email_index is not None:
        if email in seen:
            raise ApiError(409, f"Duplicate email in batch input: {email}", "CONFLICT")
        seen.add(email)


def _traced(out: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """Echo an input's objectWriteTraceId on its result."""
    if item.get("objectWriteTraceId") is not None:
        out["objectWriteTraceId"] = str(item["objectWriteTraceId"])
    return out


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
