"""The email that carries a fresh link to the candidate's rights portal (RET-6, INT-2).

Sent only to the candidate's own address, in the language they chose (the caller activates it). The link is the
only secret in it; it says nothing about the candidate beyond their name, the position and the organization.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from interview_analyzer.sanitize import single_line


def portal_url(token: str) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("portal:home", args=[token])


def request_url() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("portal:request_link")


def send_portal_link(*, candidate, link) -> None:
    context = {
        "candidate_name": candidate.name,
        "organization": candidate.organization.name,
        "position": candidate.hiring.title,
        "link": portal_url(link.token),
        "expires_at": link.expires_at,
        "request_url": request_url(),
    }
    send_mail(
        subject=single_line(_("Your data at %(organization)s: your personal link") % context),
        message=render_to_string("retention/portal/email/link.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[candidate.email],
    )
