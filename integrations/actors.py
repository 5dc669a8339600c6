"""The webhook sender (INT-1): loads a delivery by public id, sends one attempt, and asks Dramatiq to run it again
after the backoff the service computed. Safe to run twice: a delivered, refused, failed or claimed delivery is left
alone (``services.attempt_delivery``). The attempt count lives in the database, not in the message."""

import dramatiq

from integrations import services


@dramatiq.actor(
    actor_name="deliver_webhook",
    time_limit=5 * 60_000,
    max_retries=10_000,  # the service decides when to stop (WEBHOOK_MAX_ATTEMPTS)
    retry_when=lambda retries, exception: isinstance(exception, dramatiq.Retry),
)
def deliver_webhook(delivery_public_id: str) -> None:
    delay = services.attempt_delivery(delivery_public_id)
    if delay is not None:
        raise dramatiq.Retry(delay=int(delay * 1000))
