"""CRM object types: HubSpot's standard ones, and a portal's custom objects.

:data:`STANDARD_TYPES` are the types every portal has (contacts, companies, deals,
tickets, products, line items, quotes and the engagements notes, calls, emails,
meetings, tasks), each with HubSpot's type id. Custom objects differ per portal: an
:class:`ObjectTypes` registry (one per client, ``hs.object_types()``) reads them once
from the schemas endpoint (``hs.paths.schemas()``) when a name is not a standard one.

A type is named in paths by :attr:`ObjectType.path_name`: the plural name for a
standard type, the type id (``2-...``) for a custom one, which HubSpot accepts in
every version's paths (unlike the custom name alone, which needs the portal prefix).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .errors import InputError, UnexpectedResponseError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .client import HubSpot

__all__ = [
    "STANDARD_TYPES",
    "ObjectType",
    "ObjectTypes",
    "canonical_type",
    "standard_type",
]


@dataclass(frozen=True)
class ObjectType:
    """One CRM object type of a portal.

    Attributes:
        name: ``"tickets"``, ``"line_items"``; a custom object's schema name (``"machines"``).
        singular: ``"ticket"``, ``"line_item"``, ``"machine"`` (for messages).
        type_id: HubSpot's object type id (``"0-5"``; custom: ``"2-..."``).
        label: HubSpot's plural label (``"Tickets"``, ``"Line items"``).
        custom: a custom object (from the schemas endpoint).
        fully_qualified_name: a custom object's ``p<portal id>_<name>`` ("" otherwise).
        defaults: a custom object's display properties, read when no ``properties=``
            are given (standard types use :data:`hubframe.properties.DEFAULT_PROPERTIES`).
    """

    name: str
    singular: str
    type_id: str
    label: str
    custom: bool = False
    fully_qualified_name: str = ""
    defaults: tuple[str, ...] = ()

    @property
    def path_name(self) -> str:
        """How paths name this type: the plural name, or a custom object's type id."""
        return self.type_id if self.custom else self.name

    def spellings(self) -> list[str]:
        """Every spelling that names this type (lower case): name, singular, id, label."""
        names = [self.name, self.singular, self.type_id, self.label, self.fully_qualified_name]
        return [n.lower() for n in names if n]


#: The object types every HubSpot portal has, with HubSpot's type ids, in HubSpot's order.
STANDARD_TYPES: tuple[ObjectType, ...] = (
    ObjectType("contacts", "contact", "0-1", "Contacts"),
    ObjectType("companies", "company", "0-2", "Companies"),
    ObjectType("deals", "deal", "0-3", "Deals"),
    ObjectType("tickets", "ticket", "0-5", "Tickets"),
    ObjectType("products", "product", "0-7", "Products"),
    ObjectType("line_items", "line_item", "0-8", "Line items"),
    ObjectType("quotes", "quote", "0-14", "Quotes"),
    ObjectType("tasks", "task", "0-27", "Tasks"),
    ObjectType("notes", "note", "0-46", "Notes"),
    ObjectType("meetings", "meeting", "0-47", "Meetings"),
    ObjectType("calls", "call", "0-48", "Calls"),
    ObjectType("emails", "email", "0-49", "Emails"),
)


def _key(raw: str) -> str:
    return " ".join(raw.strip().lower().replace("_", " ").split())


def _index(types: Iterable[ObjectType]) -> dict[str, ObjectType]:
    out: dict[str, ObjectType] = {}
    for t in types:
        for spelling in t.spellings():
            out.setdefault(_key(spelling), t)
    return out


_STANDARD_BY_KEY = _index(STANDARD_TYPES)


def standard_type(raw: Any) -> ObjectType | None:
    """The standard type ``raw`` names (any case, singular or plural, type id, label,
    ``line items`` or ``line_items``), else None."""
    return _STANDARD_BY_KEY.get(_key(raw)) if isinstance(raw, str) else None


