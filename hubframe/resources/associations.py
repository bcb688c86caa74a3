"""Edge tables: the associations between two object types, one row per edge.

``hs.associations("contacts", "companies")`` returns a DataFrame with the columns
:data:`EDGE_COLUMNS`: ``from_id`` and ``to_id`` (the id dtype, as every id column,
so edges join records without a cast), ``type_id`` (``Int64``: HubSpot's association
type, e.g. 279 contact-to-company unlabeled, 1 Primary), ``label`` (``"Primary"``,
a custom label, or ``<NA>`` for the unlabeled type) and ``category``
(``HUBSPOT_DEFINED``, ``USER_DEFINED``, ...). A pair linked by two types (Primary and
unlabeled) is two rows; ``edges.drop_duplicates(["from_id", "to_id"])`` gives one
per pair.

Everything is read with the batch read of associations (``hs.paths.association_read``,
at most :data:`READ_MAX` records a request). HubSpot pages each record's own list
(500 associations a page): a result with ``paging.next.after`` is asked again with
that cursor until it has none, so a company with thousands of contacts is read whole.
Without ``ids``, every record of the first type is listed first, through the same
list reader as ``get_all`` (only their ids), and their edges are read as the pages
arrive.

:func:`attach` gives HubSpot records the ``associations`` HubSpot's search and batch
read never return, the way the list endpoint embeds them: ``search()``,
``get_many()`` and the export use it for ``associations=``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..validate import check_flag, check_ids

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..client import HubSpot
    from ..paths import Edge

__all__ = ["EDGE_COLUMNS", "READ_MAX", "Associations", "attach", "edge_frame"]

#: The columns of an edge table, in order.
EDGE_COLUMNS = ("from_id", "to_id", "type_id", "label", "category")
#: Inputs per association batch read (HubSpot's limit; the sandbox keeps its own copy).
READ_MAX = 1000


def edge_frame(rows: Iterable[tuple[str, Edge]]) -> pd.DataFrame:
    """An edge table from ``(from_id, (to_id, type_id, label, category))`` rows.

    ``from_id``/``to_id`` are hubframe's id dtype (``string``), ``type_id`` ``Int64``,
    ``label``/``category`` ``string``; no rows gives the same columns and dtypes.
    """
    import pandas as pd

    listed = list(rows)
    text = pd.StringDtype("pyarrow")
    columns = {
        "from_id": pd.array([r[0] for r in listed], dtype=text),
        "to_id": pd.array([r[1][0] for r in listed], dtype=text),
        "type_id": pd.array([r[1][1] for r in listed], dtype="Int64"),
        "label": pd.array([r[1][2] for r in listed], dtype=text),
        "category": pd.array([r[1][3] for r in listed], dtype=text),
    }
    return pd.DataFrame(columns, columns=list(EDGE_COLUMNS))


class Associations:
    """The associations from one object type to another, read for many records at once.

    Args:
        hs: the client.
        from_type, to_type: object types (any form ``normalize_object_type`` takes).

    Raises:
        InputError: an unknown object type (the message names the known ones).
    """

    def __init__(self, hs: HubSpot, from_type: Any, to_type: Any):
        self._hs = hs
        # The client resolves custom objects too (from the portal's schemas); paths name
        # a standard type by its name and a custom one by its type id.
        self.from_type = hs.object_type(from_type).path_name
        self.to_type = hs.object_type(to_type).path_name

    def __repr__(self) -> str:
        return f"<Associations {self.from_type} -> {self.to_type}>"

    def edges(self, ids: list[str]) -> dict[str, list[Edge]]:
        """The edges of each record of ``ids`` (checked ids), in HubSpot's order.

        Returns:
            ``{from_id: [edge, ...]}`` in the order of ``ids``; a record without
            associations (or that does not exist) has an empty list.
        """
        paths = self._hs.paths
        path = paths.association_read(self.from_type, self.to_type)
        found: dict[str, list[Edge]] = {i: [] for i in ids}
        pending: list[tuple[str, str | None]] = [(i, None) for i in found]
        while pending:
            chunk, pending = pending[:READ_MAX], pending[READ_MAX:]
            body = {"inputs": [paths.association_read_input(i, after) for i, after in chunk]}
            # 207 is the normal answer: records without associations come back as errors
            # (NO_ASSOCIATIONS_FOUND), which is what an empty list says here.
            data = self._hs.request_json("POST", path, json=body, kind="read", require="results")
            for result in data["results"]:
                from_id, edges, after = paths.association_edges(result, path=path)
                found.setdefault(from_id, []).extend(edges)
                if after is not None:
                    pending.append((from_id, after))
        return found

    def frame(self, ids: Any = None, *, progress: bool = True) -> pd.DataFrame:
        """The edge table of ``ids``, or of every record of ``from_type`` (see the module)."""
        from .._progress import progress as bar

        progress = check_flag(progress, "progress")
        desc = f"{self.from_type} -> {self.to_type} associations"
        if ids is not None:
            keys = list(dict.fromkeys(check_ids(ids, what=f"{self.from_type} id")))
            batches: Generator[list[str], None, None] = (
                keys[i : i + READ_MAX] for i in range(0, len(keys), READ_MAX)
            )
            total: int | None = len(keys)
        else:
            resource = self._hs.objects(self.from_type)
            total = resource.count() if progress else None
            batches = self._every_id(resource)
        rows: list[tuple[str, Edge]] = []
        with (
            bar(self._hs, desc, total=total, enabled=progress) as pbar,
            contextlib.closing(
                batches  # a generator: closing it closes the list reader
            ),
        ):
            for batch in batches:
                for from_id, edges in self.edges(batch).items():
                    rows.extend((from_id, edge) for edge in edges)
                pbar.update(len(batch))
        return edge_frame(rows)

    def _every_id(self, resource: Any) -> Generator[list[str], None, None]:
        """The ids of every record of ``from_type``, :data:`READ_MAX` at a time (list reader)."""
        pages = resource.iter_pages(
            names=["hs_object_id"] if "hs_object_id" in resource.props else []
        )
        buffered: list[str] = []
        with contextlib.closing(pages):
            for page in pages:
                buffered.extend(str(r["id"]) for r in page.results)
                while len(buffered) >= READ_MAX:
                    yield buffered[:READ_MAX]
                    buffered = buffered[READ_MAX:]
        if buffered:
            yield buffered


def attach(
    hs: HubSpot, records: list[dict[str, Any]], from_type: str, to_types: Iterable[str]
) -> None:
    """Give each record ``associations.<type>`` ids, as the list endpoint embeds them.

    For reads whose endpoint returns no associations (search, batch read): one batch read
    of associations per type and :data:`READ_MAX` records. ``records`` are changed in place.

    Raises:
        InputError: an unknown object type.
    """
    ids = [str(r["id"]) for r in records if isinstance(r, Mapping) and r.get("id") is not None]
    if not ids:
        return
    for to_type in to_types:
        reader = Associations(hs, from_type, to_type)
        found: dict[str, list[Edge]] = {}
        for start in range(0, len(ids), READ_MAX):
            found.update(reader.edges(ids[start : start + READ_MAX]))
        for record in records:
            edges = found.get(str(record.get("id")), [])
            linked = list(dict.fromkeys(edge[0] for edge in edges))
            bag = record.setdefault("associations", {})
            if not isinstance(bag, dict):
                raise InputError(
                    f"record {record.get('id')!r} has associations that are not a mapping"
                )
            bag[reader.to_type] = {"results": [{"id": to_id} for to_id in linked]}
