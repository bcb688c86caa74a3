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
lists, forms and workflows; then, from a second RNG of the same seed (so adding
them left the first three types as they were), :mod:`.commerce` products, line
items and quotes, :mod:`.service` tickets, :mod:`.engagements` notes, calls,
emails, meetings and tasks, and :mod:`.custom` the custom object, in the sizes of
:mod:`.sizes`. The order of the steps (and of the draws within each) is part of
the seed: changing it changes every seeded portal.
"""

from __future__ import annotations

import random
from collections.abc import Mapping

from ..store import Store
from .commerce import seed_line_items, seed_products, seed_quotes
from .crm import seed_companies, seed_contacts, seed_deals
from .custom import seed_machines
from .customers import Customers
from .engagements import ENGAGEMENT_TYPES, seed_engagements
from .info import SeedInfo
from .marketing import seed_forms, seed_lists, seed_workflows
from .service import seed_tickets
from .sizes import SIZED_TYPES, default_sizes, resolve_sizes

__all__ = [
    "SIZED_TYPES",
    "SeedInfo",
    "default_sizes",
    "portal_id_for",
    "resolve_sizes",
    "seed_store",
]

#: Mixed into the seed for the second RNG (the types seeded after the first three).
_MORE_TYPES_SALT = 0x5EED_7E5


def seed_store(
    store: Store,
    *,
    contacts: int,
    companies: int,
    deals: int,
    seed: int,
    sizes: Mapping[str, int] | None = None,
) -> SeedInfo:
    """Fill an empty store with a deterministic portal.

    Args:
        store: an empty :class:`Store`.
        contacts, companies, deals: numbers of live records to create.
        seed: the random seed.
        sizes: records per other type (``tickets``, ``notes`` ...: :data:`SIZED_TYPES`);
            a type left out gets its default (:func:`default_sizes`).

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
    _seed_more_types(store, seed, resolve_sizes(sizes or {}, contacts, companies, deals))
    return info


def _seed_more_types(store: Store, seed: int, sizes: Mapping[str, int]) -> None:
    rng = random.Random(seed ^ _MORE_TYPES_SALT)
    catalogue = seed_products(store, rng, sizes["products"])
    line_items = seed_line_items(store, rng, sizes["line_items"], catalogue)
    seed_quotes(store, rng, sizes["quotes"], line_items)
    customers = Customers(store)
    seed_tickets(store, rng, sizes["tickets"], customers)
    for name in ENGAGEMENT_TYPES:
        seed_engagements(store, rng, name, sizes[name], customers)
    seed_machines(store, rng, sizes["machines"])


def portal_id_for(seed: int) -> int:
    """The portal id of a seeded sandbox (stable per seed)."""
    return 24_000_000 + (seed * 7919) % 1_000_000
