"""Two-factor authentication (MFA-1, ID-1, ID-2): members enrol an authenticator app, passkeys and recovery codes;
admins require MFA of everyone or of admins; a member who must enrol can do nothing else until done; SSO sign-ins are
exempt only when the admin says the identity provider enforces MFA; the token API cannot bypass any of it; and every
enrolment, removal, recovery-code generation and use is in the accounts audit trail.

TOTP codes are computed here from RFC 6238 (HMAC-SHA1 over the 30-second counter), not with allauth's functions, so
a test would notice if the product accepted something an authenticator app would not show.
"""

import base64
import hashlib
import hmac
import json
import re
import struct
import time

import pytest
from allauth.account.authentication import get_authentication_records
from allauth.core.context import request_context
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.cache import cache, caches
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from accounts import mfa, services
from accounts.models import AuditEvent, MfaRequirement, Organization, RefreshSession
from interview_analyzer.roles import Role
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token"
ME_URL = "/api/v1/me"
MFA_INDEX = "/accounts/2fa/"
TOTP_ACTIVATE = "/accounts/2fa/totp/activate/"
POLICY_URL = "/settings/security/"


@pytest.fixture(autouse=True)
def _fresh_counters():
    """Rate-limit counters (database cache) and allauth's used-TOTP markers (default cache) start empty."""
    caches["ratelimit"].clear()
    cache.clear()


# --- helpers -------------------------------------------------------------------------------------------------------


def totp_now(secret: str, *, at: float | None = None) -> str:
    """The 6-digit code an authenticator app shows for ``secret`` (RFC 6238: HOTP of the 30-second counter)."""
    counter = int(at if at is not None else time.time()) // 30
    digest = hmac.new(base64.b32decode(secret, casefold=True), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = (struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{value:06d}"


def require(org, requirement: str, *, sso_exempt: bool = False):
    org.organization.mfa_required_for = requirement
    org.organization.mfa_sso_exempt = sso_exempt
    org.organization.save(update_fields=["mfa_required_for", "mfa_sso_exempt"])


def enrol_totp(user) -> tuple[str, list[str]]:
    """An authenticator app and recovery codes set up directly (for tests about what happens afterwards)."""
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).generate_codes()
    return secret, codes


def signed_in(user) -> Client:
    """A browser that signed in through the sign-in form (allauth records a password authentication)."""
    browser = Client()
    response = browser.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    return browser


def reauthenticate(browser):
    response = browser.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]


def enrol_on_the_page(browser) -> str:
    """Set up an authenticator app as a member does: open the page, confirm the password (allauth asks before any
    change to two-factor methods), type the current code. Returns the secret."""
    response = browser.get(TOTP_ACTIVATE)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/reauthenticate/")
    reauthenticate(browser)
    response = browser.get(TOTP_ACTIVATE)
    assert response.status_code == 200, response.status_code
    secret = browser.session["mfa.totp.secret"]
    response = browser.post(TOTP_ACTIVATE, {"code": totp_now(secret)})
    assert response.status_code == 302, response.content.decode()[:3000]
    return secret


def token_request(member, **extra):
    return APIClient().post(TOKEN_URL, {"email": member.user.email, "password": PASSWORD, **extra}, format="json")


def audit_actions(organization) -> list[str]:
    return list(AuditEvent.objects.filter(organization=organization).order_by("pk").values_list("action", flat=True))


def google_session(user, settings) -> Client:
    """A browser session signed in through Google (allauth's social login flow, from the provider's verified
    answer on; the provider itself is not reachable here, as in test_sso)."""
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "google": {"APPS": [{"client_id": "test.apps.googleusercontent.com", "secret": "s", "key": ""}]},
    }
    from allauth.account.models import EmailAddress

    account = SocialAccount(provider="google", uid=f"google-{user.public_id}", extra_data={"email": user.email})
    sociallogin = SocialLogin(
        user=user.__class__(email=user.email),
        account=account,
        email_addresses=[EmailAddress(email=user.email, verified=True, primary=True)],
    )
    request = RequestFactory().get("/accounts/google/login/callback/")
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    request.user = AnonymousUser()
    sociallogin.state = {"process": "login", "next": "/"}
    with request_context(request):
        sociallogin.provider = sociallogin.account.get_provider(request)
        complete_social_login(request, sociallogin)
    assert request.user == user
    assert get_authentication_records(request, user)[0]["method"] == "socialaccount"
    request.session.save()
    browser = Client()
    browser.cookies[django_settings.SESSION_COOKIE_NAME] = request.session.session_key
    return browser


