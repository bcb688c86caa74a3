"""Faults: every read path, list additions and writes against a sandbox that misbehaves.

One portal of 11,000 contacts is read fault-free first; then the same reads run
while the sandbox answers a share of requests with 429, 502, 503 or a dropped
connection (``faults=0.05`` and ``0.2``), with bursts of 429s with and without
``Retry-After``, with responses cut off mid-body and with non-JSON bodies. Every
result must equal the fault-free one, ids and values. Backoff sleeps run on a
virtual clock (``hubframe.testing``), so the waits are counted, not slept.

The client here allows 10 retries per request: at ``faults=0.2`` a request fails
11 times in a row with probability 0.2**11 (about 2e-8), so a run of thousands
of requests never exhausts them by chance; the default of 5 is exercised by the
bursts below, which are sized to it.
"""

from __future__ import annotations

import json

import pandas as pd
import pytest

import hubframe as hf
from hubframe.sandbox import Sandbox
from hubframe.testing import virtual_time

FAULT_LEVELS = [0.05, 0.2]
CONTACTS = 11_000  # enough matches for a search past HubSpot's 10,000-result cap


@pytest.fixture(scope="module")
def sb():
    with Sandbox(contacts=CONTACTS, companies=300, deals=400, seed=21, search_rate=None) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def hs(sb):
    with sb.client(rate_limit=(100_000, 10), search_rate=1000, max_retries=10) as client:
        virtual_time(client)
        yield client


@pytest.fixture(scope="module")
def baseline(hs):
    """Fault-free answers, read before any fault is switched on."""
    contacts = hs.contacts.get_all(properties="all", progress=False)
    return {
        "contacts": contacts,
        "companies": hs.companies.get_all(properties="all", progress=False),
        "deals": hs.deals.get_all(properties="all", progress=False),
        "search": hs.contacts.search("email", operator="HAS_PROPERTY", progress=False),
        "many_ids": contacts["id"].iloc[::7].tolist(),  # 1,572 ids: 16 batch reads
    }


@pytest.fixture
def faulty(sb, hs, figures):
    """Yields a switch for the fault level; afterwards faults are off and tallied."""
    before_served = sb.faults_served
    before = hs.stats.snapshot()

    def switch(level: float, **kw) -> None:
        sb.set_faults(faults=level, **kw)

    yield switch
    sb.set_faults(faults=0.0, faults_after_apply=False)
    sb.clear_injections()
    for kind, n in sb.faults_served.items():
        figures.add("faults_served", kind, n - before_served.get(kind, 0))
    after = hs.stats.snapshot()
    figures.add("faults_survived", "retries", after[1] - before[1])
    figures.add("faults_survived", "virtual_wait_seconds", round(after[2] - before[2]))


def check_exact(got: pd.DataFrame, expected: pd.DataFrame, figures, what: str) -> None:
    """Same ids once each, same values; lost and duplicated records are tallied before asserting."""
    got_ids, want_ids = got["id"].tolist(), expected["id"].tolist()
    lost = len(set(want_ids) - set(got_ids))
    duplicates = len(got_ids) - len(set(got_ids))
    figures.add("records", "checked", len(want_ids))
    figures.add("records", "lost", lost)
    figures.add("records", "duplicated", duplicates)
    assert (lost, duplicates) == (0, 0), what
    pd.testing.assert_frame_equal(
        got.sort_values("id").reset_index(drop=True),
        expected.sort_values("id").reset_index(drop=True),
        obj=what,
    )
    figures.add("faults_survived", "operations_exact")


# -- random faults on every read path ----------------------------------------------------------


@pytest.mark.parametrize("level", FAULT_LEVELS)
@pytest.mark.parametrize("object_type", ["contacts", "companies", "deals"])
def test_get_all_is_exact(hs, baseline, faulty, figures, level, object_type):
    faulty(level)
    got = getattr(hs, object_type).get_all(properties="all", progress=False)
    check_exact(got, baseline[object_type], figures, f"get_all {object_type} @ {level}")


