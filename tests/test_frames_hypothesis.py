"""Random HubSpot payloads through to_batch -> Parquet -> back: no crash, same schema, exact values.

Each generated cell knows what it should become: a well-formed value round-trips
exactly, a malformed one becomes null and is counted under its column, and a
missing / null / empty one is null and not counted.
"""

from __future__ import annotations

import datetime as dt
import math
import string
import warnings

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hubframe import frames
from hubframe.frames import HubFrameWarning, ParseIssues
from hubframe.properties import Property

UTC = dt.timezone.utc
MISSING = object()  # the property key is absent from the record

# kind -> (HubSpot type, fieldType)
KINDS = {
    "string": ("string", "text"),
    "select": ("enumeration", "select"),
    "multi": ("enumeration", "checkbox"),
    "number": ("number", "number"),
    "bool": ("bool", "booleancheckbox"),
    "datetime": ("datetime", "date"),
    "date": ("date", "date"),
}

# A cell is (raw, expected, bad).
NULLS = st.sampled_from([(MISSING, None, False), (None, None, False), ("", None, False)])


# -- well-formed values -----------------------------------------------------------------------


def _float_texts(f: float) -> st.SearchStrategy[str]:
    return st.sampled_from([repr(f), f"{f:e}", f"{f:E}", f"{f:.17g}", f"{f:f}"])


number_text = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False).flatmap(_float_texts),
    st.integers(-(10**30), 10**30).map(str),
    st.from_regex(
        r"[+-]?([0-9]{1,20}\.?[0-9]{0,20}|\.[0-9]{1,20})([eE][+-]?[0-9]{1,3})?", fullmatch=True
    ),
)


@st.composite
def numbers(draw):
    text = draw(number_text)
    pad = draw(st.sampled_from(["", " ", "\t"]))
    value = float(text)
    if math.isfinite(value):
        return (pad + text + pad, value, False)
    return (text, None, True)  # "1e999": HubSpot cannot hold it


bools = st.tuples(st.sampled_from(["true", "false"]), st.randoms()).map(
    lambda t: (
        "".join(c.upper() if t[1].random() < 0.5 else c for c in t[0]),
        t[0] == "true",
        False,
    )
)

instants = st.datetimes(
    min_value=dt.datetime(2, 1, 1), max_value=dt.datetime(9998, 12, 31), timezones=st.just(UTC)
)
offsets = st.integers(-(23 * 60 + 59), 23 * 60 + 59).map(
    lambda m: dt.timezone(dt.timedelta(minutes=m))
)


def _truncate_ms(moment: dt.datetime) -> dt.datetime:
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000)


@st.composite
def iso_datetimes(draw):
    """An ISO 8601 string of some precision and offset, and the UTC instant it names (ms)."""
    instant = draw(instants)
    local = instant.astimezone(draw(offsets))
    spec = draw(st.sampled_from(["minutes", "seconds", "milliseconds", "microseconds", "nanos"]))
    if spec == "minutes":
        local = local.replace(second=0, microsecond=0)
    elif spec == "seconds":
        local = local.replace(microsecond=0)
    text = local.isoformat(timespec="microseconds" if spec == "nanos" else spec)
    if spec == "nanos":
        text = text[:26] + draw(st.from_regex(r"[0-9]{3}", fullmatch=True)) + text[26:]
    if local.utcoffset() == dt.timedelta(0) and draw(st.booleans()):
        text = text[: -len("+00:00")] + draw(st.sampled_from(["Z", "z"]))
    elif draw(st.booleans()) and text[-3] == ":":
        text = text[:-3] + text[-2:]  # +0530
    if draw(st.booleans()):
        text = text[:10] + draw(st.sampled_from([" ", "t"])) + text[11:]
    return text, _truncate_ms(local.astimezone(UTC))


@st.composite
def epoch_texts(draw):
    """Epoch milliseconds as HubSpot (and its legacy APIs) write them, and the instant."""
    ms = draw(st.integers(-62_135_596_800_000, 253_402_300_799_999))
    text = draw(
        st.sampled_from(
            [str(ms), f"{ms}.0", repr(float(ms)), f"{float(ms):.15E}", f"{float(ms):.15e}"]
        )
    )
    return text, dt.datetime(1970, 1, 1, tzinfo=UTC) + dt.timedelta(milliseconds=ms)


