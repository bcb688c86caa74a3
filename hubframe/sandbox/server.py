"""The :class:`Sandbox`: a seeded portal served over real HTTP on 127.0.0.1.

The server (:mod:`.http_server`) runs in a daemon thread; the portal is the
:class:`~.store.Store`, the requests are answered by the :class:`~.app.SandboxApp`.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from . import persist
from .app import RequestLog, SandboxApp
from .crm.rules import parse_rules
from .faults import UNSET, Faults, Injection, parse_rate_limit
from .http_server import Server
from .live import LivePortal
from .seed import portal_id_for, resolve_sizes, seed_store
from .settings import PortalSettings, check_switch
from .store import Store

if TYPE_CHECKING:  # pragma: no cover
    from ..client import HubSpot

__all__ = ["Sandbox"]

log = logging.getLogger("hubframe.sandbox")


class Sandbox(LivePortal, PortalSettings):
    """A local HubSpot portal for tests, notebooks and benchmarks.

    Args:
        contacts: live contacts to seed (about 2% more are seeded archived).
        companies: live companies to seed.
        deals: live deals to seed.
        seed: seed of the generated data and of the random faults.
        token: bearer token to accept; a random ``pat-sandbox-...`` one if None.
        scopes: granted scopes (e.g. ``["crm.objects.contacts.read"]``); None grants all.
            Missing ones give 403 MISSING_SCOPES.
        latency: seconds added before every response.
        rate_limit: burst limit as ``(max, seconds)``, ``"190/10"`` or ``190`` (per 10 s);
            None for no burst limit.
        faults: fraction (0-1) of requests answered with 429, 502, 503 or a dropped
            connection, chosen by a seeded RNG, before the request is applied.
        path: a file that keeps the portal across restarts: loaded on creation if it
            exists (the seeding arguments are then ignored), saved on :meth:`stop`, on
            :meth:`save` and every ``save_interval`` seconds while it changes.
        host: address to bind (default loopback only).
        port: port to bind; 0 picks a free one.
        search_rate: search requests per second before a 429 (HubSpot: 5); None disables.
        search_in_rate_limit: a search also takes a slot of the burst window (default False,
            as HubSpot's recorded search answers suggest; unconfirmed, see COVERAGE.md).
        faults_after_apply: random 5xx and dropped-connection faults hit after the
            request was applied (lost responses) instead of before; 429s always come first.
        save_interval: seconds between background saves when ``path`` is set.
        churn: writes per second made in the background from :meth:`start` (creates,
            updates, archives; see :meth:`churn`); 0 keeps the portal still.
        search_lag: seconds search lags writes (see :meth:`set_search_lag`); 0: none.
        products, line_items, quotes, tickets, notes, calls, emails, meetings, tasks,
        machines: records of each other object type to seed (``machines`` is the
            portal's custom object); None for a default that grows with the portal
            (``tickets``: a fifth of ``contacts``, ``notes``: half ..., at most 2,000;
            :func:`~hubframe.sandbox.seed.default_sizes`). ``line_items`` is a ceiling:
            they are seeded per deal, and a deal with line items has their sum as amount.
        rules: the portal's write rules, a list of dicts such as ``{"object": "deals",
            "property": "closedate", "when": {"dealstage": "closedwon"}}`` (see
            :meth:`set_rules`): enforced on writes through ``/2026-09/`` paths only, as
            HubSpot does. None keeps a loaded portal's rules (a new portal has none).
        auto_associate_domains: associate each contact created through the API (create,
            batch create, an upsert that creates) with the company whose ``domain`` is
            its email's domain, as HubSpot does by default; also when the create names
            a company, so the contact then has both (the named one stays Primary).
            Creation only: changing an email later associates nothing. None keeps a
            loaded portal's setting (a new portal: on); False is the portal setting off.

    Example:
        >>> with Sandbox(contacts=50) as sb:
        ...     hs = sb.client()
    """

    def __init__(
        self,
        contacts: int = 500,
        companies: int = 50,
        deals: int = 100,
        seed: int = 0,
        token: str | None = None,
        scopes: list[str] | None = None,
        latency: float = 0.0,
        rate_limit: Any = None,
        faults: float = 0.0,
        path: str | os.PathLike[str] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        search_rate: float | None = 5,
        search_in_rate_limit: bool = False,
        faults_after_apply: bool = False,
        save_interval: float = 5.0,
        churn: float = 0.0,
        search_lag: float = 0.0,
        products: int | None = None,
        line_items: int | None = None,
        quotes: int | None = None,
        tickets: int | None = None,
        notes: int | None = None,
        calls: int | None = None,
        emails: int | None = None,
        meetings: int | None = None,
        tasks: int | None = None,
        machines: int | None = None,
        rules: list[dict[str, Any]] | None = None,
        auto_associate_domains: bool | None = None,
    ):
        for name, value in (("contacts", contacts), ("companies", companies), ("deals", deals)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InputError(f"{name}={value!r}: use a whole number >= 0")
        given = {
            "products": products,
            "line_items": line_items,
            "quotes": quotes,
            "tickets": tickets,
            "notes": notes,
            "calls": calls,
            "emails": emails,
            "meetings": meetings,
            "tasks": tasks,
            "machines": machines,
        }
        #: Records seeded per type beyond contacts, companies and deals.
        self.sizes = resolve_sizes(given, contacts, companies, deals)
        if token is not None and (not isinstance(token, str) or not token.strip()):
            raise InputError("token must be a non-empty string (or None for a random one)")
        self.token: str = token.strip() if token else f"pat-sandbox-{uuid.uuid4()}"
        self.seed = seed
        self.host = host
        self._port = port
        self.path = Path(path) if path is not None else None
        self._sizes = (contacts, companies, deals)
        if rules is not None:
            parse_rules(rules)  # a bad rule is refused before a portal is seeded or loaded
        if auto_associate_domains is not None:
            check_switch("auto_associate_domains", auto_associate_domains)
        if self.path is not None and self.path.exists():
            self.store = persist.load(self.path)
            log.info("sandbox portal loaded from %s", self.path)
        else:
            self.store = self._seeded()
        self._init_settings(rules, auto_associate_domains)
        self._init_live(churn, search_lag)
        self._faults = Faults(
            seed=seed,
            fraction=faults,
            latency=latency,
            rate_limit=parse_rate_limit(rate_limit),
            search_rate=search_rate,
            search_in_rate_limit=search_in_rate_limit,
            after_apply=faults_after_apply,
        )
        self.app = SandboxApp(self.store, token=self.token, scopes=scopes, faults=self._faults)
        self._save_interval = save_interval
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._saver: persist.Saver | None = None

    def _seeded(self) -> Store:
        contacts, companies, deals = self._sizes
        started = time.perf_counter()
        store = Store(portal_id_for(self.seed))
        seed_store(
            store,
            contacts=contacts,
            companies=companies,
            deals=deals,
            seed=self.seed,
            sizes=self.sizes,
        )
        log.info(
            "sandbox portal seeded: %d contacts, %d companies, %d deals, %d other records in %.2f s",
            contacts,
            companies,
            deals,
            sum(self.sizes.values()),
            time.perf_counter() - started,
        )
        return store

    # -- seeded ids -------------------------------------------------------------------------

    def _list_ids(self, kind: str) -> list[str]:
        with self.store.lock:
            return [i for i, m in self.store.lists.items() if m["processingType"] == kind]

    @property
    def portal_id(self) -> int:
        """The portal (hub) id; forms are submitted to it."""
        return self.store.portal_id

    @property
    def list_ids(self) -> list[str]:
        """Ids of the MANUAL v3 lists (records can be added and removed)."""
        return self._list_ids("MANUAL")

    @property
    def snapshot_list_ids(self) -> list[str]:
        """Ids of SNAPSHOT lists (also accept manual adds)."""
        return self._list_ids("SNAPSHOT")

    @property
    def dynamic_list_ids(self) -> list[str]:
        """Ids of DYNAMIC lists (adding to them is a 400, as on HubSpot)."""
        return self._list_ids("DYNAMIC")

    @property
    def workflow_ids(self) -> list[str]:
        """Ids of the seeded v2 workflows."""
        with self.store.lock:
            return list(self.store.workflows)

    @property
    def form_ids(self) -> list[str]:
        """GUIDs of the seeded forms."""
        with self.store.lock:
            return list(self.store.forms)

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> Sandbox:
        """Serve on ``host:port`` in a daemon thread. Returns self."""
        if self._server is not None:
            return self
        server = Server(self.host, self._port, self.app)
        self._server = server
        # A short poll interval makes stop() quick (serve_forever checks for shutdown between
        # polls; a test suite stops hundreds of sandboxes, each waiting half an interval).
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="hubframe-sandbox",
            daemon=True,
        )
        self._thread.start()
        if self.path is not None:
            self._saver = persist.Saver(lambda: self.store, self.path, self._save_interval)
            self._saver.save_now()
            self._saver.start()
        self._start_live()
        log.info("sandbox serving at %s", self.url)
        return self

    def stop(self) -> None:
        """Stop serving and churning (and save the portal when ``path`` is set). Safe to
        call twice."""
        self._stop_live()
        server, self._server = self._server, None
        if server is not None:
            # A restart serves on the same address, as a restarted HubSpot host would.
            self._port = int(server.server_port)
            server.shutdown()  # no new connections
            # End idle keep-alive connections first: server_close() then joins every handler
            # thread, so no request is still changing the store when the portal is saved.
            server.close_connections()
            server.server_close()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        saver, self._saver = self._saver, None
        if saver is not None:
            saver.stop()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def __repr__(self) -> str:
        where = self.url if self._server is not None else "not started"
        return f"Sandbox({where}, portal_id={self.portal_id})"

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(
                "the sandbox is not running: call start() or use `with Sandbox() as sb:`"
            )
        return int(self._server.server_port)

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``, the API host."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    @property
    def forms_url(self) -> str:
        """The forms host (the same server)."""
        return self.url

    def client(self, **kwargs: Any) -> HubSpot:
        """A :class:`hubframe.HubSpot` connected to this sandbox (``kwargs`` passed on).

        The client keeps to the sandbox's own limits, as they are when it is made: the
        sandbox's burst ``rate_limit`` (none when the sandbox has none, so a client
        reading a large sandbox is not held to HubSpot's 100 per 10 s for nothing) and
        its ``search_rate``. ``rate_limit=`` or ``search_rate=`` in ``kwargs`` win.
        """
        from ..client import HubSpot

        kwargs.setdefault("rate_limit", self._faults.rate_limit)
        if self._faults.search_rate is not None:
            kwargs.setdefault("search_rate", self._faults.search_rate)
        url = self._loopback_url()
        return HubSpot(token=self.token, base_url=url, forms_url=url, **kwargs)

    def _loopback_url(self) -> str:
        """Where this machine's clients reach the sandbox: a sandbox bound to every address
        (``0.0.0.0``, ``::``) is reached on loopback, so the client sends its token over
        plain http only to this machine (its URL check refuses any other host)."""
        wildcard = {"0.0.0.0": "127.0.0.1", "": "127.0.0.1", "::": "::1", "[::]": "::1"}
        host = wildcard.get(self.host.strip(), self.host)
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self.port}"

    # -- bad-day knobs ----------------------------------------------------------------------

    def set_faults(
        self,
        *,
        faults: Any = UNSET,
        latency: Any = UNSET,
        rate_limit: Any = UNSET,
        search_rate: Any = UNSET,
        search_in_rate_limit: Any = UNSET,
        faults_after_apply: Any = UNSET,
    ) -> None:
        """Change the bad-day knobs while running; arguments left out keep their value.

        Args:
            faults: fraction of requests answered with a random fault.
            latency: seconds before each response.
            rate_limit: ``(max, seconds)``, ``"190/10"``, ``190`` or None (no burst limit).
            search_rate: search requests per second, or None for no limit.
            search_in_rate_limit: a search also counts against the burst window.
            faults_after_apply: random faults hit after the request is applied.
        """
        self._faults.configure(
            fraction=faults,
            latency=latency,
            rate_limit=rate_limit,
            search_rate=search_rate,
            search_in_rate_limit=search_in_rate_limit,
            after_apply=faults_after_apply,
        )

    def inject(
        self,
        status: int | None = None,
        *,
        drop: bool = False,
        count: int | None = 1,
        retry_after: float | None = None,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        path_contains: str | None = None,
        method: str | None = None,
        after_apply: bool = False,
        text: str | None = None,
        truncate: bool = False,
        skip: int = 0,
    ) -> Injection:
        """Answer the next matching request(s) with a chosen fault.

        Give exactly one of ``status``, ``drop`` and ``truncate``.

        Args:
            status: HTTP status to answer (429 gets HubSpot's TEN_SECONDLY_ROLLING body,
                others a HubSpot error body).
            drop: close the connection without a response instead.
            truncate: apply the request, send its response's headers and half its body,
                then close the connection (a reset mid-body).
            text: answer ``status`` with this text/plain body instead of JSON, e.g.
                ``inject(429, text="error code: 1015")`` as HubSpot's forms edge does.
            count: how many matching requests get it (None: until :meth:`clear_injections`).
            retry_after: send ``Retry-After`` with this many seconds.
            body: keys merged over the default body, e.g. ``{"policyName": "DAILY",
                "message": "You have reached your daily limit."}``.
            headers: extra response headers.
            path_contains: only requests whose path contains this (e.g. ``"/search"``).
            method: only this HTTP method.
            after_apply: apply the request first, then answer with the fault (a lost
                response: a create still happened).
            skip: let this many matching requests pass untouched first, e.g.
                ``inject(502, path_contains="/batch/create", skip=56)`` faults the 57th batch.

        Returns:
            The :class:`Injection`; its ``hits`` counts the requests it answered.
        """
        return self._faults.inject(
            status,
            drop=drop,
            count=count,
            retry_after=retry_after,
            body=body,
            headers=headers,
            path_contains=path_contains,
            method=method,
            after_apply=after_apply,
            text=text,
            truncate=truncate,
            skip=skip,
        )

    @property
    def faults_served(self) -> dict[str, int]:
        """Faults served so far by kind: ``"429"``, ``"502"``, ``"503"``, ``"drop"``,
        ``"truncate"``, ``"text-<status>"`` (rate-limit windows' own 429s not included)."""
        return self._faults.served_counts()

    def clear_injections(self) -> None:
        """Forget every scheduled fault."""
        self._faults.clear_injections()

    @property
    def requests(self) -> list[RequestLog]:
        """The requests served so far (latest last, at most 10,000): method, path, query,
        status (None when dropped), fault, applied. Never headers or the token."""
        return self.app.logged()

    # -- state ------------------------------------------------------------------------------

    def save(self) -> None:
        """Write the portal to ``path`` now.

        Raises:
            RuntimeError: the sandbox has no ``path``.
        """
        if self.path is None:
            raise RuntimeError("this sandbox has no path= to save to")
        if self._saver is not None:
            self._saver.save_now()
        else:
            persist.save(self.store, self.path)

    def reset(self) -> None:
        """Re-seed the portal from the constructor's arguments (all changes to records,
        associations, lists ... are lost; the search lag, write rules and
        auto-association setting are kept).

        ``sb.store`` is replaced by a new store; references to the old one go stale.
        """
        store = self._seeded()
        store.set_search_lag(self.search_lag)
        self._carry_settings(self.store, store)
        self.app.store = store
        self.store = store
