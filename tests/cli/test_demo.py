"""The newcomer's path: ``hubframe demo`` from the console, and ``hubframe.testing`` in a user's tests.

Both run in a child process in a temporary directory, as a newcomer would run
them: the installed ``hubframe`` console script, and ``pytest`` on a test file
that uses only the documented helpers.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

COUNTS = {"contacts": 300, "companies": 30, "deals": 60}


def _console_script() -> str:
    """The installed ``hubframe`` command of this Python (``pip install -e .`` puts it there)."""
    here = Path(sys.executable).parent / ("hubframe.exe" if os.name == "nt" else "hubframe")
    found = str(here) if here.exists() else shutil.which("hubframe")
    if not found:
        pytest.fail("the hubframe console script is not installed: run pip install -e .")
    return found


def _clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HUBSPOT_", "HUBFRAME_"))}
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """``hubframe demo`` with small counts, run once for the tests below."""
    cwd = tmp_path_factory.mktemp("demo")
    args = [_console_script(), "demo"] + [f"--{k}={v}" for k, v in COUNTS.items()]
    proc = subprocess.run(
        args, cwd=cwd, env=_clean_env(), capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr
    return cwd, proc


def test_demo_writes_one_parquet_file_per_object_type(demo):
    cwd, _ = demo
    assert sorted(p.name for p in (cwd / "hubframe-demo").iterdir() if p.suffix == ".parquet") == [
        "companies.parquet", "contacts.parquet", "deals.parquet",
    ]  # fmt: skip
    for object_type, count in COUNTS.items():
        meta = pq.read_metadata(cwd / "hubframe-demo" / f"{object_type}.parquet")
        assert meta.num_rows == count, object_type
        assert meta.num_columns > 20, object_type  # properties="all"


def test_demo_files_have_typed_columns(demo):
    cwd, _ = demo
    contacts = pq.read_schema(cwd / "hubframe-demo" / "contacts.parquet")
    assert contacts.names[0] == "id" and contacts.names[-3:] == [
        "createdAt",
        "updatedAt",
        "archived",
    ]
    assert pa.types.is_string(contacts.field("email").type) or pa.types.is_large_string(
        contacts.field("email").type
    )
    assert contacts.field("createdate").type == pa.timestamp("ms", tz="UTC")
    assert contacts.field("hs_email_optout").type == pa.bool_()
    assert contacts.field("customer_rating").type == pa.float64()
    assert contacts.field("contract_start_date").type == pa.date32()
    assert pa.types.is_list(contacts.field("favorite_products").type)
    deals = pq.read_schema(cwd / "hubframe-demo" / "deals.parquet")
    assert deals.field("amount").type == pa.float64()
    assert deals.field("closedate").type == pa.timestamp("ms", tz="UTC")
    table = pq.read_table(cwd / "hubframe-demo" / "contacts.parquet", columns=["id", "email"])
    ids = table.column("id").to_pylist()
    assert len(set(ids)) == len(ids) == COUNTS["contacts"]
    assert table.column("email").null_count < COUNTS["contacts"]


def test_demo_summary_says_what_it_wrote_and_what_to_do_next(demo):
    _, proc = demo
    out = proc.stdout
    for object_type, count in COUNTS.items():
        assert re.search(rf"{object_type}: {count:,} rows x \d+ columns, [\d.]+ (KB|MB|B)", out), (
            object_type
        )
    assert "createdate: datetime64[ms, UTC]" in out
    assert "amount: Float64" in out
    assert "notebooks/quickstart.ipynb" in out
    assert "HUBSPOT_ACCESS_TOKEN" in out and "hubframe export contacts" in out


def test_demo_output_holds_no_token(demo):
    _, proc = demo
    text = proc.stdout + proc.stderr
    assert "pat-sandbox-" not in text
    assert not re.search(r"(?i)bearer\s+\S", text)
    assert "Traceback" not in text


def test_users_can_record_and_replay_with_the_testing_helper(tmp_path):
    """A user's conftest enables the plugin; one test records a cassette, another replays it offline."""
    (tmp_path / "conftest.py").write_text('pytest_plugins = ["hubframe.testing"]\n')
    (tmp_path / "test_mine.py").write_text(
        textwrap.dedent("""
        import socket

        import pytest

        from hubframe.testing import cassette_client, virtual_time

        def test_survives_a_bad_day(hubspot_sandbox, hubspot_client):
            clock = virtual_time(hubspot_client)
            hubspot_sandbox.inject(429, retry_after=30)
            hubspot_client.contacts.get_page(limit=5)
            assert clock.slept == [30.0]

        def test_sandbox_fixtures(hubspot_sandbox, hubspot_client):
            df = hubspot_client.contacts.get_page(limit=5)
            assert len(df) == 5
            assert hubspot_client.base_url == hubspot_sandbox.url

        @pytest.mark.hubspot_sandbox(contacts=7)
        def test_marker_sizes_the_sandbox(hubspot_client):
            assert len(hubspot_client.contacts.get_all(progress=False)) == 7

        def test_1_record(hubspot_sandbox):
            with cassette_client("customers.yaml", record=True, sandbox=hubspot_sandbox) as hs:
                assert len(hs.contacts.search("lifecyclestage", "customer", properties=["email", "lifecyclestage"], progress=False)) > 0

        def test_2_replay_offline(monkeypatch):
            def refuse(*a, **k):
                raise AssertionError("network")
            monkeypatch.setattr(socket, "create_connection", refuse)
            with cassette_client("customers.yaml", strict=True) as hs:
                df = hs.contacts.search("lifecyclestage", "customer", properties=["email", "lifecyclestage"], progress=False)
            assert (df["lifecyclestage"] == "customer").all()
            text = open("customers.yaml").read()
            assert "pat-sandbox" not in text and "authorization" not in text.lower()
    """)
    )
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_mine.py"],
        cwd=tmp_path, env=_clean_env(), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "5 passed" in proc.stdout
