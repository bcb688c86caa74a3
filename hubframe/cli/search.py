"""``--search``: one filter of a search export, written on the command line.

The forms, each naming a property, an operator and a value (the property's own values,
as in HubSpot; dates as ``2026-01-31``):

- ``name=value``, ``name!=value``, ``name>value``, ``name>=value``, ``name<value``,
  ``name<=value``: EQ, NEQ, GT, GTE, LT, LTE;
- ``name:OPERATOR:value`` for any of HubSpot's operators, e.g. ``email:CONTAINS_TOKEN:*@example.com``;
  IN and NOT_IN take values separated by commas, BETWEEN ``low,high``;
- ``name:HAS_PROPERTY``, ``name:NOT_HAS_PROPERTY``: the property has (or has no) value;
- ``PROPERTY VALUE`` (two words, EQ) and ``PROPERTY OPERATOR VALUE`` (three words).

Several ``--search`` options are ANDed. Values are checked against the property's
definition when the export starts (an unknown property or option is refused then).
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Sequence
from typing import Any

from ..resources.search import OPERATORS

__all__ = ["SYNTAX", "SearchAction", "parse_filter"]

#: The ``--search`` forms, as its help shows them.
SYNTAX = (
    "NAME=VALUE, NAME!=VALUE, NAME>VALUE, NAME>=VALUE, NAME<VALUE, NAME<=VALUE, "
    "NAME:OPERATOR:VALUE (any HubSpot operator: IN and NOT_IN take a,b,c, BETWEEN low,high), "
    "NAME:HAS_PROPERTY, NAME:NOT_HAS_PROPERTY, or NAME VALUE / NAME OPERATOR VALUE as words"
)

#: Symbols -> HubSpot's operators; two-character symbols first, so ``>=`` is not ``>``.
_SYMBOLS = (("!=", "NEQ"), (">=", "GTE"), ("<=", "LTE"), ("=", "EQ"), (">", "GT"), ("<", "LT"))
_SYMBOLIC = re.compile(r"^\s*([^=<>!:\s]+)\s*(!=|>=|<=|=|>|<)(.*)$", re.DOTALL)
_NAMED = re.compile(r"^\s*([^=<>!:\s]+):([A-Za-z_]+)(?::(.*))?$", re.DOTALL)
_LISTS = ("IN", "NOT_IN")
_NO_VALUE = ("HAS_PROPERTY", "NOT_HAS_PROPERTY")


def _value(operator: str, text: str | None, written: str) -> Any:
    """The value ``build_filter`` takes for ``operator``: None, a list, a pair or the text."""
    if operator in _NO_VALUE:
        if text:
            raise argparse.ArgumentTypeError(
                f"{written!r}: {operator} takes no value; write NAME:{operator}"
            )
        return None
    if not text:
        raise argparse.ArgumentTypeError(
            f"{written!r} gives no value: write e.g. NAME:{operator}:VALUE "
            "(to find empty values, NAME:NOT_HAS_PROPERTY)"
        )
    if operator in _LISTS:
        return [part.strip() for part in text.split(",") if part.strip()]
    if operator == "BETWEEN":
        parts = [part.strip() for part in text.split(",")]
        if len(parts) != 2 or not all(parts):
            raise argparse.ArgumentTypeError(
                f"{written!r}: BETWEEN takes low,high, e.g. amount:BETWEEN:10,99"
            )
        return parts
    return text


def _operator(name: str, written: str) -> str:
    operator = name.upper()
    if operator not in OPERATORS:
        raise argparse.ArgumentTypeError(
            f"{written!r}: {name!r} is not an operator; use one of {', '.join(OPERATORS)}"
        )
    return operator


def parse_filter(words: Sequence[str]) -> tuple[str, str, Any]:
    """One ``--search`` (its words) as ``(property, operator, value)``.

    Raises:
        argparse.ArgumentTypeError: not one of the forms of :data:`SYNTAX`.
    """
    written = " ".join(words)
    if len(words) == 2:
        return words[0], "EQ", words[1]
    if len(words) == 3:
        operator = _operator(words[1], written)
        return words[0], operator, _value(operator, words[2], written)
    if len(words) != 1:
        raise argparse.ArgumentTypeError(f"{written!r}: give one filter, written as {SYNTAX}")
    named = _NAMED.match(words[0])
    if named:
        operator = _operator(named.group(2), written)
        return named.group(1), operator, _value(operator, named.group(3), written)
    symbolic = _SYMBOLIC.match(words[0])
    if not symbolic:
        raise argparse.ArgumentTypeError(
            f"{written!r} is not a filter: write {SYNTAX}, e.g. lifecyclestage=customer"
        )
    operator = dict(_SYMBOLS)[symbolic.group(2)]
    return symbolic.group(1), operator, _value(operator, symbolic.group(3).strip(), written)


class SearchAction(argparse.Action):
    """Collects each ``--search`` as a parsed filter: a bad one is a usage error at once."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        try:
            spec = parse_filter(list(values))
        except argparse.ArgumentTypeError as exc:
            parser.error(f"argument {option_string}: {exc}")
        filters = list(getattr(namespace, self.dest, None) or [])
        filters.append(spec)
        setattr(namespace, self.dest, filters)


def search_of(filters: list[tuple[str, str, Any]] | None) -> Any:
    """The parsed ``--search`` options as ``export(search=...)`` takes them (None: no search)."""
    if not filters:
        return None
    return {"filters": filters}


def describe(filters: list[tuple[str, str, Any]]) -> str:
    """The filters as the summary line names them: ``lifecyclestage EQ 'customer'``."""
    shown = [
        f"{name} {op}" + ("" if value is None else f" {value!r}") for name, op, value in filters
    ]
    return " and ".join(shown)
