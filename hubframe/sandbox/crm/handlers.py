"""The CRM's HTTP side: objects, search, properties and associations.

Each handler parses the request (:class:`~hubframe.sandbox.calls.Call`), calls
one store operation and shapes the :class:`~hubframe.sandbox.calls.Reply`;
the routes are in :data:`hubframe.sandbox.routes.ROUTES`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..calls import Call, Reply, batch_reply, input_ids, paging
from ..errors import ApiError, missing_objects, validation_error
from ..values import now_ms
from . import search as search_mod
from .associations import AssociationOps, no_associations
from .definitions import PROPERTIES, PropertyDef, singular
from .objects import ObjectOps

# The sandbox's own copies of HubSpot's limits (the client keeps its own on purpose).
LIST_MAX = 100
ASSOC_V3_DEFAULT_LIMIT = 500  # unconfirmed (facts §4)
ASSOC_V4_MAX = 500


# -- objects -------------------------------------------------------------------------------


#: The first API version whose writes keep the portal's write rules (date-versions §3).
RULES_FROM = "2026-09"


def enforces_rules(call: Call) -> bool:
    """Whether a write keeps the portal's write rules: from API version 2026-09 on, the
    rules admins set for the UI apply to API writes too; legacy and 2026-03 calls are
    not checked. Dated versions are ``YYYY-MM``, so later ones compare greater."""
    return call.dated and call.version >= RULES_FROM


def list_objects(call: Call, store: ObjectOps) -> Reply:
    if call.recordless() is not None:
        call.number("limit", 10, 1, LIST_MAX)  # still checked, as for any type
        return Reply(200, {"results": []})
    otype = call.otype()
    limit = call.number("limit", 10, 1, LIST_MAX)
    results, nxt = store.get_page(
        otype,
        limit=limit,
        after=call.cursor(),
        properties=call.csv("properties"),
        associations=call.associations(),
        archived=call.flag("archived"),
        history=call.csv("propertiesWithHistory"),
        encoded=True,
    )
    return Reply(200, {"results": results, **paging(call, nxt)})


def get_object(call: Call, store: ObjectOps) -> Reply:
    return Reply(
        200,
        store.get_by_id(
            call.otype(),
            call.args["object_id"],
            properties=call.csv("properties"),
            associations=call.associations(),
            archived=call.flag("archived"),
            id_property=call.request.args.get("idProperty"),
            history=call.csv("propertiesWithHistory"),
        ),
    )


def create_object(call: Call, store: ObjectOps) -> Reply:
    body = call.json(default={})
    if not isinstance(body, dict):
        raise validation_error("Invalid input JSON: expected an object with properties.")
    return Reply(201, store.create(call.otype(), body, enforce_rules=enforces_rules(call)))


def update_object(call: Call, store: ObjectOps) -> Reply:
    body = call.json(default={})
    if not isinstance(body, dict):
        raise validation_error("Invalid input JSON: expected an object with properties.")
    return Reply(
        200,
        store.update(
            call.otype(),
            call.args["object_id"],
            body,
            call.request.args.get("idProperty"),
            enforce_rules=enforces_rules(call),
        ),
    )


def archive_object(call: Call, store: ObjectOps) -> Reply:
    store.archive(call.otype(), call.args["object_id"])
    return Reply(204)


def _name_list(body: Any, key: str) -> list[str] | None:
    """A JSON body's list of property names (``properties``, ``propertiesWithHistory``)."""
    names = body.get(key) if isinstance(body, dict) else None
    if names is not None and not isinstance(names, list):
        raise validation_error(f"{key} must be a list of property names.")
    return names


def batch_read(call: Call, store: ObjectOps) -> Reply:
    started = now_ms()
    otype = call.otype()
    inputs = call.inputs()
    body = call.json(default={})
    props = _name_list(body, "properties")
    results, missing = store.batch_read(
        otype,
        input_ids(inputs),
        properties=props or None,
        id_property=body.get("idProperty"),
        archived=call.flag("archived"),
        history=_name_list(body, "propertiesWithHistory"),
    )
    return batch_reply(
        results, [missing_objects(otype.upper, missing)] if missing else [], 200, started
    )


def batch_create(call: Call, store: ObjectOps) -> Reply:
    started = now_ms()
    results, errors = store.batch_create(
        call.otype(), call.inputs(), enforce_rules=enforces_rules(call)
    )
    return batch_reply(results, errors, 201, started)


