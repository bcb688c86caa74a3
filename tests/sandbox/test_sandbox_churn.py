"""A churning sandbox: background creates, updates and archives, logged, at about the rate asked.

The log is checked against the store itself, and a read made while the portal changes is
checked the way the log is meant for: the records untouched throughout the read come
back, with the values they have. The ``--churn`` flag: ``tests/cli/test_cli_sandbox.py``.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime

import pandas as pd
import pytest

from hubframe.errors import InputError
from hubframe.sandbox import Sandbox
from hubframe.sandbox.churn import ChurnEvent

TYPES = ("contacts", "companies", "deals")
MODIFIED = {"contacts": "lastmodifieddate", "companies": "hs_lastmodifieddate", "deals": "hs_lastmodifieddate"}  # fmt: skip


def ms(iso: str) -> int:
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).timestamp() * 1000)


def churn_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "hubframe-sandbox-churn"]


def snapshot(sb: Sandbox) -> dict[tuple[str, str], dict]:
    """Every record of every type, as sb.record shows it."""
    out = {}
    for t in TYPES:
        for rid in sb.store.tables[t].records:
            out[t, str(rid)] = sb.record(t, rid)
    return out


def burst(sb: Sandbox, rate: float, seconds: float, **kw) -> list[ChurnEvent]:
    """Churn for a while; returns the events of the burst (churn stopped again)."""
    t0 = time.monotonic()
    sb.churn(rate, **kw)
    time.sleep(seconds)
    sb.churn(0)
    return sb.churn_events(t0)


def test_churn_rate_is_honoured():
    # The rate is a ceiling the schedule keeps whatever the machine's load: the k-th
    # write is never made before k intervals of 1/50 s have passed since the churner
    # started (it may catch up after a stall, never run ahead). How close a loaded
    # machine comes to the rate is a speed figure, not something a test can promise,
    # so only progress is asked of it (50 writes within 20 s).
    t0 = time.monotonic()
    with Sandbox(contacts=100, companies=10, deals=20, seed=2, churn=50) as sb:
        deadline = time.monotonic() + 20
        while len(sb.churn_events(t0)) < 50 and time.monotonic() < deadline:
            time.sleep(0.05)
        events = sb.churn_events(t0)[:50]
        assert sb.churn_rate == 50
    assert len(events) == 50
    for k, event in enumerate(events):
        assert event.at - t0 >= k / 50 - 1e-6, (k, event.at - t0)
    assert {e.op for e in events} == {"create", "update", "archive"}


def test_log_matches_the_store():
    with Sandbox(contacts=80, companies=10, deals=20, seed=3) as sb:
        before = snapshot(sb)
        wall = time.time() - time.monotonic()  # monotonic -> epoch seconds
        events = burst(sb, 200, 0.6)
        assert len(events) > 40
        assert [e.at for e in events] == sorted(e.at for e in events)
        last_update = {(e.object_type, e.id): e for e in events if e.op == "update"}
        for e in events:
            rec = sb.record(e.object_type, e.id)
            assert rec is not None, e
            if e.op == "create":
                assert (e.object_type, e.id) not in before
                assert abs(ms(rec["createdAt"]) - (e.at + wall) * 1000) < 100
            elif e.op == "archive":
                assert rec["archived"] is True and "archivedAt" in rec
        for (t, rid), e in last_update.items():
            rec = sb.record(t, rid)
            modified = ms(rec["properties"][MODIFIED[t]])
            assert modified == ms(rec["updatedAt"])
            if (t, rid) in before:
                assert modified > ms(before[t, rid]["updatedAt"])
            # stamped just after the write, inside the store's lock
            assert (e.at + wall) * 1000 - 100 < modified <= (e.at + wall) * 1000 + 5
        # the tables' id lists, kept across writes, agree with the records
        for t in TYPES:
            table = sb.store.tables[t]
            assert table.live_ids() == [i for i, r in table.records.items() if not r.archived]
            assert table.archived_ids() == [i for i, r in table.records.items() if r.archived]
        emails = [
            r.props["email"]
            for r in sb.store.tables["contacts"].records.values()
            if not r.archived and r.props.get("email")
        ]
        assert len(emails) == len(set(emails))
        created = [e for e in events if e.op == "create" and e.object_type == "contacts"]
        assert all(sb.record("contacts", e.id)["properties"].get("email") for e in created)


def test_archive_does_not_bump_lastmodifieddate():
    with Sandbox(contacts=60, companies=10, deals=20, seed=4) as sb:
        before = snapshot(sb)
        events = burst(sb, 100, 0.3, mix=(0, 0, 1))
        assert events and {e.op for e in events} == {"archive"}
        for e in events:
            old, new = before[e.object_type, e.id], sb.record(e.object_type, e.id)
            assert new["archived"] and not old["archived"]
            assert new["updatedAt"] == old["updatedAt"]
            assert new["properties"][MODIFIED[e.object_type]] == old["properties"][MODIFIED[e.object_type]]  # fmt: skip


def test_object_types_and_mix_are_kept_to():
    with Sandbox(contacts=30, companies=5, deals=5, seed=4) as sb:
        events = burst(sb, 100, 0.3, object_types="deals", mix=(1, 0, 0))
    assert events and {(e.op, e.object_type) for e in events} == {("create", "deals")}


def test_a_seed_repeats_the_writes():
    def run(seed: int) -> list[tuple[str, str, str]]:
        with Sandbox(contacts=50, companies=10, deals=20, seed=5) as sb:
            return [(e.op, e.object_type, e.id) for e in burst(sb, 200, 0.3, seed=seed)]

    a, b, c = run(7), run(7), run(8)
    n = min(len(a), len(b), len(c))
    assert n >= 20
    assert a[:n] == b[:n]
    assert a[:n] != c[:n]


def test_stop_ends_the_churn_and_start_resumes_it():
    sb = Sandbox(contacts=30, companies=5, deals=5, seed=6, churn=100)
    assert not churn_threads()  # churn runs from start()
    sb.start()
    time.sleep(0.2)
    sb.stop()
    assert not churn_threads()
    n = len(sb.churn_log)
    assert n > 5
    time.sleep(0.1)
    assert len(sb.churn_log) == n
    sb.start()
    time.sleep(0.2)
    sb.churn(0)  # churn(0) stops it too, and returns once it has
    assert not churn_threads()
    m = len(sb.churn_log)
    assert m > n
    time.sleep(0.1)
    assert len(sb.churn_log) == m
    sb.stop()


def test_bad_churn_arguments_are_input_errors():
    with pytest.raises(InputError, match="churn"):
        Sandbox(contacts=1, companies=0, deals=0, churn=-1)
    with pytest.raises(InputError, match="search_lag"):
        Sandbox(contacts=1, companies=0, deals=0, search_lag=float("nan"))
    sb = Sandbox(contacts=1, companies=0, deals=0)
    with pytest.raises(InputError, match="tickets"):
        sb.churn(5, object_types=["tickets"])
    with pytest.raises(InputError, match="mix"):
        sb.churn(5, mix=(0, 0, 0))
    with pytest.raises(InputError, match="mix"):
        sb.churn(5, mix=(1, 2))
    with pytest.raises(InputError, match="leads"):
        sb.live_ids("leads")
    assert sb.live_ids("tickets") == {str(i) for i in sb.store.tables["tickets"].live_ids()}
    assert sb.churn_rate == 0 and not churn_threads()


def test_live_ids_and_record():
    with Sandbox(contacts=200, companies=3, deals=3, seed=1) as sb:
        table = sb.store.tables["contacts"]
        assert sb.live_ids("contacts") == {str(i) for i in table.live_ids()}
        rid = table.live_ids()[0]
        rec = sb.record("contacts", rid)
        assert rec["id"] == str(rid) and rec["archived"] is False
        assert rec["properties"]["hs_object_id"] == str(rid)
        assert rec["properties"]["email"] == table.records[rid].props["email"]
        assert sb.record("contacts", 1) is None
        archived = table.archived_ids()[0]
        assert sb.record("contacts", archived)["archived"] is True


def test_a_read_while_the_portal_churns_returns_every_untouched_record():
    with Sandbox(contacts=2_000, companies=20, deals=20, seed=8) as sb:
        hs = sb.client(rate_limit=(100_000, 10))
        sb.churn(100, object_types="contacts")
        time.sleep(0.1)
        t0 = time.monotonic()
        before = sb.live_ids("contacts")
        df = hs.contacts.get_all(progress=False)
        t1 = time.monotonic()
        stable = sb.unchanged("contacts", before, t0, t1)
        sb.churn(0)
        assert len(sb.touched("contacts", t0, t1)) > 0
        assert stable < before
        got = df.set_index("id")
        assert stable <= set(got.index)
        for rid in sorted(stable)[::25]:
            want = sb.record("contacts", rid)
            row = got.loc[rid]
            for name in ("email", "firstname", "lastname"):
                value = None if pd.isna(row[name]) else row[name]
                assert value == want["properties"].get(name), (rid, name)
            assert row["updatedAt"] == pd.Timestamp(want["updatedAt"])
