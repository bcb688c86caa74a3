"""Bad input to every public function: refused with a typed error that names the value and the fix.

One matrix per kind of check:

- ``LOCAL``: input hubframe can judge on its own. Each row asserts the exact
  :class:`~hubframe.errors.HubFrameError` subclass, substrings that name the bad
  value and substrings that say what to do, that the sandbox served no request at
  all during the call, and that the portal did not change.
- ``WRITES``: many-record writes (and actions) with one bad record, on a fresh
  portal: the same, plus every record id, submission, list membership and
  enrollment is as before (nothing half-written).
- ``SERVER``: ids only HubSpot can judge (a list, workflow, form or record that
  does not exist): the error type, its message and hint, exactly the requests
  expected, and nothing written.
- ``CHUNKED``: more than 100 ids is not an error: the result is complete and the
  number of batch requests is the number of 100-id chunks.
- ``CLI``: ``hubframe ...`` arguments: exit status 2, the value and the fix on
  stderr, no traceback, no file written.

Every bad input tried is added to the ``bad_input`` figures under its category.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import hubframe as hf
from hubframe import cli
from hubframe.demo import run_demo
from hubframe.errors import (
    ConfigurationError,
    HubFrameError,
    InputError,
    NotFoundError,
    UnknownPropertyError,
    ValidationError,
)
from hubframe.export import iter_export
from hubframe.frames import HubFrameWarning
from hubframe.properties import PropertySet, default_properties, normalize_object_type
from hubframe.resources import ObjectResource
from hubframe.sandbox import Sandbox
from hubframe.widgets import ListForm, SearchForm, WorkflowForm, operators_for, panel

UTC = dt.timezone.utc
GUID = "a1b2c3d4-0000-1111-2222-333344445555"  # well formed, but no such form
ID_FIX = "e.g. '51'"
EMAIL_FIX = "expected name@example.com"
ENUM_FIX = "use one of"
NUMBER_FIX = "pass an int, a float or a numeric string"
BOOL_FIX = "use True or False"
DATE_FIX = "Pass a date"
LIFECYCLE = "'subscriber', 'lead', 'marketingqualifiedlead'"


# -- the portals ----------------------------------------------------------------------------------


class Ctx:
    """What a case needs: the client, its sandbox, a scratch folder and a few real ids."""

    def __init__(self, sb: Sandbox, hs: hf.HubSpot, tmp: Path):
        self.sb, self.hs, self.tmp = sb, hs, tmp
        with sb.store.lock:
            self.contact_ids = [str(i) for i in sb.store.tables["contacts"].live_ids()]
            self.company_ids = [str(i) for i in sb.store.tables["companies"].live_ids()]
            self.deal_ids = [str(i) for i in sb.store.tables["deals"].live_ids()]
        self.lid = sb.list_ids[0]
        self.wid = sb.workflow_ids[0]
        self.guid = sb.form_ids[0]
        self.pid = sb.portal_id
        self.cid = self.company_ids[0]
        self.emails = (
            hs.contacts.get_many(self.contact_ids[:60], properties=["email"])["email"]
            .dropna()
            .tolist()
        )


def _client(sb: Sandbox) -> hf.HubSpot:
    hs = sb.client(rate_limit=(10_000, 10), search_rate=1_000)
    # Property definitions are fetched once per client. Fetch them now, so that a call
    # which checks its input locally sends nothing at all, not even a definitions GET.
    for object_type in ("contacts", "companies", "deals"):
        hs.properties(object_type)
    return hs


@pytest.fixture(scope="module")
def read_ctx(tmp_path_factory):
    """One portal for the cases that must not write (a wrong check would show as a change)."""
    with Sandbox(contacts=300, companies=30, deals=40, seed=3) as sb, _client(sb) as hs:
        yield Ctx(sb, hs, tmp_path_factory.mktemp("bad-input"))


@pytest.fixture
def write_ctx(tmp_path):
    """A fresh portal for each write case."""
    with Sandbox(contacts=250, companies=10, deals=20, seed=5) as sb, _client(sb) as hs:
        yield Ctx(sb, hs, tmp_path)


@pytest.fixture(autouse=True)
def _no_portal_from_environment(monkeypatch):
    """Constructor cases must not pick up a token or host from the machine running the tests."""
    for name in ("HUBSPOT_ACCESS_TOKEN", "HUBFRAME_BASE_URL", "HUBFRAME_FORMS_URL"):
        monkeypatch.delenv(name, raising=False)


def portal_state(sb: Sandbox) -> dict[str, Any]:
    """Everything a write could change: record ids (live and archived), submissions,
    list members, enrollments, and the store's version, which every write bumps."""
    store = sb.store
    with store.lock:
        return {
            "version": store.version,
            "live": {t: sorted(tab.live_ids()) for t, tab in store.tables.items()},
            "archived": {t: sorted(tab.archived_ids()) for t, tab in store.tables.items()},
            "submissions": len(store.submissions),
            "members": {k: sorted(v) for k, v in store.list_members.items()},
            "enrollments": {k: sorted(v) for k, v in store.enrollments.items()},
        }


class RequestWatch:
    """The requests the sandbox served from now on (its log keeps the last 10,000)."""

    def __init__(self, sb: Sandbox):
        self.sb = sb
        self.start = len(sb.requests)
        assert self.start < 9_000, "the request log is nearly full: the counts below would be wrong"

    def new(self) -> list[Any]:
        return self.sb.requests[self.start :]


# -- the rows -------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Case:
    category: str
    call: Callable[[Ctx, Any], Any]
    error: type[HubFrameError]
    names: tuple[str, ...]  # substrings that name the bad value
    fix: tuple[str, ...]  # substrings that say what to do
    prepare: Callable[[Ctx], Any] | None = None  # runs before the watch starts (e.g. build a form)
    requests: tuple[tuple[str, str], ...] = ()  # SERVER: (method, path prefix) of each request


def case(
    ident: str,
    category: str,
    call: Callable[[Ctx, Any], Any],
    error: type[HubFrameError],
    names: Sequence[str],
    fix: Sequence[str],
    **kw: Any,
) -> Any:
    assert names and fix, f"{ident}: a row must name the value and the fix it expects"
    return pytest.param(Case(category, call, error, tuple(names), tuple(fix), **kw), id=ident)


def submit(form: Any) -> None:
    """Run a notebook form; it shows the error instead of raising, so raise what it shows."""
    assert form.submit() is None, "the form ran"
    assert form.error is not None and 'role="alert"' in form.message.value
    assert "Traceback" not in form.message.value
    raise form.error


def export_step(c: Ctx, path: Any, **kw: Any) -> Any:
    """The first step of ``iter_export`` (a generator: nothing runs until it is advanced)."""
    return next(iter_export(c.hs.contacts, path, progress=False, **kw))


def _dt(*args: int, tz: dt.tzinfo | None = UTC) -> dt.datetime:
    return dt.datetime(*args, tzinfo=tz)


E = {"email": "new.person@example.com"}

