"""An interview's life, as the team lives it: logged afterwards as held (yesterday's video call), completed or
cancelled on its page and through the API with who and when kept, and completed by itself when its analysis is
approved, unless a person already closed it. Every refusal is a form error or a 4xx JSON and changes nothing."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from hiring import services
from hiring.models import Interview
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def browser(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def api(member) -> APIClient:
    client = APIClient()
    client.force_login(member.user)
    return client


def local(when) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")


def rows(candidate) -> list[dict]:
    return list(Interview.objects.for_operators().filter(candidate=candidate).order_by("pk").values())


def refreshed(interview) -> Interview:
    return Interview.objects.for_operators().get(pk=interview.pk)


# --- Logging an interview that was held ---------------------------------------------------------------------------


def test_a_recruiter_logs_yesterdays_interview_and_is_sent_to_upload_its_recording(acme_world):
    org = acme_world.org
    candidate = acme_world.other_candidate
    yesterday = timezone.now() - timedelta(days=1)
    response = browser(org.recruiter).post(
        reverse("hiring:interview_schedule", args=[candidate.public_id]),
        {
            "interviewer": org.interviewer.public_id,
            "scheduled_at": local(yesterday),
            "duration_minutes": 40,
            "held": "on",
        },
    )
    assert response.status_code == 302
    interview = Interview.objects.for_operators().filter(candidate=candidate).latest("pk")
    assert response["Location"] == f"/interviews/{interview.public_id}/#recording"
    assert interview.status == Interview.Status.COMPLETED and interview.logged_as_held
    assert interview.closed_by == org.recruiter and interview.closed_by_email == org.recruiter.user.email
    assert abs((interview.scheduled_at - yesterday).total_seconds()) < 60
    page = browser(org.recruiter).get(response["Location"]).content.decode()
    assert "logged after it was held" in page and "Upload recording" in page


def test_a_held_interview_cannot_be_in_the_future(acme_world):
    org, candidate = acme_world.org, acme_world.other_candidate
    before = rows(candidate)
    tomorrow = timezone.now() + timedelta(days=1)
    response = browser(org.recruiter).post(
        reverse("hiring:interview_schedule", args=[candidate.public_id]),
        {
            "interviewer": org.interviewer.public_id,
            "scheduled_at": local(tomorrow),
            "duration_minutes": 40,
            "held": "on",
        },
    )
    assert response.status_code == 400
    assert "An interview that was held cannot be in the future." in response.content.decode()
    assert rows(candidate) == before


def test_scheduling_in_the_past_says_how_to_log_a_held_interview(acme_world):
    org, candidate = acme_world.org, acme_world.other_candidate
    before = rows(candidate)
    response = browser(org.recruiter).post(
        reverse("hiring:interview_schedule", args=[candidate.public_id]),
        {"interviewer": org.interviewer.public_id, "scheduled_at": local(timezone.now() - timedelta(days=2))},
    )
    assert response.status_code == 400
    assert "tick “It already took place” to log a past one" in response.content.decode()
    assert rows(candidate) == before


def test_the_api_logs_a_held_interview_and_refuses_a_future_one(acme_world):
    org, candidate = acme_world.org, acme_world.other_candidate
    client = api(org.recruiter)
    past = (timezone.now() - timedelta(hours=3)).isoformat()
    response = client.post(
        "/api/v1/interviews/",
        {
            "candidate": candidate.public_id,
            "interviewer": org.interviewer.public_id,
            "scheduled_at": past,
            "held": True,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "completed" and body["logged_as_held"] is True
    assert body["closed_by"] == org.recruiter.public_id and body["closed_at"]
    before = rows(candidate)
    future = (timezone.now() + timedelta(hours=3)).isoformat()
    refused = client.post(
        "/api/v1/interviews/",
        {
            "candidate": candidate.public_id,
            "interviewer": org.interviewer.public_id,
            "scheduled_at": future,
            "held": True,
        },
        format="json",
    )
    assert refused.status_code == 400 and "future" in str(refused.json())
    assert rows(candidate) == before


# --- Complete and cancel ----------------------------------------------------------------------------------------------


def test_the_interviewer_marks_their_interview_completed_once(acme_world):
    org, interview = acme_world.org, acme_world.own_interview
    page = browser(org.interviewer).get(f"/interviews/{interview.public_id}/").content.decode()
    assert "Mark as completed" in page and "Cancel the interview" not in page  # cancelling is for managers
    response = browser(org.interviewer).post(reverse("hiring:interview_complete", args=[interview.public_id]))
    assert response.status_code == 302
    done = refreshed(interview)
    assert done.status == Interview.Status.COMPLETED and done.closed_by == org.interviewer
    assert done.closed_at is not None and not done.closed_automatically
    again = browser(org.recruiter).post(reverse("hiring:interview_complete", args=[interview.public_id]))
    assert again.status_code == 409 and "already completed" in again.content.decode()
    assert refreshed(interview).closed_by == org.interviewer  # unchanged


def test_a_manager_cancels_with_a_reason_and_it_is_shown_with_who_and_when(acme_world):
    org, interview = acme_world.org, acme_world.own_interview
    response = browser(org.hiring_manager).post(
        reverse("hiring:interview_cancel", args=[interview.public_id]), {"reason": "The candidate withdrew."}
    )
    assert response.status_code == 302
    cancelled = refreshed(interview)
    assert cancelled.status == Interview.Status.CANCELLED and cancelled.cancel_reason == "The candidate withdrew."
    assert cancelled.closed_by == org.hiring_manager
    page = browser(org.recruiter).get(f"/interviews/{interview.public_id}/").content.decode()
    assert "The candidate withdrew." in page and org.hiring_manager.user.display_name in page
    assert "Mark as completed" not in page
    assert (
        browser(org.recruiter).post(reverse("hiring:interview_complete", args=[interview.public_id])).status_code == 409
    )


def test_bad_cancellations_change_nothing(acme_world, globex):
    org, interview = acme_world.org, acme_world.own_interview
    before = refreshed(interview)
    assert (
        browser(org.interviewer).post(reverse("hiring:interview_cancel", args=[interview.public_id])).status_code == 403
    )
    too_long = browser(org.recruiter).post(
        reverse("hiring:interview_cancel", args=[interview.public_id]), {"reason": "x" * 501}
    )
    assert too_long.status_code == 400
    assert browser(globex.admin).post(reverse("hiring:interview_cancel", args=[interview.public_id])).status_code == 404
    stranger = MembershipFactory(organization=org.organization, role="interviewer")
    assert browser(stranger).post(reverse("hiring:interview_complete", args=[interview.public_id])).status_code == 404
    assert (
        browser(org.interviewer).get(reverse("hiring:interview_complete", args=[interview.public_id])).status_code
        == 405
    )
    assert refreshed(interview).status == before.status == Interview.Status.SCHEDULED


def test_the_api_completes_and_cancels_with_409_for_a_closed_interview(acme_world, globex):
    org = acme_world.org
    done = api(org.interviewer).post(f"/api/v1/interviews/{acme_world.own_interview.public_id}/complete/")
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert done.json()["closed_by"] == org.interviewer.public_id
    conflict = api(org.recruiter).post(
        f"/api/v1/interviews/{acme_world.own_interview.public_id}/cancel/", {}, format="json"
    )
    assert conflict.status_code == 409 and conflict.json()["code"] == "interview_closed"

    other = acme_world.other_interview
    assert api(org.interviewer).post(
        f"/api/v1/interviews/{other.public_id}/cancel/", {}, format="json"
    ).status_code in (403, 404)
    assert api(globex.admin).post(f"/api/v1/interviews/{other.public_id}/cancel/", {}, format="json").status_code == 404
    junk = api(org.recruiter).post(
        f"/api/v1/interviews/{other.public_id}/cancel/", {"reason": "x", "status": "done"}, format="json"
    )
    assert junk.status_code == 400  # unknown fields are refused (SEC-MASS)
    assert refreshed(other).status == Interview.Status.SCHEDULED
    ok = api(org.recruiter).post(
        f"/api/v1/interviews/{other.public_id}/cancel/", {"reason": "Role filled."}, format="json"
    )
    assert ok.status_code == 200 and ok.json()["status"] == "cancelled" and ok.json()["cancel_reason"] == "Role filled."


def test_completion_on_approval_leaves_a_closed_interview_alone(acme_world):
    org, interview = acme_world.org, acme_world.own_interview
    services.cancel_interview(actor=org.recruiter, interview=interview, reason="No show.")
    assert not services.complete_interview_on_approval(actor=org.hiring_manager, interview=interview)
    assert refreshed(interview).status == Interview.Status.CANCELLED
    other = acme_world.other_interview
    assert services.complete_interview_on_approval(actor=org.recruiter, interview=other)
    completed = refreshed(other)
    assert completed.status == Interview.Status.COMPLETED and completed.closed_automatically
