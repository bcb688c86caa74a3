"""The hubframe error tree.

Every error hubframe raises derives from :class:`HubFrameError`::

    HubFrameError
    ├── ConfigurationError          no token, bad base URL, token over plain http
    ├── InputError                  a bad argument, caught before any request
    │   └── UnknownPropertyError    a property name the portal does not define
    ├── ExportError                 an export cannot start or resume
    └── HubSpotError                HubSpot (or the network) said no
        ├── APIStatusError          a response arrived with an error status
        │   ├── BatchError              207: some (or all) inputs of a batch failed
        │   ├── BadRequestError         400
        │   │   └── ValidationError     400 with category VALIDATION_ERROR
        │   ├── AuthenticationError     401
        │   ├── ForbiddenError          403 (a proxy's page, FORBIDDEN, ...)
        │   │   └── MissingScopesError  403 with category MISSING_SCOPES
        │   ├── NotFoundError           404
        │   ├── ConflictError           409 (``existing_id`` parsed)
        │   ├── RateLimitError          429, after retries
        │   └── ServerError             5xx, after retries
        ├── PartialWriteError       a many-record create/update stopped part-way (what to resend)
        └── HubSpotConnectionError  no (complete) response arrived
            └── HubSpotTimeoutError

Every :class:`HubSpotError` carries ``status`` (the status HubSpot sent, never
one made up), ``category``, ``correlation_id`` and ``message``. None of them ever
holds the bearer token: messages are built from HubSpot's response body and the
request's method and path only.

:class:`HubFrameWarning` is the one warning class; :func:`warn` emits it pointing
at the user's line rather than at hubframe's.
"""

from __future__ import annotations

import re
import sys
import warnings
from typing import Any
from urllib.parse import unquote

__all__ = [
    "APIStatusError",
    "AuthenticationError",
    "BadRequestError",
    "BatchError",
    "ConfigurationError",
    "ConflictError",
    "ExportError",
    "ForbiddenError",
    "HubFrameError",
    "HubFrameWarning",
    "HubSpotConnectionError",
    "HubSpotError",
    "HubSpotTimeoutError",
    "InputError",
    "MissingScopesError",
    "NotFoundError",
    "PartialWriteError",
    "RateLimitError",
    "ServerError",
    "UnknownPropertyError",
    "ValidationError",
    "error_from_response",
    "is_edge_block",
    "warn",
]


class HubFrameError(Exception):
    """Base class of every error raised by hubframe."""


class HubFrameWarning(UserWarning):
    """Something in the data needs the user's attention (e.g. cells that could not be read)."""


def warn(message: str) -> None:
    """Emit a :class:`HubFrameWarning` that points at the first caller outside hubframe."""
    warnings.warn(message, HubFrameWarning, stacklevel=user_stacklevel())


def user_stacklevel() -> int:
    """The ``stacklevel`` (for :func:`warnings.warn` called by the caller of this function)
    of the nearest frame outside the hubframe package."""
    frame = sys._getframe(1)  # noqa: SLF001 - the standard way to walk the caller's stack
    level = 1
    while frame is not None and frame.f_globals.get("__name__", "").startswith("hubframe"):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level


class ConfigurationError(HubFrameError):
    """The client cannot be built as asked (no token, bad URL, unsafe transport)."""


class InputError(HubFrameError, ValueError):
    """An argument is wrong; raised before any request is sent."""


class UnknownPropertyError(InputError):
    """A property name that the portal does not define.

    Attributes:
        names: the unknown names.
        suggestions: for each unknown name, the closest defined names.
    """

    def __init__(self, message: str, names: list[str], suggestions: dict[str, list[str]]):
        super().__init__(message)
        self.names = names
        self.suggestions = suggestions


class ExportError(HubFrameError):
    """An export cannot start, or cannot resume from its checkpoint."""


