"""Users, organizations and memberships: the tenant root every other app stands on (ID-1, ORG-1, ORG-5)."""

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.roles import Role
from interview_analyzer.public_ids import PublicIdField
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


class Organization(models.Model):
    """A customer: the data controller for its candidates, and the unit of tenant isolation (ORG-5)."""

    public_id = PublicIdField("org")
    name = models.CharField(_("name"), max_length=200)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class MembershipQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)

    def acting_for(self, user, organization_public_id: str | None = None):
        """The membership a signed-in user acts through: the chosen organization's, else their oldest (ORG-1)."""
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
            self._is_verified = self.user.has_verified_email()
        return self._is_verified
