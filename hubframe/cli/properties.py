"""``hubframe properties``: the properties an object type defines, to pick ``--properties`` from."""

from __future__ import annotations

import argparse
import json
from typing import Any

from .options import command_parser, portal_client, source_options
from .output import emit

__all__ = ["add_parser", "run"]

#: The table's columns: heading, and how to read it from a property.
_COLUMNS = ("name", "label", "type", "read-only")


def add_parser(sub: Any) -> None:
    """Add the ``properties`` command to the ``hubframe`` subparsers ``sub``."""
    p = command_parser(
        sub,
        "properties",
        "list the properties of an object type (name, label, type, read-only)",
        "List the properties an object type defines in the portal, one a line: the name "
        "(what --properties takes), the label HubSpot shows, the type, and whether the value "
        "is read-only (read-only or calculated: exported, never written). Properties hidden "
        "in HubSpot's UI are left out unless --all is given.",
        [
            "hubframe properties contacts",
            "hubframe properties deals --all --json",
            "hubframe properties contacts --sandbox",
        ],
    )
    p.add_argument(
        "object_type",
        help="the object type: contacts, companies, deals, tickets, line_items, notes ..., "
        "or a custom object's name",
    )
    p.add_argument("--all", action="store_true", help="also the properties hidden in HubSpot's UI")
    p.add_argument(
        "--json",
        action="store_true",
        help="one JSON object a line (name, label, type, read_only, hidden) instead of a table",
    )
    source_options(p, "read")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Print the properties of one object type.

    Args:
        args: parsed arguments of ``hubframe properties``.

    Returns:
        The exit status (0).

    Raises:
        HubFrameError: the portal could not be read, or the type is unknown (``main``
            prints it and exits with 2).
    """
    with portal_client(args) as hs:
        props = [p for p in hs.objects(args.object_type).props if args.all or not p.hidden]
    if args.json:
        for p in props:
            fields = {"name": p.name, "label": p.label, "type": p.type}
            emit(json.dumps({**fields, "read_only": p.read_only, "hidden": p.hidden}))
        return 0
    rows = [(p.name, p.label, p.type, "yes" if p.read_only else "") for p in props]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(_COLUMNS)]
    for row in [_COLUMNS, *rows]:
        emit("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    return 0
