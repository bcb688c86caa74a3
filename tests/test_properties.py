"""Property definitions: object types, Property, PropertySet.resolve, the dtype table, fetching."""

from __future__ import annotations

import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pandas as pd
import pyarrow as pa
import pytest

import hubframe as hf
from hubframe import dtypes, properties
from hubframe.dtypes import column_type
from hubframe.errors import InputError, UnknownPropertyError
from hubframe.properties import (
    DEFAULT_PROPERTIES,
    SEARCH_DEFAULT_PROPERTIES,
    Property,
    PropertySet,
    default_properties,
    normalize_object_type,
)

DEFINITIONS = [
    {
        "name": "firstname",
        "label": "First Name",
        "type": "string",
        "fieldType": "text",
        "description": "A contact's first name",
        "groupName": "contactinformation",
        "options": [],
        "displayOrder": 0,
        "hidden": False,
        "hubspotDefined": True,
        "calculated": False,
        "modificationMetadata": {"archivable": True, "readOnlyValue": False},
    },
    {"name": "lastname", "label": "Last Name", "type": "string", "fieldType": "text"},
    {"name": "email", "label": "Email", "type": "string", "fieldType": "text"},
    {"name": "phone", "label": "Phone Number", "type": "phone_number", "fieldType": "phonenumber"},
    {"name": "num_employees", "label": "Employees", "type": "number", "fieldType": "number"},
    {
        "name": "hs_object_id",
        "label": "Record ID",
        "type": "number",
        "fieldType": "number",
        "modificationMetadata": {"readOnlyValue": True},
    },
    {"name": "createdate", "label": "Create Date", "type": "datetime", "fieldType": "date"},
    {"name": "lastmodifieddate", "label": "Last Modified", "type": "datetime", "fieldType": "date"},
    {"name": "date_of_birth", "label": "Birthday", "type": "date", "fieldType": "date"},
    {
        "name": "hs_is_contact",
        "label": "Is a contact",
        "type": "bool",
        "fieldType": "booleancheckbox",
        "calculated": True,
    },
    {
        "name": "lifecyclestage",
        "label": "Lifecycle Stage",
        "type": "enumeration",
        "fieldType": "radio",
        "options": [
            {"label": "Lead", "value": "lead", "hidden": False, "displayOrder": 1},
            {"label": "Customer", "value": "customer", "hidden": False, "displayOrder": 2},
        ],
    },
    {
        "name": "hs_buying_role",
        "label": "Buying Role",
        "type": "enumeration",
        "fieldType": "checkbox",
        "options": [
            {"label": "Budget Holder", "value": "BUDGET_HOLDER"},
            {"label": "Champion", "value": "CHAMPION"},
        ],
    },
    {"name": "hs_geo", "label": "Location", "type": "object_coordinates", "fieldType": "text"},
]


@pytest.fixture
def contacts() -> PropertySet:
    return PropertySet.from_definitions("contacts", DEFINITIONS)


# -- object types -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("contacts", "contacts"),
        ("contact", "contacts"),
        ("CONTACTS", "contacts"),
        (" Contact ", "contacts"),
        ("0-1", "contacts"),
        ("companies", "companies"),
        ("Company", "companies"),
        ("0-2", "companies"),
        ("deals", "deals"),
        ("DEAL", "deals"),
        ("0-3", "deals"),
        ("tickets", "tickets"),
        ("0-5", "tickets"),
        ("Line items", "line_items"),
        ("line_item", "line_items"),
        ("0-46", "notes"),
    ],
)
def test_normalize_object_type_accepts_names_singulars_and_ids(given, expected):
    assert normalize_object_type(given) == expected


@pytest.mark.parametrize("given", ["widgets", "0-999", "", "contactz", None, 1, ["contacts"]])
def test_normalize_object_type_rejects_others_naming_value_and_valid_ones(given):
    with pytest.raises(InputError) as err:
        normalize_object_type(given)
    message = str(err.value)
    assert repr(given) in message
    for valid in ("'contacts'", "'companies'", "'deals'", "'0-1'"):
        assert valid in message


# -- Property ---------------------------------------------------------------------------------


