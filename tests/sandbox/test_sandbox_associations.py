"""The sandbox's association endpoints: legacy v3 list and batches, v4 records and batches."""

from __future__ import annotations

import httpx
import pytest

from hubframe.sandbox import Sandbox

PRIMARY = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}


@pytest.fixture
def box():
    with Sandbox(contacts=60, companies=8, deals=20, seed=4) as sb:
        with httpx.Client(
            base_url=sb.url, headers={"Authorization": f"Bearer {sb.token}"}
        ) as client:
            yield sb, client


def lonely_contact(sb):
    """A live contact with no company."""
    return next(
        i
        for i in sb.store.table("contacts").live_ids()
        if not sb.store.live_targets("contacts", i, "companies")
    )


def company_with_contacts(sb, at_least=1):
    return next(
        i
        for i in sb.store.table("companies").live_ids()
        if len(sb.store.live_targets("companies", i, "contacts")) >= at_least
    )


# -- legacy v3 -----------------------------------------------------------------------------


def test_v3_list_shows_each_contact_once_per_type(box):
    sb, api = box
    company = company_with_contacts(sb, 2)
    body = api.get(f"/crm/v3/objects/companies/{company}/associations/contacts").json()
    assert "paging" not in body
    pairs = [(r["id"], r["type"]) for r in body["results"]]
    contacts = sorted(sb.store.live_targets("companies", company, "contacts"))
    primaries = [
        c
        for c in contacts
        if 2 in sb.store.assoc.types_between("companies", company, "contacts", c)
    ]
    assert [i for i, t in pairs if t == "company_to_contact_unlabeled"] == [
        str(c) for c in contacts
    ]
    assert [i for i, t in pairs if t == "company_to_contact"] == [str(c) for c in primaries]
    assert len(pairs) == len(contacts) + len(primaries)


def test_v3_list_paging_and_unknown_record(box):
    sb, api = box
    company = company_with_contacts(sb, 3)
    total = len(
        api.get(f"/crm/v3/objects/company/{company}/associations/contact").json()["results"]
    )
    seen, after = [], None
    while True:
        params = {"limit": 2, **({"after": after} if after else {})}
        body = api.get(
            f"/crm/v3/objects/companies/{company}/associations/contacts", params=params
        ).json()
        seen += body["results"]
        if "paging" not in body:
            break
        after = body["paging"]["next"]["after"]
    assert len(seen) == total
    r = api.get("/crm/v3/objects/companies/987654/associations/contacts")
    assert r.status_code == 404 and r.json()["category"] == "OBJECT_NOT_FOUND"


def test_v3_batch_create_and_archive(box):
    sb, api = box
    contact, company = lonely_contact(sb), sb.store.table("companies").live_ids()[0]
    body = {
        "inputs": [
            {"from": {"id": str(contact)}, "to": {"id": str(company)}, "type": "contact_to_company"}
        ]
    }
    r = api.post("/crm/v3/associations/contact/company/batch/create", json=body)
    assert r.status_code == 201
    out = r.json()
    assert out["status"] == "COMPLETE" and out["startedAt"] and out["completedAt"]
    assert {
        "from": {"id": str(contact)},
        "to": {"id": str(company)},
        "type": "contact_to_company",
    } in out["results"]
    listed = api.get(f"/crm/v3/objects/companies/{company}/associations/contacts").json()["results"]
    assert {"id": str(contact), "type": "company_to_contact"} in listed
    got = api.get(
        f"/crm/v3/objects/contacts/{contact}", params={"properties": "associatedcompanyid"}
    ).json()
    assert got["properties"]["associatedcompanyid"] == str(company)
    r = api.post("/crm/v3/associations/contact/company/batch/archive", json=body)
    assert r.status_code == 204
    listed = api.get(f"/crm/v3/objects/companies/{company}/associations/contacts").json()["results"]
    assert str(contact) not in {x["id"] for x in listed}


