"""Argument checks shared by every public function: ids, emails, flags, counts.

Each check returns the value in the form the caller needs (an id as a string of
digits, an email stripped) or raises :class:`~hubframe.errors.InputError`
naming the bad value and what to give instead, before any request is sent.
"""

from __future__ import annotations

import ipaddress
import math
import numbers
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import ConfigurationError, InputError

__all__ = [
    "EMAIL_RE",
    "check_count",
    "check_after",
    "check_email",
    "check_emails",
    "check_flag",
    "check_id",
    "check_ids",
    "check_limit",
    "check_max_records",
    "check_target",
    "check_url",
    "is_loopback",
    "is_ascii_digits",
    "is_missing",
    "is_positive_number",
    "sequence_of",
    "values_of",
    "whole_number",
]

#: The one email rule: something@domain.tld, no spaces, and none of the list
#: separators ``;`` and ``,`` (HubSpot refuses them in an email). The sandbox keeps its
#: own copy of this HubSpot fact on purpose, so a wrong rule on one side shows.
EMAIL_RE = re.compile(r"^[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+$")


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


def is_ascii_digits(text: str) -> bool:
    """True when ``text`` is one or more of the ASCII digits 0-9 and nothing else.

    ``str.isdigit`` also accepts superscripts (``'²'``), circled digits (``'①'``) and
    other scripts' digits (``'١٢'``), which ``int()`` then refuses or reads as another
    number: HubSpot's ids and epoch milliseconds are ASCII digits only.
    """
    return text.isascii() and text.isdigit()


def whole_number(value: Any) -> int | None:
    """``value`` as an int when it is of an integer type, else None (never for a bool).

    An ``int`` or a NumPy integer (``np.int64(5)``, what ``len``-like pandas results and
    integer columns hold) counts. A bool does not (``True`` is no count), nor a float
    (``10.0`` is more often a mistake than a count).
    """
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return None
    if isinstance(value, numbers.Integral):
        return int(value)
    return None


def sequence_of(values: Any) -> list[Any] | None:
    """The items of a list, tuple, set, frozenset, NumPy array, pandas Series or Index, as
    a list; None for anything else (text is one value, not a sequence of characters).

    The one reading of "several values" for search's ``IN``, ids and emails, so every
    call takes the same containers. A set keeps its iteration order.
    """
    if isinstance(values, (list, tuple, set, frozenset)):
        return list(values)
    import numpy as np
    import pandas as pd

    if isinstance(values, (np.ndarray, pd.Series, pd.Index)) and values.ndim == 1:
        return list(values.tolist())
    return None


def check_flag(value: Any, name: str) -> bool:
    """A true/false option (``archived=``, ``progress=``): a bool, never a truthy string."""
    if isinstance(value, bool) or type(value).__name__ in ("bool_", "bool"):
        return bool(value)
    raise InputError(f"{name}={value!r:.100}: use True or False")


def check_id(value: Any, *, what: str = "id") -> str:
    """A HubSpot record/list/workflow id: a positive whole number, as the string HubSpot uses.

    Any id column converts without a cast: a ``str`` of digits (hubframe's id columns),
    an ``int`` (NumPy's and pandas' ``Int64`` too), or a float holding a whole number (a
    ``Float64`` column), converted exactly (never rounded). Text is taken only as
    digits: ``"12.0"`` is refused, as a typo would be.

    Raises:
        InputError: a bool, a non-integral or non-finite float, text that is not a
            whole number, zero or a negative number.
    """
    if isinstance(value, numbers.Real) and not isinstance(value, (bool, numbers.Integral)):
        return _float_id(value, what)
    if isinstance(value, bool) or not isinstance(value, (str, int, numbers.Integral)):
        raise InputError(f"{what} {value!r} is not an id: use the number HubSpot shows, e.g. '51'")
    text = str(value).strip()
    if not is_ascii_digits(text) or int(text) <= 0:
        raise InputError(
            f"{what} {value!r} is not an id: HubSpot ids are positive whole numbers, e.g. '51'"
        )
    return str(int(text))


