"""The rows of a many-record write: records from a DataFrame or a list of dicts, encoded.

One reading of the input for every write (create, update, upsert): an empty cell
(None, NaN, ``pd.NA``, ``NaT``) is left out, so it leaves that property as it is;
:data:`hubframe.CLEAR` clears one (see :mod:`hubframe.encode`). Every row is checked
before the first request, and an error names the row.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ..encode import encode_properties
from ..errors import InputError
from ..validate import is_missing

if TYPE_CHECKING:  # pragma: no cover
    from ..properties import PropertySet

__all__ = ["check_unique_columns", "encode_row", "records_to_write"]


def check_unique_columns(df: Any) -> None:
    """A frame whose column names repeat cannot be written: which of two ``email``
    columns is meant? (``to_dict`` would keep one and drop the other without a word.)

    Raises:
        InputError: naming the repeated columns.
    """
    names = [str(c) for c in df.columns]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise InputError(
            f"the DataFrame has more than one column named {', '.join(map(repr, repeated))}: "
            "keep one of each (e.g. df.loc[:, ~df.columns.duplicated()]) or rename the others"
        )


def records_to_write(data: Any) -> list[dict[str, Any]]:
    """Records to write from a DataFrame or a list of dicts, empty cells left out.

    Raises:
        InputError: no rows, or not a DataFrame or list of dicts.
    """
    import pandas as pd

    if isinstance(data, pd.DataFrame):
        check_unique_columns(data)
        if data.empty:
            raise InputError("the DataFrame has no rows to write: pass at least one row")
        records = data.to_dict(orient="records")
    elif isinstance(data, (list, tuple)) and not data:
        raise InputError(
            f"{data!r} holds no records to write: pass a dict, or a list of at least one dict"
        )
    elif isinstance(data, (list, tuple)) and all(isinstance(r, Mapping) for r in data):
        records = list(data)
    else:
        raise InputError(
            "expected a dict (one record), a DataFrame or a list of dicts, not "
            f"{type(data).__name__} {data!r:.100}"
        )
    return [{str(k): v for k, v in rec.items() if not is_missing(v)} for rec in records]


def encode_row(props: PropertySet, n: int, row: Mapping[str, Any]) -> dict[str, str]:
    """One record of a many-record write, checked; an error names the row (nothing is sent yet)."""
    try:
        return encode_properties(props, row, what=f"row {n}")
    except InputError as exc:
        if not str(exc).startswith(f"row {n}"):
            exc.args = (f"row {n}: {exc}",)
        raise
