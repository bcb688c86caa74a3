"""The list form: add records, by id, to a static list."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd

from ..client import HubSpot
from ..validate import check_ids
from .action import ActionForm, listing
from .search import SearchForm

__all__ = ["ListForm"]


class ListForm(ActionForm):
    """Add records to a static list.

    Args:
        hs: the client.
        list_id: the v3 list id to pre-fill (the box also offers the portal's static lists).
        ids: record ids to pre-fill.
        source: a :class:`SearchForm` (its selected records fill the ids) or a DataFrame
            with an ``id`` column.

    Attributes:
        result: the outcomes of the last add, one row per id (``id``, ``outcome``).
        list_id: the list box; ids: the record ids box; preview: what a run would do.
    """

    noun = "List"
    column = "id"
    empty_hint = "Type or paste record ids, or select records in the search."
    choose_hint = "Choose a list first: pick one in the List box, or type its id."

    def __init__(
        self,
        hs: HubSpot,
        *,
        list_id: str | int | None = None,
        ids: Iterable[Any] | None = None,
        source: SearchForm | pd.DataFrame | None = None,
    ):
        checked_ids = None if ids is None else check_ids(ids, what="record id")
        super().__init__(
            hs, source,
            button=("Add to list", "plus"),
            target=("List", "pick a list, or type its id"),
            values=("Record ids", "ids, one per line or separated by commas"),
            catalogue=(lambda: _static(hs.lists.all()), "the portal's lists", "list_id"),
            target_id=list_id, given=checked_ids,
        )  # fmt: skip
        self.list_id, self.ids = self.target, self.values

    @property
    def chosen_list(self) -> str:
        """The list id the form will add to (from a picked list or a typed id)."""
        return self.chosen_target

    def _describe(self, values: list[str]) -> str:
        checked = list(dict.fromkeys(check_ids(values, what="record id")))
        target = f"list {self.target_label()}" if self.chosen_target else "(choose a list)"
        return f"Will add {len(checked)} record(s) to {target}: {listing(checked, 20)}"

    def _act(self, target: str, values: list[str]) -> pd.DataFrame:
        return self._hs.lists.add(target, values)


def _static(lists: pd.DataFrame) -> pd.DataFrame:
    """Records can be added only to static lists."""
    return lists[lists["processing_type"].isin(["MANUAL", "SNAPSHOT"])]
