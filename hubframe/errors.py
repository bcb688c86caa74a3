"""The hubframe error tree.

Every error hubframe raises derives from :class:`HubFrameError`::

    HubFrameError
    ├── ConfigurationError          no token, bad base URL, token over plain http
    ├── InputError                  a bad argument, caught before any request
    │   └── UnknownPropertyError    a property name the portal does not define
    ├── ExportError                 an export cannot start or resume
    │   └── SyncError               a sync cannot run as asked (full=False, but it must read in full)
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
        ├── UnexpectedResponseError not what was asked for: no results, a redirect, ids out of order
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
    "SyncError",
    "UnexpectedResponseError",
    "UnknownPropertyError",
    "ValidationError",
    "error_from_response",
    "is_edge_block",
    "property_problems",
    "required_hint",
    "required_properties",
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
    """An export cannot start, or cannot resume from its checkpoint.

    Attributes:
        message: what happened, without the advice.
        hint: what to do, in Python's words (e.g. :data:`START_OVER`); ``str(error)`` is
            the message followed by the hint, so a front end that names things its own
            way (the CLI's ``--no-resume``) swaps only this part.
    """

    #: The advice of every error that only starting over can get past.
    START_OVER = "pass resume=False to start over"

    def __init__(self, message: str, *, hint: str = ""):
        self.message = message
        self.hint = hint
        super().__init__(f"{message}; {hint}" if hint else message)


class SyncError(ExportError):
    """A sync cannot run as asked: ``full=False``, but only a full re-read is correct now."""


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
    """HTTP 400 with category VALIDATION_ERROR (bad property value, unknown property, a
    property the portal's rules require, ...).

    From API version 2026-09 HubSpot applies the rules a portal's admins set (a property
    required when another has some value, the required fields of the "Create record"
    form) to API writes; a write breaking one is this error, naming the property to
    supply in :attr:`required` and in its hint.

    Attributes:
        properties: every property HubSpot's body names (``errors[].context.propertyName``),
            in its order.
        required: those of them the write left out although a rule requires them.
    """

    def __init__(self, message: str, **kw: Any):
        problems = property_problems(kw.get("body"))
        self.properties = list(dict.fromkeys(name for name, _, _ in problems))
        self.required = required_properties(problems)
        super().__init__(_naming_rules(message, problems, self.required), **kw)

    def hint(self) -> str:
        return required_hint(self.required)


def property_problems(body: Any) -> list[tuple[str, str, str]]:
    """``(property, code, message)`` for each property a HubSpot error body (or one
    batch error of a 207) names in ``errors[].context.propertyName``."""
    errors = body.get("errors") if isinstance(body, dict) else None
    out: list[tuple[str, str, str]] = []
    for err in errors if isinstance(errors, list) else []:
        if not isinstance(err, dict):
            continue
        names = (err.get("context") or {}).get("propertyName") or []
        for name in names if isinstance(names, list) else [names]:
            out.append((str(name), str(err.get("code") or ""), str(err.get("message") or "")))
    return out


def required_properties(problems: list[tuple[str, str, str]]) -> list[str]:
    """The properties of :func:`property_problems` that a rule requires and the write left
    out. HubSpot's code for a broken 2026-09 rule is unconfirmed (the sandbox sends
    ``REQUIRED_FIELD``), so any code naming ``REQUIRED`` counts."""
    return list(dict.fromkeys(name for name, code, _ in problems if "REQUIRED" in code.upper()))


def required_hint(names: list[str], where: str = "the write") -> str:
    """What to do about properties a portal rule requires ('' for none); ``where`` says
    what to supply them in (``"the rows refused"``)."""
    if not names:
        return ""
    what = " and ".join(names)
    return (
        f"Supply {what} in {where}, or ask a HubSpot admin about the rule that requires "
        f"{'them' if len(names) > 1 else 'it'} (HubSpot applies the portal's required-property "
        "rules to API writes from API version 2026-09 on)."
    )


def _naming_rules(message: str, problems: list[tuple[str, str, str]], required: list[str]) -> str:
    """HubSpot's message, with the rule of each required property it does not name."""
    missing = [
        text or f"{name} is required"
        for name, code, text in problems
        if name in required and "REQUIRED" in code.upper() and name not in message
    ]
    if not missing:
        return message
    return f"{message.rstrip().rstrip('.')}: {'; '.join(dict.fromkeys(missing))}."


