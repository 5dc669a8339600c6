"""Two-factor authentication in a real browser (MFA-1): an admin requires MFA for every member and is sent to
enrolment at once; they add a passkey through Chromium's virtual authenticator (WebAuthn over CDP, a real
credential created and verified by allauth's fido2 server, no mock), sign in again with it, and remove it through the
passkey list's link, which names it by reference (ORG-6), once the policy no longer needs it. A recruiter sets up
an authenticator app from the secret the page shows. Pages are captured for a person to look at."""

import base64
import hmac
import re
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from accounts.models import AuditEvent, MfaRequirement
from interview_analyzer.roles import Role
from tests.e2e.test_login_journey import SCREENSHOTS
from tests.factories import PASSWORD, MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def totp_now(secret: str) -> str:
    """RFC 6238, as an authenticator app computes it."""
    digest = hmac.new(base64.b32decode(secret, casefold=True), struct.pack(">Q", int(time.time()) // 30), "sha1")
    raw = digest.digest()
    offset = raw[-1] & 0x0F
    return f"{(struct.unpack('>I', raw[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def virtual_authenticator(context, page) -> tuple[object, str]:
    """Chromium's virtual platform authenticator with user verification (a passkey on this device)."""
    cdp = context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    result = cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    return cdp, result["authenticatorId"]


def sign_in(page, base_url: str, email: str):
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()


@pytest.fixture
def acme_admin(db):
    organization = OrganizationFactory(name="Acme Recruiting")
    return MembershipFactory(organization=organization, role=Role.ADMIN, user__email="ada.admin@acme.example")


def test_admin_requires_mfa_enrols_a_passkey_and_signs_in_with_it(live_server, browser, acme_admin):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    assert base.startswith("http://localhost:")  # a secure context for WebAuthn without any insecure-origin setting
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    cdp, authenticator_id = virtual_authenticator(context, page)

    sign_in(page, base, acme_admin.user.email)
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/settings/security/")
    page.get_by_label("Required for every member").check()
    page.screenshot(path=str(SCREENSHOTS / "mfa-policy.png"), full_page=True)
    page.get_by_role("button", name="Save").click()

    # The admin has no second factor yet: enrolment is the only way on.
    page.wait_for_url(f"{base}/accounts/2fa/")
    expect(page.get_by_text("Acme Recruiting requires two-factor authentication.")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "mfa-enrolment-required.png"), full_page=True)
    page.goto(f"{base}/hirings/")
    page.wait_for_url(f"{base}/accounts/2fa/")

    page.locator(".card").get_by_role("link", name="Add").click()
    page.wait_for_url(re.compile(r".*/accounts/reauthenticate/.*"))
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"{base}/accounts/2fa/webauthn/add/")
    page.get_by_label("Name").fill("This laptop")
    page.screenshot(path=str(SCREENSHOTS / "mfa-passkey-add.png"), full_page=True)
    page.get_by_role("button", name="Add").click()
    page.wait_for_url(re.compile(r".*/accounts/2fa/(webauthn|recovery-codes)/.*"))
    page.screenshot(path=str(SCREENSHOTS / "mfa-passkey-added.png"), full_page=True)

    passkey = Authenticator.objects.get(user=acme_admin.user, type=Authenticator.Type.WEBAUTHN)
    assert passkey.wrap().name == "This laptop"
    credentials = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"]
    assert len(credentials) == 1
    assert base64.b64decode(credentials[0]["userHandle"]).decode() == acme_admin.user.public_id

    page.goto(f"{base}/hirings/")  # enrolled: the product is open again
    assert page.url == f"{base}/hirings/"

    # Sign out, then sign in again: password, then the passkey.
    page.get_by_role("button", name="Sign out", exact=True).click()  # the top bar's
    page.wait_for_url(f"{base}/")
    sign_in(page, base, acme_admin.user.email)
    page.wait_for_url(f"{base}/accounts/2fa/authenticate/")
    page.screenshot(path=str(SCREENSHOTS / "mfa-authenticate.png"), full_page=True)
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(f"{base}/")
    assert page.locator(".org-chip").inner_text() == "Acme Recruiting · Admin"
    sign_count = cdp.send("WebAuthn.getCredentials", {"authenticatorId": authenticator_id})["credentials"][0]
    assert sign_count["signCount"] >= 1
    assert errors == [], errors

    actions = list(
        AuditEvent.objects.filter(organization=acme_admin.organization)
        .order_by("pk")
        .values_list("action", "details__method")
    )
    assert (AuditEvent.Action.MFA_POLICY_CHANGED, None) in actions
    assert (AuditEvent.Action.MFA_ENROLLED, "webauthn") in actions
    assert (AuditEvent.Action.MFA_ENROLLED, "recovery_codes") in actions

    # The passkey list links the passkey by its reference, never its database id (ORG-6). Removing the only one is
    # refused while the organization requires MFA; once it does not, the link removes it, and the trail says so.
    page.goto(f"{base}/accounts/2fa/webauthn/")
    expect(page.get_by_role("heading", name="Passkeys")).to_be_visible()
    links = [page.get_by_role("link", name=name, exact=True).get_attribute("href") for name in ("Edit", "Remove")]
    assert all(re.fullmatch(r"/accounts/2fa/webauthn/keys/[A-Za-z0-9_-]{22}/(edit|remove)/", link) for link in links)
    assert not re.search(r"/keys/\d+/", page.content())  # pages by distinctive pk: tests/accounts/test_mfa_passkey_refs
    page.screenshot(path=str(SCREENSHOTS / "mfa-passkey-list.png"), full_page=True)
    page.get_by_role("link", name="Remove").click()
    page.wait_for_url(re.compile(r".*/accounts/reauthenticate/.*"))  # a change to two-factor methods: confirm first
    page.get_by_role("link", name="Use a passkey").click()  # with the passkey itself
    page.wait_for_url(re.compile(r".*/accounts/2fa/webauthn/reauthenticate/.*"))
    page.get_by_role("button", name="Use a passkey").click()
    page.wait_for_url(re.compile(r".*/accounts/2fa/webauthn/keys/[A-Za-z0-9_-]{22}/remove/"))
    page.screenshot(path=str(SCREENSHOTS / "mfa-passkey-remove.png"), full_page=True)
    page.get_by_role("button", name="Remove").click()
    expect(page.get_by_text("add another authenticator app or passkey before removing this one")).to_be_visible()
    page.screenshot(path=str(SCREENSHOTS / "mfa-passkey-remove-refused.png"), full_page=True)
    assert Authenticator.objects.filter(pk=passkey.pk).exists()
    page.goto(f"{base}/settings/security/")
    page.get_by_label("MFA not required").check()
    page.get_by_role("button", name="Save").click()
    page.goto(f"{base}/accounts/2fa/webauthn/")
    page.get_by_role("link", name="Remove").click()
    page.get_by_role("button", name="Remove").click()
    page.wait_for_url(f"{base}/accounts/2fa/webauthn/")
    expect(page.get_by_text("No passkeys have been added.")).to_be_visible()
    assert not Authenticator.objects.filter(user=acme_admin.user).exists()
    removed = AuditEvent.objects.filter(organization=acme_admin.organization, action=AuditEvent.Action.MFA_REMOVED)
    assert sorted(removed.values_list("details__method", flat=True)) == ["recovery_codes", "webauthn"]
    assert errors == [], errors


