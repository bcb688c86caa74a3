"""Servers that misbehave on purpose: slow trickles and answers of the wrong shape.

Each server here is real and listens on 127.0.0.1: a raw socket server that sends
its answer a byte at a time, and an HTTP proxy in front of the sandbox that rewrites
chosen answers (a record without its id, ``results`` that is not a list, records that
are not objects). Whatever they do, every public function must end with a typed
:class:`hubframe.HubFrameError`, in bounded time, never a ``KeyError`` or ``TypeError``.
"""

from __future__ import annotations

import json
import re
import socket
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

import hubframe as hf
from hubframe.sandbox import Sandbox
from hubframe.testing import virtual_time

TOKEN = "pat-na1-11111111-2222-4333-8444-555555555555"


# -- a server that trickles ---------------------------------------------------------------


class Trickle:
    """Answers every request with a 200 whose body comes one byte every ``gap`` seconds."""

    def __init__(self, body: bytes, gap: float):
        self.body = body
        self.gap = gap
        self.connections = 0
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self._sock.settimeout(0.2)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except TimeoutError:
                continue
            self.connections += 1
            threading.Thread(target=self._answer, args=(conn,), daemon=True).start()

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            head = (
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(self.body)}\r\n\r\n"
            )
            try:
                conn.sendall(head.encode())
                for n in range(len(self.body)):
                    if self._stop.is_set():
                        return
                    conn.sendall(self.body[n : n + 1])
                    time.sleep(self.gap)
            except OSError:  # the client gave up and closed: what it should do
                return

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()


@pytest.fixture
def trickle() -> Iterator[Callable[[bytes, float], Trickle]]:
    servers: list[Trickle] = []

    def make(body: bytes, gap: float) -> Trickle:
        servers.append(Trickle(body, gap))
        return servers[-1]

    yield make
    for server in servers:
        server.close()


def test_a_trickling_answer_ends_at_the_timeout(trickle):
    # 30 bytes at 0.4 s each would take 12 s; each read is well within timeout=1.
    server = trickle(b'{"results": [], "total": 0000}', 0.4)
    hs = hf.HubSpot(TOKEN, base_url=server.url, timeout=1.0, max_retries=0)
    started = time.monotonic()
    with pytest.raises(hf.HubSpotTimeoutError, match=r"timeout=1 s") as info:
        hs.request_json("GET", "/crm/v3/objects/contacts", require="results")
    took = time.monotonic() - started
    assert took < 2.5, f"the request took {took:.1f} s with timeout=1.0"
    assert info.value.connected and info.value.path == "/crm/v3/objects/contacts"
    assert server.connections == 1


def test_a_trickle_is_retried_as_a_timeout_with_a_fresh_deadline(trickle):
    server = trickle(b'{"results": [], "total": 0000}', 0.4)
    waits: list[float] = []
    hs = hf.HubSpot(TOKEN, base_url=server.url, timeout=1.0, max_retries=2, sleep=waits.append)
    contacts = hs.contacts  # imported before the clock starts
    started = time.monotonic()
    with pytest.raises(hf.HubSpotTimeoutError):
        contacts.get("1")  # a public read: three attempts, each cut at its deadline
    took = time.monotonic() - started
    assert server.connections == 3 and len(waits) == 2
    assert hs.stats.retries == 2
    assert took < 3 * 1.0 + 2.0, f"three attempts took {took:.1f} s"


def test_a_slow_answer_within_the_timeout_is_read_whole(trickle):
    body = b'{"results": [{"id": "7", "properties": {}}]}'
    server = trickle(body, 0.005)  # about 0.25 s in all: slow, but inside timeout=2
    hs = hf.HubSpot(TOKEN, base_url=server.url, timeout=2.0, max_retries=0)
    data = hs.request_json("GET", "/crm/v3/objects/contacts", require="results")
    assert data == json.loads(body)


# -- a proxy that rewrites answers --------------------------------------------------------

Rewrite = Callable[[dict[str, Any]], Any]


class RewritingProxy:
    """An HTTP server that forwards to the sandbox and rewrites the JSON answers of the
    requests whose path matches ``pattern`` (counted in ``rewritten``)."""

    def __init__(self, upstream: str):
        self.upstream = httpx.Client(base_url=upstream, timeout=30)
        self.pattern: re.Pattern[str] | None = None
        self.rewrite: Rewrite = lambda data: data
        self.rewritten = 0
        self._lock = threading.Lock()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                sent = {k: v for k, v in self.headers.items() if k.lower() in _SENT}
                answer = proxy.upstream.request(self.command, self.path, content=body, headers=sent)
                content = proxy.changed(self.path, answer.content)
                self.send_response(answer.status_code)
                self.send_header("Content-Type", answer.headers.get("content-type", "text/plain"))
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def set(self, pattern: str, rewrite: Rewrite) -> None:
        self.pattern, self.rewrite, self.rewritten = re.compile(pattern), rewrite, 0

    def changed(self, path: str, content: bytes) -> bytes:
        if self.pattern is None or not self.pattern.search(path.split("?")[0]) or not content:
            return content
        with self._lock:
            self.rewritten += 1
        return json.dumps(self.rewrite(json.loads(content))).encode()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.upstream.close()


