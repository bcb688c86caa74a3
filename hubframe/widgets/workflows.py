"""The workflow form: enroll contacts, by email, in a workflow."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from ..client import HubSpot
from ..validate import check_email, check_emails
from .action import ActionForm, listing
from .search import SearchForm

__all__ = ["WorkflowForm"]


class WorkflowForm(ActionForm):
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
        workflow_id: the workflow box; emails: the emails box; preview: what a run would do.
    """

    noun = "Workflow"
    column = "email"
    empty_hint = "Type or paste emails, or select contacts (with an email) in the search."
    choose_hint = "Choose a workflow first: pick one in the Workflow box, or type its id."

    def __init__(
        self,
        hs: HubSpot,
        *,
        workflow_id: str | int | None = None,
        emails: Iterable[str] | None = None,
        source: SearchForm | pd.DataFrame | None = None,
    ):
        checked_emails = None if emails is None else check_emails(emails)
        super().__init__(
            hs, source,
            button=("Enroll", "play"),
            target=("Workflow", "pick a workflow, or type its id"),
            values=("Emails", "emails, one per line or separated by commas"),
            catalogue=(lambda: hs.workflows.all(), "the portal's workflows", "workflow_id"),
            target_id=workflow_id, given=checked_emails,
        )  # fmt: skip
        self.workflow_id, self.emails = self.target, self.values

    @property
    def chosen_workflow(self) -> str:
        """The workflow id the form will enroll in (from a picked workflow or a typed id)."""
        return self.chosen_target

    def _describe(self, values: list[str]) -> str:
        checked = list(dict.fromkeys(check_email(e) for e in values))
        target = self.target_label() or "(choose a workflow)"
        return f"Will enroll {len(checked)} contact(s) in workflow {target}: {listing(checked, 10)}"

    def _act(self, target: str, values: list[str]) -> pd.DataFrame:
        return self._hs.workflows.enroll(target, values)

    def _caveat(self, target: str) -> str:
        """A paused workflow takes enrollments but does not run them: say so before and after."""
        rows = self.catalogue
        if rows is None or not target or "enabled" not in rows.columns:
            return ""
        match = rows[rows["workflow_id"] == target]
        if match.empty or bool(match["enabled"].fillna(True).iloc[0]):
            return ""
        return (
            "Note: this workflow is paused (turned off in HubSpot), so enrolled contacts "
            "will not go through it until it is turned on."
        )
