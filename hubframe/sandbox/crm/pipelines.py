"""Pipelines (``GET /crm/v3/pipelines/{objectType}``), derived from the properties.

A deal's ``pipeline`` and ``dealstage`` (a ticket's ``hs_pipeline`` and
``hs_pipeline_stage``) hold pipeline and stage ids; the pipelines endpoint lists the
same ids with their labels. Both come from one place, the property options in
``data/properties.json``, so the two can never disagree. Deal stages carry
``probability`` and ``isClosed``, ticket stages ``ticketState`` and ``isClosed``, as
strings, as HubSpot writes stage metadata. Object types without pipelines answer with
an empty list (unconfirmed: HubSpot may refuse them).
"""

from __future__ import annotations

from typing import Any

from ..calls import Call, Reply
from ..state import PortalState
from .definitions import DEAL_STAGE_PROBABILITY, PROPERTIES, type_name

__all__ = ["get_pipelines", "pipelines_of"]

_CREATED = "2019-08-06T02:41:52.594Z"
_CLOSED_DEAL_STAGES = ("closedwon", "closedlost")
_CLOSED_TICKET_STAGES = ("4",)


def _deal_stage(stage_id: str) -> dict[str, str]:
    return {
        "isClosed": str(stage_id in _CLOSED_DEAL_STAGES).lower(),
        "probability": DEAL_STAGE_PROBABILITY.get(stage_id, "0.0"),
    }


def _ticket_stage(stage_id: str) -> dict[str, str]:
    closed = stage_id in _CLOSED_TICKET_STAGES
    return {"ticketState": "CLOSED" if closed else "OPEN", "isClosed": str(closed).lower()}


def _stamped(item: dict[str, Any], display_order: int) -> dict[str, Any]:
    return {
        **item,
        "displayOrder": display_order,
        "createdAt": _CREATED,
        "updatedAt": _CREATED,
        "archived": False,
    }


def _pipelines(pipeline_prop: Any, stage_prop: Any, metadata: Any) -> list[dict[str, Any]]:
    stages = [
        _stamped(
            {
                "id": sid,
                "label": label,
                "metadata": metadata(sid),
                "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
            },
            i,
        )
        for i, (sid, label) in enumerate(stage_prop.options)
    ]
    return [
        _stamped({"id": pid, "label": label, "stages": stages}, i)
        for i, (pid, label) in enumerate(pipeline_prop.options)
    ]


def pipelines_of(name: str) -> list[dict[str, Any]]:
    """The pipelines of an object type (by plural name); [] for types without pipelines."""
    if name == "deals":
        deals = PROPERTIES["deals"]
        return _pipelines(deals["pipeline"], deals["dealstage"], _deal_stage)
    if name == "tickets":
        tickets = PROPERTIES["tickets"]
        return _pipelines(tickets["hs_pipeline"], tickets["hs_pipeline_stage"], _ticket_stage)
    return []


def get_pipelines(call: Call, store: PortalState) -> Reply:
    """GET /crm/v3/pipelines/{objectType}: every pipeline with its stages, no paging."""
    return Reply(200, {"results": pipelines_of(type_name(call.args["object_type"]))})
