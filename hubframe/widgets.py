"""Notebook forms: search records, add them to a list, enroll contacts in a workflow.

Each form is controls, one run button and one ``Output`` around a public
function (``hs.<type>.search``, ``hs.lists.add``, ``hs.workflows.enroll``); the
forms never send requests themselves. ``panel(hs)`` puts the three in tabs, with
the records selected in the search feeding the other two::

    from hubframe.widgets import panel
    panel(hs)

Every form pre-fills its fields from keyword arguments, runs from code with
``form.submit()``, keeps the DataFrame of its last run in ``form.result``,
shows errors in plain words (never a traceback, never the token), and calls
``form.on_submit(callback)`` callbacks with each new result.
"""

from __future__ import annotations

import datetime as dt
import html
import logging
import re
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

import ipywidgets as W
from traitlets import TraitError

from .validate import check_email, check_emails, check_ids, check_max_records, is_missing
from .errors import (
    AuthenticationError,
    HubFrameError,
    HubSpotConnectionError,
    HubSpotError,
    InputError,
    MissingScopesError,
    NotFoundError,
)
from .properties import OBJECT_TYPES, normalize_object_type

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .client import HubSpot
    from .properties import Property

__all__ = ["ListForm", "Panel", "SearchForm", "WorkflowForm", "describe_error", "operators_for", "panel"]

log = logging.getLogger("hubframe")

#: Rows drawn in a result table; the whole result stays in ``form.result``.
TABLE_ROWS = 200

_OPERATOR_LABELS = {
    "EQ": "is", "NEQ": "is not", "LT": "is less than", "LTE": "is at most",
    "GT": "is greater than", "GTE": "is at least", "BETWEEN": "is between",
    "IN": "is any of", "NOT_IN": "is none of", "HAS_PROPERTY": "is known",
    "NOT_HAS_PROPERTY": "is unknown", "CONTAINS_TOKEN": "contains the word",
    "NOT_CONTAINS_TOKEN": "does not contain the word",
}  # fmt: skip
_DATE_LABELS = {"LT": "is before", "LTE": "is on or before", "GT": "is after", "GTE": "is on or after"}
_PRESENCE = ("HAS_PROPERTY", "NOT_HAS_PROPERTY")
_DEFAULT_FIELD = {"contacts": "email", "companies": "domain", "deals": "dealname"}
_WIDE = W.Layout(width="32em")


