"""The HubSpot client: configuration, one ``httpx.Client``, and the request loop.

Everything that talks to HubSpot goes through :meth:`HubSpot.request`, which
applies the rate limiter, the retry policy (``hubframe._retry``) and the error
mapping (``hubframe.errors``). The resources (``hs.contacts``, ``hs.lists``,
...) are built on first use so that ``import hubframe`` stays light.
"""

from __future__ import annotations

import logging
import os
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any

import httpx

from . import _retry
from ._ratelimit import NO_LIMIT, SlidingWindow, parse_rate_limit
from .account import Account, connection_hash
from .answers import Failure, no_answer, read_answer, too_slow
from .errors import (
    ConfigurationError,
    InputError,
)
from .object_types import ObjectType, ObjectTypes
from .paths import DEFAULT_API_VERSION, Paths, paths_for, query_string
from .tokens import BearerAuth, Secret, mask_userinfo, redact, token_problem
from .validate import check_flag, check_url, is_positive_number

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .portal import PortalResult
    from .properties import PropertySet
    from .resources import CompanyResource, Forms, Lists, ObjectResource, Workflows

__all__ = ["HubSpot", "RequestStats"]

log = logging.getLogger("hubframe")

DEFAULT_BASE_URL = "https://api.hubapi.com"
DEFAULT_FORMS_URL = "https://api.hsforms.com"
VERSION = "0.1.0"
#: The search window is this much longer than a second (see HubSpot.__init__).
SEARCH_WINDOW_MARGIN = 1.1


class DeadlinePassed(httpx.ReadTimeout):
    """An answer still arriving when its request's deadline passed (caught in the
    request loop and raised as a :class:`~hubframe.errors.HubSpotTimeoutError`)."""


class _DeadlineStream(httpx.SyncByteStream):
    """A response body that stops with :class:`DeadlinePassed` once ``deadline`` passes."""

    def __init__(self, inner: httpx.SyncByteStream, deadline: float):
        self._inner = inner
        self._deadline = deadline

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            if time.monotonic() > self._deadline:
                raise DeadlinePassed("the answer was still arriving at the deadline")
            yield chunk

    def close(self) -> None:
        self._inner.close()


def _checked_url(name: str, url: Any) -> str:
    """:func:`check_url`, with any ``user:password@`` masked in its message."""
    try:
        return check_url(name, url)
    except ConfigurationError as exc:
        message = str(exc)
    # Raised here, outside the except block, so the unmasked message is not its __context__.
    if isinstance(url, str):
        message = message.replace(url, mask_userinfo(url))
    raise ConfigurationError(message)


@dataclass
class RequestStats:
    """Counters of everything the client sent, for progress bars and export reports."""

    requests: int = 0
    retries: int = 0
    wait_seconds: float = 0.0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, *, requests: int = 0, retries: int = 0, wait: float = 0.0) -> None:
        with self._lock:
            self.requests += requests
            self.retries += retries
            self.wait_seconds += wait

    def snapshot(self) -> tuple[int, int, float]:
        with self._lock:
            return self.requests, self.retries, self.wait_seconds


