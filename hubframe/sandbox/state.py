"""The state every area of the portal shares: one lock, the object tables, the associations.

:class:`PortalState` is the base of each area's operations (``crm.objects``,
``crm.associations``, ``lists``, ``forms``, ``workflows``); the
:class:`~hubframe.sandbox.store.Store` combines them. Each area adds its own
state in its ``__init__`` and calls ``super().__init__(portal_id)``.
"""

from __future__ import annotations

import threading

from .crm.association_graph import AssociationGraph
from .crm.definitions import OBJECT_TYPES, ObjectType
from .crm.records import ObjectTable, Record
from .util import locked, parse_id

__all__ = ["PortalState", "FIRST_IDS"]

# Ids cross digit counts early, so comparing ids as strings fails loudly.
# Each type has its own id range, so an id of the wrong type is a 404, not another record.
FIRST_IDS = {
    "contacts": 901,
    "companies": 5_001,
    "deals": 7_001,
    "tickets": 11_001,
    "products": 13_001,
    "line_items": 15_001,
    "quotes": 19_001,
    "notes": 21_001,
    "calls": 31_001,
    "emails": 41_001,
    "meetings": 51_001,
    "tasks": 61_001,
    "machines": 81_001,
}


class PortalState:
    """The lock, the tables and the association graph of one portal.

    Args:
        portal_id: the portal (hub) id.

    Attributes:
        lock: held by every store operation (werkzeug serves each request on its own thread).
        tables: ``{object type name: ObjectTable}``, one per type with records.
        assoc: the :class:`AssociationGraph`.
    """

    def __init__(self, portal_id: int) -> None:
        self.lock = threading.RLock()
        self.portal_id = portal_id
        self._writes = 0
        self.assoc = AssociationGraph()
        self.tables: dict[str, ObjectTable] = {
            n: ObjectTable(
                t, FIRST_IDS[n], live_targets=self.live_targets, on_write=self.note_write
            )
            for n, t in OBJECT_TYPES.items()
        }

    @property
    def version(self) -> int:
        """A number that changes with every write to the portal (records, associations, lists...)."""
        return self._writes + self.assoc.changes

    def note_write(self) -> None:
        """Count a write (search caches and persistence watch :attr:`version`)."""
        self._writes += 1

    def table(self, object_type: str | ObjectType) -> ObjectTable:
        """The table of an object type (``contacts`` or an :class:`ObjectType`)."""
        return self.tables[object_type if isinstance(object_type, str) else object_type.name]

    def live_targets(self, from_type: str, from_id: int, to_type: str) -> dict[int, frozenset[int]]:
        """Associations of one record whose other end is not archived."""
        targets = self.assoc.targets(from_type, from_id, to_type)
        if not targets:  # most records, for most types: computed counts read this per record
            return {}
        recs = self.tables[to_type].records
        return {
            i: t
            for i, t in targets.items()
            if (rec := recs.get(i)) is not None and not rec.archived
        }

    # -- reading helpers (also handy in tests) -------------------------------------------------

    @locked
    def record(self, object_type: str, record_id: int | str) -> Record | None:
        """A record by id, archived or not (None if it never existed)."""
        rid = parse_id(record_id)
        return self.tables[object_type].records.get(rid) if rid is not None else None

    @locked
    def contact_by_email(self, email: str) -> Record | None:
        """The live contact with this email (any case), or None."""
        t = self.tables["contacts"]
        rid = t.email_index.get(email.strip().lower()) if t.email_index is not None else None
        return t.records.get(rid) if rid is not None else None

    @locked
    def count(self, object_type: str, *, archived: bool = False) -> int:
        """How many live (or archived) records an object type has."""
        t = self.tables[object_type]
        return len(t.archived_ids() if archived else t.live_ids())
