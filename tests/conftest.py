"""Shared fixtures: sandboxes (real HTTP servers on 127.0.0.1) and clients bound to them."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import settings
from reliability_figures import ARTIFACT, FIGURES

from hubframe.paths import DEFAULT_API_VERSION, LEGACY

# Property-based tests draw the same examples on every run, so a run passes or fails by the
# code alone (a new failing example is then found by HYPOTHESIS_PROFILE=explore, and kept
# as an ordinary test once fixed).
settings.register_profile("repeatable", derandomize=True, deadline=None)
settings.register_profile("explore", deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

#: The API versions the clients below speak: every test using ``hs`` or ``fresh_hs`` (the
#: operations suite) runs with the default version, and again on the legacy paths in the
#: slow run (``-m slow``), so the fast suite is not doubled.
CLIENT_VERSIONS = [
    pytest.param(DEFAULT_API_VERSION, id=DEFAULT_API_VERSION),
    pytest.param(LEGACY, id=LEGACY, marks=pytest.mark.slow),
]


@pytest.fixture(scope="session")
def sandbox():
    """A shared, seeded sandbox portal for read-mostly tests (do not write to it)."""
    from hubframe.sandbox import Sandbox

    with Sandbox(contacts=300, companies=40, deals=80, seed=0) as sb:
        yield sb


@pytest.fixture(scope="session", params=CLIENT_VERSIONS)
def api_version(request):
    """The API version of ``hs`` and ``fresh_hs``: the default, and legacy (slow)."""
    return request.param


@pytest.fixture(scope="session")
def hs(sandbox, api_version):
    """A client of the shared sandbox, with a generous rate limit so tests do not wait."""
    with sandbox.client(rate_limit=(10_000, 10), api_version=api_version) as client:
        assert client.api_version == api_version
        yield client


@pytest.fixture
def fresh_sandbox():
    """A small private sandbox for tests that write."""
    from hubframe.sandbox import Sandbox

    with Sandbox(contacts=60, companies=10, deals=20, seed=1) as sb:
        yield sb


@pytest.fixture
def fresh_hs(fresh_sandbox, api_version):
    """A client of ``fresh_sandbox``, in ``api_version``."""
    with fresh_sandbox.client(rate_limit=(10_000, 10), api_version=api_version) as client:
        yield client


# -- the reliability tally (tests/reliability_figures.py) -----------------------------------------
# These hooks live here, not in tests/reliability/: with -n the controller collects nothing,
# so only this conftest is loaded in it.


def pytest_sessionfinish(session):
    """In a worker (-n): hand this worker's tally to the controller."""
    out = getattr(session.config, "workeroutput", None)
    if out is not None:
        out["reliability_figures"] = FIGURES.as_dict()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):  # noqa: ARG001 (an xdist hook: called on the controller)
    FIGURES.merge(getattr(node, "workeroutput", {}).get("reliability_figures", {}))


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # noqa: ARG001
    if getattr(config, "workeroutput", None) is not None:
        return  # a worker: its tally went to the controller
    data = FIGURES.as_dict()
    if not data:
        return
    ARTIFACT.parent.mkdir(parents=True, exist_ok=True)
    ARTIFACT.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    terminalreporter.section("reliability figures")
    for section, counts in data.items():
        line = ", ".join(f"{k}={v:,}" for k, v in counts.items())
        terminalreporter.write_line(f"{section}: {line}")
    terminalreporter.write_line(f"(written to {ARTIFACT})")
