"""HubSpot error bodies: one exception type and ONE renderer.

Handlers and the store raise :class:`ApiError`; the WSGI app turns it into
HubSpot's JSON error body with :func:`render_error`, stamping the request's
correlation id (the same one it sends in ``X-HubSpot-Correlation-Id``).

HubSpot's error shape (facts §2.12): ``status: "error"``, ``message``,
``correlationId`` (a UUID), ``category``, and optionally ``subCategory``,
``context`` (key -> list of strings), ``errors`` and ``links``. Some APIs
(forms, workflows v2, rate limits) leave out ``category`` or add their own keys.
"""

from __future__ import annotations

import json
from typing import Any

__all__ = ["ApiError", "render_error", "not_found", "validation_error", "property_errors"]


class ApiError(Exception):
    """A HubSpot error response to be rendered by :func:`render_error`.

    Args:
        status: HTTP status code.
        message: HubSpot's human-readable ``message``.
        category: HubSpot's ``category`` (None leaves the key out, as some APIs do).
        context: the ``context`` map (values are lists of strings).
        errors: the ``errors`` list.
        links: the ``links`` map.
        sub_category: HubSpot's ``subCategory``.
        extra: other top-level keys (e.g. ``policyName`` on rate-limit bodies).
        headers: extra response headers (e.g. ``Retry-After``).
    """

    def __init__(
        self,
        status: int,
        message: str,
        category: str | None = None,
        *,
        context: dict[str, list[str]] | None = None,
        errors: list[dict[str, Any]] | None = None,
        links: dict[str, str] | None = None,
        sub_category: str | None = None,
        extra: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.category = category
        self.context = context
        self.errors = errors
        self.links = links
        self.sub_category = sub_category
        self.extra = extra or {}
        self.headers = headers or {}

    def body(self, correlation_id: str) -> dict[str, Any]:
        """The JSON body of this error, with ``correlation_id`` stamped in."""
        return render_error(
            self.message,
            correlation_id,
            category=self.category,
            context=self.context,
            errors=self.errors,
            links=self.links,
            sub_category=self.sub_category,
            extra=self.extra,
        )


def render_error(
    message: str,
    correlation_id: str,
    *,
    category: str | None = None,
    context: dict[str, list[str]] | None = None,
    errors: list[dict[str, Any]] | None = None,
    links: dict[str, str] | None = None,
    sub_category: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Build a HubSpot error body, keys in the order HubSpot sends them.

    Args:
        message: the ``message``.
        correlation_id: the request's correlation id (a UUID string).
        category, context, errors, links, sub_category: optional HubSpot fields.
        extra: further top-level keys, added after ``correlationId``.

    Returns:
        The body as a dict, ready for ``json.dumps``.
    """
    body: dict[str, Any] = {"status": "error", "message": message, "correlationId": correlation_id}
    if extra:
        body.update(extra)
    if context is not None:
        body["context"] = context
    if category is not None:
        body["category"] = category
    if sub_category is not None:
        body["subCategory"] = sub_category
    if errors is not None:
        body["errors"] = errors
    if links is not None:
        body["links"] = links
    return body


def missing_objects(upper_name: str, ids: list[str]) -> dict[str, Any]:
    """HubSpot's batch error for ids that do not exist, e.g. ``missing_objects("CONTACT", ["7"])``
    (facts §2.9): a 207's ``errors[]`` entry, also the body of an association 404."""
    return {
        "status": "error",
        "category": "OBJECT_NOT_FOUND",
        "message": f"Could not get some {upper_name} objects, they may be deleted or not exist. "
        "Check that ids are valid.",
        "context": {"ids": list(ids)},
        "errors": [],
        "links": {},
    }


def not_found(object_id: str) -> ApiError:
    """HubSpot's 404 for an object id that does not exist (facts §2.6, recorded)."""
    return ApiError(
        404,
        "Object not found.  objectId are usually numeric.",
        "OBJECT_NOT_FOUND",
        context={"id": [str(object_id)]},
    )


def validation_error(message: str, **kw: Any) -> ApiError:
    """A 400 ``VALIDATION_ERROR`` with ``message``."""
    return ApiError(400, message, "VALIDATION_ERROR", **kw)


def property_errors(problems: list[tuple[str, str, str]]) -> ApiError:
    """HubSpot's 400 for invalid property values.

    Args:
        problems: ``(property name, error code, message)`` per invalid value, e.g.
            ``("foo", "PROPERTY_DOESNT_EXIST", 'Property "foo" does not exist')``.

    Returns:
        An :class:`ApiError` whose message embeds the validation results as JSON,
        as HubSpot's does ("Property values were not valid: [...]").
    """
    results = [
        {
            "isValid": False,
            "message": msg,
            "error": code,
            "name": name,
            "localizedErrorMessage": msg,
        }
        for name, code, msg in problems
    ]
    return ApiError(
        400,
        "Property values were not valid: "
        + json.dumps(results, separators=(",", ":"), ensure_ascii=False),
        "VALIDATION_ERROR",
        errors=[
            {"message": msg, "code": code, "context": {"propertyName": [name]}}
            for name, code, msg in problems
        ],
    )
