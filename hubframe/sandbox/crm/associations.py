"""Association operations: legacy v3 lists and batches, and v4 (facts §2.10).

:class:`AssociationOps` holds the store's association operations (one method
per HubSpot operation, on the shared :class:`~hubframe.sandbox.state.PortalState`);
the HTTP side is in :mod:`.handlers`. The pairs themselves live in the
:class:`~.association_graph.AssociationGraph`.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable
from typing import Any

from ..errors import missing_objects, not_found, validation_error
from ..state import PortalState
from ..util import locked, parse_id
from .definitions import (
    ASSOC_BY_NAME,
    ASSOC_TYPES,
    OBJECT_TYPES,
    AssocType,
    ObjectType,
    unlabeled_type,
)
from .records import LiveTargets

__all__ = ["AssociationOps", "check_type_specs", "no_associations", "v3_entries"]

EntriesOf = Callable[[str, int, str], list[dict[str, Any]]]


def _spec_json(t: AssocType) -> dict[str, Any]:
    return {"category": t.category, "typeId": t.type_id, "label": t.label}


def _type_order(type_id: int) -> tuple[bool, int]:
    return (ASSOC_TYPES[type_id].label is None, type_id)  # labelled (Primary) first


def check_type_specs(from_type: str, to_type: str | None, specs: Any) -> list[int]:
    """Validate ``[{associationCategory, associationTypeId}]``; returns the type ids.

    Raises:
        ApiError: 400 for an unknown type, a category other than HUBSPOT_DEFINED, a type
            that does not go from ``from_type`` (to ``to_type``), or mixed target types.
    """
    if not isinstance(specs, list) or not specs:
        raise validation_error(
            "Association types must be a non-empty list of "
            "{associationCategory, associationTypeId}."
        )
    out: list[int] = []
    target = to_type
    for spec in specs:
        if not isinstance(spec, dict):
            raise validation_error("Each association type must be an object.")
        category = spec.get("associationCategory")
        tid = parse_id(spec.get("associationTypeId", ""))
        t = ASSOC_TYPES.get(tid) if tid is not None else None
        if t is None or t.from_type != from_type or (target is not None and t.to_type != target):
            frm = OBJECT_TYPES[from_type].upper
            to = OBJECT_TYPES[target].upper if target else "any object type"
            raise validation_error(
                f"associationTypeId {spec.get('associationTypeId')} is not a valid association type "
                f"from {frm} to {to}."
            )
        if category != t.category:
            raise validation_error(
                f"associationCategory {category!r} does not match associationTypeId {tid} "
                f"(which is {t.category})."
            )
        target = t.to_type
        out.append(t.type_id)
    return out


def v3_entries(
    live_targets: LiveTargets,
    from_type: str,
    rec_id: int,
    to_type: str,
) -> list[dict[str, str]]:
    """``[{id, type}]`` with one entry per type id, so a record can appear twice."""
    out = []
    for to_id, types in sorted(live_targets(from_type, rec_id, to_type).items()):
        for t in sorted(types, key=_type_order):
            out.append({"id": str(to_id), "type": ASSOC_TYPES[t].name})
    return out


def id_page(
    entries: list[dict[str, Any]], after: int | None, limit: int, *, key: str
) -> tuple[list[dict[str, Any]], int | None]:
    """One page of a record's associations, ordered by the associated record's id, and
    the cursor of the next: the id of the first record it holds.

    The cursor is a record id, not a position (HubSpot documents ``after`` as the id of
    the next record), so a record that is archived or associated while a reader pages
    shifts nothing: every record present throughout is listed once. A record listed
    once per label (v3) is never split between two pages.
    """
    ids = [int(e[key]) for e in entries]
    start = 0 if after is None else bisect.bisect_left(ids, after)
    end = min(start + limit, len(entries))
    while start < end < len(entries) and ids[end] == ids[end - 1]:
        end += 1
    return entries[start:end], (ids[end] if end < len(entries) else None)


def no_associations(from_singular: str, to_singular: str, ids: list[str]) -> dict[str, Any]:
    """The batch-read error for records without associations to a type (facts §4)."""
    return {
        "status": "error",
        "category": "OBJECT_NOT_FOUND",
        "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
        "message": f"No {to_singular} is associated with {from_singular} {', '.join(ids)}.",
        "context": {"fromObjectId": ids},
        "errors": [],
        "links": {},
    }


def _missing_errors(
    frm: ObjectType, missing_from: list[str], to: ObjectType, missing_to: list[str]
) -> list[dict[str, Any]]:
    """The batch errors for ids of either end that do not exist (one per object type)."""
    errors = []
    if missing_from:
        errors.append(missing_objects(frm.upper, missing_from))
    if missing_to:
        errors.append(missing_objects(to.upper, missing_to))
    return errors


class AssociationOps(PortalState):
    """The association operations of the store."""

    # -- helpers ----------------------------------------------------------------------------

    def _require(self, otype: ObjectType, raw_id: Any) -> int:
        """The id of a live record, or ApiError 404."""
        rec = self.tables[otype.name].get_live(parse_id(raw_id))
        if rec is None:
            raise not_found(str(raw_id))
        return rec.id

    def _exists(self, otype: ObjectType, raw_id: Any) -> int | None:
        rec = self.tables[otype.name].get_live(parse_id(raw_id))
        return rec.id if rec is not None else None

    def _v3_entries(self, from_type: str, rec_id: int, to_type: str) -> list[dict[str, Any]]:
        return list(v3_entries(self.live_targets, from_type, rec_id, to_type))

    def _v4_entries(self, from_type: str, rec_id: int, to_type: str) -> list[dict[str, Any]]:
        return [
            {
                "toObjectId": to_id,
                "associationTypes": [
                    _spec_json(ASSOC_TYPES[t]) for t in sorted(types, key=_type_order)
                ],
            }
            for to_id, types in sorted(self.live_targets(from_type, rec_id, to_type).items())
        ]

    def _labels(self, from_type: str, from_id: int, to_type: str, to_id: int) -> list[str]:
        types = self.assoc.types_between(from_type, from_id, to_type, to_id)
        labels = (ASSOC_TYPES[t].label for t in sorted(types, key=_type_order))
        return [label for label in labels if label]

    # -- legacy v3 --------------------------------------------------------------------------

    @locked
    def get_associations(
        self, frm: ObjectType, object_id: str, to: ObjectType, *, after: int | None, limit: int
    ) -> tuple[list[dict[str, str]], int | None]:
        """GET /crm/v3/objects/{from}/{id}/associations/{to}: (page of {id, type}, next offset)."""
        rid = self._require(frm, object_id)
        entries = v3_entries(self.live_targets, frm.name, rid, to.name)
        return id_page(entries, after, limit, key="id")

    def _v3_pairs(
        self, frm: ObjectType, to: ObjectType, inputs: Any, *, typed: bool
    ) -> tuple[list[tuple[int, int, AssocType | None]], list[dict[str, Any]]]:
        if not isinstance(inputs, list):
            raise validation_error("inputs must be a list.")
        pairs, missing_from, missing_to = [], [], []
        for item in inputs:
            if not isinstance(item, dict):
                raise validation_error("Each input must be an object with from, to and type.")
            t = None
            if typed:
                t = ASSOC_BY_NAME.get(str(item.get("type", "")))
                if t is None or t.from_type != frm.name or t.to_type != to.name:
                    raise validation_error(
                        f"{item.get('type')!r} is not a valid association type from {frm.upper} to {to.upper}."
                    )
            raw_from = (item.get("from") or {}).get("id", "")
            raw_to = (item.get("to") or {}).get("id", "")
            fid, tid = self._exists(frm, raw_from), self._exists(to, raw_to)
            if fid is None:
                missing_from.append(str(raw_from))
            if tid is None:
                missing_to.append(str(raw_to))
            if fid is not None and tid is not None:
                pairs.append((fid, tid, t))
        return pairs, _missing_errors(frm, missing_from, to, missing_to)

    @locked
    def v3_batch_create(
        self, frm: ObjectType, to: ObjectType, inputs: Any
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Associate pairs by v3 type name. Results echo both directions of each pair."""
        pairs, errors = self._v3_pairs(frm, to, inputs, typed=True)
        results = []
        for fid, tid, t in pairs:
            assert t is not None
            self.assoc.add(frm.name, fid, to.name, tid, [t.type_id])
            inverse = ASSOC_TYPES[t.inverse]
            results.append({"from": {"id": str(fid)}, "to": {"id": str(tid)}, "type": t.name})
            results.append({"from": {"id": str(tid)}, "to": {"id": str(fid)}, "type": inverse.name})
        return results, errors

    @locked
    def v3_batch_archive(self, frm: ObjectType, to: ObjectType, inputs: Any) -> None:
        """Remove the association between each pair (every type, like the v4 DELETE)."""
        pairs, _ = self._v3_pairs(frm, to, inputs, typed=False)
        for fid, tid, _t in pairs:
            self.assoc.remove_pair(frm.name, fid, to.name, tid)

    @locked
    def v3_batch_read(
        self, frm: ObjectType, to: ObjectType, ids: list[str]
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        return self._batch_read(frm, to, ids, self._v3_entries)

    # -- v4 ---------------------------------------------------------------------------------

    @locked
    def v4_get_page(
        self, frm: ObjectType, object_id: str, to: ObjectType, *, after: int | None, limit: int
    ) -> tuple[list[dict[str, Any]], int | None]:
        """GET /crm/v4/objects/{from}/{id}/associations/{to}: (page, next offset)."""
        rid = self._require(frm, object_id)
        entries = self._v4_entries(frm.name, rid, to.name)
        return id_page(entries, after, limit, key="toObjectId")

    def _default_results(
        self, frm: ObjectType, fid: int, to: ObjectType, tid: int
    ) -> list[dict[str, Any]]:
        fwd = unlabeled_type(frm.name, to.name)
        self.assoc.add(frm.name, fid, to.name, tid, [fwd])
        return [
            {
                "from": {"id": str(fid)},
                "to": {"id": str(tid)},
                "associationSpec": {
                    "associationCategory": "HUBSPOT_DEFINED",
                    "associationTypeId": fwd,
                },
            },
            {
                "from": {"id": str(tid)},
                "to": {"id": str(fid)},
                "associationSpec": {
                    "associationCategory": "HUBSPOT_DEFINED",
                    "associationTypeId": ASSOC_TYPES[fwd].inverse,
                },
            },
        ]

    @locked
    def v4_create_default(
        self, frm: ObjectType, object_id: str, to: ObjectType, to_id: str
    ) -> list[dict[str, Any]]:
        """PUT .../associations/default/{to}/{toId}: the unlabeled association, both directions."""
        fid, tid = self._require(frm, object_id), self._require(to, to_id)
        return self._default_results(frm, fid, to, tid)

    @locked
    def v4_create(
        self, frm: ObjectType, object_id: str, to: ObjectType, to_id: str, specs: Any
    ) -> dict[str, Any]:
        """PUT .../associations/{to}/{toId} with labels; returns LabelsBetweenObjectPair."""
        fid, tid = self._require(frm, object_id), self._require(to, to_id)
        type_ids = check_type_specs(frm.name, to.name, specs)
        self.assoc.add(frm.name, fid, to.name, tid, type_ids)
        return self._pair_json(frm, fid, to, tid)

    def _pair_json(self, frm: ObjectType, fid: int, to: ObjectType, tid: int) -> dict[str, Any]:
        return {
            "fromObjectTypeId": frm.type_id,
            "fromObjectId": fid,
            "toObjectTypeId": to.type_id,
            "toObjectId": tid,
            "labels": self._labels(frm.name, fid, to.name, tid),
        }

    @locked
    def v4_archive(self, frm: ObjectType, object_id: str, to: ObjectType, to_id: str) -> None:
        """DELETE .../associations/{to}/{toId}: remove every association between the two."""
        fid = self._require(frm, object_id)
        tid = self._exists(to, to_id)
        if tid is not None:
            self.assoc.remove_pair(frm.name, fid, to.name, tid)

    @locked
    def v4_batch_read(
        self, frm: ObjectType, to: ObjectType, inputs: list[tuple[str, int]], *, page: int
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """v4 batch read: each input ``(id, offset)`` gets at most ``page`` associations, and
        ``paging.next.after`` (the offset to send back as the input's ``after``) when it
        has more (HubSpot's per-record page)."""
        results, empty = [], []
        for raw, offset in dict.fromkeys(inputs):
            rid = self._exists(frm, raw)
            entries = self._v4_entries(frm.name, rid, to.name) if rid is not None else []
            if not entries[offset:]:
                empty.append(str(raw))
                continue
            result: dict[str, Any] = {
                "from": {"id": str(rid)},
                "to": entries[offset : offset + page],
            }
            if offset + page < len(entries):
                result["paging"] = {"next": {"after": str(offset + page)}}
            results.append(result)
        return results, ([no_associations(frm.singular, to.singular, empty)] if empty else [])

    def _batch_read(
        self, frm: ObjectType, to: ObjectType, ids: list[str], entries_of: EntriesOf
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """v3 and v4 batch read differ only in how one record's associations are shaped."""
        results, empty = [], []
        for raw in dict.fromkeys(ids):
            rid = self._exists(frm, raw)
            entries = entries_of(frm.name, rid, to.name) if rid is not None else []
            if entries:
                results.append({"from": {"id": str(rid)}, "to": entries})
            else:
                empty.append(str(raw))
        return results, ([no_associations(frm.singular, to.singular, empty)] if empty else [])

    def _v4_pairs(
        self, frm: ObjectType, to: ObjectType, inputs: Any
    ) -> tuple[list[tuple[int, int, dict[str, Any]]], list[dict[str, Any]]]:
        if not isinstance(inputs, list):
            raise validation_error("inputs must be a list.")
        pairs, missing_from, missing_to = [], [], []
        for item in inputs:
            if not isinstance(item, dict):
                raise validation_error("Each input must be an object with from and to.")
            raw_from = (item.get("from") or {}).get("id", "")
            raw_to = (
                (item.get("to") or {}).get("id", "") if isinstance(item.get("to"), dict) else ""
            )
            fid, tid = self._exists(frm, raw_from), self._exists(to, raw_to)
            if fid is None:
                missing_from.append(str(raw_from))
            elif tid is None:
                missing_to.append(str(raw_to))
            else:
                pairs.append((fid, tid, item))
        return pairs, _missing_errors(frm, missing_from, to, missing_to)

    @locked
    def v4_batch_create(
        self, frm: ObjectType, to: ObjectType, inputs: Any
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        pairs, errors = self._v4_pairs(frm, to, inputs)
        checked = [
            (fid, tid, check_type_specs(frm.name, to.name, item.get("types")))
            for fid, tid, item in pairs
        ]
        results = []
        for fid, tid, type_ids in checked:
            self.assoc.add(frm.name, fid, to.name, tid, type_ids)
            results.append(self._pair_json(frm, fid, to, tid))
        return results, errors

    @locked
    def v4_batch_associate_default(
        self, frm: ObjectType, to: ObjectType, inputs: Any
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        pairs, errors = self._v4_pairs(frm, to, inputs)
        results: list[dict[str, Any]] = []
        for fid, tid, _ in pairs:
            results.extend(self._default_results(frm, fid, to, tid))
        return results, errors

    @locked
    def v4_batch_archive(self, frm: ObjectType, to: ObjectType, inputs: Any) -> None:
        """Remove all associations from each ``from`` to each of its ``to`` ids."""
        if not isinstance(inputs, list):
            raise validation_error("inputs must be a list.")
        for item in inputs:
            if not isinstance(item, dict):
                raise validation_error("Each input must be an object with from and to.")
            fid = self._exists(frm, (item.get("from") or {}).get("id", ""))
            for target in item.get("to") or []:
                tid = self._exists(to, (target or {}).get("id", ""))
                if fid is not None and tid is not None:
                    self.assoc.remove_pair(frm.name, fid, to.name, tid)

    @locked
    def v4_batch_archive_labels(self, frm: ObjectType, to: ObjectType, inputs: Any) -> None:
        """Remove some labels of each pair; removing the unlabeled type removes the pair."""
        pairs, _ = self._v4_pairs(frm, to, inputs)
        for fid, tid, item in pairs:
            type_ids = check_type_specs(frm.name, to.name, item.get("types"))
            self.assoc.remove_types(frm.name, fid, to.name, tid, type_ids)

    def v4_labels(self, frm: ObjectType, to: ObjectType) -> list[dict[str, Any]]:
        """GET /crm/v4/associations/{from}/{to}/labels."""
        return [
            _spec_json(t)
            for t in sorted(ASSOC_TYPES.values(), key=lambda t: t.type_id)
            if t.from_type == frm.name and t.to_type == to.name
        ]
