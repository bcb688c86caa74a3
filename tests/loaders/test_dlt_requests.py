"""The requests dlt's verified ``hubspot`` source sends, replayed against the sandbox.

dlt's source is not on PyPI (``dlt init hubspot`` copies it from GitHub), so it cannot
run here; this replays the requests its stock resources make, as its settings and
helpers describe them (paths, query parameters, bodies, and how it pages: it follows
``paging.next.link``, the full URL, for lists and ``after`` for search), and checks
that each answer has the shape the source reads. The source has had two shapes over
time and both are replayed: associations asked in the list query
(``?associations=deals,products,tickets,quotes``) and, later, one legacy v3
association list per record plus an incremental search on the last-modified property.

Per object type, in the source's order (company, contact, deal, ticket, product,
quote): every property (``/crm/v3/properties/{type}``), then the records with the
default properties plus every custom one (names without ``hs_``), ``limit=100``; with
``soft_delete`` the same with ``archived=True``; with ``include_history`` the same with
``propertiesWithHistory`` and ``limit=50``. Then the owners (``/crm/v3/owners/``, with a
trailing slash, and archived ones) and the pipelines of deals and tickets. The
sandbox holds records of each of these types, so every answer is checked against them.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest

from hubframe.sandbox import Sandbox

OBJECTS = ["company", "contact", "deal", "ticket", "product", "quote"]
PLURAL = {
    "company": "companies",
    "contact": "contacts",
    "deal": "deals",
    "ticket": "tickets",
    "product": "products",
    "quote": "quotes",
}
MODELED = tuple(PLURAL.values())
#: The properties the source asks for by default (its settings), per object type.
DEFAULT_PROPS = {
    "company": ["createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"],
    "contact": [
        "createdate",
        "email",
        "firstname",
        "hs_object_id",
        "lastmodifieddate",
        "lastname",
    ],
    "deal": [
        "amount",
        "closedate",
        "createdate",
        "dealname",
        "dealstage",
        "hs_lastmodifieddate",
        "hs_object_id",
        "pipeline",
    ],
    "ticket": [
        "createdate",
        "content",
        "hs_lastmodifieddate",
        "hs_object_id",
        "hs_pipeline",
        "hs_pipeline_stage",
        "hs_ticket_category",
        "hs_ticket_priority",
        "subject",
    ],
    "product": [
        "createdate",
        "description",
        "hs_lastmodifieddate",
        "hs_object_id",
        "name",
        "price",
    ],
    "quote": [
        "hs_createdate",
        "hs_expiration_date",
        "hs_lastmodifieddate",
        "hs_object_id",
        "hs_public_url_key",
        "hs_status",
        "hs_title",
    ],
}
#: The associations asked in the list query by the older shape of the source.
LIST_ASSOCIATIONS = {
    "contact": "deals,products,tickets,quotes",
    "company": "contacts,deals,products,tickets,quotes",
}
LAST_MODIFIED = {"contact": "lastmodifieddate"}  # every other type: hs_lastmodifieddate


@pytest.fixture(scope="module")
def sb():
    # search_rate=None: the replay checks answers, not pacing (dlt's requests helper
    # retries HubSpot's 5-per-second search 429s; this replay sends them back to back)
    with Sandbox(contacts=230, companies=25, deals=60, seed=9, search_rate=None) as box:
        for plural in MODELED:  # at least one archived record of each type, for soft_delete
            box.store.archive(box.store.tables[plural].type, min(box.live_ids(plural), key=int))
        yield box


@pytest.fixture(scope="module")
def http(sb):
    # dlt sends only this header (lower-case), never a Content-Type on GETs
    with httpx.Client(base_url=sb.url, headers={"authorization": f"Bearer {sb.token}"}) as c:
        yield c


def _ok(resp: httpx.Response) -> Any:
    assert resp.status_code == 200, f"{resp.request.method} {resp.request.url.path}: {resp.text}"
    return resp.json()


def _pages(http: httpx.Client, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    """Every page of a list, following ``paging.next.link`` as the source does."""
    # requests (the source's client) adds params to a query already in the path; httpx
    # would replace it, so the path's query goes into the params here
    path, _, query = path.partition("?")
    params = {**dict(parse_qsl(query)), **params}
    page = _ok(http.get(path, params=params))
    pages = [page]
    while page.get("paging", {}).get("next"):
        link = page["paging"]["next"]["link"]
        assert link.startswith(str(http.base_url).rstrip("/") + path)
        page = _ok(http.get(link))
        pages.append(page)
        assert len(pages) < 100, "the list does not end"
    for p in pages:
        assert isinstance(p["results"], list)
    return pages


def _properties(http: httpx.Client, obj: str) -> dict[str, str]:
    body = _ok(http.get(f"/crm/v3/properties/{PLURAL[obj]}"))
    assert "paging" not in body
    for prop in body["results"]:
        assert {"name", "label", "type", "fieldType", "groupName", "options"} <= set(prop)
    return {p["name"]: p["type"] for p in body["results"]}


def _selected(http: httpx.Client, obj: str) -> list[str]:
    """What the source asks for: its defaults plus every custom property (no ``hs_``)."""
    names = _properties(http, obj)
    missing = set(DEFAULT_PROPS[obj]) - set(names)
    assert not missing, f"the source refuses to run without {obj} properties {missing}"
    return sorted(set(DEFAULT_PROPS[obj]) | {n for n in names if not n.startswith("hs_")})


def _records(pages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for p in pages for r in p["results"]]


def _check_record(sb, plural: str, rec: dict[str, Any], asked: list[str]) -> None:
    assert {"id", "properties", "createdAt", "updatedAt", "archived"} <= set(rec)
    assert set(rec["properties"]) <= set(asked)
    assert rec["properties"]["hs_object_id"] == rec["id"]  # the source keys rows on it
    stored = sb.record(plural, rec["id"])["properties"]
    assert all(stored.get(k) == v for k, v in rec["properties"].items())


@pytest.mark.parametrize("obj", OBJECTS)
def test_object_resource_lists_every_record(sb, http, obj):
    plural = PLURAL[obj]
    asked = _selected(http, obj)
    params: dict[str, Any] = {"properties": ",".join(asked), "limit": 100}
    path = f"/crm/v3/objects/{plural}"
    if obj in LIST_ASSOCIATIONS:
        path += f"?associations={LIST_ASSOCIATIONS[obj]}"
    records = _records(_pages(http, path, params))
    assert sorted((r["id"] for r in records), key=int) == sorted(sb.live_ids(plural), key=int)
    if obj in LIST_ASSOCIATIONS:  # asked in the path's query, and answered
        assert any("associations=" in r.query for r in sb.requests if r.path.endswith(plural))
        assert any(rec.get("associations") for rec in records)
    for rec in records:
        _check_record(sb, plural, rec, asked)
        for name, assoc in rec.get("associations", {}).items():
            assert name in LIST_ASSOCIATIONS[obj].split(",")
            assert all({"id", "type"} <= set(a) for a in assoc["results"])
            expected = {str(i) for i in sb.store.live_targets(plural, int(rec["id"]), name)}
            assert {a["id"] for a in assoc["results"]} == expected


@pytest.mark.parametrize("obj", OBJECTS)
def test_soft_delete_lists_the_archived_records(sb, http, obj):
    plural = PLURAL[obj]
    asked = _selected(http, obj)
    # the source passes the Python value True, which requests writes as "True"
    pages = _pages(
        http,
        f"/crm/v3/objects/{plural}",
        {"properties": ",".join(asked), "limit": 100, "archived": "True"},
    )
    records = _records(pages)
    archived = {str(i) for i in sb.store.tables[plural].archived_ids()}
    assert archived and {r["id"] for r in records} == archived
    assert all(r["archived"] is True and "archivedAt" in r for r in records)


@pytest.mark.parametrize("obj", OBJECTS)
def test_property_history_resource(sb, http, obj):
    plural = PLURAL[obj]
    asked = _selected(http, obj)
    pages = _pages(
        http, f"/crm/v3/objects/{plural}", {"propertiesWithHistory": ",".join(asked), "limit": 50}
    )
    records = _records(pages)
    assert len(records) == len(sb.live_ids(plural))
    for rec in records:
        history = rec["propertiesWithHistory"]
        stored = sb.record(plural, rec["id"])["properties"]
        assert set(history) == {n for n in asked if stored.get(n) is not None}
        for name, versions in history.items():
            assert versions and {"value", "timestamp", "sourceType"} <= set(versions[0])
            assert versions[0]["value"] == stored[name]  # the newest version comes first


@pytest.mark.parametrize("obj", ["contact", "company"])
def test_per_record_association_lists(sb, http, obj):
    plural = PLURAL[obj]
    for rid in sorted(sb.live_ids(plural), key=int)[:8]:
        for name in LIST_ASSOCIATIONS[obj].split(","):
            pages = _pages(
                http, f"/crm/v3/objects/{plural}/{rid}/associations/{name}", {"limit": 500}
            )
            ids = {a["id"] for a in _records(pages)}
            assert ids == {str(i) for i in sb.store.live_targets(plural, int(rid), name)}


@pytest.mark.parametrize("obj", OBJECTS)
def test_incremental_search_since_a_date(sb, http, obj):
    plural = PLURAL[obj]
    prop = LAST_MODIFIED.get(obj, "hs_lastmodifieddate")
    since = "2023-06-01T00:00:00.000Z"  # the source sends the ISO string, not epoch ms
    body: dict[str, Any] = {
        "properties": _selected(http, obj),
        "limit": 200,
        "filterGroups": [{"filters": [{"propertyName": prop, "operator": "GTE", "value": since}]}],
        "sorts": [{"propertyName": prop, "direction": "ASCENDING"}],
    }
    page = _ok(http.post(f"/crm/v3/objects/{plural}/search", json=body))
    total, found = page["total"], list(page["results"])
    while (after := page.get("paging", {}).get("next", {}).get("after")) and after != "10000":
        page = _ok(http.post(f"/crm/v3/objects/{plural}/search", json={**body, "after": after}))
        found += page["results"]
    expected = {i for i in sb.live_ids(plural) if sb.record(plural, i)["updatedAt"] >= since}
    assert total == len(found) == len(expected) and {r["id"] for r in found} == expected
    stamps = [r["properties"][prop] for r in found]
    assert stamps == sorted(stamps)


def test_owners_resource(sb, http):
    owners = _records(_pages(http, "/crm/v3/owners/", {}))
    assert owners and all(
        {"id", "email", "firstName", "lastName", "userId", "createdAt", "updatedAt", "archived"}
        <= set(o)
        for o in owners
    )
    # every owner a record names is listed (hubspot_owner_id holds owner ids)
    named = {
        sb.record("contacts", i)["properties"].get("hubspot_owner_id")
        for i in sb.live_ids("contacts")
    }
    assert named - {None, ""} <= {o["id"] for o in owners}
    assert _records(_pages(http, "/crm/v3/owners/", {"archived": "True"})) == []


@pytest.mark.parametrize("plural", ["deals", "tickets"])
def test_pipelines_resources(sb, http, plural):
    pipelines = _records(_pages(http, f"/crm/v3/pipelines/{plural}", {}))
    assert pipelines
    for p in pipelines:
        assert {"id", "label", "displayOrder", "stages", "archived"} <= set(p)
        assert all({"id", "label", "displayOrder", "metadata"} <= set(s) for s in p["stages"])
    stage_prop = "dealstage" if plural == "deals" else "hs_pipeline_stage"
    options = {
        o["value"] for o in _ok(http.get(f"/crm/v3/properties/{plural}/{stage_prop}"))["options"]
    }
    assert {s["id"] for p in pipelines for s in p["stages"]} == options
    if plural == "deals":
        used = {sb.record("deals", i)["properties"].get("dealstage") for i in sb.live_ids("deals")}
        assert used - {None, ""} <= options


@pytest.mark.parametrize("plural", ["deals", "tickets"])
def test_stages_timing_finds_no_stage_properties(http, plural):
    # stages_timing asks for the hs_v2_date_entered_<stage> properties (hs_date_entered_
    # before); the sandbox defines none, so the source sends no request for them
    names = _properties(http, plural[:-1])
    assert not [n for n in names if n.startswith(("hs_v2_date_entered_", "hs_date_entered_"))]
