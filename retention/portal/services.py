"""What the candidate does in their rights portal (RET-6, RET-7, CON-5). The candidate is not a member: each
function takes the candidate their signed link named (``retention.portal.tokens``) and nothing from a member.

Every action is written to the consent audit trail the recruiters read on the candidate page (``ConsentEvent``:
link emailed, page opened, data downloaded, consent withdrawn); the erasure writes its deletion record (RET-5)
instead, since it removes the trail with the rest.
"""

import logging

from django.db import transaction
from django.utils import translation

from consent import services as consent_services
from consent.models import ConsentEventKind, ConsentRequest
from hiring.models import Candidate
from retention import services as retention_services
from retention.models import DeletionRecord, Trigger
from retention.portal import emails, kinds, tokens

logger = logging.getLogger(__name__)


def candidate_language(candidate: Candidate) -> str:
    """The language the candidate chose on the consent page (CON-2), kept on their consent request."""
    consent = ConsentRequest.objects.filter(candidate_id=candidate.pk).only("language").first()
    return consent.language if consent is not None else "en"


def send_links(email: str) -> int:
    """Email a fresh portal link (valid ``PORTAL_REQUESTED_LINK_TTL_MINUTES``) to ``email`` for every candidate
    record with that address, one email each in that candidate's language. Returns how many were sent; the caller
    shows the same page whatever the number, so the page never tells whether an address is known (RET-6)."""
    sent = 0
    candidates = (
        Candidate.objects.for_operators()
        .filter(email__iexact=email.strip())
        .select_related("hiring", "organization")
        .order_by("pk")
    )
    for candidate in candidates:
        link = tokens.issue(candidate, kind=tokens.REQUESTED)
        try:
            with translation.override(candidate_language(candidate)):
                emails.send_portal_link(candidate=candidate, link=link)
        except Exception:  # noqa: BLE001 - a mail failure must not tell the requester anything; it is logged
            logger.exception("portal link email failed", extra={"candidate": candidate.public_id})
            continue
        consent_services.record_candidate_action(candidate, ConsentEventKind.PORTAL_LINK_SENT)
        sent += 1
    return sent


def note_opened(candidate: Candidate) -> None:
    consent_services.record_candidate_action(candidate, ConsentEventKind.PORTAL_OPENED)


def note_exported(candidate: Candidate) -> None:
    consent_services.record_candidate_action(candidate, ConsentEventKind.DATA_EXPORTED)


@transaction.atomic
def object_to_processing(candidate: Candidate, *, language: str | None = None) -> ConsentRequest:
    """The candidate objects to the processing (RET-7). The processing rests on their consent, so objecting is
    withdrawing it (CON-5): ``require_consent`` fails from this moment, every queued or running pipeline step stops
    at its next check, and the request is marked for erasure. Raises ``consent.services.LinkRefused`` (closed) when
    there is no recorded acceptance to withdraw."""
    return consent_services.withdraw_for_candidate(candidate, language=language)


def still_held(candidate: Candidate) -> bool:
    """Whether the candidate's data still exists (a withdrawal is followed by its erasure, RET-6)."""
    return Candidate.objects.for_operators().filter(pk=candidate.pk).exists()


ERASURE_REASON = "The candidate asked for erasure in their rights portal."


def request_erasure(candidate: Candidate) -> DeletionRecord:
    """The candidate's own erasure request (RET-6): everything hanging from them is erased as one unit, now, by
    ``retention.services.erase_candidate`` (trigger ``candidate_request``; stored objects after the commit, retried
    by the sweep until storage confirms). Returns the deletion record (RET-5) read again after the commit, so the
    page can say how many stored objects are confirmed gone. Raises ``CandidateGone`` when it was already erased."""
    record = retention_services.erase_candidate(candidate, reason=ERASURE_REASON, trigger=Trigger.CANDIDATE_REQUEST)
    return DeletionRecord.objects.for_operators().get(pk=record.pk)


def erased_kinds(record: DeletionRecord) -> list[dict]:
    """The record's counts per kind of row, with the kind's readable name (evaluated in the active language, so call
    it inside the page's), largest first."""
    return [
        {"title": kinds.title(label), "count": count}
        for label, count in sorted(record.counts.items(), key=lambda item: (-item[1], item[0]))
    ]


def deletion_date(candidate: Candidate):
    """When the candidate's data is deleted unless something else happens first (RET-2), or None before a decision."""
    return retention_services.deletion_date(candidate)
