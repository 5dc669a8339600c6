"""Why an analysis failed, in words a recruiter can act on (ARCHITECTURE "Jobs" 6: a failure shows its reason).

Each step's ``failure_reason`` is what went wrong technically ("chunk 0 does not start with a WebM, Ogg, WAV or
MP4 header"); it stays visible as the detail. This module turns the failed step into a sentence that says what
happened and what to do next: retry (a passing problem), upload another file (the audio cannot be read), or ask an
administrator (a configuration problem).
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from ai_analysis.models import Analysis, AnalysisStep, Step


@dataclass(frozen=True)
class Explanation:
    summary: str  # what happened, for people
    advice: str  # what to do next
    detail: str  # the technical reason, as recorded
    step: str  # the step's display name
    retry_helps: bool


def _configuration_problem(reason: str) -> bool:
    lowered = reason.lower()
    return any(word in lowered for word in ("api key", "configur", "not allowed", "unauthori", "401", "403"))


def explain(analysis: Analysis, steps: list[AnalysisStep]) -> Explanation | None:
    """The explanation of a failed analysis, from its first step that failed; None unless it failed."""
    if analysis.status != Analysis.Status.FAILED:
        return None
    failed = next((step for step in steps if step.status == AnalysisStep.Status.FAILED), None)
    detail = (failed.failure_reason if failed else "") or analysis.failure_reason
    name = failed.name if failed else ""
    label = failed.get_name_display() if failed else _("Analysis")
    if name == Step.MERGE or "audio could not be read" in detail:
        return Explanation(
            _("The uploaded file could not be read as a recording."),
            _(
                "It may be damaged, empty, cut off, or not an audio or video file. Upload the recording again, or "
                "another copy of it (WebM, Ogg, MP3, M4A/MP4 or WAV)."
            ),
            detail,
            str(label),
            retry_helps=False,
        )
    if _configuration_problem(detail):
        return Explanation(
            _("The AI service refused the request: its settings need attention."),
            _("Ask an administrator to check the organization's AI provider, then retry."),
            detail,
            str(label),
            retry_helps=True,
        )
    if name == Step.TRANSCRIBE:
        return Explanation(
            _("The speech in the recording could not be transcribed."),
            _("Retry; if it fails again, check that the recording has audible speech and upload it again."),
            detail,
            str(label),
            retry_helps=True,
        )
    return Explanation(
        _("The analysis stopped at “%(step)s”: the AI service did not give a usable answer.") % {"step": label},
        _("This is often temporary. Retry: the steps already done are kept."),
        detail,
        str(label),
        retry_helps=True,
    )
