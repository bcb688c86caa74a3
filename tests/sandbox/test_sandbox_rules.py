"""The portal's write rules: enforced on writes through 2026-09 paths only (date-versions §3).

Every test speaks HTTP to a running sandbox; the rules are the two kinds HubSpot
enforces from 2026-09 on: a property required when another has a value, and a
required field of the "Create record" form (required on create).
"""

from __future__ import annotations

import httpx
import pytest

from hubframe.errors import InputError
from hubframe.sandbox import Sandbox

CLOSEDATE_RULE = {"object": "deals", "property": "closedate", "when": {"dealstage": "closedwon"}}
EMAIL_RULE = {"object": "contacts", "property": "email"}
RULES = [CLOSEDATE_RULE, EMAIL_RULE]
WON = {"dealname": "Big one", "pipeline": "default", "dealstage": "closedwon"}
CLOSEDATE = "2026-10-01T00:00:00.000Z"


def objects(family: str, rest: str) -> str:
    return f"/crm/v3/objects/{rest}" if family == "legacy" else f"/crm/objects/{family}/{rest}"


def api_of(sb: Sandbox) -> httpx.Client:
    return httpx.Client(base_url=sb.url, headers={"Authorization": f"Bearer {sb.token}"})


@pytest.fixture
def box():
    with Sandbox(contacts=10, companies=3, deals=6, seed=31, rules=RULES) as sb, api_of(sb) as api:
        yield sb, api


