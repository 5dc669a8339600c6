"""What the candidate's page tells them, gathered in one place so the page and its tests agree (CON-2, AI-6)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

# AI-6: what the analysis never assesses. The same list scopes the AI's prompts and its output validator.
NEVER_ASSESSED = [
    _("your personality or whether you would be a “culture fit”"),
    _("your emotions, tone of voice or accent"),
    _("your appearance"),
    _(
        "your age, gender, ethnicity, nationality, religion, disability, health, pregnancy, sexual orientation or "
        "any other protected characteristic"
    ),
]


def retention_period_text(days: int) -> str:
    if days % 365 == 0:
        years = days // 365
        return ngettext("%(count)d year", "%(count)d years", years) % {"count": years}
    if days % 30 == 0:
        months = days // 30
        return ngettext("%(count)d month", "%(count)d months", months) % {"count": months}
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


def candidate_page_context(consent, *, language: str) -> dict:
    organization = consent.organization
    return {
        "consent": consent,
        "candidate_name": consent.candidate.name,
        "organization": organization,
        "position": consent.hiring.title,
        "interview_language": consent.hiring.interview_language,  # what the transcription listens for
        "criteria": list(consent.hiring.criteria.order_by("position", "pk").values_list("name", flat=True)),
        "retention_days": organization.retention_days,
        "retention_period": retention_period_text(organization.retention_days),
        "privacy_contact": organization.privacy_contact_email,
        "never_assessed": NEVER_ASSESSED,
        "lang": language,
    }
