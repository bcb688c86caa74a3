"""New contacts associated with the company of their email's domain (HubSpot's default).

Over HTTP, in every path family: creates, batch creates and upserts that create; with
and without a company given in the create; with the portal setting on and off; and the
seed agreeing with the rule.
"""

from __future__ import annotations

import httpx
import pytest

from hubframe.errors import InputError
from hubframe.sandbox import Sandbox

FAMILIES = ["legacy", "2026-03", "2026-09"]
PRIMARY = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}


def objects(family: str, rest: str) -> str:
    return f"/crm/v3/objects/{rest}" if family == "legacy" else f"/crm/objects/{family}/{rest}"


def api_of(sb: Sandbox) -> httpx.Client:
    return httpx.Client(base_url=sb.url, headers={"Authorization": f"Bearer {sb.token}"})


def companies_of(api: httpx.Client, contact_id: str) -> dict[str, set[int]]:
    """``{company id: association type ids}`` of a contact, read through v4."""
    r = api.get(f"/crm/v4/objects/contacts/{contact_id}/associations/companies")
    assert r.status_code == 200, r.text
    return {
        str(x["toObjectId"]): {t["typeId"] for t in x["associationTypes"]}
        for x in r.json()["results"]
    }


def make_company(api: httpx.Client, name: str, domain: str) -> str:
    r = api.post(
        objects("legacy", "companies"), json={"properties": {"name": name, "domain": domain}}
    )
    assert r.status_code == 201, r.text
    return str(r.json()["id"])


@pytest.fixture
def box():
    with Sandbox(contacts=5, companies=0, deals=0, seed=41) as sb, api_of(sb) as api:
        acme = make_company(api, "Acme", "acme.example")
        other = make_company(api, "Other", "other.example")
        yield sb, api, acme, other


@pytest.mark.parametrize("family", FAMILIES)
def test_a_new_contact_gets_its_email_domains_company_as_primary(box, family):
    _, api, acme, _ = box
    r = api.post(objects(family, "contacts"), json={"properties": {"email": "ada@ACME.example"}})
    assert r.status_code == 201, r.text
    assert companies_of(api, r.json()["id"]) == {acme: {1, 279}}
    got = api.get(
        objects(family, f"contacts/{r.json()['id']}"), params={"properties": "associatedcompanyid"}
    )
    assert got.json()["properties"]["associatedcompanyid"] == acme


@pytest.mark.parametrize("family", FAMILIES)
def test_a_given_company_stays_primary_and_the_domains_company_is_added(box, family):
    _, api, acme, other = box
    body = {
        "properties": {"email": "bo@acme.example"},
        "associations": [{"to": {"id": other}, "types": [PRIMARY]}],
    }
    r = api.post(objects(family, "contacts"), json=body)
    assert r.status_code == 201, r.text
    assert companies_of(api, r.json()["id"]) == {other: {1, 279}, acme: {279}}
    # the given company is the domain's company: one association, no second
    body["properties"]["email"] = "cy@acme.example"
    body["associations"][0]["to"]["id"] = acme
    r = api.post(objects(family, "contacts"), json=body)
    assert companies_of(api, r.json()["id"]) == {acme: {1, 279}}


@pytest.mark.parametrize("family", FAMILIES)
def test_a_batch_create_associates_each_contact_by_its_domain(box, family):
    _, api, acme, other = box
    inputs = [
        {"properties": {"email": "d1@acme.example"}},
        {"properties": {"email": "d2@other.example"}},
        {"properties": {"email": "d3@nowhere.example"}},
        {"properties": {"firstname": "No email"}},
        {
            "properties": {"email": "d5@other.example"},
            "associations": [{"to": {"id": acme}, "types": [PRIMARY]}],
        },
    ]
    r = api.post(objects(family, "contacts/batch/create"), json={"inputs": inputs})
    assert r.status_code == 201, r.text
    ids = [x["id"] for x in r.json()["results"]]
    assert [companies_of(api, i) for i in ids] == [
        {acme: {1, 279}},
        {other: {1, 279}},
        {},
        {},
        {acme: {1, 279}, other: {279}},
    ]


@pytest.mark.parametrize("family", FAMILIES)
def test_an_upsert_associates_what_it_creates_not_what_it_updates(box, family):
    sb, api, acme, other = box
    plain = api.post(
        objects(family, "contacts"), json={"properties": {"email": "e@elsewhere.example"}}
    ).json()
    assert companies_of(api, plain["id"]) == {}
    inputs = [
        {"id": "new@acme.example", "idProperty": "email", "properties": {"firstname": "N"}},
        # an update moving the email to other.example: creation only, no association
        {
            "id": "e@elsewhere.example",
            "idProperty": "email",
            "properties": {"email": "e@other.example"},
        },
    ]
    r = api.post(objects(family, "contacts/batch/upsert"), json={"inputs": inputs})
    assert r.status_code == 200, r.text
    new, updated = r.json()["results"]
    assert (new["new"], updated["new"]) == (True, False)
    assert companies_of(api, new["id"]) == {acme: {1, 279}}
    assert companies_of(api, updated["id"]) == {}
    # nor does a PATCH of the email
    api.patch(
        objects(family, f"contacts/{plain['id']}"), json={"properties": {"email": "f@acme.example"}}
    )
    assert companies_of(api, plain["id"]) == {}
    assert sb.store.record("contacts", plain["id"]).props["email"] == "f@acme.example"


