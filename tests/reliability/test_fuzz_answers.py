"""Hostile server answers: every public operation through a proxy that spoils answers.

A real HTTP proxy on 127.0.0.1 (``tests/hostile_proxy.py``) stands between the client
and the sandbox and cuts bodies short, resets, trickles, redirects (to itself and to
another host), answers HTML, wrong content types, huge bodies, invalid UTF-8, garbage
JSON and odd error statuses, or hands on JSON of the wrong shape (fields dropped, types
swapped, results reordered or repeated). Two drivers:

- ``test_each_mutation_alone``: every answer but the property definitions spoiled by one
  mutation (operation x mutation; the fast run takes the operations in FAST_MATRIX);
- ``test_sweep``: a seeded random schedule spoils about a third of the answers of
  ``TRIES`` runs of each operation, mixing mutations within one run.

Each try asserts (``fuzz_checks.Fuzz``): a typed error or the correct result (a read:
the fault-free one; a write: every id it returns exists); nothing written twice (unique
emails, domains and deal names, one submission per email); and the token nowhere:
errors and their chains, every log record at DEBUG, widget state, the files an export,
a checkpoint or a sync leave, and the headers another host received.

In the matrix, where the property definitions are never spoiled, an error is also never
``InputError`` (the class of a bad argument; a bad answer is a ``HubSpotError``).

Every pair runs in both drivers: the pairs that once failed (``ONCE_FAILED``: records
without ``id``, ``results`` dropped, a dict or a null among them, JSON that is not an
object) run in the fast matrix whatever their operation, so a regression shows in the
fast run. A pair found to fail is fixed in the library, not kept out of the drivers.
"""

from __future__ import annotations

import itertools
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from fuzz_checks import TOKEN, Fuzz, doubled_submissions, duplicated
from hostile_proxy import JSON_MUTATIONS, MUTATIONS, HostileProxy, always, seeded_schedule

import hubframe as hf
from hubframe.sandbox import Sandbox
from hubframe.testing import virtual_time

#: Mutations that change what the server says (not whether the answer arrived whole): a
#: client cannot know the true values, so "correct" is a frame of the same columns whose
#: ids are the portal's. ``drop_paging`` is one: a page without ``paging`` is how HubSpot
#: says "the last page", so fewer records is what a client must return.
DATA_CHANGING = {"swap_types", "null_record", "null_properties", "duplicate", "drop_paging"}

TRIES = 3  # random runs per operation in test_sweep
FRACTION = 0.35  # of the answers spoiled in a random run
PREFIX = "fuzz-"  # of every email, domain and deal name written here


@pytest.fixture(scope="module")
def sb():
    with Sandbox(contacts=120, companies=12, deals=20, seed=16, token=TOKEN) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def clean(sb):
    with sb.client(rate_limit=(10_000, 10)) as hs:
        yield hs


@pytest.fixture(scope="module")
def proxy(sb):
    with HostileProxy(sb.url, seed=16) as p:
        yield p


@pytest.fixture
def fuzz(figures):
    f = Fuzz(figures)
    yield f
    f.assert_clean()


@dataclass
class Ctx:
    """What an operation needs besides the client: the portal, a fault-free client, a folder."""

    sb: Sandbox
    clean: hf.HubSpot
    tmp: Path

    def fresh(self, name: str) -> Path:
        folder = self.tmp / f"run{next(_serial)}"
        folder.mkdir()
        return folder / name


@pytest.fixture
def ctx(sb, clean, tmp_path):
    return Ctx(sb, clean, tmp_path)


_serial = itertools.count()


def client(proxy: HostileProxy) -> hf.HubSpot:
    hs = hf.HubSpot(
        TOKEN, base_url=proxy.url, forms_url=proxy.url, timeout=3, max_retries=4,
        rate_limit=(10_000, 10),
    )  # fmt: skip
    virtual_time(hs)  # backoff decided, not slept
    return hs


def through(
    fuzz: Fuzz, proxy: HostileProxy, what: str, fn: Callable[[hf.HubSpot], Any]
) -> tuple[Any, Any, set[str]]:
    """One try: ``fn`` with a fresh client of the proxy, under the checks; with what was spoiled."""
    before = proxy.served.copy()
    with fuzz.logs(), client(proxy) as hs:
        got, err = fuzz.attempt(what, lambda: fn(hs), lambda: proxy.since(before))
    served = proxy.served - before
    fuzz.add("hostile_answers", sum(served.values()))
    assert not proxy.catcher.seen, f"{what}: the bearer followed a redirect to another host"
    return got, err, set(served)


