"""Forms: the store's form operations (submissions, definitions) and their handlers (facts §2.15).

A submission is checked against the seeded form (unknown fields, required
fields, emails, property values, all reported at once), then creates or
updates the contact by email.
"""

from __future__ import annotations

from typing import Any

from .calls import Call, Reply
from .crm.definitions import PROPERTIES
from .errors import ApiError
from .state import PortalState
from .util import locked
from .values import EMAIL_RE, PropertyValueError, iso_ms, normalize, now_ms

__all__ = ["FormOps", "FORM_FIELD_TYPES"]

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


class FormOps(PortalState):
    """Form operations of the store.

    Attributes:
        forms: form guid -> the seeded form definition.
        submissions: every accepted submission, oldest first.
    """

    def __init__(self, portal_id: int) -> None:
        super().__init__(portal_id)
        self.forms: dict[str, dict[str, Any]] = {}
        self.submissions: list[dict[str, Any]] = []

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
        submitted, errors = _submitted_fields(form, body)
        email, values, invalid = _contact_values(submitted)
        errors += invalid
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
        self.note_write()
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
        table.apply(rec, values)
        return rid

    # -- persistence ------------------------------------------------------------------------

    def forms_state(self) -> dict[str, Any]:
        return {"forms": list(self.forms.values()), "submissions": list(self.submissions)}

    def load_forms_state(self, state: dict[str, Any]) -> None:
        self.forms = {f["guid"]: f for f in state.get("forms", [])}
        self.submissions = list(state.get("submissions", []))


def _error(field: str, message: str, error_type: str) -> dict[str, str]:
    return {"message": f"Error in 'fields.{field}'. {message}", "errorType": error_type}


def _submitted_fields(
    form: dict[str, Any], body: dict[str, Any]
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """The submitted ``{name: value}`` and the errors against the form's definition
    (unknown and missing required fields; none with ``skipValidation``)."""
    skip = bool(body.get("skipValidation"))
    by_name = {f["name"]: f for f in form["fields"]}
    errors: list[dict[str, str]] = []
    submitted: dict[str, str] = {}
    for item in body.get("fields") or []:
        name = str((item or {}).get("name", ""))
        value = (item or {}).get("value")
        value = "" if value is None else str(value)
        if name not in by_name and not skip:
            errors.append(
                _error(
                    name,
                    f"Field '{name}' is not in the form definition",
                    "FIELD_NOT_IN_FORM_DEFINITION",
                )
            )
            continue
        submitted[name] = value
    if not skip:
        for f in form["fields"]:
            if f["required"] and not submitted.get(f["name"], "").strip():
                errors.append(
                    _error(f["name"], f"Required field '{f['name']}' is missing", "REQUIRED_FIELD")
                )
    return submitted, errors


def _contact_values(
    submitted: dict[str, str],
) -> tuple[str, dict[str, str], list[dict[str, str]]]:
    """(email, the contact's property values, errors in the email or the values)."""
    defs = PROPERTIES["contacts"]
    errors: list[dict[str, str]] = []
    values: dict[str, str] = {}
    email = submitted.get("email", "").strip().lower()
    if email and not EMAIL_RE.match(email):
        errors.append(_error("email", "Invalid email address", "INVALID_EMAIL"))
    for name, value in submitted.items():
        d = defs.get(name)
        if name == "email" or d is None or d.read_only:
            continue
        try:
            values[name] = normalize(d, value, object_type="contacts")
        except PropertyValueError as exc:
            errors.append(_error(name, exc.message, exc.code))
    return email, values, errors


# -- handlers ------------------------------------------------------------------------------


def submit_form(call: Call, store: FormOps) -> Reply:
    try:
        body = call.json(default={})
    except ApiError as exc:
        raise ApiError(
            400,
            "The request is not valid",
            None,
            errors=[{"message": exc.message, "errorType": "INVALID_JSON"}],
        ) from None
    return Reply(200, store.submit_form(call.args["portal_id"], call.args["form_guid"], body))


def get_forms(call: Call, store: FormOps) -> Reply:
    return Reply(200, {"results": store.get_forms()})


def get_form(call: Call, store: FormOps) -> Reply:
    return Reply(200, store.get_form(call.args["form_id"]))
