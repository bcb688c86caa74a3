"""Reading records: a page, every page, one record, many records by id."""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Sequence
from typing import TYPE_CHECKING, Any, cast

from ..batching import chunks, property_chunks
from ..errors import InputError, warn
from ..pagination import LIST_PAGE_MAX, Page, iter_pages
from ..validate import (
    check_after,
    check_email,
    check_flag,
    check_id,
    check_ids,
    check_limit,
    check_max_records,
    values_of,
)
from .associations import attach
from .base import Resource

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .objects import ObjectResource

__all__ = ["Reads"]


class Reads(Resource):
    """The connector's read operations: get_page, get_all, get, get_many (and count)."""

    def iter_pages(
        self,
        *,
        properties: Any = None,
        associations: Any = None,
        archived: bool = False,
        after: str | None = None,
        limit: int = LIST_PAGE_MAX,
        names: list[str] | None = None,
    ) -> Generator[Page, None, None]:
        """Yield every list page as raw records (all property chunks merged).

        This is what :meth:`get_all` and the Parquet export are built on; ``after``
        resumes from a cursor. Each page's ``requested_after`` is the cursor that
        produced it and ``after`` the cursor of the next one.
        """
        limit = check_limit(limit, LIST_PAGE_MAX)
        archived = check_flag(archived, "archived")
        names = names if names is not None else self.names(properties)
        assoc = self.association_types(associations)
        split = property_chunks(names)
        path = self._hs.paths.objects(self.object_type)
        params: dict[str, Any] = {"limit": limit, "archived": str(bool(archived)).lower()}
        if split[0]:
            params["properties"] = ",".join(split[0])
        if assoc:
            params["associations"] = ",".join(assoc)
        for page in iter_pages(self._hs, "GET", path, params=params, after=after):
            if split[1:]:
                same = dict(params)
                if page.requested_after is not None:
                    same["after"] = page.requested_after
                holder = {"results": page.results}
                self._fill_properties(holder, path, split[1:], same)
            yield page

    def get_page(
        self,
        after: str | int | None = None,
        *,
        properties: Any = None,
        limit: int = LIST_PAGE_MAX,
        associations: Any = None,
        archived: bool = False,
        labels: bool = False,
    ) -> pd.DataFrame:
        """One page of records, as the connector's "get all" does.

        Args:
            after: the cursor from the previous page's ``df.attrs["next_after"]`` (None: first page).
            properties: None (HubSpot's defaults), a list of names, or ``"all"``.
            limit: records per page, 1 to 100.
            associations: object types whose associated ids to add as list columns.
            archived: read archived (deleted) records instead.
            labels: add a ``<column>_label`` column after each enumeration, owner,
                pipeline and stage column (see :mod:`hubframe.labels`).

        Returns:
            A DataFrame; ``df.attrs["next_after"]`` is the next cursor, None on the last page.
        """
        limit = check_limit(limit, LIST_PAGE_MAX)
        cursor = check_after(after)
        archived = check_flag(archived, "archived")
        labels = check_flag(labels, "labels")
        names = self.names(properties)
        assoc = self.association_types(associations)
        pages = self.iter_pages(
            names=names, associations=assoc, archived=archived, limit=limit,
            after=cursor,
        )  # fmt: skip
        with contextlib.closing(pages):
            page = next(pages)
        df = self.labelled(self.frame(page.results, names, assoc), names, labels)
        df.attrs["next_after"] = page.after
        return df

    def count(self) -> int:
        """How many (unarchived) records exist, from one search request."""
        body = {"filterGroups": [], "limit": 1, "properties": ["hs_object_id"]}
        path = self._hs.paths.search(self.object_type)
        data = self._hs.request_json("POST", path, json=body, kind="search") or {}
        return int(data.get("total") or 0)

    def get_all(
        self,
        *,
        properties: Any = None,
        associations: Any = None,
        archived: bool = False,
        max_records: int | None = None,
        progress: bool = True,
        labels: bool = False,
        parallel: int | None = None,
    ) -> pd.DataFrame:
        """Every record, all pages, as one DataFrame, in id order.

        Read as an export reads (:mod:`hubframe.export.collect`): on a large portal
        several list cursors over id ranges, with search streams beside them (HubSpot
        limits search separately), each page converted as it arrives. For portals too
        large for memory use :meth:`export`, which streams to Parquet.

        Args:
            properties: None (defaults), a list of names, or ``"all"``.
            associations: object types whose associated ids to add as list columns (read
                with the association batch read, one request per page and type).
            archived: read archived (deleted) records instead (one list cursor).
            max_records: stop after this many records (a sample, read with one cursor).
            progress: show a progress bar.
            labels: add a ``<column>_label`` column after each enumeration, owner,
                pipeline and stage column (see :mod:`hubframe.labels`).
            parallel: most streams at once, as for :meth:`export` (default 6); ``1`` reads
                with the list cursor alone.
        """
        from ..export.collect import FrameRead, check_parallel, read_frame

        max_records = check_max_records(max_records)
        archived = check_flag(archived, "archived")
        progress = check_flag(progress, "progress")
        labels = check_flag(labels, "labels")
        streams = check_parallel(parallel)
        names = self.names(properties)
        assoc = self.association_types(associations)
        read = FrameRead(
            names, assoc, archived=archived, parallel=streams, progress=progress,
            max_records=max_records, desc=self.object_type,
        )  # fmt: skip
        df, _ = read_frame(cast("ObjectResource", self), read)
        return self.labelled(df, names, labels)

    def get(
        self,
        record_id: str | int,
        *,
        properties: Any = None,
        id_property: str | None = None,
        associations: Any = None,
        labels: bool = False,
    ) -> pd.DataFrame:
        """One record by id, as a one-row DataFrame.

        Args:
            record_id: the record id (or the email when ``id_property="email"``).
            properties: None (defaults: contacts firstname, lastname, email), a list, or ``"all"``.
            id_property: look the record up by this unique property instead (e.g. ``"email"``).
            associations: object types whose associated ids to add as list columns.
            labels: add a ``<column>_label`` column after each enumeration, owner,
                pipeline and stage column (see :mod:`hubframe.labels`).

        Raises:
            NotFoundError: no such record.
        """
        key = self._check_key(record_id, id_property)
        labels = check_flag(labels, "labels")
        names = self.names(properties)
        assoc = self.association_types(associations)
        params: dict[str, Any] = {}
        if id_property:
            params["idProperty"] = id_property
        if assoc:
            params["associations"] = ",".join(assoc)
        path = self._hs.paths.object(self.object_type, key)
        data = self._get_all_properties(path, names, params)
        return self.labelled(self.frame([data], names, assoc), names, labels)

    def _check_key(self, record_id: Any, id_property: str | None) -> str:
        """A record id, or a value of the unique property ``id_property``, checked."""
        if id_property is None:
            return check_id(record_id, what=f"{self.singular} id")
        if not isinstance(id_property, str) or id_property not in self.props:
            self.props.resolve([id_property], default=[])  # raises with suggestions
        if id_property == "email":
            return check_email(record_id)
        if isinstance(record_id, bool) or not isinstance(record_id, (str, int)):
            raise InputError(
                f"{id_property} value {record_id!r:.100} ({type(record_id).__name__}): give the "
                f"{id_property} to look up as a string"
            )
        if not str(record_id).strip():
            raise InputError(
                f"{id_property} value {record_id!r} is empty: give the {id_property} to look up"
            )
        return str(record_id).strip()

    def get_many(
        self,
        ids: Any,
        *,
        properties: Any = None,
        id_property: str | None = None,
        associations: Any = None,
        labels: bool = False,
    ) -> pd.DataFrame:
        """Several records by id (batch read, 100 ids per request), in the order given.

        Ids that do not exist are listed in ``df.attrs["missing_ids"]`` and reported
        with a warning; they are never dropped silently.

        Args:
            ids: a list of ids (or emails with ``id_property="email"``), a Series (any id
                column: ``df["associatedcompanyid"]``, an edge table's ``to_id``, ``Int64``,
                or whole-number floats), or a DataFrame with an ``id`` column. Duplicates
                are read once; missing values are left out.
            properties: None (defaults), a list of names, or ``"all"``.
            id_property: read by this unique property instead of the record id.
            associations: object types whose associated ids to add as list columns, as
                ``get_all`` does (HubSpot's batch read returns none: they are read with the
                association batch read, one request per 1,000 records and type).
            labels: add a ``<column>_label`` column after each enumeration, owner,
                pipeline and stage column (see :mod:`hubframe.labels`).
        """
        labels = check_flag(labels, "labels")
        if id_property is None:
            keys = check_ids(ids, what=f"{self.singular} id")
        else:
            raw = values_of(
                ids, column=id_property, what=f"{id_property} value", name="ids",
                example=f"a list of {id_property} values",
            )  # fmt: skip
            keys = [self._check_key(v, id_property) for v in raw]
        keys = list(dict.fromkeys(keys))
        assoc = self.association_types(associations)  # checked before definitions are read
        names = self.names(properties)
        found = self._batch_read(keys, names, id_property)
        # Missing ids are whatever did not come back: HubSpot's 207 error list says the
        # same, but a record read by email is keyed by the email, so compare keys instead.
        lookup = (lambda k: k.lower()) if id_property == "email" else (lambda k: k)
        ordered = [found[lookup(k)] for k in keys if lookup(k) in found]
        missing = [k for k in keys if lookup(k) not in found]
        if assoc:
            attach(self._hs, ordered, self.object_type, assoc)
        df = self.labelled(self.frame(ordered, names, assoc), names, labels)
        df.attrs["missing_ids"] = missing
        if missing:
            shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
            warn(
                f"{len(missing)} of {len(keys)} {self.object_type} were not found: {shown} "
                "(see df.attrs['missing_ids'])"
            )
        return df

    def _batch_read(
        self, keys: list[str], names: list[str], id_property: str | None = None
    ) -> dict[str, dict[str, Any]]:
        """The records of ``keys`` that exist, by key (an email key in lower case)."""
        from ..export.collect import DEFAULT_PARALLEL, paced_map

        found: dict[str, dict[str, Any]] = {}
        path = self._hs.paths.batch(self.object_type, "read")

        def read(chunk: Sequence[str]) -> Any:
            body: dict[str, Any] = {"inputs": [{"id": k} for k in chunk], "properties": names}
            if id_property:
                body["idProperty"] = id_property
            return self._hs.request_json("POST", path, json=body, kind="read") or {}

        # Many ids: the batches are read several at once, paced as the other bulk reads.
        answers = paced_map(
            cast("ObjectResource", self), read, list(chunks(keys)), DEFAULT_PARALLEL
        )
        for data in answers:
            for rec in data.get("results") or []:
                key = str(rec.get("id"))
                if id_property:
                    key = str((rec.get("properties") or {}).get(id_property, key))
                    if id_property == "email":
                        key = key.lower()
                found[key] = rec
        return found
