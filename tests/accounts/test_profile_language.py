"""Each user's language is saved on their profile and applied on every page once signed in (issue 14): a choice of
English or Swedish, or the browser's language; the user's choice wins over Accept-Language."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def client_for(user, browser_language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=browser_language)
    client.force_login(user)
    return client


def test_profile_offers_the_languages_and_saves_the_choice(acme):
    user = acme.recruiter.user
    client = client_for(user)
    page = client.get("/profile/").content.decode()
    assert 'name="language"' in page and ">English<" in page and ">Svenska<" in page
    response = client.post("/profile/", {"full_name": "Rita Recruiter", "language": "sv"}, follow=True)
    user.refresh_from_db()
    assert user.language == "sv" and user.full_name == "Rita Recruiter"
    html = response.content.decode()
    assert '<html lang="sv">' in html
    assert "Profilen har sparats." in html  # the confirmation already in the chosen language


def test_the_saved_language_wins_over_the_browser_on_every_page(acme):
    user = acme.recruiter.user
    user.language = "sv"
    user.save(update_fields=["language"])
    client = client_for(user, browser_language="en")
    for path in ["/", "/hirings/"]:
        response = client.get(path)
        assert response.status_code == 200
        html = response.content.decode()
        assert '<html lang="sv">' in html, path
        assert response["Content-Language"] == "sv"
        assert ">Rekryteringar<" in html  # the main navigation's "Hirings"


def test_english_saved_over_a_swedish_browser(acme):
    user = acme.recruiter.user
    user.language = "en"
    user.save(update_fields=["language"])
    html = client_for(user, browser_language="sv").get("/").content.decode()
    assert '<html lang="en">' in html and ">Hirings<" in html


def test_blank_follows_the_browser(acme):
    user = acme.recruiter.user
    assert user.language == ""
    assert '<html lang="sv">' in client_for(user, browser_language="sv").get("/").content.decode()
    assert '<html lang="en">' in client_for(user, browser_language="en").get("/").content.decode()


def test_an_unknown_language_is_a_form_error_and_changes_nothing(acme):
    user = acme.recruiter.user
    response = client_for(user).post("/profile/", {"full_name": "Changed", "language": "de"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    user.refresh_from_db()
    assert user.language == "" and user.full_name != "Changed"


def test_signed_out_pages_follow_the_browser(client):
    assert '<html lang="sv">' in client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
