"""The sandbox's HTTP server: werkzeug's threaded server with keep-alive connections.

One thread per connection, quiet (no per-request log lines). Connections stay
open between requests (HTTP/1.1 keep-alive), as HubSpot's API keeps them:
werkzeug's development server closes every connection after one response,
which would make a client pay a TCP handshake and a server thread per request.
"""

from __future__ import annotations

import logging
import socket
import threading
from typing import IO, Any, cast

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
