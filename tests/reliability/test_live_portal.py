"""Reading a live portal: every record that exists, unchanged, from the start to the end of a
read is in the result exactly once, with its values; records created, changed or deleted
during the read may or may not appear, at most once.

Each read runs against a sandbox that creates, updates and archives contacts while it is
read (≥ 20 writes/s) and answers 5% of requests with a fault (429, 502, 503, a dropped
connection). The sandbox's churn log says which records stayed untouched between the
moments the read started and ended; those must all be there, each once, with the values
the portal holds.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import httpx
import pandas as pd
import pytest
from cursor_proxy import CursorProxy

import hubframe as hf
from hubframe.export import planner
from hubframe.sandbox import Sandbox
from hubframe.testing import virtual_time

CHURN = 40  # writes per second while a read runs
FAULTS = 0.05
PROPS = ["email", "firstname", "lastname", "lifecyclestage", "lastmodifieddate"]
SIZES = {"empty": 0, "one": 1, "large": 25_000}
#: The 25,000-contact portal is read in the slow run (``-m slow``): each of its reads takes
#: tens of seconds by nature (every record through churn and faults, search past 10,000):
#: 225 of the fast run's 1,750 s on a loaded machine; the fast run reads the 0- and 1-record ones.
PORTALS = [pytest.param(k, marks=pytest.mark.slow) if k == "large" else k for k in SIZES]


@pytest.fixture(scope="module", params=PORTALS)
def portal(request):
    contacts = SIZES[request.param]
    with Sandbox(
        contacts=contacts, companies=40, deals=10, seed=contacts + 3, search_rate=None
    ) as sb:
        yield sb


@pytest.fixture
def hs(portal):
    with portal.client(rate_limit=(1_000_000, 10), search_rate=1_000, max_retries=8) as client:
        virtual_time(client)  # retry backoff is counted, not slept
        yield client


@contextmanager
def living(sb: Sandbox, figures, object_types=("contacts",)):
    """While the block runs: churn at CHURN writes/s and FAULTS; yields the read's window."""
    window: dict[str, object] = {}
    served = sum(sb.faults_served.values())
    sb.set_faults(faults=FAULTS)
    sb.churn(CHURN, object_types=object_types, seed=int(time.monotonic() * 1000) % 10_000)
    time.sleep(0.2)  # the portal is busy before the read starts
    window["t0"] = time.monotonic()
    window["before"] = sb.live_ids("contacts")
    try:
        yield window
    finally:
        window["t1"] = time.monotonic()
        sb.churn(0)
        sb.set_faults(faults=0.0)
    writes = len(sb.churn_events(since=window["t0"], until=window["t1"]))  # type: ignore[arg-type]
    figures.add("live_portal", "writes_during_reads", writes)
    figures.add("live_portal", "faults_served", sum(sb.faults_served.values()) - served)


def check(sb: Sandbox, window, ids: list[str], figures, what: str, frame=None, scope=None) -> None:
    """Stable records once each, with their values; nothing read twice; nothing made up."""
    before: set[str] = window["before"]
    if scope is not None:
        before = before & scope
    stable = sb.unchanged("contacts", before, window["t0"], window["t1"])
    touched = sb.touched("contacts", window["t0"], window["t1"])
    duplicated = len(ids) - len(set(ids))
    lost = stable - set(ids)
    made_up = set(ids) - before - touched
    figures.add("live_portal", "reads")
    figures.add("records", "checked", len(stable))
    figures.add("records", "lost", len(lost))
    figures.add("records", "duplicated", duplicated)
    assert (len(lost), duplicated, len(made_up)) == (0, 0, 0), (what, sorted(lost)[:5])
    if frame is not None:
        rows = frame.set_index("id")
        for rid in sorted(stable)[:300]:  # values it really had: unchanged, so as stored now
            stored = sb.record("contacts", rid)["properties"]
            for name in ("email", "lastname"):
                got = rows.at[rid, name]
                want = stored.get(name) or None
                assert (None if pd.isna(got) else got) == want, (what, rid, name)


# -- reads into DataFrames ---------------------------------------------------------------------


def test_get_all(portal, hs, figures):
    with living(portal, figures) as window:
        df = hs.contacts.get_all(properties=PROPS, progress=False)
    check(portal, window, df["id"].tolist(), figures, "get_all", df)


@pytest.mark.parametrize("streams", ["ranges+search", "one cursor"])
def test_get_all_through_the_parallel_reader(portal, hs, figures, monkeypatch, streams):
    """get_all as at 150 ms per request: list cursors over id ranges with search streams
    beside them (or ``parallel=1``), exact on a living portal."""
    monkeypatch.setattr(planner, "cursor_count", lambda *a: 3)
    monkeypatch.setattr(planner, "MIN_RANGE_RECORDS", 500)
    parallel = 1 if streams == "one cursor" else 6
    before = len(portal.requests)
    with living(portal, figures) as window:
        df = hs.contacts.get_all(properties=PROPS, progress=False, parallel=parallel)
    searched = sum(r.path.endswith("/search") for r in portal.requests[before:])
    if len(window["before"]) > 5_000:  # enough ranges for the search streams to take some
        assert (searched > 2) == (streams == "ranges+search"), searched  # 2: the probes
    check(portal, window, df["id"].tolist(), figures, f"get_all, {streams}", df)
    assert df["id"].astype(int).is_monotonic_increasing


