"""The sandbox's CPU per page: how much of one core the server spends on each request.

    python benchmarks/sandbox_cpu.py                 # 20,000 contacts, 100 requests per row
    python benchmarks/sandbox_cpu.py --requests 50

The sandbox runs in a child process (no rate limit, no search limit, no latency); this
process is the client (one keep-alive ``httpx.Client``) and walks the pages with their
cursors, as a loader does. Each row is the child's own CPU time (user + system, every
thread, from ``resource.getrusage``) over the requests, divided by their number: the
server's cost of one page, the client's excluded. The client's requests are sent one
after another, so the numbers hold on a loaded machine better than wall time does, but
still read them with the machine's load in mind.

Rows: a 100-record list page with the default properties; a 100-record list page with
every contact property (what ``export(properties="all")`` asks for); a 200-record search
page with every property (the largest page HubSpot's search serves). Each row walks its
pages three times from the start: the first read serves records the sandbox has not
served yet (a portal read once); the second encodes each record on its own and keeps it;
the third and later (a test suite's session sandbox, a second loader) reuse them.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

import httpx

TOKEN = "pat-benchmark-cpu-0000"


def serve(conn: Connection, contacts: int) -> None:
    """The child: start a sandbox, send its URL, answer each ``"cpu"`` with its CPU seconds."""
    from hubframe.sandbox import Sandbox

    sb = Sandbox(contacts=contacts, companies=10, deals=10, token=TOKEN, search_rate=None)
    sb.start()
    conn.send(sb.url)
    while True:
        message = conn.recv()
        if message != "cpu":
            break
        usage = resource.getrusage(resource.RUSAGE_SELF)
        conn.send(usage.ru_utime + usage.ru_stime)
    sb.stop()


def list_pages(client: httpx.Client, properties: str | None) -> Callable[[], None]:
    """One call per request: the next 100-record list page (from the start after the last)."""
    state: dict[str, Any] = {"after": None}

    def one() -> None:
        params: dict[str, Any] = {"limit": 100}
        if properties:
            params["properties"] = properties
        if state["after"]:
            params["after"] = state["after"]
        answer = client.get("/crm/v3/objects/contacts", params=params)
        answer.raise_for_status()
        state["after"] = answer.json().get("paging", {}).get("next", {}).get("after")

    return one


def search_pages(client: httpx.Client, properties: list[str]) -> Callable[[], None]:
    """One call per request: the next 200-record search page, sorted by id (key paging)."""
    state: dict[str, Any] = {"last": "0"}

    def one() -> None:
        body = {
            "filterGroups": [
                {
                    "filters": [
                        {"propertyName": "hs_object_id", "operator": "GT", "value": state["last"]}
                    ]
                }
            ],
            "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
            "properties": properties,
            "limit": 200,
        }
        answer = client.post("/crm/v3/objects/contacts/search", json=body)
        answer.raise_for_status()
        results = answer.json()["results"]
        state["last"] = results[-1]["id"] if results and len(results) == 200 else "0"

    return one


def measure(conn: Connection, one: Callable[[], None], requests: int) -> tuple[float, float]:
    """(server CPU ms per request, wall ms per request) over ``requests`` calls of ``one``."""
    conn.send("cpu")
    before = conn.recv()
    started = time.perf_counter()
    for _ in range(requests):
        one()
    wall = time.perf_counter() - started
    conn.send("cpu")
    after = conn.recv()
    return (after - before) * 1000 / requests, wall * 1000 / requests


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=20_000)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()
    ctx = mp.get_context("spawn")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=serve, args=(child, args.contacts), daemon=True)
    proc.start()
    url = parent.recv()
    headers = {"Authorization": f"Bearer {TOKEN}"}
    try:
        with httpx.Client(base_url=url, headers=headers, timeout=60) as client:
            names = [p["name"] for p in client.get("/crm/v3/properties/contacts").json()["results"]]
            for _ in range(10):  # warm up the connection and first-use caches, on other pages
                client.get("/crm/v3/objects/contacts", params={"limit": 1, "properties": "city"})
            rows: list[tuple[str, Callable[[], Callable[[], None]]]] = [
                ("list, 100 records, default properties", lambda: list_pages(client, None)),
                (
                    "list, 100 records, every property",
                    lambda: list_pages(client, ",".join(names)),
                ),
                ("search, 200 records, every property", lambda: search_pages(client, names)),
            ]
            print(f"sandbox CPU per request ({args.contacts} contacts, {args.requests} requests)")
            for label, pages in rows:
                for read in ("1st read", "2nd read", "3rd read"):
                    cpu, wall = measure(parent, pages(), args.requests)
                    print(f"  {label:<40} {read:<11} {cpu:6.2f} ms CPU   {wall:6.2f} ms wall")
    finally:
        parent.send("stop")
        proc.join(30)


if __name__ == "__main__":
    main()
