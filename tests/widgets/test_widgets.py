"""The notebook forms, driven headless against the sandbox: set values, click, read what a user sees."""

from __future__ import annotations

import datetime as dt
import json

import ipywidgets as W
import pandas as pd
import pytest
from ipywidgets.widgets.widget import CallbackDispatcher, _instances

from hubframe.errors import MissingScopesError, NotFoundError, UnknownPropertyError
from hubframe.widgets import ListForm, SearchForm, WorkflowForm, operators_for, panel


@pytest.fixture(autouse=True)
def callbacks_raise(monkeypatch):
    """ipywidgets logs and swallows exceptions in button callbacks; here they fail the test."""

    def call(self, *args, **kwargs):
        value = None
        for callback in self.callbacks:
            local = callback(*args, **kwargs)
            value = local if local is not None else value
        return value

    monkeypatch.setattr(CallbackDispatcher, "__call__", call)


def ids_where(hs, object_type, prop, keep):
    """Ids whose ``prop`` passes ``keep``, from reading every record (not from search)."""
    df = getattr(hs, object_type).get_all(properties=[prop], progress=False)
    return sorted(df.loc[[bool(keep(v)) for v in df[prop]], "id"].tolist(), key=int)


def texts(form):
    return form.message_text


# -- search ------------------------------------------------------------------------------------


def test_search_by_last_name_fills_result_table_and_selection(hs):
    sample = hs.contacts.get_page(limit=20)
    name = sample["lastname"].dropna().iloc[0]
    form = SearchForm(hs, object_type="contacts", field="lastname", operator="EQ", value=name)

    df = form.submit()

    assert df is form.result
    expected = ids_where(
        hs, "contacts", "lastname", lambda v: isinstance(v, str) and v.lower() == name.lower()
    )
    assert df["id"].tolist() == expected and len(expected) >= 1
    assert f"{len(expected)} contacts found" in texts(form)
    assert "<table" in form.table.value and name in form.table.value
    assert [v for _label, v in form.selection.options] == expected
    assert all(label.startswith(i) for (label, i) in form.selection.options)


def test_button_click_runs_search_disables_button_meanwhile_and_calls_back(hs):
    form = SearchForm(hs, object_type="deals", field="amount", operator="GT", value=5000)
    states, results = [], []
    form.button.observe(lambda change: states.append(change["new"]), names="disabled")
    form.on_submit(results.append)

    form.button.click()

    assert states == [True, False]
    assert len(results) == 1 and results[0] is form.result
    assert form.result["id"].tolist() == ids_where(
        hs, "deals", "amount", lambda v: pd.notna(v) and v > 5000
    )
    assert not form.button.disabled


def test_property_dropdown_shows_labels_and_uses_names(hs):
    form = SearchForm(hs, object_type="contacts")
    options = dict(form.field.options)
    assert options["Last Name"] == "lastname"
    assert options["Products of interest"] == "favorite_products"
    assert form.field.value == "email"
    assert set(form.properties.value) >= {"firstname", "lastname", "email"}


@pytest.mark.parametrize(
    ("object_type", "field", "widget", "operators_include", "operators_exclude"),
    [
        (
            "contacts",
            "lastname",
            W.Text,
            {"EQ", "CONTAINS_TOKEN", "HAS_PROPERTY"},
            {"GT", "BETWEEN"},
        ),
        ("deals", "amount", W.FloatText, {"EQ", "GT", "LTE", "BETWEEN"}, {"CONTAINS_TOKEN"}),
        (
            "contacts",
            "contract_start_date",
            W.DatePicker,
            {"EQ", "GT", "BETWEEN"},
            {"CONTAINS_TOKEN", "IN"},
        ),
        ("contacts", "createdate", W.DatePicker, {"GTE", "LT", "BETWEEN"}, {"EQ", "IN"}),
        (
            "contacts",
            "lifecyclestage",
            W.Dropdown,
            {"EQ", "IN", "NOT_IN"},
            {"GT", "CONTAINS_TOKEN"},
        ),
        ("contacts", "favorite_products", W.SelectMultiple, {"IN", "NOT_IN"}, {"GT", "EQ"}),
        ("contacts", "vip_customer", W.ToggleButtons, {"EQ", "NEQ"}, {"GT", "IN"}),
    ],
)
def test_operators_and_value_widget_fit_the_property_type(
    hs, object_type, field, widget, operators_include, operators_exclude
):
    form = SearchForm(hs, object_type=object_type, field=field)
    offered = {value for _label, value in form.operator.options}
    assert operators_include <= offered and not offered & operators_exclude
    assert offered == set(operators_for(getattr(hs, object_type).props[field]))
    assert [type(w) for w in form.value_box.children] == [widget]


