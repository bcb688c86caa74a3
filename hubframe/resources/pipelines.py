"""Pipelines and their stages (``hs.pipelines("deals")``), one row per stage."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..properties import normalize_object_type
from .tables import typed_table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..client import HubSpot

__all__ = ["PIPELINE_COLUMNS", "pipeline_object_type", "pipeline_records", "pipelines"]

#: The columns of :func:`pipelines`, with their kinds (see :func:`.tables.typed_table`).
PIPELINE_COLUMNS: dict[str, str] = {
    "pipeline_id": "string",
    "pipeline_label": "string",
    "pipeline_order": "int",
    "stage_id": "string",
    "stage_label": "string",
    "stage_order": "int",
    "probability": "number",
    "is_closed": "bool",
    "archived": "bool",
}

#: Object types with pipelines that are not records hubframe reads as a resource.
_PIPELINE_ALIASES = {"ticket": "tickets", "tickets": "tickets", "0-5": "tickets"}
#: A custom object's name or type id, as HubSpot's paths take them.
_TYPE_NAME = re.compile(r"[a-z][a-z0-9_]*|\d+-\d+")


def pipeline_object_type(object_type: Any) -> str:
    """The object type whose pipelines to read: a CRM type hubframe knows, ``tickets``, or a
    custom object's name or type id (``2-123``).

    Raises:
        InputError: not such a name.
    """
    try:
        return normalize_object_type(object_type)
    except InputError:
        key = object_type.strip().lower() if isinstance(object_type, str) else ""
        if key in _PIPELINE_ALIASES:
            return _PIPELINE_ALIASES[key]
        if _TYPE_NAME.fullmatch(key):
            return key
        raise InputError(
            f"object_type={object_type!r:.100}: name the object type whose pipelines to read, "
            "e.g. 'deals' or 'tickets' (a custom object by name or type id, e.g. '2-123')"
        ) from None


def pipeline_records(hs: HubSpot, object_type: str) -> list[dict[str, Any]]:
    """Every pipeline of ``object_type`` as HubSpot sends it (one answer, no paging)."""
    data = hs.request_json("GET", hs.paths.pipelines(object_type), require="results") or {}
    return [p for p in data.get("results") or [] if isinstance(p, dict)]


def _order(item: dict[str, Any]) -> tuple[int, str]:
    order = item.get("displayOrder")
    return (order if isinstance(order, int) else 0, str(item.get("id")))


def _is_closed(metadata: dict[str, Any]) -> Any:
    # Deal stages say isClosed; ticket stages also say ticketState (OPEN / CLOSED).
    closed = metadata.get("isClosed")
    if closed is None and metadata.get("ticketState"):
        return str(metadata["ticketState"]).upper() == "CLOSED"
    return closed


def _rows(pipeline: dict[str, Any]) -> list[dict[str, Any]]:
    stages = sorted((s for s in pipeline.get("stages") or [] if isinstance(s, dict)), key=_order)
    head = {
        "pipeline_id": pipeline.get("id"),
        "pipeline_label": pipeline.get("label"),
        "pipeline_order": pipeline.get("displayOrder"),
    }
    rows = []
    for stage in stages:
        raw = stage.get("metadata")
        meta: dict[str, Any] = raw if isinstance(raw, dict) else {}
        rows.append(
            {
                **head,
                "stage_id": stage.get("id"),
                "stage_label": stage.get("label"),
                "stage_order": stage.get("displayOrder"),
                "probability": meta.get("probability"),
                "is_closed": _is_closed(meta),
                "archived": bool(stage.get("archived")) or bool(pipeline.get("archived")),
            }
        )
    return rows


def pipelines(hs: HubSpot, object_type: Any) -> pd.DataFrame:
    """The pipelines of an object type, one row per stage (``hs.pipelines("deals")``).

    Rows come in HubSpot's order: pipelines by their display order, each one's stages by
    theirs. A stage belongs to one pipeline: a record's stage label is read within its
    pipeline. ``probability`` (deal stages; NA for others) is the share of the amount
    expected to close, 0 to 1; ``is_closed`` is HubSpot's ``isClosed`` (ticket stages:
    ``ticketState == "CLOSED"``); ``archived`` is true for an archived stage or pipeline.
    Read from ``/crm/pipelines/{version}/{type}`` (legacy ``/crm/v3/pipelines/{type}``).

    Args:
        object_type: ``"deals"``, ``"tickets"`` or any object type with pipelines (a
            custom object by name or type id).

    Returns:
        A DataFrame with columns pipeline_id, pipeline_label, pipeline_order, stage_id,
        stage_label, stage_order, probability, is_closed, archived.

    Raises:
        InputError: ``object_type`` is not an object type name.
    """
    object_type = pipeline_object_type(object_type)
    found = sorted(pipeline_records(hs, object_type), key=_order)
    return typed_table([row for p in found for row in _rows(p)], PIPELINE_COLUMNS)
