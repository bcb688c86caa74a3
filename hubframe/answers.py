"""What one answer from HubSpot means: the data, or a failure and whether to retry it.

The client's request loop (:meth:`hubframe.HubSpot._send`) sends; this module
reads what came back. :func:`read_answer` turns a response into its JSON, or a
:class:`Failure` (an error status, a redirect, a body that is not JSON, a page
without its ``results``, a page or record of the wrong shape); :func:`no_answer`
does the same for a request that got no response, :func:`too_slow` for one whose
answer did not arrive in time. Each failure carries the error to raise and what
the retry policy (:mod:`hubframe._retry`) needs to decide.

The shape check (:func:`shape_problem`) is the one place every reader's answers
pass through: a body is a JSON object (never a number, a string, a list or
``null``); ``results`` is a list of objects; a batch read's answer holds its
``results``; a CRM record (in a records path's answer, one record's answer, or any
object with a ``properties`` object) and an owner have an ``id``, and a record its
``properties`` as an object. Readers then index answers without AttributeError,
KeyError or TypeError.
"""

from __future__ import annotations

import json as _json
import re
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
import orjson

from . import _retry
from .errors import (
    HubSpotConnectionError,
    HubSpotError,
    HubSpotTimeoutError,
    UnexpectedResponseError,
    error_from_response,
)

__all__ = ["Failure", "json_body", "no_answer", "read_answer", "shape_problem", "too_slow"]


class Scrub(Protocol):
    """Hides the token in text shown; ``limit`` keeps only the start (cut, then scrubbed)."""

    def __call__(self, text: str, *, limit: int | None = None) -> str: ...


#: How much of a body that is not JSON an error quotes, and how much of a text error body
#: it keeps (as ``error.body``): an HTML page of megabytes is neither quoted nor scrubbed
#: whole, on every retry.
EXCERPT = 200
TEXT_BODY_LIMIT = 4000

#: The paths whose answers are CRM records (one, or a page of them): the objects family
#: in legacy (``/crm/v3/objects/...``) and dated (``/crm/objects/2026-09/...``) paths,
#: but not a record's associations below it.
_RECORDS_PATH = re.compile(r"^/crm/(?:v\d+/objects|objects/\d{4}-\d{2})/(?!.*/associations(?:/|$))")

#: One record's path (``.../objects/{type}/{id}``, not ``search`` or a batch): its answer,
#: when it has a body, is that record, so it must look like one even if emptied.
_ONE_RECORD_PATH = re.compile(
    r"^/crm/(?:v\d+/objects|objects/\d{4}-\d{2})/[^/]+/(?!search$|batch$)[^/]+$"
)

#: Batch reads: their records are the answer, so an answer without ``results`` is broken
#: (not "none of these exist", which would report every id missing).
_BATCH_READ_PATH = re.compile(r"^/crm/(?:v\d+/objects|objects/\d{4}-\d{2})/[^/]+/batch/read$")

#: The families of every endpoint hubframe reads: each answers a JSON object. An answer of
#: ``3`` or ``[]`` there is broken; another path (one a caller reaches through
#: ``request_json``, such as a legacy v2 endpoint answering a list) is left as it is.
_OBJECT_ANSWER_PATH = re.compile(
    r"^/(?:crm/|crm-object-schemas/|submissions/v3/|account-info/|automation/v3/workflows)"
)

#: Paths whose ``results`` are things known by an ``id`` without ``properties``.
_ID_RESULTS_PATH = re.compile(r"^/crm/v\d+/owners/?$")


@dataclass
class Failure:
    """One attempt that failed: the error to raise, and what the retry policy needs."""

    error: HubSpotError
    retryable: bool
    status: int | None = None
    body: Any = None
    retry_after: float | None = None


def json_body(response: httpx.Response) -> Any:
    """A response's JSON body (ValueError when it is not JSON).

    orjson first, for speed; the json module when orjson refuses what JSON allows, such
    as a lone surrogate escape (a value cut in the middle of an emoji), so one odd
    value does not make a whole page unreadable.
    """
    try:
        return orjson.loads(response.content)
    except orjson.JSONDecodeError:
        return _json.loads(response.content)


def no_answer(exc: httpx.HTTPError, method: str, path: str, kind: str, scrub: Scrub) -> Failure:
    """A request that got no (complete) response: retried unless it may have been applied.

    The message names the host and port (never the rest of the URL) and, for a refused
    connection, says so in words; a refusal is retried after
    :data:`~hubframe._retry.REFUSED_RETRY_DELAY` rather than the backoff."""
    connected = not isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout))
    err_cls = (
        HubSpotTimeoutError if isinstance(exc, httpx.TimeoutException) else HubSpotConnectionError
    )
    host = _host_of(exc)
    refused = _refused(exc)
    what = "connection refused" if refused else "no complete response"
    error: HubSpotError = err_cls(
        f"{what} from {host or 'HubSpot'} ({type(exc).__name__}: {scrub(str(exc))})",
        method=method,
        path=path,
        connected=connected,
        host=host,
    )
    retry = _retry.should_retry_transport(kind, connected=connected)
    delay = _retry.REFUSED_RETRY_DELAY if refused else None
    return Failure(_unsure_if_create(error, kind, connected), retry, retry_after=delay)


