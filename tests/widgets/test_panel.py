"""The panel of the three forms, and notebooks/widgets.ipynb executed as a frontend would."""

from __future__ import annotations

import json

from ipywidgets.widgets.widget import _instances

from hubframe.widgets import panel

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
