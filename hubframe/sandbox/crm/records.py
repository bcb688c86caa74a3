"""CRM records and the table that holds one object type's records with their indexes.

A :class:`Record` keeps only stored values; the values HubSpot computes
(``hs_object_id``, ``createdate``, ``num_associated_deals`` ...) are derived
when read, so they never go stale. An :class:`ObjectTable` knows its records in
ascending id order, the contacts' email index, how to validate input values
against the property definitions, and how to render a record as HubSpot's
SimplePublicObject. It knows nothing of other tables: what it needs of the
association graph comes in as the ``live_targets`` function.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from ..errors import ApiError, not_found, property_errors, validation_error
from ..util import parse_id
from ..values import PropertyValueError, date_ms, iso_ms, normalize, now_ms, parse_time_ms
from .definitions import DEAL_STAGE_PROBABILITY, PROPERTIES, ObjectType, PropertyDef

__all__ = [
    "Record",
    "ObjectTable",
    "LiveTargets",
    "TableObserver",
    "copy_record",
    "format_cents",
    "line_item_amount",
]

#: ``live_targets(from_type, from_id, to_type)``: ``{to_id: type ids}`` of the
#: associations of one record whose other end is not archived.
LiveTargets = Callable[[str, int, str], dict[int, frozenset[int]]]

#: How a record's properties are rendered (:meth:`ObjectTable.render_plan`): the names in
#: order, and ``(position, function)`` of each computed one.
Plan = tuple[tuple[str, ...], tuple[tuple[int, Callable[["Record"], "str | None"]], ...]]


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


def copy_record(rec: Record) -> Record:
    """A copy of a record's state that later writes to ``rec`` do not change."""
    return Record(rec.id, dict(rec.props), rec.created, rec.updated, rec.archived, rec.archived_at)


class TableObserver(Protocol):
    """Told of every change a table makes to a record (under the store's lock)."""

    def before_change(self, rec: Record) -> None:
        """``rec`` is about to change (it still holds its old values)."""

    def after_change(self, rec: Record) -> None:
        """``rec`` was created or changed."""


def _with(ids: list[int] | None, rid: int) -> list[int] | None:
    """A sorted id list with ``rid`` added (a new list: handed-out lists never change)."""
    if ids is None:
        return None
    if not ids or ids[-1] < rid:
        return [*ids, rid]
    i = bisect_left(ids, rid)
    return ids if i < len(ids) and ids[i] == rid else [*ids[:i], rid, *ids[i:]]


def _without(ids: list[int] | None, rid: int) -> list[int] | None:
    """A sorted id list without ``rid`` (a new list)."""
    if ids is None:
        return None
    i = bisect_left(ids, rid)
    return [*ids[:i], *ids[i + 1 :]] if i < len(ids) and ids[i] == rid else ids


