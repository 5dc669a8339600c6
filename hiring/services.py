"""Every write of the hiring domain, with its rule checks (STYLE 2). Each takes the acting member first.

Objects reach a service already fetched through ``visible_to(actor)`` by the view; services check again that the
actor may act on them (``permissions.require_access``), so a direct call cannot reach past ORG-4 or ORG-5.
Candidates are added by ``consent.services.add_candidate``, which asks for their consent in the same transaction
(CON-1); everything after that is here.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import Membership
from hiring import signals, uploads
from hiring.models import (
    VIEW_HIRING,
    Candidate,
    Criterion,
    Decision,
    Document,
    Hiring,
    Interview,
    InterviewQuestion,
    Stage,
)
from interview_analyzer.errors import Conflict
from interview_analyzer.permissions import check_member, require_access
from interview_analyzer.public_ids import new_public_id
from interview_analyzer.roles import Role
from interview_analyzer.sanitize import MAX_RICH_TEXT_LENGTH, sanitize_rich_text
from interview_analyzer.storage_quota import check_storage_quota

logger = logging.getLogger(__name__)

# A held interview's time may be this far ahead of the server's clock (a browser's clock runs a little fast).
HELD_CLOCK_SKEW = timedelta(minutes=5)

HIRING_FIELDS = ("title", "description", "status", "interview_language")
CRITERION_FIELDS = (
    "name",
    "description",
    "good_evidence",
    "weight",
    "anchor_1",
    "anchor_2",
    "anchor_3",
    "anchor_4",
    "anchor_5",
    "position",
)
CANDIDATE_FIELDS = ("name", "email", "phone", "notes", "stage")


def _manage(actor: Membership, hiring: Hiring) -> None:
    """Managing a hiring: recruiters and admins anywhere, hiring managers on hirings they own or were given."""
    require_access(actor, hiring, Role.HIRING_MANAGER)


def _clean_description(value: str) -> str:
    if len(value or "") > MAX_RICH_TEXT_LENGTH:
        raise ValidationError(_("The description is too long."), code="too_long")
    return sanitize_rich_text(value)


# --- Hirings ------------------------------------------------------------------------------------------------------


@transaction.atomic
def create_hiring(
    *,
    actor: Membership,
    title: str,
    description: str = "",
    status: str = Hiring.Status.OPEN,
    interview_language: str = Hiring.Language.AUTO,
) -> Hiring:
    check_member(actor, Role.HIRING_MANAGER)
    hiring = Hiring(
        organization=actor.organization,
        title=title.strip(),
        description=_clean_description(description),
        status=status,
        interview_language=interview_language,
        owner=actor,
    )
    hiring.full_clean(exclude=["organization", "owner", "public_id"])
    hiring.save()
    return hiring


@transaction.atomic
def update_hiring(*, actor: Membership, hiring: Hiring, **changes) -> Hiring:
    """Change the listed fields only (SEC-MASS); description is sanitized on write (SEC-HTML)."""
    _manage(actor, hiring)
    unknown = set(changes) - set(HIRING_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    if "description" in changes:
        changes["description"] = _clean_description(changes["description"])
    if "title" in changes:
        changes["title"] = changes["title"].strip()
    for name, value in changes.items():
        setattr(hiring, name, value)
    hiring.full_clean(exclude=["organization", "owner", "public_id"])
    hiring.save(update_fields=[*changes, "updated_at"])
    return hiring


def grant_hiring_access(*, actor: Membership, hiring: Hiring, member: Membership) -> None:
    """Make a hiring manager a member of a hiring (ORG-4): a django-guardian object permission on the hiring."""
    _manage(actor, hiring)
    if member.organization_id != hiring.organization_id or not member.is_active:
        raise ValidationError(_("Only active members of the organization can be added."), code="member")
    assign_perm(VIEW_HIRING, member.user, hiring)


def revoke_hiring_access(*, actor: Membership, hiring: Hiring, member: Membership) -> None:
    _manage(actor, hiring)
    remove_perm(VIEW_HIRING, member.user, hiring)


def hiring_members(hiring: Hiring):
    """The memberships granted access to a hiring, besides its owner."""
    return Membership.objects.filter(
        organization=hiring.organization,
        user__hiringuserobjectpermission__content_object=hiring,
        user__hiringuserobjectpermission__permission__codename=VIEW_HIRING,
    ).select_related("user")


# --- Criteria and the interview kit ---------------------------------------------------------------------------------


def _bump_criteria_version(hiring: Hiring) -> None:
    """Analyses record the criteria version they scored against (AI reproducibility); any change makes a new one."""
    Hiring.objects.filter(pk=hiring.pk).update(criteria_version=F("criteria_version") + 1)
    hiring.refresh_from_db(fields=["criteria_version"])


@transaction.atomic
def add_criterion(*, actor: Membership, hiring: Hiring, **fields) -> Criterion:
    _manage(actor, hiring)
    unknown = set(fields) - set(CRITERION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown criterion fields: %s") % ", ".join(sorted(unknown)))
    if "position" not in fields:
        fields["position"] = hiring.criteria.count()
    criterion = Criterion(organization=hiring.organization, hiring=hiring, **fields)
    criterion.full_clean(exclude=["organization", "hiring"])
    criterion.save()
    _bump_criteria_version(hiring)
    return criterion


@transaction.atomic
def update_criterion(*, actor: Membership, criterion: Criterion, **changes) -> Criterion:
    _manage(actor, criterion.hiring)
    unknown = set(changes) - set(CRITERION_FIELDS)
    if unknown:
        raise ValidationError(_("Unknown criterion fields: %s") % ", ".join(sorted(unknown)))
    for name, value in changes.items():
        setattr(criterion, name, value)
    criterion.full_clean(exclude=["organization", "hiring"])
    criterion.save()
    _bump_criteria_version(criterion.hiring)
    return criterion


@transaction.atomic
def delete_criterion(*, actor: Membership, criterion: Criterion) -> None:
    _manage(actor, criterion.hiring)
    hiring = criterion.hiring
    criterion.delete()
    _bump_criteria_version(hiring)


@transaction.atomic
def add_question(*, actor: Membership, criterion: Criterion, text: str) -> InterviewQuestion:
    _manage(actor, criterion.hiring)
    return InterviewQuestion.objects.create(
        organization=criterion.organization,
        criterion=criterion,
        text=text.strip(),
        position=criterion.questions.count(),
    )


# --- Candidates and documents ---------------------------------------------------------------------------------------


@transaction.atomic
def update_candidate(*, actor: Membership, candidate: Candidate, **changes) -> Candidate:
    _manage(actor, candidate.hiring)
    unknown = set(changes) - set(CANDIDATE_FIELDS)
    if unknown:
        raise ValidationError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    if changes.get("stage") in Decision.Outcome.values:
        raise ValidationError(_("Hired, rejected and withdrawn are recorded as decisions, with a reason."))
    for name, value in changes.items():
        setattr(candidate, name, value)
    candidate.full_clean(exclude=["organization", "hiring", "created_by"])
    candidate.save(update_fields=[*changes, "updated_at"])
    return candidate


@transaction.atomic
def upload_document(*, actor: Membership, candidate: Candidate, uploaded) -> Document:
    """Store a candidate document (SEC-UP): size per file, type from the bytes, generated name, organization quota."""
    _manage(actor, candidate.hiring)
    if uploaded.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if uploaded.size > settings.DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _("Files can be at most %(mb)d MB.") % {"mb": settings.DOCUMENT_MAX_BYTES // 1_048_576}, code="too_large"
        )
    kind = uploads.sniff(uploads.read_head(uploaded), uploads.as_stream(uploaded))
    if kind is None:
        raise ValidationError(_("Upload a PDF, Word, OpenDocument, RTF or plain-text document."), code="type")
    check_storage_quota(candidate.organization_id, uploaded.size)
    _label, extension, content_type = kind
    document = Document(
        public_id=new_public_id("doc"),  # the generated storage name is built from it, before the first save
        organization=candidate.organization,
        candidate=candidate,
        original_name=uploads.display_name(uploaded.name, extension),
        content_type=content_type,
        extension=extension,
        size=uploaded.size,
        uploaded_by=actor,
    )
    uploaded.seek(0)
    document.file.save("ignored", uploaded, save=False)  # upload_to generates the whole name
    document.save()
    return document


@transaction.atomic
def delete_document(*, actor: Membership, document: Document) -> None:
    _manage(actor, document.candidate.hiring)
    name = document.file.name
    storage = document.file.storage
    document.delete()
    transaction.on_commit(lambda: storage.delete(name))


# --- Interviews -----------------------------------------------------------------------------------------------------


@transaction.atomic
def schedule_interview(
    *, actor: Membership, candidate: Candidate, interviewer: Membership, scheduled_at, duration_minutes: int = 45
) -> Interview:
    _manage(actor, candidate.hiring)
    if interviewer.organization_id != candidate.organization_id or not interviewer.is_active:
        raise ValidationError(_("The interviewer must be an active member of the organization."), code="interviewer")
    if not 5 <= int(duration_minutes) <= 480:
        raise ValidationError(_("An interview lasts between 5 minutes and 8 hours."), code="duration")
    interview = Interview.objects.create(
        organization=candidate.organization,
        candidate=candidate,
        interviewer=interviewer,
        scheduled_at=scheduled_at,
        duration_minutes=duration_minutes,
    )
    if candidate.stage in (Stage.APPLIED, Stage.SCREENING):
        Candidate.objects.filter(pk=candidate.pk).update(stage=Stage.INTERVIEW)
    return interview


@transaction.atomic
def log_held_interview(
    *, actor: Membership, candidate: Candidate, interviewer: Membership, held_at, duration_minutes: int = 45
) -> Interview:
    """An interview that already happened (yesterday's video call), logged so its recording can be uploaded.

    It is created completed, by the actor, now; the time it was held cannot be in the future.
    """
    if held_at > timezone.now() + HELD_CLOCK_SKEW:
        raise ValidationError({"scheduled_at": _("An interview that was held cannot be in the future.")}, code="future")
    interview = schedule_interview(
        actor=actor,
        candidate=candidate,
        interviewer=interviewer,
        scheduled_at=held_at,
        duration_minutes=duration_minutes,
    )
    _close(interview, actor, Interview.Status.COMPLETED)
    interview.logged_as_held = True
    interview.save(update_fields=["status", "closed_at", "closed_by", "closed_by_email", "logged_as_held"])
    return interview


class InterviewClosed(Conflict):
    """The interview is already completed or cancelled (409); nothing changed."""

    code = "interview_closed"


def _close(interview: Interview, actor: Membership | None, status: str, *, automatic: bool = False) -> None:
    interview.status = status
    interview.closed_at = timezone.now()
    interview.closed_by = actor
    interview.closed_by_email = actor.user.email if actor else ""
    interview.closed_automatically = automatic


def _locked_open_interview(interview: Interview) -> Interview:
    locked = Interview.objects.for_operators().select_for_update().get(pk=interview.pk)
    if locked.status != Interview.Status.SCHEDULED:
        raise InterviewClosed(
            _("The interview is already %(status)s.") % {"status": locked.get_status_display().lower()}
        )
    return locked


_CLOSE_FIELDS = ["status", "closed_at", "closed_by", "closed_by_email", "closed_automatically", "cancel_reason"]


@transaction.atomic
def complete_interview(*, actor: Membership, interview: Interview) -> Interview:
    """Mark an interview held. Its interviewer may, and whoever manages its hiring; who and when are kept."""
    if interview.interviewer_id != actor.pk:
        _manage(actor, interview.candidate.hiring)
    else:
        require_access(actor, interview, Role.INTERVIEWER)
    interview = _locked_open_interview(interview)
    _close(interview, actor, Interview.Status.COMPLETED)
    interview.save(update_fields=_CLOSE_FIELDS)
    logger.info("interview completed", extra={"interview": interview.public_id, "by": actor.public_id})
    return interview


@transaction.atomic
def cancel_interview(*, actor: Membership, interview: Interview, reason: str = "") -> Interview:
    """Cancel an interview that has not been held; managers of its hiring only. Who, when and why are kept."""
    _manage(actor, interview.candidate.hiring)
    reason = (reason or "").strip()
    if len(reason) > 500:
        raise ValidationError({"reason": _("The reason can be at most 500 characters.")}, code="too_long")
    interview = _locked_open_interview(interview)
    _close(interview, actor, Interview.Status.CANCELLED)
    interview.cancel_reason = reason
    interview.save(update_fields=_CLOSE_FIELDS)
    logger.info("interview cancelled", extra={"interview": interview.public_id, "by": actor.public_id})
    return interview


@transaction.atomic
def complete_interview_on_approval(*, actor: Membership, interview: Interview) -> bool:
    """The analysis of a still-scheduled interview was approved: the interview was held, so it is completed by
    the approving reviewer, marked as automatic. An interview already completed or cancelled is left alone."""
    updated = (
        Interview.objects.for_operators()
        .filter(pk=interview.pk, status=Interview.Status.SCHEDULED)
        .update(
            status=Interview.Status.COMPLETED,
            closed_at=timezone.now(),
            closed_by=actor,
            closed_by_email=actor.user.email,
            closed_automatically=True,
        )
    )
    return bool(updated)


@transaction.atomic
def reassign_interview(*, actor: Membership, interview: Interview, interviewer: Membership) -> Interview:
    _manage(actor, interview.candidate.hiring)
    if interviewer.organization_id != interview.organization_id or not interviewer.is_active:
        raise ValidationError(_("The interviewer must be an active member of the organization."), code="interviewer")
    interview.interviewer = interviewer
    interview.save(update_fields=["interviewer"])
    return interview


# --- Decisions ------------------------------------------------------------------------------------------------------


@transaction.atomic
def record_decision(*, actor: Membership, candidate: Candidate, outcome: str, reason: str) -> Decision:
    """A person records hired, rejected or withdrawn, with a reason (AI-3). Its time starts the retention clock
    (RET-2). Nothing in the system calls this on its own: only views and the API, on a person's request."""
    _manage(actor, candidate.hiring)
    if outcome not in Decision.Outcome.values:
        raise ValidationError(_("Choose hired, rejected or withdrawn."), code="outcome")
    if not (reason or "").strip():
        raise ValidationError(_("Give the reason for the decision."), code="reason")
    decision = Decision.objects.create(
        organization=candidate.organization,
        candidate=candidate,
        outcome=outcome,
        reason=reason.strip(),
        decided_by=actor.user,
        decided_by_email=actor.user.email,
    )
    Candidate.objects.filter(pk=candidate.pk).update(stage=outcome)
    candidate.refresh_from_db(fields=["stage"])
    signals.decision_recorded.send(sender=Decision, decision=decision)  # integrations' webhook (INT-1)
    return decision
