"""The sandbox portal: all its state and HubSpot's rules for changing it.

The store is the only place that holds or changes state. It is made of one
set of operations per area, each on the shared
:class:`~hubframe.sandbox.state.PortalState` (lock, object tables,
association graph):

* :class:`~.crm.objects.ObjectOps`: objects, batches, search, properties;
* :class:`~.crm.associations.AssociationOps`: v3 and v4 associations;
* :class:`~.lists.ListOps`, :class:`~.forms.FormOps`, :class:`~.workflows.WorkflowOps`.

Their public methods carry HubSpot's operation names (``get_page``,
``get_by_id``, ``create``, ``batch_read``, ``do_search`` ...), return plain
JSON-ready structures and hold ``self.lock``: werkzeug serves each request on
its own thread. HTTP concerns stay in the handlers.
"""

from __future__ import annotations

from typing import Any

from .crm.associations import AssociationOps
from .crm.objects import ObjectOps
from .crm.records import ObjectTable, Record
from .crm.rules import parse_rules
from .forms import FormOps
from .lists import ListOps
from .util import locked
from .workflows import WorkflowOps

__all__ = ["Store", "ObjectTable", "Record", "STATE_VERSION"]

STATE_VERSION = 1


class Store(ObjectOps, AssociationOps, ListOps, FormOps, WorkflowOps):
    """All state of one sandbox portal.

    Args:
        portal_id: the portal (hub) id.

    Attributes:
        tables: ``{object type name: ObjectTable}`` (contacts, tickets, machines ...).
        assoc: the :class:`~.crm.association_graph.AssociationGraph`.
        lists, list_members: see :class:`~.lists.ListOps`.
        forms, submissions: see :class:`~.forms.FormOps`.
        workflows, enrollments: see :class:`~.workflows.WorkflowOps`.
        version: bumped by every write (search caches and persistence watch it).
        write_rules, auto_associate_domains: the portal's settings (see
            :class:`~.crm.objects.ObjectOps`), kept with the portal.
    """

    # -- persistence ------------------------------------------------------------------------

    @locked
    def to_state(self) -> dict[str, Any]:
        """Everything in the portal as JSON-ready data (no credentials)."""
        return {
            "version": STATE_VERSION,
            "portal_id": self.portal_id,
            "objects": {
                name: {
                    "next_id": t.next_id,
                    "records": [
                        [r.id, r.created, r.updated, r.archived, r.archived_at, dict(r.props)]
                        for r in t.records.values()
                    ],
                }
                for name, t in self.tables.items()
            },
            "associations": list(self.assoc.dump()),
            "settings": {
                "write_rules": [r.to_json() for r in self.write_rules],
                "auto_associate_domains": self.auto_associate_domains,
            },
            **self.lists_state(),
            **self.forms_state(),
            **self.workflows_state(),
        }

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Store:
        """Rebuild a store saved by :meth:`to_state`."""
        if state.get("version") != STATE_VERSION:
            raise ValueError(f"unsupported sandbox state version {state.get('version')!r}")
        store = cls(int(state["portal_id"]))
        for name, data in state["objects"].items():
            t = store.tables[name]
            for rid, created, updated, archived, archived_at, props in sorted(
                data["records"], key=lambda r: r[0]
            ):
                rec = t.insert(props, created, updated, record_id=int(rid))
                if archived:
                    rec.archived, rec.archived_at = True, archived_at
                    t.drop_email(rec)
            t.next_id = max(t.next_id, int(data["next_id"]))
            t.invalidate()
        store.assoc.load(state["associations"])
        # Portals saved before the settings were kept have the defaults.
        settings = state.get("settings") or {}
        store.write_rules = parse_rules(settings.get("write_rules"))
        store.auto_associate_domains = bool(settings.get("auto_associate_domains", True))
        store.load_lists_state(state)
        store.load_forms_state(state)
        store.load_workflows_state(state)
        return store
