"""Every write of the consent domain and the one consent check every processing path calls (CON-1…CON-6).

Recruiter-side functions take the acting member first and check, as the hiring services do, that the member may
manage the candidate's hiring. Candidate-side functions take the raw token from the link and nothing else: the
token is the candidate's only credential, so a token that is unknown, used, replaced or expired changes nothing and
answers with a reason the page can explain (``LinkRefused``).

``require_consent`` is the enforcement point of CON-4: the service layer calls it before accepting a recording, and
every worker step calls it again, reading the database at that moment, so a job queued before a withdrawal stops.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Membership
from consent import emails, signals
from consent.models import (
    ConsentEvent,
    ConsentEventKind,
    ConsentLink,
    ConsentRequest,
    ConsentStatus,
    LinkPurpose,
)
from hiring.models import Candidate, Hiring
from interview_analyzer.errors import Refused
from interview_analyzer.permissions import require_access
from interview_analyzer.roles import Role
from interview_analyzer.secret_tokens import hash_secret, new_secret

logger = logging.getLogger(__name__)

DECLINE_MESSAGE_MAX = 2000
TOKEN_LENGTH = 32  # base62 characters: 190 random bits (CON-1 asks for at least 128)


class ConsentRequired(Refused):
    """Raised wherever candidate data would be processed without recorded acceptance for that hiring (CON-4)."""

    code = "consent_required"

    def __init__(self, candidate_public_id: str = ""):
        self.candidate_public_id = candidate_public_id
        super().__init__(
            _("The candidate has not consented to recording and analysis for this hiring, or has withdrawn.")
        )


class LinkRefused(Exception):
    """A consent or portal link that cannot be used, with the reason the candidate's page shows."""

    UNKNOWN = "unknown"  # never issued, tampered with, or its candidate's data has been erased
    USED = "used"
    REPLACED = "replaced"
    EXPIRED = "expired"
    CLOSED = "closed"  # the request is no longer waiting for this action (e.g. withdrawing twice)

    def __init__(self, reason: str, consent: ConsentRequest | None = None):
        self.reason = reason
        self.consent = consent
        super().__init__(reason)


# --- Enforcement (CON-4) ----------------------------------------------------------------------------------------


def has_consent(candidate: Candidate) -> bool:
    """True only while this candidate's acceptance for their hiring is recorded, read fresh from the database."""
    return ConsentRequest.objects.filter(
        candidate_id=candidate.pk, hiring_id=candidate.hiring_id, status=ConsentStatus.ACCEPTED
    ).exists()


def require_consent(candidate: Candidate) -> None:
    """The one consent check (CON-4). Every processing entry point and every worker step calls it."""
    if not has_consent(candidate):
        raise ConsentRequired(candidate.public_id)


# --- Recruiter side (CON-1, CON-6) ------------------------------------------------------------------------------


def _event(consent: ConsentRequest, kind: str, actor: Membership | None = None) -> None:
    ConsentEvent.objects.create(organization_id=consent.organization_id, request=consent, kind=kind, actor=actor)


def _issue_link(consent: ConsentRequest, purpose: str, *, now) -> str:
    """Create a link and return its raw token; for consent links, void every earlier unused one (CON-6)."""
    if purpose == LinkPurpose.CONSENT:
        consent.links.filter(purpose=purpose, used_at__isnull=True, replaced_at__isnull=True).update(replaced_at=now)
        expires_at = now + timedelta(days=settings.CONSENT_LINK_TTL_DAYS)
    else:
        expires_at = None
    raw = new_secret(length=TOKEN_LENGTH)
    ConsentLink.objects.create(
        organization_id=consent.organization_id,
        request=consent,
        purpose=purpose,
        token_hash=hash_secret(raw),
        created_at=now,
        expires_at=expires_at,
    )
    if purpose == LinkPurpose.CONSENT:
        consent.expires_at = expires_at
    return raw


