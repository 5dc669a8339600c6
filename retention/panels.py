"""Retention's panel on hiring's dashboard: data expiring soon (RET-2, RET-3), registered by ``RetentionConfig``."""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse

from interview_analyzer.page_panels import register_panel
from retention.selectors import expiring_soon

DASHBOARD_EXPIRING = 8


def expiring_panel(request, _obj=None) -> dict:
    member = request.member
    retention = timedelta(days=member.organization.retention_days)
    expiring = expiring_soon(member)
    rows = [
        {
            "candidate": candidate,
            "expires_at": candidate.decided_at + retention,
            "url": reverse("hiring:candidate_detail", args=[candidate.public_id]),
        }
        for candidate in expiring[:DASHBOARD_EXPIRING]
    ]
    return {
        "expiring": rows,
        # Counted only when the list is full: otherwise the rows shown are all of them.
        "expiring_count": expiring.count() if len(rows) == DASHBOARD_EXPIRING else len(rows),
        "warning_days": settings.RETENTION_WARNING_DAYS,
    }


def register() -> None:
    register_panel(
        "hiring.dashboard",
        name="data_expiring_soon",
        template="retention/_dashboard_expiring.html",
        context=expiring_panel,
        order=10,
    )
