"""The endpoints loaders (Airbyte, dlt) read besides records: their shapes and scopes.

Legacy Properties v2, custom-object schemas, owners, pipelines, top-level search
``filters``, ``propertiesWithHistory``, the types with records beyond contacts,
companies and deals (tickets, line items, engagements, the custom object ...), and the
object types every portal has but the sandbox holds no records of (leads, goals ...).
"""

from __future__ import annotations

import httpx
import pytest

from hubframe.sandbox import Sandbox

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def sb():
    # search_rate=None: these tests search back to back; the 5/s window is tested elsewhere
    with Sandbox(contacts=60, companies=8, deals=20, seed=4, search_rate=None) as box:
        yield box


@pytest.fixture(scope="module")
def api(sb):
    with httpx.Client(base_url=sb.url, headers={"Authorization": f"Bearer {sb.token}"}) as c:
        yield c


def _scoped(sb, scopes: list[str]) -> Sandbox:
    return Sandbox(contacts=5, companies=1, deals=1, token=sb.token, scopes=scopes)


@pytest.mark.parametrize("spelling", ["contacts", "contact", "0-1", "deal", "companies"])
def test_properties_v2_is_the_v3_table_in_v2_shape(api, spelling):
    v2 = api.get(f"/properties/v2/{spelling}/properties").json()
    v3 = api.get(f"/crm/v3/properties/{spelling}").json()["results"]
    assert isinstance(v2, list) and [p["name"] for p in v2] == [p["name"] for p in v3]
    for old, new in zip(v2, v3, strict=True):
        for key in ("label", "type", "fieldType", "groupName", "description", "calculated"):
            assert old[key] == new[key]
        assert old["readOnlyValue"] == new["modificationMetadata"]["readOnlyValue"]
        assert old["readOnlyDefinition"] == new["modificationMetadata"]["readOnlyDefinition"]
        assert [o["value"] for o in old["options"]] == [o["value"] for o in new["options"]]
        assert all({"readOnly", "doubleData", "hidden"} <= set(o) for o in old["options"])
        assert "modificationMetadata" not in old and old["deleted"] is False
        # v2 timestamps are epoch ms, null on HubSpot's own properties
        assert (
            old["createdAt"] is None
            if new.get("hubspotDefined")
            else isinstance(old["createdAt"], int)
        )
        assert old["hubspotDefined"] is (True if new.get("hubspotDefined") else None)


def test_custom_object_schema_lists_the_machines_and_is_scoped(sb, api):
    (schema,) = api.get("/crm/v3/schemas").json()["results"]
    assert schema["name"] == "machines" and schema["objectTypeId"].startswith("2-")
    assert schema["fullyQualifiedName"] == f"p{sb.portal_id}_machines"
    assert schema["labels"] == {"singular": "Machine", "plural": "Machines"}
    defined = api.get(f"/crm/v3/properties/{schema['objectTypeId']}").json()["results"]
    assert [p["name"] for p in schema["properties"]] == [p["name"] for p in defined]
    assert {a["toObjectTypeId"] for a in schema["associations"]} == {"0-1", "0-2"}
    # one schema by any of its names, the dated family too
    for name in ("machines", schema["objectTypeId"], schema["fullyQualifiedName"]):
        assert api.get(f"/crm/v3/schemas/{name}").json() == schema
    assert api.get("/crm-object-schemas/2026-09/schemas").json()["results"] == [schema]
    assert api.get("/crm/v3/schemas/contacts").status_code == 404
    with _scoped(sb, ["crm.objects.contacts.read"]) as other:
        denied = httpx.get(
            f"{other.url}/crm/v3/schemas", headers={"Authorization": f"Bearer {sb.token}"}
        )
    assert denied.status_code == 403
    assert denied.json()["errors"][0]["context"]["requiredGranularScopes"] == [
        "crm.schemas.custom.read"
    ]


