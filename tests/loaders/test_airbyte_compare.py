"""The comparison behind test_airbyte.py finds a difference wherever there is one.

Records shaped as Airbyte's connector emits them are made here from the sandbox's own
(numbers as JSON numbers, booleans as booleans, datetimes with ``+00:00``, each
property nested and flattened, associations as id lists), so this runs without the
connector's environment.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from airbyte_compare import ASSOCIATIONS, compare_record

from hubframe.sandbox import Sandbox
from hubframe.sandbox.crm.definitions import PROPERTIES


def _as_airbyte(stream: str, record: dict[str, Any], associated: dict[str, set[str]]) -> dict:
    def typed(name: str, raw: Any) -> Any:
        kind = PROPERTIES[stream][name].type
        if raw in (None, ""):
            return None
        if kind == "number":
            return float(raw)
        if kind == "bool":
            return raw == "true"
        if kind == "datetime":
            return raw.replace("Z", "000+00:00")
        return raw

    props = {k: typed(k, v) for k, v in record["properties"].items()}
    out: dict[str, Any] = {
        "id": record["id"],
        "createdAt": record["createdAt"],
        "updatedAt": record["updatedAt"],
        "archived": record["archived"],
        "properties": props,
        **{f"properties_{k}": v for k, v in props.items()},
    }
    for to_type in ASSOCIATIONS[stream]:
        out[to_type] = sorted(associated.get(to_type, set())) * 2  # one per association type
    return out


@pytest.fixture(scope="module")
def sample():
    sb = Sandbox(contacts=30, companies=5, deals=10, seed=3)
    deal = sorted(sb.live_ids("deals"), key=int)[0]
    expected = sb.record("deals", deal)
    associated = {
        t: {str(i) for i in sb.store.live_targets("deals", int(deal), t)}
        for t in ("contacts", "companies")
    }
    return expected, associated, _as_airbyte("deals", expected, associated)


def test_a_faithful_record_has_no_difference(sample):
    expected, associated, got = sample
    tally = compare_record("deals", got, expected, associated)
    assert tally.differences == []
    assert tally.compared == 4 + 2 * len(PROPERTIES["deals"]) + 3 + 2


@pytest.mark.parametrize(
    "change, where",
    [
        (lambda r: r.__setitem__("properties_dealname", "Other"), "dealname (flattened)"),
        (lambda r: r["properties"].__setitem__("amount", 1.5), "amount (properties)"),
        (lambda r: r.__setitem__("properties_hs_is_closed", None), "hs_is_closed (flattened)"),
        (lambda r: r.__setitem__("updatedAt", "2020-01-01T00:00:00Z"), "updatedAt"),
        (lambda r: r.__setitem__("companies", []), "associated companies"),
        (lambda r: r.__setitem__("surprise", 1), "fields the sandbox does not have"),
    ],
)
def test_every_kind_of_change_is_reported(sample, change, where):
    expected, associated, got = sample
    changed = copy.deepcopy(got)
    change(changed)
    differences = compare_record("deals", changed, expected, associated).differences
    assert len(differences) == 1 and where in differences[0], differences
