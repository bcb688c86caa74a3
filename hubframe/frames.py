"""HubSpot object payloads -> Arrow record batches -> typed pandas DataFrames.

This is the one flattening path: every operation, the exporter and the widgets
turn HubSpot objects (``{id, properties{...}, createdAt, updatedAt, archived,
associations?}``) into columns here, typed by the table in
:mod:`hubframe.properties`.

Columns, in order: ``id``; the requested properties, in the order asked (no
``properties.`` prefix); ``createdAt``, ``updatedAt``, ``archived``; then one
``associations.<type>`` list column per associated object type.

Values go through ONE tolerant parser (:func:`parse_value` for a single value;
the same code runs vectorised over whole pages):

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

A cell that cannot be read becomes null and is counted in :class:`ParseIssues`;
a :class:`HubFrameWarning` names the column, the count and an example. Nothing
crashes on a bad value and nothing is silently guessed.
"""

from __future__ import annotations

import functools
import json
import logging
import threading
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .errors import HubFrameWarning, InputError, user_stacklevel
from .properties import DTYPES, FIXED_COLUMNS, ColumnType, Property

__all__ = [
    "HubFrameWarning",
    "ParseIssues",
    "batch_to_frame",
    "batches_to_frame",
    "empty_frame",
    "parse_value",
    "schema",
    "to_batch",
    "to_frame",
]

log = logging.getLogger("hubframe")


#: Top-level fields of a HubSpot object that become columns, with their place.
_HEAD = ("id",)
_TAIL = ("createdAt", "updatedAt", "archived")
_TOP_LEVEL = frozenset(_HEAD + _TAIL)
ASSOCIATION_PREFIX = "associations."

# Every column type hubframe builds, from THE table in properties.py.
_COLUMN_TYPES: tuple[ColumnType, ...] = tuple(
    {id(ct): ct for ct in (*DTYPES.values(), *FIXED_COLUMNS.values())}.values()
)
_BY_KIND: Mapping[str, ColumnType] = {ct.kind: ct for ct in _COLUMN_TYPES}

# Epoch milliseconds of 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z.
_MIN_MS = -62_135_596_800_000
_MAX_MS = 253_402_300_799_999
_DAY_MS = 86_400_000

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


# -- schema ------------------------------------------------------------------------------------


def schema(props: Iterable[Property], *, associations: Iterable[str] | str = ()) -> pa.Schema:
    """The Arrow schema of a frame: ``id``, the properties, timestamps, ``archived``, associations.

    Args:
        props: the properties, in column order (a list of :class:`Property`, or a PropertySet).
            A property named like a top-level column (``id``, ``createdAt``, ``updatedAt``,
            ``archived``) or repeated is left out: the top-level column already holds it.
        associations: associated object types (``"companies"``, ...); each becomes a
            ``list<string>`` column ``associations.<type>`` of record ids.

    Returns:
        The schema; each property field carries its HubSpot ``type`` and ``label`` as metadata.

    Raises:
        InputError: an item of ``props`` is not a Property, or an association type is empty.
    """
    fields = [pa.field("id", FIXED_COLUMNS["id"].arrow)]
    seen = set(_TOP_LEVEL)
    for prop in props:
        if not isinstance(prop, Property):
            raise InputError(f"schema() takes Property objects, not {prop!r:.100}")
        if prop.name in seen:
            if prop.name in _TOP_LEVEL:
                log.info(
                    "property %r is left out: the %r column holds the object's own value",
                    prop.name,
                    prop.name,
                )
            continue
        seen.add(prop.name)
        meta = {"hubspot_type": prop.type, "label": prop.label}
        fields.append(pa.field(prop.name, prop.arrow_type, metadata=meta))
    fields += [pa.field(name, FIXED_COLUMNS[name].arrow) for name in _TAIL]
    for assoc in _association_types(associations):
        fields.append(pa.field(ASSOCIATION_PREFIX + assoc, FIXED_COLUMNS["associations.*"].arrow))
    return pa.schema(fields)


