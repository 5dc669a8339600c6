"""Helpers for consent tests: the token in a consent email, and the candidate a test invited."""

import re
from dataclasses import dataclass

from django.core import mail

from consent.models import ConsentRequest

LINK_RE = re.compile(r"https?://[^/\s]+/consent/(?P<token>[0-9A-Za-z]+)/")


def token_in(message) -> str:
    """The token of the one consent link in an email, as the candidate would click it."""
    found = LINK_RE.findall(message.body)
    assert len(found) == 1, message.body
    return found[0]


def last_token_to(address: str) -> str:
    messages = [m for m in mail.outbox if address in m.to]
    assert messages, f"no email to {address}"
    return token_in(messages[-1])


@dataclass
class Invited:
    candidate: object
    token: str

    @property
    def consent(self):
        """The stored consent request, read fresh."""
        return ConsentRequest.objects.for_operators().get(candidate_id=self.candidate.pk)
