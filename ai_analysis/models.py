"""Recordings, analyses and their results, human review, and the AI call audit (SPEC section 7, AI-1…AI-9).

A recording belongs to one interview and arrives as numbered chunks (idempotent per index, checksummed). Completing
it starts an ``Analysis``: one pipeline run with its provider, model, prompt version and criteria version recorded
(reproducibility), and one ``AnalysisStep`` row per step holding that step's state and failure reason. The results
(transcript turns, question/answer pairs, scores with evidence, feedback) hang off the analysis, so a new run never
rewrites an earlier one's approved results. Every score and feedback item is a draft until a person approves or edits
it (AI-3). ``AICall`` is the app's audit table (AI-8): one row per provider call, holding no transcript text and no
foreign key to candidate data, so it survives the candidate's erasure without keeping anything personal.

Visibility (ORG-4) follows the interview: whoever may see the interview may see its recording and analysis.
"""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership
from ai_analysis.types import CANDIDATE, INTERVIEWER
from hiring.models import Candidate, Criterion, Interview, sees_every_hiring
from interview_analyzer.candidate_storage import CandidateUploadTo
from interview_analyzer.public_ids import PublicIdField
from interview_analyzer.roles import Role
from interview_analyzer.steps import StepRecord
from interview_analyzer.tenancy import TenantModel, TenantQuerySet

SPEAKERS = [(INTERVIEWER, _("Interviewer")), (CANDIDATE, _("Candidate"))]


class InterviewScopedQuerySet(TenantQuerySet):
    """Rows reached through an interview: visible exactly when the interview is (ORG-4)."""

    interview_path = "interview"

    def restrict_to(self, member):
        if sees_every_hiring(member):  # every interview of the organization: no subquery (the review queue's cost)
            return self
        visible = Interview.objects.filter(organization_id=member.organization_id).restrict_to(member)
        return self.filter(**{f"{self.interview_path}__in": visible.values("pk")})


def _scoped(path: str):
    return type(f"Scoped{path.title().replace('__', '')}QuerySet", (InterviewScopedQuerySet,), {"interview_path": path})


# Under the candidate's prefix (RET-4), generated names only, never anything the client sent (SEC-UP):
# <org>/<cand>/recordings/<rec>/chunk-000001.bin and <org>/<cand>/recordings/<rec>/merged.<format>. Migration 0001
# names these two, so the migration state reads these values and needs no migration of its own. Files stored before
# (``recordings/<org>/<rec>/…``) keep their names: the rows hold them, and the erasure deletes each file its rows name
# as well as the candidate's prefix.
chunk_upload_to = CandidateUploadTo(
    "recording.candidate", "recordings/{row.recording.public_id}/chunk-{row.index:06d}.bin"
)
merged_upload_to = CandidateUploadTo("candidate", "recordings/{row.public_id}/merged.{row.merged_format}")


class Recording(TenantModel):
    """The audio of one interview, received in chunks (SPEC section 0, SEC-UP)."""

    class Status(models.TextChoices):
        RECEIVING = "receiving", _("Receiving")
        COMPLETE = "complete", _("Complete")

    public_id = PublicIdField("rec")
    interview = models.OneToOneField(Interview, on_delete=models.CASCADE, related_name="recording")
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVING)
    created_by = models.ForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True)
    chunk_count = models.PositiveIntegerField(default=0)
    total_bytes = models.PositiveBigIntegerField(default=0)
    merged = models.FileField(upload_to=merged_upload_to, blank=True, max_length=300)
    merged_format = models.CharField(max_length=20, blank=True)
    merged_bytes = models.PositiveBigIntegerField(default=0)
    codec = models.CharField(max_length=40, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)

    objects = _scoped("interview").as_manager()
    stored_bytes_fields = ("merged_bytes",)  # the merged audio counts toward the storage quota (SEC-UP)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Recording {self.public_id}"


