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

The modules, in reading order:

- ``base``: :class:`~hubframe.widgets.base.Form`, the shape every form shares
  (controls, run button, Output, message, ``submit()``, ``result``, ``on_submit``).
- ``controls``: value widgets, operator labels, reading and writing widget values.
- ``render``: result tables and errors in plain words.
- ``search``: the search form, whose selection feeds the other two.
- ``action``: the shape of the forms that act on records (a target, values, a preview).
- ``lists``, ``workflows``: one such form each; ``panel``: the three forms in tabs.
"""

from .controls import operators_for
from .lists import ListForm
from .panel import Panel, panel
from .render import TABLE_ROWS as TABLE_ROWS
from .render import describe_error
from .search import SearchForm
from .workflows import WorkflowForm

__all__ = [
    "ListForm",
    "Panel",
    "SearchForm",
    "WorkflowForm",
    "describe_error",
    "operators_for",
    "panel",
]
