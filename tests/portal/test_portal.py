"""The whole portal as a folder of Parquet files: ``hs.export_portal`` and ``hf.read_portal``.

Every table read back (as DataFrames and as DuckDB views) is compared with a direct
read of the same sandbox; an export interrupted at any table continues to the same
folder, and the manifest appears only when every table is written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest

import hubframe as hf
from hubframe.portal.job import edge_table
from hubframe.sandbox import Sandbox

OBJECTS = ["contacts", "companies", "deals"]


@pytest.fixture(scope="module")
def portal_sandbox():
    with Sandbox(contacts=250, companies=30, deals=60, seed=11) as sb:
        yield sb


@pytest.fixture(scope="module")
def portal_hs(portal_sandbox):
    with portal_sandbox.client(rate_limit=(10_000, 10)) as client:
        yield client


@pytest.fixture(scope="module")
def exported(portal_hs, tmp_path_factory):
    """One finished export of the module's sandbox, and what it returned."""
    folder = tmp_path_factory.mktemp("portal") / "portal"
    result = portal_hs.export_portal(folder, objects=OBJECTS, progress=False)
    return folder, result


def direct(hs, name: str) -> pd.DataFrame:
    """A table read straight from the portal, as export_portal should have written it."""
    if name in OBJECTS:
        return hs.objects(name).get_all(progress=False, labels=True)
    if name == "owners":
        return hs.owners()
    if name == "pipelines":
        frames = []
        for t in OBJECTS:
            if any(p in hs.properties(t) for p in ("pipeline", "hs_pipeline")):
                stages = hs.pipelines(t)
                stages.insert(
                    0, "object_type", pd.Series([t] * len(stages), dtype="string[pyarrow]")
                )
                frames.append(stages)
        return pd.concat(frames, ignore_index=True)
    a, b = name.split("__")
    ids = direct(hs, a)["id"].tolist()
    return hs.associations(a, b, ids=ids)


def manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text())


# -- a finished export -----------------------------------------------------------------------------


def test_read_portal_reproduces_every_table(portal_hs, exported):
    folder, result = exported
    tables = hf.read_portal(folder)
    assert set(tables) == set(result.tables)
    assert list(tables)[:3] == OBJECTS  # objects first, in the order asked for
    for name, frame in tables.items():
        expected = direct(portal_hs, name)
        assert len(frame) == result.tables[name], name
        if name in OBJECTS:
            expected = expected.sort_values("id", key=lambda s: s.astype(int), ignore_index=True)
        pd.testing.assert_frame_equal(frame, expected.reset_index(drop=True), obj=name)
    assert result.tables["contacts"] == 250 and result.tables["deals"] == 60


def test_manifest_says_what_was_written(portal_hs, exported):
    folder, result = exported
    data = manifest(folder)
    assert data["format"] == "hubframe-portal" and data["api_version"] == portal_hs.api_version
    assert data["portal"] == portal_hs.portal_fingerprint()
    assert {k: v["rows"] for k, v in data["tables"].items()} == result.tables
    for entry in data["tables"].values():
        assert (folder / entry["path"]).is_file()
    assert data["started_at"] <= data["finished_at"]
    assert not (folder / ".manifest.partial.json").exists()
    assert portal_hs.scrub("x") == "x" and "pat-" not in json.dumps(data)  # never the token


def test_each_association_pair_once(exported):
    folder, result = exported
    pairs = [n for n in manifest(folder)["params"]["associations"]]
    assert pairs == [["contacts", "companies"], ["contacts", "deals"], ["companies", "deals"]]
    assert edge_table("companies", "contacts") not in result.tables


def test_duckdb_views_equal_the_tables(exported):
    pytest.importorskip("duckdb")
    folder, result = exported
    tables = hf.read_portal(folder)
    con = hf.read_portal(folder, engine="duckdb")
    views = {
        row[0] for row in con.sql("select table_name from information_schema.tables").fetchall()
    }
    assert views == set(result.tables)
    for name, frame in tables.items():
        got = con.sql(f'select * from "{name}"').df()
        assert list(got.columns) == list(frame.columns), name
        assert len(got) == len(frame), name
        if "id" in frame:
            assert sorted(got["id"].astype(str)) == sorted(frame["id"].astype(str)), name


def test_duckdb_joins_across_tables(exported):
    """A join needs no cast: the ids of two tables have one type."""
    pytest.importorskip("duckdb")
    folder, result = exported
    con = hf.read_portal(folder, engine="duckdb")
    tables = hf.read_portal(folder)
    deals, companies = tables["deals"], tables["companies"]
    if "companies__deals" in result.tables:
        (count,) = con.execute(
            "select count(*) from companies__deals e join deals d on d.id = e.to_id "
            "join companies c on c.id = e.from_id"
        ).fetchone()
        assert count == len(tables["companies__deals"])
    (n,) = con.execute(
        "select count(*) from deals d where d.id in (select id from deals)"
    ).fetchone()
    assert n == len(deals) and len(companies) == 30


