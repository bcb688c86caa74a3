"""The benchmark's contenders: each reads every contact into a Parquet file, in its own process.

``run.py`` starts this module's :func:`main` as a subprocess per measurement, so each
number is one client alone (imports excluded from the clock, as in a notebook where
they ran in an earlier cell). Every contender prints one JSON line: rows, seconds, cpu,
requests.

Contenders (``--contender``):

* ``export``: ``hs.contacts.export(path, properties=names)``, hubframe's streaming export.
* ``get_all``: ``hs.contacts.get_all(properties=names)`` then ``DataFrame.to_parquet``.
* ``sdk``: what a user writes with hubspot-api-client: ``client.crm.contacts.get_all``,
  ``pandas.json_normalize`` of ``to_dict()`` and ``to_parquet``.
* ``hubspot-sdk``: HubSpot's new SDK (``hubspot-sdk``): its ``list`` iterator, rows to
  ``pyarrow.Table.from_pylist`` and ``pyarrow.parquet.write_table``.
* ``floor``: a hand-written client (httpx + orjson + pyarrow): the list cursor, each
  1,000 records one struct-of-strings conversion written as a row group. No typing,
  no retries, no checkpoint: what the work costs at the least in Python.
* ``floor-search``: the same, plus one search thread reading the top of the id range
  (key-paged by ``hs_object_id``, 200 a page) while the list cursor reads the bottom.

Property width (``--props``): ``all`` (every contact property) or a number (the first N
property names of the portal). The SDK clients are given names because they have no
"all"; every contender reads the names from the properties endpoint inside the clock.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections import deque
from pathlib import Path
from typing import Any

TOKEN = "pat-benchmark-0000"
#: What the floor sends at most when the portal is rate limited: 95% of 190 per 10 s;
#: and search, always under its 5/s.
FLOOR_WINDOW = (180, 10.0)
FLOOR_SEARCH_WINDOW = (4, 1.0)
#: Records the floor converts and writes together (one row group).
FLOOR_BATCH = 1_000


def pick(names: list[str], props: str) -> list[str]:
    """The first ``props`` names (``all``: every one)."""
    return names if props == "all" else names[: int(props)]


# -- hubframe ------------------------------------------------------------------------------


def run_hubframe(args: argparse.Namespace, out: Path) -> tuple[int, int]:
    import hubframe  # imported before the clock by main()

    if args.wide:
        import hubframe.resources.search

        # As a portal with hundreds of properties, whose names do not fit the search body.
        hubframe.resources.search.SEARCH_BODY_MAX = 100

    limit = _limit(args.rate_limit) or (10**6, 10)
    # "-both": searches told apart from the burst window (the sandbox's model, and
    # HubSpot's as far as its answers show), so the reads use both budgets.
    counted = not args.contender.endswith("-both")
    hs = hubframe.HubSpot(TOKEN, base_url=args.url, rate_limit=limit, search_in_rate_limit=counted)
    names = pick(list(hs.properties("contacts").names), args.props)
    if args.contender.startswith("export"):
        res = hs.contacts.export(
            out, properties=names, progress=False, resume=False, parallel=args.parallel
        )
        rows = res.rows
    else:
        frame = hs.contacts.get_all(properties=names, progress=False)
        frame.to_parquet(out)
        rows = len(frame)
    return rows, hs.stats.snapshot()[0]


def _limit(text: str | None) -> tuple[int, float] | None:
    if not text:
        return None
    count, seconds = text.split("/")
    return int(count), float(seconds)


# -- HubSpot's SDKs ------------------------------------------------------------------------


def count_urllib3() -> list[int]:
    """Count every request hubspot-api-client sends (through urllib3's pool manager)."""
    import urllib3

    sent = [0]
    urlopen = urllib3.PoolManager.urlopen

    def counting(self: Any, *a: Any, **k: Any) -> Any:
        sent[0] += 1
        return urlopen(self, *a, **k)

    urllib3.PoolManager.urlopen = counting  # type: ignore[method-assign]
    return sent


def run_sdk(args: argparse.Namespace, out: Path, sent: list[int]) -> tuple[int, int]:
    import hubspot
    import pandas as pd

    client = hubspot.HubSpot(access_token=TOKEN, host=args.url)
    all_names = [p.name for p in client.crm.properties.core_api.get_all("contacts").results]
    records = client.crm.contacts.get_all(properties=pick(all_names, args.props))
    frame = pd.json_normalize([r.to_dict() for r in records])
    frame.to_parquet(out)
    return len(frame), sent[0]


def run_hubspot_sdk(args: argparse.Namespace, out: Path) -> tuple[int, int]:
    import httpx
    import hubspot_sdk
    import pyarrow as pa
    import pyarrow.parquet as pq

    sent = [0]

    def count(request: httpx.Request) -> None:
        sent[0] += 1

    http = httpx.Client(event_hooks={"request": [count]})
    with hubspot_sdk.HubSpot(base_url=args.url, access_token=TOKEN, http_client=http) as client:
        names = pick([p.name for p in client.crm.properties.list("contacts").results], args.props)
        rows = [
            {
                "id": o.id,
                **(o.properties or {}),
                "createdAt": o.created_at,
                "updatedAt": o.updated_at,
                "archived": o.archived,
            }
            for o in client.crm.objects.contacts.list(limit=100, properties=names)
        ]
        pq.write_table(pa.Table.from_pylist(rows), out)
    return len(rows), sent[0]


# -- the hand-written floor ---------------------------------------------------------------


class Window:
    """At most ``count`` requests per ``seconds``, shared by threads (a sliding window)."""

    def __init__(self, count: int, seconds: float):
        self.count, self.seconds = count, seconds
        self.sent: deque[float] = deque()
        self.lock = threading.Lock()

    def wait(self) -> None:
        while True:
            with self.lock:
                now = time.monotonic()
                while self.sent and now - self.sent[0] >= self.seconds:
                    self.sent.popleft()
                if len(self.sent) < self.count:
                    self.sent.append(now)
                    return
                delay = self.seconds - (now - self.sent[0])
            time.sleep(delay)


class Floor:
    """The hand-written client: one ``httpx.Client``, orjson, one Parquet writer."""

    def __init__(self, args: argparse.Namespace, out: Path):
        import httpx
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.pa, self.url = pa, args.url
        self.http = httpx.Client(headers={"Authorization": f"Bearer {TOKEN}"}, timeout=60)
        limited = bool(args.rate_limit)
        self.window = Window(*FLOOR_WINDOW) if limited else None
        # Search has its own 5/s limit on HubSpot (and the sandbox) whatever the plan.
        self.search_window = Window(*FLOOR_SEARCH_WINDOW)
        self.requests = 0
        names = [p["name"] for p in self.get("/crm/v3/properties/contacts")["results"]]
        self.names = pick(names, args.props)
        self.struct = pa.struct([(n, pa.string()) for n in self.names])
        fields = [("id", pa.string()), *((n, pa.string()) for n in self.names)]
        fields += [("createdAt", pa.string()), ("updatedAt", pa.string())]
        self.schema = pa.schema([*fields, ("archived", pa.bool_())])
        self.writer = pq.ParquetWriter(out, self.schema)
        self.write_lock = threading.Lock()
        self.rows = 0

    def get(self, path: str, query: str = "") -> Any:
        import orjson

        if self.window:
            self.window.wait()
        self.requests += 1
        response = self.http.get(self.url + path + query)
        response.raise_for_status()
        return orjson.loads(response.content)

    def search(self, body: dict[str, Any]) -> Any:
        import orjson

        self.search_window.wait()
        self.requests += 1
        response = self.http.post(
            self.url + "/crm/v3/objects/contacts/search",
            content=orjson.dumps(body),
            headers={"Content-Type": "application/json"},
        )
        response.raise_for_status()
        return orjson.loads(response.content)

    def write(self, records: list[dict[str, Any]]) -> None:
        """One row group: the properties in one struct conversion, the rest as columns."""
        pa = self.pa
        props = pa.array([r["properties"] for r in records], type=self.struct)
        columns = [pa.array([r["id"] for r in records], pa.string()), *props.flatten()]
        for name in ("createdAt", "updatedAt"):
            columns.append(pa.array([r[name] for r in records], pa.string()))
        columns.append(pa.array([r["archived"] for r in records], pa.bool_()))
        with self.write_lock:
            self.writer.write_batch(pa.RecordBatch.from_arrays(columns, schema=self.schema))
            self.rows += len(records)

    def list_cursor(self, below: int | None = None) -> None:
        """Every record (or those with ids under ``below``), 100 a page."""
        from urllib.parse import urlencode

        query = "?" + urlencode({"limit": 100, "properties": ",".join(self.names)})
        after, pending = "", []
        while True:
            page = self.get("/crm/v3/objects/contacts", query + after)
            results = page["results"]
            if below is not None:
                results = [r for r in results if int(r["id"]) < below]
            pending += results
            if len(pending) >= FLOOR_BATCH:
                self.write(pending)
                pending = []
            cursor = page.get("paging", {}).get("next", {}).get("after")
            if not cursor or len(results) < len(page["results"]):
                break
            after = f"&after={cursor}"
        if pending:
            self.write(pending)

    def search_from(self, lowest: int) -> None:
        """Records with ids from ``lowest`` up, 200 a page, re-filtered past each page."""
        last, pending = lowest - 1, []
        while True:
            body = {
                "filterGroups": [
                    {"filters": [{"propertyName": "hs_object_id", "operator": "GT", "value": last}]}
                ],
                "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
                "properties": self.names,
                "limit": 200,
            }
            results = self.search(body)["results"]
            pending += results
            if len(pending) >= FLOOR_BATCH:
                self.write(pending)
                pending = []
            if len(results) < 200:
                break
            last = int(results[-1]["id"])
        if pending:
            self.write(pending)

    def split(self) -> int:
        """Where search takes over: 40% up the id span (search pages carry twice the records)."""

        def edge(direction: str) -> int:
            body = {
                "sorts": [{"propertyName": "hs_object_id", "direction": direction}],
                "properties": ["hs_object_id"],
                "limit": 1,
            }
            return int(self.search(body)["results"][0]["id"])

        low, high = edge("ASCENDING"), edge("DESCENDING")
        return low + int((high - low) * 0.4) + 1

    def close(self) -> None:
        self.writer.close()
        self.http.close()


def run_floor(args: argparse.Namespace, out: Path) -> tuple[int, int]:
    floor = Floor(args, out)
    if args.contender == "floor":
        floor.list_cursor()
    else:
        mid = floor.split()
        searcher = threading.Thread(target=floor.search_from, args=(mid,))
        searcher.start()
        floor.list_cursor(below=mid)
        searcher.join()
    floor.close()
    return floor.rows, floor.requests


HUBFRAME = ("export", "get_all", "export-both", "get_all-both")
CONTENDERS = (*HUBFRAME, "sdk", "hubspot-sdk", "floor", "floor-search")


def main(args: argparse.Namespace) -> None:
    """Run ``args.contender`` and print one JSON line: rows, seconds, cpu, requests."""
    out = Path(args.path)
    import httpcore  # noqa: F401 - every import before the clock starts (httpx imports
    import httpx  # noqa: F401   httpcore only when its first client is made)
    import orjson  # noqa: F401
    import pandas  # noqa: F401
    import pyarrow.parquet  # noqa: F401

    sent = count_urllib3() if args.contender == "sdk" else [0]
    if args.contender == "sdk":
        import hubspot  # noqa: F401
    if args.contender == "hubspot-sdk":
        import hubspot_sdk  # noqa: F401
    if args.contender in HUBFRAME:
        import hubframe.export  # noqa: F401
        import hubframe.resources.objects  # noqa: F401 - hubframe imports its resources and
        import hubframe.sync  # noqa: F401              the sync when first used
    started, cpu = time.perf_counter(), time.process_time()
    if args.contender in HUBFRAME:
        rows, requests = run_hubframe(args, out)
    elif args.contender == "sdk":
        rows, requests = run_sdk(args, out, sent)
    elif args.contender == "hubspot-sdk":
        rows, requests = run_hubspot_sdk(args, out)
    else:
        rows, requests = run_floor(args, out)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(json.dumps({"rows": rows, "seconds": seconds, "cpu": cpu, "requests": requests}))