def test_enumeration_dropdown_shows_option_labels_and_sends_values(hs):
    form = SearchForm(hs, object_type="contacts", field="lifecyclestage")
    (dropdown,) = form.value_box.children
    assert ("Marketing Qualified Lead", "marketingqualifiedlead") in dropdown.options
    dropdown.value = "customer"
    form.submit()
    assert form.result["id"].tolist() == ids_where(
        hs, "contacts", "lifecyclestage", lambda v: v == "customer"
    )
    assert set(form.result["lifecyclestage"]) <= {"customer"}


def test_between_shows_two_inputs_and_finds_the_range(hs):
    form = SearchForm(hs, object_type="deals", field="amount", operator="BETWEEN")
    low, high = form.value_box.children
    assert isinstance(low, W.FloatText) and isinstance(high, W.FloatText)
    low.value, high.value = 1000, 20000
    assert form.value == (1000, 20000)
    form.submit()
    assert form.result["id"].tolist() == ids_where(
        hs, "deals", "amount", lambda v: pd.notna(v) and 1000 <= v <= 20000
    )


def test_multi_checkbox_in_uses_a_multi_select(hs):
    form = SearchForm(hs, object_type="contacts", field="favorite_products", value=["crm", "chat"])
    assert form.operator.value == "IN"
    assert form.value == ["crm", "chat"]
    form.submit()
    expected = ids_where(
        hs,
        "contacts",
        "favorite_products",
        lambda v: v is not pd.NA and bool({"crm", "chat"} & set(v)),
    )
    assert form.result["id"].tolist() == expected and expected


def test_bool_toggle_and_has_property(hs):
    form = SearchForm(hs, object_type="contacts", field="vip_customer", value=True)
    form.submit()
    assert form.result["id"].tolist() == ids_where(
        hs, "contacts", "vip_customer", lambda v: v is not pd.NA and bool(v)
    )

    form.field.value = "phone"
    form.operator.value = "HAS_PROPERTY"
    assert form.value_box.children == () and form.value is None
    form.submit()
    assert form.result["id"].tolist() == ids_where(
        hs, "contacts", "phone", lambda v: isinstance(v, str) and v != ""
    )


def test_date_picker_search(hs):
    form = SearchForm(
        hs, object_type="contacts", field="contract_start_date", operator="GTE", value="2024-01-01"
    )
    (picker,) = form.value_box.children
    assert picker.value == dt.date(2024, 1, 1)
    form.submit()
    expected = ids_where(
        hs, "contacts", "contract_start_date", lambda v: pd.notna(v) and v >= dt.date(2024, 1, 1)
    )
    assert form.result["id"].tolist() == expected


def test_text_in_takes_comma_separated_values_with_spaces(hs):
    cities = (
        hs.contacts.get_all(properties=["city"], progress=False)["city"].dropna().unique().tolist()
    )
    two = sorted(cities, key=lambda c: (" " not in c, c))[:2]  # one with a space, if any
    form = SearchForm(hs, object_type="contacts", field="city", operator="IN")
    form.value_box.children[0].value = f"{two[0]},  {two[1]}\n"
    assert form.value == two
    form.submit()
    assert form.result["id"].tolist() == ids_where(
        hs, "contacts", "city", lambda v: v is not pd.NA and v in two
    )


