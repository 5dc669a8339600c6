"""A member's passkeys are named by an opaque reference, never by their database id (ORG-6, MFA-1).

allauth's own routes are ``keys/<int:pk>/edit/`` and ``…/remove/``; accounts.passkeys serves them by reference, and
the old integer paths are a 404. Passkeys are created with a software authenticator through allauth's real
registration (tests/accounts/soft_authenticator.py), after the primary-key sequence of allauth's authenticator table
was moved to a distinctive number, so "the pk is not on the page" cannot pass by chance.
"""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.db import connection
from django.test import Client

from accounts import passkeys
from accounts.models import AuditEvent, MfaRequirement
from tests.accounts.soft_authenticator import HOST, add_passkey
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LIST_URL = "/accounts/2fa/webauthn/"
FIRST_PK = 7_345_601  # appears on no page by chance


def edit_url(ref: str) -> str:
    return f"/accounts/2fa/webauthn/keys/{ref}/edit/"


def remove_url(ref: str) -> str:
    return f"/accounts/2fa/webauthn/keys/{ref}/remove/"


@pytest.fixture(autouse=True)
def _distinctive_authenticator_pks():
    table = Authenticator._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
            cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, FIRST_PK - 1])
        else:
            cursor.execute("SELECT setval(pg_get_serial_sequence(%s, 'id'), %s, false)", [table, FIRST_PK])


def signed_in(user) -> Client:
    """A browser at http://localhost that signed in and confirmed its password (allauth asks before MFA changes)."""
    browser = Client(HTTP_HOST=HOST)
    assert browser.post("/accounts/login/", {"login": user.email, "password": PASSWORD}).status_code == 302
    assert browser.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    return browser


def enrolled(member, name: str = "Work laptop", *, browser=None) -> tuple[Client, Authenticator]:
    """A passkey added on the page, in ``browser`` or a new signed-in one (with a passkey, signing in takes it)."""
    browser = browser or signed_in(member.user)
    response = add_passkey(browser, name)
    assert response.status_code == 302, response.content.decode()[:2000]
    passkey = Authenticator.objects.filter(user=member.user, type=Authenticator.Type.WEBAUTHN).latest("pk")
    assert passkey.pk >= FIRST_PK and passkey.wrap().name == name
    return browser, passkey


def audit_rows(member) -> list[tuple]:
    return list(
        AuditEvent.objects.filter(organization=member.organization)
        .order_by("pk")
        .values_list("action", "details__method")
    )


def test_the_passkey_list_links_each_passkey_by_reference_and_shows_no_primary_key(acme):
    browser, passkey = enrolled(acme.recruiter)
    _, second = enrolled(acme.recruiter, "Phone", browser=browser)
    html = browser.get(LIST_URL).content.decode()
    assert "Work laptop" in html and "Phone" in html and "Passkeys" in html
    for authenticator in (passkey, second):
        ref = passkeys.passkey_ref(authenticator)
        assert re.fullmatch(r"[A-Za-z0-9_-]{22}", ref)
        assert f'href="{edit_url(ref)}"' in html and f'href="{remove_url(ref)}"' in html
    keys = Authenticator.objects.filter(user=acme.recruiter.user).values_list("pk", flat=True)
    assert len(keys) == 3  # two passkeys and the recovery codes
    assert not re.search(r"(?<!\d)(" + "|".join(map(str, keys)) + r")(?!\d)", html)
    assert not re.search(r"/keys/\d+/", html)


def test_the_reference_is_stable_and_survives_a_secret_key_rotation(acme, settings):
    browser, passkey = enrolled(acme.recruiter)
    ref = passkeys.passkey_ref(passkey)
    assert passkeys.passkey_ref(Authenticator.objects.get(pk=passkey.pk)) == ref
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert passkeys.passkey_ref(passkey) != ref  # new links from now on…
    assert browser.get(edit_url(ref)).status_code == 200  # …and the page opened before still works


def test_the_owner_renames_a_passkey_by_reference(acme):
    browser, passkey = enrolled(acme.recruiter)
    ref = passkeys.passkey_ref(passkey)
    page = browser.get(edit_url(ref))
    assert page.status_code == 200
    assert str(passkey.pk) not in page.content.decode()
    response = browser.post(edit_url(ref), {"name": "Old laptop"})
    assert response.status_code == 302 and response["Location"] == LIST_URL
    passkey.refresh_from_db()
    assert passkey.wrap().name == "Old laptop"