@pytest.mark.parametrize("level", FAULT_LEVELS)
def test_search_past_10000_is_exact(hs, baseline, faulty, figures, level):
    assert len(baseline["search"]) > 10_000
    faulty(level)
    got = hs.contacts.search("email", operator="HAS_PROPERTY", progress=False)
    check_exact(got, baseline["search"], figures, f"search past 10,000 @ {level}")


@pytest.mark.parametrize("level", FAULT_LEVELS)
def test_batch_reads_are_exact(hs, baseline, faulty, figures, level):
    ids = baseline["many_ids"]
    expected = baseline["contacts"].set_index("id").loc[ids].reset_index()
    faulty(level)
    got = hs.contacts.get_many(ids, properties="all")
    assert got["id"].tolist() == ids  # in the order asked
    check_exact(got, expected, figures, f"batch read @ {level}")


@pytest.mark.parametrize("parallel", [1, 4])
@pytest.mark.parametrize("level", FAULT_LEVELS)
def test_export_is_exact(hs, baseline, faulty, figures, tmp_path, level, parallel):
    target = tmp_path / "contacts.parquet"
    faulty(level)
    res = hs.contacts.export(target, properties="all", parallel=parallel, progress=False)
    assert res.rows == CONTACTS and res.retries > 0
    check_exact(
        hf.read_parquet(target), baseline["contacts"], figures, f"export x{parallel} @ {level}"
    )


@pytest.mark.parametrize("level", FAULT_LEVELS)
def test_search_export_past_10000_is_exact(hs, baseline, faulty, figures, tmp_path, level):
    target = tmp_path / "matches.parquet"
    faulty(level)
    hs.contacts.export(target, search=("email", "HAS_PROPERTY", None), progress=False)
    got = hf.read_parquet(target)
    expected = baseline["search"]
    check_exact(got[expected.columns.tolist()], expected, figures, f"search export @ {level}")


def test_list_additions_are_exact_and_not_doubled(sb, hs, baseline, faulty, figures):
    """Two rounds of additions under faults; the list holds exactly their union, once each."""
    list_id = sb.list_ids[0]  # the sandbox's empty MANUAL list
    ids = baseline["contacts"]["id"].tolist()
    rounds = {0.05: ids[:800], 0.2: ids[700:1500]}  # overlapping: 100 are added twice
    expected: set[str] = set()
    for level, chunk in rounds.items():
        faulty(level)
        outcome = hs.lists.add(list_id, chunk)
        assert set(outcome["id"]) == set(chunk)
        # Retried additions may find the id already there; either way it is a member now.
        assert set(outcome["outcome"]) <= {"added", "already a member"}
        expected |= set(chunk)
    faulty(0.0)
    members = hs.lists.members(list_id)
    check_exact(
        members[["id"]],
        pd.DataFrame({"id": sorted(expected)}, dtype="string"),
        figures,
        "list additions",
    )


# -- bursts of 429 -----------------------------------------------------------------------------


@pytest.mark.parametrize("retry_after", [None, 3], ids=["no-retry-after", "retry-after-3s"])
def test_a_burst_of_429_is_waited_out(sb, baseline, faulty, figures, retry_after):
    """Five 429s in a row on one page (the default client's whole retry budget) are survived."""
    with sb.client(rate_limit=(100_000, 10), search_rate=1000) as client:
        clock = virtual_time(client)
        sb.inject(429, count=5, retry_after=retry_after, path_contains="/crm/objects/2026-09/0-3")
        # parallel=1: one page meets all five (parallel streams would share them).
        got = client.deals.get_all(properties="all", progress=False, parallel=1)
        check_exact(got, baseline["deals"], figures, f"429 burst, Retry-After {retry_after}")
        waits = clock.slept[-5:]
        if retry_after is not None:
            assert waits == [float(retry_after)] * 5  # the server's word, exactly
        else:
            # HubSpot's ten-second window: growing waits of about 2 s per attempt.
            assert all(2.0 * n <= w <= 2.0 * n + 0.5 for n, w in enumerate(waits, 1)), waits
        assert client.stats.retries == 5


