"""The parser's fast paths read every value as the general path does, hostile values included.

Each fast path runs only when a whole column has one shape (every id already exact,
every boolean lower case, every datetime in HubSpot's form, every top-level value of
its JSON type). One value of another shape in the same column sends the column down
the general path, so a column with a poison value appended gives the general path's
reading of the same values: the two must agree cell by cell, bad cells included.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

from hubframe import frames
from hubframe._parse import parse_text, to_text
from hubframe.properties import Property

DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=22)
ID_TEXT = st.one_of(
    DIGITS,
    st.sampled_from(["0", "00", "05075", "5075.0", "+5", "-3", "5.075E3", "1e2", "12.5", " 7 "]),
    st.text(alphabet="0123456789+-.eE ", max_size=12),
)
BOOL_TEXT = st.one_of(
    st.sampled_from(["true", "false"]),
    st.sampled_from(["TRUE", "False", " true", "yes", "1", "", "tru", "falsee"]),
    st.text(alphabet="truefalsTRUEFALS ", max_size=6),
)
TWO = st.integers(0, 99).map(lambda v: f"{v:02d}")
CANONICAL = st.builds(
    lambda y, m, d, sep, hh, mm, ss, ms, zone: f"{y:04d}-{m}-{d}{sep}{hh}:{mm}:{ss}{ms}{zone}",
    st.integers(0, 9999),
    TWO,
    TWO,
    st.sampled_from(["T", "t", " ", "X"]),
    TWO,
    TWO,
    TWO,
    st.sampled_from(["", ".1", ".12", ".123", ".1234", ",123"]),
    st.sampled_from(["Z", "z", "+02:00", "-0530", "+24:00", "+01:60", "", "+02"]),
)
DATETIME_TEXT = st.one_of(
    CANONICAL,
    st.sampled_from(["2020-02-29", "2021-02-29", "1633996800000", "1.6339968E12", "0001-01-01"]),
    st.text(alphabet="0123456789-:TZ. +", max_size=26),
)
#: A value no fast path admits: it sends its column down the general path.
POISON = {"id": "x", "bool": "x", "datetime": "x", "date": "x"}


def _read(values: list[str | None], kind: str) -> tuple[list, list[bool]]:
    parsed, bad = parse_text(*to_text(values), kind)
    flags = [False] * len(values) if bad is None else [bool(b) for b in bad]
    return parsed.to_pylist(), flags


def _agree(values: list[str | None], kind: str) -> None:
    fast, fast_bad = _read(values, kind)
    general, general_bad = _read([*values, POISON[kind]], kind)
    assert fast == general[:-1]
    assert fast_bad == general_bad[:-1]
    assert general_bad[-1]  # the poison is a bad cell: the general path really ran


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(ID_TEXT, st.none()), min_size=1, max_size=8))
def test_ids_read_alike(values):
    _agree(values, "id")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(BOOL_TEXT, st.none()), min_size=1, max_size=8))
def test_booleans_read_alike(values):
    _agree(values, "bool")


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(DATETIME_TEXT, st.none()), min_size=1, max_size=8), st.booleans())
def test_datetimes_and_dates_read_alike(values, date):
    _agree(values, "date" if date else "datetime")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(DATETIME_TEXT, st.none()), min_size=1, max_size=8))
def test_a_date_column_reads_the_dates_of_the_datetimes(values):
    """Date columns try HubSpot's date form first: the order must not change a reading."""
    dates, dates_bad = _read(values, "date")
    times, times_bad = _read(values, "datetime")
    assert dates_bad == times_bad
    assert dates == [None if t is None else t.date() for t in times]


def test_plain_columns_take_the_fast_paths_and_keep_their_values():
    """The everyday shapes: exact ids, lower-case booleans, HubSpot's timestamps."""
    ids, _ = _read(["5075", "0", None, "18446744073709551617"], "id")
    assert ids == ["5075", "0", None, "18446744073709551617"]
    flags, _ = _read(["true", "false", None], "bool")
    assert flags == [True, False, None]
    when, bad = _read(["2020-02-29T03:30:17.123Z", None], "datetime")
    assert when[0].isoformat() == "2020-02-29T03:30:17.123000+00:00" and bad == [False, False]


TOP = st.fixed_dictionaries(
    {
        "id": st.one_of(DIGITS, st.none()),
        "createdAt": st.one_of(DATETIME_TEXT, st.none()),
        "updatedAt": st.one_of(CANONICAL, st.none()),
        "archived": st.one_of(st.booleans(), st.none()),
    }
)


@settings(max_examples=150, deadline=None)
@given(st.lists(TOP, min_size=1, max_size=6), st.booleans())
def test_top_level_columns_read_alike(records, numpy_bool):
    """One struct conversion of id/timestamps/archived gives what the value-by-value reader gives."""
    if numpy_bool:
        records = [{**r, "archived": np.bool_(r["archived"])} for r in records if r["archived"]]
        records = records or [{"id": "1", "archived": np.True_}]
    sch = frames.schema([Property("email", "Email", "string", "text")])
    issues_fast, issues_general = frames.ParseIssues(), frames.ParseIssues()
    fast = frames.to_batch(records, sch, issues=issues_fast)
    # A string "archived" is not a JSON bool: Arrow refuses the struct, every value is read alone.
    general = frames.to_batch([*records, {"archived": "false"}], sch, issues=issues_general)
    assert fast.equals(general.slice(0, len(records)))
    assert issues_fast.counts == issues_general.counts
    assert pa.types.is_boolean(fast.schema.field("archived").type)


def test_an_id_with_a_huge_exponent_reads_as_null_not_as_an_error():
    # Found by the search above: int() of Decimal("1E4300") passes Python's digit limit.
    assert _read(["1E4300", "5.075E3"], "id") == ([None, "5075"], [True, False])
