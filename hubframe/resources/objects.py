"""Contacts, companies and deals: one method per connector operation, each returning a DataFrame.

``hs.contacts`` and ``hs.deals`` are :class:`ObjectResource` instances
(``hs.companies`` a :class:`~hubframe.resources.companies.CompanyResource`).
The operations live in parts, by what they do: :mod:`.reads`,
:mod:`.search`, :mod:`.writes` and :mod:`.upsert`; the export is :mod:`hubframe.export`, the sync
:mod:`hubframe.sync`.
"""

from __future__ import annotations

from ..export import export as export_to_parquet
from ..sync import changed_since as changes_since
from ..sync import sync as sync_parquet
from .search import Search
from .upsert import Upserts
from .writes import Writes

__all__ = ["ObjectResource"]


class ObjectResource(Search, Writes, Upserts):
    """The operations on one CRM object type (``hs.contacts``, ``hs.companies``, ``hs.deals``)."""

    #: ``hs.contacts.export(path, ...)``: :func:`hubframe.export.export` with this resource
    #: as its first argument (the function is the method: one signature, one docstring).
    export = export_to_parquet
    #: ``hs.contacts.sync(path, ...)``: :func:`hubframe.sync.sync`, the file kept up to date.
    sync = sync_parquet
    #: ``hs.contacts.changed_since(since, ...)``: :func:`hubframe.sync.changed_since`.
    changed_since = changes_since
