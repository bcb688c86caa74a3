"""The pools seed values are drawn from: names, companies, places, jobs, weighted stages.

Plain data, plus the small helpers every seeding step uses (the timeline of
creation dates, which records are archived, ASCII slugs for emails and domains).
"""

from __future__ import annotations

import random
import unicodedata

from ..crm.definitions import PROPERTIES

SEED_START = 1_609_459_200_000  # 2021-01-01T00:00:00Z
SEED_END = 1_751_241_600_000  # 2025-06-30T00:00:00Z
DAY = 86_400_000

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
COMPANY_WORDS = [
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
COMPANY_KINDS = [
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
TLDS = [".com", ".com", ".com", ".io", ".de", ".co.uk", ".fr", ".net", ".es", ".jp"]
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
LIFECYCLE_WEIGHTED = (
    ["subscriber"] * 4
    + ["lead"] * 8
    + ["marketingqualifiedlead"] * 4
    + ["salesqualifiedlead"] * 3
    + ["opportunity"] * 3
    + ["customer"] * 5
    + ["evangelist"]
    + ["other"]
)
STAGE_WEIGHTED = (
    ["appointmentscheduled"] * 3
    + ["qualifiedtobuy"] * 3
    + ["presentationscheduled"] * 2
    + ["decisionmakerboughtin"] * 2
    + ["contractsent"] * 2
    + ["closedwon"] * 4
    + ["closedlost"] * 3
)
PRODUCT_WORDS = [
    "CRM",
    "Analytics",
    "Email",
    "Forms",
    "Live chat",
    "Reporting",
    "Onboarding",
    "Support plan",
]


def options(object_type: str, name: str) -> list[str]:
    """The option values of an enumeration property."""
    return [v for v, _ in PROPERTIES[object_type][name].options]


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


def slug(text: str) -> str:
    """``"Łukasz Nowak"`` -> ``"lukasznowak"``: letters and digits, ASCII, lower case."""
    ascii_text = (
        unicodedata.normalize("NFKD", text.translate(_FOLD)).encode("ascii", "ignore").decode()
    )
    return "".join(c for c in ascii_text.lower() if c.isalnum())


def timeline(rng: random.Random, n: int, i: int) -> tuple[int, int]:
    """(created, updated) of the ``i``-th of ``n`` records, spread over the seed's years."""
    span = SEED_END - SEED_START
    step = max(span // max(n, 1), 1)
    created = SEED_START + i * step + rng.randrange(step)
    updated = created + int(rng.random() ** 3 * (SEED_END - created))
    return created, updated


def archived_every(n: int) -> int:
    """Every k-th generated record is archived (about 2%); 0 for small portals."""
    return 51 if n >= 50 else 0
