"""HubSpot payloads -> typed DataFrames: values, dtypes, column order, empty frames, bad cells."""

from __future__ import annotations

import datetime as dt
import warnings

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from hubframe import frames
from hubframe.errors import InputError
from hubframe.frames import HubFrameWarning, ParseIssues
from hubframe.properties import Property, PropertySet

UTC = dt.timezone.utc

DEFINITIONS = [
    {"name": "email", "type": "string", "fieldType": "text", "label": "Email"},
    {"name": "phone", "type": "phone_number", "fieldType": "phonenumber"},
    {"name": "amount", "type": "number", "fieldType": "number", "label": "Amount"},
    {"name": "hs_object_id", "type": "number", "fieldType": "number"},
    {"name": "closedate", "type": "datetime", "fieldType": "date"},
    {"name": "birthday", "type": "date", "fieldType": "date"},
    {"name": "is_vip", "type": "bool", "fieldType": "booleancheckbox"},
    {
        "name": "stage",
        "type": "enumeration",
        "fieldType": "select",
        "options": [{"label": "Lead", "value": "lead"}],
    },
    {
        "name": "roles",
        "type": "enumeration",
        "fieldType": "checkbox",
        "options": [{"label": "A", "value": "a"}, {"label": "B", "value": "b"}],
    },
    {"name": "geo", "type": "object_coordinates", "fieldType": "text"},
]

DTYPES = {
    "id": "string",
    "email": "string",
    "phone": "string",
    "amount": "Float64",
    "hs_object_id": "string",
    "closedate": "datetime64[ms, UTC]",
    "birthday": "date32[day][pyarrow]",
    "is_vip": "boolean",
    "stage": "string",
    "roles": "list<item: string>[pyarrow]",
    "geo": "string",
    "createdAt": "datetime64[ms, UTC]",
    "updatedAt": "datetime64[ms, UTC]",
    "archived": "boolean",
}


@pytest.fixture
def props() -> PropertySet:
    return PropertySet.from_definitions("contacts", DEFINITIONS)


def record(rid="1", archived=False, associations=None, **props):
    rec = {
        "id": rid,
        "properties": props,
        "createdAt": "2024-01-02T03:04:05.678Z",
        "updatedAt": "2024-02-03T04:05:06Z",
        "archived": archived,
    }
    if associations is not None:
        rec["associations"] = associations
    return rec