class HubSpotError(HubFrameError):
    """HubSpot answered with an error, or no answer arrived.

    Attributes:
        message: HubSpot's message (or a description of the network failure).
        status: the HTTP status, or None when no response arrived.
        category: HubSpot's error category (e.g. ``VALIDATION_ERROR``), if any.
        correlation_id: HubSpot's correlation id, to quote to HubSpot support.
        method, path: the request that failed (path only: never the query or token).
        body: the decoded error body (a dict), or None.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        category: str | None = None,
        correlation_id: str | None = None,
        method: str | None = None,
        path: str | None = None,
        body: Any = None,
    ):
        self.message = message
        self.status = status
        self.category = category
        self.correlation_id = correlation_id
        self.method = method
        self.path = path
        self.body = body
        super().__init__(self._render())

    def _render(self) -> str:
        where = f"{self.method} {self.path}: " if self.method and self.path else ""
        head = f"HTTP {self.status} " if self.status is not None else ""
        cat = f"[{self.category}] " if self.category else ""
        tail = f" (correlation id {self.correlation_id})" if self.correlation_id else ""
        hint = self.hint()
        return f"{where}{head}{cat}{self.message}{tail}" + (f"\n{hint}" if hint else "")

    def hint(self) -> str:
        """One line that tells the user what to do next ('' when there is nothing to add)."""
        return ""

    def add_sentence(self, text: str) -> None:
        """Add ``text`` to the message (e.g. what a caller knows that HubSpot did not say)."""
        self.message = f"{self.message} {text}"
        self.args = (self._render(),)


class APIStatusError(HubSpotError):
    """A response arrived with a non-success status."""


class BadRequestError(APIStatusError):
    """HTTP 400: HubSpot rejected the request as malformed."""


class ValidationError(BadRequestError):
    """HTTP 400 with category VALIDATION_ERROR (bad property value, unknown property, ...)."""


class AuthenticationError(APIStatusError):
    """HTTP 401: the token is missing, wrong or expired."""

    def hint(self) -> str:
        return (
            "Check the private-app access token (HUBSPOT_ACCESS_TOKEN or HubSpot(token=...)); "
            "tokens are shown in HubSpot under Settings > Integrations > Private apps."
        )


class BatchError(APIStatusError):
    """HTTP 207: HubSpot applied a batch only in part (or not at all).

    Raised when no input of a batch write was applied; when some were, the result's
    ``df.attrs["failed"]`` lists the others and a :class:`HubFrameWarning` says so.

    Attributes:
        failures: every failed input: ``{"row" or "id": ..., "message": ..., "category": ...,
            "input": the input as sent}``.
    """

    def __init__(
        self,
        message: str,
        *,
        failures: list[dict[str, Any]] | None = None,
        hint: str = "",
        **kw: Any,
    ):
        self.failures = list(failures or [])
        self._hint = hint
        super().__init__(message, **kw)

    def hint(self) -> str:
        return self._hint


class PartialWriteError(HubSpotError):
    """A many-record create or update stopped part-way: what was written, what to send again.

    Raised when a batch request fails (after retries) once earlier batches were
    written, or when the failing batch may have been applied. When nothing was
    written and the failing batch cannot have been (a 429, a 4xx, a refused
    connection on the first batch), that batch's own error is raised instead: the
    same call is then the retry. ``status``, ``category``, ``correlation_id``,
    ``method`` and ``path`` are those of :attr:`error`, which is also ``__cause__``.

    Every input row is in exactly one of ``written_rows``, ``remaining_rows`` and
    ``uncertain_rows`` (positions, counted from 0).

    Attributes:
        error: the :class:`HubSpotError` of the failing batch.
        operation: ``"create"`` or ``"update"``.
        object_type: ``"contacts"``, ``"companies"`` or ``"deals"``.
        total: the number of input rows.
        batch: the failing batch's rows (a ``range`` of positions).
        batch_number, batches: which batch failed (from 1), of how many.
        applied: whether the failing batch was applied: ``"no"`` (a 429, a 4xx, a refused
            connection; or contacts looked up by email and not found), ``"maybe"`` (a 5xx,
            or the answer lost after the request reached HubSpot), ``"yes"`` (contacts
            looked up by email and found).
        looked_up: the failing batch's contacts were looked up by email.
        lookup_error: the error of that lookup when it failed (its rows stay uncertain).
        written: the records written, as ``create`` / ``update`` returns them, indexed by
            the input's index labels (row positions for a list of dicts).
        written_rows: the positions of those input rows.
        remaining: the input rows to send again, as passed (DataFrame rows keeping their
            index, or the dicts): every row not known to be written, except ``uncertain``.
            ``create(err.remaining)`` / ``update(err.remaining)`` is the retry.
        remaining_rows: their positions.
        uncertain: rows of a create that may have been created and cannot be looked up
            (companies and deals have no unique key): check HubSpot for each before sending
            it again. Empty for updates (sending an update twice is harmless).
        uncertain_rows: their positions.
        not_written: the rows not known to be written (remaining and uncertain), as ranges.
        failures: inputs HubSpot refused (HTTP 207) in the batches before, as in
            :attr:`BatchError.failures`; they are in ``remaining`` too, and HubSpot refuses
            them again unless they are fixed.
    """

    #: Properties to look a possibly created record up by, per object type.
    LOOKUP_KEYS = {"contacts": "email", "companies": "name", "deals": "dealname"}

    def __init__(
        self,
        error: HubSpotError,
        *,
        operation: str,
        object_type: str,
        total: int,
        batch: range,
        batch_number: int,
        batches: int,
        applied: str,
        written: Any,
        written_rows: list[int],
        remaining: Any,
        remaining_rows: list[int],
        uncertain: Any,
        uncertain_rows: list[int],
        failures: list[dict[str, Any]] | None = None,
        looked_up: bool = False,
        lookup_error: HubSpotError | None = None,
    ):
        self.error = error
        self.operation = operation
        self.object_type = object_type
        self.total = total
        self.batch = batch
        self.batch_number = batch_number
        self.batches = batches
        self.applied = applied
        self.looked_up = looked_up
        self.lookup_error = lookup_error
        self.written = written
        self.written_rows = list(written_rows)
        self.remaining = remaining
        self.remaining_rows = list(remaining_rows)
        self.uncertain = uncertain
        self.uncertain_rows = list(uncertain_rows)
        self.not_written = _spans(sorted([*self.remaining_rows, *self.uncertain_rows]))
        self.failures = list(failures or [])
        super().__init__(
            self._summary(),
            status=error.status,
            category=error.category,
            correlation_id=error.correlation_id,
            method=error.method,
            path=error.path,
            body=error.body,
        )

    def _summary(self) -> str:
        done = "created" if self.operation == "create" else "updated"
        text = (
            f"the {self.operation} of {self.total} {self.object_type} stopped at batch "
            f"{self.batch_number} of {self.batches} ({_rows_text(self.batch)}): "
            f"{self.error.message.rstrip().rstrip('.')}. {len(self.written_rows)} {done}"
        )
        if self.written_rows:
            text += f" ({_rows_text(self.written_rows)})"
        text += f". {self._batch_outcome(done)}"
        after = range(self.batch.stop, self.total)
        if after:
            text += f" Not sent: {_rows_text(after)}."
        return text

    def _batch_outcome(self, done: str) -> str:
        where = f"Batch {self.batch_number}"
        if self.lookup_error is not None:
            return (
                f"{where} may have been applied, and looking its emails up failed too "
                f"({type(self.lookup_error).__name__}: {self.lookup_error.message[:200]})."
            )
        if self.looked_up:
            found = len([r for r in self.written_rows if r in self.batch])
            text = f"{where} was looked up by email: {found} found ({done}), "
            text += f"{len([r for r in self.remaining_rows if r in self.batch])} not"
            unsure = len(self.uncertain_rows)
            return text + (
                f", {unsure} without an email (may have been {done})." if unsure else "."
            )
        if self.applied == "maybe":
            return f"{where} may have been applied: its answer was an error or was lost."
        return f"{where} was not applied."

    def hint(self) -> str:
        obj = f"hs.{self.object_type}.{self.operation}(err.remaining)"
        if self.operation == "update":
            text = (
                f"Send {obj} to write the {len(self.remaining_rows)} rows not known to be "
                "updated; updates are idempotent, so re-sending the rows of a batch that "
                "may have been applied is harmless."
            )
        elif not self.remaining_rows:
            text = "Nothing is left to create from err.remaining."
        else:
            text = (
                f"Send {obj} to create the {len(self.remaining_rows)} rows not created; "
                "it makes no duplicate."
            )
        if self.uncertain_rows:
            key = self.LOOKUP_KEYS.get(self.object_type, "name")
            values = (
                f"[r[{key!r}] for r in err.uncertain]"
                if isinstance(self.uncertain, list)
                else f"list(err.uncertain[{key!r}])"
            )
            text += (
                f" The {len(self.uncertain_rows)} rows in err.uncertain "
                f"({_rows_text(self.uncertain_rows)}) may have been created: look each up "
                f"before sending it again, e.g. hs.{self.object_type}.search({key!r}, {values}, "
                f"operator='IN'){' (or by domain)' if self.object_type == 'companies' else ''}, "
                "or compare the createdate of the records created since the write began; "
                f"then create only those not found."
            )
        if self.failures:
            text += (
                f" {len(self.failures)} rows HubSpot refused are in err.failures (with the "
                "reason) and in err.remaining: fix or drop them first."
            )
        cause = self.error.hint()
        return f"{text} {cause}" if cause else text


def _spans(rows: list[int]) -> list[range]:
    """Sorted row positions as the fewest ranges: ``[0, 1, 2, 5]`` -> ``[range(0, 3), range(5, 6)]``."""
    out: list[range] = []
    for row in rows:
        if out and out[-1].stop == row:
            out[-1] = range(out[-1].start, row + 1)
        else:
            out.append(range(row, row + 1))
    return out


def _rows_text(rows: range | list[int]) -> str:
    """``rows 0-99, 200-299`` / ``row 7`` (positions counted from 0), for messages."""
    parts = _spans(sorted(rows))
    if len(parts) == 1 and len(parts[0]) == 1:
        return f"row {parts[0].start}"
    shown = ", ".join(str(p.start) if len(p) == 1 else f"{p.start}-{p.stop - 1}" for p in parts[:4])
    return f"rows {shown}" + (", ..." if len(parts) > 4 else "")


class ForbiddenError(APIStatusError):
    """HTTP 403: HubSpot (or something in between) refused the request.

    A 403 whose body says ``MISSING_SCOPES`` is a :class:`MissingScopesError`; any
    other (category ``FORBIDDEN``, a proxy's or firewall's page) is this class.
    """

    def hint(self) -> str:
        return (
            "The request was refused (not for a missing scope): check that the portal allows "
            "this app, and any proxy or firewall between you and HubSpot."
        )


class MissingScopesError(ForbiddenError):
    """HTTP 403 with category MISSING_SCOPES: the token's app lacks a scope.

    Attributes:
        scopes: the scopes HubSpot says are required (may be empty).
    """

    def __init__(self, message: str, *, scopes: list[str] | None = None, **kw: Any):
        self.scopes = list(scopes or [])
        super().__init__(message, **kw)

    def hint(self) -> str:
        if self.scopes:
            return f"Missing scope {', '.join(self.scopes)}: add it to your private app and use its new token."
        return "Add the required scope to your private app and use its new token."


class NotFoundError(APIStatusError):
    """HTTP 404: no such record, list, form or workflow (or it was archived)."""

    def hint(self) -> str:
        """What to check, from the request's path (which names the id HubSpot did not find)."""
        path = self.path or ""
        for pattern, text in _NOT_FOUND_HINTS:
            match = pattern.match(path)
            if match:
                return text.format(*(unquote(g) for g in match.groups()))
        return ""