def test_switching_object_type_reloads_properties(hs):
    form = SearchForm(hs, object_type="contacts", field="lastname", value="x")
    form.object_type.value = "deals"
    assert form.field.value == "dealname"
    assert "dealstage" in dict(form.field.options).values()
    assert set(form.properties.value) >= {"dealname", "amount"}
    assert form.selection.options == () and form.result is None
    form.field.value = "dealstage"
    form.operator.value = "EQ"
    form.value = "closedwon"
    form.submit()
    assert form.result["id"].tolist() == ids_where(
        hs, "deals", "dealstage", lambda v: v == "closedwon"
    )
    assert "dealstage" in form.result.columns


def test_properties_to_show_choose_the_columns(hs):
    form = SearchForm(
        hs,
        object_type="contacts",
        field="lifecyclestage",
        value="lead",
        properties=["email", "city"],
    )
    form.submit()
    assert list(form.result.columns[:3]) == ["id", "email", "city"]
    assert "firstname" not in form.result.columns


def test_unknown_field_prefill_names_the_closest_property(hs):
    with pytest.raises(UnknownPropertyError, match="lastname"):
        SearchForm(hs, object_type="contacts", field="lastnme")


def test_search_error_is_shown_in_plain_words(hs):
    form = SearchForm(hs, object_type="contacts", field="contract_start_date", operator="EQ")
    assert form.value is None  # nothing picked
    assert form.submit() is None
    assert form.result is None
    assert "needs a value" in texts(form) and "Traceback" not in form.message.value
    assert 'role="alert"' in form.message.value
    assert not form.button.disabled


# -- lists -------------------------------------------------------------------------------------


def test_list_form_adds_records_and_reports_each(fresh_sandbox, fresh_hs):
    list_id = fresh_sandbox.list_ids[0]
    ids = fresh_hs.contacts.get_page(limit=3)["id"].tolist()
    before = set(fresh_sandbox.store.list_members.get(list_id, {}))
    new = [i for i in ids if int(i) not in before]
    form = ListForm(fresh_hs, list_id=list_id, ids=[*new, "999999999"])
    name = fresh_sandbox.store.lists[list_id]["name"]
    assert (
        f"Will add {len(new) + 1} record(s) to list {name} ({list_id}): {new[0]}"
        in form.preview.value
    )

    form.button.click()

    assert form.result.to_dict("records") == [
        *({"id": i, "outcome": "added"} for i in new),
        {"id": "999999999", "outcome": "not found"},
    ]
    assert {int(i) for i in new} <= set(fresh_sandbox.store.list_members[list_id])
    assert f"List {list_id}: {len(new)} added, 1 not found." == texts(form)
    assert "not found" in form.table.value

    form.submit()  # again: nothing new
    assert set(form.result["outcome"]) == {"already a member", "not found"}


def test_list_form_offers_the_portals_static_lists(fresh_sandbox, fresh_hs):
    lists = fresh_hs.lists.all()
    static = lists[lists["processing_type"].isin(["MANUAL", "SNAPSHOT"])]
    form = ListForm(fresh_hs)
    assert len(form.list_id.options) == len(static) >= 1
    label = form.list_id.options[0]
    form.list_id.value = label
    assert form.chosen_list == static.iloc[0]["list_id"] and label.startswith(
        static.iloc[0]["name"]
    )
    form.list_id.value = " 12345 "
    assert form.chosen_list == "12345"


def test_list_form_bad_ids_stop_before_sending(fresh_sandbox, fresh_hs):
    list_id = fresh_sandbox.list_ids[0]
    before = dict(fresh_sandbox.store.list_members.get(list_id, {}))
    form = ListForm(fresh_hs, list_id=list_id)
    form.ids.value = "101, abc\n102"
    assert "'abc' is not an id" in form.preview.value
    assert form.submit() is None
    assert "'abc' is not an id" in texts(form)
    assert dict(fresh_sandbox.store.list_members.get(list_id, {})) == before