def seed_of(name: str, n: int) -> int:
    """A seed that is the same in every process (``hash`` of a str is not)."""
    return zlib.crc32(f"{name}/{n}".encode())


def normal(df: pd.DataFrame) -> pd.DataFrame:
    """A frame in id order, for comparing reads whose page order a server may change."""
    key = "id" if "id" in df.columns else list(df.columns)
    return df.sort_values(key, kind="stable").reset_index(drop=True)


def same(got: Any, want: Any, mutations: set[str], what: str) -> None:
    """The result of a read against the fault-free one."""
    if not isinstance(want, pd.DataFrame):
        assert got == want, what
        return
    assert isinstance(got, pd.DataFrame), f"{what}: {type(got)}"
    if mutations & DATA_CHANGING:
        assert list(got.columns) == list(want.columns), what
        if "id" in want.columns:
            assert set(got["id"].dropna()) <= set(want["id"]), what
        return
    try:
        pd.testing.assert_frame_equal(normal(got), normal(want))
    except AssertionError as exc:
        raise AssertionError(f"{what}: a wrong result, not an error\n{exc}") from None


def written(sb: Sandbox, got: Any, what: str) -> None:
    """A write's result names records that exist, and nothing was written twice."""
    if isinstance(got, pd.DataFrame) and "id" in got.columns:
        ids = [str(i) for i in got["id"].dropna()]
        with sb.store.lock:
            missing = [i for i in ids if not any(sb.store.record(t, i) for t in _TYPES)]
        assert not missing, f"{what}: ids {missing} returned but never written"
    assert duplicated(sb, "contacts", "email", PREFIX) == {}, what
    assert duplicated(sb, "companies", "domain", PREFIX) == {}, what
    assert duplicated(sb, "deals", "dealname", PREFIX) == {}, what
    assert doubled_submissions(sb, PREFIX) == {}, what


_TYPES = ("contacts", "companies", "deals")


# -- the operations --------------------------------------------------------------------------


@dataclass
class Op:
    name: str
    call: Callable[[hf.HubSpot, Ctx], Any]
    writes: bool = False


def _ids(sb: Sandbox, object_type: str, n: int) -> list[str]:
    with sb.store.lock:
        return [str(i) for i in sorted(sb.store.table(object_type).live_ids())[:n]]


def _key(kind: str) -> str:
    return f"{PREFIX}{kind}-{next(_serial)}"


def _export(hs: hf.HubSpot, c: Ctx) -> pd.DataFrame:
    return hf.read_parquet(hs.contacts.export(c.fresh("contacts.parquet"), progress=False).path)


def _sync(hs: hf.HubSpot, c: Ctx) -> pd.DataFrame:
    target = c.fresh("deals.parquet")
    c.clean.deals.export(target, progress=False)
    hs.deals.sync(target, progress=False)
    return hf.read_parquet(target)


def _delete(hs: hf.HubSpot, c: Ctx) -> None:
    created = c.clean.deals.create({"dealname": _key("deal")})
    hs.deals.delete(created["id"].iloc[0])


READS = [
    *(Op(f"{t}.get_all", lambda hs, c, t=t: hs.objects(t).get_all(progress=False)) for t in _TYPES),
    Op("contacts.get", lambda hs, c: hs.contacts.get(_ids(c.sb, "contacts", 1)[0])),
    Op("deals.get_many", lambda hs, c: hs.deals.get_many(_ids(c.sb, "deals", 15))),
    Op(
        "companies.get_many",
        lambda hs, c: hs.companies.get_many(_ids(c.sb, "companies", 8), associations="contacts"),
    ),
    Op(
        "contacts.search",
        lambda hs, c: hs.contacts.search("email", operator="HAS_PROPERTY", progress=False),
    ),
    Op(
        "companies.get_contacts",
        lambda hs, c: hs.companies.get_contacts(_ids(c.sb, "companies", 1)[0]),
    ),
    Op(
        "associations",
        lambda hs, c: hs.associations(
            "contacts", "companies", ids=_ids(c.sb, "contacts", 30), progress=False
        ),
    ),
    Op("owners", lambda hs, c: hs.owners()),
    Op("contacts.export", _export),
    Op("deals.sync", _sync),
]

