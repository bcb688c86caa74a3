"""Paths are built in one place and encode what they carry; the one scrubber hides tokens."""

from __future__ import annotations

import numpy as np
import pytest

import hubframe as hf
from hubframe.paths import DatedPaths, Paths, paths_for, query_string
from hubframe.tokens import REDACTED, Secret, scrub
from hubframe.validate import check_emails, check_ids


def test_paths_encode_ids_and_emails():
    paths = Paths()
    assert (
        paths.object("contacts", "a+b@example.com")
        == "/crm/v3/objects/contacts/a%2Bb%40example.com"
    )
    assert paths.workflow_enrollment("7", "x/y@z.co") == (
        "/automation/v2/workflows/7/enrollments/contacts/x%2Fy%40z.co"
    )
    assert paths.list_memberships("12", "add") == "/crm/v3/lists/12/memberships/add"
    assert paths.batch("deals", "read") == "/crm/v3/objects/deals/batch/read"
    assert paths.schemas() == "/crm/v3/schemas"
    assert paths.objects("tickets") == "/crm/v3/objects/tickets"
    assert paths.objects("2-4100001") == "/crm/v3/objects/2-4100001"
    dated = DatedPaths("2026-09")
    assert dated.schemas() == "/crm-object-schemas/2026-09/schemas"
    assert dated.objects("line_items") == "/crm/objects/2026-09/line_items"
    assert dated.search("2-4100001") == "/crm/objects/2026-09/2-4100001/search"
    assert dated.object("contacts", "a+b@example.com") == (
        "/crm/objects/2026-09/contacts/a%2Bb%40example.com"
    )
    assert dated.list_memberships("1/2") == "/crm/lists/2026-09/1%2F2/memberships"


#: (method, args) of every path a Paths builds; the shape methods are tested below.
PATH_METHODS = [
    ("objects", ("deals",)),
    ("object", ("deals", "1")),
    ("batch", ("deals", "archive")),
    ("search", ("deals",)),
    ("properties", ("deals",)),
    ("schemas", ()),
    ("associations", ("companies", "1", "contacts")),
    ("association_batch", ("contacts", "companies", "create")),
    ("association_read", ("contacts", "companies")),
    ("list_memberships", ("1", "add")),
    ("list_search", ()),
    ("workflows", ()),
    ("workflow", ("1",)),
    ("workflow_enrollment", ("1", "a@b.co")),
    ("account_details", ()),
    ("form_submit", ("1", "2")),
    ("owners", ()),
    ("pipelines", ("deals",)),
]


def test_every_path_method_is_listed_and_starts_below_the_host():
    shapes = {
        "association_input", "association_ids", "association_batch_errors", "object_segment",
        "association_read_input", "association_edges",
    }  # fmt: skip
    public = {n for n in dir(Paths) if not n.startswith("_") and callable(getattr(Paths, n))}
    assert public - shapes == {name for name, _ in PATH_METHODS}
    for version in hf.API_VERSIONS:
        paths = paths_for(version)
        for name, args in PATH_METHODS:
            assert getattr(paths, name)(*args).startswith("/"), (version, name)


def test_dated_versions_differ_only_in_the_date_and_keep_the_legacy_only_endpoints():
    march, september, legacy = paths_for("2026-03"), paths_for("2026-09"), paths_for("legacy")
    for name, args in PATH_METHODS:
        a, b, old = (getattr(p, name)(*args) for p in (march, september, legacy))
        assert a.replace("2026-03", "2026-09") == b, name
        if name in (
            "workflows",
            "workflow",
            "workflow_enrollment",
            "account_details",
            "form_submit",
            "owners",
        ):
            assert a == b == old, name  # no dated equivalent: legacy in every version
        else:
            # The association batch read is v4 in the legacy version (v3's has no labels).
            numbered = "/v4/" if name == "association_read" else "/v3/"
            assert "2026-09" in b and "2026-09" not in old and numbered in old, name


