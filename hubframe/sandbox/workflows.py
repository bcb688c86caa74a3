"""Workflows: enrollment (legacy v2) and the workflow listings, store operations and handlers (facts §2.16)."""

from __future__ import annotations

from typing import Any

from .calls import Call, Reply
from .errors import ApiError
from .state import PortalState
from .util import locked, parse_id
from .values import now_ms

__all__ = ["WorkflowOps"]


class WorkflowOps(PortalState):
    """Workflow operations of the store.

    Attributes:
        workflows: workflow id -> the seeded workflow.
        enrollments: workflow id -> {contact id: enrollment time (epoch ms)}.
    """

    def __init__(self, portal_id: int) -> None:
        super().__init__(portal_id)
        self.workflows: dict[str, dict[str, Any]] = {}
        self.enrollments: dict[str, dict[int, int]] = {}

    def _workflow(self, workflow_id: str) -> dict[str, Any]:
        wf = self.workflows.get(str(workflow_id))
        if wf is None:
            raise ApiError(404, f"Workflow {workflow_id} not found", None)
        return wf

    def _contact_id(self, email: str) -> int:
        table = self.tables["contacts"]
        assert table.email_index is not None
        rid = table.email_index.get(email.strip().lower())
        if rid is None:
            raise ApiError(404, f"Contact with email {email} does not exist", None)
        return rid

    @locked
    def enroll(self, workflow_id: str, email: str) -> None:
        """Enroll a contact (by email) in a v2 workflow. 404 for an unknown workflow or contact."""
        self._workflow(workflow_id)
        rid = self._contact_id(email)
        self.enrollments.setdefault(str(workflow_id), {})[rid] = now_ms()
        self.note_write()

    @locked
    def unenroll(self, workflow_id: str, email: str) -> None:
        """Remove a contact from a workflow (unknown workflow/contact: 404; not enrolled: no-op)."""
        self._workflow(workflow_id)
        rid = self._contact_id(email)
        if self.enrollments.get(str(workflow_id), {}).pop(rid, None) is not None:
            self.note_write()

    def _workflow_json(self, wf: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": int(wf["id"]),
            "name": wf["name"],
            "type": wf["type"],
            "enabled": wf["enabled"],
            "portalId": self.portal_id,
            "insertedAt": wf["insertedAt"],
            "updatedAt": wf["updatedAt"],
            "description": wf.get("description", ""),
            "contactListIds": {"enrolled": 0, "active": 0, "completed": 0, "succeeded": 0},
            "personaTagIds": [],
        }

    @locked
    def get_workflows(self) -> list[dict[str, Any]]:
        return [self._workflow_json(w) for w in self.workflows.values()]

    @locked
    def get_workflow(self, workflow_id: str) -> dict[str, Any]:
        return self._workflow_json(self._workflow(workflow_id))

    @locked
    def get_contact_enrollments(self, contact_id: str) -> list[dict[str, Any]]:
        """Workflows a contact (by id) is enrolled in."""
        rid = parse_id(contact_id)
        if self.tables["contacts"].get_live(rid) is None:
            raise ApiError(404, f"Contact {contact_id} does not exist", None)
        return [
            {"id": int(w), "name": self.workflows[w]["name"], "enrolledAt": members[rid]}
            for w, members in self.enrollments.items()
            if rid in members
        ]

    # -- persistence ------------------------------------------------------------------------

    def workflows_state(self) -> dict[str, Any]:
        return {
            "workflows": list(self.workflows.values()),
            "enrollments": {k: [[i, t] for i, t in v.items()] for k, v in self.enrollments.items()},
        }

    def load_workflows_state(self, state: dict[str, Any]) -> None:
        self.workflows = {str(w["id"]): w for w in state.get("workflows", [])}
        self.enrollments = {
            k: {int(i): t for i, t in v} for k, v in state.get("enrollments", {}).items()
        }


# -- handlers ------------------------------------------------------------------------------


def enroll(call: Call, store: WorkflowOps) -> Reply:
    store.enroll(call.args["workflow_id"], call.args["email"])
    return Reply(204)


def unenroll(call: Call, store: WorkflowOps) -> Reply:
    store.unenroll(call.args["workflow_id"], call.args["email"])
    return Reply(204)


def get_workflows(call: Call, store: WorkflowOps) -> Reply:
    return Reply(200, {"workflows": store.get_workflows()})


def get_workflow(call: Call, store: WorkflowOps) -> Reply:
    return Reply(200, store.get_workflow(call.args["workflow_id"]))


def get_contact_enrollments(call: Call, store: WorkflowOps) -> Reply:
    return Reply(200, store.get_contact_enrollments(call.args["contact_id"]))
