"""Operators' view of the organizations' own AI endpoints (OPS-4, BYO-1): read-only. Admins change them on their
settings page, where every change is evaluated and audited; the API key (stored encrypted) never appears here."""

from django.contrib import admin

from ai_analysis.models import OrganizationAIProvider, ProviderEvaluation
from interview_analyzer.admin_base import TenantAdmin, is_secret_field


class ReadOnlyAdmin(TenantAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if not is_secret_field(f.name)]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(OrganizationAIProvider)
class OrganizationAIProviderAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "organization", "kind", "base_url", "model", "status", "config_version"]
    list_filter = ["status", "kind"]


@admin.register(ProviderEvaluation)
class ProviderEvaluationAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "organization", "model", "config_version", "status", "created_at"]
    list_filter = ["status"]
