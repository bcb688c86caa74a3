"""Paths are built in one place and encode what they carry; the one scrubber hides tokens."""

from __future__ import annotations

import numpy as np
import pytest

import hubframe as hf
from hubframe.paths import Paths
from hubframe.tokens import REDACTED, Secret, scrub
from hubframe.validate import check_emails, check_ids


def test_paths_encode_ids_and_emails():
    paths = Paths()
    assert (
        paths.object("contacts", "a+b@example.com")
        == "/crm/v3/objects/contacts/a%2Bb%40example.com"
    )
    assert paths.workflow_enrollment("7", "x/y@z.co") == (
        "/automation/v2/workflows/7/enrollments/contacts/x%2Fy%40z.co"
    )
    assert paths.list_memberships("12", "add") == "/crm/v3/lists/12/memberships/add"
    assert paths.batch("deals", "read") == "/crm/v3/objects/deals/batch/read"


def test_every_path_starts_below_the_host():
    paths = Paths()
    for name in dir(paths):
        if name.startswith("_"):
            continue
        method = getattr(paths, name)
        n = method.__code__.co_argcount - 1
        assert method(*["1"] * n).startswith("/"), name


def test_scrub_hides_the_token_and_anything_token_like():
    text = "Bearer pat-na1-abc token=secret-42 hapikey=xyz pat-eu1-0000-1111"
    out = scrub(text, ("secret-42",))
    assert "secret-42" not in out and "abc" not in out and "xyz" not in out and "1111" not in out
    assert out.count(REDACTED) == 4


def test_secret_never_shows_and_is_not_pickled():
    import pickle

    secret = Secret("pat-na1-very-secret")
    assert "very" not in repr(secret) and "very" not in str(secret)
    with pytest.raises(TypeError):
        pickle.dumps(secret)
    hs = hf.HubSpot(token="pat-na1-very-secret-token")
    assert hs.scrub("oops pat-na1-very-secret-token leaked") == f"oops {REDACTED} leaked"


def test_ids_and_emails_come_from_one_reading_of_one_or_many():
    assert check_ids(np.array([5, 6])) == ["5", "6"]
    assert check_ids("7") == ["7"]
    assert check_emails(np.array(["a@b.co", "a@b.co"])) == ["a@b.co"]
    with pytest.raises(hf.InputError, match="emails=5 \\(int\\)"):
        check_emails(5)


@pytest.mark.parametrize("email", ["a;b@example.com", "a,b@example.com", "a b@example.com"])
def test_the_one_email_rule_refuses_separators_and_spaces(email):
    with pytest.raises(hf.InputError, match="not an email address"):
        check_emails([email])
