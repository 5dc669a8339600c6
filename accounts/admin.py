from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

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


class ReadOnlyTenantAdmin(TenantAdmin):
    """Audit and legal records are evidence: operators read them, nobody edits or deletes them here."""

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyTenantAdmin):
    list_display = ["created_at", "organization", "action", "actor_email", "target", "ip_address"]
    list_filter = ["action"]
    search_fields = ["actor_email", "target", "organization__name"]
    list_select_related = ["organization"]


@admin.register(DpaAcceptance)
class DpaAcceptanceAdmin(ReadOnlyTenantAdmin):
    list_display = ["organization", "version", "accepted_by_email", "accepted_at"]
    list_filter = ["version"]
    list_select_related = ["organization"]


@admin.register(Invitation)
class InvitationAdmin(TenantAdmin):
    list_display = ["email", "organization", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email", "organization__name"]
    readonly_fields = ["public_id", "organization", "email", "role", "invited_by", "created_at", "accepted_by"]
    list_select_related = ["organization"]


@admin.register(RefreshSession)
class RefreshSessionAdmin(TenantAdmin):
    """Operators may revoke an API session (set revoked_at); the token hash is never shown."""

    list_display = ["public_id", "user", "organization", "created_at", "expires_at", "rotated_at", "revoked_at"]
    readonly_fields = [
        "public_id",
        "organization",
        "user",
        "membership",
        "family",
        "created_at",
        "expires_at",
        "rotated_at",
        "user_agent",
        "ip_address",
    ]
    list_select_related = ["user", "organization"]


@admin.register(ApiKey)
class ApiKeyAdmin(TenantAdmin):
    """Operators see which keys exist and may revoke one; the key hash is never shown."""

    list_display = ["name", "display_prefix", "organization", "scopes", "created_at", "last_used_at", "revoked_at"]
    search_fields = ["name", "lookup", "organization__name"]
    readonly_fields = [
        "public_id",
        "organization",
        "name",
        "lookup",
        "scopes",
        "allowed_cidrs",
        "membership",
        "created_at",
        "last_used_at",
    ]
    list_select_related = ["organization"]


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
