"""The sandbox's value helpers against reference implementations."""

from __future__ import annotations

import random
import time

import pytest

from hubframe.sandbox.values import iso_ms


def _reference(ms: int) -> str:
    t = time.gmtime(ms // 1000)
    return (
        f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}T"
        f"{t.tm_hour:02d}:{t.tm_min:02d}:{t.tm_sec:02d}.{ms % 1000:03d}Z"
    )


@pytest.mark.parametrize(
    "ms, text",
    [
        (0, "1970-01-01T00:00:00.000Z"),
        (-1, "1969-12-31T23:59:59.999Z"),
        (1582947017123, "2020-02-29T03:30:17.123Z"),
        (951782400000, "2000-02-29T00:00:00.000Z"),
        (253402300799999, "9999-12-31T23:59:59.999Z"),
    ],
)
def test_iso_ms_known_instants(ms, text):
    assert iso_ms(ms) == text


def test_iso_ms_agrees_with_gmtime():
    rng = random.Random(7)
    for _ in range(5_000):
        ms = rng.randint(-(10**11), 253402300799999)
        assert iso_ms(ms) == _reference(ms)
