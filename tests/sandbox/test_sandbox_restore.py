"""The sandbox's modification timestamps, restore and touch_all (what a sync relies on)."""

from __future__ import annotations

import time

import pytest

import hubframe as hf
from hubframe.sandbox import Sandbox


@pytest.fixture
def sb():
    with Sandbox(contacts=50, companies=5, deals=5, seed=4, search_rate=None) as box:
        yield box


def _modified(sb, rid, prop="lastmodifieddate"):
    return sb.record("contacts", rid)["properties"][prop]


def test_writes_bump_the_modified_date_and_archive_does_not(sb):
    hs = sb.client(rate_limit=(10_000, 10))
    rid = sorted(sb.live_ids("contacts"), key=int)[0]
    first = _modified(sb, rid)
    time.sleep(0.01)
    hs.contacts.update(rid, {"jobtitle": "X"})
    second = _modified(sb, rid)
    assert second > first and sb.record("contacts", rid)["updatedAt"] == second
    time.sleep(0.01)
    hs.contacts.delete(rid)
    rec = sb.record("contacts", rid)
    assert rec["archived"] and rec["properties"]["lastmodifieddate"] == second
    assert rec["archivedAt"] > second
    listed = hs.contacts.get_page(archived=True, properties=["email"])
    assert rid in set(listed["id"])


def test_restore_brings_a_record_back_modified_now(sb):
    hs = sb.client(rate_limit=(10_000, 10))
    rid = sorted(sb.live_ids("contacts"), key=int)[1]
    email = sb.record("contacts", rid)["properties"]["email"]
    hs.contacts.delete(rid)
    before = _modified(sb, rid)
    time.sleep(0.01)
    sb.restore("contacts", rid)
    rec = sb.record("contacts", rid)
    assert not rec["archived"] and "archivedAt" not in rec
    assert rec["properties"]["lastmodifieddate"] > before
    assert hs.contacts.get(rid, properties=["email"])["email"].iloc[0] == email
    assert hs.contacts.search("email", email)["id"].tolist() == [rid]
    assert sb.churn_events(object_type="contacts")[-1].op == "restore"
    with pytest.raises(hf.InputError, match="cannot restore"):
        sb.restore("contacts", rid)  # live now


def test_restore_refuses_when_the_email_is_taken(sb):
    hs = sb.client(rate_limit=(10_000, 10))
    rid = sorted(sb.live_ids("contacts"), key=int)[2]
    email = sb.record("contacts", rid)["properties"]["email"]
    hs.contacts.delete(rid)
    hs.contacts.create({"email": email})
    with pytest.raises(hf.InputError, match="already exists"):
        sb.restore("contacts", rid)


def test_touch_all_shares_one_timestamp(sb):
    ids = sorted(sb.live_ids("contacts"), key=int)
    at = int(time.time() * 1000) + 5
    written = sb.touch_all("contacts", ids[:30], at=at, properties={"jobtitle": "Batch"})
    assert written == ids[:30]
    stamps = {_modified(sb, rid) for rid in ids[:30]}
    assert len(stamps) == 1 and {sb.record("contacts", i)["updatedAt"] for i in ids[:30]} == stamps
    assert all(sb.record("contacts", i)["properties"]["jobtitle"] == "Batch" for i in ids[:30])
    assert sb.touched("contacts") >= set(ids[:30])
    with pytest.raises(hf.InputError, match="at="):
        sb.touch_all("contacts", ids, at="now")


def test_churn_restores_with_a_fourth_weight(sb):
    hs = sb.client(rate_limit=(10_000, 10))
    hs.contacts.delete(sorted(sb.live_ids("contacts"), key=int)[:10])
    sb.churn(200, object_types="contacts", mix=(0, 0, 0, 1))
    time.sleep(0.2)
    sb.churn(0)
    assert {e.op for e in sb.churn_log} == {"restore"}
    with pytest.raises(hf.InputError, match="four"):
        sb.churn(1, mix=(1, 1))
