"""The candidate's link to their rights portal (RET-6, RET-7): signed, expiring, stored nowhere.

A link is ``/my-data/<token>/`` where the token is ``django.core.signing`` over ``{"c": candidate public id,
"k": kind, "e": expiry (unix seconds)}`` with its own salt: an HMAC with ``SECRET_KEY`` (and
``SECRET_KEY_FALLBACKS`` while a key is rotated), so nothing secret is kept in the database and a token cannot be
forged or altered (a changed character fails the signature). Two kinds:

- ``after_consent``: in the email sent once the candidate consents and on consent's pages; valid
  ``PORTAL_LINK_TTL_DAYS`` (30 by default);
- ``requested``: asked for on the public page with the candidate's email and sent only to that address; valid
  ``PORTAL_REQUESTED_LINK_TTL_MINUTES`` (60 by default).

A link stops working when it expires, when ``SECRET_KEY`` changes without the old key among the fallbacks, and when
the candidate is erased (the public id then names nothing). Links are not single use: the candidate comes back to
the page. A fresh link can always be requested with the email address, which is why the long-lived one is not
longer than a month.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core import signing
from django.utils import timezone

from hiring.models import Candidate
from interview_analyzer.public_ids import is_public_id

SALT = "retention.portal.link"
AFTER_CONSENT = "after_consent"
REQUESTED = "requested"
_KIND_CODES = {AFTER_CONSENT: "c", REQUESTED: "r"}
MAX_TOKEN_LENGTH = 300  # anything longer is not ours


class PortalLinkRefused(Exception):
    """A portal token that opens nothing, with the reason the page explains."""

    INVALID = "invalid"  # not ours, altered, or signed with a key no longer in use
    EXPIRED = "expired"
    GONE = "gone"  # well signed, but the candidate's data no longer exists (erased)

    def __init__(self, reason: str):
        self.reason = reason
        super().__init__(reason)


def lifetime(kind: str) -> timedelta:
    if kind == AFTER_CONSENT:
        return timedelta(days=settings.PORTAL_LINK_TTL_DAYS)
    if kind == REQUESTED:
        return timedelta(minutes=settings.PORTAL_REQUESTED_LINK_TTL_MINUTES)
    raise ValueError(kind)


@dataclass(frozen=True)
class PortalLink:
    token: str
    expires_at: datetime


def issue(candidate: Candidate, *, kind: str, now: datetime | None = None) -> PortalLink:
    """A fresh link for ``candidate`` of ``kind``; nothing is stored."""
    expires_at = (now or timezone.now()) + lifetime(kind)
    payload = {"c": candidate.public_id, "k": _KIND_CODES[kind], "e": int(expires_at.timestamp())}
    return PortalLink(token=signing.dumps(payload, salt=SALT, compress=True), expires_at=expires_at)


@dataclass(frozen=True)
class OpenedPortal:
    candidate: Candidate
    expires_at: datetime


def open_portal(token: str) -> OpenedPortal:
    """The candidate a token names, or ``PortalLinkRefused``. Reads the candidate unscoped (the candidate is not a
    member: their signed link is the credential) with what the portal shows of it."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise PortalLinkRefused(PortalLinkRefused.INVALID)
    try:
        payload = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        raise PortalLinkRefused(PortalLinkRefused.INVALID) from None
    if not isinstance(payload, dict) or set(payload) != {"c", "k", "e"} or payload["k"] not in _KIND_CODES.values():
        raise PortalLinkRefused(PortalLinkRefused.INVALID)
    public_id, expires = payload["c"], payload["e"]
    if not isinstance(public_id, str) or not is_public_id(public_id, "cand") or not isinstance(expires, int):
        raise PortalLinkRefused(PortalLinkRefused.INVALID)
    expires_at = datetime.fromtimestamp(expires, tz=UTC)
    if expires_at <= timezone.now():
        raise PortalLinkRefused(PortalLinkRefused.EXPIRED)
    candidate = (
        Candidate.objects.for_operators()
        .select_related("hiring", "organization", "consent")
        .filter(public_id=public_id)
        .first()
    )
    if candidate is None:
        raise PortalLinkRefused(PortalLinkRefused.GONE)
    return OpenedPortal(candidate=candidate, expires_at=expires_at)
