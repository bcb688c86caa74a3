"""The sandbox's CRM object endpoints, properties, auth and headers, spoken to with raw httpx."""

from __future__ import annotations

import json

import httpx
import pytest

from hubframe.sandbox import Sandbox

ALWAYS = {"createdate", "hs_object_id", "lastmodifieddate"}


@pytest.fixture(scope="module")
def sb():
    with Sandbox(contacts=120, companies=15, deals=30, seed=3) as box:
        yield box


@pytest.fixture(scope="module")
def api(sb):
    with httpx.Client(base_url=sb.url, headers={"Authorization": f"Bearer {sb.token}"}) as client:
        yield client


@pytest.fixture
def box():
    """A private sandbox for tests that write."""
    with Sandbox(contacts=40, companies=6, deals=10, seed=11) as b:
        with httpx.Client(base_url=b.url, headers={"Authorization": f"Bearer {b.token}"}) as client:
            yield b, client


def assert_error(resp: httpx.Response, status: int, category: str | None) -> dict:
    assert resp.status_code == status, resp.text
    body = resp.json()
    assert body["status"] == "error"
    assert body["correlationId"] == resp.headers["X-HubSpot-Correlation-Id"]
    assert body.get("category") == category
    return body


# -- list ----------------------------------------------------------------------------------


def test_list_first_page_has_hubspot_shape_and_defaults(sb, api):
    r = api.get("/crm/v3/objects/contacts")
    assert r.status_code == 200
    body = r.json()
    assert len(body["results"]) == 10  # HubSpot's default page size
    first = body["results"][0]
    assert list(first) == ["id", "properties", "createdAt", "updatedAt", "archived"]
    assert first["archived"] is False
    assert first["createdAt"].endswith("Z") and len(first["createdAt"]) == 24
    assert set(first["properties"]) <= {"firstname", "lastname", "email"} | ALWAYS
    assert ALWAYS <= set(first["properties"])
    assert first["properties"]["hs_object_id"] == first["id"]
    ids = [int(o["id"]) for o in body["results"]]
    assert ids == sorted(ids)
    live = sb.store.table("contacts").live_ids()
    assert ids == live[:10]
    assert body["paging"]["next"]["after"] == str(live[10])
    assert "after=" + str(live[10]) in body["paging"]["next"]["link"]


def test_paging_to_the_end_returns_every_live_record_once(sb, api):
    seen, after, pages = [], None, 0
    while True:
        params = {"limit": 100, **({"after": after} if after else {})}
        body = api.get("/crm/v3/objects/contacts", params=params).json()
        seen += [o["id"] for o in body["results"]]
        pages += 1
        if "paging" not in body:
            break
        after = body["paging"]["next"]["after"]
    assert len(seen) == len(set(seen)) == 120
    assert pages == 2


def test_limit_over_100_is_a_validation_error(api):
    body = assert_error(
        api.get("/crm/v3/objects/contacts", params={"limit": 101}), 400, "VALIDATION_ERROR"
    )
    assert "limit" in body["message"]


def test_properties_requested_unset_are_omitted_and_unknown_ignored(sb, api):
    table = sb.store.table("contacts")
    rec = next(r for r in table.records.values() if not r.archived and "jobtitle" not in r.props)
    r = api.get(
        f"/crm/v3/objects/contacts/{rec.id}", params={"properties": "jobtitle,no_such_prop,city"}
    )
    props = r.json()["properties"]
    assert "jobtitle" not in props and "no_such_prop" not in props
    assert set(props) - ALWAYS <= {"city"}
    # repeated parameters (as HubSpot's SDK sends them) work too
    r2 = api.get(
        f"/crm/v3/objects/contacts/{rec.id}",
        params=[("properties", "city"), ("properties", "email")],
    )
    assert set(r2.json()["properties"]) - ALWAYS <= {"city", "email"}


def test_cleared_values_come_back_as_empty_strings(sb, api):
    table = sb.store.table("contacts")
    rec = next(
        r for r in table.records.values() if not r.archived and r.props.get("jobtitle") == ""
    )
    props = api.get(f"/crm/v3/objects/contacts/{rec.id}", params={"properties": "jobtitle"}).json()[
        "properties"
    ]
    assert props["jobtitle"] == ""


