"""Helpers for testing code that uses hubframe: a sandbox-backed or a cassette-backed client.

Two ways to give the code under test a real :class:`hubframe.HubSpot` client
without touching a real portal:

- **the sandbox** (a local HubSpot on 127.0.0.1): the pytest fixtures
  ``hubspot_sandbox`` and ``hubspot_client``. Enable them in ``conftest.py``::

      pytest_plugins = ["hubframe.testing"]

      def test_customers(hubspot_client):
          df = hubspot_client.contacts.get_page(limit=5)
          assert len(df) == 5

  The sandbox is seeded with 100 contacts, 10 companies and 20 deals; a test
  asks for another size with ``@pytest.mark.hubspot_sandbox(contacts=500)``.

- **a cassette** (recorded HTTP, replayed with no network)::

      from hubframe.testing import cassette_client

      with cassette_client("tests/cassettes/customers.yaml", record=True) as hs:
          hs.contacts.search("lifecyclestage", "customer")      # recorded
      with cassette_client("tests/cassettes/customers.yaml") as hs:
          hs.contacts.search("lifecyclestage", "customer")      # replayed, offline

  Recording goes to the sandbox given as ``sandbox=``, else to the portal of
  ``HUBSPOT_ACCESS_TOKEN`` when it is set, else to a fresh default sandbox.
  Cassettes never hold the token: the ``Authorization`` header is dropped and
  anything token-like in bodies is replaced before a cassette is written. A
  path ending in ``.gz`` is stored gzip-compressed.

Replay needs ``vcrpy`` (a development dependency of hubframe).
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import json
import logging
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from .client import HubSpot
from .errors import ConfigurationError
from .tokens import REDACTED, scrub

if TYPE_CHECKING:  # pragma: no cover
    from .sandbox import Sandbox

__all__ = [
    "MATCH_ON",
    "PLACEHOLDER_URL",
    "REDACTED",
    "REPLAY_TOKEN",
    "VirtualClock",
    "cassette_client",
    "scrub_text",
    "virtual_time",
]

log = logging.getLogger("hubframe")

#: Every cassette names this host, whatever it was recorded from, so replay
#: does not depend on the port a sandbox happened to get or on the portal's host.
PLACEHOLDER_URL = "http://127.0.0.1:8765"
#: The token a replaying client holds. It never reaches a cassette or a network.
REPLAY_TOKEN = "cassette-replay"

#: Response headers worth keeping: the ones the client reads. Everything else
#: (cookies, CDN ids, dates, lengths of bodies that scrubbing may change) goes.
_KEPT_RESPONSE_HEADERS = ("content-type", "retry-after", "x-hubspot-correlation-id")
_KEPT_RESPONSE_PREFIXES = ("x-hubspot-ratelimit-",)
_KEPT_REQUEST_HEADERS = ("content-type", "accept")


def scrub_text(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Replace the given secrets and anything token-like in ``text`` with ``REDACTED``
    (:func:`hubframe.tokens.scrub`, the one scrubber)."""
    return scrub(text, secrets)


# -- vcrpy plumbing -------------------------------------------------------------------------------


