"""Custom object schemas (``GET /crm/v3/schemas``, ``GET /crm/v3/schemas/{objectType}``).

HubSpot lists a portal's custom objects, each with its labels, type id
(``2-...``), fully-qualified name (``p<portal id>_<name>``), display and required
properties, property definitions and association definitions. The sandbox's one
custom object is ``machines`` (:mod:`.object_types`); its schema is derived from the
same tables its records are checked against, so the two never disagree.

Dated path: HubSpot's docs give ``/crm-object-schemas/2026-03/schemas``; the same
family is served for 2026-09 (unconfirmed: no 2026-09 schema spec was found).
"""

from __future__ import annotations

from typing import Any

from ..calls import Call, Reply
from ..errors import ApiError
from ..state import PortalState
from .definitions import ASSOC_TYPES, OBJECT_TYPES, PROPERTIES, ObjectType, object_type

__all__ = ["get_schema", "get_schemas", "schema_json"]

_CREATED = "2023-03-14T10:20:30.125Z"


def schema_json(otype: ObjectType, portal_id: int) -> dict[str, Any]:
    """One custom object's schema, as HubSpot's schemas endpoint returns it."""
    defs = PROPERTIES[otype.name]
    associations = [
        {
            "id": str(a.type_id),
            "name": a.name,
            "fromObjectTypeId": OBJECT_TYPES[a.from_type].type_id,
            "toObjectTypeId": OBJECT_TYPES[a.to_type].type_id,
            "createdAt": _CREATED,
            "updatedAt": _CREATED,
        }
        for a in ASSOC_TYPES.values()
        if a.from_type == otype.name
    ]
    return {
        "id": otype.type_id.partition("-")[2],
        "name": otype.name,
        "labels": {"singular": otype.label, "plural": otype.plural_label},
        "objectTypeId": otype.type_id,
        "fullyQualifiedName": f"p{portal_id}_{otype.name}",
        "primaryDisplayProperty": otype.get_defaults[0],
        "secondaryDisplayProperties": [n for n in otype.query_props if n in defs][1:],
        "requiredProperties": [otype.get_defaults[0]],
        "searchableProperties": list(otype.query_props),
        "properties": [d.to_json() for d in defs.values()],
        "associations": associations,
        "createdAt": _CREATED,
        "updatedAt": _CREATED,
        "archived": False,
    }


def get_schemas(call: Call, store: PortalState) -> Reply:
    """Every custom object schema of the portal (no paging: a portal has a handful)."""
    results = [schema_json(t, store.portal_id) for t in OBJECT_TYPES.values() if t.custom]
    return Reply(200, {"results": [] if call.flag("archived") else results})


def get_schema(call: Call, store: PortalState) -> Reply:
    """One custom object's schema, by name, type id or fully-qualified name (404 if none)."""
    raw = call.args["object_type"]
    try:
        otype = object_type(raw)
    except ApiError:
        otype = None
    if otype is None or not otype.custom:
        raise ApiError(404, f"Unable to find object type {raw}", "OBJECT_NOT_FOUND")
    return Reply(200, schema_json(otype, store.portal_id))
