"""Seeding the CRM: companies, then contacts (linked to them), then deals.

Each record's values are drawn by a few ``_fill_*`` steps, called in a fixed
order: the order of the draws from the one RNG is what makes a seed repeat.
"""

from __future__ import annotations

import random

from ..crm.definitions import OWNERS, PIPELINE_STAGES
from ..crm.records import ObjectTable
from ..store import Store
from ..values import iso_ms
from .pools import (
    COMPANY_KINDS,
    COMPANY_WORDS,
    DAY,
    FIRST,
    FREE_MAIL,
    JOBS,
    LAST,
    LIFECYCLE_WEIGHTED,
    LOCATIONS,
    PRODUCT_WORDS,
    SEED_END,
    SEED_START,
    STAGE_WEIGHTED,
    TLDS,
    archived_every,
    options,
    slug,
    timeline,
)

__all__ = [
    "seed_companies",
    "seed_contacts",
    "seed_deals",
    "company_values",
    "contact_values",
    "deal_values",
]

CompanyRow = tuple[int, str, str]  # (id, name, domain)

_OWNER_IDS = [o for o, _ in OWNERS]


def _generated(n: int) -> tuple[int, int]:
    """(records to generate for ``n`` live ones, every how many one is archived; 0: none)."""
    every = archived_every(n)
    return n + (n // (every - 1) if every else 0), every


def _archive_if_due(table: ObjectTable, rec_id: int, i: int, every: int, updated: int) -> bool:
    """Archive every ``every``-th generated record (a day after its last change)."""
    if not (every and i % every == every - 1):
        return False
    rec = table.records[rec_id]
    rec.archived, rec.archived_at = True, updated + DAY
    table.drop_email(rec)
    return True


# -- companies -----------------------------------------------------------------------------

_INDUSTRIES = options("companies", "industry")
_COMPANY_TYPES = options("companies", "type")
_COMPANY_LIFECYCLE = options("companies", "lifecyclestage")
_COMPANY_PRODUCTS = options("companies", "product_interest")


def seed_companies(store: Store, rng: random.Random, n: int) -> list[CompanyRow]:
    """``n`` live companies (and a few archived ones) with unique domains."""
    table = store.tables["companies"]
    total, every = _generated(n)
    rows: list[CompanyRow] = []
    domains: set[str] = set()
    for i in range(total):
        p, base, zip_prefix = _company(rng, domains)
        _fill_company_figures(p, rng, zip_prefix)
        _fill_company_profile(p, rng, base)
        created, updated = timeline(rng, total, i)
        _fill_company_dates(p, rng, created)
        rec = table.insert(p, created, updated)
        if not _archive_if_due(table, rec.id, i, every, updated):
            rows.append((rec.id, p["name"], p["domain"]))
    table.invalidate()
    return rows


def _company(rng: random.Random, domains: set[str]) -> tuple[dict[str, str], str, str]:
    """A company's name, unique domain and place: (properties, domain base, zip prefix)."""
    name = f"{rng.choice(COMPANY_WORDS)} {rng.choice(COMPANY_KINDS)}"
    base = slug(name.replace("& Söhne GmbH", "")) or "company"
    tld = rng.choice(TLDS)
    domain, k = base + tld, 2
    while domain in domains:
        domain, k = f"{base}{k}{tld}", k + 1
    domains.add(domain)
    city, state, country, zip_prefix = rng.choice(LOCATIONS)
    p: dict[str, str] = {
        "name": name,
        "domain": domain,
        "city": city,
        "state": state,
        "country": country,
        "industry": rng.choice(_INDUSTRIES),
        "lifecyclestage": rng.choice(_COMPANY_LIFECYCLE),
    }
    return p, base, zip_prefix


def _fill_company_figures(p: dict[str, str], rng: random.Random, zip_prefix: str) -> None:
    r = rng.random
    if r() < 0.9:
        p["website"] = f"https://www.{p['domain']}"
    if r() < 0.8:
        p["phone"] = f"+1 {rng.randint(201, 989)}-555-{rng.randint(0, 9999):04d}"
    if r() < 0.7:
        p["zip"] = f"{zip_prefix}{rng.randint(10, 99)}"
    if r() < 0.85:
        p["numberofemployees"] = str(int(10 ** (1 + r() * 4)))
    x = r()
    if x < 0.7:
        p["annualrevenue"] = str(int(10 ** (5 + r() * 4)))
    elif x < 0.75:
        p["annualrevenue"] = ""


def _fill_company_profile(p: dict[str, str], rng: random.Random, base: str) -> None:
    r = rng.random
    if r() < 0.6:
        p["type"] = rng.choice(_COMPANY_TYPES)
    if r() < 0.3:
        p["description"] = (
            f"{p['name']} serves customers in {p['country']} since {rng.randint(1950, 2020)}."
        )
    if r() < 0.5:
        p["founded_year"] = str(rng.randint(1890, 2022))
    if r() < 0.6:
        p["is_public"] = "true" if r() < 0.2 else "false"
    if r() < 0.8:
        p["hubspot_owner_id"] = rng.choice(_OWNER_IDS)
    if r() < 0.4:
        p["linkedin_company_page"] = f"https://www.linkedin.com/company/{base}"


def _fill_company_dates(p: dict[str, str], rng: random.Random, created: int) -> None:
    r = rng.random
    if r() < 0.3:
        p["contract_renewal_date"] = iso_ms(SEED_START + rng.randrange(1500) * DAY)[:10]
    if r() < 0.4:
        p["product_interest"] = ";".join(rng.sample(_COMPANY_PRODUCTS, rng.randint(1, 3)))
    if r() < 0.6:
        p["notes_last_updated"] = iso_ms(created + int(r() * (SEED_END - created)))


# -- contacts ------------------------------------------------------------------------------

_LEAD_STATUS = options("contacts", "hs_lead_status")
_LANGUAGES = options("contacts", "hs_language")
_PERSONAS = options("contacts", "hs_persona")
_SOURCES = options("contacts", "hs_analytics_source")
_FAVORITES = options("contacts", "favorite_products")
_EMPLOYEE_BANDS = options("contacts", "numemployees")


def seed_contacts(
    store: Store, rng: random.Random, n: int, companies: list[CompanyRow]
) -> dict[int, list[int]]:
    """``n`` live contacts, 70% of them with a Primary company whose domain their email uses
    (the association HubSpot makes by email domain); the others use free-mail domains.

    Returns:
        The ids of each company's contacts.
    """
    table = store.tables["contacts"]
    contacts_of: dict[int, list[int]] = {}
    emails: set[str] = set()
    total, every = _generated(n)
    ncomp = len(companies)
    r = rng.random
    for i in range(total):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        p: dict[str, str] = {"firstname": first, "lastname": last}
        company = companies[int(r() ** 2 * ncomp)] if ncomp and r() < 0.7 else None
        _fill_contact_identity(p, rng, i, company, emails)
        _fill_contact_phones_and_job(p, rng)
        stage = _fill_contact_sales(p, rng)
        _fill_contact_marketing(p, rng)
        created, updated = timeline(rng, total, i)
        _fill_contact_dates(p, rng, stage, created)
        rec = table.insert(p, created, updated)
        archived = _archive_if_due(table, rec.id, i, every, updated)
        if not company:
            continue
        # The company whose domain the email uses is the Primary one, as HubSpot's
        # auto-association makes it when a contact is created (crm/domains.py); an
        # archived contact keeps it too (hidden until it is restored).
        store.assoc.add("contacts", rec.id, "companies", company[0], (1,))
        if archived:
            continue
        contacts_of.setdefault(company[0], []).append(rec.id)
        if r() < 0.02 and ncomp > 1:
            other = companies[rng.randrange(ncomp)][0]
            if other != company[0]:
                store.assoc.add("contacts", rec.id, "companies", other, (279,))
    table.invalidate()
    return contacts_of


def _fill_contact_identity(
    p: dict[str, str],
    rng: random.Random,
    i: int,
    company: CompanyRow | None,
    emails: set[str],
) -> None:
    """Email (unique; the company's domain when there is one) and company name."""
    r = rng.random
    if r() > 0.015:
        local = f"{slug(p['firstname']) or 'user'}.{slug(p['lastname']) or 'contact'}"
        domain = company[2] if company else rng.choice(FREE_MAIL)
        email = f"{local}@{domain}"
        if email in emails:
            email = f"{local}{i}@{domain}"
        emails.add(email)
        p["email"] = email
    if company:
        p["company"] = company[1]
        if r() < 0.3:
            p["website"] = f"https://www.{company[2]}"


def _fill_contact_phones_and_job(p: dict[str, str], rng: random.Random) -> None:
    r = rng.random
    x = r()
    if x < 0.78:
        p["phone"] = f"+1 ({rng.randint(201, 989)}) 555-{rng.randint(0, 9999):04d}"
    elif x < 0.8:
        p["phone"] = ""
    if r() < 0.4:
        p["mobilephone"] = f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}"
    x = r()
    if x < 0.82:
        p["jobtitle"] = rng.choice(JOBS)
    elif x < 0.85:
        p["jobtitle"] = ""


