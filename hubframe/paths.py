"""Every HubSpot URL path hubframe sends, and the shapes that change with them, in one place.

HubSpot names its API versions in the path. The legacy paths carry a number
(``/crm/v3/objects/contacts``); the dated versions carry a release date after the
API family (``/crm/objects/2026-09/contacts``, never ``/crm/2026-09/objects/...``).
There is no version header: the path is the version.

One :class:`Paths` object per client (``hs.paths``, made by :func:`paths_for` from
``HubSpot(api_version=...)``) builds every path that client sends, and knows the
few bodies and answers whose shape differs between versions (the association
batch inputs, the association list items, the association batch answers).
Resources never spell a path or one of those shapes: they ask ``hs.paths``.

- :class:`Paths` is the legacy version (v3 and v4 paths, unchanged);
- :class:`DatedPaths` is a dated version (``2026-09``, the default, or ``2026-03``).

Some endpoints have no dated equivalent, and every version sends them on their
legacy paths: form submission (on the forms host), workflow enrollment and the
workflow listing, the owners, and the account details. Each says so, with its sunset date.

Paths are relative to the API host (``hs.base_url``) except
:meth:`Paths.form_submit`, which is relative to the forms host. Ids and emails
placed in a path are percent-encoded here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote, urlencode

from .errors import ConfigurationError, InputError, UnexpectedResponseError

__all__ = [
    "API_VERSIONS",
    "DEFAULT_API_VERSION",
    "LEGACY",
    "DatedPaths",
    "Edge",
    "Paths",
    "check_api_version",
    "paths_for",
    "query_string",
]


def query_string(params: Mapping[str, Any] | Sequence[tuple[str, Any]]) -> str:
    """The query of a request (without ``?``), encoded as httpx encodes ``params=``, commas kept.

    Args:
        params: a mapping (a list or tuple value repeats its key) or ``(key, value)`` pairs;
            ``True``/``False`` are ``true``/``false``, None is empty, anything else ``str()``.

    Returns:
        ``a=1&properties=email,firstname``.

    Raises:
        InputError: ``params`` is neither a mapping nor a sequence of pairs.

    Why commas stay literal: a comma is allowed in a query (RFC 3986 sub-delims) and every
    server reads ``a,b`` and ``a%2Cb`` alike, but httpx re-checks the URL of every request
    and splits an encoded query at each ``%xx``: a ``properties=`` list of 40 names then
    costs it about three times as much per page as the same list with literal commas.
    """
    if isinstance(params, Mapping):
        items = list(params.items())
    elif isinstance(params, Sequence) and not isinstance(params, (str, bytes)):
        items = list(params)
    else:
        raise InputError(f"params={params!r:.100}: use a mapping or a list of (key, value) pairs")
    pairs: list[tuple[str, str]] = []
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2):
            raise InputError(f"params item {item!r:.100}: use (key, value) pairs")
        key, value = item
        for one in value if isinstance(value, (list, tuple)) else (value,):
            pairs.append((str(key), _query_value(one)))
    return urlencode(pairs, safe=",")


def _query_value(value: Any) -> str:
    """httpx's text of a query value: JSON's booleans, None as empty."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return "" if value is None else str(value)


#: The legacy version's name: HubSpot's numbered v3/v4 paths.
LEGACY = "legacy"
#: HubSpot's current GA version (since 2026-09-08), what a client speaks unless told otherwise.
DEFAULT_API_VERSION = "2026-09"
#: Every version a client can speak, the default first.
API_VERSIONS: tuple[str, ...] = (DEFAULT_API_VERSION, "2026-03", LEGACY)

#: The dated versions' object type ids where a name is not used. HubSpot's own specs
#: and its dated SDK call deals by type id; contacts and companies keep their names.
_DATED_OBJECT_SEGMENT = {"deals": "0-3"}

