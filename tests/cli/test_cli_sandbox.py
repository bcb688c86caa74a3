"""``hubframe sandbox``: serves in the foreground, says how to connect, stops on Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import httpx


def test_sandbox_command_serves_until_interrupted(tmp_path):
    cmd = [sys.executable, "-m", "hubframe.cli", "sandbox", "--port", "0", "--token", "pat-cli",
           "--contacts", "20", "--companies", "2", "--deals", "3", "--rate-limit", "190/10"]  # fmt: skip
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
        url = lines[0].split(" at ")[1].split()[0]
        assert any(line == "token:       pat-cli" for line in lines)
        r = httpx.get(url + "/crm/v3/objects/contacts", headers={"Authorization": "Bearer pat-cli"})
        assert r.status_code == 200 and len(r.json()["results"]) == 10
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
        assert "hubframe sandbox: stopping" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
