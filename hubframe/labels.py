"""Label columns: what HubSpot shows for the internal values of a column.

A read or an export with ``labels=True`` adds a ``<column>_label`` column right after
each column whose values are internal names: an enumeration (the option's label), an
owner column such as ``hubspot_owner_id`` (the owner's "First Last", else the email),
a pipeline column (the pipeline's label) and a stage column (the stage's label within
the record's pipeline: stages belong to one pipeline each). A multi-select column's
label column is a list of labels.

A value with no known label (an option removed since, a deactivated owner HubSpot no
longer lists) is labelled with the value itself, never NA: a ``groupby`` on the label
column then keeps every record, and NA stays reserved for an empty cell.

This module only applies labels; :class:`LabelMaps` is plain data (it is kept in an
export's checkpoint, so a resumed export labels every part alike). The maps are built
from the portal by :mod:`hubframe.resources.labeling`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .dtypes import pandas_dtype
from .errors import InputError

__all__ = ["LABEL_SUFFIX", "ColumnLabels", "LabelMaps", "label_name", "unlabelled_schema"]

#: A label column is named for its column: ``dealstage`` -> ``dealstage_label``.
LABEL_SUFFIX = "_label"
_SEP = "\x1f"  # joins a pipeline id and a stage id into one lookup key
_LIST = pa.list_(pa.string())
_LABEL_OF = b"label_of"  # a label field's metadata key: the column it labels


def label_name(column: str) -> str:
    """The name of ``column``'s label column (``dealstage`` -> ``dealstage_label``)."""
    return column + LABEL_SUFFIX


def unlabelled_schema(schema: pa.Schema) -> pa.Schema:
    """``schema`` without the label fields :meth:`LabelMaps.schema` added."""
    kept = [f for f in schema if not (f.metadata and _LABEL_OF in f.metadata)]
    return pa.schema(kept, metadata=schema.metadata)


@dataclass(frozen=True)
class ColumnLabels:
    """The labels of one column's values.

    Attributes:
        column: the column (``dealstage``).
        labels: value -> label (for a stage column: the stages whose id names one label
            across every pipeline, used when a record's pipeline is unknown).
        multi: a multi-select column (a list of values; the labels are a list too).
        pipeline_column: for a stage column, the column holding the record's pipeline.
        by_pipeline: for a stage column, pipeline id -> stage id -> label.
    """

    column: str
    labels: Mapping[str, str]
    multi: bool = False
    pipeline_column: str | None = None
    by_pipeline: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """This column's labels as JSON (what an export's checkpoint holds)."""
        return {
            "column": self.column,
            "labels": dict(self.labels),
            "multi": self.multi,
            "pipeline_column": self.pipeline_column,
            "by_pipeline": {p: dict(stages) for p, stages in self.by_pipeline.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> ColumnLabels:
        """The labels :meth:`to_json` wrote."""
        return cls(
            column=str(data["column"]),
            labels=dict(data.get("labels") or {}),
            multi=bool(data.get("multi")),
            pipeline_column=data.get("pipeline_column"),
            by_pipeline={p: dict(s) for p, s in (data.get("by_pipeline") or {}).items()},
        )

    def label(self, values: pa.Array, pipelines: pa.Array | None = None) -> pa.Array:
        """The label of each value (a list of labels for a multi-select column)."""
        values = _one_chunk(values)
        if self.multi:
            offsets = pc.subtract(values.offsets, values.offsets[0])
            flat = self._single(pc.list_flatten(values), None)
            return pa.ListArray.from_arrays(offsets, flat, type=_LIST, mask=values.is_null())
        return self._single(values, None if pipelines is None else _one_chunk(pipelines))

    def _single(self, values: pa.Array, pipelines: pa.Array | None) -> pa.Array:
        values = values.cast(pa.string())
        found = [_lookup(values, self.labels)]
        if pipelines is not None and self.by_pipeline:
            keys = {
                p + _SEP + s: label for p, st in self.by_pipeline.items() for s, label in st.items()
            }
            joined = pc.binary_join_element_wise(pipelines.cast(pa.string()), values, _SEP)
            found.insert(0, _lookup(joined, keys))
        return pc.coalesce(*found, values)


def _one_chunk(values: Any) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        return values.combine_chunks() if values.num_chunks != 1 else values.chunk(0)
    return values


def _lookup(values: pa.Array, labels: Mapping[str, str]) -> pa.Array:
    """The label of each value of ``labels``' keys, null for any other value."""
    keys = pa.array(list(labels), pa.string())
    index = pc.index_in(values, value_set=keys)
    return pc.take(pa.array(list(labels.values()), pa.string()), index)


@dataclass(frozen=True)
class LabelMaps:
    """The label columns of one read: which columns get one, and their labels."""

    columns: tuple[ColumnLabels, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.columns)

    def to_json(self) -> list[dict[str, Any]]:
        """Every column's labels as JSON."""
        return [c.to_json() for c in self.columns]

    @classmethod
    def from_json(cls, data: Iterable[Mapping[str, Any]]) -> LabelMaps:
        """The maps :meth:`to_json` wrote.

        Raises:
            InputError: not what :meth:`to_json` writes.
        """
        try:
            return cls(tuple(ColumnLabels.from_json(c) for c in data))
        except (KeyError, TypeError, AttributeError) as exc:
            raise InputError(
                f"not saved label maps ({exc}): export again with resume=False"
            ) from None

    def _of(self, names: Iterable[str]) -> dict[str, ColumnLabels]:
        present = set(names)
        return {
            c.column: c
            for c in self.columns
            if c.column in present and label_name(c.column) not in present
        }

    def schema(self, schema: pa.Schema) -> pa.Schema:
        """``schema`` with a label field right after each labelled column."""
        of = self._of(schema.names)
        fields: list[pa.Field] = []
        for f in schema:
            fields.append(f)
            if f.name in of:
                kind = _LIST if of[f.name].multi else pa.string()
                fields.append(pa.field(label_name(f.name), kind, metadata={_LABEL_OF: f.name}))
        return pa.schema(fields, metadata=schema.metadata)

    def batch(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """``batch`` (records of the unlabelled schema) with its label columns added."""
        of = self._of(batch.schema.names)
        if not of:
            return batch
        arrays = []
        for name in batch.schema.names:
            arrays.append(batch.column(name))
            if name in of:
                arrays.append(self._labels(of[name], batch.column, batch.schema.names))
        return pa.RecordBatch.from_arrays(arrays, schema=self.schema(batch.schema))

    def frame(self, df: pd.DataFrame) -> pd.DataFrame:
        """``df`` with its label columns added (a new frame; ``attrs`` kept)."""
        names = [str(c) for c in df.columns]
        of = self._of(names)
        if not of:
            return df
        out = df.copy()

        def column(name: str) -> pa.Array:
            return pa.array(df[name].array)

        for name in reversed([n for n in names if n in of]):
            labels = self._labels(of[name], column, names)
            series = pd.Series(labels.to_pandas(types_mapper=pandas_dtype), index=df.index)
            if not of[name].multi:
                series = series.astype(pd.StringDtype("pyarrow"))
            out.insert(names.index(name) + 1, label_name(name), series)
        out.attrs = dict(df.attrs)
        return out

    @staticmethod
    def _labels(labels: ColumnLabels, column: Any, names: list[str]) -> pa.Array:
        pipeline = labels.pipeline_column
        pipelines = column(pipeline) if pipeline is not None and pipeline in names else None
        return labels.label(column(labels.column), pipelines)