def _send_after_commit(consent: ConsentRequest, raw_token: str, purpose: str) -> None:
    """Email the link once the rows exist; a mail failure is recorded and shown, it never undoes the candidate."""
    consent_pk = consent.pk

    def deliver():
        fresh = ConsentRequest.objects.select_related("candidate", "hiring", "organization").get(pk=consent_pk)
        try:
            with translation.override(fresh.language):
                if purpose == LinkPurpose.CONSENT:
                    emails.send_consent_request(consent=fresh, raw_token=raw_token)
                else:
                    emails.send_portal_link(consent=fresh, raw_token=raw_token)
        except Exception:  # noqa: BLE001 - any backend failure: log it, keep the stored data, let a person resend
            logger.exception("consent email failed", extra={"consent": fresh.public_id, "purpose": purpose})
            _event(fresh, ConsentEventKind.SEND_FAILED)

    transaction.on_commit(deliver)


def add_candidate(
    *,
    actor: Membership,
    hiring: Hiring,
    name: str,
    email: str,
    phone: str = "",
    notes: str = "",
    language: str | None = None,
) -> Candidate:
    """Add a candidate to a hiring and ask for their consent, in one transaction (CON-1).

    The one door through which a candidate comes to exist, with ``add_candidates`` (the same door for many): the
    page, the API, the demo, the bench and any later intake (ATS upserts) call one of them, so no candidate exists
    without a consent request (``tests/consent/test_one_door.py`` calls every path and checks the source for any
    other place that creates one). Hiring managers on hirings they manage, recruiters and admins. The returned
    candidate's ``consent`` carries the link's raw token as ``raw_token`` (for a demo that answers as the candidate
    would); it is never stored.
    """
    person = {"name": name, "email": email, "phone": phone, "notes": notes}
    return add_candidates(actor=actor, hiring=hiring, people=[person], language=language)[0]


@transaction.atomic
def add_candidates(
    *, actor: Membership, hiring: Hiring, people: list[dict], language: str | None = None
) -> list[Candidate]:
    """Add candidates to one hiring (one, or an import such as the bench's 100k rows): each is validated, gets its
    consent request and a one-time link in the same transaction, and is emailed the link after commit (CON-1).

    ``people`` holds ``name`` and ``email``, optionally ``phone``, ``notes``, ``stage`` (the stage a candidate
    imported from elsewhere is already in) and ``created_at`` (imports keep the source's dates). A row that does not
    validate refuses the whole call and stores nothing. Each returned candidate's ``consent`` carries ``raw_token``.
    """
    require_access(actor, hiring, Role.HIRING_MANAGER)
    now = timezone.now()
    candidates = []
    for person in people:
        candidate = Candidate(
            organization_id=hiring.organization_id,
            hiring=hiring,
            name=person["name"].strip(),
            email=person["email"].strip().lower(),
            phone=person.get("phone", "").strip(),
            notes=person.get("notes", ""),
            created_by=actor,
            created_at=person.get("created_at") or now,
        )
        if person.get("stage"):
            candidate.stage = person["stage"]
        candidate.full_clean(exclude=["organization", "hiring", "created_by", "public_id"])
        candidates.append(candidate)
    Candidate.objects.bulk_create(candidates, batch_size=2000)
    expires_at = now + timedelta(days=settings.CONSENT_LINK_TTL_DAYS)
    requests = [
        ConsentRequest(  # also caches it as ``candidate.consent``
            organization_id=hiring.organization_id,
            candidate=candidate,
            hiring=hiring,
            requested_by=actor,
            created_at=now,
            last_sent_at=now,
            times_sent=1,
            expires_at=expires_at,
            language=_supported_language(language),
        )
        for candidate in candidates
    ]
    ConsentRequest.objects.bulk_create(requests, batch_size=2000)
    for consent in requests:
        consent.raw_token = new_secret(length=TOKEN_LENGTH)
    ConsentLink.objects.bulk_create(
        [
            ConsentLink(
                organization_id=hiring.organization_id,
                request=consent,
                purpose=LinkPurpose.CONSENT,
                token_hash=hash_secret(consent.raw_token),
                created_at=now,
                expires_at=expires_at,
            )
            for consent in requests
        ],
        batch_size=2000,
    )
    ConsentEvent.objects.bulk_create(
        [
            ConsentEvent(organization_id=hiring.organization_id, request=consent, kind=kind, actor=actor)
            for consent in requests
            for kind in (ConsentEventKind.REQUESTED, ConsentEventKind.SENT)
        ],
        batch_size=2000,
    )
    for consent in requests:
        _send_after_commit(consent, consent.raw_token, LinkPurpose.CONSENT)
    return candidates