def test_missing_scope_is_shown_in_plain_words():
    from hubframe.sandbox import Sandbox

    scopes = ["crm.objects.contacts.read", "crm.lists.read"]
    with (
        Sandbox(contacts=10, companies=2, deals=2, seed=3, scopes=scopes) as sb,
        sb.client() as client,
    ):
        form = ListForm(client, list_id=sb.list_ids[0], ids=["1"])
        assert form.submit() is None
        assert isinstance(form.error, MissingScopesError)
        assert texts(form).startswith("Missing scope crm.lists.write: add it to your private app")
        assert sb.token not in form.message.value
        assert not form.button.disabled


def test_wrong_token_is_explained_when_the_form_opens(sandbox):
    from hubframe import HubSpot

    with HubSpot(token="pat-na1-not-the-right-one", base_url=sandbox.url) as client:
        form = SearchForm(client, object_type="contacts")
    assert "did not accept the access token" in texts(form)
    assert "not-the-right-one" not in form.message.value
    assert form.field.options == ()


# -- workflows ---------------------------------------------------------------------------------


def test_workflow_form_enrolls_and_reports_each(fresh_sandbox, fresh_hs):
    workflow_id = fresh_sandbox.workflow_ids[0]
    contact = fresh_hs.contacts.get_page(limit=5).dropna(subset=["email"]).iloc[0]
    form = WorkflowForm(
        fresh_hs, workflow_id=workflow_id, emails=[contact["email"], "nobody@example.com"]
    )
    name = fresh_sandbox.store.workflows[workflow_id]["name"]
    assert (
        f"Will enroll 2 contact(s) in workflow {name} ({workflow_id}): {contact['email']}"
        in form.preview.value
    )

    form.button.click()

    assert form.result[["email", "outcome"]].to_dict("records") == [
        {"email": contact["email"], "outcome": "enrolled"},
        {"email": "nobody@example.com", "outcome": "not found"},
    ]
    assert int(contact["id"]) in fresh_sandbox.store.enrollments[workflow_id]
    assert texts(form) == f"Workflow {workflow_id}: 1 enrolled, 1 not found."
    assert "nobody@example.com" in form.table.value


def test_workflow_form_offers_the_portals_workflows(fresh_sandbox, fresh_hs):
    form = WorkflowForm(fresh_hs, workflow_id=fresh_sandbox.workflow_ids[1])
    assert len(form.workflow_id.options) == len(fresh_sandbox.workflow_ids)
    assert (
        form.workflow_id.value
        == f"{fresh_sandbox.store.workflows[fresh_sandbox.workflow_ids[1]]['name']} ({fresh_sandbox.workflow_ids[1]})"
    )
    assert form.chosen_workflow == fresh_sandbox.workflow_ids[1]
    form.workflow_id.value = "77"
    assert form.chosen_workflow == "77"


def test_workflow_form_takes_emails_from_a_dataframe(fresh_hs):
    df = pd.DataFrame({"id": ["1", "2", "3"], "email": ["a@example.com", None, "c@example.com"]})
    form = WorkflowForm(fresh_hs, workflow_id="1", source=df)
    assert form.emails.value == "a@example.com\nc@example.com"
    form.emails.value = "a@example.com, not-an-email"
    assert "'not-an-email' is not an email address" in form.preview.value


def test_unknown_workflow_is_one_error_naming_it(fresh_sandbox, fresh_hs):
    form = WorkflowForm(fresh_hs, workflow_id="424242", emails=["a@example.com", "b@example.com"])
    assert form.submit() is None
    assert form.result is None and isinstance(form.error, NotFoundError)
    assert "workflow 424242 does not exist" in texts(form)
    assert "hs.workflows.all() lists the workflow ids" in texts(form)
    assert 'role="alert"' in form.message.value
    assert "424242" not in fresh_sandbox.store.enrollments