# -- interrupted and repeated exports --------------------------------------------------------------


def test_an_interrupted_export_continues_and_the_manifest_comes_last(tmp_path):
    folder = tmp_path / "portal"
    with Sandbox(contacts=240, companies=12, deals=30, seed=12) as sb:
        with sb.client(rate_limit=(10_000, 10), max_retries=0) as hs:
            deals_path = hs.paths.objects("deals")
            sb.inject(503, count=None, path_contains=deals_path)
            with pytest.raises(hf.ExportError, match="run the same export again"):
                hs.export_portal(folder, objects=OBJECTS, progress=False)
            assert not (folder / "manifest.json").exists()
            assert (folder / "contacts.parquet").is_file() and not (
                folder / "deals.parquet"
            ).exists()
            with pytest.raises(hf.ExportError, match="did not finish"):
                hf.read_portal(folder)
            sb.clear_injections()
            before = len(sb.requests)
            result = hs.export_portal(folder, objects=OBJECTS, progress=False)
            again = sb.requests[before:]
            assert result.resumed
            # The finished tables are not read again.
            assert not any(r.path == hs.paths.objects("contacts") for r in again)
            tables = hf.read_portal(folder)
            for name in OBJECTS:
                expected = getattr(hs, name).get_all(progress=False)["id"]
                assert tables[name]["id"].tolist() == sorted(expected, key=int), name
            assert result.tables["deals"] == 30 and len(tables["deals"]) == 30
            assert manifest(folder)["tables"]["deals"]["rows"] == 30


def test_an_object_table_cut_short_resumes_from_its_checkpoint(tmp_path):
    """A fault in the middle of the contacts pages: the rerun reads only the rest of them."""
    folder = tmp_path / "portal"
    with Sandbox(contacts=600, companies=5, deals=5, seed=13) as sb:
        with sb.client(rate_limit=(10_000, 10), max_retries=0) as hs:
            path = hs.paths.objects("contacts")

            def pages(requests) -> int:  # pages of records read (not the planner's probes)
                return sum(
                    r.path == path and "limit=100" in r.query and r.status == 200 for r in requests
                )

            # Three pages pass, then every list request fails (600 contacts are too few to
            # split, so the planner's only probe is a search, which this leaves alone).
            sb.inject(502, count=None, path_contains=path, method="GET", skip=3)
            with pytest.raises(hf.ExportError):
                hs.export_portal(folder, objects=["contacts", "companies"], progress=False,
                                 associations=False)  # fmt: skip
            assert not (folder / "manifest.json").exists()
            assert (folder / ".contacts.parquet.checkpoint.json").is_file()
            first = pages(sb.requests)
            sb.clear_injections()
            before = len(sb.requests)
            result = hs.export_portal(folder, objects=["contacts", "companies"], progress=False,
                                      associations=False)  # fmt: skip
            assert result.resumed and result.tables["contacts"] == 600
            # 600 contacts are 6 pages: each is read once, over the two runs.
            assert first == 3 and pages(sb.requests[before:]) == 3
            ids = hf.read_portal(folder)["contacts"]["id"].tolist()
            assert sorted(ids, key=int) == ids and len(set(ids)) == 600


def test_other_arguments_do_not_continue_an_interrupted_export(tmp_path):
    folder = tmp_path / "portal"
    with Sandbox(contacts=50, companies=5, deals=10, seed=14) as sb:
        with sb.client(rate_limit=(10_000, 10), max_retries=0) as hs:
            sb.inject(503, count=None, path_contains=hs.paths.objects("deals"))
            with pytest.raises(hf.ExportError):
                hs.export_portal(folder, objects=OBJECTS, progress=False)
            sb.clear_injections()
            with pytest.raises(hf.ExportError, match="resume=False"):
                hs.export_portal(folder, objects=["contacts", "deals"], progress=False)
            result = hs.export_portal(
                folder, objects=["contacts", "deals"], progress=False, resume=False
            )
            assert not result.resumed and set(OBJECTS) - set(result.tables) == {"companies"}


