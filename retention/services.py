"""Every write of the retention domain (SPEC section 6): the policy, the clock, extensions and the erasure.

Policy (RET-1): each organization keeps candidate data ``Organization.retention_days`` after the decision (365 by
default, never fewer than ``RETENTION_MIN_DAYS``); a recruiter may set another period for one candidate. Both are
audited (``RetentionEvent``).

Clock (RET-2): one per candidate, started by their latest decision. ``delete_after`` is stored and recomputed on
every change that moves it (a decision, an override, a policy change, an extension), so reads are index scans.

Erasure (RET-4, RET-5): ``erase_candidate`` removes the candidate and every row ``retention.graph`` finds hanging
from them in one database transaction, clears references to their objects elsewhere, writes the deletion record
and one ``PendingDeletion`` per stored object in that same transaction, and deletes the stored objects after the
commit (``finish_storage``), removing each pending row only once storage confirms the object is gone. Whatever a
crash leaves pending, the next sweep finishes.

Stored objects (candidate storage): every file of a candidate is stored under their prefix
``<org>/<candidate>/`` (``interview_analyzer.candidate_storage``). The erasure deletes each object a row names (files
stored before the prefix layout keep their old names, ``documents/<org>/…`` and ``recordings/<org>/…``; the row holds
the name, so they are deleted by row) and then the whole prefix, so an object under it that no row names (a stray
upload, a file of a kind nobody listed) goes too. The prefix has its own ``PendingDeletion`` row and is retried like
any object until listing it comes back empty.
"""

from __future__ import annotations

import hashlib
import logging
import re
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.db.models import Case, Exists, F, OuterRef, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Membership, Organization, validate_retention_days
from hiring.access_log import settle_list_reads
from hiring.models import Candidate, Decision
from interview_analyzer.errors import Conflict
from interview_analyzer.permissions import check_member, require_access
from interview_analyzer.roles import Role
from interview_analyzer.secret_tokens import hash_secret
from retention import graph
from retention.models import (
    DeletionRecord,
    ExtensionLink,
    PendingDeletion,
    RetentionClock,
    RetentionEvent,
    RetentionEventKind,
    Trigger,
)

logger = logging.getLogger(__name__)

REASON_MAX = 500
# Stored on the deletion record in English (the CSV and API show them as stored); pages translate them on display.
SWEEP_LABEL = gettext_noop("retention sweep")
CANDIDATE_LABEL = gettext_noop("the candidate")


class CandidateGone(Conflict):
    """The candidate no longer exists: another erasure (a second sweep, a double click) got there first."""

    code = "already_erased"


# --- Policy (RET-1) ---------------------------------------------------------------------------------------------


def _check_period(days) -> int:
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationError(_("Give the retention period as a whole number of days."), code="days") from None
    validate_retention_days(days)
    if days > 36500:
        raise ValidationError(_("The retention period cannot be longer than 100 years."), code="days")
    return days


@transaction.atomic
def set_organization_period(*, actor: Membership, days) -> Organization:
    """An admin changes the organization's retention period (RET-1); every clock that follows it moves with it."""
    check_member(actor, Role.ADMIN)
    days = _check_period(days)
    organization = Organization.objects.select_for_update().get(pk=actor.organization_id)
    before = organization.retention_days
    if before == days:
        return organization
    organization.retention_days = days
    organization.save(update_fields=["retention_days"])
    clocks = RetentionClock.objects.filter(organization=organization, decided_at__isnull=False)
    clocks.filter(override_days__isnull=True).update(delete_after=F("decided_at") + timedelta(days=days))
    clocks.filter(extended_until__gt=F("delete_after")).update(delete_after=F("extended_until"))
    RetentionEvent.objects.create(
        organization=organization,
        kind=RetentionEventKind.POLICY_CHANGED,
        actor=actor,
        details={"from_days": before, "to_days": days},
    )
    return organization


def _deletion_date(clock: RetentionClock, organization_days: int):
    if clock.decided_at is None:
        return None
    days = clock.override_days if clock.override_days is not None else organization_days
    base = clock.decided_at + timedelta(days=days)
    return max(base, clock.extended_until) if clock.extended_until else base


def _clock(candidate: Candidate, *, lock: bool = True) -> RetentionClock:
    clock, _created = RetentionClock.objects.get_or_create(
        candidate_id=candidate.pk, defaults={"organization_id": candidate.organization_id}
    )
    if lock:
        clock = RetentionClock.objects.select_for_update().get(pk=clock.pk)
    return clock


def _save_clock(clock: RetentionClock) -> RetentionClock:
    days = Organization.objects.only("retention_days").get(pk=clock.organization_id).retention_days
    clock.delete_after = _deletion_date(clock, days)
    clock.save()
    return clock