# fmt: off
LOCAL = [
    # ---- wrong_type: an argument of a type the call cannot use
    case("get_id_none", "wrong_type", lambda c, _: c.hs.contacts.get(None), InputError, ["contact id None"], [ID_FIX]),
    case("get_id_float", "wrong_type", lambda c, _: c.hs.contacts.get(1.5), InputError, ["contact id 1.5"], [ID_FIX]),
    case("get_id_bool", "wrong_type", lambda c, _: c.hs.deals.get(True), InputError, ["deal id True"], [ID_FIX]),
    case("get_id_list", "wrong_type", lambda c, _: c.hs.companies.get([5001]), InputError, ["company id [5001]"], [ID_FIX]),
    case("get_many_none", "wrong_type", lambda c, _: c.hs.contacts.get_many(None), InputError, ["=None (NoneType)"], ["a list of them"]),
    case("get_many_dict", "wrong_type", lambda c, _: c.hs.contacts.get_many({"id": 1}), InputError, ["={'id': 1} (dict)"], ["a list of them"]),
    case("get_many_bytes", "wrong_type", lambda c, _: c.hs.deals.get_many(b"7001"), InputError, ["=b'7001' (bytes)"], ["a list of them"]),
    case("get_many_by_email_none", "wrong_type", lambda c, _: c.hs.contacts.get_many(None, id_property="email"), InputError, ["=None (NoneType)"], ["a list of them"]),
    case("get_many_by_email_float", "wrong_type", lambda c, _: c.hs.contacts.get_many(5.5, id_property="email"), InputError, ["=5.5 (float)"], ["a list of them"]),
    case("get_many_df_without_id", "wrong_type", lambda c, _: c.hs.contacts.get_many(pd.DataFrame({"ident": ["1"]})), InputError, ["columns: ['ident']"], ["'id' column"]),
    case("get_by_email_int", "wrong_type", lambda c, _: c.hs.contacts.get(5, id_property="email"), InputError, ["email 5"], [EMAIL_FIX]),
    case("get_by_property_none", "wrong_type", lambda c, _: c.hs.contacts.get(None, id_property="firstname"), InputError, ["firstname value None"], ["give the firstname to look up"]),
    case("properties_int", "wrong_type", lambda c, _: c.hs.contacts.get(c.contact_ids[0], properties=5), InputError, ["not 5"], ["None, 'all', a name or a list of names"]),
    case("properties_set", "wrong_type", lambda c, _: c.hs.contacts.get_all(properties={"email"}), InputError, ["not a set"], ["pass a list"]),
    case("properties_item_int", "wrong_type", lambda c, _: c.hs.contacts.get_page(properties=["email", 3]), InputError, ["not 3"], ["must be strings"]),
    case("properties_bytes", "wrong_type", lambda c, _: c.hs.deals.get_all(properties=b"amount"), InputError, ["not a bytes"], ["None, 'all', a name or a list of names"]),
    case("associations_int", "wrong_type", lambda c, _: c.hs.contacts.get_all(associations=5), InputError, ["associations=5"], ["['companies']"]),
    case("id_property_int", "wrong_type", lambda c, _: c.hs.contacts.get("x", id_property=5), InputError, ["not 5"], ["must be strings"]),
    case("search_field_int", "wrong_type", lambda c, _: c.hs.contacts.search(5, "x"), InputError, ["field=5"], ["e.g. 'email'"]),
    case("search_operator_int", "wrong_type", lambda c, _: c.hs.contacts.search("email", "a@b.co", operator=1), InputError, ["operator=1"], ["use one of EQ"]),
    case("search_query_int", "wrong_type", lambda c, _: c.hs.contacts.search(query=5), InputError, ["query=5"], ["use a string"]),
    case("search_filters_str", "wrong_type", lambda c, _: c.hs.deals.search(filters="amount>5"), InputError, ["'amount>5'"], ["(field, operator, value) tuples"]),
    case("search_filter_one_item", "wrong_type", lambda c, _: c.hs.deals.search(filters=[("amount",)]), InputError, ["('amount',)"], ["('amount', 'GT', 1000)"]),
    case("create_none", "wrong_type", lambda c, _: c.hs.contacts.create(None), InputError, ["NoneType None"], ["a dict (one record), a DataFrame or a list of dicts"]),
    case("create_str", "wrong_type", lambda c, _: c.hs.contacts.create("email=a@b.co"), InputError, ["'email=a@b.co'"], ["a dict (one record)"]),
    case("create_list_with_str", "wrong_type", lambda c, _: c.hs.companies.create([{"name": "A"}, "B"]), InputError, ["[{'name': 'A'}, 'B']"], ["a list of dicts"]),
    case("create_key_int", "wrong_type", lambda c, _: c.hs.contacts.create({1: "x"}), InputError, ["not 1"], ["must be strings"]),
    case("update_props_list", "wrong_type", lambda c, _: c.hs.contacts.update(c.contact_ids[0], ["lastname"]), InputError, ["not list"], ["dict of property name -> value"]),
    case("update_id_none", "wrong_type", lambda c, _: c.hs.deals.update(None, {"dealname": "x"}), InputError, ["deal id None"], [ID_FIX]),
    case("delete_none", "wrong_type", lambda c, _: c.hs.contacts.delete(None), InputError, ["=None (NoneType)"], ["a list of them"]),
    case("delete_float", "wrong_type", lambda c, _: c.hs.contacts.delete(901.0), InputError, ["=901.0 (float)"], ["a list of them"]),
    case("delete_dict", "wrong_type", lambda c, _: c.hs.deals.delete({"id": "7001"}), InputError, ["={'id': '7001'} (dict)"], ["a list of them"]),
    case("get_contacts_none", "wrong_type", lambda c, _: c.hs.companies.get_contacts(None), InputError, ["company id None"], [ID_FIX]),
    case("add_contact_none", "wrong_type", lambda c, _: c.hs.companies.add_contact(c.cid, None), InputError, ["contact id None"], [ID_FIX]),
    case("lists_add_ids_none", "wrong_type", lambda c, _: c.hs.lists.add(c.lid, None), InputError, ["=None (NoneType)"], ["a list of them"]),
    case("lists_add_df_without_id", "wrong_type", lambda c, _: c.hs.lists.add(c.lid, pd.DataFrame({"vid": ["1"]})), InputError, ["columns: ['vid']"], ["'id' column"]),
    case("lists_all_query_int", "wrong_type", lambda c, _: c.hs.lists.all(query=5), InputError, ["query=5"], ["use a string"]),
    case("enroll_emails_none", "wrong_type", lambda c, _: c.hs.workflows.enroll(c.wid, None), InputError, ["emails=None (NoneType)"], ["['ada@example.com']"]),
    case("enroll_emails_int", "wrong_type", lambda c, _: c.hs.workflows.enroll(c.wid, 5), InputError, ["emails=5 (int)"], ["['ada@example.com']"]),
    case("enroll_df_without_email", "wrong_type", lambda c, _: c.hs.workflows.enroll(c.wid, pd.DataFrame({"mail": ["a@b.co"]})), InputError, ["columns: ['mail']"], ["rename it to 'email'"]),
    case("submit_fields_none", "wrong_type", lambda c, _: c.hs.forms.submit(c.pid, c.guid, None), InputError, ["NoneType None"], ["a dict, a DataFrame or a list of dicts"]),
    case("submit_fields_str", "wrong_type", lambda c, _: c.hs.forms.submit(c.pid, c.guid, "email=a@b.co"), InputError, ["'email=a@b.co'"], ["a dict, a DataFrame or a list of dicts"]),
    case("submit_field_name_int", "wrong_type", lambda c, _: c.hs.forms.submit(c.pid, c.guid, {1: "x"}), InputError, ["field name 1"], ["non-empty string"]),
    case("submit_context_list", "wrong_type", lambda c, _: c.hs.forms.submit(c.pid, c.guid, E, context=["x"]), InputError, ["not list"], ["must be a dict"]),
    case("client_token_int", "wrong_type", lambda c, _: hf.HubSpot(token=5), ConfigurationError, ["not int"], ["must be a string"]),
    case("client_base_url_int", "wrong_type", lambda c, _: hf.HubSpot(token="t", base_url=5), ConfigurationError, ["base_url=5"], ["'https://api.hubapi.com'"]),
    case("client_timeout_str", "wrong_type", lambda c, _: hf.HubSpot(token="t", timeout="30"), ConfigurationError, ["timeout='30'"], ["seconds > 0"]),
    case("client_search_rate_str", "wrong_type", lambda c, _: hf.HubSpot(token="t", search_rate="5"), ConfigurationError, ["search_rate='5'"], ["HubSpot allows 5"]),
    case("client_transport_str", "wrong_type", lambda c, _: hf.HubSpot(token="t", transport="mock"), ConfigurationError, ["transport='mock'"], ["httpx.MockTransport"]),
    # rate_limit=None is "no client-side limit" (tests/test_client.py); True is no rate
    case("client_rate_limit_bool", "wrong_type", lambda c, _: hf.HubSpot(token="t", rate_limit=True), ConfigurationError, ["rate_limit=True"], ["(190, 10)"]),
    case("client_api_version_int", "wrong_type", lambda c, _: hf.HubSpot(token="t", api_version=202609), ConfigurationError, ["api_version=202609 (int)"], ["'2026-09', '2026-03', 'legacy'"]),
    case("request_path_int", "wrong_type", lambda c, _: c.hs.request("GET", 5), InputError, ["path=5"], ["starting with '/'"]),
    case("list_form_source_int", "wrong_type", lambda c, _: ListForm(c.hs, source=5), InputError, ["source=5"], ["a SearchForm or a DataFrame"]),
    case("workflow_form_source_str", "wrong_type", lambda c, _: WorkflowForm(c.hs, source="selection"), InputError, ["source='selection'"], ["a SearchForm or a DataFrame"]),
    case("operators_for_name", "wrong_type", lambda c, _: operators_for("email"), InputError, ["prop='email'"], ["hs.properties('contacts')['email']"]),
    case("search_form_without_client", "wrong_type", lambda c, _: SearchForm(None), InputError, ["hs=None"], ["pass a hubframe.HubSpot client"]),
    case("list_form_token_for_client", "wrong_type", lambda c, _: ListForm("pat-na1-123"), InputError, ["hs='pat-na1-123'"], ["pass a hubframe.HubSpot client"]),
    case("panel_sandbox_for_client", "wrong_type", lambda c, _: panel(c.sb), InputError, ["hs=Sandbox("], ["Sandbox().start().client()"]),
    case("workflow_form_emails_int", "wrong_type", lambda c, _: WorkflowForm(c.hs, emails=5), InputError, ["emails=5"], ["['ada@example.com']"]),
    # ---- empty_id: an id that is empty
    case("get_id_empty", "empty_id", lambda c, _: c.hs.contacts.get(""), InputError, ["contact id ''"], [ID_FIX]),
    case("get_id_blank", "empty_id", lambda c, _: c.hs.companies.get("   "), InputError, ["company id '   '"], [ID_FIX]),
    case("get_by_property_blank", "empty_id", lambda c, _: c.hs.contacts.get(" ", id_property="firstname"), InputError, ["firstname value ' '"], ["give the firstname to look up"]),
    case("get_many_empty", "empty_id", lambda c, _: c.hs.contacts.get_many([]), InputError, ["no contact ids given"], ["pass at least one"]),
    case("get_many_empty_series", "empty_id", lambda c, _: c.hs.deals.get_many(pd.Series([], dtype="string")), InputError, ["no deal ids given"], ["pass at least one"]),
    case("get_many_one_empty", "empty_id", lambda c, _: c.hs.contacts.get_many([c.contact_ids[0], ""]), InputError, ["contact id ''"], [ID_FIX]),
    case("get_many_by_email_empty", "empty_id", lambda c, _: c.hs.contacts.get_many([], id_property="email"), InputError, ["no email values given"], ["pass at least one"]),
    case("update_id_empty", "empty_id", lambda c, _: c.hs.contacts.update("", {"lastname": "x"}), InputError, ["contact id ''"], [ID_FIX]),
    case("update_df_no_rows", "empty_id", lambda c, _: c.hs.contacts.update(pd.DataFrame({"id": [], "lastname": []})), InputError, ["no contact ids given"], ["pass at least one"]),
    case("update_df_missing_id", "empty_id", lambda c, _: c.hs.contacts.update(pd.DataFrame({"id": [c.contact_ids[0], None], "lastname": ["a", "b"]})), InputError, ["row 1 has no id"], ["every row needs the id"]),
    case("delete_id_empty", "empty_id", lambda c, _: c.hs.deals.delete(""), InputError, ["deal id ''"], [ID_FIX]),
    case("delete_list_empty", "empty_id", lambda c, _: c.hs.deals.delete([]), InputError, ["no deal ids given"], ["pass at least one"]),
    case("get_contacts_empty", "empty_id", lambda c, _: c.hs.companies.get_contacts(""), InputError, ["company id ''"], [ID_FIX]),
    case("add_contact_company_empty", "empty_id", lambda c, _: c.hs.companies.add_contact("", c.contact_ids[0]), InputError, ["company id ''"], [ID_FIX]),
    case("remove_contact_contact_empty", "empty_id", lambda c, _: c.hs.companies.remove_contact(c.cid, ""), InputError, ["contact id ''"], [ID_FIX]),
    case("create_company_id_empty", "empty_id", lambda c, _: c.hs.contacts.create(E, company_id=""), InputError, ["company id ''"], [ID_FIX]),
    case("search_association_id_empty", "empty_id", lambda c, _: c.hs.contacts.search("associations.companies", ""), InputError, ["associated id ''"], [ID_FIX]),
    case("lists_add_no_ids", "empty_id", lambda c, _: c.hs.lists.add(c.lid, []), InputError, ["no record ids given"], ["pass at least one"]),
    case("lists_add_id_empty", "empty_id", lambda c, _: c.hs.lists.add(c.lid, ["   "]), InputError, ["record id '   '"], [ID_FIX]),
    case("submit_portal_empty", "empty_id", lambda c, _: c.hs.forms.submit("", c.guid, E), InputError, ["portal id ''"], [ID_FIX]),
    case("list_form_no_ids", "empty_id", lambda c, _: ListForm(c.hs, ids=[]), InputError, ["no record ids given"], ["pass at least one"]),
    case("list_form_submit_no_ids", "empty_id", lambda c, form: submit(form), InputError, ["Type or paste record ids"], ["select records in the search"], prepare=lambda c: ListForm(c.hs, list_id=c.lid)),
    # ---- non_numeric_id: an id that is not a positive whole number
    case("get_id_letters", "non_numeric_id", lambda c, _: c.hs.contacts.get("abc"), InputError, ["contact id 'abc'"], ["positive whole numbers", ID_FIX]),
    case("get_id_mixed", "non_numeric_id", lambda c, _: c.hs.contacts.get("12a"), InputError, ["contact id '12a'"], [ID_FIX]),
    case("get_id_negative_str", "non_numeric_id", lambda c, _: c.hs.deals.get("-3"), InputError, ["deal id '-3'"], [ID_FIX]),
    case("get_id_negative_int", "non_numeric_id", lambda c, _: c.hs.deals.get(-3), InputError, ["deal id -3"], [ID_FIX]),
    case("get_id_zero", "non_numeric_id", lambda c, _: c.hs.companies.get(0), InputError, ["company id 0"], [ID_FIX]),
    case("get_id_decimal_str", "non_numeric_id", lambda c, _: c.hs.contacts.get("12.0"), InputError, ["contact id '12.0'"], [ID_FIX]),
    case("get_id_exponent", "non_numeric_id", lambda c, _: c.hs.contacts.get("1e3"), InputError, ["contact id '1e3'"], [ID_FIX]),
    case("get_id_hex", "non_numeric_id", lambda c, _: c.hs.contacts.get("0x1F"), InputError, ["contact id '0x1F'"], [ID_FIX]),
    case("get_id_inner_space", "non_numeric_id", lambda c, _: c.hs.contacts.get("12 3"), InputError, ["contact id '12 3'"], [ID_FIX]),
    case("get_id_an_email", "non_numeric_id", lambda c, _: c.hs.contacts.get("ada@example.com"), InputError, ["contact id 'ada@example.com'"], [ID_FIX]),
    case("get_many_one_letters", "non_numeric_id", lambda c, _: c.hs.contacts.get_many([c.contact_ids[0], "x"]), InputError, ["contact id 'x'"], [ID_FIX]),
    case("update_id_letters", "non_numeric_id", lambda c, _: c.hs.companies.update("acme", {"name": "x"}), InputError, ["company id 'acme'"], [ID_FIX]),
    case("delete_list_one_word", "non_numeric_id", lambda c, _: c.hs.contacts.delete([c.contact_ids[0], "two"]), InputError, ["contact id 'two'"], [ID_FIX]),
    case("get_contacts_letters", "non_numeric_id", lambda c, _: c.hs.companies.get_contacts("acme"), InputError, ["company id 'acme'"], [ID_FIX]),
    case("add_contact_company_letters", "non_numeric_id", lambda c, _: c.hs.companies.add_contact("acme", c.contact_ids[0]), InputError, ["company id 'acme'"], [ID_FIX]),
    case("add_contact_contact_letters", "non_numeric_id", lambda c, _: c.hs.companies.add_contact(c.cid, "ada"), InputError, ["contact id 'ada'"], [ID_FIX]),
    case("create_company_id_letters", "non_numeric_id", lambda c, _: c.hs.deals.create({"dealname": "x"}, company_id="acme"), InputError, ["company id 'acme'"], [ID_FIX]),
    case("search_association_id_letters", "non_numeric_id", lambda c, _: c.hs.contacts.search("associations.companies", "acme"), InputError, ["associated id 'acme'"], [ID_FIX]),
    case("lists_add_id_letters", "non_numeric_id", lambda c, _: c.hs.lists.add(c.lid, [c.contact_ids[0], "x"]), InputError, ["record id 'x'"], [ID_FIX]),
    case("submit_portal_letters", "non_numeric_id", lambda c, _: c.hs.forms.submit("acme", c.guid, E), InputError, ["portal id 'acme'"], [ID_FIX]),
    case("list_form_ids_letters", "non_numeric_id", lambda c, _: ListForm(c.hs, ids=["1", "x"]), InputError, ["record id 'x'"], [ID_FIX]),
    case("list_form_typed_ids_letters", "non_numeric_id", lambda c, form: submit(form), InputError, ["record id 'abc'"], [ID_FIX], prepare=lambda c: _typed(ListForm(c.hs, list_id=c.lid), ids="1, abc")),
    # ---- unknown_object_type
    case("properties_empty_type", "unknown_object_type", lambda c, _: c.hs.properties(" "), InputError, ["' '"], ["use a type name such as 'tickets'"]),
    case("objects_empty_type", "unknown_object_type", lambda c, _: c.hs.objects(""), InputError, ["''"], ["hs.object_types() lists them"]),
    case("properties_int_type", "unknown_object_type", lambda c, _: c.hs.properties(1), InputError, ["type 1"], ["use a type name"]),
    case("resource_widgets", "unknown_object_type", lambda c, _: ObjectResource(c.hs, "widgets"), InputError, ["'widgets'"], ["use one of 'contacts'", "hs.objects(name)"]),
    case("resource_none", "unknown_object_type", lambda c, _: ObjectResource(c.hs, None), InputError, ["type None"], ["use one of 'contacts'"]),
    case("normalize_typo", "unknown_object_type", lambda c, _: normalize_object_type("contatcs"), InputError, ["'contatcs'"], ["use one of 'contacts'"]),
    case("default_properties_widgets", "unknown_object_type", lambda c, _: default_properties("widgets"), InputError, ["'widgets'"], ["use one of 'contacts'"]),
    case("property_set_empty_type", "unknown_object_type", lambda c, _: PropertySet("", []), InputError, ["''"], ["use a type name such as 'contacts'"]),
    case("get_associations_leads", "unknown_object_type", lambda c, _: c.hs.contacts.get(c.contact_ids[0], associations="leads"), InputError, ["'leads'"], ["use one of 'contacts'"]),
    case("get_all_associations_one_bad", "unknown_object_type", lambda c, _: c.hs.deals.get_all(associations=["companies", "leads"]), InputError, ["'leads'"], ["use one of 'contacts'"]),
    case("search_associations_leads", "unknown_object_type", lambda c, _: c.hs.contacts.search("associations.leads", "1"), InputError, ["'leads'"], ["use one of 'contacts'"]),
    case("export_associations_leads", "unknown_object_type", lambda c, _: c.hs.contacts.export(c.tmp / "a.parquet", associations="leads"), InputError, ["'leads'"], ["use one of 'contacts'"]),
    case("search_form_leads", "unknown_object_type", lambda c, _: SearchForm(c.hs, object_type="leads"), InputError, ["'leads'"], ["use one of 'contacts'"]),
    case("panel_tickets", "unknown_object_type", lambda c, _: panel(c.hs, object_type="leads"), InputError, ["'leads'"], ["use one of 'contacts'"]),
    # ---- unknown_property
    case("get_properties_nonsense", "unknown_property", lambda c, _: c.hs.contacts.get(c.contact_ids[0], properties="nonsense"), UnknownPropertyError, ["'nonsense'"], ["hs.properties('contacts').names"]),
    case("get_properties_typo", "unknown_property", lambda c, _: c.hs.contacts.get(c.contact_ids[0], properties=["email", "emial"]), UnknownPropertyError, ["'emial'"], ["did you mean 'email'"]),
    case("get_all_properties_case", "unknown_property", lambda c, _: c.hs.contacts.get_all(properties=["Email"]), UnknownPropertyError, ["'Email'"], ["did you mean 'email'"]),
    case("get_page_properties_label", "unknown_property", lambda c, _: c.hs.contacts.get_page(properties="First Name"), UnknownPropertyError, ["'First Name'"], ["hs.properties('contacts').names"]),
    case("get_many_properties_typo", "unknown_property", lambda c, _: c.hs.deals.get_many(c.deal_ids[:2], properties="amout"), UnknownPropertyError, ["'amout'"], ["did you mean 'amount'"]),
    case("get_by_unknown_id_property", "unknown_property", lambda c, _: c.hs.contacts.get("a@b.co", id_property="emial"), UnknownPropertyError, ["'emial'"], ["did you mean 'email'"]),
    case("search_field_typo", "unknown_property", lambda c, _: c.hs.contacts.search("lastnme", "Smith"), UnknownPropertyError, ["'lastnme'"], ["did you mean 'lastname'"]),
    case("search_properties_unknown", "unknown_property", lambda c, _: c.hs.companies.search("domain", "a.com", properties=["revenue"]), UnknownPropertyError, ["'revenue'"], ["hs.properties('companies').names"]),
    case("search_filters_unknown", "unknown_property", lambda c, _: c.hs.deals.search(filters=[("amount", "GT", 5), ("stage", "EQ", "x")]), UnknownPropertyError, ["'stage'"], ["hs.properties('deals').names"]),
    case("create_unknown", "unknown_property", lambda c, _: c.hs.contacts.create({"emial": "a@b.co"}), UnknownPropertyError, ["'emial'"], ["did you mean 'email'"]),
    case("create_company_unknown", "unknown_property", lambda c, _: c.hs.companies.create({"nme": "Acme"}), UnknownPropertyError, ["'nme'"], ["did you mean 'name'"]),
    case("update_unknown", "unknown_property", lambda c, _: c.hs.contacts.update(c.contact_ids[0], {"firstnam": "x"}), UnknownPropertyError, ["'firstnam'"], ["did you mean 'firstname'"]),
    case("create_read_only", "unknown_property", lambda c, _: c.hs.contacts.create({**E, "createdate": "2024-01-01"}), InputError, ["createdate"], ["leave it out"]),
    case("get_contacts_properties_unknown", "unknown_property", lambda c, _: c.hs.companies.get_contacts(c.cid, properties="nonsense"), UnknownPropertyError, ["'nonsense'"], ["hs.properties('contacts').names"]),
    case("export_properties_unknown", "unknown_property", lambda c, _: c.hs.contacts.export(c.tmp / "p.parquet", properties=["email", "nonsense"]), UnknownPropertyError, ["'nonsense'"], ["hs.properties('contacts').names"]),
    case("export_search_unknown", "unknown_property", lambda c, _: c.hs.contacts.export(c.tmp / "s.parquet", search=("emial", "a@b.co")), UnknownPropertyError, ["'emial'"], ["did you mean 'email'"]),
    case("search_form_field_unknown", "unknown_property", lambda c, _: SearchForm(c.hs, field="emial"), UnknownPropertyError, ["'emial'"], ["did you mean 'email'"]),
    case("search_form_properties_unknown", "unknown_property", lambda c, _: SearchForm(c.hs, properties=["email", "nonsense"]), UnknownPropertyError, ["'nonsense'"], ["hs.properties('contacts').names"]),
    # ---- malformed_email
    case("create_email_no_at", "malformed_email", lambda c, _: c.hs.contacts.create({"email": "not-an-email"}), InputError, ["'not-an-email'"], [EMAIL_FIX]),
    case("create_email_no_tld", "malformed_email", lambda c, _: c.hs.contacts.create({"email": "ada@example"}), InputError, ["'ada@example'"], [EMAIL_FIX]),
    case("create_email_space", "malformed_email", lambda c, _: c.hs.contacts.create({"email": "ada lovelace@example.com"}), InputError, ["'ada lovelace@example.com'"], [EMAIL_FIX]),
    case("create_email_two_ats", "malformed_email", lambda c, _: c.hs.contacts.create({"email": "ada@@example.com"}), InputError, ["'ada@@example.com'"], [EMAIL_FIX]),
    case("create_email_int", "malformed_email", lambda c, _: c.hs.contacts.create({"email": 42}), InputError, ["'42'"], [EMAIL_FIX]),
    case("update_email_trailing_at", "malformed_email", lambda c, _: c.hs.contacts.update(c.contact_ids[0], {"email": "ada@"}), InputError, ["'ada@'"], [EMAIL_FIX]),
    case("get_by_email_malformed", "malformed_email", lambda c, _: c.hs.contacts.get("ada.example.com", id_property="email"), InputError, ["'ada.example.com'"], [EMAIL_FIX]),
    case("get_many_by_email_one_bad", "malformed_email", lambda c, _: c.hs.contacts.get_many([c.emails[0], "@example.com"], id_property="email"), InputError, ["'@example.com'"], [EMAIL_FIX]),
    case("search_email_eq_malformed", "malformed_email", lambda c, _: c.hs.contacts.search("email", "ada at example.com"), InputError, ["'ada at example.com'"], [EMAIL_FIX]),
    case("enroll_email_malformed", "malformed_email", lambda c, _: c.hs.workflows.enroll(c.wid, "ada"), InputError, ["'ada'"], [EMAIL_FIX]),
    case("enroll_series_one_bad", "malformed_email", lambda c, _: c.hs.workflows.enroll(c.wid, pd.Series([c.emails[0], "x@y"])), InputError, ["'x@y'"], [EMAIL_FIX]),
    case("enroll_email_in_list_int", "malformed_email", lambda c, _: c.hs.workflows.enroll(c.wid, [c.emails[0], 7]), InputError, ["email 7"], [EMAIL_FIX]),
    case("submit_email_malformed", "malformed_email", lambda c, _: c.hs.forms.submit(c.pid, c.guid, {"email": "ada(at)example.com"}), InputError, ["'ada(at)example.com'", "submission 0"], [EMAIL_FIX]),
    case("workflow_form_emails_bad", "malformed_email", lambda c, _: WorkflowForm(c.hs, emails=["ok@example.com", "not an email"]), InputError, ["'not an email'"], [EMAIL_FIX]),
    case("workflow_form_typed_email_bad", "malformed_email", lambda c, form: submit(form), InputError, ["'bob@'"], [EMAIL_FIX], prepare=lambda c: _typed(WorkflowForm(c.hs, workflow_id=c.wid), emails="ok@example.com\nbob@")),
    # ---- bad_list_id (ids that are checked locally; unknown lists are in SERVER)
    case("lists_add_list_letters", "bad_list_id", lambda c, _: c.hs.lists.add("newsletter", ["1"]), InputError, ["list id 'newsletter'"], [ID_FIX]),
    case("lists_add_list_empty", "bad_list_id", lambda c, _: c.hs.lists.add("", ["1"]), InputError, ["list id ''"], [ID_FIX]),
    case("lists_add_list_zero", "bad_list_id", lambda c, _: c.hs.lists.add(0, ["1"]), InputError, ["list id 0"], [ID_FIX]),
    case("lists_add_list_none", "bad_list_id", lambda c, _: c.hs.lists.add(None, ["1"]), InputError, ["list id None"], [ID_FIX]),
    case("lists_add_list_float", "bad_list_id", lambda c, _: c.hs.lists.add(11.5, ["1"]), InputError, ["list id 11.5"], [ID_FIX]),
    case("lists_members_letters", "bad_list_id", lambda c, _: c.hs.lists.members("ILS-11"), InputError, ["list id 'ILS-11'"], [ID_FIX]),
    case("list_form_typed_list_letters", "bad_list_id", lambda c, form: submit(form), InputError, ["list id 'my list'"], [ID_FIX], prepare=lambda c: _typed(ListForm(c.hs, ids=["1"]), list_id="my list")),
    case("list_form_no_list", "bad_list_id", lambda c, form: submit(form), InputError, ["Choose a list first"], ["pick one in the List box, or type its id"], prepare=lambda c: ListForm(c.hs, ids=["1"])),
    # ---- bad_workflow_id
    case("enroll_workflow_letters", "bad_workflow_id", lambda c, _: c.hs.workflows.enroll("onboarding", ["a@b.co"]), InputError, ["workflow id 'onboarding'"], [ID_FIX]),
    case("enroll_workflow_empty", "bad_workflow_id", lambda c, _: c.hs.workflows.enroll("", ["a@b.co"]), InputError, ["workflow id ''"], [ID_FIX]),
    case("enroll_workflow_negative", "bad_workflow_id", lambda c, _: c.hs.workflows.enroll(-18440001, ["a@b.co"]), InputError, ["workflow id -18440001"], [ID_FIX]),
    case("enroll_workflow_none", "bad_workflow_id", lambda c, _: c.hs.workflows.enroll(None, ["a@b.co"]), InputError, ["workflow id None"], [ID_FIX]),
    case("enroll_workflow_v4_uuid", "bad_workflow_id", lambda c, _: c.hs.workflows.enroll(GUID, ["a@b.co"]), InputError, [f"workflow id '{GUID}'"], [ID_FIX]),
    case("workflow_form_typed_letters", "bad_workflow_id", lambda c, form: submit(form), InputError, ["workflow id 'welcome'"], [ID_FIX], prepare=lambda c: _typed(WorkflowForm(c.hs, emails=["a@b.co"]), workflow_id="welcome")),
    # ---- bad_form_id (malformed GUIDs; unknown forms are in SERVER)
    case("submit_form_letters", "bad_form_id", lambda c, _: c.hs.forms.submit(c.pid, "contact-us", E), InputError, ["form id 'contact-us'"], ["find it in the form's URL"]),
    case("submit_form_empty", "bad_form_id", lambda c, _: c.hs.forms.submit(c.pid, "", E), InputError, ["form id ''"], ["find it in the form's URL"]),
    case("submit_form_int", "bad_form_id", lambda c, _: c.hs.forms.submit(c.pid, 5, E), InputError, ["form id 5"], ["find it in the form's URL"]),
    case("submit_form_none", "bad_form_id", lambda c, _: c.hs.forms.submit(c.pid, None, E), InputError, ["form id None"], ["find it in the form's URL"]),
    case("submit_form_no_dashes", "bad_form_id", lambda c, _: c.hs.forms.submit(c.pid, GUID.replace("-", ""), E), InputError, [GUID.replace("-", "")], ["find it in the form's URL"]),
    case("submit_form_short", "bad_form_id", lambda c, _: c.hs.forms.submit(c.pid, GUID[:-1], E), InputError, [f"'{GUID[:-1]}'"], ["find it in the form's URL"]),
    case("submit_form_not_hex", "bad_form_id", lambda c, _: c.hs.forms.submit(c.pid, "g" + GUID[1:], E), InputError, ["'g" + GUID[1:]], ["find it in the form's URL"]),
    case("submit_form_with_path", "bad_form_id", lambda c, _: c.hs.forms.submit(c.pid, GUID + "/edit", E), InputError, [GUID + "/edit"], ["find it in the form's URL"]),
    # ---- value_type_mismatch: a value that does not fit its property's type or options
    case("date_not_midnight_datetime", "value_type_mismatch", lambda c, _: c.hs.contacts.create({**E, "contract_start_date": _dt(2024, 5, 1, 9, 30)}), InputError, ["contract_start_date", "2024, 5, 1, 9, 30"], ["not midnight UTC", DATE_FIX]),
    case("date_not_midnight_iso", "value_type_mismatch", lambda c, _: c.hs.contacts.create({**E, "contract_start_date": "2024-05-01T09:30:00Z"}), InputError, ["'2024-05-01T09:30:00Z'"], ["not midnight UTC", DATE_FIX]),
    case("date_not_midnight_epoch_ms", "value_type_mismatch", lambda c, _: c.hs.contacts.create({**E, "contract_start_date": 1714555800000}), InputError, ["1714555800000"], ["not midnight UTC", "such as '2024-05-01'"]),
    case("date_midnight_elsewhere", "value_type_mismatch", lambda c, _: c.hs.contacts.create({**E, "contract_start_date": _dt(2024, 5, 1, tz=dt.timezone(dt.timedelta(hours=2)))}), InputError, ["contract_start_date", "7200"], ["not midnight UTC", DATE_FIX]),
    case("date_timestamp_noon", "value_type_mismatch", lambda c, _: c.hs.deals.create({"dealname": "x", "contract_start_date": pd.Timestamp("2024-05-01 12:00", tz="UTC")}), InputError, ["Timestamp('2024-05-01 12:00:00+0000'"], ["not midnight UTC", DATE_FIX]),
    case("date_words", "value_type_mismatch", lambda c, _: c.hs.companies.create({"name": "x", "contract_renewal_date": "next tuesday"}), InputError, ["'next tuesday'"], ["use 'YYYY-MM-DD'"]),
    case("date_impossible", "value_type_mismatch", lambda c, _: c.hs.contacts.create({**E, "contract_start_date": "2024-02-30"}), InputError, ["'2024-02-30'"], ["use 'YYYY-MM-DD'"]),
    case("date_float", "value_type_mismatch", lambda c, _: c.hs.contacts.update(c.contact_ids[0], {"contract_start_date": 1.5}), InputError, ["1.5"], ["use 'YYYY-MM-DD'"]),
    case("date_bool", "value_type_mismatch", lambda c, _: c.hs.contacts.update(c.contact_ids[0], {"contract_start_date": True}), InputError, ["True"], ["use 'YYYY-MM-DD'"]),
    case("datetime_naive", "value_type_mismatch", lambda c, _: c.hs.deals.create({"dealname": "x", "closedate": _dt(2024, 5, 1, 9, 30, tz=None)}), InputError, ["closedate", "2024, 5, 1, 9, 30"], ["has no time zone", "tzinfo=timezone.utc"]),
    case("datetime_words", "value_type_mismatch", lambda c, _: c.hs.deals.create({"dealname": "x", "closedate": "end of quarter"}), InputError, ["'end of quarter'"], ["ISO 8601"]),
    case("datetime_bool", "value_type_mismatch", lambda c, _: c.hs.contacts.create({**E, "closedate": False}), InputError, ["False"], ["ISO 8601"]),
    case("datetime_list", "value_type_mismatch", lambda c, _: c.hs.contacts.create({**E, "closedate": [2024, 5, 1]}), InputError, ["[2024, 5, 1]"], ["ISO 8601"]),
    case("enum_label_not_value", "value_type_mismatch", lambda c, _: c.hs.contacts.create({**E, "lifecyclestage": "Marketing Qualified Lead"}), InputError, ["'Marketing Qualified Lead'"], [ENUM_FIX, "Did you mean 'marketingqualifiedlead'", "not labels"]),
    case("enum_wrong_case", "value_type_mismatch", lambda c, _: c.hs.contacts.update(c.contact_ids[0], {"lifecyclestage": "Customer"}), InputError, ["'Customer'"], ["Did you mean 'customer'"]),
    case("enum_int", "value_type_mismatch", lambda c, _: c.hs.contacts.create({**E, "lifecyclestage": 3}), InputError, ["'3'"], [ENUM_FIX, LIFECYCLE]),
    case("enum_company_industry", "value_type_mismatch", lambda c, _: c.hs.companies.create({"name": "x", "industry": "Software"}), InputError, ["'Software'"], [ENUM_FIX, "'COMPUTER_SOFTWARE'"]),
    case("enum_deal_stage", "value_type_mismatch", lambda c, _: c.hs.deals.create({"dealname": "x", "dealstage": "won"}), InputError, ["'won'"], ["Did you mean 'closedwon'"]),
    case("multi_select_one_bad", "value_type_mismatch", lambda c, _: c.hs.contacts.create({**E, "favorite_products": ["crm", "erp"]}), InputError, ["'erp'"], [ENUM_FIX, "'analytics'"]),
    case("multi_select_string_bad", "value_type_mismatch", lambda c, _: c.hs.deals.update(c.deal_ids[0], {"products_included": "crm;hosting"}), InputError, ["'hosting'"], [ENUM_FIX]),
    case("number_words", "value_type_mismatch", lambda c, _: c.hs.contacts.create({**E, "customer_rating": "five"}), InputError, ["'five'"], [NUMBER_FIX]),
    case("number_bool", "value_type_mismatch", lambda c, _: c.hs.contacts.create({**E, "customer_rating": True}), InputError, ["True is a bool"], [NUMBER_FIX]),
    case("number_infinite", "value_type_mismatch", lambda c, _: c.hs.deals.create({"dealname": "x", "amount": math.inf}), InputError, ["inf is not a finite number"], [NUMBER_FIX]),
    case("number_currency", "value_type_mismatch", lambda c, _: c.hs.deals.create({"dealname": "x", "amount": "$100"}), InputError, ["'$100'"], [NUMBER_FIX]),
    case("number_thousands", "value_type_mismatch", lambda c, _: c.hs.companies.create({"name": "x", "annualrevenue": "1,000"}), InputError, ["'1,000'"], [NUMBER_FIX]),
    case("number_list", "value_type_mismatch", lambda c, _: c.hs.companies.update(c.cid, {"numberofemployees": [10]}), InputError, ["[10]"], [NUMBER_FIX]),
    case("bool_yes", "value_type_mismatch", lambda c, _: c.hs.contacts.create({**E, "vip_customer": "yes"}), InputError, ["'yes'"], [BOOL_FIX]),
    case("bool_one", "value_type_mismatch", lambda c, _: c.hs.contacts.create({**E, "vip_customer": 1}), InputError, ["vip_customer", "1 is neither"], [BOOL_FIX]),
    case("bool_none_string", "value_type_mismatch", lambda c, _: c.hs.companies.create({"name": "x", "is_public": "None"}), InputError, ["'None'"], [BOOL_FIX]),
    case("bool_letter", "value_type_mismatch", lambda c, _: c.hs.deals.update(c.deal_ids[0], {"is_renewal": "Y"}), InputError, ["'Y'"], [BOOL_FIX]),
    case("text_dict", "value_type_mismatch", lambda c, _: c.hs.contacts.create({**E, "firstname": {"first": "Ada"}}), InputError, ["{'first': 'Ada'}"], ["pass a string"]),
    case("text_bytes", "value_type_mismatch", lambda c, _: c.hs.contacts.create({**E, "firstname": b"Ada"}), InputError, ["b'Ada'"], ["pass a string"]),
    case("text_set", "value_type_mismatch", lambda c, _: c.hs.companies.create({"name": {"Acme"}}), InputError, ["{'Acme'}"], ["pass a string"]),
    case("text_bool", "value_type_mismatch", lambda c, _: c.hs.contacts.create({**E, "lastname": True}), InputError, ["True (bool)"], ["pass a string"]),
    case("text_date", "value_type_mismatch", lambda c, _: c.hs.deals.create({"dealname": dt.date(2024, 1, 1)}), InputError, ["datetime.date(2024, 1, 1)"], ["pass a string"]),
    case("phone_list", "value_type_mismatch", lambda c, _: c.hs.contacts.create({**E, "phone": ["+1 555 0100"]}), InputError, ["['+1 555 0100']"], ["pass a string"]),
    case("search_datetime_naive", "value_type_mismatch", lambda c, _: c.hs.contacts.search("createdate", _dt(2024, 1, 1, 5, tz=None), operator="GT"), InputError, ["2024, 1, 1, 5, 0"], ["has no time zone"]),
    case("search_date_not_midnight", "value_type_mismatch", lambda c, _: c.hs.contacts.search("contract_start_date", "2024-05-01T10:00:00Z"), InputError, ["'2024-05-01T10:00:00Z'"], ["not midnight UTC"]),
    case("search_in_enum_bad", "value_type_mismatch", lambda c, _: c.hs.contacts.search("lifecyclestage", ["lead", "boss"], operator="IN"), InputError, ["'boss'"], [ENUM_FIX]),
    case("search_between_number_bad", "value_type_mismatch", lambda c, _: c.hs.deals.search("amount", (100, "lots"), operator="BETWEEN"), InputError, ["'lots'"], [NUMBER_FIX]),
    case("search_bool_bad", "value_type_mismatch", lambda c, _: c.hs.contacts.search("hs_email_optout", "maybe"), InputError, ["'maybe'"], [BOOL_FIX]),
    case("export_search_enum_bad", "value_type_mismatch", lambda c, _: c.hs.contacts.export(c.tmp / "e.parquet", search=("lifecyclestage", "Customer")), InputError, ["'Customer'"], ["Did you mean 'customer'"]),
    case("submit_field_dict", "value_type_mismatch", lambda c, _: c.hs.forms.submit(c.pid, c.guid, {**E, "firstname": {"a": 1}}), InputError, ["field 'firstname'", "{'a': 1}"], ["pass text or a number"]),
    case("submit_field_list", "value_type_mismatch", lambda c, _: c.hs.forms.submit(c.pid, c.guid, {**E, "interests": ["crm", "email"]}), InputError, ["['crm', 'email']"], ["joined with ';'"]),
    case("submit_field_naive_datetime", "value_type_mismatch", lambda c, _: c.hs.forms.submit(c.pid, c.guid, {**E, "meeting": _dt(2024, 5, 1, 9, tz=None)}), InputError, ["field 'meeting'", "2024, 5, 1, 9, 0"], ["has no time zone"]),
    case("search_form_number_words", "value_type_mismatch", lambda c, _: SearchForm(c.hs, field="customer_rating", value="five"), InputError, ["value='five'", "customer_rating"], ["give a number"]),
    case("search_form_date_words", "value_type_mismatch", lambda c, _: SearchForm(c.hs, field="contract_start_date", value="soon"), InputError, ["value='soon'"], ["give a date"]),
    case("search_form_enum_unknown", "value_type_mismatch", lambda c, _: SearchForm(c.hs, field="lifecyclestage", value="boss"), InputError, ["value='boss'"], ["give one of its options", "'customer'"]),
    case("search_form_between_scalar", "value_type_mismatch", lambda c, _: SearchForm(c.hs, field="customer_rating", operator="BETWEEN", value=5), InputError, ["value=5"], ["give (low, high)"]),
    case("search_form_in_enum_unknown", "value_type_mismatch", lambda c, _: SearchForm(c.hs, field="hs_persona", operator="IN", value=["nobody"]), InputError, ["value=['nobody']"], ["give a list, each item one of its options"]),
    # ---- bad_option: keyword values and settings
    case("get_page_limit_zero", "bad_option", lambda c, _: c.hs.contacts.get_page(limit=0), InputError, ["limit=0"], ["1 to 100"]),
    case("get_page_limit_over", "bad_option", lambda c, _: c.hs.contacts.get_page(limit=101), InputError, ["limit=101"], ["1 to 100"]),
    case("get_page_limit_str", "bad_option", lambda c, _: c.hs.deals.get_page(limit="10"), InputError, ["limit='10'"], ["1 to 100"]),
    case("get_page_limit_float", "bad_option", lambda c, _: c.hs.deals.get_page(limit=10.0), InputError, ["limit=10.0"], ["1 to 100"]),
    case("iter_pages_limit_over", "bad_option", lambda c, _: next(c.hs.contacts.iter_pages(limit=250)), InputError, ["limit=250"], ["1 to 100"]),
    case("iter_pages_archived_str", "bad_option", lambda c, _: next(c.hs.deals.iter_pages(archived="true")), InputError, ["archived='true'"], [BOOL_FIX]),
    case("properties_refresh_str", "bad_option", lambda c, _: c.hs.properties("contacts", refresh="yes"), InputError, ["refresh='yes'"], [BOOL_FIX]),
    case("get_page_after_empty", "bad_option", lambda c, _: c.hs.contacts.get_page(after=""), InputError, ["after=''"], ["df.attrs['next_after']"]),
    case("get_page_after_bool", "bad_option", lambda c, _: c.hs.contacts.get_page(after=True), InputError, ["after=True"], ["df.attrs['next_after']"]),
    case("get_page_after_list", "bad_option", lambda c, _: c.hs.contacts.get_page(after=[100]), InputError, ["after=[100]"], ["df.attrs['next_after']"]),
    case("get_page_archived_str", "bad_option", lambda c, _: c.hs.contacts.get_page(archived="no"), InputError, ["archived='no'"], [BOOL_FIX]),
    case("get_all_archived_str", "bad_option", lambda c, _: c.hs.contacts.get_all(archived="false"), InputError, ["archived='false'"], [BOOL_FIX]),
    case("get_all_progress_str", "bad_option", lambda c, _: c.hs.companies.get_all(progress="off"), InputError, ["progress='off'"], [BOOL_FIX]),
    case("get_all_max_records_zero", "bad_option", lambda c, _: c.hs.contacts.get_all(max_records=0), InputError, ["max_records=0"], ["whole number >= 1"]),
    case("get_all_max_records_str", "bad_option", lambda c, _: c.hs.contacts.get_all(max_records="10"), InputError, ["max_records='10'"], ["whole number >= 1"]),
    case("search_max_records_negative", "bad_option", lambda c, _: c.hs.contacts.search("email", "a@b.co", max_records=-1), InputError, ["max_records=-1"], ["whole number >= 1"]),
    case("search_progress_int", "bad_option", lambda c, _: c.hs.contacts.search("email", "a@b.co", progress=2), InputError, ["progress=2"], [BOOL_FIX]),
    case("search_operator_unknown", "bad_option", lambda c, _: c.hs.contacts.search("lastname", "Smith", operator="LIKE"), InputError, ["operator='LIKE'"], ["use one of EQ"]),
    case("search_in_given_string", "bad_option", lambda c, _: c.hs.contacts.search("lastname", "Smith", operator="IN"), InputError, ["(got 'Smith')"], ["e.g. ['a', 'b']"]),
    case("search_between_three", "bad_option", lambda c, _: c.hs.deals.search("amount", (1, 2, 3), operator="BETWEEN"), InputError, ["(got (1, 2, 3))"], ["(low, high)"]),
    case("search_has_property_value", "bad_option", lambda c, _: c.hs.contacts.search("phone", "x", operator="HAS_PROPERTY"), InputError, ["(got 'x')"], ["leave the value out"]),
    case("search_eq_none", "bad_option", lambda c, _: c.hs.contacts.search("lastname", None), InputError, ["(got None)"], ["NOT_HAS_PROPERTY"]),
    case("search_value_without_field", "bad_option", lambda c, _: c.hs.contacts.search(None, "Smith"), InputError, ["value 'Smith'"], ["name the property to search"]),
    case("search_too_many_filters", "bad_option", lambda c, _: c.hs.contacts.search(filters=[("email", "HAS_PROPERTY", None)] * 7), InputError, ["[7] filters"], ["6 filters per group", "narrow the search"]),
    case("properties_empty_str", "bad_option", lambda c, _: c.hs.contacts.get_page(properties=""), InputError, ["properties=''"], ["None for the defaults, 'all', or a list"]),
    case("properties_only_commas", "bad_option", lambda c, _: c.hs.deals.get_all(properties=" , ,"), InputError, ["properties=' , ,'"], ["None for the defaults, 'all', or a list"]),
    case("properties_blank_item", "bad_option", lambda c, _: c.hs.contacts.get_many(c.contact_ids[:2], properties=["email", " "]), InputError, ["['email', ' ']"], ["Empty property name"]),
    case("create_on_conflict_unknown", "bad_option", lambda c, _: c.hs.contacts.create(E, on_conflict="ignore"), InputError, ["on_conflict='ignore'"], ["use 'raise' or 'update'"]),
    case("create_on_conflict_none", "bad_option", lambda c, _: c.hs.contacts.create(E, on_conflict=None), InputError, ["on_conflict=None"], ["use 'raise' or 'update'"]),
    case("create_many_on_conflict_update", "bad_option", lambda c, _: c.hs.contacts.create([E], on_conflict="update"), InputError, ["on_conflict='update'"], ["upsert(df, id_property='email')"]),
    case("create_company_with_company_id", "bad_option", lambda c, _: c.hs.companies.create({"name": "x"}, company_id=c.cid), InputError, ["company_id='"], ["leave it out"]),
    case("create_empty_dict", "bad_option", lambda c, _: c.hs.deals.create({}), InputError, ["properties is empty"], ["give at least one property"]),
    case("create_empty_list", "bad_option", lambda c, _: c.hs.deals.create([]), InputError, ["[] holds no records"], ["a list of at least one dict"]),
    case("create_empty_df", "bad_option", lambda c, _: c.hs.deals.create(pd.DataFrame({"dealname": []})), InputError, ["no rows to write"], ["pass at least one row"]),
    case("update_no_properties", "bad_option", lambda c, _: c.hs.contacts.update(c.contact_ids[0]), InputError, ["update needs the properties"], ["update(id, {'lastname': 'Lovelace'})"]),
    case("update_df_and_dict", "bad_option", lambda c, _: c.hs.contacts.update(pd.DataFrame({"id": ["1"]}), {"lastname": "x"}), InputError, ["pass either a DataFrame"], ["or an id and a dict of properties"]),
    case("update_df_only_ids", "bad_option", lambda c, _: c.hs.contacts.update(pd.DataFrame({"id": c.contact_ids[:3]})), InputError, ["only an 'id' column"], ["add a column for each property"]),
    case("update_df_without_id", "bad_option", lambda c, _: c.hs.contacts.update(pd.DataFrame({"contact": ["1"], "lastname": ["x"]})), InputError, ["columns: ['contact', 'lastname']"], ["needs an 'id' column"]),
    case("submit_no_rows", "bad_option", lambda c, _: c.hs.forms.submit(c.pid, c.guid, []), InputError, ["empty list or DataFrame"], ["pass at least one row"]),
    case("submit_empty_dict", "bad_option", lambda c, _: c.hs.forms.submit(c.pid, c.guid, {}), InputError, ["submission 0 has no fields"], ["give at least one"]),
    case("submit_only_none", "bad_option", lambda c, _: c.hs.forms.submit(c.pid, c.guid, {"firstname": None}), InputError, ["submission 0 has only empty fields"], ["give at least one value"]),
    case("export_path_none", "bad_option", lambda c, _: c.hs.contacts.export(None), InputError, ["path=None"], ["'contacts.parquet'"]),
    case("export_path_int", "bad_option", lambda c, _: c.hs.deals.export(5), InputError, ["path=5"], ["'contacts.parquet'"]),
    case("export_path_directory", "bad_option", lambda c, _: c.hs.contacts.export(c.tmp), InputError, ["is a directory"], ["name the .parquet file"]),
    case("export_path_missing_folder", "bad_option", lambda c, _: c.hs.contacts.export(c.tmp / "missing" / "c.parquet"), InputError, ["missing does not exist"], ["create it first"]),
    case("export_parallel_zero", "bad_option", lambda c, _: c.hs.contacts.export(c.tmp / "z.parquet", parallel=0), InputError, ["parallel=0"], ["whole number >= 1"]),
    case("export_parallel_str", "bad_option", lambda c, _: c.hs.contacts.export(c.tmp / "z.parquet", parallel="4"), InputError, ["parallel='4'"], ["whole number >= 1"]),
    case("export_row_group_size_zero", "bad_option", lambda c, _: c.hs.contacts.export(c.tmp / "z.parquet", row_group_size=0), InputError, ["row_group_size=0"], ["whole number >= 1"]),
    case("export_archived_str", "bad_option", lambda c, _: c.hs.contacts.export(c.tmp / "z.parquet", archived="yes"), InputError, ["archived='yes'"], [BOOL_FIX]),
    case("export_progress_str", "bad_option", lambda c, _: c.hs.contacts.export(c.tmp / "z.parquet", progress="no"), InputError, ["progress='no'"], [BOOL_FIX]),
    case("export_resume_str", "bad_option", lambda c, _: c.hs.contacts.export(c.tmp / "z.parquet", resume="no"), InputError, ["resume='no'"], [BOOL_FIX]),
    case("read_parquet_missing_file", "bad_option", lambda c, _: hf.read_parquet(c.tmp / "never-written.parquet"), InputError, ["never-written.parquet"], ["export to it first"]),
    case("read_parquet_not_parquet", "bad_option", lambda c, _: hf.read_parquet(Path(__file__)), InputError, ["test_bad_input.py is not a readable Parquet file"], ["Parquet"]),
    case("read_parquet_path_int", "wrong_type", lambda c, _: hf.read_parquet(5), InputError, ["path=5"], ["path of an exported file"]),
    case("read_parquet_columns_str", "wrong_type", lambda c, _: hf.read_parquet(Path(__file__), columns="id"), InputError, ["columns='id'"], ["list of column names"]),
    case("export_search_str", "bad_option", lambda c, _: c.hs.contacts.export(c.tmp / "z.parquet", search="email=a@b.co"), InputError, ["search='email=a@b.co'"], ["(field, value)"]),
    case("export_search_keys", "bad_option", lambda c, _: c.hs.contacts.export(c.tmp / "z.parquet", search={"where": "x"}), InputError, ["['where']"], ["use field, value, operator, filters, query"]),
    case("export_search_query_int", "bad_option", lambda c, _: c.hs.contacts.export(c.tmp / "z.parquet", search={"query": 5}), InputError, ["query=5"], ["use a string"]),
    case("export_search_archived", "bad_option", lambda c, _: c.hs.contacts.export(c.tmp / "z.parquet", search=("lastname", "Smith"), archived=True), InputError, ["archived"], ["export without search="]),
    case("iter_export_path_directory", "bad_option", lambda c, _: export_step(c, c.tmp), InputError, ["is a directory"], ["name the .parquet file"]),
    case("iter_export_parallel_negative", "bad_option", lambda c, _: export_step(c, c.tmp / "i.parquet", parallel=-1), InputError, ["parallel=-1"], ["whole number >= 1"]),
    case("client_no_token", "bad_option", lambda c, _: hf.HubSpot(), ConfigurationError, ["No HubSpot token"], ["HUBSPOT_ACCESS_TOKEN"]),
    case("client_blank_token", "bad_option", lambda c, _: hf.HubSpot(token="   "), ConfigurationError, ["No HubSpot token"], ["HubSpot(token=...)"]),
    case("client_api_version_unknown", "bad_option", lambda c, _: hf.HubSpot(token="t", api_version="v3"), ConfigurationError, ["api_version='v3'"], ["'2026-09', '2026-03', 'legacy'", "'legacy' sends the numbered v3/v4 paths"]),
    case("client_api_version_beta", "bad_option", lambda c, _: hf.HubSpot(token="t", api_version="2026-09-beta"), ConfigurationError, ["api_version='2026-09-beta'"], ["'2026-09', '2026-03', 'legacy'"]),
    case("client_base_url_ftp", "bad_option", lambda c, _: hf.HubSpot(token="t", base_url="ftp://api.hubapi.com"), ConfigurationError, ["'ftp://api.hubapi.com'"], ["'https://api.hubapi.com'"]),
    case("client_base_url_no_host", "bad_option", lambda c, _: hf.HubSpot(token="t", base_url="https://"), ConfigurationError, ["'https://'"], ["'https://api.hubapi.com'"]),
    case("client_base_url_plain_http", "bad_option", lambda c, _: hf.HubSpot(token="t", base_url="http://api.hubapi.com"), ConfigurationError, ["'http://api.hubapi.com'"], ["Use https"]),
    case("client_forms_url_plain_http", "bad_option", lambda c, _: hf.HubSpot(token="t", forms_url="http://forms.example.com"), ConfigurationError, ["'http://forms.example.com'"], ["Use https"]),
    case("client_timeout_zero", "bad_option", lambda c, _: hf.HubSpot(token="t", timeout=0), ConfigurationError, ["timeout=0"], ["seconds > 0"]),
    case("client_timeout_bool", "bad_option", lambda c, _: hf.HubSpot(token="t", timeout=True), ConfigurationError, ["timeout=True"], ["seconds > 0"]),
    case("client_timeout_nan", "bad_option", lambda c, _: hf.HubSpot(token="t", timeout=math.nan), ConfigurationError, ["timeout=nan"], ["seconds > 0"]),
    case("client_timeout_inf", "bad_option", lambda c, _: hf.HubSpot(token="t", timeout=math.inf), ConfigurationError, ["timeout=inf"], ["seconds > 0"]),
    case("client_max_retries_negative", "bad_option", lambda c, _: hf.HubSpot(token="t", max_retries=-1), ConfigurationError, ["max_retries=-1"], ["whole number >= 0"]),
    case("client_max_retries_float", "bad_option", lambda c, _: hf.HubSpot(token="t", max_retries=2.5), ConfigurationError, ["max_retries=2.5"], ["whole number >= 0"]),
    case("client_rate_limit_zero", "bad_option", lambda c, _: hf.HubSpot(token="t", rate_limit=0), ConfigurationError, ["rate_limit=0"], ["(190, 10)"]),
    case("client_rate_limit_words", "bad_option", lambda c, _: hf.HubSpot(token="t", rate_limit="fast"), ConfigurationError, ["rate_limit='fast'"], ["'190/10'"]),
    case("client_rate_limit_bad_period", "bad_option", lambda c, _: hf.HubSpot(token="t", rate_limit="190/x"), ConfigurationError, ["rate_limit='190/x'"], ["'190/10'"]),
    case("client_rate_limit_triple", "bad_option", lambda c, _: hf.HubSpot(token="t", rate_limit=(1, 2, 3)), ConfigurationError, ["rate_limit=(1, 2, 3)"], ["(190, 10)"]),
    case("client_rate_limit_negative_period", "bad_option", lambda c, _: hf.HubSpot(token="t", rate_limit=(10, -1)), ConfigurationError, ["rate_limit=(10, -1)"], ["positive number of seconds"]),
    case("client_rate_limit_nan_period", "bad_option", lambda c, _: hf.HubSpot(token="t", rate_limit=(10, math.nan)), ConfigurationError, ["rate_limit=(10, nan)"], ["positive number of seconds"]),
    case("client_rate_limit_bool", "bad_option", lambda c, _: hf.HubSpot(token="t", rate_limit=True), ConfigurationError, ["rate_limit=True"], ["(190, 10)"]),
    case("client_search_rate_zero", "bad_option", lambda c, _: hf.HubSpot(token="t", search_rate=0), ConfigurationError, ["search_rate=0"], ["HubSpot allows 5"]),
    case("client_search_rate_bool", "bad_option", lambda c, _: hf.HubSpot(token="t", search_rate=True), ConfigurationError, ["search_rate=True"], ["HubSpot allows 5"]),
    case("client_search_rate_nan", "bad_option", lambda c, _: hf.HubSpot(token="t", search_rate=math.nan), ConfigurationError, ["search_rate=nan"], ["HubSpot allows 5"]),
    case("request_kind_unknown", "bad_option", lambda c, _: c.hs.request("GET", "/crm/v3/objects/contacts", kind="write"), InputError, ["kind='write'"], ["use one of"]),
    case("request_host_unknown", "bad_option", lambda c, _: c.hs.request("GET", "/crm/v3/objects/contacts", host="app"), InputError, ["host='app'"], ["use 'api' or 'forms'"]),
    case("request_path_relative", "bad_option", lambda c, _: c.hs.request("GET", "crm/v3/objects/contacts"), InputError, ["path='crm/v3/objects/contacts'"], ["starting with '/'"]),
    case("default_properties_operation", "bad_option", lambda c, _: default_properties("contacts", "list"), InputError, ["'list'"], ["use 'get' or 'search'"]),
    case("demo_negative_contacts", "bad_option", lambda c, _: run_demo(c.tmp / "demo", contacts=-1), InputError, ["--contacts=-1"], ["whole number >= 0"]),
    case("demo_deals_str", "bad_option", lambda c, _: run_demo(c.tmp / "demo", deals="100"), InputError, ["--deals='100'"], ["whole number >= 0"]),
    case("search_form_operator_unknown", "bad_option", lambda c, _: SearchForm(c.hs, field="email", operator="LIKE"), InputError, ["operator='LIKE'"], ["use one of EQ"]),
    case("search_form_max_records_zero", "bad_option", lambda c, _: SearchForm(c.hs, max_records=0), InputError, ["max_records=0"], ["whole number >= 1"]),
    # ---- hardened inputs: ids, numbers, text, times, frames and search values
    case("get_id_superscript", "non_numeric_id", lambda c, _: c.hs.contacts.get("\u00b2"), InputError, ["contact id '\u00b2'"], [ID_FIX]),
    case("get_id_circled", "non_numeric_id", lambda c, _: c.hs.contacts.get("\u2460"), InputError, ["contact id '\u2460'"], [ID_FIX]),
    case("get_id_arabic_indic", "non_numeric_id", lambda c, _: c.hs.contacts.get("\u0661\u0662"), InputError, ["contact id '\u0661\u0662'"], [ID_FIX]),
    case("get_id_fullwidth", "non_numeric_id", lambda c, _: c.hs.deals.get("\uff11\uff12"), InputError, ["deal id '\uff11\uff12'"], [ID_FIX]),
    case("get_many_one_superscript", "non_numeric_id", lambda c, _: c.hs.contacts.get_many([c.contact_ids[0], "5\u00b2"]), InputError, ["contact id '5\u00b2'"], [ID_FIX]),
    case("lists_add_arabic_indic", "non_numeric_id", lambda c, _: c.hs.lists.add(c.lid, np.array([c.contact_ids[0], "\u0661\u0662"])), InputError, ["record id '\u0661\u0662'"], [ID_FIX]),
    case("create_number_underscore", "value_type_mismatch", lambda c, _: c.hs.deals.create({"dealname": "x", "amount": "1_000"}), InputError, ["amount", "'1_000'"], [NUMBER_FIX]),
    case("create_number_fullwidth", "value_type_mismatch", lambda c, _: c.hs.deals.create({"dealname": "x", "amount": "\uff11\uff12"}), InputError, ["amount", "'\uff11\uff12'"], [NUMBER_FIX]),
    case("update_number_arabic_indic", "value_type_mismatch", lambda c, _: c.hs.deals.update(c.deal_ids[0], {"amount": "\u0661\u0662"}), InputError, ["amount", "'\u0661\u0662'"], [NUMBER_FIX]),
    case("create_number_inf_text", "value_type_mismatch", lambda c, _: c.hs.deals.create({"dealname": "x", "amount": "Infinity"}), InputError, ["amount", "'Infinity'"], [NUMBER_FIX]),
    case("create_df_number_comma", "value_type_mismatch", lambda c, _: c.hs.deals.create(pd.DataFrame({"dealname": ["a", "b"], "amount": ["1", "1,5"]})), InputError, ["row 1", "'1,5'"], [NUMBER_FIX]),
    case("search_number_underscore", "value_type_mismatch", lambda c, _: c.hs.deals.search("amount", "1_000"), InputError, ["amount", "'1_000'"], [NUMBER_FIX]),
    case("update_lone_surrogate", "value_type_mismatch", lambda c, _: c.hs.contacts.update(c.contact_ids[0], {"lastname": "a\ud800b"}), InputError, ["lastname", "not valid Unicode text"], ["values must be valid text"]),
    case("create_df_lone_surrogate", "value_type_mismatch", lambda c, _: c.hs.companies.create(pd.DataFrame({"name": pd.Series(["A", "B\udcff"], dtype=object)})), InputError, ["row 1", "name", "not valid Unicode text"], ["values must be valid text"]),
    case("search_lone_surrogate", "value_type_mismatch", lambda c, _: c.hs.contacts.search("lastname", "\udc80"), InputError, ["lastname", "not valid Unicode text"], ["values must be valid text"]),
    case("search_token_lone_surrogate", "value_type_mismatch", lambda c, _: c.hs.contacts.search("email", "*\ud800", operator="CONTAINS_TOKEN"), InputError, ["email", "not valid Unicode text"], ["values must be valid text"]),
    case("submit_lone_surrogate", "value_type_mismatch", lambda c, _: c.hs.forms.submit(c.pid, c.guid, {**E, "firstname": "\ud83d"}), InputError, ["submission 0: field 'firstname'", "not valid Unicode text"], ["values must be valid text"]),
    case("create_datetime_ms_out_of_range", "value_type_mismatch", lambda c, _: c.hs.deals.create({"dealname": "x", "closedate": 10**15}), InputError, ["closedate", "1000000000000000"], ["years 1-9999", "milliseconds since 1970"]),
    case("update_datetime_ms_text_out_of_range", "value_type_mismatch", lambda c, _: c.hs.deals.update(c.deal_ids[0], {"closedate": str(10**15)}), InputError, ["closedate", "1000000000000000"], ["years 1-9999"]),
    case("create_date_ms_out_of_range", "value_type_mismatch", lambda c, _: c.hs.contacts.create({**E, "contract_start_date": 10**15 * 86_400_000}), InputError, ["contract_start_date", "outside the years"], ["milliseconds since 1970"]),
    case("search_datetime_ms_out_of_range", "value_type_mismatch", lambda c, _: c.hs.contacts.search("createdate", 10**15, operator="GT"), InputError, ["createdate", "1000000000000000"], ["years 1-9999"]),
    case("create_df_two_email_columns", "bad_option", lambda c, _: c.hs.contacts.create(pd.DataFrame([["a@example.com", "b@example.com"]], columns=["email", "email"])), InputError, ["more than one column named 'email'"], ["keep one of each", "rename the others"]),
    case("update_df_two_id_columns", "bad_option", lambda c, _: c.hs.contacts.update(pd.DataFrame([[c.contact_ids[0], c.contact_ids[1], "L"]], columns=["id", "id", "lastname"])), InputError, ["more than one column named 'id'"], ["keep one of each"]),
    case("upsert_df_two_name_columns", "bad_option", lambda c, _: c.hs.contacts.upsert(pd.DataFrame([["a@example.com", "A", "B"]], columns=["email", "firstname", "firstname"])), InputError, ["more than one column named 'firstname'"], ["keep one of each"]),
    case("submit_df_two_email_columns", "bad_option", lambda c, _: c.hs.forms.submit(c.pid, c.guid, pd.DataFrame([["a@example.com", "b@example.com"]], columns=["email", "email"])), InputError, ["more than one column named 'email'"], ["keep one of each"]),
    case("search_value_pd_na", "bad_option", lambda c, _: c.hs.contacts.search("lastname", pd.NA), InputError, ["EQ on lastname", "<NA>"], ["operator='NOT_HAS_PROPERTY'"]),
    case("search_value_nan", "bad_option", lambda c, _: c.hs.deals.search("amount", float("nan"), operator="GT"), InputError, ["GT on amount", "nan"], ["operator='NOT_HAS_PROPERTY'"]),
    case("search_value_np_nan", "bad_option", lambda c, _: c.hs.deals.search("amount", np.nan), InputError, ["EQ on amount", "nan"], ["operator='NOT_HAS_PROPERTY'"]),
    case("search_value_nat", "bad_option", lambda c, _: c.hs.contacts.search("createdate", pd.NaT), InputError, ["EQ on createdate", "NaT"], ["operator='NOT_HAS_PROPERTY'"]),
    case("search_value_none", "bad_option", lambda c, _: c.hs.contacts.search("lastname", None), InputError, ["EQ on lastname", "None"], ["operator='NOT_HAS_PROPERTY'"]),
    case("search_filter_value_na", "bad_option", lambda c, _: c.hs.contacts.search(filters=[("lastname", "NEQ", pd.NA)]), InputError, ["NEQ on lastname", "<NA>"], ["operator='NOT_HAS_PROPERTY'"]),
    case("search_in_with_nan", "bad_option", lambda c, _: c.hs.contacts.search("lastname", ["Rossi", np.nan], operator="IN"), InputError, ["lastname", "nan"], ["operator='NOT_HAS_PROPERTY'"]),
    case("search_between_with_nat", "bad_option", lambda c, _: c.hs.contacts.search("createdate", (pd.NaT, "2024-01-01"), operator="BETWEEN"), InputError, ["createdate", "NaT"], ["operator='NOT_HAS_PROPERTY'"]),
    case("search_in_2d_array", "bad_option", lambda c, _: c.hs.contacts.search("lastname", np.array([["a"], ["b"]]), operator="IN"), InputError, ["IN needs a non-empty list"], ["array, Series or Index"]),
    case("get_page_limit_bool", "bad_option", lambda c, _: c.hs.contacts.get_page(limit=np.bool_(True)), InputError, ["limit=", "True"], ["use a whole number"]),
    case("get_page_limit_np_float", "bad_option", lambda c, _: c.hs.contacts.get_page(limit=np.float64(25.0)), InputError, ["limit=", "25.0"], ["use a whole number"]),
    case("get_all_max_records_bool", "bad_option", lambda c, _: c.hs.contacts.get_all(max_records=True), InputError, ["max_records=True"], ["whole number >= 1"]),
    case("search_max_records_np_zero", "bad_option", lambda c, _: c.hs.contacts.search("lastname", "Rossi", max_records=np.int64(0)), InputError, ["max_records=", "0"], ["whole number >= 1"]),
    case("get_page_after_bool", "bad_option", lambda c, _: c.hs.contacts.get_page(after=False), InputError, ["after=False"], ["df.attrs['next_after']"]),
    case("get_page_after_negative", "bad_option", lambda c, _: c.hs.contacts.get_page(after=np.int64(-1)), InputError, ["after=", "-1"], ["df.attrs['next_after']"]),
    case("export_parallel_np_zero", "bad_option", lambda c, _: export_step(c, c.tmp / "np.parquet", parallel=np.int64(0)), InputError, ["parallel=", "0"], ["whole number >= 1"]),
    case("submit_field_list_email_bad", "malformed_email", lambda c, _: c.hs.forms.submit(c.pid, c.guid, [{"name": "email", "value": "nobody"}, {"name": "firstname", "value": "N"}]), InputError, ["submission 0: email 'nobody'"], [EMAIL_FIX]),
    case("submit_field_list_name_twice", "bad_option", lambda c, _: c.hs.forms.submit(c.pid, c.guid, [{"name": "email", "value": "a@example.com"}, {"name": "email", "value": "b@example.com"}]), InputError, ["field 'email' is in the fields list twice"], ["give each field once"]),
    case("submit_field_list_name_empty", "bad_option", lambda c, _: c.hs.forms.submit(c.pid, c.guid, [{"name": "", "value": "x"}]), InputError, ["field 0 of the fields list has name ''"], ["non-empty string"]),
    case("submit_body_fields_not_a_list", "wrong_type", lambda c, _: c.hs.forms.submit(c.pid, c.guid, {"fields": "email=a@b.co"}), InputError, ["fields['fields']='email=a@b.co'"], ["[{'name': 'email', 'value': 'ada@example.com'}, ...]"]),
    case("search_form_submit_in_empty", "bad_option", lambda c, form: submit(form), InputError, ["(got [])"], ["e.g. ['a', 'b']"], prepare=lambda c: SearchForm(c.hs, field="firstname", operator="IN")),
]
# fmt: on


