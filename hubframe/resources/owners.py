"""The portal's owners (``hs.owners()``): the users records are assigned to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..pagination import iter_pages
from ..validate import check_flag
from .tables import typed_table

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from ..client import HubSpot

__all__ = ["OWNER_COLUMNS", "OWNERS_PAGE_MAX", "owner_label", "owner_records", "owners"]

#: HubSpot's most owners per page (its error for more: "Must be less than or equal to 500").
OWNERS_PAGE_MAX = 500

#: The columns of :func:`owners`, with their kinds (see :func:`.tables.typed_table`).
OWNER_COLUMNS: dict[str, str] = {
    "id": "string",
    "email": "string",
    "firstName": "string",
    "lastName": "string",
    "userId": "string",  # an id, typed as every id column is
    "teams": "list",
    "archived": "bool",
    "createdAt": "datetime",
    "updatedAt": "datetime",
}


def owner_records(hs: HubSpot, *, archived: bool = False) -> Iterator[dict[str, Any]]:
    """Every owner as HubSpot sends it, every page (``archived=True``: the archived ones only)."""
    params = {"limit": OWNERS_PAGE_MAX, "archived": str(bool(archived)).lower()}
    # Owners come in no documented order, so their ids are not checked to ascend.
    for page in iter_pages(hs, "GET", hs.paths.owners(), params=params, order_key=None):
        yield from (o for o in page.results if isinstance(o, dict))


def owner_label(owner: dict[str, Any]) -> str:
    """What HubSpot shows for an owner: "First Last", else the email, else the id."""
    name = " ".join(str(owner.get(k) or "").strip() for k in ("firstName", "lastName")).strip()
    return name or str(owner.get("email") or "").strip() or str(owner.get("id") or "")


def _row(owner: dict[str, Any]) -> dict[str, Any]:
    teams = owner.get("teams") or []
    return {
        **{k: owner.get(k) for k in OWNER_COLUMNS if k != "teams"},
        # Team names, as HubSpot shows them; an unnamed team by its id.
        "teams": [
            str(t.get("name") or t.get("id"))
            for t in teams
            if isinstance(t, dict) and (t.get("name") or t.get("id"))
        ],
    }


def owners(hs: HubSpot, archived: bool = False) -> pd.DataFrame:
    """The portal's owners, one row each (``hs.owners()``).

    ``id`` is what a record's ``hubspot_owner_id`` holds; ``userId`` is the HubSpot user
    (both strings, as every id column). ``teams`` is the list of the owner's team names.
    Read from ``/crm/v3/owners`` in every API version (HubSpot documents no dated owners
    path), 500 owners a page, every page. Scope ``crm.objects.owners.read``.

    Args:
        archived: read the archived (deactivated) owners instead, as HubSpot's
            ``archived=true`` does.

    Returns:
        A DataFrame with columns id, email, firstName, lastName, userId, teams, archived,
        createdAt, updatedAt.

    Raises:
        InputError: ``archived`` is not a bool.
    """
    archived = check_flag(archived, "archived")
    rows = [_row(o) for o in owner_records(hs, archived=archived)]
    return typed_table(rows, OWNER_COLUMNS)
