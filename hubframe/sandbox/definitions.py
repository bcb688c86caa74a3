"""What the sandbox portal knows about its schema.

Object types (names, ids, aliases), property definitions in HubSpot's JSON
shape (GET /crm/v3/properties/{objectType}), the default property sets of
facts §2.4, and the association type table of facts §2.10.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import ApiError

__all__ = [
    "OBJECT_TYPES",
    "ObjectType",
    "PropertyDef",
    "PROPERTIES",
    "OWNERS",
    "DEAL_STAGE_PROBABILITY",
    "AssocType",
    "ASSOC_TYPES",
    "ASSOC_BY_NAME",
    "object_type",
    "unlabeled_type",
]


@dataclass(frozen=True)
class ObjectType:
    """One CRM object type: its path name, id and the names HubSpot uses for it."""

    name: str  # "contacts"
    singular: str  # "contact"
    type_id: str  # "0-1"
    modified_prop: str  # "lastmodifieddate" / "hs_lastmodifieddate"
    get_defaults: tuple[str, ...]
    search_defaults: tuple[str, ...]
    query_props: tuple[str, ...]  # searched by the free-text `query`

    @property
    def upper(self) -> str:
        """``CONTACT`` etc., as HubSpot writes the type in messages."""
        return self.singular.upper()


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
}

_ALIASES: dict[str, str] = {}
for _t in OBJECT_TYPES.values():
    for _alias in (_t.name, _t.singular, _t.type_id):
        _ALIASES[_alias] = _t.name


def object_type(raw: str) -> ObjectType:
    """Resolve a path's object type: ``contacts``, ``contact``, ``CONTACT``, ``0-1`` ...

    Raises:
        ApiError: 400 for a type this portal does not have (HubSpot cannot infer it).
    """
    name = _ALIASES.get(raw.lower())
    if name is None:
        raise ApiError(400, f"Unable to infer object type from: {raw}", "VALIDATION_ERROR")
    return OBJECT_TYPES[name]


# -- property definitions ---------------------------------------------------------------

OWNERS: list[tuple[str, str]] = [
    ("52013001", "Ana Souza"),
    ("52013002", "Ben Carter"),
    ("52013003", "Chloé Martin"),
    ("52013004", "Daniel Okafor"),
    ("52013005", "Eva Lindqvist"),
    ("52013006", "Farid Haddad"),
    ("52013007", "Grace Kim"),
    ("52013008", "Hiroshi Tanaka"),
    ("52013009", "Isabel Núñez"),
    ("52013010", "Jonas Weber"),
]

_BOOL = [("true", "Yes"), ("false", "No")]
_LIFECYCLE = [
    ("subscriber", "Subscriber"),
    ("lead", "Lead"),
    ("marketingqualifiedlead", "Marketing Qualified Lead"),
    ("salesqualifiedlead", "Sales Qualified Lead"),
    ("opportunity", "Opportunity"),
    ("customer", "Customer"),
    ("evangelist", "Evangelist"),
    ("other", "Other"),
]
_LEAD_STATUS = [
    ("NEW", "New"),
    ("OPEN", "Open"),
    ("IN_PROGRESS", "In Progress"),
    ("OPEN_DEAL", "Open Deal"),
    ("UNQUALIFIED", "Unqualified"),
    ("ATTEMPTED_TO_CONTACT", "Attempted to Contact"),
    ("CONNECTED", "Connected"),
    ("BAD_TIMING", "Bad Timing"),
]
_SOURCE = [
    ("ORGANIC_SEARCH", "Organic Search"),
    ("PAID_SEARCH", "Paid Search"),
    ("EMAIL_MARKETING", "Email Marketing"),
    ("SOCIAL_MEDIA", "Organic Social"),
    ("REFERRALS", "Referrals"),
    ("OTHER_CAMPAIGNS", "Other Campaigns"),
    ("DIRECT_TRAFFIC", "Direct Traffic"),
    ("OFFLINE", "Offline Sources"),
    ("PAID_SOCIAL", "Paid Social"),
]
_LANGUAGE = [
    ("en", "English"),
    ("de", "German"),
    ("fr", "French"),
    ("es", "Spanish"),
    ("pt-br", "Portuguese - Brazil"),
    ("ja", "Japanese"),
    ("nl", "Dutch"),
    ("it", "Italian"),
]
_EMPLOYEE_BANDS = [
    ("1-5", "1-5"),
    ("5-25", "5-25"),
    ("25-50", "25-50"),
    ("50-100", "50-100"),
    ("100-500", "100-500"),
    ("500-1000", "500-1000"),
    ("1000+", "1000+"),
]
_PERSONA = [
    ("persona_1", "Marketing Mary"),
    ("persona_2", "Operations Olivia"),
    ("persona_3", "Developer Dan"),
]
_PRODUCTS = [
    ("analytics", "Analytics"),
    ("crm", "CRM"),
    ("email", "Email"),
    ("forms", "Forms"),
    ("chat", "Live chat"),
    ("reporting", "Reporting"),
]
_INDUSTRY = [
    ("ACCOUNTING", "Accounting"),
    ("AIRLINES_AVIATION", "Airlines/Aviation"),
    ("APPAREL_FASHION", "Apparel & Fashion"),
    ("BANKING", "Banking"),
    ("BIOTECHNOLOGY", "Biotechnology"),
    ("COMPUTER_SOFTWARE", "Computer Software"),
    ("CONSTRUCTION", "Construction"),
    ("CONSUMER_GOODS", "Consumer Goods"),
    ("EDUCATION_MANAGEMENT", "Education Management"),
    ("FINANCIAL_SERVICES", "Financial Services"),
    ("FOOD_BEVERAGES", "Food & Beverages"),
    ("HOSPITAL_HEALTH_CARE", "Hospital & Health Care"),
    ("INFORMATION_TECHNOLOGY_AND_SERVICES", "Information Technology and Services"),
    ("INSURANCE", "Insurance"),
    ("INTERNET", "Internet"),
    ("LOGISTICS_AND_SUPPLY_CHAIN", "Logistics and Supply Chain"),
    ("MARKETING_AND_ADVERTISING", "Marketing and Advertising"),
    ("MECHANICAL_OR_INDUSTRIAL_ENGINEERING", "Mechanical or Industrial Engineering"),
    ("REAL_ESTATE", "Real Estate"),
    ("RENEWABLES_ENVIRONMENT", "Renewables & Environment"),
    ("RETAIL", "Retail"),
    ("TELECOMMUNICATIONS", "Telecommunications"),
]
_COMPANY_TYPE = [
    ("PROSPECT", "Prospect"),
    ("PARTNER", "Partner"),
    ("RESELLER", "Reseller"),
    ("VENDOR", "Vendor"),
    ("OTHER", "Other"),
]
DEAL_STAGES = [
    ("appointmentscheduled", "Appointment Scheduled"),
    ("qualifiedtobuy", "Qualified To Buy"),
    ("presentationscheduled", "Presentation Scheduled"),
    ("decisionmakerboughtin", "Decision Maker Bought-In"),
    ("contractsent", "Contract Sent"),
    ("closedwon", "Closed Won"),
    ("closedlost", "Closed Lost"),
]
DEAL_STAGE_PROBABILITY = {
    "appointmentscheduled": "0.2",
    "qualifiedtobuy": "0.4",
    "presentationscheduled": "0.6",
    "decisionmakerboughtin": "0.8",
    "contractsent": "0.9",
    "closedwon": "1.0",
    "closedlost": "0.0",
}
_PIPELINE = [("default", "Sales Pipeline")]
_DEALTYPE = [("newbusiness", "New Business"), ("existingbusiness", "Existing Business")]
_PRIORITY = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
_CURRENCY = [("USD", "US Dollar"), ("EUR", "Euro"), ("GBP", "British Pound")]

_HUBSPOT_CREATED = "2019-08-06T02:41:52.594Z"
_CUSTOM_CREATED = "2023-03-14T10:20:30.125Z"


@dataclass(frozen=True)
class PropertyDef:
    """One property definition; ``to_json`` gives HubSpot's Property object."""

    name: str
    label: str
    type: str
    field_type: str
    group: str
    description: str
    options: tuple[tuple[str, str], ...] = ()
    read_only: bool = False
    calculated: bool = False
    hubspot_defined: bool = True
    display_order: int = -1

    @property
    def multi(self) -> bool:
        """A multiple-checkbox enumeration (values are ``;``-separated)."""
        return self.type == "enumeration" and self.field_type == "checkbox"

    @property
    def option_values(self) -> frozenset[str]:
        return frozenset(v for v, _ in self.options)

    def to_json(self) -> dict[str, Any]:
        created = _HUBSPOT_CREATED if self.hubspot_defined else _CUSTOM_CREATED
        out: dict[str, Any] = {
            "updatedAt": created,
            "createdAt": created,
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "fieldType": self.field_type,
            "description": self.description,
            "groupName": self.group,
            "options": [
                {"label": label, "value": value, "displayOrder": i, "hidden": False}
                for i, (value, label) in enumerate(self.options)
            ],
            "displayOrder": self.display_order,
            "calculated": self.calculated,
            "externalOptions": self.name == "hubspot_owner_id",
            "hasUniqueValue": False,
            "hidden": False,
            "modificationMetadata": {
                "archivable": not self.hubspot_defined,
                "readOnlyDefinition": self.hubspot_defined,
                "readOnlyValue": self.read_only,
            },
            "formField": not self.read_only,
            "dataSensitivity": "non_sensitive",
        }
        if self.hubspot_defined:  # custom properties do not carry the key at all
            out["hubspotDefined"] = True
        if self.type == "number":
            out["showCurrencySymbol"] = self.name in (
                "amount",
                "annualrevenue",
                "hs_acv",
                "amount_in_home_currency",
            )
        return out