WRITES = [
    Op("contacts.create", lambda hs, c: hs.contacts.create({"email": _key("c") + "@x.example"})),
    Op(
        "contacts.create frame",
        lambda hs, c: hs.contacts.create(
            pd.DataFrame({"email": [_key("c") + "@x.example" for _ in range(5)], "firstname": "F"})
        ),
    ),
    Op("companies.create", lambda hs, c: hs.companies.create({"domain": _key("d") + ".example"})),
    Op("deals.create", lambda hs, c: hs.deals.create({"dealname": _key("deal")})),
    Op(
        "contacts.upsert",
        lambda hs, c: hs.contacts.upsert(
            pd.DataFrame({"email": [_key("u") + "@x.example", _key("u") + "@x.example"]})
        ),
    ),
    Op(
        "contacts.update",
        lambda hs, c: hs.contacts.update(_ids(c.sb, "contacts", 1)[0], {"firstname": _key("f")}),
    ),
    Op(
        "contacts.update frame",
        lambda hs, c: hs.contacts.update(
            pd.DataFrame({"id": _ids(c.sb, "contacts", 3), "lastname": "L"})
        ),
    ),
    Op("deals.delete", _delete),
    Op(
        "companies.add_contact",
        lambda hs, c: hs.companies.add_contact(
            _ids(c.sb, "companies", 1)[0], _ids(c.sb, "contacts", 1)[0]
        ),
    ),
    Op(
        "companies.remove_contact",
        lambda hs, c: hs.companies.remove_contact(
            _ids(c.sb, "companies", 1)[0], _ids(c.sb, "contacts", 1)[0]
        ),
    ),
    Op(
        "forms.submit",
        lambda hs, c: hs.forms.submit(
            c.sb.portal_id, c.sb.form_ids[0], {"email": _key("s") + "@x.example"}
        ),
    ),
    Op("lists.add", lambda hs, c: hs.lists.add(c.sb.list_ids[0], _ids(c.sb, "contacts", 5))),
    Op(
        "workflows.enroll",
        lambda hs, c: hs.workflows.enroll(c.sb.workflow_ids[0], ["fuzz-enrolled@x.example"]),
    ),
]
for _op in WRITES:
    _op.writes = True
OPS = {op.name: op for op in READS + WRITES}

#: The operations whose every-mutation matrix runs in the fast suite (the rest: ``-m slow``).
#: One of each kind of read and write; the pairs that once failed run whatever their
#: operation (``ONCE_FAILED``), and every pair in the slow run.
FAST_MATRIX = {"contacts.get_all", "contacts.search", "contacts.export", "contacts.upsert"}

#: (operation, mutation) pairs that failed once (an untyped error, or a wrong result taken
#: for a right one), fixed since: they run in the fast matrix whatever their operation.
ONCE_FAILED: set[tuple[str, str]] = {
    *((op, "drop_id") for op in ("contacts.get", "deals.get_many", "companies.get_many",
                                 "companies.get_contacts", "owners", "contacts.export",
                                 "deals.sync", "contacts.update frame")),
    *((op, "drop_results") for op in ("deals.get_many", "companies.get_many")),
    *((op, m) for m in ("dict_for_list", "null_record")
      for op in ("deals.get_many", "companies.get_many", "contacts.export", "deals.sync",
                 "contacts.create frame", "contacts.upsert", "contacts.update frame")),
    *((op, "json_scalar") for op in ("deals.get_many", "companies.get_many", "deals.sync",
                                     "contacts.export", "contacts.create frame",
                                     "contacts.upsert", "contacts.update frame",
                                     "forms.submit", "lists.add", "contacts.get")),
    *((op, "json_empty") for op in ("contacts.get", "deals.get_many", "companies.get_many")),
}  # fmt: skip


def check(
    op: Op, proxy: HostileProxy, fuzz: Fuzz, c: Ctx, what: str
) -> tuple[set[str], hf.HubFrameError | None]:
    """One try of ``op`` through ``proxy`` as it is scheduled now: typed or correct.
    Returns the mutations served and the error raised, if any."""
    want = None if op.writes else op.call(c.clean, c)
    got, err, served = through(fuzz, proxy, what, lambda hs: op.call(hs, c))
    what = f"{what} (spoiled: {sorted(served)})"
    if op.writes:
        written(c.sb, got, what)
    elif err is None:
        same(got, want, served, what)
    if op.name in ("contacts.export", "deals.sync"):
        fuzz.scan_files(op.name, c.tmp)
    return served, err


def matrix() -> list[Any]:
    return [
        pytest.param(name, m, id=f"{name}-{m}",
                     marks=() if name in FAST_MATRIX or (name, m) in ONCE_FAILED
                     else pytest.mark.slow)
        for name in OPS
        for m in MUTATIONS
    ]  # fmt: skip