def _float_id(value: Any, what: str) -> str:
    """The id a float holds (``5004.0`` -> ``"5004"``), exactly, or InputError."""
    number = float(value)
    if not math.isfinite(number) or not number.is_integer():
        raise InputError(
            f"{what} {value!r} is not an id: HubSpot ids are whole numbers, and this float "
            "has a fraction (or is not finite); pass the ids as strings, e.g. '51'"
        )
    if number <= 0:
        raise InputError(
            f"{what} {value!r} is not an id: HubSpot ids are positive whole numbers, e.g. '51'"
        )
    # int() of a float is exact; above 2**53 the float may already differ from the id
    # it was made from, which no check can see: say so rather than guess.
    if number > 2**53:
        raise InputError(
            f"{what} {value!r} is too large to be an exact id as a float: read the ids as "
            "strings (hubframe's id columns are), or pass them as int"
        )
    return str(int(number))


def values_of(
    values: Any,
    *,
    column: str,
    what: str,
    name: str,
    example: str,
    single: tuple[type, ...] = (str, int),
) -> list[Any]:
    """The one reading of "one value, a list, a Series or a DataFrame column" as a list.

    Args:
        values: one str/int, a list/tuple/set or other iterable, a pandas Series (missing
            values dropped) or a DataFrame with a ``column`` column.
        column: the DataFrame column to take (``id``, ``email``, an ``id_property``).
        what: what one value is, for messages (``contact id``, ``email``).
        name, example: the argument's name and an example of a good value, for messages.
        single: the types that are one value rather than a collection.

    Returns:
        The values, in order (not yet checked one by one).

    Raises:
        InputError: anything else, or nothing at all.
    """
    import pandas as pd

    if isinstance(values, pd.DataFrame):
        if column not in values.columns:
            raise InputError(
                f"the DataFrame has no {column!r} column (columns: {list(values.columns)[:8]}): "
                f"pass the column of {what}s, or rename it to {column!r}"
            )
        values = values[column]
    if isinstance(values, pd.Series):
        values = values.dropna().tolist()
    if _is_single(values, single):
        values = [values]
    items = sequence_of(values)
    values = values if items is None else items
    if not isinstance(values, Iterable) or isinstance(values, (bytes, Mapping)):
        raise InputError(
            f"{name}={values!r:.100} ({type(values).__name__}): use one {what} or a list of "
            f"them, e.g. {example}"
        )
    out = list(values)
    if not out:
        raise InputError(f"no {what}s given: pass at least one")
    return out


def _is_single(value: Any, single: tuple[type, ...]) -> bool:
    """Whether ``value`` is one value of ``single``; where ``int`` is one, so is any
    integer type (``np.int64(5)`` is one id, as ``5`` is). Never a bool."""
    if isinstance(value, bool) or type(value).__name__ == "bool_":
        return False
    return isinstance(value, single) or (int in single and whole_number(value) is not None)


def check_ids(values: Any, *, what: str = "id") -> list[str]:
    """Ids from one id, a list/tuple/set, a pandas Series or a DataFrame with an ``id`` column."""
    found = values_of(values, column="id", what=what, name="ids", example="['51', '52']")
    return [check_id(v, what=what) for v in found]


def check_email(email: Any, *, what: str = "email") -> str:
    """Return the email stripped, or raise InputError naming it."""
    if not isinstance(email, str) or not EMAIL_RE.match(email.strip()):
        raise InputError(f"{what} {email!r} is not an email address (expected name@example.com)")
    return email.strip()


def check_emails(emails: Any) -> list[str]:
    """Emails given as one, a list, a Series or a DataFrame's ``email`` column: checked, once each."""
    found = values_of(
        emails, column="email", what="email", name="emails", example="['ada@example.com']",
        single=(str,),
    )  # fmt: skip
    return list(dict.fromkeys(check_email(e) for e in found))


def check_count(name: str, value: Any, low: int) -> int:
    """A whole-number option (``parallel=``, ``row_group_size=``) of at least ``low``, as an
    int (NumPy integers are taken; see :func:`whole_number`)."""
    number = whole_number(value)
    if number is None or number < low:
        raise InputError(f"{name}={value!r:.100}: use a whole number >= {low}")
    return number


def check_limit(limit: Any, page_max: int) -> int:
    """Records per page: a whole number from 1 to ``page_max``, as an int."""
    number = whole_number(limit)
    if number is None or not 1 <= number <= page_max:
        raise InputError(
            f"limit={limit!r:.100}: a page holds 1 to {page_max} records; use a whole number"
        )
    return number