class RecordingChunk(TenantModel):
    """One numbered piece of a recording. A chunk is written once; the same bytes again are a no-op."""

    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    file = models.FileField(upload_to=chunk_upload_to, max_length=300)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = _scoped("recording__interview").as_manager()
    stored_bytes_fields = ("size",)  # counted by the organization's storage quota (SEC-UP)

    class Meta:
        ordering = ["index"]
        constraints = [models.UniqueConstraint(fields=["recording", "index"], name="ai_one_chunk_per_index")]

    def __str__(self):
        return f"Chunk {self.index} of {self.recording_id}"


class Analysis(TenantModel):
    """One run of the pipeline over a recording, with everything needed to reproduce it (AI-2, AI-9)."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready for review")
        FAILED = "failed", _("Failed")
        STOPPED = "stopped", _("Stopped: no consent")

    public_id = PublicIdField("ana")
    recording = models.ForeignKey(Recording, on_delete=models.CASCADE, related_name="analyses")
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="analyses")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    failure_reason = models.CharField(max_length=500, blank=True)
    provider = models.CharField(max_length=20)
    model = models.CharField(max_length=100)
    prompt_version = models.CharField(max_length=40)
    criteria_version = models.PositiveIntegerField()
    # Engine, model and the weights' SHA-256, e.g. "whisper-base (Whisper base …; model.bin sha256:d01c…)".
    speech_engine = models.CharField(max_length=200, blank=True)
    speaker_confidence = models.CharField(max_length=10, blank=True)
    created_by = models.ForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Its scores and feedback items still in draft (AI-3): kept by ``ai_analysis.drafts`` under the analysis's row
    # lock wherever one is created, reviewed or sent back, so the review queue is an indexed filter.
    open_drafts = models.PositiveIntegerField(default=0, editable=False)

    objects = _scoped("interview").as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "analyses"
        indexes = [
            # "Drafts awaiting your review", the longest waiting first (ai_analysis.panels.review_queue).
            models.Index(
                fields=["organization", "finished_at", "id"],
                condition=Q(status="done", open_drafts__gt=0),
                name="ai_analysis_review_queue",
            ),
        ]

    def __str__(self):
        return f"Analysis {self.public_id} ({self.status})"


class Step(models.TextChoices):
    """The pipeline's steps. The order declared here is the pipeline's order, and the only place it is written:
    ``STEP_ORDER``, ``next_step``, the actors' chain (``ai_analysis.actors``) and each analysis's step rows follow
    it."""

    MERGE = "merge", _("Merge audio")
    TRANSCRIBE = "transcribe", _("Transcribe")
    STRUCTURE = "structure", _("Find questions and answers")
    SCORE = "score", _("Score against the criteria")
    FEEDBACK = "feedback", _("Draft feedback")


STEP_ORDER: list[Step] = list(Step)


def next_step(step: str) -> Step | None:
    """The step after ``step`` in the pipeline's order, or None after the last one."""
    position = STEP_ORDER.index(Step(step)) + 1
    return STEP_ORDER[position] if position < len(STEP_ORDER) else None


class AnalysisStep(TenantModel, StepRecord):
    """One step of one analysis: its state as the step runner keeps it (``interview_analyzer.steps``)."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="steps")
    name = models.CharField(max_length=20, choices=Step.choices)
    position = models.PositiveSmallIntegerField()  # in STEP_ORDER

    objects = _scoped("analysis__interview").as_manager()

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["analysis", "name"], name="ai_one_row_per_step")]

    def __str__(self):
        return f"{self.name}: {self.status}"


class TranscriptTurn(TenantModel):
    """One speaker turn. The speaker label is the machine's guess until a person corrects it."""

    public_id = PublicIdField("turn")
    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="turns")
    index = models.PositiveIntegerField()
    speaker = models.CharField(max_length=20, choices=SPEAKERS)
    machine_speaker = models.CharField(max_length=20, choices=SPEAKERS)
    speaker_confidence = models.CharField(max_length=10, default="low")
    start_s = models.FloatField()
    end_s = models.FloatField()
    text = models.TextField()
    corrected_by = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    corrected_at = models.DateTimeField(null=True, blank=True)

    objects = _scoped("analysis__interview").as_manager()

    class Meta:
        ordering = ["index"]
        constraints = [models.UniqueConstraint(fields=["analysis", "index"], name="ai_one_turn_per_index")]

    def __str__(self):
        return f"{self.speaker} {self.start_s:.1f}s"


