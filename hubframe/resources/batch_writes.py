"""Many-record writes that stop part-way: what was written, and what to send again.

A batch create, update or upsert sends 100 rows a request. :class:`BatchRun` keeps which
input row each record HubSpot returned belongs to; when a request fails (after
the client's retries) it turns that into a :class:`~hubframe.errors.PartialWriteError`
whose ``remaining`` rows are exactly the retry:

- the failing batch was **not applied** (429, a 4xx, a connection never made):
  its rows are remaining;
- it **may have been applied** (5xx, or the answer lost once the request reached
  HubSpot): a contact create looks the batch's emails up (found rows are written,
  the others remaining); a company or deal create, having no unique key, reports
  the batch's rows as ``uncertain``, for the user to check; an update or an upsert
  puts them in remaining, since sending either twice is harmless (an upsert matches
  records by its key, so a second one updates what the first created).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

from ..batching import BATCH_MAX
from ..errors import HubSpotConnectionError, HubSpotError, NotFoundError, PartialWriteError

if TYPE_CHECKING:  # pragma: no cover
    import httpx
    import pandas as pd

    from .base import Resource

__all__ = [
    "BatchRun",
    "label_failure",
    "may_have_applied",
    "rows_of_results",
    "rows_text",
    "spans",
    "summary",
    "what_to_do",
]

#: What each operation did to a row, for messages.
DONE = {"create": "created", "update": "updated", "upsert": "upserted"}

#: The property to look a possibly created record up by, per object type.
LOOKUP_KEYS = {"contacts": "email", "companies": "name", "deals": "dealname"}


def may_have_applied(exc: HubSpotError) -> bool:
    """Whether a failed write request may have been applied by HubSpot.

    A 5xx, or a connection that failed once the request was sent (reset, timeout,
    a cut-off or non-JSON answer): maybe. A 429, any other 4xx, or a connection
    never made: no.
    """
    if isinstance(exc, HubSpotConnectionError):
        return exc.connected
    return exc.status is not None and exc.status >= 500


def rows_of_results(
    results: Sequence[Mapping[str, Any]], batch: range, refused: set[int]
) -> dict[int, Mapping[str, Any]]:
    """The input row of each record a batch create returned.

    Each input is sent with its row as ``objectWriteTraceId``, which HubSpot echoes; an
    answer without them is taken in input order, skipping the rows HubSpot refused.
    """
    if all("objectWriteTraceId" in r for r in results):
        return {int(r["objectWriteTraceId"]): r for r in results}
    rows = [n for n in batch if n not in refused]
    return dict(zip(rows, results, strict=False))


class BatchRun:
    """What a many-record write has written so far, row by row.

    Args:
        resource: the object resource writing (for its client and frames).
        operation: ``"create"``, ``"update"`` or ``"upsert"``.
        source: the rows as the caller passed them (a DataFrame or a list of dicts).
        total: the number of rows.
        names: the properties of the records returned.
        emails: for a contact create, each row's email (None where it has none): a
            batch that may have been applied is looked up by them.
        skipped: rows never sent (nothing to write): neither written nor remaining.
        retry: the call that sends ``err.remaining`` again (default
            ``hs.<type>.<operation>(err.remaining)``).
        written_frame: builds ``err.written`` from row positions (default: the records
            HubSpot returned, typed as any frame).
    """

    def __init__(
        self,
        resource: Resource,
        operation: str,
        source: Any,
        total: int,
        names: list[str],
        emails: list[str | None] | None = None,
        *,
        skipped: Iterable[int] = (),
        retry: str | None = None,
        written_frame: Callable[[list[int]], pd.DataFrame] | None = None,
    ):
        self.resource = resource
        self.operation = operation
        self.source = source
        self.total = total
        self.names = names
        self.emails = emails
        self.skipped = frozenset(skipped)
        self.retry = retry or f"hs.{resource.object_type}.{operation}(err.remaining)"
        self.written_frame = written_frame
        self.records: dict[int, Mapping[str, Any]] = {}

    def add(self, records: Mapping[int, Mapping[str, Any]]) -> None:
        """Records HubSpot says it wrote, by input row."""
        self.records.update(records)

    def send(
        self, path: str, body: Any, kind: str, batch: range, failures: list[dict[str, Any]]
    ) -> tuple[httpx.Response, Any]:
        """POST one batch (the rows ``batch``); a failure is raised as :meth:`stopped` says.

        ``failures`` are the inputs HubSpot refused in the batches before.
        """
        try:
            return self.resource.client.exchange("POST", path, json=body, kind=kind)
        except HubSpotError as exc:
            partial = self.stopped(exc, batch, failures)
            if partial is None:
                raise
            raise partial from exc

    def stopped(
        self, exc: HubSpotError, batch: range, failures: list[dict[str, Any]]
    ) -> PartialWriteError | None:
        """The error to raise for ``exc`` failing ``batch``; None to raise ``exc`` itself
        (the first batch, not applied: nothing was written and the same call is the retry)."""
        applied = "maybe" if may_have_applied(exc) else "no"
        if applied == "no" and batch.start == 0:
            return None
        uncertain: list[int] = []
        looked_up = False
        lookup_error: HubSpotError | None = None
        if applied == "maybe" and self.operation == "create":
            if self.emails is None:
                uncertain = list(batch)
            else:
                looked_up = True
                uncertain, lookup_error = self._look_up(batch)
                applied = _resolved(uncertain, any(n in self.records for n in batch))
        done = {*uncertain, *self.skipped}
        remaining = [n for n in range(self.total) if n not in self.records and n not in done]
        written = sorted(self.records)
        run = SimpleNamespace(
            operation=self.operation,
            retry=self.retry,
            object_type=self.resource.object_type,
            total=self.total,
            batch=batch,
            batch_number=batch.start // BATCH_MAX + 1,
            batches=-(-self.total // BATCH_MAX),
            applied=applied,
            looked_up=looked_up,
            lookup_error=lookup_error,
            written=self._written_frame(written),
            written_rows=written,
            remaining=self.rows(remaining),
            remaining_rows=remaining,
            uncertain=self.rows(uncertain),
            uncertain_rows=uncertain,
            not_written=spans(sorted([*remaining, *uncertain])),
            failures=failures,
        )
        fields = {k: v for k, v in vars(run).items() if k != "retry"}
        return PartialWriteError(summary(exc, run), error=exc, hint=what_to_do(exc, run), **fields)

    def rows(self, positions: list[int]) -> Any:
        """These input rows, as the caller passed them (DataFrame rows keep their index)."""
        import pandas as pd

        if isinstance(self.source, pd.DataFrame):
            return self.source.iloc[positions]
        return [self.source[n] for n in positions]

    def _written_frame(self, positions: list[int]) -> pd.DataFrame:
        import pandas as pd

        if self.written_frame is not None:
            return self.written_frame(positions)
        df = self.resource.frame([dict(self.records[n]) for n in positions], self.names)
        if isinstance(self.source, pd.DataFrame):
            df.index = self.source.index[positions]
        else:
            df.index = pd.Index(positions)
        return df

    def _look_up(self, batch: range) -> tuple[list[int], HubSpotError | None]:
        """Look the batch's contacts up by email; found rows become written.

        Returns the rows still uncertain (those without an email; all of them if the
        lookup failed), and the lookup's error if it failed.
        """
        emails = self.emails or []
        keyed = {str(emails[n]).lower(): n for n in batch if emails[n]}
        no_email = [n for n in batch if not emails[n]]
        if not keyed:
            return no_email, None
        hs = self.resource.client
        names = list(dict.fromkeys([*self.names, "email"]))
        body = {"inputs": [{"id": e} for e in keyed], "properties": names, "idProperty": "email"}
        path = hs.paths.batch(self.resource.object_type, "read")
        try:
            data = hs.request_json("POST", path, json=body, kind="read") or {}
        except NotFoundError:
            data = {}  # none of them exists
        except HubSpotError as exc:
            return list(batch), exc
        for rec in data.get("results") or []:
            email = str((rec.get("properties") or {}).get("email") or "").lower()
            if email in keyed:
                self.records[keyed[email]] = rec
        return no_email, None


def _resolved(uncertain: list[int], found: bool) -> str:
    """A looked-up batch: applied ``yes`` (found), ``no`` (not found) or still ``maybe``."""
    if uncertain:
        return "maybe"
    return "yes" if found else "no"


# -- what the error says ------------------------------------------------------------------------


def summary(exc: HubSpotError, run: SimpleNamespace) -> str:
    """The error's message: where the write stopped, what was written, what was not sent."""
    done = DONE[run.operation]
    text = (
        f"the {run.operation} of {run.total} {run.object_type} stopped at batch "
        f"{run.batch_number} of {run.batches} ({rows_text(run.batch)}): "
        f"{exc.message.rstrip().rstrip('.')}. {len(run.written_rows)} {done}"
    )
    if run.written_rows:
        text += f" ({rows_text(run.written_rows)})"
    text += f". {_batch_outcome(run, done)}"
    after = range(run.batch.stop, run.total)
    return text + (f" Not sent: {rows_text(after)}." if after else "")


