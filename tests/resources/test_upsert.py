"""Upsert, and the one rule of every write: an empty cell leaves a value alone, hf.CLEAR clears it.

Every test writes to a real sandbox and compares what the client says with what the
sandbox's store holds afterwards.
"""

from __future__ import annotations

import copy
import pickle
import warnings
from collections import Counter

import pandas as pd
import pytest

import hubframe as hf
from hubframe.sandbox import Sandbox
from hubframe.sandbox.crm.definitions import PROPERTIES, PropertyDef
from hubframe.testing import virtual_time

TAIL = ["createdAt", "updatedAt", "archived"]


@pytest.fixture
def portal():
    """A small private portal and a client that never waits on retries."""
    with Sandbox(contacts=30, companies=5, deals=5, seed=4) as sb:
        with sb.client(rate_limit=(10_000, 10)) as hs:
            virtual_time(hs)
            yield sb, hs


@pytest.fixture
def coded(monkeypatch):
    """A portal whose contacts have a custom property with unique values, as an admin
    makes one (``hasUniqueValue``): a key upsert can match by other than email."""
    code = PropertyDef(
        name="customer_code",
        label="Customer code",
        type="string",
        field_type="text",
        group="contactinformation",
        description="The customer's code in the billing system.",
        hubspot_defined=False,
        unique=True,
    )
    monkeypatch.setitem(PROPERTIES["contacts"], "customer_code", code)
    with Sandbox(contacts=10, companies=2, deals=0, seed=5) as sb:
        with sb.client(rate_limit=(10_000, 10)) as hs:
            virtual_time(hs)
            yield sb, hs


def live_contacts(sb) -> list:
    return [r for r in sb.store.tables["contacts"].records.values() if not r.archived]


def by_email(sb) -> dict:
    return {r.props["email"]: r for r in live_contacts(sb) if r.props.get("email")}


def sent(hs) -> int:
    return hs.stats.snapshot()[0]


# -- upsert: created and updated rows ---------------------------------------------------------


def test_upsert_creates_the_new_keys_and_updates_the_others(portal):
    sb, hs = portal
    existing = sorted(by_email(sb).items())[:2]
    before = len(live_contacts(sb))
    df = pd.DataFrame(
        {
            "email": [existing[0][0].upper(), "new.one@example.org", existing[1][0], "n2@example.org"],
            "firstname": ["Ada", "Nia", None, "Noor"],
            "customer_rating": [4, None, 2.5, None],
        },
        index=["w", "x", "y", "z"],
    )  # fmt: skip
    out = hs.contacts.upsert(df)
    assert list(out.index) == ["w", "x", "y", "z"]
    assert list(out.columns[:4]) == ["email", "id", "result", "error"]
    assert list(out.columns[4:]) == ["firstname", "customer_rating", *TAIL]
    assert out["result"].tolist() == ["updated", "created", "updated", "created"]
    assert out["error"].isna().all()
    assert str(out["customer_rating"].dtype) == "Float64"
    assert str(out["id"].dtype) == str(out["result"].dtype) == "string"
    # The store agrees: two new contacts, two changed, each row's id is its record.
    now = by_email(sb)
    assert len(live_contacts(sb)) == before + 2
    assert out["id"].tolist() == [str(now[e.strip().lower()].id) for e in df["email"].str.lower()]
    assert now[existing[0][0]].props["firstname"] == "Ada"
    assert now["new.one@example.org"].props["firstname"] == "Nia"
    assert now[existing[1][0]].props["customer_rating"] == "2.5"
    # An empty cell left the existing value alone.
    assert now[existing[1][0]].props.get("firstname") == existing[1][1].props.get("firstname")


def test_upsert_takes_a_list_of_dicts_or_one_dict(portal):
    sb, hs = portal
    out = hs.contacts.upsert([{"email": "l1@example.org"}, {"email": "l2@example.org"}])
    assert list(out.index) == [0, 1] and out["result"].tolist() == ["created", "created"]
    one = hs.contacts.upsert({"email": "l1@example.org", "lastname": "Once"})
    assert one["result"].tolist() == ["updated"] and one["id"].iloc[0] == out["id"].iloc[0]
    assert by_email(sb)["l1@example.org"].props["lastname"] == "Once"


