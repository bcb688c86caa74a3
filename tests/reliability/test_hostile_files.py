"""Files that are not what hubframe wrote: planted links, damaged checkpoints, full disks.

The export keeps its unfinished files beside the target, often in a folder others can
write to; the sync and the portal export write beside their files too; the sandbox
reads a portal from any file it is given. Each test plants one hostile file (or makes
one write fail) and checks two things: the error is a typed hubframe error that says
what happened and what to do, and nothing outside hubframe's own files is touched.
After each failure, the same call (or ``resume=False``) must still give the exact file.
"""

from __future__ import annotations

import errno
import gzip
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import hubframe as hf
from hubframe.errors import ExportError, InputError
from hubframe.export import staging as staging_module
from hubframe.filelock import FileLock
from hubframe.sandbox import Sandbox, persist
from hubframe.sandbox.crm.definitions import PROPERTIES, PropertyDef

CONTACTS = 600
ROWS = 100  # row_group_size: a part every 100 records, so an export has several


class Stop(Exception):
    """Raised from on_page to interrupt an export at a chosen page."""


@pytest.fixture(scope="module")
def sb():
    with Sandbox(contacts=CONTACTS, companies=3, deals=3, seed=16, search_rate=None) as s:
        yield s


@pytest.fixture(scope="module")
def hs(sb):
    with sb.client(rate_limit=(100_000, 10), search_rate=1000) as client:
        yield client


@pytest.fixture(scope="module")
def big_hs():
    """3,000 contacts answering after 20 ms: big enough for range cursors."""
    with (
        Sandbox(contacts=3000, companies=2, deals=2, seed=3, latency=0.02, search_rate=None) as s,
        s.client(rate_limit=(100_000, 10), search_rate=1000) as client,
    ):
        yield client


@pytest.fixture(scope="module")
def expected_ids(hs) -> list[int]:
    return sorted(int(i) for i in hs.contacts.get_all(properties=["email"])["id"])


def export(hs, target: Path, **kw):
    kw = {"progress": False, "row_group_size": ROWS, "parallel": 1, **kw}
    return hs.contacts.export(target, **kw)


def interrupted(hs, target: Path, pages: int = 3, **kw) -> None:
    """An export stopped after ``pages`` pages: a checkpoint and parts beside ``target``."""

    def stop(res):
        if res.pages == pages:
            raise Stop

    with pytest.raises(Stop):
        export(hs, target, on_page=stop, **kw)
    assert (target.parent / f".{target.name}.checkpoint.json").exists()


def ids_of(path: Path) -> list[int]:
    return [int(i) for i in pq.read_table(path, columns=["id"]).column("id").to_pylist()]


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def victim(tmp_path: Path) -> Path:
    """A folder of someone's files that no export may touch."""
    folder = tmp_path / "precious"
    folder.mkdir()
    (folder / "thesis.txt").write_text("years of work")
    (folder / "p000001-list.parquet").write_bytes(b"not a part, though named like one")
    (folder / "lock").write_text("someone else's file")
    return folder


def checkpoint_path(target: Path) -> Path:
    return target.parent / f".{target.name}.checkpoint.json"


def part_dir(target: Path) -> Path:
    return target.parent / f".{target.name}.partial"


# -- planted links and foreign files ---------------------------------------------------------------


def test_a_linked_part_folder_is_refused_and_what_it_points_to_is_untouched(
    hs, tmp_path, expected_ids
):
    precious = victim(tmp_path)
    before = files_of(precious)
    out = tmp_path / "out"
    out.mkdir()
    target = out / "c.parquet"
    part_dir(target).symlink_to(precious, target_is_directory=True)
    for resume in (True, False):
        with pytest.raises(ExportError, match="symbolic link") as info:
            export(hs, target, resume=resume)
        assert str(part_dir(target)) in str(info.value)
        assert files_of(precious) == before  # nothing deleted, nothing created (no lock)
    assert sorted(os.listdir(out)) == [part_dir(target).name]  # the link, left alone
    part_dir(target).unlink()
    assert ids_of(export(hs, target).path) == expected_ids


