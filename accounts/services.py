"""Writes of the accounts domain. Every write goes through a function here, with its audit row (STYLE 2)."""

import ipaddress
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import audit, emails, legal
from accounts.models import (
    ApiKey,
    AuditEvent,
    DpaAcceptance,
    Invitation,
    Membership,
    Organization,
    RefreshSession,
    User,
)
from interview_analyzer.permissions import check_member, require_access
from interview_analyzer.roles import Role
from interview_analyzer.secret_tokens import hash_secret, new_secret, random_base62

INVITATION_TOKEN_PREFIX = "ia_inv_"  # noqa: S105 - a prefix, not a secret
API_KEY_LOOKUP_LENGTH = 8


@transaction.atomic
def ensure_user(*, email: str, password: str | None, full_name: str = "", verified: bool = False) -> User:
    """The user with this email, created if missing; ``verified`` records the address as confirmed (ID-6)."""
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=password, full_name=full_name)
    elif password is not None and not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    if verified:
        address, _ = EmailAddress.objects.get_or_create(user=user, email=email, defaults={"primary": True})
        if not address.verified or not address.primary:
            address.verified = True
            address.primary = True
            address.save(update_fields=["verified", "primary"])
    return user


@transaction.atomic
def ensure_membership(*, organization: Organization, user: User, role: Role) -> Membership:
    membership, created = Membership.objects.get_or_create(
        organization=organization, user=user, defaults={"role": role}
    )
    if not created and (membership.role != role or not membership.is_active):
        membership.role = role
        membership.is_active = True
        membership.save(update_fields=["role", "is_active"])
    return membership


# --- Organizations and legal acceptance (ORG-8) ----------------------------------------------------------------------


@transaction.atomic
def create_organization(*, name: str, admin_user: User, ip: str | None = None) -> Membership:
    """Organization signup: the organization, its first admin, and acceptance of the current DPA (ORG-8)."""
    organization = Organization.objects.create(name=name.strip())
    membership = Membership.objects.create(organization=organization, user=admin_user, role=Role.ADMIN)
    audit.record(
        organization=organization,
        actor=admin_user,
        action=AuditEvent.Action.ORGANIZATION_CREATED,
        target=organization.public_id,
        ip=ip,
    )
    _record_dpa_acceptance(organization=organization, user=admin_user, ip=ip)
    return membership


def dpa_is_current(organization: Organization) -> bool:
    latest = DpaAcceptance.objects.latest_for(organization)
    return latest is not None and latest.version == legal.CURRENT_DPA_VERSION


@transaction.atomic
def accept_current_dpa(*, actor: Membership, ip: str | None = None) -> DpaAcceptance:
    """An admin accepts the current DPA version for their organization (ORG-8)."""
    check_member(actor, Role.ADMIN)
    return _record_dpa_acceptance(organization=actor.organization, user=actor.user, ip=ip)


def _record_dpa_acceptance(*, organization, user, ip) -> DpaAcceptance:
    acceptance = DpaAcceptance.objects.create(
        organization=organization,
        version=legal.CURRENT_DPA_VERSION,
        accepted_by=user,
        accepted_by_email=user.email,
        ip_address=ip,
    )
    audit.record(
        organization=organization,
        actor=user,
        action=AuditEvent.Action.DPA_ACCEPTED,
        target=acceptance.public_id,
        ip=ip,
        version=acceptance.version,
    )
    return acceptance


# --- Members, roles and invitations (ORG-7) --------------------------------------------------------------------------


def _active_admins(organization):
    return Membership.objects.active().filter(organization=organization, role=Role.ADMIN)


def _would_remove_last_admin(membership: Membership) -> bool:
    return (
        membership.role == Role.ADMIN
        and membership.is_active
        and not _active_admins(membership.organization).exclude(pk=membership.pk).exists()
    )


@transaction.atomic
def change_role(*, actor: Membership, membership: Membership, role: Role | str, ip: str | None = None) -> Membership:
    """Change a member's role (ORG-7). The organization keeps at least one active admin."""
    require_access(actor, membership, Role.ADMIN)
    role = Role(role)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.role == role:
        return membership
    if role != Role.ADMIN and _would_remove_last_admin(membership):
        raise ValidationError(_("The organization must keep at least one admin."), code="last_admin")
    previous = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    audit.record(
        organization=membership.organization,
        actor=actor.user,
        action=AuditEvent.Action.ROLE_CHANGED,
        target=membership.public_id,
        ip=ip,
        member=membership.user.email,
        previous_role=previous,
        new_role=role.value,
    )
    return membership