def test_the_owner_removes_a_passkey_by_reference_and_the_audit_trail_records_it(acme):
    browser, passkey = enrolled(acme.recruiter)
    ref = passkeys.passkey_ref(passkey)
    page = browser.get(remove_url(ref)).content.decode()
    assert "Work laptop" in page and f'action="{remove_url(ref)}"' in page
    assert str(passkey.pk) not in page
    response = browser.post(remove_url(ref))
    assert response.status_code == 302 and response["Location"] == LIST_URL
    # the last method gone, allauth also drops the recovery codes left alone
    assert not Authenticator.objects.filter(user=acme.recruiter.user).exists()
    assert (AuditEvent.Action.MFA_ENROLLED, "webauthn") in audit_rows(acme.recruiter)
    assert audit_rows(acme.recruiter)[-2:] == [
        (AuditEvent.Action.MFA_REMOVED, "webauthn"),
        (AuditEvent.Action.MFA_REMOVED, "recovery_codes"),
    ]
    assert "No passkeys have been added." in browser.get(LIST_URL).content.decode()


def test_a_member_who_must_use_mfa_cannot_remove_their_last_passkey(acme):
    acme.organization.mfa_required_for = MfaRequirement.EVERYONE
    acme.organization.save(update_fields=["mfa_required_for"])
    browser, passkey = enrolled(acme.recruiter)
    before = audit_rows(acme.recruiter)
    response = browser.post(remove_url(passkeys.passkey_ref(passkey)))
    assert response.status_code == 200
    assert "add another authenticator app or passkey before removing this one" in response.content.decode()
    assert Authenticator.objects.filter(pk=passkey.pk).exists()
    assert audit_rows(acme.recruiter) == before
    # with a second passkey, the first one can go
    _, second = enrolled(acme.recruiter, "Phone", browser=browser)
    assert browser.post(remove_url(passkeys.passkey_ref(passkey))).status_code == 302
    assert list(Authenticator.objects.filter(user=acme.recruiter.user, type="webauthn")) == [second]


@pytest.mark.parametrize("url", [edit_url, remove_url], ids=["edit", "remove"])
def test_another_members_reference_is_a_404_and_changes_nothing(acme, globex, url):
    _, passkey = enrolled(acme.recruiter)
    ref = passkeys.passkey_ref(passkey)
    for member in (acme.admin, globex.admin):  # the same organization's admin, and a rival's
        other, _ = enrolled(member, "Theirs")
        before = list(Authenticator.objects.order_by("pk").values())
        assert other.get(url(ref)).status_code == 404
        assert other.post(url(ref), {"name": "Taken over"}).status_code == 404
        assert list(Authenticator.objects.order_by("pk").values()) == before


@pytest.mark.parametrize("url", [edit_url, remove_url], ids=["edit", "remove"])
def test_an_unknown_reference_is_a_404(acme, url):
    browser, passkey = enrolled(acme.recruiter)
    ref = passkeys.passkey_ref(passkey)
    for wrong in (ref[:-1] + ("A" if ref[-1] != "A" else "B"), "x" * 22, "cand_" + "a" * 22):
        assert browser.get(url(wrong)).status_code == 404


@pytest.mark.parametrize("url", [edit_url, remove_url], ids=["edit", "remove"])
def test_allauths_integer_routes_are_gone(acme, url):
    browser, passkey = enrolled(acme.recruiter)
    assert browser.get(url(str(passkey.pk))).status_code == 404
    assert browser.post(url(str(passkey.pk)), {"name": "Renamed"}).status_code == 404
    passkey.refresh_from_db()
    assert passkey.wrap().name == "Work laptop"


@pytest.mark.parametrize("url", [edit_url, remove_url], ids=["edit", "remove"])
def test_an_anonymous_visitor_is_sent_to_sign_in(acme, url):
    _, passkey = enrolled(acme.recruiter)
    response = Client().get(url(passkeys.passkey_ref(passkey)))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_without_a_recent_password_the_owner_confirms_it_first(acme):
    _, passkey = enrolled(acme.recruiter)
    browser = Client(HTTP_HOST=HOST)
    browser.force_login(acme.recruiter.user)  # a session with no recent authentication recorded
    ref = passkeys.passkey_ref(passkey)
    response = browser.post(remove_url(ref))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    assert Authenticator.objects.filter(pk=passkey.pk).exists()