def _host_of(exc: httpx.HTTPError) -> str | None:
    """``host:port`` of the request that failed (no user, path or query), if known."""
    try:
        url = exc.request.url
    except RuntimeError:  # an exception raised without its request
        return None
    port = url.port or {"https": 443, "http": 80}.get(url.scheme)
    return f"{url.host}:{port}" if port else url.host


def _refused(exc: BaseException) -> bool:
    """Whether the host refused the connection (an OSError down the exception's chain)."""
    seen: BaseException | None = exc
    for _ in range(8):  # httpx -> httpcore -> the socket's OSError
        if seen is None:
            return False
        if isinstance(seen, ConnectionRefusedError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def too_slow(method: str, path: str, kind: str, timeout: float) -> Failure:
    """An answer still arriving when the request's deadline passed: a timeout like any other."""
    error: HubSpotError = HubSpotTimeoutError(
        f"no complete response from HubSpot within timeout={timeout:g} s (the answer was "
        "still arriving); raise HubSpot(timeout=...) if the server is only slow",
        method=method,
        path=path,
        connected=True,
    )
    retry = _retry.should_retry_transport(kind, connected=True)
    return Failure(_unsure_if_create(error, kind, True), retry)


def shape_problem(data: Any, path: str) -> str | None:
    """What is wrong with the shape of a decoded answer to ``path`` (a phrase to follow
    "HubSpot answered HTTP 200"), or None.

    ``data`` is a body that was there (an empty body is not checked): on the paths
    hubframe reads it must be a JSON object, since every answer there is one; ``3``,
    ``"ok"``, ``true``, ``[]`` or ``null`` is a broken answer, not an empty one. ``results``, where present, must
    be a list of objects, and a batch read's answer must have it; a record must have an
    id (a non-empty string or a whole number) and its ``properties`` as an object. A
    record is any item of a records path's answer (or that answer itself, and always
    one record's answer), and any object whose ``properties`` is an object; an owner
    (an item of the owners' answer) must have an id too.
    """
    if not isinstance(data, dict):
        if _OBJECT_ANSWER_PATH.match(path) is None:
            return None
        return f"with {_kind(data)} where a JSON object was expected"
    records = _RECORDS_PATH.match(path) is not None
    if "results" not in data:
        if _BATCH_READ_PATH.match(path):
            return "without its 'results' list (a batch read's records are there)"
        # The answer itself is a record only if it looks like one (a batch's answer
        # to a records path has a status and results instead), or is one record's.
        whole = records and (
            "id" in data or "properties" in data or _ONE_RECORD_PATH.match(path) is not None
        )
        problem = _record_problem(data, whole, "the answer")
        return None if problem is None else f"with a record of the wrong shape: {problem}"
    return _results_problem(data["results"], records or _ID_RESULTS_PATH.match(path) is not None)


def _results_problem(results: Any, records: bool) -> str | None:
    """What is wrong with an answer's ``results``, or None; ``records``: each item must
    have an id."""
    if not isinstance(results, list):
        return f"without a 'results' list ('results' is {_kind(results)})"
    for n, item in enumerate(results):
        if not isinstance(item, dict):
            return f"with a page of the wrong shape: results[{n}] is {_kind(item)}, not an object"
        problem = _record_problem(item, records, f"results[{n}]")
        if problem is not None:
            return f"with a page of the wrong shape: {problem}"
    return None


def _record_problem(item: dict[str, Any], records: bool, where: str) -> str | None:
    """What is wrong with one record, or None (also None for what is not a record)."""
    bag = item.get("properties")
    if not (records or isinstance(bag, dict)):
        return None
    record_id = item.get("id")
    if isinstance(record_id, bool) or not isinstance(record_id, (str, int)) or record_id == "":
        got = "no 'id'" if "id" not in item else f"an 'id' that is {_kind(record_id)}"
        return f"{where} is a record with {got}"
    if bag is not None and not isinstance(bag, dict):
        return f"{where} (id {str(record_id)[:40]!r}) has 'properties' that is {_kind(bag)}, not an object"
    return None


def _kind(value: Any) -> str:
    """How a message names a value's JSON type."""
    if value is None:
        return "null"
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    names.update({list: "a list", dict: "an object"})
    return names.get(type(value), f"a {type(value).__name__}")


def read_answer(
    response: httpx.Response,
    method: str,
    path: str,
    kind: str,
    decode: bool,
    require: str | None,
    scrub: Scrub,
) -> tuple[httpx.Response, Any] | Failure:
    """The response and its JSON (None for an empty body), or the failure it is.

    Args:
        response: the answer, read.
        method, path: the request, for messages.
        kind: the request kind (see :mod:`hubframe._retry`).
        decode: read the body as JSON.
        require: a key the JSON must hold a list under (``"results"`` for a page).
        scrub: hides the token in any text shown.
    """
    if response.status_code >= 400:
        return _status_failure(response, method, path, kind, scrub)
    if 300 <= response.status_code < 400:
        return Failure(_redirected(response, method, path), retryable=False)
    if not decode:
        return response, None
    try:
        data = json_body(response) if response.content else None
    except ValueError:
        error: HubSpotError = HubSpotConnectionError(
            f"HubSpot answered HTTP {response.status_code} with a body that is not "
            f"JSON: {_excerpt(response, scrub, EXCERPT)!r}",
            status=response.status_code,
            method=method,
            path=path,
        )
        retry = _retry.should_retry_transport(kind, connected=True)
        return Failure(_unsure_if_create(error, kind, True), retry)
    problem = None if not response.content else shape_problem(data, path)
    if problem is not None:
        return _broken(response, method, path, kind, problem)
    if require is not None and not (isinstance(data, dict) and isinstance(data.get(require), list)):
        error = UnexpectedResponseError(
            f"HubSpot answered HTTP {response.status_code} without a {require!r} list "
            f"(got {_excerpt(response, scrub, EXCERPT)!r})",
            status=response.status_code,
            method=method,
            path=path,
            correlation_id=response.headers.get("x-hubspot-correlation-id"),
        )
        return Failure(error, _retry.should_retry_transport(kind, connected=True))
    return response, data


def _excerpt(response: httpx.Response, scrub: Scrub, limit: int) -> str:
    """The start of a response's body as text, scrubbed: only the bytes that can make
    ``limit`` characters are decoded (4 a character at most in UTF-8) and only what is
    kept is scrubbed."""
    head = response.content[: 4 * limit + 4]
    text = head.decode(response.encoding or "utf-8", "replace")
    return scrub(text, limit=limit)


def _broken(response: httpx.Response, method: str, path: str, kind: str, what: str) -> Failure:
    """A successful status with an unusable body: retried like a broken answer."""
    error: HubSpotError = UnexpectedResponseError(
        f"HubSpot answered HTTP {response.status_code} {what}",
        status=response.status_code,
        method=method,
        path=path,
        correlation_id=response.headers.get("x-hubspot-correlation-id"),
    )
    retry = _retry.should_retry_transport(kind, connected=True)
    return Failure(_unsure_if_create(error, kind, True), retry)


def _status_failure(
    response: httpx.Response, method: str, path: str, kind: str, scrub: Scrub
) -> Failure:
    """An error status: its error, and whether the policy retries it."""
    try:
        body = json_body(response)
    except ValueError:  # HubSpot's forms host and proxies in between can send text
        body = _excerpt(response, scrub, TEXT_BODY_LIMIT)
    retry_after = _retry.parse_retry_after(response.headers)
    retryable = _retry.should_retry_status(kind, response.status_code, body)
    if retryable and retry_after is not None and retry_after > _retry.MAX_RETRY_AFTER:
        retryable = False  # e.g. 477 asking for hours: tell the user instead of hanging
    error = error_from_response(
        response.status_code,
        body,
        method=method,
        path=path,
        headers=response.headers,
        retry_after=retry_after,
    )
    return Failure(error, retryable, response.status_code, body, retry_after)


def _redirected(response: httpx.Response, method: str, path: str) -> UnexpectedResponseError:
    """A 3xx: never followed, since the token would be sent wherever it points."""
    where = urlsplit(response.headers.get("location", ""))
    host = where.netloc.rsplit("@", 1)[-1]  # never a user:password@ the Location holds
    target = f"{host}{where.path}" or "somewhere else"
    return UnexpectedResponseError(
        f"HubSpot answered HTTP {response.status_code}, a redirect to {target}; hubframe does "
        "not follow redirects, so the token never goes anywhere but base_url. Check base_url "
        "(and any proxy in between).",
        status=response.status_code,
        method=method,
        path=path,
    )


def _unsure_if_create(error: HubSpotError, kind: str, connected: bool) -> HubSpotError:
    """Tell the caller of a create that reached the server but got no usable answer."""
    if kind == "create" and connected:
        error.add_sentence(
            "The create may or may not have been applied; it was not repeated so "
            "that no duplicate is made. Look the record up before trying again."
        )
    return error