@transaction.atomic
def start_clock(candidate: Candidate) -> RetentionClock:
    """(Re)start the candidate's clock at their latest decision (RET-2). Called when a decision is recorded (the
    receiver in ``retention.receivers``) and by the backfill; reads the decisions, so it is safe to call again."""
    clock = _clock(candidate)
    latest = (
        Decision.objects.filter(candidate_id=candidate.pk).order_by("-decided_at").values_list("decided_at", flat=True)
    ).first()
    clock.decided_at = latest
    return _save_clock(clock)


@transaction.atomic
def set_candidate_period(*, actor: Membership, candidate: Candidate, days) -> RetentionClock:
    """A recruiter keeps one candidate's data for another period than the organization's (RET-1), or (``days``
    None) returns them to the organization's period. Audited."""
    require_access(actor, candidate, Role.RECRUITER)
    days = None if days in (None, "") else _check_period(days)
    clock = _clock(candidate)
    before = clock.override_days
    clock.override_days = days
    _save_clock(clock)
    RetentionEvent.objects.create(
        organization_id=candidate.organization_id,
        candidate=candidate,
        kind=RetentionEventKind.OVERRIDE_SET if days is not None else RetentionEventKind.OVERRIDE_CLEARED,
        actor=actor,
        details={"from_days": before, "to_days": days},
    )
    return clock


def deletion_date(candidate: Candidate):
    """When the candidate's data will be erased, or None while their clock has not started (no decision yet)."""
    return RetentionClock.objects.filter(candidate_id=candidate.pk).values_list("delete_after", flat=True).first()


# --- Extension from the warning email (RET-3) ------------------------------------------------------------------


class ExtensionRefused(Exception):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def open_extension(raw_token: str, *, lock: bool = False) -> ExtensionLink:
    """The extension link a token names, or ``ExtensionRefused`` with the reason. Changes nothing."""
    from retention import signing

    link_id = signing.unsign_extension(raw_token)
    if link_id is None:
        raise ExtensionRefused(ExtensionRefused.UNKNOWN)
    links = ExtensionLink.objects.select_related("clock", "clock__candidate", "clock__candidate__hiring")
    if lock:
        links = links.select_for_update(of=("self",))
    link = links.filter(public_id=link_id, token_hash=hash_secret(raw_token)).first()
    if link is None:
        raise ExtensionRefused(ExtensionRefused.UNKNOWN)
    if link.used_at is not None:
        raise ExtensionRefused(ExtensionRefused.USED)
    if link.expires_at <= timezone.now():
        raise ExtensionRefused(ExtensionRefused.EXPIRED)
    return link


def note_refused_extension(raw_token: str, refusal: ExtensionRefused) -> None:
    """Record that a used or expired link was opened (a forwarded email, a second click)."""
    if refusal.reason == ExtensionRefused.UNKNOWN:
        return
    from retention import signing

    link = ExtensionLink.objects.filter(public_id=signing.unsign_extension(raw_token) or "").first()
    if link is not None:
        RetentionEvent.objects.create(
            organization_id=link.organization_id,
            candidate_id=link.clock.candidate_id,
            kind=RetentionEventKind.LINK_REFUSED,
            actor=link.recipient,
            details={"link": link.public_id, "reason": refusal.reason},
        )


@transaction.atomic
def extend(raw_token: str) -> RetentionClock:
    """The one click in the warning email (RET-3): keep the data ``RETENTION_EXTENSION_DAYS`` longer than the date
    the warning announced. The link is spent; the extension is audited with the recruiter it was sent to."""
    link = open_extension(raw_token, lock=True)
    clock = RetentionClock.objects.select_for_update().get(pk=link.clock_id)
    now = timezone.now()
    link.used_at = now
    link.save(update_fields=["used_at"])
    start = max(link.for_date, clock.delete_after or link.for_date, now)
    clock.extended_until = start + timedelta(days=settings.RETENTION_EXTENSION_DAYS)
    before = clock.delete_after
    _save_clock(clock)
    RetentionEvent.objects.create(
        organization_id=clock.organization_id,
        candidate_id=clock.candidate_id,
        kind=RetentionEventKind.EXTENDED,
        actor=link.recipient,
        details={"from": before.isoformat() if before else None, "to": clock.delete_after.isoformat()},
    )
    return clock


# --- Erasure (RET-4, RET-5) -------------------------------------------------------------------------------------


def _clean_reason(reason: str, candidate: Candidate) -> str:
    """The reason as the record keeps it: never the candidate's name, email or phone, even if a person typed it."""
    reason = " ".join((reason or "").split())
    for value in (candidate.email, candidate.name, candidate.phone, *candidate.name.split()):
        if value and len(value) >= 3:
            reason = re.sub(re.escape(value), "[candidate]", reason, flags=re.IGNORECASE)
    return reason[:REASON_MAX]


