"""What the sandbox portal knows about its schema.

Object types (names, ids, aliases: :mod:`.object_types`), property definitions in HubSpot's JSON
shape (GET /crm/v3/properties/{objectType}), the default property sets of
facts §2.4, and the association type table of facts §2.10. The property
tables themselves are data: ``data/properties.json`` next to this package.

These are the sandbox's own copies of HubSpot's facts. The client
(``hubframe/client.py``, ``hubframe/properties.py``) keeps its copies on
purpose: a wrong fact on one side is then caught by the other, so do not
import one side's facts into the other.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib import resources
from typing import Any

from .object_types import CUSTOM_TYPE_ID, OBJECT_TYPES, ObjectType, object_type

__all__ = [
    "CUSTOM_TYPE_ID",
    "OBJECT_TYPES",
    "ObjectType",
    "PropertyDef",
    "PROPERTIES",
    "OWNERS",
    "DEAL_STAGE_PROBABILITY",
    "PIPELINE_STAGES",
    "CLOSED_STAGES",
    "AssocType",
    "ASSOC_TYPES",
    "ASSOC_BY_NAME",
    "object_type",
    "unlabeled_type",
    "RecordlessType",
    "scope_names",
    "scopes_of_types",
    "RECORDLESS_TYPES",
    "recordless_type",
    "type_name",
    "singular",
]


# -- property definitions (data/properties.json) ------------------------------------------

_TABLES: dict[str, Any] = json.loads(
    resources.files("hubframe.sandbox").joinpath("data/properties.json").read_text("utf-8")
)

OWNERS: list[tuple[str, str]] = [(oid, name) for oid, name in _TABLES["owners"]]
DEAL_STAGE_PROBABILITY: dict[str, str] = dict(_TABLES["deal_stage_probability"])
#: object type -> pipeline id -> its stage ids, in order (a stage is in one pipeline).
PIPELINE_STAGES: dict[str, dict[str, list[str]]] = {
    name: {pid: list(stages) for pid, stages in pipelines.items()}
    for name, pipelines in _TABLES["pipeline_stages"].items()
}
#: object type -> the stage ids whose ``isClosed`` is true.
CLOSED_STAGES: dict[str, frozenset[str]] = {
    name: frozenset(stages) for name, stages in _TABLES["closed_stages"].items()
}

_HUBSPOT_CREATED = "2019-08-06T02:41:52.594Z"
_CUSTOM_CREATED = "2023-03-14T10:20:30.125Z"


@dataclass(frozen=True)
class PropertyDef:
    """One property definition; ``to_json`` gives HubSpot's Property object."""

    name: str
    label: str
    type: str
    field_type: str
    group: str
    description: str
    options: tuple[tuple[str, str], ...] = ()
    read_only: bool = False
    calculated: bool = False
    hubspot_defined: bool = True
    display_order: int = -1
    #: HubSpot keeps the values unique (``hasUniqueValue``): upsert can match by it
    unique: bool = False

    @property
    def multi(self) -> bool:
        """A multiple-checkbox enumeration (values are ``;``-separated)."""
        return self.type == "enumeration" and self.field_type == "checkbox"

    @property
    def option_values(self) -> frozenset[str]:
        return frozenset(v for v, _ in self.options)

    def to_json(self) -> dict[str, Any]:
        created = _HUBSPOT_CREATED if self.hubspot_defined else _CUSTOM_CREATED
        out: dict[str, Any] = {
            "updatedAt": created,
            "createdAt": created,
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "fieldType": self.field_type,
            "description": self.description,
            "groupName": self.group,
            "options": [
                {"label": label, "value": value, "displayOrder": i, "hidden": False}
                for i, (value, label) in enumerate(self.options)
            ],
            "displayOrder": self.display_order,
            "calculated": self.calculated,
            "externalOptions": self.name == "hubspot_owner_id",
            "hasUniqueValue": self.unique,
            "hidden": False,
            "modificationMetadata": {
                "archivable": not self.hubspot_defined,
                "readOnlyDefinition": self.hubspot_defined,
                "readOnlyValue": self.read_only,
            },
            "formField": not self.read_only,
            "dataSensitivity": "non_sensitive",
        }
        if self.hubspot_defined:  # custom properties do not carry the key at all
            out["hubspotDefined"] = True
        if self.name == "hubspot_owner_id":  # its options are the owners (externalOptions)
            out["referencedObjectType"] = "OWNER"
        if self.type == "number":
            out["showCurrencySymbol"] = self.name in (
                "amount",
                "annualrevenue",
                "hs_acv",
                "amount_in_home_currency",
            )
        return out

    def to_v2_json(self) -> dict[str, Any]:
        """The same definition in the legacy Properties v2 shape
        (``GET /properties/v2/{objectType}/properties``), derived from :meth:`to_json` so
        the two never disagree.

        v2 spells things its own way: the read-only flags sit on the property itself
        (no ``modificationMetadata``), timestamps are epoch milliseconds (``null`` on
        HubSpot's own properties, which were never created by anyone), a custom property
        carries ``hubspotDefined: null``, and options carry ``readOnly`` and ``doubleData``.
        """
        v3 = self.to_json()
        meta = v3["modificationMetadata"]
        created = None if self.hubspot_defined else _epoch_ms(v3["createdAt"])
        return {
            "name": self.name,
            "label": self.label,
            "description": self.description,
            "groupName": self.group,
            "type": self.type,
            "fieldType": self.field_type,
            "options": [
                {**option, "description": None, "readOnly": False, "doubleData": 0.0}
                for option in v3["options"]
            ],
            "displayOrder": self.display_order,
            "formField": v3["formField"],
            "readOnlyValue": meta["readOnlyValue"],
            "readOnlyDefinition": meta["readOnlyDefinition"],
            "hidden": v3["hidden"],
            "mutableDefinitionNotDeletable": self.hubspot_defined,
            "favorited": False,
            "favoritedOrder": -1,
            "calculated": self.calculated,
            "externalOptions": v3["externalOptions"],
            "displayMode": "current_value",
            "showCurrencySymbol": v3.get("showCurrencySymbol"),
            "currencyPropertyName": None,
            "textDisplayHint": None,
            "numberDisplayHint": None,
            "optionsAreMutable": None,
            "referencedObjectType": v3.get("referencedObjectType"),
            "isCustomizedDefault": False,
            "searchableInGlobalSearch": False,
            "hasUniqueValue": v3["hasUniqueValue"],
            "hubspotDefined": True if self.hubspot_defined else None,
            "deleted": False,
            "createdAt": created,
            "updatedAt": created,
            "createdUserId": None,
            "updatedUserId": None,
        }