# name, label, type, fieldType, group, options, flags ("ro" read-only, "calc", "custom")
_Spec = tuple[str, str, str, str, str, "list[tuple[str, str]] | None", str]

_CONTACTS: list[_Spec] = [
    ("firstname", "First Name", "string", "text", "contactinformation", None, ""),
    ("lastname", "Last Name", "string", "text", "contactinformation", None, ""),
    ("email", "Email", "string", "text", "contactinformation", None, ""),
    ("phone", "Phone Number", "phone_number", "phonenumber", "contactinformation", None, ""),
    (
        "mobilephone",
        "Mobile Phone Number",
        "phone_number",
        "phonenumber",
        "contactinformation",
        None,
        "",
    ),
    ("fax", "Fax Number", "string", "text", "contactinformation", None, ""),
    ("salutation", "Salutation", "string", "text", "contactinformation", None, ""),
    ("company", "Company Name", "string", "text", "contactinformation", None, ""),
    ("website", "Website URL", "string", "text", "contactinformation", None, ""),
    ("jobtitle", "Job Title", "string", "text", "contactinformation", None, ""),
    ("industry", "Industry", "string", "text", "contactinformation", None, ""),
    (
        "numemployees",
        "Number of Employees",
        "enumeration",
        "select",
        "contactinformation",
        _EMPLOYEE_BANDS,
        "",
    ),
    ("address", "Street Address", "string", "text", "contactinformation", None, ""),
    ("city", "City", "string", "text", "contactinformation", None, ""),
    ("state", "State/Region", "string", "text", "contactinformation", None, ""),
    ("zip", "Postal Code", "string", "text", "contactinformation", None, ""),
    ("country", "Country/Region", "string", "text", "contactinformation", None, ""),
    (
        "lifecyclestage",
        "Lifecycle Stage",
        "enumeration",
        "radio",
        "contactinformation",
        _LIFECYCLE,
        "",
    ),
    ("hs_lead_status", "Lead Status", "enumeration", "radio", "sales_properties", _LEAD_STATUS, ""),
    (
        "hubspot_owner_id",
        "Contact owner",
        "enumeration",
        "select",
        "sales_properties",
        None,
        "owners",
    ),
    ("hs_persona", "Persona", "enumeration", "select", "contactinformation", _PERSONA, ""),
    (
        "hs_language",
        "Preferred language",
        "enumeration",
        "select",
        "contactinformation",
        _LANGUAGE,
        "",
    ),
    (
        "hs_email_optout",
        "Unsubscribed from all email",
        "bool",
        "booleancheckbox",
        "emailinformation",
        _BOOL,
        "",
    ),
    ("message", "Message", "string", "textarea", "contactinformation", None, ""),
    ("twitterhandle", "Twitter Username", "string", "text", "socialmediainformation", None, ""),
    ("closedate", "Close Date", "datetime", "date", "contactinformation", None, ""),
    ("hubspotscore", "HubSpot Score", "number", "number", "contactinformation", None, "ro calc"),
    (
        "notes_last_updated",
        "Last Activity Date",
        "datetime",
        "date",
        "contact_activity",
        None,
        "ro",
    ),
    (
        "hs_analytics_source",
        "Original Traffic Source",
        "enumeration",
        "select",
        "analyticsinformation",
        _SOURCE,
        "ro",
    ),
    (
        "hs_additional_emails",
        "Additional email addresses",
        "string",
        "text",
        "contactinformation",
        None,
        "ro",
    ),
    ("createdate", "Create Date", "datetime", "date", "contactinformation", None, "ro"),
    (
        "lastmodifieddate",
        "Last Modified Date",
        "datetime",
        "date",
        "contactinformation",
        None,
        "ro",
    ),
    ("hs_object_id", "Record ID", "number", "number", "contactinformation", None, "ro"),
    ("hs_email_domain", "Email Domain", "string", "text", "emailinformation", None, "ro calc"),
    (
        "hs_is_contact",
        "Is a contact",
        "bool",
        "booleancheckbox",
        "contactinformation",
        _BOOL,
        "ro calc",
    ),
    (
        "associatedcompanyid",
        "Primary Associated Company ID",
        "number",
        "number",
        "contactinformation",
        None,
        "ro",
    ),
    (
        "num_associated_deals",
        "Number of Associated Deals",
        "number",
        "number",
        "deal_information",
        None,
        "ro calc",
    ),
    (
        "favorite_products",
        "Products of interest",
        "enumeration",
        "checkbox",
        "contactinformation",
        _PRODUCTS,
        "custom",
    ),
    (
        "contract_start_date",
        "Contract start date",
        "date",
        "date",
        "contactinformation",
        None,
        "custom",
    ),
    (
        "vip_customer",
        "VIP customer",
        "bool",
        "booleancheckbox",
        "contactinformation",
        _BOOL,
        "custom",
    ),
    (
        "customer_rating",
        "Customer rating",
        "number",
        "number",
        "contactinformation",
        None,
        "custom",
    ),
]

