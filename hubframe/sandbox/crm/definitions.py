"""What the sandbox portal knows about its schema.

Object types (names, ids, aliases), property definitions in HubSpot's JSON
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

from ..errors import ApiError

__all__ = [
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
    "RECORDLESS_TYPES",
    "recordless_type",
    "type_name",
    "singular",
]


@dataclass(frozen=True)
class ObjectType:
    """One CRM object type: its path name, id and the names HubSpot uses for it."""

    name: str  # "contacts"
    singular: str  # "contact"
    type_id: str  # "0-1"
    modified_prop: str  # "lastmodifieddate" / "hs_lastmodifieddate"
    get_defaults: tuple[str, ...]
    search_defaults: tuple[str, ...]
    query_props: tuple[str, ...]  # searched by the free-text `query`

    @property
    def upper(self) -> str:
        """``CONTACT`` etc., as HubSpot writes the type in messages."""
        return self.singular.upper()


OBJECT_TYPES: dict[str, ObjectType] = {
    "contacts": ObjectType(
        "contacts",
        "contact",
        "0-1",
        "lastmodifieddate",
        ("firstname", "lastname", "email"),
        ("firstname", "lastname", "email", "lastmodifieddate", "hs_object_id", "createdate"),
        (
            "firstname",
            "lastname",
            "email",
            "phone",
            "hs_additional_emails",
            "fax",
            "mobilephone",
            "company",
        ),
    ),
    "companies": ObjectType(
        "companies",
        "company",
        "0-2",
        "hs_lastmodifieddate",
        ("name", "domain"),
        ("name", "domain", "createdate", "hs_lastmodifieddate", "hs_object_id"),
        ("website", "phone", "name", "domain"),
    ),
    "deals": ObjectType(
        "deals",
        "deal",
        "0-3",
        "hs_lastmodifieddate",
        ("dealname", "amount", "closedate", "pipeline", "dealstage"),
        (
            "dealname",
            "amount",
            "closedate",
            "pipeline",
            "dealstage",
            "createdate",
            "hs_lastmodifieddate",
            "hs_object_id",
        ),
        ("dealname", "pipeline", "dealstage", "description", "dealtype"),
    ),
}

_ALIASES: dict[str, str] = {}
for _t in OBJECT_TYPES.values():
    for _alias in (_t.name, _t.singular, _t.type_id):
        _ALIASES[_alias] = _t.name


def object_type(raw: str) -> ObjectType:
    """Resolve a path's object type: ``contacts``, ``contact``, ``CONTACT``, ``0-1`` ...

    Raises:
        ApiError: 400 for a type this portal does not have (HubSpot cannot infer it).
    """
    name = _ALIASES.get(raw.lower())
    if name is None:
        raise ApiError(400, f"Unable to infer object type from: {raw}", "VALIDATION_ERROR")
    return OBJECT_TYPES[name]


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
            "hasUniqueValue": False,
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
    """PropertyDefs from the rows of one object type in ``data/properties.json``."""
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
            description=_TABLES["descriptions"].get(name, ""),
            options=tuple(options),
            read_only=bool(row.get("readOnlyValue")),
            calculated=bool(row.get("calculated")),
            hubspot_defined=not custom,
            display_order=i if custom else -1,
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

    @property
    def category(self) -> str:
        return "HUBSPOT_DEFINED"


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
]

ASSOC_TYPES: dict[int, AssocType] = {row[0]: AssocType(*row) for row in _ASSOC_ROWS}
ASSOC_BY_NAME: dict[str, AssocType] = {a.name: a for a in ASSOC_TYPES.values()}
_UNLABELED = {(a.from_type, a.to_type): a.type_id for a in ASSOC_TYPES.values() if a.label is None}


def unlabeled_type(from_type: str, to_type: str) -> int:
    """The default (unlabeled) association type id between two object types."""
    return _UNLABELED[(from_type, to_type)]
