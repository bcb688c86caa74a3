"""The widget tests' shared setting: a button callback that raises fails the test."""

from __future__ import annotations

import pytest
from ipywidgets.widgets.widget import CallbackDispatcher


@pytest.fixture(autouse=True)
def callbacks_raise(monkeypatch):
    """ipywidgets logs and swallows exceptions in button callbacks; here they fail the test."""

    def call(self, *args, **kwargs):
        value = None
        for callback in self.callbacks:
            local = callback(*args, **kwargs)
            value = local if local is not None else value
        return value

    monkeypatch.setattr(CallbackDispatcher, "__call__", call)
