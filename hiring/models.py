"""Hirings, criteria, candidates, documents, interviews and decisions (SPEC section 0, ORG-4, ORG-5).

Every model is a tenant model. Record-level visibility (ORG-4) lives in the querysets' ``restrict_to``:
admins and recruiters see the whole organization; hiring managers see the hirings they own or were granted
(django-guardian object permissions on the hiring, read in the same query) and everything inside them;
interviewers see the interviews assigned to them, and the hiring, criteria and candidate those interviews need.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from accounts.models import Membership
from interview_analyzer.candidate_storage import CandidateUploadTo
from interview_analyzer.public_ids import PublicIdField
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import TenantModel, TenantQuerySet

VIEW_HIRING = "view_hiring"


def sees_every_hiring(member) -> bool:
    """Admins and recruiters see every hiring of their organization, and so everything inside them (ORG-4)."""
    return member.role in (Role.ADMIN, Role.RECRUITER)


def visible_hiring_ids(member):
    """The ids of the hirings a hiring manager or interviewer may see, as a subquery (ORG-4).

    Hiring managers: the hirings they own or were granted (a django-guardian object permission on the hiring).
    Interviewers: the hirings of the interviews assigned to them. A subquery rather than a join, so the caller's
    query needs no DISTINCT and keeps using its indexes.
    """
    if member.role == Role.HIRING_MANAGER:
        granted = HiringUserObjectPermission.objects.filter(
            user_id=member.user_id, permission__codename=VIEW_HIRING
        ).values("content_object_id")
        return Hiring.objects.filter(Q(owner=member) | Q(pk__in=granted)).values("pk")
    return Interview.objects.filter(interviewer=member).values("candidate__hiring_id")


def hiring_visibility(member, prefix: str = "") -> Q:
    """The filter that keeps rows whose hiring (reached through ``prefix``) the member may see, in one query."""
    lookup = "pk__in" if not prefix else f"{prefix[:-2]}__in"
    return Q(**{lookup: visible_hiring_ids(member)})


class HiringQuerySet(TenantQuerySet):
    def restrict_to(self, member):
        if sees_every_hiring(member):
            return self
        return self.filter(hiring_visibility(member))

    def with_pipeline_counts(self):
        # distinct: each candidate counts once, whatever other joins a caller adds.
        stages = {
            f"count_{stage}": models.Count("candidates", filter=Q(candidates__stage=stage), distinct=True)
            for stage in Stage
        }
        return self.annotate(candidate_count=models.Count("candidates", distinct=True), **stages)


class Hiring(TenantModel):
    """A position being filled, with the recruiter's own evaluation criteria."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        OPEN = "open", _("Open")
        ON_HOLD = "on_hold", _("On hold")
        CLOSED = "closed", _("Closed")

    class Language(models.TextChoices):
        """The language the interviews are held in: what transcription listens for; the consent page says it."""

        AUTO = "auto", _("Detect from the recording")
        ENGLISH = "en", _("English")
        SWEDISH = "sv", _("Swedish")

    public_id = PublicIdField("hir")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True, help_text=_("Sanitized rich text (SEC-HTML)."))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    owner = models.ForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="owned_hirings")
    interview_language = models.CharField(
        _("interview language"), max_length=8, choices=Language.choices, default=Language.AUTO
    )
    criteria_version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = HiringQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title


class HiringUserObjectPermission(UserObjectPermissionBase):
    """Per-hiring grants to people (django-guardian, direct foreign key so ``visible_to`` joins it)."""

    content_object = models.ForeignKey(Hiring, on_delete=models.CASCADE)


class HiringGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Hiring, on_delete=models.CASCADE)


class WithinHiringQuerySet(TenantQuerySet):
    """Objects that belong to one hiring: visible when their hiring is (ORG-4)."""

    hiring_path = "hiring__"

    def restrict_to(self, member):
        if sees_every_hiring(member):
            return self
        return self.filter(hiring_visibility(member, self.hiring_path))


class Criterion(TenantModel):
    """One evaluation criterion of a hiring, on a 1–5 scale with the recruiter's anchors."""

    public_id = PublicIdField("crit")
    hiring = models.ForeignKey(Hiring, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    good_evidence = models.TextField(_("what good evidence looks like"), blank=True)
    weight = models.PositiveSmallIntegerField(_("weight"), default=1)
    anchor_1 = models.CharField(_("1 means"), max_length=300, blank=True)
    anchor_2 = models.CharField(_("2 means"), max_length=300, blank=True)
    anchor_3 = models.CharField(_("3 means"), max_length=300, blank=True)
    anchor_4 = models.CharField(_("4 means"), max_length=300, blank=True)
    anchor_5 = models.CharField(_("5 means"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = WithinHiringQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1) & Q(weight__lte=5), name="hiring_criterion_weight_1_5")
        ]

    def __str__(self):
        return self.name

    @property
    def anchors(self) -> list[tuple[int, str]]:
        return [(n, getattr(self, f"anchor_{n}")) for n in range(1, 6)]


class InterviewQuestionQuerySet(WithinHiringQuerySet):
    hiring_path = "criterion__hiring__"


class InterviewQuestion(TenantModel):
    """The interview kit: questions an interviewer can ask for a criterion."""

    public_id = PublicIdField("qst")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="questions")
    text = models.CharField(_("question"), max_length=500)
    position = models.PositiveSmallIntegerField(default=0)

    objects = InterviewQuestionQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.text


