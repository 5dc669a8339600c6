"""Fakturownia invoices after a paid Stripe invoice (BIL-4), against a local HTTP double of Fakturownia's API.

Idempotent per Stripe invoice (one ``InvoiceIssue`` row, the shared step runner's lock), retried with backoff by a
real Dramatiq worker, through the outbound allowlist, with the status on the billing page.
"""

import json

import pytest
from django.test import Client

from billing import actors, invoices
from billing.models import Invoice, InvoiceIssue
from interview_analyzer import steps
from tests.billing.stripe_server import WEBHOOK_SECRET, sign

pytestmark = pytest.mark.django_db


def deliver(event):
    payload = json.dumps(event).encode()
    return Client().post(
        "/webhooks/stripe/",
        payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(payload, WEBHOOK_SECRET),
    )


def billing_page(org) -> str:
    client = Client()
    client.force_login(org.admin.user)
    return client.get("/settings/billing/").content.decode()


@pytest.fixture
def paid_events(acme, stripe_double):
    client = Client()
    client.force_login(acme.admin.user)
    location = client.post("/settings/billing/checkout", {"plan": "team"})["Location"]
    return stripe_double.complete_checkout(location.rsplit("/", 1)[1])


def pay(paid_events, django_capture_on_commit_callbacks, *, run=False):
    """Deliver the checkout's events; the actor's message is sent after commit (``run`` executes the callbacks)."""
    with django_capture_on_commit_callbacks(execute=run) as callbacks:
        for event in paid_events:
            assert deliver(event).status_code == 200
    return callbacks


def test_failing_twice_then_succeeding_issues_exactly_one_invoice(
    acme, paid_events, fakturownia, django_capture_on_commit_callbacks
):
    fakturownia.answers = [503, 503]
    callbacks = pay(paid_events, django_capture_on_commit_callbacks)
    assert len(callbacks) == 1  # one actor message per paid Stripe invoice
    issue = InvoiceIssue.objects.get()

    for attempt in (1, 2):
        with pytest.raises(steps.RetryLater):  # Dramatiq retries it with backoff
            invoices.issue(issue.public_id)
        issue.refresh_from_db()
        assert (issue.status, issue.attempts) == ("pending", attempt)
        assert issue.failure_reason == "Will retry: Fakturownia answered HTTP 503"
    assert invoices.issue(issue.public_id) is True
    assert invoices.issue(issue.public_id) is True  # a late duplicate message: done, nothing sent

    issue.refresh_from_db()
    assert (issue.status, issue.attempts, issue.number) == ("done", 3, "FV 1/12/2026")
    assert fakturownia.calls == 3 and len(fakturownia.invoices) == 1
    sent = fakturownia.invoices[0]
    stripe_invoice = paid_events[2]["data"]["object"]
    assert sent["oid"] == stripe_invoice["id"]
    assert sent["positions"][0]["total_price_gross"] == "49.00" and sent["currency"] == "EUR"
    assert sent["buyer_email"] == acme.admin.user.email
    page = billing_page(acme)
    assert "Issued" in page and "FV 1/12/2026" in page


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_with_backoff_until_fakturownia_answers(
    acme, paid_events, fakturownia, broker, worker, monkeypatch
):
    monkeypatch.setitem(actors.issue_fakturownia_invoice.options, "min_backoff", 100)
    monkeypatch.setitem(actors.issue_fakturownia_invoice.options, "max_backoff", 300)
    fakturownia.answers = [503, 503]
    for event in paid_events:
        assert deliver(event).status_code == 200  # commits for real: the message is sent

    broker.join(actors.issue_fakturownia_invoice.queue_name, timeout=30_000)
    worker.join()

    issue = InvoiceIssue.objects.get()
    assert (issue.status, issue.attempts) == ("done", 3)
    assert fakturownia.calls == 3 and len(fakturownia.invoices) == 1


def test_a_replayed_paid_invoice_issues_nothing_more(
    acme, paid_events, fakturownia, django_capture_on_commit_callbacks
):
    pay(paid_events, django_capture_on_commit_callbacks, run=True)
    with django_capture_on_commit_callbacks(execute=True) as again:
        assert deliver(paid_events[2]).json()["outcome"] == "duplicate"
    assert again == []
    assert InvoiceIssue.objects.count() == 1 and Invoice.objects.count() == 1


def test_a_refusal_is_permanent_and_shown(acme, paid_events, fakturownia, django_capture_on_commit_callbacks, settings):
    settings.FAKTUROWNIA_API_TOKEN = "wrong-token"
    pay(paid_events, django_capture_on_commit_callbacks)
    issue = InvoiceIssue.objects.get()
    assert invoices.issue(issue.public_id) is False  # no RetryLater: a 401 will not pass by waiting
    issue.refresh_from_db()
    assert (issue.status, issue.failure_reason) == ("failed", "Fakturownia refused the invoice (HTTP 401)")
    assert "Fakturownia refused the invoice (HTTP 401)" in billing_page(acme)
    assert fakturownia.invoices == []


def test_a_lost_answer_is_not_sent_again(acme, paid_events, fakturownia, django_capture_on_commit_callbacks, settings):
    settings.OUTBOUND_TIMEOUT_SECONDS = 0.5
    fakturownia.hang_seconds = 2
    fakturownia.answers = ["hang"]
    pay(paid_events, django_capture_on_commit_callbacks)
    issue = InvoiceIssue.objects.get()
    assert invoices.issue(issue.public_id) is False
    issue.refresh_from_db()
    assert issue.status == "failed"
    assert f"check there for an invoice with order id {paid_events[2]['data']['object']['id']}" in issue.failure_reason
    assert len(fakturownia.invoices) == 1  # created once, never a second time


def test_fakturownia_outside_the_outbound_allowlist_is_refused(
    acme, paid_events, fakturownia, django_capture_on_commit_callbacks, settings
):
    settings.OUTBOUND_ALLOWED_HOSTS = ["acme.fakturownia.pl"]
    pay(paid_events, django_capture_on_commit_callbacks)
    issue = InvoiceIssue.objects.get()
    assert invoices.issue(issue.public_id) is False
    issue.refresh_from_db()
    assert issue.status == "failed" and "not an allowed outbound destination" in issue.failure_reason
    assert fakturownia.calls == 0


def test_unreachable_fakturownia_is_retried(
    acme, paid_events, fakturownia, django_capture_on_commit_callbacks, settings
):
    settings.FAKTUROWNIA_URL = "http://127.0.0.1:9"
    pay(paid_events, django_capture_on_commit_callbacks)
    issue = InvoiceIssue.objects.get()
    with pytest.raises(steps.RetryLater):
        invoices.issue(issue.public_id)
    issue.refresh_from_db()
    assert issue.status == "pending" and "could not be reached" in issue.failure_reason


def test_without_fakturownia_settings_no_issue_is_made_and_the_page_says_so(
    acme, paid_events, django_capture_on_commit_callbacks, settings
):
    settings.FAKTUROWNIA_URL = ""
    callbacks = pay(paid_events, django_capture_on_commit_callbacks)
    assert callbacks == [] and InvoiceIssue.objects.count() == 0
    assert Invoice.objects.count() == 1
    assert "Fakturownia is not set up on this server" in billing_page(acme)
