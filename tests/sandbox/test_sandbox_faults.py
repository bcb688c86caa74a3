"""The sandbox's bad-day knobs (faults, burst limit, injected errors) and persistence."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest

from hubframe.errors import InputError
from hubframe.sandbox import Sandbox


def client(sb):
    return httpx.Client(base_url=sb.url, headers={"Authorization": f"Bearer {sb.token}"})


def statuses(sb, n, path="/crm/v3/objects/contacts"):
    """Status of n GETs; None for a dropped connection."""
    out = []
    with client(sb) as api:
        for _ in range(n):
            try:
                out.append(api.get(path, params={"limit": 1}).status_code)
            except httpx.TransportError:
                out.append(None)
    return out


# -- injected faults -----------------------------------------------------------------------


def test_injected_429s_hit_only_matching_requests_then_stop():
    with Sandbox(contacts=5, companies=1, deals=1, search_rate=None) as sb, client(sb) as api:
        inj = sb.inject(status=429, count=3, retry_after=2, path_contains="/search")
        assert api.get("/crm/v3/objects/contacts").status_code == 200
        rs = [api.post("/crm/v3/objects/contacts/search", json={}) for _ in range(4)]
    assert [r.status_code for r in rs] == [429, 429, 429, 200]
    assert inj.hits == 3
    body = rs[0].json()
    assert body["message"] == "You have reached your ten_secondly_rolling limit."
    assert body["errorType"] == "RATE_LIMIT" and body["policyName"] == "TEN_SECONDLY_ROLLING"
    assert body["correlationId"] == rs[0].headers["X-HubSpot-Correlation-Id"] and body["requestId"]
    assert rs[0].headers["Retry-After"] == "2"


def test_injected_body_overrides_for_a_daily_limit():
    with Sandbox(contacts=5, companies=1, deals=1) as sb, client(sb) as api:
        sb.inject(
            status=429,
            body={"policyName": "DAILY", "message": "You have reached your daily limit."},
        )
        r = api.get("/crm/v3/objects/contacts")
    assert r.status_code == 429 and "Retry-After" not in r.headers
    assert (
        r.json()["policyName"] == "DAILY"
        and r.json()["message"] == "You have reached your daily limit."
    )


def test_injected_drop_closes_the_connection_without_a_response():
    with Sandbox(contacts=5, companies=1, deals=1) as sb, client(sb) as api:
        sb.inject(drop=True, count=1)
        with pytest.raises(httpx.TransportError):
            api.get("/crm/v3/objects/contacts")
        assert api.get("/crm/v3/objects/contacts").status_code == 200
        assert [e.status for e in sb.requests] == [None, 200]


def test_an_injection_with_skip_lets_that_many_matching_requests_pass_first():
    with Sandbox(contacts=5, companies=1, deals=1) as sb, client(sb) as api:
        inj = sb.inject(status=502, count=2, skip=3, path_contains="/objects/contacts")
        sb.inject(status=503, skip=1, path_contains="/objects/deals")
        got = [api.get("/crm/v3/objects/companies").status_code]  # not matching: not counted
        got += [api.get("/crm/v3/objects/contacts").status_code for _ in range(6)]
        got += [api.get("/crm/v3/objects/deals").status_code for _ in range(3)]
    assert got == [200, 200, 200, 200, 502, 502, 200, 200, 503, 200]
    assert (inj.skipped, inj.hits) == (3, 2)
    with pytest.raises(InputError, match="skip=-1"):
        sb.inject(status=502, skip=-1)


def test_faults_before_apply_mean_the_write_did_not_happen():
    with Sandbox(contacts=5, companies=1, deals=1) as sb, client(sb) as api:
        sb.inject(status=503, method="POST")
        r = api.post("/crm/v3/objects/contacts", json={"properties": {"email": "once@example.org"}})
        assert r.status_code == 503 and r.json()["status"] == "error"
        assert sb.store.contact_by_email("once@example.org") is None
        sb.inject(drop=True, method="POST")
        with pytest.raises(httpx.TransportError):
            api.post("/crm/v3/objects/contacts", json={"properties": {"email": "once@example.org"}})
        assert sb.store.contact_by_email("once@example.org") is None
        assert sb.requests[-1].applied is False


def test_faults_after_apply_lose_the_response_but_keep_the_write():
    with Sandbox(contacts=5, companies=1, deals=1) as sb, client(sb) as api:
        sb.inject(status=502, method="POST", after_apply=True)
        r = api.post(
            "/crm/v3/objects/contacts", json={"properties": {"email": "twice@example.org"}}
        )
        assert r.status_code == 502
        assert sb.store.contact_by_email("twice@example.org") is not None
        assert sb.requests[-1].applied is True
        retry = api.post(
            "/crm/v3/objects/contacts", json={"properties": {"email": "twice@example.org"}}
        )
        assert retry.status_code == 409  # a blind retry of the create meets the record it made


def test_random_faults_are_deterministic_for_a_seed():
    with Sandbox(contacts=5, companies=1, deals=1, faults=0.5, seed=9) as a:
        first = statuses(a, 40)
    with Sandbox(contacts=5, companies=1, deals=1, faults=0.5, seed=9) as b:
        second = statuses(b, 40)
    assert first == second
    assert set(first) == {200, 429, 502, 503, None}
    assert 8 <= first.count(200) <= 32


def test_faults_can_be_switched_at_runtime():
    with Sandbox(contacts=5, companies=1, deals=1, faults=1.0) as sb:
        assert 200 not in statuses(sb, 10)
        sb.set_faults(faults=0.0)
        assert statuses(sb, 5) == [200] * 5


# -- burst rate limit ----------------------------------------------------------------------


def test_burst_limit_gives_hubspots_ten_secondly_429():
    with Sandbox(contacts=5, companies=1, deals=1, rate_limit=(4, 10)) as sb, client(sb) as api:
        rs = [api.get("/crm/v3/objects/contacts") for _ in range(5)]
    assert [r.status_code for r in rs] == [200, 200, 200, 200, 429]
    assert [r.headers["X-HubSpot-RateLimit-Remaining"] for r in rs] == ["3", "2", "1", "0", "0"]
    assert rs[0].headers["X-HubSpot-RateLimit-Max"] == "4"
    assert rs[0].headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    body = rs[4].json()
    assert set(body) == {
        "status",
        "message",
        "errorType",
        "correlationId",
        "policyName",
        "requestId",
    }
    assert body["policyName"] == "TEN_SECONDLY_ROLLING" and "Retry-After" not in rs[4].headers


@pytest.mark.parametrize("counted", [False, True])
def test_search_counts_against_the_burst_window_only_when_set(counted):
    """Search has its own limit; with search_in_rate_limit it also takes burst slots."""
    body = {"filterGroups": [], "limit": 1}
    with Sandbox(contacts=5, companies=1, deals=1, rate_limit=(3, 10), search_rate=100,
                 search_in_rate_limit=counted) as sb, client(sb) as api:  # fmt: skip
        found = [api.post("/crm/v3/objects/contacts/search", json=body) for _ in range(2)]
        listed = [api.get("/crm/v3/objects/contacts") for _ in range(3)]
    assert [r.status_code for r in found] == [200, 200]
    assert all("X-HubSpot-RateLimit-Remaining" not in r.headers for r in found)  # facts §2.13
    # Two searches counted leave one slot of three for the list requests.
    assert [r.status_code for r in listed] == ([200, 429, 429] if counted else [200, 200, 200])
    if counted:
        assert listed[1].json()["policyName"] == "TEN_SECONDLY_ROLLING"


def test_a_search_past_a_full_burst_window_gets_the_burst_429_when_counted():
    body = {"filterGroups": [], "limit": 1}
    with Sandbox(contacts=5, companies=1, deals=1, rate_limit=(1, 10), search_rate=100) as sb:
        sb.set_faults(search_in_rate_limit=True)
        with client(sb) as api:
            assert api.get("/crm/v3/objects/contacts").status_code == 200
            refused = api.post("/crm/v3/objects/contacts/search", json=body)
    assert refused.status_code == 429 and refused.json()["policyName"] == "TEN_SECONDLY_ROLLING"


def test_rate_limit_string_form_and_runtime_change():
    with Sandbox(contacts=5, companies=1, deals=1, rate_limit="2/30") as sb:
        assert statuses(sb, 3) == [200, 200, 429]
        sb.set_faults(rate_limit=None)
        assert statuses(sb, 3) == [200, 200, 200]


def test_latency_still_answers():
    with Sandbox(contacts=5, companies=1, deals=1, latency=0.05) as sb:
        assert statuses(sb, 2) == [200, 200]


def test_bad_knob_values_are_refused():
    for kwargs in ({"faults": 1.5}, {"latency": -1}, {"rate_limit": "fast"}, {"contacts": -1}):
        with pytest.raises(ValueError):
            Sandbox(**{"contacts": 1, "companies": 0, "deals": 0, **kwargs})
    sb = Sandbox(contacts=1, companies=0, deals=0)
    with pytest.raises(ValueError):
        sb.inject()
    with pytest.raises(RuntimeError):
        sb.url  # noqa: B018 - not started


# -- persistence ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["portal.json", "portal.json.gz"])
def test_portal_survives_a_restart(tmp_path, name):
    path = tmp_path / name
    with (
        Sandbox(
            contacts=30, companies=4, deals=6, seed=8, path=path, token="pat-keep-me-out"
        ) as sb,
        client(sb) as api,
    ):
        created = api.post(
            "/crm/v3/objects/contacts", json={"properties": {"email": "kept@example.org"}}
        ).json()
        api.put(f"/crm/v3/lists/{sb.list_ids[0]}/memberships/add", json=[created["id"]])
        api.delete(f"/crm/v3/objects/contacts/{sb.store.table('contacts').live_ids()[0]}")
        lists, forms, workflows = sb.list_ids, sb.form_ids, sb.workflow_ids
        before = api.get("/crm/v3/objects/contacts", params={"limit": 100}).json()
    raw = path.read_bytes()
    text = (gzip.decompress(raw) if name.endswith(".gz") else raw).decode()
    assert "pat-keep-me-out" not in text
    assert json.loads(text)["version"] == 1
    # different seeding arguments are ignored: the file is the portal
    with Sandbox(contacts=999, seed=1, path=path) as sb2, client(sb2) as api:
        after = api.get("/crm/v3/objects/contacts", params={"limit": 100}).json()
        assert after == before
        assert (sb2.list_ids, sb2.form_ids, sb2.workflow_ids) == (lists, forms, workflows)
        members = api.get(f"/crm/v3/lists/{lists[0]}/memberships").json()["results"]
        assert created["id"] in [m["recordId"] for m in members]
        again = api.post(
            "/crm/v3/objects/contacts", json={"properties": {"email": "new2@example.org"}}
        ).json()
        assert int(again["id"]) > int(created["id"])


def test_save_without_path_is_refused():
    with pytest.raises(RuntimeError):
        Sandbox(contacts=1, companies=0, deals=0).save()


# -- the request log and reset -------------------------------------------------------------


def test_request_log_and_reset():
    with Sandbox(contacts=5, companies=1, deals=1) as sb, client(sb) as api:
        api.post("/crm/v3/objects/contacts", json={"properties": {"email": "gone@example.org"}})
        api.get("/crm/v3/objects/contacts", params={"limit": 2})
        log = sb.requests
        assert [(e.method, e.path, e.status) for e in log] == [
            ("POST", "/crm/v3/objects/contacts", 201),
            ("GET", "/crm/v3/objects/contacts", 200),
        ]
        assert log[1].query == "limit=2"
        sb.reset()
        assert sb.store.contact_by_email("gone@example.org") is None
        assert api.get("/crm/v3/objects/contacts").json()["results"][0]["id"] == "901"
