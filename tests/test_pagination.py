"""Every page is checked before it is used; search pages by key, so it is exact under change."""

from __future__ import annotations

import json

import httpx
import pandas as pd
import pytest
from answer_proxy import AnswerProxy, json_answer

import hubframe as hf
from hubframe.sandbox import Sandbox
from hubframe.testing import virtual_time

LIST = "/crm/objects/2026-09/contacts"
SEARCH = "/crm/objects/2026-09/contacts/search"


@pytest.fixture(scope="module")
def sb():
    with Sandbox(contacts=1000, companies=2, deals=2, seed=12, search_rate=None) as sandbox:
        yield sandbox


@pytest.fixture(scope="module")
def everyone(sb):
    with sb.client(rate_limit=(100_000, 10), search_rate=1000) as hs:
        # parallel=1: the one list cursor, whose pages these tests count and break.
        return hs.contacts.get_all(progress=False, parallel=1)


def client(sb, proxy, **kw):
    hs = sb.client(
        rate_limit=(100_000, 10), search_rate=1000, transport=httpx.MockTransport(proxy), **kw
    )
    virtual_time(hs)
    return hs


def on_page(page, answer):
    """A rule that answers the given page (counting from 1) with ``answer(response)``."""

    def rule(n, request, response):
        return answer(response) if n == page else response

    return rule


def page_of(response, change):
    data = response.json()
    change(data)
    return json_answer(200, data)


ERROR_BODY = {"status": "error", "message": "internal", "category": "INTERNAL_ERROR"}


@pytest.mark.parametrize(
    "name, answer",
    [
        ("200 with an error body", lambda r: json_answer(200, ERROR_BODY)),
        ("204", lambda r: httpx.Response(204)),
        ("results not a list", lambda r: page_of(r, lambda d: d.update(results={"a": 1}))),
    ],
)
def test_a_list_page_without_results_is_an_error_never_the_last_page(sb, name, answer):
    proxy = AnswerProxy(sb.url, lambda n, req, resp: answer(resp) if n >= 3 else resp, path=LIST)
    with client(sb, proxy, max_retries=2) as hs, pytest.raises(hf.UnexpectedResponseError) as info:
        hs.contacts.get_all(progress=False, parallel=1)
    assert "without a 'results' list" in str(info.value)
    assert proxy.matched == 3 + 2  # the page, then its two retries; no page after it


def test_a_broken_page_once_is_retried_and_the_read_stays_exact(sb, everyone):
    proxy = AnswerProxy(sb.url, on_page(3, lambda r: json_answer(200, ERROR_BODY)), path=LIST)
    with client(sb, proxy) as hs:
        df = hs.contacts.get_all(progress=False, parallel=1)
    assert df["id"].tolist() == everyone["id"].tolist()


def test_a_redirect_is_never_followed(sb):
    moved = lambda r: httpx.Response(302, headers={"Location": "https://elsewhere.example/x"})  # noqa: E731
    proxy = AnswerProxy(sb.url, on_page(2, moved), path=LIST)
    with client(sb, proxy) as hs, pytest.raises(hf.UnexpectedResponseError) as info:
        hs.contacts.get_all(progress=False, parallel=1)
    assert info.value.status == 302 and "elsewhere.example/x" in str(info.value)
    assert "elsewhere.example" not in proxy.hosts
    assert proxy.matched == 2  # not retried: a redirect stays a redirect


def _repeat_last_id(data):
    data["results"].append(dict(data["results"][-1]))


def _restart_cursor(data):
    data["paging"]["next"]["after"] = data["results"][0]["id"]  # back to a record read


@pytest.mark.parametrize("change", [_repeat_last_id, _restart_cursor])
@pytest.mark.parametrize("how", ["get_all", "export"])
def test_duplicate_ids_and_backward_cursors_are_errors_not_duplicates(sb, tmp_path, change, how):
    proxy = AnswerProxy(sb.url, on_page(2, lambda r: page_of(r, change)), path=LIST)
    with (
        client(sb, proxy) as hs,
        pytest.raises((hf.UnexpectedResponseError, hf.ExportError)) as info,
    ):
        if how == "get_all":
            hs.contacts.get_all(progress=False, parallel=1)
        else:
            hs.contacts.export(tmp_path / "c.parquet", parallel=1, progress=False)
    assert "read already" in str(info.value) or "already read" in str(info.value)
    assert not (tmp_path / "c.parquet").exists()


def test_search_pages_out_of_order_are_an_error(sb):
    proxy = AnswerProxy(
        sb.url, on_page(2, lambda r: page_of(r, lambda d: d["results"].reverse())),
        path=SEARCH, method="POST",
    )  # fmt: skip
    with client(sb, proxy) as hs, pytest.raises(hf.UnexpectedResponseError, match="ascend"):
        hs.contacts.search("email", operator="HAS_PROPERTY", progress=False, parallel=1)


def _keys(request: httpx.Request) -> list[str]:
    body = json.loads(request.content)
    assert "after" not in body  # never an offset
    return [
        f["value"]
        for g in body["filterGroups"]
        for f in g["filters"]
        if f["propertyName"] == "hs_object_id"
    ]


