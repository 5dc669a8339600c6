"""Stripe subscriptions (BIL-1): Checkout to subscribe, the customer portal to change or cancel.

Starting a Checkout or opening the portal changes no plan: the plan, the subscription and the credits change only
when Stripe's signed webhook says so (``billing.stripe_events``, BIL-3). An admin asks, Stripe answers.
"""

import stripe
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.models import Membership
from billing import plans, stripe_client
from billing.models import Plan
from billing.services import account_for
from interview_analyzer.permissions import check_member
from interview_analyzer.roles import Role

ACTIVE_STATUSES = ("active", "trialing", "past_due")


def _unreachable(error: stripe.StripeError) -> ValidationError:
    return ValidationError(
        _("Stripe could not be reached or refused the request (%(reason)s). Nothing was changed; try again.")
        % {"reason": error.user_message or type(error).__name__},
        code="stripe",
    )


def start_checkout(*, actor: Membership, plan_code: str, success_url: str, cancel_url: str) -> str:
    """A Stripe Checkout Session that subscribes the actor's organization to ``plan_code``; returns its URL."""
    check_member(actor, Role.ADMIN)
    if not stripe_client.is_configured():
        raise ValidationError(_("Payments are not set up on this server."), code="not_configured")
    organization = actor.organization
    plan = Plan.objects.filter(code=plan_code).first()
    price = plans.stripe_price(plan) if plan is not None else ""
    if not price:
        raise ValidationError(_("This plan cannot be bought online."), code="plan")
    account = account_for(organization)
    if account.stripe_subscription_id and account.subscription_status in ACTIVE_STATUSES:
        raise ValidationError(
            _("The organization already has a subscription: change it in the customer portal."), code="subscribed"
        )
    client = stripe_client.client()
    try:
        if not account.stripe_customer_id:
            customer = client.v1.customers.create(
                params={
                    "email": actor.user.email,
                    "name": organization.name,
                    "metadata": {"organization": organization.public_id},
                }
            )
            account.stripe_customer_id = customer.id
            account.save(update_fields=["stripe_customer_id"])
        session = client.v1.checkout.sessions.create(
            params={
                "mode": "subscription",
                "customer": account.stripe_customer_id,
                "client_reference_id": organization.public_id,
                "line_items": [{"price": price, "quantity": 1}],
                "success_url": success_url,
                "cancel_url": cancel_url,
                "metadata": {"organization": organization.public_id, "plan": plan.code},
                "subscription_data": {"metadata": {"organization": organization.public_id}},
            }
        )
    except stripe.StripeError as error:
        raise _unreachable(error) from error
    return session.url


def open_portal(*, actor: Membership, return_url: str) -> str:
    """A Stripe customer-portal session for the actor's organization; returns its URL."""
    check_member(actor, Role.ADMIN)
    if not stripe_client.is_configured():
        raise ValidationError(_("Payments are not set up on this server."), code="not_configured")
    account = account_for(actor.organization)
    if not account.stripe_customer_id:
        raise ValidationError(_("Subscribe to a plan first; the portal manages an existing subscription."), code="none")
    try:
        portal = stripe_client.client().v1.billing_portal.sessions.create(
            params={"customer": account.stripe_customer_id, "return_url": return_url}
        )
    except stripe.StripeError as error:
        raise _unreachable(error) from error
    return portal.url
