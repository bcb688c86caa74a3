"""The sandbox's three path families: legacy v3/v4, 2026-03 and 2026-09, over one store.

The dated routes are derived from the legacy table, so these tests check that each
family reaches the same records, the shapes that differ (v4 semantics for associations
on dated paths, 200-with-a-body batch archives), type ids, both encodings of list query
parameters, and the 404 for a version that does not exist.
"""

from __future__ import annotations

import re

import httpx
import pytest

from hubframe.sandbox import Sandbox
from hubframe.sandbox.routes import DATED_VERSIONS, ROUTES

FAMILIES = ["legacy", *DATED_VERSIONS]
TYPES = [("contacts", "0-1"), ("companies", "0-2"), ("deals", "0-3")]
PRIMARY = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}
UNLABELED = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def objects(family: str, rest: str) -> str:
    """``/crm/v3/objects/{rest}`` or ``/crm/objects/{V}/{rest}``."""
    return f"/crm/v3/objects/{rest}" if family == "legacy" else f"/crm/objects/{family}/{rest}"


def record_assoc(family: str, rest: str) -> str:
    """A record's associations: v4's ``/crm/v4/objects/...`` or ``/crm/objects/{V}/...``."""
    return f"/crm/v4/objects/{rest}" if family == "legacy" else f"/crm/objects/{family}/{rest}"


def assoc(family: str, rest: str) -> str:
    """``/crm/v4/associations/{rest}`` or ``/crm/associations/{V}/{rest}``."""
    return (
        f"/crm/v4/associations/{rest}"
        if family == "legacy"
        else f"/crm/associations/{family}/{rest}"
    )


def properties(family: str, rest: str) -> str:
    return (
        f"/crm/v3/properties/{rest}" if family == "legacy" else f"/crm/properties/{family}/{rest}"
    )


def lists(family: str, rest: str) -> str:
    return f"/crm/v3/lists/{rest}" if family == "legacy" else f"/crm/lists/{family}/{rest}"


def api_of(sb: Sandbox) -> httpx.Client:
    return httpx.Client(base_url=sb.url, headers={"Authorization": f"Bearer {sb.token}"})


@pytest.fixture(scope="module")
def shared():
    """A read-only portal (the tests below that write use ``box``)."""
    with Sandbox(contacts=40, companies=6, deals=12, seed=21, search_rate=None) as sb:
        with api_of(sb) as api:
            yield sb, api


@pytest.fixture
def box():
    with Sandbox(contacts=30, companies=6, deals=10, seed=22, search_rate=None) as sb:
        with api_of(sb) as api:
            yield sb, api


def lonely_contact(sb, skip=0):
    return [
        i
        for i in sb.store.table("contacts").live_ids()
        if not sb.store.live_targets("contacts", i, "companies")
    ][skip]


def company_with_contacts(sb, at_least):
    return next(
        i
        for i in sb.store.table("companies").live_ids()
        if len(sb.store.live_targets("companies", i, "contacts")) >= at_least
    )


def swap(value, old, new):
    """``value`` with every ``{"id": old}`` replaced by ``{"id": new}``."""
    if isinstance(value, list):
        return [swap(v, old, new) for v in value]
    if isinstance(value, dict):
        if value == {"id": old}:
            return {"id": new}
        return {k: swap(v, old, new) for k, v in value.items()}
    return value


# -- the route table -----------------------------------------------------------------------


def test_every_legacy_crm_route_has_a_twin_in_each_dated_version():
    assert {r.version for r in ROUTES} == {"legacy", "2026-03", "2026-09"}
    legacy = [r for r in ROUTES if r.version == "legacy"]
    # the legacy v3 association routes (and forms, workflows, account) have no twin
    crm = [
        r
        for r in legacy
        if r.rule.startswith(
            (
                "/crm/v3/objects",
                "/crm/v4/",
                "/crm/v3/properties",
                "/crm/v3/lists",
                "/crm/v3/schemas",
                "/crm/v3/pipelines",
            )
        )
        and r.handler.__name__ != "v3_list_associations"
    ]
    for version in DATED_VERSIONS:
        dated = [r for r in ROUTES if r.version == version]
        assert len(dated) == len(crm)
        for r in crm:
            rule = (
                r.rule.replace("/crm/v3/objects", f"/crm/objects/{version}")
                .replace("/crm/v4/objects", f"/crm/objects/{version}")
                .replace("/crm/v3/properties", f"/crm/properties/{version}")
                .replace("/crm/v4/associations", f"/crm/associations/{version}")
                .replace("/crm/v3/lists", f"/crm/lists/{version}")
                .replace("/crm/v3/schemas", f"/crm-object-schemas/{version}/schemas")
                .replace("/crm/v3/pipelines", f"/crm/pipelines/{version}")
            )
            twin = [d for d in dated if d.method == r.method and d.rule == rule]
            assert len(twin) == 1, f"no {version} twin of {r.method} {r.rule}"
            assert twin[0].handler is r.handler and twin[0].scopes == r.scopes
            assert twin[0].kind == r.kind
        paths = {(d.method, d.rule) for d in dated}
        assert (
            "GET",
            f"/crm/objects/{version}/<from_type>/<object_id>/associations/<to_type>",
        ) in paths
        assert not any("/v3/" in rule or "/v4/" in rule for _, rule in paths)
    keys = [(r.method, r.rule) for r in ROUTES]
    assert len(keys) == len(set(keys))  # no two routes answer the same method and path