class ConflictError(APIStatusError):
    """HTTP 409: e.g. a contact with that email already exists.

    Attributes:
        existing_id: the id of the existing record, parsed from "Existing ID: N".
    """

    def __init__(self, message: str, **kw: Any):
        match = re.search(r"Existing ID:\s*(\d+)", message or "")
        self.existing_id: str | None = match.group(1) if match else None
        super().__init__(message, **kw)

    def hint(self) -> str:
        if self.existing_id:
            return f"The record already exists with id {self.existing_id}: update it instead."
        return ""


class RateLimitError(APIStatusError):
    """HTTP 429 that retries did not get past (or a daily limit, which is not retried).

    Attributes:
        policy: HubSpot's ``policyName`` (``DAILY``, ``TEN_SECONDLY_ROLLING``, ...) if given.
        retry_after: seconds HubSpot asked to wait, if it said.
    """

    def __init__(
        self,
        message: str,
        *,
        policy: str | None = None,
        retry_after: float | None = None,
        **kw: Any,
    ):
        self.policy = policy
        self.retry_after = retry_after
        super().__init__(message, **kw)

    def hint(self) -> str:
        if self.policy == "DAILY":
            return (
                "The portal's daily API limit is used up; it resets at midnight in the portal's "
                "time zone. Retrying before then will fail again."
            )
        if self.policy == "EDGE_BLOCK":
            return (
                "HubSpot's edge refuses this address for about a minute after a burst of "
                "over-limit requests (error code 1015). Wait a minute, then go on more slowly "
                "(form submissions: at most 50 per 10 seconds)."
            )
        return "HubSpot kept answering 429: lower HubSpot(rate_limit=...) or try again shortly."


