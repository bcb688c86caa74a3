"""Companies: the object operations, plus the connector's company-contact associations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..errors import BatchError
from ..pagination import iter_pages
from ..validate import check_id
from .objects import ObjectResource

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["CompanyResource"]


class CompanyResource(ObjectResource):
    """Companies, plus get_contacts, add_contact and remove_contact."""

    def get_contacts(self, company_id: Any, *, properties: Any = None) -> pd.DataFrame:
        """All contacts of a company: the contacts themselves, every page, each once.

        Args:
            company_id: the company id.
            properties: the contacts' properties: None (defaults), a list, or ``"all"``.

        Raises:
            NotFoundError: no such company.
        """
        cid = check_id(company_id, what="company id")
        contacts = self._hs.contacts
        names = contacts.names(properties)  # validate before any request
        ids: list[str] = []
        paths = self._hs.paths
        path = paths.associations(self.object_type, cid, "contacts")
        # An association list is in no id order (legacy lists a contact once per label).
        for page in iter_pages(self._hs, "GET", path, order_key=None):
            ids.extend(paths.association_ids(page.results, path=path))
        ids = list(dict.fromkeys(ids))  # one row per contact, however many labels it has
        if not ids:
            return contacts.frame([], names)
        return contacts.get_many(ids, properties=names)

    def _association(self, action: str, company_id: Any, contact_id: Any) -> None:
        cid = check_id(company_id, what="company id")
        pid = check_id(contact_id, what="contact id")
        paths = self._hs.paths
        # The body and the answer differ between API versions: the version object knows both.
        body = {"inputs": [paths.association_input("contacts", "companies", action, pid, cid)]}
        path = paths.association_batch("contacts", "companies", action)
        response, data = self._hs.exchange("POST", path, json=body, kind="idempotent")
        errors = paths.association_batch_errors(action, response.status_code, data, path=path)
        if errors:
            first = errors[0]
            verb, link = ("add", "to") if action == "create" else ("remove", "from")
            raise BatchError(
                f"cannot {verb} contact {pid} {link} company {cid}: "
                f"{first.get('message') or 'HubSpot reported an error'}",
                failures=[{"input": body["inputs"][0], "message": first.get("message"),
                           "category": first.get("category")}],
                hint=f"Check both ids, e.g. with hs.companies.get({cid!r}) and hs.contacts.get({pid!r}).",
                status=response.status_code, category=first.get("category"),
                correlation_id=(data or {}).get("correlationId"), method="POST", path=path, body=data,
            )  # fmt: skip

    def add_contact(self, company_id: Any, contact_id: Any) -> None:
        """Associate a contact with a company (the connector's "add contact to company").

        Raises:
            BatchError: HubSpot refused it (the company or the contact does not exist).
        """
        self._association("create", company_id, contact_id)

    def remove_contact(self, company_id: Any, contact_id: Any) -> None:
        """Remove the association between a contact and a company.

        Raises:
            BatchError: HubSpot refused it (the company or the contact does not exist).
        """
        self._association("archive", company_id, contact_id)
