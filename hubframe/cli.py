"""The ``hubframe`` command: ``demo``, ``sandbox`` and ``export``.

This is the only module that prints; everything else logs.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence


def emit(line: str) -> None:
    """Write one line of a command's output (the package's only printing)."""
    print(line, flush=True)


# Argument types: a bad value is an argparse error (usage, the value, what to give; exit 2),
# never a traceback from deeper down.


def _argument(convert, accept, what: str, example: str):
    """An argparse type: ``convert`` the text, keep it if ``accept`` says so, else say what to give."""

    def parse(text: str):
        try:
            value = convert(text)
        except ValueError:
            value = None
        if value is None or not accept(value):
            raise argparse.ArgumentTypeError(f"{text!r} is not {what}, e.g. {example}")
        return value

    return parse


_count = _argument(int, lambda v: v >= 0, "a count: give a whole number >= 0", "500")
_seconds = _argument(
    float, lambda v: math.isfinite(v) and v >= 0, "a number of seconds: give a number >= 0", "0.15"
)
_fraction = _argument(float, lambda v: 0 <= v <= 1, "a fraction: give a number from 0 to 1", "0.1")  # NaN fails too


def _checked_rate(text: str) -> str:
    from ._ratelimit import parse_rate_limit

    parse_rate_limit(text)  # InputError (a ValueError) when it is not a rate
    return text


_rate = _argument(_checked_rate, lambda v: True, "a rate: give COUNT/SECONDS", "190/10")


def _property_list(text: str) -> str:
    if not any(part.strip() for part in text.split(",")):
        raise argparse.ArgumentTypeError(
            f"{text!r} names no property: give 'all' or names separated by commas, e.g. email,firstname"
        )
    return text


def _sandbox_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--contacts", type=_count, default=1000, help="seeded contacts (default 1000)")
    p.add_argument("--companies", type=_count, default=100, help="seeded companies (default 100)")
    p.add_argument("--deals", type=_count, default=200, help="seeded deals (default 200)")
    p.add_argument("--seed", type=int, default=0, help="seed of the generated data (default 0)")
    p.add_argument("--latency", type=_seconds, default=0.0, help="seconds added to every response")
    p.add_argument("--rate-limit", type=_rate, default=None, help="burst limit as COUNT/SECONDS, e.g. 190/10")
    p.add_argument("--faults", type=_fraction, default=0.0, help="fraction of requests answered with 429/502/503 or a dropped connection")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hubframe", description="HubSpot CRM in Jupyter.")
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="export a built-in sandbox portal to Parquet and summarise it")
    demo.add_argument("-o", "--out", default="hubframe-demo", help="output folder (default ./hubframe-demo)")
    demo.add_argument("--contacts", type=_count, default=5000)
    demo.add_argument("--companies", type=_count, default=500)
    demo.add_argument("--deals", type=_count, default=1000)

    sb = sub.add_parser("sandbox", help="run a local HubSpot sandbox in the foreground")
    sb.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1 only)")
    sb.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    sb.add_argument("--token", default=None, help="bearer token to accept (default: a random one)")
    sb.add_argument("--path", default=None, help="file that keeps the portal across restarts")
    _sandbox_args(sb)

    ex = sub.add_parser("export", help="stream every record of an object type to Parquet")
    ex.add_argument("object_type", choices=["contacts", "companies", "deals"])
    ex.add_argument("-o", "--out", required=True, help="target .parquet file")
    ex.add_argument("--properties", type=_property_list, default=None, help="'all' or a comma-separated list (default: HubSpot's defaults)")
    ex.add_argument("--search", nargs=2, metavar=("PROPERTY", "VALUE"), default=None, help="export the matches of PROPERTY = VALUE")
    ex.add_argument("--no-resume", action="store_true", help="start over even if a checkpoint exists")
    ex.add_argument("--base-url", default=None, help="API host (default $HUBFRAME_BASE_URL or https://api.hubapi.com)")
    ex.add_argument("--sandbox", action="store_true", help="export from a built-in sandbox instead of HubSpot")
    _sandbox_args(ex)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``hubframe`` console script."""
    args = build_parser().parse_args(argv)
    from .errors import HubFrameError

    try:
        if args.command == "sandbox":
            from .sandbox.server import run_cli

            return run_cli(args, emit=emit)
        if args.command == "export":
            from .export import run_cli as export_cli

            return export_cli(args, emit=emit)
        if args.command == "demo":
            from .demo import run_cli as demo_cli

            return demo_cli(args, emit=emit)
    except HubFrameError as exc:
        print(f"hubframe: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("hubframe: interrupted", file=sys.stderr)
        return 130
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
