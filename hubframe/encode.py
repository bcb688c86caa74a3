"""Python values -> the strings HubSpot stores, checked against property definitions.

The inverse of the parser in ``frames``: before any write (create, update,
search filter, form field) values are checked here, so a bad value fails
locally with an error naming the property, the value and the fix, and nothing
is half-written.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .errors import InputError

if TYPE_CHECKING:  # pragma: no cover
    from .properties import Property, PropertySet

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MIDNIGHT_MS = 86_400_000
_NUMBER_FIX = "; pass an int, a float or a numeric string such as '12.5' (None clears it)"


def is_missing(value: Any) -> bool:
    """True for one missing value: None, NaN, ``pd.NA``, ``NaT`` (numpy's too). Containers
    and text are values, never missing; this is the one check the package uses."""
    if value is None:
        return True
    if isinstance(value, (str, bytes, list, tuple, dict, set)):
        return False
    try:
        import pandas as pd

        result = pd.isna(value)
    except (ImportError, TypeError, ValueError):  # pragma: no cover - pandas is a dependency
        return isinstance(value, float) and math.isnan(value)
    # An array-like answers with an array: it is a value (refused elsewhere), not a missing one.
    return bool(result) if type(result).__name__ in ("bool", "bool_") else False


def check_email(email: Any, *, what: str = "email") -> str:
    """Return the email stripped, or raise InputError naming it."""
    if not isinstance(email, str) or not EMAIL_RE.match(email.strip()):
        raise InputError(f"{what} {email!r} is not an email address (expected name@example.com)")
    return email.strip()


def check_flag(value: Any, name: str) -> bool:
    """A true/false option (``archived=``, ``progress=``): a bool, never a truthy string."""
    if isinstance(value, bool) or type(value).__name__ in ("bool_", "bool"):
        return bool(value)
    raise InputError(f"{name}={value!r:.100}: use True or False")


def check_id(value: Any, *, what: str = "id") -> str:
    """A HubSpot record/list/workflow id: digits only, given as str or int."""
    if isinstance(value, bool) or not isinstance(value, (str, int, numbers.Integral)):
        raise InputError(f"{what} {value!r} is not an id: use the number HubSpot shows, e.g. '51'")
    text = str(value).strip()
    if not text.isdigit() or int(text) <= 0:
        raise InputError(f"{what} {value!r} is not an id: HubSpot ids are positive whole numbers, e.g. '51'")
    return str(int(text))


def check_ids(values: Any, *, what: str = "id") -> list[str]:
    """Ids from one id, a list/tuple/set, a pandas Series or a DataFrame with an ``id`` column."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover
        pd = None
    if pd is not None and isinstance(values, pd.DataFrame):
        if "id" not in values.columns:
            raise InputError(f"the DataFrame has no 'id' column to take {what}s from (columns: {list(values.columns)[:8]})")
        values = values["id"]
    if pd is not None and isinstance(values, pd.Series):
        values = values.dropna().tolist()
    if isinstance(values, (str, int)) and not isinstance(values, bool):
        values = [values]
    if not isinstance(values, Iterable) or isinstance(values, (bytes, Mapping)):
        raise InputError(
            f"{what}s must be an id or a list of ids (e.g. ['51', '52']), not {type(values).__name__} {values!r:.100}"
        )
    out = [check_id(v, what=what) for v in values]
    if not out:
        raise InputError(f"no {what}s given: pass at least one")
    return out


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
        return dt.datetime.fromtimestamp(int(value) / 1000, dt.timezone.utc).date().isoformat()
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            pass
        if text.isdigit():
            return _date_string(prop, int(text), given)
        try:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None:  # checked outside the try: InputError is a ValueError too
            return _date_string(prop, parsed, given)
    raise InputError(f"{prop.name} is a date property: {given!r} is not a date (use 'YYYY-MM-DD')")


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
        return _datetime_string(prop, dt.datetime.fromtimestamp(int(value) / 1000, dt.timezone.utc))
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return _datetime_string(prop, int(text))
        try:
            parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            parsed = None
        if parsed is not None:
            if parsed.tzinfo is None and len(text) > 10:
                parsed = parsed.replace(tzinfo=dt.timezone.utc)  # HubSpot reads offset-less ISO as UTC
            elif parsed.tzinfo is None:
                return _datetime_string(prop, parsed.date())
            return _datetime_string(prop, parsed)
    raise InputError(
        f"{prop.name} is a datetime property: {value!r} is not a time "
        "(use ISO 8601 such as '2024-05-01T09:30:00Z', a timezone-aware datetime, or epoch ms)"
    )


def _number_string(prop: Property, value: Any) -> str:
    if isinstance(value, bool):
        raise InputError(f"{prop.name} is a number property: {value!r} is a bool, not a number{_NUMBER_FIX}")
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        if not math.isfinite(float(value)):
            raise InputError(f"{prop.name} is a number property: {value!r} is not a finite number{_NUMBER_FIX}")
        f = float(value)
        return str(int(f)) if f.is_integer() else repr(f)
    if isinstance(value, str):
        try:
            f = float(value.strip())
        except ValueError:
            f = math.nan
        if math.isfinite(f):
            return value.strip()
    raise InputError(f"{prop.name} is a number property: {value!r:.100} is not a number{_NUMBER_FIX}")


def _bool_string(prop: Property, value: Any) -> str:
    if isinstance(value, bool) or type(value).__name__ in ("bool_", "bool"):  # numpy's too
        return "true" if value else "false"
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower()
    raise InputError(f"{prop.name} is a true/false property: {value!r:.100} is neither (use True or False)")


def _enum_string(prop: Property, value: Any) -> str:
    if prop.multi:
        items = value.split(";") if isinstance(value, str) else list(value) if isinstance(value, (list, tuple, set)) else [value]
        items = [str(i) for i in items if str(i) != ""]
    else:
        if isinstance(value, bool) and prop.options and set(prop.options) <= {"true", "false"}:
            value = "true" if value else "false"
        items = [str(value)]
    options = list(prop.options)
    if options:
        bad = [i for i in items if i not in options]
        if bad:
            import difflib

            near = difflib.get_close_matches(bad[0], options, n=3, cutoff=0.5)
            hint = f" Did you mean {', '.join(map(repr, near))}?" if near else ""
            shown = ", ".join(map(repr, options[:12])) + (" ..." if len(options) > 12 else "")
            raise InputError(
                f"{prop.name}: {bad[0]!r} is not one of its options; use one of {shown}.{hint} "
                "Enumeration values are case-sensitive internal values, not labels."
            )
    return ";".join(items)


def encode_value(prop: Property, value: Any) -> str:
    """The HubSpot string for ``value`` of property ``prop``; '' clears a value.

    Raises:
        InputError: the value does not fit the property's type or options.
    """
    if is_missing(value) or (isinstance(value, str) and value == ""):
        return ""
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


def encode_properties(props: PropertySet, values: Mapping[str, Any], *, what: str = "properties") -> dict[str, str]:
    """Check and encode a ``{name: value}`` mapping for a create or update.

    Raises:
        InputError: not a mapping, empty, a read-only property, or a bad value.
        UnknownPropertyError: a name the portal does not define.
    """
    if not isinstance(values, Mapping):
        raise InputError(f"{what} must be a dict of property name -> value, not {type(values).__name__}")
    if not values:
        raise InputError(f"{what} is empty: give at least one property, e.g. {{'email': 'ada@example.com'}}")
    names = [str(k) for k in values]
    for key in values:
        if not isinstance(key, str):
            raise InputError(f"property names must be strings, not {key!r}")
    props.resolve(names, default=[])  # raises UnknownPropertyError with suggestions
    out: dict[str, str] = {}
    for name, value in values.items():
        prop = props[name]
        if prop.read_only:
            raise InputError(f"{name} is computed by HubSpot and cannot be written; leave it out")
        out[name] = encode_value(prop, value)
    return out