#: The association types hubframe writes, per (from, to) object type: the legacy v3
#: type name and the dated HubSpot-defined type id. 279 is the unlabeled
#: contact-to-company type (the primary one, 1, is only ever set on create). Third-party
#: clients read the legacy name ``contact_to_company`` as the primary type (unconfirmed),
#: so the two versions may label the new association differently. A dated removal takes
#: every association between the two records; a legacy one names its type.
_ASSOCIATION_TYPES: dict[tuple[str, str], tuple[str, int]] = {
    ("contacts", "companies"): ("contact_to_company", 279),
}
#: The legacy v3 association batch paths name object types in the singular.
_SINGULAR = {"contacts": "contact", "companies": "company", "deals": "deal"}

_ACTIONS = ("create", "archive")

#: One association as :meth:`Paths.association_edges` reads it:
#: ``(to_id, type_id, label, category)`` (``label`` None for an unlabeled type).
Edge = tuple[str, int | None, str | None, str | None]


def _part(value: str) -> str:
    return quote(str(value), safe="")


def check_api_version(api_version: Any) -> str:
    """``api_version`` if hubframe speaks it, else a :class:`ConfigurationError` naming the choices.

    Raises:
        ConfigurationError: not a string, or not one of :data:`API_VERSIONS`.
    """
    choices = ", ".join(repr(v) for v in API_VERSIONS)
    if not isinstance(api_version, str):
        raise ConfigurationError(
            f"api_version={api_version!r:.100} ({type(api_version).__name__}): use one of "
            f"{choices} (a string; {DEFAULT_API_VERSION!r} is the default)"
        )
    if api_version not in API_VERSIONS:
        raise ConfigurationError(
            f"api_version={api_version!r:.100} is not a version hubframe speaks: use one of "
            f"{choices} ({DEFAULT_API_VERSION!r}, HubSpot's current version, is the default; "
            f"{LEGACY!r} sends the numbered v3/v4 paths)"
        )
    return api_version


def paths_for(api_version: Any = DEFAULT_API_VERSION) -> Paths:
    """The :class:`Paths` of one API version (``"2026-09"``, ``"2026-03"`` or ``"legacy"``).

    Raises:
        ConfigurationError: a version hubframe does not speak.
    """
    version = check_api_version(api_version)
    return Paths() if version == LEGACY else DatedPaths(version)


def _association_type(from_type: str, to_type: str) -> tuple[str, int]:
    try:
        return _ASSOCIATION_TYPES[(from_type, to_type)]
    except KeyError:
        pairs = ", ".join(f"{a!r} -> {b!r}" for a, b in _ASSOCIATION_TYPES)
        raise InputError(
            f"associations from {from_type!r} to {to_type!r} are not written by hubframe: "
            f"use one of {pairs}"
        ) from None


def _check_action(action: Any) -> str:
    if action not in _ACTIONS:
        raise InputError(f"action={action!r:.100}: use 'create' or 'archive'")
    return str(action)


