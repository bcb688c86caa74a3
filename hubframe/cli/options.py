"""Argument types of the commands, the sandbox options, and the client a command reads with.

A bad value is an argparse error (usage, the value, what to give; exit 2), never a
traceback from deeper down.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import textwrap
from collections.abc import Callable, Iterator, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._ratelimit import parse_rate_limit
from ..errors import ConfigurationError
from ..export import DEFAULT_MAX_CHECKPOINT_AGE
from ..paths import API_VERSIONS, DEFAULT_API_VERSION, LEGACY

if TYPE_CHECKING:  # pragma: no cover
    from ..client import HubSpot

__all__ = [
    "api_version_option",
    "checkpoint_age",
    "checkpoint_age_option",
    "command_parser",
    "count",
    "fraction",
    "parquet_target",
    "per_second",
    "portal_client",
    "properties_of",
    "property_list",
    "rate",
    "read_token",
    "sandbox_options",
    "seconds",
    "source_options",
    "token_options",
    "type_list",
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
    p.add_argument(
        "--contacts", type=count, default=1000, metavar="N", help="seeded contacts (default 1000)"
    )
    p.add_argument(
        "--companies", type=count, default=100, metavar="N", help="seeded companies (default 100)"
    )
    p.add_argument(
        "--deals", type=count, default=200, metavar="N", help="seeded deals (default 200)"
    )
    p.add_argument(
        "--seed", type=int, default=0, metavar="N", help="seed of the generated data (default 0)"
    )
    p.add_argument(
        "--latency",
        type=seconds,
        default=0.0,
        metavar="SECONDS",
        help="seconds added to every response",
    )
    p.add_argument(
        "--rate-limit",
        type=rate,
        default=None,
        metavar="COUNT/SECONDS",
        help="burst limit as COUNT/SECONDS, e.g. 190/10",
    )
    p.add_argument(
        "--faults",
        metavar="FRACTION",
        type=fraction,
        default=0.0,
        help="fraction of requests answered with 429/502/503 or a dropped connection",
    )


def command_parser(
    sub: Any, name: str, summary: str, description: str, examples: Sequence[str]
) -> argparse.ArgumentParser:
    """A command's parser: ``summary`` in ``hubframe --help``, ``description`` and the
    ``examples`` (one command line each) in its own ``--help``."""
    lines = "\n".join(f"  {line}" for line in examples)
    # The raw formatter keeps the examples' lines, so the description is wrapped here.
    parser: argparse.ArgumentParser = sub.add_parser(
        name,
        help=summary,
        description=textwrap.fill(description, width=79),
        epilog=f"examples:\n{lines}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def api_version_option(p: argparse.ArgumentParser) -> None:
    """``--api-version``: the HubSpot API version the command's client speaks."""
    p.add_argument(
        "--api-version",
        choices=API_VERSIONS,
        default=DEFAULT_API_VERSION,
        help=f"HubSpot API version to call (default {DEFAULT_API_VERSION}, HubSpot's current one; "
        f"{LEGACY!r}: the numbered v3/v4 paths, unsupported by HubSpot from September 2027)",
    )


def token_options(p: argparse.ArgumentParser) -> None:
    """Where the token comes from: ``$HUBSPOT_ACCESS_TOKEN`` (the default), ``--token-file``
    or ``--token``. A token on the command line is visible to every user of the machine
    (``ps``) and stays in the shell's history, so its help steers away from it."""
    p.add_argument(
        "--token-file",
        metavar="PATH",
        default=None,
        help="read the access token from this file (surrounding whitespace is ignored); "
        "without it and --token, the token is $HUBSPOT_ACCESS_TOKEN",
    )
    p.add_argument(
        "--token",
        default=None,
        metavar="TOKEN",
        help="the access token itself; visible in `ps` and kept in shell history, so prefer "
        "$HUBSPOT_ACCESS_TOKEN or --token-file",
    )


def source_options(p: argparse.ArgumentParser, verb: str) -> None:
    """Where a command reads from: ``--base-url``, the token, ``--sandbox``,
    ``--api-version`` and the sandbox's own options (one set for every command that reads
    a portal)."""
    p.add_argument(
        "--base-url",
        default=None,
        metavar="URL",
        help="API host (default $HUBFRAME_BASE_URL or https://api.hubapi.com)",
    )
    token_options(p)
    p.add_argument(
        "--sandbox", action="store_true", help=f"{verb} a built-in sandbox instead of HubSpot"
    )
    api_version_option(p)
    sandbox_options(p)


