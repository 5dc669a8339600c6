"""Retention's emails: the expiry warning to the responsible recruiters with a one-click extension (RET-3).

The email names the candidate and their hiring (its readers may see both) and carries one personal extension link
per recipient; nothing else about the candidate.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Membership
from interview_analyzer.public_ids import new_public_id
from interview_analyzer.roles import Role
from interview_analyzer.sanitize import single_line
from interview_analyzer.secret_tokens import hash_secret
from retention import signing
from retention.models import ExtensionLink, RetentionClock


def responsible_recruiters(clock: RetentionClock) -> list[Membership]:
    """Who is warned: the hiring's owner and whoever added the candidate, if still active members who may manage
    the hiring; when neither is, every active recruiter and admin of the organization."""
    candidate = clock.candidate
    active = Membership.objects.active().filter(organization_id=clock.organization_id).select_related("user")
    named = [
        member
        for member in active.filter(pk__in=[pk for pk in (candidate.hiring.owner_id, candidate.created_by_id) if pk])
        if member.has_role(Role.HIRING_MANAGER)
    ]
    if named:
        return named
    return list(active.filter(Q(role=Role.RECRUITER) | Q(role=Role.ADMIN)).order_by("pk"))


def send_expiry_warning(clock: RetentionClock) -> int:
    """Email each responsible recruiter a warning with their own extension link; returns how many were sent to.
    Called inside the sweep's transaction that claimed the warning, so a failure sends nothing it records."""
    recipients = responsible_recruiters(clock)
    for member in recipients:
        link = ExtensionLink(
            public_id=new_public_id("ext"),
            organization_id=clock.organization_id,
            clock=clock,
            recipient=member,
            for_date=clock.delete_after,
            expires_at=clock.delete_after,
        )
        token = signing.extension_token(link.public_id)
        link.token_hash = hash_secret(token)
        link.save()
        context = {
            "member": member,
            "candidate_name": clock.candidate.name,
            "position": clock.candidate.hiring.title,
            "organization": clock.organization.name,
            "delete_after": clock.delete_after,
            "extension_days": settings.RETENTION_EXTENSION_DAYS,
            "extend_link": settings.SITE_URL.rstrip("/") + reverse("retention:extend", args=[token]),
            "candidate_link": settings.SITE_URL.rstrip("/")
            + reverse("hiring:candidate_detail", args=[clock.candidate.public_id]),
        }
        # In the recipient's own language (their profile's), whatever the sweep's process runs in.
        with translation.override(member.user.language or settings.LANGUAGE_CODE):
            subject = _("Candidate data will be deleted on %(date)s: %(position)s") % {
                "date": f"{clock.delete_after:%Y-%m-%d}",
                "position": context["position"],
            }
            message = render_to_string("retention/email/expiry_warning.txt", context)
        send_mail(
            subject=single_line(subject),
            message=message,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[member.user.email],
        )
    return len(recipients)
