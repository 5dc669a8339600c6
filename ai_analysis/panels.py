"""ai_analysis's panel on hiring's interview page: the recording and its latest analysis, with the way to record or
upload (AI-1, AI-3). Read through ``visible_to(member)``, like every read; ``AiAnalysisConfig`` registers it."""

from ai_analysis.models import Analysis, Recording
from interview_analyzer.page_panels import register_panel


def interview_recording(request, interview) -> dict:
    member = request.member
    return {
        "interview": interview,
        "latest": Analysis.objects.visible_to(member).filter(interview=interview).first(),
        "recording": Recording.objects.visible_to(member).filter(interview=interview).first(),
    }


def register() -> None:
    register_panel(
        "hiring.interview_detail",
        name="recording",
        template="ai_analysis/_interview_recording.html",
        context=interview_recording,
    )