_SENT = ("authorization", "content-type")


@pytest.fixture(scope="module")
def sb():
    with Sandbox(
        contacts=60, companies=5, deals=5, seed=16, token=TOKEN, search_rate=None
    ) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def contact_ids(sb) -> list[str]:
    """Every contact's id, read straight from the sandbox."""
    with sb.client() as direct:
        return [str(i) for i in direct.contacts.get_all(progress=False)["id"]]


@pytest.fixture
def proxy(sb):
    server = RewritingProxy(sb.url)
    yield server
    server.close()


@pytest.fixture
def hs(proxy):
    with hf.HubSpot(TOKEN, base_url=proxy.url, rate_limit=(10_000, 10), max_retries=2) as client:
        virtual_time(client)
        client.properties("contacts")  # the definitions, read before any rewrite
        yield client


def _first(change: Callable[[dict[str, Any]], Any]) -> Rewrite:
    """Apply ``change`` to the first record of a page's results."""

    def rewrite(data: dict[str, Any]) -> Any:
        if data.get("results"):
            data["results"][0] = change(data["results"][0])
        return data

    return rewrite


def _without(key: str) -> Callable[[dict[str, Any]], Any]:
    return lambda record: {k: v for k, v in record.items() if k != key}


BROKEN_PAGES: dict[str, tuple[Rewrite, str]] = {
    "record without id": (_first(_without("id")), r"results\[0\] is a record with no 'id'"),
    "record with a null id": (
        _first(lambda r: {**r, "id": None}),
        r"results\[0\] is a record with an 'id' that is null",
    ),
    "results as a dict": (
        lambda data: {**data, "results": {"0": data["results"][0]}},
        r"without a 'results' list \('results' is an object\)",
    ),
    "results as a string": (
        lambda data: {**data, "results": "none today"},
        r"without a 'results' list \('results' is a string\)",
    ),
    "records that are not objects": (
        lambda data: {**data, "results": [1, "two"]},
        r"results\[0\] is a number, not an object",
    ),
    "properties as a list": (
        _first(lambda r: {**r, "properties": ["email"]}),
        r"results\[0\] \(id '\d+'\) has 'properties' that is a list",
    ),
}

#: The record paths of contacts in the default (2026-09) version: list, search, batch read.
CONTACT_PAGES = r"^/crm/objects/2026-09/contacts(/search|/batch/read)?$"


@pytest.mark.parametrize("case", list(BROKEN_PAGES))
def test_a_broken_page_is_a_typed_error_from_every_reader(hs, proxy, contact_ids, case, tmp_path):
    rewrite, message = BROKEN_PAGES[case]
    ids = contact_ids[:5]
    readers: dict[str, Callable[[], Any]] = {
        "get_page": lambda: hs.contacts.get_page(limit=10),
        "get_all": lambda: hs.contacts.get_all(progress=False),
        "get_many": lambda: hs.contacts.get_many(ids),
        "search": lambda: hs.contacts.search("email", operator="HAS_PROPERTY", progress=False),
        "export": lambda: hs.contacts.export(tmp_path / f"{case}.parquet", progress=False),
    }
    for name, read in readers.items():
        proxy.set(CONTACT_PAGES, rewrite)
        with pytest.raises(hf.UnexpectedResponseError, match=message) as info:
            read()
            pytest.fail(f"{name} read a broken page without an error")
        assert info.value.path is not None and "/crm/objects/2026-09/contacts" in info.value.path
        assert info.value.path in str(info.value), name  # the message names the path
        # A read is retried as a broken answer: three attempts with max_retries=2 (the
        # export may have sent more than one read: its plan's probe, then its stream).
        if name == "export":
            assert proxy.rewritten >= 3, (name, proxy.rewritten)
        else:
            assert proxy.rewritten == 3, (name, proxy.rewritten)
        assert not (tmp_path / f"{case}.parquet").exists()


def test_a_single_record_without_id_is_a_typed_error(hs, proxy, contact_ids):
    record_id = contact_ids[0]
    proxy.set(rf"^/crm/objects/2026-09/contacts/{record_id}$", _without("id"))
    with pytest.raises(hf.UnexpectedResponseError, match=r"the answer is a record with no 'id'"):
        hs.contacts.get(record_id)
    assert proxy.rewritten == 3
    proxy.set(r"^$", lambda data: data)  # nothing rewritten: the same read works
    assert hs.contacts.get(record_id)["id"].tolist() == [record_id]


def test_a_create_answered_without_an_id_is_not_repeated(hs, proxy):
    proxy.set(r"^/crm/objects/2026-09/contacts$", _without("id"))
    with pytest.raises(hf.UnexpectedResponseError, match="may or may not have been applied"):
        hs.contacts.create({"email": "shapeless@example.com"})
    assert proxy.rewritten == 1  # a create is sent once: a second could duplicate it


def test_pages_of_the_right_shape_pass(hs, proxy, sb):
    proxy.set(CONTACT_PAGES, lambda data: data)  # rewritten as itself
    frame = hs.contacts.get_all(progress=False)
    with sb.client() as direct:
        expected = direct.contacts.get_all(progress=False)["id"].tolist()
    assert frame["id"].tolist() == expected and proxy.rewritten >= 1
