"""What a verified Stripe event does (BIL-1, BIL-3). The signature was checked on the raw body before this runs
(``billing.webhooks``); here each event is stored by its id and acted on once, inside one transaction.

- A replayed event id changes nothing (the row exists: "duplicate").
- Out of order: subscription state carries the Stripe creation time of the event it came from; an older event
  delivered late is recorded and ignored. A cancellation and an update of the same second keep the cancellation.
- An unknown event type, or one about a customer this deployment does not know, is recorded and ignored.
- The plan follows the subscription's price (``STRIPE_PRICES``): active, trialing or past due keeps the paid plan;
  canceled, unpaid or expired returns the organization to the default plan. A bigger plan tops up this month's
  credits at once (``billing.services``).
"""

from datetime import UTC, datetime

from django.db import IntegrityError, transaction

from accounts.models import Organization
from billing import invoices, plans, services
from billing.models import BillingAccount, Invoice, Plan, WebhookEvent

PAID_STATUSES = {"active", "trialing", "past_due"}


class MalformedEvent(ValueError):
    """A signed event without the fields its type needs; nothing is stored and the sender is told 400."""


def _time(value) -> datetime:
    return datetime.fromtimestamp(int(value), tz=UTC)


def _web_url(value) -> str:
    """A link for the billing page only if it is a plain web address (never ``javascript:`` or the like)."""
    return value if isinstance(value, str) and value.startswith(("https://", "http://")) and len(value) <= 500 else ""


def _account_by_customer(customer_id) -> BillingAccount | None:
    if not customer_id:
        return None
    return BillingAccount.objects.for_operators().filter(stripe_customer_id=customer_id).first()


def _locked(account: BillingAccount) -> BillingAccount:
    return BillingAccount.objects.for_operators().select_for_update().select_related("organization").get(pk=account.pk)


def _set_plan(organization: Organization, plan: Plan) -> None:
    if organization.plan != plan.code:
        organization.plan = plan.code
        organization.save(update_fields=["plan"])
    services.grant_monthly_credits(organization)


def _checkout_completed(event: dict, session: dict) -> tuple[str, Organization | None]:
    account = _account_by_customer(session.get("customer"))
    if account is None:
        # A customer made outside this deployment's Checkout: find the organization the session names.
        organization = Organization.objects.filter(public_id=session.get("client_reference_id") or "").first()
        if organization is None or not session.get("customer"):
            return "ignored: unknown customer", None
        account = services.account_for(organization)
        if account.stripe_customer_id and account.stripe_customer_id != session["customer"]:
            return "ignored: the organization has another Stripe customer", organization
    account = _locked(account)
    fields = []
    if not account.stripe_customer_id:
        account.stripe_customer_id = session["customer"]
        fields.append("stripe_customer_id")
    if session.get("subscription") and not account.stripe_subscription_id:
        account.stripe_subscription_id = session["subscription"]
        fields.append("stripe_subscription_id")
    if fields:
        account.save(update_fields=fields)
    return "processed", account.organization


def _subscription_changed(event: dict, subscription: dict) -> tuple[str, Organization | None]:
    account = _account_by_customer(subscription.get("customer"))
    if account is None:
        return "ignored: unknown customer", None
    account = _locked(account)
    organization = account.organization
    created = _time(event["created"])
    status = subscription["status"]
    if account.subscription_event_at is not None:
        if created < account.subscription_event_at:
            return "ignored: older than the subscription state already applied", organization
        if (
            created == account.subscription_event_at
            and account.subscription_status == "canceled"
            and subscription["id"] == account.stripe_subscription_id
        ):
            return "ignored: the subscription was canceled in the same second", organization
    if (
        account.stripe_subscription_id
        and subscription["id"] != account.stripe_subscription_id
        and account.subscription_status in PAID_STATUSES
        and status not in PAID_STATUSES
    ):
        return "ignored: about a subscription that was replaced", organization
    items = (subscription.get("items") or {}).get("data") or []
    if not items:
        raise MalformedEvent("subscription without items")
    period_end = subscription.get("current_period_end") or items[0].get("current_period_end")
    account.stripe_subscription_id = subscription["id"]
    account.subscription_status = status
    account.current_period_end = _time(period_end) if period_end else None
    account.subscription_event_at = created
    account.save(
        update_fields=["stripe_subscription_id", "subscription_status", "current_period_end", "subscription_event_at"]
    )
    if status in PAID_STATUSES:
        plan = plans.plan_for_price(items[0]["price"]["id"])
        if plan is None:
            return "processed: the price is not in STRIPE_PRICES, the plan is unchanged", organization
        _set_plan(organization, plan)
    else:
        _set_plan(organization, Plan.objects.default())
    return "processed", organization


