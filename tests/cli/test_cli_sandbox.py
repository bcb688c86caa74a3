"""``hubframe sandbox``: serves in the foreground, says how to connect, stops on Ctrl-C."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx


@contextlib.contextmanager
def served(*args: str) -> Iterator[tuple[list[str], str]]:
    """Run ``hubframe sandbox --port 0 --token pat-cli ARGS``; yields (startup lines, url).

    Leaving the block sends Ctrl-C and checks the command ends with status 0.
    """
    cmd = [sys.executable, "-m", "hubframe.cli", "sandbox", "--port", "0", "--token", "pat-cli", *args]  # fmt: skip
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        lines = []
        while not lines or not lines[-1].startswith("Press Ctrl-C"):
            line = proc.stdout.readline()
            assert line, proc.stderr.read()
            lines.append(line.strip())
        yield lines, lines[0].split(" at ")[1].split()[0]
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
        assert "hubframe sandbox: stopping" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def get(url: str, path: str, **params: object) -> httpx.Response:
    return httpx.get(url + path, params=params, headers={"Authorization": "Bearer pat-cli"})


def test_sandbox_command_serves_until_interrupted():
    args = ("--contacts", "20", "--companies", "2", "--deals", "3", "--rate-limit", "190/10")
    with served(*args) as (lines, url):
        assert any(line == "token:       pat-cli" for line in lines)
        assert not any(line.startswith("churn:") for line in lines)
        r = get(url, "/crm/v3/objects/contacts")
        assert r.status_code == 200 and len(r.json()["results"]) == 10


def test_sandbox_command_churns():
    args = ("--contacts", "30", "--companies", "3", "--deals", "3", "--churn", "50")
    with served(*args, "--search-lag", "0.5") as (lines, url):
        assert "churn:       50 writes/s (creates, updates, archives)" in lines
        assert "search lag:  0.5 s" in lines

        def state() -> set[tuple[str, str, str]]:
            seen = set()
            for t in ("contacts", "companies", "deals"):
                r = get(url, f"/crm/v3/objects/{t}", limit=100)
                assert r.status_code == 200
                seen |= {(t, o["id"], o["updatedAt"]) for o in r.json()["results"]}
            return seen

        first = state()
        time.sleep(0.5)
        assert state() != first


def test_sandbox_command_refuses_a_negative_churn():
    cmd = [sys.executable, "-m", "hubframe.cli", "sandbox", "--churn", "-1"]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert "'-1' is not a rate per second" in done.stderr
