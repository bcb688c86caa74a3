"""Seeding engagements: notes, calls, emails, meetings and tasks.

Each activity is about a contact who existed when it happened, and is associated with
that contact, the contact's primary company, and (for about a third) a deal of the
company, with HubSpot's engagement association types. ``hs_timestamp`` (when the
activity happened) is its creation time; a meeting lasts 30 or 60 minutes from it.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from ..crm.definitions import OWNERS, unlabeled_type
from ..store import Store
from ..values import iso_ms
from .customers import Customers
from .pools import PRODUCT_WORDS, options, timeline

__all__ = ["ENGAGEMENT_TYPES", "seed_engagements"]

_OWNER_IDS = [o for o, _ in OWNERS]
_MINUTE = 60_000
_TOPICS = ("pricing", "onboarding", "renewal", "a demo", "the contract", "support")

Fill = Callable[[dict[str, str], random.Random, str, int], None]


def _note(p: dict[str, str], rng: random.Random, what: str, at: int) -> None:
    p["hs_note_body"] = f"Talked about {rng.choice(_TOPICS)}; interested in {what}."


def _call(p: dict[str, str], rng: random.Random, what: str, at: int) -> None:
    p["hs_call_title"] = f"Call about {what}"
    p["hs_call_body"] = f"Discussed {rng.choice(_TOPICS)}."
    p["hs_call_duration"] = str(rng.randint(20, 3600) * 1000)
    p["hs_call_direction"] = rng.choice(_CALL_DIRECTIONS)
    p["hs_call_status"] = "COMPLETED" if rng.random() < 0.8 else rng.choice(_CALL_STATUS)


def _email(p: dict[str, str], rng: random.Random, what: str, at: int) -> None:
    p["hs_email_subject"] = f"Re: {what} {rng.choice(_TOPICS)}"
    p["hs_email_text"] = f"Following up on {what}. Best regards"
    p["hs_email_direction"] = rng.choice(_EMAIL_DIRECTIONS)
    p["hs_email_status"] = "SENT" if rng.random() < 0.9 else rng.choice(_EMAIL_STATUS)


def _meeting(p: dict[str, str], rng: random.Random, what: str, at: int) -> None:
    p["hs_meeting_title"] = f"{what} – {rng.choice(_TOPICS)}"
    p["hs_meeting_body"] = "Agenda: goals, next steps."
    p["hs_meeting_start_time"] = iso_ms(at)
    p["hs_meeting_end_time"] = iso_ms(at + rng.choice((30, 60)) * _MINUTE)
    p["hs_meeting_location"] = rng.choice(("Zoom", "Office", "Phone", "Customer site"))
    p["hs_meeting_outcome"] = rng.choice(_MEETING_OUTCOMES)


def _task(p: dict[str, str], rng: random.Random, what: str, at: int) -> None:
    p["hs_task_subject"] = f"Follow up on {what}"
    p["hs_task_body"] = f"Send the {rng.choice(_TOPICS)} details."
    p["hs_task_status"] = rng.choice(_TASK_STATUS)
    p["hs_task_priority"] = rng.choice(_TASK_PRIORITIES)
    p["hs_task_type"] = rng.choice(_TASK_TYPES)


_CALL_DIRECTIONS = options("calls", "hs_call_direction")
_CALL_STATUS = options("calls", "hs_call_status")
_EMAIL_DIRECTIONS = options("emails", "hs_email_direction")
_EMAIL_STATUS = options("emails", "hs_email_status")
_MEETING_OUTCOMES = options("meetings", "hs_meeting_outcome")
_TASK_STATUS = options("tasks", "hs_task_status")
_TASK_PRIORITIES = options("tasks", "hs_task_priority")
_TASK_TYPES = options("tasks", "hs_task_type")

#: Each engagement type and how its own properties are drawn, in seeding order.
ENGAGEMENT_TYPES: dict[str, Fill] = {
    "notes": _note,
    "calls": _call,
    "emails": _email,
    "meetings": _meeting,
    "tasks": _task,
}


def seed_engagements(
    store: Store, rng: random.Random, name: str, n: int, customers: Customers
) -> None:
    """``n`` engagements of type ``name`` (``notes`` ...), each about a contact."""
    table, fill = store.tables[name], ENGAGEMENT_TYPES[name]
    for i in range(n):
        created, updated = timeline(rng, n, i)
        subject = customers.subject(rng, created, 0.35)
        p = {"hs_timestamp": iso_ms(created)}
        fill(p, rng, rng.choice(PRODUCT_WORDS), created)
        if rng.random() < 0.8:
            p["hubspot_owner_id"] = rng.choice(_OWNER_IDS)
        rec = table.insert(p, created, updated)
        if subject is None:
            continue
        for other, other_id in zip(("contacts", "companies", "deals"), subject, strict=True):
            if other_id is not None:
                store.assoc.add(name, rec.id, other, other_id, (unlabeled_type(name, other),))
    table.invalidate()
