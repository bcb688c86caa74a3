"""What one export call asks for: its arguments checked, and what a checkpoint must match.

:meth:`Job.check` turns the keyword arguments of :func:`~hubframe.export.export`
into a :class:`Job` or raises :class:`~hubframe.errors.InputError` before any
record is read. A job's :attr:`~Job.header` is what its checkpoint carries
(target name, parameters, a fingerprint of the column types); an unfinished
export resumes only under the same header (:meth:`Job.check_checkpoint`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..errors import ExportError, InputError
from ..validate import check_count, check_flag
from .planner import DEFAULT_PARALLEL
from .writer import DEFAULT_ROW_GROUP_SIZE

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

    from ..resources import ObjectResource
    from .staging import Staging

__all__ = ["Job", "SearchSpec", "fingerprint"]


class SearchSpec(NamedTuple):
    """The search of a search export, as HubSpot takes it."""

    filter_groups: list[dict[str, Any]]
    query: str | None


@dataclass(frozen=True)
class Job:
    """The checked arguments of one export call."""

    target: Path
    names: list[str]  # property names
    associations: list[str]  # object types whose associated ids become list columns
    archived: bool
    search: SearchSpec | None  # None: a plain export
    parallel: int
    row_group_size: int
    progress: bool
    resume: bool
    schema: pa.Schema
    header: dict[str, Any]  # what the checkpoint carries besides the plan

    @classmethod
    def check(
        cls,
        resource: ObjectResource,
        path: Any,
        *,
        properties: Any,
        search: Any,
        associations: Any,
        archived: Any,
        progress: Any,
        resume: Any,
        parallel: Any,
        row_group_size: Any,
    ) -> Job:
        """The job of these :func:`~hubframe.export.export` arguments.

        Raises:
            InputError / UnknownPropertyError: a bad argument (reads property definitions,
                never records).
        """
        target = _target(path)
        if row_group_size is None:
            row_group_size = DEFAULT_ROW_GROUP_SIZE
        row_group_size = check_count("row_group_size", row_group_size, 1)
        parallel = DEFAULT_PARALLEL if parallel is None else check_count("parallel", parallel, 1)
        archived, progress, resume = (
            check_flag(archived, "archived"), check_flag(progress, "progress"), check_flag(resume, "resume")
        )  # fmt: skip
        spec = _search_spec(resource, search)
        assoc = resource.association_types(associations)
        if spec is not None and (assoc or archived):
            raise InputError(
                "search results carry no associations and never archived records; "
                "export without search=, or without associations=/archived="
            )
        names = resource.names(properties, search=spec is not None)
        schema = resource.schema(names, assoc)
        params = {
            "object_type": resource.object_type, "properties": names, "associations": assoc, "archived": archived,
            "search": None if spec is None else {"filter_groups": spec.filter_groups, "query": spec.query},
        }  # fmt: skip
        params = json.loads(json.dumps(params))  # as the checkpoint will hold them
        header = {"target": target.name, "params": params, "schema": fingerprint(schema)}
        return cls(
            target=target, names=names, associations=assoc, archived=archived, search=spec,
            parallel=parallel, row_group_size=row_group_size, progress=progress, resume=resume,
            schema=schema, header=header,
        )  # fmt: skip

    @property
    def list_only(self) -> bool:
        """Whether only the list cursor can read this export (search has no associations or
        archived records)."""
        return bool(self.associations) or self.archived

    def check_checkpoint(self, saved: dict[str, Any], staging: Staging) -> None:
        """Refuse to resume a checkpoint written for other parameters.

        Raises:
            ExportError: the parameters or the column types differ.
        """
        how = (
            f"To start over, pass resume=False (or delete {staging.checkpoint_path.name} and "
            f"{staging.dir.name} in {staging.dir.parent})."
        )
        old, new = saved.get("params") or {}, self.header["params"]
        differ = [k for k in new if old.get(k) != new[k]]
        if differ:
            shown = "; ".join(
                f"{k}: checkpoint has {old.get(k)!r:.120}, this call {new[k]!r:.120}"
                for k in differ
            )
            raise ExportError(
                f"an unfinished export of {staging.target.name} with different parameters exists ({shown}). {how}"
            )
        if saved.get("schema") != self.header["schema"]:
            raise ExportError(
                f"the property definitions changed since the unfinished export of {staging.target.name} "
                f"started (a column's type differs), so its parts cannot be combined. {how}"
            )


def fingerprint(schema: pa.Schema) -> str:
    """A short hash of the column names and Arrow types (labels may change; types may not)."""
    text = "\n".join(f"{f.name}\t{f.type}" for f in schema)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _search_spec(resource: ObjectResource, search: Any) -> SearchSpec | None:
    """``search=`` as filter groups and a query, validated; None for a plain export."""
    if search is None:
        return None
    if isinstance(search, (tuple, list)) and len(search) in (2, 3) and isinstance(search[0], str):
        if len(search) == 2:
            return SearchSpec(resource.filter_groups(search[0], search[1]), None)
        return SearchSpec(resource.filter_groups(search[0], search[2], operator=search[1]), None)
    if isinstance(search, dict):
        unknown = set(search) - {"field", "value", "operator", "filters", "query"}
        if unknown:
            raise InputError(
                f"search has unknown keys {sorted(unknown)}: use field, value, operator, filters, query"
            )
        query = search.get("query")
        if query is not None and not isinstance(query, str):
            raise InputError(f"search query={query!r}: use a string")
        groups = resource.filter_groups(
            search.get("field"), search.get("value"),
            operator=search.get("operator", "EQ"), filters=search.get("filters"),
        )  # fmt: skip
        return SearchSpec(groups, query or None)
    raise InputError(
        f"search={search!r:.100}: use (field, value), (field, operator, value) or "
        "{'filters': [...], 'query': '...'}"
    )


def _target(path: Any) -> Path:
    """The ``.parquet`` file to write, as an absolute path in a folder that exists."""
    try:
        target = Path(path).expanduser()
    except TypeError:
        raise InputError(f"path={path!r}: use a file path such as 'contacts.parquet'") from None
    if target.is_dir():
        raise InputError(
            f"{target} is a directory; name the .parquet file to write, e.g. {target / 'contacts.parquet'}"
        )
    if not target.parent.is_dir():
        raise InputError(f"the folder {target.parent} does not exist; create it first")
    return target.absolute()
