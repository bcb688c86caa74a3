"""The shape every form shares: controls, one run button, one ``Output``, a message and a table.

A form subclasses :class:`Form`, builds its controls, calls ``_layout(...)`` and
defines two methods: ``_run()`` calls one public client function and returns its
DataFrame; ``_show(result)`` fills the table and returns the one-line summary.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable
from typing import Any

import ipywidgets as W
import pandas as pd

from ..client import HubSpot
from ..errors import HubFrameError, InputError
from .render import describe_error

__all__ = ["Form"]

log = logging.getLogger("hubframe")


class Form(W.VBox):
    """The shared shape of a form: controls, one run button, one Output, a message and a table.

    ``submit()`` is the one way a form runs (the button calls it): it disables
    the button, runs ``_run`` inside the Output (where a progress bar shows),
    keeps the result or shows the error in plain words, and calls the
    ``on_submit`` callbacks.

    Args:
        hs: the client the form calls.
        button_label: the run button's text.
        icon: the run button's icon (a Font Awesome name).

    Raises:
        InputError: ``hs`` is not a :class:`hubframe.HubSpot` client.
    """

    def __init__(self, hs: HubSpot, button_label: str, icon: str):
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
        text = self._hs.scrub(text)  # belt and braces: whatever the text, the token is never shown
        colour = "#b00020" if error else "#1b5e20"
        role = ' role="alert"' if error else ""
        body = html.escape(text, quote=False)
        self.message.value = (
            f'<div class="hubframe-message"{role} style="color:{colour}">{body}</div>'
            if text
            else ""
        )

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