def test_property_from_full_definition():
    prop = Property.from_dict(DEFINITIONS[0])
    assert prop == Property(
        name="firstname",
        label="First Name",
        type="string",
        field_type="text",
        options=(),
        option_labels=(),
        group="contactinformation",
        description="A contact's first name",
        read_only=False,
        hubspot_defined=True,
        hidden=False,
        multi=False,
    )


def test_property_from_minimal_definition_with_nulls():
    prop = Property.from_dict(
        {
            "name": "x",
            "label": None,
            "type": None,
            "fieldType": None,
            "options": None,
            "modificationMetadata": None,
        }
    )
    assert (prop.name, prop.label, prop.type, prop.field_type) == ("x", "x", "string", "")
    assert prop.options == () and not prop.read_only and not prop.multi
    assert prop.dtype == pd.StringDtype("pyarrow")


def test_property_options_and_multi():
    radio = Property.from_dict(DEFINITIONS[10])
    checkbox = Property.from_dict(DEFINITIONS[11])
    assert radio.options == ("lead", "customer")
    assert radio.option_labels == ("Lead", "Customer")
    assert not radio.multi
    assert checkbox.multi
    assert checkbox.options == ("BUDGET_HOLDER", "CHAMPION")


def test_property_read_only_from_metadata_or_calculated(contacts):
    assert contacts["hs_object_id"].read_only  # readOnlyValue
    assert contacts["hs_is_contact"].read_only  # calculated
    assert not contacts["email"].read_only


def test_property_is_frozen():
    prop = Property.from_dict(DEFINITIONS[0])
    with pytest.raises(AttributeError):
        prop.name = "other"  # type: ignore[misc]


@pytest.mark.parametrize("bad", [{}, {"name": 5}, "email", None])
def test_property_needs_a_name(bad):
    with pytest.raises(InputError):
        Property.from_dict(bad)


# -- the dtype table ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "dtype", "arrow"),
    [
        ("firstname", "string", pa.string()),
        ("phone", "string", pa.string()),
        ("num_employees", "Float64", pa.float64()),
        ("hs_object_id", "string", pa.string()),
        ("createdate", "datetime64[ms, UTC]", pa.timestamp("ms", "UTC")),
        ("date_of_birth", "date32[day][pyarrow]", pa.date32()),
        ("hs_is_contact", "boolean", pa.bool_()),
        ("lifecyclestage", "string", pa.string()),
        ("hs_buying_role", "list<item: string>[pyarrow]", pa.list_(pa.string())),
        ("hs_geo", "string", pa.string()),
    ],
)
def test_dtype_of_each_property_type(contacts, name, dtype, arrow):
    prop = contacts[name]
    assert str(prop.dtype) == dtype
    assert prop.arrow_type == arrow


def test_string_dtype_is_pyarrow_backed_with_pd_na():
    dtype = column_type("string")
    assert dtype.pandas == pd.StringDtype("pyarrow")
    assert dtype.pandas.na_value is pd.NA


def test_unknown_hubspot_type_is_a_string_column():
    assert column_type("json").kind == "string"
    assert column_type("some_future_type", "weird").kind == "string"
    assert column_type("enumeration", "booleancheckbox").kind == "string"


def _docstring_table() -> list[list[str]]:
    rows = []
    for line in dtypes.__doc__.splitlines():
        line = line.strip()
        if line.startswith("|") and not line.startswith("|---") and "HubSpot type" not in line:
            rows.append([cell.replace("`", "").strip() for cell in line.strip("|").split("|")])
    return rows


def test_docstring_markdown_table_matches_the_table():
    """The README copies the docstring's table: it must say what the code does."""
    rows = _docstring_table()
    assert len(rows) >= 8
    checked = 0
    for hubspot_types, field_type, pandas_dtype, _arrow in rows:
        if field_type == "—":  # top-level columns, checked below
            continue
        for type_ in re.findall(r"^[a-z_]+(?=$|,)|(?<=, )[a-z_]+", hubspot_types):
            if type_ == "anything":
                continue
            if field_type.startswith("checkbox"):
                ct = column_type(type_, "checkbox")
            elif field_type == "any other":
                ct = column_type(type_, "select")
            else:
                ct = column_type(type_, "text")
            assert str(ct.pandas) == pandas_dtype, (type_, field_type)
            checked += 1
    assert checked >= 8
    fixed = {row[0]: row[2] for row in rows if row[1] == "—"}
    assert fixed["id, hs_object_id"] == "string"
    assert str(column_type("number", "number", "hs_object_id").pandas) == "string"
    single = fixed["id properties: associatedcompanyid, hubspot_owner_id, ..."]
    multi = fixed["multi-id properties: hs_merged_object_ids, hs_all_owner_ids, ..."]
    for name, ct in dtypes.ID_PROPERTIES.items():
        want = multi if ct.kind == dtypes.MULTI_ID_KIND else single
        assert str(ct.pandas) == want, name
        # Whatever HubSpot's definition says, the name decides.
        for type_, field_type in (
            ("number", "number"),
            ("enumeration", "select"),
            ("string", "text"),
        ):
            assert column_type(type_, field_type, name) is ct, (name, type_)
    assert fixed["createdAt, updatedAt"] == str(dtypes.FIXED_COLUMNS["createdAt"].pandas)
    assert fixed["archived"] == str(dtypes.FIXED_COLUMNS["archived"].pandas)


