"""Rolling request windows: the client's, which waits, and the sandbox's, which refuses.

HubSpot counts requests in a rolling window (e.g. 100 or 190 per 10 s) and
search separately (5 per second). A sliding-window log reproduces a rolling
window exactly: a request may go when fewer than ``max_requests`` were sent in
the last ``period`` seconds. One :class:`SlidingWindow` serves both sides: the
client calls :meth:`~SlidingWindow.acquire` (wait for a slot), the sandbox
:meth:`~SlidingWindow.try_acquire` (take a slot or answer 429). The window is
thread-safe, because exports fetch from worker threads and the sandbox serves
each connection on its own thread.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Mapping

#: The window of a client told ``rate_limit=None``: more requests per 10 s than one client
#: can send, so it never waits (a number, so whatever sizes work by the limit still can).
NO_LIMIT = 1_000_000_000


class SlidingWindow:
    """At most ``max_requests`` acquisitions in any ``period`` seconds."""

    def __init__(
        self,
        max_requests: int,
        period: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        if max_requests < 1 or period <= 0:
            raise ValueError("a rate limit needs max_requests >= 1 and period > 0")
        self.max_requests = int(max_requests)
        self.period = float(period)
        self._clock = clock
        self._sleep = sleep
        self._sent: deque[float] = deque()
        self._blocked_until = 0.0
        self._lock = threading.Lock()

    def _wait_or_take(self) -> float:
        """Take a slot and return 0, or return the seconds until one is free (caller holds the lock)."""
        now = self._clock()
        while self._sent and self._sent[0] <= now - self.period:
            self._sent.popleft()
        wait = self._blocked_until - now
        if len(self._sent) >= self.max_requests:
            wait = max(wait, self._sent[0] + self.period - now)
        if wait <= 0:
            self._sent.append(now)
            return 0.0
        return wait

    def acquire(self) -> float:
        """Wait for a free slot and take it. Returns the seconds spent waiting."""
        waited = 0.0
        while True:
            with self._lock:
                wait = self._wait_or_take()
            if wait <= 0:
                return waited
            self._sleep(wait)
            waited += wait

    def try_acquire(self) -> int | None:
        """Take a slot if one is free now: the slots left afterwards, or None (full: refuse)."""
        with self._lock:
            if self._wait_or_take() > 0:
                return None
            return self.max_requests - len(self._sent)

    def use_clock(self, clock: Callable[[], float], sleep: Callable[[float], None]) -> None:
        """Measure and wait with another clock from now on (e.g. a test's virtual one)."""
        with self._lock:
            self._clock = clock
            self._sleep = sleep
            self._sent.clear()
            self._blocked_until = 0.0

    def block_for(self, seconds: float) -> None:
        """Hold every caller for ``seconds`` (after a 429, all threads should back off)."""
        with self._lock:
            self._blocked_until = max(self._blocked_until, self._clock() + seconds)

    def learn(self, headers: Mapping[str, str]) -> None:
        """Adopt what HubSpot's ``X-HubSpot-RateLimit-*`` headers say about this window.

        A portal's budget is shared by all its apps, so the server's count wins
        over ours: a lower ``-Max`` lowers our ceiling, and ``-Remaining: 0``
        holds callers until the interval has passed.
        """
        try:
            interval_ms = headers.get("x-hubspot-ratelimit-interval-milliseconds")
            if interval_ms is None or abs(float(interval_ms) / 1000 - self.period) > 1e-6:
                return  # headers about another window (e.g. secondly)
            server_max = headers.get("x-hubspot-ratelimit-max")
            remaining = headers.get("x-hubspot-ratelimit-remaining")
            with self._lock:
                if server_max is not None and 0 < int(server_max) < self.max_requests:
                    self.max_requests = int(server_max)
            if remaining is not None and int(remaining) <= 0:
                self.block_for(self.period)
        except (TypeError, ValueError):
            return  # a malformed header is not worth failing a request over


def parse_rate_limit(value: object) -> tuple[int, float]:
    """Accept ``190`` (per 10 s), ``(190, 10)`` or ``"190/10"``; return (max_requests, period_seconds).

    The one reading of a rate limit, for the client and the sandbox alike.

    Raises:
        InputError: anything else, or fewer than 1 request per a positive number of seconds.
    """
    from .errors import InputError

    count: object
    period: object
    if isinstance(value, int) and not isinstance(value, bool):
        count, period = value, 10.0
    elif isinstance(value, str) and "/" in value:
        count, _, text = value.partition("/")
        period = text.strip().rstrip("s")
    elif (
        isinstance(value, (tuple, list))
        and len(value) == 2
        and not any(isinstance(v, bool) for v in value)
    ):
        count, period = value
    else:
        count = period = None
    try:
        limit, seconds = int(count), float(period)  # type: ignore[call-overload, arg-type]
    except (TypeError, ValueError, OverflowError):  # OverflowError: int(inf)
        limit, seconds = 0, 0.0
    if limit < 1 or not 0 < seconds < float("inf"):
        raise InputError(
            f"rate_limit={value!r:.100} is not a rate; use e.g. 100 (per 10 s), (190, 10) or '190/10' "
            "(at least 1 request per a positive number of seconds)"
        )
    return limit, seconds
