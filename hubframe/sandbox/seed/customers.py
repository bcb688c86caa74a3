"""Who the seeded activity is about: the live contacts, their companies and deals.

Tickets, engagements and the custom object are seeded after contacts, companies and
deals, and are associated with them the way a real portal's are: an activity is about
a contact who existed when it happened, and also about that contact's primary company
and, often, one of the company's deals.
"""

from __future__ import annotations

import random
from bisect import bisect_right

from ..store import Store

__all__ = ["Customers", "Subject"]

#: (contact id, primary company id or None, deal id or None)
Subject = tuple[int, int | None, int | None]


class Customers:
    """The live contacts in creation order, with each one's company and its deals."""

    def __init__(self, store: Store):
        contacts = store.tables["contacts"]
        ids = contacts.live_ids()
        self.ids = sorted(ids, key=lambda i: contacts.records[i].created)
        self.created = [contacts.records[i].created for i in self.ids]
        self.company: dict[int, int] = {}
        for cid in self.ids:
            for company, types in store.live_targets("contacts", cid, "companies").items():
                if 1 in types:
                    self.company[cid] = company
        self._deals: dict[int, list[int]] = {}
        self._store = store

    def deals_of(self, company: int) -> list[int]:
        """The live deals of a company, in id order."""
        deals = self._deals.get(company)
        if deals is None:
            deals = self._deals[company] = sorted(
                self._store.live_targets("companies", company, "deals")
            )
        return deals

    def subject(self, rng: random.Random, at: int, deal_share: float) -> Subject | None:
        """A contact created before ``at`` (else the first), its company, and with
        probability ``deal_share`` one of the company's deals; None without contacts."""
        if not self.ids:
            return None
        known = bisect_right(self.created, at)
        contact = self.ids[rng.randrange(known)] if known else self.ids[0]
        company = self.company.get(contact)
        deals = self.deals_of(company) if company is not None else []
        deal = rng.choice(deals) if deals and rng.random() < deal_share else None
        return contact, company, deal