# -- default properties ------------------------------------------------------------------------


def test_default_properties_follow_hubspot():
    assert DEFAULT_PROPERTIES["contacts"] == ("firstname", "lastname", "email")
    assert DEFAULT_PROPERTIES["companies"] == ("name", "domain")
    assert DEFAULT_PROPERTIES["deals"] == (
        "dealname",
        "amount",
        "closedate",
        "pipeline",
        "dealstage",
    )
    assert SEARCH_DEFAULT_PROPERTIES["contacts"] == (
        "firstname",
        "lastname",
        "email",
        "lastmodifieddate",
        "hs_object_id",
        "createdate",
    )
    assert SEARCH_DEFAULT_PROPERTIES["companies"] == (
        "name",
        "domain",
        "createdate",
        "hs_lastmodifieddate",
        "hs_object_id",
    )
    assert SEARCH_DEFAULT_PROPERTIES["deals"] == (
        "dealname",
        "amount",
        "closedate",
        "pipeline",
        "dealstage",
        "createdate",
        "hs_lastmodifieddate",
        "hs_object_id",
    )


def test_default_properties_cannot_be_changed_by_accident():
    with pytest.raises(TypeError):
        DEFAULT_PROPERTIES["contacts"] = ("email",)  # type: ignore[index]
    names = default_properties("contact")
    names.append("x")
    assert default_properties("contacts") == ["firstname", "lastname", "email"]
    assert default_properties("0-3", "search")[-1] == "hs_object_id"
    with pytest.raises(InputError):
        default_properties("contacts", "list")


# -- PropertySet ------------------------------------------------------------------------------


def test_property_set_keeps_hubspot_order_and_first_of_duplicates(contacts):
    assert contacts.object_type == "contacts"
    assert contacts.names == [d["name"] for d in DEFINITIONS]
    assert [p.name for p in contacts] == contacts.names
    assert len(contacts) == len(DEFINITIONS)
    dup = PropertySet.from_definitions(
        "deal", [{"name": "a", "label": "first"}, {"name": "a", "label": "second"}]
    )
    assert dup.object_type == "deals"
    assert [p.label for p in dup] == ["first"]


def test_property_set_is_immutable(contacts):
    names = contacts.names
    names.append("zzz")
    assert "zzz" not in contacts
    with pytest.raises(AttributeError):
        contacts.object_type = "deals"  # type: ignore[misc]


def test_property_set_skips_definitions_without_a_name():
    ps = PropertySet.from_definitions("companies", [{"label": "no name"}, {"name": "domain"}])
    assert ps.names == ["domain"]


def test_property_set_lookup(contacts):
    assert contacts["email"].label == "Email"
    assert "email" in contacts and "emial" not in contacts and 3 not in contacts
    assert contacts.get("nope") is None
    with pytest.raises(UnknownPropertyError, match="did you mean 'email'"):
        contacts["emial"]
    assert repr(contacts) == f"PropertySet('contacts', {len(DEFINITIONS)} properties)"


def test_resolve_none_gives_defaults_that_exist(contacts):
    assert contacts.resolve(None, default=["firstname", "lastname", "email"]) == [
        "firstname",
        "lastname",
        "email",
    ]
    # A default this portal does not define is left out rather than failing every call.
    assert contacts.resolve(None, default=["email", "not_here", "email"]) == ["email"]


