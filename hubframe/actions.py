"""The connector's three actions: submit a form, add records to a list, enroll contacts in a workflow.

Each takes one item or many and returns a DataFrame with one row per item and
its outcome, so a notebook user sees at a glance what happened to each. Every
input is checked before the first request: a bad email in row 40 stops the
call before row 1 is sent.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .encode import check_email, check_id, check_ids, is_missing
from .errors import BadRequestError, InputError, NotFoundError
from .pagination import iter_pages

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from .client import HubSpot

__all__ = ["Forms", "Lists", "Workflows"]

_GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
#: Record ids per membership request; HubSpot documents no limit, so stay modest.
LIST_CHUNK = 100


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    df = pd.DataFrame(rows, columns=columns)
    return df.astype({c: "string" for c in columns})


def _chunks(seq: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(seq), size):
        yield seq[start : start + size]


class Forms:
    """Form submissions (``hs.forms``), on HubSpot's forms host."""

    def __init__(self, hs: HubSpot):
        self._hs = hs

    def submit(
        self,
        portal_id: str | int,
        form_id: str,
        fields: Mapping[str, Any] | pd.DataFrame | Sequence[Mapping[str, Any]],
        *,
        context: Mapping[str, Any] | None = None,
    ) -> pd.DataFrame:
        """Submit a form once (a dict of fields) or once per row (a DataFrame / list of dicts).

        HubSpot creates the contact, or updates the one with the submitted email.

        Args:
            portal_id: the HubSpot account (portal) id.
            form_id: the form's GUID.
            fields: ``{field name: value}``; a DataFrame submits each row. Empty values (None,
                NaN, empty cells) are left out; True/False are sent as ``true``/``false``,
                dates as ``YYYY-MM-DD`` and timezone-aware datetimes as epoch milliseconds.
            context: optional HubSpot ``context`` (``pageUri``, ``pageName``, ``hutk``, ...).

        Returns:
            One row per submission: ``row``, ``email``, ``outcome`` (``submitted`` or
            ``rejected``) and ``message`` (HubSpot's thank-you text or its reason).

        Raises:
            InputError: a bad portal id, form id, field name or email (before anything is sent).
            NotFoundError: no such portal or form.
        """
        pid = check_id(portal_id, what="portal id")
        if not isinstance(form_id, str) or not _GUID_RE.match(form_id.strip()):
            raise InputError(
                f"form id {form_id!r} is not a form GUID (like 'a1b2c3d4-0000-1111-2222-333344445555'); "
                "find it in the form's URL in HubSpot"
            )
        if context is not None and not isinstance(context, Mapping):
            raise InputError(f"context must be a dict, not {type(context).__name__}")
        submissions = _submission_rows(fields)
        path = f"/submissions/v3/integration/submit/{pid}/{form_id.strip()}"
        rows = []
        for n, submission in enumerate(submissions):
            body: dict[str, Any] = {"fields": [{"name": k, "value": v} for k, v in submission.items()]}
            if context:
                body["context"] = dict(context)
            email = submission.get("email", "")
            try:
                data = self._hs.request_json("POST", path, json=body, kind="create", host="forms") or {}
                message = data.get("inlineMessage") or data.get("redirectUri") or ""
                rows.append({"row": str(n), "email": email, "outcome": "submitted", "message": message})
            except BadRequestError as exc:
                rows.append({"row": str(n), "email": email, "outcome": "rejected", "message": _form_reason(exc)})
        return _frame(rows, ["row", "email", "outcome", "message"])


def _submission_rows(fields: Any) -> list[dict[str, str]]:
    import pandas as pd

    if isinstance(fields, Mapping):
        raw = [fields]
    elif isinstance(fields, pd.DataFrame):
        raw = fields.to_dict(orient="records")  # empty cells are dropped per value below
    elif isinstance(fields, (list, tuple)) and all(isinstance(r, Mapping) for r in fields):
        raw = list(fields)
    else:
        raise InputError(
            f"fields must be a dict, a DataFrame or a list of dicts, not {type(fields).__name__} {fields!r:.100}"
        )
    if not raw:
        raise InputError("no submissions: fields is an empty list or DataFrame; pass at least one row")
    out = []
    for n, rec in enumerate(raw):
        if not rec:
            raise InputError(f"submission {n} has no fields: give at least one, e.g. {{'email': 'ada@example.com'}}")
        row: dict[str, str] = {}
        for key, value in rec.items():
            if not isinstance(key, str) or not key.strip():
                raise InputError(f"submission {n}: field name {key!r} must be a non-empty string")
            text = _field_value(n, key, value)
            if text is not None:
                row[key] = text
        if not row:
            raise InputError(f"submission {n} has only empty fields: give at least one value, e.g. {{'email': ...}}")
        if "email" in row:
            row["email"] = check_email(row["email"], what=f"submission {n}: email")
        out.append(row)
    return out