def test_a_burst_longer_than_the_retries_is_a_clear_rate_limit_error(sb, faulty, figures):
    with sb.client(rate_limit=(100_000, 10), max_retries=2) as client:
        virtual_time(client)
        sb.inject(429, count=3, path_contains="/crm/objects/2026-09/0-3")
        with pytest.raises(hf.RateLimitError) as info:
            client.deals.get_page(limit=5)
    assert "rate_limit" in str(info.value)  # says which knob to turn
    assert sb.token not in str(info.value)


def test_daily_limit_is_not_retried_and_says_when_it_resets(sb, faulty):
    with sb.client(rate_limit=(100_000, 10)) as client:
        clock = virtual_time(client)
        sb.inject(
            429,
            body={"policyName": "DAILY", "message": "You have reached your daily limit."},
            path_contains="/crm/objects/2026-09/0-3",
        )
        with pytest.raises(hf.RateLimitError) as info:
            client.deals.get_page(limit=5)
    assert info.value.policy == "DAILY"
    assert "resets at midnight" in str(info.value)
    assert clock.slept == [] and client.stats.retries == 0


# -- broken answers ----------------------------------------------------------------------------


def test_resets_mid_body_and_non_json_answers_are_retried_on_reads(
    sb, hs, baseline, faulty, figures
):
    sb.inject(truncate=True, count=4, path_contains="/crm/objects/2026-09/companies")
    sb.inject(502, text="<html><body>502 Bad Gateway</body></html>", count=2)
    sb.inject(200, text="<html>upstream proxy</html>", count=2, path_contains="/batch/read")
    got = hs.companies.get_all(properties="all", progress=False)
    check_exact(got, baseline["companies"], figures, "companies through resets and HTML answers")
    ids = baseline["many_ids"][:300]
    got = hs.contacts.get_many(ids, properties="all")
    check_exact(
        got,
        baseline["contacts"].set_index("id").loc[ids].reset_index(),
        figures,
        "batch read through HTML 200s",
    )
    assert sb.faults_served.get("truncate", 0) >= 4 and sb.faults_served.get("text-200", 0) >= 2


def test_the_forms_edge_block_is_a_clear_error_and_not_hammered(sb, faulty, figures):
    with sb.client() as client:
        clock = virtual_time(client)
        form = sb.form_ids[0]
        sb.inject(429, text="error code: 1015", count=None, path_contains="/submissions/")
        before = len(sb.requests)
        with pytest.raises(hf.RateLimitError) as info:
            client.forms.submit(sb.portal_id, form, {"email": "edge@example.com"})
        sent = [r for r in sb.requests[before:] if "/submissions/" in r.path]
    assert len(sent) == 1 and clock.slept == []  # one request, no retries into the block
    assert info.value.policy == "EDGE_BLOCK"
    assert "Wait a minute" in str(info.value) and "1015" in str(info.value)


def test_a_create_answered_with_a_cut_off_body_is_not_repeated(sb, hs, faulty):
    before = len(hs.companies.search("name", "Cut Off Inc", progress=False))
    sb.inject(truncate=True, method="POST", path_contains="/crm/objects/2026-09/companies")
    with pytest.raises(hf.HubSpotConnectionError) as info:
        hs.companies.create({"name": "Cut Off Inc"})
    assert "may or may not have been applied" in str(info.value)
    assert len(hs.companies.search("name", "Cut Off Inc", progress=False)) == before + 1


# -- writes under lost answers -----------------------------------------------------------------


def test_contact_creates_whose_answers_are_lost_make_no_duplicates(faulty, figures):
    """60 creates while a fifth of the answers are lost after the create happened."""
    with Sandbox(contacts=20, companies=2, deals=2, seed=22) as sb:
        with sb.client(rate_limit=(100_000, 10)) as client:
            virtual_time(client)
            sb.set_faults(faults=0.2, faults_after_apply=True)
            emails = [f"lost-answer-{i}@example.com" for i in range(60)]
            created = {
                e: client.contacts.create({"email": e, "firstname": f"N{i}"})
                for i, e in enumerate(emails)
            }
            served = sb.faults_served
            sb.set_faults(faults=0.0)
            everyone = client.contacts.get_all(progress=False)
    for kind, n in served.items():
        figures.add("faults_served", f"{kind}_on_creates", n)
    assert sum(served.values()) > 0
    mine = everyone[everyone["email"].isin(emails)]
    figures.add("records", "checked", len(emails))
    figures.add("records", "duplicated", len(mine) - mine["email"].nunique())
    figures.add("records", "lost", len(set(emails) - set(mine["email"])))
    assert sorted(mine["email"]) == sorted(emails)  # each exactly once
    assert {e: df["id"].iloc[0] for e, df in created.items()} == dict(
        zip(mine["email"], mine["id"], strict=True)
    )


