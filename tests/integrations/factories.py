"""Integration rows built directly, for tests of other apps that need every kind of row a candidate can have."""

import json

from integrations import secrets
from integrations.models import AtsKind, Delivery, Event, ExternalCandidate, WebhookEndpoint


def ats_rows_for(candidate, *, external_id: str) -> Delivery:
    """The ATS's id of the candidate and a webhook delivery that names them (both cascade from the candidate)."""
    ExternalCandidate.objects.create(
        organization_id=candidate.organization_id, kind=AtsKind.OTHER, external_id=external_id, candidate=candidate
    )
    endpoint = WebhookEndpoint.objects.create(
        organization_id=candidate.organization_id,
        url="https://hooks.ats.example/in",
        events=[Event.DECISION_RECORDED],
        secret_encrypted=secrets.encrypt(secrets.new_signing_secret()),
        secret_hint="test",
    )
    body = {
        "event": Event.DECISION_RECORDED,
        "data": {"candidate": {"id": candidate.public_id, "external_id": external_id}},
    }
    return Delivery.objects.create(
        organization_id=candidate.organization_id,
        endpoint=endpoint,
        candidate=candidate,
        event=Event.DECISION_RECORDED,
        body=json.dumps(body),
    )
