"""Header spoofing (TST-1, SEC-IP, SEC-RL, KEY-5): forwarding headers sent by a client that is not a trusted proxy
change nothing — not the client IP that rate limits, API-key networks and audit rows use, not the links the product
emails (always ``SITE_URL``).

Every test runs in two deployments: the default (no proxy trusted) and one that trusts a proxy network the attacker
is not in (``TRUSTED_PROXY_CIDRS``). The attacker rotates a fresh forged address through every forwarding header
on every request.
"""

import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.core.cache import caches
from django.test import Client, RequestFactory

from accounts.models import AuditEvent, RefreshSession
from accounts.services import create_api_key
from interview_analyzer.client_ip import client_ip
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.66"
NEIGHBOUR = "198.51.100.20"
PROXY_NETWORK = "10.0.0.0/8"
SITE_URL = "https://interviews.example.com"
EVIL_HOST = "evil.example"
LINK = re.compile(r"https?://[^\s\"'<>]+")


def forged(n: int) -> dict:
    """Every header a proxy (or a CDN) might use to name the client, the host or the scheme, each claiming
    another address, host and scheme than the connection's."""
    address = f"192.0.2.{n % 250 + 1}"
    return {
        "HTTP_X_FORWARDED_FOR": f"{address}, 10.0.0.{n % 250 + 1}",
        "HTTP_X_REAL_IP": address,
        "HTTP_FORWARDED": f'for="{address}";proto=https;host={EVIL_HOST}',
        "HTTP_X_FORWARDED_HOST": EVIL_HOST,
        "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_X_CLIENT_IP": address,
        "HTTP_TRUE_CLIENT_IP": address,
        "HTTP_CF_CONNECTING_IP": address,
        "HTTP_X_CLUSTER_CLIENT_IP": address,
    }


@pytest.fixture(params=["nothing trusted", "a proxy network trusted"])
def deployment(request, settings):
    settings.SITE_URL = SITE_URL
    if request.param == "a proxy network trusted":
        settings.TRUSTED_PROXY_CIDRS = [PROXY_NETWORK]
    else:
        settings.TRUSTED_PROXY_HOPS, settings.TRUSTED_PROXY_CIDRS = 0, []
    caches["ratelimit"].clear()
    with time_machine.travel(datetime(2031, 3, 3, 9, 0, 1, tzinfo=UTC), tick=False):
        yield request.param


def test_no_forged_header_moves_the_client_ip(deployment):
    factory = RequestFactory()
    for n in range(20):
        request = factory.get("/", REMOTE_ADDR=ATTACKER, **forged(n))
        assert client_ip(request) == ATTACKER, (deployment, forged(n))