def test_search_through_the_parallel_reader(portal, hs, figures):
    """search() over more matches than one chunk: several search streams, exact."""
    with living(portal, figures) as window:
        df = hs.contacts.search("hs_object_id", 0, operator="GT", properties=PROPS,
                                progress=False, parallel=4)  # fmt: skip
    check(portal, window, df["id"].tolist(), figures, "search, 4 streams", df)
    assert df["id"].astype(int).is_monotonic_increasing
    assert df.attrs["total"] >= len(window["before"]) // 2  # HubSpot's count, not made up


def test_search_past_10000(portal, hs, figures):
    with living(portal, figures) as window:
        df = hs.contacts.search("email", operator="HAS_PROPERTY", properties=PROPS, progress=False)
    with_email = {r for r in window["before"] if (portal.record("contacts", r) or {}).get(
        "properties", {}).get("email")}  # fmt: skip
    check(portal, window, df["id"].tolist(), figures, "search", df, scope=with_email)


def test_get_many(portal, hs, figures):
    with living(portal, figures) as window, warnings.catch_warnings():
        warnings.simplefilter("ignore", hf.HubFrameWarning)  # checked below instead
        asked = sorted(window["before"], key=int)
        if not asked:  # an empty portal (the churn may have added none yet)
            with pytest.raises(hf.InputError, match="no contact ids given"):
                hs.contacts.get_many(asked, properties=PROPS)
            return
        df = hs.contacts.get_many(asked, properties=PROPS)
    # Ids reported missing are records archived during the read, and only those.
    assert set(df.attrs["missing_ids"]) <= portal.touched("contacts", window["t0"], window["t1"])
    check(portal, window, df["id"].tolist(), figures, "get_many", df)


def test_get_contacts_of_every_company(portal, hs, figures):
    companies = hs.companies.get_all(progress=False)["id"].tolist()
    members = {c: set(hs.companies.get_contacts(c)["id"]) for c in companies}
    with living(portal, figures) as window, warnings.catch_warnings():
        warnings.simplefilter("ignore", hf.HubFrameWarning)  # a contact archived mid-read
        got = {c: hs.companies.get_contacts(c)["id"].tolist() for c in companies}
    for company in companies:
        check(portal, window, got[company], figures, f"contacts of {company}",
              scope=members[company])  # fmt: skip


# -- exports -----------------------------------------------------------------------------------


def read_back(path: Path) -> pd.DataFrame:
    return hf.read_parquet(path)


@pytest.mark.parametrize("mode", ["ranges", "list", "list+search", "search"])
def test_every_export_mode(portal, hs, figures, tmp_path, monkeypatch, mode):
    target = tmp_path / "c.parquet"
    kwargs: dict = {"properties": PROPS, "progress": False}
    client = hs
    if mode == "ranges":
        monkeypatch.setattr(planner, "cursor_count", lambda *a: 4)  # as at 150 ms per request
        monkeypatch.setattr(planner, "MIN_RANGE_RECORDS", 500)
    elif mode == "list":
        kwargs["parallel"] = 1
    elif mode == "list+search":
        proxy = CursorProxy(portal.url, "opaque")  # a cursor that is not an id: no ranges
        client = portal.client(rate_limit=(1_000_000, 10), search_rate=1_000, max_retries=8,
                               transport=httpx.MockTransport(proxy))  # fmt: skip
        virtual_time(client)
    else:
        kwargs["search"] = ("email", "HAS_PROPERTY", None)
    with living(portal, figures) as window:
        res = client.contacts.export(target, **kwargs)
    df = read_back(target)
    if portal.live_ids("contacts") and len(window["before"]) >= planner.MIN_SPLIT_RECORDS:
        assert res.mode == mode
    scope = None
    if mode == "search":
        scope = {r for r in window["before"]
                 if (portal.record("contacts", r) or {}).get("properties", {}).get("email")}  # fmt: skip
    check(portal, window, df["id"].tolist(), figures, f"export {mode}", df, scope=scope)


def test_resumed_export(portal, hs, figures, tmp_path):
    target = tmp_path / "c.parquet"

    class Stop(Exception):
        pass

    def stop_at(page: int) -> Callable:
        def hook(res):
            if res.pages >= page:
                raise Stop

        return hook

    with living(portal, figures) as window:
        if len(window["before"]) > 500:
            with pytest.raises(Stop):
                hs.contacts.export(target, properties=PROPS, parallel=1, progress=False,
                                   row_group_size=500, on_page=stop_at(20))  # fmt: skip
            assert not target.exists()
        res = hs.contacts.export(target, properties=PROPS, parallel=1, progress=False)
    assert res.resumed == (len(window["before"]) > 500)
    df = read_back(target)
    check(portal, window, df["id"].tolist(), figures, "resumed export", df)


def test_search_with_a_lagging_index(portal, hs, figures):
    """HubSpot's index lags writes: the guarantee holds for records unchanged since the
    lag before the read started (a change just before may not be in the index yet)."""
    lag = 1.0
    portal.set_search_lag(lag)
    try:
        with living(portal, figures) as window:
            time.sleep(lag)  # writes made just before the read are still on their way
            window["t0"] = float(window["t0"]) + lag  # the read starts now
            df = hs.contacts.search("email", operator="HAS_PROPERTY", properties=PROPS,
                                    progress=False)  # fmt: skip
        window["t0"] = float(window["t0"]) - lag  # unchanged since lag before the start
    finally:
        portal.set_search_lag(0)
    with_email = {r for r in window["before"] if (portal.record("contacts", r) or {}).get(
        "properties", {}).get("email")}  # fmt: skip
    check(portal, window, df["id"].tolist(), figures, "search, lagging index", df,
          scope=with_email)  # fmt: skip