def _batch_outcome(run: SimpleNamespace, done: str) -> str:
    where = f"Batch {run.batch_number}"
    if run.lookup_error is not None:
        return (
            f"{where} may have been applied, and looking its emails up failed too "
            f"({type(run.lookup_error).__name__}: {run.lookup_error.message[:200]})."
        )
    if run.looked_up:
        found = sum(1 for n in run.written_rows if n in run.batch)
        missing = sum(1 for n in run.remaining_rows if n in run.batch)
        text = f"{where} was looked up by email: {found} found ({done}), {missing} not"
        unsure = len(run.uncertain_rows)
        return text + (f", {unsure} without an email (may have been {done})." if unsure else ".")
    if run.applied == "maybe":
        return f"{where} may have been applied: its answer was an error or was lost."
    return f"{where} was not applied."


def what_to_do(exc: HubSpotError, run: SimpleNamespace) -> str:
    """The error's hint: the call that retries, and what to check first."""
    call = run.retry
    if run.operation == "upsert":
        text = (
            f"Send {call} to write the {len(run.remaining_rows)} rows not known to be "
            "written; an upsert matches records by its key, so re-sending the rows of a "
            "batch that may have been applied creates no duplicate."
        )
    elif run.operation == "update":
        text = (
            f"Send {call} to write the {len(run.remaining_rows)} rows not known to be "
            "updated; updates are idempotent, so re-sending the rows of a batch that "
            "may have been applied is harmless."
        )
    elif not run.remaining_rows:
        text = "Nothing is left to create from err.remaining."
    else:
        text = (
            f"Send {call} to create the {len(run.remaining_rows)} rows not created; "
            "it makes no duplicate."
        )
    if run.uncertain_rows:
        text += " " + _check_uncertain(run)
    if run.failures:
        text += (
            f" {len(run.failures)} rows HubSpot refused are in err.failures (with the "
            "reason) and in err.remaining: fix or drop them first."
        )
    cause = exc.hint()
    return f"{text} {cause}" if cause else text


