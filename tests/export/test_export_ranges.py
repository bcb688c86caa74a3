"""Range streams: several list cursors, each started at the first id of its own id range.

The export trusts a cursor it did not receive only after checking that the
server reads ``after`` as "the id of the next record" (the sandbox does, as
HubSpot documents). Every export here is compared, ids and values, with
``get_all`` of the same portal. A server whose cursor means something else is
simulated by a transport in front of the sandbox that rewrites the cursor: the
export must notice, fall back to one list cursor (plus search streams) and
still be exact.
"""

from __future__ import annotations

import json

import httpx
import pandas as pd
import pytest
from cursor_proxy import CursorProxy

import hubframe as hf
from hubframe.errors import ExportError
from hubframe.export import ExportResult, planner
from hubframe.export.plan import Plan
from hubframe.sandbox import Sandbox

#: Seconds per answer: enough that several list cursors pay (at zero latency one cursor
#: already delivers what the client converts, and the export runs it alone).
LATENCY = 0.02


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def portal():
    """2,500 contacts with a few dozen archived in the middle of the id space."""
    with Sandbox(
        contacts=2500, companies=5, deals=5, seed=41, latency=LATENCY, search_rate=None
    ) as sb:
        with sb.client(rate_limit=(100_000, 10), search_rate=1000) as hs:
            ids = hs.contacts.get_all(progress=False)["id"].astype(int).tolist()
            for rid in ids[600:640] + ids[1200:1201] + ids[1900:1960:3]:
                hs.contacts.delete(str(rid))
        yield sb


@pytest.fixture(scope="module")
def portal_hs(portal):
    with portal.client(rate_limit=(100_000, 10), search_rate=1000, max_retries=1) as hs:
        yield hs


@pytest.fixture(scope="module")
def portal_all(portal_hs):
    return portal_hs.contacts.get_all(properties="all", progress=False)


@pytest.fixture
def many_ranges(monkeypatch):
    """Small ranges, so that a small portal is cut into many (each cursor reads several)."""
    monkeypatch.setattr(planner, "MIN_RANGE_RECORDS", 150)
    monkeypatch.setattr(planner, "RANGES_PER_CURSOR", 6)


def assert_same(path, expected: pd.DataFrame) -> None:
    got = hf.read_parquet(path)
    assert got["id"].tolist() == expected["id"].tolist()  # every record once, ascending ids
    pd.testing.assert_frame_equal(got, expected.reset_index(drop=True))


def checkpoint(path) -> dict:
    return json.loads((path.parent / f".{path.name}.checkpoint.json").read_text())


def searches(sb: Sandbox, before: int) -> int:
    return sum(r.path.endswith("/search") for r in sb.requests[before:])


class Stop(Exception):
    pass


# -- range streams -----------------------------------------------------------------------------


@pytest.mark.parametrize("contacts", [1000, 1777, 4321])
def test_range_cursors_equal_get_all_on_several_portal_sizes(
    contacts, many_ranges, tmp_path, monkeypatch
):
    with Sandbox(
        contacts=contacts, companies=3, deals=3, seed=contacts, latency=LATENCY, search_rate=None
    ) as sb:
        with sb.client(rate_limit=(100_000, 10), search_rate=1000) as hs:
            expected = hs.contacts.get_all(properties="all", progress=False)
            before = len(sb.requests)
            cursors = hs.contacts.export(
                tmp_path / "l.parquet", properties="all", progress=False, parallel=2
            )
            assert searches(sb, before) == 2  # the probes only: list cursors read every record
            before = len(sb.requests)
            # Two cursors leave room for search streams, which read some of the ranges
            # besides them (as at 150 ms per request, where cursors are few).
            monkeypatch.setattr(planner, "cursor_count", lambda *a: 2)
            res = hs.contacts.export(tmp_path / "c.parquet", properties="all", progress=False)
            assert searches(sb, before) > 2
    assert cursors.mode == res.mode == "ranges"
    assert cursors.parallel == 2 and res.parallel > 2 and res.rows == contacts
    assert_same(tmp_path / "l.parquet", expected)
    assert_same(tmp_path / "c.parquet", expected)