class QuestionAnswer(TenantModel):
    """A question and the candidate turns answering it (AI-1), by turn index."""

    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="pairs")
    index = models.PositiveIntegerField()
    question_turn = models.PositiveIntegerField(null=True, blank=True)
    answer_turns = models.JSONField(default=list)

    objects = _scoped("analysis__interview").as_manager()

    class Meta:
        ordering = ["index"]
        constraints = [models.UniqueConstraint(fields=["analysis", "index"], name="ai_one_pair_per_index")]


class Review(models.TextChoices):
    """AI-3: nothing the AI produced reaches comparisons, exports or candidates until a person approved it."""

    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Score(TenantModel):
    """The score of one criterion in one analysis, with the evidence it rests on (AI-1, AI-3, AI-4)."""

    public_id = PublicIdField("scr")
    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    criterion_name = models.CharField(max_length=200)  # as it was when scored
    value = models.PositiveSmallIntegerField(null=True, blank=True)  # 1..5; None: insufficient evidence
    rationale = models.TextField(blank=True)
    machine_value = models.PositiveSmallIntegerField(null=True, blank=True)
    machine_rationale = models.TextField(blank=True)
    # The machine's evidence as it was before a person chose the quotes their own score rests on (kept, not shown
    # as this score's evidence): [{"turn": turn public id, "quote": ..., "start_s": ..., "end_s": ...}].
    machine_evidence = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=20, choices=Review.choices, default=Review.DRAFT)
    edited = models.BooleanField(default=False)
    reviewed_by = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Set when a speaker correction removed evidence from this score: a person must look at it again.
    needs_recheck = models.BooleanField(default=False)

    objects = _scoped("analysis__interview").as_manager()

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["analysis", "criterion"], name="ai_one_score_per_criterion"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=1, value__lte=5), name="ai_score_1_5"
            ),
            models.CheckConstraint(
                condition=Q(status=Review.DRAFT) | Q(reviewed_at__isnull=False), name="ai_reviewed_score_has_time"
            ),
        ]

    def __str__(self):
        return f"{self.criterion_name}: {self.value}"

    def is_reviewer_judgement(self, quote_count: int) -> bool:
        """A person's own score that no quote supports: shown as their judgement, never as resting on quotes."""
        return self.edited and self.value is not None and quote_count == 0


class Evidence(TenantModel):
    """A verbatim quote from a candidate turn that a score rests on (AI-1, AI-4)."""

    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="evidence")
    turn = models.ForeignKey(TranscriptTurn, on_delete=models.CASCADE, related_name="evidence")
    quote = models.TextField()
    start_s = models.FloatField()
    end_s = models.FloatField()

    objects = _scoped("score__analysis__interview").as_manager()

    class Meta:
        ordering = ["start_s", "pk"]


class Feedback(TenantModel):
    """Drafted feedback: for the recruiter, or for the candidate after the AI-7 guardrail."""

    class Audience(models.TextChoices):
        RECRUITER = "recruiter", _("For the recruiting team")
        CANDIDATE = "candidate", _("For the candidate")

    public_id = PublicIdField("fb")
    analysis = models.ForeignKey(Analysis, on_delete=models.CASCADE, related_name="feedback")
    audience = models.CharField(max_length=20, choices=Audience.choices)
    text = models.TextField()
    machine_text = models.TextField()
    used_fallback = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Review.choices, default=Review.DRAFT)
    edited = models.BooleanField(default=False)
    reviewed_by = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = _scoped("analysis__interview").as_manager()

    class Meta:
        ordering = ["audience"]
        constraints = [models.UniqueConstraint(fields=["analysis", "audience"], name="ai_one_feedback_per_audience")]


class AICallQuerySet(TenantQuerySet):
    def restrict_to(self, member):
        return self if member.role == Role.ADMIN else self.none()