def _typed(form: Any, **values: str) -> Any:
    """Type into a form's boxes as a user would (ids and emails as free text)."""
    for name, text in values.items():
        getattr(form, name).value = text
    return form


def check_refusal(row: Case, error: BaseException) -> str:
    """The row's error class, and a message naming the bad value and the fix; returns the message."""
    assert type(error) is row.error, f"{type(error).__name__}: {error}"
    message = str(error)
    for text in (*row.names, *row.fix):
        assert text in message, f"{text!r} not in {message!r}"
    return message


@pytest.mark.parametrize("row", LOCAL)
def test_refused_before_any_request(row: Case, read_ctx: Ctx, figures):
    c = read_ctx
    prepared = row.prepare(c) if row.prepare else None
    before = portal_state(c.sb)
    watch = RequestWatch(c.sb)
    with warnings.catch_warnings():
        warnings.simplefilter("error", HubFrameWarning)  # a refused call warns about nothing either
        with pytest.raises(HubFrameError) as info:
            row.call(c, prepared)
    message = check_refusal(row, info.value)
    assert c.sb.token not in message
    # The definitions were fetched by the fixture: a local check sends nothing at all.
    assert watch.new() == []
    assert portal_state(c.sb) == before
    figures.add("bad_input", row.category)


# -- many-record writes with one bad record: nothing is sent, nothing is written --------------------


