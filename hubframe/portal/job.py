"""What one :func:`~hubframe.portal.run.export_portal` call asks for, its arguments checked.

:meth:`PortalJob.check` turns the keyword arguments into the list of tables to
write (object types, association pairs, owners, pipelines) or raises
:class:`~hubframe.errors.InputError` before any record is read. Its
:attr:`~PortalJob.params` are what the partial state records: an interrupted export
continues only with the same parameters, API version and portal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import diskerrors
from ..errors import InputError
from ..export import DEFAULT_MAX_CHECKPOINT_AGE
from ..validate import check_flag, is_positive_number
from . import sources

if TYPE_CHECKING:  # pragma: no cover
    from ..client import HubSpot

__all__ = ["PortalJob", "edge_table", "object_file"]


def object_file(name: str) -> str:
    """The file of an object table, relative to the folder."""
    return f"{name}.parquet"


def edge_table(from_type: str, to_type: str) -> str:
    """The table name of an association pair (its file is ``associations/<name>.parquet``)."""
    return f"{from_type}__{to_type}"


@dataclass(frozen=True)
class PortalJob:
    """The checked arguments of one export of a portal."""

    folder: Path
    objects: list[str]  # object types, in the order they are written
    properties: dict[str, Any]  # object type -> properties= of its export
    pairs: list[tuple[str, str]]  # association pairs, each once
    labels: bool
    progress: bool
    resume: bool
    max_checkpoint_age: float | timedelta | None
    max_age: float | None  # the same in seconds (None: any age)
    explicit: bool  # the caller named the object types (a refused one is an error)

    @classmethod
    def check(
        cls,
        hs: HubSpot,
        folder: Any,
        *,
        objects: Any,
        properties: Any,
        associations: Any,
        labels: Any,
        progress: Any,
        resume: Any,
        max_checkpoint_age: Any = DEFAULT_MAX_CHECKPOINT_AGE,
    ) -> PortalJob:
        """The job of these arguments.

        Raises:
            InputError: a bad argument (the message names it and what to give).
        """
        target = _folder(folder)
        associations = check_flag(associations, "associations")
        labels, progress = check_flag(labels, "labels"), check_flag(progress, "progress")
        resume = check_flag(resume, "resume")
        max_age = _seconds(max_checkpoint_age)
        names = _objects(hs, objects)
        props = _properties(properties, names)
        pairs = list(combinations(names, 2)) if associations else []
        return cls(
            folder=target, objects=names, properties=props, pairs=pairs, labels=labels,
            progress=progress, resume=resume, max_checkpoint_age=max_checkpoint_age,
            max_age=max_age, explicit=objects is not None,
        )  # fmt: skip

    @property
    def params(self) -> dict[str, Any]:
        """What an interrupted export must match to be continued (JSON-ready)."""
        return {
            "objects": self.objects,
            "properties": self.properties,
            "associations": [list(p) for p in self.pairs],
            "labels": self.labels,
        }

    @property
    def table_count(self) -> int:
        """How many tables this job writes at most (objects, pairs, owners, pipelines)."""
        return len(self.objects) + len(self.pairs) + 2


def _seconds(value: Any) -> float | None:
    """``max_checkpoint_age=`` in seconds (None: any age)."""
    if value is None:
        return None
    seconds = value.total_seconds() if isinstance(value, timedelta) else value
    if is_positive_number(seconds):
        return float(seconds)
    raise InputError(
        f"max_checkpoint_age={value!r:.100}: use a number of seconds > 0, a datetime.timedelta "
        "such as timedelta(hours=24), or None to continue an interrupted export of any age"
    )


def _folder(folder: Any) -> Path:
    """``folder`` as an absolute path, created if its parent exists."""
    try:
        path = Path(folder).expanduser().absolute()
    except TypeError:
        raise InputError(
            f"path={folder!r:.100}: use the folder to write the portal into, e.g. 'portal/'"
        ) from None
    if path.exists() and not path.is_dir():
        raise InputError(
            f"{path} is a file; give a folder to write the portal into, e.g. 'portal/'"
        )
    if not path.parent.is_dir():
        raise InputError(f"the folder {path.parent} does not exist; create it first")
    try:
        path.mkdir(exist_ok=True)
    except OSError as exc:  # read-only, full, not permitted: said as a disk error
        raise diskerrors.disk_error(
            exc, what=f"the export of the portal to {path}", path=path, again="starts it"
        ) from exc
    return path


def _objects(hs: HubSpot, objects: Any) -> list[str]:
    """``objects=`` as resource names: None is every type the portal has."""
    if objects is None:
        names = sources.object_types(hs)
    else:
        if isinstance(objects, str):
            objects = [o.strip() for o in objects.split(",") if o.strip()]
        if not isinstance(objects, (list, tuple)) or not objects:
            raise InputError(
                f"objects={objects!r:.100}: use a list of object types, e.g. "
                "['contacts', 'companies', 'deals'], or None for every type the portal has"
            )
        names = [sources.resource(hs, o).object_type for o in objects]
    return list(dict.fromkeys(names))


def _properties(properties: Any, names: list[str]) -> dict[str, Any]:
    """``properties=`` per object type: None (defaults), ``"all"``, or a dict type -> either
    or a list of names."""
    if properties is None or properties == "all":
        return dict.fromkeys(names, properties)
    if not isinstance(properties, dict):
        raise InputError(
            f"properties={properties!r:.100}: use None (HubSpot's defaults), 'all', or a dict "
            "from object type to its properties, e.g. {'contacts': ['email'], 'deals': 'all'}"
        )
    unknown = [k for k in properties if k not in names]
    if unknown:
        raise InputError(
            f"properties= names object types {unknown} that are not exported; "
            f"the export has {', '.join(names)}"
        )
    return {n: properties.get(n) for n in names}
