"""HubSpot's new Python SDK (``hubspot-sdk``), unmodified, against the sandbox's 2026-03 paths.

The SDK is generated from HubSpot's date-versioned specs: every path is a
``/…/2026-03/…`` literal, deals are called by their type id ``0-3``, array query
parameters are comma-joined and ``search()`` requires ``after``, ``filter_groups``,
``limit``, ``properties`` and ``sorts``. These tests drive it through each operation
hubframe's users run and compare what it parsed with the sandbox's own records.

Two clients: ``sdk`` as a user builds it, and ``strict``, which also checks every
response against the SDK's models (``_strict_response_validation``, a constructor
argument of the SDK). The association answers are read with ``sdk`` only: the sandbox
sends v4 ids as JSON numbers, as HubSpot's examples do, where the spec types them as
strings (a documented choice, see COVERAGE.md), so strict validation would refuse them.
Both clients run with ``max_retries=0`` so that a refused request is seen, not retried.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs

import hubspot_sdk
import pytest

from hubframe.sandbox import Sandbox
from hubframe.sandbox.crm.definitions import PROPERTIES

PRIMARY = {"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}
MODIFIED = {
    "contacts": "lastmodifieddate",
    "companies": "hs_lastmodifieddate",
    "deals": "hs_lastmodifieddate",
}


@pytest.fixture(scope="module")
def sb():
    with Sandbox(contacts=120, companies=10, deals=30, seed=31, search_rate=None) as box:
        yield box


@pytest.fixture(scope="module")
def sdk(sb):
    with hubspot_sdk.HubSpot(base_url=sb.url, access_token=sb.token, max_retries=0) as client:
        yield client


@pytest.fixture(scope="module")
def strict(sb):
    with hubspot_sdk.HubSpot(
        base_url=sb.url,
        access_token=sb.token,
        max_retries=0,
        _strict_response_validation=True,
    ) as client:
        yield client


def when(iso: str) -> dt.datetime:
    return dt.datetime.fromisoformat(iso.replace("Z", "+00:00"))


def assert_same_record(obj, sb, object_type):
    """``obj`` (an SDK model) shows the sandbox's stored record: id, values, timestamps."""
    stored = sb.record(object_type, obj.id)
    assert stored is not None
    assert obj.properties == {k: stored["properties"].get(k) for k in obj.properties}
    assert obj.created_at == when(stored["createdAt"])
    assert obj.updated_at == when(stored["updatedAt"])
    assert obj.archived is stored["archived"]


def assert_asked_for(obj, sb, object_type, names):
    """``obj`` carries exactly the asked-for properties the record has a value for, plus
    the id and timestamps HubSpot always adds."""
    stored = sb.record(object_type, obj.id)["properties"]
    always = {"hs_object_id", "createdate", MODIFIED[object_type]}
    assert obj.properties == {n: stored[n] for n in {*names, *always} if n in stored}


def last_query(sb, path_end):
    """The query of the last request whose path ends with ``path_end``, parsed."""
    served = [r for r in sb.requests if r.path.endswith(path_end)]
    assert served, f"no request to …{path_end}"
    return served[-1].path, parse_qs(served[-1].query)


def lonely_contact(sb, skip=0):
    return [
        i
        for i in sb.store.table("contacts").live_ids()
        if not sb.store.live_targets("contacts", i, "companies")
    ][skip]


# -- reads ---------------------------------------------------------------------------------


