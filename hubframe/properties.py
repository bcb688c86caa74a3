"""Property definitions: object types, HubSpot's default properties, and the catalogue.

Every column hubframe builds gets its type from HubSpot's property definitions
(the properties endpoint, ``hs.paths.properties``: ``GET /crm/properties/2026-09/{objectType}``
by default), never from guessing at values:
:class:`Property` reads one definition, :class:`PropertySet` holds an object
type's, and :attr:`Property.column_type` looks it up in THE dtype table of
:mod:`hubframe.dtypes`.
"""

from __future__ import annotations

import difflib
import logging
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .dtypes import ColumnType, column_type
from .errors import HubSpotError, InputError, UnknownPropertyError
from .object_types import STANDARD_TYPES, canonical_type, standard_type

if TYPE_CHECKING:
    from .client import HubSpot

__all__ = [
    "DEFAULT_PROPERTIES",
    "OBJECT_TYPES",
    "Property",
    "PropertySet",
    "SEARCH_DEFAULT_PROPERTIES",
    "default_properties",
    "fetch_property_set",
    "normalize_object_type",
]

log = logging.getLogger("hubframe")

# -- object types ------------------------------------------------------------------------------

#: The CRM object types every portal has, in HubSpot's order (custom objects come from
#: the portal's schemas: :class:`hubframe.object_types.ObjectTypes`).
OBJECT_TYPES: tuple[str, ...] = tuple(t.name for t in STANDARD_TYPES)


def normalize_object_type(object_type: Any) -> str:
    """The canonical name of a standard CRM object type.

    Args:
        object_type: ``"contacts"``, ``"tickets"``, ``"line_items"`` ..., in any case,
            singular or plural, HubSpot's label (``"Line items"``) or type id (``"0-1"``,
            ``"0-5"`` ...).

    Returns:
        The plural name (``"contacts"``, ``"line_items"`` ...).

    Raises:
        InputError: anything else (the message names the value and the accepted ones).
            A custom object is resolved by the client, ``hs.object_type(name)``.
    """
    found = standard_type(object_type)
    if found is not None:
        return found.name
    names = ", ".join(repr(t) for t in OBJECT_TYPES)
    raise InputError(
        f"Unknown object type {object_type!r}: use one of {names} (singular forms and the "
        "type ids such as '0-1' work too; a custom object is found with hs.objects(name))."
    )


# -- default properties ------------------------------------------------------------------------

#: The other standard types' defaults. Tickets' are HubSpot's; for the others HubSpot
#: documents none (unconfirmed), so hubframe reads each type's main fields: what a
#: first look at the type needs (engagements: when it happened, and its title or body).
_OTHER_DEFAULTS: dict[str, tuple[str, ...]] = {
    "tickets": (
        "subject",
        "content",
        "hs_pipeline",
        "hs_pipeline_stage",
        "hs_ticket_category",
        "hs_ticket_priority",
    ),
    "products": ("name", "description", "price"),
    "line_items": (
        "name",
        "description",
        "price",
        "quantity",
        "discount",
        "amount",
        "hs_product_id",
    ),
    "quotes": ("hs_title", "hs_expiration_date", "hs_status"),
    "tasks": ("hs_timestamp", "hs_task_subject", "hs_task_status"),
    "notes": ("hs_timestamp", "hs_note_body"),
    "meetings": ("hs_timestamp", "hs_meeting_title", "hs_meeting_outcome"),
    "calls": ("hs_timestamp", "hs_call_title", "hs_call_duration", "hs_call_status"),
    "emails": ("hs_timestamp", "hs_email_subject", "hs_email_direction"),
}
#: Engagements are created on ``hs_createdate``; the other types on ``createdate``.
_ENGAGEMENTS = ("tasks", "notes", "meetings", "calls", "emails")

#: What HubSpot's get, list and batch-read endpoints return when no ``properties`` are
#: asked for, per object type (the facts file, §2.4). These HubSpot facts (like the
#: limits in ``batching`` and ``resources.search``) are kept apart from the sandbox's own
#: copies on purpose: were one side wrong, the tests of the other would show it.
DEFAULT_PROPERTIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "contacts": ("firstname", "lastname", "email"),
        "companies": ("name", "domain"),
        "deals": ("dealname", "amount", "closedate", "pipeline", "dealstage"),
        **_OTHER_DEFAULTS,
    }
)