def test_a_sign_in_burst_with_rotating_forged_headers_is_still_limited(deployment, settings, acme):
    """SEC-RL per IP: each guess names another account (so the per-account limit never trips) and another forged
    address; the connection's address is what is counted, and a neighbour on another address is not locked out."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": {"ip": "5/10m", "account": "1000/m"}}
    answers = [
        Client()
        .post(
            "/accounts/login/",
            {"login": f"guess{n}@example.test", "password": "wrong"},
            REMOTE_ADDR=ATTACKER,
            **forged(n),
        )
        .status_code
        for n in range(8)
    ]
    assert answers[:5] == [200] * 5, answers
    assert answers[5:] == [429] * 3, answers

    # Even the right password of a real account is refused from the limited connection, whatever it claims…
    refused = Client().post(
        "/accounts/login/",
        {"login": acme.recruiter.user.email, "password": PASSWORD},
        REMOTE_ADDR=ATTACKER,
        **forged(99),
    )
    assert refused.status_code == 429
    # …while the neighbour, whose address the attacker forged nowhere, signs in.
    neighbour = Client()
    welcomed = neighbour.post(
        "/accounts/login/", {"login": acme.recruiter.user.email, "password": PASSWORD}, REMOTE_ADDR=NEIGHBOUR
    )
    assert welcomed.status_code == 302
    assert "_auth_user_id" in neighbour.session


def test_the_token_api_burst_with_rotating_forged_headers_is_still_limited(deployment, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "token": {"ip": "3/10m", "account": "1000/m"}}
    client = Client()
    answers = [
        client.post(
            "/api/v1/auth/token",
            {"email": f"guess{n}@example.test", "password": "wrong"},
            content_type="application/json",
            REMOTE_ADDR=ATTACKER,
            **forged(n),
        ).status_code
        for n in range(5)
    ]
    assert answers == [401, 401, 401, 429, 429], answers


def test_audit_rows_record_the_connection_not_a_forged_address(deployment, acme):
    admin = Client()
    admin.force_login(acme.admin.user)
    response = admin.post(
        "/settings/members/", {"email": "new.hire@acme.test", "role": "recruiter"}, REMOTE_ADDR=ATTACKER, **forged(7)
    )
    assert response.status_code == 302
    event = AuditEvent.objects.for_operators().get(action=AuditEvent.Action.MEMBER_INVITED)
    assert event.ip_address == ATTACKER

    token = Client().post(
        "/api/v1/auth/token",
        {"email": acme.recruiter.user.email, "password": PASSWORD},
        content_type="application/json",
        REMOTE_ADDR=ATTACKER,
        **forged(8),
    )
    assert token.status_code == 200
    session = RefreshSession.objects.for_operators().get(membership=acme.recruiter)
    assert session.ip_address == ATTACKER


def test_a_forged_address_does_not_pass_an_api_key_network_allowlist(deployment, acme):
    """KEY-5: a key limited to an office network is refused from elsewhere, whatever the request claims."""
    acme.organization.plan = "team"
    acme.organization.save()
    _, raw = create_api_key(actor=acme.admin, name="office", scopes=["read"], allowed_cidrs=["192.0.2.0/24"])
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    for n in range(5):
        refused = client.get("/api/v1/me", REMOTE_ADDR=ATTACKER, **forged(n))
        assert refused.status_code == 403, refused.content
        assert "detail" in refused.json()
    assert client.get("/api/v1/me", REMOTE_ADDR="192.0.2.40").status_code == 200


def test_emailed_links_are_built_on_site_url_whatever_the_request_claims(
    deployment, acme, django_capture_on_commit_callbacks
):
    """Password reset, invitation, consent request and rights-portal link: every link in every email starts with
    ``SITE_URL``, and the forged host appears in no email."""
    from tests.hiring.factories import CriterionFactory, HiringFactory

    hostile = {**forged(3), "HTTP_HOST": "127.0.0.1:6666"}
    anonymous = Client()
    admin = Client()
    admin.force_login(acme.admin.user)
    hiring = HiringFactory(owner=acme.admin, organization=acme.organization)
    CriterionFactory(hiring=hiring)
    with django_capture_on_commit_callbacks(execute=True):
        anonymous.post("/accounts/password/reset/", {"email": acme.recruiter.user.email}, **hostile)
        admin.post("/settings/members/", {"email": "new.hire@acme.test", "role": "recruiter"}, **hostile)
        admin.post(
            f"/hirings/{hiring.public_id}/candidates/new",
            {"name": "Kim Candidate", "email": "kim@mail.test", "language": "en"},
            **hostile,
        )
        anonymous.post("/my-data/", {"email": "kim@mail.test"}, **hostile)
    subjects = [m.subject for m in mail.outbox]
    assert len(mail.outbox) >= 3, subjects
    recipients = {r for m in mail.outbox for r in m.to}
    assert {acme.recruiter.user.email, "new.hire@acme.test", "kim@mail.test"} <= recipients, subjects
    for message in mail.outbox:
        text = message.body + "".join(str(content) for content, _ in getattr(message, "alternatives", []))
        links = LINK.findall(text)
        assert links, message.subject
        assert all(link.startswith(SITE_URL + "/") for link in links), (message.subject, links)
        assert EVIL_HOST not in text and "6666" not in text, message.subject


def test_a_client_outside_the_proxy_networks_cannot_claim_https(settings):
    """SEC-IP, SEC-HDR: a plain-HTTP connection from outside the trusted networks that claims ``https`` is still
    redirected to HTTPS (and so never treated as a secure request); one from the proxy is believed."""
    settings.TRUSTED_PROXY_CIDRS = [PROXY_NETWORK]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")  # what settings.py sets with a proxy
    settings.SECURE_SSL_REDIRECT = True
    from_proxy = Client().get("/legal/dpa/", REMOTE_ADDR="10.1.2.3", HTTP_X_FORWARDED_PROTO="https")
    assert from_proxy.status_code == 200
    claimed = Client().get("/legal/dpa/", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_PROTO="https")
    assert claimed.status_code == 301
    assert claimed["Location"].startswith("https://")
