"""Upsert: create the records whose key is new, update the others, in one batch call.

``hs.contacts.upsert(df, id_property="email")`` sends HubSpot's batch upsert
(``inputs: [{id, idProperty, properties}]``, 100 a request) and answers one row per
input, in input order, saying what became of it: ``created``, ``updated`` or
``failed`` with HubSpot's reason. Empty cells leave values alone and ``hf.CLEAR``
clears one, as in every write (:mod:`hubframe.encode`).

Retrying is safe: HubSpot matches each input by its key, so a request sent twice
(the client's own retry of a lost answer, or ``upsert(err.remaining)`` after a
:class:`~hubframe.errors.PartialWriteError`) updates what the first one created
instead of creating it again. The requests are therefore of the ``idempotent`` kind.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..batching import BATCH_MAX
from ..dtypes import column_type
from ..errors import InputError, warn
from .base import Resource
from .batch_writes import BatchRun, label_failure, rows_text
from .rows import encode_row, records_to_write

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..properties import Property

__all__ = ["RESULTS", "Upserts"]

#: The values of an upsert result's ``result`` column.
RESULTS = ("created", "updated", "failed")

#: The record ids, which upsert cannot match by: HubSpot refuses ``idProperty`` =
#: ``hs_object_id`` ("Unable to perform update/upsert by non-unique ... property
#: hs_object_id"), and a new record cannot be given an id.
_RECORD_IDS = ("id", "hs_object_id")

_NO_RESULT = "HubSpot returned no result for this row"


class Upserts(Resource):
    """The batch upsert of one object type (any type with a unique property)."""

    def upsert(self, records: Any, *, id_property: str = "email") -> pd.DataFrame:
        """Create or update records matched by a unique property, 100 per request.

        Each row's ``id_property`` value (its key) finds the record to update; a key
        HubSpot does not know creates a record with it. As in :meth:`update`, an empty
        cell (None, NaN, ``pd.NA``, ``NaT``) leaves that property as it is, ``hf.CLEAR``
        clears one and ``""`` is refused. The key is written too, so a row with only its
        key creates the record when it is missing and leaves an existing one as it is.

        Safe to retry: an upsert sent again (after a lost answer, or as
        ``upsert(err.remaining, id_property=...)`` after a PartialWriteError) updates what
        the first one created, so it never makes a duplicate. A row whose record was
        created by a request whose answer was lost is then reported ``updated``: by the
        time of the retry HubSpot knows the record.

        Args:
            records: a DataFrame (one record per row), a list of dicts, or one dict.
            id_property: the key: ``email`` for contacts, or any property whose values
                HubSpot keeps unique (``hs.properties(type)[name].unique``). Not the
                record id: to write by id, use :meth:`update`.

        Returns:
            One row per input, in input order, with the input's index (positions for a
            list of dicts): the key, ``id``, ``result`` (``created``, ``updated`` or
            ``failed``), ``error`` (HubSpot's reason for a failed row, else missing),
            then the properties written, typed like any frame, and ``createdAt``,
            ``updatedAt``, ``archived``. Failed rows do not raise: a warning counts them.

        Raises:
            InputError / UnknownPropertyError: a bad ``id_property``, a row without a key,
                two rows with one key, or a bad value; before anything is sent.
            PartialWriteError: the upsert stopped part-way; ``err.written`` holds the
                rows written (as this method returns them) and
                ``upsert(err.remaining, id_property=...)`` is the retry.
        """
        key = self._upsert_key(id_property)
        rows = records_to_write([records] if isinstance(records, Mapping) else records)
        with_id = next((n for n, row in enumerate(rows) if "id" in row), None)
        if with_id is not None:
            raise InputError(
                f"row {with_id} has an 'id': upsert matches records by {key}, not by id. Leave "
                "the id out (df.drop(columns='id')), or write by id with update(df)."
            )
        encoded = [self._upsert_row(key, n, row) for n, row in enumerate(rows)]
        _check_unique_keys(key, [_normal(key, row[key]) for row in encoded])
        written = [n for n in dict.fromkeys(k for row in encoded for k in row) if n != key]
        names = [key, *written]
        retry = f"hs.{self.object_type}.upsert(err.remaining, id_property={key!r})"
        source = [records] if isinstance(records, Mapping) else records

        def frame_of(positions: Sequence[int], errors: Mapping[int, str]) -> pd.DataFrame:
            return self._upsert_frame(positions, run.records, errors, encoded, key, names, source)

        run = BatchRun(
            self, "upsert", source, len(rows), names, retry=retry,
            written_frame=lambda positions: frame_of(positions, {}),
        )  # fmt: skip
        errors = self._send_upserts(run, encoded, key)
        result = frame_of(range(len(rows)), errors)
        _report_upsert_failures(errors, len(rows), self.object_type)
        return result

    def _upsert_key(self, id_property: Any) -> str:
        """``id_property`` checked: a property of this type whose values are unique."""
        if not isinstance(id_property, str) or not id_property.strip():
            raise InputError(
                f"id_property={id_property!r}: name the unique property that matches rows to "
                "records, e.g. id_property='email'"
            )
        if id_property in _RECORD_IDS:
            raise InputError(
                f"id_property={id_property!r}: upsert matches records by a unique property, not "
                "by the record id (HubSpot refuses it, and cannot create a record with a given "
                "id). To write to records by id, use update(df) with an 'id' column."
            )
        self.props.resolve([id_property], default=[])  # UnknownPropertyError with suggestions
        prop = self.props[id_property]
        if not _is_key(self.object_type, prop):
            unique = [p.name for p in self.props if _is_key(self.object_type, p)]
            which = f"its unique ones: {', '.join(unique)}" if unique else "it has none"
            raise InputError(
                f"id_property={id_property!r} is not a unique property of {self.object_type} "
                f"({which}): HubSpot upserts by email (contacts) or by a property whose values "
                "it keeps unique"
            )
        return id_property

    def _upsert_row(self, key: str, n: int, row: Mapping[str, Any]) -> dict[str, str]:
        """One row encoded; the row must have its key."""
        value = row.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            shown = "" if value is None else f" ({value!r})"
            raise InputError(
                f"row {n} has no {key}{shown}: every row of an upsert needs the {key} that "
                "matches it to a record"
            )
        encoded = encode_row(self.props, n, row)
        if not encoded[key]:
            raise InputError(f"row {n}: the key {key} cannot be hf.CLEAR; give its value")
        return encoded

    def _send_upserts(
        self, run: BatchRun, encoded: list[dict[str, str]], key: str
    ) -> dict[int, str]:
        """Send every batch; the records written go to ``run``. Returns the refused rows
        with HubSpot's reason."""
        path = self._hs.paths.batch(self.object_type, "upsert")
        errors: dict[int, str] = {}
        failures: list[dict[str, Any]] = []
        for start in range(0, len(encoded), BATCH_MAX):
            batch = range(start, min(start + BATCH_MAX, len(encoded)))
            # Each input carries its row as objectWriteTraceId: HubSpot then answers per
            # input (207) and echoes it, so results and errors find their rows.
            inputs = [
                {"id": encoded[n][key], "idProperty": key, "properties": encoded[n],
                 "objectWriteTraceId": str(n)}
                for n in batch
            ]  # fmt: skip
            _, data = run.send(path, {"inputs": inputs}, "idempotent", batch, failures)
            data = data or {}
            refused = _refused_rows(data, batch)
            run.add(_rows_of_upserts(data.get("results") or [], batch, refused, encoded, key))
            for n in batch:
                if n not in run.records:
                    # An input HubSpot neither wrote nor refused by name still failed.
                    message, category = refused.get(n, (_NO_RESULT, "UNKNOWN"))
                    errors[n] = message
                    failure = {"message": message, "category": category,
                               "input": inputs[n - start]}  # fmt: skip
                    failures.append(label_failure(failure, n, run.source))
        return errors

    def _upsert_frame(
        self,
        rows: Sequence[int],
        records: Mapping[int, Mapping[str, Any]],
        errors: Mapping[int, str],
        encoded: list[dict[str, str]],
        key: str,
        names: list[str],
        source: Any,
    ) -> pd.DataFrame:
        """The result rows ``rows``: the key, id, result, error, the properties written."""
        import pandas as pd

        # A row without a record (refused) shows its key as given, to be found in the input.
        recs = [
            dict(records[n]) if n in records else {"properties": {key: encoded[n][key]}}
            for n in rows
        ]
        df = self.frame(recs, names)
        text = column_type("string").pandas  # text, as any text property's column
        outcome = [_outcome(records[n]) if n in records else "failed" for n in rows]
        df.insert(0, key, df.pop(key))
        df.insert(2, "result", pd.array(outcome, dtype=text))
        df.insert(3, "error", pd.array([errors.get(n) for n in rows], dtype=text))
        if isinstance(source, pd.DataFrame):
            df.index = source.index[list(rows)]
        else:
            df.index = pd.Index(list(rows))
        return df


def _is_key(object_type: str, prop: Property) -> bool:
    """Whether upsert can match by ``prop``: a contact's email, or a unique property."""
    return prop.unique or (object_type == "contacts" and prop.name == "email")


def _normal(key: str, value: str) -> str:
    """A key as HubSpot compares it: emails in any case are one."""
    return value.strip().lower() if key == "email" else value


def _check_unique_keys(key: str, keys: list[str]) -> None:
    """Two rows with one key would be one record written twice: refuse, naming the rows."""
    rows: dict[str, list[int]] = {}
    for n, value in enumerate(keys):
        rows.setdefault(value, []).append(n)
    repeated = [(value, ns) for value, ns in rows.items() if len(ns) > 1]
    if not repeated:
        return
    shown = "; ".join(f"{key} {value!r} is in {rows_text(ns)}" for value, ns in repeated[:3])
    more = f" (and {len(repeated) - 3} more keys)" if len(repeated) > 3 else ""
    raise InputError(
        f"{shown}{more}: an upsert writes one record per {key}, so give each record one row "
        "(merge the values to write into it)"
    )


def _refused_rows(data: Mapping[str, Any], batch: range) -> dict[int, tuple[str, str]]:
    """The rows a 207 answer refused (by the objectWriteTraceId its errors echo), with
    HubSpot's message and category."""
    out: dict[int, tuple[str, str]] = {}
    for err in data.get("errors") or []:
        context = err.get("context") or {}
        message = str(err.get("message") or err.get("category") or "failed")
        category = str(err.get("category") or "VALIDATION_ERROR")
        for trace in context.get("objectWriteTraceId") or []:
            if str(trace).isdigit() and int(trace) in batch:
                out[int(trace)] = (message, category)
    return out


def _rows_of_upserts(
    results: Sequence[Mapping[str, Any]],
    batch: range,
    refused: Mapping[int, object],
    encoded: list[dict[str, str]],
    key: str,
) -> dict[int, Mapping[str, Any]]:
    """The input row of each record an upsert returned: by its echoed objectWriteTraceId,
    else by its key, else in input order skipping the refused rows."""
    if all(str(r.get("objectWriteTraceId", "")).isdigit() for r in results):
        traced = {int(r["objectWriteTraceId"]): r for r in results}
        return {n: r for n, r in traced.items() if n in batch}
    by_key = {_normal(key, encoded[n][key]): n for n in batch}
    out: dict[int, Mapping[str, Any]] = {}
    for rec in results:
        value = (rec.get("properties") or {}).get(key)
        n = by_key.get(_normal(key, str(value))) if value is not None else None
        if n is not None:
            out[n] = rec
    if len(out) == len(results):
        return out
    rows = [n for n in batch if n not in refused]
    return dict(zip(rows, results, strict=False))


def _outcome(record: Mapping[str, Any]) -> str:
    """``created`` or ``updated``, from the ``new`` flag of HubSpot's upsert answer."""
    return "created" if record.get("new") is True else "updated"


def _report_upsert_failures(errors: Mapping[int, str], total: int, noun: str) -> None:
    """Refused rows are in the result (``failed``, with the reason); a warning counts them."""
    if not errors:
        return
    shown = "; ".join(f"row {n}: {errors[n].rstrip('.')}" for n in sorted(errors)[:3])
    more = " ..." if len(errors) > 3 else ""
    warn(
        f"{len(errors)} of {total} {noun} were not upserted: {shown}{more} "
        "(their result is 'failed', with the reason in 'error')"
    )
