"""Argument types of the commands, the sandbox options, and the client a command reads with.

A bad value is an argparse error (usage, the value, what to give; exit 2), never a
traceback from deeper down.
"""

from __future__ import annotations

import argparse
import contextlib
import math
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from .._ratelimit import parse_rate_limit
from ..paths import API_VERSIONS, DEFAULT_API_VERSION, LEGACY

if TYPE_CHECKING:  # pragma: no cover
    from ..client import HubSpot

__all__ = [
    "api_version_option",
    "count",
    "fraction",
    "in_options",
    "per_second",
    "portal_client",
    "properties_of",
    "property_list",
    "rate",
    "sandbox_options",
    "seconds",
]


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


def api_version_option(p: argparse.ArgumentParser) -> None:
    """``--api-version``: the HubSpot API version the command's client speaks."""
    p.add_argument(
        "--api-version",
        choices=API_VERSIONS,
        default=DEFAULT_API_VERSION,
        help=f"HubSpot API version to call (default {DEFAULT_API_VERSION}, HubSpot's current one; "
        f"{LEGACY!r}: the numbered v3/v4 paths, unsupported by HubSpot from September 2027)",
    )


def source_options(p: argparse.ArgumentParser, verb: str) -> None:
    """Where a command reads from: ``--base-url``, ``--sandbox``, ``--api-version`` and the
    sandbox's own options (one set for every command that reads a portal)."""
    p.add_argument(
        "--base-url",
        default=None,
        help="API host (default $HUBFRAME_BASE_URL or https://api.hubapi.com)",
    )
    p.add_argument(
        "--sandbox", action="store_true", help=f"{verb} a built-in sandbox instead of HubSpot"
    )
    api_version_option(p)
    sandbox_options(p)


def property_list(text: str) -> str:
    """``--properties``: ``all`` or names separated by commas."""
    if not any(part.strip() for part in text.split(",")):
        raise argparse.ArgumentTypeError(
            f"{text!r} names no property: give 'all' or names separated by commas, e.g. email,firstname"
        )
    return text


def properties_of(text: str | None) -> Any:
    """``--properties`` as ``properties=`` takes it: None, ``"all"`` or a list of names."""
    if not text or text == "all":
        return text or None
    return [p.strip() for p in text.split(",") if p.strip()]


def in_options(message: str, options: Sequence[tuple[str, str]]) -> str:
    """A message with its Python arguments spelled as the command's options."""
    for python, option in options:
        message = message.replace(python, option)
    return message


@contextlib.contextmanager
def portal_client(args: argparse.Namespace) -> Iterator[HubSpot]:
    """The client a command reads with: a built-in sandbox's (``--sandbox``, stopped
    afterwards) or HubSpot's at ``--base-url`` with the token from the environment."""
    from ..client import HubSpot

    client_kw: dict[str, Any] = {"api_version": args.api_version}
    if args.rate_limit:
        client_kw["rate_limit"] = args.rate_limit
    if not args.sandbox:
        with HubSpot(base_url=args.base_url, **client_kw) as hs:
            yield hs
        return
    from ..sandbox import Sandbox  # the sandbox's server loads only when asked for

    sandbox = Sandbox(
        contacts=args.contacts, companies=args.companies, deals=args.deals, seed=args.seed,
        latency=args.latency, rate_limit=args.rate_limit, faults=args.faults,
    ).start()  # fmt: skip
    try:
        with sandbox.client(**client_kw) as hs:
            yield hs
    finally:
        sandbox.stop()
