"""The candidate's portal page and objection (RET-6, RET-7, CON-5, AI-3, AI-7), through the test client as the
candidate's browser would use it. The candidate is not a member: the page shows their own approved results and
nothing of the recruiting team's (notes, internal feedback, drafts, who reviewed), nor of any other candidate."""

import pytest
from django.test import Client

from ai_analysis.models import Feedback, Review, Score
from consent.models import ConsentEvent, ConsentStatus
from consent.services import ConsentRequired, has_consent, require_consent
from tests.retention.portal.conftest import approve_everything, portal_path, text_of, words_of
from tests.retention.world import full_candidate

pytestmark = pytest.mark.django_db


def test_the_page_shows_status_actions_and_only_approved_results(loaded):
    candidate = loaded.candidate
    page = Client().get(portal_path(candidate))
    assert page.status_code == 200
    text = text_of(page)
    assert "Hello Ada Lovelace" in text and candidate.hiring.title in text
    assert "You agreed on" in text
    assert "Download my data (ZIP)" in text and "Object and withdraw my consent" in text
    # Drafts are not shown (AI-3): nothing approved yet.
    assert "No score has been approved yet" in text
    assert loaded.answer not in text and "your answer about Zebracorp" not in text
    approve_everything(candidate)
    text = text_of(Client().get(portal_path(candidate)))
    score = Score.objects.for_operators().get(analysis__interview__candidate=candidate)
    assert f"{score.criterion_name}: {score.value}/5" in words_of(Client().get(portal_path(candidate)))
    assert loaded.answer in text  # the quoted evidence
    assert "your answer about Zebracorp" in text  # the approved feedback for the candidate
    # Never the team's own material, nor who reviewed (AI-7).
    assert "Recruiter-only" not in text and "Internal: seemed nervous" not in text
    assert score.analysis.interview.interviewer.user.email not in text


def test_a_rejected_score_and_unapproved_feedback_stay_out(loaded):
    candidate = loaded.candidate
    approve_everything(candidate)
    Score.objects.for_operators().filter(analysis__interview__candidate=candidate).update(status=Review.REJECTED)
    Feedback.objects.for_operators().filter(
        analysis__interview__candidate=candidate, audience=Feedback.Audience.CANDIDATE
    ).update(status=Review.DRAFT)
    text = text_of(Client().get(portal_path(candidate)))
    assert "No score has been approved yet" in text and "There is no feedback for you yet" in text
    assert "your answer about Zebracorp" not in text


def test_the_page_never_shows_another_candidate(acme, globex, loaded):
    same_hiring = full_candidate(
        acme.recruiter, name="Charles Babbage", email="charles@mail.test", hiring=loaded.candidate.hiring
    )
    other_org = full_candidate(globex.recruiter, name="Grace Hopper", email="grace@mail.test")
    for person in (loaded, same_hiring, other_org):
        approve_everything(person.candidate)
    text = text_of(Client().get(portal_path(loaded.candidate)))
    for other in (same_hiring, other_org):
        assert other.name not in text and other.answer not in text and other.email not in text


def test_opening_the_page_is_recorded_for_the_recruiters(loaded):
    Client().get(portal_path(loaded.candidate))
    assert ConsentEvent.objects.for_operators().filter(request__candidate=loaded.candidate, kind="portal_opened")


def test_objecting_asks_for_confirmation_and_without_it_changes_nothing(loaded):
    path = portal_path(loaded.candidate) + "object/"
    confirm = Client().get(path)
    assert confirm.status_code == 200
    assert "objecting withdraws your consent" in text_of(confirm)
    refused = Client().post(path, {})
    assert refused.status_code == 400
    assert "Tick the box to confirm" in text_of(refused)
    assert has_consent(loaded.candidate)


def test_objecting_stops_processing_at_once(loaded, django_capture_on_commit_callbacks):
    candidate = loaded.candidate
    with django_capture_on_commit_callbacks(execute=True):
        response = Client().post(portal_path(candidate) + "object/", {"confirm": "on"})
    assert response.status_code == 200
    assert "processing has stopped" in text_of(response)
    assert not has_consent(candidate)
    with pytest.raises(ConsentRequired):
        require_consent(candidate)  # every pipeline step and upload calls this (CON-4)


def test_objecting_twice_or_without_consent_changes_nothing(acme, invite, loaded):
    pending = invite(acme.recruiter).candidate
    response = Client().post(portal_path(pending) + "object/", {"confirm": "on"})
    assert response.status_code == 409
    assert "Nothing to stop" in text_of(response)
    assert pending.consent.status == ConsentStatus.PENDING
    assert "There is no processing based on your consent to stop" in text_of(Client().get(portal_path(pending)))


def test_objecting_is_rate_limited_per_candidate(loaded, settings):
    from django.core.cache import caches

    caches["ratelimit"].clear()
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "portal_action": {"ip": "100/m", "account": "2/m"}}
    path = portal_path(loaded.candidate) + "object/"
    assert [Client().post(path, {}).status_code for _ in range(3)] == [400, 400, 429]
    assert has_consent(loaded.candidate)
    caches["ratelimit"].clear()


def test_a_post_without_the_csrf_token_is_refused(loaded):
    response = Client(enforce_csrf_checks=True).post(portal_path(loaded.candidate) + "object/", {"confirm": "on"})
    assert response.status_code == 403
    assert has_consent(loaded.candidate)


def test_what_people_typed_is_escaped_on_the_portal(acme, loaded):
    payload = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    candidate = loaded.candidate
    candidate.name = payload
    candidate.save(update_fields=["name"])
    candidate.hiring.title = payload
    candidate.hiring.save(update_fields=["title"])
    approve_everything(candidate)
    Feedback.objects.for_operators().filter(
        analysis__interview__candidate=candidate, audience=Feedback.Audience.CANDIDATE
    ).update(text=payload)
    for path in ("", "object/", "erase/"):
        html = Client().get(portal_path(candidate) + path).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;" in html, path