def assert_sent_to_enrolment(response):
    assert response.status_code == 302, response.status_code
    assert response["Location"] == MFA_INDEX


# --- Enrolment forced when required (MFA-1) --------------------------------------------------------------------------


def test_member_who_must_enrol_lands_on_enrolment_after_sign_in_and_is_told_why(acme):
    require(acme, MfaRequirement.EVERYONE)
    browser = Client()
    response = browser.post("/accounts/login/", {"login": acme.recruiter.user.email, "password": PASSWORD}, follow=True)
    assert response.request["PATH_INFO"] == MFA_INDEX
    html = response.content.decode()
    assert "Acme requires two-factor authentication." in html
    assert 'class="settings-layout account-layout"' in html


@pytest.mark.parametrize(
    "path", ["/", "/profile/", "/hirings/", "/settings/members/", "/accounts/email/", "/accounts/password/change/"]
)
def test_member_who_must_enrol_can_open_no_other_page(acme, path):
    require(acme, MfaRequirement.EVERYONE)
    browser = signed_in(acme.admin.user)
    assert_sent_to_enrolment(browser.get(path))
    assert_sent_to_enrolment(browser.post(path, {}))
    assert not Authenticator.objects.filter(user=acme.admin.user).exists()


@pytest.mark.parametrize(
    "path", [MFA_INDEX, TOTP_ACTIVATE, "/accounts/2fa/webauthn/add/", "/legal/dpa/", "/legal/subprocessors/"]
)
def test_enrolment_and_legal_pages_stay_open(acme, path):
    require(acme, MfaRequirement.EVERYONE)
    browser = signed_in(acme.recruiter.user)
    response = browser.get(path, follow=True)
    assert response.status_code == 200
    # the enrolment pages may ask for the password first: that page is open too
    assert response.request["PATH_INFO"] in (path, "/accounts/reauthenticate/")


def test_member_who_must_enrol_can_sign_out(acme):
    require(acme, MfaRequirement.EVERYONE)
    browser = signed_in(acme.recruiter.user)
    response = browser.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/"
    assert "_auth_user_id" not in browser.session


def test_session_api_answers_403_mfa_enrolment_required(acme):
    require(acme, MfaRequirement.EVERYONE)
    browser = signed_in(acme.recruiter.user)
    response = browser.get(ME_URL)
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_enrolment_required"
    assert "two-factor authentication" in response.json()["detail"]


@pytest.mark.parametrize("header", ["Basic YWJjOmRlZg==", "Token abc", "bearer"])
def test_another_authorization_header_does_not_lift_the_session_api_refusal(acme, header):
    require(acme, MfaRequirement.EVERYONE)
    browser = signed_in(acme.recruiter.user)
    response = browser.get(ME_URL, HTTP_AUTHORIZATION=header)
    assert response.status_code in (401, 403)
    assert response.status_code == 401 or response.json()["code"] == "mfa_enrolment_required"


def test_once_enrolled_the_member_gets_through(acme):
    require(acme, MfaRequirement.EVERYONE)
    browser = signed_in(acme.recruiter.user)
    enrol_on_the_page(browser)
    assert browser.get("/").status_code == 200
    assert browser.get(ME_URL).status_code == 200


@pytest.mark.parametrize("role", [Role.ADMIN, Role.RECRUITER, Role.HIRING_MANAGER, Role.INTERVIEWER])
def test_nobody_is_forced_when_mfa_is_not_required(acme, role):
    assert acme.organization.mfa_required_for == MfaRequirement.NOBODY  # the default
    browser = signed_in(acme.member(role).user)
    assert browser.get("/").status_code == 200
    assert browser.get(ME_URL).status_code == 200