@pytest.mark.parametrize("all_", ["all", "ALL", " All "])
def test_resolve_all(contacts, all_):
    assert contacts.resolve(all_, default=[]) == contacts.names


@pytest.mark.parametrize(
    ("requested", "expected"),
    [
        ("email", ["email"]),
        ("email,firstname", ["email", "firstname"]),
        (" email , firstname, ", ["email", "firstname"]),
        (["email", "firstname"], ["email", "firstname"]),
        (("email", "firstname"), ["email", "firstname"]),
        (["lastname", "email", "lastname", " email"], ["lastname", "email"]),
        ([], []),
        (pd.Index(["phone"]), ["phone"]),
    ],
)
def test_resolve_names(contacts, requested, expected):
    assert contacts.resolve(requested, default=["firstname"]) == expected


def test_resolve_unknown_names_suggests_closest(contacts):
    with pytest.raises(UnknownPropertyError) as err:
        contacts.resolve(["email", "emial", "frstname", "qqqqqq"], default=[])
    error = err.value
    assert isinstance(error, InputError)
    assert error.names == ["emial", "frstname", "qqqqqq"]
    assert error.suggestions["emial"][0] == "email"
    assert error.suggestions["frstname"][0] == "firstname"
    assert error.suggestions["qqqqqq"] == []
    message = str(error)
    assert "Unknown contacts properties" in message
    assert "'emial' (did you mean 'email'?)" in message
    assert "'frstname' (did you mean 'firstname'" in message
    assert "'qqqqqq' (no similar name)" in message


def test_resolve_case_mistake_suggests_the_real_name_first(contacts):
    with pytest.raises(UnknownPropertyError) as err:
        contacts.resolve("Email", default=[])
    assert err.value.suggestions == {"Email": ["email"]}
    assert "Unknown contacts property: 'Email' (did you mean 'email'?)" in str(err.value)


def test_resolve_unknown_name_in_comma_string(contacts):
    with pytest.raises(UnknownPropertyError) as err:
        contacts.resolve("email,lastnme", default=[])
    assert err.value.names == ["lastnme"]


@pytest.mark.parametrize(
    "requested",
    ["", " , ", ["email", 3], ["email", None], [""], {"email"}, {"email": 1}, b"email", 42],
)
def test_resolve_rejects_what_is_not_a_list_of_names(contacts, requested):
    with pytest.raises(InputError) as err:
        contacts.resolve(requested, default=["email"])
    assert not isinstance(err.value, UnknownPropertyError)


# -- fetching ---------------------------------------------------------------------------------


class _PropertiesHandler(BaseHTTPRequestHandler):
    """A minimal HTTP server answering the contacts' property definitions like HubSpot, on the
    2026-09 path and on the legacy one."""

    calls: list[str] = []

    def do_GET(self):  # noqa: N802 - http.server's naming
        type(self).calls.append(self.path)
        if self.path.split("?")[0] in (
            "/crm/properties/2026-09/contacts",
            "/crm/v3/properties/contacts",
        ):
            body = json.dumps({"results": DEFINITIONS}).encode()
            self.send_response(200)
        else:
            body = json.dumps(
                {
                    "status": "error",
                    "message": "Unable to infer object type",
                    "category": "OBJECT_NOT_FOUND",
                    "correlationId": "c-1",
                }
            ).encode()
            self.send_response(404)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def properties_server():
    _PropertiesHandler.calls = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _PropertiesHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_fetch_property_set_over_http_and_cache(properties_server):
    with hf.HubSpot(token="pat-test", base_url=properties_server) as hs:
        props = hs.properties("Contact")
        again = hs.properties("0-1")
        assert props is again
        assert props.object_type == "contacts"
        assert props.names == [d["name"] for d in DEFINITIONS]
        assert props["hs_buying_role"].multi
        assert _PropertiesHandler.calls == ["/crm/properties/2026-09/contacts"]
        with pytest.raises(hf.NotFoundError):
            properties.fetch_property_set(hs, "deals")
        assert _PropertiesHandler.calls[-1] == "/crm/properties/2026-09/0-3"
    with hf.HubSpot(token="pat-test", base_url=properties_server, api_version="legacy") as hs:
        assert hs.properties("contacts").names == props.names
        assert _PropertiesHandler.calls[-1] == "/crm/v3/properties/contacts"
