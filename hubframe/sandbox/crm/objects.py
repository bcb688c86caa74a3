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
from .domains import DomainMatch
from .fragments import EncodedRecords
from .lag import DelayedIndex
from .records import ObjectTable, Record
from .rules import WriteRule, check_write, rules_error
from .search import SearchRequest

__all__ = ["ObjectOps"]

Results = list[dict[str, Any]]


class ObjectOps(PortalState):
    """The object, property and search operations of the store.

    Two portal settings shape the writes:

    * :attr:`write_rules`: the admin-defined rules (:mod:`.rules`) that writes made
      through a 2026-09 path must keep. Each write operation takes ``enforce_rules``:
      the handlers say whether the request came through such a path; the store's
      other callers (churn, seeding helpers) never enforce them, as HubSpot's own
      writes are not API writes;
    * :attr:`auto_associate_domains`: a contact created through the API is associated
      with the company of its email's domain (:mod:`.domains`); on by default, as on
      HubSpot.
    """

    SEARCH_CACHE_SIZE = 64

    def __init__(self, portal_id: int) -> None:
        super().__init__(portal_id)
        self.write_rules: tuple[WriteRule, ...] = ()
        self.auto_associate_domains = True
        # query -> (version, matching ids): paging one query scans the records once
        self._search_cache: OrderedDict[str, tuple[object, list[int]]] = OrderedDict()
        # object type -> what search sees while search lags writes (none without a lag)
        self._lagged: dict[str, DelayedIndex] = {}
        self.search_lag = 0.0
        # list and search pages' records, encoded once per portal version
        self._encoded = EncodedRecords()

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

    def render_all(
        self,
        table: ObjectTable,
        records: Iterable[Record],
        names: list[str],
        *,
        nulls: bool = False,
        associations: list[str] | None = None,
        history: list[str] | None = None,
        encoded: bool = False,
    ) -> list[Any]:
        """:meth:`render` of many records (a page): the names are planned once.

        ``encoded=True`` gives each record as an ``orjson.Fragment`` (for the handlers,
        whose reply orjson encodes), kept for the next read of the same records until the
        portal changes (:mod:`.fragments`); a delayed search replica is not kept.
        """
        if associations or history:
            return [
                self.render(
                    table, rec, names, nulls=nulls, associations=associations or (), history=history
                )
                for rec in records
            ]
        plan = table.render_plan(tuple(names))
        render = table.render_planned
        if encoded and table is self.tables.get(table.type.name):
            key = (table.type.name, plan[0], nulls)
            return self._encoded.page(
                key, records, lambda rec: render(rec, plan, nulls), self.version
            )
        return [render(rec, plan, nulls) for rec in records]

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
        encoded: bool = False,
    ) -> tuple[list[Any], int | None]:
        """One page of records in id order. Returns (results, id of the next record or None).

        ``encoded``: the records as JSON fragments (:meth:`render_all`)."""
        table = self.table(otype)
        ids = table.archived_ids() if archived else table.live_ids()
        start = 0 if after is None else bisect_left(ids, after)
        page = ids[start : start + limit]
        nxt = ids[start + limit] if start + limit < len(ids) else None
        recs = table.records
        results = self.render_all(
            table,
            [recs[i] for i in page],
            table.names(properties),
            associations=associations,
            history=history,
            encoded=encoded,
        )
        return results, nxt

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
    def do_search(
        self, otype: ObjectType, req: SearchRequest, *, encoded: bool = False
    ) -> tuple[int, list[Any], int | None]:
        """Run a search. Returns (total, one page of results, next offset or None).

        ``encoded``: the records as JSON fragments (:meth:`render_all`)."""
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
        page = [recs[i] for i in ids[req.after : end]]
        results = self.render_all(table, page, names, nulls=True, encoded=encoded)
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

    # -- settings ---------------------------------------------------------------------------

    @locked
    def set_write_rules(self, rules: tuple[WriteRule, ...]) -> None:
        """Replace the portal's write rules (checked ones: :func:`.rules.parse_rules`)."""
        self.write_rules = tuple(rules)

    @locked
    def set_auto_associate_domains(self, on: bool) -> None:
        """Turn the email-domain auto-association of new contacts on or off."""
        self.auto_associate_domains = bool(on)

    # -- writes -----------------------------------------------------------------------------

    @locked
    def create(
        self, otype: ObjectType, body: dict[str, Any], *, enforce_rules: bool = False
    ) -> dict[str, Any]:
        """Create one record (with associations). Returns it with its computed properties.

        ``enforce_rules``: the request came through a 2026-09 path, so the portal's
        write rules apply (400 VALIDATION_ERROR naming each broken rule).
        """
        table = self.table(otype)
        values = table.validate(_properties_of(body))
        self._check_rules(table, values, None, enforce_rules)
        links = self._validate_links(otype, body.get("associations"))
        table.check_unique(values, None)
        rec = self._create_linked(table, values, links, self._domain_match(table))
        return self._render_written(table, rec, None)

    @locked
    def update(
        self,
        otype: ObjectType,
        object_id: str,
        body: dict[str, Any],
        id_property: str | None = None,
        *,
        enforce_rules: bool = False,
    ) -> dict[str, Any]:
        """Change some properties of a live record (``""`` clears one); ``enforce_rules``
        as for :meth:`create`."""
        table = self.table(otype)
        rec = table.find(object_id, id_property)
        values = table.validate(_properties_of(body), rec.props)
        self._check_rules(table, values, rec.props, enforce_rules)
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
        self, otype: ObjectType, inputs: list[dict[str, Any]], *, enforce_rules: bool = False
    ) -> tuple[Results, Results]:
        """Create records. Returns (created, per-input errors).

        Without an ``objectWriteTraceId`` on every input the batch is all or nothing:
        the first invalid input fails the request and nothing is created. With trace
        ids, valid inputs are created and each failure is reported (HTTP 207).

        A broken write rule (``enforce_rules``) is one more invalid input: HubSpot
        refuses a batch with an input failing property validation as a whole (400),
        and the 2026-09 rules are announced as validation of the same writes, so the
        sandbox treats them alike (per input only with trace ids); unconfirmed.
        """
        table = self.table(otype)
        per_input = _per_input(inputs)
        prepared, errors = [], []
        batch_emails: set[str] = set()
        for item in inputs:
            try:
                values = table.validate(_properties_of(item))
                self._check_rules(table, values, None, enforce_rules)
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
        match = self._domain_match(table)
        for item, values, links in prepared:
            rec = self._create_linked(table, values, links, match)
            results.append(_traced(self._render_written(table, rec, None), item))
        return results, errors

    @locked
    def batch_update(
        self, otype: ObjectType, inputs: list[dict[str, Any]], *, enforce_rules: bool = False
    ) -> tuple[Results, Results]:
        """Update records by id. Returns (updated, errors); unknown ids become one
        OBJECT_NOT_FOUND error and the other inputs are still applied. A broken write
        rule (``enforce_rules``) is an invalid input, as in :meth:`batch_create`."""
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
                self._check_rules(table, values, rec.props, enforce_rules)
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
    def batch_upsert(
        self, otype: ObjectType, inputs: list[dict[str, Any]], *, enforce_rules: bool = False
    ) -> tuple[Results, Results]:
        """Create or update records matched by a unique property (each input's
        ``idProperty``: ``email`` for contacts, or a property with ``hasUniqueValue``).
        Returns (written, per-input errors); each result carries ``new``.

        A key that is not a unique property, or one key twice in the batch, fails the
        request (400). Then, as in :meth:`batch_create`, every input is checked before
        any is written: without an ``objectWriteTraceId`` on every input the first bad one
        fails the request, with them each is reported (207) and the others written.
        With ``enforce_rules`` the write rules are checked as for a create (new key) or an
        update. Creating goes through the one create path, with its side effects (a new
        contact is associated by its email's domain, as a created one is).
        """
        table = self.table(otype)
        keys = [_upsert_key(otype, table, item, self.portal_id) for item in inputs]
        _check_distinct(keys)
        per_input = _per_input(inputs)
        prepared, errors = [], []
        for item, key in zip(inputs, keys, strict=True):
            try:
                prepared.append((item, *self._plan_upsert(table, item, key, enforce_rules)))
            except ApiError as exc:
                if not per_input:
                    raise
                errors.append(_write_error(exc, item.get("objectWriteTraceId")))
        results = []
        match = self._domain_match(table)
        for item, values, rec in prepared:
            new = rec is None
            if rec is None:
                rec = self._create_linked(table, values, [], match)
            else:
                table.apply(rec, values)
            # A created record is answered as a create answers it, an updated one as an update.
            changed = None if new else list(values)
            out = _traced(self._render_written(table, rec, changed), item)
            out["new"] = new
            results.append(out)
        return results, errors

    def _plan_upsert(
        self, table: ObjectTable, item: dict[str, Any], key: tuple[str, str], enforce_rules: bool
    ) -> tuple[dict[str, str], Record | None]:
        """One upsert input checked: (its values, the record it updates or None to create).
        The key is stored on a created record."""
        name, value = key
        if not value:
            raise validation_error(f"Each input needs an id: the {name} of the record to upsert.")
        rec = table.find_unique(name, value)
        current = rec.props if rec is not None else None
        props = dict(_properties_of(item))
        props.setdefault(name, value)
        values = table.validate(props, current)
        self._check_rules(table, values, current, enforce_rules)
        table.check_unique(values, rec.id if rec is not None else None)
        return values, rec

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
        self,
        table: ObjectTable,
        values: dict[str, str],
        links: list[tuple[str, int, list[int]]],
        match: DomainMatch | None = None,
    ) -> Record:
        """Create a record with the associations of its create, then (a contact, when
        ``match`` is given) the one its email's domain points at."""
        rec = table.create(values)
        for to_type, to_id, type_ids in links:
            self.assoc.add(table.type.name, rec.id, to_type, to_id, type_ids)
        if match is not None:
            self._associate_by_domain(rec, match)
        return rec

    def _domain_match(self, table: ObjectTable) -> DomainMatch | None:
        """The company lookup for new contacts of ``table`` (None: none is made)."""
        if table.type.name != "contacts" or not self.auto_associate_domains:
            return None
        return DomainMatch(self.tables["companies"])

    def _associate_by_domain(self, rec: Record, match: DomainMatch) -> None:
        """Associate a new contact with the company of its email's domain.

        The company becomes the contact's Primary one unless the create gave it one
        already; then it is added unlabeled, next to the given one (HubSpot: the contact
        ends up with both; which is primary is unconfirmed, and the create's own
        choice is kept).
        """
        company = match.company_for(rec.props.get("email"))
        if company is None:
            return
        linked = self.assoc.targets("contacts", rec.id, "companies")
        if company in linked:
            return
        has_primary = any(1 in types for types in linked.values())
        self.assoc.add("contacts", rec.id, "companies", company, (279,) if has_primary else (1,))

    def _check_rules(
        self,
        table: ObjectTable,
        values: dict[str, str],
        current: dict[str, str] | None,
        enforce: bool,
    ) -> None:
        """Raise the 400 for the write rules a write breaks (``current``: the record's
        stored values; None for a create). Nothing is checked unless ``enforce``."""
        if not enforce or not self.write_rules:
            return
        result = table.with_defaults(values) if current is None else {**current, **values}
        broken = check_write(self.write_rules, table.type.name, result, current is None)
        if broken:
            raise rules_error(broken)

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


