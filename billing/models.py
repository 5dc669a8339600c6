"""Plans, subscriptions, the credit ledger, invoices and webhook events (SPEC section 8, BIL-1…5, SEC-HOOK)."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from interview_analyzer.public_ids import PublicIdField


class PlanQuerySet(models.QuerySet):
    def default(self):
        """The plan of an organization that has never paid (the embedded default runs on it)."""
        return self.filter(is_default=True).order_by("position", "pk").first()

    def for_code(self, code: str):
        """The plan with this code; an unknown code falls back to the default plan (fail closed, BIL-2)."""
        return self.filter(code=code).first() or self.default()


class Plan(models.Model):
    """A plan tier as data (BIL-2): what an organization on it may do. Operators edit the rows in the Django admin.

    The product reads a plan's features only through ``billing.plans.entitlements_of`` (and, for accounts, the
    floor-0 hook it registers). The Stripe price of a plan comes from settings (``STRIPE_PRICES``), not from here.
    """

    public_id = PublicIdField("pln")
    code = models.SlugField(max_length=40, unique=True, help_text=_("Stable code, stored on the organization."))
    name = models.CharField(max_length=80)
    position = models.PositiveSmallIntegerField(default=0, help_text=_("Order on the billing page."))
    is_default = models.BooleanField(default=False, help_text=_("The plan of organizations without a subscription."))
    seats = models.PositiveIntegerField(help_text=_("Active members plus pending invitations."))
    monthly_credits = models.PositiveIntegerField(help_text=_("Analysis credits granted each calendar month."))
    api_keys = models.BooleanField(help_text=_("May issue API keys (KEY-1)."))
    api_requests_per_minute = models.PositiveIntegerField(help_text=_("Per-key rate limit (KEY-7)."))

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"], condition=models.Q(is_default=True), name="billing_one_default_plan"
            )
        ]

    def __str__(self):
        return self.name
