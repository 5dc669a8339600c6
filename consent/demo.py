"""Demo consent for ``seed_demo``: every state a recruiter meets (pending, accepted, declined, expired).

Through the real services: the request is created and emailed as for any candidate, and the candidate's answer is
given with the link's token, as the candidate's page would. Only "expired" needs time travel: its link's expiry is
moved into the past. Idempotent: a candidate who already has a request is left alone.
"""

from datetime import timedelta

from django.utils import timezone

from consent import services
from consent.models import ConsentLink, ConsentRequest
from hiring.models import Candidate

# Candidate name → the state their consent is left in. Everyone else stays pending.
STATES = {
    "Jonas Berg": "accepted",
    "Amira Haddad": "accepted",
    "Lukas Novak": "accepted",
    "Elin Dahl": "accepted",
    "Sofia Rossi": "declined",
    "Noah Eriksson": "expired",
}
DECLINE_MESSAGE = "I would rather not be recorded; happy to do the interview without it."


def seed_consent() -> None:
    candidates = (
        Candidate.objects.for_operators()
        .filter(organization__name__in=["Acme Recruiting", "Globex Talent"], consent__isnull=True)
        .select_related("hiring__owner", "created_by")
        .order_by("pk")
    )
    for candidate in candidates:
        actor = candidate.created_by or candidate.hiring.owner
        consent = services.request_consent(actor=actor, candidate=candidate, language="en")
        state = STATES.get(candidate.name, "pending")
        if state == "accepted":
            services.accept(consent.raw_token)
        elif state == "declined":
            services.decline(consent.raw_token, message=DECLINE_MESSAGE)
        elif state == "expired":
            lapsed = timezone.now() - timedelta(days=1)
            ConsentLink.objects.filter(request=consent).update(expires_at=lapsed)
            ConsentRequest.objects.filter(pk=consent.pk).update(
                expires_at=lapsed, created_at=lapsed - timedelta(days=14), last_sent_at=lapsed - timedelta(days=14)
            )
