"""Every operation sends its API version's paths: 2026-09 by default, exactly today's with "legacy".

The paths are read from the sandbox's request log (what arrived at the server), and the
expected ones are spelled out here, independently of ``hubframe.paths``.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pandas as pd
import pytest

from hubframe.sandbox import Sandbox

VERSIONS = ("2026-09", "legacy")
#: Numbers that make every record this module creates unique (emails are unique keys).
SERIAL = itertools.count()

#: The objects family of each version and object type, as HubSpot's paths spell it.
OBJECTS = {
    ("2026-09", "contacts"): "/crm/objects/2026-09/contacts",
    ("2026-09", "companies"): "/crm/objects/2026-09/companies",
    ("2026-09", "deals"): "/crm/objects/2026-09/0-3",
    ("legacy", "contacts"): "/crm/v3/objects/contacts",
    ("legacy", "companies"): "/crm/v3/objects/companies",
    ("legacy", "deals"): "/crm/v3/objects/deals",
}
PROPERTIES = {
    ("2026-09", "contacts"): "/crm/properties/2026-09/contacts",
    ("2026-09", "companies"): "/crm/properties/2026-09/companies",
    ("2026-09", "deals"): "/crm/properties/2026-09/0-3",
    ("legacy", "contacts"): "/crm/v3/properties/contacts",
    ("legacy", "companies"): "/crm/v3/properties/companies",
    ("legacy", "deals"): "/crm/v3/properties/deals",
}
ASSOCIATIONS = {
    "2026-09": "/crm/associations/2026-09/contacts/companies/batch",
    "legacy": "/crm/v3/associations/contact/company/batch",
}
LISTS = {"2026-09": "/crm/lists/2026-09", "legacy": "/crm/v3/lists"}
#: A value for every property an object's create needs in the sandbox.
NEW = {
    "contacts": lambda n: {"email": f"paths{n}@example.org", "firstname": "P"},
    "companies": lambda n: {"name": f"Paths {n}"},
    "deals": lambda n: {"dealname": f"Paths {n}"},
}


@pytest.fixture(scope="module")
def portal():
    """One portal for every operation of this module (each writes records of its own)."""
    with Sandbox(contacts=30, companies=6, deals=10, seed=4) as sb:
        yield sb


def client(portal: Sandbox, version: str):
    """A client of ``version`` with the property definitions already read (not measured)."""
    hs = portal.client(api_version=version, rate_limit=(10_000, 10))
    for object_type in ("contacts", "companies", "deals"):
        hs.properties(object_type)
    return hs


def sent(portal: Sandbox, call: Callable[[], Any]) -> list[tuple[str, str]]:
    """``(method, path)`` of every request ``call()`` made, as the server received them."""
    before = len(portal.app.logged())
    call()
    return [(r.method, r.path) for r in portal.app.logged()[before:]]


def one_id(hs, object_type: str) -> str:
    return str(getattr(hs, object_type).get_page(limit=1)["id"].iloc[0])


def made(hs, object_type: str, n: int) -> list[str]:
    """Ids of ``n`` records made for one operation (not measured)."""
    rows = [NEW[object_type](next(SERIAL)) for _ in range(n)]
    return [str(getattr(hs, object_type).create(row)["id"].iloc[0]) for row in rows]


# -- CRM objects: every operation of contacts, companies and deals -------------------------------


def object_operations(
    hs, object_type: str
) -> dict[str, tuple[Callable[[], Any], list[tuple[str, str]]]]:
    """operation -> (what to call, the requests it must send, ``{o}`` = the objects path)."""
    res = getattr(hs, object_type)
    rid = one_id(hs, object_type)
    one, (a, b), (c, d), gone = (
        made(hs, object_type, 1)[0],
        made(hs, object_type, 2),
        made(hs, object_type, 2),
        made(hs, object_type, 1)[0],
    )
    frame = pd.DataFrame([NEW[object_type](next(SERIAL)) for _ in range(2)])
    prop = {"contacts": "firstname", "companies": "name", "deals": "dealname"}[object_type]
    return {
        # get_all plans its read as an export does: the id span probe (a search), then pages.
        "get_all": (lambda: res.get_all(progress=False), [("GET", "{o}"), ("POST", "{o}/search")]),
        "get_all, one cursor": (lambda: res.get_all(progress=False, parallel=1), [("GET", "{o}")]),
        "get_page": (lambda: res.get_page(limit=5), [("GET", "{o}")]),
        "count": (res.count, [("POST", "{o}/search")]),
        "get": (lambda: res.get(rid), [("GET", f"{{o}}/{rid}")]),
        "get_many": (lambda: res.get_many([rid, one]), [("POST", "{o}/batch/read")]),
        "search": (lambda: res.search(prop, "P", progress=False), [("POST", "{o}/search")]),
        "create": (
            lambda: res.create(NEW[object_type](next(SERIAL))),
            [("POST", "{o}")],
        ),
        "create many": (lambda: res.create(frame), [("POST", "{o}/batch/create")]),
        "update": (lambda: res.update(one, {prop: "Q"}), [("PATCH", f"{{o}}/{one}")]),
        "update many": (
            lambda: res.update(pd.DataFrame({"id": [a, b], prop: ["R", "S"]})),
            [("POST", "{o}/batch/update")],
        ),
        "delete": (lambda: res.delete(gone), [("DELETE", f"{{o}}/{gone}")]),
        "delete many": (lambda: res.delete([c, d]), [("POST", "{o}/batch/archive")]),
    }


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("object_type", ["contacts", "companies", "deals"])
def test_every_object_operation_sends_its_version_path(portal, version, object_type):
    prefix = OBJECTS[(version, object_type)]
    with client(portal, version) as hs:
        for name, (call, expected) in object_operations(hs, object_type).items():
            got = sent(portal, call)
            want = [(m, p.format(o=prefix)) for m, p in expected]
            assert got and set(got) == set(want), (name, got, want)


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("object_type", ["contacts", "companies", "deals"])
def test_the_property_definitions_come_from_the_version_path(portal, version, object_type):
    with portal.client(api_version=version) as hs:
        got = sent(portal, lambda: hs.properties(object_type))
    assert got == [("GET", PROPERTIES[(version, object_type)])]


@pytest.mark.parametrize("version", VERSIONS)
def test_a_contact_by_email_and_a_create_that_updates_use_the_version_path(portal, version):
    o = OBJECTS[(version, "contacts")]
    with client(portal, version) as hs:
        email = f"again-{version}@example.org"
        cid = hs.contacts.create({"email": email})["id"].iloc[0]
        assert sent(portal, lambda: hs.contacts.get(email, id_property="email")) == [
            ("GET", f"{o}/{email}")
        ]

        def again():
            return hs.contacts.create({"email": email, "firstname": "B"}, on_conflict="update")

        assert sent(portal, again) == [("POST", o), ("PATCH", f"{o}/{cid}")]


@pytest.mark.parametrize("version", VERSIONS)
def test_an_upsert_sends_the_version_batch_upsert(portal, version):
    o = OBJECTS[(version, "contacts")]
    with client(portal, version) as hs:
        rows = pd.DataFrame({"email": [f"ups-{version}-{i}@example.org" for i in range(2)]})
        assert sent(portal, lambda: hs.contacts.upsert(rows)) == [("POST", f"{o}/batch/upsert")]
        again = hs.contacts.upsert(rows.assign(firstname="U"))
        assert again["result"].tolist() == ["updated", "updated"]


# -- companies' contacts ---------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_company_contacts_use_the_version_associations(portal, version):
    o, contacts = OBJECTS[(version, "companies")], OBJECTS[(version, "contacts")]
    with client(portal, version) as hs:
        company = made(hs, "companies", 1)[0]
        contact = made(hs, "contacts", 1)[0]
        add = sent(portal, lambda: hs.companies.add_contact(company, contact))
        listed = sent(portal, lambda: hs.companies.get_contacts(company))
        remove = sent(portal, lambda: hs.companies.remove_contact(company, contact))
        assert list(hs.companies.get_contacts(company)["id"]) == []
    assert add == [("POST", f"{ASSOCIATIONS[version]}/create")]
    assert listed == [
        ("GET", f"{o}/{company}/associations/contacts"),
        ("POST", f"{contacts}/batch/read"),
    ]
    assert remove == [("POST", f"{ASSOCIATIONS[version]}/archive")]


def test_the_dated_dissociation_answers_200_and_legacy_204(portal):
    """The shape the version object expects is the one the server answered with."""
    statuses = {}
    for version in VERSIONS:
        with client(portal, version) as hs:
            company, contact = made(hs, "companies", 1)[0], made(hs, "contacts", 1)[0]
            hs.companies.add_contact(company, contact)
            hs.companies.remove_contact(company, contact)
        statuses[version] = portal.app.logged()[-1].status
    assert statuses == {"2026-09": 200, "legacy": 204}


# -- lists, forms, workflows, account ---------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_lists_use_the_version_path(portal, version):
    lists = LISTS[version]
    list_id = portal.list_ids[0]
    with client(portal, version) as hs:
        contact = made(hs, "contacts", 1)[0]
        assert sent(portal, lambda: hs.lists.add(list_id, [contact])) == [
            ("PUT", f"{lists}/{list_id}/memberships/add")
        ]
        assert sent(portal, lambda: hs.lists.members(list_id)) == [
            ("GET", f"{lists}/{list_id}/memberships")
        ]
        assert set(sent(portal, hs.lists.all)) == {("POST", f"{lists}/search")}


@pytest.mark.parametrize("version", VERSIONS)
def test_forms_workflows_and_the_account_stay_legacy_in_every_version(portal, version):
    with client(portal, version) as hs:
        email = hs.contacts.get_page(limit=1)["email"].iloc[0]
        wid, form = portal.workflow_ids[0], portal.form_ids[0]

        def submit():
            return hs.forms.submit(portal.portal_id, form, {"email": f"f-{version}@example.org"})

        assert sent(portal, submit) == [
            ("POST", f"/submissions/v3/integration/submit/{portal.portal_id}/{form}")
        ]
        assert sent(portal, lambda: hs.workflows.enroll(wid, [email])) == [
            ("POST", f"/automation/v2/workflows/{wid}/enrollments/contacts/{email}")
        ]
        # A 404 before any enrollment succeeded: the workflow itself is looked up once.
        unknown = sent(portal, lambda: hs.workflows.enroll(wid, ["nobody@example.org"]))
        assert unknown == [
            ("POST", f"/automation/v2/workflows/{wid}/enrollments/contacts/nobody@example.org"),
            ("GET", f"/automation/v3/workflows/{wid}"),
        ]
        assert sent(portal, hs.workflows.all) == [("GET", "/automation/v3/workflows")]
        assert sent(portal, hs.portal_id) == [("GET", "/account-info/v3/details")]


# -- export and sync ------------------------------------------------------------------------------


@pytest.mark.parametrize("version", VERSIONS)
def test_export_and_sync_read_through_the_version_paths(portal, version, tmp_path):
    o = OBJECTS[(version, "contacts")]
    allowed = {("GET", o), ("POST", f"{o}/search"), ("GET", "/account-info/v3/details")}
    target = tmp_path / "contacts.parquet"
    with client(portal, version) as hs:
        exported = sent(portal, lambda: hs.contacts.export(target, progress=False))
        synced = sent(portal, lambda: hs.contacts.sync(target, progress=False))
    assert ("GET", o) in exported and set(exported) <= allowed, exported
    assert ("POST", f"{o}/search") in synced and set(synced) <= allowed, synced