@pytest.mark.parametrize(
    ("role", "forced"),
    [(Role.ADMIN, True), (Role.RECRUITER, False), (Role.HIRING_MANAGER, False), (Role.INTERVIEWER, False)],
)
def test_admins_only_policy_forces_admins_alone(acme, role, forced):
    require(acme, MfaRequirement.ADMINS)
    response = signed_in(acme.member(role).user).get("/")
    if forced:
        assert_sent_to_enrolment(response)
    else:
        assert response.status_code == 200


def test_the_policy_of_another_organization_does_not_reach_this_one(acme, globex):
    require(globex, MfaRequirement.EVERYONE)
    assert signed_in(acme.recruiter.user).get("/").status_code == 200


# --- SSO exemption only with the flag (MFA-1, ID-5) -----------------------------------------------------------------


def test_sso_sign_in_is_exempt_when_the_admin_says_the_identity_provider_enforces_mfa(acme, settings):
    require(acme, MfaRequirement.EVERYONE, sso_exempt=True)
    browser = google_session(acme.recruiter.user, settings)
    assert browser.get("/").status_code == 200
    assert browser.get(ME_URL).status_code == 200


def test_sso_sign_in_is_not_exempt_without_the_flag(acme, settings):
    require(acme, MfaRequirement.EVERYONE, sso_exempt=False)
    assert_sent_to_enrolment(google_session(acme.recruiter.user, settings).get("/"))


def test_an_sso_account_without_a_password_can_still_reach_enrolment(acme, settings):
    """allauth confirms access before enrolment; an SSO account has no password, so it gets an emailed code."""
    user = acme.recruiter.user
    user.set_unusable_password()
    user.save(update_fields=["password"])
    require(acme, MfaRequirement.EVERYONE)
    response = google_session(user, settings).get(TOTP_ACTIVATE, follow=True)
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/accounts/reauthenticate/code/"


def test_the_flag_exempts_no_password_sign_in(acme):
    require(acme, MfaRequirement.EVERYONE, sso_exempt=True)
    assert_sent_to_enrolment(signed_in(acme.recruiter.user).get("/"))


def test_the_flag_exempts_no_token_request(acme):
    require(acme, MfaRequirement.EVERYONE, sso_exempt=True)
    response = token_request(acme.recruiter)
    assert response.status_code == 403 and response.json()["code"] == "mfa_enrolment_required"


# --- The token API cannot bypass it (MFA-1, ID-2) -------------------------------------------------------------------


def test_token_api_refuses_a_password_without_the_code(acme):
    enrol_totp(acme.recruiter.user)
    response = token_request(acme.recruiter)
    assert response.status_code == 401
    body = response.json()
    assert body["code"] == "mfa_required"
    assert "otp" in body["detail"] and "recovery code" in body["detail"]
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert not RefreshSession.objects.filter(user=acme.recruiter.user).exists()


def test_token_api_refuses_a_wrong_code(acme):
    secret, _codes = enrol_totp(acme.recruiter.user)
    wrong = f"{(int(totp_now(secret)) + 1) % 1_000_000:06d}"
    response = token_request(acme.recruiter, otp=wrong)
    assert response.status_code == 401 and response.json()["code"] == "mfa_invalid"
    assert not RefreshSession.objects.filter(user=acme.recruiter.user).exists()


def test_token_api_accepts_the_current_totp_once(acme):
    secret, _codes = enrol_totp(acme.recruiter.user)
    code = totp_now(secret)
    response = token_request(acme.recruiter, otp=code)
    assert response.status_code == 200, response.content
    assert APIClient().get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {response.json()['access_token']}").status_code == 200
    replay = token_request(acme.recruiter, otp=code)  # the same code again, within its 30 seconds
    assert replay.status_code == 401 and replay.json()["code"] == "mfa_invalid"
    assert RefreshSession.objects.filter(user=acme.recruiter.user).count() == 1


def test_a_wrong_password_with_a_right_code_is_still_the_plain_credential_refusal(acme):
    secret, _codes = enrol_totp(acme.recruiter.user)
    response = APIClient().post(
        TOKEN_URL, {"email": acme.recruiter.user.email, "password": "wrong", "otp": totp_now(secret)}, format="json"
    )
    assert response.status_code == 401 and "code" not in response.json()  # no hint that MFA is even on