def operators_for(prop: Property) -> list[str]:
    """The search operators that make sense for a property's type, the default first.

    Args:
        prop: a property definition.

    Returns:
        HubSpot operator names, e.g. ``["EQ", "NEQ", "LT", ...]`` for a number.

    Raises:
        InputError: ``prop`` is not a property definition.
    """
    from .properties import Property

    if not isinstance(prop, Property):
        raise InputError(f"prop={prop!r:.100}: pass a property definition, e.g. hs.properties('contacts')['email']")
    if prop.type == "number":
        return ["EQ", "NEQ", "GT", "GTE", "LT", "LTE", "BETWEEN", *_PRESENCE]
    if prop.type == "date":
        return ["EQ", "GT", "GTE", "LT", "LTE", "BETWEEN", *_PRESENCE]
    if prop.type == "datetime":  # equality to the millisecond is never what a user means
        return ["GTE", "GT", "LT", "LTE", "BETWEEN", *_PRESENCE]
    if prop.type == "bool":
        return ["EQ", "NEQ", *_PRESENCE]
    if prop.type == "enumeration" and prop.multi:
        return ["IN", "NOT_IN", *_PRESENCE]
    if prop.type == "enumeration":
        return ["EQ", "NEQ", "IN", "NOT_IN", *_PRESENCE]
    return ["EQ", "NEQ", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN", "IN", "NOT_IN", *_PRESENCE]


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


def _tokens(text: str) -> list[str]:
    """Values typed or pasted one per line, or separated by commas, semicolons or spaces."""
    return [t for t in re.split(r"[\s,;]+", text or "") if t]


def _table(df: pd.DataFrame, labels: dict[str, str] | None = None) -> str:
    """A result as an HTML table a person reads: labels for headers, short times, no repeats.

    The DataFrame itself (``form.result``) keeps every column and dtype.
    """
    import pandas as pd

    shown = df.head(TABLE_ROWS).drop(columns=[c for c in _NOT_SHOWN if c in df.columns])
    cells: dict[str, pd.Series] = {}
    for name in shown.columns:
        col, header = shown[name], (labels or {}).get(name, name)
        if isinstance(col.dtype, pd.DatetimeTZDtype):
            col, header = col.dt.strftime("%Y-%m-%d %H:%M"), f"{header} (UTC)"
        else:
            col = col.astype(object).map(_cell)
        cells[header] = col
    body = pd.DataFrame(cells).to_html(index=False, na_rep="", border=0, classes="hubframe-table", escape=True)
    more = f"<div>Showing the first {len(shown)} of {len(df)} rows.</div>" if len(df) > len(shown) else ""
    return f'{_TABLE_STYLE}<div style="max-height:24em;overflow:auto">{body}</div>{more}'


#: Columns left out of tables: repeats of ``id`` and of the create/modify dates, and ``archived``.
_NOT_SHOWN = ("hs_object_id", "createdAt", "updatedAt", "archived")
_TABLE_STYLE = (
    "<style>.hubframe-table{border-collapse:collapse;font-size:12px;line-height:1.4}"
    ".hubframe-table th,.hubframe-table td{padding:3px 10px;border-bottom:1px solid #e3e6ea;"
    "text-align:left;white-space:nowrap}"
    ".hubframe-table thead th{background:#f3f5f7;position:sticky;top:0}</style>"
)


def _cell(value: Any) -> Any:
    if isinstance(value, (list, tuple)) or type(value).__name__ == "ndarray":
        return "; ".join(map(str, value))  # a multi-select, as HubSpot writes it
    return value


def _counts(series: pd.Series) -> str:
    return ", ".join(f"{n} {name}" for name, n in series.value_counts(sort=False).items())


class _Form(W.VBox):
    """The shared shape of a form: controls, one run button, one Output, a message and a table.

    ``submit()`` is the one way a form runs (the button calls it): it disables
    the button, runs ``_run`` inside the Output (where a progress bar shows),
    keeps the result or shows the error in plain words, and calls the
    ``on_submit`` callbacks.
    """

    def __init__(self, hs: HubSpot, button_label: str, icon: str):
        from .client import HubSpot

        if not isinstance(hs, HubSpot):
            raise InputError(
                f"hs={hs!r:.100}: pass a hubframe.HubSpot client, e.g. hubframe.HubSpot() or "
                "Sandbox().start().client()"
            )
        self._hs = hs
        self._callbacks: list[Callable[[pd.DataFrame], Any]] = []
        self._busy = False
        #: The DataFrame of the last successful run (None before the first).
        self.result: pd.DataFrame | None = None
        #: The error of the last run, if it failed.
        self.error: BaseException | None = None
        self.button = W.Button(description=button_label, icon=icon, button_style="primary")
        self.button.on_click(lambda _button: self.submit())
        self.output = W.Output()
        self.message = W.HTML()
        self.table = W.HTML()
        super().__init__()

    def _layout(self, *controls: W.Widget, results: tuple[W.Widget, ...] = ()) -> None:
        self.children = [*controls, self.button, self.output, self.message, *results, self.table]

    def on_submit(self, callback: Callable[[pd.DataFrame], Any]) -> None:
        """Call ``callback(result)`` after every successful run (button or ``submit()``)."""
        self._callbacks.append(callback)

    def submit(self) -> pd.DataFrame | None:
        """Run the form as if its button was clicked.

        Returns:
            The new result DataFrame, or None when the run failed (the error is shown in
            the form and kept in ``form.error``).

        Raises:
            Exception: only errors that are not hubframe errors (bugs), after showing them.
        """
        if self._busy:
            return None
        self._busy = True
        self.button.disabled = True
        self.error = None
        self._say("Working…")
        self.table.value = ""
        _clear(self.output)
        failure: BaseException | None = None
        try:
            # Exceptions are caught inside the Output: leaving it with one would print a
            # traceback into the form.
            with self.output:
                try:
                    result = self._run()
                except Exception as exc:
                    failure = exc
        finally:
            self._busy = False
            self.button.disabled = False
        if failure is not None:
            self.error = failure
            self._say(describe_error(failure), error=True)
            if not isinstance(failure, HubFrameError):
                log.error("%s failed", type(self).__name__, exc_info=failure)
                raise failure
            return None
        self.result = result
        # The summary comes last: once it shows, the table and everything else are in place.
        self._say(self._show(result))
        for callback in self._callbacks:
            callback(result)
        return result

    def _say(self, text: str, *, error: bool = False) -> None:
        text = self._scrub(text)
        colour = "#b00020" if error else "#1b5e20"
        role = ' role="alert"' if error else ""
        self.message.value = f'<div class="hubframe-message"{role} style="color:{colour}">{html.escape(text, quote=False)}</div>' if text else ""

    def _scrub(self, text: str) -> str:
        """Belt and braces: whatever the text, the token is never shown."""
        return self._hs.scrub(text)

    @property
    def message_text(self) -> str:
        """The message shown in the form, as plain text."""
        return html.unescape(re.sub(r"<[^>]+>", "", self.message.value))

    def _attempt(self, call: Callable[[], Any], what: str) -> Any:
        """Run a set-up call (e.g. loading options); on a hubframe error, say so and return None."""
        try:
            return call()
        except HubFrameError as exc:
            self._say(f"Could not load {what}: {describe_error(exc)}", error=True)
            return None

    def _run(self) -> pd.DataFrame:  # pragma: no cover - every form defines it
        raise NotImplementedError

    def _show(self, result: pd.DataFrame) -> str:  # pragma: no cover - every form defines it
        """Fill the table from a new result; return the one-line summary to show."""
        raise NotImplementedError


def _clear(out: W.Output) -> None:
    """Empty an Output, in a kernel (where a frontend fills it) and outside one."""
    try:
        from IPython import get_ipython

        in_kernel = getattr(get_ipython(), "kernel", None) is not None
    except ImportError:  # pragma: no cover
        in_kernel = False
    if in_kernel:
        out.clear_output()
    else:
        out.outputs = ()


# -- search -----------------------------------------------------------------------------------


class SearchForm(_Form):
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
        result: the DataFrame of the last search.
        selected: the selected rows of ``result`` (a DataFrame).

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
        from .resources import OPERATORS

        if operator is not None and (not isinstance(operator, str) or operator.upper() not in OPERATORS):
            raise InputError(f"operator={operator!r:.100}: use one of {', '.join(OPERATORS)}")
        max_records = check_max_records(max_records)
        super().__init__(hs, "Search", "search")
        self.max_records = max_records
        self._selection_callbacks: list[Callable[[pd.DataFrame], Any]] = []
        self._loading = False
        self.object_type = W.Dropdown(
            description="Object", options=[(t.capitalize(), t) for t in OBJECT_TYPES],
            value=normalize_object_type(object_type),
        )  # fmt: skip
        self.field = W.Dropdown(description="Property", layout=_WIDE)
        self.operator = W.Dropdown(description="Operator")
        self.value_box = W.HBox()
        self.properties = W.SelectMultiple(description="Show", rows=6, layout=_WIDE)
        self.selection = W.SelectMultiple(description="Records", rows=8, layout=W.Layout(width="48em"))
        self.select_all = W.Button(description="Select all", icon="check-square")
        self.select_none = W.Button(description="Clear selection", icon="square")
        self.select_all.on_click(lambda _b: setattr(self.selection, "value", tuple(v for _l, v in self.selection.options)))
        self.select_none.on_click(lambda _b: setattr(self.selection, "value", ()))
        # The record picker shows once there are records to pick.
        self._picker = W.HBox([self.selection, W.VBox([self.select_all, self.select_none])],
                              layout=W.Layout(display="none"))
        self._value_widgets: list[W.Widget] = []
        self._load_type(field=field, operator=operator, properties=properties)
        if value is not None:
            self.value = value
        self.object_type.observe(lambda _c: self._load_type(), names="value")
        self.field.observe(self._on_field, names="value")
        self.operator.observe(lambda _c: self._build_value(), names="value")
        self.selection.observe(self._on_selection, names="value")
        self._layout(
            self.object_type, self.field, self.operator, self.value_box, self.properties,
            results=(self._picker,),
        )  # fmt: skip

    # -- controls -----------------------------------------------------------------------

    @property
    def _resource(self) -> Any:
        return getattr(self._hs, self.object_type.value)

    def _prop(self) -> Property | None:
        props = self._attempt(lambda: self._resource.props, f"the {self.object_type.value} properties")
        return props.get(self.field.value) if props is not None and self.field.value else None

    def _load_type(self, *, field: str | None = None, operator: str | None = None,
                   properties: Iterable[str] | None = None) -> None:
        """Fill the property dropdowns for the chosen object type."""
        kind = self.object_type.value
        resource = self._resource
        props = self._attempt(lambda: resource.props, f"the {kind} properties")
        self._loading = True
        try:
            visible = sorted((p for p in props or () if not p.hidden), key=lambda p: (p.label.lower(), p.name))
            seen: dict[str, int] = {}
            for p in visible:
                seen[p.label] = seen.get(p.label, 0) + 1
            # Labels are shown, names are used; a label two properties share gets the name too.
            options = [(p.label if seen[p.label] == 1 else f"{p.label} ({p.name})", p.name) for p in visible]
            names = [name for _label, name in options]
            self.field.options = options
            if field is not None and props is not None:
                props.resolve([field], default=[])  # an unknown name raises with suggestions
                if field not in names:
                    self.field.options = [*options, (props[field].label, field)]
            default = _DEFAULT_FIELD.get(kind)
            self.field.value = field or (default if default in names else (names[0] if names else None))
            if properties is not None and props is not None:
                shown = resource.names(properties, search=True)  # a bad name raises with suggestions
            else:
                shown = self._attempt(lambda: resource.names(properties, search=True), "the properties to show")
            shown = [n for n in shown or () if n in names]
            # The shown properties come first, so the user sees at once what is picked.
            label = dict((name, text) for text, name in options)
            rest = [(text, name) for text, name in options if name not in shown]
            self.properties.options = [(label[n], n) for n in shown] + rest
            self.properties.value = tuple(shown)
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
        labels = {**_OPERATOR_LABELS, **(_DATE_LABELS if prop is not None and prop.type in ("date", "datetime") else {})}
        keep = operator.upper() if operator else self.operator.value
        if operator and keep not in ops:
            ops.append(keep)  # a caller's choice is kept; search() will judge it
        self._loading = True
        try:
            self.operator.options = [(f"{labels.get(op, op)}  ({op})", op) for op in ops]
            self.operator.value = keep if keep in ops else ops[0]
        finally:
            self._loading = False
        self._build_value()

    def _build_value(self) -> None:
        """The value widget(s) that fit the property's type and the operator."""
        if self._loading:
            return
        prop, op = self._prop(), self.operator.value
        if op in _PRESENCE:
            widgets: list[W.Widget] = []
        elif op == "BETWEEN":
            widgets = [_value_widget(prop, "Between"), _value_widget(prop, "and")]
        elif op in ("IN", "NOT_IN"):
            widgets = [_many_widget(prop)]
        elif op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
            widgets = [W.Text(description="Word", placeholder="a whole word")]
        else:
            widgets = [_value_widget(prop, "Value")]
        self._value_widgets = widgets
        self.value_box.children = widgets

    @property
    def value(self) -> Any:
        """The value the search compares with, as ``search(value=...)`` takes it."""
        op, ws = self.operator.value, self._value_widgets
        if op in _PRESENCE or not ws:
            return None
        if op == "BETWEEN":
            return (_read(ws[0]), _read(ws[1]))
        if op in ("IN", "NOT_IN"):
            w = ws[0]
            if isinstance(w, W.SelectMultiple):
                return list(w.value)
            return [v.strip() for v in re.split(r"[,;\n]", w.value) if v.strip()]  # "New York" is one value
        return _read(ws[0])

    @value.setter
    def value(self, value: Any) -> None:
        op, ws = self.operator.value, self._value_widgets
        if op in _PRESENCE or not ws:
            return
        try:
            if op == "BETWEEN":
                low, high = value
                _write(ws[0], low)
                _write(ws[1], high)
            elif op in ("IN", "NOT_IN"):
                items = [value] if isinstance(value, str) else list(value)
                w = ws[0]
                w.value = tuple(items) if isinstance(w, W.SelectMultiple) else ", ".join(map(str, items))
            else:
                _write(ws[0], value)
        except (TypeError, ValueError, TraitError):
            raise InputError(
                f"value={value!r:.100} does not fit {self.field.value} with operator {op}: "
                f"{_value_hint(self._prop(), op)}"
            ) from None

    # -- running ------------------------------------------------------------------------

    def _run(self) -> pd.DataFrame:
        shown = list(self.properties.value)
        if shown and self.field.value not in shown:
            shown.append(self.field.value)  # a user checks the matches by the searched column
        return self._resource.search(
            self.field.value, self.value, operator=self.operator.value,
            properties=shown or None, max_records=self.max_records,
        )  # fmt: skip

    def _clear_result(self) -> None:
        self.result = None
        self.table.value = ""
        self.selection.options = []
        self._picker.layout.display = "none"

    def _show(self, result: pd.DataFrame) -> str:
        labels = {p.name: p.label for p in self._resource.props}
        self.table.value = _table(result, {**labels, "id": "ID"}) if len(result) else ""
        self.selection.options = [(_row_label(row), str(row["id"])) for row in result.to_dict("records")]
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
            import pandas as pd

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


def _row_label(row: dict[str, Any]) -> str:
    """``id · first few values`` so a user recognises a record in the selection list."""
    skip = {"id", "hs_object_id", "createdate", "lastmodifieddate", "hs_lastmodifieddate",
            "createdAt", "updatedAt", "archived"}  # fmt: skip
    parts = [str(row["id"])]
    for key, val in row.items():
        if key in skip or is_missing(val):
            continue
        parts.append(str(val))
        if len(parts) == 4:
            break
    return " · ".join(parts)


def _value_hint(prop: Property | None, op: str) -> str:
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


def _value_widget(prop: Property | None, label: str) -> W.Widget:
    """One value input that fits the property's type."""
    kind = prop.type if prop is not None else "string"
    if kind == "number":
        return W.FloatText(description=label)
    if kind in ("date", "datetime"):
        return W.DatePicker(description=label)
    if kind == "bool":
        return W.ToggleButtons(description=label, options=[("Yes", True), ("No", False)], value=True)
    if kind == "enumeration" and prop is not None and prop.options:
        return W.Dropdown(description=label, options=_option_pairs(prop), layout=_WIDE)
    return W.Text(description=label, layout=_WIDE)


def _many_widget(prop: Property | None) -> W.Widget:
    if prop is not None and prop.type == "enumeration" and prop.options:
        return W.SelectMultiple(description="Values", options=_option_pairs(prop), rows=min(6, len(prop.options)), layout=_WIDE)
    return W.Text(description="Values", placeholder="several values, separated by commas", layout=_WIDE)


def _option_pairs(prop: Property) -> list[tuple[str, str]]:
    labels = prop.option_labels if len(prop.option_labels) == len(prop.options) else prop.options
    return [(label or value, value) for label, value in zip(labels, prop.options, strict=True)]


def _read(widget: W.Widget) -> Any:
    value = widget.value
    if isinstance(widget, W.Text) and isinstance(value, str):
        return value.strip()
    return value


def _write(widget: W.Widget, value: Any) -> None:
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


# -- source wiring ----------------------------------------------------------------------------


def _check_source(source: Any) -> None:
    """Refuse a source that is neither None, a SearchForm nor a DataFrame (before any request)."""
    import pandas as pd

    if source is not None and not isinstance(source, (SearchForm, pd.DataFrame)):
        raise InputError(
            f"source={source!r:.100} ({type(source).__name__}): use a SearchForm or a DataFrame with "
            "the records' ids (and emails), or leave it out"
        )


def _follow(source: Any, fill: Callable[[pd.DataFrame], None]) -> None:
    """Fill a form from a source once (a DataFrame) or on every selection (a SearchForm)."""
    import pandas as pd

    if source is None:
        return
    if isinstance(source, SearchForm):
        source.on_selection(fill)
    elif isinstance(source, pd.DataFrame):
        fill(source)
    else:
        raise InputError(f"source must be a SearchForm or a DataFrame, not {type(source).__name__}")


def _id_box(description: str, placeholder: str) -> W.Combobox:
    """A box that offers named ids ("Newsletter (12)") and also takes a typed id."""
    return W.Combobox(description=description, placeholder=placeholder, ensure_option=False, layout=_WIDE)


def _offer(box: W.Combobox, catalogue: pd.DataFrame | None, id_column: str) -> dict[str, str]:
    """Offer a catalogue's rows in ``box`` as "Name (id)"; returns id -> name."""
    rows = [] if catalogue is None else catalogue.to_dict("records")
    names = {str(row[id_column]): str(row["name"]) for row in rows}
    box.options = [_label(names, ident) for ident in names]
    return names


def _label(names: dict[str, str], ident: str) -> str:
    return f"{names[ident]} ({ident})" if ident in names else ident


def _chosen(box: W.Combobox, names: dict[str, str]) -> str:
    """The id in ``box``: a picked "Name (id)" or a typed id."""
    text = box.value.strip()
    return next((ident for ident in names if _label(names, ident) == text), text)


def _preview_html(text: str) -> str:
    return f'<div class="hubframe-preview" style="color:#555">{html.escape(text, quote=False)}</div>'


# -- lists ------------------------------------------------------------------------------------


class ListForm(_Form):
    """Add records to a static list.

    Args:
        hs: the client.
        list_id: the v3 list id to pre-fill (the box also offers the portal's static lists).
        ids: record ids to pre-fill.
        source: a :class:`SearchForm` (its selected records fill the ids) or a DataFrame
            with an ``id`` column.

    Attributes:
        result: the outcomes of the last add, one row per id (``id``, ``outcome``).
    """

    def __init__(self, hs: HubSpot, *, list_id: str | int | None = None, ids: Iterable[Any] | None = None,
                 source: SearchForm | pd.DataFrame | None = None):
        checked_ids = None if ids is None else check_ids(ids, what="record id")
        _check_source(source)
        super().__init__(hs, "Add to list", "plus")
        self.list_id = _id_box("List", "pick a list, or type its id")
        self.ids = W.Textarea(description="Record ids", placeholder="ids, one per line or separated by commas",
                              rows=5, layout=_WIDE)  # fmt: skip
        self.preview = W.HTML()
        lists = self._attempt(lambda: hs.lists.all(), "the portal's lists")
        # Records can be added only to static lists.
        static = None if lists is None else lists[lists["processing_type"].isin(["MANUAL", "SNAPSHOT"])]
        self._lists = _offer(self.list_id, static, "list_id")
        if list_id is not None:
            self.list_id.value = _label(self._lists, str(list_id))
        if checked_ids is not None:
            self.ids.value = "\n".join(checked_ids)
        _follow(source, self._fill)
        self.list_id.observe(lambda _c: self._preview(), names="value")
        self.ids.observe(lambda _c: self._preview(), names="value")
        self._layout(self.list_id, self.ids, self.preview)
        self._preview()

    @property
    def chosen_list(self) -> str:
        """The list id the form will add to (from a picked list or a typed id)."""
        return _chosen(self.list_id, self._lists)

    def _fill(self, rows: pd.DataFrame) -> None:
        self.ids.value = "\n".join(str(i) for i in rows["id"].dropna()) if "id" in rows.columns else ""

    def _preview(self) -> None:
        ids = _tokens(self.ids.value)
        lid = self.chosen_list
        if not ids:
            text = "Type or paste record ids, or select records in the search."
        else:
            try:
                checked = list(dict.fromkeys(check_ids(ids, what="record id")))
                shown = ", ".join(checked[:20]) + (" …" if len(checked) > 20 else "")
                target = f"list {_label(self._lists, lid)}" if lid else "(choose a list)"
                text = f"Will add {len(checked)} record(s) to {target}: {shown}"
            except HubFrameError as exc:
                text = str(exc)
        self.preview.value = _preview_html(text)

    def _run(self) -> pd.DataFrame:
        return self._hs.lists.add(self.chosen_list, _tokens(self.ids.value))

    def _show(self, result: pd.DataFrame) -> str:
        self.table.value = _table(result)
        return f"List {self.chosen_list}: {_counts(result['outcome'])}."


# -- workflows --------------------------------------------------------------------------------


class WorkflowForm(_Form):
    """Enroll contacts, by email, in a workflow.

    Args:
        hs: the client.
        workflow_id: the workflow's v2 id to pre-fill.
        emails: emails to pre-fill.
        source: a :class:`SearchForm` (the ``email`` of its selected records fills the box)
            or a DataFrame with an ``email`` column.

    Attributes:
        result: the outcomes of the last enrollment, one row per email (``email``, ``outcome``,
            ``message``).
    """

    def __init__(self, hs: HubSpot, *, workflow_id: str | int | None = None, emails: Iterable[str] | None = None,
                 source: SearchForm | pd.DataFrame | None = None):
        if emails is not None:

            emails = check_emails(emails)
        _check_source(source)
        super().__init__(hs, "Enroll", "play")
        self.workflow_id = _id_box("Workflow", "pick a workflow, or type its id")
        self.emails = W.Textarea(description="Emails", placeholder="emails, one per line or separated by commas",
                                 rows=5, layout=_WIDE)  # fmt: skip
        self.preview = W.HTML()
        flows = self._attempt(lambda: hs.workflows.all(), "the portal's workflows")
        self._workflows = _offer(self.workflow_id, flows, "workflow_id")
        if workflow_id is not None:
            self.workflow_id.value = _label(self._workflows, str(workflow_id))
        if emails is not None:
            self.emails.value = "\n".join(emails)
        _follow(source, self._fill)
        self.workflow_id.observe(lambda _c: self._preview(), names="value")
        self.emails.observe(lambda _c: self._preview(), names="value")
        self._layout(self.workflow_id, self.emails, self.preview)
        self._preview()

    def _fill(self, rows: pd.DataFrame) -> None:
        emails = rows["email"].dropna().tolist() if "email" in rows.columns else []
        self.emails.value = "\n".join(str(e) for e in emails)

    def _preview(self) -> None:
        emails = _tokens(self.emails.value)
        wid = _label(self._workflows, self.chosen_workflow) or "(choose a workflow)"
        if not emails:
            text = "Type or paste emails, or select contacts (with an email) in the search."
        else:
            try:
                checked = list(dict.fromkeys(check_email(e) for e in emails))
                shown = ", ".join(checked[:10]) + (" …" if len(checked) > 10 else "")
                text = f"Will enroll {len(checked)} contact(s) in workflow {wid}: {shown}"
            except HubFrameError as exc:
                text = str(exc)
        self.preview.value = _preview_html(text)

    @property
    def chosen_workflow(self) -> str:
        """The workflow id the form will enroll in (from a picked workflow or a typed id)."""
        return _chosen(self.workflow_id, self._workflows)

    def _run(self) -> pd.DataFrame:
        return self._hs.workflows.enroll(self.chosen_workflow, _tokens(self.emails.value))

    def _show(self, result: pd.DataFrame) -> str:
        self.table.value = _table(result)
        return f"Workflow {self.chosen_workflow}: {_counts(result['outcome'])}."


# -- the panel --------------------------------------------------------------------------------


class Panel(W.Tab):
    """The three forms in tabs; records selected in the search feed the other two.

    Attributes:
        search: the :class:`SearchForm`.
        lists: the :class:`ListForm`.
        workflows: the :class:`WorkflowForm`.
    """

    def __init__(self, hs: HubSpot, **search: Any):
        self.search = SearchForm(hs, **search)
        self.lists = ListForm(hs, source=self.search)
        self.workflows = WorkflowForm(hs, source=self.search)
        super().__init__(children=[self.search, self.lists, self.workflows])
        self.titles = ("Search", "Add to list", "Enroll in workflow")


def panel(hs: HubSpot, **search: Any) -> Panel:
    """Search, add to list and enroll in workflow, as tabs of one widget.

    Args:
        hs: the client (``hubframe.HubSpot()`` or ``Sandbox(...).client()``).
        **search: pre-fills for the :class:`SearchForm` (``object_type``, ``field``, ...).

    Returns:
        A :class:`Panel` (an ``ipywidgets.Tab``); its ``search``, ``lists`` and ``workflows``
        attributes are the forms.
    """
    return Panel(hs, **search)