def test_archived_ids_inside_ranges_and_at_range_starts(
    portal, portal_hs, portal_all, tmp_path, many_ranges
):
    target = tmp_path / "c.parquet"
    res = portal_hs.contacts.export(target, properties="all", progress=False, row_group_size=100)
    assert res.mode == "ranges" and res.streams >= 8
    assert res.rows == len(portal_all) == 2500 - 40 - 1 - 20
    assert_same(target, portal_all)


def test_range_starting_on_an_archived_id(tmp_path, monkeypatch):
    """A range's first id does not exist: its cursor starts at the next record that does."""
    with Sandbox(
        contacts=1200, companies=3, deals=3, seed=9, latency=LATENCY, search_rate=None
    ) as sb:
        with sb.client(rate_limit=(100_000, 10), search_rate=1000) as hs:
            ids = hs.contacts.get_all(progress=False)["id"].astype(int).tolist()
            plan = Plan.list_ranges(ids[0], ids[-1], 4, len(ids), 2)
            starts = [int(s.lo) for s in plan.streams[1:]]
            for lo in starts:  # the first id of every range, and the two after it
                for rid in (lo, lo + 1, lo + 2):
                    if rid in ids:
                        hs.contacts.delete(str(rid))
            monkeypatch.setattr(planner, "RANGES_PER_CURSOR", 2)
            monkeypatch.setattr(planner, "MIN_RANGE_RECORDS", 100)
            monkeypatch.setattr(planner, "MAX_CURSORS", 2)
            expected = hs.contacts.get_all(properties="all", progress=False)
            # parallel=2: the two list cursors alone (no search streams beside them).
            res = hs.contacts.export(
                tmp_path / "c.parquet", properties="all", progress=False, parallel=2
            )
    assert res.parallel == 2
    assert_same(tmp_path / "c.parquet", expected)


def test_parallel_1_stays_one_list_cursor(portal, portal_hs, portal_all, tmp_path):
    before = len(portal.requests)
    res = portal_hs.contacts.export(
        tmp_path / "c.parquet", properties="all", parallel=1, progress=False
    )
    assert res.parallel == 1 and searches(portal, before) == 0
    assert_same(tmp_path / "c.parquet", portal_all)


# -- a server whose cursor is not an id --------------------------------------------------------


@pytest.mark.parametrize("mode", ["opaque", "rejected", "ignored"])
def test_a_cursor_that_is_not_an_id_falls_back_and_stays_exact(portal, portal_all, mode, tmp_path):
    proxy = CursorProxy(portal.url, mode)
    before = len(portal.requests)
    with portal.client(
        rate_limit=(100_000, 10), search_rate=1000, transport=httpx.MockTransport(proxy)
    ) as hs:
        res = hs.contacts.export(tmp_path / "c.parquet", properties="all", progress=False)
        expected = hs.contacts.get_all(properties="all", progress=False)
    assert res.mode == "list+search"
    ranged = [
        r for r in portal.requests[before:] if "after=" in r.query and r.path.endswith("contacts")
    ]
    assert all(r.status == 200 for r in ranged)
    assert_same(tmp_path / "c.parquet", expected)
    assert_same(tmp_path / "c.parquet", portal_all)
    assert res.rows == len(portal_all)


def test_a_page_out_of_id_order_stops_the_export(portal, tmp_path, monkeypatch):
    """Honest cursors but pages in descending order: the export stops, never keeps them silently."""
    proxy = CursorProxy(portal.url, "shuffled")
    monkeypatch.setattr(planner, "check_cursor", lambda resource: (None, 1.0))  # as if it passed
    with portal.client(
        rate_limit=(100_000, 10), search_rate=1000, transport=httpx.MockTransport(proxy)
    ) as hs:
        with pytest.raises(ExportError, match="ids should ascend"):
            hs.contacts.export(tmp_path / "c.parquet", properties="all", progress=False)
    assert not (tmp_path / "c.parquet").exists()