def test_a_recovery_code_works_once_and_its_use_is_audited(acme, globex):
    user = acme.recruiter.user
    services.ensure_membership(organization=globex.organization, user=user, role=Role.INTERVIEWER)
    _secret, codes = enrol_totp(user)
    first = token_request(acme.recruiter, otp=codes[0])
    assert first.status_code == 200, first.content
    again = token_request(acme.recruiter, otp=codes[0])
    assert again.status_code == 401 and again.json()["code"] == "mfa_invalid"
    assert token_request(acme.recruiter, otp=codes[1]).status_code == 200
    rows = AuditEvent.objects.filter(action=AuditEvent.Action.MFA_RECOVERY_CODE_USED, actor=user)
    # one row per organization the person is a member of, per use
    assert sorted((r.organization.name, r.details["remaining"]) for r in rows) == sorted(
        [("Acme", 9), ("Globex", 9), ("Acme", 8), ("Globex", 8)]
    )
    assert {r.details["channel"] for r in rows} == {"token_api"}
    assert all(codes[0] not in json.dumps(r.details) for r in rows)


def test_token_api_refuses_a_member_who_must_enrol_and_stores_nothing(acme):
    require(acme, MfaRequirement.ADMINS)
    response = token_request(acme.admin)
    assert response.status_code == 403
    assert response.json()["code"] == "mfa_enrolment_required"
    assert not RefreshSession.objects.filter(user=acme.admin.user).exists()
    assert token_request(acme.recruiter).status_code == 200  # not an admin: not required


def test_token_codes_are_rate_limited_like_sign_in(acme, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "token": {"ip": "100/10m", "account": "3/10m"}}
    secret, _codes = enrol_totp(acme.recruiter.user)
    for _ in range(3):
        assert token_request(acme.recruiter, otp="000000").status_code == 401
    response = token_request(acme.recruiter, otp=totp_now(secret))  # right, but over the limit
    assert response.status_code == 429
    assert not RefreshSession.objects.filter(user=acme.recruiter.user).exists()


def test_a_live_access_token_stops_when_the_policy_requires_enrolment(acme):
    pair = token_request(acme.admin).json()
    require(acme, MfaRequirement.ADMINS)
    response = APIClient().get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {pair['access_token']}")
    assert response.status_code == 403 and response.json()["code"] == "mfa_enrolment_required"