class Paths:
    """The paths and shapes of HubSpot's legacy version: the v3/v4 paths hubframe always sent.

    The legacy CRM paths (``/crm/v3/objects``, ``/crm/v3/properties``,
    ``/crm/v3/associations``, ``/crm/v3/lists``) go unsupported in September 2027;
    HubSpot says to move to a dated version (:class:`DatedPaths`).
    """

    #: The version these paths speak (``hs.api_version``).
    api_version = LEGACY

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.api_version!r})"

    def object_segment(self, object_type: str) -> str:
        """How an object type is named in this version's paths (legacy: as given)."""
        return object_type

    # -- CRM objects ------------------------------------------------------------------------

    def objects(self, object_type: str) -> str:
        """List and create: ``/crm/v3/objects/{type}``."""
        return f"/crm/v3/objects/{self.object_segment(object_type)}"

    def object(self, object_type: str, record_id: str) -> str:
        """One record (by id, or by a unique property with ``idProperty``)."""
        return f"{self.objects(object_type)}/{_part(record_id)}"

    def batch(self, object_type: str, action: str) -> str:
        """A batch endpoint: ``read``, ``create``, ``update``, ``upsert`` or ``archive``."""
        return f"{self.objects(object_type)}/batch/{action}"

    def search(self, object_type: str) -> str:
        """CRM search over one object type."""
        return f"{self.objects(object_type)}/search"

    def properties(self, object_type: str) -> str:
        """The property definitions of an object type: ``/crm/v3/properties/{type}``."""
        return f"/crm/v3/properties/{self.object_segment(object_type)}"

    def schemas(self) -> str:
        """The portal's custom object schemas: ``/crm/v3/schemas``."""
        return "/crm/v3/schemas"

    # -- owners and pipelines ---------------------------------------------------------------

    def owners(self) -> str:
        """The portal's owners (the users records are assigned to): ``/crm/v3/owners``.

        ``/crm/v3/owners`` in every version: HubSpot documents no dated owners path (the
        fact sheets list none; unconfirmed whether one exists). Unsupported from
        September 2027 (HubSpot's rule for v1-v3 APIs).
        """
        return "/crm/v3/owners"

    def pipelines(self, object_type: str) -> str:
        """Every pipeline of an object type, with its stages: ``/crm/v3/pipelines/{type}``."""
        return f"/crm/v3/pipelines/{_part(object_type)}"

    # -- associations -----------------------------------------------------------------------

    def associations(self, object_type: str, record_id: str, to_type: str) -> str:
        """The records of ``to_type`` associated with one record (paged; items: :meth:`association_ids`)."""
        return f"{self.object(object_type, record_id)}/associations/{self.object_segment(to_type)}"

    def association_batch(self, from_type: str, to_type: str, action: str) -> str:
        """Associate (``create``) or dissociate (``archive``) records in a batch.

        Legacy: ``/crm/v3/associations/{from}/{to}/batch/{action}``, the object types in
        the singular (``contact``, ``company``); bodies from :meth:`association_input`.
        """
        return (
            f"/crm/v3/associations/{_SINGULAR.get(from_type, from_type)}/"
            f"{_SINGULAR.get(to_type, to_type)}/batch/{_check_action(action)}"
        )

    def association_input(
        self, from_type: str, to_type: str, action: str, from_id: str, to_id: str
    ) -> dict[str, Any]:
        """One input of an association batch ``create`` or ``archive`` (legacy v3 shape).

        Legacy v3 names the association type in both: ``{from:{id}, to:{id}, type:"contact_to_company"}``.

        Raises:
            InputError: an action other than create/archive, or a pair hubframe does not write.
        """
        _check_action(action)
        name, _ = _association_type(from_type, to_type)
        return {"from": {"id": from_id}, "to": {"id": to_id}, "type": name}

    def association_ids(
        self, results: Sequence[Mapping[str, Any]], *, path: str | None = None
    ) -> list[str]:
        """The associated record ids of one page of :meth:`associations` (legacy ``{id, type}`` items).

        An id comes once per association type (HubSpot lists a record once per label);
        the ids are returned as listed.

        Raises:
            UnexpectedResponseError: an item without its id.
        """
        return _ids_of(results, "id", self, path)

    def association_batch_errors(
        self, action: str, status: int, data: Any, *, path: str | None = None
    ) -> list[Mapping[str, Any]]:
        """The errors an association batch answer reports (empty: every input was applied).

        Legacy v3: ``create`` answers 201, or 207 with ``errors[]``; ``archive`` answers
        204 with no body. Any body that lists errors is reported, whatever the status.

        Raises:
            UnexpectedResponseError: a body that is not a JSON object.
        """
        _check_action(action)
        return _batch_errors(data, status, self, path)

    def association_read(self, from_type: str, to_type: str) -> str:
        """Read the associations of many records (at most 1,000 inputs a request).

        Legacy: the v4 batch read, ``/crm/v4/associations/{from}/{to}/batch/read`` (the
        v3 one gives no labels); inputs from :meth:`association_read_input`, each result
        read by :meth:`association_edges`.
        """
        return (
            f"/crm/v4/associations/{self.object_segment(from_type)}/"
            f"{self.object_segment(to_type)}/batch/read"
        )

    def association_read_input(self, record_id: str, after: str | None = None) -> dict[str, Any]:
        """One input of :meth:`association_read`: ``{id}``, or ``{id, after}`` for the next
        page of one record's associations (HubSpot pages each record's own list)."""
        return {"id": record_id} if after is None else {"id": record_id, "after": after}

    def association_edges(
        self, result: Any, *, path: str | None = None
    ) -> tuple[str, list[Edge], str | None]:
        """One result of :meth:`association_read`: the record's id, its edges, and the
        cursor of its next page (None: no more).

        Every version answers ``{from:{id}, to:[{toObjectId, associationTypes:[{category,
        typeId, label}]}], paging?:{next:{after}}}``; each (associated record, type) pair
        is one edge ``(to_id, type_id, label, category)``.

        Raises:
            UnexpectedResponseError: a result without ``from.id`` or an item without
                ``toObjectId``.
        """
        return _edges_of(result, self, path)

    # -- lists ------------------------------------------------------------------------------

    def list_memberships(self, list_id: str, action: str | None = None) -> str:
        """A list's memberships (paged), or ``add`` / ``remove`` records to or from it."""
        path = f"{self._lists()}/{_part(list_id)}/memberships"
        return f"{path}/{action}" if action else path

    def list_search(self) -> str:
        """Search the portal's lists by name."""
        return f"{self._lists()}/search"

    def _lists(self) -> str:
        return "/crm/v3/lists"

    # -- endpoints with no dated equivalent (legacy in every version) -------------------------

    def workflows(self) -> str:
        """The portal's workflows (legacy listing, whose ids enrollment takes).

        ``/automation/v3/workflows`` in every version: HubSpot's dated automation API is
        beta only and lists flows, not these ids. Unsupported from September 2027 (HubSpot's
        rule for v1-v3 APIs).
        """
        return "/automation/v3/workflows"

    def workflow(self, workflow_id: str) -> str:
        """One workflow's definition (legacy in every version, as :meth:`workflows`)."""
        return f"{self.workflows()}/{_part(workflow_id)}"

    def workflow_enrollment(self, workflow_id: str, email: str) -> str:
        """Enroll one contact, by email, in a workflow (Workflows v2).

        ``/automation/v2/...`` in every version: no dated API enrolls a record. Unsupported
        from September 2027 (HubSpot's rule for v1-v3 APIs).
        """
        return f"/automation/v2/workflows/{_part(workflow_id)}/enrollments/contacts/{_part(email)}"

    def account_details(self) -> str:
        """The portal's account details (its portal id, time zone, currency).

        ``/account-info/v3/details`` in every version: it has no dated equivalent.
        Unsupported from September 2027 (HubSpot's rule for v1-v3 APIs).
        """
        return "/account-info/v3/details"

    def form_submit(self, portal_id: str, form_id: str) -> str:
        """Submit a form (on the forms host, ``api.hsforms.com``).

        The same path in every version: HubSpot's dated forms API manages form definitions
        only and sends submissions here. September 2027 by HubSpot's v1-v3 rule; whether
        that rule covers the forms host is unconfirmed.
        """
        return f"/submissions/v3/integration/submit/{_part(portal_id)}/{_part(form_id)}"


