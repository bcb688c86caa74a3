"""Shared fixtures: sandboxes (real HTTP servers on 127.0.0.1) and clients bound to them."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def sandbox():
    """A shared, seeded sandbox portal for read-mostly tests (do not write to it)."""
    from hubframe.sandbox import Sandbox

    with Sandbox(contacts=300, companies=40, deals=80, seed=0) as sb:
        yield sb


@pytest.fixture(scope="session")
def hs(sandbox):
    """A client of the shared sandbox, with a generous rate limit so tests do not wait."""
    with sandbox.client(rate_limit=(10_000, 10)) as client:
        yield client


@pytest.fixture
def fresh_sandbox():
    """A small private sandbox for tests that write."""
    from hubframe.sandbox import Sandbox

    with Sandbox(contacts=60, companies=10, deals=20, seed=1) as sb:
        yield sb


@pytest.fixture
def fresh_hs(fresh_sandbox):
    with fresh_sandbox.client(rate_limit=(10_000, 10)) as client:
        yield client
