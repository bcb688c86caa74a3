"""Deterministic, realistic seed data for a sandbox portal.

Everything comes from one ``random.Random(seed)``, so the same arguments give
the same portal. Values follow the property definitions exactly: enumeration
option values, ``YYYY-MM-DD`` dates, ISO datetimes with milliseconds and ``Z``,
numbers and booleans as strings. Some values are missing and some are ``""``
(cleared), names include non-ASCII letters, and about 2% of the generated
records are archived (on top of the requested number of live records).

Speed matters (100,000 contacts in a few seconds): records are plain dicts
filled from precomputed pools (:mod:`.pools`), and nothing is validated per
record. :mod:`.crm` seeds companies, contacts and deals; :mod:`.marketing`
lists, forms and workflows. The order of the steps (and of the draws within
each) is part of the seed: changing it changes every seeded portal.
"""

from __future__ import annotations

import random

from ..store import Store
from .crm import seed_companies, seed_contacts, seed_deals
from .info import SeedInfo
from .marketing import seed_forms, seed_lists, seed_workflows

__all__ = ["SeedInfo", "seed_store", "portal_id_for"]


def seed_store(store: Store, *, contacts: int, companies: int, deals: int, seed: int) -> SeedInfo:
    """Fill an empty store with a deterministic portal.

    Args:
        store: an empty :class:`Store`.
        contacts, companies, deals: numbers of live records to create.
        seed: the random seed.

    Returns:
        The seeded list, workflow and form ids.
    """
    rng = random.Random(seed)
    info = SeedInfo(portal_id=store.portal_id)
    company_rows = seed_companies(store, rng, companies)
    contacts_of = seed_contacts(store, rng, contacts, company_rows)
    seed_deals(store, rng, deals, company_rows, contacts_of)
    seed_lists(store, rng, info)
    seed_forms(store, rng, info)
    seed_workflows(store, info)
    return info


def portal_id_for(seed: int) -> int:
    """The portal id of a seeded sandbox (stable per seed)."""
    return 24_000_000 + (seed * 7919) % 1_000_000