def test_a_row_with_only_its_key_creates_a_missing_record_and_changes_no_other(portal):
    sb, hs = portal
    email, rec = sorted(by_email(sb).items())[0]
    kept = dict(rec.props)
    out = hs.contacts.upsert(pd.DataFrame({"email": [email, "only.key@example.org"]}))
    assert out["result"].tolist() == ["updated", "created"]
    assert by_email(sb)[email].props == kept
    assert "only.key@example.org" in by_email(sb)


def test_upserts_of_more_than_one_batch_keep_input_order(portal):
    sb, hs = portal
    emails = [f"many{i}@example.org" for i in range(230)]
    first = hs.contacts.upsert(pd.DataFrame({"email": emails[:120], "jobtitle": "A"}))
    calls = sent(hs)
    out = hs.contacts.upsert(pd.DataFrame({"email": emails[::-1], "jobtitle": "B"}))
    assert sent(hs) - calls == 3  # 230 rows: 100 a request
    assert out["email"].tolist() == emails[::-1]
    created = set(emails[120:])
    assert out["result"].tolist() == [
        "created" if e in created else "updated" for e in emails[::-1]
    ]
    assert (
        dict(zip(first["email"], first["id"], strict=True)).items()
        <= dict(zip(out["email"], out["id"], strict=True)).items()
    )
    assert {by_email(sb)[e].props["jobtitle"] for e in emails} == {"B"}


# -- upsert: safe to retry --------------------------------------------------------------------


@pytest.mark.parametrize("fault", [{"status": 502}, {"drop": True}])
def test_an_upsert_whose_answer_was_lost_after_it_was_applied_is_retried_without_duplicates(
    portal, fault
):
    sb, hs = portal
    before = len(live_contacts(sb))
    df = pd.DataFrame({"email": [f"lost{i}@example.org" for i in range(5)], "lastname": "L"})
    sb.inject(**fault, after_apply=True, path_contains="/batch/upsert")
    out = hs.contacts.upsert(df)
    assert len(live_contacts(sb)) == before + 5
    assert Counter(r.props.get("email") for r in live_contacts(sb)).most_common(1)[0][1] == 1
    # The lost attempt created them; the retry found them: HubSpot says not new.
    assert out["result"].tolist() == ["updated"] * 5
    assert out["id"].tolist() == [str(by_email(sb)[e].id) for e in df["email"]]


def test_an_upsert_stopped_part_way_is_finished_by_sending_err_remaining(portal):
    sb, hs = portal
    before = len(live_contacts(sb))
    emails = [f"part{i}@example.org" for i in range(250)]
    df = pd.DataFrame({"email": emails, "jobtitle": "P"}, index=[f"r{i}" for i in range(250)])
    # The second batch is applied on every attempt and its answer lost every time.
    sb.inject(502, after_apply=True, path_contains="/batch/upsert", skip=1, count=None)
    with pytest.raises(hf.PartialWriteError) as info:
        hs.contacts.upsert(df)
    err = info.value
    sb.clear_injections()
    assert err.operation == "upsert" and err.applied == "maybe" and err.uncertain_rows == []
    assert err.written_rows == list(range(100))
    assert err.remaining_rows == list(range(100, 250))
    assert err.remaining.equals(df.iloc[100:])
    assert list(err.written.columns[:3]) == ["email", "id", "result"]
    assert list(err.written.index) == list(df.index[:100])
    assert "hs.contacts.upsert(err.remaining, id_property='email')" in err.hint()
    assert "creates no duplicate" in err.hint()
    rest = hs.contacts.upsert(err.remaining, id_property="email")
    counts = Counter(r.props.get("email") for r in live_contacts(sb))
    assert all(counts[e] == 1 for e in emails)
    assert len(live_contacts(sb)) == before + 250
    assert list(rest.index) == list(df.index[100:])
    assert rest["result"].tolist() == ["updated"] * 100 + ["created"] * 50