def frame(props, *records, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("error", HubFrameWarning)
        return frames.to_frame(list(records), props, **kw)


def one(kind_or_prop, raw):
    """The value a frame holds for one raw cell of the given property."""
    prop = kind_or_prop if isinstance(kind_or_prop, Property) else Property("p", type=kind_or_prop)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", HubFrameWarning)
        df = frames.to_frame([record(**{prop.name: raw})], [prop])
    return df[prop.name].iloc[0]


# -- columns and dtypes -----------------------------------------------------------------------


def test_full_page_columns_dtypes_and_values(props):
    df = frame(
        props,
        record(
            "101",
            email="ada@example.com",
            phone="+44 20 7946 0000",
            amount="3039.5",
            hs_object_id="101",
            closedate="2020-02-29T03:30:17.000Z",
            birthday="1990-05-01",
            is_vip="true",
            stage="lead",
            roles="a;b",
            geo="51.5,-0.1",
        ),
        record("102", archived=True),
    )
    assert list(df.columns) == list(DTYPES)
    assert {c: str(t) for c, t in df.dtypes.items()} == DTYPES
    first = df.iloc[0]
    assert first["id"] == "101"
    assert first["email"] == "ada@example.com"
    assert first["phone"] == "+44 20 7946 0000"
    assert first["amount"] == 3039.5
    assert first["hs_object_id"] == "101"
    assert first["closedate"] == pd.Timestamp("2020-02-29T03:30:17Z")
    assert first["birthday"] == dt.date(1990, 5, 1)
    assert bool(first["is_vip"]) is True
    assert first["stage"] == "lead"
    assert list(first["roles"]) == ["a", "b"]
    assert first["geo"] == "51.5,-0.1"
    assert first["createdAt"] == pd.Timestamp("2024-01-02T03:04:05.678Z")
    assert first["updatedAt"] == pd.Timestamp("2024-02-03T04:05:06Z")
    assert not first["archived"]
    second = df.iloc[1]
    assert second["archived"]
    # Every property of the second record is missing: null in every column type.
    assert all(
        pd.isna(second[c]) for c in DTYPES if c not in ("id", "createdAt", "updatedAt", "archived")
    )


def test_columns_follow_requested_order(props):
    chosen = [props[n] for n in ("stage", "amount", "email")]
    df = frame(chosen, record(email="x@y.z", amount="1", stage="lead"))
    assert list(df.columns) == [
        "id",
        "stage",
        "amount",
        "email",
        "createdAt",
        "updatedAt",
        "archived",
    ]
    assert df.loc[0, ["stage", "amount", "email"]].tolist() == ["lead", 1.0, "x@y.z"]


def test_sparse_page_keeps_every_column_type(props):
    """A property absent from every record of a page (HubSpot omits empty ones) keeps its type."""
    df = frame(props, record("1"), record("2", email="a@b.c"))
    assert {c: str(t) for c, t in df.dtypes.items()} == DTYPES
    assert df["amount"].isna().all()
    assert pd.isna(df["email"].iloc[0]) and df["email"].iloc[1] == "a@b.c"


def test_empty_frame_has_the_columns_and_dtypes_of_a_full_one(props):
    full = frame(props, record(email="a@b.c"), associations=["companies"])
    empty = frames.empty_frame(props, associations=["companies"])
    from_nothing = frames.to_frame([], props, associations=["companies"])
    for df in (empty, from_nothing):
        assert len(df) == 0
        assert list(df.columns) == list(full.columns)
        assert df.dtypes.equals(full.dtypes)


def test_no_properties_prefix_and_top_level_names_win(props):
    clash = [Property("id"), Property("archived", type="string"), props["email"], props["email"]]
    df = frame(clash, record("7", archived=True, id="not the id", email="e@x.y"))
    assert list(df.columns) == ["id", "email", "createdAt", "updatedAt", "archived"]
    assert df.loc[0, "id"] == "7"
    assert df.loc[0, "archived"]


def test_hs_object_id_is_a_separate_string_column(props):
    df = frame([props["hs_object_id"]], record("12345678901", hs_object_id="12345678901"))
    assert list(df.columns)[:2] == ["id", "hs_object_id"]
    assert df.loc[0, "hs_object_id"] == "12345678901"
    assert str(df.dtypes["hs_object_id"]) == "string"


def test_schema_carries_labels_and_hubspot_types(props):
    sch = frames.schema([props["amount"]])
    assert sch.names == ["id", "amount", "createdAt", "updatedAt", "archived"]
    assert sch.field("amount").metadata == {b"hubspot_type": b"number", b"label": b"Amount"}
    batch = frames.to_batch([record(amount="2")], sch)
    assert batch.schema.equals(sch, check_metadata=True)


def test_schema_rejects_what_is_not_a_property():
    with pytest.raises(InputError):
        frames.schema(["email"])  # type: ignore[list-item]
    with pytest.raises(InputError):
        frames.schema([], associations=[""])


# -- associations -----------------------------------------------------------------------------


def test_association_columns_deduplicate_ids_in_first_seen_order(props):
    assoc = {
        "companies": {
            "results": [
                {"id": "9", "type": "contact_to_company"},
                {"id": "9", "type": "contact_to_company_unlabeled"},
                {"id": "3", "type": "contact_to_company_unlabeled"},
            ]
        },
        "deals": {"results": [{"toObjectId": 55, "associationTypes": []}]},
    }
    df = frame(
        [props["email"]],
        record("1", associations=assoc),
        record("2"),
        record("3", associations={"companies": {"results": []}}),
        associations=["companies", "deals", "companies"],
    )
    assert list(df.columns)[-2:] == ["associations.companies", "associations.deals"]
    assert str(df.dtypes["associations.companies"]) == "list<item: string>[pyarrow]"
    assert [list(v) for v in df["associations.companies"]] == [["9", "3"], [], []]
    assert [list(v) for v in df["associations.deals"]] == [["55"], [], []]


# -- values of each type ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3039", 3039.0),
        ("-1.5", -1.5),
        (".5", 0.5),
        ("1e3", 1000.0),
        ("1.6339968E12", 1633996800000.0),
        (" 42 ", 42.0),
        ("0.1", 0.1),
        (7, 7.0),
    ],
)
def test_numbers(raw, expected):
    assert one("number", raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("true", True), ("false", False), ("TRUE", True), ("False", False), (True, True)],
)
def test_booleans(raw, expected):
    assert bool(one("bool", raw)) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2020-02-29T03:30:17.000Z", "2020-02-29T03:30:17Z"),
        ("2020-02-29T03:30:17Z", "2020-02-29T03:30:17Z"),
        ("2020-02-29T03:30:17.5Z", "2020-02-29T03:30:17.500Z"),
        ("2020-02-29T03:30:17.123456Z", "2020-02-29T03:30:17.123Z"),
        ("2020-02-29T03:30:17.123456789Z", "2020-02-29T03:30:17.123Z"),
        ("2020-02-29T05:30:17.000+02:00", "2020-02-29T03:30:17Z"),
        ("2020-02-28T22:00:17-0530", "2020-02-29T03:30:17Z"),
        ("2020-02-29 03:30:17", "2020-02-29T03:30:17Z"),
        ("2020-02-29t03:30z", "2020-02-29T03:30:00Z"),
        ("2020-02-29", "2020-02-29T00:00:00Z"),
        ("1633996800000", "2021-10-12T00:00:00Z"),
        ("1633996800123", "2021-10-12T00:00:00.123Z"),
        ("1633996800000.0", "2021-10-12T00:00:00Z"),
        ("1.6339968E12", "2021-10-12T00:00:00Z"),
        ("-86400000", "1969-12-31T00:00:00Z"),
        (1633996800000, "2021-10-12T00:00:00Z"),
    ],
)
def test_datetimes(raw, expected):
    assert one("datetime", raw) == pd.Timestamp(expected)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2015-05-01", dt.date(2015, 5, 1)),
        ("1430438400000", dt.date(2015, 5, 1)),
        ("1.4304384E12", dt.date(2015, 5, 1)),
        ("2015-05-01T00:00:00.000Z", dt.date(2015, 5, 1)),
        ("2015-05-01T23:30:00-02:00", dt.date(2015, 5, 2)),  # the UTC date
        ("0001-01-01", dt.date(1, 1, 1)),
        ("9999-12-31", dt.date(9999, 12, 31)),
    ],
)
def test_dates(raw, expected):
    assert one("date", raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a;b", ["a", "b"]),
        (";a;b", ["a", "b"]),
        ("a;;b;", ["a", "b"]),
        ("solo", ["solo"]),
        ("with space; x", ["with space", " x"]),
    ],
)
def test_multi_select_split_on_semicolons(props, raw, expected):
    assert list(one(props["roles"], raw)) == expected


