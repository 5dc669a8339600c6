"""Consent in the API (CON-6): status per candidate, filtering, resending (rate limited), and no way to consent."""

import pytest
from django.core import mail
from rest_framework.test import APIClient

from consent.models import ConsentLink, ConsentRequest
from hiring.models import Candidate
from tests.consent.links import last_token_to
from tests.hiring.factories import HiringFactory

pytestmark = pytest.mark.django_db

CONSENTS = "/api/v1/consents/"


def client_for(member) -> APIClient:
    client = APIClient()
    client.force_login(member.user)
    return client


def test_creating_a_candidate_through_the_api_asks_for_consent(acme, django_capture_on_commit_callbacks):
    hiring = HiringFactory(owner=acme.recruiter, organization=acme.organization)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(acme.recruiter).post(
            "/api/v1/candidates/",
            {"hiring": hiring.public_id, "name": "Ana API", "email": "ana@mail.test"},
            format="json",
        )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["consent"]["status"] == "pending"
    assert body["consent"]["responded_at"] is None
    assert last_token_to("ana@mail.test")
    consent = ConsentRequest.objects.for_operators().get(candidate__public_id=body["id"])
    assert body["consent"]["id"] == consent.public_id


def test_candidates_list_shows_each_consent_status(acme, invite, accept):
    hiring = HiringFactory(owner=acme.recruiter, organization=acme.organization)
    accepted = invite(acme.recruiter, hiring, name="Acc Epted")
    accept(accepted)
    invite(acme.recruiter, hiring, name="Pen Ding")
    rows = client_for(acme.recruiter).get("/api/v1/candidates/", {"hiring": hiring.public_id}).json()["results"]
    statuses = {row["name"]: row["consent"]["status"] for row in rows}
    assert statuses == {"Acc Epted": "accepted", "Pen Ding": "pending"}
    responded = next(r for r in rows if r["name"] == "Acc Epted")["consent"]["responded_at"]
    assert responded is not None


def test_list_and_filter_by_status_including_expired(acme, invite, accept):
    from datetime import timedelta

    from django.utils import timezone

    pending, expired, accepted = invite(acme.recruiter), invite(acme.recruiter), invite(acme.recruiter)
    accept(accepted)
    ConsentRequest.objects.for_operators().filter(candidate=expired.candidate).update(
        expires_at=timezone.now() - timedelta(hours=1)
    )
    client = client_for(acme.recruiter)

    def ids(**params):
        return {row["candidate"] for row in client.get(CONSENTS, params).json()["results"]}

    assert ids() == {pending.candidate.public_id, expired.candidate.public_id, accepted.candidate.public_id}
    assert ids(status="pending") == {pending.candidate.public_id}
    assert ids(status="expired") == {expired.candidate.public_id}
    assert ids(status="accepted") == {accepted.candidate.public_id}
    assert ids(status="declined") == set()
    bad = client.get(CONSENTS, {"status": "maybe"})
    assert bad.status_code == 400 and "status" in bad.json()


def test_the_api_never_exposes_a_token_or_its_hash(acme, invite):
    invited = invite(acme.recruiter)
    body = client_for(acme.recruiter).get(CONSENTS + invited.consent.public_id + "/").content.decode()
    link = ConsentLink.objects.for_operators().get(request__candidate=invited.candidate)
    assert invited.token not in body and link.token_hash not in body
    assert "token" not in body


def test_resend_emails_a_new_link_and_the_old_one_dies(acme, invite, django_capture_on_commit_callbacks):
    invited = invite(acme.recruiter)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(acme.recruiter).post(CONSENTS + invited.consent.public_id + "/resend/")
    assert response.status_code == 200, response.json()
    assert response.json()["times_sent"] == 2
    new_token = last_token_to(invited.candidate.email)
    assert new_token != invited.token
    assert APIClient().get(f"/consent/{invited.token}/").status_code == 410
    assert APIClient().get(f"/consent/{new_token}/").status_code == 200


def test_resend_is_rate_limited_per_request(acme, invite):
    invited = invite(acme.recruiter)
    client = client_for(acme.recruiter)
    path = CONSENTS + invited.consent.public_id + "/resend/"
    for _ in range(3):
        assert client.post(path).status_code == 200
    limited = client.post(path)
    assert limited.status_code == 429
    assert "detail" in limited.json() and "Retry-After" in limited
    assert invited.consent.times_sent == 4  # 1 at creation + 3 resends; the refused one sent nothing


def test_resend_after_an_answer_is_a_clear_400(acme, invite, accept):
    invited = invite(acme.recruiter)
    accept(invited)
    sent = len(mail.outbox)
    response = client_for(acme.recruiter).post(CONSENTS + invited.consent.public_id + "/resend/")
    assert response.status_code == 400
    assert "already answered" in str(response.json())
    assert len(mail.outbox) == sent


def test_who_may_resend(acme, globex, invite):
    invited = invite(acme.recruiter)
    path = CONSENTS + invited.consent.public_id + "/resend/"
    assert client_for(acme.interviewer).post(path).status_code == 403  # writes need hiring manager (ORG-3)
    assert client_for(acme.hiring_manager).post(path).status_code == 404  # not their hiring
    assert client_for(globex.admin).post(path).status_code == 404  # another organization (ORG-5)
    assert APIClient().post(path).status_code == 401
    assert invited.consent.times_sent == 1


def test_the_api_has_no_way_to_record_a_consent(acme, invite):
    """Only the candidate consents (CON-3): no create, update or delete on consents, no writable status."""
    invited = invite(acme.recruiter)
    client = client_for(acme.admin)
    detail = CONSENTS + invited.consent.public_id + "/"
    assert client.post(CONSENTS, {"candidate": invited.candidate.public_id, "status": "accepted"}).status_code == 405
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(detail, {"status": "accepted"}, format="json").status_code == 405
    patched = client.patch(
        "/api/v1/candidates/" + invited.candidate.public_id + "/", {"consent": {"status": "accepted"}}, format="json"
    )
    assert patched.status_code == 400  # unknown field (SEC-MASS)
    assert invited.consent.status == "pending"
    assert Candidate.objects.for_operators().count() == 1
