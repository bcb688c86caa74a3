"""Where each table of a portal comes from: the client's own reads, never a second reader.

An object table is that type's :meth:`export` (resumable, with its checkpoint); an
edge table is :meth:`HubSpot.associations` for the ids the object table holds; the
owners and the pipelines are :meth:`HubSpot.owners` and :meth:`HubSpot.pipelines`;
the object types are :meth:`HubSpot.object_types`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..client import HubSpot
    from ..resources import ObjectResource

__all__ = ["associations", "object_types", "owners", "pipelines", "resource"]


def object_types(hs: HubSpot) -> list[str]:
    """Every object type the portal has: the standard ones in HubSpot's order, then its
    custom objects."""
    return [str(name) for name in hs.object_types()["name"]]


def resource(hs: HubSpot, name: str) -> ObjectResource:
    """The resource of one object type (raises InputError naming the types for an unknown one)."""
    return hs.objects(name)


def associations(hs: HubSpot, from_type: str, to_type: str, ids: list[str]) -> pd.DataFrame:
    """The edges from the records ``ids`` of ``from_type`` to ``to_type`` (no bar of its
    own: the portal's bar names the table)."""
    # No ids is no edges, but the read refuses an empty list: reading every record of the
    # (empty) type gives the empty table with its columns and dtypes.
    return hs.associations(from_type, to_type, ids=ids or None, progress=False)


def owners(hs: HubSpot) -> pd.DataFrame:
    """The portal's owners."""
    return hs.owners()


def pipelines(hs: HubSpot, object_type: str) -> pd.DataFrame:
    """The pipelines of ``object_type``, one row per stage."""
    return hs.pipelines(object_type)
