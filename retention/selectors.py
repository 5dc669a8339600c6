"""Reads of the retention clock (RET-2, RET-3): one clock per candidate, its deletion date stored and indexed."""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from retention.models import RetentionClock


def expiring_soon(member):
    """Clocks of the candidates the member may see whose deletion date falls within ``RETENTION_WARNING_DAYS``,
    soonest first: a range scan of the (organization, delete_after) index, whatever the number of candidates."""
    now = timezone.now()
    return (
        RetentionClock.objects.visible_to(member)
        .expiring_between(now, now + timedelta(days=settings.RETENTION_WARNING_DAYS))
        .select_related("candidate", "candidate__hiring")
        .order_by("delete_after", "pk")
    )


def clock_of(member, candidate) -> RetentionClock | None:
    return RetentionClock.objects.visible_to(member).filter(candidate=candidate).first()
