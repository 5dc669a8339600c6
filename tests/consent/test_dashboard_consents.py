"""Consents pending on the recruiters' dashboard (CON-6, OPS-3): unanswered requests, the longest waiting first,
lapsed links counted apart, and only the candidates the member may see (ORG-4)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from consent.models import ConsentRequest
from hiring import services as hiring_services

pytestmark = pytest.mark.django_db


def page(member) -> str:
    client = Client()
    client.force_login(member.user)
    response = client.get("/hirings/dashboard/")
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def test_pending_and_lapsed_consents_are_listed_and_answered_ones_are_not(acme, invite, accept):
    waiting = invite(acme.recruiter, name="Wanda Waiting")
    lapsed = invite(acme.recruiter, name="Lars Lapsed")
    answered = invite(acme.recruiter, name="Ann Answered")
    accept(answered)
    ConsentRequest.objects.for_operators().filter(candidate=lapsed.candidate).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    html = page(acme.recruiter)
    section = html[html.index('id="consents-heading"') :]
    assert "Wanda Waiting" in section and "Lars Lapsed" in section
    assert "Ann Answered" not in section
    assert "1 waiting for an answer" in section and "1 link lapsed" in section
    assert f"/candidates/{waiting.candidate.public_id}/#consent" in section


def test_a_hiring_manager_sees_only_the_consents_of_their_hirings(acme, invite):
    invite(acme.recruiter, name="Rita Recruiters")
    own = hiring_services.create_hiring(actor=acme.hiring_manager, title="Their own role")
    invite(acme.hiring_manager, own, name="Maja Managers")
    section = page(acme.hiring_manager).split('id="consents-heading"')[1]
    assert "Maja Managers" in section and "Rita Recruiters" not in section


def test_no_pending_consent_says_so(acme):
    assert "Every candidate has answered." in page(acme.recruiter)
