"""A 10,000-row batch create, update or upsert that stops part-way says what was written and
what to send again, and sending it again leaves one record per input row: none doubled, none lost.

Every batch position (1..100) is faulted, with the answer lost before the write was applied and
after it was (the client cannot tell the two apart). Companies have no unique key (the batch
that may have been applied is reported as ``uncertain`` and resolved by a name search, as the
hint says); contacts are looked up by email; updates and upserts are simply sent again (an
upsert matches by its key, so the second one updates what the first created).
"""

from __future__ import annotations

import time
from collections import Counter

import httpx
import pandas as pd
import pytest

import hubframe as hf
from hubframe.resources.batch_writes import may_have_applied, rows_text, spans
from hubframe.sandbox import Sandbox
from hubframe.testing import virtual_time

N = 10_000
BATCH = 100
POSITIONS = range(1, N // BATCH + 1)
#: The fast subset: first, middle and last batch.
FAST = (1, 57, 100)

#: Faults that lose the answer: before the write was applied, and after.
LOST = {
    "drop-before": {"drop": True},
    "drop-after": {"drop": True, "after_apply": True},
    "502-before": {"status": 502},
    "502-after": {"status": 502, "after_apply": True},
}
EXHAUSTIVE_MODES = ("drop-before", "drop-after")


@pytest.fixture(scope="module")
def empty():
    """An empty portal, re-seeded (empty again) before each write."""
    with Sandbox(contacts=0, companies=0, deals=0, search_rate=None) as sb:
        with sb.client(rate_limit=(1_000_000, 10)) as hs:
            virtual_time(hs)
            yield sb, hs


@pytest.fixture(scope="module")
def portal_10k():
    """A portal holding 10,000 companies, for updates (never reset: each run writes new values)."""
    with Sandbox(contacts=0, companies=0, deals=0, search_rate=None) as sb:
        with sb.client(rate_limit=(1_000_000, 10)) as hs:
            virtual_time(hs)
            made = hs.companies.create(pd.DataFrame({"name": [f"U{i}" for i in range(N)]}))
            yield sb, hs, made["id"].tolist()


def companies_in(sb) -> Counter[str]:
    return Counter(r.props.get("name") for r in sb.store.tables["companies"].records.values())


def contacts_in(sb) -> Counter[str]:
    return Counter(r.props.get("email") for r in sb.store.tables["contacts"].records.values())


def input_rows(kind: str) -> pd.DataFrame:
    """10,000 rows, one property each, indexed by labels that are not positions."""
    labels = [f"r{i}" for i in range(N)]
    if kind == "companies":
        return pd.DataFrame({"name": [f"Co {i}" for i in range(N)]}, index=labels)
    return pd.DataFrame({"email": [f"p{i}@example.com" for i in range(N)]}, index=labels)


def check_partition(err: hf.PartialWriteError, df: pd.DataFrame, position: int) -> None:
    """written + remaining + uncertain are the input, each row once, each as passed."""
    rows = [*err.written_rows, *err.remaining_rows, *err.uncertain_rows]
    assert sorted(rows) == list(range(len(df))), "not a partition of the input"
    assert err.batch == range((position - 1) * BATCH, position * BATCH)
    assert (err.batch_number, err.batches) == (position, N // BATCH)
    assert list(err.written.index) == list(df.index[err.written_rows])
    assert err.remaining.equals(df.iloc[err.remaining_rows])
    assert err.uncertain.equals(df.iloc[err.uncertain_rows])
    assert sum(len(r) for r in err.not_written) == len(err.remaining_rows) + len(err.uncertain_rows)
    assert isinstance(err.__cause__, hf.HubSpotError) and err.error is err.__cause__
    assert err.status == err.error.status
    assert "err.remaining" in err.hint()


def create_and_retry(sb, hs, kind: str, position: int, fault: dict) -> dict[str, int]:
    """Fault batch ``position`` of a 10,000-row create, retry as the error says; the figures."""
    sb.reset()
    sb.clear_injections()
    df = input_rows(kind)
    resource = getattr(hs, kind)
    sb.inject(**fault, path_contains=f"/{kind}/batch/create", skip=position - 1)
    with pytest.raises(hf.PartialWriteError) as info:
        resource.create(df)
    err = info.value
    check_partition(err, df, position)
    applied = fault.get("after_apply", False)
    key = "name" if kind == "companies" else "email"
    before = sb.store.tables[kind].records
    by_key = {r.props[key]: str(r.id) for r in before.values()}
    # Every row reported written is in the portal with the id reported.
    assert err.written["id"].tolist() == [by_key[v] for v in df[key].iloc[err.written_rows]]
    assert len(by_key) == position * BATCH - (0 if applied else BATCH)
    if kind == "contacts":
        assert err.looked_up and err.uncertain_rows == []
        assert err.applied == ("yes" if applied else "no")
    else:
        assert err.applied == "maybe" and err.uncertain_rows == list(err.batch)
        assert "look each up" in err.hint() and "hs.companies.search('name'" in err.hint()
    if len(err.remaining):
        resource.create(err.remaining)
    if len(err.uncertain):
        # As the hint says: look the uncertain rows up, and create only those not found.
        names = list(err.uncertain["name"])
        found = hs.companies.search("name", names, operator="IN", progress=False)
        missing = err.uncertain[~err.uncertain["name"].isin(found["name"])]
        assert len(missing) == (0 if applied else BATCH)
        if len(missing):
            resource.create(missing)
    counts = companies_in(sb) if kind == "companies" else contacts_in(sb)
    doubled = sum(c - 1 for c in counts.values() if c > 1)
    lost = sum(1 for v in df[key] if counts[v] == 0)
    assert (doubled, lost, sum(counts.values())) == (0, 0, N)
    return {"records_checked": N, "doubled": doubled, "lost": lost}


def update_and_retry(sb, hs, ids: list[str], position: int, fault: dict, tag: str) -> None:
    """Fault batch ``position`` of a 10,000-row update on every attempt; send err.remaining."""
    sb.clear_injections()
    value = f"{tag}-{position}"
    df = pd.DataFrame({"id": ids, "description": [f"{value}-{i}" for i in range(N)]})
    sb.inject(
        **fault,
        path_contains="/companies/batch/update",
        skip=position - 1,
        count=hs.max_retries + 1,
    )
    with pytest.raises(hf.PartialWriteError) as info:
        hs.companies.update(df)
    err = info.value
    check_partition(err, df, position)
    assert err.applied == "maybe" and err.uncertain_rows == []
    assert err.remaining_rows == list(range((position - 1) * BATCH, N))
    assert "idempotent" in err.hint()
    hs.companies.update(err.remaining)
    records = sb.store.tables["companies"].records
    assert len(records) == N
    assert [records[int(i)].props.get("description") for i in ids] == df["description"].tolist()


def upsert_and_retry(sb, hs, position: int, fault: dict) -> None:
    """Fault batch ``position`` of a 10,000-row upsert on every attempt; send err.remaining.

    Every other row's contact exists already, so each batch both creates and updates.
    """
    sb.reset()
    sb.clear_injections()
    df = input_rows("contacts").assign(jobtitle=f"U{position}")
    hs.contacts.create(df.iloc[::2][["email"]])
    sb.inject(**fault, path_contains="/batch/upsert", skip=position - 1, count=hs.max_retries + 1)
    with pytest.raises(hf.PartialWriteError) as info:
        hs.contacts.upsert(df)
    err = info.value
    check_partition(err, df, position)
    assert err.operation == "upsert" and err.applied == "maybe" and err.uncertain_rows == []
    assert err.remaining_rows == list(range((position - 1) * BATCH, N))
    assert err.written["result"].tolist() == ["updated", "created"] * ((position - 1) * BATCH // 2)
    rest = hs.contacts.upsert(err.remaining)
    applied = fault.get("after_apply", False)
    new = ["updated" if applied else "created"]
    assert rest["result"].tolist()[:BATCH] == (["updated", *new] * (BATCH // 2))
    assert list(rest.index) == list(df.index[err.remaining_rows])
    counts = contacts_in(sb)
    assert set(counts.values()) == {1} and sum(counts.values()) == N
    jobs = Counter(r.props.get("jobtitle") for r in sb.store.tables["contacts"].records.values())
    assert jobs == {f"U{position}": N}


# -- the fast subset: first, middle and last batch; a 502 in the middle -------------------------

#: (position, mode): dropped answers at the first, middle and last batch, 502s in the middle.
FAST_CASES = [(p, m) for p in FAST for m in EXHAUSTIVE_MODES] + [
    (FAST[1], "502-before"),
    (FAST[1], "502-after"),
]


@pytest.mark.parametrize(("position", "mode"), FAST_CASES)
@pytest.mark.parametrize("kind", ["companies", "contacts"])
def test_a_create_that_lost_a_batch_answer_is_retried_without_duplicates(
    empty, kind, position, mode
):
    sb, hs = empty
    create_and_retry(sb, hs, kind, position, LOST[mode])


@pytest.mark.parametrize(
    ("position", "mode"), [(p, "drop-after") for p in FAST] + [(FAST[1], "502-before")]
)
def test_an_update_that_lost_a_batch_answer_is_sent_again_in_full(portal_10k, position, mode):
    sb, hs, ids = portal_10k
    update_and_retry(sb, hs, ids, position, LOST[mode], tag=f"fast-{mode}")


@pytest.mark.parametrize(("position", "mode"), FAST_CASES)
def test_an_upsert_that_lost_a_batch_answer_is_sent_again_without_duplicates(empty, position, mode):
    sb, hs = empty
    upsert_and_retry(sb, hs, position, LOST[mode])


# -- every batch position ------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("mode", EXHAUSTIVE_MODES)
@pytest.mark.parametrize("kind", ["companies", "contacts"])
def test_every_batch_position_of_a_create(empty, kind, mode):
    sb, hs = empty
    started = time.perf_counter()
    checked = 0
    for position in POSITIONS:
        checked += create_and_retry(sb, hs, kind, position, LOST[mode])["records_checked"]
    print(f"{kind} {mode}: {len(POSITIONS)} positions, {checked:,} records checked, "
          f"0 doubled, 0 lost, {time.perf_counter() - started:.1f} s")  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("mode", EXHAUSTIVE_MODES)
def test_every_batch_position_of_an_update(portal_10k, mode):
    sb, hs, ids = portal_10k
    started = time.perf_counter()
    for position in POSITIONS:
        update_and_retry(sb, hs, ids, position, LOST[mode], tag=f"all-{mode}")
    print(f"update {mode}: {len(POSITIONS)} positions, {len(POSITIONS) * N:,} records checked, "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip


@pytest.mark.slow
@pytest.mark.timeout(1200)  # 100 positions of a 10,000-row upsert, each on a fresh portal
@pytest.mark.parametrize("mode", EXHAUSTIVE_MODES)
def test_every_batch_position_of_an_upsert(empty, mode):
    sb, hs = empty
    started = time.perf_counter()
    for position in POSITIONS:
        upsert_and_retry(sb, hs, position, LOST[mode])
    print(f"upsert {mode}: {len(POSITIONS)} positions, {len(POSITIONS) * N:,} records checked, "
          f"{time.perf_counter() - started:.1f} s")  # fmt: skip


# -- a batch that cannot have been applied -------------------------------------------------------


class RefusingTransport(httpx.BaseTransport):
    """The network to the sandbox, refusing the connection for chosen batch requests."""

    def __init__(self, path: str, skip: int, count: int):
        self.inner = httpx.HTTPTransport()
        self.path, self.skip, self.count, self.seen = path, skip, count, 0

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if self.path in request.url.path:
            self.seen += 1
            if self.skip < self.seen <= self.skip + self.count:
                raise httpx.ConnectError("[Errno 111] Connection refused", request=request)
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def test_a_refused_connection_mid_create_means_not_applied_and_nothing_uncertain(empty):
    sb, _ = empty
    sb.reset()
    df = input_rows("companies").iloc[:1_000]
    transport = RefusingTransport("/batch/create", skip=4, count=6)
    with sb.client(transport=transport, rate_limit=(1_000_000, 10)) as hs:
        virtual_time(hs)
        with pytest.raises(hf.PartialWriteError) as info:
            hs.companies.create(df)
        err = info.value
        assert isinstance(err.error, hf.HubSpotConnectionError) and err.status is None
        assert err.applied == "no" and "Batch 5 was not applied" in str(err)
        assert err.written_rows == list(range(400)) and err.uncertain_rows == []
        assert err.remaining.equals(df.iloc[400:])
        assert err.not_written == [range(400, 1_000)]
        hs.companies.create(err.remaining)
    assert sorted(companies_in(sb).values()) == [1] * 1_000


@pytest.mark.parametrize("kind", ["companies", "contacts"])
def test_a_429_past_the_retries_mid_create_means_not_applied(empty, kind):
    sb, hs = empty
    sb.reset()
    df = input_rows(kind).iloc[:500]
    sb.inject(429, path_contains="/batch/create", skip=2, count=hs.max_retries + 1)
    with pytest.raises(hf.PartialWriteError) as info:
        getattr(hs, kind).create(df)
    err = info.value
    assert isinstance(err.error, hf.RateLimitError) and err.status == 429
    assert err.applied == "no" and not err.looked_up
    assert (err.written_rows, err.uncertain_rows) == (list(range(200)), [])
    assert err.remaining_rows == list(range(200, 500))
    assert "lower HubSpot(rate_limit=...)" in err.hint()  # the cause's hint comes along
    getattr(hs, kind).create(err.remaining)
    counts = companies_in(sb) if kind == "companies" else contacts_in(sb)
    assert sum(counts.values()) == 500 and set(counts.values()) == {1}


def test_a_first_batch_that_was_not_applied_raises_its_own_error(empty):
    """Nothing written, nothing maybe written: the same call is the retry."""
    sb, hs = empty
    sb.reset()
    sb.inject(400, path_contains="/batch/create")
    with pytest.raises(hf.BadRequestError) as info:
        hs.companies.create(input_rows("companies").iloc[:300])
    assert not isinstance(info.value, hf.PartialWriteError)
    assert sb.store.count("companies") == 0


def test_a_first_batch_that_may_have_been_applied_is_reported(empty):
    sb, hs = empty
    sb.reset()
    rows = [{"name": f"L{i}"} for i in range(250)]
    sb.inject(502, path_contains="/batch/create", after_apply=True)
    with pytest.raises(hf.PartialWriteError) as info:
        hs.companies.create(rows)
    err = info.value
    assert err.written_rows == [] and len(err.written) == 0
    assert err.uncertain == rows[:100] and err.remaining == rows[100:]  # dicts, as passed
    assert "[r['name'] for r in err.uncertain]" in err.hint()
    assert "0 created. Batch 1 may have been applied" in str(err)


def test_a_contact_batch_whose_lookup_fails_stays_uncertain_and_says_so(empty):
    sb, hs = empty
    sb.reset()
    df = input_rows("contacts").iloc[:300]
    sb.inject(drop=True, after_apply=True, path_contains="/batch/create", skip=1)
    sb.inject(503, path_contains="/batch/read", count=hs.max_retries + 1)
    with pytest.raises(hf.PartialWriteError) as info:
        hs.contacts.create(df)
    err = info.value
    assert err.looked_up and isinstance(err.lookup_error, hf.ServerError)
    assert err.applied == "maybe" and err.uncertain_rows == list(range(100, 200))
    assert err.remaining_rows == list(range(200, 300))
    assert "looking its emails up failed too" in str(err)
    assert "hs.contacts.search('email', list(err.uncertain['email'])" in err.hint()
    # Resolved as the hint says; then nothing is doubled.
    hs.contacts.create(err.remaining)
    found = hs.contacts.search("email", list(err.uncertain["email"]), operator="IN", progress=False)
    assert len(found) == 100  # the lost batch had been applied
    assert sum(contacts_in(sb).values()) == 300 and set(contacts_in(sb).values()) == {1}


def test_rows_refused_before_the_stop_are_in_failures_and_remaining(empty):
    sb, hs = empty
    sb.reset()
    hs.contacts.create({"email": "p5@example.com"})
    df = input_rows("contacts").iloc[:300]
    sb.inject(502, path_contains="/batch/create", skip=2)
    with pytest.raises(hf.PartialWriteError) as info:
        hs.contacts.create(df)
    err = info.value
    # A refused row is named by the frame's index label, and by its position.
    assert [(f["row"], f["position"]) for f in err.failures] == [("r5", 5)]
    assert err.failures[0]["category"] == "CONFLICT"
    assert 5 in err.remaining_rows and 5 not in err.written_rows
    assert len(err.written_rows) == 199 and err.applied == "no"
    assert "1 rows HubSpot refused are in err.failures" in err.hint()


@pytest.mark.parametrize(
    ("error", "maybe"),
    [
        (hf.ServerError("Bad Gateway", status=502), True),
        (hf.ServerError("Service Unavailable", status=503), True),
        (hf.HubSpotConnectionError("no complete response from HubSpot (RemoteProtocolError: x)"), True),
        (hf.HubSpotTimeoutError("no complete response from HubSpot (ReadTimeout: x)"), True),
        (hf.HubSpotConnectionError("HubSpot answered HTTP 201 with a body that is not JSON", status=201), True),
        (hf.HubSpotConnectionError("(ConnectError: refused)", connected=False), False),
        (hf.HubSpotTimeoutError("(ConnectTimeout: x)", connected=False), False),
        (hf.RateLimitError("You have reached your daily limit.", status=429), False),
        (hf.ValidationError("Property values were not valid", status=400), False),
        (hf.APIStatusError("Locked", status=423), False),
    ],
)  # fmt: skip
def test_which_failures_may_have_been_applied(error, maybe):
    assert may_have_applied(error) is maybe


def test_a_refused_connection_is_known_never_to_have_reached_hubspot():
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with hf.HubSpot(token="t" * 20, base_url=f"http://127.0.0.1:{port}", max_retries=0) as hs:
        with pytest.raises(hf.HubSpotConnectionError) as info:
            hs.companies.create([{"name": "A"}, {"name": "B"}])
    assert info.value.connected is False and not may_have_applied(info.value)


def test_rows_are_named_as_ranges():
    assert spans([0, 1, 2, 5, 7, 8]) == [range(0, 3), range(5, 6), range(7, 9)]
    assert rows_text(range(5600, 5700)) == "rows 5600-5699" and rows_text([7]) == "row 7"
    assert rows_text([0, 2, 4, 6, 8, 10]) == "rows 0, 2, 4, 6, ..."
