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
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import nbformat
import pytest
from nbclient import NotebookClient

import hubframe as hf
from hubframe import widgets
from hubframe.sandbox import Sandbox
from hubframe.testing import cassette_client, virtual_time
from hubframe.tokens import Secret, scrub

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


def failures(sb, hs, email="dup-secret@example.com"):
    """Provoke every kind of error the client raises; yield each exception (``email``:
    the contact created twice, new to the portal)."""
    tries = [
        lambda: hs.contacts.get("999999999"),  # 404
        lambda: hs.contacts.create({"email": email}),  # 409 on the second try
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
    hs.contacts.create({"email": email})
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


# -- a token that cannot be a header ------------------------------------------------------

BAD_TOKENS = {
    "inner newline": "pat-na1-5ec2e7a1-b2c3\n4d5e-8f60-7a8b9c0d1e2f",
    "inner CRLF": "pat-na1-5ec2e7a1-b2c3\r\n4d5e-8f60-7a8b9c0d1e2f",
    "tab": "pat-na1-5ec2e7a1-b2c3\t4d5e-8f60-7a8b9c0d1e2f",
    "space": "pat-na1-5ec2e7a1-b2c3 4d5e-8f60-7a8b9c0d1e2f",
    "NUL": "pat-na1-5ec2e7a1-b2c3\x004d5e-8f60-7a8b9c0d1e2f",
    "DEL": "pat-na1-5ec2e7a1-b2c3\x7f4d5e-8f60-7a8b9c0d1e2f",
    "non-ASCII": "pat-na1-5ec2e7a1-b2c3\u00e94d5e-8f60-7a8b9c0d1e2f",
    "non-breaking space": "pat-na1-5ec2e7a1-b2c3\u00a04d5e-8f60-7a8b9c0d1e2f",
}


def _pieces(token: str) -> list[str]:
    """The token's runs of letters and digits longer than 3: none may show anywhere."""
    return [p for p in re.split(r"[^A-Za-z0-9]", token) if len(p) > 3]


@pytest.mark.parametrize("case", list(BAD_TOKENS))
def test_a_token_that_cannot_be_a_header_is_refused_when_built(case, sb, caplog):
    token = BAD_TOKENS[case]
    caplog.set_level(logging.DEBUG)
    served = len(sb.requests)
    with pytest.raises(hf.ConfigurationError, match=r"at position 22 of \d+") as info:
        hf.HubSpot(token=token, base_url=sb.url)
    assert len(sb.requests) == served  # refused before anything was sent
    assert info.value.__context__ is None and info.value.__cause__ is None
    # The message, and the locals of hubframe's frames (the test's own frame holds it).
    shown = str(info.value) + "".join(map(repr, _frame_locals(info.value, inside="hubframe")))
    for piece in [*_pieces(token), "pat-na1"]:
        assert piece not in shown, (case, piece)
        assert piece not in caplog.text, (case, piece)


def test_a_token_from_the_environment_is_checked_too(monkeypatch):
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", BAD_TOKENS["inner newline"] + "\n")
    with pytest.raises(hf.ConfigurationError, match="a control character") as info:
        hf.HubSpot()
    assert "5ec2e7a1" not in str(info.value)
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", f"  {TOKEN}\n")  # outer whitespace: trimmed
    assert hf.HubSpot().connection_fingerprint() == hf.HubSpot(TOKEN).connection_fingerprint()


@pytest.mark.parametrize("case", list(BAD_TOKENS))
def test_the_scrubber_finds_a_token_in_its_escaped_spellings(case):
    token = BAD_TOKENS[case]
    secret = Secret(token)
    header = f"Bearer {token}"
    spellings = [
        header,
        repr(header),
        repr(header.encode("utf-8")),
        json.dumps(header),
        json.dumps(header, ensure_ascii=False),
        f"Illegal header value {header.encode('utf-8')!r}",
    ]
    # Knowing the token, the client's scrubber finds every spelling; the generic one,
    # knowing only what a token looks like, finds the ASCII-escaped ones (bytes reprs
    # and JSON), where the bad character is written as an escape inside the token (a
    # space is no escape: what follows it could be any word).
    escaped = {repr(header.encode("utf-8")), json.dumps(header), spellings[-1]}
    if " " in token:
        escaped = set()
    for text in spellings:
        for scrubbed in [secret.scrub(text)] + ([scrub(text)] if text in escaped else []):
            for piece in _pieces(token):
                assert piece not in scrubbed, (text, scrubbed)
            assert "REDACTED" in scrubbed


# -- no exception leads back to the token -------------------------------------------------


def _reachable(exc: BaseException) -> list[object]:
    """Everything an exception leads to: its cause and context, args, attributes, and the
    values in them (containers and objects' attributes, to any depth)."""
    seen: set[int] = set()
    found: list[object] = []
    todo: list[object] = [exc]
    while todo:
        obj = todo.pop()
        if obj is None or id(obj) in seen or isinstance(obj, (type, type(sys))):
            continue
        seen.add(id(obj))
        found.append(obj)
        if isinstance(obj, BaseException):
            todo += [obj.__cause__, obj.__context__, *obj.args]
        if isinstance(obj, dict):
            todo += [*obj.keys(), *obj.values()]
        elif isinstance(obj, (list, tuple, set, frozenset)):
            todo += list(obj)
        elif hasattr(obj, "__dict__") and not callable(obj):
            todo += list(vars(obj).values())
    return found


def _frame_locals(exc: BaseException, inside: str = "") -> list[object]:
    """The local variables of every frame the exception's traceback passed through (only
    those of files under a folder named ``inside``, if given)."""
    values: list[object] = []
    tb = exc.__traceback__
    while tb is not None:
        if not inside or inside in Path(tb.tb_frame.f_code.co_filename).parts:
            values += list(tb.tb_frame.f_locals.values())
        tb = tb.tb_next
    assert values, "no frames searched"
    return values


HTTPX_OBJECTS = (httpx.Request, httpx.Response, httpx.HTTPError)


def test_no_exception_leads_back_to_the_token(sb, scanner, tmp_path):
    with sb.client(rate_limit=(10_000, 10), max_retries=1) as hs:
        virtual_time(hs)
        errors = list(failures(sb, hs, email="dup-chain@example.com"))
        sb.inject(drop=True, count=None, path_contains="/crm/objects/2026-09/contacts")
        try:  # an error raised in the export's fetch threads, handed to the caller
            with pytest.raises(hf.HubFrameError) as exported:
                hs.contacts.export(tmp_path / "dropped.parquet", progress=False)
        finally:
            sb.clear_injections()
        errors.append(exported.value)
    with socket.socket() as free:  # a port nobody listens on: connection refused
        free.bind(("127.0.0.1", 0))
        port = free.getsockname()[1]
    with hf.HubSpot(TOKEN, base_url=f"http://127.0.0.1:{port}", max_retries=0) as refused:
        with pytest.raises(hf.HubSpotConnectionError, match="ConnectError") as info:
            refused.contacts.get("1")
        errors.append(info.value)
    kinds = {type(e).__name__ for e in errors}
    assert {"HubSpotConnectionError", "NotFoundError", "AuthenticationError"} <= kinds, kinds
    for exc in errors:
        name = type(exc).__name__
        for obj in _reachable(exc):
            assert not isinstance(obj, HTTPX_OBJECTS), f"{name} leads to {type(obj).__name__}"
            if isinstance(obj, (str, bytes)):
                scanner.scan(f"{name}: a value it leads to", obj or "(empty)")
        for value in _frame_locals(exc):
            assert not isinstance(value, HTTPX_OBJECTS), f"{name}'s frames hold {value!r:.80}"
            scanner.scan(f"{name}: a local of its frames", repr(value))


# -- form submissions carry no token ------------------------------------------------------


class Recorder:
    """An HTTP server on 127.0.0.1 that records each request's path and headers; it
    answers form submissions with HubSpot's thank-you body, ``/redirect`` with a 302
    to a URL holding credentials, and anything else with an empty page."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, dict[str, str]]] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                recorder.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                if self.path.startswith("/redirect"):
                    self.send_response(302)
                    self.send_header("Location", "https://mallory:hunter2@evil.example/x")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                body = (
                    b'{"inlineMessage": "Thanks"}'
                    if self.path.startswith("/submissions/")
                    else b'{"results": []}'
                )
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder():
    server = Recorder()
    yield server
    server.close()


def test_form_submissions_are_sent_without_the_token(recorder):
    with hf.HubSpot(TOKEN, base_url=recorder.url, forms_url=recorder.url) as hs:
        out = hs.forms.submit(123, "a1b2c3d4-0000-1111-2222-333344445555", {"email": "a@b.co"})
        hs.request_json("GET", "/crm/v3/owners", require="results")
    assert out["outcome"].tolist() == ["submitted"]
    (form_path, form_headers), (api_path, api_headers) = recorder.seen
    assert form_path.startswith("/submissions/v3/integration/submit/123/")
    assert "authorization" not in form_headers, form_headers
    assert TOKEN not in json.dumps(form_headers)
    assert api_path == "/crm/v3/owners" and api_headers["authorization"] == f"Bearer {TOKEN}"


def test_form_submissions_still_reach_the_sandbox(sb):
    with sb.client() as hs:
        out = hs.forms.submit(sb.portal_id, sb.form_ids[0], {"email": "no-token@example.com"})
    assert out["outcome"].tolist() == ["submitted"], out.to_dict("records")


# -- credentials in a URL ------------------------------------------------------------------


def test_credentials_in_a_url_are_masked(recorder, caplog):
    hs = hf.HubSpot(TOKEN, base_url="https://alice:hunter2@api.example.com")
    assert "hunter2" not in repr(hs) and "alice" not in repr(hs)
    assert "***@api.example.com" in repr(hs)
    with pytest.raises(hf.ConfigurationError, match="unencrypted") as info:
        hf.HubSpot(TOKEN, base_url="http://alice:hunter2@example.com")
    assert "hunter2" not in str(info.value) and "***@example.com" in str(info.value)
    assert info.value.__context__ is None
    with hf.HubSpot(TOKEN, base_url=recorder.url, max_retries=0) as hs:
        with pytest.raises(hf.UnexpectedResponseError, match="evil.example/x") as redirected:
            hs.request("GET", "/redirect")
    assert "hunter2" not in str(redirected.value) and "mallory" not in str(redirected.value)
    caplog.set_level(logging.DEBUG)  # httpx logs each request's URL
    with_credentials = recorder.url.replace("http://", "http://alice:hunter2@")
    with hf.HubSpot(TOKEN, base_url=with_credentials, forms_url=with_credentials) as hs:
        hs.request_json("GET", "/crm/v3/owners", require="results")
        hs.forms.submit(1, "a1b2c3d4-0000-1111-2222-333344445555", {"email": "a@b.co"})
    assert "HTTP Request: GET" in caplog.text and "hunter2" not in caplog.text
    (_, api_headers), (_, form_headers) = recorder.seen[-2:]
    assert api_headers["authorization"] == f"Bearer {TOKEN}"  # the token, not the URL's
    assert "authorization" not in form_headers


# -- a sandbox on every address ------------------------------------------------------------


@pytest.mark.parametrize(("bind", "loopback"), [("0.0.0.0", "127.0.0.1"), ("::", "[::1]")])
def test_a_sandbox_on_every_address_gives_a_loopback_client(bind, loopback):
    with Sandbox(contacts=5, host=bind, token=TOKEN) as sandbox, sandbox.client() as hs:
        assert hs.base_url.startswith(f"http://{loopback}:")
        assert hs.forms_url == hs.base_url
        assert len(hs.contacts.get_page(limit=5)) == 5
    with pytest.raises(hf.ConfigurationError, match="unencrypted"):
        hf.HubSpot(TOKEN, base_url="http://192.0.2.10:8080")  # a real remote host: still no
