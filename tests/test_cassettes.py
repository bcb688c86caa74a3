"""Recorded HTTP, replayed offline: what the client makes of exact recorded bytes.

Every cassette in ``cassettes/`` was recorded by ``scripts/record_cassettes.py``
(from the sandbox, or from a real portal: ``HUBFRAME_CASSETTES=<folder>`` runs these
tests on the cassettes of another folder). Here each scenario runs again against
its cassette with vcrpy's record mode ``none`` and every socket refused, and the
DataFrames (or errors) are checked against the recorded responses themselves:
the same ids in the same order, every cell equal to the recorded string parsed
by the rule of its HubSpot type, the dtypes the property definitions call for.
Nothing here starts a sandbox or imports its code.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
import os
import re
import socket
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pandas as pd
import pytest
from readme_ids import ID_NAMES, MULTI_ID_NAMES

from hubframe.errors import ConflictError, MissingScopesError, NotFoundError, UnknownPropertyError
from hubframe.frames import HubFrameWarning
from hubframe.paths import paths_for
from hubframe.testing import (
    PLACEHOLDER_URL,
    REDACTED,
    _Persister,
    cassette_client,
    json_body,
    scrub_text,
)

ROOT = Path(__file__).resolve().parent.parent
PROJECT_CASSETTES = ROOT / "cassettes"
CASSETTES = Path(os.environ.get("HUBFRAME_CASSETTES") or PROJECT_CASSETTES).resolve()


def _load_recorder():
    spec = importlib.util.spec_from_file_location(
        "record_cassettes", ROOT / "scripts" / "record_cassettes.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("record_cassettes", module)
    spec.loader.exec_module(module)
    return module


rc = _load_recorder()
CONTEXTS: dict[str, dict[str, Any]] = json.loads((CASSETTES / "context.json").read_text())


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Refuse every socket connection: a replay that reaches for the network fails loudly."""

    def refuse(*args, **kwargs):
        raise AssertionError("a cassette test tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


# -- reading cassettes ---------------------------------------------------------------------------


@dataclass
class Exchange:
    """One recorded request and its response, decoded."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int
    headers: dict[str, list[str]]
    data: Any

    @property
    def properties(self) -> list[str]:
        """The property names the request asked for (query or JSON body)."""
        if "properties" in self.query:
            return self.query["properties"][0].split(",")
        return list(self.body["properties"])


def _decode(raw: Any) -> Any:
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8")
    if not raw:
        return None
    return json.loads(raw)


def recorded(name: str) -> list[Exchange]:
    """Every exchange of a scenario's cassette, in recorded order."""
    requests, responses = _Persister.load_cassette(cassette(name), serializer=_yaml())
    out = []
    for rq, rs in zip(requests, responses, strict=True):
        parts = urlsplit(rq.uri)
        out.append(Exchange(
            method=rq.method, path=unquote(parts.path), query=parse_qs(parts.query), body=_decode(rq.body),
            status=rs["status"]["code"], headers=rs["headers"], data=_decode(rs["body"]["string"]),
        ))  # fmt: skip
    return out


def _yaml():
    from vcr.serializers import yamlserializer

    return yamlserializer


#: The property-definition paths of every version (legacy v3 and dated).
_PROPERTIES = re.compile(r"^/crm/(?:v3/properties|properties/\d{4}-\d{2})/")


def api(name: str) -> list[Exchange]:
    """The exchanges of a scenario other than the property-definition fetches."""
    return [e for e in recorded(name) if not _PROPERTIES.match(e.path)]


def definitions(name: str, object_type: str) -> dict[str, dict[str, Any]]:
    """The property definitions recorded in a scenario's cassette, by name."""
    path = paths_for(rc.SCENARIOS[name].api_version).properties(object_type)
    for e in recorded(name):
        if e.path == path:
            return {d["name"]: d for d in e.data["results"]}
    raise AssertionError(f"{name} recorded no {object_type} property definitions at {path}")


def cassette(name: str) -> Path:
    """The cassette of a scenario (a test skips when another folder lacks it)."""
    path = CASSETTES / rc.SCENARIOS[name].filename
    if not path.exists() and CASSETTES != PROJECT_CASSETTES:
        pytest.skip(f"{CASSETTES} has no cassette of {name} (the recorder skipped it)")
    return path


def replay(name: str) -> tuple[Any, tuple[int, int, float]]:
    """Run a scenario against its cassette; returns its result (or raised error) and the client's stats."""
    sc = rc.SCENARIOS[name]
    with cassette_client(cassette(name), strict=True, api_version=sc.api_version) as hs:
        if sc.expect is not None:
            with pytest.raises(sc.expect) as info:
                sc.run(hs, CONTEXTS[name])
            result = info.value
        else:
            result = sc.run(hs, CONTEXTS[name])
        stats = hs.stats.snapshot()
    return result, stats


# -- what a cell must be -------------------------------------------------------------------------

FIXED = ["createdAt", "updatedAt", "archived"]


def expected_dtype(definition: dict[str, Any]) -> str:
    """The README's dtype table, written out independently of hubframe.properties."""
    kind, field_type = definition["type"], definition.get("fieldType")
    if definition["name"] in ID_NAMES:
        return "string"
    if definition["name"] in MULTI_ID_NAMES:
        return "list<item: string>[pyarrow]"
    if kind == "number":
        return "Float64"
    if kind == "bool":
        return "boolean"
    if kind == "datetime":
        return "datetime64[ms, UTC]"
    if kind == "date":
        return "date32[day][pyarrow]"
    if kind == "enumeration" and field_type == "checkbox":
        return "list<item: string>[pyarrow]"
    return "string"


def expected_value(raw: Any, definition: dict[str, Any]) -> Any:
    """A recorded property string, parsed by the rule of its type (None for missing, null and "")."""
    if raw is None or raw == "":
        return None
    kind = expected_dtype(definition)
    if kind == "Float64":
        return float(raw)
    if kind == "boolean":
        return {"true": True, "false": False}[raw]
    if kind.startswith("datetime64"):
        return pd.Timestamp(raw).tz_convert("UTC")
    if kind.startswith("date32"):
        return dt.date.fromisoformat(raw)
    if kind.startswith("list"):
        return [item for item in raw.split(";") if item]
    return raw


def _cell(value: Any) -> Any:
    import numpy as np

    if isinstance(value, (list, tuple, np.ndarray)):
        return list(value)
    if value is None or value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def assert_frame_matches(
    df: pd.DataFrame,
    records: list[dict[str, Any]],
    names: list[str],
    defs: dict[str, dict[str, Any]],
) -> None:
    """``df`` holds exactly ``records``: columns, dtypes and every cell."""
    assert list(df.columns) == ["id", *names, *FIXED]
    assert str(df["id"].dtype) == "string"
    for name in names:
        assert str(df[name].dtype) == expected_dtype(defs[name]), name
    assert str(df["createdAt"].dtype) == "datetime64[ms, UTC]"
    assert str(df["archived"].dtype) == "boolean"
    assert df["id"].tolist() == [r["id"] for r in records]
    for i, rec in enumerate(records):
        row = df.iloc[i]
        for name in names:
            want = expected_value((rec.get("properties") or {}).get(name), defs[name])
            assert _cell(row[name]) == want, (rec["id"], name, row[name], want)
        assert row["createdAt"] == pd.Timestamp(rec["createdAt"])
        assert row["updatedAt"] == pd.Timestamp(rec["updatedAt"])
        assert row["archived"] == rec["archived"]


def results(exchanges: list[Exchange]) -> list[dict[str, Any]]:
    return [r for e in exchanges for r in e.data["results"]]


# -- the cassettes themselves --------------------------------------------------------------------


def _cassette_text(path: Path) -> str:
    import gzip

    raw = path.read_bytes()
    return (gzip.decompress(raw) if path.suffix == ".gz" else raw).decode("utf-8")


def test_every_scenario_has_its_cassette_and_nothing_else_is_there():
    files = {p.name for p in CASSETTES.iterdir()} - {"context.json"}
    expected = {sc.filename for sc in rc.SCENARIOS.values()}
    if CASSETTES == PROJECT_CASSETTES:
        assert files == expected
        assert set(CONTEXTS) == set(rc.SCENARIOS)
    else:  # a real portal's recording leaves out what the portal cannot stage
        assert files <= expected
        assert {sc.filename for sc in rc.SCENARIOS.values() if sc.name in CONTEXTS} == files


@pytest.mark.parametrize(
    "path", sorted(p for p in CASSETTES.iterdir() if p.name != "context.json"), ids=lambda p: p.name
)
def test_cassette_holds_no_token(path):
    text = _cassette_text(path)
    assert rc.SANDBOX_TOKEN not in text
    if os.environ.get("HUBSPOT_ACCESS_TOKEN"):
        assert os.environ["HUBSPOT_ACCESS_TOKEN"].strip() not in text
    assert not re.search(r"(?i)bearer\s+(?!REDACTED)\S", text)
    assert "hapikey" not in text.lower()
    assert not re.search(r"\bpat-[A-Za-z0-9]", text)
    assert not re.search(r"(?im)^\s+authorization:", text)
    # ... and every request went to the placeholder host, whatever it was recorded from.
    uris = re.findall(r"(?m)^    uri: (\S+)", text)
    assert uris and all(u.startswith(PLACEHOLDER_URL + "/") for u in uris)


def test_the_big_search_cassette_is_stored_compressed_and_small():
    path = cassette("contacts_search_past_10k")
    assert path.suffix == ".gz"
    assert path.stat().st_size < 1_000_000


def test_scrub_text_removes_token_like_values():
    text = "Authorization: Bearer pat-na1-11112222-aaaa-bbbb x?hapikey=abc123&y=1 secret-42"
    scrubbed = scrub_text(text, ("secret-42",))
    assert "pat-na1" not in scrubbed and "abc123" not in scrubbed and "secret-42" not in scrubbed
    assert scrubbed.count(REDACTED) == 3


def test_network_is_refused_in_these_tests():
    with pytest.raises(AssertionError, match="network"):
        socket.create_connection(("127.0.0.1", 9))


# -- matching ------------------------------------------------------------------------------------


def test_json_bodies_match_whatever_their_key_order_and_spacing():
    from vcr.request import Request

    a = Request("POST", PLACEHOLDER_URL + "/x", b'{"a": 1, "b": [1, 2]}', {})
    b = Request("POST", PLACEHOLDER_URL + "/x", b'{"b":[1,2],"a":1}', {})
    c = Request("POST", PLACEHOLDER_URL + "/x", b'{"b":[2,1],"a":1}', {})
    json_body(a, b)
    with pytest.raises(AssertionError):
        json_body(a, c)


def test_a_search_with_another_body_is_not_replayed():
    from vcr.errors import CannotOverwriteExistingCassetteException

    with cassette_client(cassette("contacts_search")) as hs:
        with pytest.raises(CannotOverwriteExistingCassetteException):
            hs.contacts.search(
                "lifecyclestage", "evangelist", properties=rc.CONTACT_PROPS, progress=False
            )


def test_a_request_with_another_path_is_not_replayed():
    from vcr.errors import CannotOverwriteExistingCassetteException

    with cassette_client(cassette("contacts_get")) as hs:
        with pytest.raises(CannotOverwriteExistingCassetteException):
            hs.contacts.get("12345", properties=rc.CONTACT_PROPS)


def test_a_missing_cassette_says_how_to_record_it(tmp_path):
    with pytest.raises(FileNotFoundError, match="record=True"):
        with cassette_client(tmp_path / "nope.yaml"):
            pass


def test_unknown_property_is_named_from_the_recorded_definitions():
    with cassette_client(cassette("contacts_get")) as hs:
        with pytest.raises(UnknownPropertyError) as info:
            hs.contacts.get_page(properties=["emial"])
    assert info.value.names == ["emial"]
    assert "email" in info.value.suggestions["emial"]


# -- contacts ------------------------------------------------------------------------------------


def test_contacts_get_page_and_the_next_one():
    (first, second), _ = replay("contacts_get_page")
    ex = api("contacts_get_page")
    assert [e.status for e in ex] == [200, 200]
    defs = definitions("contacts_get_page", "contacts")
    assert_frame_matches(first, ex[0].data["results"], rc.CONTACT_PROPS, defs)
    assert_frame_matches(second, ex[1].data["results"], rc.CONTACT_PROPS, defs)
    assert len(first) == len(second) == 10
    cursor = ex[0].data["paging"]["next"]["after"]
    assert first.attrs["next_after"] == cursor
    assert ex[1].query["after"] == [cursor]
    assert second.attrs["next_after"] == ex[1].data["paging"]["next"]["after"]


def test_contacts_get_all_reads_every_page_to_the_end():
    df, _ = replay("contacts_get_all")
    ex = api("contacts_get_all")
    assert len(ex) >= 3 and all(e.method == "GET" for e in ex)
    assert "paging" not in ex[-1].data and all("paging" in e.data for e in ex[:-1])
    records = results(ex)
    assert_frame_matches(df, records, rc.CONTACT_PROPS, definitions("contacts_get_all", "contacts"))
    assert len(df) == len(records) > 200
    assert df["id"].is_unique


def test_contacts_get_one_typed_row():
    df, _ = replay("contacts_get")
    (ex,) = api("contacts_get")
    assert ex.path == f"/crm/objects/2026-09/contacts/{CONTEXTS['contacts_get']['contact_id']}"
    assert_frame_matches(df, [ex.data], rc.CONTACT_PROPS, definitions("contacts_get", "contacts"))
    assert df.loc[0, "email"] == CONTEXTS["contacts_get"]["contact_email"]


def test_contacts_get_many_in_the_order_asked():
    df, _ = replay("contacts_get_many")
    (ex,) = api("contacts_get_many")
    ids = CONTEXTS["contacts_get_many"]["contact_ids"]
    assert ex.status == 200 and ex.body["inputs"] == [{"id": i} for i in ids]
    by_id = {r["id"]: r for r in ex.data["results"]}
    assert_frame_matches(
        df, [by_id[i] for i in ids], rc.CONTACT_PROPS, definitions("contacts_get_many", "contacts")
    )
    assert df.attrs["missing_ids"] == []


def test_contacts_get_many_partial_207_lists_the_missing_id():
    with pytest.warns(HubFrameWarning, match="1 of 3 contacts were not found"):
        df, _ = replay("contacts_get_many_partial")
    (ex,) = api("contacts_get_many_partial")
    ctx = CONTEXTS["contacts_get_many_partial"]
    assert ex.status == 207
    assert ex.data["errors"][0]["context"]["ids"] == [ctx["missing_id"]]
    assert df.attrs["missing_ids"] == [ctx["missing_id"]]
    assert df["id"].tolist() == ctx["contact_ids"][:2]
    assert_frame_matches(
        df, ex.data["results"], ["email"], definitions("contacts_get_many_partial", "contacts")
    )


def test_contacts_get_404_is_a_not_found_error():
    err, _ = replay("contacts_get_not_found")
    (ex,) = api("contacts_get_not_found")
    assert ex.status == 404
    assert isinstance(err, NotFoundError)
    assert err.status == 404
    assert err.category == ex.data["category"] == "OBJECT_NOT_FOUND"
    assert err.correlation_id == ex.data["correlationId"]
    assert err.message == ex.data["message"]
    assert (
        f"GET /crm/objects/2026-09/contacts/{CONTEXTS['contacts_get_not_found']['missing_id']}"
        in str(err)
    )


def test_contacts_search_returns_every_match():
    df, _ = replay("contacts_search")
    ex = api("contacts_search")
    ctx = CONTEXTS["contacts_search"]
    assert ex[0].body["filterGroups"] == [
        {
            "filters": [
                {"propertyName": "lifecyclestage", "operator": "EQ", "value": ctx["lifecyclestage"]}
            ]
        }
    ]
    assert ex[0].body["sorts"] == [{"propertyName": "hs_object_id", "direction": "ASCENDING"}]
    records = results(ex)
    assert_frame_matches(df, records, rc.CONTACT_PROPS, definitions("contacts_search", "contacts"))
    assert df.attrs["total"] == ex[0].data["total"] == len(df)
    assert (df["lifecyclestage"] == ctx["lifecyclestage"]).all()
    assert df["id"].astype(int).is_monotonic_increasing


def test_contacts_search_past_10000_reads_every_match_once():
    df, _ = replay("contacts_search_past_10k")
    ex = api("contacts_search_past_10k")
    total = ex[0].data["total"]
    assert total > 10_000
    assert len(df) == df.attrs["total"] == total
    assert df["id"].is_unique
    ids = df["id"].astype(int)
    assert ids.is_monotonic_increasing
    assert df["id"].tolist() == [r["id"] for r in results(ex)]
    # Paged by key, never by offset: each page asks for the matches above the last id
    # read, so no query ever reaches the cap and a change behind the cursor shifts nothing.
    assert not any("after" in e.body for e in ex)

    def key(e):
        found = [
            f["value"]
            for g in e.body["filterGroups"]
            for f in g["filters"]
            if f["propertyName"] == "hs_object_id" and f["operator"] == "GT"
        ]
        return found[0] if found else None

    assert key(ex[0]) is None
    for before, page in zip(ex, ex[1:], strict=False):
        assert key(page) == before.data["results"][-1]["id"]
    assert len(ex) == -(-total // 200)  # as many requests as offset paging would send
    assert list(df.columns) == ["id", "hs_object_id", *FIXED]


def test_contacts_create_with_a_company():
    df, _ = replay("contacts_create")
    (ex,) = api("contacts_create")
    ctx = CONTEXTS["contacts_create"]
    assert ex.status == 201
    assert ex.body["associations"] == [
        {
            "to": {"id": ctx["company_id"]},
            "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 1}],
        }
    ]
    assert ex.body["properties"]["customer_rating"] == "4.5"
    assert len(df) == 1
    assert df.loc[0, "id"] == ex.data["id"] == CONTEXTS["contacts_update"]["created_contact_id"]
    assert df.loc[0, "email"] == ctx["new_email"]
    assert df.loc[0, "customer_rating"] == 4.5 and str(df["customer_rating"].dtype) == "Float64"


def test_contacts_create_409_names_the_existing_contact():
    err, _ = replay("contacts_create_conflict")
    (ex,) = api("contacts_create_conflict")
    assert ex.status == 409
    assert isinstance(err, ConflictError)
    existing = re.search(r"Existing ID: (\d+)", ex.data["message"]).group(1)
    assert err.existing_id == existing
    assert f"id {existing}" in err.hint()


def test_contacts_update():
    df, _ = replay("contacts_update")
    (ex,) = api("contacts_update")
    assert ex.method == "PATCH" and ex.body == {
        "properties": {"lastname": "Byron", "hs_email_optout": "true"}
    }
    assert df.loc[0, "lastname"] == "Byron"
    assert df["hs_email_optout"].tolist() == [True]
    assert str(df["hs_email_optout"].dtype) == "boolean"
    assert df.loc[0, "updatedAt"] == pd.Timestamp(ex.data["updatedAt"])


def test_contacts_delete():
    result, _ = replay("contacts_delete")
    (ex,) = api("contacts_delete")
    assert result is None
    assert (ex.method, ex.status) == ("DELETE", 204)
    assert ex.path.endswith("/" + CONTEXTS["contacts_delete"]["created_contact_id"])


# -- companies -----------------------------------------------------------------------------------


def test_companies_get_all():
    df, _ = replay("companies_get_all")
    ex = api("companies_get_all")
    assert_frame_matches(
        df, results(ex), rc.COMPANY_PROPS, definitions("companies_get_all", "companies")
    )
    assert str(df["numberofemployees"].dtype) == "Float64" and df["numberofemployees"].notna().any()


def test_companies_get_with_default_properties():
    df, _ = replay("companies_get")
    (ex,) = api("companies_get")
    assert ex.properties == ["name", "domain"]
    assert_frame_matches(
        df, [ex.data], ["name", "domain"], definitions("companies_get", "companies")
    )


def test_companies_search():
    df, _ = replay("companies_search")
    ex = api("companies_search")
    assert_frame_matches(
        df, results(ex), rc.COMPANY_PROPS, definitions("companies_search", "companies")
    )
    assert len(df) == ex[0].data["total"] >= 1
    assert (df["industry"] == CONTEXTS["companies_search"]["industry"]).all()


def test_companies_get_contacts_gives_each_contact_once():
    """Recorded on the legacy paths, whose association list names a contact once per type."""
    df, _ = replay("companies_get_contacts")
    assoc, batch = api("companies_get_contacts")
    company = CONTEXTS["companies_get_contacts"]["company_id"]
    assert assoc.path == f"/crm/v3/objects/companies/{company}/associations/contacts"
    assert batch.path == "/crm/v3/objects/contacts/batch/read"
    ids = list(dict.fromkeys(r["id"] for r in assoc.data["results"]))
    assert len(assoc.data["results"]) > len(
        ids
    )  # HubSpot lists a contact once per association type
    assert batch.body["inputs"] == [{"id": i} for i in ids]
    by_id = {r["id"]: r for r in batch.data["results"]}
    assert_frame_matches(
        df,
        [by_id[i] for i in ids],
        ["email", "firstname"],
        definitions("companies_get_contacts", "contacts"),
    )


def test_companies_create():
    df, _ = replay("companies_create")
    (ex,) = api("companies_create")
    assert ex.status == 201
    assert df.loc[0, "name"] == "Analytical Engines Ltd"
    assert df.loc[0, "domain"] == CONTEXTS["companies_create"]["new_domain"]
    assert df.loc[0, "numberofemployees"] == 12.0


def test_companies_add_contact():
    df, _ = replay("companies_add_contact")
    add, listing, _ = api("companies_add_contact")
    ctx = CONTEXTS["companies_add_contact"]
    assert add.path == "/crm/associations/2026-09/contacts/companies/batch/create"
    assert add.body == {
        "inputs": [
            {
                "from": {"id": ctx["spare_contact_id"]},
                "to": {"id": ctx["created_company_id"]},
                "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 279}],
            }
        ]
    }
    assert add.status in (200, 201)
    # The dated association list: each contact once, with its types.
    assert listing.path == (
        f"/crm/objects/2026-09/companies/{ctx['created_company_id']}/associations/contacts"
    )
    assert [str(r["toObjectId"]) for r in listing.data["results"]] == [ctx["spare_contact_id"]]
    assert listing.data["results"][0]["associationTypes"]
    assert df["id"].tolist() == [ctx["spare_contact_id"]]


def test_companies_remove_contact_leaves_an_empty_typed_frame():
    df, _ = replay("companies_remove_contact")
    remove, listing = api("companies_remove_contact")
    ctx = CONTEXTS["companies_remove_contact"]
    assert remove.path == "/crm/associations/2026-09/contacts/companies/batch/archive"
    assert remove.body == {
        "inputs": [
            {"from": {"id": ctx["spare_contact_id"]}, "to": [{"id": ctx["created_company_id"]}]}
        ]
    }
    # The dated dissociation answers 200 with a batch body (legacy: 204, no body).
    assert remove.status == 200 and remove.data["status"] == "COMPLETE"
    assert listing.data["results"] == []
    assert len(df) == 0
    assert list(df.columns) == ["id", "email", *FIXED]
    assert [str(t) for t in df.dtypes] == [
        "string",
        "string",
        "datetime64[ms, UTC]",
        "datetime64[ms, UTC]",
        "boolean",
    ]


def test_companies_delete():
    result, _ = replay("companies_delete")
    (ex,) = api("companies_delete")
    assert result is None and (ex.method, ex.status) == ("DELETE", 204)


# -- deals ---------------------------------------------------------------------------------------


def test_deals_get_all():
    df, _ = replay("deals_get_all")
    ex = api("deals_get_all")
    assert_frame_matches(df, results(ex), rc.DEAL_PROPS, definitions("deals_get_all", "deals"))
    assert len(df) > 0
    assert (
        str(df["amount"].dtype) == "Float64" and str(df["closedate"].dtype) == "datetime64[ms, UTC]"
    )


def test_deals_get_with_default_properties():
    df, _ = replay("deals_get")
    (ex,) = api("deals_get")
    names = ex.properties
    assert names == ["dealname", "amount", "closedate", "pipeline", "dealstage"]
    assert_frame_matches(df, [ex.data], names, definitions("deals_get", "deals"))


def test_deals_search():
    df, _ = replay("deals_search")
    ex = api("deals_search")
    assert_frame_matches(df, results(ex), rc.DEAL_PROPS, definitions("deals_search", "deals"))
    assert (df["dealstage"] == CONTEXTS["deals_search"]["dealstage"]).all()
    assert df.attrs["total"] == len(df)


def test_deals_delete_then_the_deal_is_missing():
    with pytest.warns(HubFrameWarning, match="1 of 1 deals were not found"):
        df, _ = replay("deals_delete")
    delete, read = api("deals_delete")
    deal_id = CONTEXTS["deals_delete"]["deleted_deal_id"]
    assert (delete.method, delete.status) == ("DELETE", 204)
    assert read.status == 207
    assert len(df) == 0 and df.attrs["missing_ids"] == [deal_id]


# -- forms, lists, workflows ---------------------------------------------------------------------


def test_forms_submit_one_row_per_submission():
    df, _ = replay("forms_submit")
    ex = api("forms_submit")
    ctx = CONTEXTS["forms_submit"]
    assert [e.path for e in ex] == [
        f"/submissions/v3/integration/submit/{ctx['portal_id']}/{ctx['form_id']}"
    ] * 2
    assert ex[0].body == {
        "fields": [
            {"name": "email", "value": ctx["form_email"]},
            {"name": "firstname", "value": "Grace"},
        ]
    }
    assert df.to_dict("list") == {
        "row": ["0", "1"],
        "email": [ctx["form_email"], ctx["form_email_2"]],
        "outcome": ["submitted", "submitted"],
        "message": [e.data["inlineMessage"] for e in ex],
    }


def test_lists_add_reports_each_id():
    (first, second), _ = replay("lists_add")
    ctx = CONTEXTS["lists_add"]
    a = ctx["spare_contact_id"]
    ex = api("lists_add")
    assert [e.body for e in ex] == [[a], [a, ctx["missing_id"]]]
    assert first.to_dict("list") == {"id": [a], "outcome": ["added"]}
    assert second.to_dict("list") == {
        "id": [a, ctx["missing_id"]],
        "outcome": ["already a member", "not found"],
    }


def test_workflows_enroll_reports_each_email():
    df, _ = replay("workflows_enroll")
    ok, missing = api("workflows_enroll")
    ctx = CONTEXTS["workflows_enroll"]
    assert (ok.status, missing.status) == (204, 404)
    assert df["email"].tolist() == [ctx["spare_email"], ctx["unknown_email"]]
    assert df["outcome"].tolist() == ["enrolled", "not found"]
    assert df.loc[1, "message"] == missing.data["message"]


# -- bad days ------------------------------------------------------------------------------------


def test_429_is_retried_after_the_recorded_retry_after():
    df, (requests, retries, waited) = replay("rate_limited_retry")
    first, second = api("rate_limited_retry")
    assert (first.status, second.status) == (429, 200)
    assert first.headers["retry-after"] == [str(rc.RETRY_AFTER)]
    assert retries == 1
    assert waited == pytest.approx(
        rc.RETRY_AFTER
    )  # Retry-After honoured (on a clock that does not tick)
    assert df.loc[0, "id"] == second.data["id"]
    assert df.loc[0, "email"] == second.data["properties"]["email"]


def test_403_names_the_missing_scope():
    err, _ = replay("missing_scope")
    ex = recorded("missing_scope")[-1]
    assert ex.status == 403
    assert isinstance(err, MissingScopesError)
    assert err.category == "MISSING_SCOPES"
    required = ex.data["errors"][0]["context"]["requiredGranularScopes"]
    assert required and err.scopes == required
    assert required[0] in str(err)
