"""What a verified email-provider event does (INT-2): a bounce or a complaint marks the address undeliverable.

Stored by event id first (a replay changes nothing); other event types are recorded and ignored. The address is
kept only as a SHA-256 of its lower-cased form (``UndeliverableAddress``).
"""

import hashlib
from datetime import UTC, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from billing.models import UndeliverableAddress, WebhookEvent

MARKING_TYPES = {"bounce": UndeliverableAddress.Kind.BOUNCE, "complaint": UndeliverableAddress.Kind.COMPLAINT}


class MalformedEvent(ValueError):
    """A signed body without an id, a type or (for a bounce or complaint) a recipient."""


def address_sha256(email: str) -> str:
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def undeliverable(email: str) -> UndeliverableAddress | None:
    """Whether the provider reported this address as bouncing or complaining, and how."""
    if not email:
        return None
    return UndeliverableAddress.objects.filter(address_sha256=address_sha256(email)).first()


def handle(event) -> str:
    if not isinstance(event, dict):
        raise MalformedEvent("not an object")
    event_id, type_ = event.get("id"), event.get("type")
    if not isinstance(event_id, str) or not event_id or not isinstance(type_, str) or not type_:
        raise MalformedEvent("an event needs an id and a type")
    created = event.get("created")
    when = datetime.fromtimestamp(created, tz=UTC) if isinstance(created, int) and created > 0 else timezone.now()
    kind = MARKING_TYPES.get(type_)
    recipient = event.get("recipient")
    if kind is not None and (not isinstance(recipient, str) or "@" not in recipient or len(recipient) > 320):
        raise MalformedEvent("a bounce or complaint names its recipient")
    try:
        with transaction.atomic():
            record = WebhookEvent.objects.create(
                provider=WebhookEvent.Provider.EMAIL, event_id=event_id[:255], type=type_[:100], created=when
            )
            if kind is None:
                record.outcome = "ignored: not an event this deployment acts on"
            else:
                marked, created_row = UndeliverableAddress.objects.get_or_create(
                    address_sha256=address_sha256(recipient), defaults={"kind": kind, "last_reported_at": when}
                )
                if not created_row and when >= marked.last_reported_at:
                    marked.kind, marked.last_reported_at = kind, when
                    marked.save(update_fields=["kind", "last_reported_at"])
                record.outcome = "processed"
            record.save(update_fields=["outcome"])
    except IntegrityError:
        if WebhookEvent.objects.filter(provider=WebhookEvent.Provider.EMAIL, event_id=event_id[:255]).exists():
            return "duplicate"
        raise
    return record.outcome
