"""The streaming Parquet export, against the sandbox (a real HTTP server on 127.0.0.1).

Every export is compared, ids and values, with what ``get_all`` / ``search``
return for the same portal. Interrupted exports (an exception or Ctrl-C in a
callback, an abandoned generator, a page that fails after its retries, a killed
process) must resume to exactly the uninterrupted result, and the target path
must never hold anything until the export completes.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import httpx
import pandas as pd
import pyarrow.parquet as pq
import pytest
from cursor_proxy import CursorProxy

import hubframe as hf
from hubframe import frames
from hubframe.export import ExportResult, export, iter_export
from hubframe.sandbox import Sandbox

#: Streams of a plain export that may split the id space (range cursors, or the list cursor
#: plus search workers).
PARALLEL = 5


# -- fixtures ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def plain():
    """3,000 contacts, no latency, no server-side search limit (list-cursor exports)."""
    with Sandbox(contacts=3000, companies=20, deals=20, seed=3, search_rate=None) as sb:
        yield sb


@pytest.fixture(scope="module")
def plain_hs(plain):
    with plain.client(rate_limit=(100_000, 10), search_rate=1000) as client:
        yield client


@pytest.fixture(scope="module")
def slow():
    """4,000 contacts answering after 50 ms: the list cursor is slow enough for search to join in."""
    with Sandbox(
        contacts=4000, companies=20, deals=20, seed=4, latency=0.05, search_rate=None
    ) as sb:
        yield sb


@pytest.fixture(scope="module")
def slow_hs(slow):
    with slow.client(rate_limit=(100_000, 10), search_rate=1000, max_retries=1) as client:
        yield client


@pytest.fixture(scope="module")
def opaque_hs(slow):
    """The slow sandbox behind a list cursor that is not a record id: no range streams, so
    plain exports read with the list cursor and search streams."""
    proxy = httpx.MockTransport(CursorProxy(slow.url, "opaque"))
    with slow.client(
        rate_limit=(100_000, 10), search_rate=1000, max_retries=1, transport=proxy
    ) as client:
        yield client


@pytest.fixture(scope="module")
def big():
    """12,000 contacts: searches past HubSpot's 10,000-result cap."""
    with Sandbox(contacts=12_000, companies=10, deals=10, seed=5, search_rate=None) as sb:
        yield sb


@pytest.fixture(scope="module")
def big_hs(big):
    with big.client(rate_limit=(100_000, 10), search_rate=1000) as client:
        yield client


@pytest.fixture(scope="module")
def plain_all(plain_hs):
    return plain_hs.contacts.get_all(properties="all", progress=False)


@pytest.fixture(scope="module")
def slow_all(slow_hs):
    return slow_hs.contacts.get_all(properties="all", progress=False)


@pytest.fixture(scope="module")
def big_matches(big_hs):
    return big_hs.contacts.search("email", operator="HAS_PROPERTY", progress=False)


def read(path: Path) -> pd.DataFrame:
    """The exported file as the typed DataFrame hubframe returns."""
    return hf.read_parquet(path)


def assert_same(path: Path, expected: pd.DataFrame) -> None:
    got = read(path)
    assert got["id"].tolist() == expected["id"].tolist()  # every record once, ascending ids
    pd.testing.assert_frame_equal(got, expected.reset_index(drop=True))


def hidden(path: Path) -> list[str]:
    """What an unfinished export keeps next to its target."""
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(f".{path.name}"))


def checkpoint(path: Path) -> dict:
    return json.loads((path.parent / f".{path.name}.checkpoint.json").read_text())


class Stop(Exception):
    pass


def stop_at(page: int, exc: BaseException | type[BaseException] = Stop):
    """An on_page hook that raises at the given page, and checks the target stays absent."""

    def hook(res: ExportResult) -> None:
        assert not res.path.exists()
        if res.pages >= page:
            raise exc

    return hook


# -- plain exports -----------------------------------------------------------------------------


def test_export_equals_get_all(plain_hs, plain_all, tmp_path):
    target = tmp_path / "contacts.parquet"
    res = plain_hs.contacts.export(target, properties="all", parallel=1, progress=False)
    assert res.path == target and res.rows == len(plain_all) == 3000
    assert res.pages == 30 and res.requests >= 30 and not res.resumed
    assert res.columns == list(plain_all.columns)
    assert_same(target, plain_all)
    assert hidden(target) == []  # no checkpoint or parts left behind