def _field_value(n: int, name: str, value: Any) -> str | None:
    """A form field's value as HubSpot's form endpoint takes it; None (left out) when empty.

    Missing values are left out, as empty DataFrame cells are; anything that is not a
    single value is refused rather than sent as its Python repr.
    """
    if is_missing(value):
        return None
    if isinstance(value, bool) or type(value).__name__ in ("bool_", "bool"):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise InputError(
                f"submission {n}: field {name!r} value {value!r} has no time zone; give one "
                "(e.g. datetime(..., tzinfo=timezone.utc)) or pass a date"
            )
        return str(int(value.timestamp() * 1000))  # HubSpot's forms take datetimes as epoch ms
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value
    if isinstance(value, numbers.Real) and math.isfinite(float(value)):
        return str(value)
    raise InputError(
        f"submission {n}: field {name!r} value {value!r:.100} ({type(value).__name__}) is not a single "
        "value; pass text or a number (several checkbox options as one string joined with ';')"
    )


def _form_reason(exc: BadRequestError) -> str:
    body = exc.body if isinstance(exc.body, dict) else {}
    reasons = [e.get("message") for e in body.get("errors") or [] if isinstance(e, dict) and e.get("message")]
    return "; ".join(reasons) or exc.message


class Lists:
    """List memberships (``hs.lists``), on HubSpot's v3 Lists API."""

    def __init__(self, hs: HubSpot):
        self._hs = hs

    def add(self, list_id: str | int, ids: Any) -> pd.DataFrame:
        """Add records to a static (MANUAL or SNAPSHOT) list.

        Args:
            list_id: the v3 list id (ILS id, not a legacy v1 id).
            ids: one record id, a list of ids, a Series, or a DataFrame with an ``id`` column.

        Returns:
            One row per id: ``id`` and ``outcome`` (``added``, ``already a member`` or
            ``not found``).

        Raises:
            InputError: a bad list id or record id (before anything is sent).
            NotFoundError: no such list.
            BadRequestError: the list is not static (HubSpot adds only to MANUAL/SNAPSHOT lists).
        """
        lid = check_id(list_id, what="list id")
        record_ids = list(dict.fromkeys(check_ids(ids, what="record id")))
        outcome: dict[str, str] = {}
        for chunk in _chunks(record_ids, LIST_CHUNK):
            data = self._hs.request_json(
                "PUT", f"/crm/v3/lists/{lid}/memberships/add", json=list(chunk), kind="idempotent"
            ) or {}
            # HubSpot's documented key is "recordsIdsAdded"; accept the spelling without the "s" too.
            added = {str(i) for i in (data.get("recordsIdsAdded") or data.get("recordIdsAdded") or [])}
            missing = {str(i) for i in data.get("recordIdsMissing") or []}
            for rid in chunk:
                outcome[rid] = "added" if rid in added else "not found" if rid in missing else "already a member"
        return _frame([{"id": rid, "outcome": outcome[rid]} for rid in record_ids], ["id", "outcome"])

    def members(self, list_id: str | int) -> pd.DataFrame:
        """The record ids in a list (every page), with the time each was added."""
        import pandas as pd

        lid = check_id(list_id, what="list id")
        rows = []
        for page in iter_pages(self._hs, "GET", f"/crm/v3/lists/{lid}/memberships", params={"limit": 250}):
            rows.extend({"id": str(r.get("recordId")), "added_at": r.get("membershipTimestamp")} for r in page.results)
        df = pd.DataFrame(rows, columns=["id", "added_at"])
        df["id"] = df["id"].astype("string")
        df["added_at"] = pd.to_datetime(df["added_at"], utc=True, errors="coerce", format="ISO8601")
        return df

    def all(self, *, query: str = "") -> pd.DataFrame:
        """The portal's lists (id, name, processing type, object type, size).

        Args:
            query: only lists whose name contains this text.
        """
        if not isinstance(query, str):
            raise InputError(f"query={query!r:.100}: use a string (part of a list name), or '' for all lists")
        rows = []
        offset = 0
        while True:
            body = {"query": query, "count": 100, "offset": offset}
            data = self._hs.request_json("POST", "/crm/v3/lists/search", json=body, kind="search") or {}
            for item in data.get("lists") or []:
                rows.append({
                    "list_id": str(item.get("listId")),
                    "name": item.get("name"),
                    "processing_type": item.get("processingType"),
                    "object_type_id": item.get("objectTypeId"),
                    "size": str((item.get("additionalProperties") or {}).get("hs_list_size", item.get("size", ""))),
                })
            if not data.get("hasMore"):
                break
            new_offset = int(data.get("offset") or 0)
            if new_offset <= offset:
                break
            offset = new_offset
        return _frame(rows, ["list_id", "name", "processing_type", "object_type_id", "size"])


