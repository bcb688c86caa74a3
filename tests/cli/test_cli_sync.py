"""``hubframe sync``: a first run exports, the next reads only the changes; its messages name
its options."""

from __future__ import annotations

from hubframe.cli import main
from hubframe.sandbox import Sandbox


def test_command_line_sync_against_a_sandbox(tmp_path, capsys, monkeypatch):
    target = tmp_path / "contacts.parquet"
    with Sandbox(contacts=120, companies=0, deals=0, seed=3) as sb:
        monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", sb.token)
        argv = ["sync", "contacts", "-o", str(target), "--base-url", sb.url, "--no-progress"]
        assert main([*argv, "--properties", "email,city", "--lookback", "0"]) == 0
        out = capsys.readouterr().out
        assert "120 created" in out and "read in full (there is no sync state yet" in out
        with sb.client() as hs:
            hs.contacts.delete(sorted(sb.live_ids("contacts"), key=int)[0])
        assert main([*argv, "--lookback", "0"]) == 0
        out = capsys.readouterr().out
        assert "1 deleted, 119 rows; incremental" in out
        assert main([*argv, "--properties", "email", "--incremental-only"]) == 2
        err = capsys.readouterr().err
        assert "property set changed" in err and "--full" in err and "full=" not in err
