"""Two-factor authentication on django-allauth's MFA (MFA-1, ID-1, ID-2).

Members enrol an authenticator app (TOTP), passkeys (WebAuthn) and recovery codes on allauth's pages. This module
adds what the product decides:

- the organization's policy (``Organization.mfa_required_for``, ``mfa_sso_exempt``), written by ``set_mfa_policy``;
- who must enrol before doing anything else (``must_enrol``), enforced on pages and the session API by
  ``accounts.middleware.MfaEnrolmentMiddleware`` and on the token API by ``check_token_second_factor``;
- the token API's second factor: a current TOTP code or an unused recovery code in ``otp``;
- the MFA adapter (TOTP secrets and recovery-code seeds stored encrypted; a passkey's user handle is the public id,
  never a database id, ORG-6; a member who must use MFA cannot remove their last method) and the code forms of
  sign-in and reauthentication, rate limited like sign-in (SEC-RL);
- the audit rows of every enrolment, removal, recovery-code generation and use (receivers of allauth's
  ``authenticator_*`` signals, connected in ``AccountsConfig.ready``) and of a passkey's rename, which allauth reports
  by no signal (``record_passkey_renamed``, called by the product's rename page in ``accounts.passkeys``).
"""

import base64
import hashlib
import hmac

from allauth.account.authentication import get_authentication_records
from allauth.core import context
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.base.forms import AuthenticateForm, ReauthenticateForm
from allauth.mfa.models import Authenticator
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django import forms
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from accounts import audit, rate_limits
from accounts.models import AuditEvent, Membership, MfaRequirement, Organization
from interview_analyzer.client_ip import client_ip
from interview_analyzer.errors import Refused
from interview_analyzer.permissions import check_member
from interview_analyzer.roles import Role

# Methods that make an account "protected": recovery codes alone are only a fallback for these.
PRIMARY_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
CODE_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.RECOVERY_CODES)

MFA_REQUIRED = "mfa_required"
MFA_INVALID = "mfa_invalid"
ENROLMENT_REQUIRED = "mfa_enrolment_required"
MESSAGES = {
    MFA_REQUIRED: _(
        "This account uses two-factor authentication: send the current code from your authenticator app, "
        "or an unused recovery code, in the otp field."
    ),
    MFA_INVALID: _(
        "The two-factor code is not valid. Use the current code from your authenticator app or an unused recovery code."
    ),
    ENROLMENT_REQUIRED: _(
        "Your organization requires two-factor authentication. Set it up on your account's two-factor page "
        "in the browser first."
    ),
}


# --- Policy ---------------------------------------------------------------------------------------------------------


def has_mfa(user) -> bool:
    """An authenticator app or a passkey is enrolled (recovery codes alone do not count)."""
    return Authenticator.objects.filter(user_id=user.pk, type__in=PRIMARY_TYPES).exists()


def policy_applies(membership: Membership) -> bool:
    """The organization requires MFA of this member's role (MFA-1)."""
    required_for = membership.organization.mfa_required_for
    return required_for == MfaRequirement.EVERYONE or (
        required_for == MfaRequirement.ADMINS and membership.role == Role.ADMIN
    )


def signed_in_by_sso(request) -> bool:
    """allauth's record of how this session signed in: its first authentication was a social (SSO) login."""
    records = get_authentication_records(request, request.user)
    return bool(records) and records[0].get("method") == "socialaccount"


def must_enrol(membership: Membership | None, *, sso_session: bool = False) -> bool:
    """The member must enrol a second factor before doing anything else (MFA-1).

    An SSO session is exempt only when the organization says its identity provider enforces MFA.
    """
    if membership is None or not membership.is_active or not policy_applies(membership):
        return False
    if sso_session and membership.organization.mfa_sso_exempt:
        return False
    return not has_mfa(membership.user)


def request_must_enrol(request) -> bool:
    """``must_enrol`` for a signed-in browser session's acting member (``request.member``), computed once."""
    if not hasattr(request, "_mfa_must_enrol"):
        member = getattr(request, "member", None)
        request._mfa_must_enrol = bool(
            request.user.is_authenticated
            and member is not None
            and policy_applies(member)
            and must_enrol(member, sso_session=signed_in_by_sso(request))
        )
    return request._mfa_must_enrol


