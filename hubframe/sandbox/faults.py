"""Bad-day knobs: latency, rate limits and injected faults.

* ``latency``: seconds slept before every response.
* ``rate_limit=(max, seconds)``: a rolling burst window over API requests; past it,
  HubSpot's 429 ``TEN_SECONDLY_ROLLING`` body (facts §2.13). Search has its own
  per-second window (default 5/s) with the ``secondly`` body; with
  ``search_in_rate_limit=True`` a search also takes a slot of the burst window (and is
  refused with the burst body when it is full), as a client must allow for while
  HubSpot's rule is unconfirmed. The forms endpoint
  its own 50 per 10 s (ten 429s within a second block it for a minute with
  ``error code: 1015``, as HubSpot's edge does).
* ``faults=fraction``: that share of requests, drawn from a seeded RNG so runs
  repeat, answered with 429, 502, 503 or a dropped connection. Faults are decided
  and served *before* the request reaches the store, so a faulted create did not
  happen; with ``after_apply=True`` the request is applied and only its response
  is lost (to test clients that must not blindly repeat writes).
* :meth:`Faults.inject` schedules exact faults for tests, including two that only
  a schedule serves: a response cut off mid-body (``truncate``) and a non-JSON
  text body (``text``, e.g. the forms edge's ``error code: 1015``).
* :attr:`Faults.served` counts every fault served, by kind, for reports.
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from .. import _ratelimit
from .._ratelimit import SlidingWindow
from ..errors import InputError

__all__ = [
    "Faults",
    "Injection",
    "FaultDecision",
    "parse_rate_limit",
    "DAILY_LIMIT",
    "UNLIMITED_MAX",
    "UNSET",
]

DAILY_LIMIT = 650_000  # Professional tier (facts §2.13)
UNLIMITED_MAX = 1_000_000  # reported as -Max when no burst limit is configured
FORMS_LIMIT = (50, 10.0)
#: The default of arguments that keep their value when left out.
UNSET: Any = object()


def parse_rate_limit(value: Any) -> tuple[int, float] | None:
    """``None`` (no burst limit), ``190`` (per 10 s), ``(190, 10)`` or ``"190/10"`` -> (max, seconds)."""
    return None if value is None else _ratelimit.parse_rate_limit(value)


@dataclass
class Injection:
    """A scheduled fault: the next ``count`` matching requests get it (None: until cleared),
    after the first ``skip`` matching requests have passed untouched.

    Attributes:
        hits: how many requests it has answered so far.
        skipped: how many matching requests it has let pass so far (at most ``skip``).
    """

    status: int | None = None
    drop: bool = False
    count: int | None = 1
    retry_after: float | None = None
    body: dict[str, Any] | None = None
    headers: dict[str, str] | None = None
    path_contains: str | None = None
    method: str | None = None
    after_apply: bool = False
    text: str | None = None
    truncate: bool = False
    hits: int = 0
    skip: int = 0
    skipped: int = 0

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path_contains is None or self.path_contains in path

    def takes(self, method: str, path: str) -> bool:
        """Whether this request gets the fault: it matches and the first ``skip`` matching
        requests have passed (this one is counted in ``skipped`` if it passes)."""
        if self.exhausted or not self.matches(method, path):
            return False
        if self.skipped < self.skip:
            self.skipped += 1
            return False
        return True

    @property
    def exhausted(self) -> bool:
        return self.count is not None and self.hits >= self.count


@dataclass
class FaultDecision:
    """What to answer instead of (or after) the real response."""

    status: int | None  # None with drop=True
    drop: bool = False
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    after_apply: bool = False
    source: str = "random"  # "random" or "injected"
    text: str | None = None  # a text/plain body instead of HubSpot's JSON error
    truncate: bool = False  # the real response, cut off mid-body (implies after_apply)

    @property
    def kind(self) -> str:
        """``drop``, ``truncate``, ``text-<status>`` or the status, for :attr:`Faults.served`."""
        if self.drop:
            return "drop"
        if self.truncate:
            return "truncate"
        return f"text-{self.status}" if self.text is not None else str(self.status)


class Faults:
    """The sandbox's latency, rate-limit windows and fault schedule (thread-safe).

    Args:
        seed: seeds the fault RNG (same seed, same sequence of faults).
        fraction: share of requests answered with a random fault.
        latency: seconds slept before each response.
        rate_limit: ``(max, seconds)`` burst window for API requests, or None.
        search_rate: search requests per second (HubSpot: 5), or None for no limit.
        search_in_rate_limit: a search also counts against the burst window (default False:
            HubSpot's recorded search answers carry no burst-window headers).
        after_apply: random faults hit after the request was applied.
    """

    def __init__(
        self,
        *,
        seed: int = 0,
        fraction: float = 0.0,
        latency: float = 0.0,
        rate_limit: tuple[int, float] | None = None,
        search_rate: float | None = 5,
        search_in_rate_limit: bool = False,
        after_apply: bool = False,
    ):
        self._lock = threading.Lock()
        self._rng = random.Random(f"hubframe-sandbox-faults-{seed}")
        self.fraction = 0.0
        self.latency = 0.0
        self.after_apply = after_apply
        self.rate_limit: tuple[int, float] | None = None
        self.burst = SlidingWindow(UNLIMITED_MAX, 10.0)
        self.search: SlidingWindow | None = None
        #: search requests per second (None: no search limit)
        self.search_rate: float | None = None
        self.search_in_rate_limit = False
        self.forms = SlidingWindow(*FORMS_LIMIT)
        self._forms_429s: deque[float] = deque()
        self._forms_blocked_until = 0.0
        self._daily_used = 0
        self.injections: list[Injection] = []
        #: Faults served so far by :attr:`FaultDecision.kind` (windows' 429s not included).
        self.served: Counter[str] = Counter()
        self.configure(
            fraction=fraction, latency=latency, rate_limit=rate_limit, search_rate=search_rate,
            search_in_rate_limit=search_in_rate_limit,
        )  # fmt: skip

    def configure(
        self,
        *,
        fraction: Any = UNSET,
        latency: Any = UNSET,
        rate_limit: Any = UNSET,
        search_rate: Any = UNSET,
        search_in_rate_limit: Any = UNSET,
        after_apply: Any = UNSET,
    ) -> None:
        """Change any knob at runtime (arguments left out keep their value)."""
        with self._lock:
            if fraction is not UNSET:
                self.fraction = _number("faults", fraction, 0.0, 1.0, "a fraction between 0 and 1")
            if latency is not UNSET:
                self.latency = _number("latency", latency, 0.0, 3600.0, "seconds from 0 to 3600")
            if rate_limit is not UNSET:
                self.rate_limit = parse_rate_limit(rate_limit)
                self.burst = SlidingWindow(*(self.rate_limit or (UNLIMITED_MAX, 10.0)))
            if search_rate is not UNSET:
                rate = (
                    None
                    if search_rate is None
                    else _number(
                        "search_rate", search_rate, 1e-6, 1e6, "requests per second > 0, or None"
                    )
                )
                self.search = None if rate is None else _per_second(rate)
                self.search_rate = rate
            if search_in_rate_limit is not UNSET:
                self.search_in_rate_limit = bool(search_in_rate_limit)
            if after_apply is not UNSET:
                self.after_apply = bool(after_apply)

    def inject(
        self,
        status: int | None = None,
        *,
        drop: bool = False,
        count: int | None = 1,
        retry_after: float | None = None,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        path_contains: str | None = None,
        method: str | None = None,
        after_apply: bool = False,
        text: str | None = None,
        truncate: bool = False,
        skip: int = 0,
    ) -> Injection:
        """Schedule a fault; see :meth:`hubframe.sandbox.Sandbox.inject`."""
        if (status is not None) + drop + truncate != 1:
            raise InputError("inject() needs exactly one of status=..., drop=True or truncate=True")
        if text is not None and status is None:
            raise InputError("inject(text=...) needs the status to answer with, e.g. status=429")
        if count is not None and count < 1:
            raise InputError(f"count={count!r}: use a number >= 1, or None for 'until cleared'")
        if not isinstance(skip, int) or isinstance(skip, bool) or skip < 0:
            raise InputError(
                f"skip={skip!r}: use a whole number >= 0 (matching requests to let pass first)"
            )
        inj = Injection(
            status,
            drop,
            count,
            retry_after,
            body,
            headers,
            path_contains,
            method,
            after_apply or truncate,
            text,
            truncate,
            skip=skip,
        )
        with self._lock:
            self.injections.append(inj)
        return inj

    def clear_injections(self) -> None:
        with self._lock:
            self.injections.clear()

    def decide(self, method: str, path: str) -> FaultDecision | None:
        """The fault for this request, if any: scheduled injections first, then the random draw."""
        with self._lock:
            for inj in self.injections:
                if inj.takes(method, path):
                    inj.hits += 1
                    if inj.exhausted:
                        self.injections.remove(inj)
                    headers = dict(inj.headers or {})
                    if inj.retry_after is not None:
                        headers["Retry-After"] = _seconds(inj.retry_after)
                    decision = FaultDecision(
                        inj.status,
                        inj.drop,
                        inj.body,
                        headers,
                        inj.after_apply,
                        "injected",
                        inj.text,
                        inj.truncate,
                    )
                    self.served[decision.kind] += 1
                    return decision
            if self.fraction <= 0.0 or self._rng.random() >= self.fraction:
                return None
            kind = self._rng.choice((429, 502, 503, 0))
            # HubSpot refuses a rate-limited request before applying it: a 429 is never "lost".
            after = self.after_apply and kind != 429
            decision = FaultDecision(kind or None, kind == 0, None, {}, after, "random")
            self.served[decision.kind] += 1
            return decision

    # -- windows ----------------------------------------------------------------------------

    def take_burst(self) -> tuple[bool, int]:
        """Count one API request against the burst window: (allowed, remaining)."""
        remaining = self.burst.try_acquire()
        if remaining is None:
            return False, 0
        with self._lock:
            self._daily_used += 1
        return True, remaining

    def take_search(self) -> bool:
        window = self.search
        allowed = window is None or window.try_acquire() is not None
        if allowed:
            with self._lock:
                self._daily_used += 1
        return allowed

    def take_forms(self) -> str:
        """``"ok"``, ``"limited"`` (429) or ``"blocked"`` (the one-minute IP block)."""
        now = time.monotonic()
        with self._lock:
            if now < self._forms_blocked_until:
                return "blocked"
        if self.forms.try_acquire() is not None:
            return "ok"
        with self._lock:
            self._forms_429s.append(now)
            while self._forms_429s and self._forms_429s[0] <= now - 1.0:
                self._forms_429s.popleft()
            if len(self._forms_429s) >= 10:
                self._forms_blocked_until = now + 60.0
                self._forms_429s.clear()
        return "limited"

    def served_counts(self) -> dict[str, int]:
        """A copy of :attr:`served`, taken under the lock."""
        with self._lock:
            return dict(self.served)

    def daily(self) -> tuple[int, int]:
        """(daily limit, remaining today)."""
        with self._lock:
            return DAILY_LIMIT, max(DAILY_LIMIT - self._daily_used, 0)

    @property
    def burst_limit(self) -> tuple[int, float]:
        """(max, seconds) reported in X-HubSpot-RateLimit-Max / -Interval-Milliseconds."""
        return self.rate_limit or (UNLIMITED_MAX, 10.0)


def _number(name: str, value: Any, low: float, high: float, fix: str) -> float:
    """A finite number within [low, high], or an InputError naming the value and the fix."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if isinstance(value, bool) or not low <= number <= high:  # NaN fails the comparison
        raise InputError(f"{name}={value!r:.100}: use {fix}")
    return number


def _per_second(rate: float) -> SlidingWindow:
    # A fractional rate (e.g. 0.5/s) becomes 1 request per 2 s.
    if rate >= 1:
        return SlidingWindow(int(rate), 1.0)
    return SlidingWindow(1, 1.0 / rate)


def _seconds(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
