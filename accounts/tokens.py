"""Token API sessions: signed access tokens and rotating opaque refresh tokens (ID-2, ID-3, ID-7).

An access token is a JWT (HS256) valid exactly ``ACCESS_TOKEN_LIFETIME_SECONDS``. It names the user (``sub``), the
membership it acts through (``mem``) and its refresh family (``sid``); it is only a pointer: every request re-loads
the membership and user from the database and checks the family is not revoked (ID-3), so deactivation, removal
from the organization and logout take effect at once.

A refresh token is ``ia_rt_`` + 190 random bits, stored only as its SHA-256 in a ``RefreshSession`` row. Each use
marks the row rotated and adds a new row to the same family; presenting a rotated row again is reuse, which revokes
the whole family (ID-2). Views call the functions here and turn ``TokenRefused`` into a 401.
"""

import hashlib
import hmac
import logging
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from accounts import audit
from accounts.models import AuditEvent, Membership, RefreshSession, User
from interview_analyzer.secret_tokens import hash_secret, new_secret, random_base62, secret_matches

logger = logging.getLogger(__name__)

ISSUER = "interview-analyzer"
AUDIENCE = "interview-analyzer-api"
ALGORITHM = "HS256"
ACCESS_TYP = "access"
REQUIRED_CLAIMS = ["exp", "iat", "sub", "aud", "iss", "mem", "sid"]
REFRESH_PREFIX = "ia_rt_"
REFRESH_RE = re.compile(r"^ia_rt_[0-9A-Za-z]{32}$")
# Anything longer than this is not one of our access tokens; refuse it before any parsing.
MAX_ACCESS_TOKEN_LENGTH = 2048
# The fixed purpose string that separates the derived signing key from every other use of SECRET_KEY.
SIGNING_KEY_PURPOSE = b"interview-analyzer/access-token-signing-key/v1"

# One message for every credential failure, so the answer never tells which part was wrong (ID-7).
INVALID_CREDENTIALS = "Unable to sign in with the given email and password."
UNVERIFIED_EMAIL = "Verify your email address before using the API."
REFRESH_REFUSED = "The refresh token is invalid or has expired."
ACCESS_REFUSED = "The access token is invalid or has expired."


class TokenRefused(Exception):
    """A credential the token API refuses. The message is safe to show to the caller."""


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int
    session: RefreshSession


def signing_key() -> bytes:
    """``ACCESS_TOKEN_SIGNING_KEY``, else HMAC-SHA256 of a fixed purpose under ``SECRET_KEY`` (ID-2)."""
    if settings.ACCESS_TOKEN_SIGNING_KEY:
        return settings.ACCESS_TOKEN_SIGNING_KEY.encode("utf-8")
    return hmac.new(settings.SECRET_KEY.encode("utf-8"), SIGNING_KEY_PURPOSE, hashlib.sha256).digest()


def encode_access_token(*, membership: Membership, family: str, now: datetime | None = None) -> str:
    """A signed access token for ``membership`` in refresh family ``family``; ``exp`` is ``iat`` + 30 minutes."""
    issued_at = int((now or timezone.now()).timestamp())
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": membership.user.public_id,
        "mem": membership.public_id,
        "sid": family,
        "iat": issued_at,
        "exp": issued_at + settings.ACCESS_TOKEN_LIFETIME_SECONDS,
        "jti": random_base62(22),
        "typ": ACCESS_TYP,
    }
    return jwt.encode(claims, signing_key(), algorithm=ALGORITHM)


def decode_access_token(token: str) -> dict:
    """The verified claims of an access token: HS256 only, signature, exp, iat, audience, issuer, type (ID-3)."""
    if not isinstance(token, str) or len(token) > MAX_ACCESS_TOKEN_LENGTH:
        raise TokenRefused(ACCESS_REFUSED)
    try:
        claims = jwt.decode(
            token,
            signing_key(),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": REQUIRED_CLAIMS},
        )
    except (jwt.InvalidTokenError, ValueError, TypeError):
        raise TokenRefused(ACCESS_REFUSED) from None
    if claims.get("typ") != ACCESS_TYP or not all(isinstance(claims[name], str) for name in ("sub", "mem", "sid")):
        raise TokenRefused(ACCESS_REFUSED)
    return claims


def membership_for_access_token(token: str) -> Membership:
    """Verify an access token and re-load its membership from the database on every request (ID-3).

    The membership and its user must be active, the user must still be the token's subject and have a verified
    email, and the token's refresh family must not be revoked (logout and reuse end access tokens at once).
    The membership, its user and organization, the verified flag and the family's liveness are one query (issue 17).
    """
    claims = decode_access_token(token)
    live_family = RefreshSession.objects.filter(
        membership_id=models.OuterRef("pk"), family=claims["sid"], revoked_at__isnull=True
    )
    membership = (
        Membership.objects.select_related("user", "organization")
        .with_verified_flag()
        .annotate(family_is_live=models.Exists(live_family))
        .filter(public_id=claims["mem"])
        .first()
    )
    if (
        membership is None
        or not membership.is_active
        or not membership.user.is_active
        or membership.user.public_id != claims["sub"]
        or not membership.family_is_live
        or not membership.is_verified
    ):
        raise TokenRefused(ACCESS_REFUSED)
    return membership


