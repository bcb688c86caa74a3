"""The sandbox's lists v3, form submissions and workflow enrollment endpoints."""

from __future__ import annotations

from urllib.parse import quote

import httpx
import pytest

from hubframe.sandbox import Sandbox


@pytest.fixture
def box():
    with Sandbox(contacts=50, companies=5, deals=5, seed=6) as sb:
        with httpx.Client(
            base_url=sb.url, headers={"Authorization": f"Bearer {sb.token}"}
        ) as client:
            yield sb, client


def contact_ids(sb, n):
    return [str(i) for i in sb.store.table("contacts").live_ids()[:n]]


# -- lists ---------------------------------------------------------------------------------


def test_seeded_lists_are_exposed(box):
    sb, api = box
    assert sb.list_ids and sb.dynamic_list_ids and sb.snapshot_list_ids
    lst = api.get(f"/crm/v3/lists/{sb.list_ids[0]}").json()["list"]
    assert (
        lst["listId"] == sb.list_ids[0]
        and lst["processingType"] == "MANUAL"
        and lst["objectTypeId"] == "0-1"
    )
    assert lst["additionalProperties"]["hs_list_size"] == str(lst["size"])
    found = api.post("/crm/v3/lists/search", json={"query": "", "count": 2}).json()
    assert found["total"] == len(sb.list_ids) + len(sb.dynamic_list_ids) + len(sb.snapshot_list_ids)
    assert len(found["lists"]) == 2 and found["hasMore"] is True and found["offset"] == 2
    manual = api.post("/crm/v3/lists/search", json={"processingTypes": ["MANUAL"]}).json()["lists"]
    assert [x["listId"] for x in manual] == sb.list_ids
    both = api.get(
        "/crm/v3/lists", params=[("listIds", sb.list_ids[0]), ("listIds", sb.dynamic_list_ids[0])]
    ).json()
    assert [x["listId"] for x in both["lists"]] == [sb.list_ids[0], sb.dynamic_list_ids[0]]


def test_add_reports_added_missing_and_skips_members(box):
    sb, api = box
    list_id = sb.list_ids[0]
    a, b, c = contact_ids(sb, 3)
    r = api.put(f"/crm/v3/lists/{list_id}/memberships/add", json=[a, b])
    assert r.status_code == 200
    assert r.json() == {
        "recordsIdsAdded": [a, b],
        "recordIdsRemoved": [],
        "recordIdsMissing": [],
    }
    r = api.put(f"/crm/v3/lists/{list_id}/memberships/add", json=[b, c, "999999", "not-an-id"])
    assert r.json() == {
        "recordsIdsAdded": [c],
        "recordIdsRemoved": [],
        "recordIdsMissing": ["999999", "not-an-id"],
    }
    members = api.get(f"/crm/v3/lists/{list_id}/memberships").json()
    assert [m["recordId"] for m in members["results"]] == [a, b, c]
    assert all(m["membershipTimestamp"].endswith("Z") for m in members["results"])
    r = api.put(f"/crm/v3/lists/{list_id}/memberships/remove", json=[a, "999999"])
    assert r.json()["recordIdsRemoved"] == [a] and r.json()["recordIdsMissing"] == ["999999"]
    assert sb.store.list_members[list_id].keys() == {int(b), int(c)}


def test_memberships_paging(box):
    sb, api = box
    list_id = sb.list_ids[0]
    ids = contact_ids(sb, 7)
    api.put(f"/crm/v3/lists/{list_id}/memberships/add", json=ids)
    seen, after = [], None
    while True:
        params = {"limit": 3, **({"after": after} if after else {})}
        body = api.get(f"/crm/v3/lists/{list_id}/memberships", params=params).json()
        seen += [m["recordId"] for m in body["results"]]
        if "paging" not in body:
            break
        after = body["paging"]["next"]["after"]
    assert seen == ids