# -- one store, three families -------------------------------------------------------------


@pytest.mark.parametrize("writer", FAMILIES)
def test_a_write_through_one_family_is_read_through_every_other(box, writer):
    sb, api = box
    r = api.post(
        objects(writer, "contacts"),
        json={"properties": {"email": f"via-{writer}@example.com", "firstname": writer}},
    )
    assert r.status_code == 201
    cid = r.json()["id"]
    for reader in FAMILIES:
        got = api.get(objects(reader, f"contacts/{cid}"), params={"properties": "email,firstname"})
        assert got.status_code == 200
        assert got.json()["properties"]["email"] == f"via-{writer}@example.com"
        assert got.json()["properties"]["firstname"] == writer
        by_email = api.get(
            objects(reader, f"0-1/via-{writer}@example.com"), params={"idProperty": "email"}
        )
        assert by_email.status_code == 200 and by_email.json()["id"] == cid
    # update through the next family, seen by all; archive through the third
    nxt = FAMILIES[(FAMILIES.index(writer) + 1) % 3]
    r = api.patch(objects(nxt, f"contacts/{cid}"), json={"properties": {"lastname": nxt}})
    assert r.status_code == 200
    assert sb.record("contacts", int(cid))["properties"]["lastname"] == nxt
    last = FAMILIES[(FAMILIES.index(writer) + 2) % 3]
    assert api.delete(objects(last, f"contacts/{cid}")).status_code == 204
    for reader in FAMILIES:
        r = api.get(objects(reader, f"contacts/{cid}"))
        assert r.status_code == 404 and r.json()["category"] == "OBJECT_NOT_FOUND"


def test_list_search_and_batch_read_answer_alike_in_every_family(shared):
    sb, api = shared
    live = [str(i) for i in sb.store.table("contacts").live_ids()]
    pages = {}
    for family in FAMILIES:
        ids, after = [], None
        while True:
            params = {"limit": 7, "properties": "email", **({"after": after} if after else {})}
            body = api.get(objects(family, "contacts"), params=params).json()
            ids += [r["id"] for r in body["results"]]
            if "paging" not in body:
                break
            after = body["paging"]["next"]["after"]
            # the next link stays in the family that served the page
            assert body["paging"]["next"]["link"].startswith(sb.url + objects(family, "contacts"))
        pages[family] = ids
        search = api.post(
            objects(family, "contacts/search"),
            json={"filterGroups": [], "limit": 5, "properties": ["email"], "sorts": ["-email"]},
        ).json()
        emails = sorted(sb.record("contacts", int(i))["properties"]["email"] for i in live)
        assert search["total"] == len(live)
        assert [r["properties"]["email"] for r in search["results"]] == emails[::-1][:5]
        batch = api.post(
            objects(family, "contacts/batch/read"),
            json={"inputs": [{"id": i} for i in live[:3]], "properties": ["email"]},
        )
        assert batch.status_code == 200
        assert [r["id"] for r in batch.json()["results"]] == live[:3]
    assert pages["legacy"] == pages["2026-03"] == pages["2026-09"] == live


