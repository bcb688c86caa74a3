"""A local HubSpot: a seeded portal served over HTTP with HubSpot's shapes and rules.

>>> from hubframe.sandbox import Sandbox
>>> with Sandbox(contacts=500, companies=50, deals=100, seed=0) as sb:
...     hs = sb.client()

See ``COVERAGE.md`` next to this file for the endpoints and behaviours emulated.
"""

from __future__ import annotations

from .app import RequestLog
from .faults import Injection
from .server import Sandbox

__all__ = ["Injection", "RequestLog", "Sandbox"]
