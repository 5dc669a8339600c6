"""Checkout and the customer portal through the real ``stripe`` client against the local Stripe double (BIL-1).

Asking for a Checkout changes nothing but the Stripe customer id: the plan moves only when Stripe's signed webhook
says so (tests/billing/test_stripe_webhooks.py).
"""

import pytest
from django.test import Client
from django.utils import translation

from billing.models import BillingAccount, CreditEntry
from interview_analyzer.roles import ROLE_ORDER, Role

pytestmark = pytest.mark.django_db


def browser(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def state(org):
    org.organization.refresh_from_db()
    return (
        org.organization.plan,
        list(
            BillingAccount.objects.filter(organization=org.organization)
            .exclude(stripe_subscription_id="")
            .values_list("stripe_subscription_id", "subscription_status")
        ),
        CreditEntry.objects.filter(organization=org.organization).count(),
    )


def test_an_admin_is_sent_to_stripe_checkout_for_the_plans_price(acme, stripe_double):
    before = state(acme)
    response = browser(acme.admin).post("/settings/billing/checkout", {"plan": "team"})

    assert response.status_code == 302
    assert response["Location"].startswith(f"{stripe_double.base_url}/c/pay/cs_test_")
    (_, customer_path, customer), (_, session_path, session) = stripe_double.requests
    assert customer_path == "/v1/customers" and customer["metadata"] == {"organization": acme.organization.public_id}
    assert session_path == "/v1/checkout/sessions"
    assert session["line_items"] == [{"price": "price_team", "quantity": "1"}]
    assert session["client_reference_id"] == acme.organization.public_id
    assert session["success_url"].endswith("/settings/billing/?checkout=done")
    account = BillingAccount.objects.get(organization=acme.organization)
    assert account.stripe_customer_id == session["customer"]
    assert state(acme) == before  # the plan waits for Stripe's webhook


def test_a_second_checkout_reuses_the_stripe_customer(acme, stripe_double):
    admin = browser(acme.admin)
    admin.post("/settings/billing/checkout", {"plan": "team"})
    admin.post("/settings/billing/checkout", {"plan": "business"})
    assert [path for _, path, _ in stripe_double.requests].count("/v1/customers") == 1


@pytest.mark.parametrize("role", [r for r in ROLE_ORDER if r != Role.ADMIN])
def test_only_admins_may_start_a_checkout_or_open_the_portal(acme, stripe_double, role):
    client = browser(acme.member(role))
    before = state(acme)
    assert client.post("/settings/billing/checkout", {"plan": "team"}).status_code == 403
    assert client.post("/settings/billing/portal").status_code == 403
    assert client.get("/settings/billing/").status_code == 403
    assert stripe_double.requests == []
    assert state(acme) == before


@pytest.mark.parametrize(
    "plan, message",
    [
        ("enterprise", "This plan cannot be bought online."),
        ("platinum", "Choose a plan to subscribe to."),
        ("", "Choose"),
    ],
)
def test_a_plan_without_a_price_or_an_unknown_one_is_a_message_and_asks_stripe_nothing(
    acme, stripe_double, plan, message
):
    response = browser(acme.admin).post("/settings/billing/checkout", {"plan": plan}, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert stripe_double.requests == []


def test_stripe_unreachable_is_a_message_not_an_error_page(acme, stripe_double, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    response = browser(acme.admin).post("/settings/billing/checkout", {"plan": "team"}, follow=True)
    assert response.status_code == 200
    assert "Stripe could not be reached or refused the request" in response.content.decode()


def test_a_stripe_host_outside_the_outbound_allowlist_is_refused(acme, stripe_double, settings):
    settings.OUTBOUND_ALLOWED_HOSTS = ["api.stripe.com"]
    response = browser(acme.admin).post("/settings/billing/checkout", {"plan": "team"}, follow=True)
    assert "Stripe could not be reached or refused the request" in response.content.decode()
    assert stripe_double.requests == []


def test_a_wrong_secret_key_is_a_message(acme, stripe_double, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_wrong"
    response = browser(acme.admin).post("/settings/billing/checkout", {"plan": "team"}, follow=True)
    assert "Stripe could not be reached or refused the request" in response.content.decode()
    assert not BillingAccount.objects.exclude(stripe_customer_id="").exists()


def test_the_portal_needs_a_customer_then_opens_stripes_portal(acme, stripe_double):
    admin = browser(acme.admin)
    first = admin.post("/settings/billing/portal", follow=True)
    assert "Subscribe to a plan first" in first.content.decode()
    admin.post("/settings/billing/checkout", {"plan": "team"})
    response = admin.post("/settings/billing/portal")
    assert response.status_code == 302
    assert response["Location"].startswith(f"{stripe_double.base_url}/p/session/bps_")
    _, path, params = stripe_double.requests[-1]
    assert path == "/v1/billing_portal/sessions" and params["return_url"].endswith("/settings/billing/")


def test_without_stripe_settings_the_page_says_the_free_plan_and_its_grant(acme, settings):
    settings.STRIPE_SECRET_KEY = ""
    page = browser(acme.admin).get("/settings/billing/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "Payments are not set up on this server: every organization is on the Free plan" in text
    assert "with 20 analysis credits each month" in text
    assert "20 credits left" in text
    assert "Subscribe to" not in text
    response = browser(acme.admin).post("/settings/billing/checkout", {"plan": "team"}, follow=True)
    assert "Payments are not set up on this server." in response.content.decode()


def test_the_page_shows_plan_seats_credits_and_the_ledger(acme, stripe_double):
    page = browser(acme.admin).get("/settings/billing/")
    text = page.content.decode()
    assert "4 of 5 used" in text
    assert "20 credits left" in text
    assert "Monthly grant" in text and "+20" in text
    assert "Subscribe to Team" in text and "Subscribe to Business" in text
    assert "Subscribe to Enterprise" not in text


def test_the_billing_page_allows_its_buttons_to_reach_stripe_and_nothing_else(acme, stripe_double, settings):
    page = browser(acme.admin).get("/settings/billing/")
    assert f"form-action 'self' {stripe_double.base_url};" in page["Content-Security-Policy"]
    settings.STRIPE_API_BASE = "https://api.stripe.com"
    page = browser(acme.admin).get("/settings/billing/")
    assert (
        "form-action 'self' https://checkout.stripe.com https://billing.stripe.com;" in page["Content-Security-Policy"]
    )
    settings.STRIPE_SECRET_KEY = ""
    assert "form-action 'self';" in browser(acme.admin).get("/settings/billing/")["Content-Security-Policy"]


def test_the_billing_page_reads_in_swedish(acme, settings):
    settings.STRIPE_SECRET_KEY = ""
    client = browser(acme.admin)
    try:
        text = client.get("/settings/billing/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    finally:
        translation.activate(settings.LANGUAGE_CODE)  # the request's language must not outlive this test
    assert "Analyskrediter" in text and "20 krediter kvar" in text and "4 av 5 används" in text
    assert "Betalningar är inte konfigurerade på den här servern" in text
