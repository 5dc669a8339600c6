"""Users, organizations and memberships: the tenant root every other app stands on (ID-1, ORG-1, ORG-5)."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from interview_analyzer import entitlements
from interview_analyzer.public_ids import PublicIdField
from interview_analyzer.roles import Role
from interview_analyzer.tenancy import TenantModel, TenantQuerySet


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("Users need an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in; the email address is the login name (ID-1). An SSO user has no usable password."""

    public_id = PublicIdField("usr")
    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    # The language of the pages for this person (issue 14), applied on every request once signed in
    # (accounts.middleware.UserLanguageMiddleware); blank follows the browser's Accept-Language.
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True, default="")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False, help_text=_("Platform operators who may use the Django admin."))
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self):
        return self.email

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def display_name(self) -> str:
        return self.full_name or self.email

    def has_verified_email(self) -> bool:
        """Verified means allauth has confirmed the login address (ID-6)."""
        from allauth.account.models import EmailAddress

        return EmailAddress.objects.filter(user=self, email__iexact=self.email, verified=True).exists()


class OrganizationQuerySet(models.QuerySet):
    def visible_to(self, member):
        if member is None or not getattr(member, "is_active", False):
            return self.none()
        return self.filter(pk=member.organization_id)

    def for_operators(self):
        return self.all()


class AIProvider(models.TextChoices):
    """The AI providers an organization can use (AI-2); the names match the ``AI_PROVIDER`` setting."""

    LOCAL = "local", _("Offline (on this server)")
    OPENAI = "openai", _("OpenAI-compatible endpoint")


class MfaRequirement(models.TextChoices):
    """Who in an organization must use two-factor authentication (MFA-1); ``accounts.mfa`` enforces it."""

    NOBODY = "nobody", _("MFA not required")
    ADMINS = "admins", _("Required for admins")
    EVERYONE = "everyone", _("Required for every member")


def validate_retention_days(value: int) -> None:
    if value < settings.RETENTION_MIN_DAYS:
        raise ValidationError(
            _("The retention period cannot be shorter than %(days)d days."),
            params={"days": settings.RETENTION_MIN_DAYS},
        )


