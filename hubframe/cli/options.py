"""Argument types of the commands, and the sandbox options ``sandbox`` and ``export`` share.

A bad value is an argparse error (usage, the value, what to give; exit 2), never a
traceback from deeper down.
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable
from typing import Any

from .._ratelimit import parse_rate_limit

__all__ = ["count", "fraction", "per_second", "rate", "sandbox_options", "seconds"]


def _argument(
    convert: Callable[[str], Any], accept: Callable[[Any], bool], what: str, example: str
) -> Callable[[str], Any]:
    """An argparse type: ``convert`` the text, keep it if ``accept`` says so, else say what to give."""

    def parse(text: str) -> Any:
        try:
            value = convert(text)
        except ValueError:
            value = None
        if value is None or not accept(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}, e.g. {example}")
        return value

    return parse


def _checked_rate(text: str) -> str:
    parse_rate_limit(text)  # InputError (a ValueError) when it is not a rate
    return text


count = _argument(int, lambda v: v >= 0, "a count: give a whole number >= 0", "500")
seconds = _argument(
    float, lambda v: math.isfinite(v) and v >= 0, "a number of seconds: give a number >= 0", "0.15"
)
# NaN fails too: it is not between 0 and 1.
fraction = _argument(float, lambda v: 0 <= v <= 1, "a fraction: give a number from 0 to 1", "0.1")
rate = _argument(_checked_rate, lambda v: True, "a rate: give COUNT/SECONDS", "190/10")
per_second = _argument(
    float, lambda v: math.isfinite(v) and v >= 0, "a rate per second: give a number >= 0", "20"
)


def sandbox_options(p: argparse.ArgumentParser) -> None:
    """The options that seed and shape a sandbox portal."""
    p.add_argument("--contacts", type=count, default=1000, help="seeded contacts (default 1000)")
    p.add_argument("--companies", type=count, default=100, help="seeded companies (default 100)")
    p.add_argument("--deals", type=count, default=200, help="seeded deals (default 200)")
    p.add_argument("--seed", type=int, default=0, help="seed of the generated data (default 0)")
    p.add_argument("--latency", type=seconds, default=0.0, help="seconds added to every response")
    p.add_argument(
        "--rate-limit", type=rate, default=None, help="burst limit as COUNT/SECONDS, e.g. 190/10"
    )
    p.add_argument(
        "--faults",
        type=fraction,
        default=0.0,
        help="fraction of requests answered with 429/502/503 or a dropped connection",
    )
