"""Writing records: create, update and delete, one record or a batch of them.

Every value is checked and encoded before the first request (a bad value in
row 40 stops the call before row 1 is sent). A batch input HubSpot refuses is
never dropped silently: see :func:`_report_failures`. A many-record write that
stops part-way raises a :class:`~hubframe.errors.PartialWriteError` saying what to
send again (:mod:`.batch_writes`).
"""

from __future__ import annotations

import contextlib
import logging
import numbers
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..batching import BATCH_MAX, chunks
from ..encode import encode_properties
from ..errors import (
    BatchError,
    ConflictError,
    HubSpotConnectionError,
    InputError,
    NotFoundError,
    ServerError,
    ValidationError,
    property_problems,
    required_hint,
    required_properties,
    warn,
)
from ..validate import check_id, check_ids, is_missing
from .base import Resource
from .batch_writes import BatchRun, label_failure, rows_of_results
from .rows import check_unique_columns, encode_row, records_to_write

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Writes"]

log = logging.getLogger("hubframe")

#: Association type ids of the "primary" company association, per object type.
_PRIMARY_COMPANY_TYPE = {"contacts": 1, "deals": 5}


class Writes(Resource):
    """The connector's write operations: create, update, delete."""

    def create(
        self,
        properties: Mapping[str, Any] | pd.DataFrame | Sequence[Mapping[str, Any]],
        *,
        company_id: str | int | None = None,
        on_conflict: str = "raise",
    ) -> pd.DataFrame:
        """Create one record (a dict) or many (a DataFrame or list of dicts, 100 per request).

        Contacts: by default HubSpot also associates a new contact with the
        company whose ``domain`` is the contact's email domain (a portal setting, applied
        when a contact is created, not when its email changes later). This happens also
        when ``company_id`` names another company, so the contact may come back
        associated with both that company and the one its email's domain matched.

        Args:
            properties: ``{name: value}`` for one record; a DataFrame (one record per row)
                or a list of dicts for many. Empty values (None, NaN) are left unset;
                ``""`` is refused, as in :meth:`update`.
            company_id: associate the new contact (or deal) with this company as its primary
                company, as the connector does (association type 1; 5 for deals).
            on_conflict: for contacts whose email exists already: ``"raise"`` a
                ConflictError naming the existing id, or ``"update"`` that contact instead
                (one record; for many, :meth:`upsert` creates the new and updates the rest).

        Returns:
            The created records, with HubSpot's default properties and those written;
            ``df.attrs["failed"]`` lists the rows HubSpot refused, each with its ``row``
            (the input frame's index label, ``properties.loc[f["row"]]``; the position
            in a list of dicts), its ``position`` from 0 and HubSpot's ``message``.

        Raises:
            InputError / UnknownPropertyError: bad values, before anything is sent.
            ConflictError: the record exists (contacts: same email).
            ValidationError: HubSpot refused a value, or (API version 2026-09 on) a
                property one of the portal's rules requires is missing:
                ``err.required`` names it.
            BatchError: HubSpot refused every record of a many-record create (each
                failure's ``"required"`` names the properties a rule requires).
            PartialWriteError: a many-record create stopped part-way; it carries the rows
                written, and ``err.remaining``: ``create(err.remaining)`` is the retry.
        """
        if on_conflict not in ("raise", "update"):
            raise InputError(f"on_conflict={on_conflict!r}: use 'raise' or 'update'")
        assoc = self._company_association(company_id)
        if isinstance(properties, Mapping):
            encoded = encode_properties(self.props, properties)
            with _naming_company(company_id, assoc):
                return self._create_one(encoded, assoc, on_conflict)
        rows = records_to_write(properties)
        encoded_rows = [encode_row(self.props, i, row) for i, row in enumerate(rows)]
        if on_conflict == "update":
            raise InputError(
                "on_conflict='update' works for one record; for many, upsert(df, id_property='email') "
                "creates the new contacts and updates the others"
            )
        with _naming_company(company_id, assoc):
            return self._create_batch(encoded_rows, assoc, properties)

    def _company_association(self, company_id: Any) -> list[dict[str, Any]]:
        if company_id is None:
            return []
        if self.object_type not in _PRIMARY_COMPANY_TYPE:
            raise InputError(
                f"company_id={company_id!r} is for contacts and deals, not {self.object_type}: leave it out "
                "(hs.companies.add_contact(company_id, contact_id) links a contact)"
            )
        cid = check_id(company_id, what="company id")
        kind = {"associationCategory": "HUBSPOT_DEFINED",
                "associationTypeId": _PRIMARY_COMPANY_TYPE[self.object_type]}  # fmt: skip
        return [{"to": {"id": cid}, "types": [kind]}]

    def _result_names(self, written: Sequence[str]) -> list[str]:
        return list(dict.fromkeys([*self.default_names(), *written]))

    def _find_by_email(self, email: str) -> dict[str, Any] | None:
        path = self._hs.paths.object(self.object_type, email)
        try:
            found: dict[str, Any] = self._hs.request_json(
                "GET", path, params={"idProperty": "email"}
            )
            return found
        except NotFoundError:
            return None

    def _create_one(
        self, encoded: dict[str, str], assoc: list[dict[str, Any]], on_conflict: str
    ) -> pd.DataFrame:
        body = {"properties": encoded, "associations": assoc}
        email = encoded.get("email") if self.object_type == "contacts" else None
        names = self._result_names(list(encoded))
        path = self._hs.paths.objects(self.object_type)
        attempt = 0
        while True:
            try:
                data = self._hs.request_json("POST", path, json=body, kind="create")
                return self.frame([data], names)
            except ConflictError as exc:
                if on_conflict == "update" and exc.existing_id:
                    # The values are encoded already (hf.CLEAR is ""): PATCH them as they are.
                    return self._patch(check_id(exc.existing_id), encoded)
                raise
            except (HubSpotConnectionError, ServerError):
                # The create may have been applied with its answer lost. A contact's
                # email tells: look it up, and only send again if it is not there.
                if not email or attempt == self._hs.max_retries:
                    raise
                existing = self._find_by_email(email)
                if existing is not None:
                    log.info(
                        "create of %s lost its answer but was applied; returning it",
                        self.object_type,
                    )
                    return self.frame([existing], names)
            attempt += 1

    def _create_batch(
        self, rows: list[dict[str, str]], assoc: list[dict[str, Any]], source: Any
    ) -> pd.DataFrame:
        written = list(dict.fromkeys(k for row in rows for k in row))
        names = self._result_names(written)
        emails = None
        if self.object_type == "contacts":
            _check_unique_emails(rows)
            emails = [row.get("email") for row in rows]
        run = BatchRun(self, "create", source, len(rows), names, emails)
        failed: list[dict[str, Any]] = []
        path = self._hs.paths.batch(self.object_type, "create")
        status = 201
        for start, chunk in enumerate(chunks(rows, BATCH_MAX)):
            batch = range(start * BATCH_MAX, start * BATCH_MAX + len(chunk))
            inputs = [
                {"properties": row, "associations": assoc, "objectWriteTraceId": str(n)}
                for n, row in zip(batch, chunk, strict=True)
            ]
            response, data = run.send(path, {"inputs": inputs}, "create", batch, failed)
            data = data or {}
            refused = _batch_failures(data, "row")
            for failure in refused:
                failure["input"] = rows[failure["row"]] if failure["row"] is not None else None
                failed.append(label_failure(failure, failure["row"], source))
                status = response.status_code
            by_row = rows_of_results(
                data.get("results") or [], batch, {f["position"] for f in refused}
            )
            run.add(by_row)
        df = self.frame([dict(run.records[n]) for n in sorted(run.records)], names)
        _report_failures(df, failed, len(rows), self.object_type, "created", path, status)
        return df

    def update(self, record_id: Any, properties: Mapping[str, Any] | None = None) -> pd.DataFrame:
        """Update one record (id + dict), or many (a DataFrame with an ``id`` column).

        Empty values never clear anything: None, NaN, ``pd.NA`` and ``NaT`` (in a dict or
        a DataFrame cell) leave that property as it is, and a row whose every cell is empty
        is skipped (not sent, listed in ``df.attrs["skipped"]``). To clear a value, write
        ``hf.CLEAR``. ``""`` is refused (HubSpot would read it as a clear): the same rule as
        :meth:`create` and :meth:`upsert`.

        Args:
            record_id: the id; or a DataFrame whose ``id`` column names the records and whose
                other columns are the properties to write.
            properties: ``{name: value}`` for one record.

        Returns:
            The updated records (a skipped row has none; ``df.attrs["skipped"]`` lists
            ``{"row", "position", "id"}`` of each, ``df.attrs["failed"]`` those HubSpot
            refused, with its ``message``). ``row`` is the frame's index label
            (``df.loc[f["row"]]``) and ``position`` its place from 0 (``df.iloc[...]``).

        Raises:
            NotFoundError: (one id) no such record.
            ValidationError: HubSpot refused a value, or (API version 2026-09 on) the
                updated record breaks one of the portal's rules, e.g. ``closedate`` is
                required when ``dealstage`` is ``closedwon``: ``err.required`` names it.
            BatchError: HubSpot refused every record of a many-record update.
            PartialWriteError: a many-record update stopped part-way; it carries the rows
                written, and ``err.remaining``: ``update(err.remaining)`` is the retry.
        """
        import pandas as pd

        if isinstance(record_id, pd.DataFrame):
            if properties is not None:
                raise InputError("pass either a DataFrame, or an id and a dict of properties")
            return self._update_batch(record_id)
        rid = check_id(record_id, what=f"{self.singular} id")
        if properties is None:
            raise InputError(
                "update needs the properties to write, e.g. update(id, {'lastname': 'Lovelace'})"
            )
        return self._patch(rid, encode_properties(self.props, properties))

    def _patch(self, rid: str, encoded: dict[str, str]) -> pd.DataFrame:
        """PATCH one record's encoded values; the updated record."""
        path = self._hs.paths.object(self.object_type, rid)
        data = self._hs.request_json("PATCH", path, json={"properties": encoded}, kind="idempotent")
        return self.frame([data], self._result_names(list(encoded)))

    def _update_inputs(self, df: pd.DataFrame) -> tuple[list[str], list[dict[str, Any] | None]]:
        """The ids and batch inputs of a many-record update, checked (nothing is sent yet);
        the input of a row whose every cell is empty is None (the row is skipped)."""
        check_unique_columns(df)
        if "id" not in df.columns:
            raise InputError(
                f"the DataFrame needs an 'id' column naming the records to update (columns: {list(df.columns)[:8]})"
            )
        if len(df.columns) == 1:
            raise InputError(
                "the DataFrame has only an 'id' column: add a column for each property to write, "
                "e.g. df[['id', 'lastname']]"
            )
        empty = [n for n, v in enumerate(df["id"].tolist()) if is_missing(v)]
        if empty:
            raise InputError(
                f"row {empty[0]} has no id ({df['id'].iloc[empty[0]]!r}): every row needs the id of "
                "the record to update"
            )
        ids = check_ids(df["id"].tolist(), what=f"{self.singular} id")
        _check_unique_ids(ids)
        rows = records_to_write(df.drop(columns=["id"]))
        inputs: list[dict[str, Any] | None] = [
            {"id": i, "properties": encode_row(self.props, n, row)} if row else None
            for n, (i, row) in enumerate(zip(ids, rows, strict=True))
        ]
        return ids, inputs

    def _update_batch(self, df: pd.DataFrame) -> pd.DataFrame:
        ids, inputs = self._update_inputs(df)
        sent = [inp for inp in inputs if inp is not None]
        skipped = [n for n, inp in enumerate(inputs) if inp is None]
        by_id = {inp["id"]: inp for inp in sent}
        row_of = {rid: n for n, rid in enumerate(ids)}
        written = list(dict.fromkeys(k for inp in sent for k in inp["properties"]))
        names = self._result_names(written)
        run = BatchRun(self, "update", df, len(ids), names, skipped=skipped)
        failed: list[dict[str, Any]] = []
        path = self._hs.paths.batch(self.object_type, "update")
        status = 200
        # Batches are 100 consecutive rows, the skipped ones left out of the request, so a
        # batch stopped part-way names the rows of the frame as they are.
        for start in range(0, len(ids), BATCH_MAX):
            batch = range(start, min(start + BATCH_MAX, len(ids)))
            chunk = [inputs[n] for n in batch if inputs[n] is not None]
            if not chunk:
                continue
            response, data = run.send(path, {"inputs": chunk}, "idempotent", batch, failed)
            data = data or {}
            for rec in data.get("results") or []:
                if str(rec["id"]) in row_of:
                    run.add({row_of[str(rec["id"])]: rec})
            for failure in _batch_failures(data, "id"):
                failure["input"] = by_id.get(failure["id"])
                failed.append(label_failure(failure, row_of.get(failure["id"]), df))
                status = response.status_code
        result = self.frame([dict(run.records[n]) for n in sorted(run.records)], names)
        result.attrs["skipped"] = [
            {"row": label_failure({}, n, df)["row"], "position": n, "id": ids[n]} for n in skipped
        ]
        _report_skipped(result, len(ids), self.object_type)
        _report_failures(result, failed, len(sent), self.object_type, "updated", path, status)
        return result

    def delete(self, record_id: Any) -> None:
        """Delete (archive) one record, or several (a list of ids, 100 per request).

        Deleted records stay restorable in HubSpot for 90 days.

        Raises:
            NotFoundError: (one id) no such record.
        """
        if isinstance(record_id, (str, numbers.Integral)) and not isinstance(record_id, bool):
            rid = check_id(record_id, what=f"{self.singular} id")
            self._hs.request(
                "DELETE", self._hs.paths.object(self.object_type, rid), kind="idempotent"
            )
            return
        ids = list(dict.fromkeys(check_ids(record_id, what=f"{self.singular} id")))
        path = self._hs.paths.batch(self.object_type, "archive")
        for chunk in chunks(ids, BATCH_MAX):
            body = {"inputs": [{"id": i} for i in chunk]}
            self._hs.request("POST", path, json=body, kind="idempotent")


