"""The analysis pipeline's steps, in the order of ``models.Step``: merge → transcribe → structure → score → feedback
(SPEC section 7, AI-1).

``run_step(analysis_public_id, step)`` is what each Dramatiq actor calls. The mechanics are the shared step runner's
(``interview_analyzer.steps``, ARCHITECTURE "Jobs" 6): a step that is done is skipped; otherwise it runs again from
the stored inputs and replaces its outputs in one transaction with its step row locked, so an interrupted or
duplicated run leaves exactly one set of results. Its precondition is ``require_consent`` (CON-4), asked before the
step starts and again inside the transaction that writes its results: a job queued before a withdrawal stops, marks
the analysis and its unfinished steps stopped, and stores nothing.

State lives in the database (``AnalysisStep``), with each failure's reason shown to people. A provider failure that
may pass (rate limit, timeout, 5xx) is retried by Dramatiq with backoff, up to ``MAX_ATTEMPTS``; then, or for a
failure that cannot pass (a bad configuration, unreadable audio), the step and the analysis are marked failed. Every
provider call is audited (AI-8), whether the step succeeded or not.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager

from django.conf import settings
from django.core.files import File
from django.utils import timezone

from accounts.models import Membership
from ai_analysis import audio, drafts, guardrails
from ai_analysis.draft_checks import recruiter_feedback_in_scope, validate_score_drafts
from ai_analysis.models import (
    AICall,
    Analysis,
    AnalysisStep,
    Evidence,
    Feedback,
    QuestionAnswer,
    Recording,
    Score,
    Step,
    TranscriptTurn,
    next_step,
)
from ai_analysis.providers import provider_for_analysis
from ai_analysis.providers.base import CallRecord, ProviderError
from ai_analysis.structuring import pair_questions_and_answers
from ai_analysis.types import CriterionSpec, EvidenceDraft, QAPair, ScoreDraft, Turn
from billing import services as billing_services
from consent.services import ConsentRequired, require_consent
from interview_analyzer import steps

MAX_ATTEMPTS = steps.MAX_ATTEMPTS
STEP_STOPPED_FOR_CONSENT = "No recorded consent: processing stopped (CON-4)."
ANALYSIS_STOPPED_FOR_CONSENT = "The candidate has not consented or has withdrawn."


# --- Running a step ---------------------------------------------------------------------------------------------


def _load(analysis_public_id: str) -> Analysis | None:
    return (
        Analysis.objects.for_operators()
        .select_related("recording", "interview__candidate__hiring", "organization")
        .filter(public_id=analysis_public_id)
        .first()
    )


class _AnalysisJob:
    """The analysis's side of its steps' transitions (``steps.Job``): its own status and reason."""

    def __init__(self, analysis: Analysis):
        self.analysis = analysis
        self.public_id = analysis.public_id  # named in the step runner's log lines
        self.rows = Analysis.objects.for_operators().filter(pk=analysis.pk)

    def step_started(self, step: AnalysisStep) -> None:
        self.rows.filter(status=Analysis.Status.QUEUED).update(status=Analysis.Status.RUNNING)

    def step_done(self, step: AnalysisStep) -> None:
        if next_step(step.name) is None:
            self.rows.update(status=Analysis.Status.DONE, finished_at=timezone.now())

    def step_failed(self, step: AnalysisStep, reason: str) -> None:
        reason = reason[: steps.REASON_MAX_LENGTH]
        self.rows.update(status=Analysis.Status.FAILED, failure_reason=reason, finished_at=timezone.now())
        self._release_credits()

    def step_stopped(self, step: AnalysisStep, reason: str) -> None:
        """CON-4: every unfinished step stops with the step's reason; the analysis says why in people's words."""
        now = timezone.now()
        self.analysis.steps.filter(status__in=steps.UNFINISHED).update(
            status=AnalysisStep.Status.STOPPED, failure_reason=reason, finished_at=now
        )
        self.rows.update(status=Analysis.Status.STOPPED, failure_reason=ANALYSIS_STOPPED_FOR_CONSENT, finished_at=now)
        self._release_credits()

    def _release_credits(self) -> None:
        """BIL-5: an analysis that failed or stopped gives back the credits it reserved when it started."""
        billing_services.release_for_analysis(
            organization_id=self.analysis.organization_id, analysis_public_id=self.analysis.public_id
        )


def run_step(analysis_public_id: str, step_name: str) -> bool:
    """Run one step. True when it is done (now or before) and the next step may follow; False when it stopped or
    failed. Raises ``steps.RetryLater`` for Dramatiq to retry after a failure that may pass."""
    analysis = _load(analysis_public_id)
    if analysis is None:  # erased meanwhile (RET-4): nothing to do
        return False
    step = AnalysisStep.objects.for_operators().get(analysis=analysis, name=step_name)
    candidate = analysis.interview.candidate
    calls: list[CallRecord] = []

    def consented() -> None:
        try:
            require_consent(candidate)
        except ConsentRequired as error:
            raise steps.Stop(STEP_STOPPED_FOR_CONSENT) from error

    def work() -> None:
        try:
            STEPS[step_name](analysis, calls)
        except ProviderError as error:
            raise steps.Failure(error.reason, retryable=error.retryable) from error
        except audio.AudioError as error:
            raise steps.Failure(f"The audio could not be read: {error}") from error

    try:
        return steps.run_step(step, work, job=_AnalysisJob(analysis), precondition=consented, max_attempts=MAX_ATTEMPTS)
    finally:
        _audit(analysis, calls)


def _audit(analysis: Analysis, calls: list[CallRecord]) -> None:
    """AI-8: one row per provider call, written even when the step failed; no transcript text."""
    AICall.objects.bulk_create(
        AICall.of(
            call,
            organization_id=analysis.organization_id,
            interview_public_id=analysis.interview.public_id,
            analysis_public_id=analysis.public_id,
        )
        for call in calls
    )


# --- The steps --------------------------------------------------------------------------------------------------


@contextmanager
def _local_copy(field):
    """A local file path for a stored file (Azure Blob in production), removed afterwards."""
    suffix = os.path.splitext(field.name)[1]
    with tempfile.NamedTemporaryFile(suffix=suffix) as local, field.storage.open(field.name, "rb") as stored:
        shutil.copyfileobj(stored, local, 1024 * 1024)
        local.flush()
        yield local.name


def decode_limits() -> audio.DecodeLimits:
    """The bounds of every merge and decode (issue 15, SEC-UP), from settings: the longest recording, twice the
    largest upload as the merged file's size (re-encoding a segment may grow it a little), the time one may take."""
    return audio.DecodeLimits(
        max_seconds=settings.RECORDING_MAX_SECONDS,
        max_output_bytes=2 * settings.RECORDING_MAX_BYTES,
        max_work_seconds=settings.RECORDING_DECODE_TIMEOUT_SECONDS,
    )


