"""Every CRM object operation against the sandbox: values, row counts, column order, dtypes, errors."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest
from readme_ids import ID_NAMES, MULTI_ID_NAMES

import hubframe as hf
from hubframe.frames import HubFrameWarning
from hubframe.properties import DEFAULT_PROPERTIES, SEARCH_DEFAULT_PROPERTIES

TAIL = ["createdAt", "updatedAt", "archived"]


def expected_dtype(prop) -> str:
    """The dtype the README's table promises for a property definition."""
    if prop.name in ID_NAMES:
        return "string"
    if prop.name in MULTI_ID_NAMES:
        return "list<item: string>[pyarrow]"
    if prop.type == "number":
        return "Float64"
    if prop.type == "bool":
        return "boolean"
    if prop.type == "datetime":
        return "datetime64[ms, UTC]"
    if prop.type == "date":
        return "date32[day][pyarrow]"
    if prop.type == "enumeration" and prop.multi:
        return "list<item: string>[pyarrow]"
    return "string"


def assert_typed(df: pd.DataFrame, resource) -> None:
    assert str(df["id"].dtype) == "string"
    for name in df.columns:
        if name in resource.props:
            assert str(df[name].dtype) == expected_dtype(resource.props[name]), name
    assert str(df["createdAt"].dtype) == "datetime64[ms, UTC]"
    assert str(df["updatedAt"].dtype) == "datetime64[ms, UTC]"
    assert str(df["archived"].dtype) == "boolean"


# -- reads ------------------------------------------------------------------------------------


def test_get_page_defaults_columns_and_cursor(hs):
    first = hs.contacts.get_page()
    assert list(first.columns) == ["id", *DEFAULT_PROPERTIES["contacts"], *TAIL]
    assert len(first) == 100
    assert_typed(first, hs.contacts)
    assert first.attrs["next_after"] is not None
    second = hs.contacts.get_page(first.attrs["next_after"])
    assert set(first["id"]).isdisjoint(second["id"])
    assert second["id"].astype(int).min() > first["id"].astype(int).max()


def test_get_page_loop_reads_every_contact_once(hs):
    ids, after = [], None
    while True:
        page = hs.contacts.get_page(after, limit=37)
        ids.extend(page["id"])
        after = page.attrs["next_after"]
        if after is None:
            break
    everything = hs.contacts.get_all(progress=False)
    assert len(ids) == len(set(ids)) == len(everything) == hs.contacts.count()
    assert ids == list(everything["id"])


def test_get_all_all_properties_are_typed_from_definitions(hs):
    df = hs.deals.get_all(properties="all", progress=False)
    assert list(df.columns) == ["id", *hs.deals.props.names, *TAIL]
    assert len(df) == hs.deals.count()
    assert_typed(df, hs.deals)
    # Real values, not strings: amounts add up, dates compare.
    assert df["amount"].sum() > 0
    assert df["createdate"].min() < df["createdate"].max()


def test_get_all_max_records_samples(hs):
    df = hs.companies.get_all(max_records=15, progress=False)
    assert len(df) == 15


def test_get_by_id_returns_one_row_with_defaults(hs):
    some = hs.contacts.get_page(limit=5)
    cid = some["id"].iloc[3]
    one = hs.contacts.get(cid)
    assert list(one.columns) == ["id", "firstname", "lastname", "email", *TAIL]
    assert len(one) == 1 and one["id"].iloc[0] == cid
    assert one["email"].iloc[0] == some["email"].iloc[3]


def test_get_by_email(hs):
    row = hs.contacts.get_page(limit=3).dropna(subset=["email"]).iloc[0]
    one = hs.contacts.get(row["email"], id_property="email")
    assert one["id"].iloc[0] == row["id"]


def test_get_unknown_id_raises_not_found(hs):
    with pytest.raises(hf.NotFoundError) as info:
        hs.contacts.get("999999999")
    assert info.value.status == 404
    assert info.value.category == "OBJECT_NOT_FOUND"


