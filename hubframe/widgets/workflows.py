"""The workflow form: enroll contacts, by email, in a workflow."""

from __future__ import annotations

from collections.abc import Iterable

import ipywidgets as W
import pandas as pd

from ..client import HubSpot
from ..errors import HubFrameError
from ..validate import check_email, check_emails
from .base import Form
from .controls import WIDE, chosen, id_box, label, offer, tokens
from .render import counts, preview_html, table
from .search import SearchForm, check_source, follow

__all__ = ["WorkflowForm"]


class WorkflowForm(Form):
    """Enroll contacts, by email, in a workflow.

    Args:
        hs: the client.
        workflow_id: the workflow's v2 id to pre-fill.
        emails: emails to pre-fill.
        source: a :class:`SearchForm` (the ``email`` of its selected records fills the box)
            or a DataFrame with an ``email`` column.

    Attributes:
        result: the outcomes of the last enrollment, one row per email (``email``, ``outcome``,
            ``message``).
    """

    def __init__(
        self,
        hs: HubSpot,
        *,
        workflow_id: str | int | None = None,
        emails: Iterable[str] | None = None,
        source: SearchForm | pd.DataFrame | None = None,
    ):
        checked_emails = None if emails is None else check_emails(emails)
        check_source(source)
        super().__init__(hs, "Enroll", "play")
        self.workflow_id = id_box("Workflow", "pick a workflow, or type its id")
        self.emails = W.Textarea(
            description="Emails",
            placeholder="emails, one per line or separated by commas",
            rows=5,
            layout=WIDE,
        )
        self.preview = W.HTML()
        flows = self._attempt(lambda: hs.workflows.all(), "the portal's workflows")
        self._workflows = offer(self.workflow_id, flows, "workflow_id")
        if workflow_id is not None:
            self.workflow_id.value = label(self._workflows, str(workflow_id))
        if checked_emails is not None:
            self.emails.value = "\n".join(checked_emails)
        follow(source, self._fill)
        self.workflow_id.observe(lambda _c: self._preview(), names="value")
        self.emails.observe(lambda _c: self._preview(), names="value")
        self._layout(self.workflow_id, self.emails, self.preview)
        self._preview()

    @property
    def chosen_workflow(self) -> str:
        """The workflow id the form will enroll in (from a picked workflow or a typed id)."""
        return chosen(self.workflow_id, self._workflows)

    def _fill(self, rows: pd.DataFrame) -> None:
        emails = rows["email"].dropna().tolist() if "email" in rows.columns else []
        self.emails.value = "\n".join(str(e) for e in emails)

    def _preview(self) -> None:
        emails = tokens(self.emails.value)
        wid = label(self._workflows, self.chosen_workflow) or "(choose a workflow)"
        if not emails:
            text = "Type or paste emails, or select contacts (with an email) in the search."
        else:
            try:
                checked = list(dict.fromkeys(check_email(e) for e in emails))
                shown = ", ".join(checked[:10]) + (" …" if len(checked) > 10 else "")
                text = f"Will enroll {len(checked)} contact(s) in workflow {wid}: {shown}"
            except HubFrameError as exc:
                text = str(exc)
        self.preview.value = preview_html(text)

    def _run(self) -> pd.DataFrame:
        return self._hs.workflows.enroll(self.chosen_workflow, tokens(self.emails.value))

    def _show(self, result: pd.DataFrame) -> str:
        self.table.value = table(result)
        return f"Workflow {self.chosen_workflow}: {counts(result['outcome'])}."
