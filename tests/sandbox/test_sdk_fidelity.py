"""HubSpot's official Python SDK (hubspot-api-client), unmodified, against the sandbox.

The SDK deserialises every response into its generated models and validates the
fields it requires, so these tests fail if a shape the sandbox serves differs
from what the SDK (generated from HubSpot's own specs) expects.
"""

from __future__ import annotations

import datetime as dt

import hubspot
import pytest
from hubspot.crm.associations.v4 import (
    AssociationSpec,
    BatchInputPublicFetchAssociationsBatchRequest,
    PublicFetchAssociationsBatchRequest,
)
from hubspot.crm.contacts import (
    ApiException,
    BatchReadInputSimplePublicObjectId,
    Filter,
    FilterGroup,
    PublicObjectSearchRequest,
    SimplePublicObjectId,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)
from hubspot.crm.lists import ListSearchRequest

from hubframe.sandbox import Sandbox


@pytest.fixture(scope="module")
def sb():
    with Sandbox(contacts=230, companies=12, deals=25, seed=12, search_rate=None) as box:
        yield box


@pytest.fixture(scope="module")
def client(sb):
    # The SDK's documented way to configure it: every API's Configuration gets host=...
    return hubspot.HubSpot(access_token=sb.token, host=sb.url)


def test_basic_page_and_get_all(sb, client):
    page = client.crm.contacts.basic_api.get_page(limit=5, properties=["email", "firstname"])
    live = sb.store.table("contacts").live_ids()
    assert [o.id for o in page.results] == [str(i) for i in live[:5]]
    assert page.paging.next.after == str(live[5])
    assert isinstance(page.results[0].created_at, dt.datetime)
    assert page.results[0].properties["hs_object_id"] == page.results[0].id
    everything = client.crm.contacts.get_all(properties=["email"])
    assert [o.id for o in everything] == [str(i) for i in live]
    companies = client.crm.companies.basic_api.get_page(limit=100)
    assert len(companies.results) == 12 and companies.paging is None
    deals = client.crm.deals.get_all()
    assert len(deals) == 25 and {"dealname", "dealstage"} <= set(deals[0].properties)


def test_get_by_id_with_associations_and_missing(sb, client):
    cid = next(
        i
        for i in sb.store.table("contacts").live_ids()
        if sb.store.live_targets("contacts", i, "companies")
    )
    obj = client.crm.contacts.basic_api.get_by_id(
        str(cid), properties=["email"], associations=["companies"]
    )
    assert obj.id == str(cid)
    assoc = obj.associations["companies"].results
    assert {a.type for a in assoc} >= {"contact_to_company_unlabeled"}
    with pytest.raises(ApiException) as info:
        client.crm.contacts.basic_api.get_by_id("424242")
    assert info.value.status == 404
    assert '"category":"OBJECT_NOT_FOUND"' in info.value.body


def test_create_update_archive(sb, client):
    company = sb.store.table("companies").live_ids()[0]
    created = client.crm.contacts.basic_api.create(
        SimplePublicObjectInputForCreate(
            properties={
                "email": "sdk.user@example.org",
                "firstname": "Sdk",
                "lifecyclestage": "lead",
            },
            associations=[
                {
                    "to": {"id": str(company)},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}],
                }
            ],
        )
    )
    assert created.properties["email"] == "sdk.user@example.org"
    updated = client.crm.contacts.basic_api.update(
        created.id, SimplePublicObjectInput(properties={"lastname": "Ŝdk"})
    )
    assert updated.properties["lastname"] == "Ŝdk"
    assert updated.updated_at >= created.updated_at
    client.crm.contacts.basic_api.archive(created.id)
    assert sb.store.record("contacts", created.id).archived
    with pytest.raises(ApiException) as info:
        client.crm.contacts.basic_api.create(
            SimplePublicObjectInputForCreate(properties={"nope": "x"})
        )
    assert info.value.status == 400


def test_search(sb, client):
    request = PublicObjectSearchRequest(
        filter_groups=[
            FilterGroup(
                filters=[Filter(property_name="lifecyclestage", operator="EQ", value="customer")]
            )
        ],
        sorts=["hs_object_id"],
        properties=["email", "lifecyclestage"],
        limit=20,
        after="0",
    )
    page = client.crm.contacts.search_api.do_search(public_object_search_request=request)
    expected = [
        str(r.id)
        for r in (
            sb.store.table("contacts").records[i] for i in sb.store.table("contacts").live_ids()
        )
        if r.props.get("lifecyclestage") == "customer"
    ]
    assert page.total == len(expected)
    assert [o.id for o in page.results] == expected[:20]
    assert all(o.properties["lifecyclestage"] == "customer" for o in page.results)
    if len(expected) > 20:
        assert page.paging.next.after == "20"