class ServerError(APIStatusError):
    """HTTP 5xx that retries did not get past."""


def is_edge_block(body: Any) -> bool:
    """True for the forms edge's text answer ``error code: 1015``: after ten 429s within a
    second it refuses this address for about a minute, and every retry meanwhile is lost."""
    return isinstance(body, str) and "error code: 1015" in body


class HubSpotConnectionError(HubSpotError):
    """No complete response arrived (refused, reset, truncated body, DNS, ...)."""


class HubSpotTimeoutError(HubSpotConnectionError):
    """The request timed out."""


#: Path -> what to check, for a 404. The first match wins; ``{0}``... are the path's groups.
_NOT_FOUND_HINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(r"^/automation/v\d/workflows/([^/]+)/enrollments/contacts/([^/]+)$"),
        "Either workflow {0} or the contact {1} does not exist: hs.workflows.all() lists the "
        "workflow ids, hs.contacts.get({1!r}, id_property='email') finds the contact.",
    ),
    (
        re.compile(r"^/automation/v\d/workflows/([^/]+)"),
        "No workflow with id {0} in this portal: hs.workflows.all() lists the workflow ids.",
    ),
    (
        re.compile(r"^/crm/v3/lists/([^/]+)"),
        "No list with id {0} in this portal: hs.lists.all() lists the lists and their v3 ids "
        "(legacy v1 list ids are different numbers).",
    ),
    (
        re.compile(r"^/submissions/v3/integration/(?:secure/)?submit/([^/]+)/([^/]+)$"),
        "Check the portal id {0} and the form id {1}: both are in the form's URL in HubSpot "
        "(.../forms/<portal id>/editor/<form id>/...).",
    ),
    (
        re.compile(r"^/crm/v\d/objects/(contacts|companies|deals)/batch/"),
        "Check the ids: hs.{0}.get_many(ids) reads those that exist and lists the others "
        "in df.attrs['missing_ids'].",
    ),
    (
        re.compile(r"^/crm/v\d/objects/(contacts|companies|deals)/(?!batch/)([^/]+)"),
        "No record with id {1} in {0} (never created, or deleted): check the id, e.g. in "
        "hs.{0}.get_all() or hs.{0}.search(...).",
    ),
)