class ObjectTable:
    """The records of one object type, in ascending id order, plus their indexes.

    Args:
        otype: the object type.
        first_id: the id of the first record created.
        live_targets: the store's association lookup (for computed counts).
        on_write: called after every change (the store's version counter).
    """

    def __init__(
        self,
        otype: ObjectType,
        first_id: int,
        *,
        live_targets: LiveTargets,
        on_write: Callable[[], None],
    ):
        self.type = otype
        self.defs: dict[str, PropertyDef] = PROPERTIES[otype.name]
        self.records: dict[int, Record] = {}
        self.next_id = first_id
        # Contacts are unique by email (lower-cased); only live records are indexed.
        self.email_index: dict[str, int] | None = {} if otype.name == "contacts" else None
        self._on_write = on_write
        self.live_targets = live_targets
        #: told of every record change (the delayed search index); None: nobody listens
        self.observer: TableObserver | None = None
        # Sorted id lists, replaced (never changed in place) by writes, rebuilt when None.
        self._live: list[int] | None = None
        self._archived: list[int] | None = None
        self._kinds = {name: d.type for name, d in self.defs.items()}
        self._computed = _computed_values(otype, live_targets)
        self._plans: dict[tuple[str, ...], Plan] = {}
        self.always = (otype.created_prop, "hs_object_id", otype.modified_prop)

    # -- indexes ----------------------------------------------------------------------------

    def live_ids(self) -> list[int]:
        """Sorted ids of records that are not archived.

        Writes replace the list instead of changing it, so a list handed out stays as it was.
        """
        if self._live is None:
            self._live = [i for i, r in self.records.items() if not r.archived]
        return self._live

    def archived_ids(self) -> list[int]:
        if self._archived is None:
            self._archived = [i for i, r in self.records.items() if r.archived]
        return self._archived

    def invalidate(self) -> None:
        """Forget the cached id lists and tell the store something changed."""
        self._live = self._archived = None
        self._on_write()

    def insert(
        self, props: dict[str, str], created: int, updated: int, record_id: int | None = None
    ) -> Record:
        """Add a record with the next id (or ``record_id``), indexing its email."""
        rid = self.next_id if record_id is None else record_id
        self.next_id = max(self.next_id, rid + 1)
        rec = Record(rid, props, created, updated)
        known = rid in self.records
        self.records[rid] = rec
        if self.email_index is not None and props.get("email"):
            self.email_index[props["email"]] = rid
        if known:
            self._live = self._archived = None
        else:
            self._live = _with(self._live, rid)
        self._on_write()
        if self.observer is not None:
            self.observer.after_change(rec)
        return rec

    def get_live(self, rid: int | None) -> Record | None:
        rec = self.records.get(rid) if rid is not None else None
        return rec if rec is not None and not rec.archived else None

    def find(self, raw_id: str, id_property: str | None = None, archived: bool = False) -> Record:
        """A record by id (or by email with ``id_property="email"``); ApiError 404 if none."""
        if id_property and id_property != "hs_object_id":
            if id_property != "email" or self.email_index is None:
                raise validation_error(
                    f"{id_property} is not a unique identifier property of {self.type.upper} objects."
                )
            rid = self.email_index.get(str(raw_id).strip().lower())
            rec = self.records.get(rid) if rid is not None and not archived else None
        else:
            parsed = parse_id(raw_id)
            rec = self.records.get(parsed) if parsed is not None else None
        if rec is None or rec.archived != archived:
            raise not_found(raw_id)
        return rec

    def is_unique(self, name: str) -> bool:
        """Whether records can be matched by ``name``: a contact's email, or a property
        defined with unique values (``hasUniqueValue``)."""
        if name == "email" and self.email_index is not None:
            return True
        defn = self.defs.get(name)
        return defn is not None and defn.unique

    def find_unique(self, name: str, value: str) -> Record | None:
        """The live record whose unique property ``name`` holds ``value`` (stored form)."""
        if name == "email" and self.email_index is not None:
            rid = self.email_index.get(value.strip().lower())
            return self.get_live(rid)
        for rid in self.live_ids():
            rec = self.records[rid]
            if rec.props.get(name) == value:
                return rec
        return None

    def drop_email(self, rec: Record) -> None:
        """Take an archived record's email out of the index (it may be used again)."""
        email = rec.props.get("email")
        if self.email_index is not None and email and self.email_index.get(email) == rec.id:
            del self.email_index[email]

    # -- writes -----------------------------------------------------------------------------

    def validate(
        self, props: dict[str, Any], current: dict[str, str] | None = None
    ) -> dict[str, str]:
        """Input values checked against the definitions and normalised as HubSpot stores them.

        Raises:
            ApiError: HubSpot's 400 listing every invalid value at once.
        """
        problems: list[tuple[str, str, str]] = []
        values: dict[str, str] = {}
        for name, raw in props.items():
            defn = self.defs.get(name)
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
                        defn, raw, (current or {}).get(name), object_type=self.type.name
                    )
                except PropertyValueError as exc:
                    problems.append((name, exc.code, exc.message))
        if problems:
            raise property_errors(problems)
        return values

    def check_unique(self, values: dict[str, str], own_id: int | None) -> None:
        """409 CONFLICT when another live contact has this email."""
        email = values.get("email")
        if self.email_index is not None and email:
            hit = self.email_index.get(email)
            if hit is not None and hit != own_id:
                raise ApiError(409, f"Contact already exists. Existing ID: {hit}", "CONFLICT")

    def with_defaults(self, values: dict[str, str]) -> dict[str, str]:
        """The values a record created from ``values`` stores (HubSpot's defaults added)."""
        if self.type.name == "deals" and not values.get("pipeline"):
            # HubSpot puts a deal without one in the default pipeline
            return {**values, "pipeline": "default"}
        return values

    def create(self, values: dict[str, str]) -> Record:
        """A new record from validated values, created and modified now."""
        now = now_ms()
        return self.insert(dict(self.with_defaults(values)), now, now)

    def apply(self, rec: Record, values: dict[str, str], at: int | None = None) -> None:
        """Store validated values on a record (``""`` clears), keeping the email index.

        ``at`` (epoch ms) stamps the write at that moment instead of now, and makes a
        write even without values (a batch touching many records at one timestamp)."""
        if not values and at is None:
            return
        observer = self.observer
        if observer is not None:
            observer.before_change(rec)
        if self.email_index is not None and "email" in values:
            old = rec.props.get("email")
            if old and self.email_index.get(old) == rec.id:
                del self.email_index[old]
            if values["email"]:
                self.email_index[values["email"]] = rec.id
        rec.props.update(values)
        rec.updated = at if at is not None else max(now_ms(), rec.updated)
        self._on_write()  # live and archived ids stay as they are
        if observer is not None:
            observer.after_change(rec)

    def archive(self, rec: Record) -> None:
        """Move a record to the recycle bin (archiving does not change lastmodifieddate)."""
        observer = self.observer
        if observer is not None:
            observer.before_change(rec)
        rec.archived = True
        rec.archived_at = now_ms()
        self.drop_email(rec)
        self._live = _without(self._live, rec.id)
        self._archived = _with(self._archived, rec.id)
        self._on_write()
        if observer is not None:
            observer.after_change(rec)

    def restore(self, rec: Record) -> None:
        """Bring an archived record back from the recycle bin, modified now.

        Raises:
            ApiError: 409 when a live contact now has its email.
        """
        self.check_unique({"email": rec.props.get("email", "")}, rec.id)
        observer = self.observer
        if observer is not None:
            observer.before_change(rec)
        rec.archived, rec.archived_at = False, None
        rec.updated = max(now_ms(), rec.updated)
        if self.email_index is not None and rec.props.get("email"):
            self.email_index[rec.props["email"]] = rec.id
        self._archived = _without(self._archived, rec.id)
        self._live = _with(self._live, rec.id)
        self._on_write()
        if observer is not None:
            observer.after_change(rec)

    # -- a delayed copy (the search index when search lags) -----------------------------------

    def replica(self, on_write: Callable[[], None]) -> ObjectTable:
        """A table holding the same records, to be brought up to date with :meth:`put`.

        It shares the record objects: whoever keeps it must swap in a copy
        (:func:`copy_record`) before a record changes here (see :class:`TableObserver`).
        """
        twin = ObjectTable(
            self.type, self.next_id, live_targets=self.live_targets, on_write=on_write
        )
        twin.mirror(self)
        return twin

    def mirror(self, source: ObjectTable) -> None:
        """Hold the records of ``source`` (the same objects) and its indexes."""
        self.records = dict(source.records)
        if source.email_index is not None:
            self.email_index = dict(source.email_index)
        self._live = source.live_ids()
        self._archived = source.archived_ids()

    def put(self, rec: Record) -> None:
        """Replace (or add) a record as a whole, keeping the indexes: a copy catching up."""
        old = self.records.get(rec.id)
        if old is not None:
            self.drop_email(old)
        self.records[rec.id] = rec
        email = rec.props.get("email")
        if self.email_index is not None and email and not rec.archived:
            self.email_index[email] = rec.id
        if old is None or old.archived != rec.archived:
            if rec.archived:
                self._live = _without(self._live, rec.id)
                self._archived = _with(self._archived, rec.id)
            else:
                self._archived = _without(self._archived, rec.id)
                self._live = _with(self._live, rec.id)
        self._on_write()

    # -- values -----------------------------------------------------------------------------

    def names(self, requested: list[str] | None, *, search: bool = False) -> list[str]:
        """Properties to return: the defaults, or the known requested ones, plus id/timestamps."""
        if requested is None:
            base = list(self.type.search_defaults if search else self.type.get_defaults)
        else:
            base = [n for n in requested if n in self.defs]  # unknown names are ignored
        return base + [n for n in self.always if n not in base]

    def written_names(self, rec: Record, changed: list[str] | None) -> list[str]:
        """What a create (``changed=None``: every value) or an update returns."""
        if changed is None:
            names = list(rec.props) + [n for n in self._computed if self.value(rec, n) is not None]
        else:
            names = list(self.type.get_defaults) + changed
        return names + list(self.always)

    def render_plan(self, names: tuple[str, ...]) -> Plan:
        """``names`` in HubSpot's order (alphabetical), and the position and function of each
        computed one among them."""
        plan = self._plans.get(names)
        if plan is None:
            if len(self._plans) > 256:  # clients ask for a few name lists, not thousands
                self._plans.clear()
            ordered = tuple(sorted(set(names)))
            computed = tuple(
                (i, fn) for i, n in enumerate(ordered) if (fn := self._computed.get(n)) is not None
            )
            plan = self._plans[names] = (ordered, computed)
        return plan

    def render(
        self,
        rec: Record,
        names: Iterable[str],
        *,
        nulls: bool = False,
        associations: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """A record as HubSpot's SimplePublicObject(WithAssociations).

        Args:
            names: property names to include (sorted alphabetically, as HubSpot does).
            nulls: include requested-but-unset properties as ``null`` (search) instead of
                leaving them out (GET, list, batch read).
            associations: the embedded ``associations`` (left out when empty).
        """
        return self.render_planned(rec, self.render_plan(tuple(names)), nulls, associations)

    def render_planned(
        self,
        rec: Record,
        plan: Plan,
        nulls: bool = False,
        associations: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """:meth:`render` with the plan of its names already made (once for a page)."""
        # value() unrolled: this runs for every property of every record served, so the
        # stored values are looked up in one pass at C speed and the few computed ones put
        # in their places after.
        ordered, computed = plan
        values = list(map(rec.props.get, ordered))
        for i, fn in computed:
            values[i] = fn(rec)
        if nulls:
            props = dict(zip(ordered, values, strict=True))
        else:
            props = {n: v for n, v in zip(ordered, values, strict=True) if v is not None}
        out: dict[str, Any] = {
            "id": str(rec.id),
            "properties": props,
            "createdAt": iso_ms(rec.created),
            "updatedAt": iso_ms(rec.updated),
            "archived": rec.archived,
        }
        if rec.archived and rec.archived_at is not None:
            out["archivedAt"] = iso_ms(rec.archived_at)
        if associations:
            out["associations"] = associations
        return out

    def history(self, rec: Record, requested: Iterable[str]) -> dict[str, list[dict[str, str]]]:
        """``propertiesWithHistory`` of ``rec`` for the requested names HubSpot knows.

        The sandbox keeps no earlier values, so each property's history is its current
        value alone, stamped with the record's last modification (``sourceType``
        ``CALCULATED`` for computed values, ``API`` for stored ones); unknown names are
        ignored and unset properties have no entry, as with ``properties``.
        """
        out: dict[str, list[dict[str, str]]] = {}
        for name in sorted(set(requested)):
            value = self.value(rec, name) if name in self.defs else None
            if value is not None:
                source = "CALCULATED" if name in self._computed else "API"
                out[name] = [
                    {"value": value, "timestamp": iso_ms(rec.updated), "sourceType": source}
                ]
        return out

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
        if name in ("createdate", "hs_createdate"):
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


def _computed_values(
    otype: ObjectType, live_targets: LiveTargets
) -> dict[str, Callable[[Record], str | None]]:
    """Read-only properties HubSpot computes, derived when read so they never go stale."""
    name = otype.name
    defs = PROPERTIES[name]

    def created(r: Record) -> str | None:
        return iso_ms(r.created)

    out: dict[str, Callable[[Record], str | None]] = {
        "hs_object_id": lambda r: str(r.id),
        otype.created_prop: created,
        otype.modified_prop: lambda r: iso_ms(r.updated),
    }
    for also in ("createdate", "hs_createdate"):  # a type may define both
        if also in defs:
            out[also] = created
    extra = _COMPUTED_BY_TYPE.get(name)
    if extra is not None:
        out.update(extra(live_targets))
    return out


def _counter(name: str, live_targets: LiveTargets) -> Callable[[str], Callable[[Record], str]]:
    def count(to_type: str) -> Callable[[Record], str]:
        return lambda r: str(len(live_targets(name, r.id, to_type)))

    return count


def _contact_values(live_targets: LiveTargets) -> dict[str, Callable[[Record], str | None]]:
    count = _counter("contacts", live_targets)

    def primary_company(r: Record) -> str | None:
        for cid, types in live_targets("contacts", r.id, "companies").items():
            if 1 in types:
                return str(cid)
        return None

    return {
        "hs_email_domain": lambda r: (r.props.get("email") or "").partition("@")[2] or None,
        "hs_is_contact": lambda r: "true",
        "num_associated_deals": count("deals"),
        "associatedcompanyid": primary_company,
    }


def _company_values(live_targets: LiveTargets) -> dict[str, Callable[[Record], str | None]]:
    count = _counter("companies", live_targets)
    return {"num_associated_contacts": count("contacts"), "num_associated_deals": count("deals")}


def _deal_values(live_targets: LiveTargets) -> dict[str, Callable[[Record], str | None]]:
    def stage_flag(stages: tuple[str, ...]) -> Callable[[Record], str | None]:
        return lambda r: (
            None
            if not r.props.get("dealstage")
            else ("true" if r.props["dealstage"] in stages else "false")
        )

    return {
        "hs_is_closed": stage_flag(("closedwon", "closedlost")),
        "hs_is_closed_won": stage_flag(("closedwon",)),
        "hs_deal_stage_probability": lambda r: DEAL_STAGE_PROBABILITY.get(
            r.props.get("dealstage") or ""
        ),
        "amount_in_home_currency": lambda r: r.props.get("amount") or None,
        "num_associated_contacts": _counter("deals", live_targets)("contacts"),
    }


def _line_item_values(live_targets: LiveTargets) -> dict[str, Callable[[Record], str | None]]:
    return {"amount": line_item_amount}


def line_item_amount(r: Record) -> str | None:
    """A line item's ``amount`` as HubSpot computes it: quantity x (price - discount).

    Worked in cents, so the seeded deals' amounts (sums of their line items) stay exact;
    None while the price or the quantity is unset or not a number.
    """
    try:
        price = round(float(r.props["price"]) * 100)
        quantity = float(r.props["quantity"])
        discount = round(float(r.props.get("discount") or 0) * 100)
    except (KeyError, ValueError):
        return None
    return format_cents(round(quantity * (price - discount)))


def format_cents(cents: int) -> str:
    """``123450`` -> ``"1234.5"``, ``120000`` -> ``"1200"``: a number string as HubSpot writes it."""
    sign, cents = ("-", -cents) if cents < 0 else ("", cents)
    whole, part = divmod(cents, 100)
    return f"{sign}{whole}" if not part else f"{sign}{whole}.{part:02d}".rstrip("0")


_COMPUTED_BY_TYPE: dict[str, Callable[[LiveTargets], dict[str, Callable[[Record], str | None]]]] = {
    "contacts": _contact_values,
    "companies": _company_values,
    "deals": _deal_values,
    "line_items": _line_item_values,
}