def test_read_parquet_gives_hubframe_dtypes_where_pandas_gives_numpy_ones(
    plain_hs, plain_all, tmp_path
):
    target = tmp_path / "c.parquet"
    plain_hs.contacts.export(target, properties="all", progress=False)
    pd.testing.assert_frame_equal(hf.read_parquet(target), plain_all)
    plain = pd.read_parquet(target)  # still readable by anything, with NumPy's dtypes
    assert (
        plain["hs_email_optout"].dtype == object and plain_all["hs_email_optout"].dtype == "boolean"
    )
    some = hf.read_parquet(target, columns=["email", "id", "favorite_products"])
    assert some.columns.tolist() == ["email", "id", "favorite_products"]
    assert some["favorite_products"].dtype == plain_all["favorite_products"].dtype
    with pytest.raises(
        hf.InputError, match=r"columns \['emial'\] are not in c.parquet; it has id, "
    ):
        hf.read_parquet(target, columns=["id", "emial"])


@pytest.mark.parametrize(
    "how",
    [{"parallel": 1}, {"search": ("lifecyclestage", "customer")}],
    ids=["list cursor", "search"],
)
def test_frame_side_data_never_reaches_the_file(plain_hs, tmp_path, how):
    """attrs (next_after, missing_ids, failed, total) ride on frames, never in a written file."""
    target = tmp_path / "c.parquet"
    page = plain_hs.contacts.get_page(limit=10)
    matches = plain_hs.contacts.search("lifecyclestage", "customer", progress=False)
    assert page.attrs["next_after"] and matches.attrs["total"] == len(matches) > 0
    res = plain_hs.contacts.export(target, progress=False, **how)
    for metadata in (pq.read_schema(target).metadata, pq.ParquetFile(target).metadata.metadata):
        keys = set(metadata or {})
        assert b"PANDAS_ATTRS" not in keys  # where pandas keeps df.attrs ...
        assert b"pandas" not in keys  # ... and its own block (which holds them too)
        assert not any(b"next_after" in v or b"missing_ids" in v for v in (metadata or {}).values())
    back = hf.read_parquet(target)
    assert back.attrs == {} and len(back) == res.rows
    assert res.rows == (len(matches) if "search" in how else 3000)


def test_default_properties_and_row_groups(plain_hs, tmp_path):
    target = tmp_path / "c.parquet"
    res = plain_hs.contacts.export(target, progress=False, row_group_size=1000)
    expected = plain_hs.contacts.get_all(progress=False)
    assert_same(target, expected)
    assert res.row_groups == pq.ParquetFile(target).metadata.num_row_groups == 3


def test_schema_stays_fixed_when_a_page_has_no_values(tmp_path):
    """A whole page without values of a property must not change (or drop) its column type."""
    with (
        Sandbox(contacts=250, companies=5, deals=5, seed=7, search_rate=None) as sb,
        sb.client() as hs,
    ):
        props = hs.contacts.props
        by_kind: dict[str, str] = {}
        for p in props:
            if not p.read_only and p.name not in ("email",):
                by_kind.setdefault(p.kind, p.name)
        names = ["email", *by_kind.values()]
        first_page = hs.contacts.get_page(limit=100, properties=["email"])["id"].tolist()
        hs.contacts.update(
            pd.DataFrame({"id": first_page, **{n: [hf.CLEAR] * 100 for n in by_kind.values()}})
        )
        target = tmp_path / "sparse.parquet"
        hs.contacts.export(target, properties=names, parallel=1, progress=False, row_group_size=100)
        expected = hs.contacts.get_all(properties=names, progress=False)
    file = pq.ParquetFile(target)
    want = frames.schema([props[n] for n in names])
    assert file.schema_arrow.equals(want, check_metadata=False)
    first = file.read_row_group(0)
    assert first.num_rows == 100
    for name in by_kind.values():
        assert first.column(name).null_count == 100  # empty on the whole first page ...
        assert first.schema.field(name).type == props[name].arrow_type  # ... and still typed
    assert set(by_kind) >= {"number", "datetime", "bool", "date", "multi"}
    assert_same(target, expected)