@st.composite
def datetimes(draw):
    which = draw(st.sampled_from(["iso", "epoch", "date"]))
    if which == "iso":
        text, expected = draw(iso_datetimes())
    elif which == "epoch":
        text, expected = draw(epoch_texts())
    else:
        day = draw(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
        text, expected = day.isoformat(), dt.datetime.combine(day, dt.time(), UTC)
    return text, expected, False


@st.composite
def dates(draw):
    which = draw(st.sampled_from(["date", "midnight", "iso"]))
    if which == "date":
        day = draw(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
        return day.isoformat(), day, False
    if which == "midnight":
        day = draw(st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)))
        ms = (day - dt.date(1970, 1, 1)).days * 86_400_000
        return str(ms), day, False
    text, instant = draw(iso_datetimes())
    return text, instant.date(), False


texts = st.one_of(
    st.text(),
    st.text(min_size=1, max_size=5).map(lambda s: s * 20_000),  # huge strings
)
strings = texts.map(lambda s: (s, s if s != "" else None, False))

option = st.text(
    alphabet=st.characters(blacklist_characters=";", blacklist_categories=("Cs",)), max_size=6
)


@st.composite
def multis(draw):
    items = draw(st.lists(option, max_size=5))
    text = draw(st.sampled_from(["", ";"])) + ";".join(items)
    kept = [i for i in items if i]
    return text, (kept or None), False


# -- malformed values -------------------------------------------------------------------------

odd = st.text(max_size=10).map(lambda s: s + "§")  # "§" is in no well-formed value
surrogates = st.sampled_from(["\ud800", "ok \udfff", "\udbff\udc00x\ud800"])
MALFORMED = {
    "number": st.one_of(
        odd,
        st.sampled_from(
            [
                "3,039",
                "3,039.5",
                "12abc",
                "nan",
                "NaN",
                "inf",
                "-inf",
                "1e",
                "--1",
                "1.2.3",
                "0x10",
                "١٢",
                "1_000",
                "e5",
                ".",
                "+",
                "1e999",
                "- 1",
            ]
        ),
    ),
    "bool": st.one_of(odd, st.sampled_from(["yes", "no", "1", "0", "t", "truee", "on"])),
    "datetime": st.one_of(
        odd,
        st.sampled_from(
            [
                "2021-02-29",
                "2020-13-01",
                "2020-00-10",
                "2020-01-32",
                "2020-01-01T24:00:00Z",
                "2020-01-01T23:60:00Z",
                "2020-01-01T23:00:60Z",
                "0000-01-01",
                "10000-01-01",
                "1e20",
                "-1e20",
                "2020-01-01T00:00:00+24:00",
                "2020-01-01T00:00:00+01:60",
                "01/02/2020",
                "yesterday",
                "2020-1-1",
                "2020-01-01T",
                "2020-01-01T10",
                "2020-02-30T00:00:00.000Z",
                "9999-12-31T23:59:59.999-00:01",
                "0001-01-01T00:00:00+00:01",
            ]
        ),
    ),
    "string": surrogates,
    "select": surrogates,
    "multi": surrogates,
}
MALFORMED["date"] = MALFORMED["datetime"]

WELL_FORMED = {
    "string": strings,
    "select": strings,
    "multi": multis(),
    "number": numbers(),
    "bool": bools,
    "datetime": datetimes(),
    "date": dates(),
}


def cells(kind: str) -> st.SearchStrategy:
    bad = MALFORMED[kind].map(lambda raw: (raw, None, True))
    return st.one_of(NULLS, WELL_FORMED[kind], WELL_FORMED[kind], bad)


