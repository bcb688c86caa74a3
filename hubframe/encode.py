"""Python values -> the strings HubSpot stores, checked against property definitions.

The inverse of the parser in ``_parse``: before any write (create, update,
upsert, search filter, form field) values are checked here, so a bad value fails
locally with an error naming the property, the value and the fix, and nothing
is half-written.

One rule for every write (create, update, upsert; one record as a dict or many as a
DataFrame or a list of dicts): an empty value (None, NaN, ``pd.NA``, ``NaT``, NumPy's
too) leaves the property as it is, wherever it is written, and a value is cleared only
by the explicit marker :data:`CLEAR` (sent as HubSpot's ``""``). The empty string
itself is refused: HubSpot reads ``""`` as "clear", and a frame read from a CSV or
filled with ``fillna("")`` holds ``""`` where nothing was meant, so taking it at its
word would wipe values by accident. :func:`hubframe.validate.is_missing` is that one test.

What is sent must be what HubSpot stores and hubframe reads back: numbers only in the
plain notation HubSpot reads as numbers (:data:`NUMBER_RE`), text only as valid Unicode
(a lone surrogate cannot be sent as UTF-8), times only within the years a datetime
holds (1-9999).
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import numbers
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from .errors import InputError
from .validate import check_email, is_ascii_digits, is_missing

if TYPE_CHECKING:  # pragma: no cover
    from .properties import Property, PropertySet

__all__ = [
    "CLEAR",
    "NUMBER_RE",
    "Clear",
    "check_text",
    "encode_properties",
    "encode_value",
]

_MIDNIGHT_MS = 86_400_000
_NUMBER_FIX = (
    "; pass an int, a float or a numeric string such as '12.5' or '-1.5e3' "
    "(None leaves it as it is, hf.CLEAR clears it)"
)

#: The text a number property takes: ASCII digits with an optional sign, one decimal
#: point and an exponent (``-12``, ``12.5``, ``.5``, ``1e6``). Python's ``float()`` also
#: takes ``'1_000'``, full-width and other scripts' digits, ``'inf'`` and ``'nan'``: HubSpot
#: keeps such text as it is, and it then reads back as no number at all. Which notations
#: HubSpot parses is unconfirmed; this is the plain decimal notation every JSON and
#: HubSpot client writes, so a value it accepts is one every reader reads back.
NUMBER_RE = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)


class Clear:
    """The type of :data:`CLEAR`, the marker that clears a property in a write.

    There is one instance; copies and pickles of it are that instance too, so a
    DataFrame cell holding it survives ``copy.deepcopy`` and round trips.
    """

    __slots__ = ()
    _instance: ClassVar[Clear | None] = None

    def __new__(cls) -> Clear:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "hf.CLEAR"

    def __reduce__(self) -> str:
        return "CLEAR"  # pickle and copy find the module's one instance by name


#: Write this as a value to clear a property: ``hs.contacts.update(id, {"phone": hf.CLEAR})``,
#: or in a DataFrame cell. Empty cells (None, NaN) leave a property as it is.
CLEAR = Clear()

_EMPTY_FIX = (
    "empty cells (None, NaN) leave a property as it is; to clear it, write hf.CLEAR "
    "(hubframe refuses '' because HubSpot would read it as a clear: df.replace('', None) "
    "leaves those cells alone)"
)


def _date_string(prop: Property, value: Any, given: Any = None) -> str:
    # ``given`` is what the caller passed, named in messages; ``value`` may be parsed from it.
    given = value if given is None else given
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.timezone.utc)
        if value.time() != dt.time(0):
            raise InputError(
                f"{prop.name} is a date property: {given!r} is not midnight UTC. Pass a date "
                "(e.g. '2024-05-01' or datetime.date(2024, 5, 1))."
            )
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return _date_string(prop, value.to_pydatetime(), given)
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        if int(value) % _MIDNIGHT_MS:
            raise InputError(
                f"{prop.name} is a date property: epoch milliseconds {given!r} is not midnight UTC "
                "(HubSpot rejects it). Pass a date such as '2024-05-01'."
            )
        return _from_epoch_ms(prop, int(value), given).date().isoformat()
    if isinstance(value, str):
        parsed = _date_text(value.strip())
        if parsed is not None:
            return _date_string(prop, parsed, given)
    raise InputError(f"{prop.name} is a date property: {given!r} is not a date (use 'YYYY-MM-DD')")


def _date_text(text: str) -> dt.date | dt.datetime | int | None:
    """A date string as a date, a datetime (ISO with a time) or epoch ms; None if none fits."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    if is_ascii_digits(text):
        return int(text)
    try:
        return dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None


