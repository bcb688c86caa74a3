"""Which portal a client talks to: ``portal_id``, ``portal_fingerprint``, ``connection_fingerprint``."""

from __future__ import annotations

import re

import httpx

import hubframe as hf
from hubframe.account import portal_id_of
from hubframe.sandbox import Sandbox


def _account_calls(sb: Sandbox) -> int:
    return sum(r.path == "/account-info/v3/details" for r in sb.requests)


def test_portal_id_is_asked_once_per_client():
    with Sandbox(contacts=2, companies=0, deals=0, seed=2) as sb, sb.client() as hs:
        assert hs.portal_id() == sb.portal_id
        assert hs.portal_fingerprint() == f"portal:{sb.portal_id}"
        assert portal_id_of(hs.portal_fingerprint()) == sb.portal_id
        assert hs.portal_id() == sb.portal_id
        assert _account_calls(sb) == 1


def test_a_token_that_may_not_read_the_account_gives_a_hash():
    with (
        Sandbox(contacts=2, companies=0, deals=0, scopes=["crm.objects.contacts.read"]) as sb,
        sb.client() as hs,
    ):
        assert hs.portal_id() is None
        fp = hs.portal_fingerprint()
        assert re.fullmatch(r"hash:[0-9a-f]{16}", fp) and fp == hs.connection_fingerprint()
        assert sb.token not in fp and portal_id_of(fp) is None
        hs.portal_fingerprint()
        assert _account_calls(sb) == 1  # a refusal is remembered
        with sb.client() as again:
            assert again.portal_fingerprint() == fp  # same token, same host: same hash
        other = hf.HubSpot(token=sb.token + "x", base_url=sb.url)
        assert other.connection_fingerprint() != fp
        elsewhere = hf.HubSpot(token=sb.token, base_url="http://127.0.0.1:1")
        assert elsewhere.connection_fingerprint() != fp


def test_a_passing_failure_is_asked_again():
    with Sandbox(contacts=2, companies=0, deals=0, seed=2) as sb, sb.client(max_retries=0) as hs:
        sb.inject(503, path_contains="/account-info")
        assert hs.portal_id() is None
        assert hs.portal_id() == sb.portal_id
        assert _account_calls(sb) == 2


def test_an_odd_answer_gives_the_hash():
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"portalId": "123"})

    with hf.HubSpot(token="t-odd", transport=httpx.MockTransport(handler)) as hs:
        assert hs.portal_id() is None
        assert hs.portal_fingerprint() == hs.connection_fingerprint()
