"""Fakturownia invoices for paid Stripe invoices (BIL-4): idempotent per Stripe invoice, retried with backoff.

``schedule(invoice)`` runs inside the webhook's transaction: it creates the invoice's one ``InvoiceIssue`` row and
enqueues the actor after commit. ``issue(issue_public_id)`` is what the actor calls: the shared step runner
(``interview_analyzer.steps``) skips an issue that is done, locks its row while Fakturownia is called (a second
delivery of the message waits, then sees it done) and turns a failure that may pass into Dramatiq's retry with
backoff, up to ``MAX_ATTEMPTS``; after that, or for a permanent failure, the issue is failed with its reason, which
the billing page shows.
"""

from django.db import transaction
from django.utils import timezone

from billing import fakturownia
from billing.models import Invoice, InvoiceIssue
from interview_analyzer import steps

MAX_ATTEMPTS = 6
TAX_RATE = "23"  # Polish standard VAT; Fakturownia applies the account's settings for the rest


def schedule(invoice: Invoice) -> InvoiceIssue | None:
    """After a paid Stripe invoice: the Fakturownia invoice to issue, once; nothing when Fakturownia is not set up."""
    if not fakturownia.is_configured():
        return None
    issue, created = InvoiceIssue.objects.get_or_create(
        invoice=invoice, defaults={"organization": invoice.organization}
    )
    if created:
        from billing import actors  # the actor module imports this one

        transaction.on_commit(lambda: actors.issue_fakturownia_invoice.send(issue.public_id))
    return issue


def fakturownia_invoice(invoice: Invoice) -> dict:
    """The invoice as Fakturownia's API takes it; ``oid`` names the Stripe invoice it comes from."""
    paid = timezone.localdate(invoice.paid_at).isoformat()
    return {
        "kind": "vat",
        "number": None,
        "sell_date": paid,
        "issue_date": paid,
        "payment_to": paid,
        "status": "paid",
        "paid_date": paid,
        "currency": invoice.currency.upper(),
        "buyer_name": invoice.buyer_name or invoice.organization.name,
        "buyer_email": invoice.buyer_email,
        "oid": invoice.stripe_invoice_id,
        "description": f"Stripe invoice {invoice.number or invoice.stripe_invoice_id}",
        "positions": [
            {
                "name": invoice.description or "Interview Analyzer subscription",
                "quantity": 1,
                "total_price_gross": f"{invoice.amount_paid / 100:.2f}",
                "tax": TAX_RATE,
            }
        ],
    }


def issue(issue_public_id: str) -> bool:
    """Issue one Fakturownia invoice (the actor's work). True when it is issued, now or before."""
    row = (
        InvoiceIssue.objects.for_operators()
        .select_related("invoice__organization")
        .filter(public_id=issue_public_id)
        .first()
    )
    if row is None:
        return False

    def work() -> None:
        try:
            created = fakturownia.create_invoice(fakturownia_invoice(row.invoice))
        except fakturownia.FakturowniaError as error:
            raise steps.Failure(error.reason, retryable=error.retryable) from error
        url = created["view_url"]
        InvoiceIssue.objects.for_operators().filter(pk=row.pk).update(
            fakturownia_id=created["id"][:64],
            number=created["number"][:100],
            view_url=url if isinstance(url, str) and url.startswith(("https://", "http://")) else "",
        )

    return steps.run_step(row, work, max_attempts=MAX_ATTEMPTS)
