"""The error tree: each status maps to the class that says what happened, with the status HubSpot sent."""

from __future__ import annotations

import pandas as pd
import pytest

import hubframe as hf
from hubframe.errors import error_from_response


def test_403_missing_scopes_names_the_scopes():
    body = {
        "status": "error",
        "category": "MISSING_SCOPES",
        "message": "This app hasn't been granted all required scopes to make this call.",
        "errors": [{"context": {"requiredGranularScopes": ["crm.objects.deals.read"]}}],
    }
    err = error_from_response(403, body, method="GET", path="/crm/v3/objects/deals")
    assert type(err) is hf.MissingScopesError and isinstance(err, hf.ForbiddenError)
    assert err.status == 403 and err.scopes == ["crm.objects.deals.read"]
    assert "crm.objects.deals.read" in err.hint()


@pytest.mark.parametrize(
    "body",
    [
        {"status": "error", "category": "FORBIDDEN", "message": "This portal is locked."},
        "<html><body><h1>403 Forbidden</h1>nginx</body></html>",
    ],
)
def test_other_403s_are_forbidden_and_do_not_ask_for_scopes(body):
    err = error_from_response(403, body, method="GET", path="/crm/v3/objects/contacts")
    assert type(err) is hf.ForbiddenError and err.status == 403
    assert "scope" not in err.hint().lower().replace("not for a missing scope", "")
    assert "proxy" in err.hint()


def test_a_batch_refused_in_whole_is_a_batch_error_with_every_input(fresh_sandbox, fresh_hs):
    taken = fresh_hs.contacts.get_page(limit=2, properties=["email"])["email"].tolist()
    rows = [{"email": taken[0], "firstname": "A"}, {"email": taken[1], "firstname": "B"}]
    with pytest.raises(hf.BatchError) as info:
        fresh_hs.contacts.create(rows)
    err = info.value
    assert err.status == 207  # what HubSpot sent, not a status made up from the body
    sent = {"2026-09": "/crm/objects/2026-09", "legacy": "/crm/v3/objects"}[fresh_hs.api_version]
    assert err.path == f"{sent}/contacts/batch/create"
    assert [f["row"] for f in err.failures] == [0, 1]
    assert [f["input"]["email"] for f in err.failures] == taken
    assert all(f["category"] == "CONFLICT" for f in err.failures)
    assert "update them instead" in str(err)


def test_a_partly_refused_update_keeps_the_written_rows_and_names_the_others(fresh_hs):
    ids = fresh_hs.contacts.get_page(limit=2)["id"].tolist()
    df = pd.DataFrame({"id": [ids[0], "999999", ids[1]], "lastname": ["X", "Y", "Z"]})
    with pytest.warns(hf.HubFrameWarning, match="1 of 3 contacts were not updated"):
        out = fresh_hs.contacts.update(df)
    assert out["id"].tolist() == [ids[0], ids[1]]
    assert out.attrs["failed"] == [
        {
            "id": "999999",
            "row": 1,
            "position": 1,
            "message": "not found (never created, or deleted)",
        }
    ]


def test_add_contact_to_a_missing_company_is_a_batch_error_naming_both_ids(fresh_hs):
    contact = fresh_hs.contacts.get_page(limit=1)["id"].iloc[0]
    with pytest.raises(hf.BatchError) as info:
        fresh_hs.companies.add_contact("999999", contact)
    err = info.value
    sent = {
        "2026-09": "/crm/associations/2026-09/contacts/companies/batch/create",
        "legacy": "/crm/v3/associations/contact/company/batch/create",
    }[fresh_hs.api_version]
    assert err.status == 207 and err.path == sent
    assert "company 999999" in str(err) and "Check both ids" in str(err)


def test_the_drawn_tree_is_the_class_tree():
    """Every error class hubframe exports is in errors.py's drawing, under its real parent."""
    import hubframe.errors as errors

    drawing = errors.__doc__.split("::", 1)[1].split("\n\n", 2)[1].splitlines()
    parents: dict[str, str] = {}
    stack: list[tuple[int, str]] = []
    for line in drawing:
        name = line.lstrip(" │├└─").split()[0]
        depth = len(line) - len(line.lstrip(" │├└─"))
        while stack and stack[-1][0] >= depth:
            stack.pop()
        parents[name] = stack[-1][1] if stack else ""
        stack.append((depth, name))
    classes = {
        n
        for n in hf.__all__
        if isinstance(getattr(hf, n), type) and issubclass(getattr(hf, n), hf.HubFrameError)
    }
    assert classes == set(parents)
    for name, parent in parents.items():
        if parent:
            assert getattr(hf, name).__bases__[0] is getattr(hf, parent), name
