# ruff: noqa: T201  (a command-line script: it reports what it recorded)
"""Record the cassettes in ``cassettes/``: one per scenario, replayed offline by tests/test_cassettes.py.

    python scripts/record_cassettes.py                 # every scenario, from built-in sandboxes
    python scripts/record_cassettes.py contacts_get    # only the named scenarios
    HUBSPOT_ACCESS_TOKEN=pat-... python scripts/record_cassettes.py
                                                       # from the real portal of that token,
                                                       # into cassettes-portal/ (not cassettes/)
    HUBFRAME_CASSETTES=cassettes-portal pytest tests/test_cassettes.py   # replay those

Each scenario is a function of a client and a context of ids (which contact, which
company, ...). Recording discovers the ids, runs each scenario inside
``hubframe.testing.cassette_client(record=True)`` and writes the ids each one used
to ``<out>/context.json``; the tests replay the same scenario with the same ids and
check the DataFrames against the recorded bytes. A scenario is recorded and replayed
with the client's default API version (2026-09 paths) unless it names another
(``api_version=LEGACY`` where the cassette's point is legacy traffic).

Against a real portal the ids of things that cannot be discovered come from the
environment: HUBFRAME_PORTAL_ID, HUBFRAME_FORM_ID (a form with ``email`` and
``firstname`` fields), HUBFRAME_LIST_ID (a MANUAL contact list) and
HUBFRAME_WORKFLOW_ID (a contact-based workflow); use a test list and workflow.
Scenarios that a real portal cannot stage are skipped unless configured: the 403
needs HUBFRAME_LIMITED_TOKEN (a token without ``crm.objects.deals.read``); the 429 and the search past 10,000 need a sandbox
(the latter also runs on a portal with more than 10,000 contacts). The portal's
own records are only read: the write scenarios work on contacts, a company and a
deal made for the purpose, and what is left of them is deleted at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hubframe import HubSpot  # noqa: E402
from hubframe.errors import ConflictError, MissingScopesError, NotFoundError  # noqa: E402
from hubframe.paths import DEFAULT_API_VERSION, LEGACY, paths_for  # noqa: E402

CASSETTES = ROOT / "cassettes"
#: Where a real portal's recording goes by default: its records are real people, so
#: they stay out of the project's cassettes (keep this folder out of version control).
PORTAL_CASSETTES = ROOT / "cassettes-portal"

#: Typed contact properties read by the scenarios: one of each HubSpot type the
#: dtype table covers (string, enumeration, multi-select, bool, number, datetime, date).
CONTACT_PROPS = [
    "email", "firstname", "lifecyclestage", "favorite_products", "hs_email_optout",
    "customer_rating", "createdate", "contract_start_date",
]  # fmt: skip
COMPANY_PROPS = ["name", "domain", "industry", "numberofemployees", "is_public", "createdate"]
DEAL_PROPS = ["dealname", "amount", "dealstage", "closedate", "hs_is_closed"]

#: The portals the sandbox scenarios are recorded from.
PORTALS: dict[str, dict[str, Any]] = {
    "main": {"contacts": 230, "companies": 25, "deals": 40, "seed": 0},
    # Just over HubSpot's 10,000-result search cap: the search must start a second window.
    "big": {"contacts": 10_050, "companies": 1, "deals": 1, "seed": 0},
    # A token (a Service Key, or an app's) that may read the deal schema but not deals.
    "limited": {
        "contacts": 10,
        "companies": 2,
        "deals": 5,
        "seed": 0,
        "scopes": ["crm.objects.contacts.read", "crm.schemas.deals.read"],
    },  # fmt: skip
}
#: The sandboxes' token. Recording scrubs it; tests/test_cassettes.py checks it is in no cassette.
SANDBOX_TOKEN = "pat-sandbox-cassette-recording-token"
#: The Retry-After the recorded 429 carries (seconds).
RETRY_AFTER = 1


@dataclass(frozen=True)
class Scenario:
    """One cassette: what to call, on which portal, and what it must raise (if anything)."""

    name: str
    run: Callable[[HubSpot, dict[str, Any]], Any]
    portal: str = "main"
    expect: type[Exception] | None = None
    compressed: bool = False
    #: After recording, copy values from the result into the context (e.g. a created id).
    keep: Callable[[Any, dict[str, Any]], None] | None = None
    #: The API version it is recorded and replayed with: the client's default, or legacy
    #: where the cassette's point is legacy traffic.
    api_version: str = DEFAULT_API_VERSION

    @property
    def filename(self) -> str:
        return f"{self.name}.yaml.gz" if self.compressed else f"{self.name}.yaml"


SCENARIOS: dict[str, Scenario] = {}
#: The context each scenario was recorded with, written to ``<out>/context.json``.
RECORDED_CONTEXTS: dict[str, dict[str, Any]] = {}


def scenario(name: str, **kw: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def register(fn: Callable[..., Any]) -> Callable[..., Any]:
        SCENARIOS[name] = Scenario(name, fn, **kw)
        return fn

    return register


# -- contacts ---------------------------------------------------------------------------------------


@scenario("contacts_get_page")
def contacts_get_page(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    first = hs.contacts.get_page(limit=10, properties=CONTACT_PROPS)
    second = hs.contacts.get_page(first.attrs["next_after"], limit=10, properties=CONTACT_PROPS)
    return first, second


# The bulk reads run with one cursor (parallel=1): the cassette then holds HubSpot's own
# paging, page after page, which is what the replay checks. The parallel reader's plans
# (probes, id ranges, search streams) are checked against the sandbox (tests/export,
# tests/resources/test_objects.py), where a living portal can change under them.
@scenario("contacts_get_all")
def contacts_get_all(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.contacts.get_all(properties=CONTACT_PROPS, progress=False, parallel=1)


@scenario("contacts_get")
def contacts_get(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.contacts.get(ctx["contact_id"], properties=CONTACT_PROPS)


@scenario("contacts_get_many")
def contacts_get_many(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.contacts.get_many(ctx["contact_ids"], properties=CONTACT_PROPS)


@scenario("contacts_get_many_partial")
def contacts_get_many_partial(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    # HubSpot answers 207 Multi-Status: the found records plus an error naming the missing id.
    return hs.contacts.get_many([*ctx["contact_ids"][:2], ctx["missing_id"]], properties=["email"])


@scenario("contacts_get_not_found", expect=NotFoundError)
def contacts_get_not_found(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.contacts.get(ctx["missing_id"])


@scenario("contacts_search")
def contacts_search(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.contacts.search(
        "lifecyclestage",
        ctx["lifecyclestage"],
        properties=CONTACT_PROPS,
        progress=False,
        parallel=1,
    )


@scenario("contacts_search_past_10k", portal="big", compressed=True)
def contacts_search_past_10k(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    # Few properties keep the cassette small; the paging is what is recorded.
    return hs.contacts.search(
        "createdate",
        operator="HAS_PROPERTY",
        properties=["hs_object_id"],
        progress=False,
        parallel=1,
    )


def _keep_created_contact(df: Any, ctx: dict[str, Any]) -> None:
    ctx["created_contact_id"] = str(df["id"].iloc[0])


@scenario("contacts_create", keep=_keep_created_contact)
def contacts_create(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.contacts.create(
        {
            "email": ctx["new_email"],
            "firstname": "Ada",
            "lastname": "Lovelace",
            "customer_rating": 4.5,
        },
        company_id=ctx["company_id"],
    )


@scenario("contacts_create_conflict", expect=ConflictError)
def contacts_create_conflict(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.contacts.create({"email": ctx["contact_email"], "firstname": "Duplicate"})


@scenario("contacts_update")
def contacts_update(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.contacts.update(
        ctx["created_contact_id"], {"lastname": "Byron", "hs_email_optout": True}
    )


@scenario("contacts_delete")
def contacts_delete(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.contacts.delete(ctx["created_contact_id"])


# -- companies --------------------------------------------------------------------------------------


@scenario("companies_get_all")
def companies_get_all(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.companies.get_all(properties=COMPANY_PROPS, progress=False, parallel=1)


@scenario("companies_get")
def companies_get(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.companies.get(ctx["company_id"])


@scenario("companies_search")
def companies_search(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.companies.search(
        "industry", ctx["industry"], properties=COMPANY_PROPS, progress=False, parallel=1
    )


# Legacy: its point is the v3 association list, which names a contact once per association
# type (the read must give each contact once). The dated list names each contact once, with
# all its types; companies_add_contact records that shape.
@scenario("companies_get_contacts", api_version=LEGACY)
def companies_get_contacts(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.companies.get_contacts(ctx["company_id"], properties=["email", "firstname"])


def _keep_created_company(df: Any, ctx: dict[str, Any]) -> None:
    ctx["created_company_id"] = str(df["id"].iloc[0])


@scenario("companies_create", keep=_keep_created_company)
def companies_create(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.companies.create(
        {"name": "Analytical Engines Ltd", "domain": ctx["new_domain"], "numberofemployees": 12}
    )


@scenario("companies_add_contact")
def companies_add_contact(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    hs.companies.add_contact(ctx["created_company_id"], ctx["spare_contact_id"])
    return hs.companies.get_contacts(ctx["created_company_id"], properties=["email"])


@scenario("companies_remove_contact")
def companies_remove_contact(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    hs.companies.remove_contact(ctx["created_company_id"], ctx["spare_contact_id"])
    return hs.companies.get_contacts(ctx["created_company_id"], properties=["email"])


@scenario("companies_delete")
def companies_delete(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.companies.delete(ctx["created_company_id"])


# -- deals ------------------------------------------------------------------------------------------


@scenario("deals_get_all")
def deals_get_all(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.deals.get_all(properties=DEAL_PROPS, progress=False, parallel=1)


@scenario("deals_get")
def deals_get(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.deals.get(ctx["deal_id"])


@scenario("deals_search")
def deals_search(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.deals.search(
        "dealstage", ctx["dealstage"], properties=DEAL_PROPS, progress=False, parallel=1
    )


@scenario("deals_delete")
def deals_delete(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    hs.deals.delete(ctx["deleted_deal_id"])
    return hs.deals.get_many([ctx["deleted_deal_id"]])


# -- actions ----------------------------------------------------------------------------------------


@scenario("forms_submit")
def forms_submit(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.forms.submit(
        ctx["portal_id"],
        ctx["form_id"],
        [
            {"email": ctx["form_email"], "firstname": "Grace"},
            {"email": ctx["form_email_2"], "firstname": "Alan"},
        ],
    )


@scenario("lists_add")
def lists_add(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    # The same contact twice over: added, then already a member; and an id that does not exist.
    first = hs.lists.add(ctx["list_id"], [ctx["spare_contact_id"]])
    second = hs.lists.add(ctx["list_id"], [ctx["spare_contact_id"], ctx["missing_id"]])
    return first, second


@scenario("workflows_enroll")
def workflows_enroll(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.workflows.enroll(ctx["workflow_id"], [ctx["spare_email"], ctx["unknown_email"]])


# -- bad days ---------------------------------------------------------------------------------------


@scenario("rate_limited_retry", portal="main")
def rate_limited_retry(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.contacts.get(ctx["contact_id"], properties=["email"])


@scenario("missing_scope", portal="limited", expect=MissingScopesError)
def missing_scope(hs: HubSpot, ctx: dict[str, Any]) -> Any:
    return hs.deals.get_page(limit=5)


# -- recording --------------------------------------------------------------------------------------


def discover(hs: HubSpot, ctx: dict[str, Any], *, real: bool) -> None:
    """Fill the context with ids of the portal behind ``hs`` (without recording)."""
    contacts = hs.contacts.get_page(limit=5, properties=["email", "lifecyclestage"])
    ids = contacts["id"].tolist()
    ctx["contact_ids"] = ids[:3]
    ctx["contact_id"] = ids[0]
    with_email = contacts[contacts["email"].notna() & contacts["lifecyclestage"].notna()]
    ctx["contact_email"] = str(with_email["email"].iloc[0])
    ctx["lifecyclestage"] = str(with_email["lifecyclestage"].iloc[0])
    # Far past any id a portal hands out: a record that does not exist.
    ctx["missing_id"] = "999999999999999"
    companies = hs.companies.get_page(limit=50, properties=["industry"])
    for cid in companies["id"]:
        if len(hs.companies.get_contacts(cid, properties=["email"])) >= 2:
            ctx["company_id"] = str(cid)
            break
    else:
        ctx["company_id"] = str(companies["id"].iloc[0])
    ctx["industry"] = str(companies["industry"].dropna().iloc[0])
    deals = hs.deals.get_page(limit=5)
    ctx["deal_id"] = str(deals["id"].iloc[0])
    ctx["dealstage"] = str(deals["dealstage"].dropna().iloc[0])
    # A real portal keeps what earlier recordings created: make new values unique there.
    stamp = time.strftime(".%Y%m%d%H%M%S") if real else ""
    ctx["new_email"] = f"ada.lovelace{stamp}@example.com"
    ctx["form_email"] = f"grace.hopper{stamp}@example.com"
    ctx["form_email_2"] = f"alan.turing{stamp}@example.com"
    ctx["unknown_email"] = f"nobody{stamp}@example.com"
    ctx["new_domain"] = f"analytical-engines{stamp.replace('.', '-')}.example.com"
    # Records the write scenarios may change, made for the purpose (unrecorded), so that a
    # real portal's own records are only ever read: a contact for the list, workflow and
    # association scenarios, and a deal to delete.
    ctx["spare_email"] = f"hubframe.cassettes{stamp}@example.com"
    spare = hs.contacts.create({"email": ctx["spare_email"], "firstname": "Spare"})
    ctx["spare_contact_id"] = str(spare["id"].iloc[0])
    first = deals.iloc[0]
    deal = hs.deals.create({"dealname": f"hubframe cassettes{stamp}", "pipeline": first["pipeline"],
                            "dealstage": first["dealstage"]})  # fmt: skip
    ctx["deleted_deal_id"] = str(deal["id"].iloc[0])


def clean_up(hs: HubSpot, ctx: dict[str, Any]) -> None:
    """Delete what the recording made on a real portal (the spare and form-made contacts)."""
    ids = [ctx["spare_contact_id"]]
    for email in (ctx["form_email"], ctx["form_email_2"]):
        try:
            ids.append(str(hs.contacts.get(email, id_property="email")["id"].iloc[0]))
        except NotFoundError:
            pass
    hs.contacts.delete(ids)


def _env_ids(ctx: dict[str, Any]) -> list[str]:
    """Ids a real portal cannot tell us: from the environment. Returns the names that are missing."""
    missing = []
    for key, env in (("portal_id", "HUBFRAME_PORTAL_ID"), ("form_id", "HUBFRAME_FORM_ID"),
                     ("list_id", "HUBFRAME_LIST_ID"), ("workflow_id", "HUBFRAME_WORKFLOW_ID")):  # fmt: skip
        if os.environ.get(env):
            ctx[key] = os.environ[env].strip()
        else:
            missing.append(env)
    return missing


def _needs(name: str) -> set[str]:
    return {
        "forms_submit": {"HUBFRAME_PORTAL_ID", "HUBFRAME_FORM_ID"},
        "lists_add": {"HUBFRAME_LIST_ID"},
        "workflows_enroll": {"HUBFRAME_WORKFLOW_ID"},
    }.get(name, set())


def _run(sc: Scenario, hs: HubSpot, ctx: dict[str, Any]) -> Any:
    """Run a scenario, check it behaved as the scenario says, and keep what later ones need."""
    try:
        result = sc.run(hs, ctx)
    except Exception as exc:
        if sc.expect is not None and isinstance(exc, sc.expect):
            return exc
        raise
    if sc.expect is not None:
        raise SystemExit(f"{sc.name}: expected {sc.expect.__name__}, but the call succeeded")
    if sc.keep is not None:
        sc.keep(result, ctx)
    return result


def _record(sc: Scenario, out: Path, ctx: dict[str, Any], **target: Any) -> None:
    from hubframe.testing import cassette_client

    path = out / sc.filename
    # The ids this cassette was made with: its replay must use exactly these.
    RECORDED_CONTEXTS[sc.name] = json.loads(json.dumps(ctx))
    with cassette_client(path, record=True, api_version=sc.api_version, **target) as hs:
        _run(sc, hs, ctx)
        retries = hs.stats.snapshot()[1]
    if sc.name == "rate_limited_retry" and retries != 1:
        raise SystemExit(f"{sc.name}: expected exactly one retry after a 429, saw {retries}")
    print(
        f"  recorded {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path} ({path.stat().st_size:,} bytes)"
    )


def _record_from_sandboxes(selected: list[str], out: Path, ctx: dict[str, Any]) -> None:
    from hubframe.sandbox import Sandbox

    for portal, kwargs in PORTALS.items():
        group = [sc for sc in SCENARIOS.values() if sc.portal == portal]
        if not any(sc.name in selected for sc in group):
            continue
        print(f"sandbox portal {portal!r}: {kwargs}")
        # No search rate limit: the client is not what is being paced here.
        with Sandbox(**kwargs, token=SANDBOX_TOKEN, search_rate=None) as sb:
            with sb.client(rate_limit=(10_000, 10), search_rate=1_000) as hs:
                if portal == "main":
                    discover(hs, ctx, real=False)
                    ctx.update(
                        portal_id=str(sb.portal_id), form_id=sb.form_ids[0],
                        list_id=sb.list_ids[0], workflow_id=sb.workflow_ids[0],
                    )  # fmt: skip
                # Scenarios change the portal; run the unselected ones too (unrecorded),
                # so a selected one sees the same state as in a full recording.
                for sc in group:
                    if sc.name == "rate_limited_retry":
                        # HubSpot's TEN_SECONDLY_ROLLING 429 on the next read, once.
                        sb.inject(
                            429,
                            method="GET",
                            path_contains=paths_for(sc.api_version).objects("contacts") + "/",
                            retry_after=RETRY_AFTER,
                        )
                    if sc.name in selected:
                        _record(sc, out, ctx, sandbox=sb, search_rate=1_000)
                    else:
                        with sb.client(api_version=sc.api_version, rate_limit=(10_000, 10),
                                       search_rate=1_000) as other:  # fmt: skip
                            _run(sc, other, ctx)
                    sb.clear_injections()


def _record_from_portal(selected: list[str], out: Path, ctx: dict[str, Any], token: str) -> None:
    with HubSpot(token=token) as hs:
        discover(hs, ctx, real=True)
        missing_env = set(_env_ids(ctx))
        big_enough = hs.contacts.count() > 10_000
    try:
        _record_portal_scenarios(selected, out, ctx, token, missing_env, big_enough)
    finally:
        with HubSpot(token=token) as hs:
            clean_up(hs, ctx)


def _record_portal_scenarios(
    selected: list[str],
    out: Path,
    ctx: dict[str, Any],
    token: str,
    missing_env: set[str],
    big_enough: bool,
) -> None:
    limited = os.environ.get("HUBFRAME_LIMITED_TOKEN")
    for sc in SCENARIOS.values():
        reason = None
        if sc.name == "rate_limited_retry":
            reason = "a 429 cannot be provoked on demand on a real portal"
        elif sc.portal == "big" and not big_enough:
            reason = "the portal has no more than 10,000 contacts"
        elif sc.portal == "limited" and not limited:
            reason = "set HUBFRAME_LIMITED_TOKEN to a token without crm.objects.deals.read"
        elif _needs(sc.name) & missing_env:
            reason = "set " + " and ".join(sorted(_needs(sc.name) & missing_env))
        if reason:
            if sc.name in selected:
                print(f"  skipped {sc.name}: {reason}")
            continue
        target_token = limited if sc.portal == "limited" else token
        if sc.name in selected:
            _record(sc, out, ctx, token=target_token)
        else:
            with HubSpot(token=target_token, api_version=sc.api_version) as hs:
                _run(sc, hs, ctx)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="scenarios to record (default: all)")
    parser.add_argument(
        "--out", default=None,
        help="folder of the cassettes (default: cassettes/; cassettes-portal/ for a real portal)",
    )  # fmt: skip
    parser.add_argument("--list", action="store_true", help="list the scenarios and exit")
    args = parser.parse_args(argv)
    if args.list:
        for sc in SCENARIOS.values():
            print(
                f"{sc.name:28} portal={sc.portal} api_version={sc.api_version}"
                + (f"  raises {sc.expect.__name__}" if sc.expect else "")
            )
        return 0
    unknown = sorted(set(args.names) - set(SCENARIOS))
    if unknown:
        parser.error(f"unknown scenarios: {', '.join(unknown)} (see --list)")
    selected = args.names or list(SCENARIOS)
    token = os.environ.get("HUBSPOT_ACCESS_TOKEN")
    out = Path(args.out or (PORTAL_CASSETTES if token else CASSETTES)).resolve()
    out.mkdir(parents=True, exist_ok=True)
    ctx_path = out / "context.json"
    if ctx_path.exists():
        RECORDED_CONTEXTS.update(json.loads(ctx_path.read_text()))
    ctx: dict[str, Any] = {}
    if token:
        print("recording from the portal of HUBSPOT_ACCESS_TOKEN")
        _record_from_portal(selected, out, ctx, token)
    else:
        _record_from_sandboxes(selected, out, ctx)
    ctx_path.write_text(json.dumps(RECORDED_CONTEXTS, indent=2, sort_keys=True) + "\n")
    print(f"context written to {ctx_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