def _upsert_key(
    otype: ObjectType, table: ObjectTable, item: Any, portal_id: int
) -> tuple[str, str]:
    """An upsert input's (idProperty, key as stored). A property that is not unique fails
    the whole request with the message HubSpot gives for one (recorded for
    ``hs_object_id``; the same text for any other name is assumed)."""
    if not isinstance(item, dict):
        raise validation_error("Each input must be an object with id, idProperty and properties.")
    name = item.get("idProperty")
    if not isinstance(name, str) or not table.is_unique(name):
        raise validation_error(
            f"Unable to perform update/upsert by non-unique {otype.type_id} property {name} "
            f"in portal ID {portal_id}"
        )
    raw = item.get("id")
    if raw is None or not str(raw).strip():
        return name, ""  # refused per input by _plan_upsert
    try:
        return name, table.validate({name: raw})[name]
    except ApiError:
        return name, str(raw)  # the bad value is refused per input, with its reason


def _check_distinct(keys: list[tuple[str, str]]) -> None:
    """One key twice in one batch fails it (HubSpot's batch update message; unconfirmed
    for upsert)."""
    seen: set[tuple[str, str]] = set()
    repeated = []
    for key in keys:
        if key[1] and key in seen:
            repeated.append(key[1])
        seen.add(key)
    if repeated:
        raise validation_error(
            f"Duplicate IDs found in batch input: {sorted(set(repeated))}. IDs must be unique"
        )


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