def test_unreadable_cells_over_many_conversions_warn_once_with_the_total(tmp_path):
    """Pages are converted in groups; the warning still counts every bad cell, once per column."""
    from hubframe.export.writer import CONVERT_RECORDS

    with (
        Sandbox(contacts=2 * CONVERT_RECORDS + 500, companies=5, deals=5, seed=8) as sb,
        sb.client() as hs,
    ):
        ids = sorted(sb.store.tables["contacts"].live_ids())
        spoiled = ids[5 :: CONVERT_RECORDS // 3]  # in every group of converted pages
        for rid in spoiled:
            sb.store.tables["contacts"].records[rid].props["hubspotscore"] = "3,039"
        target = tmp_path / "bad.parquet"
        with pytest.warns(frames.HubFrameWarning) as caught:
            hs.contacts.export(target, properties=["email", "hubspotscore"], parallel=1,
                               progress=False)  # fmt: skip
        records = sb.store.tables["contacts"].records
        stored = {str(i): records[i].props.get("hubspotscore") for i in ids}
    messages = [str(w.message) for w in caught if "hubspotscore" in str(w.message)]
    assert messages == [
        f"Column 'hubspotscore': {len(spoiled)} values could not be read as number and are "
        "null (e.g. '3,039')."
    ]
    got = pq.read_table(target).to_pandas().set_index("id")["hubspotscore"]
    assert len(got) == len(ids)
    assert got.loc[[str(i) for i in spoiled]].isna().all()
    for rid, value in got.drop([str(i) for i in spoiled]).items():
        assert (pd.isna(value) and not stored[rid]) or value == float(stored[rid])


def test_associations_are_exported_with_the_list_cursor(plain_hs, tmp_path):
    target = tmp_path / "assoc.parquet"
    res = plain_hs.contacts.export(target, associations=["companies"], parallel=1, progress=False)
    expected = plain_hs.contacts.get_all(associations=["companies"], progress=False)
    assert "associations.companies" in res.columns
    assert_same(target, expected)


def test_associations_keep_the_parallel_plans(slow, slow_hs, tmp_path):
    """associations= no longer forces one list cursor: every stream reads its pages'
    associations with the association batch read, and the file equals get_all's."""
    target = tmp_path / "contacts.parquet"
    before = len(slow.requests)
    res = slow_hs.contacts.export(
        target, associations=["companies", "deals"], parallel=PARALLEL, progress=False
    )
    sent = slow.requests[before:]
    assert res.parallel > 1 and res.rows == 4000
    assert not any("associations=" in r.query for r in sent)  # nothing embedded
    reads = [r for r in sent if r.path.endswith("/batch/read") and "/associations/" in r.path]
    assert len(reads) >= 2 * 40  # one per page of 100 and type
    expected = slow_hs.contacts.get_all(associations=["companies", "deals"], progress=False)
    assert_same(target, expected)


def test_search_export_carries_associations(plain_hs, tmp_path):
    target = tmp_path / "found.parquet"
    res = plain_hs.contacts.export(
        target, search=("email", "HAS_PROPERTY", None), associations="companies",
        progress=False,
    )  # fmt: skip
    expected = plain_hs.contacts.search(
        "email", operator="HAS_PROPERTY", associations="companies", progress=False
    )
    assert res.rows == len(expected) > 0
    got = hf.read_parquet(target)
    assert got["associations.companies"].tolist() == expected["associations.companies"].tolist()
    assert got["associations.companies"].map(len).sum() > 0


def test_parallel_export_splits_the_id_space_and_equals_get_all(slow, slow_hs, slow_all, tmp_path):
    target = tmp_path / "contacts.parquet"
    before = len(slow.requests)
    res = slow_hs.contacts.export(target, properties="all", parallel=PARALLEL, progress=False)
    ranged = [
        r for r in slow.requests[before:] if r.path.endswith("/contacts") and "after=" in r.query
    ]
    assert res.parallel > 1 and len(ranged) > 40  # several list cursors read every record
    assert res.rows == 4000 and res.total == 4000
    assert_same(target, slow_all)


def test_list_cursor_and_search_streams_when_the_cursor_is_opaque(
    slow, opaque_hs, slow_all, tmp_path
):
    target = tmp_path / "contacts.parquet"
    before = len(slow.requests)
    res = opaque_hs.contacts.export(target, properties="all", parallel=PARALLEL, progress=False)
    searches = [r for r in slow.requests[before:] if r.path.endswith("/search")]
    assert len(searches) > 2  # more than the two probes: search streams read records
    assert res.rows == 4000 and res.total == 4000
    assert_same(target, slow_all)


def test_export_under_random_faults_is_complete_and_exact(tmp_path):
    with Sandbox(contacts=1500, companies=5, deals=5, seed=8, faults=0.1, search_rate=None) as sb:
        with sb.client(rate_limit=(100_000, 10), search_rate=1000) as hs:
            target = tmp_path / "faults.parquet"
            res = hs.contacts.export(target, properties="all", progress=False)
            sb.set_faults(faults=0.0)
            expected = hs.contacts.get_all(properties="all", progress=False)
    assert res.retries > 0
    assert_same(target, expected)


def test_an_existing_file_is_replaced_only_at_the_end(plain_hs, plain_all, tmp_path):
    target = tmp_path / "c.parquet"
    target.write_bytes(b"old")
    seen = []
    plain_hs.contacts.export(target, properties="all", parallel=1, progress=False,
                             on_page=lambda r: seen.append(target.read_bytes()))  # fmt: skip
    assert set(seen) == {b"old"}
    assert_same(target, plain_all)


# -- interruptions and resume ------------------------------------------------------------------


@pytest.mark.parametrize("page", [1, 9, 29])
def test_exception_in_callback_then_resume(plain_hs, plain_all, tmp_path, page):
    target = tmp_path / "c.parquet"
    with pytest.raises(Stop):
        plain_hs.contacts.export(target, properties="all", parallel=1, progress=False,
                                 row_group_size=250, on_page=stop_at(page))  # fmt: skip
    assert not target.exists()
    assert hidden(target) == [".c.parquet.checkpoint.json", ".c.parquet.partial"]
    res = plain_hs.contacts.export(
        target, properties="all", parallel=1, progress=False, row_group_size=250
    )
    assert res.resumed and res.rows == 3000
    assert_same(target, plain_all)
    assert hidden(target) == []


@pytest.mark.parametrize("page", [3, 12, 20])
def test_keyboard_interrupt_in_parallel_export_then_resume(slow_hs, slow_all, tmp_path, page):
    target = tmp_path / "c.parquet"
    seen: list[int] = []

    def hook(res: ExportResult) -> None:
        seen.append(res.rows)
        stop_at(page, KeyboardInterrupt)(res)

    with pytest.raises(KeyboardInterrupt):
        slow_hs.contacts.export(target, properties="all", parallel=PARALLEL, progress=False,
                                row_group_size=1000, on_page=hook)  # fmt: skip
    assert not target.exists()
    assert checkpoint(target)["rows"] == seen[-1] > 0  # Ctrl-C keeps every page read
    res = slow_hs.contacts.export(
        target, properties="all", parallel=PARALLEL, progress=False, row_group_size=200
    )
    assert res.resumed and res.rows == 4000
    assert_same(target, slow_all)


def test_interrupted_while_a_search_range_is_half_read(opaque_hs, slow_all, tmp_path):
    target = tmp_path / "c.parquet"

    def half_read_range(res: ExportResult) -> None:
        streams = checkpoint(target)["plan"]["streams"]
        if any(s["kind"] == "search" and s["rows"] and not s["done"] for s in streams):
            raise Stop

    with pytest.raises(Stop):  # search joined in, and is stopped in the middle of an id range
        opaque_hs.contacts.export(target, properties="all", parallel=PARALLEL, progress=False,
                                row_group_size=200, on_page=half_read_range)  # fmt: skip
    res = opaque_hs.contacts.export(target, properties="all", parallel=PARALLEL, progress=False)
    assert res.resumed
    assert_same(target, slow_all)


def test_abandoned_generator_resumes_several_times(plain_hs, plain_all, tmp_path):
    target = tmp_path / "c.parquet"
    kept = []
    for steps in (4, 7, 5):
        gen = iter_export(
            plain_hs.contacts,
            target,
            properties="all",
            parallel=1,
            progress=False,
            row_group_size=150,
        )
        for _ in range(steps):
            next(gen)
        gen.close()
        assert not target.exists()
        kept.append(checkpoint(target)["rows"])
    assert kept == sorted(kept) and kept[-1] > 0  # each run kept what it had read
    res = export(
        plain_hs.contacts, target, properties="all", parallel=1, progress=False, row_group_size=150
    )
    assert res.resumed
    assert_same(target, plain_all)


def test_page_failing_after_retries_stops_with_a_resumable_checkpoint(
    slow, slow_hs, slow_all, tmp_path
):
    target = tmp_path / "c.parquet"
    pages = []

    def fail_later(res: ExportResult) -> None:
        pages.append(res.rows)
        if res.pages == 12:
            slow.inject(500, count=None, path_contains="/crm/objects/2026-09/contacts")

    try:
        with pytest.raises(hf.ExportError, match="resume") as err:
            slow_hs.contacts.export(target, properties="all", parallel=PARALLEL, progress=False,
                                    row_group_size=200, on_page=fail_later)  # fmt: skip
    finally:
        slow.clear_injections()
    assert isinstance(err.value.__cause__, hf.ServerError)
    assert not target.exists()
    assert checkpoint(target)["rows"] >= pages[11] > 0  # pages read before the failure were kept
    res = slow_hs.contacts.export(
        target, properties="all", parallel=PARALLEL, progress=False, row_group_size=200
    )
    assert res.resumed
    assert_same(target, slow_all)


@pytest.mark.parametrize("page", [2, 20, 50])
def test_interrupted_search_export_resumes_past_10000(big_hs, big_matches, tmp_path, page):
    target = tmp_path / "s.parquet"
    search = ("email", "HAS_PROPERTY", None)
    with pytest.raises(Stop):
        big_hs.contacts.export(target, search=search, parallel=PARALLEL, progress=False,
                               row_group_size=1000, on_page=stop_at(page))  # fmt: skip
    assert not target.exists()
    res = big_hs.contacts.export(
        target, search=search, parallel=PARALLEL, progress=False, row_group_size=1000
    )
    assert res.resumed and res.rows == len(big_matches) > 10_000
    assert_same(target, big_matches)


def test_sequential_search_export_past_10000(big_hs, big_matches, tmp_path):
    target = tmp_path / "s.parquet"
    res = big_hs.contacts.export(target, search={"filters": [("email", "HAS_PROPERTY", None)]},
                                 parallel=1, progress=False)  # fmt: skip
    assert res.rows == len(big_matches) > 10_000
    assert_same(target, big_matches)


def test_search_export_of_one_value_and_of_nothing(plain_hs, tmp_path):
    expected = plain_hs.contacts.search("lifecyclestage", "customer", progress=False)
    assert 0 < len(expected) < 3000
    plain_hs.contacts.export(
        tmp_path / "a.parquet", search=("lifecyclestage", "customer"), progress=False
    )
    assert_same(tmp_path / "a.parquet", expected)
    res = plain_hs.contacts.export(
        tmp_path / "b.parquet", search=("email", "nobody@nowhere.example"), progress=False
    )
    assert res.rows == 0
    empty = pq.read_table(tmp_path / "b.parquet")
    assert empty.num_rows == 0 and empty.column_names == expected.columns.tolist()


# -- guard rails -------------------------------------------------------------------------------


def test_checkpoint_from_other_parameters_is_refused(plain, plain_hs, plain_all, tmp_path):
    target = tmp_path / "c.parquet"
    with pytest.raises(Stop):
        plain_hs.contacts.export(target, properties="all", parallel=1, progress=False,
                                 row_group_size=100, on_page=stop_at(3))  # fmt: skip
    text = (tmp_path / ".c.parquet.checkpoint.json").read_text()
    assert plain.token not in text and "Bearer" not in text
    with pytest.raises(hf.ExportError, match="properties.*resume=False"):
        plain_hs.contacts.export(target, properties=["email"], progress=False)
    with pytest.raises(hf.ExportError, match="search.*resume=False"):
        plain_hs.contacts.export(
            target, properties="all", search=("lifecyclestage", "lead"), progress=False
        )
    with pytest.raises(hf.ExportError, match="object_type"):
        plain_hs.companies.export(target, properties="all", progress=False)
    assert not target.exists()
    res = plain_hs.contacts.export(target, properties=["email"], resume=False, progress=False)
    assert not res.resumed and res.rows == 3000
    assert read(target).columns.tolist() == ["id", "email", "createdAt", "updatedAt", "archived"]


def test_changed_property_types_are_refused(plain_hs, tmp_path):
    target = tmp_path / "c.parquet"
    with pytest.raises(Stop):
        plain_hs.contacts.export(
            target, parallel=1, progress=False, row_group_size=100, on_page=stop_at(2)
        )
    ck = tmp_path / ".c.parquet.checkpoint.json"
    data = json.loads(ck.read_text())
    data["schema"] = "0" * 16  # as if a column's type had changed in HubSpot meanwhile
    ck.write_text(json.dumps(data))
    with pytest.raises(hf.ExportError, match="property definitions changed.*resume=False"):
        plain_hs.contacts.export(target, parallel=1, progress=False)


def test_two_exports_to_one_file_do_not_mix(plain_hs, tmp_path):
    target = tmp_path / "c.parquet"
    first = iter_export(plain_hs.contacts, target, parallel=1, progress=False)
    next(first)
    with pytest.raises(hf.ExportError, match="another export is writing"):
        plain_hs.contacts.export(target, parallel=1, progress=False)
    first.close()


def test_bad_arguments_fail_before_any_request(plain_hs, tmp_path):
    with pytest.raises(hf.InputError, match="directory"):
        plain_hs.contacts.export(tmp_path, progress=False)
    with pytest.raises(hf.InputError, match="does not exist"):
        plain_hs.contacts.export(tmp_path / "no" / "c.parquet", progress=False)
    with pytest.raises(hf.InputError, match="search="):
        plain_hs.contacts.export(tmp_path / "c.parquet", search="lead", progress=False)
    with pytest.raises(hf.UnknownPropertyError):
        plain_hs.contacts.export(tmp_path / "c.parquet", properties=["emial"], progress=False)
    with pytest.raises(hf.InputError, match="archived"):
        plain_hs.contacts.export(tmp_path / "c.parquet", search=("email", "a@b.co"), archived=True)
    assert list(tmp_path.iterdir()) == []


# -- a killed process --------------------------------------------------------------------------

_CHILD = textwrap.dedent(
    """
    import os, sys
    from hubframe import HubSpot
    hs = HubSpot(os.environ["T_TOKEN"], base_url=os.environ["T_URL"], rate_limit=(100_000, 10),
                 search_rate=1000)
    hs.contacts.export(sys.argv[1], properties="all", parallel=int(sys.argv[2]), progress=False,
                       row_group_size=100)
    """
)


@pytest.mark.slow
def test_killed_process_resumes_to_the_exact_result(slow, slow_hs, slow_all, tmp_path):
    """SIGKILL mid-export, three times, at growing checkpoints; a fourth run finishes."""
    target = tmp_path / "c.parquet"
    ck = tmp_path / ".c.parquet.checkpoint.json"
    env = {**os.environ, "T_TOKEN": slow.token, "T_URL": slow.url}
    kept = []
    for at_least in (300, 1500, 2700):
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(target), str(PARALLEL)], env=env
        )
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and child.poll() is None:
                if ck.exists():
                    try:
                        if json.loads(ck.read_text())["rows"] >= at_least:
                            break
                    except ValueError:
                        pass  # replaced while reading
                time.sleep(0.01)
            assert child.poll() is None, "the export finished before it could be killed"
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait()
        assert not target.exists()
        kept.append(checkpoint(target)["rows"])
    assert kept == sorted(kept)
    res = slow_hs.contacts.export(
        target, properties="all", parallel=PARALLEL, progress=False, row_group_size=100
    )
    assert res.resumed and res.rows == 4000
    assert_same(target, slow_all)
    assert hidden(target) == []


def test_ctrl_c_while_the_fetch_threads_start_stops_cleanly_and_resumes(
    slow_hs, slow_all, tmp_path, monkeypatch
):
    """A Ctrl-C that lands between two thread starts is a KeyboardInterrupt (not an error
    about joining a thread that never started), and the export resumes exactly."""
    import threading

    target = tmp_path / "contacts.parquet"
    real_start = threading.Thread.start
    started: list[str] = []

    def start(thread: threading.Thread) -> None:
        if thread.name.startswith("hubframe-export-"):
            started.append(thread.name)
            if len(started) == 2:
                raise KeyboardInterrupt
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    with pytest.raises(KeyboardInterrupt):
        slow_hs.contacts.export(target, properties="all", progress=False)
    monkeypatch.setattr(threading.Thread, "start", real_start)
    assert len(started) == 2 and not target.exists()
    res = slow_hs.contacts.export(target, properties="all", progress=False)
    assert res.resumed
    assert_same(target, slow_all)
