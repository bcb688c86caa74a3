"""Airbyte's HubSpot connector, unmodified, reads the sandbox: every row, every value.

The connector (``airbyte-source-hubspot``, pinned in ``scripts/airbyte_venv.py``) runs
in its own virtual environment as a subprocess; its requests reach the sandbox through
``HUBFRAME_SANDBOX_URL`` (``scripts/hubspot_redirect.py``). ``check`` must pass,
``discover`` must list the three streams, and a full-refresh ``read`` and an
incremental one (the search path, with ``hs_lastmodifieddate`` / ``lastmodifieddate``
filters and v4 association batch reads) must emit exactly the sandbox's records with
exactly its values. The only skip: the package index cannot be reached to build the
environment.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from airbyte_compare import ASSOCIATIONS, Tally, compare_record
from airbyte_run import Connector, configured_catalog, load_venv_script, stream_state

from hubframe.sandbox import Sandbox

pytestmark = pytest.mark.slow

STREAMS = ["contacts", "companies", "deals"]
ENTITY = {"contacts": "contact", "companies": "company", "deals": "deal"}  # the connector's paths
SIZES = {"contacts": 250, "companies": 40, "deals": 120}  # past one page of 100 and of 200


@pytest.fixture(scope="module")
def python() -> Path:
    venv = load_venv_script()
    try:
        return venv.ensure_venv()
    except venv.IndexUnreachable as exc:
        pytest.skip(f"cannot build the Airbyte environment: {exc}")


@pytest.fixture(scope="module")
def sb():
    with Sandbox(**SIZES, seed=5) as box:
        yield box


@pytest.fixture(scope="module")
def connector(python, sb, tmp_path_factory) -> Connector:
    return Connector(python, sb.url, sb.token, tmp_path_factory.mktemp("airbyte"))


@pytest.fixture(scope="module")
def discovered(connector) -> dict:
    catalogs = connector.run("discover").of("CATALOG")
    assert len(catalogs) == 1
    return catalogs[0]["catalog"]


def _associated(sb, stream: str, rid: str) -> dict[str, set[str]]:
    # Every type the stream carries: the sandbox holds line items on deals, as HubSpot does.
    return {
        t: {str(i) for i in sb.store.live_targets(stream, int(rid), t)}
        for t in ASSOCIATIONS[stream]
    }


def _compare(sb, stream: str, records: list[dict], expected_ids: set[str]) -> Tally:
    ids = [r["id"] for r in records]
    assert len(ids) == len(set(ids)), f"{stream}: the connector emitted a record twice"
    assert set(ids) == expected_ids, (
        f"{stream}: missing {sorted(expected_ids - set(ids))[:10]}, "
        f"extra {sorted(set(ids) - expected_ids)[:10]}"
    )
    total = Tally()
    for record in records:
        tally = compare_record(
            stream, record, sb.record(stream, record["id"]), _associated(sb, stream, record["id"])
        )
        total.compared += tally.compared
        total.differences += tally.differences
    return total


def test_check_passes(connector, sb):
    statuses = connector.run("check").of("CONNECTION_STATUS")
    assert [s["connectionStatus"]["status"] for s in statuses] == ["SUCCEEDED"]


def test_discover_lists_the_crm_streams_with_the_sandbox_properties(discovered):
    streams = {s["name"]: s for s in discovered["streams"]}
    for name in STREAMS:
        schema = streams[name]["json_schema"]["properties"]
        assert "properties_hs_object_id" in schema
        assert "incremental" in streams[name]["supported_sync_modes"]


def test_full_refresh_reads_every_record_and_value(connector, sb, discovered):
    out = connector.run("read", catalog=configured_catalog(discovered, STREAMS, "full_refresh"))
    compared = 0
    for stream in STREAMS:
        records = out.records(stream)
        assert len(records) == SIZES[stream]
        tally = _compare(sb, stream, records, sb.live_ids(stream))
        assert tally.differences == [], "\n".join(tally.differences[:40])
        compared += tally.compared
    # every property of every record twice, plus ids, dates, flags and associations
    assert compared > 2 * sum(SIZES[s] * 26 for s in STREAMS)
    print(f"full refresh: {compared} values compared")


def _since(sb, stream: str, cut: str) -> set[str]:
    return {i for i in sb.live_ids(stream) if sb.record(stream, i)["updatedAt"] >= cut}


def test_incremental_read_uses_search_and_matches_every_value(connector, sb, discovered):
    # a cut between two records' modification times, so no record sits on the boundary
    times = sorted(sb.record("contacts", i)["updatedAt"] for i in sb.live_ids("contacts"))
    cut = times[len(times) // 10]
    cut_state = cut.replace("Z", "000Z") if len(cut) == 24 else cut
    before = len(sb.requests)
    out = connector.run(
        "read",
        catalog=configured_catalog(discovered, STREAMS, "incremental"),
        state=stream_state(STREAMS, cut_state),
    )
    served = sb.requests[before:]
    searched = {r.path for r in served if r.path.endswith("/search")}
    assert {f"/crm/v3/objects/{ENTITY[s]}/search" for s in STREAMS} <= searched
    compared = 0
    for stream in STREAMS:
        expected = _since(sb, stream, cut)
        tally = _compare(sb, stream, out.records(stream), expected)
        assert tally.differences == [], "\n".join(tally.differences[:40])
        compared += tally.compared
    assert len(_since(sb, "contacts", cut)) > 200  # two search pages
    print(f"incremental: {compared} values compared")
