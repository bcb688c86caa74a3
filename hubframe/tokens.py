"""The token: held without being shown, sent as a bearer header, scrubbed from text.

Everything that could show the token goes through this module: the client's
reprs and errors, the widgets' messages and the cassette recorder all call
:func:`scrub`, the one scrubber.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterable

import httpx

__all__ = ["REDACTED", "BearerAuth", "Secret", "redact", "scrub"]

#: What a scrubbed secret is replaced with.
REDACTED = "REDACTED"

# Token-like values: bearer credentials, HubSpot private-app tokens (``pat-na1-...``),
# legacy API keys passed as ``hapikey=...``.
_BEARER = re.compile(r"(?i)\bBearer\s+[A-Za-z0-9._~+/=-]+")
_PAT = re.compile(r"\bpat-[A-Za-z0-9]+-[A-Za-z0-9-]+")
_HAPIKEY = re.compile(r"(?i)(hapikey=)[^&\"'\s]+")


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Replace the given secrets and anything token-like in ``text`` with ``REDACTED``.

    Args:
        text: a message, body, URL or header value.
        secrets: exact strings to remove (the token a client holds).

    Returns:
        The text with every secret, bearer credential, ``pat-...`` token and
        ``hapikey=`` value replaced.
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, REDACTED)
    text = _BEARER.sub(f"Bearer {REDACTED}", text)
    text = _PAT.sub(REDACTED, text)
    return _HAPIKEY.sub(rf"\g<1>{REDACTED}", text)


def redact(token: str) -> str:
    """What a token looks like wherever it is shown: its last 4 characters at most."""
    if len(token) <= 8:
        return "***"
    return "***" + token[-4:]


class Secret:
    """Holds the token; its repr never shows it, and it refuses to be pickled."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        """The token itself, for the Authorization header."""
        return self._value

    def scrub(self, text: str) -> str:
        """``text`` with this token (and anything token-like) replaced."""
        return scrub(text, (self._value,))

    def __repr__(self) -> str:
        return "'***'"

    __str__ = __repr__

    def __reduce__(self) -> tuple[()]:  # refuse to be pickled into a checkpoint or cache
        raise TypeError("the HubSpot token cannot be pickled")


class BearerAuth(httpx.Auth):
    """Adds ``Authorization: Bearer <token>`` to every request, and never shows it."""

    def __init__(self, secret: Secret):
        self._secret = secret

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self._secret.reveal()}"
        yield request

    def __repr__(self) -> str:
        return "<BearerAuth ***>"
