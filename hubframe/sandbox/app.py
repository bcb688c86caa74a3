"""The sandbox's WSGI app: routing, auth, scopes, rate limits, faults, headers.

The ONE route table, in every path family (legacy ``/crm/v3/...`` and ``/crm/v4/...``,
dated ``/crm/objects/2026-03/...`` and ``2026-09``), is :data:`~.routes.ROUTES` in
``routes.py``. Every request goes through :meth:`SandboxApp.__call__`:

1. sleep ``latency``; decide a fault (scheduled or random). A fault served
   *before* the request is applied answers now (429/502/503 or a dropped connection);
2. route (method + path) in :data:`ROUTES`; each handler lives with its area
   (``crm/handlers.py``, ``lists.py``, ``forms.py``, ``workflows.py``) and learns the
   family that served it from ``call.version``. A path no route serves is a 404 in
   HubSpot's error body (naming the versions there are when it asks for another one);
3. auth (401 ``INVALID_AUTHENTICATION``), rate limits (burst 429 / search 429 /
   forms 429), scopes (403 ``MISSING_SCOPES``) - the forms submit endpoint needs no auth;
4. the handler; an :class:`ApiError` becomes HubSpot's error body via the one renderer;
5. headers: ``X-HubSpot-Correlation-Id`` always, the ``X-HubSpot-RateLimit-*`` set on
   API responses (search: only the daily pair);
6. a fault decided with ``after_apply`` replaces the (already applied) response.
"""

from __future__ import annotations

import functools
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
from werkzeug.wrappers import Request

from .calls import Call
from .crm.definitions import recordless_type, scope_names, type_name
from .errors import ApiError, render_error
from .faults import Faults
from .responses import (
    Answer,
    Truncated,
    empty_response,
    fault_response,
    json_response,
    ten_secondly,
    text_response,
)
from .routes import ALL_SCOPES, ROUTES, Route, unknown_version
from .store import Store

__all__ = ["SandboxApp", "ROUTES", "Route", "RequestLog", "ALL_SCOPES"]

#: Matched (method, path) pairs kept before the cache starts over.
_MATCH_CACHE_SIZE = 4096

log = logging.getLogger("hubframe.sandbox")

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
        self._map = _route_map()
        # (method, PATH_INFO) -> (route index, path arguments): a client asks for the same
        # few paths page after page, and werkzeug's matcher walks the table each time.
        self._matched: dict[tuple[str, str], tuple[int, dict[str, Any]]] = {}
        self._matched_lock = threading.Lock()

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

    def _dispatch(self, request: Request, cid: str) -> tuple[Answer, bool, bool]:
        """(response, answered by a rate-limit window, handler ran)."""
        rate_headers: dict[str, str] = {}
        try:
            route, args = self._match(request)
            refused, rate_headers = self._admit(route, request, cid)
            if refused is not None:
                return refused, True, False
            if route.kind != "forms":
                self._check_scopes(route, args)
            call = Call(request, args, request.host_url.rstrip("/"), route.version)
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
        key = (request.method, request.environ.get("PATH_INFO", ""))
        hit = self._matched.get(key)
        if hit is None:
            hit = self._route_of(request)
            with self._matched_lock:
                if len(self._matched) >= _MATCH_CACHE_SIZE:  # ids in paths: keep it bounded
                    self._matched.clear()
                self._matched[key] = hit
        index, args = hit
        return self._routes[index], dict(args)

    def _route_of(self, request: Request) -> tuple[int, dict[str, Any]]:
        """werkzeug's match of a request: (route index, path arguments); ApiError 404 / 405."""
        try:
            index, args = self._map.bind_to_environ(request.environ).match()
        except NotFound:
            message = f"No endpoint at {request.method} {request.path}."
            hint = unknown_version(request.path)
            raise ApiError(404, f"{message} {hint}" if hint else message, None) from None
        except MethodNotAllowed:
            raise ApiError(
                405, f"Method {request.method} is not allowed on {request.path}.", None
            ) from None
        return index, dict(args)

    def _admit(
        self, route: Route, request: Request, cid: str
    ) -> tuple[Answer | None, dict[str, str]]:
        """Auth and the route's rate-limit window: (a refusal or None, rate-limit headers).

        The forms submit endpoint needs no auth and has its own window; search has its
        5/s window (and, with ``search_in_rate_limit``, a slot of the burst window) and only
        the daily headers; every other API request counts against
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
            if self.faults.search_in_rate_limit and not self.faults.take_burst()[0]:
                # Counted in the burst window too: refused as any request past it.
                return json_response(429, ten_secondly(cid), cid), {}
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
            options = [name for s in group for name in scope_names(s, names)]
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


@functools.cache
def _route_map() -> Map:
    """werkzeug's matcher over :data:`ROUTES`, built once: compiling its rules was most of
    the CPU of creating a sandbox, and a test suite creates hundreds. A ``Map`` is only
    read once built (werkzeug sorts it under its own lock), so every app shares it."""
    return Map(
        [Rule(r.rule, methods=[r.method], endpoint=i) for i, r in enumerate(ROUTES)],
        strict_slashes=False,
    )


def _port_of(raw: object) -> int | None:
    try:
        return int(str(raw))
    except ValueError:
        return None
