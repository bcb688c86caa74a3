"""Edge tables and joinable ids, against the sandbox's own association graph.

The expected edges come from the sandbox's store (``live_targets`` and its table of
association types), never from hubframe: an edge table must hold exactly the pairs and
type ids the portal holds, in both directions.
"""

from __future__ import annotations

import time
import warnings

import numpy as np
import pandas as pd
import pytest

import hubframe as hf
from hubframe.resources.associations import EDGE_COLUMNS
from hubframe.sandbox import Sandbox
from hubframe.sandbox.crm.definitions import ASSOC_TYPES
from hubframe.testing import virtual_time

ID = pd.StringDtype("pyarrow")
PAIRS = [
    ("contacts", "companies"),
    ("companies", "contacts"),
    ("deals", "companies"),
    ("companies", "deals"),
    ("contacts", "deals"),
    ("deals", "contacts"),
    ("tickets", "companies"),
    ("notes", "deals"),
    ("machines", "companies"),  # a custom object: found in the schemas, named by type id
    ("companies", "machines"),
]


def store_edges(sb: Sandbox, from_type: str, to_type: str, ids=None) -> set[tuple]:
    """Every (from_id, to_id, type_id, label, category) the store holds."""
    store = sb.store
    with store.lock:
        froms = store.table(from_type).live_ids() if ids is None else [int(i) for i in ids]
        out = set()
        for fid in froms:
            for tid, types in store.live_targets(from_type, fid, to_type).items():
                for t in types:
                    spec = ASSOC_TYPES[t]
                    out.add((str(fid), str(tid), t, spec.label, spec.category))
    return out


def as_set(edges: pd.DataFrame) -> set[tuple]:
    return {
        (f, t, int(k), None if pd.isna(label) else label, c)
        for f, t, k, label, c in edges.itertuples(index=False)
    }


def assert_edge_dtypes(edges: pd.DataFrame) -> None:
    assert tuple(edges.columns) == EDGE_COLUMNS
    assert [str(d) for d in edges.dtypes] == ["string", "string", "Int64", "string", "string"]
    assert edges["from_id"].dtype == ID and edges["to_id"].dtype == ID


# -- the edge table ----------------------------------------------------------------------------


@pytest.mark.parametrize(("from_type", "to_type"), PAIRS)
def test_edge_table_equals_the_portal_both_ways(sandbox, hs, from_type, to_type):
    edges = hs.associations(from_type, to_type, progress=False)
    assert_edge_dtypes(edges)
    want = store_edges(sandbox, from_type, to_type)
    assert len(want) > 20  # the seed associates these types
    assert as_set(edges) == want
    assert len(edges) == len(want)  # no edge twice
    # One row per (pair, type): a primary pair has its labelled and its unlabeled row.
    labelled = edges[edges["label"].notna()]
    if len(labelled):
        assert set(labelled["label"]) == {"Primary"}
        pairs = set(zip(labelled["from_id"], labelled["to_id"], strict=True))
        unlabeled = edges[edges["label"].isna()]
        assert pairs <= set(zip(unlabeled["from_id"], unlabeled["to_id"], strict=True))


def test_the_two_directions_are_the_same_pairs(hs):
    forward = hs.associations("contacts", "companies", progress=False)
    backward = hs.associations("companies", "contacts", progress=False)
    there = set(zip(forward["from_id"], forward["to_id"], strict=True))
    back = set(zip(backward["to_id"], backward["from_id"], strict=True))
    assert there == back and there
    # Type ids are each other's inverse: 1 <-> 2 (Primary), 279 <-> 280 (unlabeled).
    inverse = {1: 2, 279: 280}
    fwd = {
        (f, t, inverse[int(k)])
        for f, t, k in forward[["from_id", "to_id", "type_id"]].itertuples(index=False)
    }
    bwd = {
        (t, f, int(k))
        for f, t, k in backward[["from_id", "to_id", "type_id"]].itertuples(index=False)
    }
    assert fwd == bwd


def test_edges_of_given_ids(sandbox, hs):
    companies = sorted(sandbox.live_ids("companies"), key=int)
    lonely = [
        c for c in companies if not sandbox.store.live_targets("companies", int(c), "contacts")
    ]
    asked = companies[5:12] + lonely[:2] + ["999999999"]  # one that does not exist
    edges = hs.associations("companies", "contacts", ids=pd.Series(asked, dtype=ID), progress=False)
    assert_edge_dtypes(edges)
    assert as_set(edges) == store_edges(sandbox, "companies", "contacts", companies[5:12])
    # Rows come in the order the ids were given.
    order = list(dict.fromkeys(edges["from_id"]))
    assert order == [c for c in asked if c in set(order)]
    # Records without associations, or that do not exist, have no rows and no error.
    assert not set(lonely[:2] + ["999999999"]) & set(edges["from_id"])
    none = hs.associations("companies", "contacts", ids=["999999999"], progress=False)
    assert_edge_dtypes(none)
    assert len(none) == 0


