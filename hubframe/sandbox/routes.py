"""The sandbox's ONE route table, served in each of HubSpot's path families.

HubSpot serves its CRM under three families of paths: the legacy numeric ones
(``/crm/v3/objects/...``, ``/crm/v4/associations/...``) and the dated versions
``2026-03`` and ``2026-09`` (``/crm/objects/2026-09/...``; the version is only
the path segment, there is no header). The table below is written once, with
the legacy paths; :data:`FAMILIES` says which legacy prefix becomes which dated
one, and :data:`ROUTES` is the table with every dated twin added. A handler
learns which family served it from ``call.version`` (``"legacy"``, ``"2026-03"``
or ``"2026-09"``), which is where the few shape differences are decided
(associations batch archive answers 200 with a body on dated paths, ...).

The legacy v3 association routes have no dated twin: on dated paths HubSpot
answers ``/crm/objects/{V}/{type}/{id}/associations/{toType}`` and
``/crm/associations/{V}/...`` with v4 semantics, so the v4 routes' twins serve them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from . import account, forms, lists, workflows
from .calls import LEGACY, Call, Reply
from .crm import handlers as crm
from .crm import owners, pipelines, schemas
from .crm.definitions import RECORDLESS_TYPES, scopes_of_types
from .store import Store

__all__ = [
    "ROUTES",
    "Route",
    "Handler",
    "ALL_SCOPES",
    "DATED_VERSIONS",
    "FAMILIES",
    "dated_rule",
    "unknown_version",
]

READ = "crm.objects.{type}.read"
WRITE = "crm.objects.{type}.write"
SCHEMA = "crm.schemas.{type}.read"
# Legacy v1/v2 endpoints document HubSpot's old `contacts` scope; the granular scopes a
# private app has today are accepted too (unconfirmed which HubSpot checks).
V2_SCOPES = ("contacts", SCHEMA, READ)

#: The dated versions served, oldest first (the fact sheet's GA versions on 2026-12-01).
DATED_VERSIONS = ("2026-03", "2026-09")

#: Legacy prefix -> dated prefix (``{version}`` is the version segment). A legacy
#: prefix missing here (``/crm/v3/associations``) has no dated twin.
FAMILIES: dict[str, str] = {
    "/crm/v3/objects": "/crm/objects/{version}",
    "/crm/v4/objects": "/crm/objects/{version}",
    "/crm/v3/properties": "/crm/properties/{version}",
    "/crm/v4/associations": "/crm/associations/{version}",
    "/crm/v3/lists": "/crm/lists/{version}",
    # the schemas family is spelled apart (HubSpot's docs: /crm-object-schemas/2026-03/schemas)
    "/crm/v3/schemas": "/crm-object-schemas/{version}/schemas",
    "/crm/v3/pipelines": "/crm/pipelines/{version}",
}

#: The API families whose dated paths are ``/crm/{family}/{version}/...``.
_DATED_AREAS = ("objects", "properties", "associations", "lists", "pipelines")


#: A handler parses the request, calls one store operation and shapes the reply.
Handler = Callable[[Call, Store], Reply]


@dataclass(frozen=True)
class Route:
    """One endpoint in one path family.

    Attributes:
        method: HTTP method.
        rule: werkzeug rule (``<name>`` captures a segment, ``<path:name>`` the rest).
        handler: the handler function.
        scopes: groups of scope names; every group must be satisfied by one of its names.
            ``{type}``, ``{from}`` and ``{to}`` are filled from the path's object types.
        kind: ``api`` (burst-limited), ``search`` (5/s, daily headers only) or ``forms``
            (no auth, 50 per 10 s).
        version: the family that serves it: ``"legacy"`` or a dated version.
        dated: (legacy routes) whether the dated families have a twin of it; False where
            another route's twin takes its path (the v3 association read).
    """

    method: str
    rule: str
    handler: Handler
    scopes: tuple[tuple[str, ...], ...] = ()
    kind: str = "api"
    version: str = LEGACY
    dated: bool = True


def _r(
    method: str, rule: str, handler: Handler, *scopes: Any, kind: str = "api", dated: bool = True
) -> Route:
    groups = tuple(tuple(s) if isinstance(s, tuple) else (s,) for s in scopes)
    return Route(method, rule, handler, groups, kind, LEGACY, dated)


_OBJ = "/crm/v3/objects/<object_type>"
_V4 = "/crm/v4/objects/<from_type>/<object_id>/associations"
_LISTS = "/crm/v3/lists"
_WF2 = "/automation/v2/workflows"

#: The table as written: legacy paths only. :data:`ROUTES` adds the dated twins.
_LEGACY_ROUTES: list[Route] = [
    # objects
    _r("GET", _OBJ, crm.list_objects, READ),
    _r("POST", _OBJ, crm.create_object, WRITE),
    _r("POST", _OBJ + "/search", crm.search, READ, kind="search"),
    _r("POST", _OBJ + "/batch/read", crm.batch_read, READ),
    _r("POST", _OBJ + "/batch/create", crm.batch_create, WRITE),
    _r("POST", _OBJ + "/batch/update", crm.batch_update, WRITE),
    _r("POST", _OBJ + "/batch/upsert", crm.batch_upsert, WRITE),
    _r("POST", _OBJ + "/batch/archive", crm.batch_archive, WRITE),
    _r("GET", _OBJ + "/<object_id>", crm.get_object, READ),
    _r("PATCH", _OBJ + "/<object_id>", crm.update_object, WRITE),
    _r("DELETE", _OBJ + "/<object_id>", crm.archive_object, WRITE),
    # properties: the schema scope, or the object's read scope
    _r("GET", "/crm/v3/properties/<object_type>", crm.get_properties, (SCHEMA, READ)),
    _r("GET", "/crm/v3/properties/<object_type>/<property_name>", crm.get_property, (SCHEMA, READ)),
    _r("GET", "/properties/v2/<object_type>/properties", crm.get_properties_v2, V2_SCOPES),
    _r("GET", "/crm/v3/schemas", schemas.get_schemas, "crm.schemas.custom.read"),
    _r("GET", "/crm/v3/schemas/<object_type>", schemas.get_schema, "crm.schemas.custom.read"),
    _r("GET", "/crm/v3/owners", owners.get_owners, "crm.objects.owners.read"),
    _r("GET", "/crm/v3/pipelines/<object_type>", pipelines.get_pipelines, READ),
    # associations: legacy v3 (no dated twins: the v4 routes' twins serve those paths)
    _r(
        "GET",
        "/crm/v3/objects/<from_type>/<object_id>/associations/<to_type>",
        crm.v3_list_associations,
        "crm.objects.{from}.read",
        dated=False,
    ),
    _r(
        "POST",
        "/crm/v3/associations/<from_type>/<to_type>/batch/<op>",
        crm.v3_batch,
        "crm.objects.{from}.write",
    ),
    # associations: v4
    _r("GET", _V4 + "/<to_type>", crm.v4_list_associations, "crm.objects.{from}.read"),
    _r(
        "PUT", _V4 + "/default/<to_type>/<to_id>", crm.v4_create_default, "crm.objects.{from}.write"
    ),
    _r("PUT", _V4 + "/<to_type>/<to_id>", crm.v4_create, "crm.objects.{from}.write"),
    _r("DELETE", _V4 + "/<to_type>/<to_id>", crm.v4_archive, "crm.objects.{from}.write"),
    _r(
        "POST",
        "/crm/v4/associations/<from_type>/<to_type>/batch/<op>",
        crm.v4_batch,
        "crm.objects.{from}.write",
    ),
    _r(
        "POST",
        "/crm/v4/associations/<from_type>/<to_type>/batch/<a>/<b>",
        crm.v4_batch,
        "crm.objects.{from}.write",
    ),
    _r(
        "GET",
        "/crm/v4/associations/<from_type>/<to_type>/labels",
        crm.v4_labels,
        "crm.objects.{from}.read",
    ),
    # lists v3
    _r("GET", _LISTS, lists.get_lists, "crm.lists.read"),
    _r("POST", _LISTS + "/search", lists.search_lists, "crm.lists.read"),
    _r("GET", _LISTS + "/<list_id>", lists.get_list, "crm.lists.read"),
    _r("GET", _LISTS + "/<list_id>/memberships", lists.get_memberships, "crm.lists.read"),
    _r(
        "PUT",
        _LISTS + "/<list_id>/memberships/add",
        lists.add_memberships,
        "crm.lists.write",
        "crm.lists.read",
    ),
    _r(
        "PUT",
        _LISTS + "/<list_id>/memberships/remove",
        lists.remove_memberships,
        "crm.lists.write",
        "crm.lists.read",
    ),
    _r(
        "PUT",
        _LISTS + "/<list_id>/memberships/add-and-remove",
        lists.add_and_remove_memberships,
        "crm.lists.write",
        "crm.lists.read",
    ),
    # forms (no dated family: HubSpot has no dated submission endpoint)
    _r(
        "POST",
        "/submissions/v3/integration/submit/<portal_id>/<form_guid>",
        forms.submit_form,
        kind="forms",
    ),
    _r(
        "POST",
        "/submissions/v3/integration/secure/submit/<portal_id>/<form_guid>",
        forms.submit_form,
        "forms",
    ),
    _r("GET", "/marketing/v3/forms", forms.get_forms, "forms"),
    _r("GET", "/marketing/v3/forms/<form_id>", forms.get_form, "forms"),
    # workflows (legacy v2 enrollment; v3 listing)
    _r(
        "POST",
        _WF2 + "/<workflow_id>/enrollments/contacts/<path:email>",
        workflows.enroll,
        "automation",
    ),
    _r(
        "DELETE",
        _WF2 + "/<workflow_id>/enrollments/contacts/<path:email>",
        workflows.unenroll,
        "automation",
    ),
    _r(
        "GET",
        _WF2 + "/enrollments/contacts/<contact_id>",
        workflows.get_contact_enrollments,
        "automation",
    ),
    _r("GET", _WF2, workflows.get_workflows, "automation"),
    _r("GET", _WF2 + "/<workflow_id>", workflows.get_workflow, "automation"),
    _r("GET", "/automation/v3/workflows", workflows.get_workflows, "automation"),
    _r("GET", "/automation/v3/workflows/<workflow_id>", workflows.get_workflow, "automation"),
    # account details: HubSpot's basic scope, which every app has
    _r("GET", "/account-info/v3/details", account.account_details, "oauth"),
]


def dated_rule(rule: str, version: str) -> str | None:
    """The rule of ``rule``'s twin in the dated ``version``, or None when it has none.

    Example: ``dated_rule("/crm/v3/objects/<object_type>", "2026-09")`` is
    ``"/crm/objects/2026-09/<object_type>"``.
    """
    for legacy, dated in FAMILIES.items():
        if rule == legacy or rule.startswith(legacy + "/"):
            return dated.format(version=version) + rule[len(legacy) :]
    return None


def _with_dated_twins(table: list[Route]) -> list[Route]:
    out = list(table)
    for version in DATED_VERSIONS:
        for route in table:
            rule = dated_rule(route.rule, version) if route.dated else None
            if rule is not None:
                out.append(replace(route, rule=rule, version=version))
    return out


#: Every endpoint of every family: the legacy table, then each dated version's twins.
ROUTES: list[Route] = _with_dated_twins(_LEGACY_ROUTES)

ALL_SCOPES = frozenset(
    [
        f"crm.objects.{t}.{rw}"
        for t in ("contacts", "companies", "deals")
        for rw in ("read", "write")
    ]
    + [f"crm.schemas.{t}.read" for t in ("contacts", "companies", "deals")]
    + ["crm.lists.read", "crm.lists.write", "automation", "forms", "oauth"]
    + ["contacts", "crm.schemas.custom.read", "crm.objects.owners.read"]
    + [scope for other in RECORDLESS_TYPES.values() for scope in other.scopes]
    + scopes_of_types()
)


def unknown_version(path: str) -> str | None:
    """For a path no route serves: the sentence naming the versions that exist, when the
    path asks for a CRM version this sandbox does not have (``/crm/objects/2025-01/...``,
    ``/crm/objects/v9/...``, ``/crm/v9/objects/...``); None for any other path.

    HubSpot's answer to an unknown version is unconfirmed (the fact sheet has none); it
    has no endpoint at such a path, so the sandbox answers as for any path without one
    (404, HubSpot's JSON error body) and says which versions there are, which is what a
    client that mistyped or guessed a version needs to know.
    """
    parts = path.strip("/").split("/")
    if len(parts) < 3 or parts[0] != "crm":
        return None
    if parts[1] in _DATED_AREAS and parts[2] not in DATED_VERSIONS:
        asked, area = parts[2], parts[1]
    elif parts[1].startswith("v") and parts[1] not in ("v3", "v4") and parts[2] in _DATED_AREAS:
        asked, area = parts[1], parts[2]
    else:
        return None
    legacy = "/crm/v4/associations" if area == "associations" else f"/crm/v3/{area}"
    dated = " and ".join(f"/crm/{area}/{v}" for v in DATED_VERSIONS)
    return (
        f"Version {asked!r} of /crm/{area} does not exist. The versions are "
        f"{', '.join(DATED_VERSIONS)} ({dated}) and the legacy paths ({legacy})."
    )
