"""Reads of the billing domain, always scoped to the member (ORG-5, STYLE 3)."""

from billing.models import BillingAccount, CreditEntry, Invoice, Plan


def catalogue():
    return Plan.objects.all()


def current_plan(organization) -> Plan:
    return Plan.objects.for_code(organization.plan)


def ledger(member):
    """The organization's ledger entries, newest first (admins only)."""
    return CreditEntry.objects.visible_to(member).select_related("created_by")


def account(member) -> BillingAccount | None:
    return BillingAccount.objects.visible_to(member).first()


def invoices(member):
    """The organization's paid invoices, newest first (admins only)."""
    return Invoice.objects.visible_to(member).select_related("issue")
