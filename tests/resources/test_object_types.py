"""Every CRM object type through the one generic resource, against the sandbox.

Tickets, products, line items, quotes, the five engagement types and the custom object
round-trip list, get, search, create, update, delete and export on the default API
version; the custom object is found through the schemas endpoint by each of its names;
an unknown type names the portal's types; engagement associations read back as the
store holds them; a deal with line items has their sum as its amount.
"""

from __future__ import annotations

import pandas as pd
import pytest

import hubframe as hf
from hubframe.errors import InputError, NotFoundError
from hubframe.object_types import STANDARD_TYPES
from hubframe.sandbox import Sandbox

pytestmark = pytest.mark.timeout(180)

#: Per type: a property written on create, its value, another value for the update,
#: and the store's name of the type.
WRITES = {
    "tickets": ("subject", "Printer on fire", "Printer fixed"),
    "products": ("name", "Widget Deluxe", "Widget Ultra"),
    "line_items": ("name", "Custom work", "Custom work, revised"),
    "quotes": ("hs_title", "Quote for Q3", "Quote for Q4"),
    "notes": ("hs_note_body", "Met at the fair", "Met at the fair; call back"),
    "calls": ("hs_call_title", "Intro call", "Intro call (rescheduled)"),
    "emails": ("hs_email_subject", "Welcome aboard", "Welcome aboard!"),
    "meetings": ("hs_meeting_title", "Kick-off", "Kick-off, part 2"),
    "tasks": ("hs_task_subject", "Send the contract", "Send the signed contract"),
    "machines": ("name", "MX-900 #1", "MX-900 #1 (moved)"),
}
SHORTCUTS = ["tickets", "products", "line_items", "quotes", "notes", "calls", "emails"]
SHORTCUTS += ["meetings", "tasks"]


@pytest.fixture(scope="module")
def sb():
    with Sandbox(contacts=80, companies=10, deals=30, seed=5, search_rate=None) as box:
        yield box


@pytest.fixture(scope="module")
def hs(sb):
    with sb.client(rate_limit=(10_000, 10)) as client:
        yield client


def _live(sb: Sandbox, name: str) -> list[str]:
    return sorted(sb.live_ids(name), key=int)


@pytest.mark.parametrize("name", list(WRITES))
def test_every_type_round_trips_reads_writes_and_export(sb, hs, name, tmp_path):
    resource = hs.objects(name)
    prop, value, changed = WRITES[name]
    listed = resource.get_all(progress=False)
    assert listed["id"].tolist() == _live(sb, name) and listed["id"].dtype == "string"
    first = listed["id"].iloc[0]
    one = resource.get(first, properties=[prop])
    assert one["id"].tolist() == [first]
    stored = sb.record(name, first)["properties"].get(prop)
    assert (one[prop].iloc[0] if pd.notna(one[prop].iloc[0]) else None) == stored

    created = resource.create({prop: value})
    new_id = created["id"].iloc[0]
    assert created[prop].iloc[0] == value and new_id not in listed["id"].tolist()
    assert sb.record(name, new_id)["properties"][prop] == value
    found = resource.search(prop, value, properties=[prop], progress=False)
    assert found["id"].tolist() == [new_id] and found.attrs["total"] == 1

    resource.update(new_id, {prop: changed})
    assert resource.get(new_id, properties=[prop])[prop].iloc[0] == changed

    out = tmp_path / f"{name}.parquet"
    resource.export(out, properties=[prop], progress=False)
    exported = hf.read_parquet(out)
    assert exported["id"].tolist() == _live(sb, name)
    assert exported.set_index("id").loc[new_id, prop] == changed

    resource.delete(new_id)
    with pytest.raises(NotFoundError):
        resource.get(new_id)
    assert new_id not in sb.live_ids(name)


@pytest.mark.parametrize("name", SHORTCUTS)
def test_shortcuts_are_the_generic_resource(hs, name):
    assert getattr(hs, name) is hs.objects(name)
    assert hs.objects(name).object_type == name


def test_standard_types_resolve_by_every_spelling_without_a_request(sb, hs):
    before = len(sb.requests)
    for t in STANDARD_TYPES:
        for spelling in (t.name, t.singular, t.type_id, t.label, t.name.upper()):
            assert hs.object_type(spelling) == t
    assert hs.objects("contacts") is hs.contacts and hs.objects("0-3") is hs.deals
    assert hs.objects("Line items") is hs.line_items
    assert not [r for r in sb.requests[before:] if "schemas" in r.path]


def test_the_custom_object_is_found_by_name_label_qualified_name_and_type_id(sb, hs):
    types = hs.object_types()
    (row,) = types[types["custom"]].to_dict("records")
    assert row["name"] == "machines" and row["label"] == "Machines"
    assert row["fully_qualified_name"] == f"p{sb.portal_id}_machines"
    spellings = ["machines", "Machine", "MACHINES", row["type_id"], row["fully_qualified_name"]]
    resources = {id(hs.objects(s)) for s in spellings}
    assert len(resources) == 1
    machines = hs.objects("machines")
    assert machines.object_type == row["type_id"] and machines.singular == "machine"
    assert list(types["name"][:3]) == ["contacts", "companies", "deals"]
    assert types.dtypes["custom"] == "boolean" and types.dtypes["type_id"] == "string"
    # the custom object's defaults are its display properties from the schema
    assert list(machines.get_all(progress=False).columns[:3]) == ["id", "name", "serial_number"]
    assert hs.properties("machines") is hs.properties(row["type_id"])


