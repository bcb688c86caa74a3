"""Comparing the records Airbyte's HubSpot connector emits with the sandbox's own.

The connector renames and retypes what HubSpot sends: each property appears twice,
in ``properties`` and flattened as ``properties_<name>``; numbers become JSON numbers,
booleans JSON booleans, datetimes ``2021-02-04T08:11:01.162000+00:00``; associations
become lists of ids under the associated type's name (``companies: ["5002", ...]``,
one entry per association type, so ids can repeat). :func:`compare_record` maps each
value back to what the sandbox holds and reports every difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hubframe.sandbox.crm.definitions import PROPERTIES

#: The associations each stream's records carry (the connector's choice), by stream.
ASSOCIATIONS = {
    "contacts": ("companies", "contacts"),
    "companies": ("contacts",),
    "deals": ("companies", "contacts", "line_items"),
}
TOP_LEVEL = ("id", "createdAt", "updatedAt", "archived", "properties")


@dataclass
class Tally:
    """How many values were compared, and every difference found."""

    compared: int = 0
    differences: list[str] = field(default_factory=list)

    def check(self, where: str, expected: Any, got: Any) -> None:
        self.compared += 1
        if expected != got:
            self.differences.append(f"{where}: sandbox {expected!r}, Airbyte {got!r}")


def _instant(value: Any) -> datetime | None:
    if value is None:
        return None
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


def canonical(hubspot_type: str, value: Any) -> Any:
    """A value as HubSpot sends it (a string) or as Airbyte emits it, made comparable:
    numbers as floats, booleans as bools, datetimes as instants; empty means None."""
    if value is None or value == "":
        return None
    if hubspot_type == "number":
        return float(value)
    if hubspot_type == "bool":
        return value if isinstance(value, bool) else value == "true"
    if hubspot_type == "datetime":
        return _instant(value)
    return str(value)


def compare_record(
    stream: str, got: dict[str, Any], expected: dict[str, Any], associated: dict[str, set[str]]
) -> Tally:
    """Every value of one emitted record against the sandbox's record and associations.

    Args:
        stream: ``contacts``, ``companies`` or ``deals`` (the sandbox's type names too).
        got: the record's ``data`` as the connector emitted it.
        expected: ``sb.record(stream, id)``: HubSpot's JSON of every stored value.
        associated: associated type -> ids the sandbox holds.
    """
    tally = Tally()
    rid = expected["id"]
    tally.check(f"{stream} {rid} id", rid, got.get("id"))
    for key in ("createdAt", "updatedAt"):
        tally.check(f"{stream} {rid} {key}", _instant(expected[key]), _instant(got.get(key)))
    tally.check(f"{stream} {rid} archived", expected["archived"], got.get("archived"))
    nested = got.get("properties") or {}
    for name, defn in PROPERTIES[stream].items():
        want = canonical(defn.type, expected["properties"].get(name))
        where = f"{stream} {rid} {name}"
        tally.check(where + " (properties)", want, canonical(defn.type, nested.get(name)))
        tally.check(
            where + " (flattened)", want, canonical(defn.type, got.get(f"properties_{name}"))
        )
    for to_type in ASSOCIATIONS[stream]:
        ids = {str(i) for i in got.get(to_type) or []}
        tally.check(f"{stream} {rid} associated {to_type}", associated.get(to_type, set()), ids)
    known = set(TOP_LEVEL) | set(ASSOCIATIONS[stream])
    known |= {f"properties_{name}" for name in PROPERTIES[stream]}
    unknown = sorted(set(got) - known)
    tally.check(f"{stream} {rid} fields the sandbox does not have", [], unknown)
    extra_nested = sorted(set(nested) - set(PROPERTIES[stream]))
    tally.check(f"{stream} {rid} properties the sandbox does not have", [], extra_nested)
    return tally