@pytest.mark.parametrize("name", ["checkpoint", "checkpoint tmp"])
def test_a_linked_checkpoint_is_refused_and_never_written_through(hs, tmp_path, name):
    precious = victim(tmp_path)
    before = files_of(precious)
    target = tmp_path / "c.parquet"
    link = checkpoint_path(target)
    if name == "checkpoint tmp":
        link = link.with_name(link.name + ".tmp")
    link.symlink_to(precious / "thesis.txt")
    with pytest.raises(ExportError, match="symbolic link") as info:
        export(hs, target)
    assert str(link) in str(info.value)
    assert files_of(precious) == before
    assert not target.exists()


def test_a_part_folder_that_is_a_file_is_refused(hs, tmp_path):
    target = tmp_path / "c.parquet"
    part_dir(target).write_text("mine")
    with pytest.raises(ExportError, match="not a folder") as info:
        export(hs, target)
    assert str(part_dir(target)) in str(info.value)
    assert part_dir(target).read_text() == "mine"


@pytest.mark.parametrize("planted", ["merged.tmp", "p000099-list.parquet.tmp", "lock"])
def test_a_link_planted_in_the_part_folder_is_never_written_through(
    hs, tmp_path, planted, expected_ids
):
    """Opening a planted ``merged.tmp`` link for writing would truncate the file it points to."""
    precious = victim(tmp_path)
    before = files_of(precious)
    target = tmp_path / "c.parquet"
    interrupted(hs, target)
    link = part_dir(target) / planted
    link.unlink(missing_ok=True)
    link.symlink_to(precious / "thesis.txt")
    for resume in (True, False):
        with pytest.raises(ExportError, match="symbolic link|did not write") as info:
            export(hs, target, resume=resume)
        assert planted in str(info.value)
        assert files_of(precious) == before
    link.unlink()
    assert ids_of(export(hs, target).path) == expected_ids


def test_a_foreign_file_in_the_part_folder_is_refused_not_deleted(hs, tmp_path):
    target = tmp_path / "c.parquet"
    interrupted(hs, target)
    notes = part_dir(target) / "notes.txt"
    notes.write_text("do not delete")
    with pytest.raises(ExportError, match="did not write") as info:
        export(hs, target, resume=False)
    assert "notes.txt" in str(info.value)
    assert notes.read_text() == "do not delete"


def test_a_checkpoint_naming_a_path_instead_of_a_part_is_damaged(hs, tmp_path):
    """A part name is only ever a file name: ``../`` would read (and keep) files elsewhere."""
    target = tmp_path / "c.parquet"
    interrupted(hs, target)
    saved = json.loads(checkpoint_path(target).read_text())
    saved["plan"]["streams"][0]["parts"][0] = "../../precious/p000001-list.parquet"
    checkpoint_path(target).write_text(json.dumps(saved))
    with pytest.raises(ExportError, match="damaged.*part names") as info:
        export(hs, target)
    assert info.value.hint == ExportError.START_OVER


# -- what a finished export leaves ----------------------------------------------------------------


def test_a_resumed_export_leaves_only_the_target(hs, tmp_path, monkeypatch, expected_ids):
    """Killed as it finished, an export leaves every stream done and, from a kill while a
    checkpoint was saved, the checkpoint's temp file; the resume saves no checkpoint of
    its own (nothing is left to read), and must still remove it."""
    target = tmp_path / "c.parquet"

    def killed(self):
        raise Stop

    monkeypatch.setattr(staging_module.Staging, "publish", killed)
    with pytest.raises(Stop):
        export(hs, target)
    monkeypatch.undo()
    assert all(
        s["done"] for s in json.loads(checkpoint_path(target).read_text())["plan"]["streams"]
    )
    tmp = checkpoint_path(target).with_name(checkpoint_path(target).name + ".tmp")
    tmp.write_text('{"format": "hubframe-export-checkpoint", "rows": 3')  # cut short by the kill
    res = export(hs, target)
    assert res.resumed and res.rows == CONTACTS
    assert os.listdir(tmp_path) == ["c.parquet"]
    assert ids_of(target) == expected_ids


