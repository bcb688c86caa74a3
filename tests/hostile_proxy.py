"""A real HTTP proxy on 127.0.0.1 between a client and the sandbox that spoils chosen answers.

``HostileProxy(sb.url, schedule)`` listens on its own port and forwards every request to
the sandbox (which applies it: a create still happens when its answer is spoiled). For
each request ``schedule(n, method, path)`` names a :data:`MUTATIONS` entry, or None to
pass the sandbox's answer on unchanged. :func:`seeded_schedule` picks one for a fraction
of the requests from a seeded RNG; :func:`always` spoils every answer but the property
definitions with one. ``proxy.use(schedule, seed)`` starts a try: the request count and
the RNG of the details (which status, which body) restart, so a failing try replays from
its seed. ``proxy.served`` counts what was spoiled, ``proxy.authorized`` the paths that
came with an ``Authorization`` header. ``slow_trickle`` and :data:`EXTRA_JSON` are
spoilers used only by name, outside the sweeps.

A redirect to "another host" points at :class:`Catcher`, a second server on another
port that answers 200 with an empty page and records every ``Authorization`` header it
sees: a client that follows the redirect with its bearer shows up in ``catcher.seen``.

The mutations are what a broken CDN, proxy or server sends: bodies cut short (with and
without a lying ``Content-Length``), connections reset, bytes trickled, redirects, HTML
and text answers, huge bodies, invalid UTF-8, garbage JSON, odd error statuses with odd
bodies, and JSON that parses but has the wrong shape (fields dropped, types swapped,
results reordered or repeated).
"""

from __future__ import annotations

import http.client
import json
import random
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

_SENT = ("authorization", "content-type", "accept")
Schedule = Callable[[int, str, str], "str | None"]


# -- what a JSON answer can be turned into -------------------------------------------------


def _results(data: Any) -> list[Any] | None:
    if isinstance(data, dict) and isinstance(data.get("results"), list):
        return data["results"]
    return None


def _reorder(data: Any, rng: random.Random) -> Any:
    res = _results(data)
    if res is not None:
        rng.shuffle(res)
    return data


def _duplicate(data: Any, rng: random.Random) -> Any:
    res = _results(data)
    if res:
        res.insert(rng.randrange(len(res) + 1), json.loads(json.dumps(rng.choice(res))))
    return data


def _drop(key: str) -> Callable[[Any, random.Random], Any]:
    def drop(data: Any, rng: random.Random) -> Any:
        if isinstance(data, dict):
            data.pop(key, None)
            for rec in _results(data) or []:
                if isinstance(rec, dict):
                    rec.pop(key, None)
        return data

    return drop


def _dict_for_list(data: Any, rng: random.Random) -> Any:
    res = _results(data)
    if res is not None:
        data["results"] = {str(i): r for i, r in enumerate(res)}
    return data


def _null_record(data: Any, rng: random.Random) -> Any:
    """One of the results (or, without results, one field of the answer) becomes null."""
    res = _results(data)
    if res:
        res[rng.randrange(len(res))] = None
    elif isinstance(data, dict) and data:
        data[rng.choice(sorted(data))] = None
    return data


def _null_properties(data: Any, rng: random.Random) -> Any:
    """A record's ``properties`` (of one result, or of the answer itself) become null."""
    target = rng.choice(_results(data) or [data])
    if isinstance(target, dict) and "properties" in target:
        target["properties"] = None
    return data


def _swap_types(data: Any, rng: random.Random) -> Any:
    """Strings for numbers and numbers for strings: ids as ints, totals as words."""
    if isinstance(data, dict):
        if "total" in data:
            data["total"] = rng.choice(["many", str(data["total"]), None, -1])
        for rec in _results(data) or []:
            if isinstance(rec, dict) and isinstance(rec.get("id"), str):
                rec["id"] = int(rec["id"]) if rec["id"].isdigit() else rec["id"]
            props = rec.get("properties") if isinstance(rec, dict) else None
            if isinstance(props, dict) and props:
                key = rng.choice(sorted(props))
                props[key] = rng.choice([1e308, -1, True, ["x"], {"v": 1}])
        paging = data.get("paging")
        if isinstance(paging, dict) and isinstance(paging.get("next"), dict):
            paging["next"]["after"] = rng.choice([12.5, True, [1], {"a": 1}])
    return data