def enrolment_summary(member: Membership) -> dict:
    """Which active members of the admin's organization have enrolled an authenticator app or a passkey."""
    memberships = list(Membership.objects.visible_to(member).active().select_related("user").order_by("user__email"))
    enrolled = set(
        Authenticator.objects.filter(user_id__in=[m.user_id for m in memberships], type__in=PRIMARY_TYPES)
        .values_list("user_id", flat=True)
        .distinct()
    )
    rows = [{"membership": m, "enrolled": m.user_id in enrolled, "required": policy_applies(m)} for m in memberships]
    return {"rows": rows, "enrolled": sum(row["enrolled"] for row in rows), "total": len(rows)}


@transaction.atomic
def set_mfa_policy(*, actor: Membership, required_for: str, sso_exempt: bool, ip: str | None = None) -> Organization:
    """An admin sets who must use MFA and whether SSO sign-ins are exempt (MFA-1, ORG-3); audited (ORG-7)."""
    check_member(actor, Role.ADMIN)
    if required_for not in MfaRequirement.values:
        raise ValueError(f"Unknown MFA requirement {required_for!r}")
    organization = Organization.objects.select_for_update().get(pk=actor.organization_id)
    before = {"required_for": organization.mfa_required_for, "sso_exempt": organization.mfa_sso_exempt}
    after = {"required_for": required_for, "sso_exempt": bool(sso_exempt)}
    if before != after:
        organization.mfa_required_for = required_for
        organization.mfa_sso_exempt = bool(sso_exempt)
        organization.save(update_fields=["mfa_required_for", "mfa_sso_exempt"])
        audit.record(
            organization=organization,
            actor=actor.user,
            action=AuditEvent.Action.MFA_POLICY_CHANGED,
            target=organization.public_id,
            ip=ip,
            before=before,
            after=after,
        )
    return organization


# --- Token API (ID-2) -----------------------------------------------------------------------------------------------


class SecondFactorRefused(Exception):
    """The token API refuses the sign-in for a reason about MFA; ``code`` and ``status`` tell the client what to do."""

    def __init__(self, code: str, status: int):
        super().__init__(str(MESSAGES[code]))
        self.code = code
        self.status = status


class EnrolmentRequired(Refused):
    """403 ``mfa_enrolment_required``: the member must enrol MFA in the browser before using the API (MFA-1)."""

    code = ENROLMENT_REQUIRED


def check_token_second_factor(*, membership: Membership, otp: str | None, ip: str | None = None) -> None:
    """The token API cannot bypass MFA (MFA-1, ID-2).

    With MFA enrolled, a password alone is refused (401 ``mfa_required``); ``otp`` must be a current TOTP code
    (each used once) or an unused recovery code (then spent, and audited), else 401 ``mfa_invalid``. A member whose
    organization requires MFA and who has not enrolled is refused (403 ``mfa_enrolment_required``): the token API has
    no SSO session, so the SSO exemption does not apply to it.
    """
    user = membership.user
    if not has_mfa(user):
        if must_enrol(membership):
            raise SecondFactorRefused(ENROLMENT_REQUIRED, 403)
        return
    code = (otp or "").strip()
    if not code:
        raise SecondFactorRefused(MFA_REQUIRED, 401)
    if not _spend_code(user=user, code=code, ip=ip):
        raise SecondFactorRefused(MFA_INVALID, 401)


@transaction.atomic
def _spend_code(*, user, code: str, ip: str | None) -> bool:
    """Validate ``code`` as allauth's sign-in step does: a TOTP code is refused a second time within its window
    (allauth's used-code marker), and a recovery code is marked used under allauth's row lock, so two concurrent
    requests cannot both spend it."""
    authenticators = Authenticator.objects.filter(user_id=user.pk, type__in=CODE_TYPES)
    for authenticator in sorted(authenticators, key=lambda a: a.type != Authenticator.Type.TOTP):
        if authenticator.wrap().validate_code(code):  # recovery codes: re-read under select_for_update, then spent
            authenticator.record_usage()
            if authenticator.type == Authenticator.Type.RECOVERY_CODES:
                _audit_recovery_code_use(user=user, authenticator=authenticator, ip=ip, channel="token_api")
            return True
    return False