def test_duplicate_email_names_the_existing_record_or_updates_it(fresh_hs):
    first = fresh_hs.contacts.create({"email": "twice@example.com", "firstname": "One"})
    with pytest.raises(hf.ConflictError) as info:
        fresh_hs.contacts.create({"email": "twice@example.com"})
    assert info.value.existing_id == first["id"].iloc[0]
    assert f"already exists with id {first['id'].iloc[0]}" in str(info.value)
    updated = fresh_hs.contacts.create(
        {"email": "twice@example.com", "firstname": "Two"}, on_conflict="update"
    )
    assert updated["id"].iloc[0] == first["id"].iloc[0] and updated["firstname"].iloc[0] == "Two"


# -- the server goes away mid-export -----------------------------------------------------------


def test_server_stopping_mid_export_leaves_a_resumable_checkpoint(tmp_path, figures):
    """The sandbox stops at page 20; the export fails clearly, and resumes once it is back."""
    target = tmp_path / "c.parquet"
    with Sandbox(contacts=4000, companies=2, deals=2, seed=23, search_rate=None) as sb:
        port = sb.port
        with sb.client(rate_limit=(100_000, 10), max_retries=3) as client:
            virtual_time(client)
            expected = client.contacts.get_all(properties="all", progress=False)

            def stop_at_page_20(res):
                if res.pages == 20:
                    sb.stop()

            with pytest.raises(hf.ExportError) as info:
                client.contacts.export(
                    target,
                    properties="all",
                    parallel=1,
                    progress=False,
                    row_group_size=100,
                    on_page=stop_at_page_20,
                )
            assert "Connection refused" in str(info.value) and "resume=True" in str(info.value)
            assert not target.exists()
            ck = json.loads((tmp_path / ".c.parquet.checkpoint.json").read_text())
            assert 0 < ck["rows"] < 4000
            sb.start()  # the same address, as a restarted server would have
            assert sb.port == port
            res = client.contacts.export(
                target, properties="all", parallel=1, progress=False, row_group_size=100
            )
    figures.add("interruptions", "server_stopped_mid_export")
    figures.add("interruptions", "resumed_exactly")
    assert res.resumed and res.rows == 4000
    check_exact(hf.read_parquet(target), expected, figures, "export across a server restart")


def test_resets_mid_body_past_the_retries_stop_an_export_resumably(
    sb, baseline, faulty, figures, tmp_path
):
    """Every page cut off mid-body: a clear ExportError, nothing at the target, then an exact resume."""
    target = tmp_path / "c.parquet"
    with sb.client(rate_limit=(100_000, 10), search_rate=1000, max_retries=2) as client:
        virtual_time(client)
        pages = 0

        def cut_after_five_pages(res):
            nonlocal pages
            pages = res.pages
            if pages == 5:
                sb.inject(truncate=True, count=None, path_contains="/crm/objects/2026-09/contacts")

        with pytest.raises(hf.ExportError) as info:
            client.contacts.export(
                target,
                properties="all",
                parallel=1,
                progress=False,
                row_group_size=100,
                on_page=cut_after_five_pages,
            )
        assert "RemoteProtocolError" in str(info.value) and "resume=True" in str(info.value)
        assert not target.exists()
        sb.clear_injections()
        res = client.contacts.export(target, properties="all", parallel=1, progress=False)
    figures.add("interruptions", "export_stopped_by_resets")
    figures.add("interruptions", "resumed_exactly")
    kept = res.rows - res.pages * 100  # pages fetched ahead of the callback are kept too
    assert res.resumed and 500 <= kept < CONTACTS
    check_exact(
        hf.read_parquet(target), baseline["contacts"], figures, "export resumed after resets"
    )