def test_past_the_page_of_500_for_one_record():
    """A company with more than 500 contacts: each record's own page is followed."""
    with (
        Sandbox(contacts=1200, companies=2, deals=0, seed=3) as sb,
        sb.client(rate_limit=(10_000, 10)) as client,
    ):
        sizes = {
            c: len(sb.store.live_targets("companies", int(c), "contacts"))
            for c in sb.live_ids("companies")
        }
        big = max(sizes, key=sizes.__getitem__)
        assert sizes[big] > 500
        before = len(sb.requests)
        with_ids = client.associations("companies", "contacts", ids=[big], progress=False)
        reads = [r for r in sb.requests[before:] if r.path.endswith("/batch/read")]
        assert len(reads) == 2  # the first page of 500, then the rest by its cursor
        everything = client.associations("companies", "contacts", progress=False)
        back = client.associations("contacts", "companies", progress=False)
    want = store_edges(sb, "companies", "contacts", [big])
    assert as_set(with_ids) == want and len(with_ids) == len(want) > 1000  # two types a pair
    assert as_set(everything) == store_edges(sb, "companies", "contacts")
    assert as_set(back) == store_edges(sb, "contacts", "companies")


# -- joinable ids ------------------------------------------------------------------------------


def test_every_id_column_has_the_id_dtype_and_joins_without_a_cast(sandbox, hs):
    contacts = hs.contacts.get_all(
        properties=["associatedcompanyid", "hubspot_owner_id", "hs_object_id"], progress=False
    )
    companies = hs.companies.get_all(properties=["name", "hubspot_owner_id"], progress=False)
    deals = hs.deals.get_all(properties=["dealname", "amount", "hubspot_owner_id"], progress=False)
    for frame, columns in (
        (contacts, ["id", "associatedcompanyid", "hubspot_owner_id", "hs_object_id"]),
        (companies, ["id", "hubspot_owner_id"]),
        (deals, ["id", "hubspot_owner_id"]),
    ):
        for column in columns:
            assert frame[column].dtype == ID, column
    assert (contacts["hs_object_id"] == contacts["id"]).all()
    # The primary company, joined on its id.
    joined = contacts.merge(
        companies, left_on="associatedcompanyid", right_on="id", suffixes=("", "_co")
    )
    primary = {(f, t) for f, t, k, *_ in store_edges(sandbox, "contacts", "companies") if k == 1}
    assert set(zip(joined["id"], joined["id_co"], strict=True)) == primary and primary
    # Deals -> edges -> companies, and owners across objects, without a cast.
    edges = hs.associations("deals", "companies", progress=False)
    chain = deals.merge(edges, left_on="id", right_on="from_id").merge(
        companies, left_on="to_id", right_on="id", suffixes=("", "_company")
    )
    assert as_set(chain[list(EDGE_COLUMNS)]) == store_edges(sandbox, "deals", "companies")
    same_owner = deals.merge(companies, on="hubspot_owner_id")
    assert len(same_owner) > 0


def test_id_columns_feed_back_into_reads_and_lists(sandbox, hs):
    contacts = hs.contacts.get_all(properties=["associatedcompanyid"], progress=False)
    with_company = contacts["associatedcompanyid"].dropna()
    companies = hs.companies.get_many(contacts["associatedcompanyid"])  # missing values left out
    assert set(companies["id"]) == set(with_company)
    edges = hs.associations("contacts", "companies", ids=contacts["id"][:50], progress=False)
    people = hs.contacts.get_many(
        hs.associations("companies", "contacts", ids=edges["to_id"], progress=False)["to_id"]
    )
    assert set(people["id"]) >= set(edges["from_id"])
    # Other id columns a user may hold: Int64, NumPy ints, whole-number floats.
    wanted = sorted(with_company.unique(), key=int)[:5]
    for column in (
        pd.Series([int(i) for i in wanted], dtype="Int64"),
        np.array([int(i) for i in wanted], dtype=np.int64),
        pd.Series([float(i) for i in wanted], dtype="Float64"),
        pd.Series([float(i) for i in wanted] + [np.nan]),
    ):
        assert hs.companies.get_many(column)["id"].tolist() == wanted
        assert set(
            hs.associations("companies", "contacts", ids=column, progress=False)["from_id"]
        ) <= set(wanted)
    with pytest.raises(hf.InputError, match="5004.5 is not an id"):
        hs.companies.get_many(pd.Series([5004.5], dtype="Float64"))


def test_an_id_column_adds_to_a_list(fresh_sandbox, fresh_hs):
    contacts = fresh_hs.contacts.get_all(properties=["hs_object_id"], progress=False)
    list_id = fresh_sandbox.snapshot_list_ids[0]
    result = fresh_hs.lists.add(list_id, contacts["hs_object_id"][:5])
    assert result["id"].tolist() == contacts["id"][:5].tolist()
    assert set(result["outcome"]) <= {"added", "already a member"}
    again = fresh_hs.lists.add(list_id, pd.Series(contacts["id"][:5].astype(int).astype(float)))
    assert set(again["outcome"]) == {"already a member"}


