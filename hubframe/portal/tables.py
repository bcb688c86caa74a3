"""Writing each table of a portal folder, and the manifest entry that describes it.

An object table is written by that type's export (resumable from its own
checkpoint); the edge, owner and pipeline tables are DataFrames the client read,
written to a temporary file, fsynced and moved into place, so a table's path only
ever holds a complete file.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..export.staging import COMPRESSION, atomic_write
from . import sources
from .job import edge_table, object_file

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Callable

    import pandas as pd

    from ..client import HubSpot
    from ..export import ExportResult
    from .job import PortalJob

__all__ = ["ASSOCIATIONS_DIR", "write_edges", "write_frame", "write_object", "write_owners",
           "write_pipelines"]  # fmt: skip

#: The subfolder of the edge tables.
ASSOCIATIONS_DIR = "associations"


def write_frame(frame: pd.DataFrame, path: Path) -> None:
    """Write ``frame`` to ``path`` atomically (its dtypes kept in the file's pandas metadata)."""
    path.parent.mkdir(exist_ok=True)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    # The temporary file is hidden (a dot first): a reader listing the folder's tables
    # never takes it for one.
    with atomic_write(path, tmp=path.with_name(f".{path.name}.tmp")) as fh:
        pq.write_table(table, fh, compression=COMPRESSION)


def _entry(kind: str, path: str, rows: int, **more: Any) -> dict[str, Any]:
    return {"kind": kind, "path": path, "rows": rows, **more}


def write_object(
    hs: HubSpot, job: PortalJob, name: str, on_page: Callable[[ExportResult], None]
) -> dict[str, Any]:
    """Export one object type to ``<name>.parquet`` (continuing its checkpoint, if any)."""
    res = sources.resource(hs, name)
    result = res.export(
        job.folder / object_file(name), properties=job.properties[name], progress=False,
        resume=job.resume, max_checkpoint_age=job.max_checkpoint_age, on_page=on_page,
        labels=job.labels,
    )  # fmt: skip
    return _entry("object", object_file(name), result.rows, object_type=res.object_type)


def write_edges(hs: HubSpot, job: PortalJob, from_type: str, to_type: str) -> dict[str, Any]:
    """The edges from every exported ``from_type`` record to ``to_type``, as an edge table."""
    ids = pq.read_table(job.folder / object_file(from_type), columns=["id"]).column("id")
    edges = sources.associations(hs, from_type, to_type, ids.to_pylist())
    relative = f"{ASSOCIATIONS_DIR}/{edge_table(from_type, to_type)}.parquet"
    write_frame(edges, job.folder / relative)
    return _entry("associations", relative, len(edges), from_type=from_type, to_type=to_type)


def write_owners(hs: HubSpot, job: PortalJob) -> dict[str, Any]:
    """The portal's owners, as ``owners.parquet``."""
    owners = sources.owners(hs)
    write_frame(owners, job.folder / "owners.parquet")
    return _entry("owners", "owners.parquet", len(owners))


def write_pipelines(hs: HubSpot, job: PortalJob) -> dict[str, Any] | None:
    """The pipelines of every exported type that has them, as ``pipelines.parquet`` with an
    ``object_type`` column first; None when no exported type has pipelines."""
    import pandas as pd

    frames = []
    for name in job.objects:
        res = sources.resource(hs, name)
        # A type has pipelines when its records carry a pipeline (deals' ``pipeline``,
        # tickets' and the other types' ``hs_pipeline``).
        if not any(p in res.props for p in ("pipeline", "hs_pipeline")):
            continue
        stages = sources.pipelines(hs, res.object_type)
        stages.insert(
            0, "object_type", pd.Series([res.object_type] * len(stages), dtype="string[pyarrow]")
        )
        frames.append(stages)
    if not frames:
        return None
    table = pd.concat(frames, ignore_index=True)
    write_frame(table, job.folder / "pipelines.parquet")
    return _entry("pipelines", "pipelines.parquet", len(table), object_types=sorted(
        {str(t) for t in table["object_type"]}
    ))  # fmt: skip
