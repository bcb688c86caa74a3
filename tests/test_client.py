"""The client's retry, rate-limit and error paths against a real sandbox with injected faults."""

from __future__ import annotations

import logging

import httpx
import pytest

import hubframe as hf
from hubframe._ratelimit import NO_LIMIT
from hubframe.sandbox import Sandbox
from hubframe.testing import virtual_time


@pytest.fixture
def sb():
    with Sandbox(contacts=30, companies=3, deals=3, seed=5) as sandbox:
        yield sandbox


@pytest.fixture
def client(sb):
    # Retries are counted, not waited for.
    with sb.client(rate_limit=(10_000, 10), sleep=lambda seconds: None) as hs:
        hs.properties("contacts")
        yield hs


def test_429_then_success_is_retried(sb, client):
    sb.inject(status=429, count=2, path_contains="/crm/objects/2026-09/contacts", method="GET")
    df = client.contacts.get_page(limit=5)
    assert len(df) == 5
    assert client.stats.retries == 2


def test_retry_after_is_honoured(sb, client):
    slept = virtual_time(client).slept
    sb.inject(
        status=429,
        count=1,
        retry_after=3,
        path_contains="/crm/objects/2026-09/contacts",
        method="GET",
    )
    client.contacts.get_page(limit=1)
    assert slept == [3.0]


def test_server_errors_and_dropped_connections_on_reads_are_retried(sb, client):
    sb.inject(status=502, count=1, path_contains="/search")
    sb.inject(drop=True, count=1, path_contains="/search")
    df = client.contacts.search("email", operator="HAS_PROPERTY", progress=False)
    assert len(df) == client.contacts.count()
    assert client.stats.retries >= 2


def test_a_create_is_not_repeated_after_a_5xx(sb, client):
    companies_before = len(client.companies.get_all(progress=False))
    sb.inject(status=502, count=1, path_contains="/crm/objects/2026-09/companies", method="POST")
    with pytest.raises(hf.ServerError):
        client.companies.create({"name": "Once Only Ltd"})
    assert len(client.companies.get_all(progress=False)) == companies_before


def test_a_contact_create_whose_answer_was_lost_is_not_duplicated(sb, client):
    sb.inject(
        drop=True,
        count=1,
        path_contains="/crm/objects/2026-09/contacts",
        method="POST",
        after_apply=True,
    )
    created = client.contacts.create({"email": "lost-answer@example.org", "firstname": "Lost"})
    found = client.contacts.search("email", "lost-answer@example.org", progress=False)
    assert list(found["id"]) == list(created["id"])


def test_daily_limit_is_not_retried_and_says_when_it_resets(sb, client):
    body = {
        "status": "error",
        "message": "You have reached your daily limit.",
        "errorType": "RATE_LIMIT",
        "policyName": "DAILY",
    }
    sb.inject(
        status=429,
        count=None,
        body=body,
        path_contains="/crm/objects/2026-09/contacts",
        method="GET",
    )
    with pytest.raises(hf.RateLimitError) as info:
        client.contacts.get_page()
    assert client.stats.retries == 0
    assert info.value.policy == "DAILY"
    assert "midnight" in str(info.value)


def test_retries_run_out_into_a_typed_error(sb, client):
    sb.inject(status=503, count=None, path_contains="/crm/objects/2026-09/contacts", method="GET")
    with pytest.raises(hf.ServerError) as info:
        client.contacts.get_page()
    assert info.value.status == 503
    assert client.stats.retries == client.max_retries


def test_limiter_keeps_a_loop_under_the_portal_burst_limit():
    with Sandbox(contacts=10, seed=2, rate_limit=(20, 1)) as sandbox:
        with sandbox.client(rate_limit=(20, 1)) as hs:
            for _ in range(45):
                hs.request("GET", "/crm/v3/objects/contacts", params={"limit": 1})
            assert hs.stats.retries == 0
            assert hs.stats.wait_seconds > 1.0
        statuses = [r.status for r in sandbox.requests]
    assert len(statuses) >= 45
    assert 429 not in statuses


