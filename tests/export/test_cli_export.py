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
