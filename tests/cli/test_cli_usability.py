"""The ``hubframe`` command as a user meets it: its version, its help, its messages in flag
terms, its filters, its targets, its token, a server that is down, and its bars in a pipe."""

from __future__ import annotations

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest

import hubframe
from hubframe.cli import build_parser, main
from hubframe.cli.main import FLAGS, render_error
from hubframe.cli.search import parse_filter
from hubframe.errors import ExportError
from hubframe.sandbox import Sandbox


def _env_without_token() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("HUBSPOT_", "HUBFRAME_"))}


def _usage_error(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    return capsys.readouterr().err


@pytest.fixture(scope="module")
def sb():
    with Sandbox(contacts=60, companies=8, deals=30, seed=11) as sandbox:
        yield sandbox


@pytest.fixture
def token_env(sb, monkeypatch):
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", sb.token)
    monkeypatch.delenv("HUBFRAME_BASE_URL", raising=False)
    return ["--base-url", sb.url]


# -- version and help ----------------------------------------------------------------------------


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_prints_the_package_version_and_exits_0(flag, capsys):
    with pytest.raises(SystemExit) as info:
        main([flag])
    assert info.value.code == 0
    assert capsys.readouterr().out == f"hubframe {hubframe.__version__}\n"


def test_the_installed_command_prints_its_version():
    done = subprocess.run(
        [sys.executable, "-m", "hubframe.cli", "--version"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert re.fullmatch(r"hubframe \d+\.\d+\.\d+\S*\n", done.stdout)


def _commands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(sub.choices)


def test_every_command_has_a_description_an_example_and_help_on_every_option():
    commands = _commands()
    assert {"demo", "sandbox", "export", "export-portal", "sync", "properties"} <= set(commands)
    undescribed = []
    for name, parser in commands.items():
        assert parser.description and len(parser.description) > 40, name
        assert parser.epilog and parser.epilog.startswith("examples:"), name
        assert f"hubframe {name}" in parser.epilog, name
        for action in parser._actions:
            if not action.help or action.help == argparse.SUPPRESS:
                undescribed.append(f"{name} {'/'.join(action.option_strings) or action.dest}")
    assert undescribed == []


def test_a_command_help_shows_its_examples_line_by_line(capsys):
    with pytest.raises(SystemExit):
        main(["export", "--help"])
    out = capsys.readouterr().out
    assert "\nexamples:\n  hubframe export contacts -o contacts.parquet --properties all\n" in out
    assert "NAME>=VALUE" in out and "NAME:HAS_PROPERTY" in out


# -- messages in flag terms ----------------------------------------------------------------------


@pytest.mark.parametrize(("python", "flag"), FLAGS, ids=[p for p, _ in FLAGS])
def test_the_renderer_spells_each_python_argument_as_its_flag(python, flag):
    line = render_error(ExportError(f"it cannot go on. {python} helps."))
    assert line.startswith("hubframe: it cannot go on. ")
    assert flag in line and python not in line


def test_each_flag_a_message_names_is_an_option_of_the_commands_that_raise_it():
    commands = _commands()
    options = {n: {o for a in p._actions for o in a.option_strings} for n, p in commands.items()}
    raised_by = {
        "--no-resume": ("export", "export-portal"),
        "--max-checkpoint-age": ("export", "export-portal"),
        "--full": ("sync",),
        "--incremental-only": ("sync",),
        "--token-file": ("export", "export-portal", "sync", "properties"),
        "--rate-limit": ("export", "export-portal", "sync", "properties"),
        "--base-url": ("export", "export-portal", "sync", "properties"),
        "--properties": ("export", "sync"),
    }
    named = {m for _, flag in FLAGS for m in re.findall(r"--[a-z-]+", flag)}
    assert named == set(raised_by)
    for flag, names in raised_by.items():
        for name in names:
            assert flag in options[name], (flag, name)


def test_a_damaged_checkpoint_says_no_resume_not_resume_false(sb, token_env, tmp_path, capsys):
    target = tmp_path / "c.parquet"
    (tmp_path / f".{target.name}.checkpoint.json").write_text("{}")
    assert main(["export", "contacts", "-o", str(target), *token_env]) == 2
    err = capsys.readouterr().err
    assert err.startswith("hubframe: ") and "--no-resume" in err
    assert "resume=" not in err
    assert main(["export", "contacts", "-o", str(target), "--no-resume", *token_env]) == 0
    assert pq.read_metadata(target).num_rows == 60


def test_a_misspelt_property_points_at_the_properties_command(sb, token_env, tmp_path, capsys):
    out = str(tmp_path / "c.parquet")
    assert main(["export", "contacts", "-o", out, "--properties", "emial", *token_env]) == 2
    err = capsys.readouterr().err
    assert "'emial' (did you mean 'email'?)" in err
    assert "`hubframe properties contacts` lists them" in err and "hs." not in err
    assert list(tmp_path.iterdir()) == []


def test_the_properties_command_lists_name_label_type_and_read_only(sb, token_env, capsys):
    assert main(["properties", "contacts", *token_env]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["name", "label", "type", "read-only"]
    rows = {line.split()[0]: line for line in lines[1:]}
    with sb.client() as hs:
        defined = {p.name: p for p in hs.properties("contacts")}
    shown = {n for n, p in defined.items() if not p.hidden}
    assert set(rows) == shown
    assert "Email" in rows["email"] and rows["email"].split()[-1] == "string"
    read_only = [n for n in shown if defined[n].read_only]
    assert read_only and all(rows[n].endswith("yes") for n in read_only)
    assert not rows["email"].endswith("yes")


def test_the_properties_command_as_json_with_all(sb, token_env, capsys):
    assert main(["properties", "deals", "--all", "--json", *token_env]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    with sb.client() as hs:
        defined = list(hs.properties("deals"))
    assert [r["name"] for r in rows] == [p.name for p in defined]
    amount = next(r for r in rows if r["name"] == "amount")
    assert amount["type"] == "number" and amount["read_only"] is False
    assert set(amount) == {"name", "label", "type", "read_only", "hidden"}


# -- --search and --associations -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "spec"),
    [
        (["lifecyclestage=customer"], ("lifecyclestage", "EQ", "customer")),
        (["amount>1000"], ("amount", "GT", "1000")),
        (["amount>=1000"], ("amount", "GTE", "1000")),
        (["amount<5"], ("amount", "LT", "5")),
        (["amount<=5"], ("amount", "LTE", "5")),
        (["city!=Berlin"], ("city", "NEQ", "Berlin")),
        (["email=a=b@example.com"], ("email", "EQ", "a=b@example.com")),
        (["email:contains_token:*@example.com"], ("email", "CONTAINS_TOKEN", "*@example.com")),
        (["dealstage:IN:closedwon, closedlost"], ("dealstage", "IN", ["closedwon", "closedlost"])),
        (["amount:BETWEEN:10,99"], ("amount", "BETWEEN", ["10", "99"])),
        (["phone:HAS_PROPERTY"], ("phone", "HAS_PROPERTY", None)),
        (["phone:not_has_property"], ("phone", "NOT_HAS_PROPERTY", None)),
        (["city", "Berlin"], ("city", "EQ", "Berlin")),
        (["amount", "gt", "7"], ("amount", "GT", "7")),
    ],
)
def test_search_filters_parse_to_property_operator_value(words, spec):
    assert parse_filter(words) == spec


@pytest.mark.parametrize(
    ("words", "says"),
    [
        (["amount"], "is not a filter"),
        (["amount>"], "gives no value"),
        (["amount:BIGGER:5"], "'BIGGER' is not an operator"),
        (["phone:HAS_PROPERTY:x"], "takes no value"),
        (["amount:BETWEEN:10"], "BETWEEN takes low,high"),
        (["a", "EQ", "b", "c"], "give one filter"),
    ],
)
def test_a_bad_search_filter_is_a_usage_error(words, says, capsys, tmp_path):
    err = _usage_error(
        ["export", "deals", "-o", str(tmp_path / "d.parquet"), "--search", *words], capsys
    )
    assert "argument --search" in err and says in err


def test_search_filters_select_what_the_python_search_selects(sb, token_env, tmp_path, capsys):
    target = tmp_path / "d.parquet"
    argv = ["export", "deals", "-o", str(target), "--search", "amount>1000", "--search",
            "dealstage:IN:closedwon,appointmentscheduled", *token_env]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "deals matching amount GT '1000' and dealstage IN" in out
    with sb.client() as hs:
        expected = hs.deals.search(
            filters=[
                ("amount", "GT", 1000),
                ("dealstage", "IN", ["closedwon", "appointmentscheduled"]),
            ]
        )
    got = pq.read_table(target).to_pandas()
    assert 0 < len(got) < 30
    assert sorted(got["id"]) == sorted(expected["id"])


def test_associations_add_a_column_of_associated_ids(sb, token_env, tmp_path, capsys):
    target = tmp_path / "c.parquet"
    assert (
        main(["export", "contacts", "-o", str(target), "--associations", "companies", *token_env])
        == 0
    )
    table = pq.read_table(target).to_pandas()
    with sb.client() as hs:
        edges = hs.associations("contacts", "companies")
    assert "associations.companies" in table.columns
    linked = {str(i) for i in edges["from_id"]}
    assert linked and linked == {
        str(i)
        for i, ids in zip(table["id"], table["associations.companies"], strict=True)
        if len(ids)
    }


# -- -o targets ---------------------------------------------------------------------------------


def test_an_extension_other_than_parquet_is_refused(tmp_path, capsys):
    err = _usage_error(
        ["export", "contacts", "-o", str(tmp_path / "contacts.csv"), "--sandbox"], capsys
    )
    assert "hubframe writes Parquet" in err and "contacts.parquet" in err
    assert list(tmp_path.iterdir()) == []


def test_a_folder_that_is_a_file_is_named_so(tmp_path, capsys):
    (tmp_path / "cli").write_text("not a folder")
    err = _usage_error(["export", "contacts", "-o", str(tmp_path / "cli" / "x.parquet")], capsys)
    assert f"{tmp_path / 'cli'} is a file, not a folder" in err


def test_replacing_a_file_with_other_columns_says_so(sb, token_env, tmp_path, capsys):
    out = str(tmp_path / "c.parquet")
    argv = ["export", "contacts", "-o", out, "--no-progress", *token_env]
    assert main([*argv, "--properties", "email,city"]) == 0
    assert capsys.readouterr().err == ""
    assert main([*argv, "--properties", "email,city"]) == 0  # the same columns: nothing to say
    assert capsys.readouterr().err == ""
    assert main([*argv, "--properties", "email,phone"]) == 0
    err = capsys.readouterr().err
    assert err.startswith(f"hubframe: note: replaced {out}, whose columns differed")
    assert "dropped city" in err and "added phone" in err
    assert "phone" in pq.read_schema(out).names


# -- the token -----------------------------------------------------------------------------------


def test_the_token_can_come_from_a_file(sb, tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("HUBSPOT_ACCESS_TOKEN", raising=False)
    path = tmp_path / "token"
    path.write_text(f"  {sb.token}\n")
    out = str(tmp_path / "c.parquet")
    argv = ["export", "contacts", "-o", out, "--base-url", sb.url]
    assert main([*argv, "--token-file", str(path)]) == 0
    assert "Exported 60 contacts" in capsys.readouterr().out
    path.write_text("\n")
    assert main([*argv, "--token-file", str(path)]) == 2
    assert f"--token-file {path} is empty" in capsys.readouterr().err
    assert main([*argv, "--token-file", str(tmp_path / "nope")]) == 2
    assert "cannot read it (No such file or directory)" in capsys.readouterr().err
    assert main([*argv, "--token-file", str(path), "--token", sb.token]) == 2
    err = capsys.readouterr().err
    assert "both given" in err and sb.token not in err


def test_help_says_to_prefer_the_environment_or_the_file(capsys):
    with pytest.raises(SystemExit):
        main(["sync", "--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "--token-file PATH read the access token from this file" in out
    assert "prefer $HUBSPOT_ACCESS_TOKEN or --token-file" in out


# -- a server that is down -----------------------------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_refused_connection_names_the_host_and_what_to_check_quickly(
    tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "pat-na1-00000000-1111-2222-3333-444444444444")
    port = _closed_port()
    started = time.monotonic()
    argv = [
        "export",
        "contacts",
        "-o",
        str(tmp_path / "c.parquet"),
        "--base-url",
        f"http://127.0.0.1:{port}",
    ]
    assert main(argv) == 2
    took = time.monotonic() - started
    err = capsys.readouterr().err
    assert f"connection refused from 127.0.0.1:{port}" in err
    assert f"Nothing answered at 127.0.0.1:{port}" in err and "is it started" in err
    assert "--base-url (or $HUBFRAME_BASE_URL)" in err and "base_url" not in err
    assert "proxy" in err
    # Five retries 0.2 s apart, not the 15 s of exponential backoff.
    assert took < 5, took


# -- a run stopped, a summary, a bar in a pipe ---------------------------------------------------


def _export_process(target, *extra):
    cmd = [sys.executable, "-m", "hubframe.cli", "export", "contacts", "-o", str(target),
           "--sandbox", "--contacts", "3000", *extra]  # fmt: skip
    return subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env_without_token()
    )


def test_ctrl_c_says_that_the_same_command_resumes_and_it_does(tmp_path):
    import signal

    target = tmp_path / "c.parquet"
    proc = _export_process(target, "--latency", "0.5")
    checkpoint = tmp_path / f".{target.name}.checkpoint.json"
    try:
        deadline = time.monotonic() + 60
        while not checkpoint.exists() and time.monotonic() < deadline:  # the first part is written
            time.sleep(0.1)
        assert checkpoint.exists()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130, err
    assert err.rstrip().endswith(
        "hubframe: interrupted; run the same command again to resume from where it stopped"
    )
    assert "Traceback" not in err and out == ""
    again = _export_process(target)
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert "Exported 3,000 contacts" in out and "resuming an interrupted export" in out


def test_ctrl_c_of_a_command_that_does_not_resume_says_only_interrupted(monkeypatch, capsys):
    from hubframe.cli import demo

    def stop(*args, **kwargs):
        raise KeyboardInterrupt  # as Ctrl-C raises it in the middle of the demo's export

    monkeypatch.setattr(demo, "run_demo", stop)
    assert main(["demo", "--contacts", "1"]) == 130
    assert capsys.readouterr().err == "hubframe: interrupted\n"


def test_a_bar_into_a_pipe_writes_its_final_line_once_and_the_summary_fits_the_wall_time(tmp_path):
    proc = _export_process(tmp_path / "c.parquet", "--rate-limit", "20/1")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert "\r" not in err
    assert err.count("100%") == 1 and err.count("\n") == 1 and "3000/3000" in err
    elapsed = float(re.search(r" in ([\d.]+) s \(", out).group(1))
    alone = re.search(
        r"retr(?:y|ies), ([\d.]+) s of it waiting on rate limits and retries\.$", out.strip()
    )
    together = re.search(
        r"retr(?:y|ies), its (\d+) parallel streams waited ([\d.]+) s on rate limits and retries, "
        r"added up over the streams\.$",
        out.strip(),
    )
    assert alone or together, out
    if alone:  # one stream waits at most as long as the run took
        assert 0 < float(alone.group(1)) <= elapsed
