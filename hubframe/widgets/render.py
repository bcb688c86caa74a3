"""What a form shows: result tables, counts, previews and errors in plain words."""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from ..errors import (
    AuthenticationError,
    HubFrameError,
    HubSpotConnectionError,
    HubSpotError,
    MissingScopesError,
    NotFoundError,
)

__all__ = ["TABLE_ROWS", "counts", "describe_error", "preview_html", "table"]

#: Rows drawn in a result table; the whole result stays in ``form.result``.
TABLE_ROWS = 200

#: Columns left out of tables: repeats of ``id`` and of the create/modify dates, and ``archived``.
_NOT_SHOWN = ("hs_object_id", "createdAt", "updatedAt", "archived")
_TABLE_STYLE = (
    "<style>.hubframe-table{border-collapse:collapse;font-size:12px;line-height:1.4}"
    ".hubframe-table th,.hubframe-table td{padding:3px 10px;border-bottom:1px solid #e3e6ea;"
    "text-align:left;white-space:nowrap}"
    ".hubframe-table thead th{background:#f3f5f7;position:sticky;top:0}</style>"
)


def describe_error(exc: BaseException) -> str:
    """An error in plain words for a form: what went wrong and what to do next.

    HubSpot errors are shown by their message and hint, never by the request or
    a traceback; hubframe errors never hold the token.
    """
    if isinstance(exc, HubSpotError):
        hint = exc.hint()
        if isinstance(exc, AuthenticationError):
            return f"HubSpot did not accept the access token. {hint}"
        if isinstance(exc, MissingScopesError):
            return hint
        if isinstance(exc, NotFoundError):
            return f"Not found: {exc.message}" + (f" {hint}" if hint else "")
        if isinstance(exc, HubSpotConnectionError):
            return f"Could not reach HubSpot: {exc.message}"
        return f"HubSpot said: {exc.message}" + (f" {hint}" if hint else "")
    if isinstance(exc, HubFrameError):
        return str(exc)
    return f"Unexpected error ({type(exc).__name__}): {exc}. The details are in the hubframe log."


def table(df: pd.DataFrame, labels: dict[str, str] | None = None) -> str:
    """A result as an HTML table a person reads: labels for headers, short times, no repeats.

    The DataFrame itself (``form.result``) keeps every column and dtype; where it holds a
    ``<column>_label`` column, the table shows the label under the column's header.
    """
    shown = df.head(TABLE_ROWS).drop(columns=[c for c in _NOT_SHOWN if c in df.columns])
    # A column with a label column beside it shows the label ("Customer", not "customer").
    labelled = {f"{c}_label" for c in shown.columns if f"{c}_label" in shown.columns}
    cells: dict[str, pd.Series] = {}
    for name in shown.columns:
        if name in labelled:
            continue
        col, header = shown[name], (labels or {}).get(name, name)
        if f"{name}_label" in labelled:
            col = (
                shown[f"{name}_label"]
                .astype(object)
                .where(shown[f"{name}_label"].notna(), col.astype(object))
            )
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            col, header = col.dt.strftime("%Y-%m-%d %H:%M"), f"{header} (UTC)"
        else:
            col = col.astype(object).map(_cell)
        cells[header] = col
    body = pd.DataFrame(cells).to_html(
        index=False, na_rep="", border=0, classes="hubframe-table", escape=True
    )
    more = (
        f"<div>Showing the first {len(shown)} of {len(df)} rows.</div>"
        if len(df) > len(shown)
        else ""
    )
    return f'{_TABLE_STYLE}<div style="max-height:24em;overflow:auto">{body}</div>{more}'


def _cell(value: Any) -> Any:
    if isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray":
        return "; ".join(map(str, value))  # a multi-select, as HubSpot writes it
    return value


def counts(series: pd.Series) -> str:
    """``3 added, 1 not found``: how often each value occurs, in order of appearance."""
    return ", ".join(f"{n} {name}" for name, n in series.value_counts(sort=False).items())


def preview_html(text: str) -> str:
    """The line under a form that says what a run would do."""
    return (
        f'<div class="hubframe-preview" style="color:#555">{html.escape(text, quote=False)}</div>'
    )
