"""Admin-defined write rules, which HubSpot enforces on API writes from version 2026-09.

A portal's admins can make a property required in two ways (date-versions §3):

* a **conditional required property**: ``closedate`` is required when
  ``dealstage`` is ``closedwon``. It applies to every write (create, update,
  batch create/update/upsert) whose resulting record has those values;
* a **required field of the "Create record" form**: a create that leaves it out
  is refused.

Until 2026-09 these rules held only in HubSpot's UI; legacy and 2026-03 calls
are still not checked. A rule is written as a plain dict, so a notebook user can
type one::

    {"object": "deals", "property": "closedate", "when": {"dealstage": "closedwon"}}
    {"object": "contacts", "property": "email"}   # no "when": required on create

:func:`parse_rules` checks them against the sandbox's property definitions;
:func:`check_write` finds the rules a write breaks and :func:`rules_error` is the
400 HubSpot answers with.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ...errors import InputError
from ..errors import ApiError
from ..values import PropertyValueError, normalize
from .definitions import OBJECT_TYPES, PROPERTIES, object_type

__all__ = ["WriteRule", "parse_rules", "check_write", "rules_error", "RULE_CODE"]

#: The ``errors[].code`` of a broken rule. HubSpot's exact body for these is unconfirmed
#: (the changelog's excerpt stops before it); this is the code its forms use for a missing
#: required field, so a client reading ``code`` and ``context.propertyName`` sees the same
#: shape as for every other property error.
RULE_CODE = "REQUIRED_FIELD"

_KEYS = frozenset({"object", "property", "when"})
_EXAMPLE = '{"object": "deals", "property": "closedate", "when": {"dealstage": "closedwon"}}'


@dataclass(frozen=True)
class WriteRule:
    """One rule: ``property`` of ``object_name`` is required (always on create, or when
    the record's values match every pair of ``when``)."""

    object_name: str  # "deals"
    property: str
    when: tuple[tuple[str, str], ...] = ()  # () : required on create

    def applies(self, values: Mapping[str, str], creating: bool) -> bool:
        """Whether this rule holds for a write whose resulting record has ``values``."""
        if not self.when:
            return creating
        return all(values.get(name) == value for name, value in self.when)

    def message(self) -> str:
        """What a write breaking this rule is told, naming the property and the rule."""
        if not self.when:
            return f'{self.property} is required when creating a {OBJECT_TYPES[self.object_name].singular} (a required field of the "Create record" form)'
        cond = " and ".join(f"{name} is {value}" for name, value in self.when)
        return f"{self.property} is required when {cond}"

    def to_json(self) -> dict[str, Any]:
        """The rule as the plain dict it was written as (names resolved)."""
        out: dict[str, Any] = {"object": self.object_name, "property": self.property}
        if self.when:
            out["when"] = dict(self.when)
        return out


def parse_rules(raw: Any) -> tuple[WriteRule, ...]:
    """Check a list of rule dicts against the portal's property definitions.

    Raises:
        InputError: naming the bad rule (by position) and the fix: not a list of dicts,
            an unknown key, object or property, a read-only property, or a bad ``when``.
    """
    if raw is None:
        return ()
    if isinstance(raw, (str, bytes, Mapping)) or not isinstance(raw, Iterable):
        raise InputError(f"rules={raw!r:.120}: pass a list of rule dicts, e.g. [{_EXAMPLE}]")
    rules = [_parse_rule(n, item) for n, item in enumerate(raw)]
    return tuple(dict.fromkeys(rules))  # the same rule twice is one rule


def _parse_rule(n: int, item: Any) -> WriteRule:
    where = f"rules[{n}]={item!r:.160}"
    if not isinstance(item, Mapping):
        raise InputError(f"{where}: each rule is a dict, e.g. {_EXAMPLE}")
    unknown = sorted(str(k) for k in item if k not in _KEYS)
    if unknown:
        raise InputError(
            f"{where}: unknown key(s) {unknown}; a rule has 'object', 'property' and, "
            "for a conditional rule, 'when'"
        )
    name = _object_name(where, item.get("object"))
    prop = item.get("property")
    _check_property(where, name, prop, what="property")
    when = _parse_when(where, name, prop, item.get("when"))
    return WriteRule(name, str(prop), when)


def _object_name(where: str, raw: Any) -> str:
    known = ", ".join(f"{t.name} ({t.type_id})" for t in OBJECT_TYPES.values())
    if not isinstance(raw, str) or not raw.strip():
        raise InputError(f"{where}: 'object' must name an object type: {known}")
    try:
        return object_type(raw.strip()).name
    except ApiError:
        raise InputError(f"{where}: unknown object {raw!r}; the sandbox has {known}") from None


def _check_property(where: str, object_name: str, prop: Any, *, what: str) -> None:
    defs = PROPERTIES[object_name]
    if not isinstance(prop, str) or prop not in defs:
        raise InputError(
            f"{where}: {what} {prop!r} is not a property of {object_name}: use one of the "
            f"names GET /crm/v3/properties/{object_name} lists (e.g. {sorted(defs)[:5]})"
        )
    if defs[prop].read_only and what == "property":
        raise InputError(
            f"{where}: {prop!r} is read-only on {object_name} (HubSpot computes it), so no "
            "write could supply it: require a property a write can set"
        )


def _parse_when(where: str, object_name: str, prop: Any, raw: Any) -> tuple[tuple[str, str], ...]:
    """``when`` as sorted (name, stored value) pairs; () when the rule has none."""
    if raw is None:
        return ()
    if not isinstance(raw, Mapping) or not raw:
        raise InputError(
            f"{where}: 'when' must be a non-empty dict of property -> value, e.g. "
            "{'dealstage': 'closedwon'}; leave it out for a field required on create"
        )
    pairs = []
    for name, value in raw.items():
        _check_property(where, object_name, name, what="'when' property")
        if name == prop:
            raise InputError(
                f"{where}: 'when' names {name!r}, the property the rule requires; a "
                "condition must be on another property"
            )
        pairs.append((name, _when_value(where, object_name, name, value)))
    return tuple(sorted(pairs))


def _when_value(where: str, object_name: str, name: str, value: Any) -> str:
    """A ``when`` value as HubSpot stores it (so it compares with stored values)."""
    if value is None or value == "" or isinstance(value, (list, dict)):
        raise InputError(
            f"{where}: when[{name!r}]={value!r}: give the one value the rule applies to "
            "(a string, number or bool)"
        )
    defn = PROPERTIES[object_name][name]
    try:
        return normalize(defn, value, None, object_type=object_name)
    except PropertyValueError as exc:
        values = f" (a rule takes the option's value: {', '.join(v for v, _ in defn.options)})"
        raise InputError(
            f"{where}: when[{name!r}]: {exc.message}" + (values if defn.options else "")
        ) from None


def check_write(
    rules: Iterable[WriteRule], object_name: str, values: Mapping[str, str], creating: bool
) -> list[WriteRule]:
    """The rules a write breaks: those that apply to the resulting record's ``values``
    (``""`` counts as no value) and whose property has no value there."""
    return [
        r
        for r in rules
        if r.object_name == object_name
        and r.applies(values, creating)
        and not values.get(r.property)
    ]


def rules_error(broken: list[WriteRule]) -> ApiError:
    """HubSpot's 400 ``VALIDATION_ERROR`` for a write breaking ``broken`` (all at once).

    The body's shape is the one of every property error (``errors[].code`` and
    ``errors[].context.propertyName``); the wording is the sandbox's own (unconfirmed).
    """
    messages = [r.message() for r in broken]
    return ApiError(
        400,
        "; ".join(messages) + ".",
        "VALIDATION_ERROR",
        errors=[
            {"message": m, "code": RULE_CODE, "context": {"propertyName": [r.property]}}
            for r, m in zip(broken, messages, strict=True)
        ],
    )
