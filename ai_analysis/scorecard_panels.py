"""Scorecards on hiring's pages (issue 14), registered by ``AiAnalysisConfig`` through page_panels (hiring is a lower
floor and imports nothing of ai_analysis). Every read goes through ``visible_to(member)``, so the independent
judgement rule of ``ScorecardQuerySet`` holds here as on every other page.

- The candidate page (hiring managers and up): every submitted scorecard beside the approved AI scores, per
  criterion.
- The interviewer's candidate page: their own scorecards to write, and the others' once they submitted theirs.
- The interview page: the way to the scorecard, and its state.
- The interviewer's home page (my interviews): "Scorecards to submit".
"""

from django.urls import reverse

from ai_analysis import scorecards
from ai_analysis.models import Review, Score, Scorecard
from hiring.models import Interview
from interview_analyzer.page_panels import register_panel
from interview_analyzer.roles import Role

TO_SUBMIT_ROWS = 10


def side_by_side(member, candidate) -> dict:
    """Criteria as rows; the latest approved AI score, then each submitted scorecard the member may see, as
    columns. A criterion nobody rated is a gap, never a number."""
    criteria = list(candidate.hiring.criteria.order_by("position", "pk"))
    cards = list(
        Scorecard.objects.visible_to(member)
        .filter(interview__candidate=candidate, status=Scorecard.Status.SUBMITTED)
        .select_related("author__user", "interview")
        .prefetch_related("ratings")
        .order_by("submitted_at", "pk")
    )
    ai = {}
    approved = (
        Score.objects.visible_to(member)
        .filter(analysis__interview__candidate=candidate, status=Review.APPROVED)
        .order_by("reviewed_at", "pk")
    )
    for score in approved:  # later reviews overwrite earlier ones, as on the comparison page
        ai[score.criterion_id] = score
    by_card = [{rating.criterion_id: rating for rating in card.ratings.all()} for card in cards]
    rows = [
        {
            "criterion": criterion,
            "ai": ai.get(criterion.pk),
            "ratings": [ratings.get(criterion.pk) for ratings in by_card],
        }
        for criterion in criteria
    ]
    return {"candidate": candidate, "cards": cards, "rows": rows, "has_ai": bool(ai)}


def candidate_scorecards(request, candidate) -> dict | None:
    member = request.member
    if not member.has_role(Role.HIRING_MANAGER):
        return None
    return {**side_by_side(member, candidate), "own": _own(member, candidate)}


def _own(member, candidate) -> list[dict]:
    """The member's own interviews of this candidate, each with the state of their scorecard."""
    interviews = (
        Interview.objects.visible_to(member)
        .filter(candidate=candidate, interviewer=member)
        .exclude(status=Interview.Status.CANCELLED)
        .order_by("scheduled_at", "pk")
    )
    mine = {
        card.interview_id: card
        for card in Scorecard.objects.visible_to(member).filter(interview__candidate=candidate, author=member)
    }
    return [
        {
            "interview": interview,
            "scorecard": mine.get(interview.pk),
            "url": reverse("ai_analysis:interview_scorecard", args=[interview.public_id]),
        }
        for interview in interviews
    ]


def interviewer_candidate_scorecards(request, candidate) -> dict | None:
    member = request.member
    own = _own(member, candidate)
    if not own:
        return None
    submitted_any = any(row["scorecard"] and row["scorecard"].status == Scorecard.Status.SUBMITTED for row in own)
    context = side_by_side(member, candidate) if submitted_any else {"candidate": candidate, "cards": []}
    return {**context, "own": own, "submitted_any": submitted_any, "interviewer_view": True}


def interview_scorecard(request, interview) -> dict | None:
    member = request.member
    mine = Scorecard.objects.visible_to(member).filter(interview=interview, author=member).first()
    submitted = Scorecard.objects.visible_to(member).filter(interview=interview, status=Scorecard.Status.SUBMITTED)
    is_author = interview.interviewer_id == member.pk
    if not is_author and not submitted.exists():
        return None
    return {
        "interview": interview,
        "mine": mine,
        "is_author": is_author,
        "submitted_count": submitted.count(),
        "url": reverse("ai_analysis:interview_scorecard", args=[interview.public_id]),
    }


def scorecards_to_submit(request, obj=None) -> dict | None:
    member = request.member
    waiting = scorecards.interviews_to_score(member)
    drafts = set(
        Scorecard.objects.visible_to(member)
        .filter(author=member, status=Scorecard.Status.DRAFT)
        .values_list("interview_id", flat=True)
    )
    return {
        "count": waiting.count(),
        "rows": [
            {
                "interview": interview,
                "candidate": interview.candidate.name,
                "hiring": interview.candidate.hiring.title,
                "draft": interview.pk in drafts,
                "url": reverse("ai_analysis:interview_scorecard", args=[interview.public_id]),
            }
            for interview in waiting[:TO_SUBMIT_ROWS]
        ],
    }


def register() -> None:
    register_panel(
        "hiring.candidate_detail.main",  # the wide column: one column per interviewer
        name="scorecards",
        template="ai_analysis/_candidate_scorecards.html",
        context=candidate_scorecards,
    )
    register_panel(
        "hiring.candidate_detail_interviewer",
        name="scorecards",
        template="ai_analysis/_candidate_scorecards.html",
        context=interviewer_candidate_scorecards,
    )
    register_panel(
        "hiring.interview_detail",
        name="scorecard",
        template="ai_analysis/_interview_scorecard.html",
        context=interview_scorecard,
        order=90,
    )
    register_panel(
        "hiring.my_interviews",
        name="scorecards_to_submit",
        template="ai_analysis/_scorecards_to_submit.html",
        context=scorecards_to_submit,
    )