def _invoice_paid(event: dict, invoice: dict) -> tuple[str, Organization | None]:
    account = _account_by_customer(invoice.get("customer"))
    if account is None:
        return "ignored: unknown customer", None
    account = _locked(account)
    lines = (invoice.get("lines") or {}).get("data") or []
    row, created = Invoice.objects.get_or_create(
        stripe_invoice_id=invoice["id"],
        defaults={
            "organization": account.organization,
            "number": invoice.get("number") or "",
            "amount_paid": int(invoice["amount_paid"]),
            "currency": invoice["currency"],
            "description": (lines[0].get("description") or "")[:300] if lines else "",
            "buyer_name": (invoice.get("customer_name") or account.organization.name)[:200],
            "buyer_email": (invoice.get("customer_email") or "")[:254],
            "paid_at": _time(event["created"]),
            "stripe_url": _web_url(invoice.get("hosted_invoice_url")),
        },
    )
    if created:
        invoices.schedule(row)  # BIL-4: the Fakturownia invoice, issued by an actor after commit
    if account.payment_failed_at is not None and row.paid_at >= account.payment_failed_at:
        account.payment_failed_at = None
        account.save(update_fields=["payment_failed_at"])
    return "processed", account.organization


def _payment_failed(event: dict, invoice: dict) -> tuple[str, Organization | None]:
    account = _account_by_customer(invoice.get("customer"))
    if account is None:
        return "ignored: unknown customer", None
    account = _locked(account)
    failed_at = _time(event["created"])
    if account.payment_failed_at is None or failed_at > account.payment_failed_at:
        account.payment_failed_at = failed_at
        account.save(update_fields=["payment_failed_at"])
    return "processed", account.organization


HANDLERS = {
    "checkout.session.completed": _checkout_completed,
    "customer.subscription.created": _subscription_changed,
    "customer.subscription.updated": _subscription_changed,
    "customer.subscription.deleted": _subscription_changed,
    "invoice.paid": _invoice_paid,
    "invoice.payment_failed": _payment_failed,
}


def handle(event: dict) -> str:
    """Store a verified event by id and act on it once; returns the outcome ("duplicate" for a replay)."""
    try:
        event_id, type_, created = str(event["id"]), str(event["type"]), _time(event["created"])
        obj = event["data"]["object"]
    except (KeyError, TypeError, ValueError) as error:
        raise MalformedEvent("not a Stripe event") from error
    try:
        with transaction.atomic():
            record = WebhookEvent.objects.create(
                provider=WebhookEvent.Provider.STRIPE, event_id=event_id[:255], type=type_[:100], created=created
            )
            handler = HANDLERS.get(type_)
            if handler is None:
                outcome, organization = "ignored: not an event this deployment acts on", None
            else:
                try:
                    outcome, organization = handler(event, obj)
                except (KeyError, TypeError, ValueError) as error:
                    raise MalformedEvent(f"{type_} without the fields it needs") from error
            record.outcome, record.organization = outcome[:200], organization
            record.save(update_fields=["outcome", "organization"])
    except IntegrityError:
        if WebhookEvent.objects.filter(provider=WebhookEvent.Provider.STRIPE, event_id=event_id[:255]).exists():
            return "duplicate"
        raise
    return outcome