@pytest.mark.parametrize("raw", [";", ";;"])
def test_multi_select_with_no_items_is_null_not_bad(props, raw):
    df = frame([props["roles"]], record(roles=raw))  # would raise on a warning
    assert pd.isna(df.loc[0, "roles"])


def test_strings_are_kept_exactly(props):
    text = "  Ünïcödé ✓ 𝄞 \n tabs\t "
    assert one("string", text) == text
    big = "x" * 200_000
    assert one("string", big) == big


@pytest.mark.parametrize("kind", ["string", "number", "bool", "datetime", "date", "enumeration"])
@pytest.mark.parametrize("raw", ["", None])
def test_empty_and_null_are_null_for_every_type(kind, raw):
    assert pd.isna(one(kind, raw))


def test_parse_value_is_the_same_reader():
    assert frames.parse_value("3039", "number") == 3039.0
    assert frames.parse_value("2020-02-29", "datetime") == dt.datetime(2020, 2, 29, tzinfo=UTC)
    assert frames.parse_value("1430438400000", "date") == dt.date(2015, 5, 1)
    assert frames.parse_value(";x;y", "multi") == ["x", "y"]
    assert frames.parse_value("", "string") is None
    assert frames.parse_value("FALSE", Property("b", type="bool")) is False
    with pytest.raises(ValueError, match="not a valid number"):
        frames.parse_value("3,039", "number")
    with pytest.raises(InputError):
        frames.parse_value("1", "integer")


# -- bad cells --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "raw"),
    [
        ("number", "3,039.5"),
        ("number", "12abc"),
        ("number", "nan"),
        ("number", "inf"),
        ("number", "1e999"),
        ("number", "٣"),  # a non-ASCII digit
        ("bool", "yes"),
        ("bool", "1"),
        ("datetime", "2021-02-29T00:00:00Z"),
        ("datetime", "2020-01-01T24:00:00Z"),
        ("datetime", "yesterday"),
        ("datetime", "1e20"),
        ("datetime", "10000-01-01"),
        ("date", "2020-13-01"),
        ("date", "01/02/2020"),
    ],
)
def test_bad_cell_is_null_and_warned_with_column_count_and_example(kind, raw):
    prop = Property("col", type=kind)
    with pytest.warns(HubFrameWarning) as caught:
        df = frames.to_frame([record(col=raw), record(col=raw), record("3")], [prop])
    assert df["col"].isna().all()
    assert len(caught) == 1
    message = str(caught[0].message)
    assert "'col'" in message and "2 values" in message and repr(raw) in message
    # The warning points at the caller, not at hubframe's internals.
    assert caught[0].filename == __file__


