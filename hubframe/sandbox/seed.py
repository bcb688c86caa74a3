"""Deterministic, realistic seed data for a sandbox portal.

Everything comes from one ``random.Random(seed)``, so the same arguments give
the same portal. Values follow the property definitions exactly: enumeration
option values, ``YYYY-MM-DD`` dates, ISO datetimes with milliseconds and ``Z``,
numbers and booleans as strings. Some values are missing and some are ``""``
(cleared), names include non-ASCII letters, and about 2% of the generated
records are archived (on top of the requested number of live records).

Speed matters (100,000 contacts in a few seconds): records are plain dicts
filled from precomputed pools, and nothing is validated per record.
"""

from __future__ import annotations

import random
import unicodedata
import uuid
from dataclasses import dataclass, field

from .definitions import OWNERS, PROPERTIES
from .store import Store
from .values import iso_ms

__all__ = ["SeedInfo", "seed_store", "portal_id_for"]

SEED_START = 1_609_459_200_000  # 2021-01-01T00:00:00Z
SEED_END = 1_751_241_600_000  # 2025-06-30T00:00:00Z
_DAY = 86_400_000

FIRST = [
    "James",
    "Mary",
    "John",
    "Patricia",
    "Robert",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Sarah",
    "Anna",
    "Lukas",
    "Sofia",
    "Mateo",
    "Emma",
    "Noah",
    "Olivia",
    "Liam",
    "Mia",
    "Elena",
    "José",
    "Zoë",
    "Björn",
    "Łukasz",
    "Siobhán",
    "Chloé",
    "François",
    "Jürgen",
    "Ana",
    "Mei",
    "Søren",
    "Ines",
    "Agnieszka",
    "Hiroshi",
    "Priya",
    "Arjun",
    "Fatima",
    "Omar",
    "Yuki",
    "Chen",
    "Анна",
    "Дмитрий",
    "李",
    "María",
    "Renée",
    "Nuño",
    "Ólafur",
    "Çağla",
    "Dang",
    "Kwame",
]
LAST = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Martinez",
    "Lopez",
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Rossi",
    "Bianchi",
    "Dubois",
    "Lefèvre",
    "Moreau",
    "Núñez",
    "García-Márquez",
    "Kowalski",
    "Nowak",
    "Østergaard",
    "Sørensen",
    "O'Brien",
    "Ó Súilleabháin",
    "Tanaka",
    "Sato",
    "Kim",
    "Park",
    "Nguyễn",
    "Patel",
    "Sharma",
    "Haddad",
    "Öztürk",
    "Yılmaz",
    "Иванова",
    "王",
    "Van der Berg",
    "De Vries",
    "Costa",
    "Silva",
    "Andersson",
    "Nielsen",
    "Mensah",
    "Okafor",
]
_CO_A = [
    "Acme",
    "Northwind",
    "Blue Harbor",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Hooli",
    "Vandelay",
    "Müller",
    "Øresund",
    "Café Lumière",
    "São Paulo",
    "Zürich",
    "Kraków",
    "Tōkyō",
    "Bright",
    "Silver Peak",
    "Redwood",
    "Evergreen",
    "Quantum",
    "Nimbus",
    "Polaris",
    "Atlas",
    "Helix",
    "Lumen",
    "Orbit",
    "Cobalt",
    "Granite",
    "Maple",
    "Harbor",
    "Summit",
    "Pioneer",
    "Falcon",
    "Aurora",
]
_CO_B = [
    "Analytics",
    "Logistics",
    "Systems",
    "Labs",
    "Consulting",
    "Foods",
    "Bank",
    "Health",
    "Energy",
    "Software",
    "Robotics",
    "Media",
    "Retail",
    "Insurance",
    "Partners",
    "& Söhne GmbH",
    "Holdings",
    "Technologies",
    "Studio",
    "Group",
    "Ventures",
    "Networks",
    "Biotech",
    "Manufacturing",
]
_TLDS = [".com", ".com", ".com", ".io", ".de", ".co.uk", ".fr", ".net", ".es", ".jp"]
FREE_MAIL = [
    "gmail.com",
    "yahoo.com",
    "outlook.com",
    "hotmail.com",
    "gmx.de",
    "icloud.com",
    "proton.me",
]
LOCATIONS = [
    ("Boston", "Massachusetts", "United States", "021"),
    ("Austin", "Texas", "United States", "787"),
    ("San Francisco", "California", "United States", "941"),
    ("New York", "New York", "United States", "100"),
    ("Chicago", "Illinois", "United States", "606"),
    ("Toronto", "Ontario", "Canada", "M5V"),
    ("London", "England", "United Kingdom", "EC1"),
    ("Dublin", "Leinster", "Ireland", "D02"),
    ("Berlin", "Berlin", "Germany", "101"),
    ("München", "Bayern", "Germany", "803"),
    ("Paris", "Île-de-France", "France", "750"),
    ("Madrid", "Madrid", "Spain", "280"),
    ("São Paulo", "SP", "Brazil", "013"),
    ("Tokyo", "Tokyo", "Japan", "100"),
    ("Sydney", "New South Wales", "Australia", "200"),
    ("Kraków", "Małopolska", "Poland", "310"),
    ("Zürich", "Zürich", "Switzerland", "800"),
    ("Amsterdam", "Noord-Holland", "Netherlands", "101"),
]
JOBS = [
    "CEO",
    "CTO",
    "Marketing Manager",
    "Sales Director",
    "Account Executive",
    "Software Engineer",
    "Data Analyst",
    "Operations Manager",
    "Head of Growth",
    "Product Manager",
    "HR Business Partner",
    "CFO",
    "Customer Success Manager",
    "VP Sales",
    "Office Manager",
    "Procurement Lead",
]
_LIFECYCLE_W = (
    ["subscriber"] * 4
    + ["lead"] * 8
    + ["marketingqualifiedlead"] * 4
    + ["salesqualifiedlead"] * 3
    + ["opportunity"] * 3
    + ["customer"] * 5
    + ["evangelist"]
    + ["other"]
)
_STAGE_W = (
    ["appointmentscheduled"] * 3
    + ["qualifiedtobuy"] * 3
    + ["presentationscheduled"] * 2
    + ["decisionmakerboughtin"] * 2
    + ["contractsent"] * 2
    + ["closedwon"] * 4
    + ["closedlost"] * 3
)
_PRODUCT_WORDS = [
    "CRM",
    "Analytics",
    "Email",
    "Forms",
    "Live chat",
    "Reporting",
    "Onboarding",
    "Support plan",
]