def test_batch_read_complete_and_with_errors(sb, client):
    ids = [str(i) for i in sb.store.table("contacts").live_ids()[:3]]
    done = client.crm.contacts.batch_api.read(
        BatchReadInputSimplePublicObjectId(
            inputs=[SimplePublicObjectId(id=i) for i in ids],
            properties=["email"],
            properties_with_history=[],
        )
    )
    assert done.status == "COMPLETE" and [o.id for o in done.results] == ids
    partial = client.crm.contacts.batch_api.read(
        BatchReadInputSimplePublicObjectId(
            inputs=[SimplePublicObjectId(id=ids[0]), SimplePublicObjectId(id="987654")],
            properties=["email"],
            properties_with_history=[],
        )
    )
    assert partial.num_errors == 1
    assert partial.errors[0].category == "OBJECT_NOT_FOUND" and partial.errors[0].context == {
        "ids": ["987654"]
    }


def test_properties(client):
    props = client.crm.properties.core_api.get_all("contacts").results
    by_name = {p.name: p for p in props}
    assert by_name["lifecyclestage"].type == "enumeration"
    assert "customer" in [o.value for o in by_name["lifecyclestage"].options]
    assert by_name["hs_object_id"].modification_metadata.read_only_value is True
    one = client.crm.properties.core_api.get_by_name("deals", "amount")
    assert one.type == "number"


def test_v4_associations(sb, client):
    contact = next(
        i
        for i in sb.store.table("contacts").live_ids()
        if not sb.store.live_targets("contacts", i, "companies")
    )
    company = sb.store.table("companies").live_ids()[1]
    api = client.crm.associations.v4
    default = api.basic_api.create_default("contacts", str(contact), "companies", str(company))
    assert (
        default.status == "COMPLETE"
        and default.results[0].association_spec.association_type_id == 279
    )
    labelled = api.basic_api.create(
        "contacts",
        str(contact),
        "companies",
        str(company),
        [AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=1)],
    )
    # the SDK's models type these ids as strings; the sandbox sends JSON numbers like HubSpot's examples
    assert labelled.labels == ["Primary"] and labelled.to_object_id == str(company)
    page = api.basic_api.get_page("contacts", str(contact), "companies", limit=500)
    assert [r.to_object_id for r in page.results] == [str(company)]
    assert {t.type_id for t in page.results[0].association_types} == {1, 279}
    batch = api.batch_api.get_page(
        "contacts",
        "companies",
        BatchInputPublicFetchAssociationsBatchRequest(
            inputs=[PublicFetchAssociationsBatchRequest(id=str(contact))]
        ),
    )
    assert batch.results[0].to[0].to_object_id == str(company)
    api.basic_api.archive("contacts", str(contact), "companies", str(company))
    assert api.basic_api.get_page("contacts", str(contact), "companies").results == []


def test_lists_memberships(sb, client):
    list_id = sb.list_ids[0]
    ids = [str(i) for i in sb.store.table("contacts").live_ids()[:2]]
    out = client.crm.lists.memberships_api.add(list_id, ids + ["999999"])
    assert out.records_ids_added == ids and out.record_ids_missing == ["999999"]
    page = client.crm.lists.memberships_api.get_page(list_id, limit=100)
    assert [m.record_id for m in page.results] == ids
    fetched = client.crm.lists.lists_api.get_by_id(list_id)
    assert fetched.list.processing_type == "MANUAL" and fetched.list.size == 2
    found = client.crm.lists.lists_api.do_search(
        ListSearchRequest(query="", processing_types=["MANUAL"])
    )
    assert [x.list_id for x in found.lists] == sb.list_ids


def test_sdk_retry_middleware_rides_out_injected_429s(sb):
    from urllib3.util.retry import Retry

    retrying = hubspot.HubSpot(
        access_token=sb.token,
        host=sb.url,
        retry=Retry(total=3, status_forcelist=(429,), backoff_factor=0),
    )
    inj = sb.inject(status=429, count=2, path_contains="/crm/v3/objects/companies")
    page = retrying.crm.companies.basic_api.get_page(limit=1)
    assert len(page.results) == 1 and inj.hits == 2
