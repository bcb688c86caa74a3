"""Small typed tables that are not CRM records (owners, pipeline stages).

Their columns use the dtypes of :mod:`hubframe.dtypes`, so they join with record frames
without a cast: ids are ``string``, timestamps ``datetime64[ms, UTC]``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import pyarrow as pa

from ..dtypes import column_type, pandas_dtype
from ..frames import parse_value

__all__ = ["typed_table"]

#: A column kind -> the dtype table's HubSpot type whose column type it takes.
_KINDS: Mapping[str, pa.DataType] = {
    "string": column_type("string").arrow,
    "number": column_type("number").arrow,
    "bool": column_type("bool").arrow,
    "datetime": column_type("datetime").arrow,
    "list": column_type("enumeration", "checkbox").arrow,
    "int": pa.int64(),
}


def _value(kind: str, value: Any) -> Any:
    if value is None or value == "":
        return None
    if kind == "list":
        return [str(v) for v in value]
    if kind == "int":
        return int(value)
    if kind == "string":
        return str(value)
    try:
        return parse_value(value if isinstance(value, str) else str(value).lower(), kind)
    except ValueError:  # unreadable: null, as a record frame holds it
        return None


def typed_table(rows: Sequence[Mapping[str, Any]], columns: Mapping[str, str]) -> pd.DataFrame:
    """A DataFrame of ``rows`` with exactly ``columns`` (name -> kind: string, number,
    bool, datetime, list, int), typed as record frames are (``int`` is ``Int64``)."""
    arrays = [
        pa.array([_value(kind, row.get(name)) for row in rows], type=_KINDS[kind])
        for name, kind in columns.items()
    ]
    table = pa.Table.from_arrays(arrays, names=list(columns))

    def dtype(arrow_type: pa.DataType) -> Any:
        return pd.Int64Dtype() if arrow_type == pa.int64() else pandas_dtype(arrow_type)

    return table.to_pandas(types_mapper=dtype)
