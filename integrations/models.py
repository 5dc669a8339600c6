"""The ATS connector and outbound webhooks (INT-1, SEC-SSRF, KEY-4, SEC-HOOK outbound side).

- ``Connector``: one per organization, switched on by an admin; names the ATS, the outbound hosts webhooks may reach
  (on top of ``OUTBOUND_ALLOWED_HOSTS``) and the ``ats``-scoped API key the ATS calls us with.
- ``ExternalHiring`` / ``ExternalCandidate``: the ATS's ids of our hirings and candidates, unique per organization,
  ATS kind and external id. Another organization's identical id is another row nobody else can see (ORG-5). Both
  cascade from our object, so erasing a candidate erases their mapping with them (RET-4).
- ``WebhookEndpoint``: where events go, which events, and a per-endpoint signing secret. The secret must be
  usable to sign every later delivery, so it cannot be hashed: it is stored encrypted (Fernet, key derived from
  ``SECRET_KEY``; ``integrations.secrets``) and shown once, on creation.
- ``Delivery``: one event for one endpoint, with the exact body, each attempt's outcome and the next retry. A
  delivery names a candidate and cascades from them, so erasure leaves no log naming the person (RET-4).
"""

import json

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import ApiKey, Membership
from hiring.models import Candidate, Hiring
from interview_analyzer.public_ids import PublicIdField
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import TenantModel, TenantQuerySet


class AtsKind(models.TextChoices):
    GREENHOUSE = "greenhouse", "Greenhouse"
    LEVER = "lever", "Lever"
    WORKDAY = "workday", "Workday"
    TEAMTAILOR = "teamtailor", "Teamtailor"
    OTHER = "other", _("Other")


class Event(models.TextChoices):
    """What an endpoint can subscribe to. Scores leave only once a person approved them (AI-3); a scorecard only
    once its interviewer submitted it (it is their own judgement, never AI output)."""

    CONSENT_ANSWERED = "consent.answered", _("Consent answered (accepted or declined)")
    DECISION_RECORDED = "decision.recorded", _("Decision recorded")
    SCORES_APPROVED = "scores.approved", _("Scores approved by a reviewer")
    SCORECARD_SUBMITTED = "scorecard.submitted", _("Scorecard submitted by an interviewer")


class AdminOnlyQuerySet(TenantQuerySet):
    """Integration settings and logs are for the organization's admins (ORG-3)."""

    def restrict_to(self, member):
        return self if member.role == Role.ADMIN else self.none()


class Connector(TenantModel):
    public_id = PublicIdField("atsc")
    enabled = models.BooleanField(_("enabled"), default=False)
    kind = models.CharField(_("ATS"), max_length=20, choices=AtsKind.choices, default=AtsKind.OTHER)
    allowed_hosts = models.JSONField(
        _("allowed webhook hosts"), default=list, blank=True, help_text=_("Hosts webhooks may be sent to.")
    )
    api_key = models.ForeignKey(
        ApiKey, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("inbound API key")
    )
    updated_by = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    objects = AdminOnlyQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="integrations_one_connector_per_org")]

    def __str__(self):
        return f"{self.get_kind_display()} connector"


class ExternalIdQuerySet(TenantQuerySet):
    """Mappings are read by the ATS key (an admin's) and by admins."""

    def restrict_to(self, member):
        return self if member.role == Role.ADMIN else self.none()


class ExternalHiring(TenantModel):
    public_id = PublicIdField("xhir")
    kind = models.CharField(max_length=20, choices=AtsKind.choices)
    external_id = models.CharField(max_length=128)
    hiring = models.OneToOneField(Hiring, on_delete=models.CASCADE, related_name="external_ref")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ExternalIdQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "external_id"], name="integrations_external_hiring_unique"
            )
        ]

    def __str__(self):
        return f"{self.kind}:{self.external_id}"


class ExternalCandidate(TenantModel):
    """The ATS's id of a candidate. Cascades from the candidate: erased with them (RET-4)."""

    public_id = PublicIdField("xcand")
    kind = models.CharField(max_length=20, choices=AtsKind.choices)
    external_id = models.CharField(max_length=128)
    candidate = models.OneToOneField(Candidate, on_delete=models.CASCADE, related_name="external_ref")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = ExternalIdQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "kind", "external_id"], name="integrations_external_candidate_unique"
            )
        ]

    def __str__(self):
        return f"{self.kind}:{self.external_id}"


class WebhookEndpoint(TenantModel):
    public_id = PublicIdField("whe")
    url = models.URLField(_("URL"), max_length=500)
    events = models.JSONField(_("events"), default=list)
    secret_encrypted = models.TextField(editable=False)
    secret_hint = models.CharField(max_length=16, editable=False)  # the last characters, to tell secrets apart
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AdminOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.url


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    RETRYING = "retrying", _("Waiting to retry")
    DELIVERED = "delivered", _("Delivered")
    FAILED = "failed", _("Failed")
    REFUSED = "refused", _("Refused (address not allowed)")


class Delivery(TenantModel):
    """One event for one endpoint. ``body`` is the exact JSON every attempt sends (and signs)."""

    public_id = PublicIdField("whd")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    candidate = models.ForeignKey(Candidate, null=True, on_delete=models.CASCADE, related_name="+")
    event = models.CharField(max_length=40, choices=Event.choices)
    body = models.TextField()
    status = models.CharField(max_length=20, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    attempt_log = models.JSONField(default=list)  # [{"at", "status_code", "error"}], newest last
    last_status_code = models.PositiveIntegerField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    next_retry_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AdminOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "-created_at"], name="integ_delivery_org_newest_idx")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_at__isnull=False), name="integ_delivered_has_time"
            )
        ]

    def __str__(self):
        return f"{self.event} → {self.endpoint_id}"

    @property
    def payload(self) -> dict:
        return json.loads(self.body)

    @property
    def readable_body(self) -> str:
        """The body indented for the delivery page (what is sent is ``body``, byte for byte)."""
        return json.dumps(self.payload, indent=2, sort_keys=True)

    @property
    def can_replay(self) -> bool:
        return self.status not in (DeliveryStatus.PENDING, DeliveryStatus.SENDING)
