"""Reading an exported file back: :func:`read_parquet`, with hubframe's dtypes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from .. import frames
from ..errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["read_parquet"]


def read_parquet(path: Any, *, columns: list[str] | None = None) -> pd.DataFrame:
    """Read an exported file back as the DataFrame the operations return.

    Any Parquet reader (DuckDB, polars, Spark, ``pandas.read_parquet``) reads the
    file; this one also gives hubframe's dtypes (nullable ``Float64``, ``boolean``,
    ``string``, ``date32`` and list columns) rather than NumPy's ``float64`` and
    ``object``, so a read-back equals what ``get_all`` returned.

    Args:
        path: the ``.parquet`` file an export wrote.
        columns: read only these columns, in the order given.

    Returns:
        A DataFrame with hubframe's dtypes (and empty ``attrs``).

    Raises:
        InputError: no such file, not a Parquet file, or a column it does not have.

    Example:
        >>> df = hf.read_parquet("contacts.parquet", columns=["id", "email"])  # doctest: +SKIP
    """
    import pyarrow.parquet as pq

    try:
        target = Path(path).expanduser()
    except TypeError:
        raise InputError(
            f"path={path!r:.100}: use the path of an exported file, e.g. 'contacts.parquet'"
        ) from None
    if not target.is_file():
        raise InputError(
            f"path={str(path)!r:.200}: no file there; export to it first, or check the path"
        )
    if columns is not None and (
        isinstance(columns, str) or not all(isinstance(c, str) for c in columns)
    ):
        raise InputError(
            f"columns={columns!r:.100}: use a list of column names, e.g. ['id', 'email']"
        )
    try:
        names = pq.read_schema(target).names
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{target} is not a readable Parquet file: {exc}") from None
    unknown = [c for c in columns or () if c not in names]
    if unknown:
        raise InputError(
            f"columns {unknown!r:.200} are not in {target.name}; it has {', '.join(names[:12])}"
            + (", ..." if len(names) > 12 else "")
        )
    try:
        table = pq.read_table(target, columns=columns)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{target} could not be read as Parquet: {exc}") from None
    return frames.batch_to_frame(table)
