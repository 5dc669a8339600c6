"""Human review (AI-3): every score and feedback item is a draft until a person approves, edits or rejects it.

Reviewing needs hiring manager or above on a hiring the member manages (ORG-4); who and when are recorded on the
item. Only approved items reach comparisons, exports, explanations and candidates. No function here, or anywhere,
records a hiring decision: that stays ``hiring.services.record_decision``, called by a person (AI-3).

Speakers: a person may correct a turn's speaker label. Evidence may only quote candidate turns, so a turn relabelled
as the interviewer's loses the evidence quoting it, and every affected score goes back to draft, marked for a
second look, even if it had been approved.

Each service takes the analysis's row lock before the item's and stores the analysis's count of drafts left before
it returns (``ai_analysis.drafts``: what "Drafts awaiting your review" filters on).
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from ai_analysis import drafts, guardrails, signals
from ai_analysis.models import Evidence, Feedback, Review, Score, TranscriptTurn
from ai_analysis.pipeline import team_names
from ai_analysis.types import CANDIDATE
from consent.services import require_consent
from hiring import services as hiring_services
from hiring.models import Candidate
from interview_analyzer.permissions import require_access
from interview_analyzer.roles import Role

MAX_TEXT = 5000
MAX_QUOTES = 20


def _require_reviewer(actor: Membership, item) -> None:
    """Hiring manager or above who may see the item, and the candidate's consent still recorded (CON-4, CON-5):
    after a withdrawal nobody works on the candidate's analysis any more."""
    require_access(actor, item, Role.HIRING_MANAGER)
    require_consent(_candidate_of(item))


def _candidate_of(item):
    analysis = item.analysis if hasattr(item, "analysis") else item
    return Candidate.objects.for_operators().get(pk=analysis.interview.candidate_id)


def _reviewed(item, actor: Membership, status: str) -> None:
    item.status = status
    item.reviewed_by = actor
    item.reviewed_at = timezone.now()


def _complete_interview_when_approved(actor: Membership, score: Score) -> None:
    """An analysis is approved once no score of it is a draft and at least one is approved: the interview was
    held, so a still-scheduled interview is completed by the reviewer (hiring keeps who and when), and the floor
    above hears that the scores are reviewed (``signals.scores_approved``)."""
    analysis = score.analysis
    scores = Score.objects.for_operators().filter(analysis_id=analysis.pk)
    if scores.filter(status=Review.DRAFT).exists() or not scores.filter(status=Review.APPROVED).exists():
        return
    hiring_services.complete_interview_on_approval(actor=actor, interview=analysis.interview)
    signals.scores_approved.send(sender=Score, analysis=analysis)  # integrations' webhook (INT-1)


@transaction.atomic
def approve_score(*, actor: Membership, score: Score) -> Score:
    _require_reviewer(actor, score)
    drafts.lock(score.analysis_id)
    score = Score.objects.select_for_update().select_related("analysis__interview").get(pk=score.pk)
    _reviewed(score, actor, Review.APPROVED)
    score.needs_recheck = False
    score.save(update_fields=["status", "reviewed_by", "reviewed_at", "needs_recheck"])
    drafts.recount(score.analysis_id)
    _complete_interview_when_approved(actor, score)
    return score


def _evidence_snapshot(score: Score) -> list[dict]:
    return [
        {"turn": item.turn.public_id, "quote": item.quote, "start_s": item.start_s, "end_s": item.end_s}
        for item in score.evidence.select_related("turn").order_by("start_s", "pk")
    ]


def _chosen_turns(score: Score, turn_ids: list[str]) -> list[TranscriptTurn]:
    """The candidate turns of this score's analysis that the reviewer picked (AI-4: evidence quotes only the
    candidate). Anything else is a form error; nothing is stored."""
    unique = list(dict.fromkeys(turn_ids))
    if len(unique) > MAX_QUOTES:
        raise ValidationError({"quotes": _("Choose at most %(max)d quotes.") % {"max": MAX_QUOTES}})
    turns = {
        turn.public_id: turn
        for turn in TranscriptTurn.objects.for_operators().filter(
            analysis_id=score.analysis_id, speaker=CANDIDATE, public_id__in=unique
        )
    }
    if len(turns) != len(unique):
        raise ValidationError({"quotes": _("Quotes can only come from what the candidate said in this interview.")})
    return [turns[public_id] for public_id in unique]