def _audit_recovery_code_use(*, user, authenticator, ip, channel: str) -> None:
    # validate_code spent the code on a fresh copy of the row: count what is left from the database
    remaining = len(Authenticator.objects.get(pk=authenticator.pk).wrap().get_unused_codes())
    audit.record_for_user(
        user=user,
        action=AuditEvent.Action.MFA_RECOVERY_CODE_USED,
        target=user.public_id,
        ip=ip,
        channel=channel,
        remaining=remaining,
    )


# --- Audit of allauth's authenticator events (MFA-1, ORG-7) --------------------------------------------------------


def _request_ip(request) -> str | None:
    return client_ip(request) if request is not None else None


def _method_details(authenticator) -> dict:
    """What an enrolment, rename or removal row says about the method: its type and, for a passkey, its reference
    (``accounts.passkeys.passkey_ref``, the passkey's id in URLs: never its database id, ORG-6), so the rows of one
    passkey can be told apart from another's. Never the passkey's name: that is the member's own free-text label,
    not something the organization's audit trail needs; nor anything of the credential."""
    details = {"method": authenticator.type}
    if authenticator.type == Authenticator.Type.WEBAUTHN:
        from accounts.passkeys import passkey_ref  # accounts.passkeys imports this module

        # after a removal the row is gone and its pk cleared: the product's removal page set ``ref`` beforehand
        ref = passkey_ref(authenticator) if authenticator.pk is not None else getattr(authenticator, "ref", None)
        if ref:
            details["passkey"] = ref
    return details


def on_authenticator_added(sender, request, user, authenticator, **kwargs) -> None:
    audit.record_for_user(
        user=user,
        action=AuditEvent.Action.MFA_ENROLLED,
        target=user.public_id,
        ip=_request_ip(request),
        **_method_details(authenticator),
    )


def on_authenticator_removed(sender, request, user, authenticator, **kwargs) -> None:
    audit.record_for_user(
        user=user,
        action=AuditEvent.Action.MFA_REMOVED,
        target=user.public_id,
        ip=_request_ip(request),
        **_method_details(authenticator),
    )


def record_passkey_renamed(*, request, user, authenticator) -> None:
    """A member renamed one of their passkeys (MFA-1): allauth has no signal for it, so the product's rename page
    (``accounts.passkeys.PasskeyEditView``) calls this after allauth saved the name. The row says that it was renamed
    and which passkey, like an enrolment's; neither the old nor the new name (see ``_method_details``)."""
    audit.record_for_user(
        user=user,
        action=AuditEvent.Action.MFA_RENAMED,
        target=user.public_id,
        ip=_request_ip(request),
        **_method_details(authenticator),
    )


def on_authenticator_reset(sender, request, user, authenticator, **kwargs) -> None:
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        audit.record_for_user(
            user=user,
            action=AuditEvent.Action.MFA_RECOVERY_CODES_GENERATED,
            target=user.public_id,
            ip=_request_ip(request),
        )


def on_authenticator_used(sender, request, user, authenticator, **kwargs) -> None:
    if authenticator.type == Authenticator.Type.RECOVERY_CODES:
        _audit_recovery_code_use(user=user, authenticator=authenticator, ip=_request_ip(request), channel="sign_in")


def connect_audit_receivers() -> None:
    """Called once from ``AccountsConfig.ready``: allauth's signals are how its flows report (third-party code)."""
    from allauth.mfa import signals

    signals.authenticator_added.connect(on_authenticator_added, dispatch_uid="accounts.mfa.added")
    signals.authenticator_removed.connect(on_authenticator_removed, dispatch_uid="accounts.mfa.removed")
    signals.authenticator_reset.connect(on_authenticator_reset, dispatch_uid="accounts.mfa.reset")
    signals.authenticator_used.connect(on_authenticator_used, dispatch_uid="accounts.mfa.used")