class AICall(TenantModel):
    """AI-8: one row per provider call. No transcript text, no link to candidate rows (it outlives their erasure)."""

    purpose = models.CharField(max_length=30)
    provider = models.CharField(max_length=20)
    model = models.CharField(max_length=100)
    interview_public_id = models.CharField(max_length=40, blank=True)
    analysis_public_id = models.CharField(max_length=40, blank=True)
    attempt = models.PositiveSmallIntegerField(default=1)
    duration_ms = models.PositiveIntegerField()
    input_tokens = models.PositiveIntegerField(null=True, blank=True)
    output_tokens = models.PositiveIntegerField(null=True, blank=True)
    audio_seconds = models.FloatField(null=True, blank=True)
    outcome = models.CharField(max_length=60)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    @classmethod
    def of(cls, call, *, organization_id: int, purpose: str | None = None, **where) -> "AICall":
        """The audit row of one provider call (a ``CallRecord``): figures only, never text (AI-8)."""
        return cls(
            organization_id=organization_id,
            purpose=(purpose or call.purpose)[:30],
            provider=call.provider,
            model=call.model,
            attempt=call.attempt,
            duration_ms=call.duration_ms,
            input_tokens=call.input_tokens,
            output_tokens=call.output_tokens,
            audio_seconds=call.audio_seconds,
            outcome=call.outcome[:60],
            **where,
        )

    objects = AICallQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organization", "-created_at"])]

    def __str__(self):
        return f"{self.purpose} via {self.provider}/{self.model}: {self.outcome}"


class ScorecardQuerySet(TenantQuerySet):
    """Independent judgement (issue 14): a member sees their own scorecards (draft or submitted); the submitted ones
    of interviews they may see as a hiring manager, recruiter or admin of the hiring; and, as an interviewer, the
    submitted scorecards of a candidate only once they submitted their own for that candidate. A draft is its
    author's alone. Enforced here, so every page, panel and API read follows it (ORG-4)."""

    def restrict_to(self, member):
        own = Q(author=member)
        mine_submitted = Scorecard.objects.filter(
            organization_id=member.organization_id, author=member, status=Scorecard.Status.SUBMITTED
        ).values("interview__candidate_id")
        others = Q(status=Scorecard.Status.SUBMITTED, interview__candidate_id__in=mine_submitted)
        if member.has_role(Role.HIRING_MANAGER):
            managed = Interview.objects.filter(organization_id=member.organization_id).restrict_to(member)
            others |= Q(status=Scorecard.Status.SUBMITTED, interview__in=managed.values("pk"))
        return self.filter(own | others)


class Scorecard(TenantModel):
    """One interviewer's own ratings of the hiring's criteria for one interview (issue 14).

    Editable by its author while a draft; immutable once submitted (who and when are kept, and the audit log has
    the submission). Pre-filled from the interview's approved, or else draft, AI scores when an analysis exists
    (``analysis`` is the one it was pre-filled from and whose candidate turns its quotes come from)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Submitted")

    public_id = PublicIdField("card")
    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="scorecards")
    author = models.ForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    author_email = models.EmailField(blank=True)  # kept when the member is removed
    analysis = models.ForeignKey(Analysis, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)

    objects = ScorecardQuerySet.as_manager()

    class Meta:
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["interview", "author"], name="ai_one_scorecard_per_author"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(submitted_at__isnull=False), name="ai_submitted_scorecard_has_time"
            ),
        ]

    def __str__(self):
        return f"Scorecard {self.public_id} ({self.status})"


class ScorecardRatingQuerySet(TenantQuerySet):
    """A rating is visible exactly when its scorecard is (a draft's ratings are its author's alone)."""

    def restrict_to(self, member):
        visible = Scorecard.objects.filter(organization_id=member.organization_id).restrict_to(member)
        return self.filter(scorecard__in=visible.values("pk"))


class ScorecardRating(TenantModel):
    """One criterion on one scorecard: 1–5 or None ("no evidence"), a note, and optional quotes, each a candidate
    turn of the scorecard's analysis copied verbatim with its time: [{"turn", "quote", "start_s", "end_s"}]."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="ratings")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="+")
    criterion_name = models.CharField(max_length=200)  # as it was when rated
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    note = models.TextField(blank=True)
    quotes = models.JSONField(default=list, blank=True)

    objects = ScorecardRatingQuerySet.as_manager()

    class Meta:
        ordering = ["criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "criterion"], name="ai_one_rating_per_criterion"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=1, value__lte=5), name="ai_rating_1_5"
            ),
        ]

    def __str__(self):
        return f"{self.criterion_name}: {self.value}"


