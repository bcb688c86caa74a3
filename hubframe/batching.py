"""Cutting work into the pieces HubSpot takes: inputs per batch, properties per URL.

One chunker for every batch (reads, creates, updates, archives, list
memberships), and the one split of a long property list across several GETs
with the merge of their answers.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, TypeVar
from urllib.parse import quote

__all__ = ["BATCH_MAX", "URL_PROPERTIES_BUDGET", "chunks", "merge_by_id", "property_chunks"]

_T = TypeVar("_T")

#: Inputs per batch request (HubSpot's limit for object batch endpoints).
BATCH_MAX = 100
#: Budget for the encoded ``properties=`` query value of one GET. HubSpot
#: answers 414 somewhere past ~16,000 characters of URL; stay well below.
URL_PROPERTIES_BUDGET = 12_000


def chunks(items: Sequence[_T], size: int = BATCH_MAX) -> Iterator[Sequence[_T]]:
    """``items`` in consecutive pieces of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def property_chunks(names: Sequence[str], budget: int = URL_PROPERTIES_BUDGET) -> list[list[str]]:
    """Split property names so each chunk's encoded ``properties=a%2Cb`` stays within ``budget``.

    Always at least one chunk (an empty one for no names).
    """
    out: list[list[str]] = [[]]
    used = 0
    for name in names:
        cost = len(quote(name, safe="")) + 3
        if out[-1] and used + cost > budget:
            out.append([])
            used = 0
        out[-1].append(name)
        used += cost
    return out


def merge_by_id(base: list[dict[str, Any]], extra: list[dict[str, Any]]) -> None:
    """Fold the properties of ``extra`` into the records of ``base`` with the same id."""
    by_id = {str(r.get("id")): r for r in base}
    for rec in extra:
        target = by_id.get(str(rec.get("id")))
        if target is not None:
            target.setdefault("properties", {}).update(rec.get("properties") or {})