def test_list_iterates_every_page(sb, strict):
    live = [str(i) for i in sb.store.table("contacts").live_ids()]
    seen = []
    for obj in strict.crm.objects.contacts.list(limit=17, properties=["email", "firstname"]):
        assert_asked_for(obj, sb, "contacts", ["email", "firstname"])
        assert_same_record(obj, sb, "contacts")
        seen.append(obj.id)
    assert seen == live
    path, query = last_query(sb, "/crm/objects/2026-03/contacts")
    assert query["properties"] == ["email,firstname"]  # the SDK joins arrays with commas
    assert query["after"] == [live[len(live) // 17 * 17]]


def test_deals_by_type_id_and_companies_with_associations(sb, strict, sdk):
    deals = list(strict.crm.objects.deals.list(limit=8, properties=["dealname", "amount"]))
    assert [d.id for d in deals] == [str(i) for i in sb.store.table("deals").live_ids()]
    for d in deals:
        assert_same_record(d, sb, "deals")
        assert_asked_for(d, sb, "deals", ["dealname", "amount"])
    assert last_query(sb, "/crm/objects/2026-03/0-3")[0] == "/crm/objects/2026-03/0-3"
    company = next(
        i
        for i in sb.store.table("companies").live_ids()
        if sb.store.live_targets("companies", i, "contacts")
    )
    got = strict.crm.objects.companies.get(
        str(company), properties=["name", "domain"], associations=["contacts", "deals"]
    )
    assert_same_record(got, sb, "companies")
    assert_asked_for(got, sb, "companies", ["name", "domain"])
    contacts = sorted(sb.store.live_targets("companies", company, "contacts"))
    listed = sorted({int(a.id) for a in got.associations["contacts"].results})
    assert listed == contacts


def test_get_by_id_and_by_email_with_history(sb, strict):
    cid = next(
        i
        for i in sb.store.table("contacts").live_ids()
        if sb.record("contacts", i)["properties"].get("email")
    )
    stored = sb.record("contacts", cid)
    obj = strict.crm.objects.contacts.get(
        str(cid), properties=["email", "lifecyclestage"], properties_with_history=["email"]
    )
    assert obj.id == str(cid)
    assert_same_record(obj, sb, "contacts")
    assert_asked_for(obj, sb, "contacts", ["email", "lifecyclestage"])
    history = obj.properties_with_history["email"]
    assert [h.value for h in history] == [stored["properties"]["email"]]
    assert history[0].timestamp == when(stored["updatedAt"])
    by_email = strict.crm.objects.contacts.get(stored["properties"]["email"], id_property="email")
    assert by_email.id == str(cid) and by_email.properties["email"] == stored["properties"]["email"]


def test_properties(sb, strict):
    props = strict.crm.properties.list("contacts").results
    by_name = {p.name: p for p in props}
    expected = sb.store.get_properties(PROPERTIES["contacts"])
    assert [p.name for p in props] == [p["name"] for p in expected]
    assert by_name["lifecyclestage"].type == "enumeration"
    assert "customer" in [o.value for o in by_name["lifecyclestage"].options]
    one = strict.crm.properties.get("amount", object_type="0-3")
    assert one.name == "amount" and one.type == "number"
    assert [p.name for p in strict.crm.properties.list("0-3").results] == [
        p["name"] for p in sb.store.get_properties(PROPERTIES["deals"])
    ]


# -- writes --------------------------------------------------------------------------------


def test_create_update_delete(sb, strict):
    company = sb.store.table("companies").live_ids()[0]
    created = strict.crm.objects.contacts.create(
        properties={"email": "New.SDK@Example.org", "firstname": "Sdk", "lifecyclestage": "lead"},
        associations=[{"to": {"id": str(company)}, "types": [PRIMARY]}],
    )
    assert created.properties["email"] == "new.sdk@example.org"  # stored lower-cased
    assert_same_record(created, sb, "contacts")
    assert sb.store.live_targets("contacts", int(created.id), "companies") == {
        company: frozenset({1, 279})
    }
    updated = strict.crm.objects.contacts.update(created.id, properties={"lastname": "Ŝdk"})
    assert updated.properties["lastname"] == "Ŝdk"
    assert sb.record("contacts", created.id)["properties"]["lastname"] == "Ŝdk"
    by_email = strict.crm.objects.contacts.update(
        "new.sdk@example.org", id_property="email", properties={"firstname": "Again"}
    )
    assert by_email.id == created.id
    assert strict.crm.objects.contacts.delete(created.id) is None
    assert sb.record("contacts", created.id)["archived"] is True
    with pytest.raises(hubspot_sdk.NotFoundError) as info:
        strict.crm.objects.contacts.get(created.id)
    assert info.value.status_code == 404
    assert info.value.body["category"] == "OBJECT_NOT_FOUND"
    assert info.value.body["context"] == {"id": [created.id]}


def test_deal_create_by_type_id(sb, strict):
    deal = strict.crm.objects.deals.create(
        properties={"dealname": "SDK deal", "amount": "1500"}, associations=[]
    )
    assert_same_record(deal, sb, "deals")
    assert sb.record("deals", deal.id)["properties"]["pipeline"] == "default"
    assert any(r.path == "/crm/objects/2026-03/0-3" and r.method == "POST" for r in sb.requests)


def test_conflict_and_bad_request_errors(sb, strict):
    taken = sb.record("contacts", sb.store.table("contacts").live_ids()[0])
    email = taken["properties"]["email"]
    with pytest.raises(hubspot_sdk.ConflictError) as info:
        strict.crm.objects.contacts.create(properties={"email": email.upper()}, associations=[])
    assert info.value.status_code == 409
    assert info.value.body["category"] == "CONFLICT"
    assert info.value.body["message"] == f"Contact already exists. Existing ID: {taken['id']}"
    with pytest.raises(hubspot_sdk.BadRequestError) as bad:
        strict.crm.objects.contacts.create(properties={"nope": "x"}, associations=[])
    assert bad.value.body["errors"][0]["code"] == "PROPERTY_DOESNT_EXIST"
    with pytest.raises(hubspot_sdk.NotFoundError):
        strict.crm.objects.contacts.get("424242")


def test_batch_read_create_update_archive(sb, strict):
    ids = [str(i) for i in sb.store.table("contacts").live_ids()[10:14]]
    read = strict.crm.objects.contacts.batch.get(
        inputs=[{"id": i} for i in ids],
        properties=["email", "firstname"],
        properties_with_history=[],
    )
    assert read.status == "COMPLETE" and [o.id for o in read.results] == ids
    for obj in read.results:
        assert_same_record(obj, sb, "contacts")
        assert_asked_for(obj, sb, "contacts", ["email", "firstname"])
        assert obj.properties_with_history is None
    created = strict.crm.objects.contacts.batch.create(
        inputs=[
            {"properties": {"email": f"batch{n}@sdk.example", "firstname": f"B{n}"}}
            for n in range(3)
        ]
    )
    assert created.status == "COMPLETE"
    new_ids = sorted(o.id for o in created.results)
    assert sorted(o.properties["email"] for o in created.results) == [
        f"batch{n}@sdk.example" for n in range(3)
    ]
    updated = strict.crm.objects.contacts.batch.update(
        inputs=[{"id": i, "properties": {"lastname": "Batched"}} for i in new_ids]
    )
    assert sorted(o.id for o in updated.results) == new_ids
    assert all(sb.record("contacts", i)["properties"]["lastname"] == "Batched" for i in new_ids)
    assert strict.crm.objects.contacts.batch.delete(inputs=[{"id": i} for i in new_ids]) is None
    assert all(sb.record("contacts", i)["archived"] for i in new_ids)
    partial = strict.crm.objects.contacts.batch.get(
        inputs=[{"id": ids[0]}, {"id": "987654"}], properties=["email"], properties_with_history=[]
    )
    assert [o.id for o in partial.results] == [ids[0]]
    # the SDK models no 207 errors: they are kept as the model's extra fields
    extra = partial.to_dict()
    assert extra["numErrors"] == 1 and extra["errors"][0]["context"] == {"ids": ["987654"]}
    assert [r.status for r in sb.requests if r.path.endswith("/contacts/batch/read")][-1] == 207


def test_search_pages_past_the_first(sb, sdk):
    # ``sdk``, not ``strict``: search answers a requested property a record has no value
    # for as null (as HubSpot's recorded answers do), where the spec types values as strings
    records = [sb.record("contacts", i) for i in sorted(sb.live_ids("contacts"), key=int)]
    expected = [r for r in records if r["properties"].get("lifecyclestage") in ("lead", "customer")]
    assert len(expected) > 20  # more than one page of 10 below
    seen, after, pages = [], "", 0
    while True:
        page = sdk.crm.objects.contacts.search(
            after=after,
            filter_groups=[
                {
                    "filters": [
                        {
                            "propertyName": "lifecyclestage",
                            "operator": "IN",
                            "values": ["lead", "customer"],
                        }
                    ]
                }
            ],
            limit=10,
            properties=["email", "lifecyclestage"],
            sorts=["hs_object_id"],
        )
        assert page.total == len(expected)
        seen += [
            (o.id, o.properties["email"], o.properties["lifecyclestage"]) for o in page.results
        ]
        pages += 1
        if page.paging is None:
            break
        after = page.paging.next.after
    assert pages == -(-len(expected) // 10)
    assert seen == [
        (r["id"], r["properties"].get("email"), r["properties"]["lifecyclestage"]) for r in expected
    ]
    desc = sdk.crm.objects.contacts.search(
        after="", filter_groups=[], limit=3, properties=["email"], sorts=["-hs_object_id"]
    )
    assert [o.id for o in desc.results] == sorted(sb.live_ids("contacts"), key=int)[::-1][:3]


# -- associations --------------------------------------------------------------------------


def test_default_and_labelled_associations_create_list_delete(sb, sdk):
    contact, company = lonely_contact(sb), sb.store.table("companies").live_ids()[2]
    made = sdk.crm.associations.create(
        str(company),
        from_object_type="contacts",
        from_object_id=str(contact),
        to_object_type="companies",
    )
    assert made.status == "COMPLETE"
    assert {
        (r.from_.id, r.to.id, r.association_spec.association_type_id) for r in made.results
    } == {(str(contact), str(company), 279), (str(company), str(contact), 280)}
    assert sb.store.live_targets("contacts", contact, "companies") == {company: frozenset({279})}
    labelled = sdk.crm.associations.update_labels(
        str(company),
        object_type="0-1",
        object_id=str(contact),
        to_object_type="0-2",
        body=[{"association_category": "HUBSPOT_DEFINED", "association_type_id": 1}],
    )
    assert labelled.labels == ["Primary"] and str(labelled.to_object_id) == str(company)
    assert sb.store.live_targets("contacts", contact, "companies") == {company: frozenset({1, 279})}
    assert sb.record("contacts", contact)["properties"]["associatedcompanyid"] == str(company)
    listed = list(
        sdk.crm.associations.list("companies", object_type="contacts", object_id=str(contact))
    )
    assert [str(a.to_object_id) for a in listed] == [str(company)]
    assert [(t.category, t.type_id, t.label) for t in listed[0].association_types] == [
        ("HUBSPOT_DEFINED", 1, "Primary"),
        ("HUBSPOT_DEFINED", 279, None),
    ]
    # the reverse direction, paged two at a time, is every contact of the company
    contacts = sorted(sb.store.live_targets("companies", company, "contacts"))
    reverse = sdk.crm.associations.list(
        "contacts", object_type="companies", object_id=str(company), limit=2
    )
    assert [int(a.to_object_id) for a in reverse] == contacts
    assert (
        sdk.crm.associations.delete(
            str(company), object_type="contacts", object_id=str(contact), to_object_type="companies"
        )
        is None
    )
    assert not sb.store.live_targets("contacts", contact, "companies")


def test_batch_associations_from_deals_by_type_id(sb, sdk):
    deal = sb.store.table("deals").live_ids()[0]
    contact = next(
        i
        for i in sb.store.table("contacts").live_ids()
        if i not in sb.store.live_targets("deals", deal, "contacts")
    )
    before = set(sb.store.live_targets("deals", deal, "contacts"))
    made = sdk.crm.associations.batch.create(
        "contacts",
        from_object_type="0-3",
        inputs=[
            {
                "from": {"id": str(deal)},
                "to": {"id": str(contact)},
                "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 3}],
            }
        ],
    )
    assert [
        (str(r.from_object_id), r.from_object_type_id, str(r.to_object_id)) for r in made.results
    ] == [(str(deal), "0-3", str(contact))]
    assert set(sb.store.live_targets("deals", deal, "contacts")) == before | {contact}
    read = sdk.crm.associations.batch.get(
        "contacts", from_object_type="0-3", inputs=[{"id": str(deal)}]
    )
    assert read.results[0].from_.id == str(deal)
    assert sorted(int(t.to_object_id) for t in read.results[0].to) == sorted(before | {contact})
    # the dated batch archive answers 200 with a body; the SDK returns None for it
    assert (
        sdk.crm.associations.batch.delete(
            "contacts",
            from_object_type="0-3",
            inputs=[{"from": {"id": str(deal)}, "to": [{"id": str(contact)}]}],
        )
        is None
    )
    archived = [r for r in sb.requests if r.path.endswith("/0-3/contacts/batch/archive")]
    assert archived[-1].status == 200
    assert set(sb.store.live_targets("deals", deal, "contacts")) == before


# -- lists ---------------------------------------------------------------------------------


def test_list_memberships_add_and_read(sb, strict):
    list_id = sb.list_ids[0]
    before = [str(i) for i in sorted(sb.store.list_members.get(list_id, {}))]
    new = [str(i) for i in sb.store.table("contacts").live_ids()[20:23] if str(i) not in before]
    out = strict.crm.lists.add_memberships(list_id, body=[*new, "999999"])
    assert out.records_ids_added == new and out.record_ids_missing == ["999999"]
    members = list(strict.crm.lists.list_memberships(list_id, limit=2))
    assert [m.record_id for m in members] == sorted([*before, *new], key=int)
    stamps = sb.store.list_members[list_id]
    for m in members:
        assert m.membership_timestamp == dt.datetime.fromtimestamp(
            stamps[int(m.record_id)] / 1000, dt.timezone.utc
        )
    again = strict.crm.lists.add_memberships(list_id, body=new)
    assert again.records_ids_added == []  # already members: neither added nor reported
    fetched = strict.crm.lists.get(list_id)
    assert fetched.list.size == len(before) + len(new)
