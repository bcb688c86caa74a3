"""The sandbox's WSGI app: ONE route table, auth, scopes, rate limits, faults, headers.

Every request goes through :meth:`SandboxApp.__call__`:

1. sleep ``latency``; decide a fault (scheduled or random). A fault served
   *before* the request is applied answers now (429/502/503 or a dropped connection);
2. route (method + path) in :data:`ROUTES`, the one route table; each handler lives
   with its area (``crm/handlers.py``, ``lists.py``, ``forms.py``, ``workflows.py``);
3. auth (401 ``INVALID_AUTHENTICATION``), rate limits (burst 429 / search 429 /
   forms 429), scopes (403 ``MISSING_SCOPES``) - the forms submit endpoint needs no auth;
4. the handler; an :class:`ApiError` becomes HubSpot's error body via the one renderer;
5. headers: ``X-HubSpot-Correlation-Id`` always, the ``X-HubSpot-RateLimit-*`` set on
   API responses (search: only the daily pair);
6. a fault decided with ``after_apply`` replaces the (already applied) response.
"""

from __future__ import annotations

import hmac
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from . import account, forms, lists, workflows
from .calls import Call, Reply
from .crm import handlers as crm
from .crm import owners, pipelines
from .crm.definitions import RECORDLESS_TYPES, recordless_type, type_name
from .errors import ApiError, render_error
from .faults import Faults
from .responses import (
    Truncated,
    empty_response,
    fault_response,
    json_response,
    ten_secondly,
    text_response,
)
from .store import Store

__all__ = ["SandboxApp", "ROUTES", "Route", "RequestLog", "ALL_SCOPES"]

log = logging.getLogger("hubframe.sandbox")

READ = "crm.objects.{type}.read"
WRITE = "crm.objects.{type}.write"
SCHEMA = "crm.schemas.{type}.read"
# Legacy v1/v2 endpoints document HubSpot's old `contacts` scope; the granular scopes a
# private app has today are accepted too (unconfirmed which HubSpot checks).
LEGACY = ("contacts", SCHEMA, READ)


#: A handler parses the request, calls one store operation and shapes the reply.
Handler = Callable[[Call, Store], Reply]


@dataclass(frozen=True)
class Route:
    """One endpoint.

    Attributes:
        method: HTTP method.
        rule: werkzeug rule (``<name>`` captures a segment, ``<path:name>`` the rest).
        handler: the handler function.
        scopes: groups of scope names; every group must be satisfied by one of its names.
            ``{type}``, ``{from}`` and ``{to}`` are filled from the path's object types.
        kind: ``api`` (burst-limited), ``search`` (5/s, daily headers only) or ``forms``
            (no auth, 50 per 10 s).
    """

    method: str
    rule: str
    handler: Handler
    scopes: tuple[tuple[str, ...], ...] = ()
    kind: str = "api"


def _r(method: str, rule: str, handler: Handler, *scopes: Any, kind: str = "api") -> Route:
    groups = tuple(tuple(s) if isinstance(s, tuple) else (s,) for s in scopes)
    return Route(method, rule, handler, groups, kind)


_OBJ = "/crm/v3/objects/<object_type>"
_V4 = "/crm/v4/objects/<from_type>/<object_id>/associations"
_LISTS = "/crm/v3/lists"
_WF2 = "/automation/v2/workflows"

