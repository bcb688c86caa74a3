"""Where each table of a portal comes from: the client's own reads, never a second reader.

An object table is that type's :meth:`export` (resumable, with its checkpoint); an
edge table is :meth:`HubSpot.associations` for the ids the object table holds; the
owners and the pipelines are :meth:`HubSpot.owners` and :meth:`HubSpot.pipelines`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..properties import OBJECT_TYPES, normalize_object_type

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..client import HubSpot
    from ..resources import ObjectResource

__all__ = ["associations", "object_types", "owners", "pipelines", "resource"]


def object_types(hs: HubSpot) -> list[str]:
    """Every object type the portal has, in the client's order."""
    listing = getattr(hs, "object_types", None)
    if listing is None:
        return list(OBJECT_TYPES)
    return [str(name) for name in listing()["name"]]


def resource(hs: HubSpot, name: str) -> ObjectResource:
    """The resource of one object type (raises InputError naming the types for an unknown one)."""
    generic = getattr(hs, "objects", None)
    if generic is not None:
        return generic(name)
    return getattr(hs, normalize_object_type(name))


def associations(hs: HubSpot, from_type: str, to_type: str, ids: list[str]) -> pd.DataFrame:
    """The edges from the records ``ids`` of ``from_type`` to ``to_type``."""
    return hs.associations(from_type, to_type, ids=ids)  # type: ignore[attr-defined]


def owners(hs: HubSpot) -> pd.DataFrame:
    """The portal's owners."""
    return hs.owners()  # type: ignore[attr-defined]


def pipelines(hs: HubSpot, object_type: str) -> pd.DataFrame:
    """The pipelines of ``object_type``, one row per stage."""
    return hs.pipelines(object_type)  # type: ignore[attr-defined]


def supports(hs: HubSpot, what: str) -> bool:
    """Whether this client has the read ``what`` (``associations``, ``owners``, ``pipelines``)."""
    return callable(getattr(hs, what, None))


def export_kwargs(res: ObjectResource, labels: bool) -> dict[str, Any]:
    """The ``labels=`` argument of an object export, when the export takes one."""
    import inspect

    if labels and "labels" in inspect.signature(res.export).parameters:
        return {"labels": True}
    return {}