def _epoch_ms(iso: str) -> int:
    """``2023-03-14T10:20:30.125Z`` -> epoch milliseconds."""
    moment = datetime.strptime(iso, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)
    return int(moment.timestamp() * 1000)


def _build(rows: list[dict[str, Any]]) -> dict[str, PropertyDef]:
    """PropertyDefs from the rows of one object type in ``data/properties.json`` (a row's
    optional ``hasUniqueValue`` makes a key batch upsert can match by; none has it yet)."""
    out: dict[str, PropertyDef] = {}
    for i, row in enumerate(rows):
        name, option_set, custom = row["name"], row.get("options"), bool(row.get("custom"))
        if option_set == "owners":
            options = OWNERS
        else:
            options = (
                [(v, label) for v, label in _TABLES["options"][option_set]] if option_set else []
            )
        out[name] = PropertyDef(
            name=name,
            label=row["label"],
            type=row["type"],
            field_type=row["fieldType"],
            group=row["groupName"],
            description=row.get("description") or _TABLES["descriptions"].get(name, ""),
            options=tuple(options),
            read_only=bool(row.get("readOnlyValue")),
            calculated=bool(row.get("calculated")),
            hubspot_defined=not custom,
            display_order=i if custom else -1,
            unique=bool(row.get("hasUniqueValue")),
        )
    return out


PROPERTIES: dict[str, dict[str, PropertyDef]] = {
    name: _build(rows) for name, rows in _TABLES["properties"].items()
}


# -- object types with no records (data/properties.json "recordless_types") --------------


