"""The object types the sandbox portal holds records of: names, ids, scopes, defaults.

Contacts, companies and deals; tickets, products, line items and quotes; the five
engagement types (notes, calls, emails, meetings, tasks); and one custom object,
``machines``, whose schema ``GET /crm/v3/schemas`` serves (:mod:`.schemas`). Each is
an :class:`ObjectType`: what its paths may call it (plural, singular, type id, and for
the custom object its fully-qualified name ``p<portal>_machines``), which property
holds its creation and modification times, what its reads return by default, which
properties the free-text ``query`` of search reads, and the scopes HubSpot asks for.

Facts: the type ids are HubSpot's (tickets ``0-5``, products ``0-7``, line items
``0-8``, quotes ``0-14``, tasks ``0-27``, notes ``0-46``, meetings ``0-47``, calls
``0-48``, emails ``0-49``); the scopes are HubSpot's (``tickets``, ``e-commerce``,
``crm.objects.quotes.*``, the contacts scopes for engagements, ``crm.objects.custom.*``
for custom objects). The default properties of the types other than contacts,
companies, deals and tickets are unconfirmed: HubSpot documents none, so each type
returns its main fields (engagements: the activity date and body or title).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import ApiError

__all__ = [
    "CUSTOM_TYPE_ID",
    "OBJECT_TYPES",
    "ObjectType",
    "object_type",
]

#: The custom object's type id (``2-`` and a portal-wide number, as HubSpot gives them).
CUSTOM_TYPE_ID = "2-4100001"


@dataclass(frozen=True)
class ObjectType:
    """One CRM object type: its path name, id and the names HubSpot uses for it.

    ``read_scopes`` / ``write_scopes``: the scopes of which any one grants the reads
    (writes); empty means HubSpot's pattern ``crm.objects.{name}.read`` (``.write``).
    """

    name: str  # "contacts"
    singular: str  # "contact"
    type_id: str  # "0-1"
    modified_prop: str  # "lastmodifieddate" / "hs_lastmodifieddate"
    get_defaults: tuple[str, ...]
    search_defaults: tuple[str, ...]
    query_props: tuple[str, ...]  # searched by the free-text `query`
    created_prop: str = "createdate"  # engagements and custom objects: hs_createdate
    read_scopes: tuple[str, ...] = ()
    write_scopes: tuple[str, ...] = ()
    label: str = ""  # "Machine" (the custom object's labels)
    plural_label: str = ""
    custom: bool = False

    @property
    def upper(self) -> str:
        """``CONTACT`` etc., as HubSpot writes the type in messages."""
        return self.singular.upper()


def _searched(defaults: tuple[str, ...], created: str = "createdate") -> tuple[str, ...]:
    """Search's defaults: the read defaults plus the creation and modification times and id."""
    return (*defaults, created, "hs_lastmodifieddate", "hs_object_id")


def _standard(
    name: str,
    singular: str,
    type_id: str,
    defaults: tuple[str, ...],
    query: tuple[str, ...],
    scopes: tuple[tuple[str, ...], tuple[str, ...]],
    created: str = "createdate",
) -> ObjectType:
    """A type other than contacts/companies/deals (modified: ``hs_lastmodifieddate``)."""
    return ObjectType(
        name,
        singular,
        type_id,
        "hs_lastmodifieddate",
        defaults,
        _searched(defaults, created),
        query,
        created_prop=created,
        read_scopes=scopes[0],
        write_scopes=scopes[1],
    )


_ENGAGEMENT_SCOPES = (("crm.objects.contacts.read",), ("crm.objects.contacts.write",))


def _engagement(
    name: str, singular: str, type_id: str, defaults: tuple[str, ...], query: tuple[str, ...]
) -> ObjectType:
    return _standard(
        name,
        singular,
        type_id,
        ("hs_timestamp", *defaults),
        query,
        _ENGAGEMENT_SCOPES,
        "hs_createdate",
    )


