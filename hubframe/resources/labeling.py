"""The label maps of one read (``labels=True``): options, owners and pipelines, fetched once.

Which columns get a label column (see :mod:`hubframe.labels`):

- an owner column (``hubspot_owner_id``, or any enumeration HubSpot says references
  ``OWNER``): the owner's "First Last", else the email, from ``hs.owners()`` (active and
  archived owners, so a record still assigned to a deactivated owner is named);
- the pipeline column (deals ``pipeline``, other types ``hs_pipeline``): the pipeline's
  label, and the stage column (``dealstage`` / ``hs_pipeline_stage``): the stage's label
  within the record's pipeline, from ``hs.pipelines(type)``;
- every other enumeration: its option labels from the property definitions.

Owners and pipelines are asked for only when a column needs them, once per read; the
property options stand in for any value they do not name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..labels import ColumnLabels, LabelMaps
from .owners import owner_label, owner_records
from .pipelines import pipeline_records

if TYPE_CHECKING:  # pragma: no cover
    from ..client import HubSpot
    from ..properties import Property, PropertySet

__all__ = ["OWNER_PROPERTY", "label_maps", "pipeline_columns"]

#: The owner column every CRM object has.
OWNER_PROPERTY = "hubspot_owner_id"


def pipeline_columns(object_type: str) -> tuple[str, str]:
    """The (pipeline, stage) columns of an object type: deals name theirs apart."""
    return (
        ("pipeline", "dealstage")
        if object_type == "deals"
        else ("hs_pipeline", "hs_pipeline_stage")
    )


class _Portal:
    """Owners and pipelines of one read, fetched on first use."""

    def __init__(self, hs: HubSpot, object_type: str):
        self._hs = hs
        self._object_type = object_type
        self._owners: dict[str, str] | None = None
        self._pipelines: list[dict[str, Any]] | None = None

    def owners(self) -> dict[str, str]:
        if self._owners is None:
            named: dict[str, str] = {}
            for archived in (True, False):  # the active owner wins over an archived one
                for o in owner_records(self._hs, archived=archived):
                    if o.get("id") is not None:
                        named[str(o["id"])] = owner_label(o)
            self._owners = named
        return self._owners

    def pipelines(self) -> list[dict[str, Any]]:
        if self._pipelines is None:
            self._pipelines = pipeline_records(self._hs, self._object_type)
        return self._pipelines


def _options(prop: Property) -> dict[str, str]:
    return {v: label for v, label in zip(prop.options, prop.option_labels, strict=False) if label}


def _pipeline_labels(portal: _Portal) -> dict[str, str]:
    return {str(p.get("id")): str(p.get("label") or p.get("id")) for p in portal.pipelines()}


def _stage_labels(portal: _Portal) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """Stage labels by pipeline, and by stage id alone where that names one label."""
    by_pipeline: dict[str, dict[str, str]] = {}
    seen: dict[str, set[str]] = {}
    for p in portal.pipelines():
        stages = by_pipeline.setdefault(str(p.get("id")), {})
        for s in p.get("stages") or []:
            if isinstance(s, dict) and s.get("id") is not None:
                label = str(s.get("label") or s["id"])
                stages[str(s["id"])] = label
                seen.setdefault(str(s["id"]), set()).add(label)
    unique = {sid: next(iter(labels)) for sid, labels in seen.items() if len(labels) == 1}
    return unique, by_pipeline


def _column(prop: Property, object_type: str, portal: _Portal) -> ColumnLabels | None:
    pipeline, stage = pipeline_columns(object_type)
    options = _options(prop)
    if prop.name == OWNER_PROPERTY or prop.referenced_type.upper() == "OWNER":
        return ColumnLabels(prop.name, {**options, **portal.owners()}, multi=prop.multi)
    if prop.name == pipeline:
        return ColumnLabels(prop.name, {**options, **_pipeline_labels(portal)})
    if prop.name == stage:
        unique, by_pipeline = _stage_labels(portal)
        return ColumnLabels(
            prop.name, {**options, **unique}, pipeline_column=pipeline, by_pipeline=by_pipeline
        )
    if options:
        return ColumnLabels(prop.name, options, multi=prop.multi)
    return None


def label_maps(hs: HubSpot, object_type: str, props: PropertySet, names: list[str]) -> LabelMaps:
    """The label columns of a read of ``names`` (enumerations only), owners and pipelines
    fetched once and only if one of them is read."""
    portal = _Portal(hs, object_type)
    columns = []
    for name in dict.fromkeys(names):
        prop = props.get(name)
        column = (
            None
            if prop is None or prop.type != "enumeration"
            else _column(prop, object_type, portal)
        )
        if column is not None:
            columns.append(column)
    return LabelMaps(tuple(columns))
