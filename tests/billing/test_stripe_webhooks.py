"""``POST /webhooks/stripe/`` (SEC-HOOK, BIL-1, BIL-3): verified on the raw body, each event once, out-of-order safe.

Events come from the local Stripe double (the shapes Stripe sends) and are signed the way Stripe signs them. Every
refusal is a 400 with a JSON detail and leaves the database exactly as it was; no failure mode answers 5xx.
"""

import json
import time

import pytest
from django.test import Client

from billing import services
from billing.models import BillingAccount, CreditEntry, Invoice, WebhookEvent
from tests.billing.stripe_server import WEBHOOK_SECRET, sign

pytestmark = pytest.mark.django_db

URL = "/webhooks/stripe/"


def post(payload: bytes, header: str | None):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    extra = {"HTTP_STRIPE_SIGNATURE": header} if header is not None else {}
    return client.post(URL, payload, content_type="application/json", **extra)


def deliver(event: dict, *, secret=WEBHOOK_SECRET, timestamp=None):
    payload = json.dumps(event).encode()
    return post(payload, sign(payload, secret, timestamp))


def snapshot(org):
    org.organization.refresh_from_db()
    account = BillingAccount.objects.filter(organization=org.organization).values().first()
    return (
        org.organization.plan,
        account,
        list(WebhookEvent.objects.values_list("event_id", "outcome")),
        list(Invoice.objects.values_list("stripe_invoice_id", flat=True)),
        list(CreditEntry.objects.values_list("kind", "amount")),
    )


@pytest.fixture
def checkout(acme, stripe_double):
    """Acme's admin has started a Team checkout (a Stripe customer exists); returns the session's events once paid."""
    client = Client()
    client.force_login(acme.admin.user)
    location = client.post("/settings/billing/checkout", {"plan": "team"})["Location"]
    session_id = location.rsplit("/", 1)[1]
    return stripe_double.complete_checkout(session_id)


def test_a_paid_checkout_moves_the_organization_to_the_plan_with_its_credits(acme, checkout):
    completed, created, paid = checkout
    for event in (completed, created, paid):
        response = deliver(event)
        assert response.status_code == 200, response.content
        assert response.json()["outcome"] == "processed"

    acme.organization.refresh_from_db()
    account = BillingAccount.objects.get(organization=acme.organization)
    assert acme.organization.plan == "team"
    assert account.stripe_subscription_id == created["data"]["object"]["id"]
    assert account.subscription_status == "active" and account.current_period_end is not None
    assert [(kind, amount) for kind, amount in CreditEntry.objects.order_by("pk").values_list("kind", "amount")] == [
        ("grant", 100)
    ]
    invoice = Invoice.objects.get()
    assert (invoice.stripe_invoice_id, invoice.amount_paid, invoice.organization) == (
        paid["data"]["object"]["id"],
        4900,
        acme.organization,
    )
    page = Client()
    page.force_login(acme.admin.user)
    text = page.get("/settings/billing/").content.decode()
    assert 'data-testid="current-plan">Team<' in text and "100 credits left" in text


def test_credits_granted_on_the_free_plan_are_topped_up_not_doubled(acme, checkout):
    assert services.credits_left(acme.organization) == 20
    for event in checkout:
        deliver(event)
    acme.organization.refresh_from_db()
    assert services.credits_left(acme.organization) == 100


# --- refusals: nothing changes, never 5xx --------------------------------------------------------------------------


def test_a_wrong_secret_is_refused(acme, checkout):
    before = snapshot(acme)
    response = deliver(checkout[1], secret="whsec_someone_else")
    assert response.status_code == 400 and "signature" in response.json()["detail"]
    assert snapshot(acme) == before


def test_a_missing_header_is_refused(acme, checkout):
    before = snapshot(acme)
    response = post(json.dumps(checkout[1]).encode(), None)
    assert response.status_code == 400 and response.json()["detail"] == "Missing Stripe-Signature header."
    assert snapshot(acme) == before


@pytest.mark.parametrize("header", ["", "t=1,v1=", "garbage", "v1=" + "0" * 64, "t=abc,v1=" + "0" * 64])
def test_a_malformed_header_is_refused(acme, checkout, header):
    before = snapshot(acme)
    assert post(json.dumps(checkout[1]).encode(), header).status_code == 400
    assert snapshot(acme) == before


def test_a_stale_timestamp_is_refused_even_when_correctly_signed(acme, checkout, settings):
    before = snapshot(acme)
    stale = int(time.time()) - settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS - 60
    response = deliver(checkout[1], timestamp=stale)
    assert response.status_code == 400
    assert snapshot(acme) == before


def test_an_altered_body_is_refused(acme, checkout):
    before = snapshot(acme)
    payload = json.dumps(checkout[1]).encode()
    header = sign(payload, WEBHOOK_SECRET)
    altered = payload.replace(b'"price_team"', b'"price_business"')
    assert altered != payload
    assert post(altered, header).status_code == 400
    assert post(payload + b" ", header).status_code == 400  # even one byte: the raw body is what is signed
    assert snapshot(acme) == before


