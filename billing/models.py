"""Plans, subscriptions, the credit ledger, invoices and webhook events (SPEC section 8, BIL-1…5, SEC-HOOK)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interview_analyzer.public_ids import PublicIdField
from interview_analyzer.roles import Role
from interview_analyzer.steps import StepRecord
from interview_analyzer.tenancy import TenantModel, TenantQuerySet


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


class BillingAccountQuerySet(TenantQuerySet):
    def restrict_to(self, member):
        return self if member.role == Role.ADMIN else self.none()


class BillingAccount(TenantModel):
    """One per organization: its Stripe customer and subscription, and the row every credit write locks (BIL-1, BIL-5).

    It holds no balance: the balance is the sum of ``CreditEntry`` rows. Reserving credits takes
    ``select_for_update`` on this row, so two analyses racing for the last credit are serialized and exactly one
    starts. Subscription fields are written only by verified Stripe webhooks (BIL-3); ``subscription_event_at`` is
    the Stripe creation time of the event they came from, so an older event delivered late changes nothing.
    """

    public_id = PublicIdField("bac")
    stripe_customer_id = models.CharField(max_length=255, blank=True, db_index=True)
    stripe_subscription_id = models.CharField(max_length=255, blank=True, db_index=True)
    subscription_status = models.CharField(max_length=40, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    subscription_event_at = models.DateTimeField(null=True, blank=True)
    payment_failed_at = models.DateTimeField(null=True, blank=True, help_text=_("Cleared by the next paid invoice."))
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = BillingAccountQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="billing_one_account_per_org")]

    def __str__(self):
        return f"Billing account of organization {self.organization_id}"


class AppendOnly(Exception):
    """Ledger entries are written once and never changed or deleted (BIL-5)."""


class CreditEntryQuerySet(TenantQuerySet):
    def restrict_to(self, member):
        return self if member.role == Role.ADMIN else self.none()

    def balance(self) -> int:
        return self.aggregate(total=models.Sum("amount"))["total"] or 0

    def update(self, **kwargs):
        raise AppendOnly("Credit entries cannot be changed (BIL-5).")


class CreditEntry(TenantModel):
    """One line of an organization's credit ledger (BIL-5). The balance is the sum of ``amount``; nothing stores it.

    Entries are appended by ``billing.services`` only: the monthly grant of the plan, a consumption when an analysis
    starts (negative, naming the analysis), its release when the analysis fails, and an operator's adjustment with a
    reason. A constraint makes the grant idempotent (one per month and plan); an analysis holds at most one
    unreleased consumption, checked with the account row locked (an analysis retried after a failure reserves again).
    """

    class Kind(models.TextChoices):
        GRANT = "grant", _("Monthly grant")
        CONSUMPTION = "consumption", _("Analysis")
        RELEASE = "release", _("Analysis failed: credits returned")
        ADJUSTMENT = "adjustment", _("Adjustment by an operator")

    public_id = PublicIdField("crd")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    amount = models.IntegerField()
    grant_key = models.CharField(
        max_length=60, blank=True, help_text=_("Month and plan of a grant, e.g. 2026-12/team.")
    )
    analysis = models.CharField(max_length=64, blank=True, db_index=True, help_text=_("Public id of the analysis."))
    reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    objects = CreditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "grant_key"], condition=models.Q(kind="grant"), name="billing_one_grant_per_key"
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.amount:+d}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnly("Credit entries cannot be changed (BIL-5).")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnly("Credit entries cannot be deleted (BIL-5).")


class WebhookEvent(TenantModel):
    """Each verified inbound webhook event, stored by the provider's event id before it is acted on (SEC-HOOK,
    BIL-3): a replay of a stored id changes nothing. Only the id, type, time and outcome are kept, no payload.

    A tenant model like every row that names an organization (ORG-5: members see their organization's events through
    ``visible_to``), except that its organization is known only once the event is matched to a customer, and an
    unmatched event belongs to no one: operators see those (``for_operators``)."""

    class Provider(models.TextChoices):
        STRIPE = "stripe", "Stripe"
        EMAIL = "email", _("Email provider")

    provider = models.CharField(max_length=20, choices=Provider.choices)
    event_id = models.CharField(max_length=255)
    type = models.CharField(max_length=100)
    created = models.DateTimeField(help_text=_("When the provider created the event."))
    received_at = models.DateTimeField(default=timezone.now, editable=False)
    outcome = models.CharField(max_length=200, blank=True)
    organization = models.ForeignKey(
        "accounts.Organization", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "event_id"], name="billing_webhook_event_once"),
        ]

    def __str__(self):
        return f"{self.provider} {self.type} {self.event_id}"


class InvoiceQuerySet(TenantQuerySet):
    def restrict_to(self, member):
        return self if member.role == Role.ADMIN else self.none()


class Invoice(TenantModel):
    """A paid Stripe invoice of the organization (BIL-4), one row per Stripe invoice id."""

    public_id = PublicIdField("ivc")
    stripe_invoice_id = models.CharField(max_length=255, unique=True)
    number = models.CharField(max_length=100, blank=True)
    amount_paid = models.PositiveIntegerField(help_text=_("In the currency's smallest unit (cents)."))
    currency = models.CharField(max_length=3)
    description = models.CharField(max_length=300, blank=True)
    buyer_name = models.CharField(max_length=200, blank=True, help_text=_("As on the Stripe invoice."))
    buyer_email = models.EmailField(blank=True, help_text=_("As on the Stripe invoice."))
    paid_at = models.DateTimeField()
    stripe_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = InvoiceQuerySet.as_manager()

    class Meta:
        ordering = ["-paid_at", "-pk"]

    def __str__(self):
        return self.number or self.stripe_invoice_id

    @property
    def amount(self) -> str:
        return f"{self.amount_paid / 100:.2f} {self.currency.upper()}"


class InvoiceIssueQuerySet(TenantQuerySet):
    def restrict_to(self, member):
        return self if member.role == Role.ADMIN else self.none()


class InvoiceIssue(StepRecord, TenantModel):
    """Issuing a paid Stripe invoice in Fakturownia (BIL-4): one row per invoice, so one Fakturownia invoice per Stripe
    invoice. Its state is the shared step runner's (``interview_analyzer.steps``): pending, running, done, or failed
    with the reason shown on the billing page; the Dramatiq actor retries with backoff what may pass."""

    public_id = PublicIdField("fki")
    invoice = models.OneToOneField(Invoice, on_delete=models.CASCADE, related_name="issue", editable=False)
    fakturownia_id = models.CharField(max_length=64, blank=True)
    number = models.CharField(max_length=100, blank=True)
    view_url = models.URLField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = InvoiceIssueQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Fakturownia invoice for {self.invoice}"


class UndeliverableAddress(models.Model):
    """An email address the provider reported as bouncing or complaining (INT-2), so people can see that consent
    links and warnings sent there do not arrive. Only a SHA-256 of the lower-cased address is kept, never the
    address itself: a candidate erased later leaves nothing readable here."""

    class Kind(models.TextChoices):
        BOUNCE = "bounce", _("bounces")
        COMPLAINT = "complaint", _("marked our email as spam")

    address_sha256 = models.CharField(max_length=64, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    first_reported_at = models.DateTimeField(default=timezone.now, editable=False)
    last_reported_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-last_reported_at"]

    def __str__(self):
        return f"{self.address_sha256[:12]}… {self.kind}"
