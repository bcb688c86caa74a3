"""The search form: one object type, one property, an operator and a value; pick records.

Its selection feeds the list and workflow forms (:func:`follow`), so a user
searches once and acts on the records picked.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import ipywidgets as W
import pandas as pd
from traitlets import TraitError

from ..client import HubSpot
from ..errors import InputError
from ..object_types import STANDARD_TYPES
from ..properties import Property, normalize_object_type
from ..resources import OPERATORS
from ..validate import check_max_records, is_missing
from .base import Form
from .controls import (
    DATE_LABELS,
    OPERATOR_LABELS,
    PRESENCE,
    WIDE,
    many_widget,
    operators_for,
    read,
    value_hint,
    value_widget,
    write,
)
from .render import table

__all__ = ["SearchForm", "check_source", "follow"]

#: The property a new search filters on, per object type.
_DEFAULT_FIELD = {"contacts": "email", "companies": "domain", "deals": "dealname"}


class SearchForm(Form):
    """Search one object type and pick records from the result.

    Args:
        hs: the client.
        object_type: ``contacts``, ``companies`` or ``deals``.
        field: the property to filter on (its name; the dropdown shows labels).
        operator: a HubSpot operator (``EQ``, ``GT``, ``IN``, ``HAS_PROPERTY``, ...); the
            dropdown offers those that fit the property's type.
        value: the value to compare with (a list for ``IN``, ``(low, high)`` for ``BETWEEN``).
        properties: the property names to show (None: HubSpot's search defaults).
        max_records: stop after this many matches (None: all).

    Attributes:
        result: the DataFrame of the last search (with a ``<column>_label`` column after each
            enumeration, owner and stage column; the table shows the labels).
        selected: the selected rows of ``result`` (a DataFrame).
        shown: the names of the properties a search returns (the "Show" box holds their labels
            as tags; set it to a list of names).

    Example::

        form = SearchForm(hs, object_type="contacts", field="lastname", value="Smith")
        form.submit()
    """

    def __init__(
        self,
        hs: HubSpot,
        *,
        object_type: str = "contacts",
        field: str | None = None,
        operator: str | None = None,
        value: Any = None,
        properties: Iterable[str] | None = None,
        max_records: int | None = None,
    ):
        if operator is not None and (
            not isinstance(operator, str) or operator.upper() not in OPERATORS
        ):
            raise InputError(f"operator={operator!r:.100}: use one of {', '.join(OPERATORS)}")
        max_records = check_max_records(max_records)
        super().__init__(hs, "Search", "search")
        self.max_records = max_records
        self._selection_callbacks: list[Callable[[pd.DataFrame], Any]] = []
        self._loading = False
        self.object_type = W.Dropdown(
            description="Object", options=[(t.label, t.name) for t in STANDARD_TYPES],
            value=normalize_object_type(object_type),
        )  # fmt: skip
        self.field = W.Dropdown(description="Property", layout=WIDE)
        self.operator = W.Dropdown(description="Operator")
        self.value_box = W.HBox()
        # Tags, not a multi-select: a multi-select shows its picked rows in grey once it loses
        # focus, so a user cannot tell what is picked; a tag per shown property can be read
        # and removed, and the box offers the other properties as the user types.
        self.properties = W.TagsInput(description="Show", allow_duplicates=False, layout=WIDE)
        self._show_names: dict[str, str] = {}
        self.selection = W.SelectMultiple(
            description="Records", rows=8, layout=W.Layout(width="48em")
        )
        self.select_all = W.Button(description="Select all", icon="check-square")
        self.select_none = W.Button(description="Clear selection", icon="square")
        self.select_all.on_click(
            lambda _b: setattr(
                self.selection, "value", tuple(v for _l, v in self.selection.options)
            )
        )
        self.select_none.on_click(lambda _b: setattr(self.selection, "value", ()))
        # The record picker shows once there are records to pick.
        self._picker = W.HBox(
            [self.selection, W.VBox([self.select_all, self.select_none])],
            layout=W.Layout(display="none"),
        )
        self._value_widgets: list[W.Widget] = []
        self._load_type(field=field, operator=operator, properties=properties)
        if value is not None:
            self.value = value
        self.object_type.observe(lambda _c: self._load_type(), names="value")
        self.field.observe(self._on_field, names="value")
        self.operator.observe(lambda _c: self._build_value(), names="value")
        self.selection.observe(self._on_selection, names="value")
        self._layout(
            self.object_type, self.field, self.operator, self.value_box, _labelled("Show", self.properties),
            results=(self._picker,),
        )  # fmt: skip

    # -- controls -----------------------------------------------------------------------

    @property
    def _resource(self) -> Any:
        return self._hs.objects(self.object_type.value)

    def _prop(self) -> Property | None:
        props = self._attempt(
            lambda: self._resource.props, f"the {self.object_type.value} properties"
        )
        return props.get(self.field.value) if props is not None and self.field.value else None

    def _load_type(
        self,
        *,
        field: str | None = None,
        operator: str | None = None,
        properties: Iterable[str] | None = None,
    ) -> None:
        """Fill the property dropdowns for the chosen object type."""
        kind = self.object_type.value
        resource = self._resource
        props = self._attempt(lambda: resource.props, f"the {kind} properties")
        self._loading = True
        try:
            visible = sorted(
                (p for p in props or () if not p.hidden), key=lambda p: (p.label.lower(), p.name)
            )
            seen: dict[str, int] = {}
            for p in visible:
                seen[p.label] = seen.get(p.label, 0) + 1
            # Labels are shown, names are used; a label two properties share gets the name too.
            options = [
                (p.label if seen[p.label] == 1 else f"{p.label} ({p.name})", p.name)
                for p in visible
            ]
            names = [name for _label, name in options]
            self.field.options = options
            if field is not None and props is not None:
                props.resolve([field], default=[])  # an unknown name raises with suggestions
                if field not in names:
                    self.field.options = [*options, (props[field].label, field)]
            default = _DEFAULT_FIELD.get(kind)
            self.field.value = field or (
                default if default in names else (names[0] if names else None)
            )
            if properties is not None and props is not None:
                shown = resource.names(
                    properties, search=True
                )  # a bad name raises with suggestions
            else:
                shown = self._attempt(
                    lambda: resource.names(properties, search=True), "the properties to show"
                )
            shown = [n for n in shown or () if n in names]
            label = dict((name, text) for text, name in options)
            self._show_names = {text: name for text, name in options}
            self.properties.value = []
            self.properties.allowed_tags = [text for text, _name in options]
            self.properties.value = [label[n] for n in shown]
        finally:
            self._loading = False
        self._set_operators(operator)
        self._clear_result()

    def _on_field(self, _change: Any) -> None:
        if not self._loading:
            self._set_operators(None)

    def _set_operators(self, operator: str | None) -> None:
        prop = self._prop()
        ops = operators_for(prop) if prop is not None else ["EQ"]
        labels = {
            **OPERATOR_LABELS,
            **(DATE_LABELS if prop is not None and prop.type in ("date", "datetime") else {}),
        }
        keep = operator.upper() if operator else self.operator.value
        if operator and keep not in ops:
            ops.append(keep)  # a caller's choice is kept; search() will judge it
        self._loading = True
        try:
            self.operator.options = [(f"{labels.get(op, op)} ({op})", op) for op in ops]
            self.operator.value = keep if keep in ops else ops[0]
        finally:
            self._loading = False
        self._build_value()

    def _build_value(self) -> None:
        """The value widget(s) that fit the property's type and the operator."""
        if self._loading:
            return
        prop, op = self._prop(), self.operator.value
        if op in PRESENCE:
            widgets: list[W.Widget] = []
        elif op == "BETWEEN":
            widgets = [value_widget(prop, "Between"), value_widget(prop, "and")]
        elif op in ("IN", "NOT_IN"):
            widgets = [many_widget(prop)]
        elif op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
            widgets = [W.Text(description="Word", placeholder="a whole word")]
        else:
            widgets = [value_widget(prop, "Value")]
        self._value_widgets = widgets
        self.value_box.children = widgets

    @property
    def value(self) -> Any:
        """The value the search compares with, as ``search(value=...)`` takes it."""
        op, ws = self.operator.value, self._value_widgets
        if op in PRESENCE or not ws:
            return None
        if op == "BETWEEN":
            return (read(ws[0]), read(ws[1]))
        if op in ("IN", "NOT_IN"):
            w = ws[0]
            if isinstance(w, W.SelectMultiple):
                return list(w.value)
            return [
                v.strip() for v in re.split(r"[,;\n]", w.value) if v.strip()
            ]  # "New York" is one value
        return read(ws[0])

    @value.setter
    def value(self, value: Any) -> None:
        op, ws = self.operator.value, self._value_widgets
        if op in PRESENCE or not ws:
            return
        try:
            if op == "BETWEEN":
                low, high = value
                write(ws[0], low)
                write(ws[1], high)
            elif op in ("IN", "NOT_IN"):
                items = [value] if isinstance(value, str) else list(value)
                w = ws[0]
                w.value = (
                    tuple(items) if isinstance(w, W.SelectMultiple) else ", ".join(map(str, items))
                )
            else:
                write(ws[0], value)
        except (TypeError, ValueError, TraitError):
            raise InputError(
                f"value={value!r:.100} does not fit {self.field.value} with operator {op}: "
                f"{value_hint(self._prop(), op)}"
            ) from None

    # -- running ------------------------------------------------------------------------

    @property
    def shown(self) -> list[str]:
        """The names of the properties the result will hold (the "Show" box's tags)."""
        return [
            self._show_names[text] for text in self.properties.value if text in self._show_names
        ]

    @shown.setter
    def shown(self, names: Iterable[str]) -> None:
        label = {name: text for text, name in self._show_names.items()}
        unknown = [n for n in names if n not in label]
        if unknown:
            raise InputError(
                f"shown={unknown!r:.100}: not a visible {self.object_type.value} property; "
                "pick from the Show box's suggestions"
            )
        self.properties.value = [label[n] for n in names]

    def _run(self) -> pd.DataFrame:
        shown = self.shown
        if shown and self.field.value not in shown:
            shown.append(self.field.value)  # a user checks the matches by the searched column
        # Labels: the table shows "Customer", not the stored "customer" (the result keeps both).
        return self._resource.search(
            self.field.value, self.value, operator=self.operator.value,
            properties=shown or None, max_records=self.max_records, labels=True,
        )  # fmt: skip

    def _clear_result(self) -> None:
        self.result = None
        self.table.value = ""
        self.selection.options = []
        self._picker.layout.display = "none"

    def _show(self, result: pd.DataFrame) -> str:
        labels = {p.name: p.label for p in self._resource.props}
        self.table.value = table(result, {**labels, "id": "ID"}) if len(result) else ""
        self.selection.options = [
            (_row_label(row), str(row["id"])) for row in result.to_dict("records")
        ]
        self._picker.layout.display = "flex" if len(result) else "none"
        total = result.attrs.get("total", len(result))
        found = f"{len(result)} {self.object_type.value} found"
        if total != len(result):
            found += f" (HubSpot counts {total}; stopped at max_records={self.max_records})"
        return found + (": select the ones to use below." if len(result) else ".")

    # -- selection ----------------------------------------------------------------------

    @property
    def selected(self) -> pd.DataFrame:
        """The rows of ``result`` selected in the form (all columns), in result order."""
        if self.result is None:
            return pd.DataFrame({"id": pd.Series([], dtype="string")})
        chosen = set(self.selection.value)
        return self.result[self.result["id"].isin(chosen)]

    def on_selection(self, callback: Callable[[pd.DataFrame], Any]) -> None:
        """Call ``callback(selected_rows)`` whenever the selection changes."""
        self._selection_callbacks.append(callback)

    def _on_selection(self, _change: Any) -> None:
        rows = self.selected
        for callback in self._selection_callbacks:
            callback(rows)


def _labelled(text: str, widget: W.Widget) -> W.HBox:
    """``widget`` after a label placed like the other controls' descriptions (a tags box has none)."""
    label = W.HTML(
        f'<div style="text-align:right;padding-right:8px">{text}</div>',
        layout=W.Layout(width="var(--jp-widgets-inline-label-width, 80px)", flex="0 0 auto"),
    )
    return W.HBox([label, widget])


def _row_label(row: dict[str, Any]) -> str:
    """``id · first few values`` so a user recognises a record in the selection list."""
    skip = {"id", "hs_object_id", "createdate", "lastmodifieddate", "hs_lastmodifieddate",
            "createdAt", "updatedAt", "archived"}  # fmt: skip
    parts = [str(row["id"])]
    for key, val in row.items():
        if key in skip or key.endswith("_label") or is_missing(val):
            continue
        text = row.get(f"{key}_label")
        parts.append(str(val if is_missing(text) else text))
        if len(parts) == 4:
            break
    return " · ".join(parts)


# -- feeding other forms -----------------------------------------------------------------------


def check_source(source: Any) -> None:
    """Refuse a source that is neither None, a SearchForm nor a DataFrame (before any request)."""
    if source is not None and not isinstance(source, (SearchForm, pd.DataFrame)):
        raise InputError(
            f"source={source!r:.100} ({type(source).__name__}): use a SearchForm or a DataFrame with "
            "the records' ids (and emails), or leave it out"
        )


def follow(source: Any, fill: Callable[[pd.DataFrame], None]) -> None:
    """Fill a form from a source once (a DataFrame) or on every selection (a SearchForm)."""
    if source is None:
        return
    if isinstance(source, SearchForm):
        source.on_selection(fill)
    elif isinstance(source, pd.DataFrame):
        fill(source)
    else:
        raise InputError(f"source must be a SearchForm or a DataFrame, not {type(source).__name__}")
