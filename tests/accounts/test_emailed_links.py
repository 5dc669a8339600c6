"""Every link allauth emails is built on SITE_URL, never on the request's Host (found from outside: Host-header
poisoning of reset and verification links; any port of an allowed host passes ALLOWED_HOSTS). Verification keys are
random, not a signed database id (ORG-6)."""

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import Client
from django.utils.http import int_to_base36

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

POISONED = {"HTTP_HOST": "127.0.0.1:6666"}
LINK = re.compile(r"https?://[^\s\"'<>]+")


def links(message) -> list[str]:
    return LINK.findall(message.body)


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://interviews.example.com"


def test_password_reset_link_uses_site_url(mailoutbox):
    user = UserFactory(email="rosa@acme.test")
    Client().post("/accounts/password/reset/", {"email": user.email}, **POISONED)
    assert len(mailoutbox) == 1
    found = links(mailoutbox[0])
    assert any("/accounts/password/reset/key/" in link for link in found), found
    assert all(link.startswith("https://interviews.example.com/") for link in found), found


def test_unknown_account_email_uses_site_url(mailoutbox):
    Client().post("/accounts/password/reset/", {"email": "nobody@nowhere.test"}, **POISONED)
    assert len(mailoutbox) == 1
    found = links(mailoutbox[0])
    assert found and all(link.startswith("https://interviews.example.com/") for link in found), found


def test_signup_verification_link_uses_site_url_and_an_opaque_key(mailoutbox):
    Client().post(
        "/accounts/signup/",
        {
            "email": "founder@newco.test",
            "password1": "a-long-Pass-phrase-9",
            "password2": "a-long-Pass-phrase-9",
            "full_name": "Frida Founder",
            "organization_name": "NewCo Talent",
            "accept_dpa": "on",
        },
        **POISONED,
    )
    assert len(mailoutbox) == 1
    (link,) = [link for link in links(mailoutbox[0]) if "/confirm-email/" in link]
    assert link.startswith("https://interviews.example.com/accounts/confirm-email/")
    key = link.rstrip("/").rsplit("/", 1)[1]
    assert ":" not in key and len(key) >= 32  # a random key, not signing.dumps(email_address.pk)
    assert all(link.startswith("https://interviews.example.com/") for link in links(mailoutbox[0]))


def test_signup_with_a_known_email_sends_links_on_site_url(mailoutbox):
    UserFactory(email="taken@acme.test")
    Client().post(
        "/accounts/signup/",
        {
            "email": "taken@acme.test",
            "password1": "a-long-Pass-phrase-9",
            "password2": "a-long-Pass-phrase-9",
            "full_name": "Someone",
            "organization_name": "Again",
            "accept_dpa": "on",
        },
        **POISONED,
    )
    assert len(mailoutbox) == 1
    found = links(mailoutbox[0])
    assert found and all(link.startswith("https://interviews.example.com/") for link in found), found


def test_reset_links_name_no_database_id_and_still_work(mailoutbox):
    """ORG-6: allauth's default names the user by a base36 database id; the link carries the public id instead."""
    user = UserFactory(email="rosa@acme.test")
    client = Client()
    client.post("/accounts/password/reset/", {"email": user.email})
    (link,) = [link for link in links(mailoutbox[0]) if "/password/reset/key/" in link]
    reference = link.split("/password/reset/key/", 1)[1].split("-", 1)[0]
    assert reference == user.public_id.split("_", 1)[1] and reference != int_to_base36(user.pk)
    path = "/" + link.split("/", 3)[3]
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else path,
        {"password1": "a-brand-new-Pass-phrase-7", "password2": "a-brand-new-Pass-phrase-7"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("a-brand-new-Pass-phrase-7")


def test_a_reset_link_with_a_base36_database_id_is_not_looked_up(mailoutbox):
    user = UserFactory(email="rosa@acme.test")
    forged = f"/accounts/password/reset/key/{int_to_base36(user.pk)}-{default_token_generator.make_token(user)}/"
    response = Client().get(forged, follow=True)
    assert "password1" not in response.content.decode()  # allauth's "bad token" page, not the new-password form
