"""The security matrix, anonymous row (TST-1): every endpoint, enumerated from the URL configuration.

An anonymous caller is sent to a login page (pages) or answered 401 (API) everywhere except the public endpoints
below, each with the reason it is public. No endpoint answers 500 to junk. The accounts and hiring issues add the
rows for each role, API keys and a rival organization on the same enumeration.
"""

import pytest
from django.test import Client

from tests.security.urls_under_test import all_endpoints

# Public on purpose. Keys are URL names; a new public endpoint must be added here with its reason.
PUBLIC = {
    "home": "the landing page",
    "healthz": "load-balancer liveness (OPS-2)",
    "readyz": "load-balancer readiness (OPS-2); reports only ok/failed per part, never configuration",
    "account_login": "sign in",
    "account_logout": "signing out is harmless; POST only does it",
    "account_signup": "sign up",
    "account_inactive": "explains an inactive account after a failed sign in",
    "account_reset_password": "password reset request (answers alike for known and unknown emails, ID-7)",
    "account_reset_password_done": "static confirmation of a reset request",
    "account_reset_password_from_key": "the one-time reset link; an invalid key shows a page",
    "account_reset_password_from_key_done": "static confirmation of a reset",
    "account_email_verification_sent": "static 'check your inbox' page",
    "account_confirm_email": "the one-time verification link; an invalid key shows a page",
    "account_confirm_login_code": "part of sign in; without a pending sign in it redirects to sign in",
    "mfa_authenticate": "second step of sign in; without a pending sign in it redirects to sign in",
    "socialaccount_login_cancelled": "SSO return page",
    "socialaccount_login_error": "SSO return page",
    "socialaccount_signup": "SSO sign-up step; without a pending SSO login it redirects to sign in",
    "google_login": "starts Google SSO (ID-5)",
    "google_callback": "Google SSO callback; checks its own state",
    "google_login_by_token": "Google one-tap; verifies the token itself",
    "microsoft_login": "starts Microsoft SSO (ID-5)",
    "microsoft_callback": "Microsoft SSO callback; checks its own state",
    "admin:login": "the Django admin's own sign-in page",
    "admin:logout": "the Django admin's sign-out; POST only, harmless",
    "accounts:invitation": "the one-time invitation link; an unknown or used link shows a 404 page (ORG-7)",
    "consent:link": "the candidate's one-time consent link and withdrawal portal: the token is the credential "
    "(CON-2, CON-5); an unknown link shows a 404 page",
    "retention:extend": "the one-click extension link in a recruiter's expiry warning: the signed single-use token is "
    "the credential (RET-3); GET only shows the button, an unknown or spent link shows a 410 page",
    "portal:request_link": "the candidate asks for a link to their data by email (RET-6): the same answer for every "
    "address, the link only to that address, rate limited",
    "portal:home": "the candidate's rights portal: the signed link is the credential (RET-6, RET-7); an altered, "
    "expired or erased link shows a 404/410 page",
    "portal:export": "the candidate's copy of their data, behind the same signed link (RET-7)",
    "portal:object": "the candidate objects (withdraws consent) behind the same signed link, after confirming (RET-7)",
    "portal:erase": "the candidate's erasure request behind the same signed link, after confirming (RET-6)",
    "fairness:portal": "the candidate's voluntary self-identification behind the same signed portal link (FAIR-1)",
    "fairness:portal_withdraw": "the candidate withdraws their self-identification behind the same signed link, "
    "after confirming (FAIR-1)",
    "billing:stripe_webhook": "Stripe's webhook: the Stripe-Signature over the raw body is the credential (SEC-HOOK, "
    "BIL-3); anything unsigned is a 400 that changes nothing",
    "billing:email_webhook": "the email provider's bounce webhook: its HMAC signature over timestamp and raw body is "
    "the credential (SEC-HOOK, INT-2); anything unsigned is a 400 that changes nothing",
    "legal:dpa": "the data processing agreement, readable by anyone before signing up (ORG-8)",
    "legal:subprocessors": "the sub-processor register, readable by anyone (ORG-8)",
    "api-auth-token": "exchanges email and password for tokens (ID-2); rate limited (SEC-RL)",
    "api-auth-refresh": "exchanges a refresh token for a new pair (ID-2)",
    "api-auth-logout": "revokes a refresh token's session family (ID-2); answers alike for unknown tokens",
    "api-schema": "OpenAPI schema, served only outside production (SEC-SCHEMA)",
    "api-docs": "API browser, served only outside production (SEC-SCHEMA)",
}
# allauth's legacy aliases of the 3rd-party pages have no URL name; they are the same views as above.
PUBLIC_ROUTES = {
    "accounts/social/login/cancelled/",
    "accounts/social/login/error/",
    "accounts/social/signup/",
}

ENDPOINTS = all_endpoints()
LOGIN_PAGES = ("/accounts/login/", "/admin/login/")


def is_public(endpoint) -> bool:
    return endpoint.name in PUBLIC or endpoint.route in PUBLIC_ROUTES


def test_the_enumeration_finds_the_projects_endpoints():
    names = {e.name for e in ENDPOINTS}
    assert {"home", "healthz", "readyz", "account_login", "api-me"} <= names
    assert len(ENDPOINTS) > 40


def test_every_public_entry_still_exists():
    """A stale allowlist entry would silently widen what is public later."""
    names = {e.name for e in ENDPOINTS}
    routes = {e.route for e in ENDPOINTS}
    assert set(PUBLIC) - names == set()
    assert PUBLIC_ROUTES - routes == set()


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if not is_public(e)], ids=lambda e: e.label)
def test_anonymous_get_is_sent_to_login_or_refused(endpoint):
    client = Client()
    response = client.get(endpoint.path)
    if response.status_code == 301 and response["Location"].startswith("/"):
        # A permanent alias (allauth's legacy paths): what it points at must itself be protected.
        response = client.get(response["Location"])
    if endpoint.path.startswith("/api/"):
        assert response.status_code == 401, (endpoint.route, response.status_code)
        assert "detail" in response.json()
    else:
        assert response.status_code == 302, (endpoint.route, response.status_code)
        assert response["Location"].startswith(LOGIN_PAGES), (endpoint.route, response["Location"])


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.label)
def test_no_endpoint_fails_on_anonymous_junk(endpoint):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    junk = {"email": "<script>", "password": "\x00" * 3, "id": "../../etc/passwd", "page": "-1", "x" * 50: "y"}
    responses = [
        client.get(endpoint.path, junk),
        client.post(endpoint.path, junk),
        client.post(endpoint.path, b"{not json", content_type="application/json"),
        client.generic("PATCH", endpoint.path, b"\xff\xfe", content_type="application/json"),
    ]
    for response in responses:
        assert response.status_code < 500, (endpoint.route, response.status_code)
    if not is_public(endpoint):
        # Junk never reaches a protected view: login redirect, 401, 403 (CSRF) or 405.
        assert all(r.status_code in (301, 302, 401, 403, 405) for r in responses), [r.status_code for r in responses]
