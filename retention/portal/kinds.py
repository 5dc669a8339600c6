"""How the candidate reads the kinds of data held about them (the export's section titles, the erasure page's list).

Keyed by model label, as ``retention.graph`` finds them; labels, not imports (ai_analysis is retention's sibling). A
kind without a title here is shown under its model's own plural name, so a new model is never left out.
"""

from django.apps import apps
from django.utils.translation import gettext_lazy as _

KIND_TITLES = {
    "hiring.candidate": _("Your application"),
    "hiring.document": _("Documents"),
    "hiring.interview": _("Interviews"),
    "hiring.decision": _("Decisions"),
    "consent.consentrequest": _("Consent record"),
    "consent.consentlink": _("Personal links"),
    "consent.consentevent": _("Consent history entries"),
    "ai_analysis.recording": _("Recordings"),
    "ai_analysis.recordingchunk": _("Recording pieces"),
    "ai_analysis.analysis": _("Analyses"),
    "ai_analysis.analysisstep": _("Analysis steps"),
    "ai_analysis.transcriptturn": _("Transcript turns"),
    "ai_analysis.questionanswer": _("Questions and answers"),
    "ai_analysis.score": _("Scores"),
    "ai_analysis.evidence": _("Quotes used as evidence"),
    "ai_analysis.feedback": _("Feedback texts"),
    "retention.retentionclock": _("Retention clock"),
    "retention.retentionevent": _("Retention history entries"),
    "retention.extensionlink": _("Retention extension links"),
}


def title(label: str) -> str:
    if label in KIND_TITLES:
        return str(KIND_TITLES[label])
    try:
        return str(apps.get_model(label)._meta.verbose_name_plural).capitalize()
    except (LookupError, ValueError):
        return label