@st.composite
def pages(draw):
    kinds = draw(st.lists(st.sampled_from(sorted(KINDS)), min_size=1, max_size=7))
    props = [
        Property(f"p{i}_{k}", type=KINDS[k][0], field_type=KINDS[k][1]) for i, k in enumerate(kinds)
    ]
    n = draw(st.integers(0, 6))
    records, expected, bad = [], [], {}
    for r in range(n):
        values, want = {}, {}
        for prop, kind in zip(props, kinds, strict=True):
            raw, value, is_bad = draw(cells(kind))
            if raw is not MISSING:
                values[prop.name] = raw
            want[prop.name] = value
            bad[prop.name] = bad.get(prop.name, 0) + is_bad
        created, created_at, _ = draw(datetimes())
        ids = draw(st.lists(st.sampled_from(["1", "2", "3", "40"]), max_size=4))
        archived = draw(st.sampled_from([True, False, MISSING]))
        record = {
            "id": str(1000 + r),
            "properties": values,
            "createdAt": created,
            "updatedAt": created,
        }
        if archived is not MISSING:
            record["archived"] = archived
        if ids or draw(st.booleans()):
            record["associations"] = {
                "companies": {"results": [{"id": i, "type": "x"} for i in ids]}
            }
        records.append(record)
        want.update(
            id=str(1000 + r),
            createdAt=created_at,
            updatedAt=created_at,
            archived=None if archived is MISSING else archived,
        )
        want["associations.companies"] = list(dict.fromkeys(ids))
        expected.append(want)
    return props, records, expected, {k: v for k, v in bad.items() if v}


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)
@given(pages())
def test_random_pages_round_trip_through_parquet(tmp_path, page):
    props, records, expected, bad_counts = page
    sch = frames.schema(props, associations=["companies"])
    issues = ParseIssues()
    with warnings.catch_warnings():
        warnings.simplefilter(
            "error", HubFrameWarning
        )  # counted, not warned, when issues= is given
        batch = frames.to_batch(records, sch, issues=issues)
    assert batch.schema.equals(sch, check_metadata=True)
    assert batch.num_rows == len(records)

    path = tmp_path / "page.parquet"
    pq.write_table(pa.Table.from_batches([batch], schema=sch), path)
    back = pq.read_table(path)
    # Parquet names list items "element" where Arrow says "item"; types and metadata are kept.
    assert back.schema.equals(sch)
    assert [f.metadata for f in back.schema] == [f.metadata for f in sch]
    assert back.to_pylist() == expected
    assert issues.counts == bad_counts
    assert frames.batch_to_frame(back).dtypes.equals(
        frames.empty_frame(props, associations=["companies"]).dtypes
    )


@settings(max_examples=100, deadline=None)
@given(
    st.sampled_from(["datetime", "date", "number", "bool"]).flatmap(
        lambda kind: st.tuples(st.just(kind), st.lists(cells(kind), min_size=1, max_size=12))
    )
)
def test_a_value_reads_the_same_alone_or_among_others(case):
    """Pages take fast paths for HubSpot's usual formats; a value must not read differently
    because of its neighbours."""
    kind, drawn = case
    raws = [None if raw is MISSING else raw for raw, _, _ in drawn]
    prop = Property("v", type=KINDS[kind][0], field_type=KINDS[kind][1])
    issues = ParseIssues()
    batch = frames.to_batch(
        [{"id": "1", "properties": {"v": r}} for r in raws], frames.schema([prop]), issues=issues
    )
    together = batch.column(1).to_pylist()
    alone = []
    for raw in raws:
        try:
            alone.append(frames.parse_value(raw, prop))
        except ValueError:
            alone.append("bad")
    assert [("bad" if a == "bad" else t) for t, a in zip(together, alone, strict=True)] == alone
    assert issues.counts.get("v", 0) == alone.count("bad")
    assert sum(bad for _, _, bad in drawn) == alone.count("bad")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=string.digits + "+-.:eETZz ", max_size=30))
def test_datetime_reader_never_crashes_on_near_misses(raw):
    prop = Property("v", type="datetime")
    issues = ParseIssues()
    batch = frames.to_batch(
        [{"id": "1", "properties": {"v": raw}}], frames.schema([prop]), issues=issues
    )
    value = batch.column(1)[0].as_py()
    assert (value is None) == (issues.total == 1 or raw.strip() == "")
