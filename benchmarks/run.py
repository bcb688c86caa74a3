"""Benchmark: hubframe's export and get_all against the clients a user would pick, on the sandbox.

    python benchmarks/run.py            # the full run; rewrites the table in benchmarks/README.md
    python benchmarks/run.py --quick    # small portals, a few minutes (--write to keep it)

The sandbox runs as its own process (``hubframe sandbox ...``) and every
contender (``contenders.py``) runs in its own subprocess, so each measurement
is the client alone: records/s and CPU seconds per 1,000 records are timed
around the work inside the contender (imports excluded); peak RSS is the
contender process's maximum resident set, from ``os.wait4``. Every contender
runs once per round, the rounds one after another on one sandbox process, and
the table shows the medians and the spread across rounds.

With zero latency the sandbox has no rate limit and the clients none either
(search keeps its 5/s). With latency the sandbox answers after 150 ms and
allows 190 requests per 10 s (HubSpot Professional), and every client that
can be told a limit is told that one.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import contenders  # the module beside this one (sys.path[0] when run as a script)

HERE = Path(__file__).resolve().parent
TOKEN = contenders.TOKEN
CEILING = 19.0  # requests per second: 190 per 10 s


# -- one measurement (a contender in its own process) ----------------------------------------

NAMES = {
    "export": "hubframe export",
    "get_all": "hubframe get_all + to_parquet",
    "export-both": "hubframe export, search_in_rate_limit=False",
    "get_all-both": "hubframe get_all, search_in_rate_limit=False",
    "sdk": "SDK get_all + json_normalize + to_parquet",
    "hubspot-sdk": "hubspot-sdk list + Arrow + Parquet",
    "floor": "floor: httpx + orjson + pyarrow, list",
    "floor-search": "floor: httpx + orjson + pyarrow, list + search",
}


@dataclass
class Sample:
    """One run of one contender."""

    rows: int
    seconds: float
    cpu: float
    rss_mb: float
    requests: int


@dataclass
class Row:
    """The repeats of one contender on one portal, at one property width and latency."""

    contender: str
    n: int
    latency: bool
    props: str
    samples: list[Sample]

    @property
    def name(self) -> str:
        return NAMES[self.contender]

    def _median(self, values: list[float]) -> float:
        return statistics.median(values)

    def _spread(self, values: list[float]) -> float:
        """(max - min) / median across the repeats."""
        mid = statistics.median(values)
        return (max(values) - min(values)) / mid if mid else 0.0

    @property
    def rates(self) -> list[float]:
        return [s.rows / s.seconds for s in self.samples]

    @property
    def cpus(self) -> list[float]:
        return [s.cpu / s.rows * 1000 for s in self.samples]

    @property
    def rate(self) -> float:
        return self._median(self.rates)

    @property
    def rate_spread(self) -> float:
        return self._spread(self.rates)

    @property
    def cpu_per_1k(self) -> float:
        return self._median(self.cpus)

    @property
    def cpu_spread(self) -> float:
        return self._spread(self.cpus)

    @property
    def rss_mb(self) -> float:
        return self._median([s.rss_mb for s in self.samples])

    @property
    def req_rate(self) -> float:
        return self._median([s.requests / s.seconds for s in self.samples])


def measure(
    contender: str,
    n: int,
    url: str,
    *,
    props: str = "all",
    rate_limit: str | None = None,
    parallel: int | None = None,
    wide: bool = False,
) -> Sample:
    """Run one contender in its own process; its peak RSS comes from wait4."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, __file__, "--contender", contender, "--url", url]
        cmd += ["--path", str(Path(tmp) / "out.parquet"), "--props", props]
        if parallel is not None:
            cmd += ["--parallel", str(parallel)]
        if wide:
            cmd.append("--wide")
        if rate_limit:
            cmd += ["--rate-limit", rate_limit]
        with open(Path(tmp) / "stdout", "w+") as stdout:
            proc = subprocess.Popen(cmd, stdout=stdout)
            _, status, usage = os.wait4(proc.pid, 0)
            code = os.waitstatus_to_exitcode(status)
            stdout.seek(0)
            text = stdout.read()
        if code != 0:
            raise SystemExit(f"{contender} failed (exit {code}): {text}")
        data = json.loads(text.strip().splitlines()[-1])
    sample = Sample(
        data["rows"], data["seconds"], data["cpu"], usage.ru_maxrss / 1024, data["requests"]
    )
    if sample.rows != n:
        raise SystemExit(f"{contender} read {sample.rows:,} of {n:,} contacts")
    print(
        f"  {NAMES[contender]:<48} {props:>3} props {sample.rows:>8,} rows "
        f"{sample.rows / sample.seconds:>8,.0f} rec/s  {sample.cpu / sample.rows * 1000:6.3f} CPU s/1k "
        f"{sample.rss_mb:7.0f} MB  {sample.requests / sample.seconds:5.1f} req/s",
        flush=True,
    )
    return sample


