"""The reliability suite's tally: what was tried, what survived, what was lost.

Every test in this folder adds what it actually did to the session's
:class:`Figures` (faults the sandbox served, kills and resumes, bad inputs
tried by category, records lost or duplicated, token sightings). At the end of
the run the tally is written to ``test-artifacts/reliability-figures.json`` and
printed in pytest's summary, so the numbers quoted for a release are the
numbers of a run, not of a hand count.
"""

from __future__ import annotations

import json
import threading
from collections import Counter
from pathlib import Path

import pytest

ARTIFACT = Path(__file__).resolve().parents[2] / "test-artifacts" / "reliability-figures.json"


class Figures:
    """Thread-safe counters grouped by section (``faults``, ``bad_input``, ...)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.sections: dict[str, Counter[str]] = {}

    def add(self, section: str, key: str, n: int = 1) -> None:
        with self._lock:
            self.sections.setdefault(section, Counter())[key] += int(n)

    def as_dict(self) -> dict[str, dict[str, int]]:
        with self._lock:
            return {s: dict(sorted(c.items())) for s, c in sorted(self.sections.items())}


_FIGURES = Figures()


@pytest.fixture(scope="session")
def figures() -> Figures:
    return _FIGURES


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ARG001
    data = _FIGURES.as_dict()
    if not data:
        return
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    terminalreporter.section("reliability figures")
    for section, counts in data.items():
        line = ", ".join(f"{k}={v:,}" for k, v in counts.items())
        terminalreporter.write_line(f"{section}: {line}")
    terminalreporter.write_line(f"(written to {ARTIFACT})")