def test_recruiter_sets_up_an_authenticator_app_from_the_page(live_server, page, acme_admin):
    organization = acme_admin.organization
    organization.mfa_required_for = MfaRequirement.EVERYONE
    organization.save(update_fields=["mfa_required_for"])
    recruiter = MembershipFactory(organization=organization, role=Role.RECRUITER, user__email="rob@acme.example")
    base = live_server.url

    sign_in(page, base, recruiter.user.email)
    page.wait_for_url(f"{base}/accounts/2fa/")
    page.locator(".card").filter(has_text="Authenticator App").get_by_role("link", name="Activate").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    page.wait_for_url(f"{base}/accounts/2fa/totp/activate/")
    secret = page.locator("#authenticator_secret").input_value()
    page.screenshot(path=str(SCREENSHOTS / "mfa-totp-activate.png"), full_page=True)
    page.get_by_label("Authenticator code").fill(totp_now(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url(re.compile(r".*/accounts/2fa/.*"))
    assert Authenticator.objects.filter(user=recruiter.user, type=Authenticator.Type.TOTP).exists()
    page.goto(f"{base}/accounts/2fa/recovery-codes/")
    page.screenshot(path=str(SCREENSHOTS / "mfa-recovery-codes.png"), full_page=True)
    page.goto(f"{base}/")
    assert page.url == f"{base}/"
    assert page.locator(".org-chip").inner_text() == "Acme Recruiting · Recruiter"
