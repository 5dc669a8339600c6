"""Billing in the Django admin (OPS-4): operators edit the plan catalogue and read everything else.

Plans are platform data, edited here (BIL-2); a plan's code is fixed once created because organizations store it.
Ledger entries, accounts, invoices, webhook events and undeliverable addresses are evidence of what happened: they
are read-only here (BIL-5). Credits change only through ``billing.services``: an operator's adjustment with a reason
(the billing account's "Adjust credits" page) appends a ledger entry; no admin field holds or sets a balance.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from billing import services
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
from interview_analyzer.forms import apply_service_error


class AdjustCreditsForm(forms.Form):
    amount = forms.IntegerField(min_value=-1_000_000, max_value=1_000_000, help_text="Positive adds, negative removes.")
    reason = forms.CharField(max_length=300, help_text="Shown in the organization's credit history.")


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
    """Read-only, with one operator action: adjusting the credits, which appends a ledger entry with the reason
    (``services.adjust_credits``, superusers only); no field holds or sets a balance (BIL-5)."""

    list_display = ["organization", "credits", "subscription_status", "current_period_end", "stripe_customer_id"]
    search_fields = ["organization__name", "stripe_customer_id", "stripe_subscription_id"]
    list_select_related = ["organization"]

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), "credits", "adjust"]

    @admin.display(description="credits left")
    def credits(self, obj):
        return CreditEntry.objects.for_operators().filter(organization_id=obj.organization_id).balance()

    @admin.display(description="adjust credits")
    def adjust(self, obj):
        url = reverse("admin:billing_billingaccount_adjust", args=[obj.pk])
        return format_html('<a href="{}">Adjust credits with a reason…</a>', url)

    def get_urls(self):
        adjust = self.admin_site.admin_view(self.adjust_view)
        return [path("<int:pk>/adjust-credits/", adjust, name="billing_billingaccount_adjust"), *super().get_urls()]

    def adjust_view(self, request, pk):
        account = self.get_queryset(request).filter(pk=pk).select_related("organization").first()
        if account is None or not request.user.is_superuser:
            raise PermissionDenied
        form = AdjustCreditsForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.adjust_credits(
                    operator=request.user,
                    organization=account.organization,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as error:
                apply_service_error(form, error)
            else:
                self.message_user(
                    request, f"Credits of {account.organization} adjusted by {form.cleaned_data['amount']:+d}."
                )
                return redirect("admin:billing_billingaccount_change", account.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Adjust the credits of {account.organization}",
            "account": account,
            "credits_left": self.credits(account),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(
            request, "billing/admin_adjust_credits.html", context, status=400 if form.errors else 200
        )


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
