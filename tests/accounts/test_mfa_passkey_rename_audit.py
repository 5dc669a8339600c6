"""A passkey's rename is in the accounts audit trail, like its enrolment and removal (MFA-1, ORG-7).

allauth sends no signal for a rename, so the product's rename page (accounts.passkeys.PasskeyEditView) writes the row
through the same audit writer as the receivers of allauth's signals (accounts.mfa). Like those rows it names the
member by public id and the method; a passkey's rows also carry its reference (accounts.passkeys.passkey_ref, its id
in the product's URLs, never the database id: ORG-6), so an admin can tell which passkey was enrolled, renamed and
removed. Neither the old nor the new name is recorded: a passkey's name is the member's own free-text label.
"""

import json

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache, caches
from django.test import Client

from accounts import passkeys
from accounts.models import AuditEvent
from tests.accounts.soft_authenticator import HOST, add_passkey
from tests.factories import PASSWORD, MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/accounts/2fa/webauthn/"


@pytest.fixture(autouse=True)
def _fresh_counters():
    caches["ratelimit"].clear()
    cache.clear()


def edit_url(passkey) -> str:
    return f"/accounts/2fa/webauthn/keys/{passkeys.passkey_ref(passkey)}/edit/"


def remove_url(passkey) -> str:
    return f"/accounts/2fa/webauthn/keys/{passkeys.passkey_ref(passkey)}/remove/"


def signed_in(user) -> Client:
    """A browser at http://localhost that signed in and confirmed its password (allauth asks before MFA changes)."""
    browser = Client(HTTP_HOST=HOST, REMOTE_ADDR="203.0.113.9")
    assert browser.post("/accounts/login/", {"login": user.email, "password": PASSWORD}).status_code == 302
    assert browser.post("/accounts/reauthenticate/", {"password": PASSWORD}).status_code == 302
    return browser


def enrolled(member, name="Anna's work laptop") -> tuple[Client, Authenticator]:
    browser = signed_in(member.user)
    assert add_passkey(browser, name).status_code == 302
    return browser, Authenticator.objects.get(user=member.user, type=Authenticator.Type.WEBAUTHN)


def renamed_rows(organization):
    return AuditEvent.objects.filter(organization=organization, action=AuditEvent.Action.MFA_RENAMED)


def test_renaming_a_passkey_is_audited_with_which_passkey_and_no_name(acme):
    browser, passkey = enrolled(acme.recruiter)
    ref = passkeys.passkey_ref(passkey)

    response = browser.post(edit_url(passkey), {"name": "Old laptop (Anna)"})

    assert response.status_code == 302 and response["Location"] == LIST_URL
    passkey.refresh_from_db()
    assert passkey.wrap().name == "Old laptop (Anna)"
    row = renamed_rows(acme.organization).get()
    assert row.actor == acme.recruiter.user and row.actor_email == acme.recruiter.user.email
    assert row.target == acme.recruiter.user.public_id
    assert row.details == {"method": "webauthn", "passkey": ref}
    assert row.ip_address is not None
    recorded = json.dumps([row.details, row.target])
    assert "laptop" not in recorded and "Anna" not in recorded  # neither the old name nor the new one
    assert ref != str(passkey.pk) and len(ref) == 22  # the reference, never the database id (ORG-6)


def test_the_passkeys_enrolment_rename_and_removal_rows_name_the_same_passkey(acme):
    browser, passkey = enrolled(acme.recruiter)
    ref = passkeys.passkey_ref(passkey)
    assert browser.post(edit_url(passkey), {"name": "Old laptop"}).status_code == 302
    assert browser.post(remove_url(passkey)).status_code == 302
    assert not Authenticator.objects.filter(pk=passkey.pk).exists()

    rows = list(
        AuditEvent.objects.filter(organization=acme.organization, details__method="webauthn")
        .order_by("pk")
        .values_list("action", "details")
    )
    assert rows == [
        (AuditEvent.Action.MFA_ENROLLED, {"method": "webauthn", "passkey": ref}),
        (AuditEvent.Action.MFA_RENAMED, {"method": "webauthn", "passkey": ref}),
        (AuditEvent.Action.MFA_REMOVED, {"method": "webauthn", "passkey": ref}),
    ]
    # the recovery codes that went with the last method: a row of their own, with no passkey in it
    removed_codes = AuditEvent.objects.get(
        organization=acme.organization, details__method="recovery_codes", action=AuditEvent.Action.MFA_REMOVED
    )
    assert removed_codes.details == {"method": "recovery_codes"}


def test_saving_the_same_name_again_is_no_rename(acme):
    browser, passkey = enrolled(acme.recruiter, "Phone")
    assert browser.post(edit_url(passkey), {"name": "Phone"}).status_code == 302
    assert not renamed_rows(acme.organization).exists()


def test_a_rename_refused_for_want_of_a_recent_confirmation_is_not_audited(acme, settings):
    browser, passkey = enrolled(acme.recruiter, "Phone")
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0  # the password confirmation above is no longer recent

    response = browser.post(edit_url(passkey), {"name": "Tablet"})

    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    passkey.refresh_from_db()
    assert passkey.wrap().name == "Phone"
    assert not renamed_rows(acme.organization).exists()


def test_another_members_passkey_cannot_be_renamed_and_nothing_is_audited(acme):
    _, passkey = enrolled(acme.recruiter, "Phone")
    intruder = signed_in(acme.admin.user)
    assert intruder.post(edit_url(passkey), {"name": "Mine now"}).status_code == 404
    passkey.refresh_from_db()
    assert passkey.wrap().name == "Phone"
    assert not renamed_rows(acme.organization).exists()


def test_the_rename_is_in_the_trail_of_every_organization_the_member_acts_in(acme):
    other = OrganizationFactory(name="Initech")
    MembershipFactory(organization=other, user=acme.recruiter.user)
    browser, passkey = enrolled(acme.recruiter, "Phone")
    assert browser.post(edit_url(passkey), {"name": "Tablet"}).status_code == 302
    assert renamed_rows(acme.organization).count() == 1 and renamed_rows(other).count() == 1


def test_the_admin_reads_the_rename_in_the_audit_trail_in_english_and_swedish(acme):
    browser, passkey = enrolled(acme.recruiter, "Phone")
    assert browser.post(edit_url(passkey), {"name": "Tablet"}).status_code == 302
    admin = Client()
    admin.force_login(acme.admin.user)
    page = admin.get("/settings/audit/", {"action": AuditEvent.Action.MFA_RENAMED}).content.decode()
    assert "<td>Passkey renamed</td>" in page and "Tablet" not in page and "Phone" not in page
    acme.admin.user.language = "sv"
    acme.admin.user.save(update_fields=["language"])
    page = admin.get("/settings/audit/", {"action": AuditEvent.Action.MFA_RENAMED}).content.decode()
    assert "<td>Passkey har bytt namn</td>" in page