def test_good_cells_survive_next_to_bad_ones():
    prop = Property("when", type="datetime")
    with pytest.warns(HubFrameWarning, match="'when': 1 value"):
        df = frames.to_frame(
            [
                record(when="2020-02-29T03:30:17.000Z"),
                record(when="2020-02-30T00:00:00Z"),
                record(when="2020-03-01"),
            ],
            [prop],
        )
    assert df["when"].tolist()[0] == pd.Timestamp("2020-02-29T03:30:17Z")
    assert pd.isna(df["when"].iloc[1])
    assert df["when"].iloc[2] == pd.Timestamp("2020-03-01T00:00:00Z")


def test_issues_accumulate_across_pages_and_warn_once():
    props = [Property("n", type="number"), Property("d", type="date")]
    sch = frames.schema(props)
    issues = ParseIssues()
    with warnings.catch_warnings():
        warnings.simplefilter("error", HubFrameWarning)
        frames.to_batch([record(n="x", d="2020-01-01")], sch, issues=issues)
        frames.to_batch([record(n="y", d="nope"), record(n="1")], sch, issues=issues)
    assert issues.counts == {"n": 2, "d": 1}
    assert issues.examples == {"n": "x", "d": "nope"}
    assert issues.total == 3 and bool(issues)
    with pytest.warns(HubFrameWarning) as caught:
        issues.warn()
    assert sorted(str(w.message) for w in caught) == [
        "Column 'd': 1 value could not be read as date and is null (e.g. 'nope').",
        "Column 'n': 2 values could not be read as number and are null (e.g. 'x').",
    ]
    issues.clear()
    assert not issues and issues.counts == {}


def test_unencodable_string_is_a_bad_cell():
    with pytest.warns(HubFrameWarning, match="'s': 1 value"):
        df = frames.to_frame([record(s="ok"), record(s="bad \ud800")], [Property("s")])
    assert df["s"].iloc[0] == "ok"
    assert pd.isna(df["s"].iloc[1])


def test_non_string_values_are_read_as_hubspot_would_send_them():
    props = [Property("s"), Property("n", type="number"), Property("b", type="bool")]
    df = frame(
        props, {"id": 5, "properties": {"s": {"k": 1}, "n": 2.5, "b": False}, "archived": "true"}
    )
    assert df.loc[0, "id"] == "5"
    assert df.loc[0, "s"] == '{"k": 1}'
    assert df.loc[0, "n"] == 2.5
    assert not df.loc[0, "b"]
    assert df.loc[0, "archived"]
    assert pd.isna(df.loc[0, "createdAt"])


def test_a_page_reads_the_same_whether_or_not_every_value_is_a_string():
    # Pages of strings are read by Arrow in one go; one number sends the page through the
    # value-by-value reader. Both must give the same cells.
    props = [Property("s"), Property("n", type="number"), Property("d", type="datetime")]
    strings = [
        record(rid=str(i), s=f"v{i}", n=str(i), d="2020-02-29T03:30:17.000Z", extra="ignored")
        for i in range(4)
    ]
    odd = {"id": "9", "properties": {"s": 7, "n": "1.5", "extra": {"x": 1}}}
    fast = frames.to_frame(strings, props)
    slow = frames.to_frame([*strings, odd], props)
    assert "extra" not in fast.columns
    assert list(fast["s"]) == ["v0", "v1", "v2", "v3"]
    assert list(slow["s"]) == ["v0", "v1", "v2", "v3", "7"]
    assert list(slow["n"]) == [0.0, 1.0, 2.0, 3.0, 1.5]
    pd.testing.assert_frame_equal(fast, slow.iloc[:4])
    assert pd.isna(slow["d"].iloc[4])


def test_records_must_be_mappings():
    sch = frames.schema([])
    with pytest.raises(InputError):
        frames.to_batch(["1"], sch)  # type: ignore[list-item]
    with pytest.raises(InputError):
        frames.to_batch(record(), sch)  # type: ignore[arg-type]


