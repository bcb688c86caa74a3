"""The notebooks in notebooks/ run top to bottom in a real kernel, against the sandbox.

Each notebook starts its own sandbox (as a newcomer's would). After the last cell
the test asks the kernel for the sandbox's token and checks that no output of
any cell contains it, and that no cell raised.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"


def _outputs_text(cell) -> str:
    return json.dumps(cell.get("outputs", []))


def run(name: str, tmp_path: Path, *, probe: str | None = None, before_last: bool = False):
    """Run a notebook in ``tmp_path`` (the kernel inherits this process's environment).

    ``probe`` is one more cell, run after the notebook's own (``before_last``: before its
    last, the clean-up, while the sandbox still runs); its printed output is returned and
    the cell removed, so it is not part of the checks.
    """
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    at = len(nb.cells) - 1 if before_last else len(nb.cells)
    if probe is not None:
        nb.cells.insert(at, nbformat.v4.new_code_cell(probe))
    client = nbclient.NotebookClient(
        nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()
    printed = None
    if probe is not None:
        printed = "".join(o.get("text", "") for o in nb.cells.pop(at).outputs).strip()
    return nb, printed


def execute(name: str, tmp_path: Path, monkeypatch) -> tuple[object, str]:
    """Run a notebook that starts its own sandbox; return it (with outputs) and the sandbox's token."""
    # Without a token in the environment the notebooks start the sandbox, not a real portal.
    for var in ("HUBSPOT_ACCESS_TOKEN", "HUBFRAME_BASE_URL", "HUBFRAME_FORMS_URL"):
        monkeypatch.delenv(var, raising=False)
    nb, token = run(name, tmp_path, probe="print(sb.token)")
    assert token.startswith("pat-sandbox-")
    return nb, token


def check(nb, token: str) -> None:
    code_cells = [c for c in nb.cells if c.cell_type == "code"]
    assert code_cells and all(c.get("execution_count") for c in code_cells), "a cell did not run"
    for cell in code_cells:
        assert not any(o.get("output_type") == "error" for o in cell.outputs), cell.source
        text = _outputs_text(cell)
        assert token not in text, f"the token appears in the output of:\n{cell.source}"
        assert not re.search(r"(?i)bearer\s+\S", text)


@pytest.mark.parametrize("name", ["quickstart.ipynb", "operations.ipynb", "analysis.ipynb"])
def test_notebook_is_committed_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None, cell.source


def test_quickstart_runs_against_the_sandbox(tmp_path, monkeypatch):
    nb, token = execute("quickstart.ipynb", tmp_path, monkeypatch)
    check(nb, token)
    # It exported and read back a Parquet file.
    assert (tmp_path / "deals.parquet").stat().st_size > 0
    sources = [c.source for c in nb.cells]
    dtypes_cell = nb.cells[sources.index("contacts.dtypes")]
    text = _outputs_text(dtypes_cell)
    assert "datetime64[ms, UTC]" in text and "boolean" in text


def test_quickstart_connects_with_the_token_in_the_environment(tmp_path, monkeypatch):
    """The real-portal path: HubSpot() takes the token (and here the host) from the environment."""
    from hubframe.sandbox import Sandbox

    with Sandbox(contacts=321, companies=20, deals=40, seed=1) as sb:
        monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", sb.token)
        monkeypatch.setenv("HUBFRAME_BASE_URL", sb.url)
        monkeypatch.setenv("HUBFRAME_FORMS_URL", sb.forms_url)
        nb, started = run("quickstart.ipynb", tmp_path, probe="print(sb is None)")
        check(nb, sb.token)
    assert started == "True"  # no sandbox of its own
    assert "321 contacts" in output_of(nb, 'print(f"{len(contacts):,} contacts')
    assert "40 deals" in output_of(nb, "result = hs.deals.export(")


