"""The portal's owners (``GET /crm/v3/owners``), from the owner table the properties use.

HubSpot's owners are the users records can be assigned to: ``hubspot_owner_id`` holds
an owner ``id``. The sandbox's ten owners are the options of that property
(``data/properties.json``), so a loader that joins owners to records finds every id.
Their emails, user ids and dates are fixed, plausible values (the shape is HubSpot's
documented one); the sandbox has no archived owners.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from ..calls import Call, Reply, paging
from ..state import PortalState
from .definitions import OWNERS

__all__ = ["OWNER_RECORDS", "get_owners"]

OWNERS_DEFAULT_LIMIT = 100
OWNERS_MAX_LIMIT = 500  # unconfirmed: HubSpot documents the default, not the maximum
_CREATED = "2020-01-06T09:00:00.000Z"
_USER_IDS_FROM = 7_310_001


def _ascii(name: str) -> str:
    return unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()


def _owner(index: int, owner_id: str, name: str) -> dict[str, Any]:
    first, _, last = name.partition(" ")
    return {
        "id": owner_id,
        "email": f"{_ascii(first)}.{_ascii(last)}@sandbox.example.com",
        "type": "PERSON",
        "firstName": first,
        "lastName": last,
        "userId": _USER_IDS_FROM + index,
        "userIdIncludingInactive": _USER_IDS_FROM + index,
        "createdAt": _CREATED,
        "updatedAt": _CREATED,
        "archived": False,
        "teams": [],
    }


#: Every owner of the portal, as ``GET /crm/v3/owners`` lists them.
OWNER_RECORDS: list[dict[str, Any]] = [
    _owner(i, owner_id, name) for i, (owner_id, name) in enumerate(OWNERS)
]


def get_owners(call: Call, store: PortalState) -> Reply:
    """GET /crm/v3/owners: ``limit``, ``after`` (an offset here), ``email``, ``archived``."""
    limit = call.number("limit", OWNERS_DEFAULT_LIMIT, 1, OWNERS_MAX_LIMIT)
    start = call.offset()
    email = call.request.args.get("email")
    owners = [] if call.flag("archived") else OWNER_RECORDS
    if email:
        owners = [o for o in owners if o["email"] == email.strip().lower()]
    page = owners[start : start + limit]
    nxt = start + limit if start + limit < len(owners) else None
    return Reply(200, {"results": page, **paging(call, nxt)})