def _huge_epoch(data: Any, rng: random.Random) -> Any:
    """Every record's dates as epoch milliseconds past any calendar (year 3e9)."""
    for rec in _results(data) or [data]:
        props = rec.get("properties") if isinstance(rec, dict) else None
        if isinstance(props, dict):
            for key in ("createdate", "lastmodifieddate", "hs_lastmodifieddate"):
                if key in props:
                    props[key] = "99999999999999999999"
    return data


#: Spoilers tried only by name (not in the random sweeps): ``proxy.use(always("huge_epoch"))``.
EXTRA_JSON: dict[str, Callable[[Any, random.Random], Any]] = {"huge_epoch": _huge_epoch}

JSON_MUTATIONS: dict[str, Callable[[Any, random.Random], Any]] = {
    "reorder": _reorder,
    "duplicate": _duplicate,
    "drop_id": _drop("id"),
    "drop_results": _drop("results"),
    "drop_paging": _drop("paging"),
    "dict_for_list": _dict_for_list,
    "null_record": _null_record,
    "null_properties": _null_properties,
    "swap_types": _swap_types,
}

#: Mutations of the bytes or the exchange, not of the JSON.
WIRE_MUTATIONS = (
    "truncate",  # half the body, then the connection closes (Content-Length says more)
    "truncate_clean",  # half the body with a matching Content-Length: broken JSON
    "reset",  # the connection closes before any answer
    "trickle",  # the body a few bytes at a time
    "redirect_here",  # 302 to the same URL (a loop)
    "redirect_away",  # 307 to another host (the catcher)
    "html",  # 200 text/html with a login page
    "wrong_type",  # the real body labelled text/plain
    "huge",  # a 1.5 MB JSON answer of the right shape
    "huge_garbage",  # 256 KB of non-JSON
    "invalid_utf8",  # the real body with bytes that are not UTF-8
    "garbage_json",  # a JSON prefix, or something that is not JSON at all
    "json_scalar",  # JSON, but not an object: a number, NaN, true, a string
    "json_empty",  # JSON, but nothing: [] or null
    "odd_status",  # an error status (or 1xx/3xx without Location) with an odd body
)

MUTATIONS: tuple[str, ...] = WIRE_MUTATIONS + tuple(JSON_MUTATIONS)

_ODD_BODIES: tuple[bytes, ...] = (
    b"",
    b"null",
    b"[]",
    b'"error"',
    b"<html><body>502 Bad Gateway</body></html>",
    b'{"status": "error", "message": null, "category": 7}',
    b'{"message": "' + b"x" * 20_000 + b'"}',
    '{"message": "\u00e9\u2028\U0001f600 bad"}'.encode(),
    b'{"errors": "not a list", "context": []}',
)
_ODD_STATUSES = (204, 304, 400, 401, 403, 404, 405, 409, 410, 413, 414, 418, 422, 423, 429,
                 431, 451, 499, 500, 501, 502, 503, 504, 520, 599)  # fmt: skip