def _check_unique_ids(ids: list[str]) -> None:
    """One row per record: two rows of one id would race each other in one batch."""
    first_row: dict[str, int] = {}
    for n, rid in enumerate(ids):
        if rid in first_row:
            raise InputError(
                f"id {rid} is in rows {first_row[rid]} and {n}: give each record one row "
                "(merge the values to write into it)"
            )
        first_row[rid] = n


def _report_skipped(df: pd.DataFrame, total: int, noun: str) -> None:
    """Rows with nothing to write are skipped, as documented: logged, and in
    ``df.attrs["skipped"]``; a warning only when that was every row (nothing was sent)."""
    skipped = df.attrs["skipped"]
    if not skipped:
        return
    log.info("%d of %d %s rows had only empty cells and were skipped", len(skipped), total, noun)
    if len(skipped) == total:
        warn(
            f"nothing was sent: every one of the {total} rows has only empty cells, and an empty "
            "cell leaves a property as it is (to clear values, write hf.CLEAR)"
        )


def _check_unique_emails(rows: list[dict[str, str]]) -> None:
    """Two new contacts with one email: HubSpot would create one and refuse the other."""
    seen: dict[str, int] = {}
    for n, row in enumerate(rows):
        email = (row.get("email") or "").lower()
        if not email:
            continue
        if email in seen:
            raise InputError(
                f"rows {seen[email]} and {n} have the same email {row['email']!r}: a contact's email "
                "is unique, so give each contact one row"
            )
        seen[email] = n


