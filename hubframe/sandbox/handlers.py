"""Request handlers: parse the HTTP request, call one store operation, shape the reply.

Each handler takes a :class:`Call` and returns a :class:`Reply`. Rules about
the data live in the store; here are only HTTP matters: query parameters,
JSON bodies, envelopes (``results``/``paging``, batch ``status``), status codes
and HubSpot's input limits on them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from . import search as search_mod
from .definitions import ObjectType, object_type
from .errors import ApiError, missing_objects, validation_error
from .values import iso_ms, now_ms

if TYPE_CHECKING:  # pragma: no cover
    from werkzeug.wrappers import Request

    from .store import Store

LIST_MAX = 100
BATCH_MAX = 100
ASSOC_V3_DEFAULT_LIMIT = 500  # unconfirmed (facts §4)
ASSOC_V4_MAX = 500
MEMBERSHIPS_DEFAULT, MEMBERSHIPS_MAX = 100, 250
LIST_SEARCH_DEFAULT, LIST_SEARCH_MAX = 20, 500


@dataclass
class Reply:
    """A response: status, JSON body (None: no body) and extra headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class Call:
    """One routed request, as the handlers see it."""

    def __init__(self, request: Request, args: dict[str, str], store: Store, base_url: str):
        self.request = request
        self.args = args
        self.store = store
        self.base_url = base_url
        self._raw: bytes | None = None

    # -- path -------------------------------------------------------------------------------

    def otype(self, key: str = "object_type") -> ObjectType:
        return object_type(self.args[key])

    # -- body -------------------------------------------------------------------------------

    @property
    def raw(self) -> bytes:
        if self._raw is None:
            self._raw = self.request.get_data(cache=True)
        return self._raw

    def json(self, *, default: Any = None) -> Any:
        """The decoded JSON body; 400 with HubSpot's 'Invalid input JSON' message if malformed."""
        raw = self.raw
        if not raw.strip():
            return default
        try:
            return json.loads(raw)
        except UnicodeDecodeError:
            raise validation_error("Invalid input JSON: the body is not UTF-8.") from None
        except json.JSONDecodeError as exc:
            raise validation_error(
                f"Invalid input JSON on line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None

    def inputs(self, *, limit: int = BATCH_MAX) -> list[Any]:
        """``inputs`` of a batch body, at most ``limit`` of them."""
        body = self.json(default={})
        inputs = body.get("inputs") if isinstance(body, dict) else None
        if not isinstance(inputs, list):
            raise validation_error("The request body must be an object with a list of inputs.")
        if len(inputs) > limit:
            raise validation_error(
                f"Too many inputs: {len(inputs)}. A batch can have at most {limit} inputs.",
                context={"inputs": [str(len(inputs))]},
            )
        return inputs

    # -- query ------------------------------------------------------------------------------

    def csv(self, name: str) -> list[str] | None:
        """A comma-separated (or repeated) query parameter, or None when absent."""
        values = self.request.args.getlist(name)
        if not values:
            return None
        return [p.strip() for v in values for p in v.split(",") if p.strip()]

    def flag(self, name: str, default: bool = False) -> bool:
        raw = self.request.args.get(name)
        if raw is None or raw == "":
            return default
        if raw.lower() not in ("true", "false"):
            raise validation_error(f"{name} must be true or false; got {raw!r}.")
        return raw.lower() == "true"

    def number(self, name: str, default: int, lo: int, hi: int) -> int:
        raw = self.request.args.get(name)
        if raw is None or raw == "":
            return default
        try:
            value = int(raw)
        except ValueError:
            raise validation_error(f"{name} must be a whole number; got {raw!r}.") from None
        if not lo <= value <= hi:
            raise validation_error(f"{name} must be between {lo} and {hi}; got {value}.")
        return value

    def cursor(self, name: str = "after") -> int | None:
        """An ``after`` cursor that is a record id (list endpoints)."""
        raw = self.request.args.get(name)
        if raw is None or raw == "":
            return None
        if not raw.isdigit():
            raise validation_error(
                f"Invalid {name} cursor {raw!r}: pass paging.next.after from the previous page."
            )
        return int(raw)

    def offset(self, name: str = "after") -> int:
        return self.cursor(name) or 0

    def link(self, after: str) -> str:
        """The ``paging.next.link``: this request's URL with the new ``after``."""
        params = [(k, v) for k, v in self.request.args.items(multi=True) if k != "after"]
        params.append(("after", after))
        return f"{self.base_url}{self.request.path}?{urlencode(params)}"

    def associations(self) -> list[str]:
        return [object_type(t).name for t in dict.fromkeys(self.csv("associations") or [])]


def _paging(call: Call, after: int | None, *, link: bool = True) -> dict[str, Any]:
    if after is None:
        return {}
    nxt: dict[str, str] = {"after": str(after)}
    if link:
        nxt["link"] = call.link(str(after))
    return {"paging": {"next": nxt}}


def _batch(results: list[Any], errors: list[dict[str, Any]], ok: int, started: int) -> Reply:
    body: dict[str, Any] = {"status": "COMPLETE", "results": results}
    if errors:
        body["numErrors"] = len(errors)
        body["errors"] = errors
    body["startedAt"] = iso_ms(started)
    body["completedAt"] = iso_ms(now_ms())
    return Reply(207 if errors else ok, body)


def _ids(inputs: list[Any]) -> list[str]:
    out = []
    for item in inputs:
        if not isinstance(item, dict) or "id" not in item:
            raise validation_error("Each input must be an object with an id.")
        out.append(str(item["id"]))
    return out


# -- objects -------------------------------------------------------------------------------


def list_objects(call: Call) -> Reply:
    otype = call.otype()
    limit = call.number("limit", 10, 1, LIST_MAX)
    results, nxt = call.store.get_page(
        otype,
        limit=limit,
        after=call.cursor(),
        properties=call.csv("properties"),
        associations=call.associations(),
        archived=call.flag("archived"),
    )
    return Reply(200, {"results": results, **_paging(call, nxt)})


def get_object(call: Call) -> Reply:
    return Reply(
        200,
        call.store.get_by_id(
            call.otype(),
            call.args["object_id"],
            properties=call.csv("properties"),
            associations=call.associations(),
            archived=call.flag("archived"),
            id_property=call.request.args.get("idProperty"),
        ),
    )


def create_object(call: Call) -> Reply:
    body = call.json(default={})
    if not isinstance(body, dict):
        raise validation_error("Invalid input JSON: expected an object with properties.")
    return Reply(201, call.store.create(call.otype(), body))


def update_object(call: Call) -> Reply:
    body = call.json(default={})
    if not isinstance(body, dict):
        raise validation_error("Invalid input JSON: expected an object with properties.")
    return Reply(
        200,
        call.store.update(
            call.otype(), call.args["object_id"], body, call.request.args.get("idProperty")
        ),
    )


def archive_object(call: Call) -> Reply:
    call.store.archive(call.otype(), call.args["object_id"])
    return Reply(204)


def batch_read(call: Call) -> Reply:
    started = now_ms()
    otype = call.otype()
    inputs = call.inputs()
    body = call.json(default={})
    props = body.get("properties")
    if props is not None and not isinstance(props, list):
        raise validation_error("properties must be a list of property names.")
    results, missing = call.store.batch_read(
        otype,
        _ids(inputs),
        properties=props or None,
        id_property=body.get("idProperty"),
        archived=call.flag("archived"),
    )
    return _batch(results, [missing_objects(otype.upper, missing)] if missing else [], 200, started)


def batch_create(call: Call) -> Reply:
    started = now_ms()
    results, errors = call.store.batch_create(call.otype(), call.inputs())
    return _batch(results, errors, 201, started)


def batch_update(call: Call) -> Reply:
    started = now_ms()
    results, errors = call.store.batch_update(call.otype(), call.inputs())
    return _batch(results, errors, 200, started)


def batch_upsert(call: Call) -> Reply:
    started = now_ms()
    return _batch(call.store.batch_upsert(call.otype(), call.inputs()), [], 200, started)


def batch_archive(call: Call) -> Reply:
    call.store.batch_archive(call.otype(), _ids(call.inputs()))
    return Reply(204)


def search(call: Call) -> Reply:
    otype = call.otype()
    body = call.json(default={})
    req = search_mod.parse_request(
        otype, call.store.table(otype).defs, body, len(call.raw.decode("utf-8", "replace"))
    )
    total, results, nxt = call.store.do_search(otype, req)
    out: dict[str, Any] = {"total": total, "results": results}
    if nxt is not None:
        out["paging"] = {"next": {"after": str(nxt)}}
    return Reply(200, out)


# -- properties ----------------------------------------------------------------------------


def get_properties(call: Call) -> Reply:
    return Reply(200, {"results": call.store.get_properties(call.otype(), call.flag("archived"))})


def get_property(call: Call) -> Reply:
    return Reply(200, call.store.get_property(call.otype(), call.args["property_name"]))


# -- associations --------------------------------------------------------------------------


def _association_page(call: Call, fetch: Any, max_limit: int) -> Reply:
    """One page of a record's associations (v3 and v4 differ in store method and limit)."""
    limit = call.number("limit", max_limit, 1, max_limit)
    results, nxt = fetch(
        call.otype("from_type"),
        call.args["object_id"],
        call.otype("to_type"),
        after=call.offset(),
        limit=limit,
    )
    return Reply(200, {"results": results, **_paging(call, nxt)})


def v3_list_associations(call: Call) -> Reply:
    return _association_page(call, call.store.get_associations, ASSOC_V3_DEFAULT_LIMIT)


def v3_batch(call: Call) -> Reply:
    started = now_ms()
    frm, to, op = call.otype("from_type"), call.otype("to_type"), call.args["op"]
    inputs = call.inputs()
    store = call.store
    if op == "create":
        results, errors = store.v3_batch_create(frm, to, inputs)
        return _batch(results, errors, 201, started)
    if op == "archive":
        store.v3_batch_archive(frm, to, inputs)
        return Reply(204)
    if op == "read":
        results, errors = store.v3_batch_read(frm, to, _ids(inputs))
        return _batch(results, errors, 200, started)
    raise ApiError(404, f"Unknown batch operation {op!r}.", None)


def v4_list_associations(call: Call) -> Reply:
    return _association_page(call, call.store.v4_get_page, ASSOC_V4_MAX)


def v4_create_default(call: Call) -> Reply:
    started = now_ms()
    results = call.store.v4_create_default(
        call.otype("from_type"), call.args["object_id"], call.otype("to_type"), call.args["to_id"]
    )
    return _batch(results, [], 200, started)


def v4_create(call: Call) -> Reply:
    specs = call.json(default=[])
    return Reply(
        201,
        call.store.v4_create(
            call.otype("from_type"),
            call.args["object_id"],
            call.otype("to_type"),
            call.args["to_id"],
            specs,
        ),
    )


def v4_archive(call: Call) -> Reply:
    call.store.v4_archive(
        call.otype("from_type"), call.args["object_id"], call.otype("to_type"), call.args["to_id"]
    )
    return Reply(204)


def v4_batch(call: Call) -> Reply:
    started = now_ms()
    frm, to = call.otype("from_type"), call.otype("to_type")
    op = call.args.get("op") or f"{call.args.get('a')}/{call.args.get('b')}"
    inputs = call.inputs(limit=1000 if op == "read" else 2000)
    store = call.store
    if op == "read":
        results, errors = store.v4_batch_read(frm, to, _ids(inputs))
        return _batch(results, errors, 200, started)
    if op == "create":
        results, errors = store.v4_batch_create(frm, to, inputs)
        return _batch(results, errors, 201, started)
    if op == "archive":
        store.v4_batch_archive(frm, to, inputs)
        return Reply(204)
    if op == "associate/default":
        results, errors = store.v4_batch_associate_default(frm, to, inputs)
        return _batch(results, errors, 200, started)
    if op == "labels/archive":
        store.v4_batch_archive_labels(frm, to, inputs)
        return Reply(204)
    raise ApiError(404, f"Unknown batch operation {op!r}.", None)


def v4_labels(call: Call) -> Reply:
    return Reply(
        200, {"results": call.store.v4_labels(call.otype("from_type"), call.otype("to_type"))}
    )


# -- lists ---------------------------------------------------------------------------------


def get_list(call: Call) -> Reply:
    return Reply(200, {"list": call.store.get_list(call.args["list_id"])})


def get_lists(call: Call) -> Reply:
    return Reply(200, {"lists": call.store.get_lists(call.csv("listIds"))})


def search_lists(call: Call) -> Reply:
    body = call.json(default={})
    if not isinstance(body, dict):
        raise validation_error("Invalid input JSON: expected an object.")
    try:
        offset = int(body.get("offset") or 0)
        count = int(body.get("count") or LIST_SEARCH_DEFAULT)
    except (TypeError, ValueError):
        raise validation_error("offset and count must be whole numbers.") from None
    if offset < 0 or not 1 <= count <= LIST_SEARCH_MAX:
        raise validation_error(f"count must be between 1 and {LIST_SEARCH_MAX} and offset >= 0.")
    lists, total, has_more, nxt = call.store.search_lists(
        query=str(body.get("query") or ""),
        offset=offset,
        count=count,
        processing_types=list(body.get("processingTypes") or []),
        list_ids=[str(i) for i in body.get("listIds") or []],
    )
    return Reply(200, {"offset": nxt, "hasMore": has_more, "lists": lists, "total": total})


def get_memberships(call: Call) -> Reply:
    limit = call.number("limit", MEMBERSHIPS_DEFAULT, 1, MEMBERSHIPS_MAX)
    results, nxt, total = call.store.get_memberships(
        call.args["list_id"], after=call.cursor(), limit=limit
    )
    return Reply(200, {"results": results, "total": total, **_paging(call, nxt, link=False)})


def add_memberships(call: Call) -> Reply:
    return Reply(200, call.store.add_memberships(call.args["list_id"], call.json(default=[])))


def remove_memberships(call: Call) -> Reply:
    return Reply(200, call.store.remove_memberships(call.args["list_id"], call.json(default=[])))


def add_and_remove_memberships(call: Call) -> Reply:
    body = call.json(default={})
    if not isinstance(body, dict):
        raise validation_error(
            "The body must be an object with recordIdsToAdd and recordIdsToRemove."
        )
    return Reply(
        200,
        call.store.add_and_remove_memberships(
            call.args["list_id"],
            body.get("recordIdsToAdd") or [],
            body.get("recordIdsToRemove") or [],
        ),
    )


# -- forms ---------------------------------------------------------------------------------


def submit_form(call: Call) -> Reply:
    try:
        body = call.json(default={})
    except ApiError as exc:
        raise ApiError(
            400,
            "The request is not valid",
            None,
            errors=[{"message": exc.message, "errorType": "INVALID_JSON"}],
        ) from None
    return Reply(200, call.store.submit_form(call.args["portal_id"], call.args["form_guid"], body))


def get_forms(call: Call) -> Reply:
    return Reply(200, {"results": call.store.get_forms()})


def get_form(call: Call) -> Reply:
    return Reply(200, call.store.get_form(call.args["form_id"]))


# -- workflows -----------------------------------------------------------------------------


def enroll(call: Call) -> Reply:
    call.store.enroll(call.args["workflow_id"], call.args["email"])
    return Reply(204)


def unenroll(call: Call) -> Reply:
    call.store.unenroll(call.args["workflow_id"], call.args["email"])
    return Reply(204)


def get_workflows(call: Call) -> Reply:
    return Reply(200, {"workflows": call.store.get_workflows()})


def get_workflow(call: Call) -> Reply:
    return Reply(200, call.store.get_workflow(call.args["workflow_id"]))


def get_contact_enrollments(call: Call) -> Reply:
    return Reply(200, call.store.get_contact_enrollments(call.args["contact_id"]))