def resend(*, actor: Membership, consent: ConsentRequest) -> ConsentRequest:
    """Email a fresh consent link; the previous one stops working at once (CON-6).

    Only a request still waiting for an answer (pending or expired) can be resent: a candidate who answered is not
    asked again. The rate limit (3 an hour per request) is the caller's, through ``accounts.rate_limits``.
    """
    with transaction.atomic():
        consent = ConsentRequest.objects.select_for_update().select_related("candidate").get(pk=consent.pk)
        require_access(actor, consent.candidate, Role.HIRING_MANAGER)
        if consent.status != ConsentStatus.PENDING:
            raise ValidationError(
                _("The candidate has already answered (%(status)s); a new link cannot be sent.")
                % {"status": consent.get_display_status_display()},
                code="answered",
            )
        now = timezone.now()
        raw = _issue_link(consent, LinkPurpose.CONSENT, now=now)
        consent.last_sent_at = now
        consent.times_sent += 1
        consent.save(update_fields=["expires_at", "last_sent_at", "times_sent"])
        _event(consent, ConsentEventKind.RESENT, actor)
        _send_after_commit(consent, raw, LinkPurpose.CONSENT)
    return consent


def _supported_language(language: str | None) -> str:
    codes = {code for code, _name in settings.LANGUAGES}
    language = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    return language if language in codes else settings.LANGUAGE_CODE


# --- Candidate side (CON-2, CON-3, CON-5) -----------------------------------------------------------------------


@dataclass(frozen=True)
class OpenedLink:
    link: ConsentLink
    consent: ConsentRequest

    @property
    def purpose(self) -> str:
        return self.link.purpose


def open_link(raw_token: str, *, lock: bool = False) -> OpenedLink:
    """Resolve a presented token to its link, or raise ``LinkRefused`` with the reason. Changes nothing."""
    if not raw_token or len(raw_token) > 100:
        raise LinkRefused(LinkRefused.UNKNOWN)
    links = ConsentLink.objects.select_related(
        "request", "request__candidate", "request__hiring", "request__organization"
    )
    if lock:
        links = links.select_for_update(of=("self",))
    link = links.filter(token_hash=hash_secret(raw_token)).first()
    if link is None:
        raise LinkRefused(LinkRefused.UNKNOWN)
    consent = link.request
    if link.replaced_at is not None:
        raise LinkRefused(LinkRefused.REPLACED, consent)
    if link.used_at is not None:
        raise LinkRefused(LinkRefused.USED, consent)
    if link.expires_at is not None and link.expires_at <= timezone.now():
        raise LinkRefused(LinkRefused.EXPIRED, consent)
    return OpenedLink(link=link, consent=consent)


def note_refused_link(refusal: LinkRefused) -> None:
    """Record that a dead link was opened (reuse can mean a forwarded or leaked email)."""
    if refusal.consent is not None and refusal.reason != LinkRefused.CLOSED:
        _event(refusal.consent, ConsentEventKind.REFUSED_LINK)


def _answer(
    raw_token: str, *, accept: bool, message: str = "", language: str | None = None
) -> tuple[ConsentRequest, str | None]:
    message = (message or "").strip()
    if len(message) > DECLINE_MESSAGE_MAX:
        raise ValidationError(
            _("Please keep the message under %(max)d characters.") % {"max": DECLINE_MESSAGE_MAX}, code="too_long"
        )
    with transaction.atomic():
        opened = open_link(raw_token, lock=True)
        consent = ConsentRequest.objects.select_for_update().get(pk=opened.consent.pk)
        if opened.purpose != LinkPurpose.CONSENT or consent.status != ConsentStatus.PENDING:
            raise LinkRefused(LinkRefused.CLOSED, consent)
        now = timezone.now()
        opened.link.used_at = now
        opened.link.save(update_fields=["used_at"])
        consent.responded_at = now
        _remember_language(consent, language)
        portal_token = None
        if accept:
            consent.status = ConsentStatus.ACCEPTED
            consent.save(update_fields=["status", "responded_at", "language"])
            _event(consent, ConsentEventKind.ACCEPTED)
            portal_token = _issue_link(consent, LinkPurpose.PORTAL, now=now)
            _send_after_commit(consent, portal_token, LinkPurpose.PORTAL)
        else:
            consent.status = ConsentStatus.DECLINED
            consent.decline_message = message
            consent.save(update_fields=["status", "responded_at", "decline_message", "language"])
            _event(consent, ConsentEventKind.DECLINED)
        signals.answered.send(sender=ConsentRequest, consent=consent)  # integrations' webhook (INT-1)
    return consent, portal_token