def _association_types(associations: Iterable[str] | str) -> list[str]:
    if isinstance(associations, str):
        associations = [associations]
    out: list[str] = []
    for assoc in associations:
        if not isinstance(assoc, str) or not assoc.strip():
            raise InputError(f"Association types are non-empty strings, not {assoc!r:.100}")
        out.append(assoc.strip())
    return list(dict.fromkeys(out))


def _kind_of(field: pa.Field) -> str:
    """The parsing kind of a schema field, from its Arrow type (the table is one-to-one)."""
    for ct in _COLUMN_TYPES:
        if field.type == ct.arrow:
            return ct.kind
    raise InputError(
        f"Column {field.name!r} has Arrow type {field.type}, which hubframe does not build; "
        "use frames.schema() to make the schema."
    )


# -- parse issues ------------------------------------------------------------------------------


class ParseIssues:
    """Cells that could not be read, counted per column.

    Pass one instance to several :func:`to_batch` calls to collect a whole export, then
    call :meth:`warn` once. Safe to share between threads.

    Example::

        issues = ParseIssues()
        batch = to_batch(records, sch, issues=issues)
        issues.counts        # {"amount": 2}
        issues.warn()        # one HubFrameWarning per column
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._columns: dict[str, list[Any]] = {}  # column -> [count, example, kind]

    def add(self, column: str, count: int, example: Any = None, kind: str = "") -> None:
        """Count ``count`` unreadable cells in ``column`` (keeps the first example seen).

        Args:
            column: the column name.
            count: how many cells.
            example: one of the raw values that could not be read.
            kind: what the column expects (``number``, ``datetime``, ...).
        """
        if count <= 0:
            return
        with self._lock:
            entry = self._columns.setdefault(column, [0, example, kind])
            entry[0] += int(count)

    @property
    def counts(self) -> dict[str, int]:
        """Unreadable cells per column (a new dict)."""
        with self._lock:
            return {col: entry[0] for col, entry in self._columns.items()}

    @property
    def examples(self) -> dict[str, Any]:
        """One unreadable raw value per column (a new dict)."""
        with self._lock:
            return {col: entry[1] for col, entry in self._columns.items()}

    @property
    def total(self) -> int:
        """Unreadable cells in all columns."""
        with self._lock:
            return sum(entry[0] for entry in self._columns.values())

    def __bool__(self) -> bool:
        return bool(self._columns)

    def __repr__(self) -> str:
        return f"ParseIssues({self.counts!r})"

    def clear(self) -> None:
        """Forget every count (after warning, to start a new run)."""
        with self._lock:
            self._columns.clear()

    def messages(self) -> list[str]:
        """One sentence per column, as :meth:`warn` shows them."""
        with self._lock:
            items = [(col, *entry) for col, entry in self._columns.items()]
        out = []
        for col, count, example, kind in items:
            what = f" as {kind}" if kind else ""
            cells = "value" if count == 1 else "values"
            out.append(
                f"Column {col!r}: {count} {cells} could not be read{what} and "
                f"{'is' if count == 1 else 'are'} null (e.g. {_show(example)})."
            )
        return out

    def warn(self, *, stacklevel: int | None = None) -> None:
        """Emit one :class:`HubFrameWarning` per column with unreadable cells.

        Args:
            stacklevel: passed to :func:`warnings.warn`; by default the warning points at the
                first caller outside hubframe.
        """
        level = user_stacklevel() if stacklevel is None else stacklevel
        for message in self.messages():
            log.info("%s", message)
            warnings.warn(message, HubFrameWarning, stacklevel=level)


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


# -- records -> batch --------------------------------------------------------------------------


def to_batch(
    records: Iterable[Mapping[str, Any]],
    schema: pa.Schema,
    *,
    issues: ParseIssues | None = None,
) -> pa.RecordBatch:
    """Convert HubSpot objects to an Arrow record batch with exactly ``schema``.

    Args:
        records: HubSpot objects ``{id, properties, createdAt, updatedAt, archived,
            associations?}``. A property missing from ``properties`` is null.
        schema: from :func:`schema` (every page of an export uses the same one).
        issues: collects unreadable cells. When None, the cells are counted here and a
            :class:`HubFrameWarning` per column is emitted before returning.

    Returns:
        A RecordBatch with ``len(records)`` rows and exactly ``schema``.

    Raises:
        InputError: a record is not a mapping, or the schema has a column type hubframe
            does not build.
    """
    if isinstance(records, Mapping):
        raise InputError("to_batch() takes a list of HubSpot objects, not one object")
    records = records if isinstance(records, list) else list(records)
    # type() first: an isinstance check against the Mapping ABC costs ten times more.
    for record in records:
        if type(record) is not dict and not isinstance(record, Mapping):
            raise InputError(f"A HubSpot object is a mapping, not {record!r:.100}")
    sink = ParseIssues() if issues is None else issues
    n = len(records)
    columns: list[pa.Array | None] = [None] * len(schema)
    texts: dict[int, _Text] = {}
    wanted: list[tuple[int, str]] = []  # property columns: (position, name)
    for i, field in enumerate(schema):
        name = field.name
        if name.startswith(ASSOCIATION_PREFIX) and _kind_of(field) == "multi":
            columns[i] = _association_ids(records, name[len(ASSOCIATION_PREFIX) :])
        elif name in _TOP_LEVEL:
            # Top-level values are JSON (archived is a bool): _to_text gives them HubSpot's
            # text form when they are not strings already.
            texts[i] = _Text.of([r.get(name) for r in records])
        else:
            wanted.append((i, name))
    if wanted:
        names = [name for _, name in wanted]
        for (i, _), text in zip(wanted, _property_texts(records, names), strict=True):
            texts[i] = text
    # Columns of one kind are parsed together: one vectorised pass per kind and page
    # instead of one per column keeps wide pages (hundreds of properties) fast.
    groups: dict[str, list[int]] = {}
    for i in texts:
        groups.setdefault(_kind_of(schema.field(i)), []).append(i)
    for kind, positions in groups.items():
        parts = [texts[i] for i in positions]
        parsed, bad = _parse_text(*_Text.concat(parts, n), kind)
        for k, i in enumerate(positions):
            columns[i] = parsed.slice(k * n, n)
        if bad is not None:
            for k, row_bad in enumerate(bad.reshape(len(positions), n)):
                count = int(row_bad.sum())
                if count:
                    example = parts[k].value(int(np.argmax(row_bad)))
                    sink.add(schema.field(positions[k]).name, count, example, kind)
    batch = pa.RecordBatch.from_arrays(columns, schema=schema)
    if issues is None and sink:
        sink.warn()
    return batch


def _properties_of(record: Mapping[str, Any]) -> Mapping[str, Any]:
    bag = record.get("properties")
    return bag if isinstance(bag, Mapping) else {}


class _Text:
    """One column's values as Arrow text, its unreadable cells, and the raw values if kept."""

    __slots__ = ("array", "bad", "raw")

    def __init__(self, array: pa.Array, bad: np.ndarray | None, raw: Sequence[Any] | None):
        self.array = array
        self.bad = bad
        self.raw = raw

    @classmethod
    def of(cls, values: Sequence[Any]) -> _Text:
        return cls(*_to_text(values), values)

    def value(self, row: int) -> Any:
        """The raw value of ``row`` (for a warning's example)."""
        return self.raw[row] if self.raw is not None else self.array[row].as_py()

    @staticmethod
    def concat(parts: list[_Text], n: int) -> tuple[pa.Array, np.ndarray | None]:
        """The parts one after the other, with their unreadable-cell masks."""
        array = parts[0].array if len(parts) == 1 else pa.concat_arrays([p.array for p in parts])
        if all(p.bad is None for p in parts):
            return array, None
        masks = [p.bad if p.bad is not None else np.zeros(n, dtype=bool) for p in parts]
        return array, np.concatenate(masks)