def _from_epoch_ms(prop: Property, ms: int, given: Any) -> dt.datetime:
    """Epoch milliseconds as a UTC datetime, or InputError when no datetime holds them."""
    try:
        return dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        raise InputError(
            f"{prop.name}: epoch milliseconds {given!r} is outside the years 1-9999, so it is "
            "no time HubSpot or pandas can hold (seconds or microseconds given as "
            "milliseconds?); pass milliseconds since 1970, an ISO date or a datetime"
        ) from None


def _datetime_string(prop: Property, value: Any) -> str:
    if hasattr(value, "to_pydatetime"):
        value = value.to_pydatetime()
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise InputError(
                f"{prop.name} is a datetime property: {value!r} has no time zone. Give one "
                "(e.g. datetime(..., tzinfo=timezone.utc)) so the stored time is the one you mean."
            )
        value = value.astimezone(dt.timezone.utc)
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"
    if isinstance(value, dt.date):
        return value.isoformat() + "T00:00:00.000Z"
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return _datetime_string(prop, _from_epoch_ms(prop, int(value), value))
    if isinstance(value, str):
        text = value.strip()
        if is_ascii_digits(text):
            return _datetime_string(prop, int(text))
        try:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None:
            if parsed.tzinfo is None and len(text) > 10:
                parsed = parsed.replace(
                    tzinfo=dt.timezone.utc
                )  # HubSpot reads offset-less ISO as UTC
            elif parsed.tzinfo is None:
                return _datetime_string(prop, parsed.date())
            return _datetime_string(prop, parsed)
    raise InputError(
        f"{prop.name} is a datetime property: {value!r} is not a time "
        "(use ISO 8601 such as '2024-05-01T09:30:00Z', a timezone-aware datetime, or epoch ms)"
    )


def _number_string(prop: Property, value: Any) -> str:
    if isinstance(value, bool):
        raise InputError(
            f"{prop.name} is a number property: {value!r} is a bool, not a number{_NUMBER_FIX}"
        )
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        if not math.isfinite(float(value)):
            raise InputError(
                f"{prop.name} is a number property: {value!r} is not a finite number{_NUMBER_FIX}"
            )
        f = float(value)
        return str(int(f)) if f.is_integer() else repr(f)
    if isinstance(value, str) and NUMBER_RE.fullmatch(value.strip()):
        if math.isfinite(float(value)):
            return value.strip()
    raise InputError(
        f"{prop.name} is a number property: {value!r:.100} is not a number{_NUMBER_FIX}"
    )


def _bool_string(prop: Property, value: Any) -> str:
    if isinstance(value, bool) or type(value).__name__ in ("bool_", "bool"):  # numpy's too
        return "true" if value else "false"
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower()
    raise InputError(
        f"{prop.name} is a true/false property: {value!r:.100} is neither (use True or False)"
    )


def _enum_string(prop: Property, value: Any) -> str:
    if prop.multi:
        items = (
            value.split(";")
            if isinstance(value, str)
            else list(value)
            if isinstance(value, (list, tuple, set))
            else [value]
        )
        items = [str(i) for i in items if str(i) != ""]
    else:
        if isinstance(value, bool) and prop.options and set(prop.options) <= {"true", "false"}:
            value = "true" if value else "false"
        items = [str(value)]
    options = list(prop.options)
    if options:
        bad = [i for i in items if i not in options]
        if bad:
            near = difflib.get_close_matches(bad[0], options, n=3, cutoff=0.5)
            hint = f" Did you mean {', '.join(map(repr, near))}?" if near else ""
            shown = ", ".join(map(repr, options[:12])) + (" ..." if len(options) > 12 else "")
            raise InputError(
                f"{prop.name}: {bad[0]!r} is not one of its options; use one of {shown}.{hint} "
                "Enumeration values are case-sensitive internal values, not labels."
            )
    return ";".join(items)


