"""What several hiring page modules use: whether the member manages, the search text, and the pipeline rows."""

from django.utils.translation import gettext as _

from hiring.models import Stage
from interview_analyzer.roles import Role

GET_ONLY = ("GET", "HEAD")


def manages_hirings(member) -> bool:
    """Whether to show management controls. The services and decorators still decide every write."""
    return member.has_role(Role.HIRING_MANAGER)


def pipeline(hiring) -> list[dict]:
    """The stages of an annotated hiring (``with_pipeline_counts``) with bar lengths relative to the largest."""
    counts = [(value, label, getattr(hiring, f"count_{value}", 0)) for value, label in Stage.choices]
    largest = max((count for _, _, count in counts), default=0)
    return [{"stage": value, "label": label, "count": count, "largest": largest} for value, label, count in counts]


def pipeline_summary(stages: list[dict]) -> str:
    """The pipeline in words, for the accessible name of its chart: "Applied 3, Interview 1"."""
    return ", ".join(f"{s['label']} {s['count']}" for s in stages if s["count"]) or _("No candidates yet")


def hiring_row(hiring, with_pipeline: bool = True) -> dict:
    stages = pipeline(hiring) if with_pipeline else []
    return {"hiring": hiring, "pipeline": stages, "summary": pipeline_summary(stages) if with_pipeline else ""}


def search_text(request, name: str = "q") -> str:
    return request.GET.get(name, "").strip()[:200]
