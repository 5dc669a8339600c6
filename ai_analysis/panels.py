"""ai_analysis's panels on hiring's pages (AI-1, AI-3, OPS-3), registered by ``AiAnalysisConfig``; every read goes
through ``visible_to(member)``.

- The interview page: the recording and its latest analysis, with the way to record or upload, and what to do
  when it failed.
- The dashboard (the start page of recruiters, hiring managers and admins): "Drafts awaiting your review", every
  finished analysis that still has a draft score or feedback item, the longest waiting first, counted over
  everything the member may review (not over the rows shown); and the analyses that failed, to retry or replace.
"""

from django.urls import reverse

from ai_analysis import recordings
from ai_analysis.models import Analysis, Recording
from interview_analyzer.page_panels import register_panel
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import first_rows_and_total

QUEUE_ROWS = 10
FAILED_ROWS = 5


def interview_recording(request, interview) -> dict:
    member = request.member
    latest = Analysis.objects.visible_to(member).filter(interview=interview).first()
    recording = Recording.objects.visible_to(member).filter(interview=interview).first()
    return {
        "interview": interview,
        "latest": latest,
        "recording": recording,
        "can_delete": recording is not None and recordings.can_delete(recording, latest),
    }


def drafts_awaiting_review(member):
    """Finished analyses with at least one draft score or feedback item, visible to the member (AI-3): the count
    each analysis keeps (``ai_analysis.drafts``), read through the partial index ``ai_analysis_review_queue``."""
    return Analysis.objects.visible_to(member).filter(status=Analysis.Status.DONE, open_drafts__gt=0)


def review_queue(request, obj=None) -> dict | None:
    member = request.member
    if not member.has_role(Role.HIRING_MANAGER):
        return None
    # Two queries while the lists are short (a third or fourth only when one is full: first_rows_and_total).
    waiting = drafts_awaiting_review(member)
    # Only the columns the rows print: an analysis and its interview, candidate and hiring have some sixty columns,
    # each compiled, fetched and turned into an attribute for every row (issue 17's dashboard target).
    shown = (
        "public_id",
        "finished_at",
        "open_drafts",
        "interview__scheduled_at",
        "interview__candidate__name",
        "interview__candidate__hiring__title",
    )
    rows, count = first_rows_and_total(
        waiting.select_related("interview__candidate__hiring").only(*shown).order_by("finished_at", "pk"),
        QUEUE_ROWS,
        of=waiting,
    )
    failed = Analysis.objects.visible_to(member).filter(status=Analysis.Status.FAILED)
    failed_rows, failed_count = first_rows_and_total(
        failed.select_related("interview__candidate__hiring").only(*shown).order_by("-finished_at", "-pk"),
        FAILED_ROWS,
        of=failed,
    )
    return {
        "count": count,
        "rows": [
            {
                "candidate": analysis.interview.candidate.name,
                "hiring": analysis.interview.candidate.hiring.title,
                "held_at": analysis.interview.scheduled_at,
                "ready_at": analysis.finished_at,
                "drafts": analysis.open_drafts,
                "url": reverse("ai_analysis:analysis", args=[analysis.public_id]) + "#scores",
            }
            for analysis in rows
        ],
        "failed_count": failed_count,
        "failed": [
            {
                "candidate": analysis.interview.candidate.name,
                "hiring": analysis.interview.candidate.hiring.title,
                "url": reverse("ai_analysis:analysis", args=[analysis.public_id]) + "#recovery",
            }
            for analysis in failed_rows
        ],
    }


def register() -> None:
    register_panel(
        "hiring.interview_detail",
        name="recording",
        template="ai_analysis/_interview_recording.html",
        context=interview_recording,
    )
    register_panel(
        "hiring.dashboard.queue",
        name="review_queue",
        template="ai_analysis/_review_queue.html",
        context=review_queue,
    )