def test_an_unknown_type_names_the_types_the_portal_has(hs):
    with pytest.raises(InputError) as err:
        hs.objects("widgets")
    message = str(err.value)
    assert "'widgets'" in message
    assert all(name in message for name in ("tickets", "line_items", "notes", "machines"))
    with pytest.raises(InputError):
        hs.objects("")
    with pytest.raises(InputError, match="'widgets'"):
        hs.properties("widgets")


def test_custom_objects_on_the_dated_and_legacy_paths(sb):
    for version in ("2026-03", "legacy"):
        with sb.client(rate_limit=(10_000, 10), api_version=version) as client:
            before = len(sb.requests)
            assert len(client.objects("machines").get_all(progress=False)) == len(
                sb.live_ids("machines")
            )
            paths = [r.path for r in sb.requests[before:]]
            schemas = (
                "/crm/v3/schemas" if version == "legacy" else f"/crm-object-schemas/{version}/"
            )
            assert any(p.startswith(schemas) for p in paths)


def test_typed_columns_of_the_other_types(hs):
    items = hs.line_items.get_all(progress=False)
    assert items["amount"].dtype == "Float64" and items["quantity"].dtype == "Float64"
    assert (
        items["amount"] == items["quantity"] * (items["price"] - items["discount"].fillna(0))
    ).all()
    # a line item's product id joins the products' ids without a cast (the one id dtype)
    assert items["hs_product_id"].dtype == items["id"].dtype == "string"
    products = hs.products.get_all(progress=False)
    joined = items.merge(products, left_on="hs_product_id", right_on="id", suffixes=("", "_p"))
    assert len(joined) == len(items) and (joined["name"] == joined["name_p"]).all()
    notes = hs.notes.get_all(progress=False)
    assert (
        str(notes["hs_timestamp"].dtype).startswith("datetime64")
        and notes["hs_note_body"].notna().all()
    )
    quotes = hs.quotes.get_all(progress=False)
    assert quotes["hs_expiration_date"].notna().all()


@pytest.mark.parametrize("name", ["notes", "calls", "emails", "meetings", "tasks"])
def test_engagement_associations_read_as_the_store_holds_them(sb, hs, name):
    linked = ["contacts", "companies", "deals"]
    df = hs.objects(name).get_all(associations=linked, progress=False)
    assert df["associations.contacts"].map(len).gt(0).all()  # each is about a contact
    for record in df.head(25).to_dict("records"):
        for other in linked:
            want = sorted(str(i) for i in sb.store.live_targets(name, int(record["id"]), other))
            assert sorted(record[f"associations.{other}"]) == want
    # and from the contact's side, through the same association read
    contact = df["associations.contacts"].iloc[0][0]
    back = hs.contacts.get(contact, associations=[name])
    assert df["id"].iloc[0] in list(back[f"associations.{name}"].iloc[0])


def test_deal_amounts_are_the_sums_of_their_line_items(sb, hs):
    items = hs.line_items.get_all(associations=["deals"], progress=False)
    deals = hs.deals.get_all(progress=False).set_index("id")
    assert items["associations.deals"].map(len).eq(1).all()
    items["deal"] = items["associations.deals"].map(lambda ids: ids[0])
    sums = items.groupby("deal")["amount"].sum()
    assert len(sums) >= 5
    for deal_id, total in sums.items():
        assert round(float(deals.loc[deal_id, "amount"]), 2) == round(float(total), 2)


def test_tickets_stages_are_the_ticket_pipelines_stages(sb, hs):
    tickets = hs.tickets.get_all(progress=False)
    import httpx

    pipelines = httpx.get(
        f"{sb.url}/crm/v3/pipelines/tickets", headers={"Authorization": f"Bearer {sb.token}"}
    ).json()["results"]
    stages = {s["id"] for p in pipelines for s in p["stages"]}
    assert set(tickets["hs_pipeline"]) == {p["id"] for p in pipelines}
    assert (
        set(tickets["hs_pipeline_stage"]) <= stages and len(set(tickets["hs_pipeline_stage"])) > 1
    )


def test_sizes_are_knobs_and_the_seed_repeats():
    with Sandbox(contacts=20, companies=3, deals=5, tickets=7, notes=0, machines=2) as one:
        assert len(one.live_ids("tickets")) == 7 and not one.live_ids("notes")
        assert len(one.live_ids("machines")) == 2
        first = one.record("tickets", min(one.live_ids("tickets"), key=int))
    with Sandbox(contacts=20, companies=3, deals=5, tickets=7, notes=0, machines=2) as two:
        assert two.record("tickets", first["id"]) == first
    with pytest.raises(InputError, match="tickets"):
        Sandbox(contacts=1, tickets=-1)
