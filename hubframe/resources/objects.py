"""Contacts, companies and deals: one method per connector operation, each returning a DataFrame.

``hs.contacts`` and ``hs.deals`` are :class:`ObjectResource` instances
(``hs.companies`` a :class:`~hubframe.resources.companies.CompanyResource`).
The operations live in three halves, by what they do: :mod:`.reads`,
:mod:`.search` and :mod:`.writes`; the export is :mod:`hubframe.export`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from .search import Search
from .writes import Writes

if TYPE_CHECKING:  # pragma: no cover
    from ..export import ExportResult

__all__ = ["ObjectResource"]


class ObjectResource(Search, Writes):
    """The operations on one CRM object type (``hs.contacts``, ``hs.companies``, ``hs.deals``)."""

    def export(
        self,
        path: Any,
        *,
        properties: Any = None,
        search: Any = None,
        associations: Any = None,
        archived: bool = False,
        progress: bool = True,
        resume: bool = True,
        parallel: int | None = None,
        row_group_size: int | None = None,
        on_page: Callable[[ExportResult], None] | None = None,
    ) -> ExportResult:
        """Stream every record (or a search's matches) to one Parquet file.

        Args:
            path: the ``.parquet`` file to write; replaced atomically when the export completes.
            properties: None (defaults), a list of names, or ``"all"``.
            search: export only matches: ``(field, value)``, ``(field, operator, value)``, or
                ``{"filters": [...], "query": "..."}`` as for :meth:`search`; past 10,000 too.
            associations: object types whose associated ids to add as list columns
                (read with the list cursor alone: search does not return associations).
            archived: export archived records instead (list cursor alone).
            progress: show a progress bar (records, total, rate-limit waits).
            resume: continue an interrupted export of the same parameters from its
                checkpoint; False starts over.
            parallel: most concurrent streams (default 5); ``1`` reads with the list cursor
                alone. A resumed export keeps the streams it started with.
            row_group_size: rows per Parquet row group (default 25,000; also how often
                progress is checkpointed).
            on_page: called with the running :class:`~hubframe.export.ExportResult` after
                each page (raising from it stops the export, resumably).

        Returns:
            An :class:`~hubframe.export.ExportResult` (path, rows, pages, requests, retries,
            wait_seconds, elapsed, resumed, columns).

        Raises:
            InputError / UnknownPropertyError: bad arguments, before any record is read.
            ExportError: a checkpoint from other parameters exists (start over with
                ``resume=False``), another export writes the same file, or a page failed
                after all retries (the checkpoint keeps everything read; run again to resume).

        Example:
            >>> res = hs.contacts.export("contacts.parquet", properties="all")  # doctest: +SKIP
        """
        from ..export import export

        return export(
            self, path, properties=properties, search=search, associations=associations,
            archived=archived, progress=progress, resume=resume, parallel=parallel,
            row_group_size=row_group_size, on_page=on_page,
        )  # fmt: skip
