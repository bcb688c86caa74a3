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
    | id properties: `associatedcompanyid`, `hubspot_owner_id`, ... | — | `string` | `string` |
    | multi-id properties: `hs_merged_object_ids`, `hs_all_owner_ids`, ... | — | `list<item: string>[pyarrow]` | `list_(string)` |
    | `createdAt`, `updatedAt` | — | `datetime64[ms, UTC]` | `timestamp("ms", "UTC")` |
    | `archived` | — | `boolean` | `bool` |
    | `associations.<type>` | — | `list<item: string>[pyarrow]` | `list_(string)` |

``string`` is ``pd.StringDtype("pyarrow")`` everywhere (missing values are
``pd.NA``, like the other nullable dtypes). Value rules, applied by
:mod:`hubframe._parse` (through :mod:`hubframe.frames`): a missing property, ``null`` and ``""`` (HubSpot's
"cleared") are all null in every column type; multi-select values are split on
``;`` with empty items dropped (``";a;b"`` is ``["a", "b"]``).

**One id dtype.** Every column that holds record, owner, user or team ids has the
dtype of ``id`` (``string``), so ``contacts.merge(companies,
left_on="associatedcompanyid", right_on="id")`` works without a cast and any id column
feeds straight back into ``get_many``, ``lists.add`` and ``associations``. HubSpot
defines most of these properties as ``number`` (or as an ``enumeration`` whose
options are owner ids), so their definition alone would make them ``Float64``
(``5075.0``): :data:`ID_PROPERTIES` names them, with the reason for each. Their
values are read as exact integer strings, never through a float (``"5075"`` and
``"5075.0"`` are ``"5075"``; ``"12.5"`` is a bad cell). Pipeline and stage ids
(``pipeline``, ``dealstage``, ``hs_pipeline``, ``hs_pipeline_stage``) are not
listed: they are ``string`` already and hold names such as ``default`` as often as
numbers.
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
    "ID_KIND",
    "ID_PROPERTIES",
    "KIND_KEY",
    "MULTI_ID_KIND",
    "ColumnType",
    "column_type",
    "field_kind",
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

#: The parsing kinds of id columns. They share the Arrow and pandas types of ``string``
#: and ``multi`` (the table is one-to-one by type for every other kind), so a schema
#: field says it holds ids in its metadata (:data:`KIND_KEY`).
ID_KIND = "id"
MULTI_ID_KIND = "multi_id"
#: The schema field metadata key naming an id column's kind (read by :func:`field_kind`).
KIND_KEY = b"hubframe_kind"
_ID = ColumnType(ID_KIND, _STRING.arrow, _STRING.pandas)
_MULTI_ID = ColumnType(MULTI_ID_KIND, _MULTI.arrow, _MULTI.pandas)

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

#: Properties that hold ids, whatever their definition says: their column has the id
#: dtype (``string``, exact integer strings) or, for ``;``-joined ids, a list of them.
#: Each with the reason (HubSpot's definition type, and what the values are). A name
#: the portal does not define is simply never asked for.
ID_PROPERTIES: Mapping[str, ColumnType] = MappingProxyType(
    {
        # number: the record's own id (the same value as ``id``).
        "hs_object_id": _ID,
        # number: the contact's primary company (a company id).
        "associatedcompanyid": _ID,
        # number: the primary associated contact / deal of engagements and tickets in
        # older portals (unconfirmed which types still define them; ids when they do).
        "associatedcontactid": _ID,
        "associateddealid": _ID,
        # enumeration (fieldType select) whose options are the portal's owner ids.
        "hubspot_owner_id": _ID,
        # number: the product a line item sells (a product id).
        "hs_product_id": _ID,
        # enumeration (select) of team ids.
        "hubspot_team_id": _ID,
        # number: the user (not owner) who created / last updated the record.
        "hs_created_by_user_id": _ID,
        "hs_updated_by_user_id": _ID,
        # enumeration (checkbox) or string of ``;``-joined record ids merged into this one.
        "hs_merged_object_ids": _MULTI_ID,
        # enumeration (checkbox) of ``;``-joined owner / team / user ids.
        "hs_all_owner_ids": _MULTI_ID,
        "hs_all_team_ids": _MULTI_ID,
        "hs_all_accessible_team_ids": _MULTI_ID,
        "hs_user_ids_of_all_owners": _MULTI_ID,
    }
)

#: Columns that do not come from a property definition.
FIXED_COLUMNS: Mapping[str, ColumnType] = MappingProxyType(
    {
        "id": _STRING,
        "hs_object_id": _ID,
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
        name: the property name (an id property of :data:`ID_PROPERTIES` is always an id
            column).

    Returns:
        The :class:`ColumnType` row.
    """
    if name is not None and name in ID_PROPERTIES:
        return ID_PROPERTIES[name]
    return DTYPES.get((type_, field_type)) or DTYPES.get((type_, None)) or DTYPES[(None, None)]


#: Every column type hubframe builds, once each (the id kinds last: by Arrow type alone a
#: column is ``string`` or ``multi``).
COLUMN_TYPES: tuple[ColumnType, ...] = tuple(
    {
        id(ct): ct for ct in (*DTYPES.values(), *FIXED_COLUMNS.values(), *ID_PROPERTIES.values())
    }.values()
)
_ID_KINDS = (ID_KIND, MULTI_ID_KIND)


def kind_of(arrow_type: pa.DataType) -> str | None:
    """The parsing kind of a column from its Arrow type (never an id kind), or None."""
    for ct in COLUMN_TYPES:
        if arrow_type == ct.arrow and ct.kind not in _ID_KINDS:
            return ct.kind
    return None


def field_kind(field: pa.Field) -> str | None:
    """The parsing kind of a schema field: an id kind from its metadata, else by Arrow type."""
    meta = field.metadata or {}
    kind = meta.get(KIND_KEY)
    if kind is not None and kind.decode() in _ID_KINDS:
        return kind.decode()
    return kind_of(field.type)


def pandas_dtype(arrow_type: pa.DataType) -> Any:
    """``types_mapper`` for ``to_pandas``: the pandas dtype of each Arrow type in the table."""
    for ct in COLUMN_TYPES:
        if arrow_type == ct.arrow:
            return ct.pandas
    return None