_COMPANIES: list[_Spec] = [
    ("name", "Company name", "string", "text", "companyinformation", None, ""),
    ("domain", "Company Domain Name", "string", "text", "companyinformation", None, ""),
    ("website", "Website URL", "string", "text", "companyinformation", None, ""),
    ("phone", "Phone Number", "phone_number", "phonenumber", "companyinformation", None, ""),
    ("address", "Street Address", "string", "text", "companyinformation", None, ""),
    ("city", "City", "string", "text", "companyinformation", None, ""),
    ("state", "State/Region", "string", "text", "companyinformation", None, ""),
    ("zip", "Postal Code", "string", "text", "companyinformation", None, ""),
    ("country", "Country/Region", "string", "text", "companyinformation", None, ""),
    ("industry", "Industry", "enumeration", "select", "companyinformation", _INDUSTRY, ""),
    ("type", "Type", "enumeration", "select", "companyinformation", _COMPANY_TYPE, ""),
    ("description", "Description", "string", "textarea", "companyinformation", None, ""),
    (
        "numberofemployees",
        "Number of Employees",
        "number",
        "number",
        "companyinformation",
        None,
        "",
    ),
    ("annualrevenue", "Annual Revenue", "number", "number", "companyinformation", None, ""),
    ("founded_year", "Year Founded", "string", "text", "companyinformation", None, ""),
    ("is_public", "Is Public", "bool", "booleancheckbox", "companyinformation", _BOOL, ""),
    (
        "lifecyclestage",
        "Lifecycle Stage",
        "enumeration",
        "radio",
        "companyinformation",
        _LIFECYCLE,
        "",
    ),
    ("hs_lead_status", "Lead Status", "enumeration", "radio", "sales_properties", _LEAD_STATUS, ""),
    (
        "hubspot_owner_id",
        "Company owner",
        "enumeration",
        "select",
        "companyinformation",
        None,
        "owners",
    ),
    (
        "linkedin_company_page",
        "LinkedIn Company Page",
        "string",
        "text",
        "socialmediainformation",
        None,
        "",
    ),
    ("timezone", "Time Zone", "string", "text", "companyinformation", None, ""),
    (
        "notes_last_updated",
        "Last Activity Date",
        "datetime",
        "date",
        "company_activity",
        None,
        "ro",
    ),
    ("createdate", "Create Date", "datetime", "date", "companyinformation", None, "ro"),
    (
        "hs_lastmodifieddate",
        "Last Modified Date",
        "datetime",
        "date",
        "companyinformation",
        None,
        "ro",
    ),
    ("hs_object_id", "Record ID", "number", "number", "companyinformation", None, "ro"),
    (
        "num_associated_contacts",
        "Number of Associated Contacts",
        "number",
        "number",
        "companyinformation",
        None,
        "ro calc",
    ),
    (
        "num_associated_deals",
        "Number of Associated Deals",
        "number",
        "number",
        "companyinformation",
        None,
        "ro calc",
    ),
    (
        "contract_renewal_date",
        "Contract renewal date",
        "date",
        "date",
        "companyinformation",
        None,
        "custom",
    ),
    (
        "product_interest",
        "Product interest",
        "enumeration",
        "checkbox",
        "companyinformation",
        _PRODUCTS,
        "custom",
    ),
]