def _fill_contact_sales(p: dict[str, str], rng: random.Random) -> str:
    """Lifecycle stage, lead status, place, owner, language, persona. Returns the stage."""
    r = rng.random
    stage = rng.choice(LIFECYCLE_WEIGHTED)
    p["lifecyclestage"] = stage
    if r() < 0.6:
        p["hs_lead_status"] = rng.choice(_LEAD_STATUS)
    if r() < 0.85:
        city, state, country, zip_prefix = rng.choice(LOCATIONS)
        p["city"], p["state"], p["country"] = city, state, country
        if r() < 0.6:
            p["zip"] = f"{zip_prefix}{rng.randint(10, 99)}"
    if r() < 0.75:
        p["hubspot_owner_id"] = rng.choice(_OWNER_IDS)
    if r() < 0.5:
        p["hs_language"] = rng.choice(_LANGUAGES)
    if r() < 0.2:
        p["hs_persona"] = rng.choice(_PERSONAS)
    return stage


def _fill_contact_marketing(p: dict[str, str], rng: random.Random) -> None:
    r = rng.random
    x = r()
    if x < 0.08:
        p["hs_email_optout"] = "true"
    elif x < 0.58:
        p["hs_email_optout"] = "false"
    if r() < 0.35:
        p["favorite_products"] = ";".join(rng.sample(_FAVORITES, rng.randint(1, 3)))
    if r() < 0.3:
        p["vip_customer"] = "true" if r() < 0.3 else "false"
    if r() < 0.4:
        p["customer_rating"] = str(rng.randint(1, 5)) if r() < 0.7 else f"{rng.randint(1, 4)}.5"
    if r() < 0.6:
        p["hubspotscore"] = str(rng.randint(0, 100))
    if r() < 0.9:
        p["hs_analytics_source"] = rng.choice(_SOURCES)
    if r() < 0.15:
        p["numemployees"] = rng.choice(_EMPLOYEE_BANDS)
    if r() < 0.1:
        p["salutation"] = rng.choice(["Mr.", "Ms.", "Dr.", "Mx."])
    if r() < 0.03:
        p["message"] = "Hi! Could someone call me back about pricing? Danke schön."


