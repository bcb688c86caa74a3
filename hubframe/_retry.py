"""Retry decisions as small pure functions: what to retry, and how long to wait.

The client's request loop is the only caller. Keeping the decisions here, free
of I/O and clocks, lets the tests walk the whole policy from a table.

Request kinds decide what is safe to repeat:

- ``read``: GET, batch read; always safe to repeat.
- ``search``: a POST that only reads; safe to repeat (and rate-limited apart).
- ``idempotent``: a write whose repetition changes nothing (PATCH with the
  same values, DELETE, list-membership PUT, association create/archive).
- ``create``: a write that could create a duplicate if repeated; retried only
  when the server cannot have applied it (429, or the connection was never made).
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any, Literal

from .errors import is_edge_block

Kind = Literal["read", "search", "idempotent", "create"]
KINDS: tuple[str, ...] = ("read", "search", "idempotent", "create")

#: Statuses that mean "try again later" and are retried for every kind but create.
RETRYABLE_STATUSES = frozenset({423, 477, 500, 502, 503, 504, 521, 523, 524})

#: Longest Retry-After the client will sleep through; longer ones are raised.
MAX_RETRY_AFTER = 60.0
#: Ceiling of the exponential backoff between two attempts.
MAX_BACKOFF = 10.0
#: Seconds before retrying a connection the host refused, instead of the exponential
#: backoff: a refusal means nothing listens at that address (a sandbox not started, a
#: wrong port), which seconds of waiting seldom fix; with the default five retries the
#: user hears so in about a second rather than after fifteen. Resets and timeouts keep
#: the backoff: a busy or briefly unreachable server does recover.
REFUSED_RETRY_DELAY = 0.2
SEARCH_SECONDLY_MESSAGE = "You have reached your secondly limit."


def is_daily_limit(body: Any) -> bool:
    """True when a 429 body says the *daily* limit is used up (retrying cannot help)."""
    if not isinstance(body, Mapping):
        return False
    policy = str(body.get("policyName") or "").upper()
    return policy == "DAILY" or "daily limit" in str(body.get("message") or "").lower()


def should_retry_status(kind: str, status: int, body: Any = None) -> bool:
    """Whether an error status is worth another attempt for a request of ``kind``."""
    if status == 429:
        return not (is_daily_limit(body) or is_edge_block(body))
    if kind == "create":
        # A 5xx on a create may have been applied: repeating could duplicate it.
        return False
    return status in RETRYABLE_STATUSES


def should_retry_transport(kind: str, *, connected: bool) -> bool:
    """Whether a request that got no response may be sent again.

    ``connected`` is False when the connection was never established (refused,
    DNS, connect timeout): the server cannot have seen the request.
    """
    if not connected:
        return True
    return kind != "create"


def parse_retry_after(headers: Mapping[str, str] | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), or None."""
    if not headers:
        return None
    raw = headers.get("retry-after") or headers.get("Retry-After")
    if raw is None:
        return None
    raw = raw.strip()
    try:
        seconds = float(raw)
    except ValueError:
        try:
            when = parsedate_to_datetime(raw)
        except (TypeError, ValueError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
    return max(0.0, seconds)


def retry_delay(
    attempt: int,
    *,
    status: int | None = None,
    body: Any = None,
    retry_after: float | None = None,
    rng: random.Random | None = None,
) -> float:
    """Seconds to sleep before attempt number ``attempt + 1`` (``attempt`` counts from 1).

    Retry-After wins when present (capped by the caller at MAX_RETRY_AFTER).
    Otherwise: HubSpot's search "secondly limit" clears within a second; the
    ten-second rolling window needs longer; anything else gets capped
    exponential backoff. Jitter keeps parallel clients from retrying in step.
    """
    if retry_after is not None:
        return retry_after
    draw = rng.uniform if rng is not None else random.uniform
    if status == 429 and isinstance(body, Mapping):
        if body.get("message") == SEARCH_SECONDLY_MESSAGE:
            return 1.0 + draw(0, 0.25)
        if str(body.get("policyName") or "").upper() == "TEN_SECONDLY_ROLLING":
            return min(MAX_BACKOFF, 2.0 * attempt) + draw(0, 0.5)
    base = min(MAX_BACKOFF, 0.5 * 2 ** (attempt - 1))
    return base * draw(0.5, 1.0)