def accept(raw_token: str, *, language: str | None = None) -> tuple[ConsentRequest, str]:
    """The candidate consents for this hiring (CON-3). The link is spent; a portal link to withdraw is issued.

    ``language`` is the one the candidate read the page in (English or Swedish): it is stored on the request and
    every later email and page to them uses it, the portal email sent now included. Returns the request and the raw
    portal token, so the confirmation page can show the withdrawal link at once (it is also emailed).
    """
    consent, portal_token = _answer(raw_token, accept=True, language=language)
    return consent, portal_token


def decline(raw_token: str, *, message: str = "", language: str | None = None) -> ConsentRequest:
    """The candidate declines, optionally with a message to the recruiter (CON-3). The link is spent. The page's
    language is kept, as on accepting."""
    consent, _portal = _answer(raw_token, accept=False, message=message, language=language)
    return consent


def _remember_language(consent: ConsentRequest, language: str | None) -> None:
    """Keep the language the candidate chose (only a supported one); the caller saves ``language``."""
    if language in {code for code, _name in settings.LANGUAGES}:
        consent.language = language


def _withdraw(consent_pk: int, *, language: str | None) -> ConsentRequest:
    consent = ConsentRequest.objects.select_for_update().get(pk=consent_pk)
    if consent.status != ConsentStatus.ACCEPTED:
        raise LinkRefused(LinkRefused.CLOSED, consent)
    now = timezone.now()
    consent.status = ConsentStatus.WITHDRAWN
    consent.withdrawn_at = now
    consent.erasure_requested_at = now
    _remember_language(consent, language)
    consent.save(update_fields=["status", "withdrawn_at", "erasure_requested_at", "language"])
    _event(consent, ConsentEventKind.WITHDRAWN)
    signals.withdrawn.send(sender=ConsentRequest, consent=consent)  # retention erases (RET-6)
    return consent


def withdraw(raw_token: str, *, language: str | None = None) -> ConsentRequest:
    """The candidate withdraws through their portal link (CON-5): processing stops and erasure is requested.

    From this moment ``require_consent`` fails, so every queued or running worker step stops at its next check;
    the retention app erases the candidate (RET-6) and, with them, this record and its links.
    """
    with transaction.atomic():
        opened = open_link(raw_token, lock=True)
        if opened.purpose != LinkPurpose.PORTAL:
            raise LinkRefused(LinkRefused.CLOSED, opened.consent)
        return _withdraw(opened.consent.pk, language=language)


def withdraw_for_candidate(candidate: Candidate, *, language: str | None = None) -> ConsentRequest:
    """The same withdrawal (CON-5) from the candidate's rights portal, whose own signed link already named the
    candidate (``retention.portal.tokens``): objecting there is withdrawing here (RET-7). ``LinkRefused(CLOSED)``
    when there is no recorded acceptance to withdraw (pending, declined or already withdrawn); nothing changes."""
    with transaction.atomic():
        consent = ConsentRequest.objects.filter(candidate_id=candidate.pk).first()
        if consent is None:
            raise LinkRefused(LinkRefused.UNKNOWN)
        return _withdraw(consent.pk, language=language)


def record_candidate_action(candidate: Candidate, kind: str) -> None:
    """Write one of the candidate's own actions in their rights portal to the consent audit trail (OPS-1, RET-7):
    the recruiters see it in the consent history on the candidate page. No actor: the candidate is not a member."""
    consent = ConsentRequest.objects.filter(candidate_id=candidate.pk).first()
    if consent is not None:
        _event(consent, kind)
