"""allauth's pages render in the product's own layout (issue 14, "Polish"): the product's top bar and footer on every
page, the signed-in account pages with the account side navigation, and none of allauth's bare default markup."""

import time

import pytest
from allauth.mfa.models import Authenticator

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SIGNED_OUT = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/password/reset/key/done/",
    "/accounts/confirm-email/",
    "/accounts/confirm-email/not-a-key/",
    "/accounts/password/reset/key/AAAAAAAAAAAAAAAAAAAAAA-set-password/",  # a bad link: the "bad token" page
]
SIGNED_IN = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/3rdparty/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",  # asks to reauthenticate first: that page is in the layout too
]


def sign_in(client, user):
    """Through the sign-in form, so allauth records a fresh password authentication (no reauthentication asked)."""
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]


def assert_product_layout(response):
    html = response.content.decode()
    assert response.status_code == 200, (response.status_code, html[:500])
    assert 'class="topbar"' in html and 'class="footer"' in html
    assert "Menu:" not in html and "Messages:" not in html  # allauth's bare default layout


@pytest.mark.parametrize("path", SIGNED_OUT)
def test_signed_out_account_pages_use_the_product_card(client, path):
    response = client.get(path, follow=True)
    assert_product_layout(response)
    assert 'class="auth-card"' in response.content.decode()


@pytest.mark.parametrize("path", SIGNED_IN)
def test_signed_in_account_pages_use_the_account_navigation(client, acme, path):
    sign_in(client, acme.recruiter.user)
    response = client.get(path, follow=True)
    assert_product_layout(response)
    html = response.content.decode()
    if response.redirect_chain:  # reauthentication asked first: an entrance page, in the product's card
        assert response.request["PATH_INFO"] == "/accounts/reauthenticate/" and 'class="auth-card"' in html
        return
    assert 'class="settings-layout account-layout"' in html
    assert 'aria-current="page"' in html.split('class="settings-nav"')[1].split("</nav>")[0]
    assert "<section>" not in html  # allauth's bare panel element is replaced by the product's


def test_two_factor_pages_use_the_product_layout(client, acme):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value

    user = acme.recruiter.user
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    assert Authenticator.objects.filter(user=user).count() == 2
    response = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD}, follow=True)
    assert response.request["PATH_INFO"] == "/accounts/2fa/authenticate/"
    assert_product_layout(response)
    assert 'class="auth-card"' in response.content.decode()
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    response = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert response.status_code == 302, response.content.decode()[:3000]
    for path in ["/accounts/2fa/", "/accounts/2fa/recovery-codes/", "/accounts/2fa/totp/deactivate/"]:
        response = client.get(path, follow=True)
        assert_product_layout(response)
        html = response.content.decode()
        assert 'class="settings-layout account-layout"' in html or (
            response.request["PATH_INFO"] == "/accounts/reauthenticate/" and 'class="auth-card"' in html
        )
