"""Interviewer scorecards (issue 14, AI-3, AI-4, ORG-4): each interviewer rates the hiring's criteria for the
interview they ran, 1–5 or "no evidence", with a note and optional quotes of what the candidate said.

- Pre-filled from the interview's latest finished analysis: its approved scores, or else its drafts (a rejected
  score pre-fills nothing). The interviewer changes whatever they judge differently; what they submit is theirs.
- Editable by its author while a draft; immutable once submitted (``submitted_at``, the author and an audit row
  ``scorecard.submitted`` say who and when). Only the interview's assigned interviewer writes its scorecard.
- Independent judgement: who sees which scorecard is ``ScorecardQuerySet.restrict_to``, not the templates.
- Quotes are candidate turns of the scorecard's analysis (AI-4), copied verbatim with their time.
- Submitting sends ``signals.scorecard_submitted`` inside the transaction, for the floor above.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from accounts.models import Membership
from ai_analysis import signals
from ai_analysis.models import Analysis, Review, Score, Scorecard, ScorecardRating, TranscriptTurn
from ai_analysis.review import MAX_QUOTES, MAX_TEXT
from ai_analysis.types import CANDIDATE
from hiring.models import Criterion, Interview
from interview_analyzer.errors import Conflict, Refused
from interview_analyzer.permissions import require_access
from interview_analyzer.roles import Role


class NotYourScorecard(Refused):
    code = "not_your_scorecard"


def source_analysis(interview: Interview) -> Analysis | None:
    """The analysis a scorecard is pre-filled from and quotes: the interview's latest finished one."""
    return (
        Analysis.objects.for_operators()
        .filter(interview_id=interview.pk, status=Analysis.Status.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )


def candidate_turns(analysis: Analysis | None) -> list[TranscriptTurn]:
    if analysis is None:
        return []
    return list(TranscriptTurn.objects.for_operators().filter(analysis_id=analysis.pk, speaker=CANDIDATE))


def prefill(analysis: Analysis | None) -> dict[int, dict]:
    """Per criterion pk: the AI's value, rationale and quoted turns, from approved scores, else drafts."""
    if analysis is None:
        return {}
    scores = (
        Score.objects.for_operators()
        .filter(analysis_id=analysis.pk, status__in=[Review.APPROVED, Review.DRAFT])
        .prefetch_related("evidence__turn")
    )
    return {
        score.criterion_id: {
            "value": score.value,
            "note": score.rationale,
            "quotes": list(dict.fromkeys(item.turn.public_id for item in score.evidence.all())),
            "approved": score.status == Review.APPROVED,
        }
        for score in scores
    }


def _require_author(actor: Membership, interview: Interview) -> None:
    require_access(actor, interview, Role.INTERVIEWER)
    if interview.interviewer_id != actor.pk:
        raise NotYourScorecard(_("Only the interview's interviewer writes its scorecard."))
    if interview.status == Interview.Status.CANCELLED:
        raise ValidationError({"interview": _("The interview was cancelled: there is nothing to rate.")})


def _clean_ratings(interview: Interview, analysis: Analysis | None, ratings: list[dict]) -> list[ScorecardRating]:
    """Exactly one rating per criterion of the hiring (``criterion`` is its public id); every bad input a
    ValidationError naming it (``ratings.<criterion id>``)."""
    hiring_criteria = Criterion.objects.for_operators().filter(hiring_id=interview.candidate.hiring_id)
    criteria = {criterion.public_id: criterion for criterion in hiring_criteria}
    if not criteria:
        raise ValidationError({"ratings": _("The hiring has no criteria to rate yet.")})
    turns = {turn.public_id: turn for turn in candidate_turns(analysis)}
    seen, rows, errors = set(), [], {}
    for rating in ratings:
        key = f"ratings.{rating['criterion']}"
        criterion = criteria.get(rating["criterion"])
        if criterion is None:
            errors[key] = _("This criterion is not one of the hiring's.")
            continue
        if criterion.public_id in seen:
            errors[key] = _("Rate each criterion once.")
            continue
        seen.add(criterion.public_id)
        value, note = rating.get("value"), (rating.get("note") or "").strip()
        quotes = list(dict.fromkeys(rating.get("quotes") or []))
        if value is not None and not (isinstance(value, int) and 1 <= value <= 5):
            errors[key] = _("A rating is 1 to 5, or “no evidence”.")
        elif len(note) > MAX_TEXT:
            errors[key] = _("The note is too long.")
        elif len(quotes) > MAX_QUOTES:
            errors[key] = _("Choose at most %(max)d quotes.") % {"max": MAX_QUOTES}
        elif any(public_id not in turns for public_id in quotes):
            errors[key] = _("Quotes can only come from what the candidate said in this interview.")
        elif value is None and quotes:
            errors[key] = _("“No evidence” cannot rest on quotes: choose a rating or remove the quotes.")
        if key in errors:
            continue
        rows.append(
            ScorecardRating(
                organization_id=interview.organization_id,
                criterion=criterion,
                criterion_name=criterion.name,
                value=value,
                note=note,
                quotes=[
                    {
                        "turn": public_id,
                        "quote": turns[public_id].text,
                        "start_s": turns[public_id].start_s,
                        "end_s": turns[public_id].end_s,
                    }
                    for public_id in quotes
                ],
            )
        )
    missing = [criterion for public_id, criterion in criteria.items() if public_id not in seen]
    if missing and not errors:
        errors["ratings"] = _("Rate every criterion (or choose “no evidence”): %(names)s.") % {
            "names": ", ".join(criterion.name for criterion in missing)
        }
    if errors:
        raise ValidationError(errors)
    return rows


@transaction.atomic
def save_scorecard(*, actor: Membership, interview: Interview, ratings: list[dict]) -> Scorecard:
    """Create or replace the actor's draft scorecard of ``interview``. A submitted one is a 409: it is final."""
    _require_author(actor, interview)
    interview = Interview.objects.select_for_update().select_related("candidate").get(pk=interview.pk)
    scorecard = Scorecard.objects.for_operators().filter(interview_id=interview.pk, author=actor).first()
    if scorecard is not None and scorecard.status == Scorecard.Status.SUBMITTED:
        raise Conflict(_("Your scorecard for this interview is submitted and cannot be changed."))
    analysis = scorecard.analysis if scorecard is not None and scorecard.analysis_id else source_analysis(interview)
    rows = _clean_ratings(interview, analysis, ratings)
    if scorecard is None:
        try:
            with transaction.atomic():
                scorecard = Scorecard.objects.create(
                    organization_id=interview.organization_id,
                    interview=interview,
                    author=actor,
                    author_email=actor.user.email,
                    analysis=analysis,
                )
        except IntegrityError as error:  # pragma: no cover - the row lock above serialises authors
            raise Conflict(_("Your scorecard was saved at the same moment elsewhere; reload the page.")) from error
    else:
        scorecard.updated_at = timezone.now()
        scorecard.save(update_fields=["updated_at"])
        scorecard.ratings.all().delete()
    for row in rows:
        row.scorecard = scorecard
    ScorecardRating.objects.bulk_create(rows)
    return scorecard


@transaction.atomic
def submit_scorecard(*, actor: Membership, scorecard: Scorecard) -> Scorecard:
    """Make the actor's draft final and theirs: who and when, an audit row, and the signal for the floor above."""
    scorecard = Scorecard.objects.select_for_update().select_related("interview").get(pk=scorecard.pk)
    if scorecard.author_id != actor.pk:
        raise NotYourScorecard(_("Only its author submits a scorecard."))
    _require_author(actor, scorecard.interview)
    if scorecard.status == Scorecard.Status.SUBMITTED:
        raise Conflict(_("This scorecard is already submitted."))
    if not scorecard.ratings.exists():
        raise ValidationError({"ratings": _("Rate every criterion before submitting.")})
    scorecard.status, scorecard.submitted_at = Scorecard.Status.SUBMITTED, timezone.now()
    scorecard.updated_at = scorecard.submitted_at
    scorecard.save(update_fields=["status", "submitted_at", "updated_at"])
    audit.record(
        organization=scorecard.organization,
        actor=actor.user,
        action="scorecard.submitted",
        target=scorecard.public_id,
        interview=scorecard.interview.public_id,
    )
    signals.scorecard_submitted.send(sender=Scorecard, scorecard=scorecard)
    return scorecard


def interviews_to_score(member: Membership):
    """The member's own held (or past, still scheduled) interviews without a submitted scorecard of theirs."""
    submitted = Scorecard.objects.filter(interview=OuterRef("pk"), author=member, status=Scorecard.Status.SUBMITTED)
    return (
        Interview.objects.visible_to(member)
        .filter(interviewer=member, scheduled_at__lte=timezone.now())
        .exclude(status=Interview.Status.CANCELLED)
        .exclude(Exists(submitted))
        .select_related("candidate__hiring")
        .order_by("scheduled_at", "pk")
    )
