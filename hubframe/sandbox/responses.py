"""The HTTP responses the sandbox sends: JSON, empty, text, and the two broken ones.

Every response carries ``X-HubSpot-Correlation-Id``. :func:`fault_response`
answers a :class:`~.faults.FaultDecision`: HubSpot's 429 body, a 5xx error
body, a text body, or a connection dropped (:class:`Drop`) or cut off
mid-body (:class:`Truncated`).
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson
from werkzeug.wrappers import Response

from .errors import render_error
from .faults import FaultDecision

__all__ = [
    "json_response",
    "empty_response",
    "text_response",
    "ten_secondly",
    "fault_response",
    "Drop",
    "Truncated",
]

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

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def json_response(
    status: int, body: Any, cid: str, headers: dict[str, str] | None = None
) -> Response:
    """A JSON response (compact UTF-8, as HubSpot sends)."""
    data = orjson.dumps(body)
    resp = Response(data, status=status, content_type="application/json;charset=utf-8")
    resp.headers["X-HubSpot-Correlation-Id"] = cid
    for k, v in (headers or {}).items():
        resp.headers[k] = v
    return resp


def empty_response(status: int, cid: str, headers: dict[str, str]) -> Response:
    """A response without a body (and without Content-Type), e.g. a 204."""
    resp = Response(b"", status=status)
    resp.headers.pop("Content-Type", None)
    resp.headers["X-HubSpot-Correlation-Id"] = cid
    for k, v in headers.items():
        resp.headers[k] = v
    return resp


def text_response(status: int, text: str, cid: str) -> Response:
    """A text/plain response, e.g. the forms edge's ``error code: 1015``."""
    resp = Response(text, status=status, content_type="text/plain; charset=utf-8")
    resp.headers["X-HubSpot-Correlation-Id"] = cid
    return resp


def ten_secondly(cid: str) -> dict[str, Any]:
    """HubSpot's 429 body for the burst window (facts §2.13)."""
    return render_error(
        "You have reached your ten_secondly_rolling limit.",
        cid,
        extra={
            "errorType": "RATE_LIMIT",
            "policyName": "TEN_SECONDLY_ROLLING",
            "requestId": str(uuid.uuid4()),
        },
    )


def fault_response(fault: FaultDecision, cid: str) -> WsgiApp:
    """What to send for a fault that replaces the response (not ``truncate``)."""
    if fault.drop:
        return Drop()
    status = int(fault.status or 503)
    if fault.text is not None:
        resp = text_response(status, fault.text, cid)
        for k, v in fault.headers.items():
            resp.headers[k] = v
        return resp
    if status == 429:
        body: dict[str, Any] = ten_secondly(cid)
    else:
        body = render_error(_REASONS.get(status, "Error"), cid, category=_CATEGORIES.get(status))
    if fault.body:
        body.update(fault.body)
    return json_response(status, body, cid, fault.headers)


class Drop:
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


class Truncated:
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
        Drop()(environ, lambda *a: None)
