"""The retry policy, walked from a table (pure functions, no clock, no network)."""

from __future__ import annotations

import random

import pytest

from hubframe import _retry
from hubframe._ratelimit import SlidingWindow, parse_rate_limit

TEN_SECONDLY = {
    "status": "error",
    "message": "You have reached your ten_secondly_rolling limit.",
    "errorType": "RATE_LIMIT",
    "policyName": "TEN_SECONDLY_ROLLING",
}
DAILY = {
    "status": "error",
    "message": "You have reached your daily limit.",
    "errorType": "RATE_LIMIT",
    "policyName": "DAILY",
}
SECONDLY = {
    "status": "error",
    "message": "You have reached your secondly limit.",
    "category": "RATE_LIMITS",
}


@pytest.mark.parametrize(
    ("kind", "status", "body", "expected"),
    [
        ("read", 429, TEN_SECONDLY, True),
        ("search", 429, SECONDLY, True),
        ("create", 429, TEN_SECONDLY, True),  # a 429 was never applied: safe to repeat
        ("read", 429, DAILY, False),  # the daily limit does not clear in seconds
        ("create", 429, DAILY, False),
        ("read", 502, None, True),
        ("search", 503, None, True),
        ("idempotent", 504, None, True),
        ("idempotent", 500, None, True),
        ("create", 502, None, False),  # may have been applied: never repeated blindly
        ("create", 500, None, False),
        ("read", 400, None, False),
        ("read", 401, None, False),
        ("read", 403, None, False),
        ("read", 404, None, False),
        ("create", 409, None, False),
        ("read", 423, None, True),
        ("read", 477, None, True),
    ],
)
def test_should_retry_status(kind, status, body, expected):
    assert _retry.should_retry_status(kind, status, body) is expected


@pytest.mark.parametrize(
    ("kind", "connected", "expected"),
    [
        ("read", True, True),
        ("search", True, True),
        ("idempotent", True, True),
        ("create", True, False),
        ("create", False, True),
        ("read", False, True),
    ],
)
def test_should_retry_transport(kind, connected, expected):
    assert _retry.should_retry_transport(kind, connected=connected) is expected


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({}, None),
        ({"retry-after": "3"}, 3.0),
        ({"Retry-After": "0.5"}, 0.5),
        ({"retry-after": "-4"}, 0.0),
        ({"retry-after": "soon"}, None),
    ],
)
def test_parse_retry_after(headers, expected):
    assert _retry.parse_retry_after(headers) == expected


def test_parse_retry_after_http_date():
    now = 1_700_000_000.0
    header = {"retry-after": "Tue, 14 Nov 2023 22:13:40 GMT"}  # now + 20 s
    assert _retry.parse_retry_after(header, now=now) == pytest.approx(20.0)


def test_retry_delay_prefers_retry_after():
    assert _retry.retry_delay(3, status=429, retry_after=7.0) == 7.0


def test_retry_delay_search_secondly_limit_is_about_one_second():
    rng = random.Random(0)
    delays = [_retry.retry_delay(n, status=429, body=SECONDLY, rng=rng) for n in range(1, 6)]
    assert all(1.0 <= d <= 1.25 for d in delays)


def test_retry_delay_backoff_grows_and_is_capped():
    rng = random.Random(0)
    upper = [_retry.retry_delay(n, status=502, rng=rng) for n in range(1, 12)]
    assert upper[0] <= 0.5
    assert all(d <= _retry.MAX_BACKOFF for d in upper)
    assert max(upper[6:]) > 4 * upper[0]


def test_daily_limit_is_recognised_by_message_too():
    assert _retry.is_daily_limit({"message": "You have reached your daily limit."})
    assert not _retry.is_daily_limit({"message": "You have reached your secondly limit."})
    assert not _retry.is_daily_limit("error code: 1015")


