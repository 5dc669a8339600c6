"""What each outbound event says (INT-1): public ids and the ATS's external ids, never more than the event needs.

Scores leave only when a person approved them (AI-3): ``scores_approved`` refuses an analysis that still has a
draft score, and lists approved scores only (a rejected machine score is not sent either). Evidence quotes, the
transcript, feedback and any free text a person wrote (a decision's reason, a decline message) are never sent.
"""

from ai_analysis.models import Analysis, Review, Score, Scorecard
from consent.models import ConsentRequest
from hiring.models import Candidate, Decision, Hiring
from integrations.models import Event, ExternalCandidate, ExternalHiring


def _iso(value):
    return value.isoformat() if value else None


def hiring_ref(hiring: Hiring) -> dict:
    mapping = ExternalHiring.objects.for_operators().filter(hiring_id=hiring.pk).first()
    return {"id": hiring.public_id, "external_id": mapping.external_id if mapping else None}


def candidate_ref(candidate: Candidate) -> dict:
    mapping = ExternalCandidate.objects.for_operators().filter(candidate_id=candidate.pk).first()
    return {"id": candidate.public_id, "external_id": mapping.external_id if mapping else None}


def consent_answered(consent: ConsentRequest) -> tuple[str, Candidate, dict]:
    candidate = consent.candidate
    data = {
        "candidate": candidate_ref(candidate),
        "hiring": hiring_ref(consent.hiring),
        "consent": {"id": consent.public_id, "status": consent.status, "answered_at": _iso(consent.responded_at)},
    }
    return Event.CONSENT_ANSWERED, candidate, data


def decision_recorded(decision: Decision) -> tuple[str, Candidate, dict]:
    candidate = decision.candidate
    data = {
        "candidate": candidate_ref(candidate),
        "hiring": hiring_ref(candidate.hiring),
        "decision": {"id": decision.public_id, "outcome": decision.outcome, "decided_at": _iso(decision.decided_at)},
    }
    return Event.DECISION_RECORDED, candidate, data


class NotReviewed(Exception):
    """The analysis still has draft scores: nothing of it may leave (AI-3)."""


def scores_approved(analysis: Analysis) -> tuple[str, Candidate, dict]:
    scores = Score.objects.for_operators().filter(analysis_id=analysis.pk).select_related("criterion")
    if scores.filter(status=Review.DRAFT).exists():
        raise NotReviewed(analysis.public_id)
    approved = [score for score in scores.order_by("criterion__position", "pk") if score.status == Review.APPROVED]
    if not approved:
        raise NotReviewed(analysis.public_id)
    interview = analysis.interview
    candidate = interview.candidate
    data = {
        "candidate": candidate_ref(candidate),
        "hiring": hiring_ref(candidate.hiring),
        "interview": {"id": interview.public_id},
        "analysis": {"id": analysis.public_id},
        "scores": [
            {
                "id": score.public_id,
                "criterion": {"id": score.criterion.public_id, "name": score.criterion.name},
                "value": score.value,  # 1..5, or null: insufficient evidence
                "edited_by_reviewer": score.edited,
                "approved_at": _iso(score.reviewed_at),
            }
            for score in approved
        ],
    }
    return Event.SCORES_APPROVED, candidate, data


def scorecard_submitted(scorecard: Scorecard) -> tuple[str, Candidate, dict]:
    """An interviewer's submitted scorecard: who (public id), when, and the rating per criterion. The notes and
    quotes are free text and transcript, never sent; a draft never leaves (only ``submit_scorecard`` sends this)."""
    if scorecard.status != Scorecard.Status.SUBMITTED:
        raise NotReviewed(scorecard.public_id)
    interview = scorecard.interview
    candidate = interview.candidate
    ratings = scorecard.ratings.select_related("criterion").order_by("criterion__position", "pk")
    data = {
        "candidate": candidate_ref(candidate),
        "hiring": hiring_ref(candidate.hiring),
        "interview": {"id": interview.public_id},
        "scorecard": {
            "id": scorecard.public_id,
            "interviewer": {"id": scorecard.author.public_id if scorecard.author_id else None},
            "submitted_at": _iso(scorecard.submitted_at),
            "ratings": [
                {
                    "criterion": {"id": rating.criterion.public_id, "name": rating.criterion_name},
                    "value": rating.value,  # 1..5, or null: no evidence
                }
                for rating in ratings
            ],
        },
    }
    return Event.SCORECARD_SUBMITTED, candidate, data
