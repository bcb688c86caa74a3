"""HubSpot object payloads -> Arrow record batches -> typed pandas DataFrames.

This is the one flattening path: every operation, the exporter and the widgets
turn HubSpot objects (``{id, properties{...}, createdAt, updatedAt, archived,
associations?}``) into columns here, typed by the table in
:mod:`hubframe.properties`.

Columns, in order: ``id``; the requested properties, in the order asked (no
``properties.`` prefix); ``createdAt``, ``updatedAt``, ``archived``; then one
``associations.<type>`` list column per associated object type.

Values are read by the one parser in :mod:`hubframe._parse`. A cell that cannot
be read becomes null and is counted in :class:`ParseIssues`; a
:class:`HubFrameWarning` names the column, the count and an example.
"""

from __future__ import annotations

import functools
import logging
import threading
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from ._parse import parse_text, parse_value, show_value, to_text
from .dtypes import FIXED_COLUMNS, ID_KIND, KIND_KEY, MULTI_ID_KIND, field_kind, pandas_dtype
from .errors import HubFrameWarning, InputError, user_stacklevel
from .properties import Property

__all__ = [
    "CONVERT_RECORDS",
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


#: Records a bulk read converts per :func:`to_batch` call (the export per stream,
#: ``get_all`` and search per ten pages). A call costs a fixed ~3 ms (dozens of
#: vectorised passes) on top of the per-value work: with every contact property, 1,000
#: records take ~10 ms, one page of 100 ~4 ms (39 ms per 1,000).
CONVERT_RECORDS = 1_000

#: Top-level fields of a HubSpot object that become columns, with their place.
_HEAD = ("id",)
_TAIL = ("createdAt", "updatedAt", "archived")
_TOP_LEVEL = frozenset(_HEAD + _TAIL)
ASSOCIATION_PREFIX = "associations."


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
        if prop.kind in (ID_KIND, MULTI_ID_KIND):
            # An id column has the Arrow type of a string (or list) column: the kind says
            # its values are read as exact integer ids.
            meta[KIND_KEY.decode()] = prop.kind
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
    """The parsing kind of a schema field (its Arrow type, or the id kind of its metadata)."""
    kind = field_kind(field)
    if kind is not None:
        return kind
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
                f"{'is' if count == 1 else 'are'} null (e.g. {show_value(example)})."
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
    records = _checked_records(records)
    sink = ParseIssues() if issues is None else issues
    n = len(records)
    columns: list[pa.Array | None] = [None] * len(schema)
    texts: dict[int, _Text] = {}
    wanted: list[tuple[int, str]] = []  # property columns: (position, name)
    top: list[tuple[int, str]] = []  # top-level columns: (position, name)
    for i, field in enumerate(schema):
        name = field.name
        if name.startswith(ASSOCIATION_PREFIX) and _kind_of(field) == "multi":
            columns[i] = _association_ids(records, name[len(ASSOCIATION_PREFIX) :])
        elif name in _TOP_LEVEL:
            top.append((i, name))
        else:
            wanted.append((i, name))
    for group, read in ((top, _top_level_texts), (wanted, _property_texts)):
        if group:
            names = [name for _, name in group]
            for (i, _), text in zip(group, read(records, names), strict=True):
                texts[i] = text
    _parse_columns(schema, texts, n, columns, sink)
    batch = pa.RecordBatch.from_arrays(columns, schema=schema)
    if issues is None and sink:
        sink.warn()
    return batch


def _checked_records(records: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """``records`` as a list, each a mapping (else InputError)."""
    if isinstance(records, Mapping):
        raise InputError("to_batch() takes a list of HubSpot objects, not one object")
    records = records if isinstance(records, list) else list(records)
    # type() first: an isinstance check against the Mapping ABC costs ten times more.
    for record in records:
        if type(record) is not dict and not isinstance(record, Mapping):
            raise InputError(f"A HubSpot object is a mapping, not {record!r:.100}")
    return records


def _parse_columns(
    schema: pa.Schema,
    texts: dict[int, _Text],
    n: int,
    columns: list[pa.Array | None],
    sink: ParseIssues,
) -> None:
    """Parse the text columns into ``columns``, counting unreadable cells in ``sink``.

    Columns of one kind are parsed together: one vectorised pass per kind and page
    instead of one per column keeps wide pages (hundreds of properties) fast.
    """
    groups: dict[str, list[int]] = {}
    for i in texts:
        groups.setdefault(_kind_of(schema.field(i)), []).append(i)
    for kind, positions in groups.items():
        parts = [texts[i] for i in positions]
        parsed, bad = parse_text(*_Text.concat(parts, n), kind)
        for k, i in enumerate(positions):
            columns[i] = parsed.slice(k * n, n)
        if bad is None:
            continue
        for k, row_bad in enumerate(bad.reshape(len(positions), n)):
            count = int(row_bad.sum())
            if count:
                example = parts[k].value(int(np.argmax(row_bad)))
                sink.add(schema.field(positions[k]).name, count, example, kind)


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
        return cls(*to_text(values), values)

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


@functools.lru_cache(maxsize=16)
def _top_level_struct(names: tuple[str, ...]) -> pa.StructType:
    return pa.struct([(name, pa.bool_() if name == "archived" else pa.string()) for name in names])


def _top_level_texts(records: list[Mapping[str, Any]], names: list[str]) -> list[_Text]:
    """The text of the top-level columns (``id``, the timestamps, ``archived``).

    They are JSON values (``archived`` a bool, the others strings): Arrow reads them all at
    once as one struct, keys it does not ask for ignored, and ``archived``'s booleans
    become ``"true"``/``"false"``, the text :func:`to_text` gives them. A value of another
    type makes Arrow refuse, and each column is then read by :func:`to_text`.
    """
    if all(type(r) is dict for r in records):
        try:
            struct = pa.array(records, type=_top_level_struct(tuple(names)))
        except (pa.ArrowException, TypeError, ValueError):
            pass
        else:
            fields = [struct.field(k) for k in range(len(names))]
            return [
                _Text(f.cast(pa.string()) if f.type == pa.bool_() else f, None, None)
                for f in fields
            ]
    return [_Text.of([r.get(name) for r in records]) for name in names]


def _property_texts(records: list[Mapping[str, Any]], names: list[str]) -> list[_Text]:
    """The text of each property column (a missing property is null): the bulk of the work.

    HubSpot sends every value as a string or null, so Arrow reads all of a page's
    ``properties`` dicts at once as a struct of strings, without a Python loop over
    records and properties. Anything else (numbers, booleans, invalid Unicode) makes
    Arrow refuse, and the values are then read one by one as :func:`to_text` does.
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


# -- batch -> DataFrame ------------------------------------------------------------------------


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
    return batch.to_pandas(types_mapper=pandas_dtype)


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
