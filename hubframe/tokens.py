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


def scrub(text: str, secrets: Iterable[str] = (), *, limit: int | None = None) -> str:
    """Replace the given secrets and anything token-like in ``text`` with ``REDACTED``.

    Args:
        text: a message, body, URL or header value.
        secrets: exact strings to remove (the token a client holds).
        limit: keep only the first ``limit`` characters (an excerpt of a long body).
            The text is cut first and only what is kept is scrubbed, so a huge answer
            costs no more than its excerpt; the start of a token the cut went through
            is dropped too, so no fragment of it is left at the end.

    Returns:
        The text with every secret, bearer credential, ``pat-...`` token and
        ``hapikey=`` value replaced.
    """
    secrets = tuple(secrets)
    cut = limit is not None and len(text) > limit
    if cut:
        text = text[: max(0, limit or 0)]
    for secret in secrets:
        for form in _spellings(secret):
            text = text.replace(form, REDACTED)
    text = _BEARER.sub(f"Bearer {REDACTED}", text)
    text = _PAT.sub(REDACTED, text)
    text = _HAPIKEY.sub(rf"\g<1>{REDACTED}", text)
    return _without_partial_token(text, secrets) if cut else text


def _prefixes(word: str) -> str:
    """A pattern of every non-empty start of ``word`` (``pat-``: ``pat-|pat|pa|p``)."""
    return "|".join(re.escape(word[:n]) for n in range(len(word), 0, -1))


# What may be left at the end of a cut text of a token the cut went through: a start of a
# marker (``Bea``, ``pat``, ``hapi``), or a marker with the start of its value
# (``pat-na1-``, which ``_PAT`` does not match, or ``Bearer x`` spelled oddly).
_PARTIAL = re.compile(
    rf"(?i)\b(?:(?:bearer\s+|pat-|hapikey=)\S*|(?:{_prefixes('bearer')})\s*|"
    rf"{_prefixes('pat-')}|{_prefixes('hapikey=')})$"
)


def _without_partial_token(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` (the kept start of a longer one) without a trailing start of a token."""
    end = len(text)
    for secret in secrets:
        for form in _spellings(secret):
            for n in range(min(len(form) - 1, len(text)), 0, -1):
                if text.endswith(form[:n]):
                    end = min(end, len(text) - n)
                    break
    text = text[:end]
    match = _PARTIAL.search(text)
    return text[: match.start()] if match else text


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

    def scrub(self, text: str, *, limit: int | None = None) -> str:
        """``text`` with this token (and anything token-like) replaced; ``limit``: keep
        only its first ``limit`` characters (cut before scrubbing, see :func:`scrub`)."""
        return scrub(text, (self._value,), limit=limit)

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
