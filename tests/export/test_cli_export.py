"""The ``hubframe export`` command: one object type exported from a built-in sandbox."""

from __future__ import annotations

import pyarrow.parquet as pq


def test_command_line_export_against_a_sandbox(tmp_path, capsys):
    from hubframe.cli import main

    target = tmp_path / "deals.parquet"
    code = main(["export", "deals", "-o", str(target), "--properties", "all", "--sandbox", "--deals", "150",
                 "--contacts", "20", "--companies", "10"])  # fmt: skip
    assert code == 0
    out = capsys.readouterr().out
    assert out.startswith("Exported 150 deals") and str(target) in out
    assert pq.read_table(target).num_rows == 150


def test_command_line_refuses_an_old_checkpoint_in_its_own_words(tmp_path, capsys, monkeypatch):
    """The age limit is ``--max-checkpoint-age HOURS``; messages name the options, not Python's."""
    import json
    from datetime import datetime, timedelta, timezone

    import pytest

    from hubframe.cli import main
    from hubframe.sandbox import Sandbox

    target = tmp_path / "c.parquet"
    with Sandbox(contacts=400, companies=2, deals=2, seed=9) as sb:
        with sb.client() as hs, pytest.raises(KeyboardInterrupt):

            def stop(res):
                if res.pages >= 2:
                    raise KeyboardInterrupt

            hs.contacts.export(target, parallel=1, progress=False, row_group_size=100,
                               on_page=stop)  # fmt: skip
        ck = tmp_path / ".c.parquet.checkpoint.json"
        data = json.loads(ck.read_text())
        data["started_at"] = (datetime.now(timezone.utc) - timedelta(hours=30)).isoformat()
        ck.write_text(json.dumps(data))
        monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", sb.token)
        argv = ["export", "contacts", "-o", str(target), "--base-url", sb.url]
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "started 30.0 hours ago" in err and "--no-resume" in err
        assert "--max-checkpoint-age none" in err
        assert "resume=False" not in err and "max_checkpoint_age" not in err
        assert main([*argv, "--max-checkpoint-age", "31"]) == 0
        assert "resuming an interrupted export" in capsys.readouterr().out
        assert pq.read_table(target).num_rows == 400
    for bad in ("0", "-1", "nan", "a day"):
        with pytest.raises(SystemExit):
            main([*argv, "--max-checkpoint-age", bad])
        assert "is not a number of hours" in capsys.readouterr().err