def _emails(n: int, prefix: str = "w") -> list[dict[str, str]]:
    return [{"email": f"{prefix}{i}@example.com"} for i in range(n)]


def _deals_df(n: int, bad_row: int) -> pd.DataFrame:
    amounts: list[Any] = [100.0 + i for i in range(n)]
    amounts[bad_row] = "lots"
    return pd.DataFrame({"dealname": [f"Deal {i}" for i in range(n)], "amount": amounts})


# fmt: off
WRITES = [
    case("create_list_last_email_bad", "malformed_email", lambda c, _: c.hs.contacts.create([*_emails(3), {"email": "bad"}]), InputError, ["row 3", "'bad'"], [EMAIL_FIX]),
    case("create_df_250_row_180_not_a_number", "value_type_mismatch", lambda c, _: c.hs.deals.create(_deals_df(250, 180)), InputError, ["row 180", "'lots'"], [NUMBER_FIX]),
    case("create_list_row_1_unknown_property", "unknown_property", lambda c, _: c.hs.companies.create([{"name": "A"}, {"name": "B", "domian": "b.com"}]), UnknownPropertyError, ["row 1", "'domian'"], ["did you mean 'domain'"]),
    case("create_list_row_2_date_not_midnight", "value_type_mismatch", lambda c, _: c.hs.contacts.create([{**e, "contract_start_date": "2024-05-01" if i < 2 else "2024-05-01T12:00:00Z"} for i, e in enumerate(_emails(3))]), InputError, ["row 2", "'2024-05-01T12:00:00Z'"], ["not midnight UTC"]),
    case("create_df_row_1_all_empty", "bad_option", lambda c, _: c.hs.contacts.create(pd.DataFrame({"email": ["a1@example.com", None], "firstname": ["Ada", None]})), InputError, ["row 1 is empty"], ["give at least one property"]),
    case("create_many_company_id_letters", "non_numeric_id", lambda c, _: c.hs.contacts.create(_emails(2), company_id="acme"), InputError, ["company id 'acme'"], [ID_FIX]),
    case("update_df_row_2_enum_bad", "value_type_mismatch", lambda c, _: c.hs.contacts.update(pd.DataFrame({"id": c.contact_ids[:3], "lifecyclestage": ["lead", "customer", "vip"]})), InputError, ["row 2", "'vip'"], [ENUM_FIX]),
    case("update_df_150_row_120_id_bad", "non_numeric_id", lambda c, _: c.hs.contacts.update(pd.DataFrame({"id": [*c.contact_ids[:120], "x", *c.contact_ids[121:150]], "lastname": ["L"] * 150})), InputError, ["contact id 'x'"], [ID_FIX]),
    case("update_df_read_only_column", "unknown_property", lambda c, _: c.hs.deals.update(pd.DataFrame({"id": c.deal_ids[:2], "createdate": ["2024-01-01", "2024-01-02"]})), InputError, ["row 0", "createdate"], ["leave it out"]),
    case("delete_150_last_not_an_id", "non_numeric_id", lambda c, _: c.hs.contacts.delete([*c.contact_ids[:149], "x"]), InputError, ["contact id 'x'"], [ID_FIX]),
    case("delete_many_one_empty", "empty_id", lambda c, _: c.hs.contacts.delete([c.contact_ids[0], ""]), InputError, ["contact id ''"], [ID_FIX]),
    case("lists_add_150_last_negative", "non_numeric_id", lambda c, _: c.hs.lists.add(c.lid, [*c.contact_ids[:149], "-1"]), InputError, ["record id '-1'"], [ID_FIX]),
    case("enroll_51_last_email_bad", "malformed_email", lambda c, _: c.hs.workflows.enroll(c.wid, [*c.emails[:50], "x@"]), InputError, ["'x@'"], [EMAIL_FIX]),
    case("submit_df_row_2_email_bad", "malformed_email", lambda c, _: c.hs.forms.submit(c.pid, c.guid, pd.DataFrame({"email": ["f0@example.com", "f1@example.com", "f2(at)example.com"], "firstname": ["A", "B", "C"]})), InputError, ["submission 2", "'f2(at)example.com'"], [EMAIL_FIX]),
    case("create_rows_same_email", "duplicate_record", lambda c, _: c.hs.contacts.create([*_emails(2), {"email": "W0@example.com"}]), InputError, ["rows 0 and 2", "'W0@example.com'"], ["give each contact one row"]),
    case("update_df_same_id_twice", "duplicate_record", lambda c, _: c.hs.deals.update(pd.DataFrame({"id": [c.deal_ids[0], c.deal_ids[1], c.deal_ids[0]], "amount": [1, 2, 3]})), InputError, ["is in rows 0 and 2"], ["give each record one row"]),
    case("submit_df_cell_list", "value_type_mismatch", lambda c, _: c.hs.forms.submit(c.pid, c.guid, pd.DataFrame({"email": ["f0@example.com", "f1@example.com"], "interests": [["a", "b"], "c"]})), InputError, ["submission 0", "['a', 'b']"], ["joined with ';'"]),
    case("submit_list_row_1_value_dict", "value_type_mismatch", lambda c, _: c.hs.forms.submit(c.pid, c.guid, [{"email": "f0@example.com"}, {"email": "f1@example.com", "company": {"name": "Acme"}}]), InputError, ["submission 1", "{'name': 'Acme'}"], ["pass text or a number"]),
]
# fmt: on