def canonical_type(raw: Any) -> str:
    """A standard type's plural name, else ``raw`` stripped (a custom object's path name).

    Raises:
        InputError: not a non-empty string.
    """
    found = standard_type(raw)
    if found is not None:
        return found.name
    if not isinstance(raw, str) or not raw.strip():
        raise InputError(
            f"object type {raw!r:.100}: use a type name such as 'contacts' or 'tickets'"
        )
    return raw.strip()


def _custom_type(schema: Mapping[str, Any], path: str) -> ObjectType:
    """An :class:`ObjectType` from one item of the schemas endpoint's ``results``."""
    name, type_id = schema.get("name"), schema.get("objectTypeId")
    if not isinstance(name, str) or not isinstance(type_id, str) or not name or not type_id:
        raise UnexpectedResponseError(
            f"a custom object schema without a name or objectTypeId: {schema!r:.200}",
            method="GET",
            path=path,
            body=schema,
        )
    raw_labels = schema.get("labels")
    labels: Mapping[str, Any] = raw_labels if isinstance(raw_labels, Mapping) else {}
    singular = str(labels.get("singular") or name).strip().lower().replace(" ", "_")
    display = [schema.get("primaryDisplayProperty")]
    display += list(schema.get("secondaryDisplayProperties") or [])
    return ObjectType(
        name=name,
        singular=singular,
        type_id=type_id,
        label=str(labels.get("plural") or name),
        custom=True,
        fully_qualified_name=str(schema.get("fullyQualifiedName") or ""),
        defaults=tuple(dict.fromkeys(d for d in display if isinstance(d, str) and d)),
    )


class ObjectTypes:
    """The object types of one client's portal: the standard ones, and its custom
    objects, read from the schemas endpoint on first need and kept.

    Args:
        hs: the client.
    """

    def __init__(self, hs: HubSpot):
        self._hs = hs
        self._custom: tuple[ObjectType, ...] | None = None
        self._lock = threading.Lock()

    def custom(self, *, refresh: bool = False) -> tuple[ObjectType, ...]:
        """The portal's custom objects (one request, then cached; ``refresh`` asks again).

        Raises:
            HubSpotError: the schemas request failed (e.g. 403 without ``crm.schemas.custom.read``).
        """
        with self._lock:
            if self._custom is None or refresh:
                path = self._hs.paths.schemas()
                data = self._hs.request_json("GET", path, require="results")
                self._custom = tuple(_custom_type(s, path) for s in data["results"])
            return self._custom

    def all(self) -> tuple[ObjectType, ...]:
        """The standard types, then the custom objects."""
        return STANDARD_TYPES + self.custom()

    def resolve(self, raw: Any) -> ObjectType:
        """The type ``raw`` names: a standard type without a request; else a custom
        object by name, label, fully-qualified name (``p123_machines``) or type id.

        Raises:
            InputError: no such type in this portal (the message lists the portal's types).
        """
        if isinstance(raw, ObjectType):
            return raw
        found = standard_type(raw)
        if found is not None:
            return found
        if not isinstance(raw, str) or not raw.strip():
            raise InputError(
                f"object type {raw!r:.100}: use a type name such as 'tickets', or a custom "
                "object's name (hs.object_types() lists them)"
            )
        custom = _index(self.custom()).get(_key(raw))
        if custom is None:
            custom = _index(self.custom(refresh=True)).get(_key(raw))  # created since?
        if custom is None:
            have = ", ".join(t.name for t in self.all())
            raise InputError(
                f"Unknown object type {raw!r:.100}: this portal has {have} "
                "(names, singulars, labels and type ids such as '0-5' work; "
                "hs.object_types() lists them)"
            )
        return custom

    def frame(self) -> pd.DataFrame:
        """``name, type_id, label, custom, fully_qualified_name``: one row per type."""
        import pandas as pd

        rows = [(t.name, t.type_id, t.label, t.custom, t.fully_qualified_name) for t in self.all()]
        df = pd.DataFrame(
            rows, columns=["name", "type_id", "label", "custom", "fully_qualified_name"]
        )
        return df.astype(
            {
                "name": "string",
                "type_id": "string",
                "label": "string",
                "custom": "boolean",
                "fully_qualified_name": "string",
            }
        )
