"""Contact enrollment in workflows (``hs.workflows``), on HubSpot's Workflows v2 API.

Sent on the legacy paths in every API version: no dated API enrolls a record (HubSpot's
dated automation API is beta only). HubSpot's rule for v1-v3 APIs makes these paths
unsupported from September 2027.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import NotFoundError
from ..validate import check_emails, check_id
from .base import table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..client import HubSpot

__all__ = ["Workflows"]


class Workflows:
    """Contact enrollment in workflows (``hs.workflows``), on HubSpot's Workflows v2 API."""

    def __init__(self, hs: HubSpot):
        self._hs = hs

    def enroll(self, workflow_id: str | int, emails: Any) -> pd.DataFrame:
        """Enroll contacts, by email, in a contact-based workflow.

        Args:
            workflow_id: the workflow's v2 id.
            emails: one email, a list, a Series, or a DataFrame with an ``email`` column.

        Returns:
            One row per email: ``email`` and ``outcome`` (``enrolled`` or ``not found``:
            HubSpot answered 404 for that contact).

        Raises:
            InputError: a bad workflow id or email (before anything is sent).
            NotFoundError: the workflow does not exist (nobody is enrolled).
        """
        wid = check_id(workflow_id, what="workflow id")
        addresses = check_emails(emails)
        rows = []
        workflow_exists = False
        for email in addresses:
            path = self._hs.paths.workflow_enrollment(wid, email)
            try:
                self._hs.request("POST", path, kind="idempotent")
                workflow_exists = True
                rows.append({"email": email, "outcome": "enrolled", "message": ""})
            except NotFoundError as exc:
                # HubSpot answers 404 both for an unknown workflow and for an unknown
                # contact. Until one enrollment succeeded, ask once which it is: an
                # unknown workflow fails the whole call instead of every email.
                if not workflow_exists:
                    self._require_workflow(wid)
                    workflow_exists = True
                rows.append({"email": email, "outcome": "not found", "message": exc.message})
        return table(rows, ["email", "outcome", "message"])

    def _require_workflow(self, wid: str) -> None:
        """Raise a NotFoundError naming the workflow if the portal has no workflow ``wid``."""
        path = self._hs.paths.workflow(wid)
        try:
            self._hs.request("GET", path)
        except NotFoundError as exc:
            raise NotFoundError(
                f"workflow {wid} does not exist in this portal, so no contact was enrolled.",
                status=exc.status,
                category=exc.category,
                correlation_id=exc.correlation_id,
                method="GET",
                path=path,
                body=exc.body,
            ) from None

    def all(self) -> pd.DataFrame:
        """The portal's workflows: ``workflow_id``, ``name``, ``type`` and ``enabled``.

        Uses HubSpot's legacy listing (``GET /automation/v3/workflows``), whose ids are the
        ones :meth:`enroll` takes.
        """
        data = self._hs.request_json("GET", self._hs.paths.workflows()) or {}
        rows = [
            {
                "workflow_id": str(w.get("id")),
                "name": w.get("name"),
                "type": w.get("type"),
                "enabled": "true" if w.get("enabled") else "false",
            }
            for w in data.get("workflows") or []
        ]
        df = table(rows, ["workflow_id", "name", "type", "enabled"])
        df["enabled"] = df["enabled"].map({"true": True, "false": False}).astype("boolean")
        return df