@pytest.mark.parametrize("row", WRITES)
def test_many_record_write_with_one_bad_record_writes_nothing(row: Case, write_ctx: Ctx, figures):
    c = write_ctx
    before = portal_state(c.sb)
    watch = RequestWatch(c.sb)
    with pytest.raises(HubFrameError) as info:
        row.call(c, None)
    check_refusal(row, info.value)
    assert watch.new() == []  # not even the good records before the bad one
    assert portal_state(c.sb) == before
    figures.add("bad_input", row.category)


# -- ids only HubSpot can judge: the error names the id and what to check -------------------------

MISSING = "999999"


# fmt: off
SERVER = [
    case("get_unknown_contact", "unknown_record_id", lambda c, _: c.hs.contacts.get(MISSING), NotFoundError, [f"No record with id {MISSING} in contacts"], ["hs.contacts.get_all()"], requests=(("GET", f"/crm/objects/2026-09/contacts/{MISSING}"),)),
    case("get_unknown_email", "unknown_record_id", lambda c, _: c.hs.contacts.get("nobody@example.com", id_property="email"), NotFoundError, ["nobody@example.com"], ["check the id"], requests=(("GET", "/crm/objects/2026-09/contacts/nobody@example.com"),)),
    case("update_unknown_deal", "unknown_record_id", lambda c, _: c.hs.deals.update(MISSING, {"dealname": "x"}), NotFoundError, [f"No record with id {MISSING} in deals"], ["hs.deals.search(...)"], requests=(("PATCH", f"/crm/objects/2026-09/0-3/{MISSING}"),)),
    case("delete_unknown_company", "unknown_record_id", lambda c, _: c.hs.companies.delete(MISSING), NotFoundError, [f"No record with id {MISSING} in companies"], ["check the id"], requests=(("DELETE", f"/crm/objects/2026-09/companies/{MISSING}"),)),
    case("get_contacts_unknown_company", "unknown_record_id", lambda c, _: c.hs.companies.get_contacts(MISSING), NotFoundError, [f"No record with id {MISSING} in companies"], ["check the id"], requests=(("GET", f"/crm/objects/2026-09/companies/{MISSING}/associations/contacts"),)),
    case("add_contact_unknown_company", "unknown_record_id", lambda c, _: c.hs.companies.add_contact(MISSING, c.contact_ids[0]), hf.BatchError, [f"company {MISSING}"], ["Check both ids", f"hs.companies.get('{MISSING}')"], requests=(("POST", "/crm/associations/2026-09/contacts/companies/batch/create"),)),
    case("add_contact_unknown_contact", "unknown_record_id", lambda c, _: c.hs.companies.add_contact(c.cid, MISSING), hf.BatchError, [f"contact {MISSING}"], ["Check both ids", f"hs.contacts.get('{MISSING}')"], requests=(("POST", "/crm/associations/2026-09/contacts/companies/batch/create"),)),
    case("create_with_unknown_company", "unknown_record_id", lambda c, _: c.hs.contacts.create(E, company_id=MISSING), ValidationError, [f"company_id='{MISSING}'", f"COMPANY {MISSING}"], [f"hs.companies.get('{MISSING}')", "leave company_id out"], requests=(("POST", "/crm/objects/2026-09/contacts"),)),
    case("create_many_with_unknown_company", "unknown_record_id", lambda c, _: c.hs.deals.create([{"dealname": "A"}, {"dealname": "B"}], company_id=MISSING), hf.BatchError, [f"company_id='{MISSING}'", "none of the 2 deals were created"], [f"hs.companies.get('{MISSING}')"], requests=(("POST", "/crm/objects/2026-09/0-3/batch/create"),)),
    case("update_df_only_unknown_ids", "unknown_record_id", lambda c, _: c.hs.contacts.update(pd.DataFrame({"id": ["999998", MISSING], "lastname": ["a", "b"]})), hf.BatchError, ["none of the 2 contacts were updated", "id 999998", f"id {MISSING}"], ["hs.contacts.get_many(ids)"], requests=(("POST", "/crm/objects/2026-09/contacts/batch/update"),)),
    case("create_rows_all_existing_emails", "duplicate_record", lambda c, _: c.hs.contacts.create([{"email": c.emails[0]}, {"email": c.emails[1]}]), hf.BatchError, ["none of the 2 contacts were created", "row 0", "row 1"], ["update them instead"], requests=(("POST", "/crm/objects/2026-09/contacts/batch/create"),)),
    case("lists_add_unknown_list", "bad_list_id", lambda c, _: c.hs.lists.add(MISSING, c.contact_ids[:3]), NotFoundError, [f"No list with id {MISSING}"], ["hs.lists.all()"], requests=(("PUT", f"/crm/lists/2026-09/{MISSING}/memberships/add"),)),
    case("lists_members_unknown_list", "bad_list_id", lambda c, _: c.hs.lists.members(MISSING), NotFoundError, [f"No list with id {MISSING}"], ["hs.lists.all()"], requests=(("GET", f"/crm/lists/2026-09/{MISSING}/memberships"),)),
    case("lists_add_dynamic_list", "bad_list_id", lambda c, _: c.hs.lists.add(c.sb.dynamic_list_ids[0], c.contact_ids[:3]), ValidationError, ["processingType DYNAMIC"], ["MANUAL or SNAPSHOT"], requests=(("PUT", "/crm/lists/2026-09/{dynamic}/memberships/add"),)),
    case("list_form_unknown_list", "bad_list_id", lambda c, form: submit(form), NotFoundError, [f"No list with id {MISSING}"], ["hs.lists.all()"], prepare=lambda c: ListForm(c.hs, list_id=MISSING, ids=c.contact_ids[:2]), requests=(("PUT", f"/crm/lists/2026-09/{MISSING}/memberships/add"),)),
    case("enroll_unknown_workflow", "bad_workflow_id", lambda c, _: c.hs.workflows.enroll(MISSING, c.emails[:3]), NotFoundError, [f"workflow {MISSING} does not exist"], ["hs.workflows.all() lists the workflow ids"], requests=(("POST", f"/automation/v2/workflows/{MISSING}/enrollments/contacts/{{email0}}"), ("GET", f"/automation/v3/workflows/{MISSING}"))),
    case("enroll_unknown_workflow_unknown_contact", "bad_workflow_id", lambda c, _: c.hs.workflows.enroll(MISSING, "nobody@example.com"), NotFoundError, [f"workflow {MISSING} does not exist"], ["hs.workflows.all()"], requests=(("POST", f"/automation/v2/workflows/{MISSING}/enrollments/contacts/nobody@example.com"), ("GET", f"/automation/v3/workflows/{MISSING}"))),
    case("workflow_form_unknown_workflow", "bad_workflow_id", lambda c, form: submit(form), NotFoundError, ["workflow 424242 does not exist"], ["hs.workflows.all()"], prepare=lambda c: WorkflowForm(c.hs, workflow_id="424242", emails=c.emails[:2]), requests=(("POST", "/automation/v2/workflows/424242/enrollments/contacts/{email0}"), ("GET", "/automation/v3/workflows/424242"))),
    case("submit_unknown_form", "bad_form_id", lambda c, _: c.hs.forms.submit(c.pid, GUID, {"email": "f@example.com"}), NotFoundError, [GUID], ["Check the portal id", "form's URL"], requests=(("POST", f"/submissions/v3/integration/submit/{{pid}}/{GUID}"),)),
    case("submit_form_of_other_portal", "bad_form_id", lambda c, _: c.hs.forms.submit(MISSING, c.guid, {"email": "f@example.com"}), NotFoundError, [f"portal id {MISSING}"], ["form's URL"], requests=(("POST", f"/submissions/v3/integration/submit/{MISSING}/{{guid}}"),)),
    case("submit_rows_to_unknown_form", "bad_form_id", lambda c, _: c.hs.forms.submit(c.pid, GUID, pd.DataFrame({"email": ["f0@example.com", "f1@example.com", "f2@example.com"]})), NotFoundError, [GUID], ["form's URL"], requests=(("POST", f"/submissions/v3/integration/submit/{{pid}}/{GUID}"),)),
]
# fmt: on


