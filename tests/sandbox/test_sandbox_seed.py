"""The sandbox's seed data: deterministic, realistic, and valid for its own property definitions."""

from __future__ import annotations

import re

import pytest

from hubframe.sandbox.crm.definitions import PROPERTIES
from hubframe.sandbox.seed import portal_id_for, seed_store
from hubframe.sandbox.store import Store
from hubframe.sandbox.values import normalize

ISO_MS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$")


def seeded(seed=0, contacts=400, companies=40, deals=80):
    store = Store(portal_id_for(seed))
    info = seed_store(store, contacts=contacts, companies=companies, deals=deals, seed=seed)
    return store, info


@pytest.fixture(scope="module")
def portal():
    return seeded()


def test_same_seed_same_portal_other_seed_other_portal():
    a, info_a = seeded(seed=3, contacts=120)
    b, info_b = seeded(seed=3, contacts=120)
    c, _ = seeded(seed=4, contacts=120)
    assert a.to_state() == b.to_state() and info_a == info_b
    assert a.to_state()["objects"] != c.to_state()["objects"]


def test_live_counts_are_exact_and_some_records_are_archived(portal):
    store, _ = portal
    assert (store.count("contacts"), store.count("companies"), store.count("deals")) == (
        400,
        40,
        80,
    )
    assert store.count("contacts", archived=True) == 8  # about 2% more are seeded archived


@pytest.mark.parametrize("object_type", ["contacts", "companies", "deals"])
def test_every_seeded_value_matches_its_definition(portal, object_type):
    store, _ = portal
    defs = PROPERTIES[object_type]
    for rec in store.table(object_type).records.values():
        for name, value in rec.props.items():
            assert name in defs, name
            assert isinstance(value, str)
            # a valid stored value is its own normal form
            assert normalize(defs[name], value, object_type=object_type) == value, (name, value)
            if defs[name].type == "datetime" and value:
                assert ISO_MS.match(value), value


def test_values_look_real(portal):
    store, _ = portal
    contacts = [r.props for r in store.table("contacts").records.values()]
    assert any(not p.get("email") for p in contacts), "a few contacts have no email"
    assert any(p.get("jobtitle") == "" for p in contacts), "some values were cleared"
    assert any(not c.isascii() for p in contacts for c in p["firstname"] + p["lastname"]), (
        "unicode names"
    )
    assert any(";" in (p.get("favorite_products") or "") for p in contacts), "multi-select values"
    emails = [p["email"] for p in contacts if p.get("email")]
    assert len(emails) == len(set(emails)) and all(e == e.lower() and e.isascii() for e in emails)
    companies = {r.props["domain"] for r in store.table("companies").records.values()}
    linked = [p for p in contacts if p.get("company")]
    assert (
        linked
        and sum(p["email"].split("@")[1] in companies for p in linked if p.get("email"))
        > len(linked) * 0.9
    )
    deals = [r.props for r in store.table("deals").records.values()]
    assert {p["dealstage"] for p in deals} >= {"closedwon", "closedlost", "appointmentscheduled"}


def test_seeded_lists_forms_and_workflows(portal):
    store, info = portal
    assert info.portal_id == store.portal_id
    assert info.list_ids and not store.list_members[info.list_ids[0]], (
        "the first MANUAL list starts empty"
    )
    assert all(store.lists[i]["processingType"] == "MANUAL" for i in info.list_ids)
    assert [store.lists[i]["processingType"] for i in info.dynamic_list_ids] == ["DYNAMIC"]
    assert len(info.form_ids) == 3 and all(re.match(r"^[0-9a-f-]{36}$", g) for g in info.form_ids)
    assert len(info.workflow_ids) == 4 and all(w.isdigit() for w in info.workflow_ids)


def test_seeding_a_large_portal_works():
    store, _ = seeded(contacts=20_000, companies=500, deals=2_000)
    assert store.count("contacts") == 20_000
    ids = store.table("contacts").live_ids()
    assert ids == sorted(ids) and ids[0] < 1000 < 10_000 < ids[-1]
