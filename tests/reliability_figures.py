"""The reliability suite's tally: what was tried, what survived, what was lost.

Every test in ``tests/reliability/`` adds what it actually did to the session's
:class:`Figures` (faults the sandbox served, kills and resumes, bad inputs tried by
category, records lost or duplicated, token sightings), through the ``figures``
fixture. At the end of the run ``tests/conftest.py`` writes the tally to
``test-artifacts/reliability-figures.json`` and prints it in pytest's summary (with
``-n``, each worker hands its tally to the controller, which adds them up), so the
numbers quoted for a release are the numbers of a run, not of a hand count.
"""

from __future__ import annotations

import threading
from collections import Counter
from pathlib import Path

ARTIFACT = Path(__file__).resolve().parents[1] / "test-artifacts" / "reliability-figures.json"


class Figures:
    """Thread-safe counters grouped by section (``faults``, ``bad_input``, ...)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.sections: dict[str, Counter[str]] = {}

    def add(self, section: str, key: str, n: int = 1) -> None:
        with self._lock:
            self.sections.setdefault(section, Counter())[key] += int(n)

    def merge(self, data: dict[str, dict[str, int]]) -> None:
        """Add another process's tally (``as_dict()``) to this one."""
        for section, counts in data.items():
            for key, n in counts.items():
                self.add(section, key, n)

    def as_dict(self) -> dict[str, dict[str, int]]:
        with self._lock:
            return {s: dict(sorted(c.items())) for s, c in sorted(self.sections.items())}


#: The one tally of this process (a worker's, or the whole run's without ``-n``).
FIGURES = Figures()