#: What HubSpot's search endpoint returns when no ``properties`` are asked for.
SEARCH_DEFAULT_PROPERTIES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "contacts": (
            "firstname",
            "lastname",
            "email",
            "lastmodifieddate",
            "hs_object_id",
            "createdate",
        ),
        "companies": ("name", "domain", "createdate", "hs_lastmodifieddate", "hs_object_id"),
        "deals": (
            "dealname",
            "amount",
            "closedate",
            "pipeline",
            "dealstage",
            "createdate",
            "hs_lastmodifieddate",
            "hs_object_id",
        ),
        **{
            name: (
                *defaults,
                "hs_createdate" if name in _ENGAGEMENTS else "createdate",
                "hs_lastmodifieddate",
                "hs_object_id",
            )
            for name, defaults in _OTHER_DEFAULTS.items()
        },
    }
)


def default_properties(object_type: str, operation: str = "get") -> list[str]:
    """HubSpot's default property names for an object type.

    Args:
        object_type: any form :func:`normalize_object_type` accepts.
        operation: ``"get"`` (get, list, batch read) or ``"search"``.

    Returns:
        A new list of names, in HubSpot's order.

    Raises:
        InputError: unknown object type or operation.
    """
    object_type = normalize_object_type(object_type)
    if operation == "get":
        return list(DEFAULT_PROPERTIES[object_type])
    if operation == "search":
        return list(SEARCH_DEFAULT_PROPERTIES[object_type])
    raise InputError(f"Unknown operation {operation!r}: use 'get' or 'search'.")


# -- property definitions ----------------------------------------------------------------------


@dataclass(frozen=True)
class Property:
    """One HubSpot property definition.

    Attributes:
        name: the internal name used by the API (``"firstname"``).
        label: the name shown in HubSpot (``"First Name"``).
        type: HubSpot's data type (``string``, ``number``, ``date``, ``datetime``,
            ``enumeration``, ``bool``, ``phone_number``, ...).
        field_type: how HubSpot edits it (``text``, ``select``, ``checkbox``, ...).
        options: the option values of an enumeration, in HubSpot's order (else empty).
        option_labels: the labels of those options, same order.
        group: HubSpot's ``groupName``.
        description: HubSpot's description ("" when absent).
        read_only: the value cannot be written (read-only or calculated).
        hubspot_defined: a HubSpot default property rather than a custom one.
        hidden: hidden in HubSpot's UI.
        multi: a multi-select (``enumeration`` with fieldType ``checkbox``).
        unique: HubSpot keeps its values unique (``hasUniqueValue``): a key ``upsert``
            can match records by.
        referenced_type: what the values name, when HubSpot says (``referencedObjectType``,
            e.g. ``OWNER`` for an owner property), else "".
    """

    name: str
    label: str = ""
    type: str = "string"
    field_type: str = ""
    options: tuple[str, ...] = ()
    option_labels: tuple[str, ...] = ()
    group: str = ""
    description: str = ""
    read_only: bool = False
    hubspot_defined: bool = False
    hidden: bool = False
    multi: bool = False
    unique: bool = False
    referenced_type: str = ""

    @classmethod
    def from_dict(cls, definition: Mapping[str, Any]) -> Property:
        """Build a Property from HubSpot's JSON definition.

        Only ``name`` is required; every other field may be missing or null.

        Args:
            definition: one item of the properties endpoint's ``results`` (every version has one shape).

        Returns:
            The Property.

        Raises:
            InputError: the definition is not a mapping or has no string ``name``.
        """
        if not isinstance(definition, Mapping) or not isinstance(definition.get("name"), str):
            raise InputError(f"Not a HubSpot property definition (no name): {definition!r:.200}")
        name = definition["name"]
        type_ = _text(definition.get("type")) or "string"
        field_type = _text(definition.get("fieldType"))
        options = [o for o in (definition.get("options") or ()) if isinstance(o, Mapping)]
        meta = definition.get("modificationMetadata") or {}
        read_only = bool(meta.get("readOnlyValue")) if isinstance(meta, Mapping) else False
        return cls(
            name=name,
            label=_text(definition.get("label")) or name,
            type=type_,
            field_type=field_type,
            options=tuple(_text(o.get("value")) for o in options),
            option_labels=tuple(_text(o.get("label")) for o in options),
            group=_text(definition.get("groupName")),
            description=_text(definition.get("description")),
            read_only=read_only or bool(definition.get("calculated")),
            hubspot_defined=bool(definition.get("hubspotDefined")),
            hidden=bool(definition.get("hidden")),
            multi=type_ == "enumeration" and field_type == "checkbox",
            unique=definition.get("hasUniqueValue") is True,
            referenced_type=_text(definition.get("referencedObjectType")),
        )

    @property
    def column_type(self) -> ColumnType:
        """This property's row of the dtype table."""
        return column_type(self.type, self.field_type, self.name)

    @property
    def kind(self) -> str:
        """How values are parsed: number, bool, datetime, date, multi or string."""
        return self.column_type.kind

    @property
    def dtype(self) -> Any:
        """The pandas dtype of this property's column."""
        return self.column_type.pandas

    @property
    def arrow_type(self) -> Any:
        """The Arrow type of this property's column."""
        return self.column_type.arrow


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


