"""Many-record writes that stop part-way: what was written, and what to send again.

A batch create or update sends 100 rows a request. :class:`BatchRun` keeps which
input row each record HubSpot returned belongs to; when a request fails (after
the client's retries) it turns that into a :class:`~hubframe.errors.PartialWriteError`
whose ``remaining`` rows are exactly the retry:

- the failing batch was **not applied** (429, a 4xx, a connection never made):
  its rows are remaining;
- it **may have been applied** (5xx, or the answer lost once the request reached
  HubSpot): a contact create looks the batch's emails up (found rows are written,
  the others remaining); a company or deal create, having no unique key, reports
  the batch's rows as ``uncertain``, for the user to check; an update puts them
  in remaining, since sending an update twice is harmless.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..batching import BATCH_MAX
from ..errors import HubSpotConnectionError, HubSpotError, NotFoundError, PartialWriteError

if TYPE_CHECKING:  # pragma: no cover
    import httpx
    import pandas as pd

    from .base import Resource

__all__ = ["BatchRun", "may_have_applied", "rows_of_results"]

#: The client names the httpx exception in a connection error's message; these mean
#: the request was never sent (no connection made, or none free in the pool), so the
#: server cannot have seen it.
_NEVER_CONNECTED = re.compile(r"\((?:ConnectError|ConnectTimeout|PoolTimeout):")


def may_have_applied(exc: HubSpotError) -> bool:
    """Whether a failed write request may have been applied by HubSpot.

    A 5xx, or a connection that failed once the request was sent (reset, timeout,
    a cut-off or non-JSON answer): maybe. A 429, any other 4xx, or a connection
    never made: no.
    """
    if isinstance(exc, HubSpotConnectionError):
        return exc.status is not None or not _NEVER_CONNECTED.search(exc.message)
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
        operation: ``"create"`` or ``"update"``.
        source: the rows as the caller passed them (a DataFrame or a list of dicts).
        total: the number of rows.
        names: the properties of the records returned.
        emails: for a contact create, each row's email (None where it has none): a
            batch that may have been applied is looked up by them.
    """

    def __init__(
        self,
        resource: Resource,
        operation: str,
        source: Any,
        total: int,
        names: list[str],
        emails: list[str | None] | None = None,
    ):
        self.resource = resource
        self.operation = operation
        self.source = source
        self.total = total
        self.names = names
        self.emails = emails
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
        unsure = set(uncertain)
        remaining = [n for n in range(self.total) if n not in self.records and n not in unsure]
        written = sorted(self.records)
        return PartialWriteError(
            exc,
            operation=self.operation,
            object_type=self.resource.object_type,
            total=self.total,
            batch=batch,
            batch_number=batch.start // BATCH_MAX + 1,
            batches=-(-self.total // BATCH_MAX),
            applied=applied,
            written=self._written_frame(written),
            written_rows=written,
            remaining=self.rows(remaining),
            remaining_rows=remaining,
            uncertain=self.rows(uncertain),
            uncertain_rows=uncertain,
            failures=failures,
            looked_up=looked_up,
            lookup_error=lookup_error,
        )

    def rows(self, positions: list[int]) -> Any:
        """These input rows, as the caller passed them (DataFrame rows keep their index)."""
        import pandas as pd

        if isinstance(self.source, pd.DataFrame):
            return self.source.iloc[positions]
        return [self.source[n] for n in positions]

    def _written_frame(self, positions: list[int]) -> pd.DataFrame:
        import pandas as pd

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
