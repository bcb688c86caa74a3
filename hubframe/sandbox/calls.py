"""What every handler works with: the routed request (:class:`Call`) and its :class:`Reply`.

A handler is ``handler(call, store) -> Reply``: it parses the request with the
:class:`Call`'s helpers, calls one store operation and shapes the reply. Rules
about the data live in the store; here are only HTTP matters: query
parameters, JSON bodies, envelopes (``results``/``paging``, batch ``status``),
status codes and HubSpot's input limits on them.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from .crm.definitions import ObjectType, RecordlessType, object_type, recordless_type
from .errors import ApiError, validation_error
from .values import iso_ms, now_ms

if TYPE_CHECKING:  # pragma: no cover
    from werkzeug.wrappers import Request

__all__ = ["Call", "Reply", "paging", "batch_reply", "input_ids", "BATCH_MAX", "LEGACY"]

# The sandbox's own copy of HubSpot's batch limit (the client keeps its own on purpose).
BATCH_MAX = 100

#: ``Call.version`` of a request served by a legacy path (``/crm/v3/...``, ``/crm/v4/...``).
LEGACY = "legacy"

# (base URL, path, query without after) -> the query's other parameters, encoded.
_LINKS: dict[tuple[str, str, str], str] = {}
_LINKS_SIZE = 1024


def _without_after(query: str) -> str:
    return "&".join(part for part in query.split("&") if not part.startswith("after="))


@dataclass
class Reply:
    """A response: status, JSON body (None: no body) and extra headers."""

    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


class Call:
    """One routed request, as the handlers see it.

    Attributes:
        request: the werkzeug request.
        args: the path's captured segments.
        base_url: scheme and host the request was sent to (for ``paging.next.link``).
        version: the path family that served it: ``"legacy"`` (``/crm/v3/...``,
            ``/crm/v4/...``), ``"2026-03"`` or ``"2026-09"`` (``/crm/objects/2026-09/...``).
    """

    def __init__(
        self,
        request: Request,
        args: Mapping[str, str],
        base_url: str,
        version: str = LEGACY,
    ):
        self.request = request
        self.args = args
        self.base_url = base_url
        self.version = version
        self._raw: bytes | None = None

    @property
    def dated(self) -> bool:
        """Whether a dated version (2026-03, 2026-09) served the request."""
        return self.version != LEGACY

    # -- path -------------------------------------------------------------------------------

    def otype(self, key: str = "object_type") -> ObjectType:
        return object_type(self.args[key])

    def recordless(self, *keys: str) -> RecordlessType | None:
        """The first of the path's object types (default ``object_type``) that the portal
        has no records of (tickets, products ...), or None."""
        for key in keys or ("object_type",):
            found = recordless_type(self.args[key])
            if found is not None:
                return found
        return None

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
        # A loader asks for page after page with the same parameters but ``after``: the
        # rest of the query is encoded once (a long ``properties=`` took a real share of a
        # page's CPU). The key is the raw query without its raw ``after=`` parts; what it
        # maps to leaves out every parameter that decodes to ``after``, so it is one value.
        raw = self.request.environ.get("QUERY_STRING", "")
        key = (self.base_url, self.request.path, _without_after(raw))
        rest = _LINKS.get(key)
        if rest is None:
            rest = urlencode(
                [(k, v) for k, v in self.request.args.items(multi=True) if k != "after"]
            )
            if len(_LINKS) >= _LINKS_SIZE:
                _LINKS.clear()
            _LINKS[key] = rest
        tail = urlencode([("after", after)])
        return f"{key[0]}{key[1]}?{rest}&{tail}" if rest else f"{key[0]}{key[1]}?{tail}"

    def associations(self) -> list[str]:
        """The ``associations=`` types this portal models. HubSpot ignores association types
        it does not return (leads, goals, feedback ... here), as its spec says, so
        loaders that ask for every type (dlt, Airbyte) get the ones there are."""
        names = []
        for raw in dict.fromkeys(self.csv("associations") or []):
            try:
                names.append(object_type(raw).name)
            except ApiError:
                continue
        return names


def paging(call: Call, after: int | None, *, link: bool = True) -> dict[str, Any]:
    """``{"paging": {"next": {after, link}}}``, or ``{}`` on the last page."""
    if after is None:
        return {}
    nxt: dict[str, str] = {"after": str(after)}
    if link:
        nxt["link"] = call.link(str(after))
    return {"paging": {"next": nxt}}


def batch_reply(results: list[Any], errors: list[dict[str, Any]], ok: int, started: int) -> Reply:
    """A batch envelope: status ``ok``, or 207 with ``numErrors`` and ``errors``."""
    body: dict[str, Any] = {"status": "COMPLETE", "results": results}
    if errors:
        body["numErrors"] = len(errors)
        body["errors"] = errors
    body["startedAt"] = iso_ms(started)
    body["completedAt"] = iso_ms(now_ms())
    return Reply(207 if errors else ok, body)


def input_ids(inputs: list[Any]) -> list[str]:
    """The ``id`` of each batch input."""
    out = []
    for item in inputs:
        if not isinstance(item, dict) or "id" not in item:
            raise validation_error("Each input must be an object with an id.")
        out.append(str(item["id"]))
    return out
