"""Shared fixtures: sandboxes (real HTTP servers on 127.0.0.1) and clients bound to them."""

from __future__ import annotations

import pytest

from hubframe.paths import DEFAULT_API_VERSION, LEGACY

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