ROUTES: list[Route] = [
    # objects
    _r("GET", _OBJ, crm.list_objects, READ),
    _r("POST", _OBJ, crm.create_object, WRITE),
    _r("POST", _OBJ + "/search", crm.search, READ, kind="search"),
    _r("POST", _OBJ + "/batch/read", crm.batch_read, READ),
    _r("POST", _OBJ + "/batch/create", crm.batch_create, WRITE),
    _r("POST", _OBJ + "/batch/update", crm.batch_update, WRITE),
    _r("POST", _OBJ + "/batch/upsert", crm.batch_upsert, WRITE),
    _r("POST", _OBJ + "/batch/archive", crm.batch_archive, WRITE),
    _r("GET", _OBJ + "/<object_id>", crm.get_object, READ),
    _r("PATCH", _OBJ + "/<object_id>", crm.update_object, WRITE),
    _r("DELETE", _OBJ + "/<object_id>", crm.archive_object, WRITE),
    # properties: the schema scope, or the object's read scope
    _r("GET", "/crm/v3/properties/<object_type>", crm.get_properties, (SCHEMA, READ)),
    _r("GET", "/crm/v3/properties/<object_type>/<property_name>", crm.get_property, (SCHEMA, READ)),
    _r("GET", "/properties/v2/<object_type>/properties", crm.get_properties_v2, LEGACY),
    _r("GET", "/crm/v3/schemas", crm.get_schemas, "crm.schemas.custom.read"),
    _r("GET", "/crm/v3/owners", owners.get_owners, "crm.objects.owners.read"),
    _r("GET", "/crm/v3/pipelines/<object_type>", pipelines.get_pipelines, READ),
    # associations: legacy v3
    _r(
        "GET",
        "/crm/v3/objects/<from_type>/<object_id>/associations/<to_type>",
        crm.v3_list_associations,
        "crm.objects.{from}.read",
    ),
    _r(
        "POST",
        "/crm/v3/associations/<from_type>/<to_type>/batch/<op>",
        crm.v3_batch,
        "crm.objects.{from}.write",
    ),
    # associations: v4
    _r("GET", _V4 + "/<to_type>", crm.v4_list_associations, "crm.objects.{from}.read"),
    _r(
        "PUT", _V4 + "/default/<to_type>/<to_id>", crm.v4_create_default, "crm.objects.{from}.write"
    ),
    _r("PUT", _V4 + "/<to_type>/<to_id>", crm.v4_create, "crm.objects.{from}.write"),
    _r("DELETE", _V4 + "/<to_type>/<to_id>", crm.v4_archive, "crm.objects.{from}.write"),
    _r(
        "POST",
        "/crm/v4/associations/<from_type>/<to_type>/batch/<op>",
        crm.v4_batch,
        "crm.objects.{from}.write",
    ),
    _r(
        "POST",
        "/crm/v4/associations/<from_type>/<to_type>/batch/<a>/<b>",
        crm.v4_batch,
        "crm.objects.{from}.write",
    ),
    _r(
        "GET",
        "/crm/v4/associations/<from_type>/<to_type>/labels",
        crm.v4_labels,
        "crm.objects.{from}.read",
    ),
    # lists v3
    _r("GET", _LISTS, lists.get_lists, "crm.lists.read"),
    _r("POST", _LISTS + "/search", lists.search_lists, "crm.lists.read"),
    _r("GET", _LISTS + "/<list_id>", lists.get_list, "crm.lists.read"),
    _r("GET", _LISTS + "/<list_id>/memberships", lists.get_memberships, "crm.lists.read"),
    _r(
        "PUT",
        _LISTS + "/<list_id>/memberships/add",
        lists.add_memberships,
        "crm.lists.write",
        "crm.lists.read",
    ),
    _r(
        "PUT",
        _LISTS + "/<list_id>/memberships/remove",
        lists.remove_memberships,
        "crm.lists.write",
        "crm.lists.read",
    ),
    _r(
        "PUT",
        _LISTS + "/<list_id>/memberships/add-and-remove",
        lists.add_and_remove_memberships,
        "crm.lists.write",
        "crm.lists.read",
    ),
    # forms
    _r(
        "POST",
        "/submissions/v3/integration/submit/<portal_id>/<form_guid>",
        forms.submit_form,
        kind="forms",
    ),
    _r(
        "POST",
        "/submissions/v3/integration/secure/submit/<portal_id>/<form_guid>",
        forms.submit_form,
        "forms",
    ),
    _r("GET", "/marketing/v3/forms", forms.get_forms, "forms"),
    _r("GET", "/marketing/v3/forms/<form_id>", forms.get_form, "forms"),
    # workflows (legacy v2 enrollment; v3 listing)
    _r(
        "POST",
        _WF2 + "/<workflow_id>/enrollments/contacts/<path:email>",
        workflows.enroll,
        "automation",
    ),
    _r(
        "DELETE",
        _WF2 + "/<workflow_id>/enrollments/contacts/<path:email>",
        workflows.unenroll,
        "automation",
    ),
    _r(
        "GET",
        _WF2 + "/enrollments/contacts/<contact_id>",
        workflows.get_contact_enrollments,
        "automation",
    ),
    _r("GET", _WF2, workflows.get_workflows, "automation"),
    _r("GET", _WF2 + "/<workflow_id>", workflows.get_workflow, "automation"),
    _r("GET", "/automation/v3/workflows", workflows.get_workflows, "automation"),
    _r("GET", "/automation/v3/workflows/<workflow_id>", workflows.get_workflow, "automation"),
    # account details: HubSpot's basic scope, which every app has
    _r("GET", "/account-info/v3/details", account.account_details, "oauth"),
]