OBJECT_TYPES: dict[str, ObjectType] = {
    "contacts": ObjectType(
        "contacts",
        "contact",
        "0-1",
        "lastmodifieddate",
        ("firstname", "lastname", "email"),
        ("firstname", "lastname", "email", "lastmodifieddate", "hs_object_id", "createdate"),
        (
            "firstname",
            "lastname",
            "email",
            "phone",
            "hs_additional_emails",
            "fax",
            "mobilephone",
            "company",
        ),
    ),
    "companies": ObjectType(
        "companies",
        "company",
        "0-2",
        "hs_lastmodifieddate",
        ("name", "domain"),
        ("name", "domain", "createdate", "hs_lastmodifieddate", "hs_object_id"),
        ("website", "phone", "name", "domain"),
    ),
    "deals": ObjectType(
        "deals",
        "deal",
        "0-3",
        "hs_lastmodifieddate",
        ("dealname", "amount", "closedate", "pipeline", "dealstage"),
        (
            "dealname",
            "amount",
            "closedate",
            "pipeline",
            "dealstage",
            "createdate",
            "hs_lastmodifieddate",
            "hs_object_id",
        ),
        ("dealname", "pipeline", "dealstage", "description", "dealtype"),
    ),
    "tickets": _standard(
        "tickets",
        "ticket",
        "0-5",
        (
            "content",
            "hs_pipeline",
            "hs_pipeline_stage",
            "hs_ticket_category",
            "hs_ticket_priority",
            "subject",
        ),
        ("subject", "content"),
        (("tickets",), ("tickets",)),
    ),
    "products": _standard(
        "products",
        "product",
        "0-7",
        ("name", "description", "price"),
        ("name", "description", "hs_sku"),
        (
            ("e-commerce", "crm.objects.products.read"),
            ("e-commerce", "crm.objects.products.write"),
        ),
    ),
    "line_items": _standard(
        "line_items",
        "line_item",
        "0-8",
        ("name", "description", "price", "quantity", "discount", "amount", "hs_product_id"),
        ("name", "description", "hs_sku"),
        (
            ("e-commerce", "crm.objects.line_items.read"),
            ("e-commerce", "crm.objects.line_items.write"),
        ),
    ),
    "quotes": _standard(
        "quotes",
        "quote",
        "0-14",
        ("hs_title", "hs_expiration_date", "hs_status"),
        ("hs_title",),
        (("crm.objects.quotes.read",), ("crm.objects.quotes.write",)),
    ),
    "notes": _engagement("notes", "note", "0-46", ("hs_note_body",), ("hs_note_body",)),
    "calls": _engagement(
        "calls",
        "call",
        "0-48",
        ("hs_call_title", "hs_call_duration", "hs_call_status"),
        ("hs_call_title", "hs_call_body"),
    ),
    "emails": _engagement(
        "emails",
        "email",
        "0-49",
        ("hs_email_subject", "hs_email_direction"),
        ("hs_email_subject", "hs_email_text"),
    ),
    "meetings": _engagement(
        "meetings",
        "meeting",
        "0-47",
        ("hs_meeting_title", "hs_meeting_outcome"),
        ("hs_meeting_title", "hs_meeting_body"),
    ),
    "tasks": _engagement(
        "tasks",
        "task",
        "0-27",
        ("hs_task_subject", "hs_task_status"),
        ("hs_task_subject", "hs_task_body"),
    ),
    "machines": ObjectType(
        "machines",
        "machine",
        CUSTOM_TYPE_ID,
        "hs_lastmodifieddate",
        ("name",),
        _searched(("name",), "hs_createdate"),
        ("name", "serial_number"),
        created_prop="hs_createdate",
        read_scopes=("crm.objects.custom.read",),
        write_scopes=("crm.objects.custom.write",),
        label="Machine",
        plural_label="Machines",
        custom=True,
    ),
}

_ALIASES: dict[str, str] = {}
for _t in OBJECT_TYPES.values():
    for _alias in (_t.name, _t.singular, _t.type_id):
        _ALIASES[_alias] = _t.name

# A custom object's fully-qualified name is ``p<portal id>_<name>``. The sandbox
# accepts it with any portal id (which portal the sandbox is comes from the seed).
_QUALIFIED = re.compile(r"p\d+_(?P<name>[a-z][a-z0-9_]*)")


def object_type(raw: str) -> ObjectType:
    """Resolve a path's object type: ``contacts``, ``contact``, ``CONTACT``, ``0-1``,
    ``p24000000_machines`` ...

    Raises:
        ApiError: 400 for a type this portal does not have (HubSpot cannot infer it).
    """
    key = raw.lower()
    name = _ALIASES.get(key)
    if name is None and (match := _QUALIFIED.fullmatch(key)) is not None:
        custom = OBJECT_TYPES.get(match["name"])
        name = custom.name if custom is not None and custom.custom else None
    if name is None:
        raise ApiError(400, f"Unable to infer object type from: {raw}", "VALIDATION_ERROR")
    return OBJECT_TYPES[name]
