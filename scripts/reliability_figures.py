"""Print the fuzz figures of the last reliability run as the README's table rows.

``pytest tests/reliability`` writes ``test-artifacts/reliability-figures.json``; this
reads its ``fuzz`` section and prints the rows of the README's reliability table that
come from it. ``--readme README.md`` replaces those rows in place (the rows whose first
cell starts with ``fuzz:``); ``--check`` exits 1 if an untyped exception or a token
sighting was counted, as the tests themselves fail then.

    python scripts/reliability_figures.py [--json PATH] [--readme README.md] [--check]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_JSON = ROOT / "test-artifacts" / "reliability-figures.json"
MUST_BE_ZERO = ("untyped_exceptions", "token_sightings")


def rows(fuzz: dict[str, int], inputs: dict[str, int], known: dict[str, int]) -> list[str]:
    """The README rows for one run's ``fuzz``, ``fuzz_inputs`` and ``fuzz_known`` sections.

    Every fuzz test counts into ``fuzz`` (the tests of failures that were fixed count as
    ordinary tries); ``fuzz_known`` is for a failure kept as ``xfail(strict=True)`` until
    it is fixed, and its row is shown only while it has tries."""
    get = fuzz.get
    tried = (
        known.get("results", 0) + known.get("typed_errors", 0) + known.get("untyped_exceptions", 0)
    )
    kinds = ", ".join(f"{k} {v:,}" for k, v in sorted(inputs.items()))
    out = [
        f"| fuzz: hostile answers served (proxy) / hostile inputs tried | "
        f"{get('hostile_answers', 0):,} / {get('hostile_inputs', 0):,} |",
        f"| fuzz: tries ending in a result / in a typed error / untyped exceptions | "
        f"{get('results', 0):,} / {get('typed_errors', 0):,} / {get('untyped_exceptions', 0)} |",
        f"| fuzz: places searched for the token / sightings | "
        f"{get('places_searched', 0):,} / {get('token_sightings', 0)} |",
        f"| fuzz: hostile inputs by kind | {kinds or '-'} |",
    ]
    if tried:  # only while some failure is kept as a known one (xfail, strict)
        out.append(
            f"| fuzz: tries in the known-failure tests (each xfail, strict) / untyped among "
            f"them | {tried:,} / {known.get('untyped_exceptions', 0):,} |"
        )
    return out


def replace_rows(text: str, new: list[str]) -> str:
    """``text`` with its ``| fuzz: ...`` rows replaced by ``new`` (appended to the table
    after its last row if it has none)."""
    lines = text.splitlines()
    at = [i for i, line in enumerate(lines) if line.startswith("| fuzz:")]
    if at:
        lines[at[0] : at[-1] + 1] = new
    else:
        last = max(i for i, line in enumerate(lines) if line.startswith("| places searched"))
        lines[last + 1 : last + 1] = new
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, default=DEFAULT_JSON)
    parser.add_argument("--readme", type=Path)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if not args.json.is_file():
        sys.stderr.write(f"{args.json}: no figures; run `pytest tests/reliability` first\n")
        return 2
    data = json.loads(args.json.read_text(encoding="utf-8"))
    fuzz, inputs, known = (data.get(k, {}) for k in ("fuzz", "fuzz_inputs", "fuzz_known"))
    if not fuzz:
        sys.stderr.write(f"{args.json}: no fuzz section (the fuzz tests did not run)\n")
        return 2
    new = rows(fuzz, inputs, known)
    sys.stdout.write("\n".join(new) + "\n")
    if args.readme:
        args.readme.write_text(replace_rows(args.readme.read_text(encoding="utf-8"), new),
                               encoding="utf-8")  # fmt: skip
    bad = {k: fuzz[k] for k in MUST_BE_ZERO if fuzz.get(k)}
    if args.check and bad:
        sys.stderr.write(f"must be 0: {bad}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
