"""Organization signup (ORG-8, ID-6, ID-7): the organization, its first admin and the DPA acceptance, verified email
before anything else, and the same answers for known and unknown addresses."""

import re

import pytest
from django.utils.html import escape

from accounts import legal
from accounts.models import AuditEvent, DpaAcceptance, Membership, Organization, User
from interview_analyzer.roles import Role

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-Pass-phrase-9"


def signup(client, email="founder@newco.test", **extra):
    data = {
        "email": email,
        "password1": PASSWORD,
        "password2": PASSWORD,
        "full_name": "Frida Founder",
        "organization_name": "NewCo Talent",
        "accept_dpa": "on",
        **extra,
    }
    return client.post("/accounts/signup/", data)


def test_signup_creates_the_organization_its_admin_and_the_dpa_acceptance(client, mailoutbox):
    response = signup(client)
    assert response.status_code == 302
    organization = Organization.objects.get(name="NewCo Talent")
    membership = Membership.objects.get(organization=organization)
    assert membership.role == Role.ADMIN and membership.user.email == "founder@newco.test"
    assert membership.user.full_name == "Frida Founder"
    acceptance = DpaAcceptance.objects.get(organization=organization)
    assert acceptance.version == legal.CURRENT_DPA_VERSION and acceptance.accepted_by == membership.user
    actions = set(AuditEvent.objects.filter(organization=organization).values_list("action", flat=True))
    assert {"organization.created", "dpa.accepted"} <= actions
    assert membership.user.password.startswith("md5$") or membership.user.has_usable_password()


def test_the_new_admin_must_verify_the_email_before_signing_in(client, mailoutbox):
    signup(client)
    assert len(mailoutbox) == 1
    assert not Membership.objects.get().is_verified
    login = client.post("/accounts/login/", {"login": "founder@newco.test", "password": PASSWORD})
    assert login.status_code == 302 and "confirm-email" in login["Location"]
    assert client.get("/api/v1/me").status_code == 401

    link = re.search(r"http://\S+/accounts/confirm-email/\S+/", mailoutbox[-1].body).group(0)
    path = "/" + link.split("/", 3)[3]
    client.post(path)
    assert Membership.objects.get().is_verified
    client.post("/accounts/login/", {"login": "founder@newco.test", "password": PASSWORD})
    assert client.get("/api/v1/me").json()["role"] == "admin"


@pytest.mark.parametrize(
    ("missing", "message"),
    [("accept_dpa", b"must be accepted"), ("organization_name", b"Name the organization")],
)
def test_signup_without_organization_or_dpa_is_a_form_error(client, missing, message):
    response = signup(client, **{missing: ""})
    assert response.status_code == 200 and message in response.content
    assert not User.objects.exists() and not Organization.objects.exists()


def test_signup_with_a_registered_email_answers_like_a_new_one(client, acme, mailoutbox):
    """ID-7: the response does not reveal that the address has an account; its owner gets an email instead."""
    known = signup(client, email=acme.recruiter.user.email)
    client.logout()
    unknown = signup(client, email="nobody.yet@newco.test", organization_name="Other")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert Organization.objects.filter(name="NewCo Talent").count() == 0
    assert Membership.objects.filter(user=acme.recruiter.user).count() == 1


def test_login_answers_alike_for_unknown_email_and_wrong_password(client, acme):
    unknown = client.post("/accounts/login/", {"login": "ghost@nowhere.test", "password": "whatever-123"})
    wrong = client.post("/accounts/login/", {"login": acme.admin.user.email, "password": "whatever-123"})
    assert unknown.status_code == wrong.status_code == 200
    assert unknown.context["form"].errors == wrong.context["form"].errors


def test_password_reset_answers_alike_for_known_and_unknown_email(client, acme, mailoutbox):
    known = client.post("/accounts/password/reset/", {"email": acme.admin.user.email})
    unknown = client.post("/accounts/password/reset/", {"email": "ghost@nowhere.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]


def test_passwords_are_hashed_with_bcrypt_in_the_product(settings):
    from django.contrib.auth.hashers import get_hasher

    import interview_analyzer.settings as product

    settings.PASSWORD_HASHERS = product.PASSWORD_HASHERS
    user = User.objects.create_user(email="hash@test.test", password=PASSWORD)
    assert user.password.startswith("bcrypt_sha256$")
    assert get_hasher("default").algorithm == "bcrypt_sha256"
    assert user.check_password(PASSWORD)


def test_the_legal_pages_are_public(client):
    dpa = client.get("/legal/dpa/")
    register = client.get("/legal/subprocessors/")
    assert dpa.status_code == register.status_code == 200
    assert legal.CURRENT_DPA_VERSION.encode() in dpa.content
    assert all(escape(s["name"]).encode() in register.content for s in legal.SUBPROCESSORS)