# --- Each organization's own model (BYO-1, AI-2, SEC-SSRF) ------------------------------------------------------------


class AdminOnlyQuerySet(TenantQuerySet):
    """The organization's AI endpoint and its evaluations are admin settings (ORG-2)."""

    def restrict_to(self, member):
        return self if member.role == Role.ADMIN else self.none()


class OrganizationAIProviderQuerySet(AdminOnlyQuerySet):
    def enabled_for(self, organization):
        """The organization's endpoint when it is in use: what ``providers.provider_for`` reads (no member: a job)."""
        return self.filter(organization_id=organization.pk, status=OrganizationAIProvider.Status.ENABLED)


class OrganizationAIProvider(TenantModel):
    """The organization's own OpenAI-compatible endpoint (BYO-1): one per organization, used for its analyses only
    while ``status`` is enabled, which ``ai_analysis.provider_settings`` allows only after a golden-set evaluation of
    exactly this configuration (``config_version``). Without an enabled one the organization uses the service's
    provider (the offline engine by default). The API key is stored encrypted (``api_key_secret``) and never shown."""

    class Kind(models.TextChoices):
        OPENAI = "openai", _("OpenAI-compatible API (OpenAI, vLLM, Ollama …)")
        AZURE = "azure", _("Azure OpenAI")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Not evaluated")
        EVALUATED = "evaluated", _("Evaluated, not in use")
        ENABLED = "enabled", _("In use")

    public_id = PublicIdField("aiprov")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OPENAI)
    base_url = models.CharField(max_length=300)  # Azure: the resource endpoint
    model = models.CharField(max_length=100)  # Azure: the deployment name
    api_version = models.CharField(max_length=40, blank=True)  # Azure only
    # Blank: speech to text stays on this server's offline engine; only scoring and feedback go to the endpoint.
    transcribe_model = models.CharField(max_length=100, blank=True)
    api_key_secret = models.TextField()  # Fernet token (ai_analysis.provider_settings.encrypt_key)
    key_set_at = models.DateTimeField(default=timezone.now)
    config_version = models.PositiveIntegerField(default=1)  # +1 whenever kind, URL, model or key change
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    updated_by = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)
    enabled_by = models.ForeignKey(Membership, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    enabled_at = models.DateTimeField(null=True, blank=True)

    objects = OrganizationAIProviderQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization"], name="ai_one_own_provider_per_org")]
        verbose_name = "organization AI provider"

    def __str__(self):
        return f"{self.get_kind_display()} {self.model} ({self.status})"


class ProviderEvaluation(TenantModel, StepRecord):
    """One run of the golden set against one configuration of an organization's endpoint (BYO-1, AI-2): a job
    (``ai_analysis.provider_actors.evaluate_own_provider``) with its progress and, when done, the report."""

    public_id = PublicIdField("aieval")
    provider = models.ForeignKey(OrganizationAIProvider, on_delete=models.CASCADE, related_name="evaluations")
    config_version = models.PositiveIntegerField()
    kind = models.CharField(max_length=20)
    base_url = models.CharField(max_length=300)
    model = models.CharField(max_length=100)
    interviews_done = models.PositiveIntegerField(default=0)
    interviews_total = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)  # ai_eval's JSON document (golden interviews only)
    created_by = models.ForeignKey(Membership, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = AdminOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Evaluation {self.public_id} ({self.status})"