# --- allauth hooks (settings MFA_ADAPTER, MFA_FORMS) ---------------------------------------------------------------


_SECRET_PURPOSE = b"interview-analyzer/accounts/mfa-secret/v1"
ENCRYPTED_PREFIX = "fernet:"


def _fernets() -> MultiFernet:
    """A key derived for this one purpose from ``SECRET_KEY`` (encrypts) and its fallbacks (decrypt too, so a
    rotated secret key keeps enrolled authenticators working)."""
    secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return MultiFernet(
        [
            Fernet(base64.urlsafe_b64encode(hmac.new(secret.encode("utf-8"), _SECRET_PURPOSE, hashlib.sha256).digest()))
            for secret in secrets
        ]
    )


class SecretUnreadable(Exception):
    """A stored TOTP secret or recovery-code seed cannot be decrypted with the configured keys."""


class MFAAdapter(DefaultMFAAdapter):
    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "cannot_delete_authenticator": _(
            "Your organization requires two-factor authentication: add another authenticator app or passkey before "
            "removing this one."
        ),
    }

    def encrypt(self, text: str) -> str:
        """TOTP secrets and recovery-code seeds are stored encrypted (SEC-SECRETS): a copy of the database alone
        does not let anyone compute a member's codes."""
        return ENCRYPTED_PREFIX + _fernets().encrypt(text.encode("utf-8")).decode("ascii")

    def decrypt(self, encrypted_text: str) -> str:
        if not encrypted_text.startswith(ENCRYPTED_PREFIX):
            return encrypted_text  # stored before encryption was on
        try:
            return _fernets().decrypt(encrypted_text.removeprefix(ENCRYPTED_PREFIX).encode("ascii")).decode("utf-8")
        except (InvalidToken, ValueError) as exc:
            raise SecretUnreadable from exc

    def get_public_key_credential_user_entity(self, user) -> dict:
        """A passkey's user handle is the public id (ORG-6: no database id leaves the server)."""
        entity = super().get_public_key_credential_user_entity(user)
        return {**entity, "id": user.public_id.encode("utf-8")}

    def generate_authenticator_name(self, user, type: Authenticator.Type) -> str:
        """The name the "add a passkey" form suggests: "Passkey", then "Passkey 2", … (allauth's "Master key",
        "Backup key" are not what the product calls them, MFA-1)."""
        if type != Authenticator.Type.WEBAUTHN:
            return super().generate_authenticator_name(user, type)
        n = Authenticator.objects.filter(user_id=user.pk, type=type).count()
        return str(_("Passkey")) if n == 0 else str(_("Passkey {number}")).format(number=n + 1)

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """A member whose organization requires MFA keeps at least one authenticator app or passkey (MFA-1)."""
        user = authenticator.user
        if authenticator.type not in PRIMARY_TYPES:
            return True
        others = Authenticator.objects.filter(user_id=user.pk, type__in=PRIMARY_TYPES).exclude(pk=authenticator.pk)
        if others.exists():
            return True
        memberships = Membership.objects.active().filter(user=user).select_related("organization")
        return not any(policy_applies(membership) for membership in memberships)


class RateLimitedCodeMixin:
    """A code form counted against the sign-in limits per client IP and account (SEC-RL): allauth's own limits are
    off here (``ACCOUNT_RATE_LIMITS = False``), so without this a six-digit code could be guessed."""

    def clean_code(self):
        request = context.request
        if request is not None and rate_limits.check(request, "login", self.user.email):
            raise forms.ValidationError(_("Too many attempts. Wait a few minutes and try again."))
        return super().clean_code()


class RateLimitedAuthenticateForm(RateLimitedCodeMixin, AuthenticateForm):
    """The sign-in's second step (``MFA_FORMS["authenticate"]``)."""


class RateLimitedReauthenticateForm(RateLimitedCodeMixin, ReauthenticateForm):
    """Confirming access with a code before a sensitive change (``MFA_FORMS["reauthenticate"]``)."""
