"""The sandbox's WSGI app: ONE route table, auth, scopes, rate limits, faults, headers.

Every request goes through :meth:`SandboxApp.__call__`:

1. sleep ``latency``; decide a fault (scheduled or random). A fault served
   *before* the request is applied answers now (429/502/503 or a dropped connection);
2. route (method + path) in :data:`ROUTES`;
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
import socket
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from . import handlers as h
from .definitions import object_type
from .errors import ApiError, render_error
from .faults import FaultDecision, Faults
from .store import Store

__all__ = ["SandboxApp", "ROUTES", "Route", "RequestLog", "ALL_SCOPES"]

log = logging.getLogger("hubframe.sandbox")

READ = "crm.objects.{type}.read"
WRITE = "crm.objects.{type}.write"
SCHEMA = "crm.schemas.{type}.read"


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
    handler: Callable[[h.Call], h.Reply]
    scopes: tuple[tuple[str, ...], ...] = ()
    kind: str = "api"


def _r(
    method: str, rule: str, handler: Callable[[h.Call], h.Reply], *scopes: Any, kind: str = "api"
) -> Route:
    groups = tuple(tuple(s) if isinstance(s, tuple) else (s,) for s in scopes)
    return Route(method, rule, handler, groups, kind)


_OBJ = "/crm/v3/objects/<object_type>"
_V4 = "/crm/v4/objects/<from_type>/<object_id>/associations"
_LISTS = "/crm/v3/lists"
_WF2 = "/automation/v2/workflows"

ROUTES: list[Route] = [
    # objects
    _r("GET", _OBJ, h.list_objects, READ),
    _r("POST", _OBJ, h.create_object, WRITE),
    _r("POST", _OBJ + "/search", h.search, READ, kind="search"),
    _r("POST", _OBJ + "/batch/read", h.batch_read, READ),
    _r("POST", _OBJ + "/batch/create", h.batch_create, WRITE),
    _r("POST", _OBJ + "/batch/update", h.batch_update, WRITE),
    _r("POST", _OBJ + "/batch/upsert", h.batch_upsert, WRITE),
    _r("POST", _OBJ + "/batch/archive", h.batch_archive, WRITE),
    _r("GET", _OBJ + "/<object_id>", h.get_object, READ),
    _r("PATCH", _OBJ + "/<object_id>", h.update_object, WRITE),
    _r("DELETE", _OBJ + "/<object_id>", h.archive_object, WRITE),
    # properties: the schema scope, or the object's read scope
    _r("GET", "/crm/v3/properties/<object_type>", h.get_properties, (SCHEMA, READ)),
    _r("GET", "/crm/v3/properties/<object_type>/<property_name>", h.get_property, (SCHEMA, READ)),
    # associations: legacy v3
    _r(
        "GET",
        "/crm/v3/objects/<from_type>/<object_id>/associations/<to_type>",
        h.v3_list_associations,
        "crm.objects.{from}.read",
    ),
    _r(
        "POST",
        "/crm/v3/associations/<from_type>/<to_type>/batch/<op>",
        h.v3_batch,
        "crm.objects.{from}.write",
    ),
    # associations: v4
    _r("GET", _V4 + "/<to_type>", h.v4_list_associations, "crm.objects.{from}.read"),
    _r("PUT", _V4 + "/default/<to_type>/<to_id>", h.v4_create_default, "crm.objects.{from}.write"),
    _r("PUT", _V4 + "/<to_type>/<to_id>", h.v4_create, "crm.objects.{from}.write"),
    _r("DELETE", _V4 + "/<to_type>/<to_id>", h.v4_archive, "crm.objects.{from}.write"),
    _r(
        "POST",
        "/crm/v4/associations/<from_type>/<to_type>/batch/<op>",
        h.v4_batch,
        "crm.objects.{from}.write",
    ),
    _r(
        "POST",
        "/crm/v4/associations/<from_type>/<to_type>/batch/<a>/<b>",
        h.v4_batch,
        "crm.objects.{from}.write",
    ),
    _r(
        "GET",
        "/crm/v4/associations/<from_type>/<to_type>/labels",
        h.v4_labels,
        "crm.objects.{from}.read",
    ),
    # lists v3
    _r("GET", _LISTS, h.get_lists, "crm.lists.read"),
    _r("POST", _LISTS + "/search", h.search_lists, "crm.lists.read"),
    _r("GET", _LISTS + "/<list_id>", h.get_list, "crm.lists.read"),
    _r("GET", _LISTS + "/<list_id>/memberships", h.get_memberships, "crm.lists.read"),
    _r(
        "PUT",
        _LISTS + "/<list_id>/memberships/add",
        h.add_memberships,
        "crm.lists.write",
        "crm.lists.read",
    ),
    _r(
        "PUT",
        _LISTS + "/<list_id>/memberships/remove",
        h.remove_memberships,
        "crm.lists.write",
        "crm.lists.read",
    ),
    _r(
        "PUT",
        _LISTS + "/<list_id>/memberships/add-and-remove",
        h.add_and_remove_memberships,
        "crm.lists.write",
        "crm.lists.read",
    ),
    # forms
    _r(
        "POST",
        "/submissions/v3/integration/submit/<portal_id>/<form_guid>",
        h.submit_form,
        kind="forms",
    ),
    _r(
        "POST",
        "/submissions/v3/integration/secure/submit/<portal_id>/<form_guid>",
        h.submit_form,
        "forms",
    ),
    _r("GET", "/marketing/v3/forms", h.get_forms, "forms"),
    _r("GET", "/marketing/v3/forms/<form_id>", h.get_form, "forms"),
    # workflows (legacy v2 enrollment; v3 listing)
    _r("POST", _WF2 + "/<workflow_id>/enrollments/contacts/<path:email>", h.enroll, "automation"),
    _r(
        "DELETE",
        _WF2 + "/<workflow_id>/enrollments/contacts/<path:email>",
        h.unenroll,
        "automation",
    ),
    _r("GET", _WF2 + "/enrollments/contacts/<contact_id>", h.get_contact_enrollments, "automation"),
    _r("GET", _WF2, h.get_workflows, "automation"),
    _r("GET", _WF2 + "/<workflow_id>", h.get_workflow, "automation"),
    _r("GET", "/automation/v3/workflows", h.get_workflows, "automation"),
    _r("GET", "/automation/v3/workflows/<workflow_id>", h.get_workflow, "automation"),
]

ALL_SCOPES = frozenset(
    [
        f"crm.objects.{t}.{rw}"
        for t in ("contacts", "companies", "deals")
        for rw in ("read", "write")
    ]
    + [f"crm.schemas.{t}.read" for t in ("contacts", "companies", "deals")]
    + ["crm.lists.read", "crm.lists.write", "automation", "forms"]
)

_AUTH_MESSAGE = (
    "Authentication credentials not found. This API supports OAuth 2.0 authentication and you "
    "can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview"
)
_SCOPES_MESSAGE = (
    "This app hasn't been granted all required scopes to make this call. Read more about "
    "required scopes here: https://developers.hubspot.com/scopes."
)
_REASONS = {
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
    423: "Locked",
    477: "Migration in Progress",
}
_CATEGORIES = {
    400: "VALIDATION_ERROR",
    401: "INVALID_AUTHENTICATION",
    403: "MISSING_SCOPES",
    404: "OBJECT_NOT_FOUND",
    409: "CONFLICT",
}


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
            return self._fault(fault, environ, cid)(environ, start_response)
        response, rate_limited, applied = self._dispatch(request, cid)
        if fault is not None and fault.truncate:
            self._record(request, response.status_code, fault.source, applied)
            return _Truncated(response)(environ, start_response)
        if fault is not None:
            self._record(request, None if fault.drop else fault.status, fault.source, applied)
            return self._fault(fault, environ, cid)(environ, start_response)
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
                )
            )

    def _dispatch(self, request: Request, cid: str) -> tuple[Response, bool, bool]:
        """(response, answered by a rate-limit window, handler ran)."""
        route: Route | None = None
        rate_headers: dict[str, str] = {}
        try:
            try:
                index, args = self._map.bind_to_environ(request.environ).match()
            except NotFound:
                raise ApiError(
                    404, f"No endpoint at {request.method} {request.path}.", None
                ) from None
            except MethodNotAllowed:
                raise ApiError(
                    405, f"Method {request.method} is not allowed on {request.path}.", None
                ) from None
            route = self._routes[index]
            if route.kind == "forms":
                verdict = self.faults.take_forms()
                if verdict == "blocked":
                    return _text(429, "error code: 1015", cid), True, False
                if verdict == "limited":
                    return self._json(429, self._ten_secondly(cid), cid), True, False
            else:
                self._authenticate(request)
                if route.kind == "search":
                    if not self.faults.take_search():
                        raise _RateLimited(
                            ApiError(429, "You have reached your secondly limit.", "RATE_LIMITS")
                        )
                    rate_headers = self._daily_headers()
                else:
                    allowed, remaining = self.faults.take_burst()
                    rate_headers = self._rate_headers(remaining)
                    if not allowed:
                        return (
                            self._json(429, self._ten_secondly(cid), cid, rate_headers),
                            True,
                            False,
                        )
                self._check_scopes(route, args)
            call = h.Call(request, args, self.store, request.host_url.rstrip("/"))
            reply = route.handler(call)
        except _RateLimited as exc:
            return self._json(429, exc.error.body(cid), cid, rate_headers), True, False
        except ApiError as exc:
            headers = {**rate_headers, **exc.headers}
            return self._json(exc.status, exc.body(cid), cid, headers), False, False
        except Exception:  # a bug in the sandbox: answer like HubSpot's 500 and log it
            log.exception("sandbox error on %s %s", request.method, request.path)
            body = render_error("Internal error", cid, category="INTERNAL_ERROR")
            return self._json(500, body, cid, rate_headers), False, True
        headers = {**rate_headers, **reply.headers}
        if reply.body is None:
            return _empty(reply.status, cid, headers), False, True
        return self._json(reply.status, reply.body, cid, headers), False, True

    # -- auth -------------------------------------------------------------------------------

    def _authenticate(self, request: Request) -> None:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), self._token
        ):
            raise ApiError(401, _AUTH_MESSAGE, "INVALID_AUTHENTICATION")

    def _check_scopes(self, route: Route, args: dict[str, str]) -> None:
        if self.scopes is None or not route.scopes:
            return
        names = {}
        for key, slot in (("object_type", "type"), ("from_type", "from"), ("to_type", "to")):
            if key in args:
                names[slot] = object_type(args[key]).name
        for group in route.scopes:
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

    @staticmethod
    def _ten_secondly(cid: str) -> dict[str, Any]:
        return render_error(
            "You have reached your ten_secondly_rolling limit.",
            cid,
            extra={
                "errorType": "RATE_LIMIT",
                "policyName": "TEN_SECONDLY_ROLLING",
                "requestId": str(uuid.uuid4()),
            },
        )

    @staticmethod
    def _json(status: int, body: Any, cid: str, headers: dict[str, str] | None = None) -> Response:
        data = orjson.dumps(body)  # compact UTF-8, as HubSpot sends
        resp = Response(data, status=status, content_type="application/json;charset=utf-8")
        resp.headers["X-HubSpot-Correlation-Id"] = cid
        for k, v in (headers or {}).items():
            resp.headers[k] = v
        return resp

    def _fault(
        self, fault: FaultDecision, environ: dict[str, Any], cid: str
    ) -> Callable[..., Iterable[bytes]]:
        if fault.drop:
            return _Drop()
        status = int(fault.status or 503)
        if fault.text is not None:
            resp = _text(status, fault.text, cid)
            for k, v in fault.headers.items():
                resp.headers[k] = v
            return resp
        if status == 429:
            body: dict[str, Any] = self._ten_secondly(cid)
        else:
            body = render_error(
                _REASONS.get(status, "Error"), cid, category=_CATEGORIES.get(status)
            )
        if fault.body:
            body.update(fault.body)
        return self._json(status, body, cid, fault.headers)


class _RateLimited(Exception):
    def __init__(self, error: ApiError):
        self.error = error


class _Drop:
    """Close the client's connection without answering (a 'dropped connection' fault).

    Under the sandbox's server the socket is shut down and ConnectionAbortedError
    tells the server the connection is gone. In-process (``httpx.WSGITransport``)
    there is no socket: httpx's own RemoteProtocolError reaches the client, as a
    closed connection would over the network.
    """

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        message = "hubframe sandbox fault: connection dropped without a response"
        sock = environ.get("werkzeug.socket")
        if sock is None:
            import httpx

            raise httpx.RemoteProtocolError(message)
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        raise ConnectionAbortedError(message)


class _Truncated:
    """Send a response's headers (with its full Content-Length) and half its body, then
    close the connection: a connection reset mid-body, as a client sees it."""

    def __init__(self, response: Response):
        self.body = response.get_data()
        self.response = response

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        self.response.headers["Content-Length"] = str(len(self.body))
        start_response(self.response.status, list(self.response.headers.items()))
        return self._half(environ)

    def _half(self, environ: dict[str, Any]) -> Iterator[bytes]:
        yield self.body[: len(self.body) // 2]
        _Drop()(environ, lambda *a: None)


def _empty(status: int, cid: str, headers: dict[str, str]) -> Response:
    resp = Response(b"", status=status)
    resp.headers.pop("Content-Type", None)
    resp.headers["X-HubSpot-Correlation-Id"] = cid
    for k, v in headers.items():
        resp.headers[k] = v
    return resp


def _text(status: int, text: str, cid: str) -> Response:
    resp = Response(text, status=status, content_type="text/plain; charset=utf-8")
    resp.headers["X-HubSpot-Correlation-Id"] = cid
    return resp
