"""How a ``hubframe`` command ends: its exit status and the one line it writes on failure."""

from __future__ import annotations

import os

import pytest

from hubframe.cli import main


def _env_without_token() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith(("HUBSPOT_", "HUBFRAME_"))}


def test_a_hubframe_error_is_one_line_on_stderr_and_exit_2(tmp_path, monkeypatch, capsys):
    for name in ("HUBSPOT_ACCESS_TOKEN", "HUBFRAME_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    status = main(["export", "contacts", "-o", str(tmp_path / "c.parquet")])
    out, err = capsys.readouterr()
    assert status == 2
    assert out == ""
    assert err.startswith("hubframe: No HubSpot token") and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_a_bad_argument_is_a_usage_error_with_exit_2(capsys):
    with pytest.raises(SystemExit) as info:
        main(["demo", "--contacts", "many"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: hubframe demo")
    assert "'many' is not a count: give a whole number >= 0, e.g. 500" in err


@pytest.mark.parametrize(
    "flags, objects",
    [([], "/crm/objects/2026-09/contacts"), (["--api-version", "legacy"], "/crm/v3/objects/contacts"),
     (["--api-version", "2026-03"], "/crm/objects/2026-03/contacts")],
    ids=["default", "legacy", "2026-03"],
)  # fmt: skip
def test_export_and_sync_speak_the_api_version_asked_for(
    flags, objects, tmp_path, monkeypatch, capsys
):
    from hubframe.sandbox import Sandbox

    target = tmp_path / "c.parquet"
    with Sandbox(contacts=30, companies=2, deals=2, seed=5) as sb:
        monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", sb.token)
        for command in ("export", "sync"):
            before = len(sb.requests)
            assert main([command, "contacts", "-o", str(target), "--base-url", sb.url, *flags]) == 0
            paths = {r.path for r in sb.requests[before:]} - {"/account-info/v3/details"}
            definitions = objects.replace("objects", "properties")  # same family, same version
            assert definitions in paths and any(p.startswith(objects) for p in paths), paths
            assert all(p.startswith(objects) or p == definitions for p in paths), paths
    assert "Synced" in capsys.readouterr().out


def test_a_version_hubframe_does_not_speak_is_a_usage_error(capsys):
    for command in ("export", "sync"):
        with pytest.raises(SystemExit) as info:
            main([command, "contacts", "-o", "c.parquet", "--api-version", "v3"])
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert "--api-version" in err and "'v3'" in err
        assert "'2026-09', '2026-03', 'legacy'" in err
        with pytest.raises(SystemExit):
            main([command, "--help"])
        assert "--api-version {2026-09,2026-03,legacy}" in capsys.readouterr().out


def test_a_command_is_required(capsys):
    with pytest.raises(SystemExit) as info:
        main([])
    assert info.value.code == 2
    assert "usage: hubframe" in capsys.readouterr().err


def test_help_lists_the_three_commands(capsys):
    with pytest.raises(SystemExit) as info:
        main(["--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for command in ("demo", "sandbox", "export"):
        assert command in out
