"""The sandbox's HTTP server: werkzeug's threaded server with keep-alive connections.

One thread per connection, quiet (no per-request log lines). Connections stay
open between requests (HTTP/1.1 keep-alive), as HubSpot's API keeps them:
werkzeug's development server closes every connection after one response,
which would make a client pay a TCP handshake and a server thread per request.

The request loop is lean because at zero latency the sandbox's CPU per page is what
limits every client: the usual request (``METHOD /path HTTP/1.1``, plain header lines)
is parsed without the standard library's e-mail parser and its WSGI environ built
directly; anything else (an absolute URL, a folded header line, a chunked body) goes
through the standard library's and werkzeug's code as before. A response's head and a
buffered body leave in one write.
"""

from __future__ import annotations

import http.client
import logging
import socket
import sys
import threading
import time
from email.utils import formatdate
from typing import IO, Any, cast
from urllib.parse import unquote

from werkzeug.serving import ThreadedWSGIServer, WSGIRequestHandler
from werkzeug.wsgi import LimitedStream

__all__ = ["Server", "KeepAliveHandler", "IDLE_SECONDS"]

log = logging.getLogger("hubframe.sandbox")


class QuietHandler(WSGIRequestHandler):
    """werkzeug's handler without its per-request access log lines."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        return None

    def log(self, type: str, message: str, *args: Any) -> None:
        log.debug("werkzeug: " + message, *args)


#: Seconds an idle keep-alive connection stays open (httpx drops its own after 5 s).
IDLE_SECONDS = 60.0

# The standard library's limits on a request's header lines (http.client).
_MAX_LINE = 65536
_MAX_HEADERS = 100
_VERSIONS = (b"HTTP/1.1", b"HTTP/1.0")
_END = (b"\r\n", b"\n", b"")


class _Date:
    """The ``Date`` header's value, formatted once a second (threads share it)."""

    second = -1
    text = ""

    @classmethod
    def now(cls) -> str:
        now = time.time()
        if int(now) != cls.second:
            cls.text, cls.second = formatdate(now, usegmt=True), int(now)
        return cls.text


