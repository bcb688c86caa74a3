"""How many records of each object type beyond contacts, companies and deals to seed.

The defaults grow with the portal (a portal with more contacts logs more activity), so
``Sandbox(contacts=...)`` alone gives a coherent portal; each size is a knob of
:class:`~hubframe.sandbox.Sandbox` (``Sandbox(tickets=0)``, ``Sandbox(notes=5000)``).
"""

from __future__ import annotations

from collections.abc import Mapping

from ...errors import InputError

__all__ = ["DEFAULT_CAP", "SIZED_TYPES", "default_sizes", "resolve_sizes"]

#: The object types whose sizes are knobs, in the order they are seeded.
SIZED_TYPES: tuple[str, ...] = (
    "products",
    "line_items",
    "quotes",
    "tickets",
    "notes",
    "calls",
    "emails",
    "meetings",
    "tasks",
    "machines",
)


#: No default size passes this: a big portal is asked for to read many contacts (or
#: companies, deals), and seeding as many activities again would triple its start-up
#: (100,000 contacts: 17 s to 51 s measured). Larger sizes are asked for by name.
DEFAULT_CAP = 2_000


def default_sizes(contacts: int, companies: int, deals: int) -> dict[str, int]:
    """The default number of records per type for a portal of this size (each at most
    :data:`DEFAULT_CAP`).

    ``line_items`` is a ceiling: line items are seeded per deal (one to three for
    about two deals in three with an amount) until it is reached.
    """
    sizes = {
        "products": min(20, contacts + deals),
        "line_items": deals * 3 // 2,
        "quotes": deals // 10,
        "tickets": contacts // 5,
        "notes": contacts // 2,
        "calls": contacts // 5,
        "emails": contacts // 2,
        "meetings": contacts // 10,
        "tasks": contacts // 5,
        "machines": companies,
    }
    return {name: min(size, DEFAULT_CAP) for name, size in sizes.items()}


def resolve_sizes(
    given: Mapping[str, int | None], contacts: int, companies: int, deals: int
) -> dict[str, int]:
    """The defaults, with every size given (not None) in place of its default.

    Raises:
        InputError: an unknown type, or a size that is not a whole number >= 0.
    """
    sizes = default_sizes(contacts, companies, deals)
    for name, value in given.items():
        if name not in sizes:
            raise InputError(f"{name}=: no such size; use one of {', '.join(SIZED_TYPES)}")
        if value is None:
            continue
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise InputError(f"{name}={value!r}: use a whole number >= 0 (or None for the default)")
        sizes[name] = value
    return sizes