@pytest.mark.parametrize("family", FAMILIES)
def test_batch_object_writes_in_every_family(box, family):
    sb, api = box
    r = api.post(
        objects(family, "0-3/batch/create"),
        json={"inputs": [{"properties": {"dealname": f"{family} {n}"}} for n in range(2)]},
    )
    assert r.status_code == 201
    ids = sorted(x["id"] for x in r.json()["results"])
    r = api.post(
        objects(family, "deals/batch/update"),
        json={"inputs": [{"id": i, "properties": {"amount": "12"}} for i in ids]},
    )
    assert r.status_code == 200
    assert [sb.record("deals", int(i))["properties"]["amount"] for i in ids] == ["12", "12"]
    r = api.post(objects(family, "0-3/batch/archive"), json={"inputs": [{"id": ids[0]}]})
    assert r.status_code == 204 and r.content == b""
    assert sb.record("deals", int(ids[0]))["archived"] is True


# -- type ids on every route ---------------------------------------------------------------


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize(("name", "type_id"), TYPES)
def test_type_ids_and_names_reach_the_same_records(shared, family, name, type_id):
    sb, api = shared
    by_name = api.get(objects(family, name), params={"limit": 100}).json()["results"]
    by_id = api.get(objects(family, type_id), params={"limit": 100}).json()["results"]
    assert [r["id"] for r in by_id] == [r["id"] for r in by_name]
    assert [r["id"] for r in by_id] == [str(i) for i in sb.store.table(name).live_ids()]
    first = by_name[0]["id"]
    assert api.get(objects(family, f"{type_id}/{first}")).json() == by_name[0]
    body = {"inputs": [{"id": first}]}
    read = api.post(objects(family, f"{type_id}/batch/read"), json=body).json()["results"]
    assert [r["id"] for r in read] == [first]
    search = api.post(objects(family, f"{type_id}/search"), json={"limit": 1}).json()
    assert search["total"] == len(by_name)
    defs = api.get(properties(family, type_id)).json()["results"]
    assert [p["name"] for p in defs] == [
        p["name"] for p in api.get(properties(family, name)).json()["results"]
    ]
    one = defs[0]["name"]
    assert api.get(properties(family, f"{type_id}/{one}")).json()["name"] == one


@pytest.mark.parametrize("family", FAMILIES)
def test_type_ids_in_association_routes(box, family):
    sb, api = box
    contact, company = lonely_contact(sb), sb.store.table("companies").live_ids()[0]
    r = api.put(record_assoc(family, f"0-1/{contact}/associations/default/0-2/{company}"))
    assert r.status_code == 200
    assert sb.store.live_targets("contacts", contact, "companies") == {company: frozenset({279})}
    listed = api.get(record_assoc(family, f"0-2/{company}/associations/0-1")).json()["results"]
    assert contact in [x["toObjectId"] for x in listed]
    labels = api.get(assoc(family, "0-1/0-2/labels")).json()["results"]
    assert labels == api.get(assoc(family, "contacts/companies/labels")).json()["results"]
    assert {x["typeId"] for x in labels} >= {1, 279}
    r = api.delete(record_assoc(family, f"0-1/{contact}/associations/0-2/{company}"))
    assert r.status_code == 204
    assert not sb.store.live_targets("contacts", contact, "companies")


@pytest.mark.parametrize("family", FAMILIES)
def test_scopes_resolve_type_ids(family):
    with Sandbox(contacts=3, companies=1, deals=2, seed=2, scopes=["crm.objects.deals.read"]) as sb:
        with api_of(sb) as api:
            assert api.get(objects(family, "0-3")).status_code == 200
            assert api.get(properties(family, "0-3")).status_code == 200
            r = api.get(objects(family, "0-1"))
            assert r.status_code == 403 and r.json()["category"] == "MISSING_SCOPES"
            assert r.json()["errors"][0]["context"]["requiredGranularScopes"] == [
                "crm.objects.contacts.read"
            ]
            r = api.post(objects(family, "0-3"), json={"properties": {"dealname": "x"}})
            assert r.json()["errors"][0]["context"]["requiredGranularScopes"] == [
                "crm.objects.deals.write"
            ]
            r = api.get(lists(family, "12"))
            assert r.json()["errors"][0]["context"]["requiredGranularScopes"] == ["crm.lists.read"]


# -- both encodings of list query parameters -----------------------------------------------


