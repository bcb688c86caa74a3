"""The one value parser: HubSpot's text values -> Arrow arrays of their column's type.

:func:`parse_text` reads a whole column at once (vectorised with Arrow
compute and NumPy); :func:`parse_value` reads one value the same way.


* null, a missing property and ``""`` are null in every column type.
* number: a plain decimal such as ``"3039"``, ``"-1.5"``, ``".5"``, ``"1e3"``,
  ``"1.6339968E12"`` (surrounding spaces ignored). Thousands separators
  (``"3,039"``), ``"nan"``, ``"inf"`` and overflowing values are bad cells:
  HubSpot never sends them.
* bool: ``"true"`` / ``"false"`` in any case.
* datetime: ISO 8601 of any precision (``2020-02-29T03:30:17Z``,
  ``...17.123Z``, ``...17.123456789+02:00``, ``2020-02-29 03:30``, a date alone
  meaning midnight UTC), or epoch **milliseconds** as an integer or float
  string (``"1633996800000"``, ``"1633996800000.0"``, ``"1.6339968E12"``). A
  string of digits is always epoch milliseconds. Precision beyond milliseconds
  is truncated; a time without an offset is UTC; years 1-9999.
* date: the same inputs; the value is the UTC calendar date (HubSpot sends
  ``YYYY-MM-DD`` or midnight-UTC epoch milliseconds).
* multi-select (``enumeration`` + ``checkbox``): split on ``;``, empty items
  dropped (``";a;b"`` is ``["a", "b"]``); a value with no items is null.
* string: unchanged (spaces kept).
* id (the id properties of :data:`~hubframe.dtypes.ID_PROPERTIES`): an exact integer
  string, never read through a float: ``"5075"``, ``" 5075 "``, ``"5075.0"`` and
  ``"05075"`` are ``"5075"``; an exponent form (``"5.075E3"``) is read exactly when it
  is a whole number. Anything else (``"12.5"``, ``"-3"``, ``"abc"``) is a bad cell.
* multi-id: ``;``-joined ids, each read as an id; a value with one bad id is a bad cell.

A cell that cannot be read becomes null and is counted in :class:`ParseIssues`;
a :class:`HubFrameWarning` names the column, the count and an example. Nothing
crashes on a bad value and nothing is silently guessed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .dtypes import COLUMN_TYPES, ID_KIND, MULTI_ID_KIND
from .errors import InputError
from .properties import Property

__all__ = ["parse_text", "parse_value", "show_value", "to_text"]

_BY_KIND: Mapping[str, Any] = {ct.kind: ct for ct in COLUMN_TYPES}

# Epoch milliseconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z.
_MIN_MS = -62_135_596_800_000
_MAX_MS = 253_402_300_799_999
_DAY_MS = 86_400_000

# An id as HubSpot sends it (digits), or with a zero fraction (a number property's
# "5075.0"): group 1 is the id without leading zeros.
_ID_RE = r"^\+?0*(?P<id>[0-9]+?)(?:\.0*)?$"
# An id already in its exact form: what _ID_RE's group gives back unchanged.
_PLAIN_ID_RE = r"^(?:0|[1-9][0-9]*)$"
# RE2 patterns (Arrow). [0-9], not \d: only ASCII digits are digits here.
_NUMBER_RE = r"^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$"
_ISO_RE = (
    r"^(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})"
    r"(?:[Tt ](?P<H>[0-9]{2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:[.,](?P<f>[0-9]+))?)?"
    r"(?P<z>[Zz]|[+-][0-9]{2}(?::?[0-9]{2})?)?)?$"
)
# HubSpot's own forms (2020-02-29T03:30:17.000Z, 2020-02-29), restricted to valid clock
# values so that Arrow's cast and _ISO_RE agree on them.
_CLOCK = r"(?:[01][0-9]|2[0-3]):[0-5][0-9]"
_CANONICAL_DATETIME_RE = (
    rf"^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}T{_CLOCK}:[0-5][0-9](?:\.[0-9]{{1,3}})?(?:Z|[+-]{_CLOCK})$"
)
_CANONICAL_DATE_RE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"


def show_value(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_value(value: Any, kind: str | Property) -> Any:
    """Read one HubSpot value the way frames read whole columns.

    Args:
        value: the raw value (normally a string or None).
        kind: a :class:`Property`, or one of ``number``, ``bool``, ``datetime``, ``date``,
            ``multi``, ``string``.

    Returns:
        None for null / ``""``; else a ``float``, ``bool``, timezone-aware ``datetime``
        (UTC), ``date``, ``list[str]`` or ``str``.

    Raises:
        ValueError: the value cannot be read as ``kind`` (a frame would hold null there).
        InputError: unknown kind.
    """
    if isinstance(kind, Property):
        kind = kind.kind
    if kind not in _BY_KIND:
        raise InputError(f"Unknown kind {kind!r}: use one of {', '.join(sorted(_BY_KIND))}")
    parsed, bad = parse_text(*to_text([value]), kind)
    if bad is not None and bad[0]:
        raise ValueError(f"{show_value(value)} is not a valid {kind} value")
    return parsed[0].as_py()


def parse_text(
    text: pa.Array, bad_text: np.ndarray | None, kind: str
) -> tuple[pa.Array, np.ndarray | None]:
    """Parse text (from :func:`to_text`) into the Arrow type of ``kind``.

    Args:
        text: the values as strings; ``""`` is read as null.
        bad_text: cells already known to be unreadable (None: none).
        kind: the column kind.

    Returns:
        The array, and a boolean mask of cells that were present but unreadable (None when
        there are none).
    """
    text = _nullify_empty(text)
    if kind == MULTI_ID_KIND:
        ids, bad_ids = _parse_multi_id(text)
        return ids, _either(bad_text, bad_ids)
    if kind == "string":
        parsed: pa.Array = text
    elif kind == "multi":
        parsed = _parse_multi(text)
    else:
        text = _nullify_empty(pc.utf8_trim_whitespace(text))
        parsed = _parse_scalar(text, kind)
    bad = bad_text
    # Strings never fail; a multi-select made only of separators (";") is an empty
    # selection, not a bad cell. Elsewhere, text that parsed to null was unreadable.
    if kind not in ("string", "multi"):
        bad_arrow = pc.and_(text.is_valid(), parsed.is_null())
        if pc.any(bad_arrow).as_py():
            bad = _either(bad, bad_arrow.to_numpy(zero_copy_only=False))
    return parsed, bad


def _either(a: np.ndarray | None, b: np.ndarray | None) -> np.ndarray | None:
    """The union of two unreadable-cell masks (None: no cell)."""
    if a is None:
        return b
    return a if b is None else (a | b)


def _parse_scalar(text: pa.Array, kind: str) -> pa.Array:
    """Trimmed text of one of the single-value kinds (number, bool, datetime, date, id)."""
    if kind == "number":
        return _parse_number(text)
    if kind == "bool":
        return _parse_bool(text)
    if kind == ID_KIND:
        return _parse_id(text)
    if kind == "datetime":
        ms, ok = _parse_epoch_ms(text)
        return pa.array(ms, type=_BY_KIND["datetime"].arrow, mask=~ok)
    if kind == "date":
        ms, ok = _parse_epoch_ms(text, date_first=True)
        days = np.floor_divide(ms, _DAY_MS).astype(np.int32)
        return pa.array(days, type=_BY_KIND["date"].arrow, mask=~ok)
    raise InputError(f"Unknown kind {kind!r}")  # pragma: no cover - _kind_of yields the above


def to_text(values: Sequence[Any]) -> tuple[pa.Array, np.ndarray | None]:
    """The values as an Arrow string array, and the cells that cannot be text.

    HubSpot sends strings or null; anything else (numbers, booleans, nested JSON) is turned
    into the text HubSpot would have sent. A string that is not valid Unicode (a lone
    surrogate) cannot be stored and is a bad cell.
    """
    bad = None
    try:
        arr = pa.array(values, type=pa.string())
    except (pa.ArrowException, TypeError, ValueError):
        texts = [_as_text(v) for v in values]
        try:
            arr = pa.array(texts, type=pa.string())
        except UnicodeError:
            bad = np.zeros(len(texts), dtype=bool)
            for j, text in enumerate(texts):
                try:
                    text is None or text.encode("utf-8")
                except UnicodeEncodeError:
                    texts[j] = None
                    bad[j] = True
            arr = pa.array(texts, type=pa.string())
    return arr, bad


def _as_text(value: Any) -> str | None:
    if value is None or isinstance(value, str):
        return value
    # NumPy's booleans too: Arrow reads them as booleans, and both readers must agree.
    if isinstance(value, (bool, np.bool_)):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    try:
        return json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return str(value)


def _nullify_empty(text: pa.Array) -> pa.Array:
    return pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)


def _parse_number(text: pa.Array) -> pa.Array:
    ok = pc.match_substring_regex(text, _NUMBER_RE)
    candidates = pc.if_else(ok, text, pa.scalar(None, pa.string()))
    try:
        values = pc.cast(candidates, pa.float64())
    except pa.ArrowInvalid:
        # Arrow refused something the pattern let through: read those cells one by one.
        values = pa.array(
            [None if s is None else float(s) for s in candidates.to_pylist()], type=pa.float64()
        )
    return pc.if_else(pc.is_finite(values), values, pa.scalar(None, pa.float64()))


def _parse_id(text: pa.Array) -> pa.Array:
    """Ids as exact integer strings (see the module docstring); null where unreadable."""
    # Nearly every id is already in its exact form (digits, no leading zero): a match
    # without captures is several times cheaper than the extraction below.
    if pc.all(pc.match_substring_regex(text, _PLAIN_ID_RE)).as_py() is not False:
        return text
    parts = pc.extract_regex(text, _ID_RE)
    ids = pc.if_else(parts.is_valid(), parts.field(0), pa.scalar(None, pa.string()))
    # The rare exponent form ("5.075E3"): read exactly with Decimal, cell by cell.
    rest = pc.and_(text.is_valid(), ids.is_null())
    if not pc.any(rest).as_py():
        return ids
    values = ids.to_pylist()
    for j in np.flatnonzero(rest.to_numpy(zero_copy_only=False)):
        values[j] = _exact_id(text[int(j)].as_py())
    return pa.array(values, type=pa.string())


def _exact_id(text: str) -> str | None:
    from decimal import Decimal, InvalidOperation

    if not re.fullmatch(r"[+]?[0-9.]+[eE][+]?[0-9]+", text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return None
    # An id has at most 19 digits (HubSpot's are 64-bit); a far larger exponent is not an
    # id, and int() of it would hit Python's limit on digits instead of reading as null.
    if number.adjusted() > 30 or number != number.to_integral_value() or number < 0:
        return None
    return str(int(number))


def _parse_multi_id(text: pa.Array) -> tuple[pa.Array, np.ndarray | None]:
    """``;``-joined ids as lists of exact integer strings; a cell with a bad id is bad."""
    lists = _parse_multi(text)
    items = pc.list_flatten(lists)
    parents = pc.list_parent_indices(lists).to_numpy(zero_copy_only=False)
    ids = _parse_id(pc.utf8_trim_whitespace(items))
    wrong = ids.is_null().to_numpy(zero_copy_only=False)
    if not wrong.any():
        offsets = lists.offsets
        return pa.ListArray.from_arrays(offsets, ids, mask=lists.is_null()), None
    bad = np.zeros(len(text), dtype=bool)
    bad[parents[wrong]] = True
    rows = lists.to_pylist()
    fixed = ids.to_pylist()
    out: list[list[str] | None] = []
    k = 0
    for j, row in enumerate(rows):
        n = len(row) if row is not None else 0
        out.append(None if row is None or bad[j] else fixed[k : k + n])
        k += n
    return pa.array(out, type=lists.type), bad


def _parse_bool(text: pa.Array) -> pa.Array:
    is_true = pc.equal(text, "true")
    known = pc.or_(is_true, pc.equal(text, "false"))
    # HubSpot sends lower case: only other spellings need the lower-casing pass.
    if pc.all(known).as_py() is not False:
        return pc.if_else(known, is_true, pa.scalar(None, pa.bool_()))
    lower = pc.utf8_lower(text)
    is_true = pc.equal(lower, "true")
    known = pc.or_(is_true, pc.equal(lower, "false"))
    return pc.if_else(known, is_true, pa.scalar(None, pa.bool_()))


def _parse_epoch_ms(text: pa.Array, *, date_first: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Milliseconds since the epoch (UTC) of ISO 8601 strings or epoch-ms numbers.

    Args:
        text: trimmed text, ``""`` already null.
        date_first: try HubSpot's date form before its datetime form (a date column): no
            string has both forms, so the order changes only how soon every value is read.

    Returns:
        ``(ms, ok)``: int64 milliseconds (0 where not ok) and a boolean mask of readable cells.
    """
    n = len(text)
    ms = np.zeros(n, dtype=np.int64)
    ok = np.zeros(n, dtype=bool)
    if n == 0 or text.null_count == n:
        return ms, ok
    valid = text.is_valid().to_numpy(zero_copy_only=False)
    # 1. HubSpot's own forms (nearly every value), which Arrow's cast reads fast. The
    #    patterns only admit what the general reader (3.) would read the same way; on any
    #    surprise, (3.) reads them.
    forms = [
        (_CANONICAL_DATETIME_RE, pa.timestamp("ms", "UTC"), 1),
        (_CANONICAL_DATE_RE, pa.date32(), _DAY_MS),
    ]
    for pattern, arrow_type, scale in forms[::-1] if date_first else forms:
        if ok.sum() == valid.sum():
            break  # every value read (a datetime column read by the first pattern)
        hit = pc.fill_null(pc.match_substring_regex(text, pattern), False)
        if not pc.any(hit).as_py():
            continue
        try:
            cast = pc.cast(pc.if_else(hit, text, pa.scalar(None, pa.string())), arrow_type)
        except pa.ArrowInvalid:
            continue
        units = pc.fill_null(cast.view(pa.int64() if scale == 1 else pa.int32()), 0)
        values = units.to_numpy(zero_copy_only=False).astype(np.int64) * scale
        hit_np = hit.to_numpy(zero_copy_only=False) & ~ok
        hit_np &= (values >= _MIN_MS) & (values <= _MAX_MS)
        ms[hit_np] = values[hit_np]
        ok |= hit_np
    # 2. Epoch milliseconds, as integers or floats ("1.6339968E12"), among the others
    #    (no string matches both a number and the patterns above).
    rest = np.flatnonzero(~ok & valid)
    if len(rest):
        f = _parse_number(text.take(pa.array(rest))).to_numpy(zero_copy_only=False)  # NaN: null
        hit = ~np.isnan(f)
        hit[hit] &= (f[hit] >= _MIN_MS) & (f[hit] < _MAX_MS + 1)
        ms[rest[hit]] = np.floor(f[hit]).astype(np.int64)
        ok[rest[hit]] = True
    # 3. Any other ISO 8601 form, computed from its parts so every precision and offset is
    #    read alike.
    rest = np.flatnonzero(~ok & valid)
    if len(rest):
        parts = pc.extract_regex(text.take(pa.array(rest)), _ISO_RE)
        iso_ms, read = _iso_parts_to_ms(parts)
        read &= parts.is_valid().to_numpy(zero_copy_only=False)
        ms[rest[read]] = iso_ms[read]
        ok[rest[read]] = True
    return ms, ok