def test_without_a_configured_secret_every_event_is_refused(acme, checkout, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    before = snapshot(acme)
    assert deliver(checkout[1]).status_code == 400
    assert snapshot(acme) == before


def test_a_replayed_event_changes_nothing(acme, checkout):
    for event in checkout:
        deliver(event)
    before = snapshot(acme)
    for event in checkout:
        response = deliver(event)  # signed afresh, same event ids
        assert response.status_code == 200 and response.json()["outcome"] == "duplicate"
    assert snapshot(acme) == before


def test_an_unknown_event_type_is_recorded_and_ignored(acme, stripe_double):
    event = stripe_double.event("customer.tax_id.created", {"id": "txi_1", "object": "tax_id", "customer": "cus_x"})
    before = snapshot(acme)
    response = deliver(event)
    assert response.status_code == 200 and response.json()["outcome"].startswith("ignored")
    after = snapshot(acme)
    assert after[2] == [(event["id"], "ignored: not an event this deployment acts on")]
    assert (after[0], after[1], after[3], after[4]) == (before[0], before[1], before[3], before[4])


def test_an_event_about_an_unknown_customer_is_ignored(acme, stripe_double):
    subscription = stripe_double.subscription_for("cus_nobody", "price_team", {})
    before = snapshot(acme)
    response = deliver(stripe_double.event("customer.subscription.created", subscription))
    assert response.status_code == 200 and response.json()["outcome"] == "ignored: unknown customer"
    assert snapshot(acme)[0:2] == before[0:2]


@pytest.mark.parametrize(
    "payload",
    [b"{not json", b"[]", b'{"id": "evt_1"}', b'{"id": "evt_1", "type": "invoice.paid", "created": 1, "data": {}}'],
)
def test_a_signed_body_that_is_not_a_readable_event_is_refused_and_not_stored(acme, payload):
    before = snapshot(acme)
    response = post(payload, sign(payload, WEBHOOK_SECRET))
    assert response.status_code == 400
    assert snapshot(acme) == before


def test_a_signed_subscription_event_without_items_is_refused_and_not_stored(acme, checkout):
    event = checkout[1]
    event["data"]["object"].pop("items")
    before = snapshot(acme)
    assert deliver(event).status_code == 400
    assert snapshot(acme) == before


def test_get_is_not_a_webhook():
    assert Client().get(URL).status_code == 405


# --- out of order ---------------------------------------------------------------------------------------------------


def test_an_older_subscription_event_delivered_late_changes_nothing(acme, stripe_double, checkout):
    completed, created, paid = checkout
    subscription = dict(created["data"]["object"])
    subscription["items"] = {"data": [{"price": {"id": "price_business"}, "current_period_end": 2_000_000_000}]}
    upgraded = stripe_double.event("customer.subscription.updated", subscription, created=created["created"] + 60)
    assert deliver(upgraded).json()["outcome"] == "processed"
    acme.organization.refresh_from_db()
    assert acme.organization.plan == "business"
    before = snapshot(acme)

    response = deliver(created)  # the creation (Team), sent before the upgrade, arrives after it

    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored: older than the subscription state already applied"
    after = snapshot(acme)
    assert after[0] == "business" and after[1] == before[1] and after[4] == before[4]


def test_a_cancellation_then_a_late_update_keeps_the_organization_on_the_default_plan(acme, stripe_double, checkout):
    for event in checkout:
        deliver(event)
    subscription = dict(checkout[1]["data"]["object"], status="canceled")
    later = checkout[1]["created"] + 120
    assert deliver(stripe_double.event("customer.subscription.deleted", subscription, created=later)).status_code == 200
    acme.organization.refresh_from_db()
    assert acme.organization.plan == "free"
    late_update = stripe_double.event(
        "customer.subscription.updated", checkout[1]["data"]["object"], created=later - 30
    )
    same_second = stripe_double.event("customer.subscription.updated", checkout[1]["data"]["object"], created=later)
    assert deliver(late_update).json()["outcome"].startswith("ignored")
    assert deliver(same_second).json()["outcome"] == "ignored: the subscription was canceled in the same second"
    acme.organization.refresh_from_db()
    assert acme.organization.plan == "free"
    assert BillingAccount.objects.get(organization=acme.organization).subscription_status == "canceled"


def test_the_subscription_arriving_before_the_checkout_completion_is_fine(acme, checkout):
    completed, created, paid = checkout
    for event in (paid, created, completed):
        assert deliver(event).status_code == 200
    acme.organization.refresh_from_db()
    assert acme.organization.plan == "team"
    assert Invoice.objects.count() == 1


# --- payments -------------------------------------------------------------------------------------------------------


def test_a_failed_payment_is_shown_and_the_next_paid_invoice_clears_it(acme, stripe_double, checkout):
    for event in checkout:
        deliver(event)
    invoice = dict(checkout[2]["data"]["object"], id="in_failed", status="open")
    failed = stripe_double.event("invoice.payment_failed", invoice, created=checkout[2]["created"] + 10)
    assert deliver(failed).json()["outcome"] == "processed"
    page = Client()
    page.force_login(acme.admin.user)
    assert "The last payment failed" in page.get("/settings/billing/").content.decode()
    retry = dict(invoice, status="paid")
    assert deliver(stripe_double.event("invoice.paid", retry, created=checkout[2]["created"] + 20)).status_code == 200
    assert BillingAccount.objects.get(organization=acme.organization).payment_failed_at is None
    assert "The last payment failed" not in page.get("/settings/billing/").content.decode()
    assert Invoice.objects.count() == 2
