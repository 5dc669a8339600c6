"""SSO with Microsoft and Google through django-allauth (ID-5).

The provider's side is not reachable here, so the tests start where allauth has verified the provider's answer:
a ``SocialLogin`` carrying the provider account and the email addresses it vouches for, completed through allauth's
own flow. The start of the flow (the redirect to the provider) is real.
"""

from urllib.parse import parse_qs, urlparse

import pytest
from allauth.account.models import EmailAddress
from allauth.core.context import request_context
from allauth.socialaccount.helpers import complete_social_login
from allauth.socialaccount.models import SocialAccount, SocialLogin
from django.contrib.auth import get_user_model
from django.contrib.messages.middleware import MessageMiddleware
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def google(settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        **settings.SOCIALACCOUNT_PROVIDERS,
        "google": {
            "APPS": [{"client_id": "test-client-id.apps.googleusercontent.com", "secret": "test-secret", "key": ""}],
            "SCOPE": ["openid", "email", "profile"],
        },
    }


def provider_answer(email: str, verified: bool, uid: str = "google-uid-1") -> SocialLogin:
    account = SocialAccount(provider="google", uid=uid, extra_data={"email": email, "email_verified": verified})
    user = User(email=email)
    return SocialLogin(
        user=user, account=account, email_addresses=[EmailAddress(email=email, verified=verified, primary=True)]
    )


def finish(sociallogin: SocialLogin):
    request = RequestFactory().get("/accounts/google/login/callback/")
    SessionMiddleware(lambda r: None).process_request(request)
    MessageMiddleware(lambda r: None).process_request(request)
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    sociallogin.state = {"process": "login", "next": "/"}
    with request_context(request):
        sociallogin.provider = sociallogin.account.get_provider(request)
        return request, complete_social_login(request, sociallogin)


def test_sign_in_with_google_starts_at_google_with_our_client_id(client, google):
    response = client.post("/accounts/google/login/")
    assert response.status_code == 302
    target = urlparse(response["Location"])
    assert target.netloc == "accounts.google.com"
    query = parse_qs(target.query)
    assert query["client_id"] == ["test-client-id.apps.googleusercontent.com"]
    assert "state" in query


def test_an_unconfigured_provider_is_not_there(client):
    assert client.post("/accounts/microsoft/login/").status_code == 404


def test_a_new_sso_user_has_no_usable_password(google):
    request, response = finish(provider_answer("sso.person@newco.test", verified=True))
    user = User.objects.get(email="sso.person@newco.test")
    assert not user.has_usable_password()
    assert SocialAccount.objects.filter(user=user, provider="google").exists()
    assert EmailAddress.objects.filter(user=user, email="sso.person@newco.test", verified=True).exists()


def test_sso_links_to_an_existing_account_when_the_provider_verified_the_email(acme, google):
    existing = acme.recruiter.user
    request, response = finish(provider_answer(existing.email, verified=True, uid="google-uid-2"))
    assert SocialAccount.objects.get(uid="google-uid-2").user == existing
    assert User.objects.filter(email__iexact=existing.email).count() == 1


def test_sso_with_an_unverified_email_never_takes_over_an_existing_account(acme, google):
    existing = acme.recruiter.user
    request, response = finish(provider_answer(existing.email, verified=False, uid="google-uid-3"))
    assert not SocialAccount.objects.filter(uid="google-uid-3", user=existing).exists()
    assert request.user != existing
    assert User.objects.filter(email__iexact=existing.email).count() == 1