def _actor_label(trigger: str, actor: Membership | None) -> str:
    if actor is not None:
        return actor.user.email
    return SWEEP_LABEL if trigger == Trigger.EXPIRY else CANDIDATE_LABEL


def _lock_candidate(candidate_pk: int, *, skip_locked: bool):
    rows = Candidate._base_manager.filter(pk=candidate_pk).select_related("organization")
    if connection.features.has_select_for_update:
        rows = rows.select_for_update(
            skip_locked=skip_locked and connection.features.has_select_for_update_skip_locked, of=("self",)
        )
    return rows.first()


def public_ids_digest(public_ids) -> str:
    """SHA-256 over the sorted public ids, one per line (RET-5): whoever holds the ids can check they were erased."""
    return hashlib.sha256("\n".join(sorted(public_ids)).encode()).hexdigest()


def erase_candidate(
    candidate, *, reason: str, trigger: str, actor=None, _skip_locked: bool = False, _defer_storage: bool = False
) -> DeletionRecord:
    """Erase ``candidate`` and everything hanging from them as one unit (RET-4) and return the proof (RET-5).

    ``trigger`` is one of ``Trigger`` ("expiry", "candidate_request", "consent_withdrawn", "staff_request");
    ``actor`` the member acting on a request (recruiter or admin with access to the candidate), or None for the
    sweep and the candidate themselves. The database part is one transaction with the candidate row locked: a
    second erasure of the same candidate (two sweeps, a double click) waits, then raises ``CandidateGone``. Stored
    objects are deleted after the commit; until storage confirms each one, it stays in ``PendingDeletion`` for the
    next sweep. (``_skip_locked`` and ``_defer_storage`` are the sweep's: it skips a candidate another sweep holds,
    and deletes the blobs of a whole batch after their commits, in one confirming transaction.)
    """
    if trigger not in Trigger.values:
        raise ValidationError(_("Unknown erasure trigger."), code="trigger")
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for the erasure."), code="reason")
    if actor is not None:
        require_access(actor, candidate, Role.RECRUITER)
    with transaction.atomic():
        locked = _lock_candidate(candidate.pk, skip_locked=_skip_locked)
        if locked is None:
            raise CandidateGone(_("This candidate's data has already been erased."))
        record = _erase_rows(locked, reason=reason, trigger=trigger, actor=actor)
        record_pk = record.pk
        if not _defer_storage:
            transaction.on_commit(lambda: _after_commit(record_pk))
    logger.info(
        "candidate erased",
        extra={"deletion_record": record.public_id, "trigger": trigger, "rows": sum(record.counts.values())},
    )
    return record


def _erase_rows(candidate: Candidate, *, reason: str, trigger: str, actor) -> DeletionRecord:
    files = graph.candidate_files(candidate, using=connection.alias)
    public_ids = graph.candidate_public_ids(candidate, using=connection.alias)
    prefix = graph.candidate_storage_prefix(candidate)
    # API list reads not yet settled name the candidate's objects: settled first, their entries are detached with the
    # rest (LOG-1); a read that lands after this is settled detached, the candidate being gone by then.
    settle_list_reads(candidate.organization_id)
    counts = graph.delete_candidate_rows(candidate, using=connection.alias)
    cleared = {}
    for model, attname, rows in graph.candidate_references(public_ids):
        changed = rows.update(**{attname: ""})
        if changed:
            cleared[f"{model._meta.label_lower}.{attname}"] = changed
    record = DeletionRecord.objects.create(
        organization_id=candidate.organization_id,
        trigger=trigger,
        reason=_clean_reason(reason, candidate),
        actor=actor,
        actor_label=_actor_label(trigger, actor),
        counts=counts,
        references_cleared=cleared,
        storage_objects=len(files),
        public_ids_digest=public_ids_digest(public_ids),
        public_id_count=len(public_ids),
    )
    PendingDeletion.objects.bulk_create(
        [PendingDeletion(record=record, name=stored.name) for stored in files]
        + [PendingDeletion(record=record, name=prefix, is_prefix=True)]
    )
    return record


def _after_commit(record_pk: int) -> None:
    """Blob deletes after the commit (never before: a rolled-back erasure must find its files), then the WAL."""
    try:
        finish_storage(record_pk=record_pk)
    except Exception:  # noqa: BLE001 - the pending rows stay; the next sweep retries them
        logger.exception("storage cleanup after erasure failed", extra={"record": record_pk})
    checkpoint_sqlite()