@pytest.mark.parametrize("bad", ["", "abc", -3, 0, None, 1.5, True])
def test_get_bad_id_is_an_input_error_before_any_request(hs, bad):
    before = hs.stats.snapshot()[0]
    with pytest.raises(hf.InputError, match="id"):
        hs.contacts.get(bad)
    assert hs.stats.snapshot()[0] == before


def test_unknown_property_names_the_closest(hs):
    with pytest.raises(hf.UnknownPropertyError) as info:
        hs.contacts.get_page(properties=["firstnme", "email"])
    assert "firstnme" in str(info.value)
    assert "firstname" in str(info.value)
    assert info.value.names == ["firstnme"]


def test_get_many_keeps_order_chunks_and_reports_missing(hs):
    all_ids = list(hs.contacts.get_all(progress=False)["id"])
    wanted = list(reversed(all_ids[:150])) + ["999999991", "999999992"]
    with pytest.warns(HubFrameWarning, match="2 of 152"):
        df = hs.contacts.get_many(wanted, properties=["email", "lifecyclestage"])
    assert list(df["id"]) == wanted[:150]
    assert df.attrs["missing_ids"] == ["999999991", "999999992"]
    assert list(df.columns) == ["id", "email", "lifecyclestage", *TAIL]


def test_get_many_without_missing_is_silent(hs):
    ids = list(hs.deals.get_page(limit=4)["id"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        df = hs.deals.get_many(ids)
    assert list(df["id"]) == ids
    assert df.attrs["missing_ids"] == []


def test_long_property_lists_are_split_and_merged(hs):
    """properties='all' on a GET never produces an over-long URL: the values match a batch read."""
    from hubframe.batching import property_chunks

    names = hs.contacts.props.names
    assert len(property_chunks(names, budget=200)) > 1
    page = hs.contacts.get_page(limit=10, properties="all")
    again = hs.contacts.get_many(list(page["id"]), properties="all")
    pd.testing.assert_frame_equal(
        page.reset_index(drop=True), again.reset_index(drop=True), check_like=False
    )


# -- search -----------------------------------------------------------------------------------


def test_search_eq_returns_every_match_with_search_defaults(hs):
    everything = hs.contacts.get_all(properties=["lifecyclestage"], progress=False)
    stage = everything["lifecyclestage"].dropna().value_counts().index[0]
    expected = set(everything.loc[everything["lifecyclestage"] == stage, "id"])
    found = hs.contacts.search("lifecyclestage", stage, progress=False)
    assert (
        set(found["id"]) == expected and len(found) == len(expected) > 10
    )  # more than one default page
    assert found.attrs["total"] == len(expected)
    assert list(found.columns) == ["id", *SEARCH_DEFAULT_PROPERTIES["contacts"], *TAIL]
    assert list(found["id"].astype(int)) == sorted(found["id"].astype(int))


def test_search_number_and_date_operators(hs):
    deals = hs.deals.get_all(properties=["amount", "closedate"], progress=False)
    big = hs.deals.search("amount", 5000, operator="GT", properties=["amount"], progress=False)
    assert set(big["id"]) == set(deals.loc[deals["amount"] > 5000, "id"])
    assert (big["amount"] > 5000).all()
    day = deals["closedate"].dropna().sort_values().iloc[len(deals) // 2]
    early = hs.deals.search(
        "closedate", day, operator="LTE", properties=["closedate"], progress=False
    )
    assert set(early["id"]) == set(deals.loc[deals["closedate"] <= day, "id"])


def test_search_no_match_is_an_empty_typed_frame(hs):
    empty = hs.contacts.search("email", "nobody-at-all@nowhere.invalid", progress=False)
    full = hs.contacts.search(
        "email", hs.contacts.get_page(limit=1)["email"].iloc[0], progress=False
    )
    assert len(empty) == 0 and len(full) == 1
    assert list(empty.columns) == list(full.columns)
    assert list(empty.dtypes) == list(full.dtypes)


def test_search_rejects_bad_filters_locally(hs):
    with pytest.raises(hf.InputError, match="operator"):
        hs.contacts.search("email", "x", operator="LIKE")
    with pytest.raises(hf.UnknownPropertyError, match="lifecyclestage"):
        hs.contacts.search("lifecyclestag", "customer")
    with pytest.raises(hf.InputError, match="options"):
        hs.contacts.search("lifecyclestage", "Customer")  # labels are not values


@pytest.fixture(scope="module")
def big_sandbox():
    from hubframe.sandbox import Sandbox

    with Sandbox(contacts=10_450, companies=5, deals=5, seed=7) as sb:
        yield sb


@pytest.mark.slow  # 10,050 contacts searched: long by nature; the replay of its cassette
# (tests/test_cassettes.py) keeps the paging past 10,000 in the fast run
def test_search_past_ten_thousand_returns_exactly_the_matches(big_sandbox):
    with big_sandbox.client(rate_limit=(10_000, 10)) as client:
        df = client.contacts.search(
            "email", operator="HAS_PROPERTY", properties=["email"], progress=False
        )
        listed = client.contacts.get_all(properties=["email"], progress=False)
    expected = set(listed.loc[listed["email"].notna(), "id"])
    assert len(expected) > 10_000
    assert len(df) == len(expected)
    assert df["id"].is_unique
    assert set(df["id"]) == expected


def test_get_all_converted_in_batches_of_pages_keeps_every_row_in_order(big_sandbox):
    """get_all converts ten pages at a time: a cap inside a batch, and the full read,
    give the same rows in the same order as the pages, typed alike."""
    import pandas as pd

    with big_sandbox.client(rate_limit=(10_000, 10)) as client:
        full = client.contacts.get_all(properties="all", progress=False)
        part = client.contacts.get_all(properties="all", max_records=1_050, progress=False)
        first = client.contacts.get_page(limit=100, properties="all")
        count = client.contacts.count()
    assert len(full) == count and full["id"].is_unique
    assert len(part) == 1_050
    pd.testing.assert_frame_equal(part, full.iloc[:1_050].reset_index(drop=True))
    pd.testing.assert_frame_equal(first, full.iloc[:100].reset_index(drop=True))


# -- writes -----------------------------------------------------------------------------------


def test_create_update_delete_contact(fresh_hs):
    created = fresh_hs.contacts.create(
        {"email": "ada@example.org", "firstname": "Ada", "lastname": "Lovelace"}
    )
    assert len(created) == 1
    cid = created["id"].iloc[0]
    assert created["email"].iloc[0] == "ada@example.org"
    updated = fresh_hs.contacts.update(cid, {"lastname": "King"})
    assert updated["lastname"].iloc[0] == "King"
    assert fresh_hs.contacts.get(cid)["lastname"].iloc[0] == "King"
    fresh_hs.contacts.delete(cid)
    with pytest.raises(hf.NotFoundError):
        fresh_hs.contacts.get(cid)
    archived = fresh_hs.contacts.get_all(archived=True, progress=False)
    assert cid in set(archived["id"])


def test_create_duplicate_email_raises_conflict_with_existing_id(fresh_hs):
    first = fresh_hs.contacts.create({"email": "dup@example.org", "firstname": "One"})
    with pytest.raises(hf.ConflictError) as info:
        fresh_hs.contacts.create({"email": "dup@example.org", "firstname": "Two"})
    assert info.value.existing_id == first["id"].iloc[0]
    assert f"id {first['id'].iloc[0]}" in str(info.value)
    again = fresh_hs.contacts.create(
        {"email": "dup@example.org", "firstname": "Two"}, on_conflict="update"
    )
    assert again["id"].iloc[0] == first["id"].iloc[0]
    assert again["firstname"].iloc[0] == "Two"


def test_create_with_company_associates_it(fresh_hs):
    company = fresh_hs.companies.get_page(limit=1)["id"].iloc[0]
    created = fresh_hs.contacts.create({"email": "assoc@example.org"}, company_id=company)
    contacts = fresh_hs.companies.get_contacts(company)
    assert created["id"].iloc[0] in set(contacts["id"])
    assert contacts["id"].is_unique


def test_create_many_from_a_dataframe(fresh_hs):
    rows = pd.DataFrame(
        {
            "email": [f"bulk{i}@example.org" for i in range(130)],
            "firstname": ["Bulk"] * 130,
            "lastname": [None if i % 2 else f"N{i}" for i in range(130)],
        }
    )
    created = fresh_hs.contacts.create(rows)
    assert len(created) == 130
    assert list(created["email"]) == list(rows["email"])
    assert created["lastname"].isna().sum() == 65


def test_create_rejects_bad_values_before_sending(fresh_hs):
    before = fresh_hs.stats.snapshot()[0]
    with pytest.raises(hf.InputError, match="not an email"):
        fresh_hs.contacts.create({"email": "not-an-email"})
    with pytest.raises(hf.UnknownPropertyError, match="lastname"):
        fresh_hs.contacts.create({"lastnam": "x"})
    with pytest.raises(hf.InputError, match="midnight"):
        fresh_hs.deals.create({"dealname": "d", "contract_start_date": "2024-05-01T10:00:00Z"})
    fresh_hs.properties("contacts")  # definitions are cached: the checks above sent nothing else
    assert fresh_hs.stats.snapshot()[0] - before <= 2


def test_missing_scope_is_named(fresh_sandbox):
    from hubframe.sandbox import Sandbox

    with Sandbox(
        contacts=5, seed=3, scopes=["crm.objects.contacts.read", "crm.schemas.contacts.read"]
    ) as sb:
        with sb.client() as client:
            with pytest.raises(hf.MissingScopesError) as info:
                client.contacts.create({"email": "x@example.org"})
    assert "crm.objects.contacts.write" in info.value.scopes
    assert "crm.objects.contacts.write" in str(info.value)


def test_a_write_only_key_is_refused_before_anything_is_written():
    """The README's Scopes section: a write reads the property definitions first, so the
    write scope alone is not enough; the error names the alternatives; delete needs no read."""
    from hubframe.sandbox import Sandbox

    with Sandbox(contacts=5, seed=3, scopes=["crm.objects.contacts.write"]) as sb:
        before = sb.store.count("contacts")
        with sb.client() as client:
            with pytest.raises(hf.MissingScopesError) as info:
                client.contacts.create({"email": "x@example.org"})
            assert sb.store.count("contacts") == before
            assert [r.method for r in sb.requests] == ["GET"]  # the definitions, nothing else
            assert set(info.value.scopes) == {
                "crm.schemas.contacts.read",
                "crm.objects.contacts.read",
            }
            assert "one or more of" in info.value.hint()
            client.contacts.delete(sb.store.table("contacts").live_ids()[0])
            assert sb.store.count("contacts") == before - 1


def test_wrong_token_is_an_authentication_error(fresh_sandbox):
    with hf.HubSpot("pat-wrong-token-000000", base_url=fresh_sandbox.url) as client:
        with pytest.raises(hf.AuthenticationError) as info:
            client.contacts.get_page()
    assert "pat-wrong-token-000000" not in str(info.value)


# -- companies and deals ----------------------------------------------------------------------


def test_company_contacts_add_and_remove(fresh_hs):
    company = fresh_hs.companies.get_page(limit=1)["id"].iloc[0]
    contact = fresh_hs.contacts.create({"email": "member@example.org"})["id"].iloc[0]
    before = set(fresh_hs.companies.get_contacts(company)["id"])
    assert contact not in before
    fresh_hs.companies.add_contact(company, contact)
    assert set(fresh_hs.companies.get_contacts(company)["id"]) == before | {contact}
    fresh_hs.companies.remove_contact(company, contact)
    assert set(fresh_hs.companies.get_contacts(company)["id"]) == before


def test_company_create_search_delete(fresh_hs):
    made = fresh_hs.companies.create(
        {"name": "Analytical Engines Ltd", "domain": "engines.example"}
    )
    cid = made["id"].iloc[0]
    found = fresh_hs.companies.search("domain", "engines.example", progress=False)
    assert list(found["id"]) == [cid]
    fresh_hs.companies.delete(cid)
    assert fresh_hs.companies.search("domain", "engines.example", progress=False).empty


def test_deal_get_search_delete(fresh_hs):
    deals = fresh_hs.deals.get_all(progress=False)
    assert list(deals.columns) == ["id", *DEFAULT_PROPERTIES["deals"], *TAIL]
    did = deals["id"].iloc[0]
    one = fresh_hs.deals.get(did)
    assert one["dealname"].iloc[0] == deals["dealname"].iloc[0]
    found = fresh_hs.deals.search("dealname", deals["dealname"].iloc[0], progress=False)
    assert did in set(found["id"])
    fresh_hs.deals.delete(did)
    with pytest.raises(hf.NotFoundError):
        fresh_hs.deals.get(did)


# -- forms, lists, workflows ------------------------------------------------------------------


def test_lists_add_reports_each_outcome(fresh_sandbox, fresh_hs):
    list_id = fresh_sandbox.list_ids[0]
    ids = list(fresh_hs.contacts.get_page(limit=3)["id"])
    first = fresh_hs.lists.add(list_id, ids[:2])
    assert list(first["outcome"]) == ["added", "added"]
    second = fresh_hs.lists.add(list_id, [*ids, "999999999"])
    assert list(second["id"]) == [*ids, "999999999"]
    assert list(second["outcome"]) == ["already a member", "already a member", "added", "not found"]
    assert set(fresh_hs.lists.members(list_id)["id"]) >= set(ids)


def test_workflow_enroll_reports_each_outcome(fresh_sandbox, fresh_hs):
    email = fresh_hs.contacts.get_page(limit=1)["email"].iloc[0]
    out = fresh_hs.workflows.enroll(fresh_sandbox.workflow_ids[0], [email, "ghost@example.org"])
    assert list(out["email"]) == [email, "ghost@example.org"]
    assert list(out["outcome"]) == ["enrolled", "not found"]


def test_workflow_enroll_rejects_malformed_email_before_sending(fresh_sandbox, fresh_hs):
    before = fresh_hs.stats.snapshot()[0]
    with pytest.raises(hf.InputError, match="not-an-email"):
        fresh_hs.workflows.enroll(fresh_sandbox.workflow_ids[0], ["ok@example.org", "not-an-email"])
    assert fresh_hs.stats.snapshot()[0] == before


def test_form_submit_creates_contact_and_reports_rejections(fresh_sandbox, fresh_hs):
    form = fresh_sandbox.form_ids[0]
    rows = pd.DataFrame(
        {"email": ["form1@example.org", "form2@example.org"], "firstname": ["Grace", "Alan"]}
    )
    out = fresh_hs.forms.submit(fresh_sandbox.portal_id, form, rows)
    assert list(out["outcome"]) == ["submitted", "submitted"]
    assert (
        fresh_hs.contacts.get("form1@example.org", id_property="email")["firstname"].iloc[0]
        == "Grace"
    )
    bad = fresh_hs.forms.submit(
        fresh_sandbox.portal_id, form, {"email": "x@example.org", "no_such_field": "1"}
    )
    assert list(bad["outcome"]) == ["rejected"]
    assert bad["message"].iloc[0]
