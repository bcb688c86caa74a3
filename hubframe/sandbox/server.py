"""The :class:`Sandbox`: a seeded portal served over real HTTP on 127.0.0.1.

werkzeug's threaded server runs in a daemon thread, one thread per connection,
and is quiet (no per-request log lines). Connections stay open between
requests (HTTP/1.1 keep-alive), as HubSpot's API keeps them: werkzeug's
development server closes every connection after one response, which would
make a client pay a TCP handshake and a server thread per request.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler
from werkzeug.wsgi import LimitedStream

from ..errors import InputError
from . import persist
from .app import RequestLog, SandboxApp
from .faults import _UNSET, Faults, Injection, parse_rate_limit
from .seed import portal_id_for, seed_store
from .store import Store

if TYPE_CHECKING:  # pragma: no cover
    from ..client import HubSpot

__all__ = ["Sandbox"]

log = logging.getLogger("hubframe.sandbox")


class _QuietHandler(WSGIRequestHandler):
    """werkzeug's handler without its per-request access log lines."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None

    def log(self, type: str, message: str, *args: Any) -> None:
        log.debug("werkzeug: " + message, *args)


#: Seconds an idle keep-alive connection stays open (httpx drops its own after 5 s).
IDLE_SECONDS = 60.0


class _KeepAliveHandler(_QuietHandler):
    """Serves many requests per connection, each response with a ``Content-Length``.

    werkzeug's ``run_wsgi`` always answers ``Connection: close`` and, to be
    safe, reads whatever the client sends after the response. Here the request
    body is read to exactly its ``Content-Length`` (what the application left
    unread is discarded) and the connection stays open unless the client asks
    to close it. A response whose length the application gave is streamed as
    it comes (so a fault that cuts a body short still does); any other is
    buffered to measure it. A request body without a length (chunked) is
    served by werkzeug's code, which closes. A "dropped connection" fault shuts
    the socket down and raises ``ConnectionAbortedError``: the connection ends.
    """

    protocol_version = "HTTP/1.1"
    timeout = IDLE_SECONDS
    # Headers and body go out in separate writes; on a connection that stays open, Nagle's
    # algorithm would hold a response's last segment until the client's delayed ACK.
    disable_nagle_algorithm = True

    def run_wsgi(self) -> None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            super().run_wsgi()
            return
        environ = self.make_environ()
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:  # a length we cannot trust leaves the stream unframed: answer, close
            self.close_connection = True
            self._send_head("400 BAD REQUEST", [], 0)
            return
        body_in = LimitedStream(self.rfile, length)
        environ["wsgi.input"] = body_in
        started: list[Any] = []
        self._head_sent = False

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None):
            started[:] = [status, headers]
            return self.wfile.write  # not used by the sandbox's application

        try:
            result = self.server.app(environ, start_response)
            try:
                self._respond(result, started)
            finally:
                if hasattr(result, "close"):
                    result.close()
            body_in.exhaust()
        except (ConnectionError, TimeoutError) as exc:
            self.close_connection = True
            self.connection_dropped(exc, environ)
        except Exception:  # the application failed
            log.exception("sandbox server error on %s %s", self.command, self.path)
            self.close_connection = True
            if not self._head_sent:
                self._send_head("500 INTERNAL SERVER ERROR", [], 0)

    def _respond(self, result: Any, started: list[Any]) -> None:
        """Send the application's response: streamed if it gave its length, else buffered."""
        buffered: list[bytes] = []
        for chunk in result:
            if not self._head_sent and _has_length(started[1]):
                self._send_head(started[0], started[1], None)
            if self._head_sent:
                self._write(chunk)
            else:
                buffered.append(chunk)
        if not self._head_sent:  # (a HEAD or empty response may carry its length, no chunks)
            body = b"".join(buffered)
            self._send_head(started[0], started[1], None if _has_length(started[1]) else len(body))
            self._write(body)
        self.wfile.flush()

    def _send_head(self, status: str, headers: list[tuple[str, str]], length: int | None) -> None:
        """Status line and headers; ``length`` adds a ``Content-Length`` (None: it is in ``headers``)."""
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        for key, value in headers:
            if key.lower() not in ("connection", "transfer-encoding"):
                self.send_header(key, value)
        if length is not None and not (100 <= int(code) < 200 or int(code) in (204, 304)):
            self.send_header("Content-Length", str(length))
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self._head_sent = True

    def _write(self, data: bytes) -> None:
        if data and self.command != "HEAD":
            self.wfile.write(data)


def _has_length(headers: list[tuple[str, str]]) -> bool:
    return any(key.lower() == "content-length" for key, _ in headers)


