"""The portal's link on consent's candidate pages and in consent's post-consent email (RET-6), through
``interview_analyzer.page_panels``: consent stands below retention and cannot name it, so its thank-you page, its
withdrawal page and the email it sends after consent each print the panels registered for them, and this module
fills them with a freshly signed portal link (``tokens.AFTER_CONSENT``). Registered by ``RetentionConfig.ready``."""

from django.urls import reverse
from django.utils import translation

from interview_analyzer.page_panels import register_panel
from retention.portal import emails, tokens


def _link(consent) -> tokens.PortalLink:
    return tokens.issue(consent.candidate, kind=tokens.AFTER_CONSENT)


def consent_page_card(request, consent) -> dict | None:
    if consent is None:
        return None
    link = _link(consent)
    return {
        "portal_path": reverse("portal:home", args=[link.token]),
        "expires_at": link.expires_at,
        "lang": translation.get_language(),  # consent's page renders in the candidate's language
    }


def consent_email_paragraph(_request, consent) -> dict | None:
    if consent is None:
        return None
    link = _link(consent)
    return {"link": emails.portal_url(link.token), "expires_at": link.expires_at, "request_url": emails.request_url()}


def register() -> None:
    register_panel(
        "consent.candidate_portal",
        name="rights_portal",
        template="retention/portal/_consent_card.html",
        context=consent_page_card,
    )
    register_panel(
        "consent.portal_email",
        name="rights_portal",
        template="retention/portal/email/_after_consent.txt",
        context=consent_email_paragraph,
    )