def _check_uncertain(run: SimpleNamespace) -> str:
    key = LOOKUP_KEYS.get(run.object_type, "name")
    values = (
        f"[r[{key!r}] for r in err.uncertain]"
        if isinstance(run.uncertain, list)
        else f"list(err.uncertain[{key!r}])"
    )
    also = " (or by domain)" if run.object_type == "companies" else ""
    return (
        f"The {len(run.uncertain_rows)} rows in err.uncertain ({rows_text(run.uncertain_rows)}) "
        f"may have been created: look each up before sending it again, e.g. "
        f"hs.{run.object_type}.search({key!r}, {values}, operator='IN'){also}, or compare "
        "the createdate of the records created since the write began; then create only "
        "those not found."
    )


def spans(rows: Sequence[int]) -> list[range]:
    """Sorted row positions as the fewest ranges: ``[0, 1, 2, 5]`` -> ``[range(0, 3), range(5, 6)]``."""
    out: list[range] = []
    for row in rows:
        if out and out[-1].stop == row:
            out[-1] = range(out[-1].start, row + 1)
        else:
            out.append(range(row, row + 1))
    return out


def rows_text(rows: Sequence[int]) -> str:
    """``rows 0-99, 200-299`` / ``row 7`` (positions counted from 0), for messages."""
    parts = spans(sorted(rows))
    if len(parts) == 1 and len(parts[0]) == 1:
        return f"row {parts[0].start}"
    shown = ", ".join(str(p.start) if len(p) == 1 else f"{p.start}-{p.stop - 1}" for p in parts[:4])
    return f"rows {shown}" + (", ..." if len(parts) > 4 else "")


def label_failure(failure: dict[str, Any], position: int | None, source: Any) -> dict[str, Any]:
    """``failure`` naming its row as the caller can find it: ``row`` is the DataFrame's
    index label (``df.loc[f["row"]]``; the position for a list of dicts), ``position``
    the row's place counted from 0 (``df.iloc[f["position"]]``)."""
    import pandas as pd

    failure["position"] = position
    if position is None:
        failure["row"] = None
    elif isinstance(source, pd.DataFrame):
        label = source.index[position]
        failure["row"] = label.item() if hasattr(label, "item") else label
    else:
        failure["row"] = position
    return failure
