"""The access log: who saw which candidate's data, when, what and from where (LOG-1; AI Act Art. 12, GDPR Art. 5(2)).

One row per view of a candidate's data by a person or an API key: the actor (member, and the key when a key made the
call, each also kept by public id so the row still names them after a member or key is removed), the time, the
kind of what was shown and the public id of the object, the candidate, the organization and the client address from
the shared resolver (SEC-IP). Never the data itself.

The candidate is held twice: a key (``on_delete=SET_NULL``) for the pages and the candidate's own export, and an
HMAC-SHA256 digest of the candidate's public id (a key derived from ``SECRET_KEY``), written with the row. Erasure
(``retention.graph``) detaches the rows: the key and the object's public id are cleared, the digest, kind, time, actor
and address stay, so an auditor who holds the candidate's id can still find who saw them, and nobody else can tell
whom a row was about.

Rows are the organization's admins' to read (``visible_to``); written only through ``hiring.access_log.record_view``.

An API list page is written as one ``ListRead`` row naming every object on the page (one small insert in the request,
instead of one row per object), and settled into one ``AccessLogEntry`` per object by
``hiring.access_log.settle_list_reads``: every reader of the log (the admin pages and exports, the candidate's own
export, the erasure) settles the organization's pending list reads first, and a periodic job does the rest, so no
reader ever sees the log without them.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interview_analyzer.roles import Role
from interview_analyzer.tenancy import TenantModel, TenantQuerySet


class AccessKind(models.TextChoices):
    """What was shown. One kind per kind of page, file or API object that carries a candidate's data."""

    CANDIDATE = "candidate", _("Candidate")
    DOCUMENT = "document", _("Document")
    INTERVIEW = "interview", _("Interview")
    DECISION = "decision", _("Decision")
    CONSENT = "consent", _("Consent")
    RECORDING = "recording", _("Recording")
    AUDIO = "audio", _("Audio playback")
    ANALYSIS = "analysis", _("Analysis")
    EXPLANATION = "explanation", _("Explanation")
    TRANSCRIPT = "transcript", _("Transcript")
    SCORE = "score", _("Score")
    FEEDBACK = "feedback", _("Feedback")
    SCORECARD = "scorecard", _("Scorecard")
    RETENTION = "retention", _("Retention period")
    COMPARISON = "comparison", _("Comparison")
    DELIVERY = "delivery", _("Webhook delivery")


class AccessLogQuerySet(TenantQuerySet):
    def restrict_to(self, member):
        """Admins read the log (LOG-1); for everyone else it is empty."""
        return self if member.role == Role.ADMIN else self.none()

    def newest_first(self):
        return self.order_by("-at", "-pk")


class AccessLogEntry(TenantModel):
    """One view of one candidate's data (LOG-1)."""

    at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    kind = models.CharField(_("what"), max_length=20, choices=AccessKind.choices)
    object_ref = models.CharField(
        _("object"), max_length=40, blank=True, help_text=_("Public id of what was shown; cleared at erasure.")
    )
    member = models.ForeignKey(
        "accounts.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    api_key = models.ForeignKey(
        "accounts.ApiKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    # Who, as the row was written: kept when the member or key is removed later.
    actor_ref = models.CharField(max_length=40, help_text=_("Public id of the member, or of the API key."))
    actor_name = models.CharField(max_length=200, blank=True)
    actor_role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    candidate = models.ForeignKey(
        "hiring.Candidate", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    candidate_digest = models.CharField(max_length=64, help_text=_("HMAC-SHA256 of the candidate's public id."))
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log entries")
        indexes = [
            models.Index(fields=["organization", "-at"], name="hiring_access_org_at_idx"),
            models.Index(fields=["organization", "candidate_digest", "-at"], name="hiring_access_cand_at_idx"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.object_ref} by {self.actor_ref} at {self.at:%Y-%m-%d %H:%M}"

    @property
    def by_api_key(self) -> bool:
        return self.actor_ref.startswith("key_")


class ListReadQuerySet(TenantQuerySet):
    def restrict_to(self, member):
        """No member reads these rows, admins included: they read the settled log."""
        return self.none()


class ListRead(TenantModel):
    """One API list page of candidate data as it was read, not yet settled into ``AccessLogEntry`` rows (LOG-1).

    ``shown`` holds, per object on the page, ``[candidate primary key, candidate digest, object public id]``; the
    other columns are those the settled rows share. Settling (``hiring.access_log.settle_list_reads``) deletes this
    row and writes its entries in one transaction; an entry whose candidate is gone by then (erased in between)
    is written detached, as the erasure leaves every other row: no key, no object id, only the digest."""

    at = models.DateTimeField(default=timezone.now, editable=False)
    kind = models.CharField(max_length=20, choices=AccessKind.choices)
    member = models.ForeignKey(
        "accounts.Membership", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    api_key = models.ForeignKey(
        "accounts.ApiKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", db_index=False
    )
    actor_ref = models.CharField(max_length=40)
    actor_name = models.CharField(max_length=200, blank=True)
    actor_role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    shown = models.JSONField(help_text=_("Per object: [candidate key, candidate digest, object public id]."))

    objects = ListReadQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("list read (not yet settled)")
        verbose_name_plural = _("list reads (not yet settled)")

    def __str__(self):
        return f"{len(self.shown)} {self.get_kind_display()} by {self.actor_ref} at {self.at:%Y-%m-%d %H:%M}"
