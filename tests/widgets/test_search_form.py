"""The search form, driven headless against the sandbox: set values, click, read what a user sees."""

from __future__ import annotations

import datetime as dt

import ipywidgets as W
import pandas as pd
import pytest

from hubframe.errors import InputError, UnknownPropertyError
from hubframe.widgets import SearchForm, operators_for


def ids_where(hs, object_type, prop, keep):
    """Ids whose ``prop`` passes ``keep``, from reading every record (not from search)."""
    df = getattr(hs, object_type).get_all(properties=[prop], progress=False)
    return sorted(df.loc[[bool(keep(v)) for v in df[prop]], "id"].tolist(), key=int)


# -- search ------------------------------------------------------------------------------------


def test_search_by_last_name_fills_result_table_and_selection(hs):
    sample = hs.contacts.get_page(limit=20)
    name = sample["lastname"].dropna().iloc[0]
    form = SearchForm(hs, object_type="contacts", field="lastname", operator="EQ", value=name)

    df = form.submit()

    assert df is form.result
    expected = ids_where(
        hs, "contacts", "lastname", lambda v: isinstance(v, str) and v.lower() == name.lower()
    )
    assert df["id"].tolist() == expected and len(expected) >= 1
    assert f"{len(expected)} contacts found" in form.message_text
    assert "<table" in form.table.value and name in form.table.value
    assert [v for _label, v in form.selection.options] == expected
    assert all(label.startswith(i) for (label, i) in form.selection.options)


def test_button_click_runs_search_disables_button_meanwhile_and_calls_back(hs):
    form = SearchForm(hs, object_type="deals", field="amount", operator="GT", value=5000)
    states, results = [], []
    form.button.observe(lambda change: states.append(change["new"]), names="disabled")
    form.on_submit(results.append)

    form.button.click()

    assert states == [True, False]
    assert len(results) == 1 and results[0] is form.result
    assert form.result["id"].tolist() == ids_where(
        hs, "deals", "amount", lambda v: pd.notna(v) and v > 5000
    )
    assert not form.button.disabled


def test_property_dropdown_shows_labels_and_uses_names(hs):
    form = SearchForm(hs, object_type="contacts")
    options = dict(form.field.options)
    assert options["Last Name"] == "lastname"
    assert options["Products of interest"] == "favorite_products"
    assert form.field.value == "email"
    assert set(form.shown) >= {"firstname", "lastname", "email"}
    assert "First Name" in form.properties.value  # the tags show labels


@pytest.mark.parametrize(
    ("object_type", "field", "widget", "operators_include", "operators_exclude"),
    [
        (
            "contacts",
            "lastname",
            W.Text,
            {"EQ", "CONTAINS_TOKEN", "HAS_PROPERTY"},
            {"GT", "BETWEEN"},
        ),
        ("deals", "amount", W.FloatText, {"EQ", "GT", "LTE", "BETWEEN"}, {"CONTAINS_TOKEN"}),
        (
            "contacts",
            "contract_start_date",
            W.DatePicker,
            {"EQ", "GT", "BETWEEN"},
            {"CONTAINS_TOKEN", "IN"},
        ),
        ("contacts", "createdate", W.DatePicker, {"GTE", "LT", "BETWEEN"}, {"EQ", "IN"}),
        (
            "contacts",
            "lifecyclestage",
            W.Dropdown,
            {"EQ", "IN", "NOT_IN"},
            {"GT", "CONTAINS_TOKEN"},
        ),
        ("contacts", "favorite_products", W.SelectMultiple, {"IN", "NOT_IN"}, {"GT", "EQ"}),
        ("contacts", "vip_customer", W.ToggleButtons, {"EQ", "NEQ"}, {"GT", "IN"}),
    ],
)
def test_operators_and_value_widget_fit_the_property_type(
    hs, object_type, field, widget, operators_include, operators_exclude
):
    form = SearchForm(hs, object_type=object_type, field=field)
    offered = {value for _label, value in form.operator.options}
    assert operators_include <= offered and not offered & operators_exclude
    assert offered == set(operators_for(getattr(hs, object_type).props[field]))
    assert [type(w) for w in form.value_box.children] == [widget]


def test_enumeration_dropdown_shows_option_labels_and_sends_values(hs):
    form = SearchForm(hs, object_type="contacts", field="lifecyclestage")
    (dropdown,) = form.value_box.children
    assert ("Marketing Qualified Lead", "marketingqualifiedlead") in dropdown.options
    dropdown.value = "customer"
    form.submit()
    assert form.result["id"].tolist() == ids_where(
        hs, "contacts", "lifecyclestage", lambda v: v == "customer"
    )
    assert set(form.result["lifecyclestage"]) <= {"customer"}


def test_between_shows_two_inputs_and_finds_the_range(hs):
    form = SearchForm(hs, object_type="deals", field="amount", operator="BETWEEN")
    low, high = form.value_box.children
    assert isinstance(low, W.FloatText) and isinstance(high, W.FloatText)
    low.value, high.value = 1000, 20000
    assert form.value == (1000, 20000)
    form.submit()
    assert form.result["id"].tolist() == ids_where(
        hs, "deals", "amount", lambda v: pd.notna(v) and 1000 <= v <= 20000
    )