# -- associations= on search and get_many ------------------------------------------------------


def test_search_and_get_many_take_associations(hs):
    full = hs.contacts.get_all(associations=["companies", "deals"], progress=False).set_index("id")
    found = hs.contacts.search(
        "email", operator="HAS_PROPERTY", associations=["companies", "deals"], progress=False
    )
    assert len(found) > 50
    assert list(found.columns[-2:]) == ["associations.companies", "associations.deals"]
    for column in ("associations.companies", "associations.deals"):
        got = dict(zip(found["id"], found[column].map(list), strict=True))
        assert got == {i: list(full.at[i, column]) for i in found["id"]}
    assert found["associations.companies"].map(len).sum() > 0
    some = list(full.index[:30])
    many = hs.contacts.get_many(some, associations="companies")
    assert many["id"].tolist() == some
    assert many["associations.companies"].map(list).tolist() == [
        list(full.at[i, "associations.companies"]) for i in some
    ]
    # max_records keeps the columns and the cut.
    cut = hs.contacts.search(
        "email", operator="HAS_PROPERTY", associations="deals", max_records=3, progress=False
    )
    assert len(cut) == 3 and "associations.deals" in cut.columns


# -- arguments ---------------------------------------------------------------------------------


def test_bad_arguments_fail_before_any_request(fresh_sandbox, fresh_hs):
    # A fresh sandbox: its request log is short, so counting it shows every request.
    sandbox, hs = fresh_sandbox, fresh_hs
    # A name that is no standard type is looked up in the portal's schemas (a custom object
    # may have been created since they were read): that one read, and nothing else.
    hs.object_types()
    before = len(sandbox.requests)
    with pytest.raises(
        hf.InputError, match="Unknown object type 'widgets': this portal has contacts, companies"
    ):
        hs.associations("widgets", "companies")
    assert [r.path for r in sandbox.requests[before:]] == [hs.paths.schemas()]
    before = len(sandbox.requests)
    with pytest.raises(hf.InputError, match="object type 5: use a type name"):
        hs.associations("contacts", 5)
    with pytest.raises(hf.InputError, match="'abc' is not an id"):
        hs.associations("contacts", "companies", ids=["12", "abc"])
    with pytest.raises(hf.InputError, match="no contacts ids given"):
        hs.associations("contacts", "companies", ids=[])
    with pytest.raises(hf.InputError, match="progress='yes'"):
        hs.associations("contacts", "companies", ids=["12"], progress="yes")
    with pytest.raises(hf.InputError, match="associations="):
        hs.contacts.search("email", operator="HAS_PROPERTY", associations=5)
    with pytest.raises(hf.InputError, match="Unknown object type"):
        hs.contacts.get_many(["901"], associations=["widgets"])
    assert len(sandbox.requests) == before


# -- a living portal ---------------------------------------------------------------------------


def test_edges_of_unchanged_records_are_exact_on_a_living_portal():
    """Contacts are created, updated and archived while the edges are read (with faults):
    every contact that stayed unchanged has exactly its edges; nothing is made up."""
    with (
        Sandbox(contacts=3000, companies=30, deals=0, seed=11, search_rate=None) as sb,
        sb.client(rate_limit=(1_000_000, 10), search_rate=1_000, max_retries=8) as client,
    ):
        virtual_time(client)
        sb.set_faults(faults=0.05)
        sb.churn(40, object_types=("contacts",), seed=5)
        time.sleep(0.2)  # the portal is busy before the read starts
        # The window opens before the portal is looked at: a contact written while its
        # edges are taken from the store is not among the stable ones.
        t0 = time.monotonic()
        before = sb.live_ids("contacts")
        want_before = store_edges(sb, "contacts", "companies")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", hf.HubFrameWarning)
                edges = client.associations("contacts", "companies", progress=False)
                back = client.associations("companies", "contacts", progress=False)
        finally:
            t1 = time.monotonic()
            sb.churn(0)
            sb.set_faults(faults=0.0)
        assert len(sb.churn_events(since=t0, until=t1)) > 0
        stable = sb.unchanged("contacts", before, t0, t1)
        touched = sb.touched("contacts", t0, t1)
    assert len(stable) > 2000
    got = as_set(edges)
    assert {e for e in got if e[0] in stable} == {e for e in want_before if e[0] in stable}
    assert len(edges) == len(got)  # nothing twice
    assert {e[0] for e in got} <= before | touched  # nothing made up
    # The other direction: every company lists its stable contacts exactly.
    got_back = {e for e in as_set(back) if e[1] in stable}
    inverse = {1: 2, 279: 280}
    want_back = {
        (t, f, inverse[k], "Primary" if k == 1 else None, c)
        for f, t, k, _label, c in want_before
        if f in stable
    }
    assert got_back == want_back