def test_v3_batch_create_rejects_a_type_of_another_pair(box):
    sb, api = box
    body = {"inputs": [{"from": {"id": "1"}, "to": {"id": "2"}, "type": "deal_to_company"}]}
    r = api.post("/crm/v3/associations/contact/company/batch/create", json=body)
    assert r.status_code == 400 and r.json()["category"] == "VALIDATION_ERROR"


def test_v3_batch_create_reports_missing_records(box):
    sb, api = box
    contact = lonely_contact(sb)
    body = {
        "inputs": [
            {"from": {"id": str(contact)}, "to": {"id": "424242"}, "type": "contact_to_company"}
        ]
    }
    r = api.post("/crm/v3/associations/contacts/companies/batch/create", json=body)
    assert r.status_code == 207
    assert r.json()["errors"][0]["context"] == {"ids": ["424242"]}


# -- v4 ------------------------------------------------------------------------------------


def test_v4_list_labels_and_integer_ids(box):
    sb, api = box
    contact = next(
        i
        for i in sb.store.table("contacts").live_ids()
        if any(1 in t for t in sb.store.live_targets("contacts", i, "companies").values())
    )
    body = api.get(f"/crm/v4/objects/contacts/{contact}/associations/companies").json()
    entry = body["results"][0]
    assert isinstance(entry["toObjectId"], int)
    assert entry["associationTypes"][0] == {
        "category": "HUBSPOT_DEFINED",
        "typeId": 1,
        "label": "Primary",
    }
    assert {"category": "HUBSPOT_DEFINED", "typeId": 279, "label": None} in entry[
        "associationTypes"
    ]


def test_v4_paging(box):
    sb, api = box
    company = company_with_contacts(sb, 3)
    expected = sorted(sb.store.live_targets("companies", company, "contacts"))
    seen, after = [], None
    while True:
        params = {"limit": 2, **({"after": after} if after else {})}
        body = api.get(f"/crm/v4/objects/0-2/{company}/associations/0-1", params=params).json()
        seen += [r["toObjectId"] for r in body["results"]]
        if "paging" not in body:
            break
        after = body["paging"]["next"]["after"]
    assert seen == expected
    assert (
        api.get(
            f"/crm/v4/objects/companies/{company}/associations/contacts", params={"limit": 501}
        ).status_code
        == 400
    )


def test_v4_default_labelled_and_delete(box):
    sb, api = box
    contact, (c1, c2) = lonely_contact(sb), sb.store.table("companies").live_ids()[:2]
    r = api.put(f"/crm/v4/objects/contacts/{contact}/associations/default/companies/{c1}")
    assert r.status_code == 200
    out = r.json()
    assert out["status"] == "COMPLETE"
    assert {
        "from": {"id": str(contact)},
        "to": {"id": str(c1)},
        "associationSpec": {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279},
    } in out["results"]
    r = api.put(f"/crm/v4/objects/contacts/{contact}/associations/companies/{c2}", json=[PRIMARY])
    assert r.status_code == 201
    assert r.json() == {
        "fromObjectTypeId": "0-1",
        "fromObjectId": contact,
        "toObjectTypeId": "0-2",
        "toObjectId": c2,
        "labels": ["Primary"],
    }
    # a second primary moves the label: a contact has one primary company
    api.put(f"/crm/v4/objects/contacts/{contact}/associations/companies/{c1}", json=[PRIMARY])
    types = {
        r["toObjectId"]: {t["typeId"] for t in r["associationTypes"]}
        for r in api.get(f"/crm/v4/objects/contacts/{contact}/associations/companies").json()[
            "results"
        ]
    }
    assert types == {c1: {1, 279}, c2: {279}}
    assert (
        api.delete(f"/crm/v4/objects/contacts/{contact}/associations/companies/{c1}").status_code
        == 204
    )
    left = api.get(f"/crm/v4/objects/contacts/{contact}/associations/companies").json()["results"]
    assert [r["toObjectId"] for r in left] == [c2]


