from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import Membership, Organization, User
from interview_analyzer.admin_base import TenantAdmin


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Operators manage people; the password is never shown, only the hasher's summary and a reset form."""

    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "date_joined"]
    search_fields = ["email", "full_name"]
    readonly_fields = ["public_id", "date_joined", "last_login"]
    fieldsets = [
        (None, {"fields": ["public_id", "email", "password"]}),
        ("Profile", {"fields": ["full_name"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    list_filter = ["is_active", "is_staff"]
    filter_horizontal = []


@admin.register(Organization)
class OrganizationAdmin(TenantAdmin):
    list_display = ["name", "public_id", "created_at"]
    search_fields = ["name", "public_id"]
    readonly_fields = ["public_id", "created_at"]


@admin.register(Membership)
class MembershipAdmin(TenantAdmin):
    list_display = ["user", "organization", "role", "is_active", "created_at"]
    list_filter = ["role", "is_active"]
    search_fields = ["user__email", "organization__name", "public_id"]
    readonly_fields = ["public_id", "organization", "created_at"]
    list_select_related = ["user", "organization"]
    autocomplete_fields = ["user"]


# Third-party models that hold secrets are not shown to operators (OPS-4): OAuth tokens and MFA secrets stay in
# the database only; SSO client credentials come from the environment, not from admin-edited rows.
def _unregister_secret_holders():
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialApp, SocialToken
    from django.contrib.auth.models import Group

    for model in (SocialToken, SocialApp, Authenticator, Group):
        if admin.site.is_registered(model):
            admin.site.unregister(model)


_unregister_secret_holders()
