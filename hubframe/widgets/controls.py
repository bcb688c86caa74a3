"""The value widgets of the forms, and reading and writing their values.

Which operators fit a property, how they are labelled, which input widget fits a
property's type, how a typed value goes into a widget and comes back out, and the
id boxes that offer "Name (id)" and also take a typed id.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

import ipywidgets as W

from ..errors import InputError
from ..properties import Property

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "DATE_LABELS",
    "OPERATOR_LABELS",
    "PRESENCE",
    "WIDE",
    "chosen",
    "id_box",
    "label",
    "many_widget",
    "offer",
    "operators_for",
    "read",
    "tokens",
    "value_hint",
    "value_widget",
    "write",
]

OPERATOR_LABELS = {
    "EQ": "is", "NEQ": "is not", "LT": "is less than", "LTE": "is at most",
    "GT": "is greater than", "GTE": "is at least", "BETWEEN": "is between",
    "IN": "is any of", "NOT_IN": "is none of", "HAS_PROPERTY": "is known",
    "NOT_HAS_PROPERTY": "is unknown", "CONTAINS_TOKEN": "contains the word",
    "NOT_CONTAINS_TOKEN": "does not contain the word",
}  # fmt: skip
#: Labels that read better for dates and datetimes.
DATE_LABELS = {
    "LT": "is before",
    "LTE": "is on or before",
    "GT": "is after",
    "GTE": "is on or after",
}
#: Operators that take no value.
PRESENCE = ("HAS_PROPERTY", "NOT_HAS_PROPERTY")
WIDE = W.Layout(width="32em")


def operators_for(prop: Property) -> list[str]:
    """The search operators that make sense for a property's type, the default first.

    Args:
        prop: a property definition.

    Returns:
        HubSpot operator names, e.g. ``["EQ", "NEQ", "LT", ...]`` for a number.

    Raises:
        InputError: ``prop`` is not a property definition.
    """
    if not isinstance(prop, Property):
        raise InputError(
            f"prop={prop!r:.100}: pass a property definition, e.g. hs.properties('contacts')['email']"
        )
    if prop.type == "number":
        return ["EQ", "NEQ", "GT", "GTE", "LT", "LTE", "BETWEEN", *PRESENCE]
    if prop.type == "date":
        return ["EQ", "GT", "GTE", "LT", "LTE", "BETWEEN", *PRESENCE]
    if prop.type == "datetime":  # equality to the millisecond is never what a user means
        return ["GTE", "GT", "LT", "LTE", "BETWEEN", *PRESENCE]
    if prop.type == "bool":
        return ["EQ", "NEQ", *PRESENCE]
    if prop.type == "enumeration" and prop.multi:
        return ["IN", "NOT_IN", *PRESENCE]
    if prop.type == "enumeration":
        return ["EQ", "NEQ", "IN", "NOT_IN", *PRESENCE]
    return ["EQ", "NEQ", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN", "IN", "NOT_IN", *PRESENCE]


def tokens(text: str) -> list[str]:
    """Values typed or pasted one per line, or separated by commas, semicolons or spaces."""
    return [t for t in re.split(r"[\s,;]+", text or "") if t]


# -- value inputs ------------------------------------------------------------------------------


def value_hint(prop: Property | None, op: str) -> str:
    """What a search value for ``prop`` and ``op`` should look like, in words."""
    kind = prop.type if prop is not None else "string"
    if kind == "number":
        one = "a number, e.g. 10"
    elif kind in ("date", "datetime"):
        one = "a date, e.g. '2024-05-01' or datetime.date(2024, 5, 1)"
    elif kind == "bool":
        one = "True or False"
    elif kind == "enumeration" and prop is not None and prop.options:
        shown = ", ".join(map(repr, prop.options[:8])) + (" ..." if len(prop.options) > 8 else "")
        one = f"one of its options ({shown})"
    else:
        one = "text"
    if op == "BETWEEN":
        return f"give (low, high), each {one}"
    if op in ("IN", "NOT_IN"):
        return f"give a list, each item {one}"
    return f"give {one}"


def value_widget(prop: Property | None, label: str) -> W.Widget:
    """One value input that fits the property's type."""
    kind = prop.type if prop is not None else "string"
    if kind == "number":
        return W.FloatText(description=label)
    if kind in ("date", "datetime"):
        return W.DatePicker(description=label)
    if kind == "bool":
        return W.ToggleButtons(
            description=label, options=[("Yes", True), ("No", False)], value=True
        )
    if kind == "enumeration" and prop is not None and prop.options:
        return W.Dropdown(description=label, options=_option_pairs(prop), layout=WIDE)
    return W.Text(description=label, layout=WIDE)


def many_widget(prop: Property | None) -> W.Widget:
    """The input for several values (``IN``, ``NOT_IN``): a multi-select of options, or text."""
    if prop is not None and prop.type == "enumeration" and prop.options:
        return W.SelectMultiple(
            description="Values",
            options=_option_pairs(prop),
            rows=min(6, len(prop.options)),
            layout=WIDE,
        )
    return W.Text(
        description="Values", placeholder="several values, separated by commas", layout=WIDE
    )


def _option_pairs(prop: Property) -> list[tuple[str, str]]:
    labels = prop.option_labels if len(prop.option_labels) == len(prop.options) else prop.options
    return [(text or value, value) for text, value in zip(labels, prop.options, strict=True)]


def read(widget: W.Widget) -> Any:
    """A widget's value as a search takes it (text stripped)."""
    value = widget.value
    if isinstance(widget, W.Text) and isinstance(value, str):
        return value.strip()
    return value


def write(widget: W.Widget, value: Any) -> None:
    """Put a caller's value into a widget, converted to what the widget holds.

    Raises:
        TypeError, ValueError, traitlets.TraitError: the value does not fit the widget.
    """
    if isinstance(widget, W.DatePicker) and isinstance(value, str):
        value = dt.date.fromisoformat(value.strip()[:10])
    elif isinstance(widget, W.DatePicker) and isinstance(value, dt.datetime):
        value = value.date()
    elif isinstance(widget, W.FloatText):
        value = float(value)
    elif isinstance(widget, W.Text):
        value = str(value)
    elif isinstance(widget, W.ToggleButtons) and isinstance(value, str):
        value = value.strip().lower() == "true"
    widget.value = value


# -- id boxes ----------------------------------------------------------------------------------


def id_box(description: str, placeholder: str) -> W.Combobox:
    """A box that offers named ids ("Newsletter (12)") and also takes a typed id."""
    return W.Combobox(
        description=description, placeholder=placeholder, ensure_option=False, layout=WIDE
    )


def offer(box: W.Combobox, catalogue: pd.DataFrame | None, id_column: str) -> dict[str, str]:
    """Offer a catalogue's rows in ``box`` as "Name (id)"; returns id -> name."""
    rows = [] if catalogue is None else catalogue.to_dict("records")
    names = {str(row[id_column]): str(row["name"]) for row in rows}
    box.options = [label(names, ident) for ident in names]
    return names


def label(names: dict[str, str], ident: str) -> str:
    """``Name (id)`` for a known id, else the id as given."""
    return f"{names[ident]} ({ident})" if ident in names else ident


def chosen(box: W.Combobox, names: dict[str, str]) -> str:
    """The id in ``box``: a picked "Name (id)" or a typed id."""
    text = box.value.strip()
    return next((ident for ident in names if label(names, ident) == text), text)
