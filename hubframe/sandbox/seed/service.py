"""Seeding tickets: support requests from contacts, on the one ticket pipeline.

A ticket is about a contact, also about the contact's primary company (HubSpot's
Primary ticket-to-company type) and sometimes a deal of that company. Its pipeline and
stage are the ticket pipeline's ids (``0`` and ``1``-``4``), the ones
``GET /crm/v3/pipelines/tickets`` lists; a closed ticket (stage ``4``) has a close date.
"""

from __future__ import annotations

import random

from ..crm.definitions import OWNERS
from ..store import Store
from ..values import iso_ms
from .customers import Customers
from .pools import DAY, PRODUCT_WORDS, SEED_END, options, timeline

__all__ = ["seed_tickets"]

_STAGES = ["1"] * 2 + ["2"] + ["3"] + ["4"] * 4
_PRIORITIES = options("tickets", "hs_ticket_priority")
_CATEGORIES = options("tickets", "hs_ticket_category")
_SOURCES = options("tickets", "source_type")
_OWNER_IDS = [o for o, _ in OWNERS]
_PROBLEMS = (
    "cannot log in to {what}",
    "{what} export is slow",
    "invoice question about {what}",
    "{what} shows the wrong time zone",
    "how do I set up {what}?",
    "{what} stopped syncing",
)


def seed_tickets(store: Store, rng: random.Random, n: int, customers: Customers) -> None:
    """``n`` tickets, each about a contact (and its company, sometimes a deal)."""
    table = store.tables["tickets"]
    for i in range(n):
        created, updated = timeline(rng, n, i)
        subject = customers.subject(rng, created, 0.2)
        what = rng.choice(PRODUCT_WORDS)
        stage = rng.choice(_STAGES)
        p = {
            "subject": rng.choice(_PROBLEMS).format(what=what).capitalize(),
            "content": f"Customer reports: {what.lower()} needs attention.",
            "hs_pipeline": "0",
            "hs_pipeline_stage": stage,
            "hs_ticket_priority": rng.choice(_PRIORITIES),
            "hs_ticket_category": rng.choice(_CATEGORIES),
            "source_type": rng.choice(_SOURCES),
        }
        if rng.random() < 0.8:
            p["hubspot_owner_id"] = rng.choice(_OWNER_IDS)
        if stage == "4":
            closed = min(created + rng.randint(1, 30) * DAY, SEED_END)
            p["closed_date"] = iso_ms(closed)
            updated = max(updated, closed)
        rec = table.insert(p, created, updated)
        if subject is None:
            continue
        contact, company, deal = subject
        store.assoc.add("tickets", rec.id, "contacts", contact, (16,))
        if company is not None:
            store.assoc.add("tickets", rec.id, "companies", company, (26,))
        if deal is not None:
            store.assoc.add("tickets", rec.id, "deals", deal, (28,))
    table.invalidate()