def test_operations_runs_every_operation_against_the_sandbox(tmp_path, monkeypatch):
    nb, token = execute("operations.ipynb", tmp_path, monkeypatch)
    check(nb, token)
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    for op in ("contacts.get_page", "contacts.get_all", "contacts.get(", "contacts.get_many", "contacts.search",
               "contacts.create", "contacts.update", "contacts.delete", "companies.get_all", "companies.get(",
               "companies.search", "companies.get_contacts", "companies.add_contact", "companies.remove_contact",
               "companies.create", "companies.delete", "deals.get_all", "deals.get(", "deals.search",
               "deals.delete", "forms.submit", "lists.add", "workflows.enroll"):  # fmt: skip
        assert "hs." + op in source, op
    # A few results a reader would look at.
    deleted = output_of(nb, "hs.contacts.delete(new_id)")
    assert "NotFoundError" in deleted and "No record with id" in deleted
    assert "objectId are usually numeric" not in deleted  # HubSpot's own words stay in the error
    listed = output_of(nb, "hs.lists.add(")
    assert "added" in listed and "not found" in listed
    enrolled = output_of(nb, "hs.workflows.enroll(")
    assert "enrolled" in enrolled and "not found" in enrolled
    assert "emial" in output_of(nb, "UnknownPropertyError") and "email" in output_of(
        nb, "UnknownPropertyError"
    )


#: Run after analysis.ipynb: each answer worked out again from direct reads of the sandbox
#: (the edges read from the other side), compared with the notebook's; prints the token.
ANALYSIS_PROBE = """
import pandas as pd
direct_deals = hs.deals.get_all(properties=["amount", "pipeline", "dealstage", "hubspot_owner_id"],
                                labels=True, progress=False)
direct_companies = hs.companies.get_all(properties=["name", "industry"], labels=True, progress=False)
to_company = hs.associations("deals", "companies", progress=False)
to_company = to_company[to_company["label"].eq("Primary").fillna(False)]
joined = direct_deals.merge(to_company, left_on="id", right_on="from_id").merge(
    direct_companies, left_on="to_id", right_on="id", suffixes=("", "_c"))
expected = joined.groupby(["industry_label", "dealstage_label"])["amount"].sum().round(0)
got = revenue.stack()
got = got[got != 0]
pd.testing.assert_series_equal(got.sort_index(), expected[expected != 0].sort_index(),
                               check_names=False, check_dtype=False)
stages = hs.pipelines("deals")
closed = set(zip(stages["pipeline_id"][stages["is_closed"]], stages["stage_id"][stages["is_closed"]]))
open_deals = direct_deals[[(p, s) not in closed for p, s in zip(direct_deals["pipeline"], direct_deals["dealstage"])]]
names = {o.id: f"{o.firstName} {o.lastName}" for o in hs.owners().itertuples()}
counts = open_deals["hubspot_owner_id"].map(lambda i: names.get(i, "(no owner)") if pd.notna(i) else "(no owner)").value_counts()
assert dict(zip(open_by_owner["owner"], open_by_owner["open_deals"])) == counts.to_dict()
links = hs.associations("tickets", "companies", progress=False).drop_duplicates(["from_id", "to_id"])
by_name = links.merge(direct_companies, left_on="to_id", right_on="id").groupby("name").size()
assert per_company["tickets"].to_dict() == by_name.to_dict() and len(by_name) > 0
print(sb.token)
"""


def test_analysis_answers_its_three_questions_from_the_exported_portal(tmp_path, monkeypatch):
    """Revenue by industry and stage, open deals per owner (DuckDB), tickets per company:
    each equal to the answer worked out from direct reads, and nothing printed besides."""
    pytest.importorskip("duckdb")
    for var in ("HUBSPOT_ACCESS_TOKEN", "HUBFRAME_BASE_URL", "HUBFRAME_FORMS_URL"):
        monkeypatch.delenv(var, raising=False)
    nb, token = run("analysis.ipynb", tmp_path, probe=ANALYSIS_PROBE, before_last=True)
    assert token.startswith("pat-sandbox-")
    check(nb, token)
    assert (tmp_path / "portal" / "manifest.json").is_file()
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "hs.export_portal(" in source and 'engine="duckdb"' in source
    for cell in (c for c in nb.cells if c.cell_type == "code"):
        streams = [o for o in cell.outputs if o.get("output_type") == "stream"]
        # No warnings or log lines: only what a cell prints on purpose.
        assert all(o["name"] == "stdout" for o in streams), cell.source
    assert "tables," in output_of(nb, "result = hs.export_portal(")
    assert "Churned" not in output_of(nb, "open_by_owner = con.execute(")


def output_of(nb, snippet: str) -> str:
    """The outputs of the one code cell whose source contains ``snippet``."""
    (cell,) = [c for c in nb.cells if c.cell_type == "code" and snippet in c.source]
    return _outputs_text(cell)