@functools.lru_cache(maxsize=64)
def _text_struct(names: tuple[str, ...]) -> pa.StructType:
    return pa.struct([(name, pa.string()) for name in names])


def _property_texts(records: list[Mapping[str, Any]], names: list[str]) -> list[_Text]:
    """The text of each property column (a missing property is null): the bulk of the work.

    HubSpot sends every value as a string or null, so Arrow reads all of a page's
    ``properties`` dicts at once as a struct of strings, without a Python loop over
    records and properties. Anything else (numbers, booleans, invalid Unicode) makes
    Arrow refuse, and the values are then read one by one as :func:`_to_text` does.
    """
    bags = [r.get("properties") for r in records]
    if all(type(bag) is dict for bag in bags):
        try:
            struct = pa.array(bags, type=_text_struct(tuple(names)))
        except (pa.ArrowException, TypeError, ValueError):
            pass
        else:
            return [_Text(struct.field(k), None, None) for k in range(len(names))]
    # map/zip keep the records x properties walk in C.
    rows = [list(map(_properties_of(r).get, names)) for r in records]
    by_column = list(zip(*rows, strict=True)) if rows else [() for _ in names]
    return [_Text.of(values) for values in by_column]


def _association_ids(records: list[Mapping[str, Any]], assoc_type: str) -> pa.Array:
    """The associated ids of each record, de-duplicated in first-seen order.

    HubSpot lists one id once per association type (primary, unlabeled, ...), hence the
    de-duplication. A record without that association type has an empty list.
    """
    out: list[list[str]] = []
    for record in records:
        assoc = record.get("associations")
        entry = assoc.get(assoc_type) if isinstance(assoc, Mapping) else None
        results = entry.get("results") if isinstance(entry, Mapping) else None
        ids: dict[str, None] = {}
        for item in results if isinstance(results, list) else ():
            if isinstance(item, Mapping):
                ref = item.get("id", item.get("toObjectId"))
                if ref is not None and ref != "":
                    ids[str(ref)] = None
        out.append(list(ids))
    return pa.array(out, type=FIXED_COLUMNS["associations.*"].arrow)