def test_a_new_export_over_a_finished_folder_takes_its_manifest_away_first(tmp_path):
    """While a folder is rewritten it must not look complete (its old manifest would name
    tables that are being replaced)."""
    folder = tmp_path / "portal"
    with Sandbox(contacts=40, companies=4, deals=8, seed=15) as sb:
        with sb.client(rate_limit=(10_000, 10), max_retries=0) as hs:
            hs.export_portal(folder, objects=OBJECTS, progress=False)
            assert (folder / "manifest.json").is_file()
            sb.inject(503, count=None, path_contains=hs.paths.objects("deals"))
            with pytest.raises(hf.ExportError):
                hs.export_portal(folder, objects=OBJECTS, progress=False)
            assert not (folder / "manifest.json").exists()
            with pytest.raises(hf.ExportError, match="did not finish"):
                hf.read_portal(folder)


# -- arguments ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"objects": []}, "objects="),
        ({"objects": 3}, "objects="),
        ({"objects": ["contacts", "nosuchtype"]}, "nosuchtype"),
        ({"properties": ["email"]}, "properties="),
        ({"properties": {"tickets": "all"}, "objects": ["contacts"]}, "not exported"),
        ({"associations": "yes"}, "associations"),
        ({"labels": 1}, "labels"),
    ],
)
def test_bad_arguments_are_refused_before_any_record_is_read(
    portal_sandbox, tmp_path, kwargs, match
):
    with portal_sandbox.client() as hs:
        with pytest.raises(hf.InputError, match=match):
            hs.export_portal(tmp_path / "p", progress=False, **kwargs)
    assert not (tmp_path / "p" / "contacts.parquet").exists()