def test_a_sandbox_client_keeps_to_the_sandbox_limits():
    with Sandbox(contacts=10, seed=2, rate_limit=(20, 1), search_rate=2) as sandbox:
        with sandbox.client() as hs:
            assert hs.rate_limit == (20, 1.0)
            assert hs.search_rate == hf.HubSpot(token="pat-x-1234567890", search_rate=2).search_rate
            for _ in range(45):
                hs.request("GET", "/crm/v3/objects/contacts", params={"limit": 1})
            assert hs.stats.retries == 0
            assert hs.stats.wait_seconds > 1.0
        with sandbox.client(rate_limit=(7, 10), search_rate=1) as own:  # arguments win
            assert own.rate_limit == (7, 10.0)
            assert (
                own.search_rate == hf.HubSpot(token="pat-x-1234567890", search_rate=1).search_rate
            )
        statuses = [r.status for r in sandbox.requests]
    assert len(statuses) >= 45
    assert 429 not in statuses


def test_a_sandbox_without_a_rate_limit_gives_a_client_without_one():
    with Sandbox(contacts=10, seed=2) as sandbox, sandbox.client() as hs:
        assert hs.rate_limit[0] == NO_LIMIT
        for _ in range(150):  # past HubSpot's default of 100 per 10 s
            hs.request("GET", "/crm/v3/objects/contacts", params={"limit": 1})
        assert hs.stats.requests == 150
        assert hs.stats.wait_seconds == 0


def test_rate_limit_none_means_no_client_side_limit(sb):
    now = [0.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    def client(**kw):
        # Time passes only when the client sleeps: any wait for the window shows.
        return hf.HubSpot(token=sb.token, base_url=sb.url, clock=lambda: now[0], sleep=sleep, **kw)

    with client(rate_limit=None) as hs:
        for _ in range(250):
            hs.request("GET", "/crm/v3/objects/contacts", params={"limit": 1})
        assert hs.stats.wait_seconds == 0
    assert slept == []
    with client() as hs:  # the default, 100 per 10 s, does wait
        for _ in range(101):
            hs.request("GET", "/crm/v3/objects/contacts", params={"limit": 1})
    assert slept and sum(slept) >= 9.0


def test_token_never_shows(sb, caplog):
    caplog.set_level(logging.DEBUG, logger="hubframe")
    with sb.client() as hs:
        assert sb.token not in repr(hs)
        with pytest.raises(hf.NotFoundError) as info:
            hs.contacts.get("999999")
    assert sb.token not in str(info.value)
    assert sb.token not in caplog.text


def test_configuration_errors():
    with pytest.raises(hf.ConfigurationError, match="HUBSPOT_ACCESS_TOKEN"):
        hf.HubSpot(token="", base_url="http://127.0.0.1:1")
    with pytest.raises(hf.ConfigurationError, match="unencrypted"):
        hf.HubSpot(token="pat-x-1234567890", base_url="http://api.example.com")
    with pytest.raises(hf.ConfigurationError, match="rate_limit"):
        hf.HubSpot(token="pat-x-1234567890", rate_limit="fast")


def test_the_api_version_defaults_to_2026_09_and_anything_else_is_refused(sb):
    token = "pat-na1-00000000-version-test"
    assert hf.HubSpot(token=token).api_version == "2026-09"
    for version in ("2026-09", "2026-03", "legacy"):
        hs = hf.HubSpot(token=token, api_version=version)
        assert hs.api_version == hs.paths.api_version == version
        assert f"api_version={version!r}" in repr(hs) and token not in repr(hs)
    for bad in (
        "2025-09",
        "v3",
        "v4",
        "2026-09-beta",
        "Legacy",
        "latest",
        "",
        None,
        202609,
        2026.09,
    ):
        with pytest.raises(hf.ConfigurationError) as info:
            hf.HubSpot(token=token, api_version=bad)
        message = str(info.value)
        assert "'2026-09', '2026-03', 'legacy'" in message and repr(bad)[:20] in message, bad
        assert token not in message
    # The sandbox hands the version on.
    with sb.client(api_version="2026-03") as hs:
        assert hs.api_version == "2026-03"
    with pytest.raises(hf.ConfigurationError, match="api_version='v3'"):
        sb.client(api_version="v3")


def test_a_lone_surrogate_in_a_page_does_not_make_it_unreadable():
    """JSON allows an escaped lone surrogate (a value cut inside an emoji); the page still decodes."""
    body = b'{"results":[{"id":"1","properties":{"firstname":"Ana \\ud83d"}}]}'
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body))
    with hf.HubSpot(
        token="pat-na1-00000000-test", base_url="http://127.0.0.1:9", transport=transport
    ) as hs:
        data = hs.request_json("GET", "/crm/v3/objects/contacts")
        assert data["results"][0]["properties"]["firstname"] == "Ana \ud83d"
        assert hs.stats.retries == 0


