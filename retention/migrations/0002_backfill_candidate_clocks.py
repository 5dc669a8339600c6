"""Start the clock of every candidate decided before the clock existed (RET-2): latest decision + the period."""

from datetime import timedelta

from django.db import migrations
from django.db.models import Max


def backfill(apps, schema_editor):
    Candidate = apps.get_model("hiring", "Candidate")
    RetentionClock = apps.get_model("retention", "RetentionClock")
    Organization = apps.get_model("accounts", "Organization")
    days = dict(Organization.objects.values_list("pk", "retention_days"))
    decided = (
        Candidate.objects.filter(decisions__isnull=False, retention_clock__isnull=True)
        .annotate(latest=Max("decisions__decided_at"))
        .values_list("pk", "organization_id", "latest")
        .order_by("pk")
    )
    batch = []
    for pk, organization_id, latest in decided.iterator(chunk_size=2000):
        batch.append(
            RetentionClock(
                candidate_id=pk,
                organization_id=organization_id,
                decided_at=latest,
                delete_after=latest + timedelta(days=days[organization_id]),
            )
        )
        if len(batch) >= 2000:
            RetentionClock.objects.bulk_create(batch)
            batch = []
    RetentionClock.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("retention", "0001_clock_events_links_deletion_records"),
        ("hiring", "0004_hiring_interview_language"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
