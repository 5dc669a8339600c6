"""Retention policy, the candidate clock, extension links and deletion records (SPEC section 6, RET-1…RET-8).

- ``RetentionClock``: one per candidate (RET-2). Started by the candidate's latest decision; holds the stored
  deletion date ``delete_after`` (indexed with the organization, so "data expiring soon" and the sweep are index
  range scans), the per-candidate override (RET-1), extensions and the warning already sent (RET-3).
- ``RetentionEvent``: retention's audit table (OPS-1) for everything short of a deletion: policy changes, overrides,
  warnings, extensions. Events about a candidate cascade from the candidate, so the erasure removes them (an audit
  row that names the candidate is the candidate's data too); policy events have no candidate.
- ``ExtensionLink``: the signed one-click link in a warning email (single use, expiring; only its hash is stored).
- ``DeletionRecord``: the proof of one erasure (RET-5). It holds no personal data: the trigger, the reason with the
  candidate's name and email taken out, who acted (a member, "retention sweep" or "the candidate"), when, counts per
  kind of row, storage objects removed, and a SHA-256 digest of the erased objects' public ids.
- ``PendingDeletion``: a storage object (or the candidate's prefix) still to delete after the erasure committed.
  Written in the erasure's transaction, removed only once storage confirms the object is gone, so a worker that
  dies between the commit and the blob deletes leaves work the next sweep finishes (RET-4).
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from hiring.models import Candidate
from interview_analyzer.public_ids import PublicIdField
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import TenantModel, TenantQuerySet


class RetentionClockQuerySet(TenantQuerySet):
    def restrict_to(self, member):
        """A member sees the clock of exactly the candidates they may see (ORG-4). Admins and recruiters see every
        candidate of the organization: no subquery, so the dashboard's read stays a range of the index."""
        if member.role in (Role.ADMIN, Role.RECRUITER):
            return self
        return self.filter(candidate__in=Candidate.objects.restrict_to(member).values("pk"))

    def expiring_between(self, start, end):
        """Clocks whose deletion date falls in ``[start, end)``: a range of the (organization, delete_after) index."""
        return self.filter(delete_after__gte=start, delete_after__lt=end)

    def expired(self, now=None):
        return self.filter(delete_after__lte=now or timezone.now())


class RetentionClock(TenantModel):
    """The candidate's one retention clock (RET-2): it starts at their latest decision and ends at ``delete_after``.

    ``delete_after`` = the later of (latest decision + the candidate's override or else the organization's period)
    and ``extended_until``. It is stored, never computed on read, so reading it is an index scan (RET-2)."""

    candidate = models.OneToOneField(Candidate, on_delete=models.CASCADE, related_name="retention_clock")
    decided_at = models.DateTimeField(_("clock started"), null=True, blank=True)
    override_days = models.PositiveIntegerField(_("retention period for this candidate (days)"), null=True, blank=True)
    extended_until = models.DateTimeField(null=True, blank=True)
    delete_after = models.DateTimeField(_("deleted on"), null=True, blank=True)
    # The deletion date the last warning announced (RET-3): one warning per date, never sent twice.
    warned_for = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RetentionClockQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["organization", "delete_after"], name="retention_clock_org_delete_idx")]

    def __str__(self):
        return f"Clock of {self.candidate_id}: {self.delete_after}"


class RetentionEventKind(models.TextChoices):
    POLICY_CHANGED = "policy_changed", _("Retention period of the organization changed")
    OVERRIDE_SET = "override_set", _("Retention period set for this candidate")
    OVERRIDE_CLEARED = "override_cleared", _("Candidate follows the organization's period again")
    WARNED = "warned", _("Expiry warning emailed")
    EXTENDED = "extended", _("Retention extended from the warning email")
    LINK_REFUSED = "link_refused", _("A used or expired extension link was opened")
    PROCESSING_STOPPED = "processing_stopped", _("Consent withdrawn: processing stopped, erasure scheduled")