class DatedPaths(Paths):
    """The paths and shapes of one dated version: ``/{family}/{version}/...``.

    ``2026-09`` is HubSpot's current version (the default); ``2026-03`` is supported until
    about September 2027. Objects, search, batches, properties, association reads and
    batches, lists and pipelines have dated paths; the endpoints without one stay on their legacy
    paths (see :class:`Paths`). Deals are named by their type id, ``0-3``, as HubSpot's
    specs and its dated SDK do; contacts and companies by name.

    Args:
        api_version: ``"2026-09"`` or ``"2026-03"``.

    Raises:
        ConfigurationError: not a dated version hubframe speaks.
    """

    def __init__(self, api_version: str = DEFAULT_API_VERSION):
        version = check_api_version(api_version)
        if version == LEGACY:
            raise ConfigurationError(
                "DatedPaths takes a dated version such as '2026-09'; use Paths() (or "
                "paths_for('legacy')) for the legacy paths"
            )
        self.api_version = version

    def object_segment(self, object_type: str) -> str:
        """How an object type is named in dated paths: ``contacts``, ``companies``, ``0-3``,
        ``tickets`` ... (the generic ``/crm/objects/{version}/{objectType}`` takes names;
        a custom object is named by its type id, ``2-...``, in every version)."""
        return _DATED_OBJECT_SEGMENT.get(object_type, object_type)

    def objects(self, object_type: str) -> str:
        """List and create: ``/crm/objects/{version}/{type}``."""
        return f"/crm/objects/{self.api_version}/{self.object_segment(object_type)}"

    def properties(self, object_type: str) -> str:
        """The property definitions of an object type: ``/crm/properties/{version}/{type}``."""
        return f"/crm/properties/{self.api_version}/{self.object_segment(object_type)}"

    def schemas(self) -> str:
        """The portal's custom object schemas: ``/crm-object-schemas/{version}/schemas``.

        The family is spelled apart from the other CRM ones. HubSpot's docs give it for
        2026-03; for 2026-09 the same spelling is assumed (unconfirmed: no 2026-09
        schemas spec was found).
        """
        return f"/crm-object-schemas/{self.api_version}/schemas"

    def pipelines(self, object_type: str) -> str:
        """Every pipeline of an object type: ``/crm/pipelines/{version}/{type}`` (HubSpot
        documents ``/crm/pipelines/2026-03/{objectType}`` and ``/crm/pipelines/2026-09/...``)."""
        return f"/crm/pipelines/{self.api_version}/{_part(object_type)}"

    def association_batch(self, from_type: str, to_type: str, action: str) -> str:
        """Associate (``create``) or dissociate (``archive``) records in a batch:
        ``/crm/associations/{version}/{from}/{to}/batch/{action}``."""
        return (
            f"/crm/associations/{self.api_version}/{self.object_segment(from_type)}/"
            f"{self.object_segment(to_type)}/batch/{_check_action(action)}"
        )

    def association_read(self, from_type: str, to_type: str) -> str:
        """Read the associations of many records (at most 1,000 inputs a request):
        ``/crm/associations/{version}/{from}/{to}/batch/read`` (shapes as legacy v4)."""
        return (
            f"/crm/associations/{self.api_version}/{self.object_segment(from_type)}/"
            f"{self.object_segment(to_type)}/batch/read"
        )

    def association_input(
        self, from_type: str, to_type: str, action: str, from_id: str, to_id: str
    ) -> dict[str, Any]:
        """One input of an association batch (dated shape: type ids, no type names).

        ``create``: ``{from:{id}, to:{id}, types:[{associationCategory:"HUBSPOT_DEFINED",
        associationTypeId:279}]}``; ``archive``: ``{from:{id}, to:[{id}]}`` (``to`` is a
        list, and every association between the two records goes).

        Raises:
            InputError: an action other than create/archive, or a pair hubframe does not write.
        """
        _, type_id = _association_type(from_type, to_type)
        if _check_action(action) == "archive":
            return {"from": {"id": from_id}, "to": [{"id": to_id}]}
        return {
            "from": {"id": from_id},
            "to": {"id": to_id},
            "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": type_id}],
        }

    def association_ids(
        self, results: Sequence[Mapping[str, Any]], *, path: str | None = None
    ) -> list[str]:
        """The associated record ids of one page of :meth:`associations` (dated items
        ``{toObjectId, associationTypes:[...]}``: each record once, with all its labels).

        Raises:
            UnexpectedResponseError: an item without ``toObjectId``.
        """
        return _ids_of(results, "toObjectId", self, path)

    def association_batch_errors(
        self, action: str, status: int, data: Any, *, path: str | None = None
    ) -> list[Mapping[str, Any]]:
        """The errors an association batch answer reports (empty: every input was applied).

        Dated: ``create`` answers 201 (or 200), or 207 with ``errors[]``; ``archive``
        answers **200 with a batch body** (``status``, ``results``, ``numErrors``) where
        legacy answered 204. Errors come from ``errors[]`` in either; a 204 is still taken
        as success (v4 answered so, and an unchanged endpoint must not look like a failure).

        Raises:
            UnexpectedResponseError: a body that is not a JSON object, or ``numErrors`` > 0
                with no ``errors[]`` to say which inputs failed.
        """
        _check_action(action)
        errors = _batch_errors(data, status, self, path)
        if not errors and isinstance(data, Mapping) and _count(data.get("numErrors")) > 0:
            raise UnexpectedResponseError(
                f"HubSpot's association batch answer says {data['numErrors']} inputs failed "
                "but lists no errors",
                status=status,
                method="POST",
                path=path,
                body=data,
            )
        return errors

    def _lists(self) -> str:
        return f"/crm/lists/{self.api_version}"


