"""A checkpoint resumes only on the portal it was read from, and only while it is recent.

An export interrupted on portal A and run again with the same path against
portal B must not combine A's parts with B's records; a checkpoint from days ago
must not quietly keep records deleted or changed since. Both are refused with an
``ExportError`` that says why and how to go on, and nothing is published or
deleted; the right portal (or an explicit ``max_checkpoint_age``) still resumes
to exactly the uninterrupted result.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import pytest

import hubframe as hf
from hubframe.export import iter_export
from hubframe.sandbox import Sandbox

CONTACTS = 600
#: Scopes enough to export contacts, without ``oauth``: the account details are a 403.
NO_ACCOUNT = ["crm.objects.contacts.read", "crm.schemas.contacts.read"]


class Stop(Exception):
    pass


def stop_at(page: int):
    def hook(res: hf.ExportResult) -> None:
        if res.pages >= page:
            raise Stop

    return hook


def portal(seed: int, **kw) -> Sandbox:
    """A small portal; its id follows from ``seed``."""
    return Sandbox(contacts=CONTACTS, companies=5, deals=5, seed=seed, search_rate=None, **kw)


@pytest.fixture(scope="module")
def portal_a():
    with portal(21) as sb:
        yield sb


@pytest.fixture(scope="module")
def portal_b():
    with portal(22) as sb:
        yield sb


@pytest.fixture(scope="module")
def a_all(portal_a):
    with portal_a.client() as hs:
        return hs.contacts.get_all(properties="all", progress=False)


def client(sb: Sandbox, **kw) -> hf.HubSpot:
    return sb.client(rate_limit=(100_000, 10), search_rate=1000, **kw)


def interrupted(sb: Sandbox, target: Path, **kw) -> None:
    """An export of ``sb`` stopped after 3 pages of 100 (3 parts checkpointed)."""
    with client(sb, **kw) as hs, pytest.raises(Stop):
        hs.contacts.export(target, properties="all", parallel=1, progress=False,
                           row_group_size=100, on_page=stop_at(3))  # fmt: skip


def resume(sb: Sandbox, target: Path, **kw) -> hf.ExportResult:
    with client(sb) as hs:
        return hs.contacts.export(
            target, properties="all", parallel=1, progress=False, row_group_size=100, **kw
        )


def ck_path(target: Path) -> Path:
    return target.parent / f".{target.name}.checkpoint.json"


def hidden_files(target: Path) -> dict[str, str]:
    """Every file an unfinished export keeps (name -> hash of its bytes), but the lock."""
    files = {ck_path(target).name: ck_path(target)}
    part_dir = target.parent / f".{target.name}.partial"
    files.update({p.name: p for p in part_dir.iterdir() if p.name != "lock"})
    return {name: hashlib.sha256(p.read_bytes()).hexdigest() for name, p in files.items()}


def edit_checkpoint(target: Path, **changes) -> dict:
    data = json.loads(ck_path(target).read_text())
    for key, value in changes.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    ck_path(target).write_text(json.dumps(data))
    return data


def ago(**delta) -> str:
    return (datetime.now(timezone.utc) - timedelta(**delta)).isoformat(timespec="seconds")


def assert_exact(target: Path, expected: pd.DataFrame) -> None:
    got = hf.read_parquet(target)
    assert got["id"].tolist() == expected["id"].tolist()
    pd.testing.assert_frame_equal(got, expected.reset_index(drop=True))


def assert_resumes(sb: Sandbox, target: Path, expected: pd.DataFrame, **kw) -> None:
    """The export of ``sb`` continues the checkpoint and ends equal to ``expected``."""
    res = resume(sb, target, **kw)
    assert res.resumed and res.rows == len(expected)
    assert_exact(target, expected)


def assert_no_secret(target: Path, *tokens: str) -> None:
    text = ck_path(target).read_text()
    for token in tokens:
        assert token not in text
    assert "Bearer" not in text


# -- the portal --------------------------------------------------------------------------------


def test_the_checkpoint_records_the_portal_and_the_start(portal_a, tmp_path):
    target = tmp_path / "c.parquet"
    before = datetime.now(timezone.utc).replace(microsecond=0)
    interrupted(portal_a, target)
    data = json.loads(ck_path(target).read_text())
    assert data["portal"] == f"portal:{portal_a.portal_id}"
    assert re.fullmatch(r"hash:[0-9a-f]{16}", data["connection"])
    started = datetime.fromisoformat(data["started_at"])
    assert started.tzinfo is not None and before <= started <= datetime.now(timezone.utc)
    assert_no_secret(target, portal_a.token)


def test_resuming_on_another_portal_is_refused_and_changes_nothing(
    portal_a, portal_b, a_all, tmp_path
):
    target = tmp_path / "c.parquet"
    interrupted(portal_a, target)
    kept = hidden_files(target)
    assert sum(name.endswith("-list.parquet") for name in kept) == 3
    with pytest.raises(hf.ExportError) as err:
        resume(portal_b, target)
    message = str(err.value)
    assert "belongs to another portal" in message
    assert f"portal {portal_a.portal_id}" in message and f"portal {portal_b.portal_id}" in message
    assert "resume=False" in message
    assert portal_a.token not in message and portal_b.token not in message
    assert not target.exists()
    assert hidden_files(target) == kept  # portal A's parts and checkpoint untouched
    assert_resumes(portal_a, target, a_all)


def test_another_portal_can_start_over(portal_a, portal_b, tmp_path):
    target = tmp_path / "c.parquet"
    interrupted(portal_a, target)
    res = resume(portal_b, target, resume=False)
    assert not res.resumed and res.rows == CONTACTS
    with client(portal_b) as hs:
        expected = hs.contacts.get_all(properties="all", progress=False)
    assert_exact(target, expected)


def test_the_same_portal_through_another_token_and_host_resumes(portal_a, a_all, tmp_path):
    """Portal ids decide when both are known: a new token (or URL) of the same portal is fine."""
    target = tmp_path / "c.parquet"
    interrupted(portal_a, target)
    with portal(21) as twin:
        assert twin.portal_id == portal_a.portal_id and twin.token != portal_a.token
        assert_resumes(twin, target, a_all)


def test_account_details_failing_on_resume_falls_back_to_the_same_connection(
    portal_a, a_all, tmp_path
):
    target = tmp_path / "c.parquet"
    interrupted(portal_a, target)
    portal_a.inject(503, path_contains="/account-info", count=None)
    try:
        with client(portal_a, max_retries=0) as hs:
            assert hs.portal_fingerprint().startswith("hash:")
            res = hs.contacts.export(
                target, properties="all", parallel=1, progress=False, row_group_size=100
            )
    finally:
        portal_a.clear_injections()
    assert res.resumed
    assert_exact(target, a_all)


def test_a_token_without_the_account_scope_is_told_apart_by_a_hash(portal_b, tmp_path):
    target = tmp_path / "c.parquet"
    with portal(23, scopes=NO_ACCOUNT) as c:
        with client(c) as hs:
            expected = hs.contacts.get_all(properties="all", progress=False)
        interrupted(c, target)
        data = json.loads(ck_path(target).read_text())
        assert re.fullmatch(r"hash:[0-9a-f]{16}", data["portal"])
        assert data["portal"] == data["connection"]
        assert_no_secret(target, c.token)
        kept = hidden_files(target)
        # another portal: one with the account scope, one without
        with portal(24, scopes=NO_ACCOUNT) as d:
            for other in (portal_b, d):
                with pytest.raises(hf.ExportError, match="may belong to another portal") as err:
                    resume(other, target)
                message = str(err.value)
                assert data["portal"] in message and "resume=False" in message
                assert other.token not in message and c.token not in message
                if other is portal_b:  # its id is known, and named
                    assert f"portal {portal_b.portal_id}" in message
        assert hidden_files(target) == kept and not target.exists()
        # the same portal and token: resumes exactly
        assert_resumes(c, target, expected)


# -- the age -----------------------------------------------------------------------------------


def test_a_checkpoint_older_than_the_limit_is_refused(portal_a, a_all, tmp_path):
    target = tmp_path / "c.parquet"
    interrupted(portal_a, target)
    started = ago(hours=25)
    edit_checkpoint(target, started_at=started)  # as if the export had stopped yesterday
    kept = hidden_files(target)
    with pytest.raises(hf.ExportError) as err:
        resume(portal_a, target)
    message = str(err.value)
    assert "started 25.0 hours ago" in message and started in message
    assert "24.0 hours" in message and "changed or been deleted" in message
    assert "resume=False" in message and "max_checkpoint_age=None" in message
    with pytest.raises(hf.ExportError, match="started 25.0 hours ago"):
        resume(portal_a, target, max_checkpoint_age=3600 * 2)
    assert hidden_files(target) == kept and not target.exists()
    # a longer limit resumes, and the resumed run keeps the original start time
    with client(portal_a) as hs, pytest.raises(Stop):
        hs.contacts.export(target, properties="all", parallel=1, progress=False,
                           row_group_size=100, on_page=stop_at(1),
                           max_checkpoint_age=timedelta(days=2))  # fmt: skip
    assert json.loads(ck_path(target).read_text())["started_at"] == started
    assert_resumes(portal_a, target, a_all, max_checkpoint_age=None)


def test_days_old_checkpoint_says_days(portal_a, tmp_path):
    target = tmp_path / "c.parquet"
    interrupted(portal_a, target)
    edit_checkpoint(target, started_at=ago(days=7))
    with pytest.raises(hf.ExportError, match=r"started 7\.0 days ago"):
        resume(portal_a, target)
    res = resume(portal_a, target, resume=False)
    assert not res.resumed and res.rows == CONTACTS


def test_a_checkpoint_within_the_limit_resumes(portal_a, a_all, tmp_path):
    target = tmp_path / "c.parquet"
    interrupted(portal_a, target)
    edit_checkpoint(target, started_at=ago(minutes=50))
    with pytest.raises(hf.ExportError, match="started 50 minutes ago"):
        resume(portal_a, target, max_checkpoint_age=timedelta(minutes=30))
    assert_resumes(portal_a, target, a_all, max_checkpoint_age=3600)


@pytest.mark.parametrize(
    "bad", [0, -5, float("nan"), float("inf"), True, "24h", timedelta(0), timedelta(hours=-1)]
)
def test_a_bad_limit_is_an_input_error_before_any_request(portal_a, tmp_path, bad):
    with client(portal_a) as hs:
        before = len(portal_a.requests)
        with pytest.raises(hf.InputError, match=re.escape(f"max_checkpoint_age={bad!r}")):
            hs.contacts.export(tmp_path / "c.parquet", max_checkpoint_age=bad, progress=False)
        with pytest.raises(hf.InputError, match="max_checkpoint_age"):
            next(iter_export(hs.contacts, tmp_path / "c.parquet", max_checkpoint_age=bad))
        assert len(portal_a.requests) == before
    assert list(tmp_path.iterdir()) == []


def test_the_method_takes_the_limit():
    params = inspect.signature(hf.HubSpot(token="t").contacts.export).parameters
    assert params["max_checkpoint_age"].default == timedelta(hours=24)


# -- checkpoints of an earlier hubframe ----------------------------------------------------------


@pytest.mark.parametrize("missing", [("portal", "started_at", "connection"), ("started_at",)])
def test_a_checkpoint_without_portal_or_start_is_refused(portal_a, a_all, tmp_path, missing):
    """Written before checkpoints said where and when: it cannot be checked, so it is refused."""
    target = tmp_path / "c.parquet"
    interrupted(portal_a, target)
    edit_checkpoint(target, **dict.fromkeys(missing))
    kept = hidden_files(target)
    with pytest.raises(hf.ExportError, match="earlier hubframe.*cannot be checked.*resume=False"):
        resume(portal_a, target, max_checkpoint_age=None)
    assert hidden_files(target) == kept and not target.exists()
    res = resume(portal_a, target, resume=False)
    assert not res.resumed
    assert_exact(target, a_all)


def test_an_unreadable_start_time_is_refused(portal_a, tmp_path):
    target = tmp_path / "c.parquet"
    interrupted(portal_a, target)
    edit_checkpoint(target, started_at="yesterday")
    with pytest.raises(hf.ExportError, match="unreadable start time.*resume=False"):
        resume(portal_a, target)
