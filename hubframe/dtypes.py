"""THE dtype table: HubSpot property type -> pandas dtype and Arrow type.

Every column hubframe builds gets its type from HubSpot's property definitions
(HubSpot's properties endpoint), never from guessing at values. This
module holds the one table that maps a HubSpot property type to a pandas dtype
and an Arrow type (the README copies this table)::

    | HubSpot type | fieldType | pandas dtype | Arrow type |
    |---|---|---|---|
    | number | any | `Float64` | `float64` |
    | bool | any | `boolean` | `bool` |
    | datetime | any | `datetime64[ms, UTC]` | `timestamp("ms", "UTC")` |
    | date | any | `date32[day][pyarrow]` | `date32` |
    | enumeration | checkbox (multi-select) | `list<item: string>[pyarrow]` | `list_(string)` |
    | enumeration | any other | `string` | `string` |
    | string, phone_number | any | `string` | `string` |
    | anything else (object_coordinates, json, new types) | any | `string` | `string` |
    | `id`, `hs_object_id` | — | `string` | `string` |
    | `createdAt`, `updatedAt` | — | `datetime64[ms, UTC]` | `timestamp("ms", "UTC")` |
    | `archived` | — | `boolean` | `bool` |
    | `associations.<type>` | — | `list<item: string>[pyarrow]` | `list_(string)` |

``string`` is ``pd.StringDtype("pyarrow")`` everywhere (missing values are
``pd.NA``, like the other nullable dtypes). Value rules, applied by
:mod:`hubframe._parse` (through :mod:`hubframe.frames`): a missing property, ``null`` and ``""`` (HubSpot's
"cleared") are all null in every column type; multi-select values are split on
``;`` with empty items dropped (``";a;b"`` is ``["a", "b"]``); ``hs_object_id``
is a string like ``id`` although HubSpot defines it as a number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pandas as pd
import pyarrow as pa

__all__ = [
    "COLUMN_TYPES",
    "DTYPES",
    "FIXED_COLUMNS",
    "ColumnType",
    "column_type",
    "kind_of",
    "pandas_dtype",
]


@dataclass(frozen=True)
class ColumnType:
    """One row of the dtype table.

    Attributes:
        kind: how values are parsed: ``number``, ``bool``, ``datetime``, ``date``,
            ``multi`` (``;``-separated list) or ``string``.
        arrow: the Arrow type of the column.
        pandas: the pandas dtype of the column.
    """

    kind: str
    arrow: pa.DataType
    pandas: Any


_NUMBER = ColumnType("number", pa.float64(), pd.Float64Dtype())
_BOOL = ColumnType("bool", pa.bool_(), pd.BooleanDtype())
_DATETIME = ColumnType("datetime", pa.timestamp("ms", "UTC"), pd.DatetimeTZDtype("ms", "UTC"))
_DATE = ColumnType("date", pa.date32(), pd.ArrowDtype(pa.date32()))
_MULTI = ColumnType("multi", pa.list_(pa.string()), pd.ArrowDtype(pa.list_(pa.string())))
_STRING = ColumnType("string", pa.string(), pd.StringDtype("pyarrow"))

#: THE dtype table: ``(HubSpot type, fieldType)`` -> :class:`ColumnType`. ``None`` as the
#: fieldType means "any fieldType"; ``(None, None)`` is the fallback for types HubSpot may add.
DTYPES: Mapping[tuple[str | None, str | None], ColumnType] = MappingProxyType(
    {
        ("number", None): _NUMBER,
        ("bool", None): _BOOL,
        ("datetime", None): _DATETIME,
        ("date", None): _DATE,
        ("enumeration", "checkbox"): _MULTI,
        ("enumeration", None): _STRING,
        ("string", None): _STRING,
        ("phone_number", None): _STRING,
        (None, None): _STRING,
    }
)

#: Columns that do not come from a property definition, and properties whose definition
#: type is overridden (``hs_object_id`` is defined as a number but is an id).
FIXED_COLUMNS: Mapping[str, ColumnType] = MappingProxyType(
    {
        "id": _STRING,
        "hs_object_id": _STRING,
        "createdAt": _DATETIME,
        "updatedAt": _DATETIME,
        "archived": _BOOL,
        "associations.*": _MULTI,
    }
)


def column_type(
    type_: str | None, field_type: str | None = None, name: str | None = None
) -> ColumnType:
    """Look a property up in the dtype table.

    Args:
        type_: HubSpot's ``type`` (``number``, ``enumeration``, ...).
        field_type: HubSpot's ``fieldType`` (``checkbox``, ``select``, ...).
        name: the property name (``hs_object_id`` is always a string).

    Returns:
        The :class:`ColumnType` row.
    """
    if name == "hs_object_id":
        return FIXED_COLUMNS["hs_object_id"]
    return DTYPES.get((type_, field_type)) or DTYPES.get((type_, None)) or DTYPES[(None, None)]


#: Every column type hubframe builds, once each.
COLUMN_TYPES: tuple[ColumnType, ...] = tuple(
    {id(ct): ct for ct in (*DTYPES.values(), *FIXED_COLUMNS.values())}.values()
)


def kind_of(arrow_type: pa.DataType) -> str | None:
    """The parsing kind of a column from its Arrow type (the table is one-to-one), or None."""
    for ct in COLUMN_TYPES:
        if arrow_type == ct.arrow:
            return ct.kind
    return None


def pandas_dtype(arrow_type: pa.DataType) -> Any:
    """``types_mapper`` for ``to_pandas``: the pandas dtype of each Arrow type in the table."""
    for ct in COLUMN_TYPES:
        if arrow_type == ct.arrow:
            return ct.pandas
    return None