def _edges_of(result: Any, paths: Paths, path: str | None) -> tuple[str, list[Edge], str | None]:
    source = result.get("from") if isinstance(result, Mapping) else None
    from_id = source.get("id") if isinstance(source, Mapping) else None
    if from_id is None or from_id == "":
        raise UnexpectedResponseError(
            f"an association batch-read result has no from.id ({paths.api_version}): "
            f"{result!r:.200}",
            method="POST",
            path=path,
            body=result,
        )
    items = result.get("to") or []
    edges: list[Edge] = []
    for to_id, item in zip(_ids_of(items, "toObjectId", paths, path), items, strict=True):
        for spec in item.get("associationTypes") or [{}]:
            spec = spec if isinstance(spec, Mapping) else {}
            type_id = spec.get("typeId")
            edges.append(
                (
                    to_id,
                    type_id if isinstance(type_id, int) and not isinstance(type_id, bool) else None,
                    spec.get("label") or None,
                    spec.get("category") or None,
                )
            )
    nxt = (result.get("paging") or {}).get("next") or {}
    after = nxt.get("after") if isinstance(nxt, Mapping) else None
    return str(from_id), edges, (str(after) if after not in (None, "") else None)


def _count(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def _ids_of(
    results: Sequence[Mapping[str, Any]], key: str, paths: Paths, path: str | None
) -> list[str]:
    ids: list[str] = []
    for item in results:
        value = item.get(key) if isinstance(item, Mapping) else None
        if value is None or value == "":
            raise UnexpectedResponseError(
                f"an association list item has no {key!r} (the {paths.api_version} shape): "
                f"{item!r:.200}",
                method="GET",
                path=path,
                body=item,
            )
        ids.append(str(value))
    return ids


def _batch_errors(
    data: Any, status: int, paths: Paths, path: str | None
) -> list[Mapping[str, Any]]:
    if data is None:
        return []
    if not isinstance(data, Mapping):
        raise UnexpectedResponseError(
            f"HubSpot's association batch answer ({paths.api_version}, HTTP {status}) is not a "
            f"JSON object: {data!r:.200}",
            status=status,
            method="POST",
            path=path,
            body=data,
        )
    errors = data.get("errors") or []
    return [e if isinstance(e, Mapping) else {"message": str(e)} for e in errors]