def test_archived_true_lists_only_archived_records(sb, api):
    body = api.get("/crm/v3/objects/contacts", params={"archived": "true", "limit": 100}).json()
    assert body["results"], "the seed archives about 2% of records"
    for o in body["results"]:
        assert o["archived"] is True and o["archivedAt"].endswith("Z")
    archived_ids = {o["id"] for o in body["results"]}
    live = api.get("/crm/v3/objects/contacts", params={"limit": 100}).json()["results"]
    assert not archived_ids & {o["id"] for o in live}


def test_embedded_associations_use_v3_type_names(sb, api):
    table = sb.store.table("contacts")
    cid = next(i for i in table.live_ids() if sb.store.live_targets("contacts", i, "companies"))
    body = api.get(f"/crm/v3/objects/contacts/{cid}", params={"associations": "companies"}).json()
    results = body["associations"]["companies"]["results"]
    assert {"type"} <= set(results[0]) and {r["type"] for r in results} >= {
        "contact_to_company",
        "contact_to_company_unlabeled",
    }
    # a record without associations has no "associations" key
    lonely = next(i for i in table.live_ids() if not sb.store.live_targets("contacts", i, "deals"))
    assert (
        "associations"
        not in api.get(
            f"/crm/v3/objects/contacts/{lonely}", params={"associations": "deals"}
        ).json()
    )


@pytest.mark.parametrize("alias", ["contact", "CONTACTS", "0-1", "Contact"])
def test_object_type_aliases(api, alias):
    r = api.get(f"/crm/v3/objects/{alias}", params={"limit": 2})
    assert r.status_code == 200
    assert (
        r.json()["results"]
        == api.get("/crm/v3/objects/contacts", params={"limit": 2}).json()["results"]
    )


def test_unknown_object_type_is_rejected(api):
    # tickets, products ... exist on every portal (empty here); a made-up type does not
    body = assert_error(api.get("/crm/v3/objects/widgets"), 400, "VALIDATION_ERROR")
    assert "widgets" in body["message"]


# -- get by id -----------------------------------------------------------------------------


def test_get_by_id_and_by_email(sb, api):
    table = sb.store.table("contacts")
    rec = next(r for r in table.records.values() if not r.archived and r.props.get("email"))
    by_id = api.get(f"/crm/v3/objects/contacts/{rec.id}").json()
    by_email = api.get(
        f"/crm/v3/objects/contacts/{rec.props['email'].upper()}", params={"idProperty": "email"}
    ).json()
    assert by_id == by_email
    assert by_id["properties"]["email"] == rec.props["email"]


@pytest.mark.parametrize("bad", ["99999999", "abc"])
def test_unknown_id_is_hubspots_404(api, bad):
    body = assert_error(api.get(f"/crm/v3/objects/contacts/{bad}"), 404, "OBJECT_NOT_FOUND")
    assert body["message"] == "Object not found.  objectId are usually numeric."
    assert body["context"] == {"id": [bad]}


def test_archived_record_is_404_unless_archived_true(sb, api):
    rid = sb.store.table("contacts").archived_ids()[0]
    assert api.get(f"/crm/v3/objects/contacts/{rid}").status_code == 404
    body = api.get(f"/crm/v3/objects/contacts/{rid}", params={"archived": "true"}).json()
    assert body["archived"] is True


# -- create / update / delete --------------------------------------------------------------


def test_create_returns_201_with_normalised_and_computed_values(box):
    sb, api = box
    company = sb.store.table("companies").live_ids()[0]
    r = api.post(
        "/crm/v3/objects/contacts",
        json={
            "properties": {
                "email": "Zoë.Nuñez@Example.ORG",
                "firstname": "Zoë",
                "customer_rating": 4.5,
                "vip_customer": True,
                "contract_start_date": 1430438400000,
                "closedate": "2024-05-01T12:30:00+02:00",
                "favorite_products": "crm;chat",
                "lifecyclestage": "lead",
            },
            "associations": [
                {
                    "to": {"id": str(company)},
                    "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}],
                }
            ],
        },
    )
    assert r.status_code == 201, r.text
    obj = r.json()
    p = obj["properties"]
    assert p["email"] == "zoë.nuñez@example.org"
    assert p["hs_email_domain"] == "example.org"
    assert p["hs_object_id"] == obj["id"]
    assert p["createdate"] == obj["createdAt"] and p["lastmodifieddate"] == obj["updatedAt"]
    assert p["customer_rating"] == "4.5" and p["vip_customer"] == "true"
    assert p["contract_start_date"] == "2015-05-01"
    assert p["closedate"] == "2024-05-01T10:30:00.000Z"
    assert p["favorite_products"] == "crm;chat"
    assert p["associatedcompanyid"] == str(company)
    # the company now lists the contact, twice (primary and unlabeled)
    listed = api.get(f"/crm/v3/objects/companies/{company}/associations/contacts").json()["results"]
    assert {"id": obj["id"], "type": "company_to_contact"} in listed
    assert {"id": obj["id"], "type": "company_to_contact_unlabeled"} in listed