# -- the sandbox (a separate process) -----------------------------------------------------------


class SandboxProcess:
    """``hubframe sandbox`` in the background, seeded with ``contacts`` contacts."""

    def __init__(self, contacts: int, *, latency: float = 0.0, rate_limit: str | None = None):
        cmd = [
            sys.executable,
            "-m",
            "hubframe.cli",
            "sandbox",
            "--contacts",
            str(contacts),
            "--companies",
            "10",
            "--deals",
            "10",
            "--port",
            "0",
            "--token",
            TOKEN,
        ]
        if latency:
            cmd += ["--latency", str(latency)]
        if rate_limit:
            cmd += ["--rate-limit", rate_limit]
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.url = ""
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            found = re.search(r"HubSpot API at (http://\S+)", line)
            if found:
                self.url = found.group(1)
            if line.startswith("Press Ctrl-C"):
                break
        if not self.url:
            raise SystemExit("the sandbox did not start")
        self.seed_seconds = time.perf_counter() - started
        print(
            f"sandbox: {contacts:,} contacts, latency {latency or 0} s, rate limit {rate_limit or 'none'} "
            f"(seeded and serving in {self.seed_seconds:.1f} s)",
            flush=True,
        )

    def stop(self) -> None:
        # SIGTERM, not SIGINT: a job started in the background of a shell ignores SIGINT.
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


# -- the run -------------------------------------------------------------------------------------


def machine() -> list[str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        ram = f"{kb / 2**20:.0f} GiB"
    except (OSError, IndexError, ValueError):
        pass
    versions = ", ".join(
        f"{p} {md.version(p)}"
        for p in (
            "hubframe",
            "pyarrow",
            "pandas",
            "httpx",
            "orjson",
            "hubspot-api-client",
            "hubspot-sdk",
        )
    )
    return [
        f"CPU: {cpu}, {os.cpu_count()} cores; RAM {ram}",
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}",
        versions,
    ]


#: Records per second the rate limit allows: 19 list pages of 100 a second; with search
#: (its own 5/s, 200 a page) on top, 2,900.
LIST_CEILING = CEILING * 100
COMBINED_CEILING = LIST_CEILING + 5 * 200
PEERS = ("sdk", "hubspot-sdk", "floor")


@dataclass(frozen=True)
class Profile:
    """The portal sizes and repeats of one run."""

    name: str
    small: int  # contacts at zero latency (and the first peak RSS)
    large: int  # contacts of the second peak RSS
    latency_n: int  # contacts at 150 ms and 190/10 s
    repeats: int
    large_contenders: tuple[str, ...]


QUICK = Profile("quick", 5_000, 20_000, 2_000, 3, ("export", "get_all", "floor"))
FULL = Profile(
    "full", 50_000, 500_000, 20_000, 3, ("export", "get_all", "sdk", "hubspot-sdk", "floor")
)
ZERO_CONTENDERS = ("export", "get_all", "sdk", "hubspot-sdk", "floor")
LATENCY_CONTENDERS = (
    "export", "get_all", "export-both", "get_all-both", "sdk", "hubspot-sdk", "floor",
    "floor-search",
)  # fmt: skip
WIDTHS = ("25", "all")


def spread(value: float) -> str:
    return f"±{value / 2:.0%}"


