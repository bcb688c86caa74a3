"""Owners, pipelines and ``labels=True`` against the sandbox: the labels are the sandbox's
owners, pipelines and property options; exports with labels round-trip and resume alike."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pytest

import hubframe as hf
from hubframe.errors import InputError
from hubframe.labels import ColumnLabels
from hubframe.sandbox.crm import owners as sandbox_owners
from hubframe.sandbox.crm.definitions import (
    CLOSED_STAGES,
    DEAL_STAGE_PROBABILITY,
    OWNERS,
    PIPELINE_STAGES,
    PROPERTIES,
)

DEAL_PROPS = [
    "dealname",
    "pipeline",
    "dealstage",
    "hubspot_owner_id",
    "dealtype",
    "products_included",
]
LABELLED = ["pipeline", "dealstage", "hubspot_owner_id", "dealtype", "products_included"]


def option_labels(object_type: str, name: str) -> dict[str, str]:
    return dict(PROPERTIES[object_type][name].options)


def stage_labels() -> dict[tuple[str, str], str]:
    labels = option_labels("deals", "dealstage")
    return {(p, s): labels[s] for p, stages in PIPELINE_STAGES["deals"].items() for s in stages}


# -- owners -----------------------------------------------------------------------------------


def test_owners_are_the_sandbox_owners(hs):
    df = hs.owners()
    assert list(df.columns) == [
        "id", "email", "firstName", "lastName", "userId", "teams", "archived", "createdAt", "updatedAt",
    ]  # fmt: skip
    assert df["id"].tolist() == [oid for oid, _ in OWNERS]
    assert (df["firstName"] + " " + df["lastName"]).tolist() == [name for _, name in OWNERS]
    served = sandbox_owners.OWNER_RECORDS
    assert df["email"].tolist() == [o["email"] for o in served]
    assert df["userId"].tolist() == [str(o["userId"]) for o in served]
    assert df["teams"].tolist() == [[] for _ in served] and not df["archived"].any()
    dtypes = {c: str(t) for c, t in df.dtypes.items()}
    assert dtypes["id"] == dtypes["userId"] == "string"
    assert dtypes["teams"] == "list<item: string>[pyarrow]"
    assert dtypes["createdAt"] == "datetime64[ms, UTC]" and dtypes["archived"] == "boolean"
    assert hs.owners(archived=True).empty


def test_owners_reads_every_page(hs, monkeypatch):
    from hubframe.resources import owners

    before = hs.stats.requests
    monkeypatch.setattr(owners, "OWNERS_PAGE_MAX", 3)
    assert hs.owners()["id"].tolist() == [oid for oid, _ in OWNERS]
    assert hs.stats.requests - before == 4  # 3 + 3 + 3 + 1


def test_owners_bad_archived(hs):
    with pytest.raises(InputError, match="archived='yes'"):
        hs.owners(archived="yes")


# -- pipelines --------------------------------------------------------------------------------


def test_deal_pipelines_are_the_sandbox_pipelines(hs):
    df = hs.pipelines("deals")
    assert list(df.columns) == [
        "pipeline_id", "pipeline_label", "pipeline_order", "stage_id", "stage_label",
        "stage_order", "probability", "is_closed", "archived",
    ]  # fmt: skip
    expected = [(p, s) for p, stages in PIPELINE_STAGES["deals"].items() for s in stages]
    assert list(zip(df["pipeline_id"], df["stage_id"], strict=True)) == expected
    labels = stage_labels()
    assert df["stage_label"].tolist() == [labels[k] for k in expected]
    pipelines = option_labels("deals", "pipeline")
    assert df["pipeline_label"].tolist() == [pipelines[p] for p, _ in expected]
    assert df["probability"].tolist() == [float(DEAL_STAGE_PROBABILITY[s]) for _, s in expected]
    assert df["is_closed"].tolist() == [s in CLOSED_STAGES["deals"] for _, s in expected]
    assert df["stage_order"].tolist() == [
        stages.index(s) for p, s in expected for stages in [PIPELINE_STAGES["deals"][p]]
    ]
    assert df["pipeline_order"].tolist() == [list(pipelines).index(p) for p, _ in expected]
    assert str(df["probability"].dtype) == "Float64" and str(df["is_closed"].dtype) == "boolean"
    assert str(df["stage_order"].dtype) == "Int64" and not df["archived"].any()


def test_ticket_pipelines_have_no_probability(hs):
    df = hs.pipelines("ticket")
    assert df["stage_id"].tolist() == PIPELINE_STAGES["tickets"]["0"]
    assert df["probability"].isna().all()
    assert df["is_closed"].tolist() == [s in CLOSED_STAGES["tickets"] for s in df["stage_id"]]


@pytest.mark.parametrize("bad", ["", "deals!", 3, None])
def test_pipelines_bad_object_type(hs, bad):
    with pytest.raises(InputError, match="object_type="):
        hs.pipelines(bad)


def test_owner_and_pipeline_paths_per_version():
    from hubframe.paths import paths_for

    assert paths_for("legacy").pipelines("deals") == "/crm/v3/pipelines/deals"
    assert paths_for("2026-03").pipelines("deals") == "/crm/pipelines/2026-03/deals"
    assert paths_for("2026-09").pipelines("tickets") == "/crm/pipelines/2026-09/tickets"
    assert {paths_for(v).owners() for v in ("legacy", "2026-03", "2026-09")} == {"/crm/v3/owners"}


# -- labels on reads --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def labelled_deals(hs):
    return hs.deals.get_all(properties=DEAL_PROPS, labels=True, progress=False)


def test_label_columns_follow_their_columns(hs, labelled_deals):
    plain = hs.deals.get_all(properties=DEAL_PROPS, progress=False)
    columns = []
    for c in plain.columns:
        columns += [c, f"{c}_label"] if c in LABELLED else [c]
    assert list(labelled_deals.columns) == columns
    pd.testing.assert_frame_equal(labelled_deals[list(plain.columns)], plain)
    for c in LABELLED:
        assert labelled_deals[f"{c}_label"].dtype == plain[c].dtype, c


def test_labels_are_the_sandbox_owners_pipelines_and_options(labelled_deals):
    df = labelled_deals
    owners = dict(OWNERS)
    pipelines = option_labels("deals", "pipeline")
    stages = stage_labels()
    dealtypes = option_labels("deals", "dealtype")
    products = option_labels("deals", "products_included")
    assert df["pipeline"].nunique() == 2  # the labels must come from the record's own pipeline
    for row in df.itertuples(index=False):
        assert row.pipeline_label == pipelines[row.pipeline]
        assert row.dealstage_label == stages[(row.pipeline, row.dealstage)]
        if pd.isna(row.hubspot_owner_id):
            assert pd.isna(row.hubspot_owner_id_label)
        else:
            assert row.hubspot_owner_id_label == owners[row.hubspot_owner_id]
        if pd.isna(row.dealtype):
            assert pd.isna(row.dealtype_label)
        else:
            assert row.dealtype_label == dealtypes[row.dealtype]
        if row.products_included is None or not isinstance(row.products_included, list | tuple):
            assert not isinstance(row.products_included_label, list | tuple)
        else:
            assert list(row.products_included_label) == [products[v] for v in row.products_included]
    assert df["products_included_label"].notna().any() and df["hubspot_owner_id"].isna().any()


def test_every_read_gives_the_same_labels(hs, labelled_deals):
    ids = labelled_deals["id"].tolist()[:7]
    expected = labelled_deals.set_index("id").loc[ids].reset_index()
    label_cols = [f"{c}_label" for c in LABELLED]
    many = hs.deals.get_many(ids, properties=DEAL_PROPS, labels=True)
    pd.testing.assert_frame_equal(many[label_cols], expected[label_cols])
    one = hs.deals.get(ids[3], properties=DEAL_PROPS, labels=True)
    pd.testing.assert_frame_equal(
        one[label_cols], expected[label_cols].iloc[[3]].reset_index(drop=True)
    )
    page = hs.deals.get_page(properties=DEAL_PROPS, labels=True, limit=7)
    pd.testing.assert_frame_equal(page[label_cols], labelled_deals[label_cols].iloc[:7])
    found = hs.deals.search(
        "hs_object_id", ids, operator="IN", properties=DEAL_PROPS, labels=True, progress=False
    )
    pd.testing.assert_frame_equal(found[label_cols], expected[label_cols])


def test_contact_labels_use_the_contact_options(hs):
    df = hs.contacts.get_all(
        properties=["email", "lifecyclestage"], labels=True, progress=False, max_records=50
    )
    stages = option_labels("contacts", "lifecyclestage")
    shown = df.dropna(subset=["lifecyclestage"])
    assert (
        len(shown) and (shown["lifecyclestage_label"] == shown["lifecyclestage"].map(stages)).all()
    )
    assert list(df.columns)[:4] == ["id", "email", "lifecyclestage", "lifecyclestage_label"]


def test_stage_labels_without_the_pipeline_column(hs, labelled_deals):
    df = hs.deals.get_all(properties=["dealstage"], labels=True, progress=False)
    # every stage id is in one pipeline, so the stage alone names its label
    assert df["dealstage_label"].tolist() == labelled_deals["dealstage_label"].tolist()


def test_owners_and_pipelines_are_read_only_when_needed(hs):
    before = hs.stats.requests
    hs.contacts.get_page(properties=["email"], limit=5)
    plain = hs.stats.requests - before
    before = hs.stats.requests
    hs.contacts.get_page(properties=["email"], limit=5, labels=True)
    assert hs.stats.requests - before == plain  # no enumeration: nothing more to read
    before = hs.stats.requests
    hs.deals.get_page(properties=DEAL_PROPS, limit=5, labels=True)
    # one page, the owners (active and archived) and the pipelines: once each
    assert hs.stats.requests - before == plain + 3


@pytest.mark.parametrize("call", ["get_all", "get_page", "get", "get_many", "search", "export"])
def test_bad_labels_value(hs, call, tmp_path):
    calls = {
        "get_all": lambda: hs.deals.get_all(labels="yes", progress=False),
        "get_page": lambda: hs.deals.get_page(labels="yes"),
        "get": lambda: hs.deals.get("1", labels="yes"),
        "get_many": lambda: hs.deals.get_many(["1"], labels="yes"),
        "search": lambda: hs.deals.search("dealname", "x", labels="yes"),
        "export": lambda: hs.deals.export(tmp_path / "d.parquet", labels=1),
    }
    with pytest.raises(InputError, match="labels="):
        calls[call]()
    assert not (tmp_path / "d.parquet").exists()


def test_a_value_with_no_label_is_labelled_with_itself():
    labels = ColumnLabels(
        "dealstage", {"a": "A"}, pipeline_column="pipeline", by_pipeline={"p": {"b": "B in p"}}
    )
    values = pa.array(["a", "b", "gone", None])
    assert labels.label(values).to_pylist() == ["A", "b", "gone", None]
    pipelines = pa.array(["p", "p", "p", "p"])
    assert labels.label(values, pipelines).to_pylist() == ["A", "B in p", "gone", None]
    multi = ColumnLabels("tags", {"a": "A"}, multi=True)
    got = multi.label(pa.array([["a", "x"], None, []], pa.list_(pa.string())))
    assert got.to_pylist() == [["A", "x"], None, []]


# -- labels in exports ------------------------------------------------------------------------


def test_export_with_labels_round_trips(hs, labelled_deals, tmp_path):
    target = tmp_path / "deals.parquet"
    res = hs.deals.export(target, properties=DEAL_PROPS, labels=True, progress=False)
    assert res.columns == list(labelled_deals.columns)
    pd.testing.assert_frame_equal(hf.read_parquet(target), labelled_deals)


def test_resumed_export_keeps_the_labels_it_started_with(fresh_hs, tmp_path, monkeypatch):
    class Stop(Exception):
        pass

    def stop(res):
        raise Stop

    target = tmp_path / "contacts.parquet"
    props = ["email", "hubspot_owner_id"]
    with pytest.raises(Stop):
        fresh_hs.contacts.export(target, properties=props, labels=True, progress=False,
                                 parallel=1, row_group_size=10, on_page=stop)  # fmt: skip
    saved = json.loads((tmp_path / ".contacts.parquet.checkpoint.json").read_text())
    assert saved["params"]["labels"] is True
    # HubSpot renames an owner while the export is interrupted
    first = sandbox_owners.OWNER_RECORDS[0]
    monkeypatch.setitem(first, "firstName", "Renamed")
    now = fresh_hs.contacts.get_all(properties=props, labels=True, progress=False)
    assert (
        now.loc[now["hubspot_owner_id"] == first["id"], "hubspot_owner_id_label"] == "Renamed Souza"
    ).all()
    res = fresh_hs.contacts.export(
        target, properties=props, labels=True, progress=False, parallel=1, row_group_size=10
    )
    assert res.resumed and res.rows == len(now)
    got = hf.read_parquet(target)
    owned = got["hubspot_owner_id"] == first["id"]
    assert owned.sum() > 1 and (got.loc[owned, "hubspot_owner_id_label"] == "Ana Souza").all()
    assert got["id"].tolist() == now["id"].tolist()