def _merge(analysis: Analysis, calls: list) -> None:
    recording = Recording.objects.select_for_update().get(pk=analysis.recording_id)
    chunks = list(recording.chunks.order_by("index"))
    opened = []

    def each_chunk():  # opened one at a time, as the merge reads them (constant memory)
        for chunk in chunks:
            opened.append(chunk.file.storage.open(chunk.file.name, "rb"))
            yield opened[-1]

    with tempfile.TemporaryFile() as merged:
        try:
            result = audio.merge_chunks(each_chunk(), merged, limits=decode_limits())
        finally:
            for file in opened:
                file.close()
        merged.seek(0)
        if recording.merged:
            recording.merged.delete(save=False)
        recording.merged_format = result.container
        recording.merged.save(f"merged.{result.container}", File(merged), save=False)
    recording.merged_bytes = result.bytes_written
    recording.codec = result.codec
    recording.duration_seconds = result.duration_seconds
    recording.save(update_fields=["merged", "merged_format", "merged_bytes", "codec", "duration_seconds"])


def _transcribe(analysis: Analysis, calls: list) -> None:
    provider = provider_for_analysis(analysis)
    # The hiring's interview language ("auto", "en", "sv"); hiring adds the field, "auto" until it exists.
    language = getattr(analysis.interview.candidate.hiring, "interview_language", "auto")
    with _local_copy(analysis.recording.merged) as path:
        result = provider.transcribe(path, on_call=calls.append, language=language)
    analysis.turns.all().delete()
    TranscriptTurn.objects.bulk_create(
        TranscriptTurn(
            organization_id=analysis.organization_id,
            analysis=analysis,
            index=turn.index,
            speaker=turn.speaker,
            machine_speaker=turn.speaker,
            speaker_confidence=result.speaker_confidence,
            start_s=turn.start_s,
            end_s=turn.end_s,
            text=turn.text,
        )
        for turn in result.turns
    )
    Analysis.objects.filter(pk=analysis.pk).update(
        speech_engine=result.engine[:200], speaker_confidence=result.speaker_confidence
    )


def turns_of(analysis: Analysis) -> list[Turn]:
    return [
        Turn(index=t.index, speaker=t.speaker, start_s=t.start_s, end_s=t.end_s, text=t.text)
        for t in analysis.turns.order_by("index")
    ]


def _structure(analysis: Analysis, calls: list) -> None:
    pairs = pair_questions_and_answers(turns_of(analysis))
    analysis.pairs.all().delete()
    QuestionAnswer.objects.bulk_create(
        QuestionAnswer(
            organization_id=analysis.organization_id,
            analysis=analysis,
            index=pair.index,
            question_turn=pair.question.index if pair.question else None,
            answer_turns=[turn.index for turn in pair.answer_turns],
        )
        for pair in pairs
    )


def redacted_turns(analysis: Analysis) -> list[Turn]:
    """The transcript as the scorer sees it: without the candidate's name, email or phone (AI-5)."""
    candidate = analysis.interview.candidate
    phones = [candidate.phone] if candidate.phone else []
    return [
        Turn(
            index=turn.index,
            speaker=turn.speaker,
            start_s=turn.start_s,
            end_s=turn.end_s,
            text=guardrails.redact_identifiers(
                turn.text, names=[candidate.name], emails=[candidate.email], phones=phones
            ),
        )
        for turn in turns_of(analysis)
    ]