def test_deleting_read_matches_mid_search_loses_nothing(sb):
    """The measured case: 50 matches already read are deleted before page 2. Offset paging
    then skipped 50 records that existed throughout; paging by key skips none."""
    with sb.client(rate_limit=(100_000, 10), search_rate=1000) as admin:
        expected = admin.contacts.search(
            "email", operator="HAS_PROPERTY", progress=False, parallel=1
        )
        deleted: list[str] = []

        def rule(n, request, response):
            if n == 1:
                ids = [r["id"] for r in response.json()["results"]][:50]
                admin.contacts.delete(ids)
                deleted.extend(ids)
            else:
                assert _keys(request)  # each later page asks for ids above the last one read
            return response

        proxy = AnswerProxy(sb.url, rule, path=SEARCH, method="POST")
        try:
            with client(sb, proxy) as hs:
                got = hs.contacts.search(
                    "email", operator="HAS_PROPERTY", progress=False, parallel=1
                )
        finally:
            sb.reset()  # the module's portal, as seeded
    stable = [i for i in expected["id"] if i not in deleted]
    assert got["id"].is_unique
    assert set(stable) <= set(got["id"])
    assert len(got) >= len(stable)


def test_matches_appearing_behind_the_cursor_are_not_read_twice(sb):
    """Low-id records that start matching after page 1 cannot come back on a later page."""
    with sb.client(rate_limit=(100_000, 10), search_rate=1000) as admin:
        before = admin.contacts.search("lifecyclestage", "customer", progress=False, parallel=1)
        page = admin.contacts.get_page(limit=100, properties=["lifecyclestage"])
        low = [
            i for i, v in zip(page["id"], page["lifecyclestage"], strict=True) if v != "customer"
        ]
        low = low[:50]

        def rule(n, request, response):
            if n == 1:
                rows = [{"id": i, "lifecyclestage": "customer"} for i in low]
                admin.contacts.update(pd.DataFrame(rows))
            return response

        proxy = AnswerProxy(sb.url, rule, path=SEARCH, method="POST")
        try:
            with client(sb, proxy) as hs:
                got = hs.contacts.search("lifecyclestage", "customer", progress=False, parallel=1)
        finally:
            sb.reset()
    assert got["id"].is_unique
    assert set(before["id"]) <= set(got["id"])


def test_filters_that_leave_no_room_for_the_key_are_refused_before_any_request(sb):
    with sb.client() as hs:
        sent = len(sb.requests)
        six = [("email", "HAS_PROPERTY", None)] * 6
        with pytest.raises(hf.InputError, match="no room for the one hubframe adds"):
            hs.contacts.search(filters=six, progress=False, parallel=1)
        assert all(r.path != SEARCH for r in sb.requests[sent:])


@pytest.mark.parametrize(
    "answer", [lambda r: json_answer(200, ERROR_BODY), lambda r: httpx.Response(204)]
)
def test_a_search_page_without_results_is_an_error(sb, answer):
    proxy = AnswerProxy(sb.url, lambda n, req, resp: answer(resp) if n >= 2 else resp,
                        path=SEARCH, method="POST")  # fmt: skip
    with client(sb, proxy, max_retries=1) as hs, pytest.raises(hf.UnexpectedResponseError):
        hs.contacts.search("email", operator="HAS_PROPERTY", progress=False, parallel=1)


def test_an_export_never_publishes_a_file_cut_short_by_a_broken_page(sb, everyone, tmp_path):
    target = tmp_path / "c.parquet"
    proxy = AnswerProxy(sb.url, lambda n, req, resp: httpx.Response(204) if n == 4 else resp,
                        path=LIST)  # fmt: skip
    with client(sb, proxy, max_retries=0) as hs:
        with pytest.raises(hf.ExportError, match="without a 'results' list"):
            hs.contacts.export(target, parallel=1, progress=False)
        assert not target.exists()
        res = hs.contacts.export(target, parallel=1, progress=False)  # resumes, exactly
    assert res.resumed and hf.read_parquet(target)["id"].tolist() == everyone["id"].tolist()


def test_a_lists_offset_that_does_not_advance_is_an_error(sb):
    stuck = lambda r: page_of(r, lambda d: d.update(hasMore=True, offset=0))  # noqa: E731
    proxy = AnswerProxy(sb.url, on_page(1, stuck), path="/crm/lists/2026-09/search", method="POST")
    with client(sb, proxy) as hs, pytest.raises(hf.UnexpectedResponseError, match="next offset"):
        hs.lists.all()


def test_list_members_in_no_id_order_are_read_each_once(sb):
    """HubSpot documents no order for list memberships: a page in another order is fine,
    and a record listed twice comes back once."""
    with sb.client(rate_limit=(100_000, 10)) as admin:
        list_id = sb.list_ids[0]
        admin.lists.add(list_id, admin.contacts.get_page(limit=5)["id"].tolist())
        expected = admin.lists.members(list_id)["id"].tolist()
    assert len(expected) >= 5

    def shuffle(data):
        data["results"].reverse()
        data["results"].append(dict(data["results"][0]))

    path = f"/crm/lists/2026-09/{list_id}/memberships"
    proxy = AnswerProxy(sb.url, on_page(1, lambda r: page_of(r, shuffle)), path=path)
    with client(sb, proxy) as hs:
        got = hs.lists.members(list_id)["id"].tolist()
    assert sorted(got, key=int) == sorted(expected, key=int) and len(got) == len(set(got))
