"""The authenticated request path is one membership query (issue 17, ORG-1, ID-3, ID-6).

With a bearer token, ``/api/v1/me`` runs one query: the membership with its user and organization, the verified
address and the token's session family, all in one statement. With a browser session it runs two: the session row,
then the membership query of ``accounts.backends`` (user, organization and verified flag joined). Signing in still
checks everything it did: an inactive membership, an unverified address, a revoked family, a changed password."""

import pytest
from django.contrib.auth import BACKEND_SESSION_KEY
from django.test import Client

from accounts.models import Membership, RefreshSession
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def membership_queries(captured) -> int:
    return sum(1 for query in captured if 'FROM "accounts_membership"' in query["sql"])


def token_for(member) -> str:
    credentials = {"email": member.user.email, "password": PASSWORD}
    return Client().post("/api/v1/auth/token", credentials, content_type="application/json").json()["access_token"]


def test_me_with_a_bearer_token(acme, django_assert_num_queries):
    token = token_for(acme.recruiter)
    with django_assert_num_queries(1) as captured:
        response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert response.json()["verified"] is True
    assert membership_queries(captured) == 1


def test_me_with_a_session(acme, django_assert_num_queries):
    client = Client()
    client.force_login(acme.recruiter.user)
    client.get("/api/v1/me")
    with django_assert_num_queries(2) as captured:
        response = client.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json()["verified"] is True
    assert membership_queries(captured) == 1


def test_the_session_acts_through_the_chosen_organization(acme, globex):
    """A member of two organizations acts through the one chosen in the session, from the same loaded memberships."""
    user = acme.recruiter.user
    second = Membership.objects.create(organization=globex.organization, user=user, role="admin")
    client = Client()
    client.force_login(user)
    assert client.get("/api/v1/me").json()["organization"]["id"] == acme.organization.public_id
    session = client.session
    session["active_organization"] = globex.organization.public_id
    session.save()
    body = client.get("/api/v1/me").json()
    assert body["organization"]["id"] == globex.organization.public_id
    assert body["role"] == second.role


def test_an_unverified_address_is_read_from_the_same_query(acme):
    """``me`` answers unverified members too (it says so); pages and the rest of the API refuse them (ID-6)."""
    acme.recruiter.user.emailaddress_set.update(verified=False)
    client = Client()
    client.force_login(acme.recruiter.user)
    assert client.get("/api/v1/me").json()["verified"] is False
    assert client.get("/api/v1/candidates/").status_code == 403


def test_a_deactivated_membership_signs_the_session_out_of_the_organization(acme):
    client = Client()
    client.force_login(acme.recruiter.user)
    Membership.objects.filter(pk=acme.recruiter.pk).update(is_active=False)
    assert client.get("/api/v1/me").status_code == 403


def test_a_password_change_ends_other_sessions(acme):
    """The session hash is still checked against the user the backend loads (Django's session verification)."""
    client = Client()
    client.force_login(acme.recruiter.user)
    assert client.get("/api/v1/me").status_code == 200
    user = acme.recruiter.user
    user.set_password("another-long-password-2026")
    user.save()
    assert client.get("/api/v1/me").status_code in (401, 403)


def test_a_revoked_token_family_is_refused_in_the_same_query(acme):
    token = token_for(acme.recruiter)
    RefreshSession.objects.filter(membership=acme.recruiter).update(revoked_at="2026-01-01T00:00:00Z")
    assert Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 401


@pytest.mark.parametrize(
    "legacy", ["django.contrib.auth.backends.ModelBackend", "allauth.account.auth_backends.AuthenticationBackend"]
)
def test_a_session_from_before_the_upgrade_stays_signed_in(acme, legacy):
    client = Client()
    client.force_login(acme.recruiter.user)
    session = client.session
    session[BACKEND_SESSION_KEY] = legacy
    session.save()
    assert client.get("/api/v1/me").status_code == 200
    assert client.session[BACKEND_SESSION_KEY].startswith("accounts.backends.")