class RetentionEventQuerySet(TenantQuerySet):
    def restrict_to(self, member):
        if member.role == Role.ADMIN:
            return self
        if member.role == Role.RECRUITER:
            return self.filter(candidate__isnull=False)
        return self.none()


class RetentionEvent(TenantModel):
    """Retention's audit trail (OPS-1): who changed a period, overrode or extended a clock, what was emailed."""

    candidate = models.ForeignKey(
        Candidate, null=True, blank=True, on_delete=models.CASCADE, related_name="retention_events"
    )
    kind = models.CharField(max_length=30, choices=RetentionEventKind.choices)
    actor = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    details = models.JSONField(default=dict, blank=True)  # days and dates only, never personal data
    at = models.DateTimeField(default=timezone.now, editable=False)

    objects = RetentionEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.kind} at {self.at:%Y-%m-%d %H:%M}"


class ExtensionLinkQuerySet(TenantQuerySet):
    def restrict_to(self, member):
        return self.none()  # links are never listed: only their holder uses them


class ExtensionLink(TenantModel):
    """The one-click extension in a warning email (RET-3): single use, expiring, only its hash stored."""

    public_id = PublicIdField("ext")
    clock = models.ForeignKey(RetentionClock, on_delete=models.CASCADE, related_name="extension_links")
    recipient = models.ForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    for_date = models.DateTimeField()  # the deletion date the warning announced
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    objects = ExtensionLinkQuerySet.as_manager()

    def __str__(self):
        return f"Extension link {self.public_id}"


class Trigger(models.TextChoices):
    EXPIRY = "expiry", _("Retention period ended")
    CANDIDATE_REQUEST = "candidate_request", _("The candidate asked for erasure")
    CONSENT_WITHDRAWN = "consent_withdrawn", _("The candidate withdrew consent")
    STAFF_REQUEST = "staff_request", _("Erased by a member on request")


class DeletionRecordQuerySet(TenantQuerySet):
    def restrict_to(self, member):
        """Proof of deletion is for admins (RET-5)."""
        return self if member.role == Role.ADMIN else self.none()


class DeletionRecord(TenantModel):
    """Proof of one erasure (RET-5), without the deleted personal data itself."""

    public_id = PublicIdField("del")
    trigger = models.CharField(max_length=30, choices=Trigger.choices)
    reason = models.CharField(max_length=500)
    actor = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # Who acted as shown on the record: a member's email at the time, "retention sweep" or "the candidate".
    actor_label = models.CharField(max_length=254)
    erased_at = models.DateTimeField(default=timezone.now, editable=False)
    # Rows deleted per kind, e.g. {"hiring.candidate": 1, "ai_analysis.transcriptturn": 42}.
    counts = models.JSONField(default=dict)
    references_cleared = models.JSONField(default=dict)  # e.g. {"ai_analysis.aicall.interview_public_id": 3}
    storage_objects = models.PositiveIntegerField(default=0)  # known at erasure
    storage_objects_removed = models.PositiveIntegerField(default=0)  # confirmed gone so far
    storage_confirmed_at = models.DateTimeField(null=True, blank=True)
    # SHA-256 over the sorted public ids of the erased objects, one per line: who holds the ids can check them.
    public_ids_digest = models.CharField(max_length=64)
    public_id_count = models.PositiveIntegerField(default=0)

    objects = DeletionRecordQuerySet.as_manager()

    class Meta:
        ordering = ["-erased_at", "-pk"]
        indexes = [models.Index(fields=["organization", "-erased_at"], name="retention_del_org_erased_idx")]

    def __str__(self):
        return f"Deletion {self.public_id} ({self.trigger})"

    @property
    def rows(self) -> int:
        return sum(self.counts.values())


class PendingDeletion(models.Model):
    """A storage object (``name``) or a whole prefix (``is_prefix``) the erasure still has to remove (RET-4)."""

    record = models.ForeignKey(DeletionRecord, on_delete=models.CASCADE, related_name="pending")
    name = models.CharField(max_length=500)
    is_prefix = models.BooleanField(default=False)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["record", "name"], name="retention_one_pending_per_name")]

    def __str__(self):
        return self.name