class Catcher:
    """Another host: answers anything with an empty page, recording the headers it got."""

    def __init__(self) -> None:
        self.seen: list[str] = []  # Authorization headers received
        self.hits = 0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                outer.hits += 1
                if self.headers.get("Authorization"):
                    outer.seen.append(self.headers["Authorization"])
                n = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(n)
                body = b'{"results": [], "total": 0}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class HostileProxy:
    """A threaded HTTP server forwarding to ``target``; ``schedule`` picks the answers to spoil.

    Counts what it did in ``served`` (mutation name -> times) and ``requests``.
    """

    def __init__(self, target: str, schedule: Schedule | None = None, *, seed: int = 0):
        host, _, port = target.removeprefix("http://").partition(":")
        self.target = (host, int(port))
        self.schedule: Schedule = schedule or (lambda n, m, p: None)
        self.rng = random.Random(seed)
        self.served: Counter[str] = Counter()
        self.requests = 0
        self.authorized: list[str] = []  # paths of requests that carried an Authorization header
        self.lock = threading.Lock()
        self.catcher = Catcher()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.catcher.close()

    def __enter__(self) -> HostileProxy:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def use(self, schedule: Schedule, seed: int = 0) -> None:
        """Answer by ``schedule`` from now on, counting requests from 1 again, with the details
        (which status, which body) drawn from ``seed``: a try replays exactly."""
        with self.lock:
            self.schedule = schedule
            self.requests = 0
            self.rng = random.Random(seed)

    def pick(self, method: str, path: str) -> tuple[str | None, random.Random]:
        """The mutation for the next request, and an RNG of its own for the details."""
        with self.lock:
            self.requests += 1
            name = self.schedule(self.requests, method, path)
            if name is not None:
                self.served[name] += 1
            return name, random.Random(self.rng.random())

    def since(self, before: Counter[str]) -> str:
        """The mutations served since ``before`` (a copy of :attr:`served`), for messages."""
        return repr(dict(self.served - before))

    def forward(self, method: str, path: str, headers: dict[str, str], body: bytes):
        """The sandbox's answer: status, headers, body."""
        conn = http.client.HTTPConnection(*self.target, timeout=30)
        try:
            conn.request(method, path, body=body or None, headers=headers)
            resp = conn.getresponse()
            return resp.status, dict(resp.getheaders()), resp.read()
        finally:
            conn.close()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                n = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(n) if n else b""
                sent = {k: v for k, v in self.headers.items() if k.lower() in _SENT}
                if "Authorization" in self.headers:
                    proxy.authorized.append(self.path)
                name, rng = proxy.pick(self.command, self.path)
                if name == "reset":  # applied or not, at random: a lost answer either way
                    if rng.random() < 0.5:
                        proxy.forward(self.command, self.path, sent, body)
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                status, headers, content = proxy.forward(self.command, self.path, sent, body)
                answer(self, name, rng, status, headers, content, proxy.catcher.url)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

            def log_message(self, *args: Any) -> None:
                pass

        return Handler


def _send(
    h: BaseHTTPRequestHandler,
    status: int,
    body: bytes,
    ctype: str = "application/json;charset=utf-8",
    length: int | None = None,
    extra: dict[str, str] | None = None,
) -> None:
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(body) if length is None else length))
    for k, v in (extra or {}).items():
        h.send_header(k, v)
    h.end_headers()
    if h.command != "HEAD" and status not in (204, 304):
        h.wfile.write(body)


def _spoil_json(name: str, content: bytes, rng: random.Random) -> bytes:
    try:
        data = json.loads(content)
    except ValueError:
        return content
    return json.dumps({**JSON_MUTATIONS, **EXTRA_JSON}[name](data, rng)).encode()


def _huge(content: bytes) -> bytes:
    try:
        data = json.loads(content)
    except ValueError:
        data = {}
    if isinstance(data, dict):
        data["padding"] = "p" * 1_500_000
        return json.dumps(data).encode()
    return content + b" " * 1_500_000


