"""The token: held without being shown, sent as a bearer header, scrubbed from text.

Everything that could show the token goes through this module: the client's
reprs and errors, the widgets' messages and the cassette recorder all call
:func:`scrub`, the one scrubber.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Iterable
from urllib.parse import quote, urlsplit, urlunsplit

import httpx

__all__ = [
    "REDACTED",
    "BearerAuth",
    "Secret",
    "mask_userinfo",
    "redact",
    "scrub",
    "token_problem",
]

#: What a scrubbed secret is replaced with.
REDACTED = "REDACTED"

# Token-like values: bearer credentials, HubSpot private-app tokens (``pat-na1-...``),
# legacy API keys passed as ``hapikey=...``.
# In an escaped repr (``b'Bearer pat-...\\n...'``, from an error about a header) a token
# goes on past a backslash escape, so an escape is matched as part of the token.
_ESCAPE = r"\\(?:x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[nrtvf0\\])"
_BEARER = re.compile(rf"(?i)\bBearer\s+(?:[A-Za-z0-9._~+/=-]|{_ESCAPE})+")
_PAT = re.compile(rf"\bpat-[A-Za-z0-9]+-(?:[A-Za-z0-9-]|{_ESCAPE})+")
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
        for form in _spellings(secret):
            text = text.replace(form, REDACTED)
    text = _BEARER.sub(f"Bearer {REDACTED}", text)
    text = _PAT.sub(REDACTED, text)
    return _HAPIKEY.sub(rf"\g<1>{REDACTED}", text)


def _spellings(secret: str) -> list[str]:
    """The ways ``secret`` can be written into text: as itself, and as the escaped forms
    of its str, bytes, JSON and URL reprs (an exception about a header shows the bytes
    repr, where a newline is ``\\n`` and a non-ASCII letter ``\\xe9``)."""
    if not secret:
        return []
    forms = {
        secret,
        repr(secret)[1:-1],
        repr(secret.encode("utf-8", "surrogatepass"))[2:-1],
        json.dumps(secret)[1:-1],
        json.dumps(secret, ensure_ascii=False)[1:-1],
        quote(secret, safe=""),
    }
    # Longest first, so a shorter spelling never cuts a longer one in two.
    return sorted(forms, key=len, reverse=True)


def token_problem(token: str) -> str | None:
    """Why ``token`` cannot be sent as a header, or None: it must be printable ASCII
    without spaces.

    A control character (a newline pasted in), a space inside or a non-ASCII character
    cannot travel in an HTTP header; httpx would refuse it with an error quoting the
    header, token included, on every retry. The message names what is wrong and where,
    never the token; the caller raises it (as a ``ConfigurationError``) once it no
    longer holds the token in a local variable a traceback could show.
    """
    for position, char in enumerate(token):
        if "!" <= char <= "~":
            continue
        if char == " ":
            what = "a space"
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            what = "a control character (a newline or a tab?)"
        else:
            what = "a non-ASCII character"
        return (
            f"the token holds {what} at position {position + 1} of {len(token)}: a HubSpot "
            "token is printable ASCII without spaces. Copy it again from HubSpot (Settings > "
            "Integrations > Service Keys) or check how it is read from its file or variable."
        )
    return None


def mask_userinfo(url: str, mask: str = "***@") -> str:
    """``url`` with any ``user:password@`` in it shown as ``mask`` (``"***@"``, for reprs
    and messages; ``""`` removes it)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return scrub(url)
    if "@" not in parts.netloc:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    return urlunsplit((parts.scheme, f"{mask}{host}", parts.path, parts.query, parts.fragment))


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