@pytest.mark.parametrize("family", FAMILIES)
def test_list_parameters_repeated_or_comma_joined(shared, family):
    sb, api = shared
    deal = next(
        i
        for i in sb.store.table("deals").live_ids()
        if sb.store.live_targets("deals", i, "companies")
        and sb.store.live_targets("deals", i, "contacts")
    )
    repeated = [
        ("properties", "dealname"),
        ("properties", "amount"),
        ("associations", "companies"),
        ("associations", "0-1"),
        ("propertiesWithHistory", "dealname"),
        ("propertiesWithHistory", "dealstage"),
    ]
    joined = {
        "properties": "dealname,amount",
        "associations": "companies,0-1",
        "propertiesWithHistory": "dealname,dealstage",
    }
    stored = sb.record("deals", deal)
    for path in (objects(family, f"deals/{deal}"), objects(family, f"0-3/{deal}")):
        a = api.get(path, params=repeated).json()
        b = api.get(path, params=joined).json()
        assert a == b
        assert set(a["properties"]) >= {"dealname", "amount"}
        assert "pipeline" not in a["properties"]  # the defaults were replaced
        assert set(a["associations"]) == {"companies", "contacts"}
        history = a["propertiesWithHistory"]
        assert set(history) == {"dealname", "dealstage"}
        assert history["dealstage"][0]["value"] == stored["properties"]["dealstage"]
        assert history["dealname"][0]["timestamp"] == stored["updatedAt"]
    page_a = api.get(objects(family, "deals"), params=[*repeated, ("limit", "3")]).json()
    page_b = api.get(objects(family, "deals"), params={**joined, "limit": 3}).json()
    assert page_a["results"] == page_b["results"]
    assert all(
        set(r["propertiesWithHistory"]) <= {"dealname", "dealstage"} for r in page_a["results"]
    )
    lists_a = api.get(lists(family, ""), params=[("listIds", "12"), ("listIds", "13")]).json()
    lists_b = api.get(lists(family, ""), params={"listIds": "12,13"}).json()
    assert [x["listId"] for x in lists_a["lists"]] == ["12", "13"]
    assert lists_a == lists_b


def test_batch_read_takes_properties_with_history(shared):
    sb, api = shared
    cid = sb.store.table("contacts").live_ids()[0]
    for family in FAMILIES:
        body = {"inputs": [{"id": str(cid)}], "properties": ["email"], "propertiesWithHistory": []}
        plain = api.post(objects(family, "contacts/batch/read"), json=body).json()["results"][0]
        assert "propertiesWithHistory" not in plain
        body["propertiesWithHistory"] = ["email", "nosuchproperty"]
        rec = api.post(objects(family, "contacts/batch/read"), json=body).json()["results"][0]
        entry = rec["propertiesWithHistory"]
        assert list(entry) == ["email"]
        assert entry["email"][0]["value"] == rec["properties"]["email"]
        assert entry["email"][0]["sourceType"] == "API" and ISO.match(
            entry["email"][0]["timestamp"]
        )


# -- associations: v3 on legacy paths, v4 semantics on dated ones --------------------------


def test_record_associations_v3_shape_on_legacy_and_v4_shape_on_dated(shared):
    sb, api = shared
    company = company_with_contacts(sb, 3)
    targets = sb.store.live_targets("companies", company, "contacts")
    v3 = api.get(f"/crm/v3/objects/companies/{company}/associations/contacts").json()
    assert {r["type"] for r in v3["results"]} >= {"company_to_contact_unlabeled"}
    assert all(set(r) == {"id", "type"} for r in v3["results"])
    v4 = api.get(f"/crm/v4/objects/companies/{company}/associations/contacts").json()
    for version in DATED_VERSIONS:
        path = f"/crm/objects/{version}/companies/{company}/associations/contacts"
        dated = api.get(path).json()
        assert dated == v4
        assert [r["toObjectId"] for r in dated["results"]] == sorted(targets)
        for r in dated["results"]:
            assert {t["typeId"] for t in r["associationTypes"]} == set(targets[r["toObjectId"]])
            assert all(set(t) == {"category", "typeId", "label"} for t in r["associationTypes"])
        # paging with `after`; the default limit is 500 (all of them here); 501 is refused
        seen, after = [], None
        while True:
            params = {"limit": 2, **({"after": after} if after else {})}
            body = api.get(path, params=params).json()
            seen += [r["toObjectId"] for r in body["results"]]
            if "paging" not in body:
                break
            after = body["paging"]["next"]["after"]
        assert seen == sorted(targets)
        assert api.get(path, params={"limit": 501}).status_code == 400
        assert api.get(path, params={"limit": 500}).json() == v4


