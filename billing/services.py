"""Writes of the billing domain (STYLE 2): plans, the credit ledger and the billing account (BIL-1, BIL-2, BIL-5).

The credit balance is never stored and never written by a client (BIL-5, SEC-MASS): it is the sum of the
organization's ``CreditEntry`` rows, and every function that appends one first locks the organization's
``BillingAccount`` row, so concurrent writers are serialized on PostgreSQL (``select_for_update``) and on the
embedded SQLite default (IMMEDIATE transactions).
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organization, User
from billing.models import BillingAccount, CreditEntry, Plan
from interview_analyzer.errors import Conflict


class CreditsExhausted(Conflict):
    """An analysis cannot start: the organization has fewer credits than it costs (BIL-5). The API answers 409
    ``{"detail", "code": "credits_exhausted"}``; nothing was started or stored."""

    code = "credits_exhausted"


def account_for(organization: Organization) -> BillingAccount:
    """The organization's billing account, created on first use (safe under concurrent first uses)."""
    account = BillingAccount.objects.filter(organization=organization).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return BillingAccount.objects.create(organization=organization)
    except IntegrityError:
        return BillingAccount.objects.get(organization=organization)


def _locked_account(organization: Organization) -> BillingAccount:
    """The billing account row, locked until the surrounding transaction ends: the ledger's one writer at a time."""
    account = account_for(organization)
    return BillingAccount.objects.select_for_update().get(pk=account.pk)


def _month(now=None) -> str:
    return timezone.localdate(now or timezone.now()).strftime("%Y-%m")


def _grant_monthly_credits_locked(organization: Organization, plan: Plan, now=None) -> CreditEntry | None:
    """The plan's monthly grant for this month (BIL-5); call with the account row locked.

    One grant per month and plan: the first use in a month grants the plan's credits; moving to a bigger plan during
    the month tops the month up to the bigger plan's grant (a smaller plan takes nothing back). Unused credits carry
    over to the next month.
    """
    month = _month(now)
    key = f"{month}/{plan.code}"
    grants = CreditEntry.objects.filter(organization=organization, kind=CreditEntry.Kind.GRANT)
    if grants.filter(grant_key=key).exists():
        return None
    granted = grants.filter(grant_key__startswith=f"{month}/").balance()
    amount = plan.monthly_credits - granted
    if amount <= 0 and granted:
        return None
    return CreditEntry.objects.create(
        organization=organization,
        kind=CreditEntry.Kind.GRANT,
        amount=max(amount, 0),
        grant_key=key,
        reason=_("%(plan)s plan, %(month)s") % {"plan": plan.name, "month": month},
    )


@transaction.atomic
def grant_monthly_credits(organization: Organization, *, now=None) -> CreditEntry | None:
    """Grant this month's credits of the organization's plan if not granted yet (idempotent)."""
    _locked_account(organization)
    return _grant_monthly_credits_locked(organization, Plan.objects.for_code(organization.plan), now)


def credits_left(organization: Organization) -> int:
    """The balance (BIL-5): the sum of the ledger, after this month's grant."""
    grant_monthly_credits(organization)
    return CreditEntry.objects.filter(organization=organization).balance()


def _held_by(organization: Organization, analysis_public_id: str) -> CreditEntry | None:
    """The consumption an analysis holds (reserved and not released), or None; call with the account row locked."""
    entries = CreditEntry.objects.filter(organization=organization, analysis=analysis_public_id)
    consumptions = list(entries.filter(kind=CreditEntry.Kind.CONSUMPTION).order_by("-created_at", "-pk"))
    releases = entries.filter(kind=CreditEntry.Kind.RELEASE).count()
    return consumptions[0] if len(consumptions) > releases else None


@transaction.atomic
def reserve_for_analysis(*, organization: Organization, analysis_public_id: str) -> CreditEntry:
    """Spend the credits of an analysis as it starts (BIL-1, BIL-5), or refuse it with ``CreditsExhausted``.

    The organization's account row is locked first, so of two analyses racing for the last credit exactly one is
    reserved and the other refused. Reserving an analysis that holds its credits returns that entry; an analysis
    retried after a failure released them reserves again.
    """
    _locked_account(organization)
    held = _held_by(organization, analysis_public_id)
    if held is not None:
        return held
    _grant_monthly_credits_locked(organization, Plan.objects.for_code(organization.plan))
    cost = settings.BILLING_CREDITS_PER_ANALYSIS
    left = CreditEntry.objects.filter(organization=organization).balance()
    if left < cost:
        raise CreditsExhausted(
            _(
                "Not enough analysis credits: an analysis needs %(cost)d and %(left)d are left. "
                "Nothing was started and the recording is kept. An admin can upgrade the plan on the billing page."
            )
            % {"cost": cost, "left": max(left, 0)}
        )
    return CreditEntry.objects.create(
        organization=organization,
        kind=CreditEntry.Kind.CONSUMPTION,
        amount=-cost,
        analysis=analysis_public_id,
    )


@transaction.atomic
def release_for_analysis(*, organization_id: int, analysis_public_id: str) -> CreditEntry | None:
    """Give back the credits of an analysis that failed or was stopped (BIL-5). Idempotent; nothing to give back
    for an analysis that reserved nothing."""
    organization = Organization.objects.get(pk=organization_id)
    _locked_account(organization)
    consumption = _held_by(organization, analysis_public_id)
    if consumption is None:
        return None
    return CreditEntry.objects.create(
        organization=organization,
        kind=CreditEntry.Kind.RELEASE,
        amount=-consumption.amount,
        analysis=analysis_public_id,
    )


@transaction.atomic
def adjust_credits(*, operator: User, organization: Organization, amount: int, reason: str) -> CreditEntry:
    """A platform operator's correction of an organization's credits, with the reason (BIL-5). Operators are staff
    users of the platform, not members of the organization: an organization's own admin cannot add credits."""
    if not (operator.is_active and operator.is_superuser):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the credits are adjusted.")}, code="reason")
    if amount == 0:
        raise ValidationError({"amount": _("An adjustment changes the balance.")}, code="amount")
    _locked_account(organization)
    return CreditEntry.objects.create(
        organization=organization,
        kind=CreditEntry.Kind.ADJUSTMENT,
        amount=amount,
        reason=reason[:300],
        created_by=operator,
    )
