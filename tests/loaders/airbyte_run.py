"""Running Airbyte's HubSpot connector against a sandbox, for tests/loaders/test_airbyte.py.

The connector runs in its own virtual environment (``scripts/airbyte_venv.py``), as a
subprocess speaking the Airbyte protocol: one JSON message per line on stdout. Its
requests go to the sandbox through ``HUBFRAME_SANDBOX_URL`` and the redirect module
installed in that environment (``scripts/hubspot_redirect.py``).
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
RUN_TIMEOUT = 600  # seconds for one connector command


def load_venv_script() -> Any:
    """``scripts/airbyte_venv.py`` as a module (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("airbyte_venv", SCRIPTS / "airbyte_venv.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass
class Output:
    """What one connector command printed, sorted by message type."""

    messages: list[dict[str, Any]] = field(default_factory=list)

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [m for m in self.messages if m.get("type") == kind]

    def records(self, stream: str) -> list[dict[str, Any]]:
        return [m["record"]["data"] for m in self.of("RECORD") if m["record"]["stream"] == stream]

    def problems(self, secret: str) -> str:
        """The connector's error logs and traces (for assertion messages), token scrubbed."""
        lines = [
            m["log"]["message"] for m in self.of("LOG") if m["log"]["level"] in ("ERROR", "FATAL")
        ]
        lines += [m["trace"].get("error", {}).get("message", "") for m in self.of("TRACE")]
        return "\n".join(lines)[-4000:].replace(secret, "<token>")


class Connector:
    """The connector's commands (``spec``, ``check``, ``discover``, ``read``) on a sandbox."""

    def __init__(self, python: Path, sandbox_url: str, token: str, workdir: Path):
        self.python = python
        self.token = token
        self.workdir = workdir
        self.env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        self.env["HUBFRAME_SANDBOX_URL"] = sandbox_url
        self.config = self._write("config.json", config(token))

    def _write(self, name: str, data: Any) -> Path:
        path = self.workdir / name
        path.write_text(json.dumps(data))
        return path

    def run(self, command: str, *, catalog: Any = None, state: Any = None) -> Output:
        args = [str(self.python), "-c", "from source_hubspot.run import run; run()", command]
        if command != "spec":
            args += ["--config", str(self.config)]
        if catalog is not None:
            args += ["--catalog", str(self._write("catalog.json", catalog))]
        if state is not None:
            args += ["--state", str(self._write("state.json", state))]
        done = subprocess.run(
            args, env=self.env, capture_output=True, text=True, timeout=RUN_TIMEOUT, check=False
        )
        out = Output()
        for line in done.stdout.splitlines():
            if line.startswith("{"):
                out.messages.append(json.loads(line))
        assert done.returncode == 0, f"source-hubspot {command} exited {done.returncode}:\n" + (
            out.problems(self.token) or done.stderr[-4000:].replace(self.token, "<token>")
        )
        return out


def config(token: str) -> dict[str, Any]:
    """The connector's configuration for a private-app token (the sandbox's)."""
    return {
        "credentials": {"credentials_title": "Private App Credentials", "access_token": token},
        "start_date": "2020-01-01T00:00:00Z",
    }


def configured_catalog(discovered: dict[str, Any], streams: list[str], mode: str) -> dict:
    """A configured catalog of ``streams`` from a discovered one, in ``full_refresh`` or
    ``incremental`` (on ``updatedAt``, deduplicated by ``id``) mode."""
    by_name = {s["name"]: s for s in discovered["streams"]}
    out = []
    for name in streams:
        entry: dict[str, Any] = {
            "stream": by_name[name],
            "sync_mode": mode,
            "destination_sync_mode": "overwrite" if mode == "full_refresh" else "append_dedup",
        }
        if mode == "incremental":
            entry["cursor_field"] = ["updatedAt"]
            entry["primary_key"] = [["id"]]
        out.append(entry)
    return {"streams": out}


def stream_state(streams: list[str], updated_at: str) -> list[dict[str, Any]]:
    """Per-stream state as the connector writes it: the ``updatedAt`` reached."""
    return [
        {
            "type": "STREAM",
            "stream": {"stream_descriptor": {"name": s}, "stream_state": {"updatedAt": updated_at}},
        }
        for s in streams
    ]
