"""The association graph: which records are linked, with which type ids.

Every association is stored in both directions (facts §2.10): adding
contact->company type 1 (Primary) also records 279 (unlabeled) on the contact
side and 2 + 280 on the company side, so each side can be listed and a v3
listing shows a contact twice (``company_to_contact`` and
``company_to_contact_unlabeled``). A record has at most one Primary company.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from .definitions import ASSOC_TYPES

__all__ = ["AssociationGraph"]

# Types of which a record can hold only one (its primary company).
_SINGLE_PRIMARY = frozenset({1, 5, 26})

Edges = dict[int, frozenset[int]]  # to_id -> type ids


class AssociationGraph:
    """Type ids between records, keyed by (from_type, to_type) then from_id then to_id."""

    def __init__(self) -> None:
        self._edges: dict[tuple[str, str], dict[int, Edges]] = {}
        self.changes = 0  # bumped by every write (search caches and persistence watch it)

    # -- reading ----------------------------------------------------------------------------

    def targets(self, from_type: str, from_id: int, to_type: str) -> Edges:
        """``{to_id: type ids}`` for one record (empty when it has none)."""
        return self._edges.get((from_type, to_type), {}).get(from_id, {})

    def types_between(
        self, from_type: str, from_id: int, to_type: str, to_id: int
    ) -> frozenset[int]:
        return self.targets(from_type, from_id, to_type).get(to_id, frozenset())

    def count(self) -> int:
        """Number of (from, to) pairs, counting each direction."""
        return sum(len(e) for by_from in self._edges.values() for e in by_from.values())

    # -- writing ----------------------------------------------------------------------------

    def add(self, a_type: str, a_id: int, b_type: str, b_id: int, type_ids: Iterable[int]) -> None:
        """Associate a -> b with ``type_ids`` (each valid for a -> b), and b -> a inversely."""
        fwd: set[int] = set()
        inv: set[int] = set()
        for t in type_ids:
            spec = ASSOC_TYPES[t]
            fwd.add(t)
            inv.add(spec.inverse)
            if spec.implies is not None:
                fwd.add(spec.implies)
                inv.add(ASSOC_TYPES[spec.implies].inverse)
        for x_type, x_id, y_type, y_id, new in (
            (a_type, a_id, b_type, b_id, fwd),
            (b_type, b_id, a_type, a_id, inv),
        ):
            for primary in new & _SINGLE_PRIMARY:
                self._drop_other_primary(x_type, x_id, y_type, y_id, primary)
        self._merge(a_type, a_id, b_type, b_id, fwd)
        self._merge(b_type, b_id, a_type, a_id, inv)

    def remove_pair(self, a_type: str, a_id: int, b_type: str, b_id: int) -> bool:
        """Remove every association between a and b. Returns whether there was one."""
        found = self._pop(a_type, a_id, b_type, b_id)
        self._pop(b_type, b_id, a_type, a_id)
        return found

    def remove_types(
        self, a_type: str, a_id: int, b_type: str, b_id: int, type_ids: Iterable[int]
    ) -> None:
        """Remove some labels of a pair (the unlabeled type stays while any label does)."""
        remaining = set(self.types_between(a_type, a_id, b_type, b_id)) - set(type_ids)
        if not any(ASSOC_TYPES[t].label is None for t in remaining):
            self.remove_pair(a_type, a_id, b_type, b_id)
            return
        self._set(a_type, a_id, b_type, b_id, frozenset(remaining))
        self._set(b_type, b_id, a_type, a_id, frozenset(ASSOC_TYPES[t].inverse for t in remaining))

    # -- persistence ------------------------------------------------------------------------

    def dump(self) -> Iterator[list]:
        """Rows ``[from_type, from_id, to_type, to_id, [type ids]]``, both directions."""
        for (ft, tt), by_from in self._edges.items():
            for fid, edges in by_from.items():
                for tid, types in edges.items():
                    yield [ft, fid, tt, tid, sorted(types)]

    def load(self, rows: Iterable[list]) -> None:
        for ft, fid, tt, tid, types in rows:
            self._set(ft, int(fid), tt, int(tid), frozenset(types))

    # -- internals --------------------------------------------------------------------------

    def _merge(self, x_type: str, x_id: int, y_type: str, y_id: int, new: set[int]) -> None:
        edges = self._edges.setdefault((x_type, y_type), {}).setdefault(x_id, {})
        edges[y_id] = edges.get(y_id, frozenset()) | new
        self.changes += 1

    def _set(self, x_type: str, x_id: int, y_type: str, y_id: int, types: frozenset[int]) -> None:
        self._edges.setdefault((x_type, y_type), {}).setdefault(x_id, {})[y_id] = types
        self.changes += 1

    def _pop(self, x_type: str, x_id: int, y_type: str, y_id: int) -> bool:
        by_from = self._edges.get((x_type, y_type))
        if not by_from or x_id not in by_from:
            return False
        found = by_from[x_id].pop(y_id, None) is not None
        self.changes += found
        if not by_from[x_id]:
            del by_from[x_id]
        return found

    def _drop_other_primary(
        self, x_type: str, x_id: int, y_type: str, keep_id: int, primary: int
    ) -> None:
        for other, types in list(self.targets(x_type, x_id, y_type).items()):
            if other != keep_id and primary in types:
                inverse = ASSOC_TYPES[primary].inverse
                self._set(x_type, x_id, y_type, other, types - {primary})
                back = self.types_between(y_type, other, x_type, x_id)
                self._set(y_type, other, x_type, x_id, back - {inverse})