def test_dynamic_unknown_and_malformed(box):
    sb, api = box
    r = api.put(f"/crm/v3/lists/{sb.dynamic_list_ids[0]}/memberships/add", json=contact_ids(sb, 1))
    assert (
        r.status_code == 400
        and r.json()["category"] == "VALIDATION_ERROR"
        and "DYNAMIC" in r.json()["message"]
    )
    r = api.put("/crm/v3/lists/424242/memberships/add", json=contact_ids(sb, 1))
    assert r.status_code == 404 and r.json()["category"] == "OBJECT_NOT_FOUND"
    assert api.get("/crm/v3/lists/424242").status_code == 404
    r = api.put(f"/crm/v3/lists/{sb.list_ids[0]}/memberships/add", json={"ids": ["1"]})
    assert r.status_code == 400
    # a SNAPSHOT list takes manual adds
    r = api.put(f"/crm/v3/lists/{sb.snapshot_list_ids[0]}/memberships/add", json=contact_ids(sb, 1))
    assert r.status_code == 200


# -- forms ---------------------------------------------------------------------------------


def form_with(sb, *, redirect=False):
    for guid in sb.form_ids:
        if bool(sb.store.forms[guid].get("redirectUri")) == redirect:
            return guid
    raise AssertionError("no such seeded form")


def submit(sb, guid, fields, **extra):
    # no Authorization header: the public submit endpoint needs none
    return httpx.post(
        f"{sb.forms_url}/submissions/v3/integration/submit/{sb.portal_id}/{guid}",
        json={"fields": [{"name": k, "value": v} for k, v in fields.items()], **extra},
    )


def test_form_submission_creates_then_updates_the_contact(box):
    sb, api = box
    guid = form_with(sb)
    r = submit(
        sb,
        guid,
        {"email": "Nadia.Ferreira@Example.com", "firstname": "Nádia"},
        context={"pageUri": "https://www.example.com/contact"},
    )
    assert r.status_code == 200 and r.json() == {"inlineMessage": "Thanks for submitting the form."}
    rec = sb.store.contact_by_email("nadia.ferreira@example.com")
    assert rec is not None and rec.props["firstname"] == "Nádia"
    r = submit(sb, guid, {"email": "nadia.ferreira@example.com", "lastname": "Ferreira"})
    assert r.status_code == 200
    rec2 = sb.store.contact_by_email("nadia.ferreira@example.com")
    assert (
        rec2.id == rec.id
        and rec2.props["lastname"] == "Ferreira"
        and rec2.props["firstname"] == "Nádia"
    )
    assert sb.store.submissions[-1]["contactId"] == rec.id


def test_form_with_redirect(box):
    sb, _ = box
    guid = form_with(sb, redirect=True)
    required = {f["name"]: "x" for f in sb.store.forms[guid]["fields"] if f["required"]}
    required["email"] = "demo@example.com"
    r = submit(sb, guid, required)
    assert r.status_code == 200 and "redirectUri" in r.json()


def test_form_validation_errors_come_together(box):
    sb, _ = box
    guid = form_with(sb)
    r = submit(sb, guid, {"email": "nope", "lasename": "typo"})
    assert r.status_code == 400
    body = r.json()
    assert (
        body["status"] == "error"
        and body["message"] == "The request is not valid"
        and body["correlationId"]
    )
    kinds = {e["errorType"] for e in body["errors"]}
    assert kinds == {"FIELD_NOT_IN_FORM_DEFINITION", "INVALID_EMAIL"}
    assert any("lasename" in e["message"] for e in body["errors"])
    r = submit(sb, guid, {"firstname": "No email"})
    assert [e["errorType"] for e in r.json()["errors"]] == ["REQUIRED_FIELD"]
    assert sb.store.contact_by_email("nope") is None