class PropertySet:
    """The property definitions of one object type: immutable, in HubSpot's order.

    Iterating yields :class:`Property` objects; ``names`` lists the names.

    Example::

        props = hs.properties("contacts")
        props["email"].dtype                      # string[pyarrow]
        props.resolve(["email", "firstname"], default=[])
    """

    __slots__ = ("_by_name", "_items", "_object_type")

    def __init__(self, object_type: str, properties: Iterable[Property]):
        """Args:
        object_type: the object type these properties belong to.
        properties: the definitions; a repeated name keeps its first definition.
        """
        self._object_type = canonical_type(object_type)
        by_name: dict[str, Property] = {}
        for prop in properties:
            if not isinstance(prop, Property):
                raise InputError(f"PropertySet holds Property objects, not {type(prop).__name__}")
            by_name.setdefault(prop.name, prop)
        self._by_name: Mapping[str, Property] = MappingProxyType(by_name)
        self._items: tuple[Property, ...] = tuple(by_name.values())

    @classmethod
    def from_definitions(
        cls, object_type: str, definitions: Iterable[Mapping[str, Any]]
    ) -> PropertySet:
        """Build a PropertySet from HubSpot's JSON definitions.

        Definitions without a name are skipped (and logged), so one odd item does not
        make a whole portal unusable.

        Args:
            object_type: the object type.
            definitions: the ``results`` of the properties endpoint (``hs.paths.properties``).

        Returns:
            The PropertySet.
        """
        props: list[Property] = []
        for definition in definitions:
            try:
                props.append(Property.from_dict(definition))
            except InputError:
                log.warning("skipping a %s property definition without a name", object_type)
        return cls(object_type, props)

    @property
    def object_type(self) -> str:
        """``contacts``, ``tickets`` ..., or a custom object's path name (its type id)."""
        return self._object_type

    def __setattr__(self, name: str, value: Any) -> None:
        if hasattr(self, "_items"):
            raise AttributeError("PropertySet is immutable")
        object.__setattr__(self, name, value)

    def __getitem__(self, name: str) -> Property:
        try:
            return self._by_name[name]
        except (KeyError, TypeError):
            raise self._unknown([name]) from None

    def get(self, name: str, default: Property | None = None) -> Property | None:
        """The Property called ``name``, or ``default``."""
        return self._by_name.get(name, default) if isinstance(name, str) else default

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._by_name

    def __iter__(self) -> Iterator[Property]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        count = len(self._items)
        return f"PropertySet({self.object_type!r}, {count} propert{'y' if count == 1 else 'ies'})"

    @property
    def names(self) -> list[str]:
        """Every property name, in HubSpot's order (a new list)."""
        return list(self._by_name)

    def resolve(
        self, requested: str | Iterable[str] | None, *, default: Iterable[str]
    ) -> list[str]:
        """Turn a user's ``properties=`` argument into a validated list of names.

        Args:
            requested: ``None`` for ``default``; ``"all"`` for every defined property; a name,
                or several names separated by commas, as one string; or a list/tuple of names.
                Names are stripped of surrounding spaces; repeats are dropped, order is kept.
            default: the names to use for ``None`` (HubSpot's defaults). Names this portal
                does not define are left out.

        Returns:
            The property names, in order, each defined in this set.

        Raises:
            UnknownPropertyError: a name is not defined; the message names each one with
                the closest defined names.
            InputError: ``requested`` is neither None, a string nor a list of strings.
        """
        if requested is None:
            return list(dict.fromkeys(n for n in default if n in self._by_name))
        if isinstance(requested, str):
            if requested.strip().lower() == "all":
                return self.names
            # "email, firstname" is accepted; stray commas are not names.
            items: list[Any] = [part for part in requested.split(",") if part.strip()]
            if not items:
                raise InputError(
                    f"properties={requested!r} names no property: pass None for the defaults, "
                    "'all', or a list of names."
                )
        elif isinstance(requested, (bytes, Mapping, set, frozenset)):
            raise InputError(
                f"properties must be None, 'all', a name or a list of names, not a "
                f"{type(requested).__name__} (a set has no order; pass a list)."
            )
        elif isinstance(requested, Iterable):
            items = list(requested)
        else:
            raise InputError(
                f"properties must be None, 'all', a name or a list of names, not {requested!r:.100}."
            )
        names: list[str] = []
        for item in items:
            if not isinstance(item, str):
                raise InputError(f"Property names must be strings, not {item!r:.100}.")
            name = item.strip()
            if not name:
                raise InputError(
                    f"Empty property name in properties={requested!r:.200}: remove it, or pass None "
                    "for the defaults."
                )
            names.append(name)
        names = list(dict.fromkeys(names))
        unknown = [n for n in names if n not in self._by_name]
        if unknown:
            raise self._unknown(unknown)
        return names

    def _unknown(self, names: list[Any]) -> UnknownPropertyError:
        """An UnknownPropertyError naming ``names`` with difflib suggestions."""
        lowered: dict[str, str] = {}
        for n in self._by_name:
            lowered.setdefault(n.lower(), n)
        suggestions: dict[str, list[str]] = {}
        parts = []
        for name in names:
            key = str(name).lower()
            close = difflib.get_close_matches(key, list(lowered), n=3, cutoff=0.6)
            # A case-only difference is the likeliest intent: list it first.
            if key in lowered:
                close = [key] + [c for c in close if c != key]
            found = [lowered[c] for c in close]
            suggestions[str(name)] = found
            hint = (
                "did you mean " + " or ".join(repr(f) for f in found) + "?"
                if found
                else "no similar name"
            )
            parts.append(f"{name!r} ({hint})")
        noun = "property" if len(names) == 1 else "properties"
        message = (
            f"Unknown {self.object_type} {noun}: {', '.join(parts)}. "
            f"hs.properties({self.object_type!r}).names lists the {len(self)} defined names."
        )
        return UnknownPropertyError(message, [str(n) for n in names], suggestions)


def fetch_property_set(hs: HubSpot, object_type: str) -> PropertySet:
    """Fetch the property definitions of an object type from HubSpot.

    Callers normally use ``hs.properties(object_type)``, which caches the result.

    Args:
        hs: the client.
        object_type: a standard type in any form :func:`normalize_object_type` accepts,
            or a custom object's path name (its type id, ``hs.object_type(name).path_name``).

    Returns:
        The PropertySet, in HubSpot's order.

    Raises:
        InputError: unknown object type.
        HubSpotError: the request failed, or the answer has no ``results`` list.
    """
    object_type = canonical_type(object_type)
    path = hs.paths.properties(object_type)
    data = hs.request_json("GET", path)
    results = data.get("results") if isinstance(data, dict) else None
    if not isinstance(results, list):
        raise HubSpotError(
            f"HubSpot's property definitions for {object_type} have no 'results' list",
            method="GET",
            path=path,
        )
    props = PropertySet.from_definitions(object_type, results)
    log.debug("fetched %d %s property definitions", len(props), object_type)
    return props