_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: ForbiddenError,
    404: NotFoundError,
    409: ConflictError,
    429: RateLimitError,
}


def error_from_response(
    status: int,
    body: Any,
    *,
    method: str | None = None,
    path: str | None = None,
    headers: Any = None,
    retry_after: float | None = None,
) -> APIStatusError:
    """Map an error response to the one class that describes it.

    ``body`` is the decoded JSON body (or the raw text when it was not JSON).
    Missing fields are tolerated: HubSpot documents all of them as optional.
    """
    data = body if isinstance(body, dict) else {}
    text = body if isinstance(body, str) else ""
    message = str(data.get("message") or text.strip()[:300] or f"HTTP {status}")
    category = data.get("category") or data.get("errorType")
    correlation_id = data.get("correlationId")
    if correlation_id is None and headers is not None:
        correlation_id = headers.get("x-hubspot-correlation-id")
    common: dict[str, Any] = dict(
        status=status,
        category=category,
        correlation_id=correlation_id,
        method=method,
        path=path,
        body=body,
    )
    if status == 400 and category == "VALIDATION_ERROR":
        return ValidationError(message, **common)
    if status == 403 and (category == "MISSING_SCOPES" or _required_scopes(data)):
        return MissingScopesError(message, scopes=_required_scopes(data), **common)
    if status == 429:
        policy = data.get("policyName") or ("EDGE_BLOCK" if is_edge_block(text) else None)
        return RateLimitError(message, policy=policy, retry_after=retry_after, **common)
    cls = _BY_STATUS.get(status)
    if cls is None:
        cls = ServerError if status >= 500 else APIStatusError
    return cls(message, **common)


def _required_scopes(data: dict[str, Any]) -> list[str]:
    """Collect scope names from a MISSING_SCOPES body (they sit in errors[].context)."""
    scopes: list[str] = []
    for err in data.get("errors") or []:
        ctx = (err or {}).get("context") or {}
        for key in ("requiredGranularScopes", "requiredScopes"):
            for scope in ctx.get(key) or []:
                if scope not in scopes:
                    scopes.append(scope)
    for key in ("requiredGranularScopes", "requiredScopes"):
        for scope in (data.get("context") or {}).get(key) or []:
            if scope not in scopes:
                scopes.append(scope)
    return scopes