def test_api_keys_are_unaffected(acme):
    acme.organization.plan = "team"
    acme.organization.save(update_fields=["plan"])
    _key, raw = services.create_api_key(actor=acme.admin, name="Nightly export", scopes=["read"], allowed_cidrs=[])
    require(acme, MfaRequirement.EVERYONE)
    assert not mfa.has_mfa(acme.admin.user)
    response = APIClient().get(ME_URL, HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, response.content


def test_the_schema_documents_the_otp_field_and_the_error_codes(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    request_schema = schema["components"]["schemas"]["TokenRequest"]
    assert "otp" in request_schema["properties"] and "otp" not in request_schema.get("required", [])
    assert "mfa_required" in request_schema["properties"]["otp"]["description"]
    responses = schema["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert {"200", "401", "403"} <= set(responses)


# --- Audit (MFA-1, ORG-7) ------------------------------------------------------------------------------------------


def test_enrolment_regeneration_use_and_removal_are_audited(acme, django_capture_on_commit_callbacks):
    user = acme.recruiter.user
    browser = signed_in(user)
    with django_capture_on_commit_callbacks(execute=True):  # allauth signals enrolment once it is committed
        secret = enrol_on_the_page(browser)
    rows = AuditEvent.objects.filter(organization=acme.organization, actor=user)
    assert sorted(r.details["method"] for r in rows.filter(action=AuditEvent.Action.MFA_ENROLLED)) == [
        "recovery_codes",
        "totp",
    ]
    assert rows.filter(action=AuditEvent.Action.MFA_ENROLLED).first().ip_address == "127.0.0.1"

    with django_capture_on_commit_callbacks(execute=True):
        assert browser.post("/accounts/2fa/recovery-codes/generate/").status_code == 302
    assert rows.filter(action=AuditEvent.Action.MFA_RECOVERY_CODES_GENERATED).count() == 1

    # a sign-in with a recovery code
    codes = Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES).wrap().get_unused_codes()
    other = Client()
    other.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert other.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 302
    used = rows.get(action=AuditEvent.Action.MFA_RECOVERY_CODE_USED)
    assert used.details == {"channel": "sign_in", "remaining": 9}

    response = browser.post("/accounts/2fa/totp/deactivate/", {})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert sorted(r.details["method"] for r in rows.filter(action=AuditEvent.Action.MFA_REMOVED)) == [
        "recovery_codes",
        "totp",
    ]
    assert not Authenticator.objects.filter(user=user).exists()
    assert secret not in json.dumps(list(rows.values_list("details", flat=True)))


def test_a_member_who_must_use_mfa_cannot_remove_their_last_method(acme):
    require(acme, MfaRequirement.EVERYONE)
    browser = signed_in(acme.recruiter.user)
    enrol_on_the_page(browser)
    response = browser.post("/accounts/2fa/totp/deactivate/", {})
    assert response.status_code == 200
    assert "Your organization requires two-factor authentication" in response.content.decode()
    assert Authenticator.objects.filter(user=acme.recruiter.user, type=Authenticator.Type.TOTP).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.MFA_REMOVED).exists()


# --- The sign-in's code step is rate limited like sign-in (SEC-RL) ------------------------------------------------


def test_guessing_the_code_at_sign_in_is_rate_limited(acme, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": {"ip": "100/10m", "account": "4/10m"}}
    user = acme.recruiter.user
    secret, _codes = enrol_totp(user)
    browser = Client()
    browser.post("/accounts/login/", {"login": user.email, "password": PASSWORD})  # counts once
    for _ in range(3):
        response = browser.post("/accounts/2fa/authenticate/", {"code": "000000"})
        assert "Incorrect code." in response.content.decode()
    response = browser.post("/accounts/2fa/authenticate/", {"code": totp_now(secret)})
    assert response.status_code == 200 and "Too many attempts" in response.content.decode()
    assert "_auth_user_id" not in browser.session


def test_guessing_the_code_when_confirming_access_is_rate_limited(acme, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login": {"ip": "100/10m", "account": "4/10m"}}
    user = acme.recruiter.user
    secret, _codes = enrol_totp(user)
    browser = Client()
    browser.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert browser.post("/accounts/2fa/authenticate/", {"code": totp_now(secret)}).status_code == 302
    for _ in range(2):  # the sign-in and its code step counted twice already
        response = browser.post("/accounts/2fa/reauthenticate/", {"code": "000000"})
        assert "Incorrect code." in response.content.decode()
    response = browser.post("/accounts/2fa/reauthenticate/", {"code": "000001"})
    assert response.status_code == 200 and "Too many attempts" in response.content.decode()


# --- The policy page (MFA-1, ORG-3, ORG-7) -------------------------------------------------------------------------


def test_admin_sets_the_policy_and_it_is_audited(acme):
    browser = Client()
    browser.force_login(acme.admin.user)
    page = browser.get(POLICY_URL)
    assert page.status_code == 200
    html = page.content.decode()
    assert "SSO sign-ins are exempt (our identity provider enforces MFA)" in html
    assert "0 of 4 active members have set up two-factor authentication." in html
    response = browser.post(POLICY_URL, {"required_for": "everyone", "sso_exempt": "on"})
    assert response.status_code == 302 and response["Location"] == POLICY_URL
    organization = Organization.objects.get(pk=acme.organization.pk)
    assert (organization.mfa_required_for, organization.mfa_sso_exempt) == ("everyone", True)
    event = AuditEvent.objects.get(organization=organization, action=AuditEvent.Action.MFA_POLICY_CHANGED)
    assert event.actor == acme.admin.user and event.target == organization.public_id
    assert event.details == {
        "before": {"required_for": "nobody", "sso_exempt": False},
        "after": {"required_for": "everyone", "sso_exempt": True},
    }
    assert_sent_to_enrolment(browser.get(POLICY_URL))  # the admin has not enrolled: now they must


def test_an_unknown_choice_is_a_form_error_and_changes_nothing(acme):
    browser = Client()
    browser.force_login(acme.admin.user)
    response = browser.post(POLICY_URL, {"required_for": "sometimes"})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    organization = Organization.objects.get(pk=acme.organization.pk)
    assert organization.mfa_required_for == MfaRequirement.NOBODY
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.MFA_POLICY_CHANGED).exists()


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.HIRING_MANAGER, Role.INTERVIEWER])
def test_only_admins_set_the_policy(acme, role):
    browser = Client()
    browser.force_login(acme.member(role).user)
    assert browser.get(POLICY_URL).status_code == 403
    assert browser.post(POLICY_URL, {"required_for": "nobody"}).status_code == 403
    require(acme, MfaRequirement.NOBODY)
    before = audit_actions(acme.organization)
    assert browser.post(POLICY_URL, {"required_for": "everyone", "sso_exempt": "on"}).status_code == 403
    organization = Organization.objects.get(pk=acme.organization.pk)
    assert (organization.mfa_required_for, organization.mfa_sso_exempt) == ("nobody", False)
    assert audit_actions(acme.organization) == before


