"""The retention sweep (RET-8): run periodically by the scheduler (``retention.actors``) or by hand
(``manage.py retention_sweep``). Idempotent, and safe beside a second sweep:

1. stored objects left pending by an earlier erasure are deleted (a worker that died after the commit, a storage
   outage) — RET-4;
2. candidates who withdrew consent are erased (CON-5; at once, see docs/retention.md for why no grace period);
3. expiry warnings go out, one per candidate and deletion date (RET-3): a clock is claimed by one conditional
   ``UPDATE`` before its email is sent, so two sweeps never both send it;
4. candidates whose clock has run out are erased (RET-2, RET-4). Each candidate row is locked for its erasure
   (``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL; SQLite's IMMEDIATE transactions serialize writers), and one
   that is gone or taken is skipped, so two sweeps erase each candidate once.

Every step reads the database in batches by primary key, so memory stays flat whatever the number of candidates.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from consent.models import ConsentRequest
from hiring.models import Candidate
from retention import emails, services
from retention.models import PendingDeletion, RetentionClock, RetentionEvent, RetentionEventKind, Trigger

logger = logging.getLogger(__name__)
BATCH = 500
EXPIRY_REASON = "The retention period ended."
WITHDRAWAL_REASON = "The candidate withdrew consent."


@dataclass
class SweepReport:
    dry_run: bool = False
    storage_removed: int = 0
    storage_pending: int = 0
    warned: int = 0
    erased_withdrawn: int = 0
    erased_expired: int = 0
    skipped: int = 0  # gone or taken by another sweep meanwhile
    failed: int = 0
    records: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        verb = "would be" if self.dry_run else "were"
        return [
            f"Stored objects removed: {self.storage_removed} (still pending: {self.storage_pending})"
            if not self.dry_run
            else f"Stored objects of earlier erasures pending: {self.storage_pending}",
            f"Expiry warnings that {verb} sent: {self.warned}",
            f"Candidates who withdrew consent that {verb} erased: {self.erased_withdrawn}",
            f"Candidates past their deletion date that {verb} erased: {self.erased_expired}",
            f"Skipped (already erased or being erased by another sweep): {self.skipped}",
            f"Failed (left for the next sweep): {self.failed}",
        ]


def _batches(queryset):
    """Primary keys of ``queryset`` in batches, re-reading after each batch (rows erased meanwhile drop out)."""
    last = 0
    while True:
        keys = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH])
        if not keys:
            return
        yield keys
        last = keys[-1]


def withdrawn_candidates():
    return Candidate._base_manager.filter(
        pk__in=ConsentRequest._base_manager.filter(erasure_requested_at__isnull=False).values("candidate_id")
    )


def expired_candidates(now):
    return Candidate._base_manager.filter(
        pk__in=RetentionClock._base_manager.filter(delete_after__lte=now).values("candidate_id")
    )


def _unwarned(now):
    horizon = now + timedelta(days=settings.RETENTION_WARNING_DAYS)
    return RetentionClock._base_manager.filter(delete_after__gt=now, delete_after__lte=horizon).filter(
        Q(warned_for__isnull=True) | ~Q(warned_for=F("delete_after"))
    )


def _erase_all(queryset, *, trigger: str, reason: str, report: SweepReport) -> int:
    erased = 0
    for keys in _batches(queryset):
        batch_records = []
        for candidate in Candidate._base_manager.filter(pk__in=keys).order_by("pk"):
            try:
                record = services.erase_candidate(
                    candidate, reason=reason, trigger=trigger, _skip_locked=True, _defer_storage=True
                )
            except services.CandidateGone:
                report.skipped += 1
                continue
            except Exception:  # noqa: BLE001 - one candidate's failure must not stop the sweep; it stays for the next
                logger.exception("erasure failed in sweep", extra={"candidate": candidate.public_id})
                report.failed += 1
                continue
            erased += 1
            batch_records.append(record.pk)
            report.records.append(record.public_id)
        # The batch's blobs, after its commits, confirmed in one transaction (what fails stays pending).
        removed, _failed = services.finish_storage(records=batch_records, limit=BATCH * 10)
        report.storage_removed += removed
        services.checkpoint_sqlite()
    return erased


def warn(now, report: SweepReport) -> None:
    for keys in _batches(_unwarned(now)):
        for clock in RetentionClock._base_manager.filter(pk__in=keys).select_related(
            "candidate", "candidate__hiring", "candidate__hiring__owner", "organization"
        ):
            with transaction.atomic():
                claimed = (
                    _unwarned(now)
                    .filter(pk=clock.pk, delete_after=clock.delete_after)
                    .update(warned_for=F("delete_after"))
                )
                if not claimed:
                    report.skipped += 1
                    continue
                sent_to = emails.send_expiry_warning(clock)
                RetentionEvent.objects.create(
                    organization_id=clock.organization_id,
                    candidate_id=clock.candidate_id,
                    kind=RetentionEventKind.WARNED,
                    details={"for": clock.delete_after.isoformat(), "recipients": sent_to},
                )
            report.warned += 1


def run(*, now=None, dry_run: bool = False) -> SweepReport:
    """One sweep (the module docstring says what it does, in that order)."""
    now = now or timezone.now()
    report = SweepReport(dry_run=dry_run)
    if dry_run:
        report.storage_pending = PendingDeletion.objects.count()
        report.warned = _unwarned(now).count()
        report.erased_withdrawn = withdrawn_candidates().count()
        report.erased_expired = expired_candidates(now).exclude(pk__in=withdrawn_candidates().values("pk")).count()
        return report
    removed, _failed = services.finish_storage()
    report.storage_removed = removed
    report.erased_withdrawn = _erase_all(
        withdrawn_candidates(), trigger=Trigger.CONSENT_WITHDRAWN, reason=WITHDRAWAL_REASON, report=report
    )
    warn(now, report)
    report.erased_expired = _erase_all(
        expired_candidates(now), trigger=Trigger.EXPIRY, reason=EXPIRY_REASON, report=report
    )
    report.storage_pending = PendingDeletion.objects.count()
    services.checkpoint_sqlite()
    logger.info("retention sweep", extra={key: value for key, value in vars(report).items() if key != "records"})
    return report