def test_unknown_form_or_portal_is_404(box):
    sb, _ = box
    r = submit(sb, "00000000-0000-4000-8000-000000000000", {"email": "a@example.com"})
    assert r.status_code == 404 and r.json()["status"] == "error"
    r = httpx.post(
        f"{sb.forms_url}/submissions/v3/integration/submit/1/{sb.form_ids[0]}",
        json={"fields": [{"name": "email", "value": "a@example.com"}]},
    )
    assert r.status_code == 404


def test_forms_have_their_own_rate_limit():
    with Sandbox(contacts=2, companies=0, deals=0) as sb:
        guid = sb.form_ids[0]
        with httpx.Client() as client:
            url = f"{sb.forms_url}/submissions/v3/integration/submit/{sb.portal_id}/{guid}"
            statuses = [
                client.post(
                    url, json={"fields": [{"name": "email", "value": f"u{i}@example.com"}]}
                ).status_code
                for i in range(51)
            ]
    assert statuses[:50] == [200] * 50 and statuses[50] == 429


def test_form_definitions_are_listed(box):
    sb, api = box
    forms = api.get("/marketing/v3/forms").json()["results"]
    assert [f["id"] for f in forms] == sb.form_ids
    names = [fl["name"] for g in forms[0]["fieldGroups"] for fl in g["fields"]]
    assert "email" in names


# -- workflows -----------------------------------------------------------------------------


def test_enroll_and_unenroll(box):
    sb, api = box
    wf = sb.workflow_ids[1]
    rec = next(
        r
        for r in sb.store.table("contacts").records.values()
        if not r.archived and r.props.get("email")
    )
    email = rec.props["email"]
    r = api.post(f"/automation/v2/workflows/{wf}/enrollments/contacts/{quote(email, safe='')}")
    assert r.status_code == 204 and r.content == b""
    assert rec.id in sb.store.enrollments[wf]
    enrolled = api.get(f"/automation/v2/workflows/enrollments/contacts/{rec.id}").json()
    assert int(wf) in [w["id"] for w in enrolled]
    r = api.delete(f"/automation/v2/workflows/{wf}/enrollments/contacts/{quote(email, safe='')}")
    assert r.status_code == 204 and rec.id not in sb.store.enrollments[wf]


def test_enroll_email_with_plus_sign(box):
    sb, api = box
    api.post("/crm/v3/objects/contacts", json={"properties": {"email": "ana+news@example.com"}})
    r = api.post(
        f"/automation/v2/workflows/{sb.workflow_ids[0]}/enrollments/contacts/{quote('ana+news@example.com', safe='')}"
    )
    assert r.status_code == 204


def test_enroll_unknown_workflow_or_contact_is_404(box):
    sb, api = box
    r = api.post("/automation/v2/workflows/424242/enrollments/contacts/a%40example.com")
    assert r.status_code == 404
    body = r.json()
    assert body["status"] == "error" and "424242" in body["message"] and body["correlationId"]
    r = api.post(
        f"/automation/v2/workflows/{sb.workflow_ids[0]}/enrollments/contacts/ghost%40example.org"
    )
    assert r.status_code == 404 and "ghost@example.org" in r.json()["message"]


def test_workflows_are_listed(box):
    sb, api = box
    listed = api.get("/automation/v3/workflows").json()["workflows"]
    assert [str(w["id"]) for w in listed] == sb.workflow_ids
    assert {"id", "name", "type", "enabled", "insertedAt", "updatedAt"} <= set(listed[0])
    assert (
        api.get(f"/automation/v2/workflows/{sb.workflow_ids[0]}").json()["name"]
        == listed[0]["name"]
    )


def test_automation_scope_is_required():
    with Sandbox(contacts=2, companies=0, deals=0, scopes=["crm.objects.contacts.read"]) as sb:
        r = httpx.post(
            f"{sb.url}/automation/v2/workflows/{sb.workflow_ids[0]}/enrollments/contacts/a%40b.co",
            headers={"Authorization": f"Bearer {sb.token}"},
        )
    assert r.status_code == 403
    assert r.json()["errors"][0]["context"]["requiredGranularScopes"] == ["automation"]
