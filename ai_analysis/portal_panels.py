"""ai_analysis's section of the candidate's rights portal (RET-7): how each approved score was reached, with the
quoted evidence it rests on, and the feedback a person approved for the candidate (AI-3, AI-4, AI-7).

The portal page is retention's, and retention is ai_analysis's sibling: neither imports the other, so this panel is
registered on the page ``retention.portal`` (``interview_analyzer.page_panels``) by ``AiAnalysisConfig.ready``. The
page hands over the candidate its signed link named; the candidate is not a member, so the rows are read unscoped
but only through that candidate's interviews. Only what a person approved is shown: no draft or rejected score, no
feedback written for the recruiting team, no machine first draft, and no reviewer's name (AI-7: the candidate never
learns who on the team reviewed what).
"""

from django.db.models import Prefetch

from ai_analysis.models import Evidence, Feedback, Review, Score
from ai_analysis.views import clock
from interview_analyzer.page_panels import register_panel


def portal_explanation(request, candidate) -> dict | None:
    if candidate is None:
        return None
    scores = list(
        Score.objects.for_operators()
        .filter(analysis__interview__candidate=candidate, status=Review.APPROVED)
        .select_related("analysis__interview", "criterion")
        .prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.for_operators().order_by("start_s", "pk"), to_attr="quotes")
        )
        .order_by("analysis__interview__scheduled_at", "analysis__created_at", "pk")
    )
    for score in scores:
        for quote in score.quotes:
            quote.clock = clock(quote.start_s)
    feedback = list(
        Feedback.objects.for_operators()
        .filter(
            analysis__interview__candidate=candidate,
            audience=Feedback.Audience.CANDIDATE,
            status=Review.APPROVED,
        )
        .select_related("analysis__interview")
        .order_by("analysis__interview__scheduled_at", "analysis__created_at", "pk")
    )
    return {"scores": scores, "feedback": feedback}


def register() -> None:
    register_panel(
        "retention.portal",
        name="explanation",
        template="ai_analysis/_portal_explanation.html",
        context=portal_explanation,
    )
