"""The list form: add records, by id, to a static list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ipywidgets as W
import pandas as pd

from ..client import HubSpot
from ..errors import HubFrameError
from ..validate import check_ids
from .base import Form
from .controls import WIDE, chosen, id_box, label, offer, tokens
from .render import counts, preview_html, table
from .search import SearchForm, check_source, follow

__all__ = ["ListForm"]


class ListForm(Form):
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

    def __init__(
        self,
        hs: HubSpot,
        *,
        list_id: str | int | None = None,
        ids: Iterable[Any] | None = None,
        source: SearchForm | pd.DataFrame | None = None,
    ):
        checked_ids = None if ids is None else check_ids(ids, what="record id")
        check_source(source)
        super().__init__(hs, "Add to list", "plus")
        self.list_id = id_box("List", "pick a list, or type its id")
        self.ids = W.Textarea(
            description="Record ids",
            placeholder="ids, one per line or separated by commas",
            rows=5,
            layout=WIDE,
        )
        self.preview = W.HTML()
        lists = self._attempt(lambda: hs.lists.all(), "the portal's lists")
        # Records can be added only to static lists.
        static = (
            None if lists is None else lists[lists["processing_type"].isin(["MANUAL", "SNAPSHOT"])]
        )
        self._lists = offer(self.list_id, static, "list_id")
        if list_id is not None:
            self.list_id.value = label(self._lists, str(list_id))
        if checked_ids is not None:
            self.ids.value = "\n".join(checked_ids)
        follow(source, self._fill)
        self.list_id.observe(lambda _c: self._preview(), names="value")
        self.ids.observe(lambda _c: self._preview(), names="value")
        self._layout(self.list_id, self.ids, self.preview)
        self._preview()

    @property
    def chosen_list(self) -> str:
        """The list id the form will add to (from a picked list or a typed id)."""
        return chosen(self.list_id, self._lists)

    def _fill(self, rows: pd.DataFrame) -> None:
        self.ids.value = (
            "\n".join(str(i) for i in rows["id"].dropna()) if "id" in rows.columns else ""
        )

    def _preview(self) -> None:
        ids = tokens(self.ids.value)
        lid = self.chosen_list
        if not ids:
            text = "Type or paste record ids, or select records in the search."
        else:
            try:
                checked = list(dict.fromkeys(check_ids(ids, what="record id")))
                shown = ", ".join(checked[:20]) + (" …" if len(checked) > 20 else "")
                target = f"list {label(self._lists, lid)}" if lid else "(choose a list)"
                text = f"Will add {len(checked)} record(s) to {target}: {shown}"
            except HubFrameError as exc:
                text = str(exc)
        self.preview.value = preview_html(text)

    def _run(self) -> pd.DataFrame:
        return self._hs.lists.add(self.chosen_list, tokens(self.ids.value))

    def _show(self, result: pd.DataFrame) -> str:
        self.table.value = table(result)
        return f"List {self.chosen_list}: {counts(result['outcome'])}."