# -- upsert: refused before anything is sent --------------------------------------------------


def test_upsert_input_errors_are_raised_before_any_request(portal):
    sb, hs = portal
    hs.properties("contacts"), hs.properties("companies")  # definitions are read once
    calls = sent(hs)
    dup = pd.DataFrame({"email": ["a@example.org", "b@example.org", "A@example.org "]})
    with pytest.raises(hf.InputError, match=r"email 'a@example.org' is in rows 0, 2"):
        hs.contacts.upsert(dup)
    with pytest.raises(hf.InputError, match="row 1 has no email"):
        hs.contacts.upsert(pd.DataFrame({"email": ["a@example.org", None], "lastname": "x"}))
    with pytest.raises(hf.InputError, match="row 0 has no email"):
        hs.contacts.upsert([{"lastname": "no key"}])
    with pytest.raises(hf.InputError, match=r"not by the record id.*update\(df\)"):
        hs.contacts.upsert(pd.DataFrame({"hs_object_id": ["1"]}), id_property="hs_object_id")
    with pytest.raises(hf.InputError, match="'lastname' is not a unique property of contacts"):
        hs.contacts.upsert(pd.DataFrame({"lastname": ["x"]}), id_property="lastname")
    with pytest.raises(hf.InputError, match="it has none"):
        hs.companies.upsert(pd.DataFrame({"domain": ["x.example"]}), id_property="domain")
    with pytest.raises(hf.UnknownPropertyError, match="emial"):
        hs.contacts.upsert(pd.DataFrame({"emial": ["x@example.org"]}), id_property="emial")
    with pytest.raises(hf.InputError, match=r"row 0 has an 'id'.*update\(df\)"):
        hs.contacts.upsert(pd.DataFrame({"id": ["1"], "email": ["c@example.org"]}))
    with pytest.raises(hf.InputError, match="would clear it"):
        hs.contacts.upsert(pd.DataFrame({"email": ["c@example.org"], "lastname": [""]}))
    with pytest.raises(hf.InputError, match="cannot be hf.CLEAR"):
        hs.contacts.upsert(pd.DataFrame({"email": [hf.CLEAR]}))
    assert sent(hs) == calls


# -- upsert by another unique property; 207 partial failures ------------------------------------


def test_upsert_by_a_unique_custom_property_reports_refused_rows_per_row(coded):
    sb, hs = coded
    assert hs.properties("contacts")["customer_code"].unique
    taken = sorted(by_email(sb))[0]
    made = hs.contacts.upsert(
        pd.DataFrame({"customer_code": ["C-1", "C-2"], "email": ["c1@example.org", None]}),
        id_property="customer_code",
    )
    assert made["result"].tolist() == ["created", "created"]
    df = pd.DataFrame(
        {
            "customer_code": ["C-1", "C-3", "C-2", "C-4"],
            "lastname": ["One", "Three", "Two", "Four"],
            # Row 1 takes an email another contact has: HubSpot refuses that row only.
            "email": [None, taken, None, "c4@example.org"],
        }
    )
    with pytest.warns(hf.HubFrameWarning, match="1 of 4 contacts were not upserted: row 1"):
        out = hs.contacts.upsert(df, id_property="customer_code")
    assert out["result"].tolist() == ["updated", "failed", "updated", "created"]
    assert out["customer_code"].tolist() == ["C-1", "C-3", "C-2", "C-4"]
    assert "Contact already exists" in out["error"].iloc[1]
    assert out["error"].drop(index=1).isna().all() and pd.isna(out["id"].iloc[1])
    codes = {r.props.get("customer_code"): r for r in live_contacts(sb)}
    assert "C-3" not in codes
    assert out["id"].drop(index=1).tolist() == [str(codes[c].id) for c in ("C-1", "C-2", "C-4")]
    assert codes["C-1"].props["email"] == "c1@example.org"  # the empty cell left it
    assert codes["C-2"].props["lastname"] == "Two"