def check_max_records(max_records: Any) -> int | None:
    """``max_records=``: None for all, else a whole number >= 1, as an int."""
    if max_records is None:
        return None
    number = whole_number(max_records)
    if number is None or number < 1:
        raise InputError(
            f"max_records={max_records!r:.100}: use a whole number >= 1, or None for all"
        )
    return number


def check_after(after: Any) -> str | None:
    """A paging cursor (``after=``): None for the first page, else the cursor as text.

    HubSpot's cursors are text, but a cursor kept in an int column (NumPy's too) is
    taken as the whole number it holds.
    """
    if after is None:
        return None
    number = whole_number(after)
    if number is not None and number >= 0:
        return str(number)
    if isinstance(after, str) and after.strip():
        return after.strip()
    raise InputError(f"after={after!r:.100}: pass the cursor from df.attrs['next_after'], or None")


def is_positive_number(value: Any) -> bool:
    """A finite number > 0 (not a bool, not NaN)."""
    return (
        isinstance(value, (int, float))
        and not isinstance(value, bool)
        and math.isfinite(value)
        and value > 0
    )


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine."""
    if host in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_url(name: str, url: Any) -> str:
    """An http(s) URL without a trailing slash; plain http only to this machine (the token
    would travel unencrypted). Raises ConfigurationError."""
    if not isinstance(url, str):
        raise ConfigurationError(
            f"{name}={url!r:.100} is not a URL; use a string such as 'https://api.hubapi.com'"
        )
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(
            f"{name}={url!r} is not an http(s) URL; use e.g. 'https://api.hubapi.com'"
        )
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ConfigurationError(
            f"{name}={url!r} uses plain http to a host that is not this machine: the token "
            "would travel unencrypted. Use https, or a sandbox on 127.0.0.1."
        )
    return url.rstrip("/")


#: How much longer than the target's name the longest file an export or a sync puts next
#: to it is named (``.{name}.checkpoint.json``, its temporary copy, ``.{name}.sync.lock``).
_DERIVED_NAME_MARGIN = 32


def check_target(path: Any) -> Path:
    """The ``.parquet`` file an export or sync writes: absolute, in a folder that exists,
    with a name the file system can hold.

    Raises:
        InputError: not a path, a NUL byte in it, a name too long for the file system
            (with the names derived from it), a directory, or in a folder that does not
            exist. Checked before anything is written.
    """
    try:
        target = Path(path).expanduser()
    except TypeError:
        raise InputError(
            f"path={path!r:.100}: use a file path such as 'contacts.parquet'"
        ) from None
    _check_path_text(target)
    try:
        is_dir, parent_is_dir = target.is_dir(), target.parent.is_dir()
    except OSError as exc:  # e.g. a folder name in the path too long
        raise InputError(
            f"path={str(target)!r:.200} cannot be used: {exc.strerror or exc}; choose a "
            "shorter path"
        ) from None
    if is_dir:
        raise InputError(
            f"{target} is a directory; name the .parquet file to write, e.g. {target / 'contacts.parquet'}"
        )
    if not parent_is_dir:
        raise InputError(f"the folder {target.parent} does not exist; create it first")
    return target.absolute()


def _check_path_text(target: Path) -> None:
    """Refuse what no file system takes: a NUL byte, a name longer than the folder allows."""
    text = str(target)
    if "\x00" in text:
        at = text.index("\x00")
        raise InputError(
            f"path={text!r:.200} holds a NUL byte (at character {at + 1}), which no file "
            "name can: remove it"
        )
    size = len(os.fsencode(target.name))
    limit = _name_max(target.parent) - _DERIVED_NAME_MARGIN
    if size > limit:
        raise InputError(
            f"path={text!r:.120}...: its file name is {size} bytes long, and the files an "
            f"export or sync keeps beside it add up to {_DERIVED_NAME_MARGIN} more; the "
            f"folder allows {limit + _DERIVED_NAME_MARGIN}: choose a name of at most "
            f"{limit} bytes"
        )


def _name_max(folder: Path) -> int:
    """The longest file name (in bytes) ``folder``'s file system allows (255 if unknown)."""
    try:
        return int(os.pathconf(folder if folder.is_dir() else ".", "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):  # no pathconf (Windows), or no such folder
        return 255
