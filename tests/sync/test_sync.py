"""hs.contacts.sync / changed_since on a still sandbox: counts, full re-reads and their reasons,
interruptions, arguments, the state file."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pandas as pd
import pytest

import hubframe as hf
from hubframe.sandbox import Sandbox
from hubframe.sync import run as sync_run

PROPS = ["email", "firstname", "lastname", "jobtitle", "city"]


@pytest.fixture
def sb():
    with Sandbox(contacts=300, companies=0, deals=0, seed=11, search_rate=None) as box:
        yield box


@pytest.fixture
def hs(sb):
    with sb.client(rate_limit=(10_000, 10)) as client:
        yield client


def _sync(hs, path, **kw):
    kw.setdefault("progress", False)
    kw.setdefault("lookback", 1)
    return hs.contacts.sync(path, **kw)


def _state(path):
    return json.loads((path.parent / f".{path.name}.sync.json").read_text())


def _fresh(hs, tmp_path, props=PROPS):
    out = tmp_path / "fresh.parquet"
    hs.contacts.export(out, properties=props, progress=False, resume=False)
    return hf.read_parquet(out)


def _assert_same(path, fresh):
    got = hf.read_parquet(path)
    pd.testing.assert_frame_equal(got, fresh)
    assert list(got.dtypes) == list(fresh.dtypes)


def test_first_sync_is_a_full_export_with_state(hs, sb, tmp_path):
    f = tmp_path / "c.parquet"
    res = _sync(hs, f, properties=PROPS)
    assert res.full and "first sync" in res.full_reason
    assert (res.created, res.updated, res.deleted, res.rows) == (300, 0, 0, 300)
    _assert_same(f, _fresh(hs, tmp_path))
    state = _state(f)["state"]
    assert state["properties"] == ["email", "firstname", "lastname", "jobtitle", "city"]
    assert state["portal"] == hs.portal_fingerprint() and len(state["sha256"]) == 64
    assert state["mark_ms"] <= time.time() * 1000 - 1000  # never later than start - lookback
    text = (f.parent / f".{f.name}.sync.json").read_text()
    assert sb.token not in text and "pat-" not in text


def test_no_change_sync_sends_a_handful_of_requests(hs, tmp_path):
    f = tmp_path / "c.parquet"
    _sync(hs, f, properties=PROPS)
    time.sleep(1.1)  # past the lookback: nothing is read again
    res = _sync(hs, f)
    assert not res.full and res.full_reason is None
    assert (res.created, res.updated, res.deleted) == (0, 0, 0)
    assert res.requests <= 3  # the recycle bin's one page and one search page


def test_counts_restore_and_merge_equal_a_fresh_export(hs, sb, tmp_path):
    f = tmp_path / "c.parquet"
    _sync(hs, f, properties=PROPS)
    time.sleep(1.1)
    ids = sorted(sb.live_ids("contacts"), key=int)
    for rid in ids[:5]:
        hs.contacts.update(rid, {"jobtitle": "Changed"})
    hs.contacts.delete(ids[10:13])
    made = hs.contacts.create({"email": "new.one@example.com", "firstname": "New"})
    res = _sync(hs, f)
    assert (res.created, res.updated, res.deleted) == (1, 5, 3)
    assert res.rows == 298
    _assert_same(f, _fresh(hs, tmp_path))
    sb.restore("contacts", ids[11])
    time.sleep(1.1)
    res = _sync(hs, f)
    assert (res.created, res.deleted) == (1, 0)
    df = hf.read_parquet(f)
    assert ids[11] in set(df["id"]) and str(made["id"].iloc[0]) in set(df["id"])
    _assert_same(f, _fresh(hs, tmp_path))


def test_property_set_change_reads_in_full_with_the_reason(hs, tmp_path):
    f = tmp_path / "c.parquet"
    _sync(hs, f, properties=PROPS)
    res = _sync(hs, f, properties=[*PROPS, "phone"])
    assert res.full and "property set changed" in res.full_reason and "phone" in res.full_reason
    _assert_same(f, _fresh(hs, tmp_path, [*PROPS, "phone"]))
    with pytest.raises(hf.SyncError, match="property set changed"):
        _sync(hs, f, properties=PROPS, full=False)


def test_all_properties_a_property_added_reads_in_full(hs, tmp_path):
    f = tmp_path / "c.parquet"
    _sync(hs, f, properties="all")
    path = f.parent / f".{f.name}.sync.json"
    data = json.loads(path.read_text())
    dropped = data["state"]["properties"].pop()  # as if the portal gained it since
    path.write_text(json.dumps(data))
    res = _sync(hs, f)
    assert res.full and dropped in res.full_reason
    assert _state(f)["state"]["all_properties"] is True


def _edit_state(f, **changes):
    path = f.parent / f".{f.name}.sync.json"
    data = json.loads(path.read_text())
    data["state"].update(changes)
    path.write_text(json.dumps(data))


def test_type_change_and_other_portal_read_in_full_or_refuse(hs, tmp_path):
    f = tmp_path / "c.parquet"
    _sync(hs, f, properties=PROPS)
    _edit_state(f, schema="0" * 16)
    res = _sync(hs, f)
    assert res.full and "type changed" in res.full_reason
    _edit_state(f, portal="portal:999", connection="hash:0")
    with pytest.raises(hf.SyncError, match="another portal .portal 999"):
        _sync(hs, f, full=False)
    res = _sync(hs, f)
    assert res.full and "another portal" in res.full_reason
    assert _state(f)["state"]["portal"] == hs.portal_fingerprint()


def test_stale_state_reads_in_full(hs, tmp_path):
    f = tmp_path / "c.parquet"
    _sync(hs, f, properties=PROPS)
    later = datetime.now(timezone.utc) + timedelta(days=89)
    assert not _sync(hs, f, now=lambda: later).full
    much_later = datetime.now(timezone.utc) + timedelta(days=89 + 91)
    res = _sync(hs, f, now=lambda: much_later)
    assert res.full and "90 days" in res.full_reason and "deletions" in res.full_reason


def test_file_changed_by_someone_else_reads_in_full(hs, tmp_path):
    f = tmp_path / "c.parquet"
    _sync(hs, f, properties=PROPS)
    hf.read_parquet(f).head(10).to_parquet(f)
    res = _sync(hs, f)
    assert res.full and "changed by something else" in res.full_reason
    _assert_same(f, _fresh(hs, tmp_path))
    f.unlink()
    res = _sync(hs, f)
    assert res.full and "does not exist" in res.full_reason


def test_interrupted_sync_leaves_the_file_and_the_next_is_correct(hs, sb, tmp_path, monkeypatch):
    f = tmp_path / "c.parquet"
    _sync(hs, f, properties=PROPS)
    before, state_before = f.read_bytes(), _state(f)
    ids = sorted(sb.live_ids("contacts"), key=int)
    hs.contacts.update(ids[0], {"jobtitle": "Mid-sync"})
    hs.contacts.delete([ids[1]])

    def boom(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(sync_run, "publish", boom)
    with pytest.raises(KeyboardInterrupt):
        _sync(hs, f)
    assert f.read_bytes() == before
    assert _state(f)["state"] == state_before["state"]
    monkeypatch.undo()
    res = _sync(hs, f)
    assert not res.full and (res.updated, res.deleted) == (1, 1)
    assert not (tmp_path / ".c.parquet.sync.tmp").exists()
    _assert_same(f, _fresh(hs, tmp_path))


def test_killed_after_the_move_resumes_from_the_new_file(hs, sb, tmp_path, monkeypatch):
    f = tmp_path / "c.parquet"
    _sync(hs, f, properties=PROPS)
    ids = sorted(sb.live_ids("contacts"), key=int)
    hs.contacts.update(ids[0], {"jobtitle": "After move"})
    real = sync_run.save

    def save(target, state, pending=None):
        if pending is None:
            raise KeyboardInterrupt  # the final state write, after the move
        real(target, state, pending)

    monkeypatch.setattr(sync_run, "save", save)
    with pytest.raises(KeyboardInterrupt):
        _sync(hs, f)
    monkeypatch.undo()
    res = _sync(hs, f)
    assert not res.full  # the pending state names the moved file
    _assert_same(f, _fresh(hs, tmp_path))


def test_changed_since_returns_the_rows_and_deleted_ids(hs, sb):
    ids = sorted(sb.live_ids("contacts"), key=int)
    time.sleep(0.01)
    since = datetime.now(timezone.utc)
    time.sleep(0.01)
    for rid in ids[:3]:
        hs.contacts.update(rid, {"city": "Sincetown"})
    hs.contacts.delete([ids[5], ids[6]])
    for when in (since, since.isoformat(), pd.Timestamp(since)):
        df = hs.contacts.changed_since(when, properties=["city"])
        assert list(df["id"]) == ids[:3]
        assert set(df["city"]) == {"Sincetown"}
        assert df.attrs["deleted_ids"] == [ids[5], ids[6]]
    assert len(hs.contacts.changed_since("2000-01-01T00:00Z")) == 298


@pytest.mark.parametrize(
    ("kwargs", "shown"),
    [
        ({"lookback": -1}, "lookback=-1"),
        ({"lookback": "5m"}, "lookback='5m'"),
        ({"full": "yes"}, "yes"),
        ({"now": 5}, "now=5"),
        ({"progress": "no"}, "no"),
        ({"properties": ["no_such_prop"]}, "no_such_prop"),
    ],
)
def test_bad_sync_arguments_are_input_errors(hs, tmp_path, kwargs, shown):
    with pytest.raises(hf.InputError) as info:
        hs.contacts.sync(tmp_path / "c.parquet", **kwargs)
    assert shown in str(info.value)


def test_bad_paths_clocks_and_moments(hs, tmp_path):
    with pytest.raises(hf.InputError, match="directory"):
        hs.contacts.sync(tmp_path)
    with pytest.raises(hf.InputError, match="does not exist"):
        hs.contacts.sync(tmp_path / "nope" / "c.parquet")
    f = tmp_path / "c.parquet"
    _sync(hs, f, properties=PROPS)
    with pytest.raises(hf.InputError, match="aware"):
        _sync(hs, f, now=lambda: datetime(2026, 1, 1))
    for bad, shown in (
        (datetime(2026, 11, 30), "no time zone"),
        ("2026-11-30T00:00", "no time zone"),
        ("yesterday", "'yesterday'"),
        (12, "since=12"),
        (pd.Timestamp("2026-11-30"), "no time zone"),
    ):
        with pytest.raises(hf.InputError, match=shown):
            hs.contacts.changed_since(bad)
