"""The interview language of a hiring: set by the team, used by transcription, stated to the candidate (issue 12).

English, Swedish or "detect"; set through the page and the API (a value outside those is a 400 or a form error that
changes nothing), and the candidate's consent page says, in the candidate's language, what the interview is
transcribed in (CON-2).
"""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from hiring import services
from hiring.models import Hiring

pytestmark = pytest.mark.django_db


def test_a_new_hiring_detects_the_language_unless_told(acme):
    assert services.create_hiring(actor=acme.recruiter, title="Nurse").interview_language == Hiring.Language.AUTO


def test_the_page_sets_and_changes_the_interview_language(client, acme):
    client.force_login(acme.recruiter.user)
    response = client.post(
        reverse("hiring:hiring_create"), {"title": "Sjuksköterska", "status": "open", "interview_language": "sv"}
    )
    hiring = Hiring.objects.for_operators().get(title="Sjuksköterska")
    assert response.status_code == 302 and hiring.interview_language == "sv"
    edit = reverse("hiring:hiring_edit", args=[hiring.public_id])
    assert 'value="sv" selected' in client.get(edit).content.decode()
    client.post(edit, {"title": "Sjuksköterska", "status": "open", "interview_language": "en"})
    hiring.refresh_from_db()
    assert hiring.interview_language == "en"


def test_a_language_we_do_not_transcribe_is_a_form_error_and_changes_nothing(client, acme):
    hiring = services.create_hiring(actor=acme.recruiter, title="Nurse", interview_language="en")
    client.force_login(acme.recruiter.user)
    edit = reverse("hiring:hiring_edit", args=[hiring.public_id])
    response = client.post(edit, {"title": "Renamed", "status": "open", "interview_language": "de"})
    assert response.status_code == 400
    hiring.refresh_from_db()
    assert (hiring.title, hiring.interview_language) == ("Nurse", "en")


def test_the_api_sets_the_interview_language_and_refuses_others(acme):
    api = APIClient()
    api.force_login(acme.recruiter.user)
    created = api.post("/api/v1/hirings/", {"title": "Driver", "interview_language": "sv"}, format="json")
    assert created.status_code == 201 and created.json()["interview_language"] == "sv"
    url = f"/api/v1/hirings/{created.json()['id']}/"
    refused = api.patch(url, {"interview_language": "klingon"}, format="json")
    assert refused.status_code == 400 and "interview_language" in refused.json()
    assert api.get(url).json()["interview_language"] == "sv"


@pytest.mark.parametrize(
    ("language", "page_language", "sentence"),
    [
        ("en", "en", "The interview is transcribed in English."),
        ("sv", "en", "The interview is transcribed in Swedish."),
        ("auto", "en", "The transcription recognises whether you speak English or Swedish."),
        ("sv", "sv", "Intervjun transkriberas på svenska."),
    ],
)
def test_the_consent_page_states_the_interview_language(client, acme, invite, language, page_language, sentence):
    hiring = services.create_hiring(actor=acme.recruiter, title="Nurse", interview_language=language)
    invited = invite(acme.recruiter, hiring, language=page_language)
    page = client.get(f"/consent/{invited.token}/").content.decode()
    assert sentence in page