@pytest.mark.parametrize("row", SERVER)
def test_unknown_ids_are_named_with_what_to_check(row: Case, write_ctx: Ctx, figures):
    c = write_ctx
    prepared = row.prepare(c) if row.prepare else None
    before = portal_state(c.sb)
    watch = RequestWatch(c.sb)
    with pytest.raises(HubFrameError) as info:
        row.call(c, prepared)
    message = check_refusal(row, info.value)
    assert c.sb.token not in message
    fill = {
        "pid": c.pid,
        "guid": c.guid,
        "email0": c.emails[0],
        "dynamic": c.sb.dynamic_list_ids[0],
    }
    expected = [(method, path.format(**fill)) for method, path in row.requests]
    # The request that failed, once: a 404 or 400 is not retried, and nothing else is sent.
    assert [(r.method, r.path) for r in watch.new()] == expected
    assert portal_state(c.sb) == before
    figures.add("bad_input", row.category)


def test_batch_inputs_hubspot_refuses_are_reported_not_dropped(write_ctx: Ctx, figures):
    """Some inputs of a batch refused by HubSpot (an email that exists, an id that does not):
    the others are written, and the refused ones are named in a warning and in df.attrs."""
    c = write_ctx
    taken = c.emails[0]
    live = len(c.contact_ids)
    with pytest.warns(
        HubFrameWarning, match=r"1 of 3 contacts were not created: row 1: Contact already exists"
    ):
        created = c.hs.contacts.create(
            [{"email": "p0@example.com"}, {"email": taken}, {"email": "p2@example.com"}]
        )
    assert created["email"].tolist() == ["p0@example.com", "p2@example.com"]
    assert [f["row"] for f in created.attrs["failed"]] == [1]
    assert "Existing ID" in created.attrs["failed"][0]["message"]
    with c.sb.store.lock:
        assert len(c.sb.store.tables["contacts"].live_ids()) == live + 2
    figures.add("bad_input", "duplicate_record")

    ids = [c.contact_ids[0], MISSING, c.contact_ids[1]]
    with pytest.warns(
        HubFrameWarning, match=f"1 of 3 contacts were not updated: id {MISSING}: not found"
    ):
        updated = c.hs.contacts.update(pd.DataFrame({"id": ids, "lastname": ["U0", "U1", "U2"]}))
    assert updated["id"].tolist() == [ids[0], ids[2]]
    assert updated["lastname"].tolist() == ["U0", "U2"]
    failed = updated.attrs["failed"]
    assert failed == [
        {"id": MISSING, "row": 1, "position": 1, "message": "not found (never created, or deleted)"}
    ]
    figures.add("bad_input", "unknown_record_id")