class Stage(models.TextChoices):
    APPLIED = "applied", _("Applied")
    SCREENING = "screening", _("Screening")
    INTERVIEW = "interview", _("Interview")
    OFFER = "offer", _("Offer")
    HIRED = "hired", _("Hired")
    REJECTED = "rejected", _("Rejected")
    # "Withdrawn" is also a consent status (consent.ConsentStatus): Swedish needs a different word, hence the context
    WITHDRAWN = "withdrawn", pgettext_lazy("candidate stage", "Withdrawn")


class CandidateQuerySet(WithinHiringQuerySet):
    def restrict_to(self, member):
        if member.role == Role.INTERVIEWER:
            return self.filter(pk__in=Interview.objects.filter(interviewer=member).values("candidate_id"))
        return super().restrict_to(member)


class Candidate(TenantModel):
    """A person applying to one hiring. Their data lives on one retention clock (RET-2)."""

    public_id = PublicIdField("cand")
    hiring = models.ForeignKey(Hiring, on_delete=models.CASCADE, related_name="candidates")
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.APPLIED)
    created_by = models.ForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CandidateQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["organization", "hiring", "stage"]),
            # The candidate list's order: its first page is an index range read, whatever the table's size.
            models.Index(fields=["organization", "-created_at", "-id"], name="hiring_cand_org_newest_idx"),
            # The dashboard's "candidates in progress": the active stages are ranges of this index.
            models.Index(fields=["organization", "stage"], name="hiring_cand_org_stage_idx"),
        ]

    def __str__(self):
        return self.name


# Under the candidate's prefix (RET-4): <org>/<cand>/documents/<doc>.<ext>, a generated name only (SEC-UP). Migration
# 0001 names ``document_upload_to``, so the migration state reads this value and needs no migration of its own.
# Documents stored before (``documents/<org>/<doc>.<ext>``) keep their names: the row holds the name, and the erasure
# deletes each file its rows name as well as the candidate's prefix.
document_upload_to = CandidateUploadTo("candidate", "documents/{row.public_id}.{row.extension}")


class DocumentQuerySet(WithinHiringQuerySet):
    hiring_path = "candidate__hiring__"

    def restrict_to(self, member):
        if member.role == Role.INTERVIEWER:
            return self.none()  # documents are not part of the minimum an interviewer needs
        return super().restrict_to(member)


class Document(TenantModel):
    """A CV or other document of a candidate, stored under a generated name through Django storage."""

    public_id = PublicIdField("doc")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to=document_upload_to, max_length=200)
    original_name = models.CharField(max_length=200, help_text=_("Shown to people, never used as a path."))
    content_type = models.CharField(max_length=100)
    extension = models.CharField(max_length=10)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = DocumentQuerySet.as_manager()
    stored_bytes_fields = ("size",)  # counted by the organization's storage quota (SEC-UP)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return self.original_name


class InterviewQuerySet(WithinHiringQuerySet):
    hiring_path = "candidate__hiring__"

    def restrict_to(self, member):
        if member.role == Role.INTERVIEWER:
            return self.filter(interviewer=member)
        if member.role == Role.HIRING_MANAGER:
            # The interviews of their hirings, and any interview they were asked to run in someone else's hiring
            # (as an interviewer would see it: that interview, not the rest of the hiring).
            return self.filter(hiring_visibility(member, self.hiring_path) | Q(interviewer=member))
        return super().restrict_to(member)


class Interview(TenantModel):
    """An interview of a candidate with an assigned interviewer."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    public_id = PublicIdField("intv")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="interviews")
    interviewer = models.ForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="interviews")
    scheduled_at = models.DateTimeField(_("scheduled at"))
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"), default=45)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    # Who closed the interview and when (completed, by a person or by the approval of its analysis; or cancelled).
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    closed_by_email = models.EmailField(blank=True)  # kept when the member is removed
    closed_automatically = models.BooleanField(default=False)
    cancel_reason = models.CharField(_("reason"), max_length=500, blank=True)
    # Logged afterwards as already held (an interview recorded elsewhere, e.g. yesterday's video call).
    logged_as_held = models.BooleanField(default=False)

    objects = InterviewQuerySet.as_manager()

    class Meta:
        ordering = ["scheduled_at", "pk"]
        indexes = [models.Index(fields=["organization", "status", "scheduled_at"], name="hiring_intv_org_status_idx")]

    def __str__(self):
        return f"Interview of {self.candidate} at {self.scheduled_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.SCHEDULED


class DecisionQuerySet(WithinHiringQuerySet):
    hiring_path = "candidate__hiring__"

    def restrict_to(self, member):
        if member.role == Role.INTERVIEWER:
            return self.none()
        return super().restrict_to(member)


class Decision(TenantModel):
    """A hiring decision recorded by a person, never by the system (AI-3). Its time starts the retention clock
    of the candidate (RET-2); the retention app reads the latest decision."""

    class Outcome(models.TextChoices):
        HIRED = "hired", _("Hired")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", pgettext_lazy("decision outcome", "Withdrawn")  # the candidate withdrew

    public_id = PublicIdField("dec")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="decisions")
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by_email = models.EmailField()
    decided_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = DecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_at", "-pk"]

    def __str__(self):
        return f"{self.get_outcome_display()}: {self.candidate}"


# Who saw which candidate (LOG-1): its own module, registered with the hiring app here.
from hiring.access_log.models import AccessLogEntry  # noqa: E402, F401
