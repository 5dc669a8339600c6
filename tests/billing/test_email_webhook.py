"""``POST /webhooks/email/`` (SEC-HOOK, INT-2): the email provider's bounces and complaints, HMAC-SHA256 over
"<timestamp>.<raw body>" with ``EMAIL_WEBHOOK_SECRET``. A bounce marks the address undeliverable, and the candidate
page says that email to the candidate does not arrive. Every refusal is a 400 that changes nothing."""

import hashlib
import hmac
import json
import time

import pytest
from django.test import Client

from billing.email_events import address_sha256, undeliverable
from billing.models import UndeliverableAddress, WebhookEvent

pytestmark = pytest.mark.django_db

URL = "/webhooks/email/"
SECRET = "email-webhook-test-secret"


@pytest.fixture(autouse=True)
def _secret(settings):
    settings.EMAIL_WEBHOOK_SECRET = SECRET


def signature(payload: bytes, timestamp: int, secret: str = SECRET) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()


def post(payload: bytes, *, timestamp=None, sig=None, headers=True):
    timestamp = int(time.time()) if timestamp is None else timestamp
    extra = {}
    if headers:
        extra = {
            "HTTP_X_WEBHOOK_TIMESTAMP": str(timestamp),
            "HTTP_X_WEBHOOK_SIGNATURE": sig or signature(payload, timestamp),
        }
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    return client.post(URL, payload, content_type="application/json", **extra)


def bounce(recipient="kim@mail.test", event_id="em_1", type_="bounce") -> bytes:
    return json.dumps({"id": event_id, "type": type_, "recipient": recipient, "created": int(time.time())}).encode()


def snapshot():
    return (
        list(UndeliverableAddress.objects.values_list("address_sha256", "kind")),
        list(WebhookEvent.objects.values_list("event_id", "outcome")),
    )


def test_a_bounce_marks_the_address_and_stores_only_its_hash():
    response = post(bounce("Kim@Mail.Test"))
    assert response.status_code == 200 and response.json()["outcome"] == "processed"
    marked = undeliverable("kim@mail.test")
    assert marked.kind == "bounce" and marked.address_sha256 == address_sha256("kim@mail.test")
    assert "kim" not in str(UndeliverableAddress.objects.values().get())


def test_a_complaint_later_changes_the_reason():
    post(bounce())
    post(bounce(event_id="em_2", type_="complaint"))
    assert undeliverable("kim@mail.test").kind == "complaint"


def test_the_candidate_page_says_email_does_not_arrive(acme, invite):
    invited = invite(acme.recruiter, email="robin@mail.test")
    page = Client()
    page.force_login(acme.recruiter.user)
    path = f"/candidates/{invited.candidate.public_id}/"
    assert "Email to this candidate does not arrive" not in page.get(path).content.decode()
    post(bounce("robin@mail.test"))
    text = page.get(path).content.decode()
    assert "Email to this candidate does not arrive" in text
    assert "that this address bounces" in text


@pytest.mark.parametrize(
    "case",
    ["wrong secret", "missing timestamp", "missing signature", "stale", "future", "altered body", "not a number"],
)
def test_unsigned_stale_or_altered_requests_are_refused_and_change_nothing(case):
    payload = bounce()
    now = int(time.time())
    before = snapshot()
    if case == "wrong secret":
        response = post(payload, sig=signature(payload, now, "someone-else"))
    elif case == "missing timestamp":
        response = Client().post(URL, payload, content_type="application/json", HTTP_X_WEBHOOK_SIGNATURE="ab")
    elif case == "missing signature":
        response = Client().post(URL, payload, content_type="application/json", HTTP_X_WEBHOOK_TIMESTAMP=str(now))
    elif case in ("stale", "future"):
        when = now - 3600 if case == "stale" else now + 3600
        response = post(payload, timestamp=when, sig=signature(payload, when))
    elif case == "altered body":
        response = post(bounce("someone.else@mail.test"), sig=signature(payload, now), timestamp=now)
    else:
        response = Client().post(
            URL,
            payload,
            content_type="application/json",
            HTTP_X_WEBHOOK_TIMESTAMP="soon",
            HTTP_X_WEBHOOK_SIGNATURE="ab",
        )
    assert response.status_code == 400 and response.json()["detail"]
    assert snapshot() == before


def test_without_a_configured_secret_everything_is_refused(settings):
    settings.EMAIL_WEBHOOK_SECRET = ""
    assert post(bounce()).status_code == 400
    assert snapshot() == ([], [])


def test_a_replayed_event_changes_nothing():
    post(bounce())
    before = snapshot()
    response = post(bounce())  # same id, signed afresh
    assert response.status_code == 200 and response.json()["outcome"] == "duplicate"
    assert snapshot() == before


def test_an_unknown_event_type_is_recorded_and_ignored():
    response = post(bounce(type_="delivered"))
    assert response.status_code == 200 and response.json()["outcome"].startswith("ignored")
    assert UndeliverableAddress.objects.count() == 0
    assert WebhookEvent.objects.get().type == "delivered"


@pytest.mark.parametrize(
    "payload",
    [
        b"{not json",
        b"[]",
        b'{"type": "bounce"}',
        b'{"id": "x", "type": "bounce"}',
        b'{"id": "x", "type": "bounce", "recipient": 5}',
    ],
)
def test_a_signed_body_that_is_not_a_readable_event_is_refused_and_not_stored(payload):
    response = post(payload)
    assert response.status_code == 400
    assert snapshot() == ([], [])


def test_get_is_not_a_webhook():
    assert Client().get(URL).status_code == 405