def test_multi_checkbox_in_uses_a_multi_select(hs):
    form = SearchForm(hs, object_type="contacts", field="favorite_products", value=["crm", "chat"])
    assert form.operator.value == "IN"
    assert form.value == ["crm", "chat"]
    form.submit()
    expected = ids_where(
        hs,
        "contacts",
        "favorite_products",
        lambda v: v is not pd.NA and bool({"crm", "chat"} & set(v)),
    )
    assert form.result["id"].tolist() == expected and expected


def test_bool_toggle_and_has_property(hs):
    form = SearchForm(hs, object_type="contacts", field="vip_customer", value=True)
    form.submit()
    assert form.result["id"].tolist() == ids_where(
        hs, "contacts", "vip_customer", lambda v: v is not pd.NA and bool(v)
    )

    form.field.value = "phone"
    form.operator.value = "HAS_PROPERTY"
    assert form.value_box.children == () and form.value is None
    form.submit()
    assert form.result["id"].tolist() == ids_where(
        hs, "contacts", "phone", lambda v: isinstance(v, str) and v != ""
    )


def test_date_picker_search(hs):
    form = SearchForm(
        hs, object_type="contacts", field="contract_start_date", operator="GTE", value="2024-01-01"
    )
    (picker,) = form.value_box.children
    assert picker.value == dt.date(2024, 1, 1)
    form.submit()
    expected = ids_where(
        hs, "contacts", "contract_start_date", lambda v: pd.notna(v) and v >= dt.date(2024, 1, 1)
    )
    assert form.result["id"].tolist() == expected


def test_text_in_takes_comma_separated_values_with_spaces(hs):
    cities = (
        hs.contacts.get_all(properties=["city"], progress=False)["city"].dropna().unique().tolist()
    )
    two = sorted(cities, key=lambda c: (" " not in c, c))[:2]  # one with a space, if any
    form = SearchForm(hs, object_type="contacts", field="city", operator="IN")
    form.value_box.children[0].value = f"{two[0]},  {two[1]}\n"
    assert form.value == two
    form.submit()
    assert form.result["id"].tolist() == ids_where(
        hs, "contacts", "city", lambda v: v is not pd.NA and v in two
    )


def test_switching_object_type_reloads_properties(hs):
    form = SearchForm(hs, object_type="contacts", field="lastname", value="x")
    form.object_type.value = "deals"
    assert form.field.value == "dealname"
    assert "dealstage" in dict(form.field.options).values()
    assert set(form.shown) >= {"dealname", "amount"}
    assert form.selection.options == () and form.result is None
    form.field.value = "dealstage"
    form.operator.value = "EQ"
    form.value = "closedwon"
    form.submit()
    assert form.result["id"].tolist() == ids_where(
        hs, "deals", "dealstage", lambda v: v == "closedwon"
    )
    assert "dealstage" in form.result.columns


def test_properties_to_show_choose_the_columns(hs):
    form = SearchForm(
        hs,
        object_type="contacts",
        field="lifecyclestage",
        value="lead",
        properties=["email", "city"],
    )
    form.submit()
    assert list(form.result.columns[:3]) == ["id", "email", "city"]
    assert "firstname" not in form.result.columns


def test_unknown_field_prefill_names_the_closest_property(hs):
    with pytest.raises(UnknownPropertyError, match="lastname"):
        SearchForm(hs, object_type="contacts", field="lastnme")


def test_search_error_is_shown_in_plain_words(hs):
    form = SearchForm(hs, object_type="contacts", field="contract_start_date", operator="EQ")
    assert form.value is None  # nothing picked
    assert form.submit() is None
    assert form.result is None
    assert "needs a value" in form.message_text and "Traceback" not in form.message.value
    assert 'role="alert"' in form.message.value
    assert not form.button.disabled


def test_operator_labels_are_single_spaced_words_then_the_operator(hs):
    form = SearchForm(hs, object_type="deals", field="amount")
    labels = [text for text, _op in form.operator.options]
    assert "is greater than (GT)" in labels
    assert all("  " not in text for text in labels)


def test_result_table_and_picker_show_labels_not_stored_values(hs):
    form = SearchForm(
        hs, object_type="contacts", field="lifecyclestage", operator="EQ", value="customer"
    )
    form.shown = ["email", "lifecyclestage"]
    df = form.submit()
    assert len(df) >= 1 and set(df["lifecyclestage"]) == {"customer"}
    assert set(df["lifecyclestage_label"]) == {"Customer"}  # the result keeps both
    assert ">Customer<" in form.table.value and ">customer<" not in form.table.value
    assert "Lifecycle Stage_label" not in form.table.value and "_label" not in form.table.value
    assert all("Customer" in text for text, _id in form.selection.options)


def test_show_box_holds_the_shown_properties_as_label_tags(hs):
    form = SearchForm(hs, object_type="contacts", properties=["email", "lastname"])
    assert list(form.properties.value) == ["Email", "Last Name"]
    assert form.shown == ["email", "lastname"]
    assert "City" in form.properties.allowed_tags  # the others are offered as the user types
    form.shown = ["city"]
    assert list(form.properties.value) == ["City"]
    with pytest.raises(InputError, match="nosuchprop"):
        form.shown = ["nosuchprop"]
