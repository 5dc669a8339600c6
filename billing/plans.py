"""The plan catalogue and what each plan entitles an organization to (BIL-2, KEY-1, KEY-7).

Plans are rows of ``billing.Plan``. ``ensure_default_plans`` creates the shipped catalogue on ``post_migrate`` (like
``django.contrib.sites`` creates its site), so a fresh database, and every test database after a flush, has the
plans; it never overwrites a row an operator has edited. ``entitlements_of`` is the one reader of a plan's features,
registered in ``BillingConfig.ready()`` as the answerer of ``interview_analyzer.entitlements`` so that accounts can
gate API keys, rate limits and seats without importing billing.
"""

from django.conf import settings

from interview_analyzer.entitlements import NOTHING, Entitlements

# code, name, seats, API keys, requests per minute per key, monthly credits (None: BILLING_FREE_MONTHLY_CREDITS)
DEFAULT_CATALOGUE = [
    ("free", "Free", 5, False, 0, None),
    ("team", "Team", 25, True, 60, 100),
    ("business", "Business", 100, True, 300, 500),
    ("enterprise", "Enterprise", 1000, True, 1200, 5000),
]


def ensure_default_plans(**kwargs) -> None:
    """Create missing plans of the shipped catalogue (a ``post_migrate`` receiver; idempotent)."""
    from billing.models import Plan

    for position, (code, name, seats, api_keys, per_minute, credits) in enumerate(DEFAULT_CATALOGUE):
        Plan.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "position": position,
                "is_default": position == 0 and not Plan.objects.filter(is_default=True).exists(),
                "seats": seats,
                "api_keys": api_keys,
                "api_requests_per_minute": per_minute,
                "monthly_credits": settings.BILLING_FREE_MONTHLY_CREDITS if credits is None else credits,
            },
        )


def entitlements_of(organization) -> Entitlements:
    """The features of the organization's plan (BIL-2). An unknown plan code reads as the default plan."""
    from billing.models import Plan

    plan = Plan.objects.for_code(organization.plan)
    if plan is None:
        return NOTHING
    return Entitlements(
        plan=plan.code,
        plan_name=plan.name,
        api_keys=plan.api_keys,
        api_requests_per_minute=plan.api_requests_per_minute,
        seats=plan.seats,
        monthly_credits=plan.monthly_credits,
    )


def stripe_price(plan) -> str:
    """The Stripe price id of a plan (``STRIPE_PRICES``), or "" when it cannot be bought through Checkout."""
    return settings.STRIPE_PRICES.get(plan.code, "")


def plan_for_price(price_id: str):
    """The plan a Stripe price id sells, or None for a price this deployment does not know."""
    from billing.models import Plan

    codes = [code for code, price in settings.STRIPE_PRICES.items() if price and price == price_id]
    return Plan.objects.filter(code__in=codes).first() if codes else None
