"""Emails to candidates, through Django's email backend (CON-1, CON-5, INT-2).

Rendered in the language of the consent request (the caller activates it): the one the candidate chose on the
consent page once they answered, so every later email is in it. The link is the only secret in them;
they never carry recruiters' notes or anything about the candidate beyond their name.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from interview_analyzer.page_panels import render_panels
from interview_analyzer.sanitize import single_line


def _link(raw_token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("consent:link", args=[raw_token])


def _context(consent, raw_token: str) -> dict:
    return {
        "candidate_name": consent.candidate.name,
        "organization": consent.organization.name,
        "position": consent.hiring.title,
        "link": _link(raw_token),
        "expires_at": consent.expires_at,
    }


def send_consent_request(*, consent, raw_token: str) -> None:
    context = _context(consent, raw_token)
    send_mail(
        subject=single_line(_("%(organization)s asks for your consent: interview for %(position)s") % context),
        message=render_to_string("consent/email/request.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[consent.candidate.email],
    )


def send_portal_link(*, consent, raw_token: str) -> None:
    """After consent: the withdrawal link, and the paragraph the retention app adds with the link to the
    candidate's rights portal (a panel of ``interview_analyzer.page_panels``: consent cannot name retention)."""
    context = _context(consent, raw_token)
    context["rights_portal"] = render_panels("consent.portal_email", None, consent)
    send_mail(
        subject=single_line(_("Your consent to %(organization)s: keep this link to withdraw") % context),
        message=render_to_string("consent/email/portal.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[consent.candidate.email],
    )
