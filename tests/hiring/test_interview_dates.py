"""Interview times are sane dates (SEC-VAL; issue 15, found from outside: year 0001 was accepted).

Scheduling or logging an interview, on the candidate page and through the API, refuses a time before the year 2000
or more than five years ahead with a form error or a 400 JSON naming ``scheduled_at``, and stores nothing. The
bounds themselves are accepted.
"""

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from hiring.forms import EARLIEST_INTERVIEW
from hiring.models import Interview

pytestmark = pytest.mark.django_db

INTERVIEWS = "/api/v1/interviews/"
TOO_EARLY = "Choose a date in the year 2000 or later."
TOO_LATE = "Choose a date at most 5 years ahead."


def rows(candidate) -> list[dict]:
    return list(Interview.objects.for_operators().filter(candidate=candidate).order_by("pk").values())


def browser(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def api(member) -> APIClient:
    client = APIClient()
    client.force_login(member.user)
    return client


def far_ahead() -> datetime:
    return timezone.now() + timedelta(days=365 * 5 + 30)


# (what is typed in the page's datetime-local field, held?, the error)
PAGE_CASES = {
    "year 0001, held": ("0001-01-01T10:00", True, TOO_EARLY),
    "year 1999, held": ("1999-12-31T10:00", True, TOO_EARLY),
    "year 0001, scheduled": ("0001-01-01T10:00", False, TOO_EARLY),
    "year 9999, scheduled": ("9999-12-31T10:00", False, TOO_LATE),
}


@pytest.mark.parametrize("typed, held, error", PAGE_CASES.values(), ids=PAGE_CASES.keys())
def test_the_page_refuses_an_interview_date_out_of_range(acme_world, typed, held, error):
    org, candidate = acme_world.org, acme_world.other_candidate
    before = rows(candidate)
    body = {"interviewer": org.interviewer.public_id, "scheduled_at": typed, "duration_minutes": 45}
    if held:
        body["held"] = "on"
    response = browser(org.recruiter).post(reverse("hiring:interview_schedule", args=[candidate.public_id]), body)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert rows(candidate) == before


def test_the_page_refuses_more_than_five_years_ahead(acme_world):
    org, candidate = acme_world.org, acme_world.other_candidate
    before = rows(candidate)
    typed = timezone.localtime(far_ahead()).strftime("%Y-%m-%dT%H:%M")
    response = browser(org.recruiter).post(
        reverse("hiring:interview_schedule", args=[candidate.public_id]),
        {"interviewer": org.interviewer.public_id, "scheduled_at": typed, "duration_minutes": 45},
    )
    assert response.status_code == 400
    assert TOO_LATE in response.content.decode()
    assert rows(candidate) == before


def test_the_page_offers_the_range_to_the_browser(acme_world):
    org, candidate = acme_world.org, acme_world.other_candidate
    page = browser(org.recruiter).get(reverse("hiring:candidate_detail", args=[candidate.public_id]))
    html = page.content.decode()
    assert f'min="{timezone.localtime(EARLIEST_INTERVIEW):%Y-%m-%dT%H:%M}"' in html
    assert f'max="{timezone.localtime().year + 5}-' in html


def test_the_bounds_themselves_are_accepted(acme_world):
    org, candidate = acme_world.org, acme_world.other_candidate
    before = rows(candidate)
    held = browser(org.recruiter).post(
        reverse("hiring:interview_schedule", args=[candidate.public_id]),
        {
            "interviewer": org.interviewer.public_id,
            "scheduled_at": timezone.localtime(EARLIEST_INTERVIEW + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 45,
            "held": "on",
        },
    )
    assert held.status_code == 302
    ahead = timezone.now() + timedelta(days=365 * 5 - 2)
    created = api(org.recruiter).post(
        INTERVIEWS,
        {"candidate": candidate.public_id, "interviewer": org.interviewer.public_id, "scheduled_at": ahead.isoformat()},
        format="json",
    )
    assert created.status_code == 201, created.content
    assert len(rows(candidate)) == len(before) + 2


API_CASES = {
    "year 0001, held": ("0001-01-01T10:00:00Z", True, TOO_EARLY),
    "year 0001, scheduled": ("0001-01-01T10:00:00+00:00", False, TOO_EARLY),
    "1970, held": ("1970-01-01T00:00:00Z", True, TOO_EARLY),
    "year 9999, scheduled": ("9999-06-01T10:00:00Z", False, TOO_LATE),
    "the last instant there is": ("9999-12-31T23:59:59Z", False, "Datetime value out of range."),
    "year 2999, scheduled": ("2999-06-01T10:00:00Z", False, TOO_LATE),
}


@pytest.mark.parametrize("when, held, error", API_CASES.values(), ids=API_CASES.keys())
def test_the_api_refuses_an_interview_date_out_of_range_with_a_400(acme_world, when, held, error):
    org, candidate = acme_world.org, acme_world.other_candidate
    before = rows(candidate)
    response = api(org.recruiter).post(
        INTERVIEWS,
        {
            "candidate": candidate.public_id,
            "interviewer": org.interviewer.public_id,
            "scheduled_at": when,
            "held": held,
        },
        format="json",
    )
    assert response.status_code == 400, response.content
    assert response.json() == {"scheduled_at": [error]}
    assert rows(candidate) == before


def test_the_api_refuses_more_than_five_years_ahead(acme_world):
    org, candidate = acme_world.org, acme_world.other_candidate
    before = rows(candidate)
    response = api(org.recruiter).post(
        INTERVIEWS,
        {
            "candidate": candidate.public_id,
            "interviewer": org.interviewer.public_id,
            "scheduled_at": far_ahead().isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"scheduled_at": [TOO_LATE]}
    assert rows(candidate) == before


def test_the_floor_is_a_fixed_instant():
    assert datetime(2000, 1, 1, tzinfo=UTC) == EARLIEST_INTERVIEW


def test_the_error_is_in_swedish_for_a_swedish_member(acme_world):
    org, candidate = acme_world.org, acme_world.other_candidate
    client = browser(org.recruiter)
    client.cookies["django_language"] = "sv"
    response = client.post(
        reverse("hiring:interview_schedule", args=[candidate.public_id]),
        {"interviewer": org.interviewer.public_id, "scheduled_at": "0001-01-01T10:00", "held": "on"},
        HTTP_ACCEPT_LANGUAGE="sv",
    )
    assert response.status_code == 400
    assert "Välj ett datum år 2000 eller senare." in response.content.decode()
