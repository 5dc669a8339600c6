"""Dramatiq actors of billing: load by public id, call one service (ARCHITECTURE "Jobs" 6)."""

import dramatiq

from billing import invoices
from interview_analyzer import steps

SECOND_MS = 1_000


@dramatiq.actor(
    actor_name="issue_fakturownia_invoice",
    queue_name="billing",
    time_limit=120 * SECOND_MS,
    **steps.retry_options(invoices.MAX_ATTEMPTS, min_backoff_ms=5 * SECOND_MS, max_backoff_ms=600 * SECOND_MS),
)
def issue_fakturownia_invoice(issue_public_id: str) -> None:
    """BIL-4: issue a paid Stripe invoice in Fakturownia; ``steps.RetryLater`` makes Dramatiq retry with backoff."""
    invoices.issue(issue_public_id)