def test_the_forms_edge_block_is_not_retried():
    # Retrying inside the minute-long block only prolongs it.
    assert _retry.is_edge_block("error code: 1015")
    assert not _retry.should_retry_status("create", 429, "error code: 1015")
    assert not _retry.should_retry_status("read", 429, "error code: 1015")
    assert _retry.should_retry_status("read", 429, "Too many requests")


class FakeClock:
    """A clock that moves only when the limiter sleeps."""

    def __init__(self):
        self.now = 0.0
        self.slept = []

    def time(self):
        return self.now

    def sleep(self, seconds):
        self.slept.append(seconds)
        self.now += seconds


def test_sliding_window_spaces_a_burst():
    clock = FakeClock()
    window = SlidingWindow(3, 10.0, clock=clock.time, sleep=clock.sleep)
    waits = [window.acquire() for _ in range(7)]
    assert waits[:3] == [0, 0, 0]
    assert waits[3] == pytest.approx(10.0)
    # Seven requests under 3/10 s need two full windows of waiting.
    assert clock.now == pytest.approx(20.0)


def test_sliding_window_learns_a_lower_server_max_and_an_empty_budget():
    clock = FakeClock()
    window = SlidingWindow(190, 10.0, clock=clock.time, sleep=clock.sleep)
    window.learn(
        {
            "x-hubspot-ratelimit-interval-milliseconds": "10000",
            "x-hubspot-ratelimit-max": "100",
            "x-hubspot-ratelimit-remaining": "50",
        }
    )
    assert window.max_requests == 100
    window.learn(
        {
            "x-hubspot-ratelimit-interval-milliseconds": "10000",
            "x-hubspot-ratelimit-max": "100",
            "x-hubspot-ratelimit-remaining": "0",
        }
    )
    assert window.acquire() == pytest.approx(10.0)
    # Headers about another window are ignored.
    window.learn(
        {"x-hubspot-ratelimit-interval-milliseconds": "1000", "x-hubspot-ratelimit-max": "5"}
    )
    assert window.max_requests == 100


@pytest.mark.parametrize(
    ("value", "expected"),
    [(100, (100, 10.0)), ((190, 10), (190, 10.0)), ("190/10", (190, 10.0)), ("5/1s", (5, 1.0))],
)
def test_parse_rate_limit(value, expected):
    assert parse_rate_limit(value) == expected


@pytest.mark.parametrize("value", [True, "fast", (1, 2, 3), 1.5])
def test_parse_rate_limit_rejects_nonsense(value):
    with pytest.raises(ValueError, match="rate_limit"):
        parse_rate_limit(value)


@pytest.mark.parametrize("counted", [True, False])
def test_the_client_counts_searches_in_its_window_only_when_set(counted):
    """HubSpot(search_in_rate_limit=...): whether a search also takes a slot of rate_limit."""
    import httpx

    import hubframe as hf
    from hubframe.testing import virtual_time

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"results": [], "total": 0})

    with hf.HubSpot(
        token="pat-test", rate_limit=(2, 10), search_rate=100, search_in_rate_limit=counted,
        transport=httpx.MockTransport(answer),
    ) as hs:  # fmt: skip
        clock = virtual_time(hs)
        for _ in range(2):
            hs.request_json("POST", "/crm/v3/objects/contacts/search", json={}, kind="search")
        hs.request_json("GET", "/crm/v3/objects/contacts")
        hs.request_json("GET", "/crm/v3/objects/contacts")
        assert hs.search_in_rate_limit is counted
    # Counted: the window of 2 is full after the searches, so both GETs wait (10 s each).
    waited = sum(clock.slept)
    assert (waited >= 10) is counted and (waited < 20 or counted)


def test_search_in_rate_limit_must_be_a_flag():
    import hubframe as hf

    with pytest.raises(hf.ConfigurationError, match="search_in_rate_limit"):
        hf.HubSpot(token="pat-test", search_in_rate_limit="no")