@transaction.atomic
def deactivate_member(*, actor: Membership, membership: Membership, ip: str | None = None) -> Membership:
    """Deactivate a member (ORG-7): their sessions, tokens and API keys stop working at the next request."""
    require_access(actor, membership, Role.ADMIN)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if not membership.is_active:
        return membership
    if _would_remove_last_admin(membership):
        raise ValidationError(_("The organization must keep at least one admin."), code="last_admin")
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    RefreshSession.objects.filter(membership=membership, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit.record(
        organization=membership.organization,
        actor=actor.user,
        action=AuditEvent.Action.MEMBER_DEACTIVATED,
        target=membership.public_id,
        ip=ip,
        member=membership.user.email,
    )
    return membership


@transaction.atomic
def reactivate_member(*, actor: Membership, membership: Membership, ip: str | None = None) -> Membership:
    require_access(actor, membership, Role.ADMIN)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.is_active:
        return membership
    _require_free_seat(membership.organization, seats_in_use(membership.organization))
    membership.is_active = True
    membership.save(update_fields=["is_active"])
    audit.record(
        organization=membership.organization,
        actor=actor.user,
        action=AuditEvent.Action.MEMBER_REACTIVATED,
        target=membership.public_id,
        ip=ip,
        member=membership.user.email,
    )
    return membership


def seats_in_use(organization, *, except_invitation_email: str = "") -> int:
    """Seats taken (BIL-2): active members plus pending invitations, which hold a seat until they are answered."""
    pending = Invitation.objects.pending().filter(organization=organization)
    if except_invitation_email:
        pending = pending.exclude(email__iexact=except_invitation_email)
    return Membership.objects.active().filter(organization=organization).count() + pending.count()


def _require_free_seat(organization, taken: int) -> None:
    """The plan's seat limit (BIL-2), read through ``Organization.feature`` (billing answers; accounts cannot
    import billing, see ``interview_analyzer.entitlements``)."""
    seats = organization.feature("seats")
    if taken >= seats:
        raise ValidationError(
            ngettext(
                "The %(plan)s plan's only seat is in use. Upgrade the plan on the billing page first.",
                "All %(seats)d seats of the %(plan)s plan are in use. Upgrade the plan on the billing page first.",
                seats,
            )
            % {"seats": seats, "plan": organization.feature("plan_name")},
            code="seats",
        )


def invite_member(*, actor: Membership, email: str, role: Role | str, ip: str | None = None) -> Invitation:
    """Invite someone by email with a one-time link (ORG-7). Only the link's hash is stored. A pending invitation
    holds a seat of the plan (BIL-2)."""
    check_member(actor, Role.ADMIN)
    email = User.objects.normalize_email(email).strip().lower()
    if Membership.objects.filter(organization=actor.organization, user__email__iexact=email).exists():
        raise ValidationError(_("This person is already a member of the organization."), code="already_member")
    _require_free_seat(actor.organization, seats_in_use(actor.organization, except_invitation_email=email))
    raw_token = new_secret(INVITATION_TOKEN_PREFIX)
    with transaction.atomic():
        # A new invitation replaces any pending one for the same address.
        Invitation.objects.pending().filter(organization=actor.organization, email__iexact=email).update(
            revoked_at=timezone.now()
        )
        invitation = Invitation.objects.create(
            organization=actor.organization,
            email=email,
            role=Role(role),
            token_hash=hash_secret(raw_token),
            invited_by=actor.user,
            expires_at=timezone.now() + timedelta(days=settings.INVITATION_LIFETIME_DAYS),
        )
        audit.record(
            organization=actor.organization,
            actor=actor.user,
            action=AuditEvent.Action.MEMBER_INVITED,
            target=invitation.public_id,
            ip=ip,
            email=email,
            role=invitation.role,
        )
        transaction.on_commit(
            lambda: emails.send_invitation(
                invitation=invitation, raw_token=raw_token, inviter_name=actor.user.display_name
            )
        )
    return invitation


@transaction.atomic
def revoke_invitation(*, actor: Membership, invitation: Invitation, ip: str | None = None) -> Invitation:
    require_access(actor, invitation, Role.ADMIN)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.is_pending:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
        audit.record(
            organization=invitation.organization,
            actor=actor.user,
            action=AuditEvent.Action.INVITATION_REVOKED,
            target=invitation.public_id,
            ip=ip,
            email=invitation.email,
        )
    return invitation


def find_pending_invitation(raw_token: str) -> Invitation | None:
    """The pending invitation a link names, or None (unknown, used, revoked and expired links alike)."""
    if not raw_token or not raw_token.startswith(INVITATION_TOKEN_PREFIX) or len(raw_token) > 100:
        return None
    return Invitation.objects.pending().select_related("organization").filter(token_hash=hash_secret(raw_token)).first()


@transaction.atomic
def accept_invitation(*, user: User, raw_token: str, ip: str | None = None) -> Membership:
    """The invited person joins with the invited role. The signed-in email must be the invited one."""
    invitation = find_pending_invitation(raw_token)
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid any more."), code="invalid")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.email.lower() != user.email.lower():
        raise ValidationError(
            _("This invitation was sent to another email address. Sign in with that address to accept it."),
            code="wrong_user",
        )
    # The invitation held a seat; if the plan shrank since, members already fill it (BIL-2).
    _require_free_seat(
        invitation.organization, Membership.objects.active().filter(organization=invitation.organization).count()
    )
    membership, created = Membership.objects.get_or_create(
        organization=invitation.organization, user=user, defaults={"role": invitation.role}
    )
    if not created and not membership.is_active:
        membership.is_active = True
        membership.role = invitation.role
        membership.save(update_fields=["is_active", "role"])
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    audit.record(
        organization=invitation.organization,
        actor=user,
        action=AuditEvent.Action.MEMBER_JOINED,
        target=membership.public_id,
        ip=ip,
        invitation=invitation.public_id,
        role=membership.role,
    )
    return membership


@transaction.atomic
def update_profile(*, user: User, full_name: str, language: str | None = None) -> User:
    """Profile changes (SEC-MASS): only the fields named here are writable. ``language`` is one of
    settings.LANGUAGES or blank (the browser's language); ``None`` leaves it as it is."""
    user.full_name = full_name.strip()
    fields = ["full_name"]
    if language is not None:
        if language and language not in dict(settings.LANGUAGES):
            raise ValidationError({"language": _("Choose one of the offered languages.")}, code="language")
        user.language = language
        fields.append("language")
    user.save(update_fields=fields)
    return user


# --- API keys (KEY-1…8) -----------------------------------------------------------------------------------------------


def create_api_key(
    *, actor: Membership, name: str, scopes: list[str], allowed_cidrs: list[str], ip: str | None = None
) -> tuple[ApiKey, str]:
    """Issue an API key (KEY-1…5). Returns the row and the raw key, which is shown once and never stored."""
    check_member(actor, Role.ADMIN)
    if not actor.organization.feature("api_keys"):
        raise ValidationError(_("API keys are available on the Team plan and above."), code="plan")
    scopes = sorted(set(scopes))
    if not scopes or not set(scopes) <= set(ApiKey.Scope.values):
        raise ValidationError(_("Choose at least one valid scope."), code="scopes")
    networks = [str(ipaddress.ip_network(cidr.strip(), strict=False)) for cidr in allowed_cidrs if cidr.strip()]
    lookup = random_base62(API_KEY_LOOKUP_LENGTH)
    raw_key = f"{ApiKey.PREFIX}{lookup}_{new_secret()}"
    with transaction.atomic():
        key = ApiKey.objects.create(
            organization=actor.organization,
            name=name.strip(),
            lookup=lookup,
            key_hash=hash_secret(raw_key),
            scopes=scopes,
            allowed_cidrs=networks,
            membership=actor,
        )
        audit.record(
            organization=actor.organization,
            actor=actor.user,
            action=AuditEvent.Action.API_KEY_CREATED,
            target=key.public_id,
            ip=ip,
            name=key.name,
            scopes=scopes,
            allowed_cidrs=networks,
        )
    return key, raw_key


@transaction.atomic
def revoke_api_key(*, actor: Membership, key: ApiKey, ip: str | None = None) -> ApiKey:
    """Revocation takes effect on the key's next request (KEY-6)."""
    require_access(actor, key, Role.ADMIN)
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit.record(
            organization=key.organization,
            actor=actor.user,
            action=AuditEvent.Action.API_KEY_REVOKED,
            target=key.public_id,
            ip=ip,
            name=key.name,
        )
    return key
