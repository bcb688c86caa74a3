"""Pipelines (``GET /crm/v3/pipelines/{objectType}``), derived from the properties.

A deal's ``pipeline`` and ``dealstage`` (a ticket's ``hs_pipeline`` and
``hs_pipeline_stage``) hold pipeline and stage ids; the pipelines endpoint lists the
same ids with their labels. Both come from one place, the property options in
``data/properties.json``, whose ``pipeline_stages`` says which stages belong to which
pipeline (as in HubSpot, the stage property's options are the stages of every
pipeline, and each stage is in one), so the two can never disagree. Deals have two
pipelines (``default``, HubSpot's Sales Pipeline, and ``2093515``, Renewals, with
numeric ids as HubSpot gives pipelines created in a portal). Deal stages carry
``probability`` (:data:`DEAL_STAGE_PROBABILITY`) and ``isClosed``, ticket stages
``ticketState`` and ``isClosed``, as strings, as HubSpot writes stage metadata. Object
types without pipelines answer with an empty list (unconfirmed: HubSpot may refuse
them).
"""

from __future__ import annotations

from typing import Any

from ..calls import Call, Reply
from ..state import PortalState
from .definitions import (
    CLOSED_STAGES,
    DEAL_STAGE_PROBABILITY,
    PIPELINE_STAGES,
    PROPERTIES,
    PropertyDef,
    type_name,
)

__all__ = ["get_pipelines", "pipelines_of", "stage_pipeline"]

_CREATED = "2019-08-06T02:41:52.594Z"


def _deal_stage(stage_id: str) -> dict[str, str]:
    return {
        "isClosed": str(stage_id in CLOSED_STAGES["deals"]).lower(),
        "probability": DEAL_STAGE_PROBABILITY.get(stage_id, "0.0"),
    }


def _ticket_stage(stage_id: str) -> dict[str, str]:
    closed = stage_id in CLOSED_STAGES["tickets"]
    return {"ticketState": "CLOSED" if closed else "OPEN", "isClosed": str(closed).lower()}


def _stamped(item: dict[str, Any], display_order: int) -> dict[str, Any]:
    return {
        **item,
        "displayOrder": display_order,
        "createdAt": _CREATED,
        "updatedAt": _CREATED,
        "archived": False,
    }


def _pipelines(
    name: str, pipeline_prop: PropertyDef, stage_prop: PropertyDef, metadata: Any
) -> list[dict[str, Any]]:
    labels = dict(stage_prop.options)
    out = []
    for i, (pid, label) in enumerate(pipeline_prop.options):
        stages = [
            _stamped(
                {
                    "id": sid,
                    "label": labels[sid],
                    "metadata": metadata(sid),
                    "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT",
                },
                j,
            )
            for j, sid in enumerate(PIPELINE_STAGES[name][pid])
        ]
        out.append(_stamped({"id": pid, "label": label, "stages": stages}, i))
    return out


def pipelines_of(name: str) -> list[dict[str, Any]]:
    """The pipelines of an object type (by plural name); [] for types without pipelines."""
    if name == "deals":
        deals = PROPERTIES["deals"]
        return _pipelines(name, deals["pipeline"], deals["dealstage"], _deal_stage)
    if name == "tickets":
        tickets = PROPERTIES["tickets"]
        return _pipelines(name, tickets["hs_pipeline"], tickets["hs_pipeline_stage"], _ticket_stage)
    return []


def stage_pipeline(name: str, stage_id: str) -> str | None:
    """The pipeline a stage of object type ``name`` belongs to (None: no such stage)."""
    for pid, stages in PIPELINE_STAGES.get(name, {}).items():
        if stage_id in stages:
            return pid
    return None


def get_pipelines(call: Call, store: PortalState) -> Reply:
    """GET /crm/v3/pipelines/{objectType}: every pipeline with its stages, no paging."""
    return Reply(200, {"results": pipelines_of(type_name(call.args["object_type"]))})