def test_duplicate_email_is_a_conflict_naming_the_existing_id(box):
    sb, api = box
    rec = next(
        r
        for r in sb.store.table("contacts").records.values()
        if not r.archived and r.props.get("email")
    )
    body = assert_error(
        api.post(
            "/crm/v3/objects/contacts", json={"properties": {"email": rec.props["email"].upper()}}
        ),
        409,
        "CONFLICT",
    )
    assert body["message"] == f"Contact already exists. Existing ID: {rec.id}"


@pytest.mark.parametrize(
    "props, code",
    [
        ({"no_such_prop": "x"}, "PROPERTY_DOESNT_EXIST"),
        ({"hs_object_id": "5"}, "READ_ONLY_VALUE"),
        ({"lifecyclestage": "Lead"}, "INVALID_OPTION"),  # enumeration values are case-sensitive
        ({"favorite_products": "crm;golf"}, "INVALID_OPTION"),
        ({"contract_start_date": "1430438400001"}, "INVALID_DATE"),  # not midnight UTC
        ({"contract_start_date": "May 1st"}, "INVALID_DATE"),
        ({"closedate": "yesterday"}, "INVALID_DATETIME"),
        ({"vip_customer": "yes"}, "INVALID_BOOLEAN"),
        ({"customer_rating": "five"}, "INVALID_LONG"),
        ({"email": "not an email"}, "INVALID_EMAIL"),
    ],
)
def test_invalid_values_are_rejected_with_hubspots_body(box, props, code):
    sb, api = box
    before = sb.store.count("contacts")
    body = assert_error(
        api.post("/crm/v3/objects/contacts", json={"properties": props}), 400, "VALIDATION_ERROR"
    )
    assert body["message"].startswith("Property values were not valid: [")
    details = json.loads(body["message"][len("Property values were not valid: ") :])
    name = next(iter(props))
    assert (
        details[0]["error"] == code
        and details[0]["name"] == name
        and details[0]["isValid"] is False
    )
    assert body["errors"][0]["code"] == code
    assert body["errors"][0]["context"] == {"propertyName": [name]}
    assert sb.store.count("contacts") == before


def test_update_changes_clears_and_appends(box):
    sb, api = box
    rec = next(
        r
        for r in sb.store.table("contacts").records.values()
        if not r.archived and r.props.get("jobtitle") and r.props.get("favorite_products") is None
    )
    before = api.get(f"/crm/v3/objects/contacts/{rec.id}").json()
    r = api.patch(
        f"/crm/v3/objects/contacts/{rec.id}",
        json={"properties": {"jobtitle": "", "favorite_products": "crm", "city": "Köln"}},
    )
    assert r.status_code == 200
    p = r.json()["properties"]
    assert p["jobtitle"] == "" and p["city"] == "Köln" and p["favorite_products"] == "crm"
    assert r.json()["updatedAt"] > before["updatedAt"]
    r = api.patch(
        f"/crm/v3/objects/contacts/{rec.id}",
        json={"properties": {"favorite_products": ";email;crm"}},
    )
    assert r.json()["properties"]["favorite_products"] == "crm;email"
    again = api.get(
        f"/crm/v3/objects/contacts/{rec.id}", params={"properties": "jobtitle,city"}
    ).json()
    assert again["properties"]["jobtitle"] == "" and again["properties"]["city"] == "Köln"