def pairs_of(analysis: Analysis, turns: list[Turn]) -> list[QAPair]:
    by_index = {turn.index: turn for turn in turns}
    return [
        QAPair(
            index=row.index,
            question=by_index.get(row.question_turn) if row.question_turn is not None else None,
            answer_turns=tuple(by_index[i] for i in row.answer_turns if i in by_index),
        )
        for row in analysis.pairs.order_by("index")
    ]


def criteria_of(analysis: Analysis) -> tuple[list[CriterionSpec], dict]:
    hiring = analysis.interview.candidate.hiring
    criteria = list(hiring.criteria.prefetch_related("questions").order_by("position", "pk"))
    specs = [
        CriterionSpec(
            key=c.public_id,
            name=c.name,
            description=c.description,
            evidence_guidance=c.good_evidence,
            anchors={n: getattr(c, f"anchor_{n}") for n in range(1, 6) if getattr(c, f"anchor_{n}")},
            weight=c.weight,
            questions=tuple(question.text for question in c.questions.all()),  # the kit: where to look first
        )
        for c in criteria
    ]
    return specs, {c.public_id: c for c in criteria}


def _score(analysis: Analysis, calls: list) -> None:
    provider = provider_for_analysis(analysis)
    turns = redacted_turns(analysis)
    pairs = pairs_of(analysis, turns)
    specs, criteria = criteria_of(analysis)
    # Whatever the provider: the one score validation (AI-4, AI-6), again, before anything is stored.
    score_drafts = validate_score_drafts(
        provider.score(pairs, specs, on_call=calls.append), turns=turns, criteria=specs
    ).drafts
    drafts.lock(analysis.pk)  # before the scores' rows, as every writer of drafts does (ai_analysis.drafts)
    analysis.scores.all().delete()
    turn_rows = {row.index: row for row in analysis.turns.all()}
    for draft in score_drafts:
        score = Score.objects.create(
            organization_id=analysis.organization_id,
            analysis=analysis,
            criterion=criteria[draft.criterion_key],
            criterion_name=criteria[draft.criterion_key].name,
            value=draft.score,
            rationale=draft.rationale,
            machine_value=draft.score,
            machine_rationale=draft.rationale,
        )
        Evidence.objects.bulk_create(
            Evidence(
                organization_id=analysis.organization_id,
                score=score,
                turn=turn_rows[item.turn_index],
                quote=item.quote,
                start_s=item.start_s,
                end_s=item.end_s,
            )
            for item in draft.evidence
        )
    drafts.recount(analysis.pk)


def team_names(organization_id: int) -> list[str]:
    """Every team member's name: none of them may reach a candidate (AI-7)."""
    names = Membership.objects.for_operators().filter(organization_id=organization_id)
    return [name for name in names.values_list("user__full_name", flat=True) if name]


def drafts_of(analysis: Analysis) -> list[ScoreDraft]:
    """The stored scores with their evidence, as the feedback step's input."""
    return [
        ScoreDraft(
            score.criterion.public_id,
            score.value,
            score.rationale,
            tuple(
                EvidenceDraft(turn_index=item.turn.index, quote=item.quote, start_s=item.start_s, end_s=item.end_s)
                for item in score.evidence.all()
            ),
        )
        for score in analysis.scores.select_related("criterion").prefetch_related("evidence__turn")
    ]


def _feedback(analysis: Analysis, calls: list) -> None:
    provider = provider_for_analysis(analysis)
    turns = redacted_turns(analysis)
    specs, _criteria = criteria_of(analysis)
    score_drafts = drafts_of(analysis)
    recruiter_text = recruiter_feedback_in_scope(
        provider.recruiter_feedback(pairs_of(analysis, turns), score_drafts, specs, on_call=calls.append),
        score_drafts,
        specs,
    )
    # No team member's name may reach the candidate (AI-7): every member of the organization counts.
    recruiter_names = team_names(analysis.organization_id)
    candidate_draft = provider.candidate_feedback_draft(score_drafts, specs, recruiter_notes="", on_call=calls.append)
    safe = guardrails.candidate_feedback(
        candidate_draft, recruiter_names=recruiter_names, criteria_names=[spec.name for spec in specs]
    )
    drafts.lock(analysis.pk)
    analysis.feedback.all().delete()
    for audience, text, fallback in (
        (Feedback.Audience.RECRUITER, recruiter_text, False),
        (Feedback.Audience.CANDIDATE, safe.text, safe.used_fallback),
    ):
        Feedback.objects.create(
            organization_id=analysis.organization_id,
            analysis=analysis,
            audience=audience,
            text=text,
            machine_text=text,
            used_fallback=fallback,
        )
    drafts.recount(analysis.pk)


# The work of each step (the order is Step's, not this mapping's).
STEPS = {
    Step.MERGE: _merge,
    Step.TRANSCRIBE: _transcribe,
    Step.STRUCTURE: _structure,
    Step.SCORE: _score,
    Step.FEEDBACK: _feedback,
}