# -- the panel ---------------------------------------------------------------------------------


def test_panel_selection_feeds_list_and_workflow_forms(fresh_sandbox, fresh_hs):
    p = panel(fresh_hs, object_type="contacts", field="email", operator="HAS_PROPERTY")
    assert p.titles == ("Search", "Add to list", "Enroll in workflow")
    assert p.children == (p.search, p.lists, p.workflows)
    p.search.submit()
    chosen = p.search.result.iloc[:3]
    p.search.selection.value = tuple(chosen["id"])
    assert p.lists.ids.value.split("\n") == chosen["id"].tolist()
    assert p.workflows.emails.value.split("\n") == chosen["email"].tolist()
    assert "Will add 3 record(s)" in p.lists.preview.value

    list_id = fresh_sandbox.list_ids[0]
    p.lists.list_id.value = list_id
    p.lists.button.click()
    assert set(p.lists.result["id"]) == set(chosen["id"])
    assert {int(i) for i in chosen["id"]} <= set(fresh_sandbox.store.list_members[list_id])

    p.search.select_none.click()
    assert p.lists.ids.value == "" and p.workflows.emails.value == ""
    p.search.select_all.click()
    assert len(p.lists.ids.value.split("\n")) == len(p.search.result)


def test_token_is_never_in_any_widget_state(fresh_sandbox, fresh_hs):
    p = panel(fresh_hs, object_type="contacts", field="email", operator="HAS_PROPERTY")
    p.search.submit()
    p.search.selection.value = (p.search.result["id"].iloc[0],)
    p.lists.list_id.value = fresh_sandbox.list_ids[0]
    p.lists.submit()
    p.workflows.workflow_id.value = fresh_sandbox.workflow_ids[0]
    p.workflows.submit()
    states = json.dumps([w.get_state() for w in list(_instances.values())], default=str)
    assert fresh_sandbox.token not in states
    assert fresh_sandbox.token not in repr(fresh_hs)


# -- the notebook, executed as a frontend would ------------------------------------------------


def test_notebook_runs_headless_and_search_shows_a_progress_bar(monkeypatch, tmp_path):
    """notebooks/widgets.ipynb starts its own sandbox, shows the panel, and a click searches."""
    import os
    from pathlib import Path

    import nbformat
    from nbclient import NotebookClient

    repo = Path(__file__).resolve().parents[2]
    for name in ("HUBSPOT_ACCESS_TOKEN", "HUBFRAME_BASE_URL", "HUBFRAME_FORMS_URL"):
        monkeypatch.delenv(name, raising=False)  # the notebook must use its own sandbox
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [str(repo), os.environ.get("PYTHONPATH")]))
    )
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path))
    nb = nbformat.read(repo / "notebooks" / "widgets.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "s = forms.search\n"
        "s.field.value = 'lifecyclestage'\n"
        "s.value = 'customer'\n"
        "s.button.click()\n"
        "print(len(s.result), s.output.model_id)\n"
        "print(s.message_text)"
    ))  # fmt: skip

    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()

    shown = nb.cells[2].outputs[0]["data"]
    assert "application/vnd.jupyter.widget-view+json" in shown and shown["text/plain"].startswith(
        "Panel("
    )
    count, output_id, message = nb.cells[-1].outputs[0]["text"].split(maxsplit=2)
    assert (
        int(count) > 0
        and message.strip() == f"{count} contacts found: select the ones to use below."
    )
    state = nb.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    (bar_view,) = [
        o["data"]["application/vnd.jupyter.widget-view+json"]
        for o in state[output_id]["state"]["outputs"]
    ]
    parts = [
        state[child.removeprefix("IPY_MODEL_")]
        for child in state[bar_view["model_id"]]["state"]["children"]
    ]
    progress = [p["state"] for p in parts if p["model_name"] == "FloatProgressModel"]
    assert [(p["value"], p["max"]) for p in progress] == [(int(count), int(count))]