def _iso_parts_to_ms(parts: pa.StructArray) -> tuple[np.ndarray, np.ndarray]:
    def as_int(strings: pa.Array) -> np.ndarray:
        return pc.fill_null(pc.cast(strings, pa.int64()), 0).to_numpy(zero_copy_only=False)

    def num(name: str, width: int) -> np.ndarray:
        # Absent optional parts (seconds, ...) are "" and rows that did not match are
        # masked out later; padding makes both read as 0.
        field = pc.fill_null(parts.field(name), "")
        return as_int(pc.utf8_lpad(field, width=width, padding="0"))

    year, month, day = num("y", 4), num("m", 2), num("d", 2)
    hour, minute, second = num("H", 2), num("M", 2), num("S", 2)
    # Milliseconds are the first three fraction digits: finer precision is truncated.
    frac = pc.utf8_slice_codeunits(pc.fill_null(parts.field("f"), ""), 0, 3)
    millis = as_int(pc.utf8_rpad(frac, width=3, padding="0"))
    zone = pc.fill_null(parts.field("z"), "")
    sign = np.where(pc.starts_with(zone, "-").to_numpy(zero_copy_only=False), -1, 1)
    has_offset = pc.greater(pc.utf8_length(zone), 1)
    digits = pc.utf8_replace_slice(
        pc.replace_substring(zone, ":", ""), start=0, stop=1, replacement=""
    )
    digits = pc.if_else(has_offset, pc.utf8_rpad(digits, width=4, padding="0"), "0000")
    off_h = as_int(pc.utf8_slice_codeunits(digits, 0, 2))
    off_m = as_int(pc.utf8_slice_codeunits(digits, 2, 4))

    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    month_ix = np.clip(month, 1, 12) - 1
    days_in_month = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])[month_ix] + (
        leap & (month_ix == 1)
    )
    valid = (
        (year >= 1)
        & (month >= 1)
        & (month <= 12)
        & (day >= 1)
        & (day <= days_in_month)
        & (hour < 24)
        & (minute < 60)
        & (second < 60)
        & (off_h < 24)
        & (off_m < 60)
    )
    days = _days_from_civil(year, np.clip(month, 1, 12), day)
    ms = (((days * 24 + hour) * 60 + minute) * 60 + second) * 1000 + millis
    ms -= sign * (off_h * 60 + off_m) * 60_000
    valid &= (ms >= _MIN_MS) & (ms <= _MAX_MS)
    return ms, valid


def _days_from_civil(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of proleptic Gregorian dates (H. Hinnant's algorithm)."""
    y = y - (m <= 2)
    era = np.floor_divide(y, 400)
    yoe = y - era * 400
    doy = (153 * (m + np.where(m > 2, -3, 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146_097 + doe - 719_468


def _parse_multi(text: pa.Array) -> pa.Array:
    """Split ``;``-joined values, dropping empty items; no items at all is null."""
    parts = pc.split_pattern(text, ";")
    items = pc.list_flatten(parts)
    parents = pc.list_parent_indices(parts)
    keep = pc.not_equal(items, "")
    items = items.filter(keep)
    counts = np.bincount(parents.filter(keep).to_numpy(zero_copy_only=False), minlength=len(text))
    offsets = np.zeros(len(text) + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    return pa.ListArray.from_arrays(
        pa.array(offsets), items, type=_BY_KIND["multi"].arrow, mask=pa.array(counts == 0)
    )