def test_the_policy_page_lists_who_has_enrolled(acme):
    enrol_totp(acme.recruiter.user)
    require(acme, MfaRequirement.ADMINS)
    enrol_totp(acme.admin.user)
    browser = Client()
    browser.force_login(acme.admin.user)
    html = browser.get(POLICY_URL).content.decode()
    assert "2 of 4 active members have set up two-factor authentication." in html
    assert re.search(r"Settings|Members", html)


def test_profile_and_settings_link_to_two_factor_pages(acme):
    browser = Client()
    browser.force_login(acme.admin.user)
    assert 'href="/accounts/2fa/"' in browser.get("/profile/").content.decode()
    assert f'href="{POLICY_URL}"' in browser.get("/settings/members/").content.decode()


# --- Secrets at rest (SEC-SECRETS) ----------------------------------------------------------------------------------


def test_the_totp_secret_and_the_recovery_seed_are_stored_encrypted(acme, settings):
    user = acme.recruiter.user
    secret = enrol_on_the_page(signed_in(user))
    stored = {a.type: a.data for a in Authenticator.objects.filter(user=user)}
    assert stored[Authenticator.Type.TOTP]["secret"].startswith("fernet:")
    assert secret not in json.dumps(stored)
    assert stored[Authenticator.Type.RECOVERY_CODES]["seed"].startswith("fernet:")
    # a rotated SECRET_KEY (the old one kept as a fallback) still reads them: the member's codes keep working
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert token_request(acme.recruiter, otp=totp_now(secret)).status_code == 200


# --- Passkeys carry no database id (ORG-6) -------------------------------------------------------------------------


def test_passkey_registration_names_the_user_by_public_id(acme):
    user = acme.recruiter.user
    browser = signed_in(user)
    reauthenticate(browser)
    html = browser.get("/accounts/2fa/webauthn/add/").content.decode()
    data = json.loads(re.search(r'<script id="js_data" type="application/json">(.*?)</script>', html, re.S).group(1))
    user_id = data["creation_options"]["publicKey"]["user"]["id"]
    decoded = base64.urlsafe_b64decode(user_id + "=" * (-len(user_id) % 4)).decode()
    assert decoded == user.public_id


# --- Swedish -------------------------------------------------------------------------------------------------------


def test_the_policy_page_and_the_enrolment_notice_read_in_swedish(acme):
    admin = acme.admin.user
    admin.language = "sv"
    admin.save(update_fields=["language"])
    browser = Client()
    browser.force_login(admin)
    html = browser.get(POLICY_URL).content.decode()
    assert "Krävs för alla medlemmar" in html
    assert "Inloggningar via SSO är undantagna (vår identitetsleverantör kräver MFA)" in html
    assert "0 av 4 aktiva medlemmar har ställt in tvåstegsverifiering." in html
    require(acme, MfaRequirement.ADMINS)
    response = browser.get("/", follow=True)
    assert "Acme kräver tvåstegsverifiering." in response.content.decode()
