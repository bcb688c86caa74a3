"""``hubframe sandbox``: serve a local HubSpot portal in the foreground until Ctrl-C."""

from __future__ import annotations

import argparse
import time
from typing import Any

from .options import command_parser, per_second, sandbox_options, seconds
from .output import emit

__all__ = ["add_parser", "run"]


def add_parser(sub: Any) -> None:
    """Add the ``sandbox`` command to the ``hubframe`` subparsers ``sub``."""
    p = command_parser(
        sub,
        "sandbox",
        "run a local HubSpot sandbox in the foreground",
        "Serve a local HubSpot portal (CRM objects, search, associations, lists, forms, "
        "workflows) over HTTP until Ctrl-C, and print its URL and token. Point hubframe, "
        "or any HubSpot client, at it with the environment line it prints.",
        [
            "hubframe sandbox",
            "hubframe sandbox --port 8765 --contacts 10000 --rate-limit 190/10 --faults 0.1",
            "hubframe sandbox --churn 20 --search-lag 2 --path portal.json",
        ],
    )
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1 only)")
    p.add_argument("--port", type=int, default=8765, help="port (default 8765; 0 picks a free one)")
    p.add_argument(
        "--token",
        default=None,
        help="bearer token to accept (default: a random one, printed at the start)",
    )
    p.add_argument("--path", default=None, help="file that keeps the portal across restarts")
    sandbox_options(p)
    p.add_argument(
        "--churn",
        type=per_second,
        default=0.0,
        metavar="RATE",
        help="writes per second made in the background, as on a living portal: creates, "
        "updates and archives of contacts, companies and deals (default 0: still)",
    )
    p.add_argument(
        "--search-lag",
        type=seconds,
        default=0.0,
        metavar="SECONDS",
        help="seconds before search sees a write, as HubSpot's search index (default 0)",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Start the sandbox, print how to connect to it, and serve until Ctrl-C.

    Args:
        args: parsed arguments of ``hubframe sandbox``.

    Returns:
        The exit status (0, also after Ctrl-C).
    """
    from ..sandbox import Sandbox  # the server and its seed data load only for this command

    sb = Sandbox(
        contacts=args.contacts,
        companies=args.companies,
        deals=args.deals,
        seed=args.seed,
        token=args.token,
        latency=args.latency,
        rate_limit=args.rate_limit,
        faults=args.faults,
        path=args.path,
        host=args.host,
        port=args.port,
        churn=args.churn,
        search_lag=args.search_lag,
    )
    sb.start()
    emit(f"hubframe sandbox: HubSpot API at {sb.url} (forms too)")
    emit(f"  token:       {sb.token}")
    emit(f"  portal id:   {sb.portal_id}")
    emit(
        f"  records:     {sb.store.count('contacts')} contacts, {sb.store.count('companies')} companies, "
        f"{sb.store.count('deals')} deals"
    )
    emit(
        f"  lists:       MANUAL {', '.join(sb.list_ids)}; SNAPSHOT {', '.join(sb.snapshot_list_ids)}; "
        f"DYNAMIC {', '.join(sb.dynamic_list_ids)}"
    )
    emit(f"  workflows:   {', '.join(sb.workflow_ids)}")
    emit(f"  forms:       {', '.join(sb.form_ids)}")
    if sb.path is not None:
        emit(f"  saved in:    {sb.path}")
    if sb.churn_rate:
        emit(f"  churn:       {sb.churn_rate:g} writes/s (creates, updates, archives)")
    if sb.search_lag:
        emit(f"  search lag:  {sb.search_lag:g} s")
    emit(
        f"  connect:     HUBFRAME_BASE_URL={sb.url} HUBFRAME_FORMS_URL={sb.url} HUBSPOT_ACCESS_TOKEN={sb.token}"
    )
    emit("Press Ctrl-C to stop.")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        emit("\nhubframe sandbox: stopping")
    finally:
        sb.stop()
    return 0