class HubSpot:
    """A connection to one HubSpot portal (or a hubframe sandbox).

    Args:
        token: a Service Key or a project app's static access token (a legacy private-app
            token is still accepted); defaults to ``$HUBSPOT_ACCESS_TOKEN``.
        base_url: API host; defaults to ``$HUBFRAME_BASE_URL``, then ``https://api.hubapi.com``.
            A ``user:password@`` in it (or in ``forms_url``) is never sent nor shown.
        forms_url: forms host; defaults to ``$HUBFRAME_FORMS_URL``, then ``https://api.hsforms.com``.
        timeout: seconds each attempt of a request may take, from connecting to the last
            byte of the answer: an attempt whose answer is not complete ``timeout`` seconds
            after it started is abandoned as a timeout (checked as the body arrives, so a
            server trickling bytes cannot stretch it), and retried like any other timeout,
            with a fresh ``timeout`` for each retry. A server that sends nothing at all
            is given up on after ``timeout`` seconds of silence.
        max_retries: retries after the first attempt for a retryable failure.
        rate_limit: requests per rolling window, as ``100``, ``(190, 10)`` or ``"190/10"``.
            Defaults to HubSpot's Free/Starter burst limit, 100 per 10 s. ``None``: no
            client-side limit (for a server that has none, e.g. a sandbox without one);
            the client still adopts a lower limit that HubSpot's ``X-HubSpot-RateLimit-Max``
            header announces, and still waits out a 429. :attr:`rate_limit` then reports
            ``(NO_LIMIT, 10.0)``.
        search_rate: search requests per second (HubSpot allows 5), a limit of its own.
        search_in_rate_limit: whether search requests also count against ``rate_limit``
            (default True). HubSpot limits search separately and its search answers carry
            no 10-second-window headers (recorded), but whether it also counts them in the
            burst window is unconfirmed: counting them is the setting a client survives
            either way. ``False`` lets parallel reads fill both budgets (about half again
            as many records a second) on a portal where search is known to be separate.
        api_version: the HubSpot API version to speak: ``"2026-09"`` (the default,
            HubSpot's current version), ``"2026-03"``, or ``"legacy"`` for the numbered
            v3/v4 paths (unsupported by HubSpot from September 2027). The endpoints with
            no dated equivalent (forms, workflows, account details) are legacy in each.
        transport: an ``httpx.BaseTransport`` to use instead of the network (tests).
        clock: the monotonic clock the rate limiter measures with (default ``time.monotonic``).
        sleep: how the client waits, for rate limits and retry backoff (default ``time.sleep``);
            with ``clock``, a test's virtual time (see :func:`hubframe.testing.virtual_time`).

    Raises:
        ConfigurationError: no token anywhere, a token that cannot be sent as a header
            (a newline, space or non-ASCII character inside), a URL that would leak the
            token, or an ``api_version`` hubframe does not speak.

    Example:
        >>> from hubframe.sandbox import Sandbox
        >>> with Sandbox(contacts=20) as sb, sb.client() as hs:
        ...     df = hs.contacts.get_page()
    """

    def __init__(
        self,
        token: str | None = None,
        *,
        base_url: str | None = None,
        forms_url: str | None = None,
        timeout: float = 30.0,
        max_retries: int = 5,
        rate_limit: int | tuple[int, float] | str | None = (100, 10),
        search_rate: float = 5,
        search_in_rate_limit: bool = True,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        api_version: str = DEFAULT_API_VERSION,
    ):
        token = token if token is not None else os.environ.get("HUBSPOT_ACCESS_TOKEN")
        if token is not None and not isinstance(token, str):
            raise ConfigurationError(f"token must be a string, not {type(token).__name__}")
        if not token or not token.strip():
            raise ConfigurationError(
                "No HubSpot token: pass HubSpot(token=...) or set HUBSPOT_ACCESS_TOKEN to a "
                "Service Key (HubSpot: Settings > Integrations > Service Keys; a legacy "
                "private-app token is still accepted). To try hubframe without a HubSpot account, use the "
                "sandbox: `from hubframe.sandbox import Sandbox; hs = Sandbox().start().client()`."
            )
        if not isinstance(max_retries, int) or isinstance(max_retries, bool) or max_retries < 0:
            raise ConfigurationError(f"max_retries={max_retries!r}: use a whole number >= 0")
        if not is_positive_number(timeout):
            raise ConfigurationError(
                f"timeout={timeout!r:.100}: use a number of seconds > 0, e.g. 30"
            )
        try:
            limit, period = (NO_LIMIT, 10.0) if rate_limit is None else parse_rate_limit(rate_limit)
        except InputError as exc:
            raise ConfigurationError(str(exc)) from None
        if not is_positive_number(search_rate):
            raise ConfigurationError(
                f"search_rate={search_rate!r:.100}: use a number > 0 (HubSpot allows 5)"
            )
        if not isinstance(search_in_rate_limit, bool):
            raise ConfigurationError(
                f"search_in_rate_limit={search_in_rate_limit!r:.100}: use True (search requests "
                "also count against rate_limit) or False (only against search_rate)"
            )
        if transport is not None and not isinstance(transport, httpx.BaseTransport):
            raise ConfigurationError(
                f"transport={transport!r:.100} is not an httpx transport: pass e.g. httpx.MockTransport(...) "
                "or leave it out to use the network"
            )

        if not callable(clock) or not callable(sleep):
            raise ConfigurationError(
                "clock= and sleep= take functions, e.g. time.monotonic and time.sleep"
            )
        token = token.strip()
        problem = token_problem(token)
        if problem is not None:
            del token  # a traceback shown with its frames' locals must not show it either
            raise ConfigurationError(problem)
        self._token = Secret(token)
        self.base_url = _checked_url(
            "base_url", base_url or os.environ.get("HUBFRAME_BASE_URL") or DEFAULT_BASE_URL
        )
        self.forms_url = _checked_url(
            "forms_url", forms_url or os.environ.get("HUBFRAME_FORMS_URL") or DEFAULT_FORMS_URL
        )
        # Where requests go: the URLs without any user:password@, which hubframe never
        # uses (the API host takes the token, the forms host nothing) and which httpx
        # would otherwise write into its log with every request.
        self._hosts = {
            "api": mask_userinfo(self.base_url, ""),
            "forms": mask_userinfo(self.forms_url, ""),
        }
        self.timeout = float(timeout)
        self.max_retries = max_retries
        self.stats = RequestStats()
        #: Every HubSpot path this client sends, and the shapes that change with the
        #: version (one place builds them, from ``api_version``).
        self.paths: Paths = paths_for(api_version)
        self._sleep = sleep
        self._rng = random.Random()
        self._general = SlidingWindow(limit, period, clock=clock, sleep=sleep)
        # Search is limited per second on top of the general window; secondly
        # windows are kept at 1 s so a fractional rate still spaces requests.
        # HubSpot counts a search when it arrives, we when we send it: with the
        # window full, send-side jitter (threads, GIL) would put a sixth request
        # into HubSpot's second and cost a 1 s retry. A 10% margin avoids that.
        self._search = SlidingWindow(
            max(1, int(search_rate)),
            max(1.0, int(search_rate) / search_rate) * SEARCH_WINDOW_MARGIN,
            clock=clock,
            sleep=sleep,
        )
        # The unauthenticated forms endpoint allows 50 per 10 s and blocks an IP
        # for a minute after ten 429s in one second: stay well under it.
        self._forms = SlidingWindow(50, 10.0, clock=clock, sleep=sleep)
        # The token goes only to the API host: form submissions are unauthenticated, and
        # the forms host has no use for it (see _attempt).
        self._auth = BearerAuth(self._token)
        self._search_in_window = search_in_rate_limit
        self._http = httpx.Client(
            auth=self._auth,
            timeout=self.timeout,
            transport=transport,
            headers={"User-Agent": f"hubframe/{VERSION}", "Accept": "application/json"},
        )
        self._property_sets: dict[str, PropertySet] = {}
        self._property_lock = threading.Lock()
        self._object_types = ObjectTypes(self)
        self._resources: dict[str, ObjectResource] = {}
        self._resource_lock = threading.Lock()
        self._account = Account(self, connection_hash(self.base_url, self._token.reveal()))

    # -- plumbing ---------------------------------------------------------------------------

    def __repr__(self) -> str:
        # A traceback showing __init__'s locals shows a client not yet built.
        if not hasattr(self, "paths"):
            return "HubSpot(<not built>)"
        return (
            f"HubSpot(base_url={mask_userinfo(self.base_url)!r}, api_version={self.api_version!r}, "
            f"token={redact(self._token.reveal())!r})"
        )

    def __enter__(self) -> HubSpot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying HTTP connections."""
        self._http.close()

    def __reduce__(self) -> tuple[()]:
        raise TypeError("a HubSpot client holds a token and cannot be pickled")

    def scrub(self, text: str, *, limit: int | None = None) -> str:
        """``text`` with this client's token (and anything token-like) replaced by ``REDACTED``;
        ``limit``: keep only its first ``limit`` characters (cut first, so a huge body is
        not scanned whole, and no piece of a token the cut went through is left)."""
        return self._token.scrub(text, limit=limit)

    def use_clock(self, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        """Measure and wait with another clock from now on (a test's virtual time)."""
        self._sleep = sleep
        for window in (self._general, self._search, self._forms):
            window.use_clock(clock, sleep)

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
        json: Any = None,
        kind: str = "read",
        host: str = "api",
    ) -> httpx.Response:
        """Send one API request with rate limiting, retries and error mapping.

        Args:
            method: HTTP method.
            path: path below the host, e.g. ``/crm/v3/objects/contacts``.
            params: query parameters.
            json: a JSON-serialisable body.
            kind: ``read``, ``search``, ``idempotent`` or ``create`` (see ``hubframe._retry``).
            host: ``api`` or ``forms``.

        Returns:
            The successful ``httpx.Response`` (status < 400).

        Raises:
            HubSpotError: the mapped error once retries are exhausted or not allowed.
        """
        return self._send(method, path, params, json, kind, host, decode=False)[0]

    def exchange(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
        json: Any = None,
        kind: str = "read",
        host: str = "api",
    ) -> tuple[httpx.Response, Any]:
        """:meth:`request_json`, also returning the response (for its status, e.g. 207)."""
        return self._send(method, path, params, json, kind, host, decode=True)

    def request_json(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | list[tuple[str, Any]] | None = None,
        json: Any = None,
        kind: str = "read",
        host: str = "api",
        require: str | None = None,
    ) -> Any:
        """:meth:`request`, decoded as JSON (None for an empty body such as 204).

        A successful answer whose body is not JSON (cut short, or a proxy's page)
        is retried like a dropped connection, except for creates.

        Args:
            require: a key the answer must hold a list under (``"results"`` for a page).
                An answer without it (a 204, an error body sent with 200) is retried like
                a broken answer, then raised as :class:`UnexpectedResponseError`.
        """
        return self._send(method, path, params, json, kind, host, decode=True, require=require)[1]

    def _send(
        self,
        method: str,
        path: str,
        params: Any,
        json: Any,
        kind: str,
        host: str,
        *,
        decode: bool,
        require: str | None = None,
    ) -> tuple[httpx.Response, Any]:
        """The request loop behind :meth:`request` and :meth:`request_json`: wait for a turn,
        send, and retry what the policy (``hubframe._retry``) says may be retried."""
        if kind not in _retry.KINDS:
            raise InputError(f"kind={kind!r}: use one of {', '.join(_retry.KINDS)}")
        if host not in ("api", "forms"):
            raise InputError(f"host={host!r}: use 'api' or 'forms'")
        if not isinstance(path, str) or not path.startswith("/"):
            raise InputError(
                f"path={path!r:.100}: use a path below the host, starting with '/', e.g. '/crm/v3/objects/contacts'"
            )
        url = self._hosts[host] + path
        attempt = 0
        while True:
            attempt += 1
            waited = 0.0
            if host == "forms":
                waited = self._forms.acquire()
            elif kind != "search" or self._search_in_window:
                waited = self._general.acquire()
            if kind == "search":
                waited += self._search.acquire()
            self.stats.add(requests=1, wait=waited)
            outcome = self._attempt(method, url, path, params, json, kind, host, decode, require)
            if not isinstance(outcome, Failure):
                return outcome
            if outcome.retryable and attempt <= self.max_retries:
                self._backoff(attempt, outcome.status, outcome.body, outcome.retry_after)
                continue
            # Raised outside any except block: no httpx exception (which holds the
            # request and its Authorization header) rides along as __context__.
            raise outcome.error

    def _attempt(
        self,
        method: str,
        url: str,
        path: str,
        params: Any,
        json: Any,
        kind: str,
        host: str,
        decode: bool,
        require: str | None = None,
    ) -> tuple[httpx.Response, Any] | Failure:
        """Send once: the response (and its JSON), or what failed and whether to retry."""
        started = time.monotonic()
        try:
            response = self._receive(method, url, params, json, host, started + self.timeout)
        except DeadlinePassed:
            log.debug("%s %s -> over the %.1f s deadline", method, path, self.timeout)
            return too_slow(method, path, kind, self.timeout)
        except httpx.HTTPError as exc:
            # The failure keeps nothing of the httpx exception (whose request holds the
            # Authorization header); its error is raised later, outside any except block.
            log.debug("%s %s -> %s", method, path, type(exc).__name__)
            return no_answer(exc, method, path, kind, self.scrub)
        elapsed_ms = (time.monotonic() - started) * 1000
        log.debug("%s %s -> %s (%.0f ms)", method, path, response.status_code, elapsed_ms)
        if host != "forms":
            self._general.learn(response.headers)
        return read_answer(response, method, path, kind, decode, require, self.scrub)

    def _receive(
        self, method: str, url: str, params: Any, json: Any, host: str, deadline: float
    ) -> httpx.Response:
        """The whole answer, read before ``deadline`` (monotonic) passes.

        httpx's timeout bounds each read, so a server sending a byte now and then would
        hold a request for as long as it likes; the body's stream checks the deadline
        after every chunk and raises :class:`DeadlinePassed` once it is past.
        """
        auth = self._auth if host == "api" else None
        # The query is encoded once here (commas kept), not by httpx: see query_string.
        target = f"{url}{'&' if '?' in url else '?'}{query_string(params)}" if params else url
        request = self._http.build_request(method, target, json=json)
        response = self._http.send(request, auth=auth, stream=True)
        try:
            if isinstance(response.stream, httpx.SyncByteStream):
                response.stream = _DeadlineStream(response.stream, deadline)
            response.read()
        finally:
            response.close()
        return response

    def _backoff(
        self, attempt: int, status: int | None, body: Any, retry_after: float | None
    ) -> None:
        delay = _retry.retry_delay(
            attempt, status=status, body=body, retry_after=retry_after, rng=self._rng
        )
        self.stats.add(retries=1, wait=delay)
        log.debug("retrying in %.2f s (attempt %d)", delay, attempt + 1)
        if status == 429:
            # Everyone sharing this client backs off, not only the thread that was told;
            # search's secondly limit holds back only searches.
            if isinstance(body, Mapping) and body.get("message") == _retry.SEARCH_SECONDLY_MESSAGE:
                self._search.block_for(delay)
            else:
                self._general.block_for(delay)
        self._sleep(delay)

    @property
    def api_version(self) -> str:
        """The HubSpot API version this client speaks: ``"2026-09"``, ``"2026-03"`` or ``"legacy"``."""
        return self.paths.api_version

    @property
    def rate_limit(self) -> tuple[int, float]:
        """The burst limit this client keeps to, ``(requests, seconds)`` (lowered when HubSpot's
        ``X-HubSpot-RateLimit-Max`` says the portal allows fewer)."""
        return self._general.max_requests, self._general.period

    @property
    def search_rate(self) -> float:
        """Search requests per second this client allows itself (HubSpot allows 5)."""
        return self._search.max_requests / self._search.period

    @property
    def search_in_rate_limit(self) -> bool:
        """Whether search requests also count against :attr:`rate_limit` (see ``HubSpot(...)``)."""
        return self._search_in_window

    # -- resources ---------------------------------------------------------------------------

    @cached_property
    def contacts(self) -> ObjectResource:
        """Contacts: get_page, get_all, get, get_many, search, create, update, delete, export."""
        from .resources import ObjectResource

        return ObjectResource(self, "contacts")

    @cached_property
    def companies(self) -> CompanyResource:
        """Companies: the contact operations plus get_contacts, add_contact, remove_contact."""
        from .resources import CompanyResource

        return CompanyResource(self, "companies")

    @cached_property
    def deals(self) -> ObjectResource:
        """Deals: get_page, get_all, get, get_many, search, create, update, delete, export."""
        from .resources import ObjectResource

        return ObjectResource(self, "deals")

    def objects(self, object_type: str | ObjectType) -> ObjectResource:
        """The resource of any CRM object type, with the operations of ``hs.contacts``.

        Args:
            object_type: a standard type (``"tickets"``, ``"line_items"``, ``"notes"`` ...,
                singular, label or type id such as ``"0-5"``), or a custom object by name
                (``"machines"``), label, fully-qualified name (``"p123_machines"``) or type
                id (``"2-123"``), found in the portal's schemas (read once).

        Returns:
            The same resource for every spelling (``hs.objects("contacts") is hs.contacts``).

        Raises:
            InputError: the portal has no such type (the message lists those it has).
        """
        found = self._object_types.resolve(object_type)
        if found.name in ("contacts", "companies", "deals") and not found.custom:
            resource: ObjectResource = getattr(self, found.name)
            return resource
        from .resources import ObjectResource

        with self._resource_lock:
            cached = self._resources.get(found.path_name)
            if cached is None:
                cached = self._resources[found.path_name] = ObjectResource(self, found)
            return cached

    def object_type(self, object_type: str | ObjectType) -> ObjectType:
        """The :class:`~hubframe.object_types.ObjectType` a name stands for (see :meth:`objects`).

        Raises:
            InputError: the portal has no such type.
        """
        return self._object_types.resolve(object_type)

    def object_types(self, *, refresh: bool = False) -> pd.DataFrame:
        """The object types this portal has: ``name, type_id, label, custom,
        fully_qualified_name``, the standard ones first, then its custom objects
        (from the schemas endpoint; ``refresh`` reads them again)."""
        if refresh:
            self._object_types.custom(refresh=True)
        return self._object_types.frame()

    @property
    def tickets(self) -> ObjectResource:
        """Tickets (``hs.objects("tickets")``): every operation of ``hs.contacts``."""
        return self.objects("tickets")

    @property
    def products(self) -> ObjectResource:
        """Products (``hs.objects("products")``)."""
        return self.objects("products")

    @property
    def line_items(self) -> ObjectResource:
        """Line items (``hs.objects("line_items")``); a deal's are its associations."""
        return self.objects("line_items")

    @property
    def quotes(self) -> ObjectResource:
        """Quotes (``hs.objects("quotes")``)."""
        return self.objects("quotes")

    @property
    def notes(self) -> ObjectResource:
        """Notes, an engagement type (``hs.objects("notes")``)."""
        return self.objects("notes")

    @property
    def calls(self) -> ObjectResource:
        """Calls, an engagement type (``hs.objects("calls")``)."""
        return self.objects("calls")

    @property
    def emails(self) -> ObjectResource:
        """Logged emails, an engagement type (``hs.objects("emails")``)."""
        return self.objects("emails")

    @property
    def meetings(self) -> ObjectResource:
        """Meetings, an engagement type (``hs.objects("meetings")``)."""
        return self.objects("meetings")

    @property
    def tasks(self) -> ObjectResource:
        """Tasks, an engagement type (``hs.objects("tasks")``)."""
        return self.objects("tasks")

    @cached_property
    def forms(self) -> Forms:
        """Form submissions (``hs.forms.submit``)."""
        from .resources import Forms

        return Forms(self)

    @cached_property
    def lists(self) -> Lists:
        """List memberships (``hs.lists.add``)."""
        from .resources import Lists

        return Lists(self)

    @cached_property
    def workflows(self) -> Workflows:
        """Workflow enrollment (``hs.workflows.enroll``)."""
        from .resources import Workflows

        return Workflows(self)

    def export_portal(
        self,
        path: Any,
        *,
        objects: Any = None,
        properties: Any = None,
        associations: bool = True,
        labels: bool = True,
        progress: bool = True,
        resume: bool = True,
        # The export's DEFAULT_MAX_CHECKPOINT_AGE, spelled out: the client imports no export code.
        max_checkpoint_age: float | timedelta | None = timedelta(hours=24),
    ) -> PortalResult:
        """Write the whole portal to a folder of Parquet files (objects, association edges,
        owners, pipelines, and a manifest written last); resumable. Read it back with
        ``hf.read_portal(path)``. See :func:`hubframe.portal.export_portal`.

        Example:
            >>> res = hs.export_portal("portal/")  # doctest: +SKIP
        """
        from .portal import export_portal

        return export_portal(
            self, path, objects=objects, properties=properties, associations=associations,
            labels=labels, progress=progress, resume=resume, max_checkpoint_age=max_checkpoint_age,
        )  # fmt: skip

    def associations(
        self, from_type: str, to_type: str, ids: Any = None, *, progress: bool = True
    ) -> pd.DataFrame:
        """The edge table from one object type to another: one row per association.

        Columns ``from_id``, ``to_id`` (the id dtype, so they join records' ``id`` and
        feed ``get_many`` without a cast), ``type_id`` (``Int64``), ``label`` (``<NA>`` for
        the unlabeled type) and ``category``. A pair linked with two types (Primary and
        unlabeled) is two rows. Read with HubSpot's batch read of associations (1,000
        records a request, each record's list followed past its page of 500).

        Args:
            from_type, to_type: object types, e.g. ``"contacts"``, ``"companies"``.
            ids: the records of ``from_type`` to read (a list, a Series such as
                ``df["id"]`` or an id column, or a DataFrame with an ``id`` column); None
                reads every record of ``from_type`` first (their ids only).
            progress: show a progress bar (records of ``from_type``).

        Raises:
            InputError: an unknown object type, or something that is not an id.
        """
        from .resources.associations import Associations

        return Associations(self, from_type, to_type).frame(ids, progress=progress)

    def owners(self, *, archived: bool = False) -> pd.DataFrame:
        """The portal's owners, one row each: :func:`hubframe.resources.owners.owners`.

        Columns id, email, firstName, lastName, userId, teams (team names), archived,
        createdAt, updatedAt; ``id`` is what ``hubspot_owner_id`` holds.
        ``archived=True`` reads the archived owners instead.
        """
        from .resources.owners import owners

        return owners(self, archived=archived)

    def pipelines(self, object_type: str) -> pd.DataFrame:
        """The pipelines of ``"deals"``, ``"tickets"``, ..., one row per stage:
        :func:`hubframe.resources.pipelines.pipelines`."""
        from .resources.pipelines import pipelines

        return pipelines(self, object_type)

    def properties(self, object_type: str, *, refresh: bool = False) -> PropertySet:
        """The property definitions of ``object_type``, fetched once per client and cached.

        Args:
            object_type: any type :meth:`objects` accepts (``contacts``, ``tickets``,
                a custom object ...).
            refresh: fetch again even if cached (after creating a property in HubSpot).

        Raises:
            InputError: the portal has no such type.
        """
        from .properties import fetch_property_set

        object_type = self._object_types.resolve(object_type).path_name
        refresh = check_flag(refresh, "refresh")
        with self._property_lock:
            if refresh or object_type not in self._property_sets:
                self._property_sets[object_type] = fetch_property_set(self, object_type)
            return self._property_sets[object_type]

    def portal_id(self) -> int | None:
        """The portal (hub) id from HubSpot's account details, asked once (None: not allowed)."""
        return self._account.portal_id()

    def portal_fingerprint(self) -> str:
        """``"portal:<id>"``, else :meth:`connection_fingerprint`: which portal this client reads."""
        return self._account.fingerprint()

    def connection_fingerprint(self) -> str:
        """``"hash:<16 hex>"`` of the base URL and the token (never the token); no request."""
        return self._account.connection