def test_a_file_is_not_a_folder(portal_hs, tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(hf.InputError, match="is a file"):
        portal_hs.export_portal(tmp_path / "f", progress=False)
    with pytest.raises(hf.InputError, match="does not exist"):
        portal_hs.export_portal(tmp_path / "no" / "such", progress=False)


def test_read_portal_says_what_is_wrong(tmp_path, exported, monkeypatch):
    with pytest.raises(hf.InputError, match="is not a folder"):
        hf.read_portal(tmp_path / "missing")
    with pytest.raises(hf.ExportError, match="holds no exported portal") as info:
        hf.read_portal(tmp_path)
    assert str(tmp_path) in str(info.value) and "export_portal" in str(info.value)
    folder, _ = exported
    with pytest.raises(hf.InputError, match="engine='spark'"):
        hf.read_portal(folder, engine="spark")
    monkeypatch.setitem(sys.modules, "duckdb", None)  # as if it were not installed
    with pytest.raises(hf.ConfigurationError, match=r'pip install "hubframe\[duckdb\]"'):
        hf.read_portal(folder, engine="duckdb")


def test_a_table_removed_after_the_export_is_named(tmp_path):
    folder = tmp_path / "portal"
    with Sandbox(contacts=20, companies=2, deals=2, seed=16) as sb, sb.client() as hs:
        hs.export_portal(folder, objects=["contacts"], progress=False)
    (folder / "contacts.parquet").unlink()
    with pytest.raises(hf.ExportError, match="contacts.parquet"):
        hf.read_portal(folder)


# -- the command -------------------------------------------------------------------------------------


def test_command_line_export_portal(tmp_path, capsys):
    from hubframe.cli import main

    folder = tmp_path / "portal"
    code = main(["export-portal", "-o", str(folder), "--objects", "contacts,deals", "--sandbox",
                 "--contacts", "30", "--companies", "3", "--deals", "12", "--no-progress"])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("Exported ") and str(folder) in out and "contacts 30" in out
    tables = hf.read_portal(folder)
    assert (
        len(tables["contacts"]) == 30 and len(tables["deals"]) == 12 and "companies" not in tables
    )
    assert manifest(folder)["params"]["objects"] == ["contacts", "deals"]


def test_command_line_errors_are_messages(tmp_path, capsys):
    from hubframe.cli import main

    code = main(["export-portal", "-o", str(tmp_path / "p"), "--objects", "nosuchtype", "--sandbox",
                 "--contacts", "5", "--no-progress"])  # fmt: skip
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("hubframe: ") and "nosuchtype" in err and "Traceback" not in err
    with pytest.raises(SystemExit):
        main(["export-portal", "-o", str(tmp_path / "p"), "--objects", ","])
    assert "names no object type" in capsys.readouterr().err


def test_objects_none_is_every_type_the_portal_has(tmp_path):
    """Standard types, engagements and the custom object; each table equals a direct read."""
    folder = tmp_path / "portal"
    with Sandbox(contacts=120, companies=12, deals=30, seed=17) as sb:
        with sb.client(rate_limit=(10_000, 10)) as hs:
            result = hs.export_portal(folder, progress=False)
            types = list(hs.object_types()["name"])
            tables = hf.read_portal(folder)
            assert [n for n in tables if n in types] == types  # every type, in the portal's order
            for name in types:
                expected = hs.objects(name).get_all(progress=False, labels=True)
                expected = expected.sort_values(
                    "id", key=lambda s: s.astype(int), ignore_index=True
                )
                pd.testing.assert_frame_equal(tables[name], expected, obj=name)
            assert result.tables["tickets"] > 0 and "machines" in result.tables
            # Each pair of types once, in the portal's order; every one written or said why not.
            pairs = [edge_table(a, b) for i, a in enumerate(types) for b in types[i + 1 :]]
            assert sorted(pairs) == sorted(
                [n for n in tables if "__" in n] + [n for n in result.skipped if "__" in n]
            )
            edges = tables["deals__line_items"]
            expected_edges = hs.associations(
                "deals", "line_items", ids=tables["deals"]["id"], progress=False
            )
            pd.testing.assert_frame_equal(edges, expected_edges)
            assert set(edges["to_id"]) <= set(tables["line_items"]["id"])
            assert len(tables["owners"]) == len(hs.owners()) > 0
            assert set(tables["pipelines"]["object_type"]) == {"deals", "tickets"}


def test_an_old_interrupted_export_is_not_continued_without_asking(tmp_path):
    from datetime import datetime, timedelta, timezone

    folder = tmp_path / "portal"
    with Sandbox(contacts=40, companies=4, deals=8, seed=18) as sb:
        with sb.client(rate_limit=(10_000, 10), max_retries=0) as hs:
            sb.inject(503, count=None, path_contains=hs.paths.objects("deals"))
            with pytest.raises(hf.ExportError):
                hs.export_portal(folder, objects=OBJECTS, progress=False)
            sb.clear_injections()
            partial = folder / ".manifest.partial.json"
            state = json.loads(partial.read_text())
            state["started_at"] = (datetime.now(timezone.utc) - timedelta(hours=30)).isoformat()
            partial.write_text(json.dumps(state))
            with pytest.raises(hf.ExportError, match="started 30.0 hours ago"):
                hs.export_portal(folder, objects=OBJECTS, progress=False)
            with pytest.raises(hf.InputError, match="max_checkpoint_age"):
                hs.export_portal(folder, objects=OBJECTS, progress=False, max_checkpoint_age=-1)
            result = hs.export_portal(
                folder, objects=OBJECTS, progress=False, max_checkpoint_age=None
            )
            assert result.resumed and result.tables["deals"] == 8


def test_the_method_takes_the_function_s_arguments():
    import inspect

    from hubframe.portal import export_portal

    method = inspect.signature(hf.HubSpot(token="x" * 20).export_portal).parameters
    function = dict(inspect.signature(export_portal).parameters)
    function.pop("hs")
    assert [(p.name, p.default) for p in method.values()] == [
        (p.name, p.default) for p in function.values()
    ]


def test_an_empty_type_gives_empty_tables_with_their_columns(tmp_path):
    folder = tmp_path / "portal"
    with Sandbox(contacts=0, companies=3, deals=0, seed=19) as sb, sb.client() as hs:
        result = hs.export_portal(folder, objects=["contacts", "companies"], progress=False)
        expected = hs.associations("companies", "contacts", progress=False).iloc[:0]
    assert result.tables["contacts"] == 0 and result.tables["contacts__companies"] == 0
    edges = hf.read_portal(folder)["contacts__companies"]
    pd.testing.assert_frame_equal(edges, expected.reset_index(drop=True))


def test_one_bar_for_the_whole_portal(tmp_path, capsys):
    """A notebook user sees one bar that names the table being read, not one bar a table."""
    with Sandbox(contacts=30, companies=3, deals=5, seed=20) as sb, sb.client() as hs:
        hs.export_portal(tmp_path / "portal", objects=OBJECTS)
    err = capsys.readouterr().err
    assert "export portal" in err and "8/8" in err  # 3 objects, 3 pairs, owners, pipelines
    assert "export contacts" not in err and "associations" not in err


def test_a_finished_table_deleted_before_the_rerun_is_written_again(tmp_path):
    folder = tmp_path / "portal"
    with Sandbox(contacts=40, companies=4, deals=8, seed=21) as sb:
        with sb.client(rate_limit=(10_000, 10), max_retries=0) as hs:
            sb.inject(503, count=None, path_contains=hs.paths.objects("deals"))
            with pytest.raises(hf.ExportError):
                hs.export_portal(folder, objects=OBJECTS, progress=False)
            sb.clear_injections()
            (folder / "contacts.parquet").unlink()
            result = hs.export_portal(folder, objects=OBJECTS, progress=False)
            assert result.resumed and len(hf.read_portal(folder)["contacts"]) == 40