def _fill_contact_dates(p: dict[str, str], rng: random.Random, stage: str, created: int) -> None:
    r = rng.random
    if stage == "customer":
        p["closedate"] = iso_ms(created + int(r() * (SEED_END - created)))
        if r() < 0.6:
            p["contract_start_date"] = iso_ms((created // DAY + rng.randint(1, 90)) * DAY)[:10]
    if r() < 0.5:
        p["notes_last_updated"] = iso_ms(created + int(r() * (SEED_END - created)))


# -- deals ---------------------------------------------------------------------------------

_DEAL_TYPES = options("deals", "dealtype")
_PRIORITIES = options("deals", "hs_priority")
_DEAL_PRODUCTS = options("deals", "products_included")


def seed_deals(
    store: Store,
    rng: random.Random,
    n: int,
    companies: list[CompanyRow],
    contacts_of: dict[int, list[int]],
) -> None:
    """``n`` live deals, most with a Primary company and one or two of its contacts."""
    table = store.tables["deals"]
    total, every = _generated(n)
    r = rng.random
    for i in range(total):
        company = rng.choice(companies) if companies and r() < 0.9 else None
        stage = rng.choice(STAGE_WEIGHTED)
        what = rng.choice(PRODUCT_WORDS)
        p: dict[str, str] = {
            "dealname": f"{company[1] if company else 'Walk-in'} – {what} {rng.choice(['deal', 'renewal', 'upsell', 'pilot'])}",
            "pipeline": "default",
            "dealstage": stage,
        }
        _fill_deal_amount(p, rng)
        created, updated = timeline(rng, total, i)
        _fill_deal_sales(p, rng, created)
        _fill_deal_notes(p, rng, what, company, created)
        _place_renewal(p)
        rec = table.insert(p, created, updated)
        if _archive_if_due(table, rec.id, i, every, updated) or not company:
            continue
        store.assoc.add("deals", rec.id, "companies", company[0], (5,))
        people = contacts_of.get(company[0])
        if people:
            for cid in rng.sample(people, min(len(people), rng.randint(1, 2))):
                store.assoc.add("deals", rec.id, "contacts", cid, (3,))
    table.invalidate()


#: Renewal deals live in the Renewals pipeline; a stage drawn from the sales pipeline
#: becomes the renewal stage of the same outcome (won: renewed, lost: churned, else due).
_RENEWALS = "2093515"
_RENEWAL_STAGE = {"closedwon": "2093517", "closedlost": "2093518"}
_RENEWAL_DUE = "2093516"


def _place_renewal(p: dict[str, str]) -> None:
    """Move a renewal deal into the Renewals pipeline (no draw: the seed stays as it was)."""
    if p["dealname"].endswith(" renewal") and _RENEWALS in PIPELINE_STAGES["deals"]:
        p["pipeline"] = _RENEWALS
        p["dealstage"] = _RENEWAL_STAGE.get(p["dealstage"], _RENEWAL_DUE)


def _fill_deal_amount(p: dict[str, str], rng: random.Random) -> None:
    r = rng.random
    x = r()
    if x < 0.92:
        p["amount"] = (
            str(rng.randint(5, 2000) * 50)
            if r() < 0.8
            else f"{rng.randint(500, 99999)}.{rng.randint(0, 99):02d}"
        )
    elif x < 0.95:
        p["amount"] = ""


def _fill_deal_sales(p: dict[str, str], rng: random.Random, created: int) -> None:
    r = rng.random
    p["closedate"] = iso_ms(created + rng.randint(7, 180) * DAY + rng.randrange(DAY))
    if r() < 0.7:
        p["dealtype"] = rng.choice(_DEAL_TYPES)
    if r() < 0.6:
        p["hs_priority"] = rng.choice(_PRIORITIES)
    if r() < 0.85:
        p["hubspot_owner_id"] = rng.choice(_OWNER_IDS)
    p["deal_currency_code"] = "USD" if r() < 0.7 else rng.choice(["EUR", "GBP"])


def _fill_deal_notes(
    p: dict[str, str], rng: random.Random, what: str, company: CompanyRow | None, created: int
) -> None:
    r = rng.random
    stage = p["dealstage"]
    if r() < 0.2:
        p["description"] = f"{what} for {company[1] if company else 'a new customer'}."
    if r() < 0.3:
        p["hs_next_step"] = rng.choice(
            ["Send proposal", "Schedule demo", "Legal review", "Follow up call"]
        )
    if stage == "closedlost" and r() < 0.6:
        p["closed_lost_reason"] = rng.choice(["Price", "Timing", "Chose competitor", "No budget"])
    if stage == "closedwon" and r() < 0.5:
        p["closed_won_reason"] = rng.choice(["Best fit", "Price", "Relationship"])
    if r() < 0.3 and p.get("amount"):
        p["hs_acv"] = p["amount"]
    if r() < 0.25:
        p["contract_start_date"] = iso_ms((created // DAY + rng.randint(10, 200)) * DAY)[:10]
    if r() < 0.4:
        p["products_included"] = ";".join(rng.sample(_DEAL_PRODUCTS, rng.randint(1, 3)))
    if r() < 0.5:
        p["is_renewal"] = "true" if "renewal" in p["dealname"] else "false"


# -- records created later (a churning portal) ---------------------------------------------


def company_values(rng: random.Random, created: int) -> dict[str, str]:
    """The values of one more company created at ``created`` (epoch ms), drawn as seeded ones."""
    p, base, zip_prefix = _company(rng, set())
    _fill_company_figures(p, rng, zip_prefix)
    _fill_company_profile(p, rng, base)
    _fill_company_dates(p, rng, created)
    return p


def contact_values(rng: random.Random, created: int) -> dict[str, str]:
    """The values of one more contact (no company; its email may be taken: check it)."""
    p: dict[str, str] = {"firstname": rng.choice(FIRST), "lastname": rng.choice(LAST)}
    _fill_contact_identity(p, rng, 0, None, set())
    _fill_contact_phones_and_job(p, rng)
    stage = _fill_contact_sales(p, rng)
    _fill_contact_marketing(p, rng)
    _fill_contact_dates(p, rng, stage, created)
    return p


def deal_values(rng: random.Random, created: int) -> dict[str, str]:
    """The values of one more deal (no company)."""
    what = rng.choice(PRODUCT_WORDS)
    p: dict[str, str] = {
        "dealname": f"Walk-in – {what} {rng.choice(['deal', 'renewal', 'upsell', 'pilot'])}",
        "pipeline": "default",
        "dealstage": rng.choice(STAGE_WEIGHTED),
    }
    _fill_deal_amount(p, rng)
    _fill_deal_sales(p, rng, created)
    _fill_deal_notes(p, rng, what, None, created)
    _place_renewal(p)
    return p