def test_update_by_email_and_errors(box):
    sb, api = box
    a, b = [
        r
        for r in sb.store.table("contacts").records.values()
        if not r.archived and r.props.get("email")
    ][:2]
    r = api.patch(
        f"/crm/v3/objects/contacts/{a.props['email']}",
        params={"idProperty": "email"},
        json={"properties": {"lastname": "Øster"}},
    )
    assert r.json()["properties"]["lastname"] == "Øster"
    assert_error(
        api.patch(
            f"/crm/v3/objects/contacts/{a.id}", json={"properties": {"email": b.props["email"]}}
        ),
        409,
        "CONFLICT",
    )
    assert_error(
        api.patch(
            f"/crm/v3/objects/contacts/{a.id}", json={"properties": {"createdate": "2020-01-01"}}
        ),
        400,
        "VALIDATION_ERROR",
    )
    assert_error(
        api.patch("/crm/v3/objects/contacts/424242", json={"properties": {"lastname": "x"}}),
        404,
        "OBJECT_NOT_FOUND",
    )


def test_delete_archives_then_404(box):
    sb, api = box
    rid = sb.store.table("contacts").live_ids()[3]
    r = api.delete(f"/crm/v3/objects/contacts/{rid}")
    assert r.status_code == 204 and r.content == b""
    assert r.headers["X-HubSpot-Correlation-Id"]
    assert_error(api.get(f"/crm/v3/objects/contacts/{rid}"), 404, "OBJECT_NOT_FOUND")
    assert (
        api.get(f"/crm/v3/objects/contacts/{rid}", params={"archived": "true"}).json()["archived"]
        is True
    )
    assert_error(api.delete(f"/crm/v3/objects/contacts/{rid}"), 404, "OBJECT_NOT_FOUND")
    assert_error(api.delete("/crm/v3/objects/contacts/77777777"), 404, "OBJECT_NOT_FOUND")


def test_deal_without_pipeline_lands_in_the_default_pipeline(box):
    _, api = box
    r = api.post(
        "/crm/v3/objects/deals",
        json={"properties": {"dealname": "Pilot", "amount": "1200", "dealstage": "closedwon"}},
    )
    p = r.json()["properties"]
    assert r.status_code == 201 and p["pipeline"] == "default"
    assert p["hs_is_closed_won"] == "true" and p["hs_deal_stage_probability"] == "1.0"


def test_malformed_json_is_a_validation_error(api):
    r = api.post(
        "/crm/v3/objects/contacts",
        content=b'{"properties": ',
        headers={"Content-Type": "application/json"},
    )
    body = assert_error(r, 400, "VALIDATION_ERROR")
    assert body["message"].startswith("Invalid input JSON on line 1, column")


# -- batch ---------------------------------------------------------------------------------


def test_batch_read_complete_and_partial(sb, api):
    ids = [str(i) for i in sb.store.table("contacts").live_ids()[:3]]
    r = api.post(
        "/crm/v3/objects/contacts/batch/read",
        json={"inputs": [{"id": i} for i in ids], "properties": ["email", "city"]},
    )
    assert r.status_code == 200
    body = r.json()
    assert body["status"] == "COMPLETE" and body["startedAt"] and body["completedAt"]
    assert [o["id"] for o in body["results"]] == ids
    assert set(body["results"][0]["properties"]) - ALWAYS <= {"email", "city"}
    r = api.post(
        "/crm/v3/objects/contacts/batch/read",
        json={"inputs": [{"id": ids[0]}, {"id": "123456789"}]},
    )
    assert r.status_code == 207
    body = r.json()
    assert body["numErrors"] == 1 and [o["id"] for o in body["results"]] == [ids[0]]
    err = body["errors"][0]
    assert err["status"] == "error" and err["category"] == "OBJECT_NOT_FOUND"
    assert err["message"] == (
        "Could not get some CONTACT objects, they may be deleted or not exist. "
        "Check that ids are valid."
    )
    assert err["context"] == {"ids": ["123456789"]}


def test_batch_read_by_email_and_limit(sb, api):
    rec = next(
        r
        for r in sb.store.table("contacts").records.values()
        if not r.archived and r.props.get("email")
    )
    r = api.post(
        "/crm/v3/objects/contacts/batch/read",
        json={"idProperty": "email", "inputs": [{"id": rec.props["email"]}]},
    )
    assert r.json()["results"][0]["id"] == str(rec.id)
    too_many = {"inputs": [{"id": str(i)} for i in range(101)]}
    assert_error(
        api.post("/crm/v3/objects/contacts/batch/read", json=too_many), 400, "VALIDATION_ERROR"
    )


