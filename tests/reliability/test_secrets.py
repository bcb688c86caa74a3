"""The bearer token never shows: one search across every place it could leak to.

A sandbox with a distinctive token is driven through reads, writes, failures,
an interrupted and a finished export, a recorded cassette, the notebook forms,
the command line and an executed notebook. Everything those leave behind (reprs,
exception messages, tracebacks with their local variables, DEBUG logs of every
logger, the cassette, the checkpoint and part files, the Parquet file, widget
state, the notebook's outputs and saved widget state, command output) is
searched for the token, for a fragment of it, and for any ``Bearer`` header.
"""

from __future__ import annotations

import gzip
import json
import logging
import os
import pickle
import re
import socket
import subprocess
import sys
import traceback
from pathlib import Path

import httpx
import nbformat
import pytest
from nbclient import NotebookClient

import hubframe as hf
from hubframe import widgets
from hubframe.sandbox import Sandbox
from hubframe.testing import cassette_client, virtual_time

TOKEN = "pat-na1-5ec2e7a1-b2c3-4d5e-8f60-7a8b9c0d1e2f"
WRONG = "pat-na1-00000000-dead-beef-0000-badbadbadbad"


class Scanner:
    """Searches texts for the token (whole, or its 16 middle characters) and bearer headers."""

    PATTERNS = [
        re.escape(TOKEN),
        re.escape(TOKEN[12:28]),
        re.escape(WRONG),
        r"[Bb][Ee][Aa][Rr][Ee][Rr]\s+[\w-]{8,}",
    ]

    def __init__(self, figures):
        self.figures = figures
        self.sightings: list[str] = []
        self._re = re.compile("|".join(self.PATTERNS))

    def scan(self, where: str, content: str | bytes) -> None:
        text = content.decode("utf-8", "replace") if isinstance(content, bytes) else content
        self.figures.add("secrets", "places_searched")
        self.figures.add("secrets", "characters_searched", len(text))
        for match in self._re.finditer(text):
            self.sightings.append(
                f"{where}: ...{text[max(0, match.start() - 40) : match.end() + 10]!r}"
            )
        assert text, f"{where}: nothing to search (the check would pass vacuously)"

    def scan_files(self, where: str, folder: Path) -> None:
        files = [p for p in folder.rglob("*") if p.is_file() and p.stat().st_size]  # empty: a lock
        assert files, f"{where}: no files"
        for path in files:
            data = path.read_bytes()
            if path.suffix == ".gz":
                data = gzip.decompress(data)
            self.scan(f"{where}/{path.name}", data)


@pytest.fixture(scope="module")
def sb():
    with Sandbox(contacts=400, companies=20, deals=30, seed=41, token=TOKEN) as sandbox:
        yield sandbox


@pytest.fixture
def scanner(figures):
    s = Scanner(figures)
    yield s
    figures.add("secrets", "token_sightings", len(s.sightings))
    assert s.sightings == [], "\n".join(s.sightings)


def failures(sb, hs):
    """Provoke every kind of error the client raises; yield each exception."""
    tries = [
        lambda: hs.contacts.get("999999999"),  # 404
        lambda: hs.contacts.create({"email": "dup-secret@example.com"}),  # 409 on the second try
        lambda: hs.contacts.update(
            hs.contacts.get_page(limit=1)["id"].iloc[0], {"hs_lead_status": "NOT_AN_OPTION"}
        ),
        lambda: hs.contacts.get_all(properties=["no_such_property"], progress=False),
        lambda: (
            sb.inject(500, count=None, path_contains="/crm/objects/2026-09/0-3"),
            hs.deals.get_page(),
        )[1],
        lambda: (
            sb.inject(429, count=None, path_contains="/crm/objects/2026-09/0-3"),
            hs.deals.get_page(),
        )[1],
        lambda: (
            sb.inject(drop=True, count=None, path_contains="/crm/objects/2026-09/0-3"),
            hs.deals.get_page(),
        )[1],
        lambda: (
            sb.inject(truncate=True, count=None, path_contains="/crm/objects/2026-09/0-3"),
            hs.deals.get_page(),
        )[1],
        lambda: hs.forms.submit(sb.portal_id, "not-a-form-guid", {"email": "x@example.com"}),
        lambda: hs.lists.add("not-a-list", ["1"]),
    ]
    hs.contacts.create({"email": "dup-secret@example.com"})
    for attempt in tries:
        try:
            attempt()
        except Exception as exc:  # noqa: BLE001 - every kind is wanted here
            yield exc
        finally:
            sb.clear_injections()
    with hf.HubSpot(token=WRONG, base_url=sb.url, forms_url=sb.forms_url) as wrong:
        try:
            wrong.contacts.get_page()
        except Exception as exc:  # noqa: BLE001
            yield exc