class KeepAliveHandler(QuietHandler):
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

    def parse_request(self) -> bool:
        """Parse ``METHOD /path HTTP/1.x`` and its header lines (True: serve it).

        What this fast path does not take (another request line, a header line folded
        onto the next one, a line without a colon) is left to the standard library's
        parser, before or after the header lines were read; its answers to a malformed
        request (400, 414, 431) are kept.
        """
        words = self.raw_requestline.split()
        if len(words) != 3 or words[2] not in _VERSIONS or words[1][:2] == b"//":
            return super().parse_request()
        self.command, self.path = words[0].decode("latin-1"), words[1].decode("latin-1")
        self.request_version = words[2].decode("latin-1")
        self.requestline = self.raw_requestline.decode("latin-1").rstrip("\r\n")
        lines = self._header_lines()
        if lines is None:
            return False
        headers = http.client.HTTPMessage()
        for line in lines:
            name, colon, value = line.decode("latin-1").partition(":")
            if not colon or not name or " " in name or "\t" in name:  # folded, odd: the parser
                return self._parse_headers_slowly(lines)
            headers[name] = value.lstrip(" \t").rstrip("\r\n")
        self.headers = headers
        return self._connection_rules()

    def _header_lines(self) -> list[bytes] | None:
        """The raw header lines up to the blank line (the standard library's limits and
        answers: 431 for a line too long or too many lines); None after answering."""
        lines: list[bytes] = []
        while True:
            line = self.rfile.readline(_MAX_LINE + 1)
            if len(line) > _MAX_LINE:
                self.send_error(431, "Line too long")
                return None
            if line in _END:
                return lines
            lines.append(line)
            if len(lines) + 1 > _MAX_HEADERS:  # the blank line counts, as in http.client
                self.send_error(431, "Too many headers")
                return None

    def _parse_headers_slowly(self, lines: list[bytes]) -> bool:
        """The e-mail parser over header lines already read (a folded or odd one)."""
        self.headers = http.client.parse_headers(
            cast("IO[bytes]", _Lines(lines)), _class=self.MessageClass
        )
        return self._connection_rules()

    def _connection_rules(self) -> bool:
        """Keep-alive or close (HTTP/1.0 closes unless it asks), and ``Expect: 100-continue``."""
        connection = self.headers.get("Connection", "").lower()
        self.close_connection = self.request_version != "HTTP/1.1"
        if connection == "close":
            self.close_connection = True
        elif connection == "keep-alive":
            self.close_connection = False
        expect = self.headers.get("Expect", "").lower()
        if expect == "100-continue" and self.request_version == "HTTP/1.1":
            return bool(self.handle_expect_100())
        return True

    def fast_environ(self) -> dict[str, Any]:
        """werkzeug's WSGI environ, built directly for a path (not an absolute URL)."""
        if not self.path.startswith("/"):
            return self.make_environ()
        path, _, query = self.path.partition("#")[0].partition("?")
        server = self.server
        environ: dict[str, Any] = {
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": self.rfile,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": server.multithread,
            "wsgi.multiprocess": server.multiprocess,
            "wsgi.run_once": False,
            "werkzeug.socket": self.connection,
            "SERVER_SOFTWARE": self.server_version,
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": _dance(unquote(path)),
            "QUERY_STRING": _dance(query),
            "REQUEST_URI": _dance(self.path),
            "RAW_URI": _dance(self.path),
            "REMOTE_ADDR": self.client_address[0],
            "REMOTE_PORT": self.client_address[1],
            "SERVER_NAME": server.server_address[0],
            "SERVER_PORT": str(server.server_address[1]),
            "SERVER_PROTOCOL": self.request_version,
        }
        for key, value in self.headers.items():
            if "_" in key:
                continue
            key = key.upper().replace("-", "_")
            value = value.replace("\r\n", "")
            if key not in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                key = f"HTTP_{key}"
                if key in environ:
                    value = f"{environ[key]},{value}"
            environ[key] = value
        return environ

    def run_wsgi(self) -> None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            super().run_wsgi()
            return
        environ = self.fast_environ()
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if length < 0:  # a length we cannot trust leaves the stream unframed: answer, close
            self.close_connection = True
            self._send_head("400 BAD REQUEST", [], 0)
            return
        body_in = LimitedStream(cast("IO[bytes]", self.rfile), length)
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
        """Send the application's response: a single body (the sandbox's usual answer) with
        its head in one write; else streamed if it gave its length, buffered if not."""
        if isinstance(result, list) and len(result) == 1 and started:
            (body,) = result
            length = None if _has_length(started[1]) else len(body)
            self._send(self._head(started[0], started[1], length), body)
            return
        buffered: list[bytes] = []
        for chunk in result:
            if not self._head_sent and _has_length(started[1]):
                self._send(self._head(started[0], started[1], None), b"")
            if self._head_sent:
                self._send(b"", chunk)
            else:
                buffered.append(chunk)
        if not self._head_sent:  # (a HEAD or empty response may carry its length, no chunks)
            body = b"".join(buffered)
            length = None if _has_length(started[1]) else len(body)
            self._send(self._head(started[0], started[1], length), body)

    def _send_head(self, status: str, headers: list[tuple[str, str]], length: int | None) -> None:
        """Status line and headers alone (an error answered before any body)."""
        self._send(self._head(status, headers, length), b"")

    def _head(self, status: str, headers: list[tuple[str, str]], length: int | None) -> bytes:
        """Status line and headers, as ``send_response`` + ``send_header`` write them;
        ``length`` adds a ``Content-Length`` (None: it is in ``headers``)."""
        code = int(status.partition(" ")[0])
        lines = [
            f"{self.protocol_version} {status}",
            f"Server: {self.version_string()}",
            f"Date: {_Date.now()}",
        ]
        lines += [
            f"{key}: {value}"
            for key, value in headers
            if key.lower() not in ("connection", "transfer-encoding")
        ]
        if length is not None and not (100 <= code < 200 or code in (204, 304)):
            lines.append(f"Content-Length: {length}")
        if self.close_connection:
            lines.append("Connection: close")
        lines += ["", ""]
        self._head_sent = True
        return "\r\n".join(lines).encode("latin-1", "strict")

    def _send(self, head: bytes, data: bytes) -> None:
        """One write of a head and (unless the request is a HEAD) body bytes."""
        if self.command == "HEAD":
            data = b""
        if head or data:
            self.wfile.write(head + data if head and data else head or data)


def _has_length(headers: list[tuple[str, str]]) -> bool:
    return any(key.lower() == "content-length" for key, _ in headers)


def _dance(text: str) -> str:
    """A str as WSGI carries it: its UTF-8 bytes read as latin-1 (werkzeug's encoding dance)."""
    return text if text.isascii() else text.encode().decode("latin-1")


class _Lines:
    """Header lines already read, served to ``http.client.parse_headers`` as a file."""

    def __init__(self, lines: list[bytes]):
        self._lines = [*lines, b"\r\n"]

    def readline(self, limit: int = -1) -> bytes:
        return self._lines.pop(0) if self._lines else b""


class Server(ThreadedWSGIServer):
    """werkzeug's threaded server that knows its open connections, to close them on stop."""

    def __init__(self, host: str, port: int, app: Any):
        super().__init__(host, port, app, handler=KeepAliveHandler)
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