def test_owners_page_with_links(api):
    page = api.get("/crm/v3/owners", params={"limit": 3}).json()
    assert len(page["results"]) == 3 and page["paging"]["next"]["after"] == "3"
    owners = list(page["results"])
    while "paging" in page:
        page = httpx.get(page["paging"]["next"]["link"], headers=api.headers).json()
        owners += page["results"]
    options = api.get("/crm/v3/properties/contacts/hubspot_owner_id").json()["options"]
    # the owners are the owner property's options, so every owner id a record holds is listed
    assert [o["id"] for o in owners] == [o["value"] for o in options]
    email = owners[1]["email"]
    by_email = api.get("/crm/v3/owners", params={"email": email}).json()["results"]
    assert [o["email"] for o in by_email] == [email]


def test_deal_pipeline_stages_are_the_dealstage_options(api, sb):
    pipelines = api.get("/crm/v3/pipelines/deals").json()["results"]
    assert [p["id"] for p in pipelines] == ["default", "2093515"]
    stages = {s["id"]: (p["id"], s["metadata"]) for p in pipelines for s in p["stages"]}
    assert stages["closedwon"] == ("default", {"isClosed": "true", "probability": "1.0"})
    assert stages["appointmentscheduled"][1]["isClosed"] == "false"
    assert stages["2093517"] == ("2093515", {"isClosed": "true", "probability": "1.0"})
    # every stage is in one pipeline, and the stage options are every pipeline's stages
    options = api.get("/crm/v3/properties/deals/dealstage").json()["options"]
    assert sorted(stages) == sorted(o["value"] for o in options)
    assert sum(len(p["stages"]) for p in pipelines) == len(stages)
    # every deal's stage is a stage of its own pipeline
    for deal_id in sb.live_ids("deals"):
        props = sb.record("deals", deal_id)["properties"]
        assert stages[props["dealstage"]][0] == props["pipeline"]


def test_pipelines_have_dated_paths(api):
    legacy = api.get("/crm/v3/pipelines/deals").json()
    for version in ("2026-03", "2026-09"):
        assert api.get(f"/crm/pipelines/{version}/deals").json() == legacy
        assert api.get(f"/crm/pipelines/{version}/0-3").json() == legacy


@pytest.mark.parametrize("kind", ["leads", "0-136", "goal_targets", "feedback_submissions"])
def test_recordless_types_answer_as_an_empty_portal(api, kind):
    assert api.get(f"/crm/v3/objects/{kind}", params={"limit": 100}).json() == {"results": []}
    found = api.post(f"/crm/v3/objects/{kind}/search", json={"limit": 100}).json()
    assert found == {"total": 0, "results": []}
    names = {p["name"] for p in api.get(f"/crm/v3/properties/{kind}").json()["results"]}
    assert {"hs_object_id", "hs_lastmodifieddate"} <= names
    assert api.get(f"/properties/v2/{kind}/properties").json()  # never empty, as on HubSpot
    assert api.get(f"/crm/v3/objects/{kind}", params={"limit": 101}).status_code == 400


@pytest.mark.parametrize(
    "kind", ["tickets", "0-5", "products", "line_items", "quotes", "calls", "notes", "2-4100001"]
)
def test_types_with_records_list_search_and_define_them(sb, api, kind):
    listed = api.get(f"/crm/v3/objects/{kind}", params={"limit": 100}).json()["results"]
    name = {"0-5": "tickets", "2-4100001": "machines"}.get(kind, kind)
    assert listed and [r["id"] for r in listed] == sorted(sb.live_ids(name), key=int)[:100]
    found = api.post(f"/crm/v3/objects/{kind}/search", json={"limit": 100}).json()
    assert found["total"] == len(sb.live_ids(name))
    names = {p["name"] for p in api.get(f"/crm/v3/properties/{kind}").json()["results"]}
    assert {"hs_object_id", "hs_lastmodifieddate"} <= names
    assert set(listed[0]["properties"]) <= names


def test_recordless_writes_and_unknown_types_still_fail(api):
    assert api.post("/crm/v3/objects/leads", json={"properties": {}}).status_code == 400
    assert api.get("/crm/v3/objects/widgets").status_code == 400
    missing = api.get("/crm/v3/properties/tickets/nope")
    assert missing.status_code == 404 and "0-5" in missing.json()["message"]