class Organization(models.Model):
    """A customer: the data controller for its candidates, and the unit of tenant isolation (ORG-5)."""

    public_id = PublicIdField("org")
    name = models.CharField(_("name"), max_length=200)
    # BIL-2: the code of the billing plan the organization is on. Plans are billing's data (``billing.Plan``) and
    # billing stands above accounts, so this is a code, not a foreign key; only ``billing.services`` writes it, and
    # no form, serializer or admin field does (SEC-MASS). What the plan allows is asked through ``feature()``.
    plan = models.CharField(_("plan"), max_length=40, default="free", editable=False)
    # RET-1: one retention period per organization, counted from the hiring decision (RET-2). The floor is a
    # setting (RETENTION_MIN_DAYS, 30 by default); the candidate's consent page states the period (CON-2).
    retention_days = models.PositiveIntegerField(
        _("retention period (days)"),
        default=365,
        validators=[validate_retention_days],
        help_text=_("How long candidate data is kept after the hiring decision."),
    )
    # The controller's contact for data-subject requests, shown to candidates (CON-2, RET-6).
    privacy_contact_email = models.EmailField(_("privacy contact email"), blank=True)
    # AI-2: which provider this organization's analyses use; blank follows the deployment's AI_PROVIDER. Read only
    # by ``ai_analysis.providers.provider_for``; the page where an admin picks a provider and model comes later.
    ai_provider = models.CharField(
        _("AI provider"), max_length=20, choices=AIProvider.choices, blank=True, default="", editable=False
    )
    # MFA-1: who must enrol a second factor, and whether SSO sign-ins are exempt because the identity provider
    # enforces MFA itself. Written only by ``accounts.mfa.set_mfa_policy`` (audited); not editable elsewhere.
    mfa_required_for = models.CharField(
        _("two-factor authentication"),
        max_length=10,
        choices=MfaRequirement.choices,
        default=MfaRequirement.NOBODY,
        editable=False,
    )
    mfa_sso_exempt = models.BooleanField(
        _("SSO sign-ins are exempt (our identity provider enforces MFA)"), default=False, editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def feature(self, name: str):
        """What the plan allows (BIL-2): ``api_keys``, ``api_requests_per_minute``, ``seats``, ``plan_name``...

        Billing answers through the floor-0 hook ``interview_analyzer.entitlements`` (accounts cannot import billing);
        the answer is kept on this instance for as long as its plan stays the same.
        """
        cached = getattr(self, "_entitlements", None)
        if cached is None or cached.plan != self.plan:
            cached = self._entitlements = entitlements.for_organization(self)
        return getattr(cached, name)


class MembershipQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)

    def with_verified_flag(self):
        """Each membership carries whether its user's login address is verified (ID-6), in the same query, so
        ``Membership.is_verified`` asks nothing more (issue 17: one membership query per request)."""
        from allauth.account.models import EmailAddress

        verified = EmailAddress.objects.filter(
            user_id=models.OuterRef("user_id"), email__iexact=models.OuterRef("user__email"), verified=True
        )
        return self.annotate(user_email_verified=models.Exists(verified))

    def acting_for(self, user, organization_public_id: str | None = None):
        """The membership a signed-in user acts through: the chosen organization's, else their oldest (ORG-1).

        A user loaded by the session backends (``accounts.backends``) brings their active memberships along
        (``loaded_memberships``, oldest first): the choice is made from those, without another query (issue 17)."""
        loaded = getattr(user, "loaded_memberships", None)
        if loaded is not None:
            chosen = [
                m for m in loaded if organization_public_id and m.organization.public_id == organization_public_id
            ]
            return (chosen or loaded or [None])[0]
        qs = self.active().filter(user=user).select_related("organization", "user").order_by("created_at", "pk")
        if organization_public_id:
            chosen = qs.filter(organization__public_id=organization_public_id).first()
            if chosen is not None:
                return chosen
        return qs.first()


class Membership(TenantModel):
    """A user's place in one organization, with one of four ordered roles (ORG-1)."""

    public_id = PublicIdField("mem")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.INTERVIEWER)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "user"], name="accounts_one_membership_per_org")]
        ordering = ["created_at"]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()} · {self.organization}"

    @property
    def role_enum(self) -> Role:
        return Role(self.role)

    def has_role(self, role: Role | str) -> bool:
        return self.is_active and self.role_enum.at_least(role)

    @property
    def is_verified(self) -> bool:
        if not hasattr(self, "_is_verified"):
            annotated = getattr(self, "user_email_verified", None)  # from ``with_verified_flag``
            self._is_verified = self.user.has_verified_email() if annotated is None else annotated
        return self._is_verified


class AuditEventQuerySet(TenantQuerySet):
    def restrict_to(self, member):
        """The accounts audit trail is for admins only (ORG-7)."""
        return self if member.role == Role.ADMIN else self.none()


class AuditEvent(TenantModel):
    """The accounts audit table (OPS-1): role changes, invitations, API key events, legal acceptance (ORG-7, ORG-8).

    It names people by public id and email at the time of the event; it never holds a secret.
    """

    class Action(models.TextChoices):
        ORGANIZATION_CREATED = "organization.created", _("Organization created")
        MEMBER_INVITED = "member.invited", _("Member invited")
        INVITATION_REVOKED = "invitation.revoked", _("Invitation revoked")
        MEMBER_JOINED = "member.joined", _("Member joined")
        ROLE_CHANGED = "member.role_changed", _("Role changed")
        MEMBER_DEACTIVATED = "member.deactivated", _("Member deactivated")
        MEMBER_REACTIVATED = "member.reactivated", _("Member reactivated")
        API_KEY_CREATED = "api_key.created", _("API key created")
        API_KEY_REVOKED = "api_key.revoked", _("API key revoked")
        DPA_ACCEPTED = "dpa.accepted", _("Data processing agreement accepted")
        PROFILE_UPDATED = "profile.updated", _("Profile updated")
        TOKEN_REUSE_DETECTED = "token.reuse_detected", _("Refresh token reuse detected; sessions revoked")
        MFA_POLICY_CHANGED = "mfa.policy_changed", _("Two-factor authentication policy changed")
        MFA_ENROLLED = "mfa.enrolled", _("Two-factor method added")
        MFA_REMOVED = "mfa.removed", _("Two-factor method removed")
        MFA_RECOVERY_CODES_GENERATED = "mfa.recovery_codes_generated", _("Recovery codes generated")
        MFA_RECOVERY_CODE_USED = "mfa.recovery_code_used", _("Recovery code used")
        MFA_RENAMED = "mfa.renamed", _("Passkey renamed")

    public_id = PublicIdField("aud")
    action = models.CharField(max_length=40, choices=Action.choices)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_email = models.EmailField(blank=True)
    target = models.CharField(max_length=64, blank=True, help_text=_("Public id of the object acted on."))
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    details = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()} by {self.actor_email or 'system'}"