# -- inputs that are taken, and mean what they say ------------------------------------------------

EMPTY_CELLS = [None, float("nan"), np.nan, np.float64("nan"), pd.NA, pd.NaT]


def _stored(c: Ctx, object_type: str, rid: str) -> dict[str, str]:
    with c.sb.store.lock:
        return dict(c.sb.store.tables[object_type].records[int(rid)].props)


@pytest.mark.parametrize("empty", EMPTY_CELLS, ids=repr)
def test_an_empty_value_leaves_a_property_alone_on_every_write_path(empty, write_ctx: Ctx, figures):
    """One rule: None/NaN/pd.NA/NaT in a dict, a list of dicts or a frame cell, for update,
    create and upsert alike, leaves the property as it is (only hf.CLEAR clears)."""
    c = write_ctx
    a, b = c.contact_ids[:2]
    before = {rid: _stored(c, "contacts", rid) for rid in (a, b)}
    assert before[a].get("lastname") and before[b].get("lastname")  # there is a value to lose
    c.hs.contacts.update(a, {"lastname": empty, "firstname": "One"})
    frame = pd.DataFrame(
        {"id": [b], "lastname": pd.Series([empty], dtype=object), "firstname": ["Two"]}
    )
    c.hs.contacts.update(frame)
    for rid, first in ((a, "One"), (b, "Two")):
        after = _stored(c, "contacts", rid)
        assert after["lastname"] == before[rid]["lastname"] and after["firstname"] == first
    one = c.hs.contacts.create({"email": "e1@example.com", "lastname": empty})
    many = c.hs.contacts.create([{"email": "e2@example.com", "lastname": empty}])
    for rid in (one["id"].iloc[0], many["id"].iloc[0]):
        assert _stored(c, "contacts", rid).get("lastname") in (None, "")
    email = c.hs.contacts.get(a, properties=["email"])["email"].iloc[0]
    up = c.hs.contacts.upsert([{"email": email, "lastname": empty, "firstname": "Three"}])
    assert up["result"].tolist() == ["updated"]
    assert _stored(c, "contacts", a)["lastname"] == before[a]["lastname"]
    c.hs.contacts.update(a, {"lastname": hf.CLEAR})  # and the marker does clear
    assert _stored(c, "contacts", a).get("lastname") in (None, "")
    figures.add("bad_input", "empty_value")


def test_numbers_in_plain_notation_are_written_and_read_back(write_ctx: Ctx, figures):
    c = write_ctx
    given = ["-1.5e3", ".5", "+12", "7.", "2E2", " 42 "]
    df = c.hs.deals.create([{"dealname": f"n{i}", "amount": v} for i, v in enumerate(given)])
    assert df["amount"].tolist() == [float(v) for v in given]
    back = c.hs.deals.get_many(df["id"], properties=["amount"])
    assert back.set_index("id").loc[df["id"], "amount"].tolist() == [float(v) for v in given]
    figures.add("bad_input", "value_type_mismatch")


def test_the_sandbox_refuses_what_the_client_refuses(write_ctx: Ctx, figures):
    """Sent past the client's checks, HubSpot's (the sandbox's) own rule answers 400."""
    c = write_ctx
    path = c.hs.paths.objects("deals")
    before = portal_state(c.sb)
    for props in ({"amount": "1_000"}, {"amount": "\uff11\uff12"}, {"closedate": str(10**15)}):
        with pytest.raises(ValidationError) as info:
            c.hs.request_json("POST", path, json={"properties": {"dealname": "x", **props}})
        [value] = props.values()
        assert value in str(info.value)
    assert portal_state(c.sb) == before
    figures.add("bad_input", "value_type_mismatch")


def test_counts_cursors_and_sequences_of_any_container_are_taken(read_ctx: Ctx, figures):
    c = read_ctx
    assert len(c.hs.contacts.get_page(limit=np.int64(5))) == 5
    first = c.hs.contacts.get_page(limit=2)
    cursor = first.attrs["next_after"]
    same = c.hs.contacts.get_page(limit=2, after=np.int64(int(cursor)))
    assert same["id"].tolist() == c.hs.contacts.get_page(limit=2, after=cursor)["id"].tolist()
    assert len(c.hs.contacts.get_all(max_records=np.int32(7), progress=False)) == 7
    emails = c.emails[:3]
    expected = sorted(c.hs.contacts.search("email", emails, operator="IN", progress=False)["id"])
    assert len(expected) == 3
    for values in (
        tuple(emails),
        set(emails),
        np.array(emails),
        pd.Series(emails),
        pd.Index(emails),
    ):
        got = c.hs.contacts.search(
            "email", values, operator="IN", max_records=np.int64(10), progress=False
        )
        assert sorted(got["id"]) == expected, type(values).__name__
    ids = c.contact_ids[:3]
    one = c.hs.contacts.get_many(np.int64(int(ids[0])))  # one id of an integer type
    assert one["id"].tolist() == [ids[0]]
    for values in (np.array(ids), pd.Index(ids), np.array([int(i) for i in ids])):
        assert sorted(c.hs.contacts.get_many(values)["id"]) == sorted(ids)
    figures.add("bad_input", "wrong_type")


def test_enroll_and_list_add_take_arrays(write_ctx: Ctx, figures):
    c = write_ctx
    emails = c.emails[:2]
    watch = RequestWatch(c.sb)
    out = c.hs.workflows.enroll(c.wid, np.array(emails))
    assert out["outcome"].tolist() == ["enrolled", "enrolled"]
    sent = [r.path for r in watch.new() if r.method == "POST"]
    assert sent == [f"/automation/v2/workflows/{c.wid}/enrollments/contacts/{e}" for e in emails]
    c.hs.lists.add(c.lid, pd.Index(c.contact_ids[:2]))
    with c.sb.store.lock:
        members = {str(m) for v in c.sb.store.list_members.values() for m in v}
    assert set(c.contact_ids[:2]) <= members
    gone = c.contact_ids[5]
    c.hs.contacts.delete(np.int64(int(gone)))  # one id, deleted as one
    with c.sb.store.lock:
        assert int(gone) in c.sb.store.tables["contacts"].archived_ids()
    figures.add("bad_input", "wrong_type")


def test_eq_on_a_datetime_with_a_date_finds_that_utc_day(read_ctx: Ctx, figures):
    c = read_ctx
    created = c.hs.contacts.get_all(properties=["createdate"], progress=False)
    days = created["createdate"].dt.tz_convert("UTC").dt.date
    day = days.value_counts().index[0]  # the busiest day, so the range has several records
    expected = sorted(created.loc[days == day, "id"])
    watch = RequestWatch(c.sb)
    for value in (day.isoformat(), day):
        got = c.hs.contacts.search("createdate", value, progress=False)
        assert sorted(got["id"]) == expected
    bodies = [r for r in watch.new() if r.method == "POST" and "search" in r.path]
    assert bodies, "the searches were sent"
    start = int(dt.datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() * 1000)
    spec = c.hs.contacts.filter_groups("createdate", day.isoformat())
    assert spec == [
        {
            "filters": [
                {
                    "propertyName": "createdate",
                    "operator": "BETWEEN",
                    "value": str(start),
                    "highValue": str(start + 86_400_000 - 1),
                }
            ]
        }
    ]
    # A datetime is one instant, as before: EQ stays EQ.
    instant = c.hs.contacts.filter_groups("createdate", _dt(2022, 3, 15, 9, 30))
    assert instant[0]["filters"][0]["operator"] == "EQ"
    figures.add("bad_input", "value_type_mismatch")


def test_out_of_range_times_from_the_server_read_as_null_with_one_warning_per_column(
    write_ctx: Ctx, figures
):
    c = write_ctx
    rids = c.deal_ids[:3]
    with c.sb.store.lock:
        table = c.sb.store.tables["deals"]
        for rid in rids:  # stored behind the sandbox's own checks, as a broken portal would
            table.apply(table.records[int(rid)], {"closedate": str(10**15)})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        df = c.hs.deals.get_many(rids, properties=["closedate", "amount"])
        every = c.hs.deals.get_all(properties=["closedate"], progress=False)
    assert df["closedate"].isna().all() and len(df) == 3
    assert every.set_index("id").loc[rids, "closedate"].isna().all()
    assert every["closedate"].notna().any()  # the other deals keep their dates
    messages = [str(w.message) for w in caught if issubclass(w.category, HubFrameWarning)]
    assert len([m for m in messages if "closedate" in m]) == 2  # one per read, not one per value
    assert all("3 values" in m for m in messages if "closedate" in m)
    figures.add("bad_input", "value_type_mismatch")


def test_refused_rows_are_named_by_the_frames_index_label(write_ctx: Ctx, figures):
    c = write_ctx
    taken = c.emails[0]
    frame = pd.DataFrame({"email": ["l0@example.com", taken, "l2@example.com"]}, index=[10, 13, 17])
    with pytest.warns(HubFrameWarning, match=r"1 of 3 contacts were not created: row 13"):
        created = c.hs.contacts.create(frame)
    [failed] = created.attrs["failed"]
    assert failed["row"] == 13 and failed["position"] == 1
    assert frame.loc[failed["row"], "email"] == taken
    assert frame.iloc[failed["position"]]["email"] == taken
    ids = [c.contact_ids[0], MISSING, c.contact_ids[1]]
    upd = pd.DataFrame({"id": ids, "lastname": ["a", "b", "c"]}, index=["x", "y", "z"])
    with pytest.warns(HubFrameWarning, match=f"id {MISSING}"):
        updated = c.hs.contacts.update(upd)
    [failed] = updated.attrs["failed"]
    assert (failed["row"], failed["position"], failed["id"]) == ("y", 1, MISSING)
    assert upd.loc[failed["row"], "id"] == MISSING
    figures.add("bad_input", "duplicate_record")