def test_schema_types_hubframe_does_not_build_are_refused():
    sch = pa.schema([pa.field("id", pa.string()), pa.field("n", pa.int64())])
    with pytest.raises(InputError, match="'n'"):
        frames.to_batch([record()], sch)


# -- pages, Parquet and back ------------------------------------------------------------------


def test_batches_to_frame_and_parquet_round_trip(props, tmp_path):
    sch = frames.schema(props, associations=["companies"])
    pages = [
        frames.to_batch(
            [record("1", amount="1.5", roles="a"), record("2", birthday="2000-01-01")], sch
        ),
        frames.to_batch([], sch),
        frames.to_batch(
            [record("3", is_vip="false", associations={"companies": {"results": [{"id": "8"}]}})],
            sch,
        ),
    ]
    df = frames.batches_to_frame(pages, sch)
    assert df["id"].tolist() == ["1", "2", "3"]
    path = tmp_path / "contacts.parquet"
    pq.write_table(pa.Table.from_batches(pages, schema=sch), path)
    back = pq.read_table(path)
    assert back.schema.equals(sch)
    again = frames.batch_to_frame(back)
    assert again.dtypes.equals(df.dtypes)
    pd.testing.assert_frame_equal(again, df)
    assert frames.batches_to_frame([], sch).dtypes.equals(df.dtypes)


# -- id columns --------------------------------------------------------------------------------


def test_id_properties_are_exact_integer_strings_whatever_their_definition():
    props = [
        Property("associatedcompanyid", type="number", field_type="number"),
        Property("hubspot_owner_id", type="enumeration", field_type="select"),
        Property("hs_merged_object_ids", type="enumeration", field_type="checkbox"),
    ]
    records = [
        {"id": "1", "properties": {"associatedcompanyid": "5075", "hubspot_owner_id": "52013001",
                                   "hs_merged_object_ids": "7;08;9.0"}},
        {"id": "2", "properties": {"associatedcompanyid": "5075.0", "hubspot_owner_id": " 52013002 ",
                                   "hs_merged_object_ids": ";"}},
        {"id": "3", "properties": {"associatedcompanyid": "", "hubspot_owner_id": None}},
        {"id": "4", "properties": {"associatedcompanyid": "5.075E3"}},
        {"id": "5", "properties": {"associatedcompanyid": "12.5", "hs_merged_object_ids": "1;x"}},
        {"id": "6", "properties": {"associatedcompanyid": "90071992547409931234"}},
    ]  # fmt: skip
    with pytest.warns(HubFrameWarning) as caught:
        df = frames.to_frame(records, props)
    for name in ("associatedcompanyid", "hubspot_owner_id"):
        assert df[name].dtype == pd.StringDtype("pyarrow"), name
    assert str(df["hs_merged_object_ids"].dtype) == "list<item: string>[pyarrow]"
    ids = df["associatedcompanyid"].tolist()
    # Exact, never through a float: the last one is past what a float64 holds exactly.
    assert ids[:4] + ids[5:] == ["5075", "5075", pd.NA, "5075", "90071992547409931234"]
    assert pd.isna(ids[4])
    assert df["hubspot_owner_id"].tolist()[:2] == ["52013001", "52013002"]
    merged = df["hs_merged_object_ids"].tolist()
    assert list(merged[0]) == ["7", "8", "9"] and pd.isna(merged[1]) and pd.isna(merged[4])
    messages = " ".join(str(w.message) for w in caught)
    assert "'associatedcompanyid': 1 value could not be read as id" in messages
    assert "'hs_merged_object_ids': 1 value could not be read as multi_id" in messages


def test_an_id_column_keeps_its_kind_through_parquet(tmp_path):
    import pyarrow.parquet as pq

    props = [Property("associatedcompanyid", type="number")]
    sch = frames.schema(props)
    pq.write_table(
        pa.Table.from_batches(
            [frames.to_batch([{"id": "1", "properties": {"associatedcompanyid": "5.0"}}], sch)]
        ),
        tmp_path / "c.parquet",
    )
    table = pq.read_table(tmp_path / "c.parquet")
    assert table.schema.field("associatedcompanyid").metadata[b"hubframe_kind"] == b"id"
    df = frames.batch_to_frame(table)
    assert df["associatedcompanyid"].tolist() == ["5"]
    assert df["associatedcompanyid"].dtype == df["id"].dtype == pd.StringDtype("pyarrow")
