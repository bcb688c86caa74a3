"""The sandbox's HTTP server: persistent (keep-alive) connections, as HubSpot's API keeps them."""

from __future__ import annotations

import http.client
import json

import pytest

from hubframe.sandbox import Sandbox


@pytest.fixture(scope="module")
def sb():
    with Sandbox(contacts=30, companies=3, deals=3, seed=5) as sandbox:
        yield sandbox


def _connect(sb: Sandbox) -> http.client.HTTPConnection:
    conn = http.client.HTTPConnection(sb.host, sb.port, timeout=5)
    conn.connect()
    return conn


def _get(conn: http.client.HTTPConnection, sb: Sandbox, path: str) -> http.client.HTTPResponse:
    conn.request("GET", path, headers={"Authorization": f"Bearer {sb.token}"})
    return conn.getresponse()


def test_one_connection_serves_many_requests(sb):
    conn = _connect(sb)
    sock = conn.sock
    ids = []
    after = None
    for _ in range(3):
        resp = _get(
            conn, sb, "/crm/v3/objects/contacts?limit=10" + (f"&after={after}" if after else "")
        )
        body = resp.read()
        assert resp.status == 200
        assert int(resp.getheader("Content-Length")) == len(body)
        assert resp.getheader("Connection") is None  # HTTP/1.1: open unless told otherwise
        data = json.loads(body)
        ids += [r["id"] for r in data["results"]]
        after = ((data.get("paging") or {}).get("next") or {}).get("after")
    assert conn.sock is sock  # http.client reconnects (new socket) after a close
    assert len(ids) == len(set(ids)) == 30
    conn.close()


def test_unread_request_body_does_not_spill_into_the_next_request(sb):
    conn = _connect(sb)
    # A bad token is refused before the body is read; the body must still be consumed.
    body = json.dumps({"filterGroups": [], "limit": 1, "query": "x" * 20_000})
    conn.request("POST", "/crm/v3/objects/contacts/search", body=body,
                 headers={"Authorization": "Bearer wrong", "Content-Type": "application/json"})  # fmt: skip
    first = conn.getresponse()
    assert first.status == 401
    first.read()
    second = _get(conn, sb, "/crm/v3/objects/contacts?limit=2")
    assert second.status == 200
    assert len(json.loads(second.read())["results"]) == 2
    conn.close()


def test_no_content_answer_keeps_the_connection_usable(sb):
    hs = sb.client()
    victim = hs.contacts.create({"email": "keepalive-204@example.com"})["id"].iloc[0]
    conn = _connect(sb)
    conn.request("DELETE", f"/crm/v3/objects/contacts/{victim}",
                 headers={"Authorization": f"Bearer {sb.token}"})  # fmt: skip
    deleted = conn.getresponse()
    assert deleted.status == 204
    assert deleted.read() == b""
    assert deleted.getheader("Content-Length") is None  # a 204 has no body and no length
    again = _get(conn, sb, f"/crm/v3/objects/contacts/{victim}")
    assert again.status == 404
    again.read()
    conn.close()


def test_dropped_connection_fault_still_ends_the_connection(sb):
    conn = _connect(sb)
    ok = _get(conn, sb, "/crm/v3/objects/contacts?limit=1")
    ok.read()
    sb.inject(drop=True, path_contains="/crm/v3/objects/contacts")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        _get(conn, sb, "/crm/v3/objects/contacts?limit=1")
    conn.close()
    # The client retries on a new connection and gets its answer.
    df = sb.client().contacts.get_page(limit=3)
    assert len(df) == 3


def test_client_reuses_its_connection(sb):
    before = len(sb.requests)
    with sb.client() as hs:
        df = hs.contacts.get_all(progress=False)
    served = sb.requests[before:]
    assert len(served) >= 2  # properties + at least one page
    assert len({r.client_port for r in served}) == 1  # all on one connection
    assert len(df) == 30


def test_stop_closes_idle_connections():
    sandbox = Sandbox(contacts=3, companies=1, deals=1).start()
    conn = _connect(sandbox)
    first = _get(conn, sandbox, "/crm/v3/objects/contacts")
    first.read()
    sandbox.stop()
    # Before keep-alive a stopped sandbox answered nothing; an open connection must not either.
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        _get(conn, sandbox, "/crm/v3/objects/contacts")
    conn.close()


def test_pages_read_again_are_the_same_and_show_every_write_at_once():
    # The sandbox keeps records it served encoded (read once: noted; twice: encoded;
    # after: reused) until the portal changes: every read must still show the portal as is.
    with Sandbox(contacts=12, companies=2, deals=2, seed=6, search_rate=None) as box:
        conn = _connect(box)
        headers = {"Authorization": f"Bearer {box.token}", "Content-Type": "application/json"}
        names = ["email", "jobtitle", "num_associated_deals", "associatedcompanyid"]
        list_path = f"/crm/v3/objects/contacts?limit=100&properties={','.join(names)}"
        search = json.dumps({"properties": names, "limit": 200})

        def both() -> tuple[bytes, bytes]:
            listed = _get(conn, box, list_path).read()
            conn.request("POST", "/crm/v3/objects/contacts/search", body=search, headers=headers)
            return listed, conn.getresponse().read()

        first = both()
        assert both() == first and both() == first and both() == first
        rid = json.loads(first[0])["results"][4]["id"]
        conn.request(
            "PATCH",
            f"/crm/v3/objects/contacts/{rid}",
            body=json.dumps({"properties": {"jobtitle": "Changed after three reads"}}),
            headers=headers,
        )
        assert conn.getresponse().read()
        for body in both():
            record = next(r for r in json.loads(body)["results"] if r["id"] == rid)
            assert record["properties"]["jobtitle"] == "Changed after three reads"
        company = json.loads(first[0])["results"][0]["properties"].get("associatedcompanyid")
        assert company, "seeded contacts have a primary company"
        conn.request("DELETE", f"/crm/v3/objects/companies/{company}", headers=headers)
        deleted = conn.getresponse()
        deleted.read()
        assert deleted.status == 204
        for body in both():  # an archived company is no longer any contact's primary company
            companies = {
                r["properties"].get("associatedcompanyid") for r in json.loads(body)["results"]
            }
            assert company not in companies
        conn.close()
