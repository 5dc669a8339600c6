"""No API, form or admin path changes an organization's plan, credits, seats or organization (BIL-5, SEC-MASS).

Every endpoint of the URL configuration (enumerated, not listed) is sent the billing fields an attacker would try,
by the organization's admin; the plan, the ledger, the plan catalogue and the billing account stay exactly as they
were. The Django admin shows ledger entries and billing accounts read-only, and has no plan field on organizations.
"""

import json

import pytest
from django.test import Client

from billing import services
from billing.models import BillingAccount, CreditEntry, Plan
from tests.factories import UserFactory
from tests.security.urls_under_test import all_endpoints

pytestmark = pytest.mark.django_db

SESSION_ENDING = {"account_logout", "admin:logout"}


def billing_state(*orgs):
    return (
        [org.organization.__class__.objects.get(pk=org.organization.pk).plan for org in orgs],
        list(CreditEntry.objects.order_by("pk").values_list("organization_id", "kind", "amount")),
        list(Plan.objects.order_by("pk").values_list("code", "seats", "monthly_credits", "api_keys")),
        list(BillingAccount.objects.order_by("pk").values()),
    )


def attack(globex) -> dict:
    return {
        "plan": "enterprise",
        "credits": 100_000,
        "credits_left": 100_000,
        "balance": 100_000,
        "amount": 100_000,
        "seats": 100_000,
        "monthly_credits": 100_000,
        "organization": globex.organization.public_id,
        "organization_id": globex.organization.pk,
    }


def test_no_endpoint_takes_billing_fields_from_its_admin(acme, globex):
    services.credits_left(acme.organization)
    services.credits_left(globex.organization)
    before = billing_state(acme, globex)
    client = Client(raise_request_exception=False)
    client.force_login(acme.admin.user)
    fields = attack(globex)
    tried = 0
    for endpoint in all_endpoints():
        if endpoint.name in SESSION_ENDING:
            continue
        client.post(endpoint.path, fields)
        client.post(endpoint.path, json.dumps(fields), content_type="application/json")
        if endpoint.path.startswith("/api/"):
            client.patch(endpoint.path, json.dumps(fields), content_type="application/json")
            client.put(endpoint.path, json.dumps(fields), content_type="application/json")
        tried += 1
    assert tried > 40
    assert billing_state(acme, globex) == before


def test_a_checkout_form_with_extra_fields_asks_only_for_the_plan_of_the_members_own_organization(
    acme, globex, stripe_double
):
    client = Client()
    client.force_login(acme.admin.user)
    before = billing_state(acme, globex)
    client.post("/settings/billing/checkout", {**attack(globex), "plan": "team"})
    _, _, session = stripe_double.requests[-1]
    assert session["client_reference_id"] == acme.organization.public_id
    assert session["line_items"] == [{"price": "price_team", "quantity": "1"}]
    plans, ledger, catalogue, _accounts = billing_state(acme, globex)
    assert (plans, ledger, catalogue) == before[:3]  # only acme's Stripe customer id was added


@pytest.fixture
def operator(db):
    return UserFactory(is_staff=True, is_superuser=True)


def test_the_admin_has_no_plan_field_on_organizations(acme, globex, operator):
    client = Client()
    client.force_login(operator)
    path = f"/admin/accounts/organization/{acme.organization.pk}/change/"
    page = client.get(path)
    assert page.status_code == 200
    assert 'name="plan"' not in page.content.decode()
    before = billing_state(acme, globex)
    client.post(path, {"name": "Acme", "retention_days": 365, "plan": "enterprise"})
    assert billing_state(acme, globex) == before


def test_ledger_entries_and_accounts_are_read_only_in_the_admin(acme, operator):
    services.credits_left(acme.organization)
    entry = CreditEntry.objects.get(organization=acme.organization)
    account = BillingAccount.objects.get(organization=acme.organization)
    client = Client()
    client.force_login(operator)
    before = billing_state(acme)

    listing = client.get("/admin/billing/creditentry/")
    detail = client.get(f"/admin/billing/creditentry/{entry.pk}/change/")
    assert listing.status_code == 200 and detail.status_code == 200
    assert 'name="amount"' not in detail.content.decode()
    assert client.post(f"/admin/billing/creditentry/{entry.pk}/change/", {"amount": 100_000}).status_code == 403
    assert client.get("/admin/billing/creditentry/add/").status_code == 403
    assert client.post(f"/admin/billing/creditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    assert (
        client.post(f"/admin/billing/billingaccount/{account.pk}/change/", {"stripe_customer_id": "x"}).status_code
        == 403
    )
    assert billing_state(acme) == before


def test_staff_who_are_not_operators_do_not_see_platform_records(acme):
    acme.admin.user.is_staff = True
    acme.admin.user.save()
    client = Client()
    client.force_login(acme.admin.user)
    assert client.get("/admin/billing/webhookevent/").status_code == 403
    assert client.get("/admin/billing/undeliverableaddress/").status_code == 403


def test_an_operator_adjusts_credits_in_the_admin_with_a_reason(acme, operator):
    services.credits_left(acme.organization)
    account = BillingAccount.objects.get(organization=acme.organization)
    client = Client()
    client.force_login(operator)
    path = f"/admin/billing/billingaccount/{account.pk}/adjust-credits/"
    change = client.get(f"/admin/billing/billingaccount/{account.pk}/change/").content.decode()
    assert "Adjust credits with a reason" in change and "20" in change

    before = billing_state(acme)
    assert client.post(path, {"amount": 50, "reason": ""}).status_code == 400
    assert billing_state(acme) == before

    response = client.post(path, {"amount": 50, "reason": "Goodwill after an outage"})
    assert response.status_code == 302
    entry = CreditEntry.objects.filter(organization=acme.organization).order_by("-pk").first()
    assert (entry.kind, entry.amount, entry.reason, entry.created_by) == (
        "adjustment",
        50,
        "Goodwill after an outage",
        operator,
    )
    assert services.credits_left(acme.organization) == 70


def test_staff_members_cannot_adjust_credits(acme):
    services.credits_left(acme.organization)
    account = BillingAccount.objects.get(organization=acme.organization)
    acme.admin.user.is_staff = True
    acme.admin.user.save()
    client = Client()
    client.force_login(acme.admin.user)
    before = billing_state(acme)
    response = client.post(f"/admin/billing/billingaccount/{account.pk}/adjust-credits/", {"amount": 9, "reason": "x"})
    assert response.status_code in (302, 403)
    assert billing_state(acme) == before