def test_reprs_errors_tracebacks_and_debug_logs(sb, scanner, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)  # every logger: hubframe, httpx, httpcore, werkzeug
    with sb.client(rate_limit=(10_000, 10), max_retries=1) as hs:
        virtual_time(hs)
        hs.contacts.get_all(progress=False)
        hs.contacts.search("email", operator="HAS_PROPERTY", progress=False)
        res = hs.contacts.export(tmp_path / "c.parquet", progress=False)
        errors = list(failures(sb, hs))
        objects = [
            hs,
            hs.contacts,
            hs.companies,
            hs.deals,
            hs.forms,
            hs.lists,
            hs.workflows,
            hs.stats,
            hs.properties("contacts"),
            res,
            sb,
            sb.app,
            *sb.requests[-50:],
        ]
        objects += list(vars(hs).values())  # the transport, limiters, caches...
        for obj in objects:
            scanner.scan(f"repr {type(obj).__name__}", repr(obj))
            scanner.scan(f"str {type(obj).__name__}", str(obj))
        with pytest.raises(TypeError, match="cannot be pickled"):
            pickle.dumps(hs)
    assert len({type(e) for e in errors}) >= 8, [type(e).__name__ for e in errors]
    for exc in errors:
        assert isinstance(exc, hf.HubFrameError), repr(exc)
        name = type(exc).__name__
        scanner.scan(f"{name} str", str(exc))
        scanner.scan(f"{name} repr", repr(exc))
        if isinstance(exc, hf.HubSpotError):
            scanner.scan(f"{name} hint", exc.hint() or "(no hint)")
        with_locals = traceback.TracebackException.from_exception(exc, capture_locals=True)
        scanner.scan(f"{name} traceback with locals", "".join(with_locals.format()))
    scanner.scan("DEBUG log", caplog.text)
    assert "HTTP Request" in caplog.text  # httpx's own DEBUG lines were captured too


def test_cassettes_checkpoints_and_parquet(sb, scanner, tmp_path):
    cassette = tmp_path / "cassettes" / "session.yaml.gz"
    with cassette_client(cassette, record=True, sandbox=sb) as hs:
        recorded = len(hs.contacts.get_all(progress=False))
        hs.contacts.search("email", operator="HAS_PROPERTY", progress=False)
        hs.companies.create({"name": "Secretive Ltd"})
    with cassette_client(cassette) as hs:  # and it replays
        assert len(hs.contacts.get_all(progress=False)) == recorded
    scanner.scan_files("cassette", cassette.parent)

    export_dir = tmp_path / "export"
    export_dir.mkdir()
    target = export_dir / "c.parquet"

    def stop(res):
        if res.pages == 2:
            raise KeyboardInterrupt

    with sb.client(rate_limit=(10_000, 10)) as hs:
        with pytest.raises(KeyboardInterrupt):
            hs.contacts.export(
                target, properties="all", row_group_size=50, progress=False, on_page=stop
            )
        scanner.scan_files("interrupted export", export_dir)
        hs.contacts.export(target, properties="all", progress=False)
    scanner.scan_files("finished export", export_dir)