def _batch_failures(data: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The inputs a 207 batch answer says failed: ``{key: ..., "message": ..., "category": ...}``,
    plus ``"required"``: the properties a portal rule requires that the input left out,
    when that is why it failed (2026-09 write validation).

    Create errors echo the input's ``objectWriteTraceId`` (its row); a batch update's
    not-found error lists the ids.
    """
    out: list[dict[str, Any]] = []
    for err in data.get("errors") or []:
        context = err.get("context") or {}
        message = str(err.get("message") or err.get("category") or "failed")
        where = context.get("objectWriteTraceId") if key == "row" else context.get("ids")
        category = str(err.get("category") or "VALIDATION_ERROR")
        if key == "id" and category == "OBJECT_NOT_FOUND":
            message = "not found (never created, or deleted)"
        required = required_properties(property_problems(err))
        for item in where or [None]:
            value = None if item is None else (int(item) if key == "row" else str(item))
            failure: dict[str, Any] = {key: value, "message": message, "category": category}
            if required:
                failure["required"] = required
            out.append(failure)
    return out


def _report_failures(
    df: pd.DataFrame,
    failed: list[dict[str, Any]],
    total: int,
    noun: str,
    verb: str,
    path: str,
    status: int,
) -> None:
    """Failed batch inputs are never dropped silently.

    When some inputs were written, the failures go to ``df.attrs["failed"]`` with a
    warning; when none was, a :class:`BatchError` carrying every failure is raised.
    Each failure names its ``row`` by the input frame's index label and its
    ``position`` from 0 (see :func:`.batch_writes.label_failure`); an update's also its ``id``.
    """
    df.attrs["failed"] = [{k: f[k] for k in f if k not in ("category", "input")} for f in failed]
    if not failed:
        return
    key = "id" if "id" in failed[0] else "row"
    shown = "; ".join(f"{key} {f[key]}: {f['message'].rstrip('.')}" for f in failed[:3])
    shown += " ..." if len(failed) > 3 else ""
    names = list(dict.fromkeys(n for f in failed for n in f.get("required", [])))
    required = required_hint(names, f"the {key}s refused")
    if len(df) == 0:
        categories = {f["category"] for f in failed}
        hint = required or {
            frozenset({"CONFLICT"}): "The records exist already: update them instead.",
            frozenset(
                {"OBJECT_NOT_FOUND"}
            ): f"Check the ids: hs.{noun}.get_many(ids) reads those that exist.",
        }.get(frozenset(categories), "")
        raise BatchError(
            f"none of the {total} {noun} were {verb}: {shown}",
            failures=failed,
            hint=hint,
            status=status,
            category=failed[0]["category"] if len(categories) == 1 else None,
            method="POST",
            path=path,
        )
    warn(
        f"{len(failed)} of {total} {noun} were not {verb}: {shown} (see df.attrs['failed'])"
        + (f". {required}" if required else "")
    )


@contextlib.contextmanager
def _naming_company(company_id: Any, assoc: list[dict[str, Any]]) -> Iterator[None]:
    """A create HubSpot refused for its company association names ``company_id`` and the fix."""
    try:
        yield
    except (ValidationError, BatchError) as exc:
        if not assoc or "association" not in (exc.message or "").lower():
            raise
        cid = assoc[0]["to"]["id"]
        exc.message = f"company_id={company_id!r}: {exc.message}"
        exc.add_sentence(
            f"Check the company id, e.g. with hs.companies.get({cid!r}), or leave company_id out."
        )
        raise
