"""The HTTP responses the sandbox sends: JSON, empty, text, and the two broken ones.

Every response carries ``X-HubSpot-Correlation-Id``. :func:`fault_response`
answers a :class:`~.faults.FaultDecision`: HubSpot's 429 body, a 5xx error
body, a text body, or a connection dropped (:class:`Drop`) or cut off
mid-body (:class:`Truncated`).

A response is an :class:`Answer`: a status, a list of headers and the body bytes, a WSGI
application of its own. It sends what werkzeug's ``Response`` sent (the same status
lines, headers and order) without building one per request: the sandbox answers every
page of every read, and that object was a measurable share of its CPU per page.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import orjson
from werkzeug.http import HTTP_STATUS_CODES

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
    "Answer",
    "status_line",
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


_JSON = "application/json;charset=utf-8"
_TEXT = "text/plain; charset=utf-8"
_STATUS_LINES: dict[int, str] = {}


def status_line(code: int) -> str:
    """``"200 OK"``, ``"207 MULTI STATUS"``, ``"477 UNKNOWN"``: werkzeug's spelling."""
    line = _STATUS_LINES.get(code)
    if line is None:
        reason = HTTP_STATUS_CODES.get(code)
        line = _STATUS_LINES[code] = f"{code} {reason.upper() if reason else 'UNKNOWN'}"
    return line


class Answer:
    """One response: status code, headers in the order they are sent, body.

    Called as a WSGI application it sends them; ``Content-Length`` is among the
    headers unless the status has no body (1xx, 204, 304), as werkzeug does.
    """

    __slots__ = ("status_code", "headers", "body")

    def __init__(self, status_code: int, body: bytes, headers: list[tuple[str, str]]):
        self.status_code = status_code
        self.body = body
        self.headers = headers

    @property
    def status(self) -> str:
        return status_line(self.status_code)

    def get_data(self) -> bytes:
        return self.body

    def set_header(self, name: str, value: str) -> None:
        """Set a header, replacing one of the same name (any case) where it stands."""
        lowered = name.lower()
        for i, (key, _) in enumerate(self.headers):
            if key.lower() == lowered:
                self.headers[i] = (key, value)
                return
        self.headers.append((name, value))

    def update(self, headers: dict[str, str]) -> None:
        for key, value in headers.items():
            self.set_header(key, value)

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        start_response(status_line(self.status_code), self.headers)
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [self.body]


def _answer(status: int, body: bytes, content_type: str | None, cid: str) -> Answer:
    headers = [] if content_type is None else [("Content-Type", content_type)]
    if not (100 <= status < 200 or status in (204, 304)):
        headers.append(("Content-Length", str(len(body))))
    headers.append(("X-HubSpot-Correlation-Id", cid))
    return Answer(status, body, headers)


def json_response(
    status: int, body: Any, cid: str, headers: dict[str, str] | None = None
) -> Answer:
    """A JSON response (compact UTF-8, as HubSpot sends)."""
    resp = _answer(status, orjson.dumps(body), _JSON, cid)
    if headers:
        resp.update(headers)
    return resp


def empty_response(status: int, cid: str, headers: dict[str, str]) -> Answer:
    """A response without a body (and without Content-Type), e.g. a 204."""
    resp = _answer(status, b"", None, cid)
    resp.update(headers)
    return resp


def text_response(status: int, text: str, cid: str) -> Answer:
    """A text/plain response, e.g. the forms edge's ``error code: 1015``."""
    return _answer(status, text.encode(), _TEXT, cid)


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
        resp.update(fault.headers)
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

    def __init__(self, response: Answer):
        self.body = response.get_data()
        self.response = response

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        self.response.set_header("Content-Length", str(len(self.body)))
        start_response(self.response.status, list(self.response.headers))
        return self._half(environ)

    def _half(self, environ: dict[str, Any]) -> Iterator[bytes]:
        yield self.body[: len(self.body) // 2]
        Drop()(environ, lambda *a: None)