@dataclass(frozen=True)
class RecordlessType:
    """An object type every HubSpot portal has, of which the sandbox holds no records.

    Loaders read every type they know (tickets, products, quotes, engagements ...); a
    portal with none of them answers with empty lists, not errors, so the sandbox
    answers reads of these types as such a portal does. Writes to them stay a 400.
    """

    name: str  # "tickets"
    singular: str  # "ticket"
    type_id: str | None  # "0-5"
    scopes: tuple[str, ...]  # any one of them grants the reads
    properties: dict[str, PropertyDef]


RECORDLESS_TYPES: dict[str, RecordlessType] = {
    row["name"]: RecordlessType(
        row["name"], row["singular"], row["typeId"], tuple(row["scopes"]), _build(row["properties"])
    )
    for row in _TABLES["recordless_types"]
}

_RECORDLESS_ALIASES: dict[str, str] = {}
for _r in RECORDLESS_TYPES.values():
    for _spelling in (_r.name, _r.singular, _r.type_id):
        if _spelling is not None:
            _RECORDLESS_ALIASES[_spelling] = _r.name


def recordless_type(raw: str) -> RecordlessType | None:
    """The record-less type a path names (any spelling HubSpot accepts), or None."""
    name = _RECORDLESS_ALIASES.get(raw.lower())
    return None if name is None else RECORDLESS_TYPES[name]


def singular(raw: str) -> str:
    """The singular name (``ticket``) of any object type the portal knows (400 otherwise)."""
    other = recordless_type(raw)
    return other.singular if other is not None else object_type(raw).singular


def type_name(raw: str) -> str:
    """The plural name of any object type the portal knows, with or without records.

    Raises:
        ApiError: 400, as :func:`object_type`, for a type the portal does not have.
    """
    other = recordless_type(raw)
    return other.name if other is not None else object_type(raw).name


def scope_names(template: str, names: dict[str, str]) -> list[str]:
    """The scopes, any one of which satisfies ``template`` for the path's object types.

    ``names`` maps the template's slots (``type``, ``from``, ``to``) to plural type
    names. HubSpot's pattern ``crm.objects.{slot}.read`` (``.write``) becomes the
    type's own scopes where HubSpot names others (tickets: ``tickets``; products:
    ``e-commerce``; engagements: the contacts scopes; custom objects:
    ``crm.objects.custom.*``); anything else is filled in as it stands.
    """
    for slot, name in names.items():
        otype = OBJECT_TYPES.get(name)
        if otype is None:
            continue
        for action, own in (("read", otype.read_scopes), ("write", otype.write_scopes)):
            if own and template == f"crm.objects.{{{slot}}}.{action}":
                return list(own)
    return [template.format(**names)]


def scopes_of_types() -> list[str]:
    """Every scope an object type names for itself (a sandbox granting all has them)."""
    return [s for t in OBJECT_TYPES.values() for s in (*t.read_scopes, *t.write_scopes)]


# -- association types (facts §2.10) ------------------------------------------------------


@dataclass(frozen=True)
class AssocType:
    """One association type id: direction, legacy v3 name and v4 label."""

    type_id: int
    from_type: str
    to_type: str
    name: str  # legacy v3 string, e.g. contact_to_company_unlabeled
    label: str | None  # v4 label ("Primary") or None for unlabeled
    inverse: int
    implies: int | None = None  # a primary label always comes with the unlabeled type
    category: str = "HUBSPOT_DEFINED"  # a custom object's associations: USER_DEFINED


#: The engagement types and HubSpot's type ids of their associations: (engagement to
#: contact, company, deal, ticket) and the inverse (contact, company, deal, ticket to it).
_ENGAGEMENT_TYPE_IDS = {
    "calls": ((194, 182, 206, 220), (193, 181, 205, 219)),
    "emails": ((198, 186, 210, 224), (197, 185, 209, 223)),
    "meetings": ((200, 188, 212, 226), (199, 187, 211, 225)),
    "notes": ((202, 190, 214, 228), (201, 189, 213, 227)),
    "tasks": ((204, 192, 216, 230), (203, 191, 215, 229)),
}
_ENGAGED = ("contacts", "companies", "deals", "tickets")


