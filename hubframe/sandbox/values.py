"""Property values as HubSpot stores them: validation, normalisation, time helpers.

Facts §2.3: every value is a string; numbers as decimal strings, booleans
``"true"``/``"false"``, dates ``YYYY-MM-DD``, datetimes ISO-8601 UTC with
milliseconds and ``Z``. Inputs may also be epoch milliseconds; a ``date``
given in epoch ms must be midnight UTC. Multi-checkbox values are
``;``-separated and a leading ``;`` appends. ``""`` clears a value.
"""

from __future__ import annotations

import functools
import math
import re
import time
from datetime import date, datetime, timezone
from typing import Any

from .crm.definitions import PropertyDef

__all__ = [
    "PropertyValueError",
    "normalize",
    "iso_ms",
    "now_ms",
    "parse_time_ms",
    "date_ms",
    "EMAIL_RE",
]

# HubSpot's email rule. The client checks emails with its own copy
# (hubframe.validate.EMAIL_RE) on purpose: were one side wrong, the tests of the
# other would show it.
EMAIL_RE = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_INT_RE = re.compile(r"^-?\d+$")
# What HubSpot reads as a number: ASCII digits, a sign, one dot, an exponent. Python's
# float() also takes "1_000", full-width and other scripts' digits, which HubSpot's
# (Java) number parsing does not; that is unconfirmed, and refusing them is what a
# client must survive. The client keeps its own copy (hubframe.encode.NUMBER_RE).
_NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
# The epoch milliseconds of 0001-01-01 and of the last millisecond of 9999: the times a
# datetime (and HubSpot's ISO form, four-digit years) holds.
_MIN_MS = -62_135_596_800_000
_MAX_MS = 253_402_300_799_999


