"""The sandbox's account details endpoint: which portal a token belongs to."""

from __future__ import annotations

import httpx

from hubframe.sandbox import Sandbox


def test_account_details_name_the_sandbox_portal():
    with Sandbox(contacts=2, companies=0, deals=0, seed=7) as sb:
        r = httpx.get(
            sb.url + "/account-info/v3/details", headers={"Authorization": f"Bearer {sb.token}"}
        )
        assert r.status_code == 200
        body = r.json()
        assert body["portalId"] == sb.portal_id and isinstance(body["portalId"], int)
        assert {"timeZone", "companyCurrency", "uiDomain", "dataHostingLocation"} <= set(body)
        assert r.headers["X-HubSpot-Correlation-Id"]
        # no token: 401 like every API endpoint
        assert httpx.get(sb.url + "/account-info/v3/details").status_code == 401


def test_account_details_need_the_oauth_scope():
    with Sandbox(contacts=2, companies=0, deals=0, scopes=["crm.objects.contacts.read"]) as sb:
        headers = {"Authorization": f"Bearer {sb.token}"}
        r = httpx.get(sb.url + "/account-info/v3/details", headers=headers)
        assert r.status_code == 403
        body = r.json()
        assert body["category"] == "MISSING_SCOPES"
        assert body["errors"][0]["context"]["requiredGranularScopes"] == ["oauth"]
    with Sandbox(contacts=2, companies=0, deals=0, seed=1, scopes=["oauth"]) as sb:
        headers = {"Authorization": f"Bearer {sb.token}"}
        r = httpx.get(sb.url + "/account-info/v3/details", headers=headers)
        assert r.status_code == 200 and r.json()["portalId"] == sb.portal_id
