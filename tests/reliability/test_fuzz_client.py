"""The client's own edges under the fuzz checks: its repr, its token, its hosts, its clock.

Each is one case that once failed (the userinfo in the repr, a token with control
characters taken, the bearer sent to the forms host, a trickled answer waited for past
the timeout), kept as an ordinary test so it stays fixed.
"""

from __future__ import annotations

import time

import pytest
from fuzz_checks import TOKEN, Fuzz
from hostile_proxy import HostileProxy

import hubframe as hf
from hubframe.sandbox import Sandbox


@pytest.fixture(scope="module")
def sb():
    with Sandbox(contacts=20, companies=2, deals=2, seed=71, token=TOKEN) as sandbox:
        yield sandbox


@pytest.fixture
def fuzz(figures):
    f = Fuzz(figures)
    yield f
    f.assert_clean()


def test_userinfo_not_in_repr(sb, fuzz):
    fuzz.add("hostile_inputs")
    hs = hf.HubSpot(TOKEN, base_url=f"http://user:s3cretpw@127.0.0.1:{sb.port}")
    assert "s3cretpw" not in repr(hs)


@pytest.mark.parametrize("bad", ["\r\nX-Injected: 1", "\x00", "\n", "\t"])
def test_token_with_control_characters_refused_at_once(sb, fuzz, bad):
    fuzz.add("hostile_inputs")
    _, err = fuzz.attempt("HubSpot(token=...)", lambda: hf.HubSpot(TOKEN[:20] + bad + TOKEN[20:],
                                                                  base_url=sb.url))  # fmt: skip
    assert isinstance(err, hf.ConfigurationError), err


def test_no_bearer_to_the_forms_host(sb, fuzz):
    """Form submissions are unauthenticated on HubSpot: the token has no business there."""
    with HostileProxy(sb.url) as forms_host:
        hs = hf.HubSpot(TOKEN, base_url=sb.url, forms_url=forms_host.url)
        with fuzz.logs():
            fuzz.attempt("submit", lambda: hs.forms.submit(sb.portal_id, sb.form_ids[0],
                                                           {"email": "fz-forms@x.example"}))  # fmt: skip
        assert forms_host.requests == 1, "the submission did not go to the forms host"
        assert forms_host.authorized == [], forms_host.authorized


def test_trickled_answer_stops_at_the_deadline(sb, fuzz):
    with HostileProxy(sb.url, lambda n, m, p: None if "/properties/" in p else "slow_trickle") as p:
        hs = hf.HubSpot(TOKEN, base_url=p.url, timeout=1.0, max_retries=0)
        start = time.monotonic()
        with fuzz.logs():
            _, err = fuzz.attempt("get_page", lambda: hs.contacts.get_page(limit=100))
        took = time.monotonic() - start
        fuzz.add("hostile_answers", sum(p.served.values()))
    assert isinstance(err, hf.HubFrameError) and took < 3.0, (err, took)