@pytest.mark.parametrize("version", DATED_VERSIONS)
def test_dated_batch_create_takes_the_v4_body_and_refuses_a_v3_one(box, version):
    sb, api = box
    contact, company = lonely_contact(sb), sb.store.table("companies").live_ids()[1]
    v3_body = {
        "inputs": [
            {"from": {"id": str(contact)}, "to": {"id": str(company)}, "type": "contact_to_company"}
        ]
    }
    r = api.post(assoc(version, "contacts/companies/batch/create"), json=v3_body)
    assert r.status_code == 400
    err = r.json()
    assert err["category"] == "VALIDATION_ERROR" and "types" in err["message"]
    assert err["errors"][0]["in"] == "inputs[0].types" and err["correlationId"]
    assert not sb.store.live_targets("contacts", contact, "companies")
    # the same body is still right on the legacy v3 path
    assert (
        api.post("/crm/v3/associations/contacts/companies/batch/create", json=v3_body).status_code
        == 201
    )
    api.post("/crm/v3/associations/contacts/companies/batch/archive", json=v3_body)
    v4_body = {
        "inputs": [{"from": {"id": str(contact)}, "to": {"id": str(company)}, "types": [PRIMARY]}]
    }
    r = api.post(assoc(version, "0-1/0-2/batch/create"), json=v4_body)
    assert r.status_code == 201
    assert r.json()["results"] == [
        {
            "fromObjectTypeId": "0-1",
            "fromObjectId": contact,
            "toObjectTypeId": "0-2",
            "toObjectId": company,
            "labels": ["Primary"],
        }
    ]
    assert sb.store.live_targets("contacts", contact, "companies") == {company: frozenset({1, 279})}


def test_batch_archive_answers_204_on_legacy_and_200_with_a_body_on_dated(box):
    sb, api = box
    company = sb.store.table("companies").live_ids()[2]
    answers = {}
    for n, family in enumerate(["v3", *FAMILIES]):
        contact = lonely_contact(sb, n)
        api.put(f"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}")
        assert sb.store.live_targets("contacts", contact, "companies")
        if family == "v3":
            body = {
                "inputs": [{"from": {"id": str(contact)}, "to": {"id": str(company)}, "type": "x"}]
            }
            r = api.post("/crm/v3/associations/contacts/companies/batch/archive", json=body)
        else:
            body = {"inputs": [{"from": {"id": str(contact)}, "to": [{"id": str(company)}]}]}
            r = api.post(assoc(family, "contacts/companies/batch/archive"), json=body)
        answers[family] = r
        assert not sb.store.live_targets("contacts", contact, "companies"), family
    for family in ("v3", "legacy"):
        assert answers[family].status_code == 204 and answers[family].content == b""
    for version in DATED_VERSIONS:
        r = answers[version]
        assert r.status_code == 200
        body = r.json()
        assert set(body) == {"status", "results", "startedAt", "completedAt"}
        assert body["status"] == "COMPLETE" and body["results"] == []
        assert ISO.match(body["startedAt"]) and ISO.match(body["completedAt"])


def test_labels_archive_answers_204_on_v4_and_200_on_dated(box):
    sb, api = box
    company = sb.store.table("companies").live_ids()[3]
    for n, family in enumerate(FAMILIES):
        contact = lonely_contact(sb, n)
        api.put(
            f"/crm/v4/objects/contacts/{contact}/associations/companies/{company}", json=[PRIMARY]
        )
        assert sb.store.live_targets("contacts", contact, "companies") == {
            company: frozenset({1, 279})
        }
        body = {
            "inputs": [
                {"from": {"id": str(contact)}, "to": {"id": str(company)}, "types": [PRIMARY]}
            ]
        }
        r = api.post(assoc(family, "contacts/companies/batch/labels/archive"), json=body)
        # the Primary label goes, the unlabeled association stays
        assert sb.store.live_targets("contacts", contact, "companies") == {
            company: frozenset({279})
        }
        if family == "legacy":
            assert r.status_code == 204 and r.content == b""
        else:
            assert r.status_code == 200
            assert r.json()["status"] == "COMPLETE" and r.json()["results"] == []