class _Server(ThreadedWSGIServer):
    """werkzeug's threaded server that knows its open connections, to close them on stop."""

    def __init__(self, host: str, port: int, app: Any):
        super().__init__(host, port, app, handler=_KeepAliveHandler)
        self.daemon_threads = True
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._open_lock:
            self._open.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._open_lock:
            self._open.discard(request)
        super().shutdown_request(request)

    def close_connections(self) -> None:
        """End every open connection (a stopped sandbox answers nothing, as before keep-alive)."""
        with self._open_lock:
            sockets = list(self._open)
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Sandbox:
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
        faults_after_apply: random 5xx and dropped-connection faults hit after the
            request was applied (lost responses) instead of before; 429s always come first.
        save_interval: seconds between background saves when ``path`` is set.

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
        faults_after_apply: bool = False,
        save_interval: float = 5.0,
    ):
        for name, value in (("contacts", contacts), ("companies", companies), ("deals", deals)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise InputError(f"{name}={value!r}: use a whole number >= 0")
        if token is not None and (not isinstance(token, str) or not token.strip()):
            raise InputError("token must be a non-empty string (or None for a random one)")
        self.token: str = token.strip() if token else f"pat-sandbox-{uuid.uuid4()}"
        self.seed = seed
        self.host = host
        self._port = port
        self.path = Path(path) if path is not None else None
        self._sizes = (contacts, companies, deals)
        if self.path is not None and self.path.exists():
            self.store = persist.load(self.path)
            log.info("sandbox portal loaded from %s", self.path)
        else:
            self.store = self._seeded()
        self._faults = Faults(
            seed=seed,
            fraction=faults,
            latency=latency,
            rate_limit=parse_rate_limit(rate_limit),
            search_rate=search_rate,
            after_apply=faults_after_apply,
        )
        self.app = SandboxApp(self.store, token=self.token, scopes=scopes, faults=self._faults)
        self._save_interval = save_interval
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._saver: persist.Saver | None = None

    def _seeded(self) -> Store:
        contacts, companies, deals = self._sizes
        started = time.perf_counter()
        store = Store(portal_id_for(self.seed))
        seed_store(store, contacts=contacts, companies=companies, deals=deals, seed=self.seed)
        log.info(
            "sandbox portal seeded: %d contacts, %d companies, %d deals in %.2f s",
            contacts,
            companies,
            deals,
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
        server = _Server(self.host, self._port, self.app)
        self._server = server
        # A short poll interval makes stop() quick (serve_forever checks for shutdown between polls).
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="hubframe-sandbox",
            daemon=True,
        )
        self._thread.start()
        if self.path is not None:
            self._saver = persist.Saver(lambda: self.store, self.path, self._save_interval)
            self._saver.save_now()
            self._saver.start()
        log.info("sandbox serving at %s", self.url)
        return self

    def stop(self) -> None:
        """Stop serving (and save the portal when ``path`` is set). Safe to call twice."""
        server, self._server = self._server, None
        if server is not None:
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
        """A :class:`hubframe.HubSpot` connected to this sandbox (``kwargs`` passed on)."""
        from ..client import HubSpot

        return HubSpot(token=self.token, base_url=self.url, forms_url=self.forms_url, **kwargs)

    # -- bad-day knobs ----------------------------------------------------------------------

    def set_faults(
        self,
        *,
        faults: Any = _UNSET,
        latency: Any = _UNSET,
        rate_limit: Any = _UNSET,
        search_rate: Any = _UNSET,
        faults_after_apply: Any = _UNSET,
    ) -> None:
        """Change the bad-day knobs while running; arguments left out keep their value.

        Args:
            faults: fraction of requests answered with a random fault.
            latency: seconds before each response.
            rate_limit: ``(max, seconds)``, ``"190/10"``, ``190`` or None (no burst limit).
            search_rate: search requests per second, or None for no limit.
            faults_after_apply: random faults hit after the request is applied.
        """
        self._faults.configure(
            fraction=faults,
            latency=latency,
            rate_limit=rate_limit,
            search_rate=search_rate,
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
        )

    @property
    def faults_served(self) -> dict[str, int]:
        """Faults served so far by kind: ``"429"``, ``"502"``, ``"503"``, ``"drop"``,
        ``"truncate"``, ``"text-<status>"`` (rate-limit windows' own 429s not included)."""
        with self._faults._lock:
            return dict(self._faults.served)

    def clear_injections(self) -> None:
        """Forget every scheduled fault."""
        self._faults.clear_injections()

    @property
    def requests(self) -> list[RequestLog]:
        """The requests served so far (latest last, at most 10,000): method, path, query,
        status (None when dropped), fault, applied. Never headers or the token."""
        with self.app._log_lock:
            return list(self.app.log)

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
        """Re-seed the portal from the constructor's arguments (all changes are lost).

        ``sb.store`` is replaced by a new store; references to the old one go stale.
        """
        store = self._seeded()
        self.app.store = store
        self.store = store