@pytest.mark.parametrize(("name", "mutation"), matrix())
def test_each_mutation_alone(name, mutation, proxy, fuzz, ctx):
    proxy.use(always(mutation))
    served, err = check(OPS[name], proxy, fuzz, ctx, f"{name} with every answer {mutation}")
    assert mutation in served, "nothing was spoiled (the check would pass vacuously)"
    # The arguments are good and the definitions unspoiled: only the answers are wrong.
    assert not isinstance(err, hf.InputError), f"{name}, {mutation}: a bad answer as {err!r}"


@pytest.mark.parametrize("name", list(OPS))
def test_sweep(name, proxy, fuzz, ctx):
    for seed in range(TRIES):
        n = seed_of(name, seed)
        proxy.use(seeded_schedule(n, FRACTION, MUTATIONS), n)
        check(OPS[name], proxy, fuzz, ctx, f"{name} seed {n}")


# -- an export resumed after hostile runs, the portal, the forms ------------------------------


def test_export_resumed_until_done_is_exact(proxy, fuzz, ctx):
    """An export that fails is run again (resuming its checkpoint) until it completes;
    the file then equals the fault-free export: no record lost or doubled across resumes."""
    want = normal(_export(ctx.clean, ctx))
    names = tuple(m for m in MUTATIONS if m not in DATA_CHANGING)
    for seed in range(4):
        target = ctx.fresh("contacts.parquet")
        runs: list[set[str]] = []
        for attempt in range(6):
            n = seed * 10 + attempt
            proxy.use(seeded_schedule(n, 0.5 / (attempt + 1), names), n)
            res, err, served = through(
                fuzz, proxy, f"export seed {seed}/{attempt}",
                lambda hs, target=target: hs.contacts.export(target, progress=False),
            )  # fmt: skip
            runs.append(served)
            fuzz.scan_files(f"export {seed}", target.parent)
            if err is None:
                break
        assert err is None, f"export seed {seed}: not done after {len(runs)} runs: {runs}"
        same(hf.read_parquet(res.path), want, set(), f"export seed {seed}: {runs}")


def test_export_portal_typed_or_complete(proxy, fuzz, ctx):
    names = tuple(m for m in MUTATIONS if m not in DATA_CHANGING)
    for seed in range(2):
        folder = ctx.tmp / f"portal{seed}"
        proxy.use(seeded_schedule(200 + seed, 0.1, names), 200 + seed)
        res, err, _ = through(
            fuzz, proxy, f"export_portal seed {seed}",
            lambda hs, folder=folder: hs.export_portal(folder, objects=["contacts", "companies"],
                                                       progress=False),
        )  # fmt: skip
        if folder.exists():
            fuzz.scan_files("portal", folder)
        if err is None:
            assert (folder / "manifest.json").exists()


def test_widget_forms_headless(sb, proxy, fuzz):
    """The forms catch what their run raises and show it: typed, and no token in their state."""
    from hubframe import widgets

    # The answers' bytes spoiled (JSON that is not an object among them), not their fields.
    wire = tuple(m for m in MUTATIONS if m not in JSON_MUTATIONS)
    for seed in range(3):
        proxy.use(seeded_schedule(300 + seed, FRACTION, wire), 300 + seed)
        before = proxy.served.copy()
        with fuzz.logs(), client(proxy) as hs:
            forms = [
                widgets.SearchForm(hs, field="email", operator="HAS_PROPERTY"),
                widgets.ListForm(hs, list_id=sb.list_ids[0], ids=_ids(sb, "contacts", 2)),
                widgets.WorkflowForm(hs, workflow_id=sb.workflow_ids[0],
                                     emails=["fuzz-enrolled@x.example"]),
            ]  # fmt: skip
            for form in forms:
                fuzz.attempt(f"{type(form).__name__} seed {seed}", form.submit)
                fuzz.scan_widget(form)
        fuzz.add("hostile_answers", sum((proxy.served - before).values()))
    assert not proxy.catcher.seen


def test_dates_past_the_calendar_read_as_missing_with_a_warning(proxy, fuzz, ctx):
    """Epoch milliseconds of year 3e9 in an answer: the column holds NaT, and a warning says so."""
    proxy.use(always("huge_epoch"))
    with pytest.warns(hf.HubFrameWarning, match="could not be read as datetime"):
        got, err, served = through(
            fuzz, proxy, "get_all, dates of year 3e9",
            lambda hs: hs.contacts.get_all(properties=["email", "createdate"], progress=False),
        )  # fmt: skip
    assert err is None and served == {"huge_epoch"}
    assert got["createdate"].isna().all() and len(got) == ctx.sb.store.count("contacts")