@pytest.mark.parametrize("shape", ["field_list", "body"])
def test_hubspots_own_fields_list_is_one_submission(shape, write_ctx: Ctx, figures):
    c = write_ctx
    items = [{"name": "email", "value": "conn@example.com"}, {"name": "firstname", "value": "Con"}]
    fields: Any = items if shape == "field_list" else {"fields": items}
    before = len(c.sb.store.submissions)
    out = c.hs.forms.submit(c.pid, c.guid, fields)
    assert out["outcome"].tolist() == ["submitted"] and out["email"].tolist() == [
        "conn@example.com"
    ]
    with c.sb.store.lock:
        assert len(c.sb.store.submissions) == before + 1
        sent = c.sb.store.submissions[-1]["fields"]
        rid = c.sb.store.tables["contacts"].email_index.get("conn@example.com")
        props = dict(c.sb.store.tables["contacts"].records[rid].props)
    names = sorted(f["name"] for f in sent) if isinstance(sent, list) else sorted(sent)
    assert names == ["email", "firstname"]
    assert props["firstname"] == "Con"
    figures.add("bad_input", "wrong_type")


# -- more than 100 ids: chunked into 100-id batches, never an error ------------------------------

UNKNOWN_IDS = [str(9_000_000 + i) for i in range(20)]


def _get_many(c: Ctx, state: Any) -> Any:
    df = c.hs.contacts.get_many(c.contact_ids[:250])
    assert df["id"].tolist() == c.contact_ids[:250]


def _get_many_101(c: Ctx, state: Any) -> Any:
    df = c.hs.contacts.get_many(pd.Series(c.contact_ids[:101]), properties=["email", "lastname"])
    assert df["id"].tolist() == c.contact_ids[:101]
    assert list(df.columns[:3]) == ["id", "email", "lastname"]


def _get_many_duplicates(c: Ctx, state: Any) -> Any:
    df = c.hs.contacts.get_many(c.contact_ids[:200] + c.contact_ids[:30])  # 230 ids, 200 distinct
    assert df["id"].tolist() == c.contact_ids[:200]


def _get_many_by_email(c: Ctx, state: Any) -> Any:
    known = (
        c.hs.contacts.get_many(c.contact_ids[:250], properties=["email"])
        .dropna(subset=["email"])
        .head(150)
    )
    assert len(known) == 150
    state.start = len(c.sb.requests)  # count only the read by email
    df = c.hs.contacts.get_many(known["email"].tolist(), id_property="email", properties=["email"])
    assert (
        df["email"].tolist() == known["email"].tolist()
        and df["id"].tolist() == known["id"].tolist()
    )


def _get_many_some_missing(c: Ctx, state: Any) -> Any:
    with pytest.warns(HubFrameWarning, match="20 of 150 contacts were not found"):
        df = c.hs.contacts.get_many(c.contact_ids[:130] + UNKNOWN_IDS)
    assert df["id"].tolist() == c.contact_ids[:130]
    assert df.attrs["missing_ids"] == UNKNOWN_IDS


def _lists_add(c: Ctx, state: Any) -> Any:
    ids = c.contact_ids[:250]
    members = set(c.sb.store.list_members.get(c.lid, {}))
    out = c.hs.lists.add(c.lid, ids)
    assert out["id"].tolist() == ids
    assert out["outcome"].tolist() == [
        "already a member" if int(i) in members else "added" for i in ids
    ]
    assert {int(i) for i in ids} <= set(c.sb.store.list_members[c.lid])


def _list_form(c: Ctx, state: Any) -> Any:
    form = ListForm(c.hs, list_id=c.lid, ids=c.contact_ids[:150])
    state.start = len(c.sb.requests)  # the form loaded the portal's lists; count the adds
    out = form.submit()
    assert out is not None and out["id"].tolist() == c.contact_ids[:150]


def _delete(c: Ctx, state: Any) -> Any:
    ids = c.contact_ids[:250]
    c.hs.contacts.delete(ids + ids[:5])  # repeats are archived once
    with c.sb.store.lock:
        assert {int(i) for i in ids} <= set(c.sb.store.tables["contacts"].archived_ids())
        assert not {int(i) for i in ids} & set(c.sb.store.tables["contacts"].live_ids())


def _create(c: Ctx, state: Any) -> Any:
    rows = _emails(250, prefix="chunk")
    df = c.hs.contacts.create(pd.DataFrame(rows))
    assert df["email"].tolist() == [r["email"] for r in rows]
    with c.sb.store.lock:
        live = set(c.sb.store.tables["contacts"].live_ids())
    assert {int(i) for i in df["id"]} <= live and len(live) == len(c.contact_ids) + 250


def _update(c: Ctx, state: Any) -> Any:
    ids = c.contact_ids[:250]
    df = c.hs.contacts.update(
        pd.DataFrame({"id": ids, "lastname": [f"Chunked {i}" for i in range(250)]})
    )
    assert df["id"].tolist() == ids
    assert df["lastname"].tolist() == [f"Chunked {i}" for i in range(250)]


# fmt: off
CHUNKED = [
    pytest.param(_get_many, "POST", "/crm/objects/2026-09/contacts/batch/read", 3, id="get_many_250_ids"),
    pytest.param(_get_many_101, "POST", "/crm/objects/2026-09/contacts/batch/read", 2, id="get_many_101_ids_series"),
    pytest.param(_get_many_duplicates, "POST", "/crm/objects/2026-09/contacts/batch/read", 2, id="get_many_230_ids_200_distinct"),
    pytest.param(_get_many_by_email, "POST", "/crm/objects/2026-09/contacts/batch/read", 2, id="get_many_150_emails"),
    pytest.param(_get_many_some_missing, "POST", "/crm/objects/2026-09/contacts/batch/read", 2, id="get_many_150_ids_20_unknown"),
    pytest.param(_lists_add, "PUT", "/crm/lists/2026-09/{lid}/memberships/add", 3, id="lists_add_250_ids"),
    pytest.param(_list_form, "PUT", "/crm/lists/2026-09/{lid}/memberships/add", 2, id="list_form_150_ids"),
    pytest.param(_delete, "POST", "/crm/objects/2026-09/contacts/batch/archive", 3, id="delete_255_ids_250_distinct"),
    pytest.param(_create, "POST", "/crm/objects/2026-09/contacts/batch/create", 3, id="create_250_rows"),
    pytest.param(_update, "POST", "/crm/objects/2026-09/contacts/batch/update", 3, id="update_250_rows"),
]
# fmt: on


@pytest.mark.parametrize(("run", "method", "path", "batches"), CHUNKED)
def test_more_than_100_ids_are_chunked_not_refused(
    run, method, path, batches, write_ctx: Ctx, figures
):
    c = write_ctx
    assert len(c.contact_ids) >= 250
    state = RequestWatch(c.sb)
    run(c, state)
    served = state.new()
    # Only the batches: property definitions are cached, and nothing else is needed.
    assert [(r.method, r.path) for r in served] == [(method, path.format(lid=c.lid))] * batches
    assert all(200 <= r.status < 300 for r in served), [
        r.status for r in served
    ]  # 207: some missing
    figures.add("bad_input", "too_many_ids_chunked")


# -- the command line: exit status 2, the value and the fix, no traceback, no file ----------------


# fmt: off
CLI = [
    pytest.param("unknown_object_type", ["export", "widgets", "-o", "{out}", "--sandbox", "--contacts", "5"], ["'widgets'"], ["this portal has contacts, companies, deals, tickets"], False, id="export_unknown_object_type"),
    pytest.param("bad_option", ["export", "contacts"], ["-o/--out"], ["the following arguments are required"], False, id="export_without_out"),
    pytest.param("bad_option", ["export", "contacts", "-o", "{missing}", "--sandbox", "--contacts", "5"], ["missing does not exist"], ["create it first"], False, id="export_out_folder_missing"),
    pytest.param("bad_option", ["export", "contacts", "-o", "{tmp}", "--sandbox", "--contacts", "5"], ["is a directory"], ["name the .parquet file"], False, id="export_out_is_directory"),
    pytest.param("unknown_property", ["export", "contacts", "-o", "{out}", "--properties", "email,nonsense", "--sandbox", "--contacts", "5"], ["'nonsense'"], ["`hubframe properties contacts` lists them"], False, id="export_unknown_property"),
    pytest.param("bad_option", ["export", "contacts", "-o", "{out}", "--properties", " , ", "--sandbox"], ["' , ' names no property"], ["e.g. email,firstname"], False, id="export_properties_only_commas"),
    pytest.param("unknown_property", ["export", "deals", "-o", "{out}", "--search", "stage", "won", "--sandbox", "--deals", "5"], ["'stage'"], ["`hubframe properties deals` lists them"], False, id="export_search_unknown_property"),
    pytest.param("value_type_mismatch", ["export", "contacts", "-o", "{out}", "--search", "lifecyclestage", "Customer", "--sandbox", "--contacts", "5"], ["'Customer'"], ["Did you mean 'customer'"], False, id="export_search_value_not_an_option"),
    pytest.param("bad_option", ["export", "contacts", "-o", "{out}", "--sandbox", "--contacts", "-5"], ["'-5' is not a count"], ["whole number >= 0"], False, id="export_sandbox_negative_contacts"),
    pytest.param("bad_option", ["export", "companies", "-o", "{out}", "--sandbox", "--companies", "five"], ["'five' is not a count"], ["whole number >= 0"], False, id="export_sandbox_companies_words"),
    pytest.param("bad_option", ["export", "contacts", "-o", "{out}", "--sandbox", "--latency", "-1"], ["'-1' is not a number of seconds"], ["e.g. 0.15"], False, id="export_sandbox_negative_latency"),
    pytest.param("bad_option", ["export", "contacts", "-o", "{out}", "--sandbox", "--faults", "2"], ["'2' is not a fraction"], ["from 0 to 1"], False, id="export_sandbox_faults_over_one"),
    pytest.param("bad_option", ["export", "contacts", "-o", "{out}", "--rate-limit", "fast"], ["'fast' is not a rate"], ["e.g. 190/10"], False, id="export_rate_limit_words"),
    pytest.param("bad_option", ["export", "contacts", "-o", "{out}", "--rate-limit", "0/10"], ["'0/10' is not a rate"], ["e.g. 190/10"], False, id="export_rate_limit_zero"),
    pytest.param("bad_option", ["export", "contacts", "-o", "{out}"], ["No HubSpot token"], ["HUBSPOT_ACCESS_TOKEN"], False, id="export_without_token"),
    pytest.param("bad_option", ["export", "contacts", "-o", "{out}", "--base-url", "ftp://api.hubapi.com"], ["'ftp://api.hubapi.com'"], ["'https://api.hubapi.com'"], True, id="export_base_url_not_http"),
    pytest.param("bad_option", ["export", "contacts", "-o", "{out}", "--base-url", "http://api.hubapi.com"], ["'http://api.hubapi.com'"], ["Use https"], True, id="export_base_url_plain_http"),
    pytest.param("bad_option", ["demo", "--deals", "-1", "-o", "{tmp}/demo"], ["'-1' is not a count"], ["whole number >= 0"], False, id="demo_negative_deals"),
    pytest.param("bad_option", ["sandbox", "--faults", "often"], ["'often' is not a fraction"], ["from 0 to 1"], False, id="sandbox_faults_words"),
    pytest.param("bad_option", ["sandbox", "--rate-limit", "190"], ["'190' is not a rate"], ["COUNT/SECONDS"], False, id="sandbox_rate_limit_without_period"),
]
# fmt: on

CLI_TOKEN = "pat-na1-00000000-1111-2222-3333-444444444444"


@pytest.mark.parametrize(("category", "argv", "names", "fix", "with_token"), CLI)
def test_cli_refuses_bad_arguments(
    category, argv, names, fix, with_token, tmp_path, monkeypatch, capsys, figures
):
    if with_token:
        monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", CLI_TOKEN)
    fill = {
        "out": str(tmp_path / "out.parquet"),
        "missing": str(tmp_path / "missing" / "out.parquet"),
        "tmp": str(tmp_path),
    }
    args = [a.format(**fill) for a in argv]
    try:
        status = cli.main(args)
    except SystemExit as exc:  # argparse: usage and the error on stderr
        status = exc.code
    out, err = capsys.readouterr()
    assert status == 2, (status, out, err)
    for text in (*names, *fix):
        assert text in err, f"{text!r} not in {err!r}"
    assert "Traceback" not in err and CLI_TOKEN not in err + out
    assert list(tmp_path.iterdir()) == []  # no target, no checkpoint, no partial folder
    figures.add("bad_input", category)


# -- the sandbox's own arguments --------------------------------------------------------------------

# fmt: off
SANDBOX_ARGS = [
    ("contacts_negative", "bad_option", dict(contacts=-1), ["contacts=-1", "whole number >= 0"]),
    ("companies_text", "wrong_type", dict(companies="5"), ["companies='5'", "whole number >= 0"]),
    ("deals_bool", "wrong_type", dict(deals=True), ["deals=True", "whole number >= 0"]),
    ("token_blank", "bad_option", dict(token="  "), ["token", "non-empty string"]),
    ("rate_limit_words", "bad_option", dict(rate_limit="fast"), ["rate_limit='fast'", "'190/10'"]),
    ("rate_limit_zero", "bad_option", dict(rate_limit=(0, 10)), ["rate_limit=(0, 10)", "at least 1 request"]),
    ("faults_above_one", "bad_option", dict(faults=2), ["faults=2", "between 0 and 1"]),
    ("latency_negative", "bad_option", dict(latency=-1), ["latency=-1", "seconds from 0 to 3600"]),
    ("latency_nan", "bad_option", dict(latency=float("nan")), ["latency=nan", "seconds from 0 to 3600"]),
    ("faults_text", "wrong_type", dict(faults="abc"), ["faults='abc'", "fraction between 0 and 1"]),
    ("search_rate_zero", "bad_option", dict(search_rate=0), ["search_rate=0", "> 0"]),
]
# fmt: on


@pytest.mark.parametrize(
    ("category", "kwargs", "texts"), [r[1:] for r in SANDBOX_ARGS], ids=[r[0] for r in SANDBOX_ARGS]
)
def test_sandbox_arguments_are_refused_before_it_starts(category, kwargs, texts, figures):
    with pytest.raises(InputError) as info:
        Sandbox(**kwargs)
    for text in texts:
        assert text in str(info.value), f"{text!r} not in {info.value}"
    figures.add("bad_input", category)


@pytest.mark.parametrize(
    ("kwargs", "text"),
    [
        ({}, "exactly one of"),
        ({"status": 500, "drop": True}, "exactly one of"),
        ({"text": "oops"}, "exactly one of"),
        ({"drop": True, "text": "oops"}, "needs the status"),
        ({"status": 429, "count": 0}, "count=0"),
    ],
    ids=["nothing", "status_and_drop", "text_without_status", "text_with_drop", "count_zero"],
)
def test_sandbox_inject_refuses_a_fault_it_cannot_serve(read_ctx, kwargs, text, figures):
    with pytest.raises(InputError, match=text):
        read_ctx.sb.inject(**kwargs)
    before = read_ctx.sb.faults_served
    assert len(read_ctx.hs.deals.get_page(limit=1)) == 1  # nothing was scheduled: served as usual
    assert read_ctx.sb.faults_served == before
    figures.add("bad_input", "bad_option")
