"""Voluntary self-identification of candidates and the categories an organization asks about (FAIR-1).

Stored apart from everything else: these four tables belong to this app alone, which stands on the top floor beside
``integrations``; nothing below it can import them, so no page, API, export to an evaluator or AI pipeline step
of a lower app has a code path to them. The tenant rule says the same at the queryset: ``visible_to(member)``
answers rows to admins only (the fairness report is theirs) and nothing to any other role, so a future page that
forgot which app it lives in still shows an evaluator nothing.

- ``SelfIdentificationCategory``: a question the organization enables (gender, age band, …), with its answer
  options (``SelfIdentificationOption``). Neither is ever deleted: a category is turned off, an option retired, so
  a candidate's answer keeps meaning what it meant when it was given.
- ``SelfIdentificationConsent``: the candidate's own, separate consent to being asked (the text version they agreed
  to, when, and when they withdrew it). It is not the interview consent of ``consent``.
- ``SelfIdentification``: one answer per candidate and category: an option, or "prefer not to say" (no option).

Consent and answers hang from the candidate with ``on_delete=CASCADE``: ``retention.graph`` finds them by walking
the model registry, so the candidate's erasure deletes them and the candidate's own data export lists them.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hiring.models import Candidate
from interview_analyzer.public_ids import PublicIdField
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import TenantModel, TenantQuerySet

# The consent text the candidate agrees to (fairness/templates/fairness/_portal_section.html). A change of its
# meaning gets a new version; a candidate who agreed to an older one is asked again before answering again.
CONSENT_TEXT_VERSION = "fair-1/2026-12-01"


class AdminsOnlyQuerySet(TenantQuerySet):
    """FAIR-1: self-identification is read for the admins' aggregate report only; every other role sees nothing."""

    def restrict_to(self, member):
        if member.role != Role.ADMIN:
            return self.none()
        return self


class SelfIdentificationCategory(TenantModel):
    """A question the organization may ask candidates, voluntarily (FAIR-1)."""

    public_id = PublicIdField("sicat")
    name = models.CharField(_("name"), max_length=80)
    enabled = models.BooleanField(_("asked on the candidate's portal"), default=False)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AdminsOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("self-identification category")
        verbose_name_plural = _("self-identification categories")

    def __str__(self):
        return self.name


class SelfIdentificationOption(TenantModel):
    """One answer a candidate can choose in a category. Retired (``active=False``) rather than deleted."""

    public_id = PublicIdField("siopt")
    category = models.ForeignKey(SelfIdentificationCategory, on_delete=models.PROTECT, related_name="options")
    label = models.CharField(_("label"), max_length=80)
    active = models.BooleanField(default=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = AdminsOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("self-identification answer option")
        verbose_name_plural = _("self-identification answer options")

    def __str__(self):
        return self.label


class SelfIdentificationConsent(TenantModel):
    """The candidate's separate consent to self-identify (FAIR-1): given, and perhaps withdrawn. A withdrawal
    deletes the answers; giving consent again starts a new row, so the history stays readable."""

    public_id = PublicIdField("sicons")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="+")
    text_version = models.CharField(max_length=40)
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = AdminsOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-given_at", "-pk"]
        verbose_name = _("self-identification consent")
        verbose_name_plural = _("self-identification consents")
        constraints = [
            models.UniqueConstraint(
                fields=["candidate"], condition=Q(withdrawn_at__isnull=True), name="fairness_one_current_consent"
            )
        ]

    def __str__(self):
        return f"Self-identification consent {self.public_id}"


class SelfIdentification(TenantModel):
    """A candidate's answer in one category: an option, or "prefer not to say" (``option`` empty) (FAIR-1)."""

    public_id = PublicIdField("siden")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="+")
    category = models.ForeignKey(SelfIdentificationCategory, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(
        SelfIdentificationOption, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What the candidate read and chose, as worded then (their copy of their data shows it: RET-7); the report
    # counts by ``option``, so an admin renaming an answer later changes neither.
    question = models.CharField(max_length=80, blank=True)
    answer = models.CharField(max_length=80, blank=True)
    answered_at = models.DateTimeField(default=timezone.now)

    objects = AdminsOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["category__position", "pk"]
        verbose_name = _("self-identification answer")
        verbose_name_plural = _("self-identification answers")
        constraints = [
            models.UniqueConstraint(fields=["candidate", "category"], name="fairness_one_answer_per_category")
        ]

    def __str__(self):
        return f"Self-identification {self.public_id}"

    @property
    def prefers_not_to_say(self) -> bool:
        return self.option_id is None