class AuthenticationError(APIStatusError):
    """HTTP 401: the token is missing, wrong or expired."""

    def hint(self) -> str:
        return (
            "Check the access token (HUBSPOT_ACCESS_TOKEN or HubSpot(token=...)): a Service Key "
            "(HubSpot: Settings > Integrations > Service Keys) or a project app's static token; "
            "a legacy private-app token is still accepted."
        )


class BatchError(APIStatusError):
    """HTTP 207: HubSpot applied a batch only in part (or not at all).

    Raised when no input of a batch write was applied; when some were, the result's
    ``df.attrs["failed"]`` lists the others and a :class:`HubFrameWarning` says so.

    Attributes:
        failures: every failed input: ``{"row": ..., "position": ..., "message": ...,
            "category": ..., "input": the input as sent}``, and an update's ``"id"``.
            ``row`` is the input frame's index label (``df.loc[f["row"]]``; the position
            for a list of dicts) and ``position`` its place from 0 (``df.iloc``).
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
    """A many-record create, update or upsert stopped part-way: what was written, what to
    send again.

    Raised when a batch fails (after retries) once earlier batches were written, or
    when the failing batch may have been applied; otherwise (the first batch, not
    applied) that batch's own error is raised, and the same call is the retry.
    ``status``, ``category``, ``correlation_id``, ``method`` and ``path`` are those of
    :attr:`error`, which is also ``__cause__``. Each input row is in exactly one of
    ``written_rows``, ``remaining_rows`` and ``uncertain_rows`` (positions from 0).

    Attributes:
        error: the :class:`HubSpotError` of the failing batch.
        operation, object_type: ``"create"`` / ``"update"`` / ``"upsert"``; ``"contacts"``, ...
        total: the number of input rows.
        batch, batch_number, batches: the failing batch's rows (a ``range``), its number
            (from 1) and the number of batches.
        applied: the failing batch was applied: ``"no"`` (429, 4xx, a refused connection),
            ``"maybe"`` (5xx, or the answer lost once the request reached HubSpot), or, for
            contacts looked up by email, ``"yes"`` / ``"no"``.
        looked_up, lookup_error: the batch's contacts were looked up by email; the
            lookup's error if it failed (those rows are then uncertain).
        written: the records written, as the write returns them, indexed by the input's
            index labels (positions for a list of dicts); ``written_rows``: positions.
        remaining: the input rows to send again, as passed (DataFrame rows keep their
            index): every row not known to be written except ``uncertain``; so
            ``create(err.remaining)`` / ``update(err.remaining)`` /
            ``upsert(err.remaining, id_property=...)`` is the retry.
        uncertain: rows of a create that may have been created and could not be looked
            up (companies and deals have no unique key): check HubSpot before sending
            them again. Empty for updates and upserts, which are harmless to repeat.
        remaining_rows, uncertain_rows: positions.
        not_written: the rows not known to be written, as ``range`` s.
        failures: inputs HubSpot refused (207) before, as :attr:`BatchError.failures`;
            they are in ``remaining`` too.
    """

    FIELDS = (
        "operation", "object_type", "total", "batch", "batch_number", "batches", "applied",
        "looked_up", "lookup_error", "written", "written_rows", "remaining", "remaining_rows",
        "uncertain", "uncertain_rows", "not_written", "failures",
    )  # fmt: skip
    operation: str
    object_type: str
    total: int
    batch: range
    batch_number: int
    batches: int
    applied: str
    looked_up: bool
    lookup_error: HubSpotError | None
    written: Any
    written_rows: list[int]
    remaining: Any
    remaining_rows: list[int]
    uncertain: Any
    uncertain_rows: list[int]
    not_written: list[range]
    failures: list[dict[str, Any]]

    def __init__(self, message: str, *, error: HubSpotError, hint: str = "", **fields: Any):
        """``fields``: every name of :attr:`FIELDS`."""
        self.error = error
        self._hint = hint
        for name in self.FIELDS:
            setattr(self, name, fields.pop(name))
        if fields:
            raise TypeError(f"unknown fields {sorted(fields)}")
        same = ("status", "category", "correlation_id", "method", "path", "body")
        super().__init__(message, **{k: getattr(error, k) for k in same})

    def hint(self) -> str:
        return self._hint


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
        where = "to the Service Key (or the app) whose token you use, then try again."
        if len(self.scopes) == 1:
            return f"Missing scope {self.scopes[0]}: add it {where}"
        if self.scopes:
            # HubSpot's list reads "one or more of the following scopes are required": for
            # property definitions it is alternatives (crm.schemas.X.read or crm.objects.X.read).
            return (
                f"Missing scope: HubSpot asks for one or more of {', '.join(self.scopes)}: "
                f"add one {where}"
            )
        return (
            "Add the scope HubSpot names to the Service Key (or the app) whose token you use, "
            "then try again."
        )


class NotFoundError(APIStatusError):
    """HTTP 404: no such record, list, form or workflow (or it was archived)."""

    def hint(self) -> str:
        """What to check, from the request's path (which names the id HubSpot did not find)."""
        path = self.path or ""
        for pattern, text in _NOT_FOUND_HINTS:
            match = pattern.match(path)
            if match:
                return text.format(*(_TYPE_NAMES.get(g, unquote(g)) for g in match.groups()))
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