@transaction.atomic
def edit_score(
    *, actor: Membership, score: Score, value: int | None, rationale: str, quotes: list[str] | None = None
) -> Score:
    """A person's own score replaces the draft and is approved under their name; the machine's draft is kept.

    ``quotes`` are public ids of the candidate's turns the person's score rests on (AI-4): each becomes the score's
    evidence, verbatim with its time (the machine's quote from that turn when it had one, else the whole turn).
    None keeps the evidence as it is; an empty list leaves none, and the score is then shown as the reviewer's
    judgement, never as resting on quotes. The machine's evidence is kept in ``machine_evidence``.
    """
    _require_reviewer(actor, score)
    if value is not None and not 1 <= value <= 5:
        raise ValidationError({"value": _("A score is 1 to 5, or empty for insufficient evidence.")})
    rationale = (rationale or "").strip()
    if not rationale:
        raise ValidationError({"rationale": _("Say why: the rationale is what a reviewer and the candidate read.")})
    if len(rationale) > MAX_TEXT:
        raise ValidationError({"rationale": _("The rationale is too long.")})
    drafts.lock(score.analysis_id)
    score = Score.objects.select_for_update().select_related("analysis__interview").get(pk=score.pk)
    chosen = _chosen_turns(score, quotes) if quotes is not None else None
    fields = ["value", "rationale", "edited", "needs_recheck", "status", "reviewed_by", "reviewed_at"]
    if chosen is not None:
        if not score.edited and not score.machine_evidence:
            score.machine_evidence = _evidence_snapshot(score)
            fields.append("machine_evidence")
        machine_quotes = {item["turn"]: item for item in score.machine_evidence}
        current = {item.turn_id: item for item in score.evidence.all()}
        score.evidence.all().delete()
        rows = []
        for turn in chosen:
            kept = current.get(turn.pk)
            known = machine_quotes.get(turn.public_id)
            if kept is not None:
                quote, start_s, end_s = kept.quote, kept.start_s, kept.end_s
            elif known is not None and known["quote"] in turn.text:
                quote, start_s, end_s = known["quote"], known["start_s"], known["end_s"]
            else:
                quote, start_s, end_s = turn.text, turn.start_s, turn.end_s
            rows.append(
                Evidence(
                    organization_id=score.organization_id,
                    score=score,
                    turn=turn,
                    quote=quote,
                    start_s=start_s,
                    end_s=end_s,
                )
            )
        Evidence.objects.bulk_create(rows)
    score.value, score.rationale, score.edited, score.needs_recheck = value, rationale, True, False
    _reviewed(score, actor, Review.APPROVED)
    score.save(update_fields=fields)
    drafts.recount(score.analysis_id)
    _complete_interview_when_approved(actor, score)
    return score


@transaction.atomic
def reject_score(*, actor: Membership, score: Score) -> Score:
    _require_reviewer(actor, score)
    drafts.lock(score.analysis_id)
    score = Score.objects.select_for_update().select_related("analysis__interview").get(pk=score.pk)
    _reviewed(score, actor, Review.REJECTED)
    score.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    drafts.recount(score.analysis_id)
    _complete_interview_when_approved(actor, score)
    return score


@transaction.atomic
def correct_speaker(*, actor: Membership, turn: TranscriptTurn, speaker: str) -> list[Score]:
    """Relabel a turn, and re-check the evidence of the scores that quote it. Returns the scores affected."""
    _require_reviewer(actor, turn)
    if speaker not in ("interviewer", "candidate"):
        raise ValidationError({"speaker": _("The speaker is the interviewer or the candidate.")})
    drafts.lock(turn.analysis_id)  # scores may go back to draft below
    turn = TranscriptTurn.objects.select_for_update().get(pk=turn.pk)
    if turn.speaker == speaker:
        return []
    turn.speaker, turn.corrected_by, turn.corrected_at = speaker, actor, timezone.now()
    turn.save(update_fields=["speaker", "corrected_by", "corrected_at"])
    if speaker == "candidate":
        return []  # more candidate text can only add possible evidence; nothing stored becomes wrong
    # A subquery, not a join with DISTINCT: PostgreSQL refuses FOR UPDATE with DISTINCT.
    quoting = Evidence.objects.filter(turn=turn).values("score_id")
    affected = list(Score.objects.select_for_update().filter(pk__in=quoting).order_by("pk"))
    turn.evidence.all().delete()
    for score in affected:
        score.status, score.reviewed_by, score.reviewed_at, score.needs_recheck = Review.DRAFT, None, None, True
        if not score.evidence.exists() and score.value is not None:
            score.value = None
            score.rationale = _("insufficient evidence: the quoted turn was the interviewer's (corrected by a person).")
        score.save(update_fields=["status", "reviewed_by", "reviewed_at", "needs_recheck", "value", "rationale"])
    drafts.recount(turn.analysis_id)
    return affected


@transaction.atomic
def approve_feedback(*, actor: Membership, feedback: Feedback, text: str | None = None) -> Feedback:
    """Approve a feedback draft, optionally edited. Candidate feedback passes the AI-7 guardrail again when edited."""
    _require_reviewer(actor, feedback)
    drafts.lock(feedback.analysis_id)
    feedback = Feedback.objects.select_for_update().select_related("analysis").get(pk=feedback.pk)
    if text is not None and text.strip() != feedback.text:
        text = text.strip()
        if not text or len(text) > MAX_TEXT:
            raise ValidationError({"text": _("Feedback must be between 1 and %(max)d characters.") % {"max": MAX_TEXT}})
        if feedback.audience == Feedback.Audience.CANDIDATE:
            problems = guardrails.feedback_violations(text, recruiter_names=team_names(feedback.organization_id))
            if problems:
                raise ValidationError(
                    {"text": _("This cannot go to a candidate: %(problems)s.") % {"problems": "; ".join(problems)}}
                )
        feedback.text, feedback.edited = text, True
    _reviewed(feedback, actor, Review.APPROVED)
    feedback.save(update_fields=["text", "edited", "status", "reviewed_by", "reviewed_at"])
    drafts.recount(feedback.analysis_id)
    return feedback


@transaction.atomic
def reject_feedback(*, actor: Membership, feedback: Feedback) -> Feedback:
    _require_reviewer(actor, feedback)
    drafts.lock(feedback.analysis_id)
    feedback = Feedback.objects.select_for_update().get(pk=feedback.pk)
    _reviewed(feedback, actor, Review.REJECTED)
    feedback.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    drafts.recount(feedback.analysis_id)
    return feedback
