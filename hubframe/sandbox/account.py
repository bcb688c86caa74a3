"""The account details endpoint: which portal a token belongs to.

The shape is per HubSpot's documentation of ``GET /account-info/v3/details`` (not in
the facts file); only ``portalId`` differs between sandboxes, the rest are fixed,
plausible values.
"""

from __future__ import annotations

from .calls import Call, Reply
from .state import PortalState

__all__ = ["account_details"]


def account_details(call: Call, store: PortalState) -> Reply:
    """GET /account-info/v3/details."""
    return Reply(
        200,
        {
            "portalId": store.portal_id,
            "accountType": "STANDARD",
            "timeZone": "US/Eastern",
            "companyCurrency": "USD",
            "additionalCurrencies": [],
            "utcOffset": "-05:00",
            "utcOffsetMilliseconds": -18_000_000,
            "uiDomain": "app.hubspot.com",
            "dataHostingLocation": "na1",
        },
    )