class PropertyValueError(Exception):
    """One invalid value: HubSpot's error code and message for it."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def now_ms() -> int:
    """The current time in epoch milliseconds."""
    return time.time_ns() // 1_000_000


@functools.lru_cache(maxsize=2**16)  # a record's createdAt is also its createdate
def iso_ms(ms: int) -> str:
    """Epoch ms -> ``2020-02-29T03:30:17.000Z`` (HubSpot's datetime format)."""
    days, rest = divmod(ms, _DAY_MS)
    seconds, millis = divmod(rest, 1000)
    return f"{_iso_day(days)}T{_CLOCK[seconds]}.{millis:03d}Z"


_DAY_MS = 86_400_000
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# ``HH:MM:SS`` of every second of a day: every record served formats two or more stamps.
_CLOCK = [f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}" for s in range(86_400)]


@functools.lru_cache(maxsize=2**13)  # records share days: most timestamps need no date math
def _iso_day(days: int) -> str:
    """Days since 1970-01-01 -> ``YYYY-MM-DD``."""
    return date.fromordinal(_EPOCH_ORDINAL + days).isoformat()


def date_ms(value: str) -> int:
    """``YYYY-MM-DD`` -> epoch ms of that midnight UTC."""
    d = date.fromisoformat(value)
    return int(datetime(d.year, d.month, d.day, tzinfo=timezone.utc).timestamp()) * 1000


def parse_time_ms(value: Any) -> int | None:
    """Epoch ms (int or digit string), ISO datetime or ``YYYY-MM-DD`` -> epoch ms, or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if math.isfinite(value) else None
    s = str(value).strip()
    if _INT_RE.match(s):
        return int(s)
    if _DATE_RE.match(s):
        try:
            return date_ms(s)
        except ValueError:
            return None
    try:
        # Python 3.10's fromisoformat does not take "Z".
        dt = datetime.fromisoformat(s[:-1] + "+00:00" if s.endswith(("Z", "z")) else s)
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp() * 1000 + (0.5 if dt.timestamp() >= 0 else -0.5))


def _as_string(raw: Any) -> str:
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    return str(raw)


def normalize(
    defn: PropertyDef, raw: Any, current: str | None = None, *, object_type: str = ""
) -> str:
    """Validate one input value against its definition and return the stored string.

    Args:
        defn: the property's definition.
        raw: the value from the request (string, number, bool or None).
        current: the record's current value (for ``;``-appending to multi-checkboxes).
        object_type: ``contacts`` etc. (contact emails are validated and lower-cased).

    Returns:
        The value as HubSpot would store it; ``""`` clears.

    Raises:
        PropertyValueError: with HubSpot's error code (INVALID_OPTION, INVALID_DATE, ...).
    """
    s = _as_string(raw)
    if s == "":
        return ""
    t = defn.type
    if t == "number":
        return _normalize_number(s)
    if t == "bool":
        return _normalize_bool(s)
    if t == "date":
        return _normalize_date(s)
    if t == "datetime":
        return _normalize_datetime(s)
    if t == "enumeration":
        return _normalize_enumeration(defn, s, current)
    if object_type == "contacts" and defn.name == "email":
        email = s.strip().lower()
        if not EMAIL_RE.match(email):
            raise PropertyValueError("INVALID_EMAIL", f"Email address {s} is invalid")
        return email
    if len(s) > 65536:
        raise PropertyValueError(
            "INVALID_STRING_LENGTH", "String values are limited to 65536 characters."
        )
    return s


def _normalize_number(s: str) -> str:
    f = float(s) if _NUMBER_RE.fullmatch(s.strip()) else math.nan
    if not math.isfinite(f):
        raise PropertyValueError("INVALID_LONG", f"{s} was not a valid long.")
    return s.strip()


def _normalize_bool(s: str) -> str:
    low = s.strip().lower()
    if low not in ("true", "false"):
        raise PropertyValueError(
            "INVALID_BOOLEAN", f"{s} was not a valid boolean (use true or false)."
        )
    return low


def _normalize_datetime(s: str) -> str:
    ms = parse_time_ms(s)
    if ms is None or not _MIN_MS <= ms <= _MAX_MS:
        raise PropertyValueError(
            "INVALID_DATETIME",
            f"{s} was not a valid datetime: use ISO 8601 or epoch milliseconds.",
        )
    return iso_ms(ms)


def _normalize_date(s: str) -> str:
    st = s.strip()
    if _DATE_RE.match(st):
        try:
            date.fromisoformat(st)
        except ValueError:
            raise PropertyValueError("INVALID_DATE", f"{s} was not a valid date.") from None
        return st
    ms = parse_time_ms(st)
    if ms is None or not _MIN_MS <= ms <= _MAX_MS:
        raise PropertyValueError(
            "INVALID_DATE",
            f"{s} was not a valid date: use YYYY-MM-DD or midnight-UTC epoch milliseconds.",
        )
    rem = ms % 86_400_000
    if rem:
        hours, rest = divmod(rem, 3_600_000)
        minutes, rest = divmod(rest, 60_000)
        seconds, millis = divmod(rest, 1000)
        raise PropertyValueError(
            "INVALID_DATE", f"{s} is at {hours}:{minutes}:{seconds}.{millis} UTC, not midnight!"
        )
    return iso_ms(ms)[:10]


def _normalize_enumeration(defn: PropertyDef, s: str, current: str | None) -> str:
    allowed = defn.option_values
    if defn.multi:
        append = s.startswith(";")
        parts = [p for p in s.split(";") if p != ""]
        bad = [p for p in parts if p not in allowed]
        if bad:
            raise _invalid_option(defn, bad[0])
        if append and current:
            existing = [p for p in current.split(";") if p]
            parts = existing + [p for p in parts if p not in existing]
        seen: list[str] = []
        for p in parts:
            if p not in seen:
                seen.append(p)
        return ";".join(seen)
    if s not in allowed:
        raise _invalid_option(defn, s)
    return s


def _invalid_option(defn: PropertyDef, value: str) -> PropertyValueError:
    labels = ", ".join(label for _, label in defn.options)
    return PropertyValueError(
        "INVALID_OPTION", f"{value} was not one of the allowed options: [{labels}]"
    )
