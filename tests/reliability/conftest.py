"""The reliability suite's shared fixture: the run's tally (see ``tests/reliability_figures.py``)."""

from __future__ import annotations

import pytest
from reliability_figures import FIGURES, Figures


@pytest.fixture(scope="session")
def figures() -> Figures:
    return FIGURES