class DpaAcceptanceQuerySet(TenantQuerySet):
    def latest_for(self, organization):
        return self.filter(organization=organization).order_by("-accepted_at", "-pk").first()


class DpaAcceptance(TenantModel):
    """Which version of the data processing agreement an organization accepted, who and when (ORG-8)."""

    public_id = PublicIdField("dpa")
    version = models.CharField(max_length=20)
    accepted_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    accepted_by_email = models.EmailField()
    accepted_at = models.DateTimeField(default=timezone.now, editable=False)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = DpaAcceptanceQuerySet.as_manager()

    class Meta:
        ordering = ["-accepted_at"]

    def __str__(self):
        return f"DPA {self.version} accepted by {self.accepted_by_email}"


class InvitationQuerySet(TenantQuerySet):
    def restrict_to(self, member):
        return self if member.role == Role.ADMIN else self.none()

    def pending(self):
        return self.filter(accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(TenantModel):
    """An admin's one-time invitation by email (ORG-7). Only the link's hash is stored."""

    public_id = PublicIdField("inv")
    email = models.EmailField()
    role = models.CharField(max_length=20, choices=Role.choices)
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Invitation of {self.email} as {self.get_role_display()}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > timezone.now()


class RefreshSessionQuerySet(TenantQuerySet):
    def restrict_to(self, member):
        return self.filter(user_id=member.user_id)


class RefreshSession(TenantModel):
    """One refresh token of the token API (ID-2). Rotation makes a chain of rows sharing ``family``.

    Presenting a row that was already rotated is reuse: the whole family is revoked.
    """

    public_id = PublicIdField("rts")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="+")
    family = models.CharField(max_length=32, db_index=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField()
    rotated_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(null=True, blank=True)

    objects = RefreshSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Refresh session {self.public_id} of {self.user}"


class ApiKeyQuerySet(TenantQuerySet):
    def restrict_to(self, member):
        return self if member.role == Role.ADMIN else self.none()

    def active(self):
        return self.filter(revoked_at__isnull=True)


class ApiKey(TenantModel):
    """A scoped API key (KEY-1…8): ``ia_live_<lookup>_<secret>``, stored only as a SHA-256 hash.

    The key acts as the admin membership that created it, limited to its scopes; if that membership is
    deactivated the key stops working.
    """

    class Scope(models.TextChoices):
        READ = "read", _("Read")
        WRITE = "write", _("Write")
        ATS = "ats", _("ATS integration")

    PREFIX = "ia_live_"

    public_id = PublicIdField("key")
    name = models.CharField(max_length=100)
    lookup = models.CharField(max_length=12, unique=True, help_text=_("Non-secret part used to find the key."))
    key_hash = models.CharField(max_length=64)
    scopes = models.JSONField(default=list)
    allowed_cidrs = models.JSONField(default=list, blank=True)
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="api_keys")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.PREFIX}{self.lookup}_…)"

    @property
    def display_prefix(self) -> str:
        return f"{self.PREFIX}{self.lookup}_…"