def test_v4_create_rejects_wrong_types_and_missing_records(box):
    sb, api = box
    contact, company = lonely_contact(sb), sb.store.table("companies").live_ids()[0]
    bad_type = [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 5}]
    r = api.put(
        f"/crm/v4/objects/contacts/{contact}/associations/companies/{company}", json=bad_type
    )
    assert r.status_code == 400 and r.json()["category"] == "VALIDATION_ERROR"
    r = api.put(f"/crm/v4/objects/contacts/{contact}/associations/companies/424242", json=[PRIMARY])
    assert r.status_code == 404


def test_v4_batch_read(box):
    sb, api = box
    with_company = [
        i
        for i in sb.store.table("contacts").live_ids()
        if sb.store.live_targets("contacts", i, "companies")
    ][:2]
    lonely = lonely_contact(sb)
    body = {"inputs": [{"id": str(i)} for i in with_company]}
    r = api.post("/crm/v4/associations/contacts/companies/batch/read", json=body)
    assert r.status_code == 200
    results = r.json()["results"]
    assert [x["from"]["id"] for x in results] == [str(i) for i in with_company]
    assert all(isinstance(t["toObjectId"], int) for x in results for t in x["to"])
    r = api.post(
        "/crm/v4/associations/contacts/companies/batch/read",
        json={"inputs": [{"id": str(with_company[0])}, {"id": str(lonely)}]},
    )
    assert r.status_code == 207
    err = r.json()["errors"][0]
    assert err["category"] == "OBJECT_NOT_FOUND" and err["context"] == {
        "fromObjectId": [str(lonely)]
    }


def test_v4_batch_create_archive_and_labels(box):
    sb, api = box
    deal, company = (
        sb.store.table("deals").live_ids()[0],
        sb.store.table("companies").live_ids()[-1],
    )
    body = {
        "inputs": [
            {
                "from": {"id": str(deal)},
                "to": {"id": str(company)},
                "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 341}],
            }
        ]
    }
    r = api.post("/crm/v4/associations/deals/companies/batch/create", json=body)
    assert r.status_code == 201 and r.json()["results"][0]["toObjectId"] == company
    back = api.get(f"/crm/v4/objects/companies/{company}/associations/deals").json()["results"]
    assert deal in [x["toObjectId"] for x in back]
    r = api.post(
        "/crm/v4/associations/deals/companies/batch/archive",
        json={"inputs": [{"from": {"id": str(deal)}, "to": [{"id": str(company)}]}]},
    )
    assert r.status_code == 204
    back = api.get(f"/crm/v4/objects/companies/{company}/associations/deals").json()["results"]
    assert deal not in [x["toObjectId"] for x in back]
    labels = api.get("/crm/v4/associations/deals/companies/labels").json()["results"]
    assert {"category": "HUBSPOT_DEFINED", "typeId": 5, "label": "Primary"} in labels
    assert {"category": "HUBSPOT_DEFINED", "typeId": 341, "label": None} in labels


def test_archived_records_drop_out_of_association_lists(box):
    sb, api = box
    company = company_with_contacts(sb, 1)
    contact = sorted(sb.store.live_targets("companies", company, "contacts"))[0]
    api.delete(f"/crm/v3/objects/contacts/{contact}")
    listed = api.get(f"/crm/v4/objects/companies/{company}/associations/contacts").json()["results"]
    assert contact not in [x["toObjectId"] for x in listed]


def test_seeded_deals_link_to_companies_and_contacts(box):
    sb, api = box
    deal = next(
        i
        for i in sb.store.table("deals").live_ids()
        if sb.store.live_targets("deals", i, "contacts")
    )
    body = api.get(
        f"/crm/v3/objects/deals/{deal}", params={"associations": "companies,contacts"}
    ).json()
    types = {r["type"] for r in body["associations"]["companies"]["results"]}
    assert types == {"deal_to_company", "deal_to_company_unlabeled"}
    assert {r["type"] for r in body["associations"]["contacts"]["results"]} == {"deal_to_contact"}