def membership_for_credentials(*, email: str, password: str) -> Membership:
    """The membership a correct email and password act through (ID-2), refusing alike whatever is wrong (ID-7).

    An unknown email, or an account without a usable password (SSO), still runs one password hash so the answer
    takes as long as a wrong password. Inactive users and users without an active membership get the same
    answer as a wrong password; only someone who knows the password learns that the email is unverified.
    """
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None or not user.has_usable_password():
        User().set_password(password)
        raise TokenRefused(INVALID_CREDENTIALS)
    if not user.check_password(password) or not user.is_active:
        raise TokenRefused(INVALID_CREDENTIALS)
    membership = Membership.objects.acting_for(user)
    if membership is None:
        raise TokenRefused(INVALID_CREDENTIALS)
    if not membership.is_verified:
        raise TokenRefused(UNVERIFIED_EMAIL)
    return membership


@transaction.atomic
def issue_tokens(*, user: User, membership: Membership, request_ip: str | None, user_agent: str) -> TokenPair:
    """A new session family: one refresh row and the access token that belongs to it (ID-2)."""
    if membership.user_id != user.pk:
        raise ValueError("The membership does not belong to this user.")
    return _issue(membership=membership, family=random_base62(22), request_ip=request_ip, user_agent=user_agent)


def _issue(*, membership: Membership, family: str, request_ip: str | None, user_agent: str) -> TokenPair:
    now = timezone.now()
    raw_refresh = new_secret(REFRESH_PREFIX)
    session = RefreshSession.objects.create(
        organization=membership.organization,
        user=membership.user,
        membership=membership,
        family=family,
        token_hash=hash_secret(raw_refresh),
        created_at=now,
        expires_at=now + timedelta(days=settings.REFRESH_TOKEN_LIFETIME_DAYS),
        user_agent=(user_agent or "")[:200],
        ip_address=request_ip or None,
    )
    return TokenPair(
        access_token=encode_access_token(membership=membership, family=family, now=now),
        refresh_token=raw_refresh,
        expires_in=settings.ACCESS_TOKEN_LIFETIME_SECONDS,
        session=session,
    )


def _find_session(raw_refresh_token: str) -> RefreshSession | None:
    """The row of a presented refresh token, found by its hash and compared in constant time (KEY-8)."""
    if not isinstance(raw_refresh_token, str) or not REFRESH_RE.match(raw_refresh_token):
        return None
    session = (
        RefreshSession.objects.select_related("membership__user", "membership__organization")
        .filter(token_hash=hash_secret(raw_refresh_token))
        .first()
    )
    if session is None or not secret_matches(raw_refresh_token, session.token_hash):
        return None
    return session


def rotate(*, raw_refresh_token: str, request_ip: str | None, user_agent: str) -> TokenPair:
    """Refresh rotation with reuse detection (ID-2, ID-3).

    A live token is marked rotated and replaced by a new row in the same family. A token that was already rotated
    is reuse: someone else holds a copy, so the whole family is revoked. A user or membership that is no longer
    active revokes the family too. Unknown, revoked and expired tokens are refused and change nothing.
    """
    now = timezone.now()
    session = _find_session(raw_refresh_token)
    if session is None or session.revoked_at is not None:
        raise TokenRefused(REFRESH_REFUSED)
    if session.rotated_at is not None:
        raise _reuse_refusal(session)
    if session.expires_at <= now:
        raise TokenRefused(REFRESH_REFUSED)
    membership = session.membership
    if not membership.is_active or not membership.user.is_active:
        revoke_family(family=session.family)
        raise TokenRefused(REFRESH_REFUSED)
    if not membership.is_verified:
        raise TokenRefused(REFRESH_REFUSED)
    with transaction.atomic():
        # A conditional update, so two concurrent uses of one token cannot both win on any database.
        won = RefreshSession.objects.filter(pk=session.pk, rotated_at__isnull=True, revoked_at__isnull=True).update(
            rotated_at=now
        )
        if won:
            return _issue(membership=membership, family=session.family, request_ip=request_ip, user_agent=user_agent)
    raise _reuse_refusal(session)  # another request rotated it a moment ago: the same token was used twice


def _reuse_refusal(session: RefreshSession) -> TokenRefused:
    """Revoke the family of a reused refresh token and log it (ID-2); the caller raises the returned refusal."""
    revoked = revoke_family(family=session.family)
    logger.warning(
        "Refresh token reuse: session family revoked",
        extra={"refresh_session": session.public_id, "membership": session.membership.public_id, "revoked": revoked},
    )
    audit.record(
        organization=session.organization,
        actor=session.user,
        action=AuditEvent.Action.TOKEN_REUSE_DETECTED,
        target=session.public_id,
        ip=session.ip_address,
        revoked_sessions=revoked,
    )
    return TokenRefused(REFRESH_REFUSED)


def revoke_family(*, family: str) -> int:
    """Revoke every row of a session family at once (ID-2); access tokens of the family stop working (ID-3)."""
    return RefreshSession.objects.filter(family=family, revoked_at__isnull=True).update(revoked_at=timezone.now())


def revoke_session(*, raw_refresh_token: str) -> None:
    """Logout (ID-2): revoke the family of the presented refresh token. Unknown tokens are ignored (no oracle)."""
    session = _find_session(raw_refresh_token)
    if session is not None:
        revoke_family(family=session.family)
