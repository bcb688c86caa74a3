"""The portal's write rules (2026-09) and the email-domain association, through the client.

The client speaks 2026-09 by default, so a write breaking a rule comes back as a
ValidationError naming the property to supply, the rule, and what to do; batch
writes say the same per row. Legacy and 2026-03 clients are not checked. New
contacts come back associated with their email domain's company too.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

import hubframe as hf
from hubframe.sandbox import Sandbox

RULES = [
    {"object": "deals", "property": "closedate", "when": {"dealstage": "closedwon"}},
    {"object": "contacts", "property": "lastname"},
]
WON = {"dealname": "Big one", "pipeline": "default", "dealstage": "closedwon"}
CLOSEDATE = "2026-10-01T00:00:00Z"
RULE_TEXT = "closedate is required when dealstage is closedwon"
HINT = "Supply closedate in the write, or ask a HubSpot admin about the rule"
ROWS_HINT = "Supply closedate in the rows refused, or ask a HubSpot admin about the rule"


@pytest.fixture
def ruled():
    with Sandbox(contacts=20, companies=4, deals=10, seed=51, rules=RULES) as sb:
        with sb.client(rate_limit=(10_000, 10)) as hs:
            assert hs.api_version == "2026-09"
            yield sb, hs


def test_a_create_breaking_a_rule_names_the_property_the_rule_and_the_fix(ruled):
    sb, hs = ruled
    before = sb.store.count("deals")
    with pytest.raises(hf.ValidationError) as info:
        hs.deals.create(WON)
    err = info.value
    assert err.status == 400 and err.category == "VALIDATION_ERROR"
    assert err.required == ["closedate"] and err.properties == ["closedate"]
    assert RULE_TEXT in err.message
    assert HINT in str(err) and HINT in err.hint()
    assert err.path == "/crm/objects/2026-09/0-3"
    assert sb.store.count("deals") == before
    created = hs.deals.create({**WON, "closedate": CLOSEDATE})
    assert created["dealstage"].tolist() == ["closedwon"]


def test_a_field_required_on_create(ruled):
    _, hs = ruled
    with pytest.raises(hf.ValidationError) as info:
        hs.contacts.create({"email": "nolast@example.org"})
    assert info.value.required == ["lastname"]
    assert "lastname is required when creating a contact" in str(info.value)
    assert "Supply lastname in the write" in str(info.value)
    made = hs.contacts.create({"email": "last@example.org", "lastname": "L"})
    # the create form's rule is not an update's: clearing it is allowed
    hs.contacts.update(made["id"].iloc[0], {"lastname": ""})


def test_an_update_breaking_a_rule(ruled):
    sb, hs = ruled
    deal = hs.deals.create({"dealname": "Moving", "dealstage": "qualifiedtobuy"})
    rid = deal["id"].iloc[0]
    with pytest.raises(hf.ValidationError) as info:
        hs.deals.update(rid, {"dealstage": "closedwon"})
    assert info.value.required == ["closedate"] and HINT in str(info.value)
    assert sb.store.record("deals", rid).props["dealstage"] == "qualifiedtobuy"
    hs.deals.update(rid, {"dealstage": "closedwon", "closedate": CLOSEDATE})


def test_a_many_record_create_reports_the_rows_a_rule_refused(ruled):
    sb, hs = ruled
    rows = [
        {**WON, "dealname": "a", "closedate": CLOSEDATE},
        {**WON, "dealname": "b"},
        {**WON, "dealname": "c", "dealstage": "closedlost"},
    ]
    with pytest.warns(hf.HubFrameWarning) as caught:
        df = hs.deals.create(rows)
    assert sorted(df["dealname"]) == ["a", "c"]
    text = str(caught[0].message)
    assert f"1 of 3 deals were not created: row 1: {RULE_TEXT} (see" in text
    assert ROWS_HINT in text
    [failed] = df.attrs["failed"]
    assert failed["row"] == 1 and failed["required"] == ["closedate"]
    assert RULE_TEXT in failed["message"]


def test_a_many_record_create_refused_whole_raises_a_batch_error_saying_what_to_supply(ruled):
    sb, hs = ruled
    before = sb.store.count("deals")
    with pytest.raises(hf.BatchError) as info:
        hs.deals.create(pd.DataFrame([{**WON, "dealname": "x"}, {**WON, "dealname": "y"}]))
    err = info.value
    assert [f["row"] for f in err.failures] == [0, 1]
    assert all(f["required"] == ["closedate"] for f in err.failures)
    assert f"none of the 2 deals were created: row 0: {RULE_TEXT}; row 1: {RULE_TEXT}" in str(err)
    assert ROWS_HINT in str(err)
    assert sb.store.count("deals") == before


def test_a_many_record_update_with_a_bad_row_is_refused_whole(ruled):
    sb, hs = ruled
    ids = [str(i) for i in sb.store.table("deals").live_ids()[:3]]
    df = pd.DataFrame(
        {"id": ids, "dealstage": ["closedwon"] * 3, "closedate": [CLOSEDATE, "", CLOSEDATE]}
    )
    before = [sb.store.record("deals", i).props.get("closedate") for i in ids]
    with pytest.raises(hf.ValidationError) as info:
        hs.deals.update(df)
    assert info.value.required == ["closedate"] and HINT in str(info.value)
    assert [sb.store.record("deals", i).props.get("closedate") for i in ids] == before


def test_a_rule_stopping_a_long_update_part_way_says_what_to_supply(ruled):
    sb, hs = ruled
    made = hs.deals.create(
        [{"dealname": f"d{n}", "dealstage": "qualifiedtobuy"} for n in range(150)]
    )
    ids = made["id"].tolist()
    stages = ["closedwon"] * 150
    dates = [CLOSEDATE] * 150
    dates[120] = ""
    with pytest.raises(hf.PartialWriteError) as info:
        hs.deals.update(pd.DataFrame({"id": ids, "dealstage": stages, "closedate": dates}))
    err = info.value
    assert isinstance(err.error, hf.ValidationError) and err.error.required == ["closedate"]
    assert err.written_rows == list(range(100)) and err.remaining_rows == list(range(100, 150))
    assert RULE_TEXT in str(err) and HINT in str(err)


@pytest.mark.parametrize("version", ["legacy", "2026-03"])
def test_legacy_and_2026_03_clients_are_not_checked(ruled, version):
    sb, _ = ruled
    with sb.client(rate_limit=(10_000, 10), api_version=version) as hs:
        deal = hs.deals.create(WON)
        hs.deals.update(deal["id"].iloc[0], {"amount": 5})
        df = hs.deals.create([WON, WON])
        assert len(df) == 2 and df.attrs["failed"] == []
        hs.contacts.create({"email": f"{version}@example.org"})


def test_a_rule_error_whose_message_does_not_name_the_property_gets_the_inputs_message(ruled):
    sb, hs = ruled
    # HubSpot's exact body is unconfirmed: a terse message and another REQUIRED code
    sb.inject(
        400,
        body={
            "category": "VALIDATION_ERROR",
            "message": "Some required properties are missing.",
            "errors": [
                {
                    "message": RULE_TEXT,
                    "code": "REQUIRED_PROPERTY",
                    "context": {"propertyName": ["closedate"]},
                }
            ],
        },
        path_contains="/crm/objects/2026-09/0-3",
    )
    with pytest.raises(hf.ValidationError) as info:
        hs.deals.create(WON)
    err = info.value
    assert err.message == f"Some required properties are missing: {RULE_TEXT}."
    assert err.required == ["closedate"] and HINT in str(err)


def test_other_validation_errors_name_no_required_property(ruled):
    sb, hs = ruled
    sb.inject(
        400,
        body={
            "category": "VALIDATION_ERROR",
            "message": "Property values were not valid",
            "errors": [
                {
                    "message": "lots was not a valid long.",
                    "code": "INVALID_LONG",
                    "context": {"propertyName": ["amount"]},
                }
            ],
        },
        path_contains="/crm/objects/2026-09/0-3",
    )
    with pytest.raises(hf.ValidationError) as info:
        hs.deals.create({**WON, "closedate": CLOSEDATE})
    assert info.value.properties == ["amount"] and info.value.required == []
    assert info.value.hint() == "" and "Supply" not in str(info.value)


# -- the email-domain association ----------------------------------------------------------


@pytest.mark.parametrize("version", ["2026-09", "legacy"])
def test_a_new_contact_comes_back_with_its_domains_company_too(version):
    with Sandbox(contacts=10, companies=3, deals=0, seed=52) as sb:
        with sb.client(rate_limit=(10_000, 10), api_version=version) as hs:
            companies = hs.companies.get_all(properties=["domain"])
            acme, other = companies["id"].iloc[0], companies["id"].iloc[1]
            domain = companies["domain"].iloc[0]
            one = hs.contacts.create({"email": f"solo@{domain}"})
            both = hs.contacts.create({"email": f"pair@{domain}"}, company_id=other)
            many = hs.contacts.create([{"email": f"m{n}@{domain}"} for n in range(3)])
            for rid in [one["id"].iloc[0], *many["id"]]:
                got = hs.contacts.get(
                    rid, properties=["associatedcompanyid"], associations=["companies"]
                )
                assert str(int(got["associatedcompanyid"].iloc[0])) == acme
                assert set(got["associations.companies"].iloc[0]) == {acme}
            got = hs.contacts.get(
                both["id"].iloc[0], properties=["associatedcompanyid"], associations=["companies"]
            )
            # the given company stays Primary
            assert str(int(got["associatedcompanyid"].iloc[0])) == other
            assert set(got["associations.companies"].iloc[0]) == {acme, other}
            assert both["id"].iloc[0] in set(hs.companies.get_contacts(acme)["id"])


def test_with_the_portal_setting_off_a_contact_has_only_the_given_company():
    with Sandbox(contacts=10, companies=3, deals=0, seed=52, auto_associate_domains=False) as sb:
        with sb.client(rate_limit=(10_000, 10)) as hs, warnings.catch_warnings():
            warnings.simplefilter("error")
            companies = hs.companies.get_all(properties=["domain"])
            other, domain = companies["id"].iloc[1], companies["domain"].iloc[0]
            solo = hs.contacts.create({"email": f"solo@{domain}"})
            pair = hs.contacts.create({"email": f"pair@{domain}"}, company_id=other)
            got = hs.contacts.get(solo["id"].iloc[0], associations=["companies"])
            assert list(got["associations.companies"].iloc[0]) == []
            got = hs.contacts.get(pair["id"].iloc[0], associations=["companies"])
            assert set(got["associations.companies"].iloc[0]) == {other}