class Workflows:
    """Contact enrollment in workflows (``hs.workflows``), on HubSpot's Workflows v2 API."""

    def __init__(self, hs: HubSpot):
        self._hs = hs

    def enroll(self, workflow_id: str | int, emails: Any) -> pd.DataFrame:
        """Enroll contacts, by email, in a contact-based workflow.

        Args:
            workflow_id: the workflow's v2 id.
            emails: one email, a list, a Series, or a DataFrame with an ``email`` column.

        Returns:
            One row per email: ``email`` and ``outcome`` (``enrolled`` or ``not found``:
            HubSpot answered 404 for that contact).

        Raises:
            InputError: a bad workflow id or email (before anything is sent).
            NotFoundError: the workflow does not exist (nobody is enrolled).
        """
        wid = check_id(workflow_id, what="workflow id")
        addresses = emails_list(emails)
        rows = []
        workflow_exists = False
        for email in addresses:
            path = f"/automation/v2/workflows/{wid}/enrollments/contacts/{quote(email, safe='')}"
            try:
                self._hs.request("POST", path, kind="idempotent")
                workflow_exists = True
                rows.append({"email": email, "outcome": "enrolled", "message": ""})
            except NotFoundError as exc:
                # HubSpot answers 404 both for an unknown workflow and for an unknown
                # contact. Until one enrollment succeeded, ask once which it is: an
                # unknown workflow fails the whole call instead of every email.
                if not workflow_exists:
                    self._require_workflow(wid)
                    workflow_exists = True
                rows.append({"email": email, "outcome": "not found", "message": exc.message})
        return _frame(rows, ["email", "outcome", "message"])

    def _require_workflow(self, wid: str) -> None:
        """Raise a NotFoundError naming the workflow if the portal has no workflow ``wid``."""
        path = f"/automation/v3/workflows/{wid}"
        try:
            self._hs.request("GET", path)
        except NotFoundError as exc:
            raise NotFoundError(
                f"workflow {wid} does not exist in this portal, so no contact was enrolled.",
                status=exc.status, category=exc.category, correlation_id=exc.correlation_id,
                method="GET", path=path, body=exc.body,
            ) from None

    def all(self) -> pd.DataFrame:
        """The portal's workflows: ``workflow_id``, ``name``, ``type`` and ``enabled``.

        Uses HubSpot's legacy listing (``GET /automation/v3/workflows``), whose ids are the
        ones :meth:`enroll` takes.
        """
        data = self._hs.request_json("GET", "/automation/v3/workflows") or {}
        rows = [
            {"workflow_id": str(w.get("id")), "name": w.get("name"), "type": w.get("type"),
             "enabled": "true" if w.get("enabled") else "false"}
            for w in data.get("workflows") or []
        ]
        df = _frame(rows, ["workflow_id", "name", "type", "enabled"])
        df["enabled"] = df["enabled"].map({"true": True, "false": False}).astype("boolean")
        return df


def emails_list(emails: Any) -> list[str]:
    """Emails given as one, a list, a Series or a DataFrame's ``email`` column: checked, once each."""
    import pandas as pd

    if isinstance(emails, pd.DataFrame):
        if "email" not in emails.columns:
            raise InputError(
                f"the DataFrame has no 'email' column (columns: {list(emails.columns)[:8]}): "
                "pass the column of emails, or rename it to 'email'"
            )
        emails = emails["email"]
    if isinstance(emails, pd.Series):
        emails = emails.dropna().tolist()
    if isinstance(emails, str):
        emails = [emails]
    if not isinstance(emails, (list, tuple, set)):
        raise InputError(
            f"emails={emails!r:.100} ({type(emails).__name__}): use an email or a list of emails, "
            "e.g. ['ada@example.com']"
        )
    out = [check_email(e) for e in emails]
    if not out:
        raise InputError("no emails given: pass at least one")
    return list(dict.fromkeys(out))
