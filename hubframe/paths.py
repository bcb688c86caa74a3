"""Every HubSpot URL path hubframe sends, built in one place.

Resources never spell a path: they ask the client's :class:`Paths`
(``hs.paths``). Paths are relative to the API host (``hs.base_url``) except
:meth:`Paths.form_submit`, which is relative to the forms host. Ids and emails
placed in a path are percent-encoded here.
"""

from __future__ import annotations

from urllib.parse import quote

__all__ = ["Paths"]


def _part(value: str) -> str:
    return quote(str(value), safe="")


class Paths:
    """The paths of one API version (today HubSpot's v3/v4 paths)."""

    def objects(self, object_type: str) -> str:
        """List and create: ``/crm/v3/objects/{type}``."""
        return f"/crm/v3/objects/{object_type}"

    def object(self, object_type: str, record_id: str) -> str:
        """One record (by id, or by a unique property with ``idProperty``)."""
        return f"{self.objects(object_type)}/{_part(record_id)}"

    def batch(self, object_type: str, action: str) -> str:
        """A batch endpoint: ``read``, ``create``, ``update``, ``upsert`` or ``archive``."""
        return f"{self.objects(object_type)}/batch/{action}"

    def search(self, object_type: str) -> str:
        """CRM search over one object type."""
        return f"{self.objects(object_type)}/search"

    def properties(self, object_type: str) -> str:
        """The property definitions of an object type."""
        return f"/crm/v3/properties/{object_type}"

    def associations(self, object_type: str, record_id: str, to_type: str) -> str:
        """The records of ``to_type`` associated with one record (paged)."""
        return f"{self.object(object_type, record_id)}/associations/{to_type}"

    def association_batch(self, from_type: str, to_type: str, action: str) -> str:
        """Associate (``create``) or dissociate (``archive``) records in a batch (v3 shape)."""
        return f"/crm/v3/associations/{from_type}/{to_type}/batch/{action}"

    def list_memberships(self, list_id: str, action: str | None = None) -> str:
        """A list's memberships (paged), or ``add`` / ``remove`` records to or from it."""
        path = f"/crm/v3/lists/{_part(list_id)}/memberships"
        return f"{path}/{action}" if action else path

    def list_search(self) -> str:
        """Search the portal's lists by name."""
        return "/crm/v3/lists/search"

    def workflows(self) -> str:
        """The portal's workflows (legacy listing, whose ids enrollment takes)."""
        return "/automation/v3/workflows"

    def workflow(self, workflow_id: str) -> str:
        """One workflow's definition."""
        return f"{self.workflows()}/{_part(workflow_id)}"

    def workflow_enrollment(self, workflow_id: str, email: str) -> str:
        """Enroll one contact, by email, in a workflow (Workflows v2)."""
        return f"/automation/v2/workflows/{_part(workflow_id)}/enrollments/contacts/{_part(email)}"

    def account_details(self) -> str:
        """The portal's account details (its portal id, time zone, currency)."""
        return "/account-info/v3/details"

    def form_submit(self, portal_id: str, form_id: str) -> str:
        """Submit a form (on the forms host)."""
        return f"/submissions/v3/integration/submit/{_part(portal_id)}/{_part(form_id)}"