ALL_SCOPES = frozenset(
    [
        f"crm.objects.{t}.{rw}"
        for t in ("contacts", "companies", "deals")
        for rw in ("read", "write")
    ]
    + [f"crm.schemas.{t}.read" for t in ("contacts", "companies", "deals")]
    + ["crm.lists.read", "crm.lists.write", "automation", "forms", "oauth"]
    + ["contacts", "crm.schemas.custom.read", "crm.objects.owners.read"]
    + [scope for other in RECORDLESS_TYPES.values() for scope in other.scopes]
)

_AUTH_MESSAGE = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you "
    "can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)
_SCOPES_MESSAGE = (
    "This app hasn't been granted all required scopes to make this call. Read more about "
    "required scopes here: https://developers.hubspot.com/scopes."
)


@dataclass(frozen=True)
class RequestLog:
    """One served request (never its headers or token)."""

    method: str
    path: str
    query: str
    status: int | None  # None: connection dropped
    fault: (
        str | None
    )  # "random"/"injected" when a fault answered, "rate_limit" for a 429 from a window
    applied: bool  # the handler ran (state may have changed)
    client_port: int | None = None  # the client's side of the connection (one per connection)


class SandboxApp:
    """The WSGI application.

    Args:
        store: the portal state.
        token: the bearer token to accept.
        scopes: granted scopes (None: all).
        faults: latency / rate limits / fault schedule.
        log_size: how many :class:`RequestLog` entries to keep.
    """

    def __init__(
        self,
        store: Store,
        *,
        token: str,
        scopes: Iterable[str] | None,
        faults: Faults,
        log_size: int = 10_000,
    ):
        self.store = store
        self._token = token.encode()
        self.scopes = None if scopes is None else frozenset(scopes)
        self.faults = faults
        self.log: deque[RequestLog] = deque(maxlen=log_size)
        self._log_lock = threading.Lock()
        self._routes = ROUTES
        self._map = Map(
            [Rule(r.rule, methods=[r.method], endpoint=i) for i, r in enumerate(ROUTES)],
            strict_slashes=False,
        )

    def __repr__(self) -> str:
        return f"SandboxApp(routes={len(self._routes)})"

    def logged(self) -> list[RequestLog]:
        """The requests served so far, oldest first (a copy)."""
        with self._log_lock:
            return list(self.log)

    # -- WSGI -------------------------------------------------------------------------------

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        request = Request(environ)
        cid = str(uuid.uuid4())
        latency = self.faults.latency
        if latency:
            time.sleep(latency)
        fault = self.faults.decide(request.method, request.path)
        if fault is not None and not fault.after_apply:
            self._record(request, None if fault.drop else fault.status, fault.source, False)
            return fault_response(fault, cid)(environ, start_response)
        response, rate_limited, applied = self._dispatch(request, cid)
        if fault is not None and fault.truncate:
            self._record(request, response.status_code, fault.source, applied)
            return Truncated(response)(environ, start_response)
        if fault is not None:
            self._record(request, None if fault.drop else fault.status, fault.source, applied)
            return fault_response(fault, cid)(environ, start_response)
        self._record(request, response.status_code, "rate_limit" if rate_limited else None, applied)
        return response(environ, start_response)

    def _record(
        self, request: Request, status: int | None, fault: str | None, applied: bool
    ) -> None:
        with self._log_lock:
            self.log.append(
                RequestLog(
                    request.method,
                    request.path,
                    request.query_string.decode("latin-1"),
                    status,
                    fault,
                    applied,
                    _port_of(request.environ.get("REMOTE_PORT")),
                )
            )

    def _dispatch(self, request: Request, cid: str) -> tuple[Response, bool, bool]:
        """(response, answered by a rate-limit window, handler ran)."""
        rate_headers: dict[str, str] = {}
        try:
            route, args = self._match(request)
            refused, rate_headers = self._admit(route, request, cid)
            if refused is not None:
                return refused, True, False
            if route.kind != "forms":
                self._check_scopes(route, args)
            call = Call(request, args, request.host_url.rstrip("/"))
            reply = route.handler(call, self.store)
        except ApiError as exc:
            headers = {**rate_headers, **exc.headers}
            return json_response(exc.status, exc.body(cid), cid, headers), False, False
        except Exception:  # a bug in the sandbox: answer like HubSpot's 500 and log it
            log.exception("sandbox error on %s %s", request.method, request.path)
            body = render_error("Internal error", cid, category="INTERNAL_ERROR")
            return json_response(500, body, cid, rate_headers), False, True
        headers = {**rate_headers, **reply.headers}
        if reply.body is None:
            return empty_response(reply.status, cid, headers), False, True
        return json_response(reply.status, reply.body, cid, headers), False, True

    def _match(self, request: Request) -> tuple[Route, Mapping[str, Any]]:
        """The route of a request and its path arguments; 404 / 405 when there is none."""
        try:
            index, args = self._map.bind_to_environ(request.environ).match()
        except NotFound:
            raise ApiError(404, f"No endpoint at {request.method} {request.path}.", None) from None
        except MethodNotAllowed:
            raise ApiError(
                405, f"Method {request.method} is not allowed on {request.path}.", None
            ) from None
        return self._routes[index], args

    def _admit(
        self, route: Route, request: Request, cid: str
    ) -> tuple[Response | None, dict[str, str]]:
        """Auth and the route's rate-limit window: (a refusal or None, rate-limit headers).

        The forms submit endpoint needs no auth and has its own window; search has its
        5/s window and only the daily headers; every other API request counts against
        the burst window.
        """
        if route.kind == "forms":
            verdict = self.faults.take_forms()
            if verdict == "blocked":
                return text_response(429, "error code: 1015", cid), {}
            if verdict == "limited":
                return json_response(429, ten_secondly(cid), cid), {}
            return None, {}
        self._authenticate(request)
        if route.kind == "search":
            if not self.faults.take_search():
                error = ApiError(429, "You have reached your secondly limit.", "RATE_LIMITS")
                return json_response(429, error.body(cid), cid), {}
            return None, self._daily_headers()
        allowed, remaining = self.faults.take_burst()
        headers = self._rate_headers(remaining)
        if not allowed:
            return json_response(429, ten_secondly(cid), cid, headers), headers
        return None, headers

    # -- auth -------------------------------------------------------------------------------

    def _authenticate(self, request: Request) -> None:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), self._token
        ):
            raise ApiError(401, _AUTH_MESSAGE, "INVALID_AUTHENTICATION")

    def _check_scopes(self, route: Route, args: Mapping[str, Any]) -> None:
        if self.scopes is None or not route.scopes:
            return
        names = {}
        for key, slot in (("object_type", "type"), ("from_type", "from"), ("to_type", "to")):
            if key in args:
                names[slot] = type_name(args[key])
        groups = route.scopes
        subject = args.get("object_type") or args.get("from_type")
        other = recordless_type(subject) if subject else None
        if other is not None:  # only reads reach these types; HubSpot names their own scopes
            groups = (other.scopes,)
        for group in groups:
            options = [s.format(**names) for s in group]
            if not any(s in self.scopes for s in options):
                raise ApiError(
                    403,
                    _SCOPES_MESSAGE,
                    "MISSING_SCOPES",
                    errors=[
                        {
                            "message": "One or more of the following scopes are required.",
                            "context": {"requiredGranularScopes": options},
                        }
                    ],
                    links={"scopes": "https://developers.hubspot.com/scopes"},
                )

    # -- responses --------------------------------------------------------------------------

    def _daily_headers(self) -> dict[str, str]:
        daily, remaining = self.faults.daily()
        return {
            "X-HubSpot-RateLimit-Daily": str(daily),
            "X-HubSpot-RateLimit-Daily-Remaining": str(remaining),
        }

    def _rate_headers(self, remaining: int) -> dict[str, str]:
        limit, period = self.faults.burst_limit
        return {
            **self._daily_headers(),
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(int(period * 1000)),
            "X-HubSpot-RateLimit-Max": str(limit),
            "X-HubSpot-RateLimit-Remaining": str(remaining),
        }


def _port_of(raw: object) -> int | None:
    try:
        return int(str(raw))
    except ValueError:
        return None