def assert_rule_error(response: httpx.Response, prop: str, words: str) -> None:
    """HubSpot's error shape: a 400 VALIDATION_ERROR naming the property and the rule."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["status"] == "error"
    assert body["category"] == "VALIDATION_ERROR"
    assert body["correlationId"] == response.headers["X-HubSpot-Correlation-Id"]
    assert words in body["message"]
    codes = [(e["code"], e["context"]["propertyName"]) for e in body["errors"]]
    assert ("REQUIRED_FIELD", [prop]) in codes
    assert any(words in e["message"] for e in body["errors"])


# -- the rules as written ------------------------------------------------------------------


# fmt: off
BAD_RULES = [
    ("not_a_list", "closedate", ["rules='closedate'", "list of rule dicts"]),
    ("rule_not_a_dict", [["deals", "closedate"]], ["rules[0]", "each rule is a dict"]),
    ("unknown_object", [{"object": "leads", "property": "x"}], ["unknown object 'leads'", "deals (0-3)"]),
    ("unknown_ticket_property", [{"object": "tickets", "property": "x"}], ["'x' is not a property of tickets", "/crm/v3/properties/tickets"]),
    ("no_object", [{"property": "closedate"}], ["rules[0]", "'object' must name an object type"]),
    ("unknown_property", [{"object": "deals", "property": "close_date"}], ["'close_date' is not a property of deals", "/crm/v3/properties/deals"]),
    ("read_only_property", [{"object": "deals", "property": "hs_is_closed"}], ["read-only", "require a property a write can set"]),
    ("unknown_key", [{"object": "deals", "property": "closedate", "if": {}}], ["unknown key(s) ['if']", "'when'"]),
    ("when_not_a_dict", [{"object": "deals", "property": "closedate", "when": "closedwon"}], ["'when' must be a non-empty dict"]),
    ("when_empty", [{"object": "deals", "property": "closedate", "when": {}}], ["'when' must be a non-empty dict"]),
    ("when_unknown_property", [{"object": "deals", "property": "closedate", "when": {"stage": "closedwon"}}], ["'when' property 'stage' is not a property of deals"]),
    ("when_option_label", [{"object": "deals", "property": "closedate", "when": {"dealstage": "Closed Won"}}], ["when['dealstage']", "closedwon"]),
    ("when_list", [{"object": "deals", "property": "closedate", "when": {"dealstage": ["closedwon"]}}], ["when['dealstage']=['closedwon']", "the one value"]),
    ("when_on_itself", [{"object": "deals", "property": "closedate", "when": {"closedate": "x"}}], ["the property the rule requires"]),
    ("second_rule_bad", [CLOSEDATE_RULE, {"object": "0-1", "property": "no_such"}], ["rules[1]", "'no_such' is not a property of contacts"]),
]
# fmt: on


@pytest.mark.parametrize(
    ("rules", "texts"), [r[1:] for r in BAD_RULES], ids=[r[0] for r in BAD_RULES]
)
def test_a_bad_rule_is_refused_naming_it_and_the_fix(rules, texts):
    with pytest.raises(InputError) as info:
        Sandbox(contacts=1, companies=0, deals=0, rules=rules)
    for text in texts:
        assert text in str(info.value), f"{text!r} not in {info.value}"
    sb = Sandbox(contacts=1, companies=0, deals=0)
    with pytest.raises(InputError):
        sb.set_rules(rules)
    assert sb.rules == []  # a refused set_rules changes nothing


def test_rules_take_names_and_type_ids_and_read_back_resolved():
    sb = Sandbox(
        contacts=1,
        companies=0,
        deals=0,
        rules=[
            {"object": "0-3", "property": "closedate", "when": {"dealstage": "closedwon"}},
            {"object": "CONTACT", "property": "email"},
            {"object": "companies", "property": "domain", "when": {"is_public": True}},
            {"object": "contacts", "property": "email"},  # the same rule twice is one
        ],
    )
    assert sb.rules == [
        CLOSEDATE_RULE,
        EMAIL_RULE,
        {"object": "companies", "property": "domain", "when": {"is_public": "true"}},
    ]
    sb.set_rules([])
    assert sb.rules == []


# -- conditional required properties -------------------------------------------------------


@pytest.mark.parametrize("type_name", ["deals", "0-3"])
def test_a_2026_09_create_breaking_a_conditional_rule_is_refused(box, type_name):
    sb, api = box
    before = sb.store.count("deals")
    r = api.post(objects("2026-09", type_name), json={"properties": WON})
    assert_rule_error(r, "closedate", "closedate is required when dealstage is closedwon")
    assert sb.store.count("deals") == before
    ok = api.post(
        objects("2026-09", type_name), json={"properties": {**WON, "closedate": CLOSEDATE}}
    )
    assert ok.status_code == 201, ok.text
    assert ok.json()["properties"]["closedate"] == CLOSEDATE
    # a deal in another stage needs no closedate
    other = api.post(
        objects("2026-09", type_name), json={"properties": {**WON, "dealstage": "qualifiedtobuy"}}
    )
    assert other.status_code == 201, other.text


def test_a_2026_09_update_is_checked_on_the_record_it_leaves(box):
    sb, api = box
    deal = api.post(
        objects("2026-09", "deals"),
        json={"properties": {"dealname": "Moving", "dealstage": "qualifiedtobuy"}},
    ).json()
    path = objects("2026-09", f"deals/{deal['id']}")
    # moving to closedwon without a closedate on the record
    r = api.patch(path, json={"properties": {"dealstage": "closedwon"}})
    assert_rule_error(r, "closedate", "dealstage is closedwon")
    assert sb.store.record("deals", deal["id"]).props["dealstage"] == "qualifiedtobuy"
    # with it in the same write
    r = api.patch(path, json={"properties": {"dealstage": "closedwon", "closedate": CLOSEDATE}})
    assert r.status_code == 200, r.text
    # an update touching neither keeps a record that keeps the rule
    assert api.patch(path, json={"properties": {"amount": "10"}}).status_code == 200
    # clearing the closedate of a won deal breaks it
    r = api.patch(path, json={"properties": {"closedate": ""}})
    assert_rule_error(r, "closedate", "closedate is required when dealstage is closedwon")
    assert sb.store.record("deals", deal["id"]).props["closedate"] == CLOSEDATE
    # leaving the stage lets the closedate go
    r = api.patch(path, json={"properties": {"dealstage": "closedlost", "closedate": ""}})
    assert r.status_code == 200, r.text


def test_every_broken_rule_is_reported_at_once():
    rules = [
        CLOSEDATE_RULE,
        {"object": "deals", "property": "amount", "when": {"dealstage": "closedwon"}},
    ]
    with Sandbox(contacts=1, companies=0, deals=0, rules=rules) as sb, api_of(sb) as api:
        r = api.post(objects("2026-09", "deals"), json={"properties": WON})
        assert r.status_code == 400
        names = [e["context"]["propertyName"] for e in r.json()["errors"]]
        assert names == [["closedate"], ["amount"]]
        assert "closedate is required" in r.json()["message"]
        assert "amount is required" in r.json()["message"]


def test_an_invalid_value_is_reported_before_the_rules(box):
    _, api = box
    r = api.post(objects("2026-09", "deals"), json={"properties": {**WON, "amount": "lots"}})
    assert r.status_code == 400
    assert r.json()["errors"][0]["code"] == "INVALID_LONG"


# -- required fields of the "Create record" form -------------------------------------------


def test_a_field_required_on_create_is_required_on_create_only(box):
    sb, api = box
    r = api.post(objects("2026-09", "contacts"), json={"properties": {"firstname": "Ada"}})
    assert_rule_error(r, "email", "email is required when creating a contact")
    r = api.post(objects("2026-09", "contacts"), json={"properties": {"email": ""}})
    assert_rule_error(r, "email", "email is required")  # "" is no value
    made = api.post(
        objects("2026-09", "contacts"),
        json={"properties": {"firstname": "Ada", "email": "ada@example.org"}},
    )
    assert made.status_code == 201, made.text
    # an update may leave it out, and even clear it: the rule is the create form's
    path = objects("2026-09", f"contacts/{made.json()['id']}")
    assert api.patch(path, json={"properties": {"lastname": "L"}}).status_code == 200
    assert api.patch(path, json={"properties": {"email": ""}}).status_code == 200


# -- batches -------------------------------------------------------------------------------


def test_a_batch_create_with_one_bad_input_is_refused_whole(box):
    sb, api = box
    before = sb.store.count("deals")
    inputs = [
        {"properties": {**WON, "dealname": "fine", "closedate": CLOSEDATE}},
        {"properties": {**WON, "dealname": "no date"}},
    ]
    r = api.post(objects("2026-09", "deals/batch/create"), json={"inputs": inputs})
    assert_rule_error(r, "closedate", "closedate is required when dealstage is closedwon")
    assert sb.store.count("deals") == before


def test_a_traced_batch_create_reports_the_bad_input_and_creates_the_others(box):
    sb, api = box
    before = sb.store.count("deals")
    inputs = [
        {
            "properties": {**WON, "dealname": "fine", "closedate": CLOSEDATE},
            "objectWriteTraceId": "a",
        },
        {"properties": {**WON, "dealname": "no date"}, "objectWriteTraceId": "b"},
    ]
    r = api.post(objects("2026-09", "deals/batch/create"), json={"inputs": inputs})
    assert r.status_code == 207, r.text
    body = r.json()
    assert [x["properties"]["dealname"] for x in body["results"]] == ["fine"]
    [error] = body["errors"]
    assert error["category"] == "VALIDATION_ERROR"
    assert error["context"]["objectWriteTraceId"] == ["b"]
    assert "closedate is required when dealstage is closedwon" in error["message"]
    assert error["errors"][0]["code"] == "REQUIRED_FIELD"
    assert error["errors"][0]["context"]["propertyName"] == ["closedate"]
    assert sb.store.count("deals") == before + 1


def test_a_batch_update_with_one_bad_input_is_refused_whole(box):
    sb, api = box
    ids = [str(i) for i in sb.store.table("deals").live_ids()[:2]]
    for i in ids:
        api.patch(
            objects("2026-09", f"deals/{i}"), json={"properties": {"dealstage": "qualifiedtobuy"}}
        )
    inputs = [
        {"id": ids[0], "properties": {"dealstage": "closedwon", "closedate": CLOSEDATE}},
        {"id": ids[1], "properties": {"dealstage": "closedwon", "closedate": ""}},
    ]
    r = api.post(objects("2026-09", "deals/batch/update"), json={"inputs": inputs})
    assert_rule_error(r, "closedate", "dealstage is closedwon")
    assert [sb.store.record("deals", i).props["dealstage"] for i in ids] == ["qualifiedtobuy"] * 2


def test_a_batch_upsert_is_checked_as_a_create_or_an_update():
    rules = [{"object": "contacts", "property": "firstname"}]
    with Sandbox(contacts=5, companies=1, deals=0, seed=3, rules=rules) as sb, api_of(sb) as api:
        existing = sb.store.record("contacts", sb.store.table("contacts").live_ids()[0])
        email = existing.props["email"]
        path = objects("2026-09", "contacts/batch/upsert")
        # updating an existing contact: the create form's rule does not apply
        r = api.post(
            path,
            json={
                "inputs": [{"id": email, "idProperty": "email", "properties": {"lastname": "X"}}]
            },
        )
        assert r.status_code == 200, r.text
        assert r.json()["results"][0]["new"] is False
        # creating one: it does
        new = {"id": "new@example.org", "idProperty": "email", "properties": {"lastname": "Y"}}
        r = api.post(path, json={"inputs": [new]})
        assert_rule_error(r, "firstname", "firstname is required when creating a contact")
        assert sb.store.contact_by_email("new@example.org") is None
        new["properties"]["firstname"] = "Yan"
        r = api.post(path, json={"inputs": [new]})
        assert r.status_code == 200 and r.json()["results"][0]["new"] is True


# -- only 2026-09 paths --------------------------------------------------------------------


@pytest.mark.parametrize("family", ["legacy", "2026-03"])
def test_legacy_and_2026_03_writes_are_not_checked(box, family):
    sb, api = box
    deal = api.post(objects(family, "deals"), json={"properties": WON})
    assert deal.status_code == 201, deal.text
    contact = api.post(objects(family, "contacts"), json={"properties": {"firstname": "NoMail"}})
    assert contact.status_code == 201, contact.text
    r = api.patch(
        objects(family, f"deals/{deal.json()['id']}"), json={"properties": {"closedate": ""}}
    )
    assert r.status_code == 200
    r = api.post(objects(family, "deals/batch/create"), json={"inputs": [{"properties": WON}]})
    assert r.status_code == 201, r.text
    r = api.post(
        objects(family, "deals/batch/update"),
        json={"inputs": [{"id": deal.json()["id"], "properties": {"amount": "5"}}]},
    )
    assert r.status_code == 200, r.text
    r = api.post(
        objects(family, "contacts/batch/upsert"),
        json={
            "inputs": [
                {"id": f"{family}@example.org", "idProperty": "email", "properties": {"email": ""}}
            ]
        },
    )
    assert r.status_code == 200, r.text
    # the same deal through 2026-09 is refused: the rules are there, only not applied
    assert api.post(objects("2026-09", "deals"), json={"properties": WON}).status_code == 400


# -- a portal setting ----------------------------------------------------------------------


def test_rules_change_while_running():
    with Sandbox(contacts=2, companies=0, deals=0) as sb, api_of(sb) as api:
        path = objects("2026-09", "deals")
        assert api.post(path, json={"properties": WON}).status_code == 201
        sb.set_rules([CLOSEDATE_RULE])
        assert api.post(path, json={"properties": WON}).status_code == 400
        sb.set_rules(None)
        assert api.post(path, json={"properties": WON}).status_code == 201


def test_rules_are_kept_with_the_portal_and_across_a_reset(tmp_path):
    path = tmp_path / "portal.json"
    with Sandbox(contacts=3, companies=1, deals=1, path=path, rules=[CLOSEDATE_RULE]):
        pass
    with Sandbox(path=path) as sb, api_of(sb) as api:  # rules=None keeps the saved ones
        assert sb.rules == [CLOSEDATE_RULE]
        assert api.post(objects("2026-09", "deals"), json={"properties": WON}).status_code == 400
        sb.reset()
        assert sb.rules == [CLOSEDATE_RULE]
        assert api.post(objects("2026-09", "deals"), json={"properties": WON}).status_code == 400
    with Sandbox(path=path, rules=[]) as sb:  # given rules replace them
        assert sb.rules == []
