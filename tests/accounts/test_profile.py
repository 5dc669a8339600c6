"""Profile updates write only the fields the form lists (SEC-MASS)."""

import pytest

from interview_analyzer.roles import Role

pytestmark = pytest.mark.django_db


def test_profile_update_ignores_fields_that_are_not_writable(client, acme):
    user = acme.interviewer.user
    client.force_login(user)
    response = client.post(
        "/profile/",
        {
            "full_name": "Ivy Interviewer",
            "email": "takeover@evil.test",
            "is_staff": "on",
            "is_superuser": "on",
            "role": "admin",
            "organization": acme.organization.public_id,
            "is_active": "",
        },
    )
    assert response.status_code == 302
    user.refresh_from_db()
    acme.interviewer.refresh_from_db()
    assert user.full_name == "Ivy Interviewer"
    assert user.email != "takeover@evil.test" and not user.is_staff and not user.is_superuser and user.is_active
    assert acme.interviewer.role == Role.INTERVIEWER


def test_an_empty_name_is_a_form_error_and_changes_nothing(client, acme):
    user = acme.interviewer.user
    before = user.full_name
    client.force_login(user)
    response = client.post("/profile/", {"full_name": ""})
    assert response.status_code == 400
    user.refresh_from_db()
    assert user.full_name == before


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get("/profile/")["Location"].startswith("/accounts/login/")
