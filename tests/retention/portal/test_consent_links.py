"""The way in after consent (RET-6): consent's thank-you page, consent's withdrawal page and the email sent after
consent each carry a fresh link to the candidate's own portal (retention's page panels on consent's pages)."""

import re

import pytest
from django.core import mail
from django.test import Client

from retention.portal import tokens
from tests.consent.links import last_token_to

pytestmark = pytest.mark.django_db
PORTAL_PATH = re.compile(r"/my-data/(?P<token>[^/\s\"?]+)/")


def opened_candidate(text: str):
    return tokens.open_portal(PORTAL_PATH.search(text).group("token")).candidate


def test_the_thank_you_page_the_withdrawal_page_and_the_email_lead_to_the_candidates_portal(
    acme, invite, django_capture_on_commit_callbacks
):
    invited = invite(acme.recruiter, email="kim@mail.test")
    invite(acme.recruiter, email="other@mail.test")  # another candidate, never reachable from Kim's links
    with django_capture_on_commit_callbacks(execute=True):
        thanks = Client().post(f"/consent/{invited.token}/", {"action": "accept"})
    assert "Open my data page" in thanks.content.decode()
    assert opened_candidate(thanks.content.decode()) == invited.candidate
    [email] = [m for m in mail.outbox if m.to == ["kim@mail.test"] and "withdraw" in m.subject]
    assert "Your personal page about your data" in email.body
    assert opened_candidate(email.body) == invited.candidate
    withdrawal_page = Client().get(f"/consent/{last_token_to('kim@mail.test')}/").content.decode()
    assert opened_candidate(withdrawal_page) == invited.candidate
    link = tokens.open_portal(PORTAL_PATH.search(email.body).group("token"))
    days = (link.expires_at - invited.consent.responded_at).days
    assert 29 <= days <= 30  # PORTAL_LINK_TTL_DAYS


def test_a_declined_or_pending_request_shows_no_portal_card_on_consent_pages(acme, invite):
    invited = invite(acme.recruiter)
    assert "Open my data page" not in Client().get(f"/consent/{invited.token}/").content.decode()
    declined = Client().post(f"/consent/{invited.token}/", {"action": "decline"})
    assert "Open my data page" not in declined.content.decode()
