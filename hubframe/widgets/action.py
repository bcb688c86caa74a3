"""The shape of the forms that act on records: values sent in one call to one target.

The list form adds record ids to a list, the workflow form enrolls emails in a
workflow. Each has a target box (the portal's named lists or workflows, or a
typed id), a box of values (typed, pasted, or filled from a source: a
:class:`~hubframe.widgets.search.SearchForm`'s selection or a DataFrame's column)
and a preview line that says what a run would do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import ipywidgets as W
import pandas as pd

from ..client import HubSpot
from ..errors import HubFrameError, InputError
from .base import Form
from .controls import WIDE, chosen, id_box, label, offer, tokens
from .render import counts, preview_html, table
from .search import SearchForm, check_source, follow

__all__ = ["ActionForm", "Catalogue", "listing"]

#: How a form finds its targets: a call returning a DataFrame (or None), what to call
#: them in an error ("the portal's lists"), and the column holding their ids.
Catalogue = tuple[Callable[[], pd.DataFrame | None], str, str]


class ActionForm(Form):
    """A target box, a values box and a preview around one public call.

    A subclass sets ``noun`` (the summary's first word), ``column`` (the source
    column that fills the values), ``empty_hint`` (the preview with no values),
    ``choose_hint`` (the error when no target is chosen), and defines
    ``_describe(values)`` (the preview) and ``_act(target, values)`` (the call);
    ``_caveat(target)`` may add a warning about the chosen target.

    Args:
        hs: the client.
        source: a :class:`SearchForm`, a DataFrame, or None.
        button: the run button's text and icon.
        target: the target box's description and placeholder.
        values: the values box's description and placeholder.
        catalogue: where the target box's options come from (see :data:`Catalogue`).
        target_id: the target id to pre-fill.
        given: the checked values to pre-fill.

    Raises:
        InputError: ``source`` is neither a SearchForm nor a DataFrame, or ``hs`` is not a client.
    """

    noun = ""
    column = ""
    empty_hint = ""
    choose_hint = ""

    def __init__(
        self,
        hs: HubSpot,
        source: SearchForm | pd.DataFrame | None,
        *,
        button: tuple[str, str],
        target: tuple[str, str],
        values: tuple[str, str],
        catalogue: Catalogue,
        target_id: str | int | None,
        given: Sequence[str] | None,
    ):
        check_source(source)
        super().__init__(hs, *button)
        self.target = id_box(*target)
        self.values = W.Textarea(description=values[0], placeholder=values[1], rows=5, layout=WIDE)
        self.preview = W.HTML()
        load, what, id_column = catalogue
        #: The portal's targets as loaded (None when they could not be read).
        self.catalogue: pd.DataFrame | None = self._attempt(load, what)
        self._names = offer(self.target, self.catalogue, id_column)
        if target_id is not None:
            self.target.value = label(self._names, str(target_id))
        if given is not None:
            self.values.value = "\n".join(given)
        follow(source, self._fill)
        self.target.observe(lambda _c: self._preview(), names="value")
        self.values.observe(lambda _c: self._preview(), names="value")
        self._layout(self.target, self.values, self.preview)
        self._preview()

    @property
    def chosen_target(self) -> str:
        """The target id the form will act on (from a picked name or a typed id)."""
        return chosen(self.target, self._names)

    def target_label(self) -> str:
        """The chosen target as "Name (id)" when the portal names it, else its id."""
        return label(self._names, self.chosen_target)

    def _fill(self, rows: pd.DataFrame) -> None:
        found = rows[self.column].dropna().tolist() if self.column in rows.columns else []
        self.values.value = "\n".join(str(v) for v in found)

    def _preview(self) -> None:
        given = tokens(self.values.value)
        try:
            text = self._describe(given) if given else self.empty_hint
        except HubFrameError as exc:
            text = str(exc)
        caveat = self._caveat(self.chosen_target)
        self.preview.value = preview_html(f"{text} {caveat}" if caveat else text)

    def _describe(self, values: list[str]) -> str:  # pragma: no cover - every form defines it
        """What a run would do with ``values``; raises a HubFrameError for a bad value."""
        raise NotImplementedError

    def _caveat(self, target: str) -> str:
        """A warning about the chosen target (e.g. a paused workflow), or ""."""
        return ""

    def _run(self) -> pd.DataFrame:
        # Checked here, not by the call: "choose a list" says what to do, where the call's
        # own check could only say that "" is not an id.
        if not self.chosen_target:
            raise InputError(self.choose_hint)
        values = tokens(self.values.value)
        if not values:
            raise InputError(self.empty_hint)
        return self._act(self.chosen_target, values)

    def _act(self, target: str, values: list[str]) -> pd.DataFrame:  # pragma: no cover
        """The one public call the form makes."""
        raise NotImplementedError

    def _show(self, result: pd.DataFrame) -> str:
        self.table.value = table(result)
        caveat = self._caveat(self.chosen_target)
        summary = f"{self.noun} {self.chosen_target}: {counts(result['outcome'])}."
        return f"{summary} {caveat}" if caveat else summary


def listing(values: list[str], most: int) -> str:
    """The first ``most`` values, separated by commas, and "…" when there are more."""
    return ", ".join(values[:most]) + (" …" if len(values) > most else "")
