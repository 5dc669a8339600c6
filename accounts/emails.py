"""Emails of the accounts domain, through Django's email backend (INT-2)."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from interview_analyzer.sanitize import single_line


def send_invitation(*, invitation, raw_token: str, inviter_name: str) -> None:
    link = settings.SITE_URL.rstrip("/") + reverse("accounts:invitation", args=[raw_token])
    context = {
        "organization": invitation.organization.name,
        "inviter": inviter_name,
        "role": invitation.get_role_display(),
        "link": link,
        "expires_at": invitation.expires_at,
    }
    send_mail(
        subject=single_line(f"You are invited to {invitation.organization.name} on Interview Analyzer"),
        message=render_to_string("accounts/email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[invitation.email],
    )
