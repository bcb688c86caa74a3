"""Lists v3, form submissions and workflow enrollment (facts §2.14-2.16).

A mixin of :class:`hubframe.sandbox.store.Store`; it relies on the store's
``lock``, ``portal_id`` and ``tables``.
"""

from __future__ import annotations

from bisect import bisect_left
from typing import TYPE_CHECKING, Any

from ._util import locked, parse_id
from .definitions import PROPERTIES
from .errors import ApiError, validation_error
from .values import EMAIL_RE, PropertyValueError, iso_ms, normalize, now_ms

if TYPE_CHECKING:  # pragma: no cover
    from .store import ObjectTable

__all__ = ["MarketingOps", "FORM_FIELD_TYPES"]

MANUAL_TYPES = ("MANUAL", "SNAPSHOT")
MAX_MEMBERSHIP_IDS = 100_000

# HubSpot form field types for each property type / field type.
FORM_FIELD_TYPES = {
    "email": "email",
    "phone_number": "phone",
    "textarea": "multi_line_text",
    "select": "dropdown",
    "radio": "radio",
    "checkbox": "multiple_checkboxes",
    "booleancheckbox": "single_checkbox",
    "date": "datepicker",
    "number": "number",
}


class MarketingOps:
    lock: Any
    portal_id: int
    tables: dict[str, ObjectTable]
    _version: int

    def __init__(self) -> None:
        self.lists: dict[str, dict[str, Any]] = {}
        # list id -> {record id: membership timestamp (epoch ms)}
        self.list_members: dict[str, dict[int, int]] = {}
        self.forms: dict[str, dict[str, Any]] = {}
        self.submissions: list[dict[str, Any]] = []
        self.workflows: dict[str, dict[str, Any]] = {}
        # workflow id -> {contact id: enrollment time (epoch ms)}
        self.enrollments: dict[str, dict[int, int]] = {}

    # -- lists ------------------------------------------------------------------------------

    def _list(self, list_id: str) -> dict[str, Any]:
        meta = self.lists.get(str(list_id))
        if meta is None:
            raise ApiError(
                404,
                f"List with id {list_id} does not exist.",
                "OBJECT_NOT_FOUND",
                context={"listId": [str(list_id)]},
            )
        return meta

    def _live_members(self, list_id: str) -> list[int]:
        contacts = self.tables["contacts"].records
        return sorted(
            i
            for i in self.list_members.get(list_id, {})
            if i in contacts and not contacts[i].archived
        )

    def _list_json(self, meta: dict[str, Any]) -> dict[str, Any]:
        members = self.list_members.get(meta["listId"], {})
        size = len(self._live_members(meta["listId"]))
        last_added = max(members.values(), default=meta["createdAt"])
        return {
            "listId": meta["listId"],
            "listVersion": meta["listVersion"],
            "createdAt": iso_ms(meta["createdAt"]),
            "updatedAt": iso_ms(meta["updatedAt"]),
            "filtersUpdatedAt": iso_ms(meta["createdAt"]),
            "processingStatus": "COMPLETE",
            "createdById": meta["createdById"],
            "updatedById": meta["createdById"],
            "processingType": meta["processingType"],
            "objectTypeId": meta["objectTypeId"],
            "name": meta["name"],
            "size": size,
            "additionalProperties": {
                "hs_list_size": str(size),
                "hs_last_record_added_at": str(last_added),
                "hs_list_reference_count": "0",
            },
        }

    @locked
    def get_list(self, list_id: str) -> dict[str, Any]:
        """One list (GET /crm/v3/lists/{listId}); 404 if unknown."""
        return self._list_json(self._list(list_id))

    @locked
    def get_lists(self, list_ids: list[str] | None) -> list[dict[str, Any]]:
        """Lists by id (unknown ids skipped), or every list."""
        ids = list_ids if list_ids else list(self.lists)
        return [self._list_json(self.lists[i]) for i in ids if i in self.lists]

    @locked
    def search_lists(
        self,
        *,
        query: str,
        offset: int,
        count: int,
        processing_types: list[str],
        list_ids: list[str],
    ) -> tuple[list[dict[str, Any]], int, bool, int]:
        """POST /crm/v3/lists/search: (lists, total, hasMore, next offset)."""
        q = query.casefold()
        hits = [
            m
            for m in self.lists.values()
            if q in m["name"].casefold()
            and (not processing_types or m["processingType"] in processing_types)
            and (not list_ids or m["listId"] in list_ids)
        ]
        page = hits[offset : offset + count]
        return (
            [self._list_json(m) for m in page],
            len(hits),
            offset + count < len(hits),
            offset + len(page),
        )

    @locked
    def get_memberships(
        self, list_id: str, *, after: int | None, limit: int
    ) -> tuple[list[dict[str, str]], int | None, int]:
        """Members by ascending record id: (page, next record id or None, total)."""
        self._list(list_id)
        ids = self._live_members(str(list_id))
        start = 0 if after is None else bisect_left(ids, after)
        members = self.list_members[str(list_id)]
        page = [
            {"recordId": str(i), "membershipTimestamp": iso_ms(members[i])}
            for i in ids[start : start + limit]
        ]
        nxt = ids[start + limit] if start + limit < len(ids) else None
        return page, nxt, len(ids)

    def _manual_list(self, list_id: str) -> dict[str, Any]:
        meta = self._list(list_id)
        if meta["processingType"] not in MANUAL_TYPES:
            raise validation_error(
                f"List {list_id} has processingType {meta['processingType']}: records can only be added "
                "to or removed from MANUAL or SNAPSHOT lists."
            )
        return meta

    def _record_ids(self, raw: Any) -> list[str]:
        if not isinstance(raw, list) or not all(
            isinstance(x, (str, int)) and not isinstance(x, bool) for x in raw
        ):
            raise validation_error("The request body must be a JSON array of record id strings.")
        if len(raw) > MAX_MEMBERSHIP_IDS:
            raise validation_error(f"At most {MAX_MEMBERSHIP_IDS} record ids can be sent at once.")
        return list(dict.fromkeys(str(x) for x in raw))

    @locked
    def add_and_remove_memberships(
        self, list_id: str, to_add: Any, to_remove: Any
    ) -> dict[str, list[str]]:
        """Add and remove members of a MANUAL/SNAPSHOT list.

        Records that do not exist go to ``recordIdsMissing``; records already in (or
        already out of) the list are ignored and not reported. The response carries both
        ``recordsIdsAdded`` (HubSpot's spelling) and ``recordIdsAdded``.
        """
        meta = self._manual_list(list_id)
        add_ids, remove_ids = self._record_ids(to_add), self._record_ids(to_remove)
        contacts = self.tables["contacts"]
        members = self.list_members.setdefault(meta["listId"], {})
        added, removed, missing = [], [], []
        now = now_ms()
        for raw in add_ids:
            rec = contacts.get_live(parse_id(raw))
            if rec is None:
                missing.append(raw)
            elif rec.id not in members:
                members[rec.id] = now
                added.append(str(rec.id))
        for raw in remove_ids:
            rec = contacts.get_live(parse_id(raw))
            if rec is None:
                missing.append(raw)
            elif members.pop(rec.id, None) is not None:
                removed.append(str(rec.id))
        if added or removed:
            meta["updatedAt"] = now
            self._version += 1
        return {
            "recordsIdsAdded": added,
            "recordIdsAdded": added,
            "recordIdsRemoved": removed,
            "recordIdsMissing": list(dict.fromkeys(missing)),
        }

    def add_memberships(self, list_id: str, record_ids: Any) -> dict[str, list[str]]:
        """PUT /crm/v3/lists/{listId}/memberships/add (body: a bare array of ids)."""
        return self.add_and_remove_memberships(list_id, record_ids, [])

    def remove_memberships(self, list_id: str, record_ids: Any) -> dict[str, list[str]]:
        """PUT /crm/v3/lists/{listId}/memberships/remove."""
        return self.add_and_remove_memberships(list_id, [], record_ids)

    # -- forms ------------------------------------------------------------------------------

    def _form(self, portal_id: str, form_guid: str) -> dict[str, Any]:
        form = self.forms.get(form_guid)
        if str(portal_id) != str(self.portal_id) or form is None:
            raise ApiError(404, f"Form {form_guid} does not exist in portal {portal_id}.", None)
        return form

    @locked
    def get_forms(self) -> list[dict[str, Any]]:
        """Form definitions as /marketing/v3/forms returns them."""
        return [self._form_json(f) for f in self.forms.values()]

    @locked
    def get_form(self, form_guid: str) -> dict[str, Any]:
        form = self.forms.get(form_guid)
        if form is None:
            raise ApiError(404, f"Form {form_guid} does not exist.", "OBJECT_NOT_FOUND")
        return self._form_json(form)

    def _form_json(self, form: dict[str, Any]) -> dict[str, Any]:
        defs = PROPERTIES["contacts"]
        fields = []
        for f in form["fields"]:
            d = defs[f["name"]]
            kind = (
                "email"
                if f["name"] == "email"
                else FORM_FIELD_TYPES.get(
                    d.type if d.type == "phone_number" else d.field_type, "single_line_text"
                )
            )
            field = {
                "objectTypeId": "0-1",
                "name": f["name"],
                "label": f["label"],
                "required": f["required"],
                "hidden": False,
                "fieldType": kind,
            }
            if d.options:
                field["options"] = [
                    {"label": label, "value": value, "displayOrder": i}
                    for i, (value, label) in enumerate(d.options)
                ]
            fields.append(field)
        post = (
            {"type": "redirect_url", "value": form["redirectUri"]}
            if form.get("redirectUri")
            else {"type": "thank_you_message", "value": form["inlineMessage"]}
        )
        return {
            "id": form["guid"],
            "name": form["name"],
            "formType": "hubspot",
            "createdAt": iso_ms(form["createdAt"]),
            "updatedAt": iso_ms(form["createdAt"]),
            "archived": False,
            "fieldGroups": [
                {"groupType": "default_group", "richTextType": "text", "fields": [fl]}
                for fl in fields
            ],
            "configuration": {
                "language": "en",
                "postSubmitAction": post,
                "createNewContactForNewEmail": False,
            },
            "legalConsentOptions": {"type": "none"},
        }

    @locked
    def submit_form(self, portal_id: str, form_guid: str, body: Any) -> dict[str, str]:
        """POST /submissions/v3/integration/submit/{portalId}/{formGuid}.

        Validates the fields against the form (unknown field, missing required field,
        bad email, invalid property value), then creates or updates the contact by email.

        Returns:
            ``{"inlineMessage": ...}`` or ``{"redirectUri": ...}``.

        Raises:
            ApiError: 404 for an unknown portal/form; 400 "The request is not valid" with
                ``errors: [{message, errorType}]``.
        """
        form = self._form(portal_id, form_guid)
        if not isinstance(body, dict) or not isinstance(body.get("fields", []), list):
            raise ApiError(
                400,
                "The request is not valid",
                None,
                errors=[
                    {
                        "message": "Error in 'fields'. fields must be a list of {name, value}",
                        "errorType": "INVALID_JSON",
                    }
                ],
            )
        skip = bool(body.get("skipValidation"))
        by_name = {f["name"]: f for f in form["fields"]}
        defs = PROPERTIES["contacts"]
        errors: list[dict[str, str]] = []
        values: dict[str, str] = {}
        submitted: dict[str, str] = {}
        for item in body.get("fields") or []:
            name = str((item or {}).get("name", ""))
            value = (item or {}).get("value")
            value = "" if value is None else str(value)
            if name not in by_name and not skip:
                errors.append(
                    {
                        "message": f"Error in 'fields.{name}'. Field '{name}' is not in the form definition",
                        "errorType": "FIELD_NOT_IN_FORM_DEFINITION",
                    }
                )
                continue
            submitted[name] = value
        if not skip:
            for f in form["fields"]:
                if f["required"] and not submitted.get(f["name"], "").strip():
                    errors.append(
                        {
                            "message": f"Error in 'fields.{f['name']}'. Required field '{f['name']}' is missing",
                            "errorType": "REQUIRED_FIELD",
                        }
                    )
        email = submitted.get("email", "").strip().lower()
        if email and not EMAIL_RE.match(email):
            errors.append(
                {
                    "message": "Error in 'fields.email'. Invalid email address",
                    "errorType": "INVALID_EMAIL",
                }
            )
        for name, value in submitted.items():
            d = defs.get(name)
            if name == "email" or d is None or d.read_only:
                continue
            try:
                values[name] = normalize(d, value, object_type="contacts")
            except PropertyValueError as exc:
                errors.append(
                    {"message": f"Error in 'fields.{name}'. {exc.message}", "errorType": exc.code}
                )
        if errors:
            raise ApiError(400, "The request is not valid", None, errors=errors)
        contact_id = self._upsert_contact(email, values) if email else None
        self.submissions.append(
            {
                "formGuid": form_guid,
                "submittedAt": body.get("submittedAt") or now_ms(),
                "fields": submitted,
                "contactId": contact_id,
                "context": body.get("context") or {},
            }
        )
        self._version += 1
        if form.get("redirectUri"):
            return {"redirectUri": form["redirectUri"]}
        return {"inlineMessage": form["inlineMessage"]}

    def _upsert_contact(self, email: str, values: dict[str, str]) -> int:
        table = self.tables["contacts"]
        assert table.email_index is not None
        rid = table.email_index.get(email)
        if rid is None:
            now = now_ms()
            return table.insert({"email": email, **values}, now, now).id
        rec = table.records[rid]
        values = {k: v for k, v in values.items() if v != ""}  # a blank form field does not clear
        if values:
            rec.props.update(values)
            rec.updated = max(now_ms(), rec.updated)
            table.invalidate()
        return rid

    # -- workflows --------------------------------------------------------------------------

    def _workflow(self, workflow_id: str) -> dict[str, Any]:
        wf = self.workflows.get(str(workflow_id))
        if wf is None:
            raise ApiError(404, f"Workflow {workflow_id} not found", None)
        return wf

    def _contact_id(self, email: str) -> int:
        table = self.tables["contacts"]
        assert table.email_index is not None
        rid = table.email_index.get(email.strip().lower())
        if rid is None:
            raise ApiError(404, f"Contact with email {email} does not exist", None)
        return rid

    @locked
    def enroll(self, workflow_id: str, email: str) -> None:
        """Enroll a contact (by email) in a v2 workflow. 404 for an unknown workflow or contact."""
        self._workflow(workflow_id)
        rid = self._contact_id(email)
        self.enrollments.setdefault(str(workflow_id), {})[rid] = now_ms()
        self._version += 1

    @locked
    def unenroll(self, workflow_id: str, email: str) -> None:
        """Remove a contact from a workflow (unknown workflow/contact: 404; not enrolled: no-op)."""
        self._workflow(workflow_id)
        rid = self._contact_id(email)
        if self.enrollments.get(str(workflow_id), {}).pop(rid, None) is not None:
            self._version += 1

    def _workflow_json(self, wf: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": int(wf["id"]),
            "name": wf["name"],
            "type": wf["type"],
            "enabled": wf["enabled"],
            "portalId": self.portal_id,
            "insertedAt": wf["insertedAt"],
            "updatedAt": wf["updatedAt"],
            "description": wf.get("description", ""),
            "contactListIds": {"enrolled": 0, "active": 0, "completed": 0, "succeeded": 0},
            "personaTagIds": [],
        }

    @locked
    def get_workflows(self) -> list[dict[str, Any]]:
        return [self._workflow_json(w) for w in self.workflows.values()]

    @locked
    def get_workflow(self, workflow_id: str) -> dict[str, Any]:
        return self._workflow_json(self._workflow(workflow_id))

    @locked
    def get_contact_enrollments(self, contact_id: str) -> list[dict[str, Any]]:
        """Workflows a contact (by id) is enrolled in."""
        rid = parse_id(contact_id)
        if self.tables["contacts"].get_live(rid) is None:
            raise ApiError(404, f"Contact {contact_id} does not exist", None)
        return [
            {"id": int(w), "name": self.workflows[w]["name"], "enrolledAt": members[rid]}  # type: ignore[index]
            for w, members in self.enrollments.items()
            if rid in members
        ]

    # -- persistence ------------------------------------------------------------------------

    def marketing_state(self) -> dict[str, Any]:
        return {
            "lists": [dict(m) for m in self.lists.values()],
            "list_members": {
                k: [[i, t] for i, t in v.items()] for k, v in self.list_members.items()
            },
            "forms": list(self.forms.values()),
            "submissions": list(self.submissions),
            "workflows": list(self.workflows.values()),
            "enrollments": {k: [[i, t] for i, t in v.items()] for k, v in self.enrollments.items()},
        }

    def load_marketing_state(self, state: dict[str, Any]) -> None:
        self.lists = {m["listId"]: m for m in state.get("lists", [])}
        self.list_members = {
            k: {int(i): t for i, t in v} for k, v in state.get("list_members", {}).items()
        }
        self.forms = {f["guid"]: f for f in state.get("forms", [])}
        self.submissions = list(state.get("submissions", []))
        self.workflows = {str(w["id"]): w for w in state.get("workflows", [])}
        self.enrollments = {
            k: {int(i): t for i, t in v} for k, v in state.get("enrollments", {}).items()
        }
