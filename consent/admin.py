"""Operators' view of consent (OPS-4): read-only, because consent is the candidate's to give, refuse or withdraw."""

from django.contrib import admin

from consent.models import ConsentEvent, ConsentRequest
from interview_analyzer.admin_base import TenantAdmin


class ConsentEventInline(admin.TabularInline):
    model = ConsentEvent
    fields = ["kind", "actor", "at"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ConsentRequest)
class ConsentRequestAdmin(TenantAdmin):
    list_display = ["public_id", "candidate", "hiring", "status", "responded_at", "organization"]
    list_filter = ["status"]
    search_fields = ["public_id", "candidate__public_id", "hiring__public_id"]
    readonly_fields = [f.name for f in ConsentRequest._meta.fields]
    list_select_related = ["candidate", "hiring", "organization"]
    inlines = [ConsentEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
