"""What one export call asks for: its arguments checked, and what a checkpoint must match.

:meth:`Job.check` turns the keyword arguments of :func:`~hubframe.export.export`
into a :class:`Job` or raises :class:`~hubframe.errors.InputError` before any
record is read. A job's :attr:`~Job.header` is what its checkpoint carries
(target name, parameters, a fingerprint of the column types, the portal it reads
and when the export started); an unfinished export resumes only under the same
parameters and types, from the same portal, and while it is younger than
``max_checkpoint_age`` (:meth:`Job.check_checkpoint`): parts read from another
portal, or long ago, would make a file that mixes portals or holds records
changed or deleted since.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from ..account import portal_id_of
from ..errors import ExportError, InputError
from ..frames import ParseIssues, to_batch
from ..labels import LabelMaps, unlabelled_schema
from ..validate import check_count, check_flag, check_target
from .planner import DEFAULT_PARALLEL
from .writer import DEFAULT_ROW_GROUP_SIZE

if TYPE_CHECKING:  # pragma: no cover
    import pyarrow as pa

    from ..resources import ObjectResource
    from .staging import Staging

__all__ = ["DEFAULT_MAX_CHECKPOINT_AGE", "Job", "SearchSpec", "fingerprint"]

#: How old a checkpoint may be and still be resumed (``max_checkpoint_age=``).
DEFAULT_MAX_CHECKPOINT_AGE = timedelta(hours=24)


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
    max_age: float | None  # seconds a checkpoint may be old to be resumed; None: any age
    schema: pa.Schema  # of the file: the records' columns and their label columns
    header: dict[str, Any]  # what the checkpoint carries besides the plan
    labels: LabelMaps = field(default_factory=LabelMaps)  # none unless labels=True
    all_properties: bool = False  # properties="all": the portal's list, as it is now

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
        max_checkpoint_age: Any = DEFAULT_MAX_CHECKPOINT_AGE,
        labels: Any = False,
    ) -> Job:
        """The job of these :func:`~hubframe.export.export` arguments.

        Raises:
            InputError / UnknownPropertyError: a bad argument (reads property definitions
                and the account details, never records).
        """
        target = check_target(path)
        max_age = _max_age(max_checkpoint_age)
        if row_group_size is None:
            row_group_size = DEFAULT_ROW_GROUP_SIZE
        row_group_size = check_count("row_group_size", row_group_size, 1)
        parallel = DEFAULT_PARALLEL if parallel is None else check_count("parallel", parallel, 1)
        archived, progress, resume = (
            check_flag(archived, "archived"), check_flag(progress, "progress"), check_flag(resume, "resume")
        )  # fmt: skip
        labels = check_flag(labels, "labels")
        spec = _search_spec(resource, search)
        assoc = resource.association_types(associations)
        if spec is not None and archived:
            raise InputError(
                "search results never hold archived records; export without search=, or "
                "without archived="
            )
        names = resource.names(properties, search=spec is not None)
        maps = resource.label_maps(names) if labels else LabelMaps()
        schema = maps.schema(resource.schema(names, assoc))
        params = {
            "object_type": resource.object_type, "properties": names, "associations": assoc, "archived": archived,
            "search": None if spec is None else {"filter_groups": spec.filter_groups, "query": spec.query},
        }  # fmt: skip
        if labels:  # only then: a checkpoint of an unlabelled export stays resumable
            params["labels"] = True
        params = json.loads(json.dumps(params))  # as the checkpoint will hold them
        client = resource.client
        header = {
            "target": target.name, "params": params, "schema": fingerprint(schema),
            # Who the records come from, and since when (never the token; a hash at most).
            "portal": client.portal_fingerprint(), "connection": client.connection_fingerprint(),
            "started_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            # The labels of the whole file, fixed at its start: a resumed export labels its
            # later parts with these, so no file mixes labels from before and after a rename.
            "labels": maps.to_json(),
        }  # fmt: skip
        return cls(
            target=target, names=names, associations=assoc, archived=archived, search=spec,
            parallel=parallel, row_group_size=row_group_size, progress=progress, resume=resume,
            max_age=max_age, schema=schema, header=header, labels=maps,
            all_properties=isinstance(properties, str) and properties.strip().lower() == "all",
        )  # fmt: skip

    @property
    def list_only(self) -> bool:
        """Whether only the list cursor can read this export (search never holds archived
        records). Associations are read for every stream's pages by the association batch
        read (:meth:`Fetch.attach <hubframe.export.fetch.Fetch>`), so they need no list cursor."""
        return self.archived

    def resuming(self, saved: dict[str, Any]) -> Job:
        """This job continuing a checkpoint: its header keeps when the export started, and
        the labels read then (the parts written so far carry those)."""
        try:
            labels = LabelMaps.from_json(saved.get("labels") or [])
        except InputError as exc:
            raise ExportError(
                f"the checkpoint of {self.target.name} is damaged: its labels are not as "
                f"hubframe writes them ({exc})",
                hint=ExportError.START_OVER,
            ) from None
        header = {**self.header, "started_at": saved["started_at"], "labels": labels.to_json()}
        return replace(self, header=header, labels=labels)

    def to_batch(self, records: list[dict[str, Any]], issues: ParseIssues) -> pa.RecordBatch:
        """Records as one batch of the file's schema, label columns included."""
        batch = to_batch(records, self.record_schema, issues=issues)
        return self.labels.batch(batch)

    @property
    def record_schema(self) -> pa.Schema:
        """The schema of the records themselves (the file's, without label columns)."""
        return unlabelled_schema(self.schema)

    def check_checkpoint(self, saved: dict[str, Any], staging: Staging) -> None:
        """Refuse to resume a checkpoint of another portal, of other parameters, or too old.

        Raises:
            ExportError: the checkpoint does not say its portal and start (an earlier
                hubframe wrote it), it was read from another portal, the parameters or
                the column types differ, or it is older than ``max_checkpoint_age``.
        """
        how = (
            f"{ExportError.START_OVER} (or delete {staging.checkpoint_path.name} and "
            f"{staging.dir.name} in {staging.dir.parent})"
        )
        if not isinstance(saved.get("portal"), str) or not isinstance(saved.get("started_at"), str):
            raise ExportError(
                f"the unfinished export of {staging.target.name} was checkpointed by an earlier "
                "hubframe that did not record the portal it read or when it started, so it cannot "
                "be checked to belong to this portal and to be recent",
                hint=how,
            )
        self._check_portal(saved, staging, how)
        old, new = saved.get("params") or {}, self.header["params"]
        differ = [k for k in new if old.get(k) != new[k]]
        if differ == ["properties"] and isinstance(old.get("properties"), list):
            raise ExportError(
                self._properties_changed(old["properties"], staging),
                hint=f"{how}, or name the properties it reads (properties=[...])",
            )
        if differ:
            shown = "; ".join(
                f"{k}: checkpoint has {old.get(k)!r}, this call {new[k]!r}" for k in differ
            )
            raise ExportError(
                f"an unfinished export of {staging.target.name} with different parameters exists ({shown})",
                hint=how,
            )
        if saved.get("schema") != self.header["schema"]:
            raise ExportError(
                f"the property definitions changed since the unfinished export of {staging.target.name} "
                "started (a column's type differs), so its parts cannot be combined",
                hint=how,
            )
        self._check_age(saved, staging)

    def _properties_changed(self, old: list[Any], staging: Staging) -> str:
        """What differs between the properties of a checkpoint and of this call, by name.

        With ``properties="all"`` the difference is the portal's: a property created (or
        deleted) since the export started."""
        before, now = [str(n) for n in old], self.names
        added = [n for n in now if n not in before]
        gone = [n for n in before if n not in now]
        kind = self.header["params"]["object_type"]
        what = []
        if self.all_properties:
            if added:
                what.append(
                    f"the portal has {_count(added, f'new {kind} property')} {_names(added)}"
                )
            if gone:
                what.append(
                    f"the portal no longer has {_count(gone, f'{kind} property')} {_names(gone)}"
                )
            since = " since this export started"
        else:
            if added:
                what.append(
                    f"this call asks for the properties {_names(added)}, which the unfinished "
                    "export did not read"
                )
            if gone:
                what.append(
                    f"this call leaves out the properties {_names(gone)}, which the unfinished "
                    "export reads"
                )
            since = ""
        if not what:
            what.append("this call names the same properties in another order")
        return (
            f"{' and '.join(what)}{since}, so the unfinished export of {staging.target.name} "
            "cannot be resumed"
        )

    def _check_portal(self, saved: dict[str, Any], staging: Staging, how: str) -> None:
        """Refuse a checkpoint read from another portal (or not shown to be this one).

        Portal ids decide when both are known; otherwise the same base URL and token
        (the connection hash) is the same portal."""
        old, new = saved["portal"], self.header["portal"]
        old_id, new_id = portal_id_of(old), portal_id_of(new)
        if old_id is not None and new_id is not None:
            if old_id == new_id:
                return
            raise ExportError(
                f"the unfinished export of {staging.target.name} belongs to another portal: it "
                f"was read from portal {old_id}, and this client reads portal {new_id}. Its "
                "parts cannot be combined with this portal's records",
                hint=how,
            )
        if old == new or saved.get("connection") == self.header["connection"]:
            return
        raise ExportError(
            f"the unfinished export of {staging.target.name} may belong to another portal: it "
            f"was read from {_shown(old)}, and this client reads {_shown(new)}; without both "
            "portal ids (a token that may not read the account details gives only a hash of the "
            "host and token) they cannot be shown to be the same portal",
            hint=how,
        )

    def _check_age(self, saved: dict[str, Any], staging: Staging) -> None:
        """Refuse a checkpoint older than :attr:`max_age`."""
        try:
            started = datetime.fromisoformat(saved["started_at"])
        except ValueError:
            raise ExportError(
                f"the checkpoint of {staging.target.name} has an unreadable start time "
                f"{saved['started_at']!r:.40}, so its age cannot be checked",
                hint=ExportError.START_OVER,
            ) from None
        if started.tzinfo is None:
            started = started.replace(tzinfo=timezone.utc)
        age = (datetime.now(timezone.utc) - started).total_seconds()
        if self.max_age is None or age <= self.max_age:
            return
        raise ExportError(
            f"the unfinished export of {staging.target.name} started {_duration(age)} ago "
            f"({saved['started_at']}), longer ago than max_checkpoint_age "
            f"({_duration(self.max_age)}): records in its parts may have changed or been "
            "deleted in HubSpot since. Pass resume=False to start over, or "
            "max_checkpoint_age=None (or a limit longer than its age) to resume it anyway."
        )


