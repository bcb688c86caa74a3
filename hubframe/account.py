"""Which portal a client talks to: the portal id from HubSpot's account details, or a hash.

An export's checkpoint records who it was read from, so that resuming it against
another portal is refused (:mod:`hubframe.export.job`). HubSpot says which portal a
token belongs to at ``GET /account-info/v3/details`` (the same path in every API
version: it has no dated equivalent; unsupported from September 2027 by HubSpot's v1-v3
rule); a token that may not read it (a 403, a 404, any error there) is told apart by a
hash of the base URL and the token instead: the same token on the same host is the same
portal. The hash is one-way and cut to 16 hex digits; the token itself is never kept here.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from typing import TYPE_CHECKING, Any

from .errors import HubSpotError

if TYPE_CHECKING:  # pragma: no cover
    from .client import HubSpot

__all__ = ["Account", "connection_hash", "portal_id_of"]

log = logging.getLogger("hubframe")

#: Prefixes of the two kinds of fingerprint.
PORTAL, HASH = "portal:", "hash:"


def connection_hash(base_url: str, token: str) -> str:
    """``"hash:"`` and 16 hex digits of the SHA-256 of the base URL and the token."""
    digest = hashlib.sha256(f"{base_url}\n{token}".encode()).hexdigest()
    return HASH + digest[:16]


def portal_id_of(fingerprint: Any) -> int | None:
    """The portal id in a ``"portal:123"`` fingerprint; None for a hash (or anything else)."""
    if isinstance(fingerprint, str) and fingerprint.startswith(PORTAL):
        digits = fingerprint[len(PORTAL) :]
        if digits.isdigit():
            return int(digits)
    return None


def _definitive(exc: HubSpotError) -> bool:
    """Whether an error says this token will never read the details (not a passing failure)."""
    return exc.status is not None and 400 <= exc.status < 500 and exc.status != 429


class Account:
    """The portal one client talks to, looked up once.

    Args:
        client: the client whose requests ask for the account details.
        connection: :func:`connection_hash` of its base URL and token.
    """

    def __init__(self, client: HubSpot, connection: str):
        self._client = client
        self.connection = connection
        self._lock = threading.Lock()
        self._known = False
        self._portal_id: int | None = None

    def portal_id(self) -> int | None:
        """The portal id, or None when this token may not read the account details.

        A refusal (4xx other than 429) is remembered; a passing failure (no answer,
        5xx, rate limit after every retry) gives None this time and is asked again later.
        """
        with self._lock:
            if not self._known:
                self._portal_id, self._known = self._fetch()
            return self._portal_id

    def fingerprint(self) -> str:
        """``"portal:<id>"``, or :attr:`connection` when the id is unknown."""
        portal = self.portal_id()
        return self.connection if portal is None else f"{PORTAL}{portal}"

    def _fetch(self) -> tuple[int | None, bool]:
        """(the portal id or None, whether that answer is final)."""
        client = self._client
        try:
            # The shape is per HubSpot's documentation of the account details endpoint:
            # {"portalId": 123, "timeZone": ..., "companyCurrency": ..., "uiDomain": ...,
            # "dataHostingLocation": ...}; only portalId is used.
            body = client.request_json("GET", client.paths.account_details())
        except HubSpotError as exc:
            log.debug("no account details (%s): the portal is told by a hash", exc.status)
            return None, _definitive(exc)
        portal = body.get("portalId") if isinstance(body, dict) else None
        if isinstance(portal, int) and not isinstance(portal, bool) and portal > 0:
            return portal, True
        return None, True