class _Persister:
    """vcrpy's filesystem persister, plus gzip for paths ending in ``.gz``.

    Large cassettes (e.g. a search that reads past 10,000 results) shrink ten-fold
    compressed; small ones stay plain YAML so a diff shows what changed.
    """

    @staticmethod
    def load_cassette(cassette_path: Any, serializer: Any) -> Any:
        from vcr.persisters.filesystem import CassetteNotFoundError
        from vcr.serialize import deserialize

        path = Path(cassette_path)
        if not path.is_file():
            raise CassetteNotFoundError()
        raw = path.read_bytes()
        if path.suffix == ".gz":
            raw = gzip.decompress(raw)
        data = raw.decode("utf-8")
        if not data.strip():
            raise CassetteNotFoundError()
        return deserialize(data, serializer)

    @staticmethod
    def save_cassette(cassette_path: Any, cassette_dict: Any, serializer: Any) -> None:
        from vcr.serialize import serialize

        path = Path(cassette_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        data = serialize(cassette_dict, serializer).encode("utf-8")
        if path.suffix == ".gz":
            # mtime=0 keeps the bytes identical when the content is.
            data = gzip.compress(data, compresslevel=9, mtime=0)
        path.write_bytes(data)


def _parsed_body(request: Any) -> Any:
    body = request.body
    if body is None or body == b"" or body == "":
        return None
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            return body
    try:
        return json.loads(body)
    except ValueError:
        return body


def json_body(r1: Any, r2: Any) -> None:
    """vcrpy matcher: the bodies are equal as parsed JSON (key order and spacing ignored)."""
    b1, b2 = _parsed_body(r1), _parsed_body(r2)
    if b1 != b2:
        raise AssertionError(f"JSON bodies differ: {str(b1)[:300]} != {str(b2)[:300]}")


def query_items(r1: Any, r2: Any) -> None:
    """vcrpy matcher: the same query parameters (order ignored, repeated names kept)."""
    q1 = sorted(parse_qsl(urlsplit(r1.uri).query, keep_blank_values=True))
    q2 = sorted(parse_qsl(urlsplit(r2.uri).query, keep_blank_values=True))
    if q1 != q2:
        raise AssertionError(f"queries differ: {q1} != {q2}")


MATCH_ON = ("method", "scheme", "host", "port", "path", "query_items", "json_body")


def _rehost(url: str, origins: tuple[str, ...]) -> str:
    for origin in origins:
        if origin and url.startswith(origin):
            return PLACEHOLDER_URL + url[len(origin) :]
    return url


def _clean_request(request: Any, origins: tuple[str, ...], clean: Callable[[str], str]) -> Any:
    """A request as a cassette keeps it: on the placeholder host, without secrets or extra headers."""
    request.uri = clean(_rehost(request.uri, origins))
    for name in list(request.headers):
        if name.lower() not in _KEPT_REQUEST_HEADERS:
            del request.headers[name]
    body = request.body
    if isinstance(body, bytes) and body:
        try:
            request.body = clean(body.decode("utf-8")).encode("utf-8")
        except UnicodeDecodeError:
            pass
    return request


def _clean_response(
    response: dict[str, Any], origins: tuple[str, ...], clean: Callable[[str], str]
) -> dict[str, Any]:
    """A response as a cassette keeps it: the headers the client reads, no secrets."""
    headers = response.get("headers") or {}
    response["headers"] = {
        name: [clean(str(v)) for v in values]
        for name, values in headers.items()
        if name.lower() in _KEPT_RESPONSE_HEADERS
        or name.lower().startswith(_KEPT_RESPONSE_PREFIXES)
    }
    body = (response.get("body") or {}).get("string")
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8")
        except UnicodeDecodeError:
            return response
    if isinstance(body, str):
        for origin in origins:
            if origin:
                body = body.replace(origin, PLACEHOLDER_URL)
        response["body"]["string"] = clean(body).encode("utf-8")
    return response


def _make_vcr(
    *,
    record: bool,
    origins: tuple[str, ...] = (),
    clean: Callable[[str], str] = scrub,
) -> Any:
    try:
        import vcr
    except ImportError:  # pragma: no cover - vcrpy is a dev dependency
        raise ConfigurationError(
            "cassettes need vcrpy: pip install vcrpy (or pip install -e '.[dev]')"
        ) from None

    v = vcr.VCR(
        record_mode="all" if record else "none",
        match_on=MATCH_ON,
        before_record_request=functools.partial(_clean_request, origins=origins, clean=clean),
        before_record_response=functools.partial(_clean_response, origins=origins, clean=clean),
        decode_compressed_response=True,
        filter_query_parameters=["hapikey"],
    )
    v.register_matcher("json_body", json_body)
    v.register_matcher("query_items", query_items)
    v.register_persister(_Persister)
    return v


class VirtualClock:
    """Time that passes only when someone sleeps.

    Attributes:
        now: seconds slept so far in total.
        slept: every sleep asked for, in order (retry backoff, Retry-After, limiter waits).
    """

    def __init__(self) -> None:
        self.now = 0.0
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        seconds = max(0.0, float(seconds))
        with self._lock:  # export streams sleep from several threads
            self.slept.append(seconds)
            self.now += seconds


def virtual_time(hs: HubSpot) -> VirtualClock:
    """Make a client's retry backoff and rate-limit waits instant, and record them.

    For tests that drive a client through a sandbox's faults (``Sandbox(faults=0.2)``,
    ``sb.inject(429, retry_after=30)``): the client behaves exactly as it would,
    including how long it decides to wait, but no time passes.

    Returns:
        The :class:`VirtualClock`; ``clock.slept`` lists each wait, in seconds.

    Example::

        clock = virtual_time(hs)
        sb.inject(429, retry_after=30)
        hs.contacts.get_page()
        assert clock.slept == [30.0]
    """
    clock = VirtualClock()
    hs.use_clock(clock.monotonic, clock.sleep)
    return clock


@contextlib.contextmanager
def cassette_client(
    path: str | os.PathLike[str],
    record: bool = False,
    *,
    sandbox: Sandbox | None = None,
    token: str | None = None,
    strict: bool = False,
    **client_kwargs: Any,
) -> Iterator[HubSpot]:
    """A client whose HTTP is recorded to, or replayed from, a vcrpy cassette.

    Replay (``record=False``) sends nothing over the network: every request must
    match a recorded one by method, path, query and JSON body, or vcrpy raises
    ``CannotOverwriteExistingCassetteException``. Retries and rate-limit waits
    take no time during replay.

    Args:
        path: the cassette file (``.yaml``; ``.yaml.gz`` to store it compressed).
        record: record a new cassette, replacing the file.
        sandbox: record from this running sandbox.
        token: record from the real portal of this token (default
            ``$HUBSPOT_ACCESS_TOKEN``); with neither ``sandbox`` nor a token a
            default sandbox is started for the recording.
        strict: on replay, fail if the code made fewer requests than recorded.
        **client_kwargs: passed to :class:`hubframe.HubSpot` (e.g. ``max_retries``).

    Yields:
        A :class:`hubframe.HubSpot` client.

    Raises:
        FileNotFoundError: replay of a cassette that does not exist.
        AssertionError: ``strict`` replay left recorded requests unplayed.
    """
    path = Path(path)
    if not record:
        if not path.is_file():
            raise FileNotFoundError(
                f"no cassette at {path}: record it first with cassette_client({str(path)!r}, record=True)"
            )
        v = _make_vcr(record=False)
        kwargs = {"rate_limit": (1_000_000, 1), "search_rate": 1_000_000, **client_kwargs}
        with v.use_cassette(str(path)) as cassette:
            with HubSpot(
                token=REPLAY_TOKEN, base_url=PLACEHOLDER_URL, forms_url=PLACEHOLDER_URL, **kwargs
            ) as hs:
                virtual_time(hs)
                yield hs
            if strict and not cassette.all_played:
                played = sum(1 for n in cassette.play_counts.values() if n)
                raise AssertionError(
                    f"{path.name}: {len(cassette) - played} of {len(cassette)} recorded requests were not made"
                )
        return

    with contextlib.ExitStack() as stack:
        if sandbox is None and token is None and not os.environ.get("HUBSPOT_ACCESS_TOKEN"):
            from .sandbox import Sandbox

            sandbox = stack.enter_context(Sandbox())
        if sandbox is not None:
            kwargs = {"rate_limit": (10_000, 10), **client_kwargs}
            hs = stack.enter_context(sandbox.client(**kwargs))
        else:
            hs = stack.enter_context(HubSpot(token=token, **client_kwargs))
        origins = tuple(dict.fromkeys([hs.base_url, hs.forms_url]))
        if path.exists():
            path.unlink()
        v = _make_vcr(record=True, origins=origins, clean=hs.scrub)
        stack.enter_context(v.use_cassette(str(path)))
        log.info("recording %s from %s", path, hs.base_url)
        yield hs


# -- pytest fixtures ---------------------------------------------------------------------------------

try:
    import pytest
except ImportError:  # pragma: no cover - fixtures exist only where pytest does
    pytest = None  # type: ignore[assignment]

if pytest is not None:
    __all__ += ["hubspot_client", "hubspot_sandbox"]

    _DEFAULT_SANDBOX = {"contacts": 100, "companies": 10, "deals": 20, "seed": 0}

    def pytest_configure(config: Any) -> None:
        config.addinivalue_line(
            "markers",
            "hubspot_sandbox(**kwargs): arguments of the Sandbox behind the hubspot_sandbox fixture "
            "(e.g. contacts=500, scopes=[...])",
        )

    @pytest.fixture
    def hubspot_sandbox(request: Any) -> Iterator[Sandbox]:
        """A freshly seeded local HubSpot (``hubframe.sandbox.Sandbox``), stopped after the test.

        Seeded with 100 contacts, 10 companies and 20 deals (seed 0); change that with
        ``@pytest.mark.hubspot_sandbox(contacts=..., ...)``.
        """
        from .sandbox import Sandbox

        marker = request.node.get_closest_marker("hubspot_sandbox")
        kwargs = {**_DEFAULT_SANDBOX, **(marker.kwargs if marker else {})}
        with Sandbox(**kwargs) as sb:
            yield sb

    @pytest.fixture
    def hubspot_client(hubspot_sandbox: Sandbox) -> Iterator[HubSpot]:
        """A :class:`hubframe.HubSpot` client of ``hubspot_sandbox``, without client-side rate limiting."""
        with hubspot_sandbox.client(rate_limit=(10_000, 10), search_rate=1_000) as hs:
            yield hs
