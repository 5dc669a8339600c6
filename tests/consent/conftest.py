"""A hiring with criteria and a candidate added the way recruiters add them, with the consent email captured."""

import re
from dataclasses import dataclass

import pytest
from django.core import mail

from consent import services
from consent.models import ConsentRequest
from tests.hiring.factories import CriterionFactory, HiringFactory

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


@pytest.fixture
def invite(django_capture_on_commit_callbacks):
    """Add a candidate through ``consent.services.add_candidate`` and return them with the emailed token."""

    def make(actor, hiring=None, *, email=None, name="Kim Candidate", language="en"):
        hiring = hiring or HiringFactory(owner=actor, organization=actor.organization)
        if not hiring.criteria.exists():
            CriterionFactory(hiring=hiring, name="System design")
            CriterionFactory(hiring=hiring, name="Data protection")
        email = email or f"kim{len(mail.outbox)}@mail.test"
        with django_capture_on_commit_callbacks(execute=True):
            candidate = services.add_candidate(actor=actor, hiring=hiring, name=name, email=email, language=language)
        return Invited(candidate=candidate, token=last_token_to(email))

    return make


@pytest.fixture
def accept(django_capture_on_commit_callbacks):
    """Accept as the candidate does, and return the portal token from the confirmation email."""

    def run(invited: Invited) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            services.accept(invited.token)
        return last_token_to(invited.candidate.email)

    return run