def test_batch_create_update_archive(box):
    sb, api = box
    r = api.post(
        "/crm/v3/objects/companies/batch/create",
        json={
            "inputs": [
                {
                    "properties": {"name": "Ålesund Fisk AS", "domain": "alesundfisk.no"},
                    "objectWriteTraceId": "a",
                },
                {
                    "properties": {"name": "Nordlicht", "numberofemployees": "12"},
                    "objectWriteTraceId": "b",
                },
            ]
        },
    )
    assert r.status_code == 201
    body = r.json()
    assert body["status"] == "COMPLETE" and [o["objectWriteTraceId"] for o in body["results"]] == [
        "a",
        "b",
    ]
    ids = [o["id"] for o in body["results"]]
    r = api.post(
        "/crm/v3/objects/companies/batch/update",
        json={
            "inputs": [
                {"id": ids[0], "properties": {"city": "Ålesund"}},
                {"id": "99999999", "properties": {"city": "x"}},
            ]
        },
    )
    assert r.status_code == 207
    assert r.json()["results"][0]["properties"]["city"] == "Ålesund"
    assert r.json()["errors"][0]["context"] == {"ids": ["99999999"]}
    r = api.post(
        "/crm/v3/objects/companies/batch/archive", json={"inputs": [{"id": i} for i in ids]}
    )
    assert r.status_code == 204
    assert all(sb.store.record("companies", i).archived for i in ids)


def test_batch_create_is_all_or_nothing_without_trace_ids(box):
    sb, api = box
    before = sb.store.count("contacts")
    bad = {
        "inputs": [
            {"properties": {"email": "ok1@example.org"}},
            {"properties": {"lifecyclestage": "nope"}},
        ]
    }
    assert_error(
        api.post("/crm/v3/objects/contacts/batch/create", json=bad), 400, "VALIDATION_ERROR"
    )
    assert sb.store.count("contacts") == before
    traced = {
        "inputs": [
            {"properties": {"email": "ok1@example.org"}, "objectWriteTraceId": "1"},
            {"properties": {"lifecyclestage": "nope"}, "objectWriteTraceId": "2"},
        ]
    }
    r = api.post("/crm/v3/objects/contacts/batch/create", json=traced)
    assert r.status_code == 207
    body = r.json()
    assert len(body["results"]) == 1 and body["numErrors"] == 1
    assert body["errors"][0]["context"]["objectWriteTraceId"] == ["2"]
    assert sb.store.count("contacts") == before + 1


def test_batch_upsert_by_email(box):
    sb, api = box
    existing = next(
        r
        for r in sb.store.table("contacts").records.values()
        if not r.archived and r.props.get("email")
    )
    r = api.post(
        "/crm/v3/objects/contacts/batch/upsert",
        json={
            "inputs": [
                {
                    "id": existing.props["email"],
                    "idProperty": "email",
                    "properties": {"city": "Porto"},
                },
                {
                    "id": "brand.new@example.org",
                    "idProperty": "email",
                    "properties": {"firstname": "Bran"},
                },
            ]
        },
    )
    assert r.status_code == 200
    results = r.json()["results"]
    assert [o["new"] for o in results] == [False, True]
    assert results[0]["id"] == str(existing.id) and results[0]["properties"]["city"] == "Porto"


# -- properties ----------------------------------------------------------------------------


def test_properties_cover_every_type_with_realistic_definitions(api):
    results = api.get("/crm/v3/properties/contacts").json()["results"]
    by_name = {p["name"]: p for p in results}
    assert len(results) >= 40
    assert {
        "firstname",
        "lastname",
        "email",
        "phone",
        "company",
        "website",
        "lifecyclestage",
        "hs_lead_status",
        "jobtitle",
        "city",
        "country",
        "createdate",
        "lastmodifieddate",
        "hs_object_id",
        "hubspot_owner_id",
        "hs_email_domain",
    } <= set(by_name)
    assert {p["type"] for p in results} >= {
        "string",
        "number",
        "date",
        "datetime",
        "enumeration",
        "bool",
        "phone_number",
    }
    assert by_name["favorite_products"]["fieldType"] == "checkbox"
    assert by_name["lifecyclestage"]["fieldType"] in ("radio", "select")
    assert {"label": "Lead", "value": "lead", "displayOrder": 1, "hidden": False} in by_name[
        "lifecyclestage"
    ]["options"]
    for name in ("hs_object_id", "createdate", "lastmodifieddate", "hs_email_domain"):
        assert by_name[name]["modificationMetadata"]["readOnlyValue"] is True
    assert by_name["email"]["modificationMetadata"]["readOnlyValue"] is False
    for p in results:
        assert {"name", "label", "type", "fieldType", "description", "groupName", "options"} <= set(
            p
        )
    companies = api.get("/crm/v3/properties/companies").json()["results"]
    deals = api.get("/crm/v3/properties/0-3").json()["results"]
    assert len(companies) >= 25 and len(deals) >= 25
    assert {
        "name",
        "domain",
        "industry",
        "numberofemployees",
        "annualrevenue",
        "hs_lastmodifieddate",
    } <= {p["name"] for p in companies}
    assert {"dealname", "amount", "closedate", "pipeline", "dealstage"} <= {
        p["name"] for p in deals
    }