def test_widget_state(sb, scanner):
    with sb.client(rate_limit=(10_000, 10)) as hs:
        forms = [
            widgets.SearchForm(hs, field="email", operator="HAS_PROPERTY"),
            widgets.ListForm(hs, list_id=sb.list_ids[0], ids=["1"]),
            widgets.WorkflowForm(hs, workflow_id=sb.workflow_ids[0], emails=["nobody@example.com"]),
            widgets.panel(hs),
        ]
        for form in forms[:3]:
            form.submit()
        forms[1].submit()  # a second time: the outcome and messages change
    for form in forms:
        for w in _walk(form):
            scanner.scan(f"state of {type(w).__name__}", json.dumps(w.get_state(), default=repr))


def _walk(widget):
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from _walk(child)


_NOTEBOOK = [
    "import os\nfrom hubframe.sandbox import Sandbox\n"
    "sb = Sandbox(contacts=150, token=os.environ['T_TOKEN']).start()\nhs = sb.client()\nhs",
    "hs.contacts.get_page(limit=3)",
    "hs.contacts.get('999999999')",  # an error output, with its traceback
    "import hubframe.widgets as w\nform = w.SearchForm(hs, field='email', operator='HAS_PROPERTY')\n"
    "form.submit()\nform",
    "hs.contacts.export('nb.parquet', properties='all')",  # the tqdm widget
    "import logging\nlogging.basicConfig(level=logging.DEBUG, force=True)\nhs.deals.get_page(limit=2)",
]


def test_executed_notebook_outputs_and_widget_state(scanner, tmp_path, monkeypatch):
    monkeypatch.setenv("T_TOKEN", TOKEN)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(src) for src in _NOTEBOOK])
    NotebookClient(
        nb,
        timeout=180,
        kernel_name="python3",
        allow_errors=True,
        store_widget_state=True,
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute()
    errors = [o for c in nb.cells for o in c.outputs if o.output_type == "error"]
    assert [e.ename for e in errors] == ["NotFoundError"]  # only the cell meant to fail
    assert "widgets" in nb.metadata  # widget state was saved with the notebook
    scanner.scan("executed notebook", nbformat.writes(nb))


def test_command_line_output(sb, scanner, tmp_path):
    env = {**os.environ, "HUBSPOT_ACCESS_TOKEN": TOKEN}
    cmd = [
        sys.executable,
        "-m",
        "hubframe.cli",
        "export",
        "contacts",
        "-o",
        str(tmp_path / "c.parquet"),
        "--base-url",
        sb.url,
    ]
    ok = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    bad = subprocess.run(
        cmd, env={**env, "HUBSPOT_ACCESS_TOKEN": WRONG}, capture_output=True, text=True, timeout=120
    )
    assert bad.returncode != 0 and "401" in bad.stderr + bad.stdout
    for name, out in (
        ("ok stdout", ok.stdout),
        ("ok stderr", ok.stderr),
        ("401 stdout", bad.stdout or "(empty)"),
        ("401 stderr", bad.stderr),
    ):
        scanner.scan(f"hubframe export {name}", out)


def test_sandbox_binds_loopback_and_wants_the_token(sb):
    assert sb.host == "127.0.0.1" and sb.url.startswith("http://127.0.0.1:")
    with socket.create_connection(("127.0.0.1", sb.port), timeout=5):
        pass
    for headers in ({}, {"Authorization": f"Bearer {WRONG}"}, {"Authorization": TOKEN}):
        r = httpx.get(f"{sb.url}/crm/v3/objects/contacts", headers=headers)
        assert r.status_code == 401, headers
        assert TOKEN not in r.text
    ok = httpx.get(
        f"{sb.url}/crm/v3/objects/contacts", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert ok.status_code == 200


@pytest.mark.parametrize(
    "url", ["http://api.hubapi.com", "http://10.0.0.5:8080", "http://example.com"]
)
def test_plain_http_to_another_host_is_refused(url):
    with pytest.raises(hf.ConfigurationError, match="unencrypted") as info:
        hf.HubSpot(token=TOKEN, base_url=url)
    assert TOKEN not in str(info.value)