@pytest.mark.parametrize("version", DATED_VERSIONS)
def test_dated_association_writes_and_reads_answer_as_v4(box, version):
    """Default PUT, labelled PUT, batch read, associate/default and DELETE: v4's answers."""
    sb, api = box
    c1, c2 = lonely_contact(sb, 0), lonely_contact(sb, 1)
    company = sb.store.table("companies").live_ids()[4]

    def same(path_tail, method="PUT", json=None, drop=("startedAt", "completedAt")):
        """Run on a fresh pair through v4 and the dated path; compare the answers."""
        out = []
        for contact, family in ((c1, "legacy"), (c2, version)):
            url = (
                record_assoc(family, path_tail.format(contact=contact, company=company))
                if path_tail.startswith("contacts")
                else assoc(family, path_tail)
            )
            body = json(contact) if callable(json) else json
            r = api.request(method, url, json=body)
            payload = r.json() if r.content else None
            if isinstance(payload, dict):
                payload = {k: v for k, v in payload.items() if k not in drop}
            out.append((r.status_code, payload, contact))
        return out

    (s1, b1, _), (s2, b2, _) = same("contacts/{contact}/associations/default/companies/{company}")
    assert s1 == s2 == 200
    assert b2["results"] == swap(b1["results"], str(c1), str(c2))
    assert {x["associationSpec"]["associationTypeId"] for x in b2["results"]} == {279, 280}
    (s1, b1, _), (s2, b2, _) = same(
        "contacts/{contact}/associations/companies/{company}", json=[PRIMARY]
    )
    assert s1 == s2 == 201
    assert b2 == {**b1, "fromObjectId": c2}
    read_body = {"inputs": [{"id": str(c1)}, {"id": str(c2)}]}
    v4 = api.post(assoc("legacy", "contacts/companies/batch/read"), json=read_body).json()
    dated = api.post(assoc(version, "contacts/companies/batch/read"), json=read_body).json()
    assert dated["results"] == v4["results"]
    assert [x["from"]["id"] for x in dated["results"]] == [str(c1), str(c2)]
    defaults = {"inputs": [{"from": {"id": str(c2)}, "to": {"id": str(company)}}]}
    r = api.post(assoc(version, "contacts/companies/batch/associate/default"), json=defaults)
    assert r.status_code == 200 and len(r.json()["results"]) == 2
    for contact, family in ((c1, "legacy"), (c2, version)):
        r = api.delete(record_assoc(family, f"contacts/{contact}/associations/companies/{company}"))
        assert r.status_code == 204
        assert not sb.store.live_targets("contacts", contact, "companies")


# -- lists ---------------------------------------------------------------------------------


def test_list_memberships_in_every_family_share_the_list(box):
    sb, api = box
    contacts = [str(i) for i in sb.store.table("contacts").live_ids()[:3]]
    for family, cid in zip(FAMILIES, contacts, strict=True):
        r = api.put(lists(family, "11/memberships/add"), json=[cid])
        assert r.status_code == 200 and r.json()["recordsIdsAdded"] == [cid]
    for family in FAMILIES:
        got = api.get(lists(family, "11/memberships")).json()
        assert [m["recordId"] for m in got["results"]] == contacts
        assert api.get(lists(family, "11")).json()["list"]["size"] == 3
        found = api.post(lists(family, "search"), json={"query": ""}).json()
        assert found["total"] == len(sb.store.lists)
    r = api.put(lists("2026-09", "11/memberships/remove"), json=[contacts[0]])
    assert r.json()["recordIdsRemoved"] == [contacts[0]]
    assert [
        m["recordId"] for m in api.get(lists("legacy", "11/memberships")).json()["results"]
    ] == contacts[1:]


# -- versions that do not exist ------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/crm/objects/2025-01/contacts",
        "/crm/objects/2026-06/contacts",
        "/crm/objects/v9/contacts",
        "/crm/objects/2026-09-beta/contacts/1",
        "/crm/properties/2025-09/contacts",
        "/crm/associations/2027-03/contacts/companies/labels",
        "/crm/lists/2024-01/11",
        "/crm/v9/objects/contacts",
    ],
)
def test_an_unknown_version_is_a_404_naming_the_versions(shared, path):
    sb, api = shared
    r = api.get(path)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["status"] == "error"
    assert body["correlationId"] == r.headers["X-HubSpot-Correlation-Id"]
    for version in DATED_VERSIONS:
        assert version in body["message"]
    asked = path.split("/")[3] if not path.startswith("/crm/v9") else "v9"
    assert f"'{asked}'" in body["message"]


def test_a_known_version_without_the_endpoint_is_a_plain_404_and_wrong_methods_405(shared):
    sb, api = shared
    r = api.get("/crm/objects/2026-09/contacts/1/nothing/here")
    assert r.status_code == 404
    assert "does not exist" not in r.json()["message"]
    r = api.put("/crm/objects/2026-03/contacts")
    assert r.status_code == 405
    r = api.get("/crm/objects/2026-03/nosuchtype")
    assert (
        r.status_code == 400
        and r.json()["message"] == "Unable to infer object type from: nosuchtype"
    )