def test_single_property_and_unknown(api):
    p = api.get("/crm/v3/properties/contacts/email").json()
    assert p["name"] == "email" and p["type"] == "string"
    assert_error(api.get("/crm/v3/properties/contacts/nope"), 404, "OBJECT_NOT_FOUND")


# -- auth, scopes, headers -----------------------------------------------------------------


@pytest.mark.parametrize(
    "headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic abc"}]
)
def test_missing_or_wrong_token_is_401(sb, headers):
    r = httpx.get(sb.url + "/crm/v3/objects/contacts", headers=headers)
    body = assert_error(r, 401, "INVALID_AUTHENTICATION")
    assert body["message"].startswith("Authentication credentials not found.")


def test_missing_scope_is_403_naming_the_scope():
    with Sandbox(contacts=5, companies=1, deals=1, scopes=["crm.objects.contacts.read"]) as sb:
        headers = {"Authorization": f"Bearer {sb.token}"}
        assert httpx.get(sb.url + "/crm/v3/objects/contacts", headers=headers).status_code == 200
        # properties accept the object's read scope as well as the schema scope
        assert httpx.get(sb.url + "/crm/v3/properties/contacts", headers=headers).status_code == 200
        r = httpx.post(
            sb.url + "/crm/v3/objects/contacts", headers=headers, json={"properties": {}}
        )
        body = assert_error(r, 403, "MISSING_SCOPES")
        assert body["errors"][0]["context"]["requiredGranularScopes"] == [
            "crm.objects.contacts.write"
        ]
        assert body["links"] == {"scopes": "https://developers.hubspot.com/scopes"}
        r = httpx.get(sb.url + "/crm/v3/objects/deals", headers=headers)
        assert assert_error(r, 403, "MISSING_SCOPES")["errors"][0]["context"][
            "requiredGranularScopes"
        ] == ["crm.objects.deals.read"]
        r = httpx.put(sb.url + "/crm/v3/lists/11/memberships/add", headers=headers, json=[])
        assert "crm.lists.write" in r.json()["errors"][0]["context"]["requiredGranularScopes"]


def test_rate_limit_headers_on_api_responses_but_not_search(api):
    r = api.get("/crm/v3/objects/contacts", params={"limit": 1})
    for h in ("Daily", "Daily-Remaining", "Interval-Milliseconds", "Max", "Remaining"):
        assert f"X-HubSpot-RateLimit-{h}" in r.headers
    assert r.headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
    s = api.post("/crm/v3/objects/contacts/search", json={})
    assert (
        "X-HubSpot-RateLimit-Daily" in s.headers
        and "X-HubSpot-RateLimit-Daily-Remaining" in s.headers
    )
    assert (
        "X-HubSpot-RateLimit-Max" not in s.headers
        and "X-HubSpot-RateLimit-Remaining" not in s.headers
    )
    assert s.headers["X-HubSpot-Correlation-Id"] != r.headers["X-HubSpot-Correlation-Id"]


def test_unknown_endpoint_is_a_404_hubspot_body(api):
    assert_error(api.get("/crm/v3/nothing/here"), 404, None)


def test_wsgi_app_works_in_process_without_a_server():
    sb = Sandbox(contacts=5, companies=1, deals=1)
    with httpx.Client(
        transport=httpx.WSGITransport(app=sb.app),
        base_url="http://sandbox",
        headers={"Authorization": f"Bearer {sb.token}"},
    ) as client:
        body = client.get("/crm/v3/objects/contacts").json()
    assert len(body["results"]) == 5 and "paging" not in body


def test_repr_never_shows_the_token():
    sb = Sandbox(contacts=1, companies=0, deals=0, token="pat-secret-token-123")
    assert "secret" not in repr(sb) and "secret" not in repr(sb.app)