# -- the one value parser ----------------------------------------------------------------------


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
    parsed, bad = _parse_text(*_to_text([value]), kind)
    if bad is not None and bad[0]:
        raise ValueError(f"{_show(value)} is not a valid {kind} value")
    return parsed[0].as_py()


def _parse_text(
    text: pa.Array, bad_text: np.ndarray | None, kind: str
) -> tuple[pa.Array, np.ndarray | None]:
    """Parse text (from :func:`_to_text`) into the Arrow type of ``kind``.

    Args:
        text: the values as strings; ``""`` is read as null.
        bad_text: cells already known to be unreadable (None: none).
        kind: the column kind.

    Returns:
        The array, and a boolean mask of cells that were present but unreadable (None when
        there are none).
    """
    text = _nullify_empty(text)
    if kind == "string":
        parsed: pa.Array = text
    elif kind == "multi":
        parsed = _parse_multi(text)
    else:
        text = _nullify_empty(pc.utf8_trim_whitespace(text))
        if kind == "number":
            parsed = _parse_number(text)
        elif kind == "bool":
            parsed = _parse_bool(text)
        elif kind == "datetime":
            ms, ok = _parse_epoch_ms(text)
            parsed = pa.array(ms, type=_BY_KIND["datetime"].arrow, mask=~ok)
        elif kind == "date":
            ms, ok = _parse_epoch_ms(text)
            days = np.floor_divide(ms, _DAY_MS).astype(np.int32)
            parsed = pa.array(days, type=_BY_KIND["date"].arrow, mask=~ok)
        else:  # pragma: no cover - _kind_of only yields the kinds above
            raise InputError(f"Unknown kind {kind!r}")
    bad = bad_text
    # Strings never fail; a multi-select made only of separators (";") is an empty
    # selection, not a bad cell. Elsewhere, text that parsed to null was unreadable.
    if kind not in ("string", "multi"):
        bad_arrow = pc.and_(text.is_valid(), parsed.is_null())
        if pc.any(bad_arrow).as_py():
            mask = bad_arrow.to_numpy(zero_copy_only=False)
            bad = mask if bad is None else (bad | mask)
    return parsed, bad