class UnexpectedResponseError(HubSpotError):
    """HubSpot answered, but not with what the request asks for.

    A page without its ``results`` list (a 204, an error body sent with 200), a redirect
    (never followed: the token would go with it), ids out of the order the read asked
    for, an id already read, a cursor that does not advance. Using such an answer
    would end a read early or repeat records, so hubframe stops instead.
    """

    def hint(self) -> str:
        return (
            "Nothing was kept from this answer. If a proxy or gateway sits between you and "
            "HubSpot, check it; otherwise try again, and report it to HubSpot with the "
            "correlation id if it repeats."
        )


def is_edge_block(body: Any) -> bool:
    """True for the forms edge's text answer ``error code: 1015``: after ten 429s within a
    second it refuses this address for about a minute, and every retry meanwhile is lost."""
    return isinstance(body, str) and "error code: 1015" in body


class HubSpotConnectionError(HubSpotError):
    """No complete response arrived (refused, reset, truncated body, DNS, ...).

    Attributes:
        connected: whether the request reached the server (False: refused, DNS, connect
            timeout; HubSpot cannot have applied it).
        host: ``host:port`` the request went to, when known (never a user or password).
    """

    def __init__(self, message: str, *, connected: bool = True, host: str | None = None, **kw: Any):
        self.connected = connected
        self.host = host
        super().__init__(message, **kw)

    def hint(self) -> str:
        """What to check when nothing could be reached."""
        if self.connected or not self.host:
            return ""
        return (
            f"Nothing answered at {self.host}: check that the server there is running (a "
            "local sandbox: is it started, on that port?), that base_url (or "
            "$HUBFRAME_BASE_URL) names it, and any proxy or firewall in between."
        )


class HubSpotTimeoutError(HubSpotConnectionError):
    """The request timed out."""


#: The objects family in the legacy (``/crm/v3/objects``) and dated (``/crm/objects/2026-09``) paths.
_OBJECTS = r"/crm/(?:v\d/objects|objects/\d{4}-\d{2})"
#: An object type as a path names it: by name, or (dated deals) by type id.
_OBJECT_TYPE = r"(contacts|companies|deals|0-1|0-2|0-3)"
#: Type ids -> the resource a hint names (``hs.deals``). A copy of what ``paths`` sends:
#: this module imports nothing of hubframe.
_TYPE_NAMES = {"0-1": "contacts", "0-2": "companies", "0-3": "deals"}

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
        re.compile(r"^/crm/(?:v3/lists|lists/\d{4}-\d{2})/([^/]+)"),
        "No list with id {0} in this portal: hs.lists.all() lists the lists and their v3 ids "
        "(legacy v1 list ids are different numbers).",
    ),
    (
        re.compile(r"^/submissions/v3/integration/(?:secure/)?submit/([^/]+)/([^/]+)$"),
        "Check the portal id {0} and the form id {1}: both are in the form's URL in HubSpot "
        "(.../forms/<portal id>/editor/<form id>/...).",
    ),
    (
        re.compile(rf"^{_OBJECTS}/{_OBJECT_TYPE}/batch/"),
        "Check the ids: hs.{0}.get_many(ids) reads those that exist and lists the others "
        "in df.attrs['missing_ids'].",
    ),
    (
        re.compile(rf"^{_OBJECTS}/{_OBJECT_TYPE}/(?!batch/)([^/]+)"),
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
