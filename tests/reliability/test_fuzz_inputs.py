"""Hostile arguments: hypothesis drives the public functions with odd ids, values, frames,
property names, paths, search operators and values, form fields, list and workflow ids.

Each example asserts (``fuzz_checks.Fuzz``): a typed error or a correct result (an id is
taken only when it is one: a positive whole number, as an int, a NumPy integer or ASCII
digits; a read returns that record), nothing written twice, and the token nowhere (the
error, its chain, every DEBUG log record, the files an export leaves).

Hypothesis runs derandomized with no deadline, so CI sees the same examples every run.
The inputs that once failed (unicode digits, lone surrogates, connector-style form
fields, paths the OS refuses, ...) are in the strategies, and the tests at the end try
each one on purpose with the exact outcome it must have.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fuzz_checks import TOKEN, Fuzz, duplicated
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import hubframe as hf
from hubframe.resources.search import OPERATORS
from hubframe.sandbox import Sandbox

EXAMPLES = 25  # per test in the fast run
FUZZ = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PREFIX = "fuzzin-"


@pytest.fixture(scope="module")
def sb():
    with Sandbox(contacts=40, companies=6, deals=10, seed=61, token=TOKEN) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def hs(sb):
    with sb.client(rate_limit=(10_000, 10), max_retries=0) as client:
        yield client


@pytest.fixture(scope="module")
def fuzz(figures):
    f = Fuzz(figures)
    yield f
    f.assert_clean()


_serial = itertools.count()

# -- strategies --------------------------------------------------------------------------------

_NUMPY_INTS = (np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64)

#: Any text, non-ASCII digits ("٥١", "²") among it: not an id.
_odd_text = st.text(max_size=12)

ids = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1, 51, 2**63, 2**64 + 1, 10**30]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
    st.builds(lambda t, v: t(v), st.sampled_from(_NUMPY_INTS), st.integers(0, 120)),
    st.builds(np.float64, st.floats(-1e6, 1e6)),
    st.integers(1, 10**6).map(str),
    st.integers(1, 10**6).map(lambda n: f" {n}\t"),
    st.sampled_from(
        [
            "",
            " ",
            "1.0",
            "1e3",
            "-5",
            "+5",
            "0x1f",
            "51 52",
            "5l",
            "\u00b2",
            "\u0665\u0661",
            "\uff15",
        ]
    ),
    _odd_text,
    st.binary(max_size=6),
    st.builds(Decimal, st.integers(-100, 100)),
    st.lists(st.integers(1, 100), max_size=2),
    st.just(object()),
    st.just(pd.NA),
    st.just(pd.NaT),
)

#: Ordinary property values plus the odd ones (lone surrogates among the text).
values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    st.text(alphabet=st.characters(exclude_categories=()), max_size=20),
    st.datetimes(
        min_value=dt.datetime(1, 1, 1),
        max_value=dt.datetime(9999, 12, 31),
        timezones=st.sampled_from([None, dt.timezone.utc, dt.timezone(dt.timedelta(hours=-14))]),
    ),  # fmt: skip
    st.dates(),
    st.recursive(
        st.integers(0, 3) | st.text(max_size=3),
        lambda c: st.lists(c, max_size=2) | st.dictionaries(st.text(max_size=2), c, max_size=2),
        max_leaves=4,
    ),
    st.just(math.inf),
    st.just(pd.NaT),
    st.just(b"\x00bytes"),
    st.just({1, 2}),
    st.just(np.datetime64("2024-01-01")),
    st.just(dt.timedelta(days=1)),
)

#: Property names: real ones, and anything text can be.
names = st.one_of(
    st.sampled_from(["email", "firstname", "lastname", "phone", "hs_object_id", "id",
                     "createdate", "lifecyclestage", "annualrevenue"]),
    st.text(max_size=15),
    st.sampled_from(["", " ", "EMAIL", "e-mail", "a.b", "properties", "__class__", "email "]),
    st.integers(),
    st.none(),
)  # fmt: skip

operators = st.one_of(st.sampled_from(OPERATORS), st.text(max_size=12), st.none(), st.integers())


def _frames() -> st.SearchStrategy[pd.DataFrame]:
    columns = st.lists(names.filter(lambda n: isinstance(n, str)), min_size=0, max_size=4,
                       unique=True)  # fmt: skip
    return st.builds(_frame, columns, st.integers(0, 3), st.sampled_from(_DTYPES), st.data())


_DTYPES = ("object", "string", "category", "Int64", "float64", "boolean", "datetime64[ns]",
           "timedelta64[ns]", "complex128")  # fmt: skip


def _frame(columns: list[str], rows: int, dtype: str, data: Any) -> pd.DataFrame:
    cells = {c: data.draw(st.lists(values, min_size=rows, max_size=rows)) for c in columns}
    df = pd.DataFrame(cells, index=data.draw(_indexes(rows)))
    try:
        return df.astype(dtype)
    except (TypeError, ValueError, OverflowError):
        return df


def _indexes(rows: int) -> st.SearchStrategy[Any]:
    labels = st.one_of(
        st.integers(), st.text(max_size=3), st.just(math.nan), st.tuples(st.integers())
    )
    return st.one_of(st.none(), st.lists(labels, min_size=rows, max_size=rows))


frames = _frames()


# -- the checks ------------------------------------------------------------------------------


def is_id(value: Any) -> bool:
    """What an id is (validate.check_id's rule, restated): ASCII digits, an int or a NumPy
    integer, or a float holding a whole number; positive; never a bool."""
    if isinstance(value, bool | np.bool_):
        return False
    if isinstance(value, int | np.integer):
        return int(value) > 0
    if isinstance(value, float | np.floating):
        return math.isfinite(value) and value == int(value) and value > 0
    if isinstance(value, str):
        text = value.strip()
        return text.isascii() and text.isdigit() and int(text) > 0
    return False


def id_text(value: Any) -> str:
    return str(int(float(value))) if not isinstance(value, str) else str(int(value.strip()))


def inputs(fuzz: Fuzz, kind: str) -> None:
    fuzz.add("hostile_inputs")
    fuzz.figures.add("fuzz_inputs", kind)


# -- reads --------------------------------------------------------------------------------------


@FUZZ
@given(record_id=ids)
def test_get(hs, sb, fuzz, record_id):
    inputs(fuzz, "ids")
    with fuzz.logs():
        got, err = fuzz.attempt(f"get({record_id!r})", lambda: hs.contacts.get(record_id))
    if got is not None:
        assert is_id(record_id), f"get({record_id!r}) took a value that is not an id"
        assert list(got["id"]) == [id_text(record_id)]
    elif is_id(record_id) and sb.store.record("contacts", id_text(record_id)) is not None:
        pytest.fail(f"get({record_id!r}) refused an id that exists: {err}")


@FUZZ
@given(record_ids=st.lists(ids, max_size=4) | ids | frames)
def test_get_many(hs, fuzz, record_ids):
    inputs(fuzz, "ids")
    with fuzz.logs():
        got, _ = fuzz.attempt(f"get_many({record_ids!r})", lambda: hs.deals.get_many(record_ids))
    if got is not None and isinstance(record_ids, list):
        assert all(is_id(i) for i in record_ids), f"get_many took {record_ids!r}"


@FUZZ
@given(field=names, value=values | ids | st.lists(values, max_size=3), operator=operators)
def test_search(hs, fuzz, field, value, operator):
    inputs(fuzz, "search")
    with fuzz.logs():
        got, _ = fuzz.attempt(
            f"search({field!r}, {value!r}, operator={operator!r})",
            lambda: hs.contacts.search(field, value, operator=operator, progress=False,
                                       max_records=20),
        )  # fmt: skip
    if got is not None:
        assert isinstance(got, pd.DataFrame) and len(got) <= 20


@FUZZ
@given(properties=st.lists(names, max_size=3) | names, max_records=ids)
def test_get_all_options(hs, fuzz, properties, max_records):
    inputs(fuzz, "options")
    with fuzz.logs():
        got, _ = fuzz.attempt(
            f"get_all(properties={properties!r}, max_records={max_records!r})",
            lambda: hs.companies.get_all(properties=properties, max_records=max_records,
                                         progress=False),
        )  # fmt: skip
    if got is not None and max_records is not None:
        assert is_id(max_records) and len(got) <= int(max_records)


# -- writes -------------------------------------------------------------------------------------


def _email() -> str:
    return f"{PREFIX}{next(_serial)}@x.example"


@FUZZ
@given(props=st.dictionaries(names.filter(lambda n: isinstance(n, str)), values, max_size=3))
def test_create(hs, sb, fuzz, props):
    inputs(fuzz, "values")
    email = _email()
    with fuzz.logs():
        got, _ = fuzz.attempt(f"create({props!r})", lambda: hs.contacts.create({**props,
                                                                               "email": email}))  # fmt: skip
    found = sb.store.contact_by_email(email)
    if got is not None:
        assert found is not None and str(found.id) == str(got["id"].iloc[0])
    assert duplicated(sb, "contacts", "email", PREFIX) == {}


@FUZZ
@given(df=frames)
def test_create_frame(hs, sb, fuzz, df):
    inputs(fuzz, "frames")
    df = df.copy()
    if len(df.columns) == len(set(df.columns)):  # duplicate columns: tried below
        df["email"] = [_email() for _ in range(len(df))]
    with fuzz.logs():
        fuzz.attempt(f"create(frame {df.dtypes.to_dict()})", lambda: hs.contacts.create(df))
    assert duplicated(sb, "contacts", "email", PREFIX) == {}


@FUZZ
@given(record_id=ids, props=st.dictionaries(names, values, max_size=2))
def test_update(hs, sb, fuzz, record_id, props):
    inputs(fuzz, "values")
    with fuzz.logs():
        got, _ = fuzz.attempt(
            f"update({record_id!r}, {props!r})", lambda: hs.deals.update(record_id, props)
        )
    if got is not None:
        assert is_id(record_id), f"update took {record_id!r}"


@FUZZ
@given(record_id=ids)
def test_delete(hs, sb, fuzz, record_id):
    inputs(fuzz, "ids")
    before = sb.store.count("companies")
    with fuzz.logs():
        _, err = fuzz.attempt(f"delete({record_id!r})", lambda: hs.companies.delete(record_id))
    many = isinstance(record_id, list) and all(is_id(i) for i in record_id)
    if not (is_id(record_id) or many):
        assert err is not None and sb.store.count("companies") == before


@FUZZ
@given(df=frames, key=names)
def test_upsert(hs, sb, fuzz, df, key):
    inputs(fuzz, "frames")
    with fuzz.logs():
        fuzz.attempt(
            f"upsert(id_property={key!r})", lambda: hs.contacts.upsert(df, id_property=key)
        )
    assert duplicated(sb, "contacts", "email", PREFIX) == {}


@FUZZ
@given(company_id=ids, contact_id=ids, add=st.booleans())
def test_company_contacts(hs, fuzz, company_id, contact_id, add):
    inputs(fuzz, "ids")
    fn = hs.companies.add_contact if add else hs.companies.remove_contact
    with fuzz.logs():
        _, err = fuzz.attempt(f"{fn.__name__}({company_id!r}, {contact_id!r})",
                              lambda: fn(company_id, contact_id))  # fmt: skip
        fuzz.attempt(f"get_contacts({company_id!r})", lambda: hs.companies.get_contacts(company_id))
    if not (is_id(company_id) and is_id(contact_id)):
        assert err is not None


# -- actions ------------------------------------------------------------------------------------

#: Field names a form posts, connector-style ones (``0-1/email``) among them.
_field_names = st.one_of(names, st.sampled_from(["0-1/email", "0-2/name", "/", "a/b/c"]))


@FUZZ
@given(
    portal=ids,
    form=st.one_of(st.just(None), _odd_text, st.uuids().map(str)),
    fields=st.dictionaries(_field_names, values, max_size=3),
    real=st.booleans(),
)
def test_forms_submit(hs, sb, fuzz, portal, form, fields, real):
    inputs(fuzz, "forms")
    pid, fid = (sb.portal_id, sb.form_ids[0]) if real else (portal, form)
    with fuzz.logs():
        fuzz.attempt(
            f"submit({pid!r}, {fid!r}, {fields!r})", lambda: hs.forms.submit(pid, fid, fields)
        )


@FUZZ
@given(list_id=ids, record_ids=st.lists(ids, max_size=3) | ids, real=st.booleans())
def test_lists_add(hs, sb, fuzz, list_id, record_ids, real):
    inputs(fuzz, "lists")
    lid = sb.list_ids[0] if real else list_id
    with fuzz.logs():
        got, _ = fuzz.attempt(
            f"lists.add({lid!r}, {record_ids!r})", lambda: hs.lists.add(lid, record_ids)
        )
    if got is not None:
        assert is_id(lid)


@FUZZ
@given(
    workflow_id=ids,
    emails=st.lists(st.emails() | _odd_text, max_size=3) | st.emails(),
    real=st.booleans(),
)
def test_workflows_enroll(hs, sb, fuzz, workflow_id, emails, real):
    inputs(fuzz, "workflows")
    wid = sb.workflow_ids[0] if real else workflow_id
    with fuzz.logs():
        fuzz.attempt(f"enroll({wid!r}, {emails!r})", lambda: hs.workflows.enroll(wid, emails))


# -- paths --------------------------------------------------------------------------------------


def _path(kind: str, base: Path) -> Any:
    """A target of the named kind under ``base``."""
    (base / "dir").mkdir(exist_ok=True)
    if kind == "symlink":
        (base / "real.parquet").touch()
        (base / "link.parquet").unlink(missing_ok=True)
        (base / "link.parquet").symlink_to(base / "real.parquet")
        return base / "link.parquet"
    if kind == "dangling":
        (base / "gone.parquet").unlink(missing_ok=True)
        (base / "gone.parquet").symlink_to(base / "nowhere" / "x.parquet")
        return base / "gone.parquet"
    if kind == "readonly":
        ro = base / "ro"
        ro.mkdir(exist_ok=True)
        ro.chmod(0o500)
        return ro / "x.parquet"
    return {
        "dir": base / "dir",
        "ext_csv": base / "x.csv",
        "no_ext": base / "x",
        "nested_missing": base / "a" / "b" / "x.parquet",
        "int": 5,
        "none": None,
        "empty": "",
        "bytes": bytes(base / "b.parquet"),
        "nul": str(base / "a\x00b.parquet"),
        "long": str(base / ("n" * 300 + ".parquet")),
        "unicode": base / "\u00e9\U0001f600.parquet",
    }[kind]


PATH_KINDS = [
    "symlink", "dangling", "readonly", "dir", "ext_csv", "no_ext", "nested_missing", "int",
    "none", "empty", "bytes", "unicode", "nul", "long",
]  # fmt: skip


@pytest.mark.parametrize("kind", PATH_KINDS)
def test_export_paths(hs, fuzz, tmp_path, kind):
    inputs(fuzz, "paths")
    # (as root a read-only folder is writable: then the correct result is a complete file)
    target = _path(kind, tmp_path)
    with fuzz.logs():
        res, err = fuzz.attempt(
            f"export({kind})", lambda: hs.deals.export(target, progress=False, resume=False)
        )
    if res is not None:
        assert len(hf.read_parquet(res.path)) == len(hs.deals.get_all(progress=False))
    fuzz.scan_files(kind, tmp_path)
    if (tmp_path / "ro").exists():
        (tmp_path / "ro").chmod(0o700)  # so pytest can remove it


@pytest.mark.parametrize("kind", ["nul", "long"])
@pytest.mark.parametrize("operation", ["export", "sync"])
def test_a_path_the_os_refuses_is_an_input_error_before_anything_is_written(
    hs, fuzz, tmp_path, kind, operation
):
    """A NUL byte or a name longer than the file system takes: refused by the argument
    check, naming the path and what is wrong with it, and no file is left behind."""
    inputs(fuzz, "paths")
    target = _path(kind, tmp_path)
    before = sorted(tmp_path.rglob("*"))
    fn = hs.deals.export if operation == "export" else hs.deals.sync
    with fuzz.logs():
        _, err = fuzz.attempt(f"{operation}({kind})", lambda: fn(target, progress=False))
    assert isinstance(err, hf.InputError), err
    assert ("NUL byte" if kind == "nul" else "bytes long") in str(err), err
    assert repr(str(target))[:60] in str(err), f"the path is not named: {err}"
    assert sorted(tmp_path.rglob("*")) == before, "something was written"


# -- the inputs that once failed, each tried on purpose ------------------------------------------


def _refused(fuzz: Fuzz, what: str, fn: Any) -> hf.HubFrameError:
    """The call must raise a typed error, and that error is an InputError (a bad argument)."""
    fuzz.add("hostile_inputs")
    got, err = fuzz.attempt(what, fn)
    assert err is not None, f"{what} was taken: {got!r}"
    assert isinstance(err, hf.InputError), f"{what}: {err!r}"
    return err


def _taken(fuzz: Fuzz, what: str, fn: Any) -> Any:
    """The call must return (fuzz.attempt fails on an untyped error)."""
    fuzz.add("hostile_inputs")
    got, err = fuzz.attempt(what, fn)
    assert err is None, f"{what} was refused: {err}"
    return got


#: The digits 0-9 in other scripts (str.isdigit says yes to each).
_DIGITS = {
    "arabic-indic": "".join(chr(0x660 + d) for d in range(10)),
    "superscript": "\u2070\u00b9\u00b2\u00b3" + "".join(chr(0x2074 + d) for d in range(6)),
    "fullwidth": "".join(chr(0xFF10 + d) for d in range(10)),
}


@pytest.mark.parametrize("script", list(_DIGITS))
def test_unicode_digits_spelling_an_existing_id_are_refused(hs, sb, fuzz, script):
    """Non-ASCII digits spelling an id that exists: refused before any request, never
    read as that id."""
    rid = str(min(sb.store.table("contacts").live_ids()))
    odd = rid.translate(str.maketrans("0123456789", _DIGITS[script]))
    assert odd.isdigit() and not odd.isascii()
    err = _refused(fuzz, f"get({odd!r})", lambda: hs.contacts.get(odd))
    assert "id" in str(err)


def test_a_numpy_int_max_records_is_taken(hs, fuzz):
    got = _taken(fuzz, "get_all(max_records=np.int64(3))",
                 lambda: hs.contacts.get_all(max_records=np.int64(3), progress=False))  # fmt: skip
    assert len(got) == 3


def test_a_numpy_int_limit_is_taken(hs, fuzz):
    got = _taken(fuzz, "get_page(limit=np.int64(3))",
                 lambda: hs.contacts.get_page(limit=np.int64(3)))  # fmt: skip
    assert len(got) == 3


def test_a_numpy_array_of_values_for_search_in_is_taken(hs, sb, fuzz):
    emails = np.array(
        [r.props["email"] for r in list(sb.store.table("contacts").records.values())[:2]]
    )
    got = _taken(fuzz, "search IN np.array",
                 lambda: hs.contacts.search("email", emails, operator="IN", progress=False))  # fmt: skip
    assert sorted(got["email"]) == sorted(emails)


def test_numpy_array_of_emails_for_enroll(hs, sb, fuzz):
    got = _taken(fuzz, "enroll np.array",
                 lambda: hs.workflows.enroll(sb.workflow_ids[0], np.array(["a@x.example"])))  # fmt: skip
    assert len(got) == 1


def test_search_for_pd_na_is_refused(hs, fuzz):
    _refused(fuzz, "search('email', pd.NA)",
             lambda: hs.contacts.search("email", pd.NA, progress=False))  # fmt: skip


def test_a_lone_surrogate_in_a_value_is_refused(hs, sb, fuzz):
    email = _email()
    err = _refused(fuzz, "create lone surrogate",
                   lambda: hs.contacts.create({"email": email, "firstname": "a\ud800b"}))  # fmt: skip
    assert "surrogate" in str(err)
    assert sb.store.contact_by_email(email) is None


def test_a_frame_with_duplicate_columns_is_refused(hs, sb, fuzz):
    email = _email()
    df = pd.DataFrame([[email, "A", "B"]], columns=["email", "firstname", "firstname"])
    _refused(fuzz, "create(frame with duplicate columns)", lambda: hs.contacts.create(df))
    assert sb.store.contact_by_email(email) is None


def test_hubspot_fields_list_is_one_submission(hs, sb, fuzz):
    """HubSpot's own ``[{"name": ..., "value": ...}]`` list (what the connector sends) is
    one submission's fields: it arrives at the form with those fields."""
    email = _email()
    fields = [{"name": "email", "value": email}, {"name": "firstname", "value": "Fields"}]
    got = _taken(fuzz, "submit a fields list",
                 lambda: hs.forms.submit(sb.portal_id, sb.form_ids[0], fields))  # fmt: skip
    assert list(got["outcome"]) == ["submitted"] and list(got["email"]) == [email]
    with sb.store.lock:
        arrived = [sub["fields"] for sub in sb.store.submissions
                   if sub["fields"].get("email") == email]  # fmt: skip
    assert arrived == [{"email": email, "firstname": "Fields"}]
    assert sb.store.contact_by_email(email) is not None


@pytest.mark.parametrize("ms", [10**20, -(10**15), "99999999999999999999"], ids=repr)
def test_epoch_ms_past_the_calendar_are_refused(hs, sb, fuzz, ms):
    rid = str(min(sb.store.table("deals").live_ids()))
    _refused(fuzz, f"update(closedate={ms!r})", lambda: hs.deals.update(rid, {"closedate": ms}))


@pytest.mark.parametrize(
    "content", [b"\xff\x00not json", b"[]", b'{"contacts": ', b'{"version": 99}'], ids=repr
)
def test_a_malformed_sandbox_file_is_an_input_error(tmp_path, fuzz, content):
    path = tmp_path / "portal.json"
    path.write_bytes(content)
    err = _refused(fuzz, f"Sandbox(path={content!r})", lambda: Sandbox(path=path).start().stop())
    assert str(path) in str(err)


@pytest.mark.parametrize("value", ["1_000", "\u0665"], ids=["underscore", "arabic-indic"])
def test_number_spellings_hubspot_does_not_read_are_refused(hs, sb, fuzz, value):
    rid = str(min(sb.store.table("deals").live_ids()))
    _refused(fuzz, f"update(amount={value!r})", lambda: hs.deals.update(rid, {"amount": value}))


def test_an_export_never_writes_through_a_symlinked_staging_folder(hs, fuzz, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (tmp_path / ".deals.parquet.partial").symlink_to(elsewhere)
    fuzz.add("hostile_inputs")
    fuzz.attempt("export with a symlinked staging folder",
                 lambda: hs.deals.export(tmp_path / "deals.parquet", progress=False))  # fmt: skip
    assert list(elsewhere.iterdir()) == [], "the export wrote outside its folder"