# -- empty cells and hf.CLEAR in update --------------------------------------------------------


def test_clear_is_one_marker_that_survives_copies():
    assert repr(hf.CLEAR) == "hf.CLEAR"
    assert copy.deepcopy(hf.CLEAR) is hf.CLEAR
    assert pickle.loads(pickle.dumps(hf.CLEAR)) is hf.CLEAR
    assert pd.DataFrame({"a": [hf.CLEAR]}).copy(deep=True)["a"].iloc[0] is hf.CLEAR


def test_update_leaves_empty_cells_alone_clears_only_with_clear_and_skips_empty_rows(portal):
    sb, hs = portal
    recs = [r for r in live_contacts(sb) if r.props.get("firstname") and r.props.get("lastname")]
    ids = [str(r.id) for r in recs[:4]]
    before = {i: dict(sb.store.tables["contacts"].records[int(i)].props) for i in ids}
    df = pd.DataFrame(
        {
            "id": ids,
            "firstname": ["F0", None, pd.NA, float("nan")],
            "lastname": [None, hf.CLEAR, "L2", None],
        },
        index=["a", "b", "c", "d"],
    )
    out = hs.contacts.update(df)
    after = {i: sb.store.tables["contacts"].records[int(i)].props for i in ids}
    assert out["id"].tolist() == ids[:3]
    # Rows are named by the frame's index label (df.loc), with their position too.
    assert out.attrs["skipped"] == [{"row": "d", "position": 3, "id": ids[3]}]
    assert (
        after[ids[0]]["firstname"] == "F0"
        and after[ids[0]]["lastname"] == before[ids[0]]["lastname"]
    )
    assert after[ids[1]]["firstname"] == before[ids[1]]["firstname"]
    assert not after[ids[1]].get("lastname")  # cleared
    assert after[ids[2]]["lastname"] == "L2"
    assert after[ids[3]] == before[ids[3]]


def test_an_update_of_only_empty_rows_sends_nothing_and_says_so(portal):
    sb, hs = portal
    ids = [str(r.id) for r in live_contacts(sb)[:2]]
    hs.properties("contacts")
    calls = sent(hs)
    with pytest.warns(hf.HubFrameWarning, match="nothing was sent"):
        out = hs.contacts.update(pd.DataFrame({"id": ids, "lastname": [None, None]}))
    assert len(out) == 0 and len(out.attrs["skipped"]) == 2
    assert sent(hs) == calls


def test_one_record_update_follows_the_same_rule(portal):
    sb, hs = portal
    rec = next(r for r in live_contacts(sb) if r.props.get("phone") and r.props.get("lastname"))
    kept = rec.props["lastname"]
    hs.contacts.update(str(rec.id), {"phone": hf.CLEAR, "lastname": None, "jobtitle": "J"})
    assert not rec.props.get("phone") and rec.props["lastname"] == kept
    assert rec.props["jobtitle"] == "J"
    with pytest.raises(hf.InputError, match=r"is empty \(None and NaN leave"):
        hs.contacts.update(str(rec.id), {"lastname": None})
    with pytest.raises(hf.InputError, match="hf.CLEAR"):
        hs.contacts.update(str(rec.id), {"lastname": ""})
    assert rec.props["lastname"] == kept


def test_empty_strings_are_refused_in_every_write(portal):
    sb, hs = portal
    rid = str(live_contacts(sb)[0].id)
    hs.properties("contacts")
    calls = sent(hs)
    writes = [
        lambda: hs.contacts.create({"email": "e@example.org", "lastname": ""}),
        lambda: hs.contacts.create(pd.DataFrame({"email": ["e@example.org"], "lastname": [""]})),
        lambda: hs.contacts.update(pd.DataFrame({"id": [rid], "lastname": [""]})),
        lambda: hs.contacts.update(rid, {"favorite_products": []}),
    ]
    for write in writes:
        with pytest.raises(hf.InputError, match=r"would clear it.*hf\.CLEAR"):
            write()
    assert sent(hs) == calls


