"""The portal's signed links (RET-6): valid until they expire, refused when altered, dead once the data is gone,
and always a clear page with a 4xx status, never a server error."""

from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.utils import timezone

from retention.portal import tokens
from tests.hiring.factories import CandidateFactory
from tests.retention.portal.conftest import text_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def candidate(acme, invite, accept):
    invited = invite(acme.recruiter)
    accept(invited)
    return invited.candidate


def test_a_fresh_link_opens_the_candidates_own_page(candidate):
    link = tokens.issue(candidate, kind=tokens.AFTER_CONSENT)
    assert tokens.open_portal(link.token).candidate == candidate
    response = Client().get(f"/my-data/{link.token}/")
    assert response.status_code == 200
    assert candidate.name in text_of(response)
    assert "no-store" in response["Cache-Control"] and "noindex" in response["X-Robots-Tag"]


def test_the_token_stores_nothing_and_holds_no_secret(candidate):
    link = tokens.issue(candidate, kind=tokens.REQUESTED)
    payload = signing.loads(link.token, salt=tokens.SALT)
    assert payload["c"] == candidate.public_id and set(payload) == {"c", "k", "e"}


@pytest.mark.parametrize(
    ("kind", "alive", "dead"),
    [
        (tokens.REQUESTED, timedelta(minutes=59), timedelta(minutes=61)),
        (tokens.AFTER_CONSENT, timedelta(days=29, hours=23), timedelta(days=30, minutes=1)),
    ],
)
def test_links_expire_after_their_lifetime(candidate, kind, alive, dead):
    start = timezone.now()
    link = tokens.issue(candidate, kind=kind, now=start)
    with time_machine.travel(start + alive, tick=False):
        assert Client().get(f"/my-data/{link.token}/").status_code == 200
    with time_machine.travel(start + dead, tick=False):
        response = Client().get(f"/my-data/{link.token}/")
        assert response.status_code == 410
        assert "This link has expired" in text_of(response)
        assert Client().get(f"/my-data/{link.token}/export.zip").status_code == 410


def test_lifetimes_follow_the_settings(candidate, settings):
    settings.PORTAL_REQUESTED_LINK_TTL_MINUTES = 5
    start = timezone.now()
    link = tokens.issue(candidate, kind=tokens.REQUESTED, now=start)
    assert link.expires_at == start + timedelta(minutes=5)


def _altered(token: str) -> list[str]:
    body, _sep, signature = token.rpartition(":")
    flipped = "A" if signature[0] != "A" else "B"
    payload, _sep2, stamp = body.rpartition(":")
    return [
        f"{body}:{flipped}{signature[1:]}",  # signature changed
        f"{payload[:-1]}{'A' if payload[-1] != 'A' else 'B'}:{stamp}:{signature}",  # payload changed
        token[:-1],  # cut short
        signing.dumps({"c": "cand_" + "x" * 22, "k": "c", "e": 9999999999}, salt="another.salt"),  # other salt
        signing.dumps({"c": "x", "k": "c", "e": 9999999999}, salt=tokens.SALT),  # well signed, not a candidate id
        signing.dumps(["not", "a", "dict"], salt=tokens.SALT),
        "x" * 400,
        "1",
    ]


@pytest.mark.parametrize("index", range(8))
def test_an_altered_or_foreign_token_is_a_404_page_and_changes_nothing(candidate, index):
    token = _altered(tokens.issue(candidate, kind=tokens.AFTER_CONSENT).token)[index]
    before = candidate.consent.events.count()
    for path in (f"/my-data/{token}/", f"/my-data/{token}/export.zip", f"/my-data/{token}/object/"):
        response = Client().get(path)
        assert response.status_code == 404, (path, response.status_code)
        assert "This link is not valid" in text_of(response)
    response = Client().post(f"/my-data/{token}/object/", {"confirm": "on"})
    assert response.status_code == 404
    candidate.consent.refresh_from_db()
    assert candidate.consent.status == "accepted"
    assert candidate.consent.events.count() == before


def test_a_token_signed_with_another_secret_key_is_refused(candidate, settings):
    token = tokens.issue(candidate, kind=tokens.AFTER_CONSENT).token
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert Client().get(f"/my-data/{token}/").status_code == 404


def test_a_link_to_data_that_is_gone_says_so(acme):
    candidate = CandidateFactory(hiring__owner=acme.recruiter, hiring__organization=acme.organization)
    token = tokens.issue(candidate, kind=tokens.AFTER_CONSENT).token
    candidate.delete()
    response = Client().get(f"/my-data/{token}/")
    assert response.status_code == 404
    assert "There is no data behind this link any more" in text_of(response)


def test_a_client_presenting_invalid_tokens_is_held_back_on_every_link(candidate, settings):
    """As on consent's links: a guesser's IP is refused every token link for the window, a valid one too."""
    from django.core.cache import caches

    caches["ratelimit"].clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "token_link": {"ip": "2/10m"}}
    guesser = Client(REMOTE_ADDR="198.51.100.7")
    assert [guesser.get(f"/my-data/guess{n}/").status_code for n in range(2)] == [404, 404]
    valid = f"/my-data/{tokens.issue(candidate, kind=tokens.AFTER_CONSENT).token}/"
    assert guesser.get(valid).status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.8").get(valid).status_code == 200  # the candidate elsewhere is not
    caches["ratelimit"].clear()
