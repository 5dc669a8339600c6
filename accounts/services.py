"""Writes of the accounts domain. Every write goes through a function here (STYLE 2)."""

from allauth.account.models import EmailAddress
from django.db import transaction

from accounts.models import Membership, Organization, User
from accounts.roles import Role


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