def batch_update(call: Call, store: ObjectOps) -> Reply:
    started = now_ms()
    results, errors = store.batch_update(
        call.otype(), call.inputs(), enforce_rules=enforces_rules(call)
    )
    return batch_reply(results, errors, 200, started)


def batch_upsert(call: Call, store: ObjectOps) -> Reply:
    started = now_ms()
    results, errors = store.batch_upsert(
        call.otype(), call.inputs(), enforce_rules=enforces_rules(call)
    )
    return batch_reply(results, errors, 200, started)


def batch_archive(call: Call, store: ObjectOps) -> Reply:
    store.batch_archive(call.otype(), input_ids(call.inputs()))
    return Reply(204)


def search(call: Call, store: ObjectOps) -> Reply:
    if call.recordless() is not None:
        return Reply(200, {"total": 0, "results": []})
    otype = call.otype()
    body = call.json(default={})
    req = search_mod.parse_request(
        otype, store.table(otype).defs, body, len(call.raw.decode("utf-8", "replace"))
    )
    total, results, nxt = store.do_search(otype, req, encoded=True)
    out: dict[str, Any] = {"total": total, "results": results}
    if nxt is not None:
        out["paging"] = {"next": {"after": str(nxt)}}
    return Reply(200, out)


# -- properties ----------------------------------------------------------------------------


def _definitions(call: Call) -> tuple[dict[str, PropertyDef], str]:
    """The property definitions of the path's object type, with or without records, and
    the type as HubSpot's messages name it (its type id)."""
    other = call.recordless()
    if other is not None:
        return other.properties, other.type_id or other.name
    otype = call.otype()
    return PROPERTIES[otype.name], otype.type_id


def get_properties(call: Call, store: ObjectOps) -> Reply:
    archived = call.flag("archived")  # none are archived here
    definitions, _ = _definitions(call)
    return Reply(200, {"results": [] if archived else store.get_properties(definitions)})


def get_property(call: Call, store: ObjectOps) -> Reply:
    definitions, type_id = _definitions(call)
    return Reply(200, store.get_property(definitions, call.args["property_name"], type_id))


def get_properties_v2(call: Call, store: ObjectOps) -> Reply:
    """Legacy Properties v2: a bare JSON array of the definitions, in v2's shape."""
    definitions, _ = _definitions(call)
    return Reply(200, store.get_properties_v2(definitions))


# -- associations --------------------------------------------------------------------------


def _association_page(call: Call, fetch: Callable[..., Any], max_limit: int) -> Reply:
    """One page of a record's associations (v3 and v4 differ in store method and limit)."""
    limit = call.number("limit", max_limit, 1, max_limit)
    if call.recordless("from_type", "to_type") is not None:
        return Reply(200, {"results": []})  # no records of that type, so none associated
    results, nxt = fetch(
        call.otype("from_type"),
        call.args["object_id"],
        call.otype("to_type"),
        after=call.cursor(),  # a record id (associations.id_page)
        limit=limit,
    )
    return Reply(200, {"results": results, **paging(call, nxt)})


def v3_list_associations(call: Call, store: AssociationOps) -> Reply:
    return _association_page(call, store.get_associations, ASSOC_V3_DEFAULT_LIMIT)


def _read_none(call: Call, started: int) -> Reply | None:
    """A batch read of associations with a record-less side (line items, tickets ...):
    no record is associated with one, so every input gets HubSpot's no-associations error."""
    frm, to = call.args["from_type"], call.args["to_type"]
    if call.recordless("from_type", "to_type") is None:
        return None
    ids = input_ids(call.inputs(limit=1000))
    error = no_associations(singular(frm), singular(to), list(dict.fromkeys(ids)))
    return batch_reply([], [error] if ids else [], 200, started)


def v3_batch(call: Call, store: AssociationOps) -> Reply:
    started = now_ms()
    if call.args["op"] == "read" and (none := _read_none(call, started)) is not None:
        return none
    frm, to, op = call.otype("from_type"), call.otype("to_type"), call.args["op"]
    inputs = call.inputs()
    if op == "create":
        results, errors = store.v3_batch_create(frm, to, inputs)
        return batch_reply(results, errors, 201, started)
    if op == "archive":
        store.v3_batch_archive(frm, to, inputs)
        return Reply(204)
    if op == "read":
        results, errors = store.v3_batch_read(frm, to, input_ids(inputs))
        return batch_reply(results, errors, 200, started)
    raise ApiError(404, f"Unknown batch operation {op!r}.", None)