def _engagement_rows() -> list[tuple[Any, ...]]:
    rows: list[tuple[Any, ...]] = []
    for name, (outward, inward) in _ENGAGEMENT_TYPE_IDS.items():
        one = OBJECT_TYPES[name].singular
        for other, out_id, in_id in zip(_ENGAGED, outward, inward, strict=True):
            two = OBJECT_TYPES[other].singular
            rows.append((out_id, name, other, f"{one}_to_{two}", None, in_id, None))
            rows.append((in_id, other, name, f"{two}_to_{one}", None, out_id, None))
    return rows


_ASSOC_ROWS = [
    (1, "contacts", "companies", "contact_to_company", "Primary", 2, 279),
    (279, "contacts", "companies", "contact_to_company_unlabeled", None, 280, None),
    (2, "companies", "contacts", "company_to_contact", "Primary", 1, 280),
    (280, "companies", "contacts", "company_to_contact_unlabeled", None, 279, None),
    (3, "deals", "contacts", "deal_to_contact", None, 4, None),
    (4, "contacts", "deals", "contact_to_deal", None, 3, None),
    (5, "deals", "companies", "deal_to_company", "Primary", 6, 341),
    (341, "deals", "companies", "deal_to_company_unlabeled", None, 342, None),
    (6, "companies", "deals", "company_to_deal", "Primary", 5, 342),
    (342, "companies", "deals", "company_to_deal_unlabeled", None, 341, None),
    (449, "contacts", "contacts", "contact_to_contact", None, 449, None),
    (450, "companies", "companies", "company_to_company", None, 450, None),
    (451, "deals", "deals", "deal_to_deal", None, 451, None),
    # tickets
    (15, "contacts", "tickets", "contact_to_ticket", None, 16, None),
    (16, "tickets", "contacts", "ticket_to_contact", None, 15, None),
    (26, "tickets", "companies", "ticket_to_company", "Primary", 25, 339),
    (339, "tickets", "companies", "ticket_to_company_unlabeled", None, 340, None),
    (25, "companies", "tickets", "company_to_ticket", "Primary", 26, 340),
    (340, "companies", "tickets", "company_to_ticket_unlabeled", None, 339, None),
    (27, "deals", "tickets", "deal_to_ticket", None, 28, None),
    (28, "tickets", "deals", "ticket_to_deal", None, 27, None),
    (452, "tickets", "tickets", "ticket_to_ticket", None, 452, None),
    # line items and quotes
    (19, "deals", "line_items", "deal_to_line_item", None, 20, None),
    (20, "line_items", "deals", "line_item_to_deal", None, 19, None),
    (63, "deals", "quotes", "deal_to_quote", None, 64, None),
    (64, "quotes", "deals", "quote_to_deal", None, 63, None),
    (67, "quotes", "line_items", "quote_to_line_item", None, 68, None),
    (68, "line_items", "quotes", "line_item_to_quote", None, 67, None),
    (69, "quotes", "contacts", "quote_to_contact", None, 70, None),
    (70, "contacts", "quotes", "contact_to_quote", None, 69, None),
    (71, "quotes", "companies", "quote_to_company", None, 72, None),
    (72, "companies", "quotes", "company_to_quote", None, 71, None),
    *_engagement_rows(),
]
_CUSTOM_ROWS = [  # defined with the custom object's schema, so portal-specific ids
    (901, "machines", "companies", "machine_to_company", None, 902, None, "USER_DEFINED"),
    (902, "companies", "machines", "company_to_machine", None, 901, None, "USER_DEFINED"),
    (903, "machines", "contacts", "machine_to_contact", None, 904, None, "USER_DEFINED"),
    (904, "contacts", "machines", "contact_to_machine", None, 903, None, "USER_DEFINED"),
]

ASSOC_TYPES: dict[int, AssocType] = {
    row[0]: AssocType(*row) for row in [*_ASSOC_ROWS, *_CUSTOM_ROWS]
}
ASSOC_BY_NAME: dict[str, AssocType] = {a.name: a for a in ASSOC_TYPES.values()}
_UNLABELED = {(a.from_type, a.to_type): a.type_id for a in ASSOC_TYPES.values() if a.label is None}


def unlabeled_type(from_type: str, to_type: str) -> int:
    """The default (unlabeled) association type id between two object types."""
    return _UNLABELED[(from_type, to_type)]
