"""Demo candidates and their consent for ``seed_demo``: every state a recruiter meets (pending, accepted, declined,
expired).

Through the real services: each candidate is added with ``add_candidate``, so the request is created and emailed as
for any candidate, and the candidate's answer is given with the link's token, as the candidate's page would. Only
"expired" needs time travel: its link's expiry is moved into the past. Idempotent: a candidate already there is left
alone.
"""

from datetime import timedelta

from django.utils import timezone

from consent import services
from consent.models import ConsentLink, ConsentRequest, ConsentStatus
from hiring.demo import HIRINGS, demo_email, demo_organizations, demo_owner
from hiring.models import Candidate, Hiring

# Candidate name → the state their consent is left in ("expired": still pending, its link lapsed). Everyone else
# stays pending.
STATES = {
    "Jonas Berg": ConsentStatus.ACCEPTED,
    "Amira Haddad": ConsentStatus.ACCEPTED,
    "Lukas Novak": ConsentStatus.ACCEPTED,
    "Elin Dahl": ConsentStatus.ACCEPTED,
    "Sofia Rossi": ConsentStatus.DECLINED,
    "Noah Eriksson": "expired",
}
DECLINE_MESSAGE = "I would rather not be recorded; happy to do the interview without it."


def seed_consent() -> None:
    """The demo candidates, added as recruiters add them (``add_candidate``: CON-1), and each one's answer."""
    for organization in demo_organizations():
        for index, spec in enumerate(HIRINGS):
            hiring = Hiring.objects.for_operators().filter(organization=organization, title=spec["title"]).first()
            if hiring is None:
                continue
            owner = demo_owner(organization, index)
            for name, _stage in spec["candidates"]:
                if Candidate.objects.for_operators().filter(hiring=hiring, name=name).exists():
                    continue
                candidate = services.add_candidate(
                    actor=owner, hiring=hiring, name=name, email=demo_email(organization, name), language="en"
                )
                _answer(candidate.consent, STATES.get(name, ConsentStatus.PENDING))


def _answer(consent: ConsentRequest, state: str) -> None:
    if state == ConsentStatus.ACCEPTED:
        services.accept(consent.raw_token)
    elif state == ConsentStatus.DECLINED:
        services.decline(consent.raw_token, message=DECLINE_MESSAGE)
    elif state == "expired":
        lapsed = timezone.now() - timedelta(days=1)
        ConsentLink.objects.filter(request=consent).update(expires_at=lapsed)
        ConsentRequest.objects.filter(pk=consent.pk).update(
            expires_at=lapsed, created_at=lapsed - timedelta(days=14), last_sent_at=lapsed - timedelta(days=14)
        )
