"""Streaming Parquet export: every record (or a search's matches) to one Parquet file.

``hs.contacts.export("contacts.parquet", properties="all")`` reads every page
through the one paginator (:meth:`ObjectResource.iter_pages` for list cursors,
:meth:`ObjectResource.iter_search_pages` for id-range searches and searches
past 10,000), converts each page to Arrow with a schema fixed from the
property definitions before the first page, and writes row groups of about
``row_group_size`` rows. Memory is bounded by the page queue and the writer's
buffers, never by the number of records. The target appears, complete, only
when the export finishes; an interrupted export resumes from its checkpoint.

Where things are, in the order an export runs:

=================  ===========================================================
:mod:`.run`        :func:`export` and :func:`iter_export`: the steps of a run
:mod:`.job`        the arguments, checked; what a checkpoint must match
:mod:`.planner`    which streams read the export, and the tuned numbers behind it
:mod:`.plan`       the streams (list cursor, search chunks, id ranges) and their positions
:mod:`.claims`     how the list cursor and search workers share the ids
:mod:`.fetch`      the background threads and the bounded queue
:mod:`.writer`     pages to Arrow, buffers to part files, parts to the final file
:mod:`.staging`    the lock, the checkpoint and the part files next to the target
:mod:`.result`     :class:`ExportResult`
:mod:`.read`       :func:`read_parquet`: a file read back with hubframe's dtypes
=================  ===========================================================
"""

from .job import DEFAULT_MAX_CHECKPOINT_AGE
from .planner import DEFAULT_PARALLEL
from .read import read_parquet
from .result import ExportResult
from .run import export, iter_export

__all__ = [
    "DEFAULT_MAX_CHECKPOINT_AGE",
    "DEFAULT_PARALLEL",
    "ExportResult",
    "export",
    "iter_export",
    "read_parquet",
]