@pytest.mark.parametrize("body", [3, float("nan"), True, "ok", [], None, [{"id": "1"}]])
@pytest.mark.parametrize(
    "path",
    ["/crm/v3/objects/contacts/1", "/crm/objects/2026-09/deals/batch/read", "/crm/v3/owners",
     "/crm/v3/lists/7/memberships/add", "/submissions/v3/integration/submit/1/x"],
)  # fmt: skip
def test_an_answer_that_is_not_a_json_object_is_a_broken_answer(body, path):
    """Every answer hubframe reads is an object: a number, a string, a list or null is not
    an empty answer but a broken one."""
    from hubframe.answers import shape_problem

    problem = shape_problem(body, path)
    assert problem is not None and "where a JSON object was expected" in problem, problem
    # A path hubframe does not read (a legacy endpoint a caller asks for) is left alone.
    assert shape_problem(body, "/properties/v2/contacts/properties") is None


def test_the_answers_that_must_name_their_records():
    from hubframe.answers import shape_problem

    batch = "/crm/objects/2026-09/deals/batch/read"
    assert "'results'" in (shape_problem({"status": "COMPLETE"}, batch) or "")
    assert shape_problem({"status": "COMPLETE", "results": []}, batch) is None
    # One record's answer is that record, even emptied; a batch write's is not.
    assert "no 'id'" in (shape_problem({}, "/crm/v3/objects/contacts/51") or "")
    assert shape_problem({"id": "51", "properties": {}}, "/crm/v3/objects/contacts/51") is None
    assert shape_problem({"status": "COMPLETE"}, "/crm/v3/objects/contacts/batch/update") is None
    # An owner has an id, though it has no properties.
    owners = "/crm/v3/owners"
    assert "no 'id'" in (shape_problem({"results": [{"email": "a@x.example"}]}, owners) or "")
    assert shape_problem({"results": [{"id": "7", "email": "a@x.example"}]}, owners) is None


def test_a_body_that_is_not_an_object_is_retried_then_an_unexpected_response_error(sb):
    """A read answered ``3`` (or ``null``) twice, then properly: retried, then read."""
    rid = str(min(sb.store.table("contacts").live_ids()))
    answers = iter([b"3", b"null"])

    def handler(request: httpx.Request) -> httpx.Response:
        body = next(answers, None)
        if body is not None:
            return httpx.Response(200, content=body, headers={"content-type": "application/json"})
        return httpx.Response(200, json={"id": rid, "properties": {"email": "a@x.example"}})

    with hf.HubSpot(
        token="pat-na1-00000000-test", base_url="http://127.0.0.1:9",
        transport=httpx.MockTransport(handler), sleep=lambda s: None,
    ) as hs:  # fmt: skip
        data = hs.request_json("GET", f"/crm/v3/objects/contacts/{rid}")
        assert data["id"] == rid and hs.stats.retries == 2
    with hf.HubSpot(
        token="pat-na1-00000000-test", base_url="http://127.0.0.1:9", max_retries=1,
        transport=httpx.MockTransport(lambda r: httpx.Response(200, content=b"[]")),
        sleep=lambda s: None,
    ) as hs:  # fmt: skip
        with pytest.raises(hf.UnexpectedResponseError, match="a list where a JSON object"):
            hs.request_json("GET", f"/crm/v3/objects/contacts/{rid}")
