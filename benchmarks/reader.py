"""Records per second of the bulk reads at 150 ms per request and 190 requests / 10 s.

``python benchmarks/reader.py [--contacts 20000] [--repeat 3]`` starts a sandbox process
(150 ms latency, 190/10 s, search 5/s, searches not counted in the burst window: the
sandbox's default) and reads every contact with ``get_all``, ``search`` and ``export``,
with the client counting searches against its window (``search_in_rate_limit=True``,
the default) and not (``False``). It prints the median of each, and the ceilings:
the list endpoint's 19 requests/s x 100 records, and that plus search's 5/s x 200.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import TOKEN, SandboxProcess  # noqa: E402

import hubframe as hf  # noqa: E402

LIST_CEILING = 19 * 100
BOTH_CEILING = LIST_CEILING + 5 * 200


def one(url: str, what: str, counted: bool, folder: Path) -> tuple[float, int, str]:
    """(records/s, rows, plan) of one read with a fresh client."""
    with hf.HubSpot(
        token=TOKEN, base_url=url, rate_limit=(190, 10), search_in_rate_limit=counted
    ) as hs:
        hs.properties("contacts")  # definitions are read once per client, not timed
        started, cpu = time.perf_counter(), time.process_time()
        if what == "get_all":
            rows, mode = len(hs.contacts.get_all(progress=False)), "-"
        elif what == "search":
            df = hs.contacts.search("hs_object_id", 0, operator="GT", progress=False)
            rows, mode = len(df), "-"
        else:
            res = hs.contacts.export(folder / f"c{time.monotonic_ns()}.parquet", progress=False,
                                     resume=False)  # fmt: skip
            rows, mode = res.rows, f"{res.mode}, {res.parallel} streams"
        cpu_per_1k = (time.process_time() - cpu) / max(rows, 1) * 1000
        return rows / (time.perf_counter() - started), rows, f"{mode}, {cpu_per_1k:.2f} CPU s/1k"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sb = SandboxProcess(args.contacts, latency=0.15, rate_limit="190/10")
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for counted in (True, False):
                for what in ("get_all", "search", "export"):
                    runs = []
                    for _ in range(args.repeat):
                        runs.append(one(sb.url, what, counted, Path(tmp)))
                        time.sleep(10)  # an empty window for the next run
                    rate = statistics.median(r[0] for r in runs)
                    print(
                        f"search_in_rate_limit={counted!s:5} {what:8} {rate:7.0f} records/s "
                        f"({rate / LIST_CEILING:.0%} of the list ceiling, "
                        f"{rate / BOTH_CEILING:.0%} of list + search) rows={runs[0][1]} "
                        f"{runs[0][2]} runs={[round(r[0]) for r in runs]}",
                        flush=True,
                    )
    finally:
        sb.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
