"""The authenticated request path is cheap (issue 17): the trivial endpoint ``/api/v1/me`` loads the membership once
and runs at most three queries with a bearer token (membership with its user and organization, the session family
still live, the verified address) and four with a session (the session row added)."""

import pytest
from django.test import Client

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def membership_queries(captured) -> int:
    return sum(1 for query in captured if 'FROM "accounts_membership"' in query["sql"])


def test_me_with_a_bearer_token(acme, django_assert_max_num_queries):
    client = Client()
    credentials = {"email": acme.recruiter.user.email, "password": PASSWORD}
    pair = client.post("/api/v1/auth/token", credentials, content_type="application/json").json()
    with django_assert_max_num_queries(3) as captured:
        response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {pair['access_token']}")
    assert response.status_code == 200
    assert membership_queries(captured) == 1


def test_me_with_a_session(acme, django_assert_max_num_queries):
    client = Client()
    client.force_login(acme.recruiter.user)
    client.get("/api/v1/me")
    with django_assert_max_num_queries(4) as captured:
        response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert membership_queries(captured) == 1