def test_free_mail_matches_only_a_company_with_that_domain(box):
    _, api, _, _ = box
    r = api.post(objects("2026-09", "contacts"), json={"properties": {"email": "g@gmail.com"}})
    assert companies_of(api, r.json()["id"]) == {}
    gmail = make_company(api, "Google Mail", "gmail.com")
    r = api.post(objects("2026-09", "contacts"), json={"properties": {"email": "h@gmail.com"}})
    assert companies_of(api, r.json()["id"]) == {gmail: {1, 279}}


def test_the_oldest_live_company_of_a_domain_is_the_one(box):
    _, api, acme, _ = box
    newer = make_company(api, "Acme again", "acme.example")
    r = api.post(objects("2026-09", "contacts"), json={"properties": {"email": "i@acme.example"}})
    assert companies_of(api, r.json()["id"]) == {acme: {1, 279}}
    assert api.delete(objects("legacy", f"companies/{acme}")).status_code == 204
    r = api.post(objects("2026-09", "contacts"), json={"properties": {"email": "j@acme.example"}})
    assert companies_of(api, r.json()["id"]) == {newer: {1, 279}}


def test_with_the_setting_off_only_the_given_company_is_associated():
    with (
        Sandbox(contacts=2, companies=0, deals=0, auto_associate_domains=False) as sb,
        api_of(sb) as api,
    ):
        assert sb.auto_associate_domains is False
        acme, other = make_company(api, "Acme", "acme.example"), make_company(api, "O", "o.example")
        r = api.post(
            objects("2026-09", "contacts"), json={"properties": {"email": "k@acme.example"}}
        )
        assert companies_of(api, r.json()["id"]) == {}
        body = {
            "properties": {"email": "l@acme.example"},
            "associations": [{"to": {"id": other}, "types": [PRIMARY]}],
        }
        r = api.post(objects("legacy", "contacts"), json=body)
        assert companies_of(api, r.json()["id"]) == {other: {1, 279}}
        r = api.post(
            objects("2026-03", "contacts/batch/create"),
            json={"inputs": [{"properties": {"email": "m@acme.example"}}]},
        )
        assert companies_of(api, r.json()["results"][0]["id"]) == {}
        # turned on while running
        sb.set_auto_associate_domains(True)
        r = api.post(
            objects("2026-09", "contacts"), json={"properties": {"email": "n@acme.example"}}
        )
        assert companies_of(api, r.json()["id"]) == {acme: {1, 279}}


def test_the_setting_is_checked_and_kept_with_the_portal(tmp_path):
    with pytest.raises(InputError, match="auto_associate_domains='no': use True or False"):
        Sandbox(contacts=1, companies=0, deals=0, auto_associate_domains="no")  # type: ignore[arg-type]
    sb = Sandbox(contacts=1, companies=0, deals=0)
    assert sb.auto_associate_domains is True  # HubSpot's default
    with pytest.raises(InputError, match="use True or False"):
        sb.set_auto_associate_domains(1)  # type: ignore[arg-type]
    path = tmp_path / "portal.json.gz"
    with Sandbox(contacts=2, companies=1, deals=0, path=path, auto_associate_domains=False):
        pass
    with Sandbox(path=path) as sb:
        assert sb.auto_associate_domains is False
        sb.reset()
        assert sb.auto_associate_domains is False
    with Sandbox(path=path, auto_associate_domains=True) as sb:
        assert sb.auto_associate_domains is True


# -- the seed agrees -----------------------------------------------------------------------


def test_seeded_contacts_are_associated_as_their_email_domain_says():
    sb = Sandbox(contacts=400, companies=30, deals=0, seed=5)
    store = sb.store
    companies = store.table("companies")
    by_domain = {companies.records[i].props["domain"]: i for i in companies.live_ids()}
    assert len(by_domain) == len(companies.live_ids())  # seeded domains are unique
    contacts = store.table("contacts")
    matched = 0
    for cid in contacts.records:
        rec = contacts.records[cid]
        domain = (rec.props.get("email") or "@").rpartition("@")[2]
        linked = store.assoc.targets("contacts", cid, "companies")  # archived ones too
        primary = [c for c, types in linked.items() if 1 in types]
        if domain in by_domain:
            matched += 1
            assert primary == [by_domain[domain]], (cid, rec.props.get("email"))
        elif rec.props.get("email"):
            assert not linked, (cid, rec.props["email"])  # free mail: no company
    assert matched > 200
    # so creating the same contact again through the API gives the same company
    seeded = next(
        i
        for i in contacts.live_ids()
        if (contacts.records[i].props.get("email") or "@").rpartition("@")[2] in by_domain
    )
    email = contacts.records[seeded].props["email"]
    with sb, api_of(sb) as api:
        assert api.delete(objects("legacy", f"contacts/{seeded}")).status_code == 204
        r = api.post(objects("2026-09", "contacts"), json={"properties": {"email": email}})
        expected = {str(by_domain[email.rpartition("@")[2]]): {1, 279}}
        assert companies_of(api, r.json()["id"]) == expected
