"""Search lag: search answers as the portal was ``lag`` seconds ago; gets and lists never lag.

Over HTTP with a short real lag, and the delayed index itself with a clock the test moves.
"""

from __future__ import annotations

import time

import httpx
import pytest

from hubframe.sandbox import Sandbox
from hubframe.sandbox.crm.lag import DelayedIndex
from hubframe.sandbox.store import Store

LAG = 0.5


@pytest.fixture
def sb():
    with Sandbox(
        contacts=40, companies=5, deals=5, seed=9, search_lag=LAG, search_rate=None
    ) as box:
        yield box


@pytest.fixture
def api(sb):
    with httpx.Client(base_url=sb.url, headers={"Authorization": f"Bearer {sb.token}"}) as client:
        yield client


def by_email(api, email, properties=("firstname", "email")):
    body = {
        "filterGroups": [
            {"filters": [{"propertyName": "email", "operator": "EQ", "value": email}]}
        ],
        "properties": list(properties),
    }
    r = api.post("/crm/v3/objects/contacts/search", json=body)
    assert r.status_code == 200, r.text
    return r.json()["results"]


def by_name(api, firstname):
    body = {
        "filterGroups": [
            {"filters": [{"propertyName": "firstname", "operator": "EQ", "value": firstname}]}
        ]
    }
    r = api.post("/crm/v3/objects/contacts/search", json=body)
    assert r.status_code == 200, r.text
    return [o["id"] for o in r.json()["results"]]