def test_clear_is_not_a_search_value(portal):
    _, hs = portal
    with pytest.raises(hf.InputError, match="not a value to search for"):
        hs.contacts.search("lastname", hf.CLEAR)


def test_clear_in_an_upsert_clears_and_an_empty_cell_keeps(portal):
    sb, hs = portal
    email, rec = next((e, r) for e, r in sorted(by_email(sb).items()) if r.props.get("phone"))
    kept = rec.props.get("lastname")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = hs.contacts.upsert(
            pd.DataFrame({"email": [email], "phone": [hf.CLEAR], "lastname": [None]})
        )
    assert out["result"].tolist() == ["updated"]
    assert not rec.props.get("phone") and rec.props.get("lastname") == kept


def test_a_create_that_updates_on_conflict_keeps_clear(portal):
    sb, hs = portal
    email, rec = next((e, r) for e, r in sorted(by_email(sb).items()) if r.props.get("phone"))
    out = hs.contacts.create({"email": email, "phone": hf.CLEAR}, on_conflict="update")
    assert out["id"].iloc[0] == str(rec.id) and not rec.props.get("phone")


# -- upsert and the portal's rules: the domain association, 2026-09 write rules ------------------


def test_an_upsert_creates_as_create_does_and_keeps_the_write_rules():
    rules = [{"object": "contacts", "property": "lastname"}]  # required on create
    with Sandbox(contacts=6, companies=2, deals=0, seed=53, rules=rules) as sb:
        with sb.client(rate_limit=(10_000, 10)) as hs:
            company = hs.companies.get_all(properties=["domain"]).iloc[0]
            known = sorted(by_email(sb))[0]
            df = pd.DataFrame(
                {
                    "email": [known, f"new@{company['domain']}", "nolast@example.org"],
                    "lastname": [None, "New", None],
                    "jobtitle": ["Known", "New", "None"],
                }
            )
            with pytest.warns(hf.HubFrameWarning, match="1 of 3 contacts were not upserted"):
                out = hs.contacts.upsert(df)
            # An update keeps only the rules of an update; a create those of the create form.
            assert out["result"].tolist() == ["updated", "created", "failed"]
            assert "lastname is required when creating a contact" in out["error"].iloc[2]
            assert "nolast@example.org" not in by_email(sb)
            # The created contact is associated by its email's domain, as a created one is.
            made = by_email(sb)[f"new@{company['domain']}"]
            linked = sb.store.assoc.targets("contacts", made.id, "companies")
            assert list(linked) == [int(company["id"])] and 1 in linked[int(company["id"])]


def test_rows_refused_before_an_upsert_stopped_are_in_failures_and_remaining():
    rules = [{"object": "contacts", "property": "lastname"}]  # required on create
    with Sandbox(contacts=0, companies=0, deals=0, rules=rules) as sb:
        with sb.client(rate_limit=(10_000, 10)) as hs:
            virtual_time(hs)
            rows = [{"email": f"f{i}@example.org", "lastname": "F"} for i in range(150)]
            rows[3] = {"email": "f3@example.org"}  # refused: a new contact needs a lastname
            sb.inject(503, path_contains="/batch/upsert", skip=1, count=hs.max_retries + 1)
            with pytest.raises(hf.PartialWriteError) as info:
                hs.contacts.upsert(rows)
            err = info.value
            assert [(f["row"], f["category"]) for f in err.failures] == [(3, "VALIDATION_ERROR")]
            assert "lastname is required" in err.failures[0]["message"]
            assert err.written_rows == [n for n in range(100) if n != 3]
            assert err.remaining_rows == [3, *range(100, 150)]
            assert err.remaining == [rows[3], *rows[100:]]  # dicts, as passed
            assert "1 rows HubSpot refused are in err.failures" in err.hint()
            assert sb.store.count("contacts") == 99
