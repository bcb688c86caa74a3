"""Seeding the custom object: machines installed at companies.

Each machine belongs to a company (the schema's ``machine_to_company`` association) and
about a third also to one of that company's contacts, its operator.
"""

from __future__ import annotations

import random

from ..crm.definitions import unlabeled_type
from ..store import Store
from ..values import iso_ms
from .pools import DAY, SEED_END, SEED_START, options

__all__ = ["seed_machines"]

_MODELS = options("machines", "model")
_STATUS = ["running"] * 6 + ["maintenance"] * 2 + ["retired"]


def seed_machines(store: Store, rng: random.Random, n: int) -> None:
    """``n`` machines, spread over the live companies in turn."""
    companies = store.tables["companies"].live_ids()
    table = store.tables["machines"]
    to_company = unlabeled_type("machines", "companies")
    to_contact = unlabeled_type("machines", "contacts")
    for i in range(n if companies else 0):
        company = companies[i % len(companies)]
        model = rng.choice(_MODELS)
        installed = SEED_START + rng.randrange((SEED_END - SEED_START) // DAY) * DAY
        p = {
            "name": f"{model.upper()} #{i + 1}",
            "serial_number": f"SN-{rng.randrange(16**8):08X}",
            "model": model,
            "machine_status": rng.choice(_STATUS),
            "installed_on": iso_ms(installed)[:10],
            "hours_run": str(rng.randint(0, 40_000)),
        }
        rec = table.insert(p, installed, min(installed + rng.randrange(400) * DAY, SEED_END))
        store.assoc.add("machines", rec.id, "companies", company, (to_company,))
        people = sorted(store.live_targets("companies", company, "contacts"))
        if people and rng.random() < 0.35:
            store.assoc.add("machines", rec.id, "contacts", rng.choice(people), (to_contact,))
    table.invalidate()