def answer(
    h: BaseHTTPRequestHandler,
    name: str | None,
    rng: random.Random,
    status: int,
    headers: dict[str, str],
    content: bytes,
    away: str,
) -> None:
    """Send the sandbox's answer, spoiled by ``name``."""
    ctype = headers.get("Content-Type", "application/json;charset=utf-8")
    if name is None:
        _send(h, status, content, ctype, extra=_kept(headers))
    elif name in JSON_MUTATIONS or name in EXTRA_JSON:
        _send(h, status, _spoil_json(name, content, rng), ctype)
    elif name in ("truncate", "truncate_clean"):
        cut = content[: len(content) // 2]
        _send(h, status, cut, ctype, length=len(content) if name == "truncate" else len(cut))
        h.close_connection = True
    elif name == "trickle":
        _trickle(h, status, content, ctype, rng)
    elif name == "slow_trickle":  # not in MUTATIONS: a body that takes 4 s, a byte at a time
        _trickle(h, status, content, ctype, rng, seconds=4.0)
    elif name in ("redirect_here", "redirect_away"):
        where = h.path if name == "redirect_here" else away + h.path
        _send(h, rng.choice((301, 302, 303, 307, 308)), b"", extra={"Location": where})
    else:
        _send_odd(h, name, rng, status, content, ctype)


def _send_odd(
    h: BaseHTTPRequestHandler,
    name: str,
    rng: random.Random,
    status: int,
    content: bytes,
    ctype: str,
) -> None:
    if name == "html":
        _send(h, 200, b"<!doctype html><html><body>Sign in</body></html>", "text/html")
    elif name == "wrong_type":
        _send(h, status, content, rng.choice(("text/plain", "text/html", "application/xml", "")))
    elif name == "huge":
        _send(h, status, _huge(content), ctype)
    elif name == "huge_garbage":
        _send(h, status, bytes(rng.randrange(256) for _ in range(4096)) * 64, ctype)
    elif name == "invalid_utf8":
        at = content.find(b'"', 1)
        body = content[: at + 1] + b"\xff\xfe\xc3(" + content[at + 1 :] if at > 0 else b"\xff\xfe"
        _send(h, status, body, ctype)
    elif name == "garbage_json":
        body = rng.choice((content[: max(1, len(content) // 3)], b"{'a': 1}", b"}{", b"\x00", b"{"))
        _send(h, status, body, ctype)
    elif name == "json_scalar":
        _send(h, status, rng.choice((b"3", b"NaN", b"-Infinity", b'"ok"', b"true")))
    elif name == "json_empty":
        _send(h, status, rng.choice((b"[]", b"null")))
    elif name == "odd_status":
        _send(h, rng.choice(_ODD_STATUSES), rng.choice(_ODD_BODIES), ctype)
    else:
        raise ValueError(f"unknown mutation {name!r}")


def _kept(headers: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in headers.items() if k.lower().startswith(("retry-after", "x-hubspot"))}


def _trickle(
    h: BaseHTTPRequestHandler,
    status: int,
    content: bytes,
    ctype: str,
    rng: random.Random,
    seconds: float = 0.25,
) -> None:
    """The body in 40 pieces over about ``seconds`` (a quarter second: tests stay quick)."""
    h.send_response(status)
    h.send_header("Content-Type", ctype)
    h.send_header("Content-Length", str(len(content)))
    h.end_headers()
    step = max(1, len(content) // 40)
    for i in range(0, len(content), step):
        h.wfile.write(content[i : i + step])
        h.wfile.flush()
        time.sleep(rng.uniform(0, 2 * seconds / 40))


def seeded_schedule(seed: int, fraction: float, names: tuple[str, ...] = MUTATIONS) -> Schedule:
    """Spoil about ``fraction`` of the requests, each with a mutation drawn from ``names``."""
    rng = random.Random(seed)
    lock = threading.Lock()

    def schedule(n: int, method: str, path: str) -> str | None:
        with lock:
            return rng.choice(names) if rng.random() < fraction else None

    return schedule


def always(name: str, *, skip_paths: tuple[str, ...] = ("/properties/",)) -> Schedule:
    """Spoil every request with ``name``, except those whose path holds one of ``skip_paths``
    (by default the property definitions, so the spoiled answers are the records')."""

    def schedule(n: int, method: str, path: str) -> str | None:
        return None if any(s in path for s in skip_paths) else name

    return schedule
