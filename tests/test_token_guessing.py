"""Guessing one-time links is limited per client IP (SEC-RL): found from outside, unknown consent tokens were never
rate limited (only answers on a valid link were). Unknown tokens count, GET and POST alike; past the limit every
token link refuses that IP — a known token too, or the refusal itself would tell a guesser which tokens exist.
A candidate reopening their own used link never counts."""

import secrets
from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import caches
from django.test import Client

pytestmark = pytest.mark.django_db

GUESSER = "203.0.113.66"
CANDIDATE = "198.51.100.10"


@pytest.fixture(autouse=True)
def _one_window(settings):
    caches["ratelimit"].clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "token_link": {"ip": "5/10m"}}
    with time_machine.travel(datetime(2031, 3, 3, 9, 0, tzinfo=UTC), tick=False):
        yield


def guess(client, prefix: str, ip: str = GUESSER):
    return client.get(f"{prefix}{secrets.token_urlsafe(24).replace('-', 'a').replace('_', 'b')}/", REMOTE_ADDR=ip)


def test_unknown_consent_tokens_are_limited_and_then_even_a_real_link_refuses_that_ip(acme, invite):
    invited = invite(acme.recruiter)
    client = Client()
    for _ in range(5):
        assert guess(client, "/consent/").status_code == 404
    assert guess(client, "/consent/").status_code == 429
    refused = client.get(f"/consent/{invited.token}/", REMOTE_ADDR=GUESSER)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert invited.candidate.name not in refused.content.decode()
    # The candidate, from their own network, is not locked out by someone else's guessing.
    assert Client().get(f"/consent/{invited.token}/", REMOTE_ADDR=CANDIDATE).status_code == 200


def test_reopening_a_real_link_never_counts(acme, invite):
    invited = invite(acme.recruiter)
    client = Client()
    for _ in range(12):
        assert client.get(f"/consent/{invited.token}/", REMOTE_ADDR=CANDIDATE).status_code == 200


def test_guessing_posts_count_too(acme):
    client = Client()
    for _ in range(5):
        token = secrets.token_hex(16)
        assert client.post(f"/consent/{token}/", {"action": "accept"}, REMOTE_ADDR=GUESSER).status_code in (403, 404)
    assert guess(client, "/consent/").status_code == 429


def test_unknown_invitation_tokens_share_the_same_limit(acme):
    client = Client()
    for _ in range(3):
        assert guess(client, "/consent/").status_code == 404
    for _ in range(2):
        assert guess(client, "/invitations/inv_").status_code == 404
    assert guess(client, "/invitations/inv_").status_code == 429
    assert guess(client, "/consent/").status_code == 429