def v4_list_associations(call: Call, store: AssociationOps) -> Reply:
    return _association_page(call, store.v4_get_page, ASSOC_V4_MAX)


def v4_create_default(call: Call, store: AssociationOps) -> Reply:
    started = now_ms()
    results = store.v4_create_default(
        call.otype("from_type"), call.args["object_id"], call.otype("to_type"), call.args["to_id"]
    )
    return batch_reply(results, [], 200, started)


def v4_create(call: Call, store: AssociationOps) -> Reply:
    specs = call.json(default=[])
    return Reply(
        201,
        store.v4_create(
            call.otype("from_type"),
            call.args["object_id"],
            call.otype("to_type"),
            call.args["to_id"],
            specs,
        ),
    )


def v4_archive(call: Call, store: AssociationOps) -> Reply:
    store.v4_archive(
        call.otype("from_type"), call.args["object_id"], call.otype("to_type"), call.args["to_id"]
    )
    return Reply(204)


def _archived(call: Call, started: int) -> Reply:
    """What an association batch archive answers: 204 on v4, and on dated versions 200
    with a BatchResponse body (``status``, ``results``, ``startedAt``, ``completedAt``),
    as their spec says (fact sheet row 15)."""
    if call.dated:
        return batch_reply([], [], 200, started)
    return Reply(204)


def _check_v4_types(inputs: list[Any]) -> None:
    """Refuse a v3 body (a string ``type`` per input) where ``types`` is required.

    v4 and the dated versions take ``types:[{associationCategory, associationTypeId}]``;
    the v3 type names (``contact_to_company``) are gone there.
    """
    for n, item in enumerate(inputs):
        if isinstance(item, dict) and "types" not in item:
            got = f" (got the v3 field type={item['type']!r})" if "type" in item else ""
            raise validation_error(
                f"inputs[{n}].types is required: a list of "
                f"{{associationCategory, associationTypeId}}{got}.",
                errors=[{"message": "types is required", "in": f"inputs[{n}].types"}],
            )


def _read_inputs(inputs: list[Any]) -> list[tuple[str, int]]:
    """``(id, offset)`` of each v4 batch-read input ``{id, after?}``: ``after`` is the
    cursor a result's ``paging.next.after`` gave (an offset here)."""
    out = []
    for raw, item in zip(input_ids(inputs), inputs, strict=True):
        after = item.get("after")
        if after is None or after == "":
            out.append((raw, 0))
        elif str(after).isdigit():
            out.append((raw, int(after)))
        else:
            raise validation_error(f"after {after!r} is not a cursor this endpoint gave.")
    return out


def v4_batch(call: Call, store: AssociationOps) -> Reply:
    started = now_ms()
    op = call.args.get("op") or f"{call.args.get('a')}/{call.args.get('b')}"
    if op == "read" and (none := _read_none(call, started)) is not None:
        return none
    frm, to = call.otype("from_type"), call.otype("to_type")
    inputs = call.inputs(limit=1000 if op == "read" else 2000)
    if op == "read":
        results, errors = store.v4_batch_read(frm, to, _read_inputs(inputs), page=ASSOC_V4_MAX)
        return batch_reply(results, errors, 200, started)
    if op == "create":
        if call.dated:  # legacy v4 keeps its own (older) order of checks
            _check_v4_types(inputs)
        results, errors = store.v4_batch_create(frm, to, inputs)
        return batch_reply(results, errors, 201, started)
    if op == "archive":
        store.v4_batch_archive(frm, to, inputs)
        return _archived(call, started)
    if op == "associate/default":
        results, errors = store.v4_batch_associate_default(frm, to, inputs)
        return batch_reply(results, errors, 200, started)
    if op == "labels/archive":
        store.v4_batch_archive_labels(frm, to, inputs)
        return _archived(call, started)
    raise ApiError(404, f"Unknown batch operation {op!r}.", None)


def v4_labels(call: Call, store: AssociationOps) -> Reply:
    return Reply(200, {"results": store.v4_labels(call.otype("from_type"), call.otype("to_type"))})
