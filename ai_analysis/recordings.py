"""Receiving a recording: numbered, checksummed, idempotent chunks, then ``complete`` (SEC-UP, CON-4).

Every entry point asks ``consent.services.require_consent`` first: without the candidate's recorded acceptance for
this hiring, no byte is stored. Chunks are stored under generated names through Django's storage (Azure Blob in
production); the bytes are checked against the client's SHA-256 before anything is written. A chunk index is
written once: the same bytes again answer "already stored", different bytes for a stored index are a conflict, so a
client can resume after a network drop by re-sending whatever it is unsure of.
"""

import hashlib
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from ai_analysis.models import STEP_ORDER, Analysis, AnalysisStep, Recording, RecordingChunk
from ai_analysis.providers import provider_for
from billing import services as billing_services
from consent.services import require_consent
from hiring.models import Interview
from interview_analyzer.errors import Conflict
from interview_analyzer.permissions import require_access
from interview_analyzer.roles import Role
from interview_analyzer.storage_quota import check_storage_quota

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")


class ChunkConflict(Conflict):
    """A stored chunk index was sent again with different bytes, or the recording is already complete (409)."""

    code = "chunk_conflict"


class IncompleteRecording(Exception):
    """``complete`` was called before chunks 0…n-1 were all stored; nothing changed."""

    def __init__(self, missing: list[int], extra: list[int]):
        self.missing, self.extra = missing, extra
        super().__init__(_("Some chunks are missing, or were sent beyond chunk_count."))


def _require_visible_interview(actor: Membership, interview: Interview) -> None:
    """Interviewers record their own interviews; hiring managers and up the interviews of hirings they manage."""
    require_access(actor, interview, Role.INTERVIEWER)


@transaction.atomic
def start_recording(*, actor: Membership, interview: Interview) -> tuple[Recording, bool]:
    """The interview's recording, created on first use (and whether it was). Refused without consent (CON-4)."""
    _require_visible_interview(actor, interview)
    require_consent(interview.candidate)
    return Recording.objects.get_or_create(
        interview=interview,
        defaults={
            "organization_id": interview.organization_id,
            "candidate_id": interview.candidate_id,
            "created_by": actor,
        },
    )


