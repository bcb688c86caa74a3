"""Which company a new contact's email domain points at (HubSpot's auto-association).

By default HubSpot associates a newly created contact with the company whose
``domain`` is the domain of the contact's email (facts, create contact C5), also
when the create names a company of its own: the contact then has both. The
sandbox does this on every contact create through the API (single, batch, an
upsert that creates) unless the portal setting is off
(``Sandbox(auto_associate_domains=False)``). HubSpot's docs speak of creation
only, so changing a contact's email later associates nothing.

Matching is by the whole domain, in any case. A free-mail domain (``gmail.com``)
matches only a company whose domain it is; no list of free-mail domains is kept.
HubSpot's choice among several companies with one domain is unconfirmed: the
sandbox takes the oldest live one (the lowest id).
"""

from __future__ import annotations

from .records import ObjectTable

__all__ = ["DomainMatch", "email_domain"]


def email_domain(email: str | None) -> str | None:
    """The lower-cased domain of an email (None without one)."""
    if not email or "@" not in email:
        return None
    return email.rpartition("@")[2].strip().lower() or None


class DomainMatch:
    """The companies of one portal by domain, looked up while one write holds the lock.

    The index is built on the first lookup only, so a create with no email (or a
    portal with the setting off, which makes none of these) costs nothing.

    Args:
        companies: the companies table.
    """

    def __init__(self, companies: ObjectTable) -> None:
        self._companies = companies
        self._index: dict[str, int] | None = None

    def company_for(self, email: str | None) -> int | None:
        """The id of the live company whose domain the email uses, or None."""
        domain = email_domain(email)
        if domain is None:
            return None
        if self._index is None:
            self._index = self._build()
        return self._index.get(domain)

    def _build(self) -> dict[str, int]:
        index: dict[str, int] = {}
        records = self._companies.records
        for rid in self._companies.live_ids():  # ascending: the oldest company wins
            domain = (records[rid].props.get("domain") or "").strip().lower()
            if domain:
                index.setdefault(domain, rid)
        return index