def test_types_with_records_need_hubspots_own_scopes(sb):
    with _scoped(sb, ["crm.objects.contacts.read", "crm.objects.tickets.read"]) as other:
        headers = {"Authorization": f"Bearer {sb.token}"}
        denied = httpx.get(f"{other.url}/crm/v3/objects/tickets", headers=headers)
        calls = httpx.get(f"{other.url}/crm/v3/objects/calls", headers=headers)
        machines = httpx.get(f"{other.url}/crm/v3/objects/machines", headers=headers)
        write = httpx.post(
            f"{other.url}/crm/v3/objects/notes", headers=headers, json={"properties": {}}
        )
    assert denied.status_code == 403
    assert denied.json()["errors"][0]["context"]["requiredGranularScopes"] == ["tickets"]
    assert calls.status_code == 200  # engagements read with the contacts scope
    assert machines.status_code == 403
    assert machines.json()["errors"][0]["context"]["requiredGranularScopes"] == [
        "crm.objects.custom.read"
    ]
    assert write.status_code == 403
    assert write.json()["errors"][0]["context"]["requiredGranularScopes"] == [
        "crm.objects.contacts.write"
    ]


def test_association_reads_to_types_with_and_without_records(sb, api):
    deals = sorted(sb.live_ids("deals"), key=int)
    with_items = [d for d in deals if sb.store.live_targets("deals", int(d), "line_items")]
    bare = [d for d in deals if d not in with_items]
    assert with_items and bare
    listed = api.get(f"/crm/v3/objects/deals/{with_items[0]}/associations/line_items").json()
    expected = {str(i) for i in sb.store.live_targets("deals", int(with_items[0]), "line_items")}
    assert {r["id"] for r in listed["results"]} == expected
    resp = api.post(
        "/crm/v4/associations/deals/line_items/batch/read", json={"inputs": [{"id": bare[0]}]}
    )
    assert resp.status_code == 207
    (error,) = resp.json()["errors"]
    assert error["subCategory"] == "crm.associations.NO_ASSOCIATIONS_FOUND"
    assert error["message"] == f"No line_item is associated with deal {bare[0]}."
    contact = min(sb.live_ids("contacts"), key=int)
    assert api.get(f"/crm/v3/objects/contacts/{contact}/associations/leads").json() == {
        "results": []
    }


def test_top_level_filters_are_anded(sb, api):
    ids = sorted(sb.live_ids("contacts"), key=int)
    body = {
        "filters": [
            {"propertyName": "hs_object_id", "operator": "GTE", "value": ids[5]},
            {"propertyName": "hs_object_id", "operator": "LTE", "value": ids[9]},
        ],
        "limit": 100,
    }
    found = api.post("/crm/v3/objects/contacts/search", json=body).json()
    assert [r["id"] for r in found["results"]] == ids[5:10]
    grouped = {
        **body,
        "filterGroups": [
            {"filters": [{"propertyName": "hs_object_id", "operator": "EQ", "value": ids[7]}]}
        ],
    }
    assert [
        r["id"] for r in api.post("/crm/v3/objects/contacts/search", json=grouped).json()["results"]
    ] == [ids[7]]


def test_properties_with_history_on_get(sb, api):
    deal = min(sb.live_ids("deals"), key=int)
    got = api.get(
        f"/crm/v3/objects/deals/{deal}",
        params={"propertiesWithHistory": "dealname,hs_is_closed,nope"},
    ).json()
    history = got["propertiesWithHistory"]
    assert set(history) == {"dealname", "hs_is_closed"}
    assert history["dealname"][0]["value"] == sb.record("deals", deal)["properties"]["dealname"]
    assert history["dealname"][0]["timestamp"] == got["updatedAt"]
    assert history["hs_is_closed"][0]["sourceType"] == "CALCULATED"
    assert "propertiesWithHistory" not in api.get(f"/crm/v3/objects/deals/{deal}").json()