def test_api_version_is_checked_and_named():
    assert paths_for().api_version == hf.DEFAULT_API_VERSION == "2026-09"
    assert repr(paths_for("2026-03")) == "DatedPaths('2026-03')"
    assert repr(paths_for("legacy")) == "Paths('legacy')"
    for bad in ["2025-09", "v3", "2026-09-beta", "LEGACY", "", " 2026-09"]:
        with pytest.raises(hf.ConfigurationError, match="'2026-09', '2026-03', 'legacy'") as info:
            paths_for(bad)
        assert repr(bad) in str(info.value)
    for bad in [None, 202609, 2026.09, b"2026-09", ["2026-09"]]:
        with pytest.raises(hf.ConfigurationError, match=type(bad).__name__):
            paths_for(bad)
    with pytest.raises(hf.ConfigurationError, match="Paths\\(\\)"):
        DatedPaths("legacy")


def test_association_inputs_per_version():
    legacy, dated = Paths(), DatedPaths("2026-09")
    for action in ("create", "archive"):
        assert legacy.association_input("contacts", "companies", action, "5", "9") == {
            "from": {"id": "5"},
            "to": {"id": "9"},
            "type": "contact_to_company",
        }
    assert dated.association_input("contacts", "companies", "create", "5", "9") == {
        "from": {"id": "5"},
        "to": {"id": "9"},
        "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}],
    }
    assert dated.association_input("contacts", "companies", "archive", "5", "9") == {
        "from": {"id": "5"},
        "to": [{"id": "9"}],
    }
    for paths in (legacy, dated):
        with pytest.raises(hf.InputError, match="'create' or 'archive'"):
            paths.association_input("contacts", "companies", "delete", "5", "9")
        with pytest.raises(hf.InputError, match="'deals' to 'companies'"):
            paths.association_input("deals", "companies", "create", "5", "9")


def test_association_list_items_per_version():
    legacy, dated = Paths(), DatedPaths("2026-03")
    v3 = [
        {"id": "7", "type": "company_to_contact"},
        {"id": "7", "type": "company_to_contact_unlabeled"},
    ]
    assert legacy.association_ids(v3) == ["7", "7"]
    v4 = [{"toObjectId": 7, "associationTypes": [{"category": "HUBSPOT_DEFINED", "typeId": 280}]}]
    assert dated.association_ids(v4) == ["7"]
    # An item of the other version's shape is an error, never a silently empty list.
    with pytest.raises(hf.UnexpectedResponseError, match="'toObjectId'"):
        dated.association_ids(v3, path="/crm/objects/2026-03/companies/1/associations/contacts")
    with pytest.raises(hf.UnexpectedResponseError, match="'id'"):
        legacy.association_ids(v4)


def test_association_batch_answers_per_version():
    legacy, dated = Paths(), DatedPaths("2026-09")
    error = {"status": "error", "category": "OBJECT_NOT_FOUND", "message": "no such company"}
    assert legacy.association_batch_errors("archive", 204, None) == []
    assert legacy.association_batch_errors("create", 207, {"results": [], "errors": [error]}) == [
        error
    ]
    done = {"status": "COMPLETE", "results": [], "startedAt": "t", "completedAt": "t"}
    assert dated.association_batch_errors("archive", 200, done) == []
    assert dated.association_batch_errors("archive", 204, None) == []
    assert dated.association_batch_errors("archive", 200, {**done, "errors": [error]}) == [error]
    with pytest.raises(hf.UnexpectedResponseError, match="2 inputs failed"):
        dated.association_batch_errors("archive", 200, {**done, "numErrors": 2})
    for paths in (legacy, dated):
        with pytest.raises(hf.UnexpectedResponseError, match="not a JSON object"):
            paths.association_batch_errors("create", 200, "<html>")


def test_scrub_hides_the_token_and_anything_token_like():
    text = "Bearer pat-na1-abc token=secret-42 hapikey=xyz pat-eu1-0000-1111"
    out = scrub(text, ("secret-42",))
    assert "secret-42" not in out and "abc" not in out and "xyz" not in out and "1111" not in out
    assert out.count(REDACTED) == 4


def test_secret_never_shows_and_is_not_pickled():
    import pickle

    secret = Secret("pat-na1-very-secret")
    assert "very" not in repr(secret) and "very" not in str(secret)
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    hs = hf.HubSpot(token="pat-na1-very-secret-token")
    assert hs.scrub("oops pat-na1-very-secret-token leaked") == f"oops {REDACTED} leaked"