_DEALS: list[_Spec] = [
    ("dealname", "Deal Name", "string", "text", "dealinformation", None, ""),
    ("amount", "Amount", "number", "number", "dealinformation", None, ""),
    ("closedate", "Close Date", "datetime", "date", "dealinformation", None, ""),
    ("pipeline", "Pipeline", "enumeration", "select", "dealinformation", _PIPELINE, ""),
    ("dealstage", "Deal Stage", "enumeration", "radio", "dealinformation", DEAL_STAGES, ""),
    ("dealtype", "Deal Type", "enumeration", "radio", "dealinformation", _DEALTYPE, ""),
    ("description", "Deal Description", "string", "textarea", "dealinformation", None, ""),
    ("hubspot_owner_id", "Deal owner", "enumeration", "select", "dealinformation", None, "owners"),
    ("hs_priority", "Priority", "enumeration", "select", "dealinformation", _PRIORITY, ""),
    ("deal_currency_code", "Currency", "enumeration", "select", "dealinformation", _CURRENCY, ""),
    ("hs_next_step", "Next step", "string", "textarea", "dealinformation", None, ""),
    ("closed_lost_reason", "Closed Lost Reason", "string", "textarea", "dealinformation", None, ""),
    ("closed_won_reason", "Closed Won Reason", "string", "textarea", "dealinformation", None, ""),
    ("hs_acv", "Annual contract value", "number", "number", "dealinformation", None, ""),
    ("notes_last_updated", "Last Activity Date", "datetime", "date", "deal_activity", None, "ro"),
    ("createdate", "Create Date", "datetime", "date", "dealinformation", None, "ro"),
    (
        "hs_lastmodifieddate",
        "Last Modified Date",
        "datetime",
        "date",
        "dealinformation",
        None,
        "ro",
    ),
    ("hs_object_id", "Record ID", "number", "number", "dealinformation", None, "ro"),
    (
        "hs_is_closed",
        "Is Deal Closed?",
        "bool",
        "booleancheckbox",
        "dealinformation",
        _BOOL,
        "ro calc",
    ),
    (
        "hs_is_closed_won",
        "Is Closed Won",
        "bool",
        "booleancheckbox",
        "dealinformation",
        _BOOL,
        "ro calc",
    ),
    (
        "hs_deal_stage_probability",
        "Deal probability",
        "number",
        "number",
        "dealinformation",
        None,
        "ro calc",
    ),
    (
        "amount_in_home_currency",
        "Amount in company currency",
        "number",
        "number",
        "dealinformation",
        None,
        "ro calc",
    ),
    (
        "num_associated_contacts",
        "Number of Associated Contacts",
        "number",
        "number",
        "dealinformation",
        None,
        "ro calc",
    ),
    (
        "contract_start_date",
        "Contract start date",
        "date",
        "date",
        "dealinformation",
        None,
        "custom",
    ),
    (
        "products_included",
        "Products included",
        "enumeration",
        "checkbox",
        "dealinformation",
        _PRODUCTS,
        "custom",
    ),
    ("is_renewal", "Is renewal", "bool", "booleancheckbox", "dealinformation", _BOOL, "custom"),
]