def test_a_server_that_reorders_pages_fails_the_check(portal, tmp_path):
    proxy = CursorProxy(portal.url, "shuffled")
    with portal.client(
        rate_limit=(100_000, 10), search_rate=1000, transport=httpx.MockTransport(proxy)
    ) as hs:
        why, _ = planner.check_cursor(hs.contacts)
    assert why is not None and "not ascending" in why


# -- interruption and resume -------------------------------------------------------------------


def test_interrupted_inside_range_streams_resumes_exactly(
    portal_hs, portal_all, tmp_path, many_ranges
):
    target = tmp_path / "c.parquet"

    def half_read(res: ExportResult) -> None:
        streams = checkpoint(target)["plan"]["streams"]
        if sum(1 for s in streams if s["rows"] and not s["done"]) >= 2:
            raise Stop  # at least two ranges stopped in the middle

    with pytest.raises(Stop):
        portal_hs.contacts.export(target, properties="all", progress=False, row_group_size=50,
                                  on_page=half_read)  # fmt: skip
    saved = checkpoint(target)["plan"]
    assert saved["mode"] == "ranges" and saved["cursors"] >= 2
    res = portal_hs.contacts.export(target, properties="all", progress=False, row_group_size=50)
    assert res.resumed and res.rows == len(portal_all)
    assert_same(target, portal_all)


@pytest.mark.parametrize("page", [2, 7, 15])
def test_interrupted_repeatedly_then_resumed(portal_hs, portal_all, tmp_path, many_ranges, page):
    target = tmp_path / "c.parquet"

    def hook(res: ExportResult) -> None:
        if res.pages >= page:
            raise KeyboardInterrupt

    interrupted = 0
    while True:
        try:
            res = portal_hs.contacts.export(target, properties="all", progress=False,
                                            row_group_size=70, on_page=hook)  # fmt: skip
            break
        except KeyboardInterrupt:
            interrupted += 1
    assert interrupted >= 1 and res.resumed and res.rows == len(portal_all)
    assert_same(target, portal_all)


def test_cursor_count_follows_the_rate_limit_and_the_latency():
    with hf.HubSpot(token="pat-test", rate_limit="190/10") as hs:
        assert planner.cursor_count(hs.contacts, 5, 0.15) == 4  # 19/s of ~6.5/s each
        assert planner.cursor_count(hs.contacts, 2, 0.15) == 2  # never more than parallel
        assert planner.cursor_count(hs.contacts, 5, 0.03) == 1  # one cursor fills it
    with hf.HubSpot(token="pat-test", rate_limit=(100_000, 10)) as hs:
        assert planner.cursor_count(hs.contacts, 5, 0.05) == 5
        assert planner.cursor_count(hs.contacts, 5, 0.002) == 1  # the client is the limit


def test_search_streams_take_ranges_but_the_last_and_leave_the_last_round_to_cursors():
    plan = Plan.list_ranges(1, 10_000, 6, 10_000, cursors=2, searchers=2)
    assert Plan.from_json(plan.to_json()).searchers == 2  # kept in the checkpoint
    taken = []
    while (s := plan.take_for_search()) is not None:
        taken.append(s.key)
    # Six ranges, the last never searched: r0..r4 left, taken while more than 2 remain.
    assert taken == ["r0", "r1", "r2"]
    assert [plan.take("range").key for _ in range(3)] == ["r3", "r4", "r5"]


def test_list_cursors_leave_the_searches_share_of_the_window_when_searches_count():
    with hf.HubSpot(token="pat-test", rate_limit="190/10", search_rate=5) as hs:
        assert planner.list_share(hs.contacts, 0) == 180  # 95% of the window
        assert planner.list_share(hs.contacts, 2) == 135  # less the searches: 5 per 1.1 s
        assert planner.search_count(hs.contacts, 0.15) == 2
        pace = planner.pace_window(hs.contacts, 2)  # the share spread evenly: 27 per 2 s
        assert (pace.max_requests, pace.period) == (27, 2.0)
    with hf.HubSpot(token="pat-test", rate_limit="190/10", search_in_rate_limit=False) as hs:
        assert planner.list_share(hs.contacts, 2) == 180  # search has a budget of its own
