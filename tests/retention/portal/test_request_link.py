"""Asking for a fresh portal link with an email address (RET-6): the same answer whether the address is known or
not, the link sent only to that address (one per candidate record, in that candidate's language), rate limited per
client IP and per address (SEC-RL), and a malformed address a form error."""

import re

import pytest
from django.core import mail
from django.core.cache import caches
from django.test import Client
from django.utils import timezone

from consent.models import ConsentEvent
from retention.portal import tokens
from tests.retention.portal.conftest import text_of

pytestmark = pytest.mark.django_db
PORTAL_LINK = re.compile(r"https?://[^/\s]+/my-data/(?P<token>[^/\s]+)/")


@pytest.fixture(autouse=True)
def _fresh_counters():
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


def body_without_csrf(response) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_the_answer_is_the_same_for_a_known_and_an_unknown_address(acme, invite):
    invite(acme.recruiter, email="known@mail.test")
    mail.outbox.clear()
    known = Client().post("/my-data/", {"email": "known@mail.test"})
    unknown = Client().post("/my-data/", {"email": "nobody@mail.test"})
    assert known.status_code == unknown.status_code == 200
    assert body_without_csrf(known) == body_without_csrf(unknown)
    assert "Check your email" in text_of(known)
    # Only the known address got mail, and only one link for its one candidate record.
    assert [m.to for m in mail.outbox] == [["known@mail.test"]]


def test_the_emailed_link_opens_that_candidates_portal_and_expires_in_an_hour(acme, invite):
    invited = invite(acme.recruiter, email="kim@mail.test", name="Kim Ek")
    mail.outbox.clear()
    Client().post("/my-data/", {"email": "  KIM@mail.test "})
    [message] = mail.outbox
    assert message.to == ["kim@mail.test"]
    assert "Acme" in message.subject
    token = PORTAL_LINK.search(message.body).group("token")
    opened = tokens.open_portal(token)
    assert opened.candidate == invited.candidate
    assert 59 * 60 < (opened.expires_at - timezone.now()).total_seconds() <= 60 * 60
    page = Client().get(f"/my-data/{token}/")
    assert page.status_code == 200 and "Kim Ek" in text_of(page)
    assert ConsentEvent.objects.for_operators().filter(request__candidate=invited.candidate, kind="portal_link_sent")


def test_one_email_per_candidate_record_in_each_ones_language_across_organizations(acme, globex, invite):
    first = invite(acme.recruiter, email="sam@mail.test", language="en")
    second = invite(globex.recruiter, email="sam@mail.test", language="sv")
    mail.outbox.clear()
    Client().post("/my-data/", {"email": "sam@mail.test"})
    assert len(mail.outbox) == 2
    by_candidate = {tokens.open_portal(PORTAL_LINK.search(m.body).group("token")).candidate: m for m in mail.outbox}
    assert set(by_candidate) == {first.candidate, second.candidate}
    assert "Hello" in by_candidate[first.candidate].body and "Acme" in by_candidate[first.candidate].subject
    assert "Hej" in by_candidate[second.candidate].body and "Globex" in by_candidate[second.candidate].subject


@pytest.mark.parametrize("email", ["", "not-an-email", "a@b", "<script>@x.test", "x" * 300 + "@mail.test"])
def test_a_malformed_address_is_a_form_error_and_sends_nothing(acme, invite, email):
    invite(acme.recruiter, email="kim@mail.test")
    mail.outbox.clear()
    response = Client().post("/my-data/", {"email": email})
    assert response.status_code == 400
    assert 'class="errors"' in response.content.decode()
    assert mail.outbox == []


def test_requests_are_limited_per_address(acme, invite, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "portal_link": {"ip": "100/h", "account": "2/h"}}
    invite(acme.recruiter, email="kim@mail.test")
    mail.outbox.clear()
    for _ in range(2):
        assert Client().post("/my-data/", {"email": "kim@mail.test"}).status_code == 200
    limited = Client().post("/my-data/", {"email": "Kim@Mail.test"})
    assert limited.status_code == 429
    assert len(mail.outbox) == 2
    # Another address is not held back by it.
    assert Client().post("/my-data/", {"email": "other@mail.test"}).status_code == 200


def test_requests_are_limited_per_client_ip_whatever_the_address(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "portal_link": {"ip": "3/h", "account": "100/h"}}
    client = Client(REMOTE_ADDR="203.0.113.9")
    statuses = [client.post("/my-data/", {"email": f"guess{n}@mail.test"}).status_code for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert Client(REMOTE_ADDR="203.0.113.10").post("/my-data/", {"email": "a@mail.test"}).status_code == 200


def test_the_request_page_is_public_and_private(settings):
    response = Client().get("/my-data/?lang=sv")
    assert response.status_code == 200
    assert '<html lang="sv">' in response.content.decode()
    assert "no-store" in response["Cache-Control"]
