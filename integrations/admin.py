"""Operators' view of the integrations (OPS-4): read-only. Settings and endpoints are the organization admins' to
change on their pages; signing secrets (stored encrypted) never appear here."""

from django.contrib import admin

from integrations.models import Connector, Delivery, ExternalCandidate, ExternalHiring, WebhookEndpoint
from interview_analyzer.admin_base import TenantAdmin, is_secret_field


class ReadOnlyAdmin(TenantAdmin):
    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields if not is_secret_field(f.name)]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Connector)
class ConnectorAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "organization", "kind", "enabled", "updated_at"]
    list_filter = ["enabled", "kind"]


@admin.register(ExternalHiring)
class ExternalHiringAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "organization", "kind", "external_id", "hiring"]
    search_fields = ["external_id", "hiring__public_id"]


@admin.register(ExternalCandidate)
class ExternalCandidateAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "organization", "kind", "external_id", "candidate"]
    search_fields = ["external_id", "candidate__public_id"]


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "organization", "url", "is_active", "created_at"]


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "organization", "event", "status", "attempts", "last_status_code", "created_at"]
    list_filter = ["status", "event"]
    search_fields = ["public_id"]
    list_select_related = ["organization"]