def put_chunk(
    *, actor: Membership, recording: Recording, index: int, data: bytes, sha256: str
) -> tuple[RecordingChunk, bool]:
    """Store chunk ``index`` once. Returns the chunk and whether it was new. Nothing is stored on any refusal."""
    _require_visible_interview(actor, recording.interview)
    require_consent(recording.candidate)
    sha256 = (sha256 or "").strip().lower()
    if not SHA256_RE.match(sha256):
        raise ValidationError(_("Send the chunk's SHA-256 as 64 hexadecimal characters."), code="checksum_missing")
    if not 0 <= index < settings.RECORDING_MAX_CHUNKS:
        raise ValidationError(
            _("Chunk numbers run from 0 to %(max)d.") % {"max": settings.RECORDING_MAX_CHUNKS - 1}, code="index"
        )
    if not data:
        raise ValidationError(_("The chunk is empty."), code="empty")
    if len(data) > settings.RECORDING_CHUNK_MAX_BYTES:
        raise ValidationError(
            _("A chunk can be at most %(mb)d MB.") % {"mb": settings.RECORDING_CHUNK_MAX_BYTES // 1_048_576},
            code="too_large",
        )
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValidationError(_("The chunk does not match its checksum; send it again."), code="checksum_mismatch")
    with transaction.atomic():
        recording = Recording.objects.select_for_update().get(pk=recording.pk)
        existing = recording.chunks.filter(index=index).first()
        if existing is not None:
            if existing.sha256 != sha256:
                raise ChunkConflict(_("Chunk %(index)d is already stored with other bytes.") % {"index": index})
            return existing, False
        if recording.status != Recording.Status.RECEIVING:
            raise ChunkConflict(_("The recording is complete; it takes no more chunks."))
        if recording.total_bytes + len(data) > settings.RECORDING_MAX_BYTES:
            raise ValidationError(_("The recording is larger than allowed."), code="recording_too_large")
        check_storage_quota(recording.organization_id, len(data))
        chunk = RecordingChunk(
            organization_id=recording.organization_id, recording=recording, index=index, size=len(data), sha256=sha256
        )
        chunk.file.save("chunk", ContentFile(data), save=False)
        try:
            with transaction.atomic():
                chunk.save()
        except IntegrityError:  # pragma: no cover - the row lock above serializes writers of one recording
            chunk.file.delete(save=False)
            raise
        recording.total_bytes += len(data)
        recording.save(update_fields=["total_bytes"])
    return chunk, True


def received_indexes(recording: Recording) -> list[int]:
    return list(recording.chunks.values_list("index", flat=True))


def complete(*, actor: Membership, recording: Recording, chunk_count: int) -> Analysis:
    """Close the recording once chunks 0…n-1 are all stored, and create its analysis (the caller enqueues it).

    Idempotent: completing a complete recording again returns its latest analysis.
    """
    _require_visible_interview(actor, recording.interview)
    require_consent(recording.candidate)
    with transaction.atomic():
        recording = (
            Recording.objects.select_for_update().select_related("interview__candidate__hiring").get(pk=recording.pk)
        )
        if recording.status == Recording.Status.COMPLETE:
            latest = recording.analyses.order_by("-created_at", "-pk").first()
            if latest is not None:
                return latest
        if chunk_count < 1 or chunk_count > settings.RECORDING_MAX_CHUNKS:
            raise ValidationError(_("chunk_count must be between 1 and the number of chunks sent."), code="count")
        stored = set(received_indexes(recording))
        missing = [index for index in range(chunk_count) if index not in stored]
        extra = sorted(index for index in stored if index >= chunk_count)
        if missing or extra:
            raise IncompleteRecording(missing[:100], extra[:100])
        recording.status = Recording.Status.COMPLETE
        recording.chunk_count = chunk_count
        recording.completed_at = timezone.now()
        recording.save(update_fields=["status", "chunk_count", "completed_at"])
        return start_analysis(recording=recording, actor=actor)


def start_analysis(*, recording: Recording, actor: Membership | None) -> Analysis:
    """A new analysis of a complete recording with its reproducibility record; steps wait for the actors."""
    provider = provider_for(recording.organization)
    interview = recording.interview
    analysis = Analysis.objects.create(
        organization_id=recording.organization_id,
        recording=recording,
        interview=interview,
        provider=provider.name,
        model=provider.model,
        prompt_version=provider.prompt_version,
        criteria_version=interview.candidate.hiring.criteria_version,
        created_by=actor,
    )
    AnalysisStep.objects.bulk_create(
        AnalysisStep(organization_id=recording.organization_id, analysis=analysis, name=name, position=position)
        for position, name in enumerate(STEP_ORDER)
    )
    # BIL-5: the analysis spends its credits as it starts, or nothing starts (CreditsExhausted: 409, page message).
    billing_services.reserve_for_analysis(organization=recording.organization, analysis_public_id=analysis.public_id)
    return analysis


# --- Recovery: retry from the failed step, replace, delete ---------------------------------------------------------


class NotRecoverable(Conflict):
    """Retry or delete asked of a recording or analysis that has not failed (409); nothing changed."""

    code = "not_recoverable"


def _latest_analysis(recording: Recording) -> Analysis | None:
    return recording.analyses.order_by("-created_at", "-pk").first()


def can_delete(recording: Recording, latest: Analysis | None) -> bool:
    """A recording can be deleted (or replaced) while it is unfinished, or when its latest analysis failed or
    stopped. One whose analysis is running or ready is kept: its drafts may be under review, and erasing a
    candidate's data as a whole is the retention app's job (RET-4)."""
    if recording.status == Recording.Status.RECEIVING:
        return True
    return latest is None or latest.status in (Analysis.Status.FAILED, Analysis.Status.STOPPED)


@transaction.atomic
def retry_analysis(*, actor: Membership, analysis: Analysis) -> AnalysisStep:
    """Run a failed analysis again from the step that failed; the steps done before it keep their results.

    The failed step and those after it go back to waiting, the analysis to queued. Returns the step to run first
    (the caller enqueues its actor after commit). Refused without consent (CON-4) and for an analysis that has not
    failed (409).
    """
    _require_visible_interview(actor, analysis.interview)
    require_consent(analysis.interview.candidate)
    analysis = Analysis.objects.for_operators().select_for_update().get(pk=analysis.pk)
    if analysis.status != Analysis.Status.FAILED:
        raise NotRecoverable(
            _("Only a failed analysis can be retried; this one is %(status)s.")
            % {"status": analysis.get_status_display().lower()}
        )
    # BIL-5: the failed run gave its credits back; running again spends them again, or is refused without them.
    billing_services.reserve_for_analysis(organization=analysis.organization, analysis_public_id=analysis.public_id)
    steps = list(analysis.steps.select_for_update().order_by("position"))
    failed = next((step for step in steps if step.status != AnalysisStep.Status.DONE), None)
    if failed is None:  # pragma: no cover - a failed analysis has a step that is not done
        raise NotRecoverable(_("Every step of this analysis is done."))
    AnalysisStep.objects.for_operators().filter(analysis=analysis, position__gte=failed.position).update(
        status=AnalysisStep.Status.PENDING, attempts=0, started_at=None, finished_at=None, failure_reason=""
    )
    analysis.status, analysis.failure_reason, analysis.finished_at = Analysis.Status.QUEUED, "", None
    analysis.save(update_fields=["status", "failure_reason", "finished_at"])
    failed.refresh_from_db()
    return failed


@transaction.atomic
def delete_recording(*, actor: Membership, recording: Recording) -> None:
    """Delete an unfinished or failed recording with its chunks, merged file and analyses, so a new file can be
    uploaded in its place. The stored files are removed after the transaction commits.

    Allowed without consent (deleting is always allowed); refused with 409 for a recording whose analysis is
    running or ready for review.
    """
    _require_visible_interview(actor, recording.interview)
    recording = Recording.objects.for_operators().select_for_update().get(pk=recording.pk)
    if not can_delete(recording, _latest_analysis(recording)):
        raise NotRecoverable(
            _("This recording has an analysis that is running or ready for review; it cannot be deleted here.")
        )
    storage = recording.merged.storage
    names = list(recording.chunks.values_list("file", flat=True))
    if recording.merged:
        names.append(recording.merged.name)
    recording.delete()

    def remove_files():
        for name in names:
            storage.delete(name)

    transaction.on_commit(remove_files)