_DESCRIPTIONS = {
    "email": "A contact's email address",
    "firstname": "A contact's first name",
    "lastname": "A contact's last name",
    "hs_object_id": "The unique ID for this record. This value is set automatically by HubSpot.",
    "createdate": "The date the record was created.",
    "lastmodifieddate": "Most recent timestamp of any property update for this record.",
    "hs_lastmodifieddate": "Most recent timestamp of any property update for this record.",
    "lifecyclestage": "The qualification of records based on where they are in the marketing and sales process.",
    "hubspot_owner_id": "The owner of the record.",
    "dealstage": "The stage of the deal.",
    "pipeline": "The pipeline the deal is in.",
    "amount": "The total amount of the deal.",
    "closedate": "Date the deal was closed.",
    "name": "The name of the company.",
    "domain": "The domain name of the company.",
}


def _build(specs: list[_Spec]) -> dict[str, PropertyDef]:
    owners = [(oid, name) for oid, name in OWNERS]
    out: dict[str, PropertyDef] = {}
    for i, (name, label, typ, field_type, group, options, flags) in enumerate(specs):
        opts = owners if "owners" in flags else (options or [])
        out[name] = PropertyDef(
            name=name,
            label=label,
            type=typ,
            field_type=field_type,
            group=group,
            description=_DESCRIPTIONS.get(name, ""),
            options=tuple(opts),
            read_only="ro" in flags,
            calculated="calc" in flags,
            hubspot_defined="custom" not in flags,
            display_order=i if "custom" in flags else -1,
        )
    return out


