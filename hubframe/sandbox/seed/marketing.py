"""Seeding lists (with members), forms and workflows (with a few enrollments)."""

from __future__ import annotations

import random
import uuid

from ..crm.definitions import OWNERS
from ..store import Store
from .info import SeedInfo
from .pools import DAY, SEED_END, SEED_START

__all__ = ["seed_lists", "seed_forms", "seed_workflows"]


def seed_lists(store: Store, rng: random.Random, info: SeedInfo) -> None:
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
        created = SEED_START + (n + 1) * 30 * DAY
        store.lists[list_id] = {
            "listId": list_id,
            "name": name,
            "processingType": kind,
            "objectTypeId": "0-1",
            "createdAt": created,
            "updatedAt": created + 7 * DAY,
            "listVersion": 1 + n % 3,
            "createdById": OWNERS[n % len(OWNERS)][0],
        }
        store.list_members[list_id] = {
            i: max(created, recs[i].created) + rng.randrange(30 * DAY) for i in members
        }
        {
            "MANUAL": info.list_ids,
            "SNAPSHOT": info.snapshot_list_ids,
            "DYNAMIC": info.dynamic_list_ids,
        }[kind].append(list_id)


def seed_forms(store: Store, rng: random.Random, info: SeedInfo) -> None:
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
            "createdAt": SEED_START + (n + 2) * 45 * DAY,
            **post,
        }
        info.form_ids.append(guid)


def seed_workflows(store: Store, info: SeedInfo) -> None:
    specs = [
        ("Welcome series", True),
        ("Lead nurturing – MQL", True),
        ("Customer onboarding", True),
        ("Re-engagement (paused)", False),
    ]
    live = store.tables["contacts"].live_ids()
    for n, (name, enabled) in enumerate(specs):
        wid = str(18_440_001 + n * 37)
        created = SEED_START + (n + 3) * 60 * DAY
        store.workflows[wid] = {
            "id": wid,
            "name": name,
            "type": "DRIP_DELAY",
            "enabled": enabled,
            "insertedAt": created,
            "updatedAt": created + 10 * DAY,
            "description": f"{name} for new contacts.",
        }
        info.workflow_ids.append(wid)
    if info.workflow_ids and live:
        store.enrollments[info.workflow_ids[0]] = {i: SEED_END - DAY for i in live[:20]}