def _hours(text: str) -> float | None:
    """``--max-checkpoint-age``: hours > 0, or ``none`` for any age."""
    if text.strip().lower() == "none":
        return None
    try:
        hours = float(text)
    except ValueError:
        hours = math.nan
    if not math.isfinite(hours) or hours <= 0:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of hours: give a number > 0, e.g. 24, or 'none' for any age"
        )
    return hours


def checkpoint_age_option(p: argparse.ArgumentParser) -> None:
    """``--max-checkpoint-age HOURS``: how old an interrupted export may be to resume."""
    default_hours = DEFAULT_MAX_CHECKPOINT_AGE.total_seconds() / 3600
    p.add_argument(
        "--max-checkpoint-age",
        type=_hours,
        default=default_hours,
        metavar="HOURS",
        help=f"resume an interrupted export only this many hours after it started "
        f"(default {default_hours:g}; 'none': any age)",
    )


def checkpoint_age(args: argparse.Namespace) -> timedelta | None:
    """``--max-checkpoint-age`` as ``max_checkpoint_age=`` takes it."""
    hours = args.max_checkpoint_age
    return None if hours is None else timedelta(hours=hours)


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


def type_list(text: str) -> list[str]:
    """``--objects``, ``--associations``: object types separated by commas."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    if not names:
        raise argparse.ArgumentTypeError(
            f"{text!r} names no object type: give types separated by commas, e.g. contacts,deals"
        )
    return names


#: The file names a Parquet target may have; none at all is accepted too (``-o contacts``).
PARQUET_SUFFIXES = (".parquet", ".pq")


def file_arguments(p: argparse.ArgumentParser, what: str, out_help: str) -> None:
    """The object type (``what`` it is of) and ``-o/--out``, the Parquet file (``out_help``)."""
    p.add_argument(
        "object_type",
        help=f"the object type {what}: contacts, companies, deals, tickets, line_items, "
        "notes ..., or a custom object's name (unknown names are refused, listing the "
        "portal's types)",
    )
    p.add_argument("-o", "--out", required=True, type=parquet_target, metavar="FILE", help=out_help)


def parquet_target(text: str) -> Path:
    """``-o FILE`` of a command that writes one Parquet file.

    Refused: another extension (``-o contacts.csv`` would hold Parquet under a name that
    says CSV), and a folder part that is a file (``-o notes/x.parquet`` with a file
    ``notes``). A missing folder or a target that is a folder is refused by the export
    itself, which says the same for Python callers.
    """
    path = Path(text)
    if path.suffix and path.suffix.lower() not in PARQUET_SUFFIXES:
        raise argparse.ArgumentTypeError(
            f"{text!r}: hubframe writes Parquet; name the file {path.with_suffix('.parquet')} "
            f"(.parquet or .pq), and convert afterwards if you need {path.suffix}"
        )
    for folder in path.parents:
        if folder.is_file():
            raise argparse.ArgumentTypeError(
                f"{text!r}: {folder} is a file, not a folder; name a path in an existing folder"
            )
    return path


def read_token(args: argparse.Namespace) -> str | None:
    """The token ``--token-file`` or ``--token`` gives (None: the client reads
    ``$HUBSPOT_ACCESS_TOKEN``).

    Raises:
        ConfigurationError: both given, or a file that cannot be read or holds no token.
    """
    path, token = getattr(args, "token_file", None), getattr(args, "token", None)
    if path is not None and token is not None:
        raise ConfigurationError(
            "--token and --token-file both given: give one (preferably --token-file, or "
            "$HUBSPOT_ACCESS_TOKEN)"
        )
    if path is None:
        return token
    try:
        text = Path(path).read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ConfigurationError(
            f"--token-file {path}: cannot read it ({exc.strerror or type(exc).__name__}); "
            "give a file that holds the access token"
        ) from None
    except UnicodeDecodeError:
        raise ConfigurationError(
            f"--token-file {path} is not UTF-8 text: give a file that holds the access token"
        ) from None
    if not text:
        raise ConfigurationError(f"--token-file {path} is empty: put the access token in it")
    return text


@contextlib.contextmanager
def portal_client(args: argparse.Namespace) -> Iterator[HubSpot]:
    """The client a command reads with: a built-in sandbox's (``--sandbox``, stopped
    afterwards) or HubSpot's at ``--base-url`` with the token of :func:`read_token`."""
    from ..client import HubSpot

    client_kw: dict[str, Any] = {"api_version": args.api_version}
    if args.rate_limit:
        client_kw["rate_limit"] = args.rate_limit
    if not args.sandbox:
        with HubSpot(read_token(args), base_url=args.base_url, **client_kw) as hs:
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
