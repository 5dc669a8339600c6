"""Consent requests, their one-time links and their history (SPEC section 5, CON-1…CON-6).

A candidate belongs to one hiring, and their consent is recorded against that hiring, never globally (CON-3): one
``ConsentRequest`` per candidate, holding the hiring it is for. The candidate reaches it through ``ConsentLink`` rows:
a single-use, expiring consent link (only its SHA-256 hash is stored, CON-1), and after accepting a portal link to
withdraw later (CON-5). Resending voids the previous consent link (CON-6). ``ConsentEvent`` is the consent app's
own audit table: who did what to the request, and when (OPS-1).

Everything cascades from the candidate, so the retention app's erasure of a candidate removes their consent record
and links with them (RET-4); a link to an erased candidate is then simply unknown.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import Membership
from hiring.models import Candidate, Hiring, sees_every_hiring
from interview_analyzer.public_ids import PublicIdField
from interview_analyzer.tenancy import TenantModel, TenantQuerySet


class ConsentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting answer")
    ACCEPTED = "accepted", _("Consented")
    DECLINED = "declined", _("Declined")
    # "Withdrawn" is also a candidate stage (hiring.Stage): Swedish needs a different word, hence the context
    WITHDRAWN = "withdrawn", pgettext_lazy("consent status", "Withdrawn")


# What recruiters see: the stored status, plus "expired" for a pending request whose link has lapsed unanswered.
EXPIRED = "expired"
DISPLAY_STATUSES = [*ConsentStatus.values, EXPIRED]
DISPLAY_LABELS = {**dict(ConsentStatus.choices), EXPIRED: _("Link expired")}


class ConsentRequestQuerySet(TenantQuerySet):
    def restrict_to(self, member):
        """A member sees the consent of exactly the candidates they may see (ORG-4). Those who see every hiring see
        every consent of their organization without a subquery over its candidates (the dashboard's "Consents
        pending" count was most of its SQL time at 100,000 candidates)."""
        if sees_every_hiring(member):
            return self
        return self.filter(candidate__in=Candidate.objects.restrict_to(member).values("pk"))

    def with_display_status(self):
        now = timezone.now()
        return self.annotate(
            display_status=models.Case(
                models.When(status=ConsentStatus.PENDING, expires_at__lte=now, then=models.Value(EXPIRED)),
                default=models.F("status"),
                output_field=models.CharField(),
            )
        )

    def filter_display_status(self, value: str):
        now = timezone.now()
        if value == EXPIRED:
            return self.filter(status=ConsentStatus.PENDING, expires_at__lte=now)
        if value == ConsentStatus.PENDING:
            return self.filter(status=ConsentStatus.PENDING, expires_at__gt=now)
        return self.filter(status=value)


class ConsentRequest(TenantModel):
    """The candidate's consent for one hiring: its status and when it was given, refused or withdrawn (CON-3)."""

    public_id = PublicIdField("cons")
    candidate = models.OneToOneField(Candidate, on_delete=models.CASCADE, related_name="consent")
    hiring = models.ForeignKey(Hiring, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=ConsentStatus.choices, default=ConsentStatus.PENDING)
    # The language the emails and, by default, the candidate's page use.
    language = models.CharField(max_length=8, default="en")
    requested_by = models.ForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_sent_at = models.DateTimeField(null=True, blank=True)
    times_sent = models.PositiveSmallIntegerField(default=0)
    # When the current consent link lapses; a copy of that link's expiry, so lists can tell "expired" in SQL.
    expires_at = models.DateTimeField(null=True, blank=True)
    responded_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decline_message = models.TextField(_("message from the candidate"), blank=True, max_length=2000)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # Withdrawal starts the erasure path (CON-5, RET-6); the retention app performs it and clears the candidate.
    erasure_requested_at = models.DateTimeField(null=True, blank=True)

    objects = ConsentRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "hiring", "status"]),
            # The dashboard's "consents pending", oldest request first.
            models.Index(fields=["organization", "status", "last_sent_at"], name="consent_org_status_sent_idx"),
            # Its totals, waiting and lapsed: two ranges of this index, read from the index alone (issue 17).
            models.Index(fields=["organization", "status", "expires_at"], name="consent_org_status_expires_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status=ConsentStatus.ACCEPTED) | models.Q(responded_at__isnull=False),
                name="consent_accepted_has_time",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ConsentStatus.WITHDRAWN) | models.Q(withdrawn_at__isnull=False),
                name="consent_withdrawn_has_time",
            ),
        ]

    def __str__(self):
        return f"Consent of {self.candidate_id} for {self.hiring_id}: {self.status}"

    @property
    def is_expired(self) -> bool:
        return (
            self.status == ConsentStatus.PENDING and self.expires_at is not None and self.expires_at <= timezone.now()
        )

    @property
    def display_status(self) -> str:
        return EXPIRED if self.is_expired else self.status

    def get_display_status_display(self) -> str:
        return str(DISPLAY_LABELS[self.display_status])

    @property
    def is_accepted(self) -> bool:
        return self.status == ConsentStatus.ACCEPTED


class LinkPurpose(models.TextChoices):
    CONSENT = "consent", _("Consent request")
    PORTAL = "portal", _("Withdrawal portal")


class ConsentLinkQuerySet(TenantQuerySet):
    def restrict_to(self, member):
        return self.none()  # links are never listed to members: only their holder uses them


class ConsentLink(TenantModel):
    """One link emailed to the candidate. Only the token's hash is stored (CON-1)."""

    request = models.ForeignKey(ConsentRequest, on_delete=models.CASCADE, related_name="links")
    purpose = models.CharField(max_length=10, choices=LinkPurpose.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(null=True, blank=True)  # portal links last as long as the candidate's data
    used_at = models.DateTimeField(null=True, blank=True)
    replaced_at = models.DateTimeField(null=True, blank=True)

    objects = ConsentLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_purpose_display()} link of {self.request_id}"


class ConsentEventKind(models.TextChoices):
    REQUESTED = "requested", _("Consent requested")
    SENT = "sent", _("Link emailed")
    SEND_FAILED = "send_failed", _("The email could not be sent")
    RESENT = "resent", _("Link resent; the previous link no longer works")
    ACCEPTED = "accepted", _("Candidate consented")
    DECLINED = "declined", _("Candidate declined")
    WITHDRAWN = "withdrawn", _("Candidate withdrew consent; erasure requested")
    REFUSED_LINK = "refused_link", _("A used, replaced or expired link was opened")
    # The candidate's own actions in their rights portal (RET-7); withdrawing there is WITHDRAWN above.
    PORTAL_LINK_SENT = "portal_link_sent", _("Candidate asked for a link to their data; it was emailed")
    PORTAL_OPENED = "portal_opened", _("Candidate opened the page about their data")
    DATA_EXPORTED = "data_exported", _("Candidate downloaded a copy of their data")


class ConsentEventQuerySet(TenantQuerySet):
    def restrict_to(self, member):
        return self.filter(request__in=ConsentRequest.objects.restrict_to(member).values("pk"))


class ConsentEvent(TenantModel):
    """The consent audit trail (OPS-1): one row per change, with the acting member or None for the candidate."""

    request = models.ForeignKey(ConsentRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=ConsentEventKind.choices)
    actor = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ConsentEventQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"
