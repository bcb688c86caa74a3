"""The three forms in tabs: records selected in the search feed the list and workflow forms."""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from ..client import HubSpot
from .lists import ListForm
from .search import SearchForm
from .workflows import WorkflowForm

__all__ = ["Panel", "panel"]


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
