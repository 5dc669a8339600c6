"""Reads of the retention clock (RET-2, RET-3): one clock per candidate, started by their latest decision."""

from datetime import timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from hiring.models import Candidate


def expiring_soon(member):
    """Candidates the member may see whose data reaches the end of the organization's retention period within
    ``RETENTION_WARNING_DAYS``, soonest first, each with ``decided_at`` (the clock's start)."""
    now = timezone.now()
    retention = timedelta(days=member.organization.retention_days)
    return (
        Candidate.objects.visible_to(member)
        .annotate(decided_at=Max("decisions__decided_at"))
        .filter(
            decided_at__lte=now - retention + timedelta(days=settings.RETENTION_WARNING_DAYS),
            decided_at__gt=now - retention,
        )
        .select_related("hiring")
        .order_by("decided_at", "pk")
    )
