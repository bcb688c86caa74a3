"""Seeding products, line items (on deals) and quotes.

A deal with line items has an ``amount`` equal to the sum of its line items' amounts:
the deal's amount is drawn first (:mod:`.crm`), then split into line items of the
catalogue's products, the last one priced at what is left (a negotiated price, as
sellers set on a line item). The sums are exact because they are worked in cents.
"""

from __future__ import annotations

import random

from ..crm.definitions import OWNERS
from ..crm.records import format_cents
from ..store import Store
from ..values import iso_ms
from .pools import DAY, PRODUCT_WORDS, SEED_START, options

__all__ = ["seed_line_items", "seed_products", "seed_quotes"]

_TIERS = ("Starter", "Professional", "Enterprise")
_PRODUCT_TYPES = options("products", "hs_product_type")
_QUOTE_STATUS = options("quotes", "hs_status")
_OWNER_IDS = [o for o, _ in OWNERS]
_MINUTE = 60_000

#: product id -> (name, sku, unit price in cents)
Catalogue = dict[int, tuple[str, str, int]]


def seed_products(store: Store, rng: random.Random, n: int) -> Catalogue:
    """``n`` products (each word in each tier, then numbered editions)."""
    table = store.tables["products"]
    catalogue: Catalogue = {}
    for i in range(n):
        word, tier = PRODUCT_WORDS[i % len(PRODUCT_WORDS)], _TIERS[i // len(PRODUCT_WORDS) % 3]
        edition = i // (len(PRODUCT_WORDS) * 3)
        name = f"{word} {tier}" + (f" {edition + 1}" if edition else "")
        cents = rng.randint(2, 400) * 500
        sku = f"HF-{1000 + i}"
        p = {
            "name": name,
            "price": format_cents(cents),
            "hs_sku": sku,
            "hs_cost_of_goods_sold": format_cents(cents * rng.randint(20, 60) // 100),
            "hs_product_type": rng.choice(_PRODUCT_TYPES),
            "description": f"{word}, {tier.lower()} edition.",
        }
        if rng.random() < 0.5:
            p["hs_recurring_billing_period"] = rng.choice(["P1M", "P12M", "P24M"])
        created = SEED_START + i * DAY
        rec = table.insert(p, created, created + rng.randrange(300) * DAY)
        catalogue[rec.id] = (name, sku, cents)
    table.invalidate()
    return catalogue


def _cents(amount: str | None) -> int:
    try:
        return round(float(amount or "") * 100)
    except ValueError:
        return 0


def seed_line_items(
    store: Store, rng: random.Random, cap: int, catalogue: Catalogue
) -> dict[int, list[int]]:
    """Line items on about two deals in three with an amount, at most ``cap`` in all.

    Returns:
        The line item ids of each deal that has some.
    """
    deals, table = store.tables["deals"], store.tables["line_items"]
    products = list(catalogue)
    of_deal: dict[int, list[int]] = {}
    count = 0
    for deal_id in deals.live_ids() if products else []:
        deal = deals.records[deal_id]
        left = _cents(deal.props.get("amount"))
        if left <= 0 or rng.random() >= 0.7:
            continue
        wanted = rng.randint(1, 3)
        if count + wanted > cap:
            break
        at = deal.created + rng.randrange(60) * _MINUTE
        items: list[tuple[int, int, int]] = []  # (product, quantity, unit price in cents)
        for _ in range(wanted - 1):
            pid = rng.choice(products)
            quantity = rng.randint(1, 5)
            if quantity * catalogue[pid][2] >= left:
                break
            items.append((pid, quantity, catalogue[pid][2]))
            left -= quantity * catalogue[pid][2]
        items.append((rng.choice(products), 1, left))
        for pid, quantity, cents in items:
            name, sku, _ = catalogue[pid]
            p = {
                "name": name,
                "hs_sku": sku,
                "hs_product_id": str(pid),
                "quantity": str(quantity),
                "price": format_cents(cents),
            }
            rec = table.insert(p, at, at)
            store.assoc.add("line_items", rec.id, "deals", deal_id, (20,))
            of_deal.setdefault(deal_id, []).append(rec.id)
            count += 1
    table.invalidate()
    return of_deal


def seed_quotes(store: Store, rng: random.Random, n: int, line_items: dict[int, list[int]]) -> None:
    """``n`` quotes (at most one per deal with line items), with the deal's line items
    and its first contact."""
    deals, table = store.tables["deals"], store.tables["quotes"]
    quoted = sorted(line_items)
    for deal_id in sorted(rng.sample(quoted, min(n, len(quoted)))):
        deal = deals.records[deal_id]
        created = deal.created + rng.randint(1, 20) * DAY
        p = {
            "hs_title": f"Quote – {deal.props.get('dealname', 'deal')}",
            "hs_status": rng.choice(_QUOTE_STATUS),
            "hs_expiration_date": iso_ms(created + 30 * DAY)[:10],
            "hs_quote_amount": deal.props["amount"],
            "hubspot_owner_id": deal.props.get("hubspot_owner_id") or rng.choice(_OWNER_IDS),
        }
        rec = table.insert(p, created, created + rng.randrange(10) * DAY)
        store.assoc.add("quotes", rec.id, "deals", deal_id, (64,))
        for item in line_items[deal_id]:
            store.assoc.add("quotes", rec.id, "line_items", item, (67,))
        contacts = sorted(store.live_targets("deals", deal_id, "contacts"))
        if contacts:
            store.assoc.add("quotes", rec.id, "contacts", contacts[0], (69,))
    table.invalidate()