def test_ids_and_emails_come_from_one_reading_of_one_or_many():
    assert check_ids(np.array([5, 6])) == ["5", "6"]
    assert check_ids("7") == ["7"]
    assert check_emails(np.array(["a@b.co", "a@b.co"])) == ["a@b.co"]
    with pytest.raises(hf.InputError, match="emails=5 \\(int\\)"):
        check_emails(5)


@pytest.mark.parametrize("email", ["a;b@example.com", "a,b@example.com", "a b@example.com"])
def test_the_one_email_rule_refuses_separators_and_spaces(email):
    with pytest.raises(hf.InputError, match="not an email address"):
        check_emails([email])


# -- the query string ----------------------------------------------------------------------


def test_query_string_reads_back_as_httpx_encodes_params():
    """Same keys and values as httpx's own params= encoding; the commas stay literal."""
    import httpx

    params = {
        "limit": 100,
        "archived": False,
        "properties": "email,firstname,hs_object_id",
        "after": None,
        "associations": ["companies", "deals"],
        "q": "a b&c=d/é%",
    }
    mine = httpx.URL("http://h/p?" + query_string(params))
    theirs = httpx.URL("http://h/p", params=params)
    assert mine.params.multi_items() == theirs.params.multi_items()
    assert "properties=email,firstname,hs_object_id" in str(mine)
    assert query_string([("a", True), ("a", 2)]) == "a=true&a=2"


@pytest.mark.parametrize("bad", ["limit=1", 5, [("a", 1, 2)], ["ab"]])
def test_query_string_refuses_what_is_not_params(bad):
    with pytest.raises(hf.InputError, match="params"):
        query_string(bad)


TOKEN = "pat-na1-f00dface-1234-4abc-9def-0123456789ab"


@pytest.mark.parametrize("before", ["", "Bearer ", "hapikey=", "token: ", "\\u0022"])
def test_scrub_with_a_limit_leaves_no_piece_of_a_token_the_cut_went_through(before):
    """Cut first, then scrubbed: wherever the cut falls in a token, nothing of it is left."""
    for lead in range(180, 200 + len(before) + len(TOKEN) + 2):
        text = "x" * (lead - 1) + " " + before + TOKEN + " after" * 100
        for out in (scrub(text, (TOKEN,), limit=200), Secret(TOKEN).scrub(text, limit=200)):
            assert len(out) <= 200 and out.startswith("x" * 150), out
            assert not any(out.endswith(TOKEN[:n]) for n in range(1, len(TOKEN))), out
            assert "f00d" not in out and not out.rstrip().endswith(("pat", "pat-na1")), out
        if before == "\\u0022":
            continue  # a token glued to a word: only the client's scrubber, knowing it, finds it
        # Not knowing the token, the generic rules leave no start of one either.
        generic = scrub(text, limit=200)
        assert "f00d" not in generic and not generic.endswith(("p", "pa", "pat", "pat-")), generic


def test_scrub_with_a_limit_reads_only_the_start_of_a_huge_body():
    body = ("<p>Bearer " + TOKEN + " " + "y" * 40 + "</p>\n") * 60_000  # about 6 MB
    import time

    start = time.perf_counter()
    out = scrub(body, (TOKEN,), limit=200)
    took = time.perf_counter() - start
    assert TOKEN not in out and out.startswith("<p>Bearer REDACTED")
    assert took < 0.05, f"{took:.3f} s: the whole body was scanned"
    assert scrub("short Bearer x", limit=200) == f"short Bearer {REDACTED}"  # not cut: as before


@pytest.mark.parametrize(
    ("name", "says"),
    [("a\x00b.parquet", "NUL byte"), ("n" * 300 + ".parquet", "bytes long"),
     ("n" * 240 + ".parquet", "bytes long")],
)  # fmt: skip
def test_check_target_refuses_what_no_file_system_takes(tmp_path, name, says):
    from hubframe.validate import check_target

    with pytest.raises(hf.InputError, match=says) as caught:
        check_target(tmp_path / name)
    assert str(tmp_path)[:60] in str(caught.value)
    assert list(tmp_path.iterdir()) == []
    assert check_target(tmp_path / ("n" * 200 + ".parquet")).name.startswith("n" * 200)