def _to_text(values: Sequence[Any]) -> tuple[pa.Array, np.ndarray | None]:
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
    if isinstance(value, bool):
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


def _parse_bool(text: pa.Array) -> pa.Array:
    lower = pc.utf8_lower(text)
    is_true = pc.equal(lower, "true")
    known = pc.or_(is_true, pc.equal(lower, "false"))
    return pc.if_else(known, is_true, pa.scalar(None, pa.bool_()))


def _parse_epoch_ms(text: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Milliseconds since the epoch (UTC) of ISO 8601 strings or epoch-ms numbers.

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
    for pattern, arrow_type, scale in (
        (_CANONICAL_DATETIME_RE, pa.timestamp("ms", "UTC"), 1),
        (_CANONICAL_DATE_RE, pa.date32(), _DAY_MS),
    ):
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


# -- batch -> DataFrame ------------------------------------------------------------------------


def _pandas_dtype(arrow_type: pa.DataType) -> Any:
    """types_mapper for to_pandas: the pandas dtype of each Arrow type in the table."""
    for ct in _COLUMN_TYPES:
        if arrow_type == ct.arrow:
            return ct.pandas
    return None


def batch_to_frame(batch: pa.RecordBatch | pa.Table) -> pd.DataFrame:
    """A typed DataFrame from a batch (or table) built by :func:`to_batch`.

    Args:
        batch: a RecordBatch or Table (e.g. read back from Parquet).

    Returns:
        A DataFrame with the dtypes of the table in :mod:`hubframe.properties`.
    """
    # Parquet readers name list items "element"; give such columns the one list type.
    multi = FIXED_COLUMNS["associations.*"].arrow
    odd = [
        i
        for i, f in enumerate(batch.schema)
        if f.type == multi and f.type.value_field.name != multi.value_field.name
    ]
    if odd:
        if isinstance(batch, pa.RecordBatch):
            batch = pa.Table.from_batches([batch])
        for i in odd:
            field = batch.schema.field(i)
            batch = batch.set_column(i, field.with_type(multi), batch.column(i).cast(multi))
    return batch.to_pandas(types_mapper=_pandas_dtype)


def batches_to_frame(batches: Iterable[pa.RecordBatch], schema: pa.Schema) -> pd.DataFrame:
    """One typed DataFrame from several batches of the same schema (e.g. every page).

    Args:
        batches: RecordBatches from :func:`to_batch` with ``schema`` (may be empty).
        schema: their schema; with no batches, the DataFrame has its columns and 0 rows.

    Returns:
        The DataFrame.
    """
    return batch_to_frame(pa.Table.from_batches(list(batches), schema=schema))


def to_frame(
    records: Iterable[Mapping[str, Any]],
    props: Iterable[Property],
    *,
    associations: Iterable[str] | str = (),
    issues: ParseIssues | None = None,
) -> pd.DataFrame:
    """A typed DataFrame from HubSpot objects.

    Args:
        records: HubSpot objects (see :func:`to_batch`).
        props: the properties to show, in column order.
        associations: associated object types to add as ``associations.<type>`` columns.
        issues: collects unreadable cells; when None a warning is emitted here.

    Returns:
        The DataFrame (0 rows, same columns and dtypes, when ``records`` is empty).

    Raises:
        InputError: see :func:`schema` and :func:`to_batch`.
    """
    return batch_to_frame(
        to_batch(records, schema(props, associations=associations), issues=issues)
    )


def empty_frame(
    props: Iterable[Property], *, associations: Iterable[str] | str = ()
) -> pd.DataFrame:
    """A DataFrame with no rows and the columns and dtypes of a full one.

    Args:
        props: the properties, in column order.
        associations: associated object types.

    Returns:
        The empty DataFrame.
    """
    return batch_to_frame(schema(props, associations=associations).empty_table())
