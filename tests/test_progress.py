"""Progress bars written into a pipe or a log: a line now and then, the final line once."""

from __future__ import annotations

from hubframe import _progress


def _run_bar(total: int) -> None:
    bar = _progress._open_bar("contacts", total, "records", True, 0)
    for _ in range(total):
        bar.update(1)
        bar.refresh()  # a redraw, as tqdm makes them over a long read
    _progress._close_bar(bar)


def test_a_short_bar_into_a_log_writes_only_its_final_line(capsys):
    _run_bar(5)
    err = capsys.readouterr().err
    assert "\r" not in err
    assert err.count("\n") == 1 and "5/5" in err and err.count("100%") == 1


def test_a_long_bar_into_a_log_writes_a_line_now_and_then(capsys, monkeypatch):
    monkeypatch.setattr(_progress._LogLines, "INTERVAL", 0.0)  # as if every redraw came late
    _run_bar(4)
    lines = capsys.readouterr().err.splitlines()
    assert "\r" not in "".join(lines)
    assert any("2/4" in line for line in lines)  # the read was seen going
    assert "4/4" in lines[-1] and sum("100%" in line for line in lines) == 1  # once, at the end