def encode_value(prop: Property, value: Any) -> str:
    """The HubSpot string for ``value`` of property ``prop`` (a missing value or ``""``
    gives ``""``, as a search filter takes it; writes go through :func:`encode_properties`).

    Raises:
        InputError: the value does not fit the property's type or options, is not valid
            Unicode text, or is :data:`CLEAR` (a write's marker, not a value).
    """
    if isinstance(value, Clear):
        raise InputError(
            f"{prop.name}: hf.CLEAR clears a property in a write (create, update, upsert); "
            "it is not a value to search for or submit"
        )
    if is_missing(value) or (isinstance(value, str) and value == ""):
        return ""
    return check_text(_typed_string(prop, value), f"{prop.name}", value)


def check_text(text: str, where: str, given: Any = None) -> str:
    """``text`` when it can be sent as UTF-8; InputError naming ``where`` otherwise.

    A lone surrogate (``'\\ud800'``, e.g. from text decoded with ``surrogateescape`` or
    a JSON ``\\ud800`` escape) is not Unicode text: it cannot be encoded, so the request
    could not even be built.
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        shown = given if given is not None else text
        raise InputError(
            f"{where}: {shown!r:.100} is not valid Unicode text (a lone surrogate "
            f"{text[exc.start]!r} at position {exc.start}); values must be valid text: "
            "decode the source with the right encoding, or drop the character"
        ) from None
    return text


def _typed_string(prop: Property, value: Any) -> str:
    """The string of a present value, by the property's type."""
    kind = prop.type
    if kind == "date":
        return _date_string(prop, value)
    if kind == "datetime":
        return _datetime_string(prop, value)
    if kind == "number":
        return _number_string(prop, value)
    if kind == "bool":
        return _bool_string(prop, value)
    if kind == "enumeration":
        return _enum_string(prop, value)
    if isinstance(value, bool) or not isinstance(value, (str, numbers.Number)):
        raise InputError(
            f"{prop.name} holds text: {value!r:.100} ({type(value).__name__}) is not text; pass a string"
        )
    text = str(value)
    if prop.name == "email" and text:
        check_email(text, what="email")
    return text


def encode_properties(
    props: PropertySet, values: Mapping[str, Any], *, what: str = "properties"
) -> dict[str, str]:
    """Check and encode a ``{name: value}`` mapping for a write (create, update, upsert).

    Empty values (None, NaN, ``pd.NA``, ``NaT``) are left out: the property stays as it
    is. :data:`CLEAR` is sent as ``""``, which clears it. ``""`` itself (or a value that
    would be sent as ``""``, such as an empty list for a multi-select) is refused, so
    nothing is cleared by accident.

    Raises:
        InputError: not a mapping, nothing to write, a read-only property, ``""``, or a
            bad value.
        UnknownPropertyError: a name the portal does not define.
    """
    if not isinstance(values, Mapping):
        raise InputError(
            f"{what} must be a dict of property name -> value, not {type(values).__name__}"
        )
    for key in values:
        if not isinstance(key, str):
            raise InputError(f"property names must be strings, not {key!r}")
    props.resolve([str(k) for k in values], default=[])  # raises UnknownPropertyError
    given = {name: value for name, value in values.items() if not is_missing(value)}
    if not given:
        left = " (None and NaN leave a property as it is; hf.CLEAR clears one)" if values else ""
        raise InputError(
            f"{what} is empty{left}: give at least one property, e.g. {{'email': 'ada@example.com'}}"
        )
    out: dict[str, str] = {}
    for name, value in given.items():
        prop = props[name]
        if prop.read_only:
            raise InputError(f"{name} is computed by HubSpot and cannot be written; leave it out")
        out[name] = _write_value(prop, value)
    return out


def _write_value(prop: Property, value: Any) -> str:
    """One value of a write: :data:`CLEAR` is ``""``; nothing else may become ``""``."""
    if isinstance(value, Clear):
        return ""
    encoded = encode_value(prop, value)
    if encoded == "":
        raise InputError(f"{prop.name} is {value!r}, which would clear it: {_EMPTY_FIX}")
    return encoded
