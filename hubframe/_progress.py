"""Progress bars: ``tqdm.auto`` (a widget in Jupyter, text in a terminal), or nothing.

Every long operation reports through :func:`progress`, so the bars look the
same everywhere: records as the unit, the total when HubSpot tells it, and the
seconds spent waiting on rate limits as a postfix.
"""

from __future__ import annotations

import importlib
import sys
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .client import HubSpot


class _NoBar:
    """Stands in for a bar when progress is off: every call does nothing."""

    total: int | None = None
    n = 0

    def update(self, n: int = 1) -> None:
        self.n += n

    def set_postfix_str(self, *a: Any, **k: Any) -> None:
        pass

    def refresh(self) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> _NoBar:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class _LogLines:
    """Where a text bar draws when standard error is not a terminal (a pipe, a log file).

    A redraw there is kept, not drawn over, so the bar's redraws are dropped but for one
    line every :attr:`INTERVAL` seconds while the bar is short of its total (a long export
    logged to a file shows it is still going); :func:`_close_bar` writes the final line.
    """

    INTERVAL = 30.0

    def __init__(self) -> None:
        self._last = time.monotonic()
        self.bar: Any = None  # the bar drawing here (set once it is made)

    def write(self, text: str) -> None:
        line = text.strip("\r\n ")
        bar = self.bar
        done = bar is not None and bar.total is not None and bar.n >= bar.total
        if line and not done and time.monotonic() - self._last >= self.INTERVAL:
            self._last = time.monotonic()
            sys.stderr.write(f"{line}\n")
            sys.stderr.flush()

    def flush(self) -> None:
        pass


def _to_log() -> bool:
    """Whether a bar would be text written into a pipe or a file rather than a terminal
    (in Jupyter tqdm.auto draws a widget, which is left alone)."""
    # tqdm.auto first: it imports tqdm.autonotebook with the notebook warning silenced.
    importlib.import_module("tqdm.auto")
    from tqdm.autonotebook import tqdm as auto
    from tqdm.std import tqdm as text

    isatty = getattr(sys.stderr, "isatty", None)
    return auto is text and not (isatty is not None and isatty())


def _open_bar(desc: str, total: int | None, unit: str, enabled: bool, initial: int) -> Any:
    """A tqdm bar (imported on first use: tqdm.auto is slow to import), or a silent one."""
    if not enabled:
        bar = _NoBar()
        bar.n = initial
        return bar
    from tqdm.auto import tqdm

    # Into a pipe or a log every redraw would be kept, and tqdm draws the last state twice
    # (on the last update and again on close): such a bar writes a line now and then
    # (_LogLines), and _close_bar its final line once.
    to_log = _to_log()
    log = _LogLines()
    sink = {"file": log} if to_log else {}
    bar = tqdm(total=total, desc=desc, unit=unit, initial=initial, dynamic_ncols=True, **sink)
    log.bar = bar
    bar.final_line_on_close = to_log
    return bar


def _close_bar(bar: Any) -> None:
    """Close a bar; one drawn into a log (:func:`_open_bar`) writes its final line now."""
    quiet = getattr(bar, "final_line_on_close", False) and not getattr(bar, "disable", True)
    bar.close()
    if quiet:
        sys.stderr.write(f"{bar}\n")
        sys.stderr.flush()


class Progress:
    """A bar over records that also shows the client's rate-limit waits."""

    def __init__(self, hs: HubSpot, desc: str, total: int | None, enabled: bool, initial: int = 0):
        self._hs = hs
        self._start_wait = hs.stats.snapshot()[2]
        self.bar: Any = _open_bar(desc, total, " records", enabled, initial)

    def set_total(self, total: int | None) -> None:
        if total is not None and self.bar.total != total:
            self.bar.total = total
            # tqdm.notebook draws an unknown total as a full, narrow "info" bar and never
            # reads the new total back into the widget: give the widget its maximum.
            container = getattr(self.bar, "container", None)
            if container is not None:
                widget = container.children[-2]
                widget.max = total
                widget.bar_style = ""
                widget.layout.width = None
            self.bar.refresh()

    def update(self, n: int) -> None:
        waited = self._hs.stats.snapshot()[2] - self._start_wait
        if waited >= 0.05:
            self.bar.set_postfix_str(f"rate-limit wait {waited:.1f}s", refresh=False)
        self.bar.update(n)

    def close(self) -> None:
        _close_bar(self.bar)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def progress(
    hs: HubSpot, desc: str, *, total: int | None = None, enabled: bool = True, initial: int = 0
) -> Progress:
    """A progress bar over records (a silent one when ``enabled`` is False)."""
    return Progress(hs, desc, total, enabled, initial)


class TableProgress:
    """One bar over the tables of a many-table job (an export of a portal): it advances a
    table at a time and names the table being read, with its records so far, as a postfix.

    One bar for the whole job, not one per table: a portal has dozens of tables, and a
    notebook cell full of finished bars says less than one that moves.
    """

    def __init__(self, desc: str, total: int, enabled: bool, initial: int = 0):
        self.bar: Any = _open_bar(desc, total, " tables", enabled, initial)

    def show(self, table: str, rows: int | None = None, total: int | None = None) -> None:
        """Name the table being written (and how far it has got)."""
        text = table
        if rows is not None:
            text += f": {rows:,}" + (f"/{total:,}" if total else "") + " records"
        self.bar.set_postfix_str(text)

    def done(self, n: int = 1) -> None:
        """Count ``n`` more tables as written."""
        self.bar.update(n)

    def close(self) -> None:
        _close_bar(self.bar)