def _options(object_type: str, name: str) -> list[str]:
    return [v for v, _ in PROPERTIES[object_type][name].options]


@dataclass
class SeedInfo:
    """Ids a user needs after seeding."""

    portal_id: int
    list_ids: list[str] = field(default_factory=list)  # MANUAL lists
    snapshot_list_ids: list[str] = field(default_factory=list)
    dynamic_list_ids: list[str] = field(default_factory=list)
    workflow_ids: list[str] = field(default_factory=list)
    form_ids: list[str] = field(default_factory=list)


def portal_id_for(seed: int) -> int:
    """The portal id of a seeded sandbox (stable per seed)."""
    return 24_000_000 + (seed * 7919) % 1_000_000


_FOLD = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "ß": "ss",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "œ": "oe",
        "ı": "i",
        "þ": "th",
        "ð": "d",
    }
)


def _slug(text: str) -> str:
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_FOLD)).encode("ascii", "ignore").decode()
    )
    return "".join(c for c in ascii_text.lower() if c.isalnum())


def _timeline(rng: random.Random, n: int, i: int) -> tuple[int, int]:
    span = SEED_END - SEED_START
    step = max(span // max(n, 1), 1)
    created = SEED_START + i * step + rng.randrange(step)
    updated = created + int(rng.random() ** 3 * (SEED_END - created))
    return created, updated


def _archived_every(n: int) -> int:
    """Every k-th generated record is archived (about 2%); 0 for small portals."""
    return 51 if n >= 50 else 0


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
    company_rows = _seed_companies(store, rng, companies)
    contacts_of = _seed_contacts(store, rng, contacts, company_rows)
    _seed_deals(store, rng, deals, company_rows, contacts_of)
    _seed_lists(store, rng, info)
    _seed_forms(store, rng, info)
    _seed_workflows(store, info)
    return info


def _seed_companies(store: Store, rng: random.Random, n: int) -> list[tuple[int, str, str]]:
    table = store.tables["companies"]
    industries, types = _options("companies", "industry"), _options("companies", "type")
    lifecycle, owners = _options("companies", "lifecyclestage"), [o for o, _ in OWNERS]
    products = _options("companies", "product_interest")
    every = _archived_every(n)
    total = n + (n // (every - 1) if every else 0)
    rows: list[tuple[int, str, str]] = []
    domains: set[str] = set()
    r = rng.random
    for i in range(total):
        name = f"{rng.choice(_CO_A)} {rng.choice(_CO_B)}"
        base = _slug(name.replace("& Söhne GmbH", "")) or "company"
        tld = rng.choice(_TLDS)
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
            "industry": rng.choice(industries),
            "lifecyclestage": rng.choice(lifecycle),
        }
        if r() < 0.9:
            p["website"] = f"https://www.{domain}"
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
        if r() < 0.6:
            p["type"] = rng.choice(types)
        if r() < 0.3:
            p["description"] = (
                f"{name} serves customers in {country} since {rng.randint(1950, 2020)}."
            )
        if r() < 0.5:
            p["founded_year"] = str(rng.randint(1890, 2022))
        if r() < 0.6:
            p["is_public"] = "true" if r() < 0.2 else "false"
        if r() < 0.8:
            p["hubspot_owner_id"] = rng.choice(owners)
        if r() < 0.4:
            p["linkedin_company_page"] = f"https://www.linkedin.com/company/{base}"
        created, updated = _timeline(rng, total, i)
        if r() < 0.3:
            p["contract_renewal_date"] = iso_ms(SEED_START + rng.randrange(1500) * _DAY)[:10]
        if r() < 0.4:
            p["product_interest"] = ";".join(rng.sample(products, rng.randint(1, 3)))
        if r() < 0.6:
            p["notes_last_updated"] = iso_ms(created + int(r() * (SEED_END - created)))
        rec = table.insert(p, created, updated)
        if every and i % every == every - 1:
            rec.archived, rec.archived_at = True, updated + _DAY
        else:
            rows.append((rec.id, name, domain))
    table.invalidate()
    return rows


def _seed_contacts(
    store: Store, rng: random.Random, n: int, companies: list[tuple[int, str, str]]
) -> dict[int, list[int]]:
    table = store.tables["contacts"]
    assert table.email_index is not None
    lifecycle_w, lead = _LIFECYCLE_W, _options("contacts", "hs_lead_status")
    owners, langs = [o for o, _ in OWNERS], _options("contacts", "hs_language")
    personas, sources = (
        _options("contacts", "hs_persona"),
        _options("contacts", "hs_analytics_source"),
    )
    products, bands = (
        _options("contacts", "favorite_products"),
        _options("contacts", "numemployees"),
    )
    contacts_of: dict[int, list[int]] = {}
    emails: set[str] = set()
    every = _archived_every(n)
    total = n + (n // (every - 1) if every else 0)
    ncomp = len(companies)
    r = rng.random
    choice = rng.choice
    add = store.assoc.add
    for i in range(total):
        first, last = choice(FIRST), choice(LAST)
        p: dict[str, str] = {"firstname": first, "lastname": last}
        company = companies[int(r() ** 2 * ncomp)] if ncomp and r() < 0.7 else None
        x = r()
        if x > 0.015:
            local = f"{_slug(first) or 'user'}.{_slug(last) or 'contact'}"
            domain = company[2] if company else choice(FREE_MAIL)
            email = f"{local}@{domain}"
            if email in emails:
                email = f"{local}{i}@{domain}"
            emails.add(email)
            p["email"] = email
        if company:
            p["company"] = company[1]
            if r() < 0.3:
                p["website"] = f"https://www.{company[2]}"
        x = r()
        if x < 0.78:
            p["phone"] = f"+1 ({rng.randint(201, 989)}) 555-{rng.randint(0, 9999):04d}"
        elif x < 0.8:
            p["phone"] = ""
        if r() < 0.4:
            p["mobilephone"] = f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}"
        x = r()
        if x < 0.82:
            p["jobtitle"] = choice(JOBS)
        elif x < 0.85:
            p["jobtitle"] = ""
        stage = choice(lifecycle_w)
        p["lifecyclestage"] = stage
        if r() < 0.6:
            p["hs_lead_status"] = choice(lead)
        if r() < 0.85:
            city, state, country, zip_prefix = choice(LOCATIONS)
            p["city"], p["state"], p["country"] = city, state, country
            if r() < 0.6:
                p["zip"] = f"{zip_prefix}{rng.randint(10, 99)}"
        if r() < 0.75:
            p["hubspot_owner_id"] = choice(owners)
        if r() < 0.5:
            p["hs_language"] = choice(langs)
        if r() < 0.2:
            p["hs_persona"] = choice(personas)
        x = r()
        if x < 0.08:
            p["hs_email_optout"] = "true"
        elif x < 0.58:
            p["hs_email_optout"] = "false"
        if r() < 0.35:
            p["favorite_products"] = ";".join(rng.sample(products, rng.randint(1, 3)))
        if r() < 0.3:
            p["vip_customer"] = "true" if r() < 0.3 else "false"
        if r() < 0.4:
            p["customer_rating"] = str(rng.randint(1, 5)) if r() < 0.7 else f"{rng.randint(1, 4)}.5"
        if r() < 0.6:
            p["hubspotscore"] = str(rng.randint(0, 100))
        if r() < 0.9:
            p["hs_analytics_source"] = choice(sources)
        if r() < 0.15:
            p["numemployees"] = choice(bands)
        if r() < 0.1:
            p["salutation"] = choice(["Mr.", "Ms.", "Dr.", "Mx."])
        if r() < 0.03:
            p["message"] = "Hi! Could someone call me back about pricing? Danke schön."
        created, updated = _timeline(rng, total, i)
        if stage == "customer":
            p["closedate"] = iso_ms(created + int(r() * (SEED_END - created)))
            if r() < 0.6:
                p["contract_start_date"] = iso_ms((created // _DAY + rng.randint(1, 90)) * _DAY)[
                    :10
                ]
        if r() < 0.5:
            p["notes_last_updated"] = iso_ms(created + int(r() * (SEED_END - created)))
        rec = table.insert(p, created, updated)
        if every and i % every == every - 1:
            rec.archived, rec.archived_at = True, updated + _DAY
            email = p.get("email")
            if email and table.email_index.get(email) == rec.id:
                del table.email_index[email]
            continue
        if company:
            add("contacts", rec.id, "companies", company[0], (1,))
            contacts_of.setdefault(company[0], []).append(rec.id)
            if r() < 0.02 and ncomp > 1:
                other = companies[rng.randrange(ncomp)][0]
                if other != company[0]:
                    add("contacts", rec.id, "companies", other, (279,))
    table.invalidate()
    return contacts_of


def _seed_deals(
    store: Store,
    rng: random.Random,
    n: int,
    companies: list[tuple[int, str, str]],
    contacts_of: dict[int, list[int]],
) -> None:
    table = store.tables["deals"]
    owners = [o for o, _ in OWNERS]
    types, prios = _options("deals", "dealtype"), _options("deals", "hs_priority")
    products = _options("deals", "products_included")
    every = _archived_every(n)
    total = n + (n // (every - 1) if every else 0)
    r = rng.random
    for i in range(total):
        company = rng.choice(companies) if companies and r() < 0.9 else None
        stage = rng.choice(_STAGE_W)
        what = rng.choice(_PRODUCT_WORDS)
        p: dict[str, str] = {
            "dealname": f"{company[1] if company else 'Walk-in'} – {what} {rng.choice(['deal', 'renewal', 'upsell', 'pilot'])}",
            "pipeline": "default",
            "dealstage": stage,
        }
        x = r()
        if x < 0.92:
            p["amount"] = (
                str(rng.randint(5, 2000) * 50)
                if r() < 0.8
                else f"{rng.randint(500, 99999)}.{rng.randint(0, 99):02d}"
            )
        elif x < 0.95:
            p["amount"] = ""
        created, updated = _timeline(rng, total, i)
        p["closedate"] = iso_ms(created + rng.randint(7, 180) * _DAY + rng.randrange(_DAY))
        if r() < 0.7:
            p["dealtype"] = rng.choice(types)
        if r() < 0.6:
            p["hs_priority"] = rng.choice(prios)
        if r() < 0.85:
            p["hubspot_owner_id"] = rng.choice(owners)
        p["deal_currency_code"] = "USD" if r() < 0.7 else rng.choice(["EUR", "GBP"])
        if r() < 0.2:
            p["description"] = f"{what} for {company[1] if company else 'a new customer'}."
        if r() < 0.3:
            p["hs_next_step"] = rng.choice(
                ["Send proposal", "Schedule demo", "Legal review", "Follow up call"]
            )
        if stage == "closedlost" and r() < 0.6:
            p["closed_lost_reason"] = rng.choice(
                ["Price", "Timing", "Chose competitor", "No budget"]
            )
        if stage == "closedwon" and r() < 0.5:
            p["closed_won_reason"] = rng.choice(["Best fit", "Price", "Relationship"])
        if r() < 0.3 and p.get("amount"):
            p["hs_acv"] = p["amount"]
        if r() < 0.25:
            p["contract_start_date"] = iso_ms((created // _DAY + rng.randint(10, 200)) * _DAY)[:10]
        if r() < 0.4:
            p["products_included"] = ";".join(rng.sample(products, rng.randint(1, 3)))
        if r() < 0.5:
            p["is_renewal"] = "true" if "renewal" in p["dealname"] else "false"
        rec = table.insert(p, created, updated)
        if every and i % every == every - 1:
            rec.archived, rec.archived_at = True, updated + _DAY
            continue
        if company:
            store.assoc.add("deals", rec.id, "companies", company[0], (5,))
            people = contacts_of.get(company[0])
            if people:
                for cid in rng.sample(people, min(len(people), rng.randint(1, 2))):
                    store.assoc.add("deals", rec.id, "contacts", cid, (3,))
    table.invalidate()


def _seed_lists(store: Store, rng: random.Random, info: SeedInfo) -> None:
    contacts = store.tables["contacts"]
    live = contacts.live_ids()
    recs = contacts.records
    specs = [
        ("11", "Event follow-up", "MANUAL", []),  # empty: the natural first list to add to
        (
            "12",
            "Newsletter subscribers",
            "MANUAL",
            [
                i
                for i in live
                if recs[i].props.get("hs_email_optout") != "true" and rng.random() < 0.15
            ],
        ),
        ("13", "Trade show leads 2024", "MANUAL", [i for i in live if rng.random() < 0.03]),
        (
            "14",
            "VIP customers",
            "MANUAL",
            [i for i in live if recs[i].props.get("vip_customer") == "true"],
        ),
        ("15", "Webinar attendees – März", "SNAPSHOT", [i for i in live if rng.random() < 0.05]),
        (
            "16",
            "Customers (active list)",
            "DYNAMIC",
            [i for i in live if recs[i].props.get("lifecyclestage") == "customer"],
        ),
    ]
    for n, (list_id, name, kind, members) in enumerate(specs):
        created = SEED_START + (n + 1) * 30 * _DAY
        store.lists[list_id] = {
            "listId": list_id,
            "name": name,
            "processingType": kind,
            "objectTypeId": "0-1",
            "createdAt": created,
            "updatedAt": created + 7 * _DAY,
            "listVersion": 1 + n % 3,
            "createdById": OWNERS[n % len(OWNERS)][0],
        }
        store.list_members[list_id] = {
            i: max(created, recs[i].created) + rng.randrange(30 * _DAY) for i in members
        }
        {
            "MANUAL": info.list_ids,
            "SNAPSHOT": info.snapshot_list_ids,
            "DYNAMIC": info.dynamic_list_ids,
        }[kind].append(list_id)


def _seed_forms(store: Store, rng: random.Random, info: SeedInfo) -> None:
    def field(name: str, label: str, required: bool = False) -> dict[str, object]:
        return {"name": name, "label": label, "required": required}

    specs = [
        (
            "Contact us",
            [
                field("email", "Email", True),
                field("firstname", "First name"),
                field("lastname", "Last name"),
                field("company", "Company name"),
                field("phone", "Phone number"),
                field("message", "Message"),
            ],
            {"inlineMessage": "Thanks for submitting the form."},
        ),
        (
            "Newsletter signup",
            [
                field("email", "Email", True),
                field("firstname", "First name"),
                field("hs_language", "Preferred language"),
                field("favorite_products", "Products of interest"),
            ],
            {"inlineMessage": "Thanks for submitting the form."},
        ),
        (
            "Demo request",
            [
                field("email", "Work email", True),
                field("firstname", "First name", True),
                field("lastname", "Last name", True),
                field("company", "Company name", True),
                field("jobtitle", "Job title"),
                field("numemployees", "Number of employees"),
                field("contract_start_date", "Preferred start date"),
            ],
            {"redirectUri": "https://www.example.com/thank-you"},
        ),
    ]
    for n, (name, fields, post) in enumerate(specs):
        guid = str(uuid.UUID(int=rng.getrandbits(128), version=4))
        store.forms[guid] = {
            "guid": guid,
            "name": name,
            "fields": fields,
            "createdAt": SEED_START + (n + 2) * 45 * _DAY,
            **post,
        }
        info.form_ids.append(guid)


def _seed_workflows(store: Store, info: SeedInfo) -> None:
    specs = [
        ("Welcome series", True),
        ("Lead nurturing – MQL", True),
        ("Customer onboarding", True),
        ("Re-engagement (paused)", False),
    ]
    live = store.tables["contacts"].live_ids()
    for n, (name, enabled) in enumerate(specs):
        wid = str(18_440_001 + n * 37)
        created = SEED_START + (n + 3) * 60 * _DAY
        store.workflows[wid] = {
            "id": wid,
            "name": name,
            "type": "DRIP_DELAY",
            "enabled": enabled,
            "insertedAt": created,
            "updatedAt": created + 10 * _DAY,
            "description": f"{name} for new contacts.",
        }
        info.workflow_ids.append(wid)
    if info.workflow_ids and live:
        store.enrollments[info.workflow_ids[0]] = {i: SEED_END - _DAY for i in live[:20]}