def create(api, email, firstname):
    r = api.post(
        "/crm/v3/objects/contacts", json={"properties": {"email": email, "firstname": firstname}}
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def wait_past_lag(since: float) -> None:
    time.sleep(max(0.0, since + LAG + 0.1 - time.monotonic()))


def test_a_created_record_is_found_only_after_the_lag(sb, api):
    written = time.monotonic()
    rid = create(api, "late@example.com", "Late")
    assert by_email(api, "late@example.com") == []
    assert api.get(f"/crm/v3/objects/contacts/{rid}").status_code == 200
    listed = api.get("/crm/v3/objects/contacts", params={"limit": 100}).json()["results"]
    assert rid in [o["id"] for o in listed]
    wait_past_lag(written)
    assert [o["id"] for o in by_email(api, "late@example.com")] == [rid]


def test_an_update_is_seen_only_after_the_lag(sb, api):
    rid = create(api, "renamed@example.com", "Before")
    time.sleep(LAG + 0.1)
    assert by_name(api, "Before") == [rid]
    written = time.monotonic()
    r = api.patch(f"/crm/v3/objects/contacts/{rid}", json={"properties": {"firstname": "After"}})
    assert r.status_code == 200
    # search filters and returns the old values
    assert by_name(api, "Before") == [rid] and by_name(api, "After") == []
    assert by_email(api, "renamed@example.com")[0]["properties"]["firstname"] == "Before"
    got = api.get(f"/crm/v3/objects/contacts/{rid}", params={"properties": "firstname"})
    assert got.json()["properties"]["firstname"] == "After"
    wait_past_lag(written)
    assert by_name(api, "After") == [rid] and by_name(api, "Before") == []
    assert by_email(api, "renamed@example.com")[0]["properties"]["firstname"] == "After"


def test_an_archived_record_is_returned_until_the_lag_passed(sb, api):
    rid = str(sb.store.tables["contacts"].live_ids()[0])
    email = sb.store.tables["contacts"].records[int(rid)].props["email"]
    total = sb.store.count("contacts")
    written = time.monotonic()
    assert api.delete(f"/crm/v3/objects/contacts/{rid}").status_code == 204
    assert api.get(f"/crm/v3/objects/contacts/{rid}").status_code == 404
    found = by_email(api, email)
    assert [o["id"] for o in found] == [rid] and found[0]["archived"] is False
    r = api.post("/crm/v3/objects/contacts/search", json={"limit": 1})
    assert r.json()["total"] == total
    wait_past_lag(written)
    assert by_email(api, email) == []
    r = api.post("/crm/v3/objects/contacts/search", json={"limit": 1})
    assert r.json()["total"] == total - 1


def test_the_lag_changes_while_running(sb, api):
    assert sb.search_lag == LAG
    sb.set_search_lag(30)
    create(api, "slow@example.com", "Slow")
    time.sleep(LAG + 0.1)
    assert by_email(api, "slow@example.com") == []
    sb.set_search_lag(0)  # no lag: search reads the records themselves
    assert len(by_email(api, "slow@example.com")) == 1
    assert all(t.observer is None for t in sb.store.tables.values())


def test_no_lag_is_todays_search():
    with Sandbox(contacts=20, companies=2, deals=2, seed=9, search_rate=None) as box:
        assert box.search_lag == 0
        assert all(t.observer is None for t in box.store.tables.values())
        with httpx.Client(
            base_url=box.url, headers={"Authorization": f"Bearer {box.token}"}
        ) as client:
            rid = create(client, "now@example.com", "Now")
            assert [o["id"] for o in by_email(client, "now@example.com")] == [rid]


def test_after_churn_and_the_lag_search_agrees_with_the_records():
    with Sandbox(
        contacts=300, companies=5, deals=5, seed=3, search_lag=0.3, search_rate=None
    ) as box:
        box.churn(200, object_types="contacts")
        time.sleep(0.5)
        box.churn(0)
        assert box.store.tables["contacts"].observer is not None
        time.sleep(0.4)
        hs = box.client(rate_limit=(100_000, 10))
        ids, after = [], None
        with httpx.Client(
            base_url=box.url, headers={"Authorization": f"Bearer {box.token}"}
        ) as client:
            while True:
                body = {"limit": 200, "properties": ["firstname", "lastmodifieddate"]}
                if after:
                    body["after"] = after
                page = client.post("/crm/v3/objects/contacts/search", json=body).json()
                for o in page["results"]:
                    ids.append(o["id"])
                    want = box.record("contacts", o["id"])["properties"]
                    assert o["properties"]["firstname"] == want.get("firstname")
                    assert o["properties"]["lastmodifieddate"] == want["lastmodifieddate"]
                if "paging" not in page:
                    break
                after = page["paging"]["next"]["after"]
        assert ids == sorted(box.live_ids("contacts"), key=int)
        assert hs.contacts.count() == len(ids)


# -- the delayed index, with a clock the test moves ----------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_each_write_is_seen_in_order_once_old_enough():
    store = Store(1)
    table = store.tables["contacts"]
    kept = table.insert({"email": "a@example.com", "firstname": "A0"}, 1, 1)
    clock = Clock()
    index = DelayedIndex(table, lag=2.0, clock=clock)
    assert index.current().records[kept.id] is kept  # shared until it changes

    table.apply(kept, {"firstname": "A1"})
    clock.now += 1
    table.apply(kept, {"firstname": "A2", "email": "b@example.com"})
    new = table.insert({"email": "c@example.com"}, 5, 5)
    clock.now += 0.5
    table.archive(kept)
    seen = index.current()
    assert seen.records[kept.id].props["firstname"] == "A0"
    assert new.id not in seen.records and seen.live_ids() == [kept.id]
    assert seen.email_index == {"a@example.com": kept.id}
    assert index.pending == 4

    clock.now = 102.0  # the first update is 2 s old
    seen = index.current()
    assert seen.records[kept.id].props["firstname"] == "A1"
    clock.now = 103.0  # the second update and the create
    seen = index.current()
    assert seen.records[kept.id].props["firstname"] == "A2"
    assert seen.email_index == {"b@example.com": kept.id, "c@example.com": new.id}
    assert seen.live_ids() == [kept.id, new.id] and seen.archived_ids() == []
    clock.now = 103.5  # the archive
    seen = index.current()
    assert seen.live_ids() == [new.id] and seen.archived_ids() == [kept.id]
    assert seen.email_index == {"c@example.com": new.id}
    assert index.pending == 0
    assert seen.records[kept.id] is not kept  # a copy: later writes do not reach it
    index.detach()
    assert table.observer is None
