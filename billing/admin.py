"""Billing in the Django admin (OPS-4): operators edit the plan catalogue and read everything else.

Plans are platform data, edited here (BIL-2); a plan's code is fixed once created because organizations store it.
Ledger entries, accounts, invoices, webhook events and undeliverable addresses are evidence of what happened: they
are read-only here (BIL-5). Credits change only through ``billing.services`` (an operator's adjustment with a reason
is ``adjust_credits``, e.g. from ``manage.py shell``), never through an admin field.
"""

from django.contrib import admin

from billing.models import (
    BillingAccount,
    CreditEntry,
    Invoice,
    InvoiceIssue,
    Plan,
    UndeliverableAddress,
    WebhookEvent,
)
from interview_analyzer.admin_base import TenantAdmin


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "seats", "monthly_credits", "api_keys", "api_requests_per_minute", "is_default"]
    ordering = ["position", "pk"]

    def get_readonly_fields(self, request, obj=None):
        return ["public_id", "code"] if obj is not None else ["public_id"]

    def has_delete_permission(self, request, obj=None):
        return False  # organizations name plans by code; a deleted plan would silently read as the default


class EvidenceAdmin(TenantAdmin):
    """Read-only: operators inspect billing records; every change goes through ``billing.services`` (BIL-5)."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CreditEntry)
class CreditEntryAdmin(EvidenceAdmin):
    list_display = ["created_at", "organization", "kind", "amount", "analysis", "reason"]
    list_filter = ["kind"]
    search_fields = ["organization__name", "organization__public_id", "analysis", "public_id"]
    list_select_related = ["organization"]


@admin.register(BillingAccount)
class BillingAccountAdmin(EvidenceAdmin):
    list_display = ["organization", "subscription_status", "current_period_end", "stripe_customer_id"]
    search_fields = ["organization__name", "stripe_customer_id", "stripe_subscription_id"]
    list_select_related = ["organization"]


@admin.register(Invoice)
class InvoiceAdmin(EvidenceAdmin):
    list_display = ["paid_at", "organization", "number", "amount", "stripe_invoice_id"]
    search_fields = ["organization__name", "number", "stripe_invoice_id", "public_id"]
    list_select_related = ["organization"]


@admin.register(InvoiceIssue)
class InvoiceIssueAdmin(EvidenceAdmin):
    list_display = ["created_at", "organization", "invoice", "status", "attempts", "number", "failure_reason"]
    list_filter = ["status"]
    search_fields = ["organization__name", "number", "invoice__stripe_invoice_id", "public_id"]
    list_select_related = ["organization", "invoice"]


class PlatformRecordAdmin(admin.ModelAdmin):
    """Records of no single organization (webhook events, undeliverable addresses): operators only, read-only."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WebhookEvent)
class WebhookEventAdmin(PlatformRecordAdmin):
    list_display = ["received_at", "provider", "type", "event_id", "outcome", "organization"]
    list_filter = ["provider", "type"]
    search_fields = ["event_id", "type", "outcome"]
    list_select_related = ["organization"]


@admin.register(UndeliverableAddress)
class UndeliverableAddressAdmin(PlatformRecordAdmin):
    list_display = ["address_sha256", "kind", "first_reported_at", "last_reported_at"]
    search_fields = ["address_sha256"]
