"""The list and workflow forms, driven headless against the sandbox: what they add, enroll and say."""

from __future__ import annotations

import pandas as pd

from hubframe.errors import MissingScopesError, NotFoundError
from hubframe.widgets import ListForm, SearchForm, WorkflowForm

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
    assert f"List {list_id}: {len(new)} added, 1 not found." == form.message_text
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
    assert "'abc' is not an id" in form.message_text
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
        assert form.message_text.startswith(
            "Missing scope crm.lists.write: add it to the Service Key"
        )
        assert sb.token not in form.message.value
        assert not form.button.disabled


def test_wrong_token_is_explained_when_the_form_opens(sandbox):
    from hubframe import HubSpot

    with HubSpot(token="pat-na1-not-the-right-one", base_url=sandbox.url) as client:
        form = SearchForm(client, object_type="contacts")
    assert "did not accept the access token" in form.message_text
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
    assert form.message_text == f"Workflow {workflow_id}: 1 enrolled, 1 not found."
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
    assert "workflow 424242 does not exist" in form.message_text
    assert "hs.workflows.all() lists the workflow ids" in form.message_text
    assert 'role="alert"' in form.message.value
    assert "424242" not in fresh_sandbox.store.enrollments


# -- choosing a target -------------------------------------------------------------------------


def test_list_form_without_a_list_says_choose_a_list(fresh_sandbox, fresh_hs):
    before = {k: dict(v) for k, v in fresh_sandbox.store.list_members.items()}
    form = ListForm(fresh_hs, ids=["101"])
    assert "(choose a list)" in form.preview.value
    assert form.submit() is None
    assert form.message_text == "Choose a list first: pick one in the List box, or type its id."
    assert "is not an id" not in form.message_text
    assert {k: dict(v) for k, v in fresh_sandbox.store.list_members.items()} == before


def test_workflow_form_without_emails_says_what_to_give(fresh_sandbox, fresh_hs):
    form = WorkflowForm(fresh_hs, workflow_id=fresh_sandbox.workflow_ids[0])
    assert form.submit() is None
    assert form.message_text == WorkflowForm.empty_hint


def test_workflow_form_warns_that_a_paused_workflow_will_not_run(fresh_sandbox, fresh_hs):
    paused = [w for w, wf in fresh_sandbox.store.workflows.items() if not wf["enabled"]]
    running = [w for w, wf in fresh_sandbox.store.workflows.items() if wf["enabled"]]
    assert paused and running
    contact = fresh_hs.contacts.get_page(limit=5).dropna(subset=["email"]).iloc[0]

    form = WorkflowForm(fresh_hs, workflow_id=paused[0], emails=[contact["email"]])
    assert "this workflow is paused" in form.preview.value
    form.submit()
    assert form.message_text.startswith(f"Workflow {paused[0]}: 1 enrolled. Note: this workflow")
    assert "will not go through it until it is turned on" in form.message_text

    form.workflow_id.value = running[0]  # a running one: no warning
    assert "paused" not in form.preview.value
    form.submit()
    assert form.message_text == f"Workflow {running[0]}: 1 enrolled."