def fingerprint(schema: pa.Schema) -> str:
    """A short hash of the column names and Arrow types (labels may change; types may not)."""
    text = "\n".join(f"{f.name}\t{f.type}" for f in schema)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _max_age(value: Any) -> float | None:
    """``max_checkpoint_age=`` as seconds (None: any age)."""
    if value is None:
        return None
    seconds = value.total_seconds() if isinstance(value, timedelta) else value
    if (
        isinstance(seconds, (int, float)) and not isinstance(seconds, bool)
        and math.isfinite(seconds) and seconds > 0
    ):  # fmt: skip
        return float(seconds)
    raise InputError(
        f"max_checkpoint_age={value!r:.100}: use a number of seconds > 0, a datetime.timedelta "
        "such as timedelta(hours=24), or None to resume a checkpoint of any age"
    )


def _names(names: list[str], most: int = 20) -> str:
    """Property names as a message lists them: each one whole, the first ``most``."""
    shown = ", ".join(f"'{n}'" for n in names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


def _count(names: list[str], noun: str) -> str:
    """'a new contacts property' or '3 new contacts properties'."""
    if len(names) == 1:
        return f"a {noun}"
    return f"{len(names)} {noun[:-1]}ies"


def _duration(seconds: float) -> str:
    """``seconds`` as people say it: minutes, hours or days."""
    if seconds < 90 * 60:
        minutes = round(seconds / 60)
        return f"{minutes} minute{'' if minutes == 1 else 's'}"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} hours"
    return f"{seconds / 86400:.1f} days"


def _shown(portal: str) -> str:
    """A fingerprint as the messages name it: the portal id, or the hash (never a token)."""
    portal_id = portal_id_of(portal)
    if portal_id is not None:
        return f"portal {portal_id}"
    return f"an unknown portal (connection {portal})"


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