def test_search_sees_associations_made_after_an_earlier_search(box):
    sb, api = box
    contact, company = lonely_contact(sb), sb.store.table("companies").live_ids()[0]
    body = {
        "filterGroups": [
            {
                "filters": [
                    {
                        "propertyName": "associations.company",
                        "operator": "EQ",
                        "value": str(company),
                    }
                ]
            }
        ],
        "limit": 200,
    }
    before = [
        o["id"] for o in api.post("/crm/v3/objects/contacts/search", json=body).json()["results"]
    ]
    assert str(contact) not in before
    api.put(f"/crm/v4/objects/contacts/{contact}/associations/default/companies/{company}")
    after = [
        o["id"] for o in api.post("/crm/v3/objects/contacts/search", json=body).json()["results"]
    ]
    assert str(contact) in after
    counted = api.get(
        f"/crm/v3/objects/companies/{company}", params={"properties": "num_associated_contacts"}
    )
    assert counted.json()["properties"]["num_associated_contacts"] == str(len(after))


def test_association_types_it_does_not_model_are_ignored_as_hubspot_does(box):
    """dlt and Airbyte ask for every type (leads, goals, feedback ...): HubSpot returns
    the ones there are and ignores the rest, so the sandbox does too."""
    sb, api = box
    asked = "companies,deals,leads,feedback_submissions,goal_targets,no_such_type"
    every = api.get("/crm/v3/objects/contacts", params={"limit": 100, "associations": asked})
    known = api.get(
        "/crm/v3/objects/contacts", params={"limit": 100, "associations": "companies,deals"}
    )
    assert every.status_code == 200
    assert every.json()["results"] == known.json()["results"]
    assert any("companies" in (r.get("associations") or {}) for r in every.json()["results"])


def test_association_types_it_models_are_embedded_beside_the_others(box):
    """Tickets and engagements are real types: asking for them embeds their associations,
    the same ones the v4 read of each contact lists."""
    sb, api = box
    params = {"limit": 100, "associations": "companies,tickets,notes"}
    results = api.get("/crm/v3/objects/contacts", params=params).json()["results"]
    with_tickets = [r for r in results if "tickets" in (r.get("associations") or {})]
    assert with_tickets and any("notes" in (r.get("associations") or {}) for r in results)
    for record in with_tickets[:5]:
        embedded = {e["id"] for e in record["associations"]["tickets"]["results"]}
        listed = api.get(f"/crm/v4/objects/contacts/{record['id']}/associations/tickets").json()
        assert embedded == {str(e["toObjectId"]) for e in listed["results"]}
        assert {e["type"] for e in record["associations"]["tickets"]["results"]} == {
            "contact_to_ticket"
        }


# -- paging while the portal changes ---------------------------------------------------------


@pytest.mark.parametrize(
    "path, key",
    [
        ("/crm/v3/objects/companies/{c}/associations/contacts", "id"),
        ("/crm/v4/objects/companies/{c}/associations/contacts", "toObjectId"),
        ("/crm/objects/2026-09/companies/{c}/associations/contacts", "toObjectId"),
    ],
)
def test_association_cursor_is_a_record_id_so_archiving_a_read_record_skips_none(box, path, key):
    # The cursor names the next record, not a position: a record archived behind the
    # cursor (already read) must not shift the next page past an unread one.
    sb, api = box
    company = company_with_contacts(sb, 4)
    url = path.format(c=company)
    everyone = sorted(sb.store.live_targets("companies", company, "contacts"))
    first = api.get(url, params={"limit": 2}).json()
    read = [str(r[key]) for r in first["results"]]
    assert first["paging"]["next"]["after"] == str(everyone[len(set(read))])
    assert api.delete(f"/crm/v3/objects/contacts/{read[0]}").status_code == 204
    after = first["paging"]["next"]["after"]
    while after:
        page = api.get(url, params={"limit": 2, "after": after}).json()
        read += [str(r[key]) for r in page["results"]]
        after = page.get("paging", {}).get("next", {}).get("after")
    assert sorted(set(map(int, read))) == everyone
