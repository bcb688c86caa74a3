"""Form submissions (``hs.forms.submit``), on HubSpot's forms host.

The same path in every API version: HubSpot's dated forms API manages form definitions
only and sends submissions to this endpoint. Unsupported from September 2027 by HubSpot's
v1-v3 rule; whether that rule covers the forms host is unconfirmed.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from ..encode import check_text
from ..errors import BadRequestError, InputError
from ..validate import check_email, check_id, is_missing
from .base import table
from .rows import check_unique_columns

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..client import HubSpot

__all__ = ["Forms"]

_GUID_RE = re.compile(
    r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$"
)


class Forms:
    """Form submissions (``hs.forms``), on HubSpot's forms host.

    The submit endpoint is unauthenticated: the client sends these requests without
    the Authorization header, so the token never reaches the forms host.
    """

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
            fields: ``{field name: value}``, or HubSpot's own fields list
                ``[{"name": "email", "value": ...}, ...]`` (what the connector sends; also
                as the body ``{"fields": [...]}``): one submission. A DataFrame or a list of
                dicts submits each row. Empty values (None,
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
        path = self._hs.paths.form_submit(pid, form_id.strip())
        rows = []
        for n, submission in enumerate(submissions):
            body: dict[str, Any] = {
                "fields": [{"name": k, "value": v} for k, v in submission.items()]
            }
            if context:
                body["context"] = dict(context)
            email = submission.get("email", "")
            try:
                data = (
                    self._hs.request_json("POST", path, json=body, kind="create", host="forms")
                    or {}
                )
                message = data.get("inlineMessage") or data.get("redirectUri") or ""
                rows.append(
                    {"row": str(n), "email": email, "outcome": "submitted", "message": message}
                )
            except BadRequestError as exc:
                rows.append(
                    {
                        "row": str(n),
                        "email": email,
                        "outcome": "rejected",
                        "message": _form_reason(exc),
                    }
                )
        return table(rows, ["row", "email", "outcome", "message"])


def _is_field_list(fields: Any) -> bool:
    """Whether ``fields`` is HubSpot's own ``fields`` list, ``[{"name": ..., "value": ...}]``:
    every item a dict whose keys are ``name`` and ``value`` (and ``objectTypeId``)."""
    return (
        isinstance(fields, (list, tuple))
        and bool(fields)
        and all(
            isinstance(item, Mapping)
            and "name" in item
            and "value" in item
            and set(item) <= _FIELD_KEYS
            for item in fields
        )
    )


#: The keys of one item of HubSpot's ``fields`` list.
_FIELD_KEYS = frozenset({"name", "value", "objectTypeId"})


def _from_field_list(items: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """HubSpot's ``fields`` list (what the connector sends) as one submission's dict."""
    out: dict[str, Any] = {}
    for n, item in enumerate(items):
        name = item["name"]
        if not isinstance(name, str) or not name.strip():
            raise InputError(
                f"field {n} of the fields list has name {name!r}: each field needs its name "
                "as a non-empty string, e.g. {'name': 'email', 'value': 'ada@example.com'}"
            )
        if name in out:
            raise InputError(
                f"field {name!r} is in the fields list twice: give each field once "
                "(several checkbox options as one value joined with ';')"
            )
        out[name] = item["value"]
    return out


def _raw_submissions(fields: Any) -> list[Mapping[str, Any]]:
    """The submissions as dicts: a dict, HubSpot's ``fields`` list or a body holding one,
    a DataFrame, or a list of dicts."""
    import pandas as pd

    if isinstance(fields, Mapping) and set(fields) == {"fields"}:
        fields = fields["fields"]  # the whole body, as the connector's users write it
        if not _is_field_list(fields):
            raise InputError(
                f"fields['fields']={fields!r:.100}: HubSpot's fields list is "
                "[{'name': 'email', 'value': 'ada@example.com'}, ...]"
            )
    if _is_field_list(fields):
        return [_from_field_list(fields)]
    if isinstance(fields, Mapping):
        return [fields]
    if isinstance(fields, pd.DataFrame):
        check_unique_columns(fields)
        return fields.to_dict(orient="records")  # empty cells are dropped per value below
    if isinstance(fields, (list, tuple)) and all(isinstance(r, Mapping) for r in fields):
        return list(fields)
    raise InputError(
        "fields must be a dict, a DataFrame or a list of dicts (one submission per row), "
        "or HubSpot's fields list [{'name': ..., 'value': ...}], not "
        f"{type(fields).__name__} {fields!r:.100}"
    )


def _submission_rows(fields: Any) -> list[dict[str, str]]:
    raw = _raw_submissions(fields)
    if not raw:
        raise InputError(
            "no submissions: fields is an empty list or DataFrame; pass at least one row"
        )
    return [_submission(n, rec) for n, rec in enumerate(raw)]


def _submission(n: int, rec: Mapping[str, Any]) -> dict[str, str]:
    """One submission's fields, checked and as text."""
    if not rec:
        raise InputError(
            f"submission {n} has no fields: give at least one, e.g. {{'email': 'ada@example.com'}}"
        )
    row: dict[str, str] = {}
    for key, value in rec.items():
        if not isinstance(key, str) or not key.strip():
            raise InputError(f"submission {n}: field name {key!r} must be a non-empty string")
        text = _field_value(n, key, value)
        if text is not None:
            row[key] = check_text(text, f"submission {n}: field {key!r}", value)
    if not row:
        raise InputError(
            f"submission {n} has only empty fields: give at least one value, e.g. {{'email': ...}}"
        )
    if "email" in row:
        row["email"] = check_email(row["email"], what=f"submission {n}: email")
    return row


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
    reasons = [
        str(e["message"])
        for e in body.get("errors") or []
        if isinstance(e, dict) and e.get("message")
    ]
    return "; ".join(reasons) or exc.message