@pytest.mark.parametrize("damage", ["missing", "truncated"])
def test_resume_with_an_unreadable_part_raises_the_export_error(big_hs, tmp_path, damage):
    """The fetch threads are not started when the first parts are re-read: no failed join."""
    target = tmp_path / "c.parquet"
    interrupted(big_hs, target, pages=12, parallel=5)
    saved = json.loads(checkpoint_path(target).read_text())
    assert saved["plan"]["mode"] == "ranges"
    names = [p for s in saved["plan"]["streams"] for p in s["parts"]]
    for name in (names[0], names[-1]):  # read before the threads start, and after
        part = part_dir(target) / name
        kept = part.read_bytes()
        if damage == "missing":
            part.unlink()
        else:
            part.write_bytes(kept[: len(kept) // 2])
        with pytest.raises(ExportError, match=f"part {name} .*cannot be read") as info:
            export(big_hs, target, parallel=5)
        assert type(info.value) is ExportError
        assert info.value.hint == ExportError.START_OVER
        assert "resume=False" in str(info.value)
        part.write_bytes(kept)
    assert export(big_hs, target, parallel=5).rows == 3000
    assert ids_of(target) == sorted(set(ids_of(target)))


def test_the_part_folder_is_gone_before_the_lock_is_released(
    hs, tmp_path, monkeypatch, expected_ids
):
    """An export starting the moment the last one lets go finds no half-removed folder.

    The gap is widened: the second export runs inside the first one's release of the
    lock, before the lock is let go, and must either finish or be refused as busy."""
    target = tmp_path / "c.parquet"
    real_release = FileLock.release
    seen: list[tuple[bool, list[str]]] = []
    second: list[object] = []

    def release(self):
        if self.path == part_dir(target) / "lock" and not second:
            folder = part_dir(target)
            listed = sorted(os.listdir(folder)) if folder.exists() else []
            seen.append((checkpoint_path(target).exists(), listed))
            second.append(None)  # the second export's own release runs this too
            try:
                second[0] = export(hs, target, resume=False)
            except ExportError as exc:
                second[0] = exc
        real_release(self)

    monkeypatch.setattr(FileLock, "release", release)
    export(hs, target)
    assert seen == [(False, [])]  # checkpoint, parts, merge file, lock file: all removed
    assert len(second) == 1
    # The first export's lock file is gone with its folder: the second one makes its own.
    assert not isinstance(second[0], ExportError), second[0]
    assert second[0].rows == CONTACTS
    assert ids_of(target) == expected_ids
    assert os.listdir(tmp_path) == ["c.parquet"]


# -- disk errors ---------------------------------------------------------------------------------


def failing_fsync(monkeypatch, number: int, suffix: str, after: int = 0) -> list[str]:
    """Make ``os.fsync`` of files whose name ends with ``suffix`` fail with ``number``
    (after ``after`` such calls succeed): a full disk reports at fsync, where the
    delayed writes land. Returns the paths it failed."""
    real = os.fsync
    calls: list[str] = []
    failed: list[str] = []

    def fsync(fd: int) -> None:
        try:
            name = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            name = ""
        if name.endswith(suffix):
            calls.append(name)
            if len(calls) > after:
                failed.append(name)
                raise OSError(number, os.strerror(number))
        real(fd)

    monkeypatch.setattr(os, "fsync", fsync)
    return failed


@pytest.mark.parametrize(
    ("number", "said"),
    [
        (errno.ENOSPC, "the disk is full"),
        (errno.EROFS, "read-only"),
        (errno.EDQUOT, "quota"),
    ],
)
def test_a_disk_error_is_an_export_error_and_the_same_call_resumes(
    hs, tmp_path, monkeypatch, expected_ids, number, said
):
    target = tmp_path / "c.parquet"
    failed = failing_fsync(monkeypatch, number, ".parquet.tmp", after=2)
    with pytest.raises(ExportError) as info:
        export(hs, target)
    message = str(info.value)
    assert said in message and failed[0] in message
    assert "run the same call again" in message and "resumes" in message
    monkeypatch.undo()
    res = export(hs, target)
    assert res.resumed
    assert ids_of(target) == expected_ids
    assert os.listdir(tmp_path) == ["c.parquet"]


_EFBIG_CHILD = textwrap.dedent(
    """
    import os, resource, signal, sys
    from hubframe import HubSpot, ExportError
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
    limit = int(sys.argv[2])
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    hs = HubSpot(os.environ["T_TOKEN"], base_url=os.environ["T_URL"], rate_limit=(100_000, 10))
    try:
        hs.contacts.export(sys.argv[1], properties="all", progress=False, row_group_size=100,
                           parallel=1)
    except ExportError as exc:
        print("ExportError:", exc)
        sys.exit(3)
    """
)


def test_a_file_size_limit_is_an_export_error_and_the_same_call_resumes(sb, hs, tmp_path):
    """The real thing: the child's file-size limit (RLIMIT_FSIZE) makes writes fail with EFBIG."""
    reference = tmp_path / "reference.parquet"
    export(hs, reference, properties="all")
    size = reference.stat().st_size
    target = tmp_path / "c.parquet"
    env = {**os.environ, "T_TOKEN": sb.token, "T_URL": sb.url}
    child = subprocess.run(
        [sys.executable, "-c", _EFBIG_CHILD, str(target), str(size // 2)],
        env=env, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert child.returncode == 3, child.stderr[-2000:]
    assert "file is too large" in child.stdout and "File too large" in child.stdout
    assert "run the same call again" in child.stdout
    assert not target.exists()
    res = export(hs, target, properties="all")
    assert res.resumed
    assert pq.read_table(target).equals(pq.read_table(reference))


def test_a_full_disk_during_a_sync_is_an_export_error_and_the_same_call_syncs(
    sb, hs, tmp_path, monkeypatch
):
    target = tmp_path / "c.parquet"
    hs.contacts.sync(target, properties=["email", "firstname"], progress=False)
    before = target.read_bytes()
    rid = str(ids_of(target)[5])
    hs.contacts.update(rid, {"firstname": "Renamed-after-full-disk"})
    failed = failing_fsync(monkeypatch, errno.ENOSPC, ".tmp")
    with pytest.raises(
        ExportError, match="the sync of c.parquet stopped: the disk is full"
    ) as info:
        hs.contacts.sync(target, properties=["email", "firstname"], progress=False, lookback=600)
    assert failed and failed[0] in str(info.value)
    assert "run the same call again" in str(info.value)
    assert target.read_bytes() == before
    monkeypatch.undo()
    res = hs.contacts.sync(target, properties=["email", "firstname"], progress=False, lookback=600)
    assert not res.full
    frame = hf.read_parquet(target)
    assert frame.set_index("id").loc[rid, "firstname"] == "Renamed-after-full-disk"


def test_a_full_disk_during_a_portal_export_is_an_export_error_and_the_same_call_resumes(
    hs, tmp_path, monkeypatch
):
    folder = tmp_path / "portal"
    failed = failing_fsync(monkeypatch, errno.ENOSPC, "owners.parquet.tmp")
    kw = {"objects": ["companies", "deals"], "progress": False}
    with pytest.raises(ExportError, match="the disk is full") as info:
        hs.export_portal(folder, **kw)
    assert failed[0] in str(info.value) and "resumes" in str(info.value)
    assert not (folder / "manifest.json").exists()
    monkeypatch.undo()
    res = hs.export_portal(folder, **kw)
    assert (folder / "manifest.json").exists()
    assert res.rows > 0
    assert set(hf.read_portal(folder)) >= {"companies", "deals", "owners"}


# -- damaged checkpoints --------------------------------------------------------------------------


def _drop(key):
    def edit(saved):
        del saved[key]

    return edit


def _set(*path_and_value):
    *path, value = path_and_value

    def edit(saved):
        node = saved
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return edit


DAMAGE = {
    "no plan": _drop("plan"),
    "no rows": _drop("rows"),
    "plan is a list": _set("plan", []),
    "rows is text": _set("rows", "many"),
    "rows is negative": _set("rows", -1),
    "params is a list": _set("params", ["contacts"]),
    "labels is an object": _set("labels", {"x": 1}),
    "no streams": _set("plan", {"mode": "list"}),
    "unknown mode": _set("plan", "mode", "sideways"),
    "stream is a number": _set("plan", "streams", [7]),
    "stream without parts": lambda s: s["plan"]["streams"][0].pop("parts"),
    "parts is text": _set("plan", "streams", 0, "parts", "p000001-list.parquet"),
    "rows of a stream is text": _set("plan", "streams", 0, "rows", "3"),
    "done is text": _set("plan", "streams", 0, "done", "no"),
    "last id is not an id": _set("plan", "streams", 0, "last_id", "abc"),
    "cursor is a number": _set("plan", "streams", 0, "after", 12),
    "span is text": _set("plan", "span", "wide"),
    "a stream twice": lambda s: s["plan"]["streams"].append(dict(s["plan"]["streams"][0])),
}


@pytest.fixture
def checkpointed(hs, tmp_path):
    target = tmp_path / "c.parquet"
    interrupted(hs, target)
    return target, json.loads(checkpoint_path(target).read_text())


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_checkpoint_is_an_export_error_saying_to_start_over(hs, checkpointed, damage):
    target, saved = checkpointed
    DAMAGE[damage](saved)
    checkpoint_path(target).write_text(json.dumps(saved))
    with pytest.raises(ExportError) as info:
        export(hs, target)
    assert type(info.value) is ExportError
    assert "damaged" in str(info.value) or "not a checkpoint" in str(info.value)
    assert info.value.hint == ExportError.START_OVER
    assert str(info.value).endswith(ExportError.START_OVER)


@pytest.mark.parametrize(
    "text",
    [
        b'{"format": "hubframe-export-checkpoint", "vers',
        b"\xff\xfe\x00garbage",
        b"[" * 100_000,
        b"null",
    ],
    ids=["cut short", "not UTF-8", "nested 100,000 deep", "null"],
)
def test_an_unreadable_checkpoint_is_an_export_error(hs, checkpointed, text, expected_ids):
    target, _ = checkpointed
    checkpoint_path(target).write_bytes(text)
    with pytest.raises(ExportError, match="resume=False") as info:
        export(hs, target)
    assert info.value.hint == ExportError.START_OVER
    assert ids_of(export(hs, target, resume=False).path) == expected_ids


def test_a_new_property_since_the_start_is_named_in_the_resume_error(sb, tmp_path, monkeypatch):
    """``properties="all"``: the portal's list grew; the error names the new property whole."""
    target = tmp_path / "c.parquet"
    with sb.client(rate_limit=(100_000, 10)) as first:
        interrupted(first, target, properties="all")
    name = "loyalty_programme_membership_tier_since_the_spring_relaunch"
    extra = PropertyDef(
        name=name, label="Tier", type="string", field_type="text", group="contactinformation",
        description="Added by an admin while the export ran.", hubspot_defined=False,
    )  # fmt: skip
    monkeypatch.setitem(PROPERTIES["contacts"], name, extra)
    with sb.client(rate_limit=(100_000, 10)) as second:
        with pytest.raises(ExportError) as info:
            export(second, target, properties="all")
        message = str(info.value)
        assert (
            f"the portal has a new contacts property '{name}' since this export started" in message
        )
        assert "different parameters" not in message
        assert "resume=False" in message and "name the properties" in message
        monkeypatch.delitem(PROPERTIES["contacts"], name)
    with sb.client(rate_limit=(100_000, 10)) as third:
        assert export(third, target, properties="all").resumed


# -- the sandbox's portal files -------------------------------------------------------------------


def _valid_state(tmp_path: Path) -> dict:
    path = tmp_path / "valid.json"
    with Sandbox(contacts=3, companies=1, deals=1, seed=2, path=path):
        pass
    return json.loads(path.read_text())


def _deep(n: int) -> bytes:
    return b'{"objects": ' + b"[" * n + b"]" * n + b"}"


PORTAL_FILES = {
    "not UTF-8": lambda state: b"\xff\xfe{\x00",
    "not JSON": lambda state: b"{objects: 1",
    "a list": lambda state: b"[1, 2]",
    "objects is a number": lambda state: json.dumps({**state, "objects": 1}).encode(),
    "no version": lambda state: json.dumps(
        {k: v for k, v in state.items() if k != "version"}
    ).encode(),
    "records is text": lambda state: json.dumps(
        {**state, "objects": {"contacts": {"records": "x", "next_id": 1}}}
    ).encode(),
    "a record too short": lambda state: json.dumps(
        {**state, "objects": {"contacts": {"records": [[1]], "next_id": 1}}}
    ).encode(),
    "no associations": lambda state: json.dumps(
        {k: v for k, v in state.items() if k != "associations"}
    ).encode(),
    "nested 100,000 deep": lambda state: _deep(100_000),
    "a gzip cut short": lambda state: gzip.compress(json.dumps(state).encode())[:200],
    "gzip magic, then garbage": lambda state: b"\x1f\x8b" + b"\x00" * 64,
}


@pytest.mark.parametrize("kind", list(PORTAL_FILES))
def test_a_malformed_portal_file_is_one_input_error_naming_it(tmp_path, kind):
    path = tmp_path / "portal.json"
    path.write_bytes(PORTAL_FILES[kind](_valid_state(tmp_path)))
    with pytest.raises(InputError) as info:
        Sandbox(path=path)
    assert str(path) in str(info.value)
    assert "not a sandbox portal file" in str(info.value)


def test_a_portal_file_that_is_a_folder_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="cannot be read"):
        persist.load(tmp_path)


def test_a_gzip_bomb_is_refused_past_the_cap(tmp_path, monkeypatch):
    """Inflated at most to the cap (here lowered to 1 MiB): a 64 MiB bomb is refused, not read."""
    path = tmp_path / "portal.json.gz"
    with gzip.open(path, "wb") as fh:
        fh.write(b'{"objects": "')
        for _ in range(64):
            fh.write(b" " * 2**20)
    assert path.stat().st_size < 2**20 // 4
    monkeypatch.setattr(persist, "MAX_STATE_BYTES", 2**20)
    with pytest.raises(InputError, match=r"more than 1 MiB of JSON \(inflated\)") as info:
        Sandbox(path=path)
    assert str(path) in str(info.value)


def test_the_cap_is_above_any_portal_the_sandbox_writes():
    """A seeded portal is about 1.2 KiB of JSON per contact: 100,000 contacts fit the cap."""
    store = Sandbox(contacts=500, seed=3).store
    per_contact = len(json.dumps(store.to_state(), separators=(",", ":"))) / 500
    assert per_contact * 100_000 < persist.MAX_STATE_BYTES / 2


def test_create_file_never_writes_through_a_link(tmp_path):
    """The one opener of every staging write: a link at the path is replaced, not followed."""
    precious = victim(tmp_path)
    link = tmp_path / "merged.tmp"
    link.symlink_to(precious / "thesis.txt")
    with staging_module.create_file(link) as fh:
        fh.write(b"export bytes")
    assert not link.is_symlink() and link.read_bytes() == b"export bytes"
    assert (precious / "thesis.txt").read_text() == "years of work"
