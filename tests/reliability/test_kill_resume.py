"""SIGKILL at random points of an export, then resume: the final Parquet equals an uninterrupted one.

Four exports (the list cursor alone, range cursors, the list cursor with search
streams, and a search export) each run in a child process that is killed with SIGKILL seven
times at random points (a random row count reached, plus a random few
milliseconds, so kills land mid-page, mid-write and mid-checkpoint), then once
more as it finishes the file, then resumed to the end. After every kill nothing
at the target path may look finished unless the export had completed, and the
checkpoint never goes backwards. The final file must equal, value for value, the
same export run without interruption.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from hubframe.sandbox import Sandbox

CONTACTS = 6_000
KILLS_PER_EXPORT = 7

SCENARIOS = {
    "list cursor": {"parallel": 1},
    "range cursors": {"parallel": 5},
    # A list cursor that is not a record id: no range cursors, the list cursor and search streams.
    "list cursor + search streams": {"parallel": 5, "cursor": "opaque"},
    "search export": {"parallel": 3, "search": ["email", "HAS_PROPERTY", None]},
}

_CHILD = textwrap.dedent(
    """
    import json, os, sys
    from hubframe import HubSpot
    kw = json.loads(sys.argv[2])
    extra = {}
    if kw.pop("cursor", None):
        import httpx
        sys.path.insert(0, os.environ["T_TESTS"])
        from cursor_proxy import CursorProxy
        extra["transport"] = httpx.MockTransport(CursorProxy(os.environ["T_URL"], "opaque"))
    hs = HubSpot(os.environ["T_TOKEN"], base_url=os.environ["T_URL"], rate_limit=(100_000, 10),
                 search_rate=1000, **extra)
    if kw.get("search"):
        kw["search"] = tuple(kw["search"])
    hs.contacts.export(sys.argv[1], properties="all", progress=False, row_group_size=100, **kw)
    """
)


@pytest.fixture(scope="module")
def sb():
    # 30 ms per answer keeps an export running long enough to be killed at many points.
    with Sandbox(
        contacts=CONTACTS, companies=2, deals=2, seed=31, latency=0.03, search_rate=None
    ) as s:
        yield s


def _rows(checkpoint: Path) -> int | None:
    try:
        return json.loads(checkpoint.read_text())["rows"]
    except (OSError, ValueError, KeyError):
        return None  # not written yet, or replaced while reading


def _table(path: Path):
    return pq.read_table(path).replace_schema_metadata(None)


@pytest.mark.slow
@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_killed_exports_resume_to_the_uninterrupted_file(sb, tmp_path, figures, scenario):
    kw = SCENARIOS[scenario]
    rng = random.Random(f"kills-{scenario}")
    reference = tmp_path / "reference.parquet"
    with sb.client(rate_limit=(100_000, 10), search_rate=1000) as hs:
        call = dict(kw, search=tuple(kw["search"]) if kw.get("search") else None)
        call.pop("cursor", None)
        done = hs.contacts.export(
            reference, properties="all", progress=False, row_group_size=100, **call
        )
    total = done.rows
    assert total > 5_000

    target = tmp_path / "killed.parquet"
    checkpoint = tmp_path / ".killed.parquet.checkpoint.json"
    tests = str(Path(__file__).parents[1])  # where cursor_proxy.py is
    env = {**os.environ, "T_TOKEN": sb.token, "T_URL": sb.url, "T_TESTS": tests}
    argv = [sys.executable, "-c", _CHILD, str(target), json.dumps(kw)]
    # Seven kill points in the rows, then one "as soon as every row is read" (the final merge).
    thresholds = sorted(rng.randrange(0, int(total * 0.9)) for _ in range(KILLS_PER_EXPORT))
    thresholds.append(total)
    kills, seen = 0, []
    for threshold in thresholds:
        child = subprocess.Popen(argv, env=env)
        try:
            deadline = time.monotonic() + 120
            while child.poll() is None and time.monotonic() < deadline:
                rows = _rows(checkpoint)
                if rows is not None and rows >= threshold:
                    time.sleep(rng.uniform(0, 0.03))
                    break
                time.sleep(0.002)
        finally:
            if child.poll() is None:
                child.send_signal(signal.SIGKILL)
                kills += 1
            child.wait()
        finished = child.returncode == 0
        if threshold < total:
            assert not finished, f"the export ended before row {threshold}"
        if target.exists():
            # Only a completed export may leave a file at the target, and then no checkpoint.
            assert not checkpoint.exists()
            break
        rows = _rows(checkpoint)
        if rows is not None:
            seen.append(rows)
    assert seen == sorted(seen), "a checkpoint went backwards"
    assert kills >= KILLS_PER_EXPORT

    resumed = subprocess.run(argv, env=env, timeout=300)
    assert resumed.returncode == 0
    assert not checkpoint.exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".killed")) == []

    got, want = _table(target), _table(reference)
    ids = got.column("id").to_pylist()
    figures.add("kills", "sigkill", kills)
    figures.add("kills", "resumes", kills)
    figures.add("records", "checked", total)
    figures.add("records", "lost", total - len(set(ids)))
    figures.add("records", "duplicated", len(ids) - len(set(ids)))
    assert got.num_rows == total and len(set(ids)) == total
    assert got.equals(want), f"{scenario}: the resumed file differs from the uninterrupted one"
    figures.add("kills", "final_file_equal", 1)