def table(rows: list[Row]) -> str:
    """The results: medians, and half the range of the repeats as a share of the median."""
    lines = [
        "| contender | contacts | properties | latency, limit | records/s | CPU s / 1k records "
        "| peak RSS | req/s | share of list / list+search ceiling | repeats |",
        "|---|---:|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lat = "150 ms, 190/10 s" if r.latency else "0, none"
        share = (
            f"{r.rate / LIST_CEILING:.0%} / {r.rate / COMBINED_CEILING:.0%}" if r.latency else "–"
        )
        lines.append(
            f"| {r.name} | {r.n:,} | {r.props} | {lat} | {r.rate:,.0f} {spread(r.rate_spread)} "
            f"| {r.cpu_per_1k:.3f} {spread(r.cpu_spread)} | {r.rss_mb:,.0f} MB "
            f"| {r.req_rate:.1f} | {share} | {len(r.samples)} |"
        )
    return "\n".join(lines)


def sweep(quick: bool) -> int:
    """records/s and share of the ceiling for each ``parallel``, at 150 ms and 190/10 s."""
    n = 5_000 if quick else 50_000
    sb = SandboxProcess(n, latency=0.15, rate_limit="190/10")
    lines = [
        "| parallel | sandbox (41 properties): records/s | share | wide portal: records/s | share |",
        "|---:|---:|---:|---:|---:|",
    ]
    try:
        for parallel in (1, 2, 3, 4, 5, 6, 8):
            cells = []
            for wide in (False, True):
                s = measure("export", n, sb.url, rate_limit="190/10", parallel=parallel, wide=wide)
                cells += [f"{s.rows / s.seconds:,.0f}", f"{s.requests / s.seconds / CEILING:.0%}"]
            lines.append(f"| {parallel} | " + " | ".join(cells) + " |")
    finally:
        sb.stop()
    text = "\n".join(lines)
    print()
    print(text)
    if not quick:
        head = (
            f"# Export streams sweep\n\n`python benchmarks/run.py --sweep` ({time.strftime('%Y-%m-%d')}): "
            f"{n:,} contacts, 150 ms per request, 190 requests / 10 s.\n\n"
        )
        (HERE / "SWEEP.md").write_text(head + text + "\n\nMachine: " + "; ".join(machine()) + "\n")
    return 0


def interleaved(
    n: int,
    contenders: tuple[str, ...],
    widths: tuple[str, ...],
    repeats: int,
    *,
    latency: float = 0.0,
    rate_limit: str | None = None,
) -> list[Row]:
    """Every contender at every width, ``repeats`` rounds, on one sandbox process.

    Rounds rather than a contender's repeats back to back: a slower spell of a shared
    machine then touches every contender alike.
    """
    rows = {(c, w): Row(c, n, bool(latency), w, []) for w in widths for c in contenders}
    sb = SandboxProcess(n, latency=latency, rate_limit=rate_limit)
    try:
        for round_ in range(repeats):
            print(f" round {round_ + 1} of {repeats}", flush=True)
            for (c, w), row in rows.items():
                row.samples.append(measure(c, n, sb.url, props=w, rate_limit=rate_limit))
    finally:
        sb.stop()
    return list(rows.values())


def find(rows: list[Row], contender: str, n: int, props: str, latency: bool) -> Row | None:
    for r in rows:
        if (r.contender, r.n, r.props, r.latency) == (contender, n, props, latency):
            return r
    return None


def ratio_lines(rows: list[Row], p: Profile) -> list[str]:
    """The ratios against the targets, from the medians."""
    out = []
    for width in WIDTHS:
        floor = find(rows, "floor", p.small, width, False)
        for mine in ("export", "get_all"):
            me = find(rows, mine, p.small, width, False)
            if me is None:
                continue
            peers = [(q, find(rows, q, p.small, width, False)) for q in PEERS]
            vs = ", ".join(f"{NAMES[q]} {me.rate / r.rate:.1f}x" for q, r in peers if r)
            out.append(f"{NAMES[mine]}, {width} properties: records/s vs {vs}")
            if floor:
                out.append(
                    f"{NAMES[mine]}, {width} properties: CPU per 1,000 records "
                    f"{me.cpu_per_1k / floor.cpu_per_1k:.2f}x the floor's "
                    f"({me.cpu_per_1k:.3f} vs {floor.cpu_per_1k:.3f} s)"
                )
    for c in p.large_contenders:
        small, large = find(rows, c, p.small, "all", False), find(rows, c, p.large, "all", False)
        if small and large:
            out.append(
                f"peak RSS, {NAMES[c]}: {small.rss_mb:,.0f} MB at {p.small:,}, {large.rss_mb:,.0f} MB "
                f"at {p.large:,} ({large.rss_mb / small.rss_mb:.2f}x)"
            )
    for c in LATENCY_CONTENDERS:
        r = find(rows, c, p.latency_n, "all", True)
        if r:
            out.append(
                f"150 ms, 190/10 s, {NAMES[c]}: {r.rate:,.0f} records/s, {r.rate / LIST_CEILING:.0%} of "
                f"the list ceiling ({LIST_CEILING:,.0f}/s), {r.rate / COMBINED_CEILING:.0%} of "
                f"list + search ({COMBINED_CEILING:,.0f}/s)"
            )
    return out


def run(p: Profile, latency_only: bool) -> tuple[list[Row], dict[int, float]]:
    rows: list[Row] = []
    if not latency_only:
        rows += interleaved(p.small, ZERO_CONTENDERS, WIDTHS, p.repeats)
        # The large portal only for peak RSS (and one repeat: the SDK paths take minutes).
        rows += interleaved(p.large, p.large_contenders, ("all",), 1)
    rows += interleaved(
        p.latency_n, LATENCY_CONTENDERS, ("all",), p.repeats, latency=0.15, rate_limit="190/10"
    )
    return rows, {}


START, END = "<!-- results:start -->", "<!-- results:end -->"


def report(rows: list[Row], p: Profile) -> str:
    """The results block: how it was made, the table, the ratios, the machine."""
    ratios = "\n".join(f"- {line}" for line in ratio_lines(rows, p))
    flag = " --quick" if p.name == "quick" else ""
    return (
        f"`python benchmarks/run.py{flag}` ({time.strftime('%Y-%m-%d')}, {p.name} profile): "
        f"medians of {p.repeats} interleaved rounds (the {p.large:,}-contact rows: one), ± half "
        "the range across them. Sandbox in its own process; each contender in its own "
        f"process. List ceiling {LIST_CEILING:,.0f} records/s (19 pages of 100), list + search "
        f"{COMBINED_CEILING:,.0f} (search's own 5/s, 200 a page).\n\n"
        f"{table(rows)}\n\n{ratios}\n\nMachine: {'; '.join(machine())}\n"
    )


def write_readme(block: str) -> None:
    """Replace the results between the markers of this folder's README and the project's."""
    for path in (HERE / "README.md", HERE.parent / "README.md"):
        text = path.read_text()
        head, _, rest = text.partition(START)
        _, _, tail = rest.partition(END)
        path.write_text(f"{head}{START}\n{block}{END}{tail}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small portals, in a few minutes")
    parser.add_argument(
        "--write",
        action="store_true",
        help="write the results into the READMEs and RESULTS.md (always for a full run)",
    )
    parser.add_argument(
        "--sweep",
        action="store_true",
        help="instead: hubframe at latency for parallel=1..8, 50,000 contacts (sandbox "
        "and wide portal), written to benchmarks/SWEEP.md",
    )
    parser.add_argument(
        "--latency-only", action="store_true", help="only the rows at 150 ms and 190/10 s"
    )
    parser.add_argument("--contender", choices=contenders.CONTENDERS, help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--props", default="all", help=argparse.SUPPRESS)
    parser.add_argument("--parallel", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--wide", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rate-limit", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.contender:
        contenders.main(args)
        return 0
    if args.sweep:
        return sweep(args.quick)
    profile = QUICK if args.quick else FULL
    rows, _ = run(profile, args.latency_only)
    block = report(rows, profile)
    print()
    print(block)
    if args.write or not (args.quick or args.latency_only):
        write_readme(block)
        (HERE / "RESULTS.md").write_text(f"# Benchmark results\n\n{block}")
        print("written to README.md, benchmarks/README.md and benchmarks/RESULTS.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
