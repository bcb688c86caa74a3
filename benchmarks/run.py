"""Benchmark: hubframe's Parquet export against HubSpot's SDK ``get_all`` + pandas, on the sandbox.

    python benchmarks/run.py            # the full run (about 10 minutes), writes benchmarks/RESULTS.md
    python benchmarks/run.py --quick    # small portals, a smoke check (writes nothing unless --results)

The sandbox runs as its own process (``hubframe sandbox ...``) and every
contender runs in its own subprocess, so each measurement is the client
alone: records/s and CPU seconds per 1,000 records are timed around the work
inside the contender (imports excluded); peak RSS is the contender process's
maximum resident set, from ``os.wait4``.

Contenders:

* ``hubframe``: ``hs.contacts.export(path, properties="all")`` (default
  streams); ``hubframe parallel=1`` is the list cursor alone.
* ``SDK``: what a user writes today with hubspot-api-client:
  ``client.crm.contacts.get_all(properties=<every name>)``, then
  ``pandas.json_normalize([r.to_dict() ...])`` and ``DataFrame.to_parquet``.
  ``get_all`` sends HubSpot's defaults (firstname, lastname, email) unless
  given names, and has no "all", so the names come from the SDK's properties
  API first.
* ``hubframe, wide portal``: real portals define hundreds of contact
  properties, whose names do not fit HubSpot's 3,000-character search body;
  hubframe's search then asks for ids and reads the records with batch reads.
  The sandbox defines 41, so this row lowers the body limit in the
  contender process to take the same path.

With zero latency the sandbox has no rate limit and the clients none either.
With latency the sandbox answers after 150 ms and allows 190 requests per
10 s (HubSpot Professional), and hubframe's client is told the same limit;
the "share of ceiling" is requests per second over 19.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
TOKEN = "pat-benchmark-0000"
CEILING = 19.0  # requests per second: 190 per 10 s


# -- contenders (run in a subprocess) --------------------------------------------------------


def contender(args: argparse.Namespace) -> None:
    """Run one contender and print one JSON line: rows, seconds, cpu, requests."""
    out = Path(args.path)
    import pandas  # noqa: F401  - imported before the clock starts, as in a notebook
    import pyarrow.parquet  # noqa: F401

    if args.contender == "sdk":
        import urllib3

        sent = [0]
        urlopen = urllib3.PoolManager.urlopen

        def counting(self, *a, **k):  # count every HTTP request the SDK sends
            sent[0] += 1
            return urlopen(self, *a, **k)

        urllib3.PoolManager.urlopen = counting
        import hubspot
        import pandas as pd

        started, cpu = time.perf_counter(), time.process_time()
        client = hubspot.HubSpot(access_token=TOKEN, host=args.url)
        names = [p.name for p in client.crm.properties.core_api.get_all("contacts").results]
        records = client.crm.contacts.get_all(properties=names)
        frame = pd.json_normalize([r.to_dict() for r in records])
        frame.to_parquet(out)
        rows, requests = len(frame), sent[0]
    else:
        import hubframe
        import hubframe.export  # noqa: F401

        if args.wide:
            import hubframe.resources.search

            hubframe.resources.search.SEARCH_BODY_MAX = (
                100  # as a portal with hundreds of properties
            )
        started, cpu = time.perf_counter(), time.process_time()
        hs = hubframe.HubSpot(TOKEN, base_url=args.url, rate_limit=args.rate_limit or (10**6, 10))
        res = hs.contacts.export(
            out, properties="all", progress=False, parallel=args.parallel, resume=False
        )
        rows, requests = res.rows, hs.stats.snapshot()[0]
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"rows": rows, "seconds": seconds, "cpu": cpu, "requests": requests}))


@dataclass
class Row:
    name: str
    n: int
    latency: bool
    rows: int
    seconds: float
    cpu: float
    rss_mb: float
    requests: int

    @property
    def rate(self) -> float:
        return self.rows / self.seconds

    @property
    def cpu_per_1k(self) -> float:
        return self.cpu / self.rows * 1000

    @property
    def share(self) -> float:
        return self.requests / self.seconds / CEILING


def measure(
    name: str,
    n: int,
    url: str,
    latency: bool,
    *,
    sdk: bool = False,
    parallel: int | None = None,
    wide: bool = False,
    rate_limit: str | None = None,
) -> Row:
    """Run one contender in its own process; its peak RSS comes from wait4."""
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable,
            __file__,
            "--contender",
            "sdk" if sdk else "hubframe",
            "--url",
            url,
            "--path",
            str(Path(tmp) / "out.parquet"),
        ]
        if parallel is not None:
            cmd += ["--parallel", str(parallel)]
        if wide:
            cmd.append("--wide")
        if rate_limit:
            cmd += ["--rate-limit", rate_limit]
        with open(Path(tmp) / "stdout", "w+") as stdout:
            proc = subprocess.Popen(cmd, stdout=stdout)
            _, status, usage = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            stdout.seek(0)
            text = stdout.read()
        if proc.returncode != 0:
            raise SystemExit(f"{name} failed (exit {proc.returncode}): {text}")
        data = json.loads(text.strip().splitlines()[-1])
    row = Row(
        name,
        n,
        latency,
        data["rows"],
        data["seconds"],
        data["cpu"],
        usage.ru_maxrss / 1024,
        data["requests"],
    )
    print(
        f"  {name:<34} {row.rows:>8,} rows  {row.rate:>8,.0f} rec/s  {row.cpu_per_1k:6.3f} CPU s/1k  "
        f"{row.rss_mb:7.0f} MB  {row.requests / row.seconds:5.1f} req/s",
        flush=True,
    )
    return row


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
        for p in ("hubframe", "pyarrow", "pandas", "httpx", "hubspot-api-client")
    )
    return [
        f"CPU: {cpu}, {os.cpu_count()} cores; RAM {ram}",
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}",
        versions,
    ]


def table(rows: list[Row]) -> str:
    lines = [
        "| contender | portal | latency, limit | records/s | CPU s / 1k records | peak RSS | req/s | share of 190/10 s |",
        "|---|---:|---|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lat = "150 ms, 190/10 s" if r.latency else "0, none"
        share = f"{r.share:.0%}" if r.latency else "–"
        lines.append(
            f"| {r.name} | {r.n:,} | {lat} | {r.rate:,.0f} | {r.cpu_per_1k:.3f} | {r.rss_mb:,.0f} MB "
            f"| {r.requests / r.seconds:.1f} | {share} |"
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
                name = f"hubframe parallel={parallel}{', wide portal' if wide else ''}"
                row = measure(
                    name, n, sb.url, True, parallel=parallel, wide=wide, rate_limit="190/10"
                )
                cells += [f"{row.rate:,.0f}", f"{row.share:.0%}"]
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


def latency_rows(lat_n: int) -> list[Row]:
    """The contenders at 150 ms per request and 190 requests / 10 s."""
    rows: list[Row] = []
    sb = SandboxProcess(lat_n, latency=0.15, rate_limit="190/10")
    try:
        limit = "190/10"
        rows.append(measure("hubframe export", lat_n, sb.url, True, rate_limit=limit))
        rows.append(
            measure(
                "hubframe export, parallel=1", lat_n, sb.url, True, parallel=1, rate_limit=limit
            )
        )
        rows.append(
            measure(
                "hubframe export, wide portal", lat_n, sb.url, True, wide=True, rate_limit=limit
            )
        )
        rows.append(
            measure("SDK get_all + json_normalize + to_parquet", lat_n, sb.url, True, sdk=True)
        )
    finally:
        sb.stop()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small portals (a smoke check)")
    parser.add_argument(
        "--results",
        default=None,
        help="write the table here (default: benchmarks/RESULTS.md "
        "for a full run, nothing for --quick)",
    )
    parser.add_argument(
        "--sweep",
        action="store_true",
        help="instead: hubframe at latency for parallel=1..8, 50,000 contacts (sandbox "
        "and wide portal), written to benchmarks/SWEEP.md",
    )
    parser.add_argument(
        "--latency-only",
        action="store_true",
        help="instead: only the rows at 150 ms and 190/10 s (writes nothing unless --results)",
    )
    parser.add_argument("--contender", choices=["hubframe", "sdk"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--parallel", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--wide", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--rate-limit", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.contender:
        contender(args)
        return 0

    if args.sweep:
        return sweep(args.quick)
    small, large, lat_n = (2_000, 10_000, 2_000) if args.quick else (50_000, 500_000, 20_000)
    rows: list[Row] = []
    seeding: dict[int, float] = {}
    if args.latency_only:
        rows = latency_rows(lat_n)
        print()
        print(table(rows))
        if args.results:
            Path(args.results).write_text(
                table(rows) + "\n\nMachine: " + "; ".join(machine()) + "\n"
            )
        return 0
    for n in (small, large):
        sb = SandboxProcess(n)
        seeding[n] = sb.seed_seconds
        try:
            rows.append(measure("hubframe export", n, sb.url, False))
            rows.append(
                measure("SDK get_all + json_normalize + to_parquet", n, sb.url, False, sdk=True)
            )
        finally:
            sb.stop()
    rows += latency_rows(lat_n)

    def pick(name: str, n: int, latency: bool) -> Row:
        return next(r for r in rows if r.name == name and r.n == n and r.latency == latency)

    hf_s, hf_l = pick("hubframe export", small, False), pick("hubframe export", large, False)
    sdk = "SDK get_all + json_normalize + to_parquet"
    sdk_s, sdk_l = pick(sdk, small, False), pick(sdk, large, False)
    hf_lat, sdk_lat = pick("hubframe export", lat_n, True), pick(sdk, lat_n, True)
    ratios = [
        f"records/s hubframe/SDK, no latency: {hf_s.rate / sdk_s.rate:.1f}x at {small:,}, "
        f"{hf_l.rate / sdk_l.rate:.1f}x at {large:,}; with latency: {hf_lat.rate / sdk_lat.rate:.1f}x",
        f"CPU per record SDK/hubframe: {sdk_s.cpu_per_1k / hf_s.cpu_per_1k:.1f}x at {small:,}, "
        f"{sdk_l.cpu_per_1k / hf_l.cpu_per_1k:.1f}x at {large:,}",
        f"peak RSS hubframe/SDK: {hf_s.rss_mb / sdk_s.rss_mb:.2f} at {small:,}, {hf_l.rss_mb / sdk_l.rss_mb:.2f} "
        f"at {large:,}; hubframe {large:,} vs {small:,}: {hf_l.rss_mb / hf_s.rss_mb:.2f}x "
        f"(SDK {sdk_l.rss_mb / sdk_s.rss_mb:.1f}x)",
        f"share of the 190/10 s ceiling: hubframe {hf_lat.share:.0%}, "
        f"wide portal {pick('hubframe export, wide portal', lat_n, True).share:.0%}, SDK {sdk_lat.share:.0%}",
    ]
    print()
    print(table(rows))
    print()
    for line in ratios:
        print(line)
    results = args.results or (None if args.quick else str(HERE / "RESULTS.md"))
    if results:
        when = time.strftime("%Y-%m-%d")
        seeds = ", ".join(f"{n:,} contacts in {s:.0f} s" for n, s in seeding.items())
        text = textwrap.dedent(f"""\
            # Export benchmark

            `python benchmarks/run.py` ({when}). Sandbox in its own process; each contender in its own
            subprocess. Latency rows: {lat_n:,} contacts. Sandbox start-up (seeding): {seeds}.

            {{table}}

            {{ratios}}

            Machine: {{machine}}
            """)
        text = text.format(
            table=table(rows),
            ratios="\n".join(f"- {r}" for r in ratios),
            machine="; ".join(machine()),
        )
        Path(results).write_text(text)
        print(f"\nwritten to {results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