PROPERTIES: dict[str, dict[str, PropertyDef]] = {
    "contacts": _build(_CONTACTS),
    "companies": _build(_COMPANIES),
    "deals": _build(_DEALS),
}


# -- association types (facts §2.10) ------------------------------------------------------


@dataclass(frozen=True)
class AssocType:
    """One association type id: direction, legacy v3 name and v4 label."""

    type_id: int
    from_type: str
    to_type: str
    name: str  # legacy v3 string, e.g. contact_to_company_unlabeled
    label: str | None  # v4 label ("Primary") or None for unlabeled
    inverse: int
    implies: int | None = None  # a primary label always comes with the unlabeled type

    @property
    def category(self) -> str:
        return "HUBSPOT_DEFINED"


_ASSOC_ROWS = [
    (1, "contacts", "companies", "contact_to_company", "Primary", 2, 279),
    (279, "contacts", "companies", "contact_to_company_unlabeled", None, 280, None),
    (2, "companies", "contacts", "company_to_contact", "Primary", 1, 280),
    (280, "companies", "contacts", "company_to_contact_unlabeled", None, 279, None),
    (3, "deals", "contacts", "deal_to_contact", None, 4, None),
    (4, "contacts", "deals", "contact_to_deal", None, 3, None),
    (5, "deals", "companies", "deal_to_company", "Primary", 6, 341),
    (341, "deals", "companies", "deal_to_company_unlabeled", None, 342, None),
    (6, "companies", "deals", "company_to_deal", "Primary", 5, 342),
    (342, "companies", "deals", "company_to_deal_unlabeled", None, 341, None),
    (449, "contacts", "contacts", "contact_to_contact", None, 449, None),
    (450, "companies", "companies", "company_to_company", None, 450, None),
    (451, "deals", "deals", "deal_to_deal", None, 451, None),
]

ASSOC_TYPES: dict[int, AssocType] = {row[0]: AssocType(*row) for row in _ASSOC_ROWS}
ASSOC_BY_NAME: dict[str, AssocType] = {a.name: a for a in ASSOC_TYPES.values()}
_UNLABELED = {(a.from_type, a.to_type): a.type_id for a in ASSOC_TYPES.values() if a.label is None}


def unlabeled_type(from_type: str, to_type: str) -> int:
    """The default (unlabeled) association type id between two object types."""
    return _UNLABELED[(from_type, to_type)]