def checkpoint_sqlite() -> None:
    """On the embedded default (SQLite in WAL mode), copy the WAL into the database file and truncate it, so the
    erased rows' old page images do not linger in ``db.sqlite3-wal``; ``secure_delete`` has already zeroed them in
    the main file. A reader holding an old snapshot makes the checkpoint busy: it is retried a few times, and the
    next erasure or sweep checkpoints again. PostgreSQL: see docs/retention.md (VACUUM)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    for _attempt in range(5):
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            busy, _log, _done = cursor.fetchone()
        if not busy:
            return
    logger.warning("SQLite WAL checkpoint stayed busy; the next erasure or sweep retries it")


def _delete_stored(name: str, storage) -> None:
    storage.delete(name)
    if storage.exists(name):
        raise OSError("storage still holds the object after delete")
    _prune_empty_directories(storage, name)


def _prune_empty_directories(storage, name: str) -> None:
    """On local storage, remove the directories the object leaves empty (their names carry public ids)."""
    import os

    try:
        root = os.path.realpath(storage.path(""))
        directory = os.path.dirname(os.path.realpath(storage.path(name)))
    except NotImplementedError:
        return  # blob storage has no directories
    while directory.startswith(root + os.sep) and directory != root:
        try:
            os.rmdir(directory)
        except OSError:
            return
        directory = os.path.dirname(directory)


def finish_storage(*, record_pk: int | None = None, records=None, limit: int = 1000) -> tuple[int, int]:
    """Delete pending stored objects (of one record, of some, or of every record), confirming each is gone before its
    pending row goes (RET-4). Returns (removed, still failing).

    One transaction per call: the pending rows it takes are locked (``FOR UPDATE SKIP LOCKED`` on PostgreSQL; on
    SQLite the IMMEDIATE transaction is the one writer), so two finishers at once never take the same row and no
    object is counted twice; the rows of removed objects go in one ``DELETE``, their records' counts in one
    ``UPDATE``."""
    pending = PendingDeletion.objects.order_by("pk")
    if record_pk is not None:
        pending = pending.filter(record_id=record_pk)
    if records is not None:
        pending = pending.filter(record_id__in=records)
    if connection.features.has_select_for_update_skip_locked:
        pending = pending.select_for_update(skip_locked=True)
    with transaction.atomic():
        removed_ids: list[int] = []
        removed: dict[int, int] = {}  # record id -> objects removed
        found: dict[int, int] = {}  # record id -> objects under the prefix no row named (e.g. an export)
        failed = 0
        for item in list(pending[:limit]):
            try:
                if item.is_prefix:
                    names = _unnamed_under_prefix(item)
                    for name in names:
                        _delete_stored(name, default_storage)
                    found[item.record_id] = found.get(item.record_id, 0) + len(names)
                else:
                    _delete_stored(item.name, default_storage)
                    removed[item.record_id] = removed.get(item.record_id, 0) + 1
            except Exception as exc:  # noqa: BLE001 - any storage failure: keep the row, retry on the next sweep
                failed += 1
                PendingDeletion.objects.filter(pk=item.pk).update(
                    attempts=F("attempts") + 1,
                    last_error=f"{type(exc).__name__}: {exc}"[:300],
                    last_attempt_at=timezone.now(),
                )
                logger.warning(
                    "stored object not deleted yet", extra={"record": item.record_id, "error": type(exc).__name__}
                )
                continue
            removed_ids.append(item.pk)
        if removed_ids:
            PendingDeletion.objects.filter(pk__in=removed_ids).delete()
            _count_on_records(removed, found)
    return sum(removed.values()) + sum(found.values()), failed


def _unnamed_under_prefix(item: PendingDeletion) -> list[str]:
    """What the prefix ``item`` holds beyond the objects its record names one by one (RET-4): those have pending rows
    of their own, which delete, retry and count them; the prefix takes the rest (found objects, counted as such)."""
    named = set(
        PendingDeletion.objects.filter(record_id=item.record_id, is_prefix=False).values_list("name", flat=True)
    )
    return [name for name in graph.list_prefix(default_storage, item.name) if name not in named]


def _count_on_records(removed: dict[int, int], found: dict[int, int]) -> None:
    """Add what was removed to each record, and confirm the records with nothing pending any more, in one UPDATE."""

    def per_record(counts: dict[int, int]):
        return Case(*(When(pk=pk, then=Value(n)) for pk, n in counts.items()), default=Value(0))

    still_pending = PendingDeletion.objects.filter(record_id=OuterRef("pk"))
    DeletionRecord.objects.filter(pk__in={*removed, *found}).update(
        storage_objects=F("storage_objects") + per_record(found),
        storage_objects_removed=F("storage_objects_removed") + per_record(removed) + per_record(found),
        storage_confirmed_at=Case(
            When(Exists(still_pending), then=F("storage_confirmed_at")),
            default=Coalesce(F("storage_confirmed_at"), Value(timezone.now())),
        ),
    )
