"""allauth's two-factor pages say "passkey", as the rest of the product does, in English and Swedish (MFA-1).

The product calls WebAuthn credentials passkeys; allauth's own pages call them "security keys" ("säkerhetsnycklar").
Every page under allauth's ``mfa_*`` URL names that a member can reach is fetched through the test client, in both
languages, in the states that show its passkey texts (a member with an authenticator app, recovery codes and a
passkey; a member with nothing set up yet), and must show no "security key" / "säkerhetsnyckel", be in the product's
layout (its top bar and footer; the account side navigation on the managing pages, the sign-in card on the entrance
pages), and keep the form fields, CSRF tokens and element ids that allauth's WebAuthn JavaScript needs (the browser
journey in tests/e2e/test_mfa_journey.py runs that JavaScript). The list of ``mfa_*`` URL names comes from the URL
configuration, so a page allauth adds later is a failure here until it is looked at.
"""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core.cache import cache, caches
from django.test import Client
from django.urls import get_resolver, reverse

from accounts import passkeys
from tests.accounts.soft_authenticator import HOST, add_passkey, stored_passkey
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "sv"]
FORBIDDEN = re.compile(r"security[\s-]*keys?|säkerhetsnyck", re.I)
# The Swedish and English passkey texts each page must show (so a page that is blank or in the wrong language fails).
PASSKEYS = {"en": "Passkeys", "sv": "Passkeys"}
ADD_PASSKEY = {"en": "Add passkey", "sv": "Lägg till passkey"}
USE_A_PASSKEY = {"en": "Use a passkey", "sv": "Använd en passkey"}
RENAME_PASSKEY = {"en": "Rename passkey", "sv": "Byt namn på passkey"}
ADDED = {"en": "Passkey added.", "sv": "Passkey tillagd."}
REMOVED = {"en": "Passkey removed.", "sv": "Passkey borttagen."}
# allauth's mfa_* names not routed with this configuration (passkey sign-in and sign-up are off: passkeys are a second
# factor here; "trust this browser" is off), so no member can reach them.
NOT_ROUTED = {"mfa_login_webauthn", "mfa_signup_webauthn", "mfa_trust"}


@pytest.fixture(autouse=True)
def _fresh_counters():
    """Rate-limit counters and allauth's used-TOTP markers start empty (each test signs in with a fresh code)."""
    caches["ratelimit"].clear()
    cache.clear()


def browser_in(language: str, user) -> Client:
    user.language = language  # the profile's language decides once signed in; the browser's before
    user.save(update_fields=["language"])
    return Client(HTTP_HOST=HOST, HTTP_ACCEPT_LANGUAGE=language)


def text(response) -> str:
    return response.content.decode()


def assert_passkey_wording(response, language: str, *, layout: str) -> str:
    """200, no "security key" anywhere in the page (text, labels, titles), the page in ``language`` and the product's
    layout: ``layout`` is "manage" (account side navigation) or "entrance" (the sign-in card)."""
    html = text(response)
    assert response.status_code == 200, (response.status_code, html[:500])
    assert FORBIDDEN.search(html) is None, FORBIDDEN.search(html).group(0)
    assert f'<html lang="{language}">' in html
    assert 'class="topbar"' in html and 'class="footer"' in html  # the product's base.html
    assert "Menu:" not in html and "Messages:" not in html  # allauth's bare default layout
    if layout == "manage":
        assert 'class="settings-layout account-layout"' in html
        nav = html.split('class="settings-nav"')[1].split("</nav>")[0]
        assert 'href="/accounts/2fa/" aria-current="page"' in nav  # the two-factor entry of the account navigation
    else:
        assert 'class="auth-card"' in html
    assert 'name="csrfmiddlewaretoken"' in html or response.resolver_match.url_name in {
        "mfa_index",
        "mfa_list_webauthn",
    }
    return html


def assert_webauthn_hooks(html: str, button_id: str, onload: str):
    """The elements allauth's webauthn.js reads (its data-allauth-onload block names them by id)."""
    assert f'id="{button_id}"' in html
    assert '<script id="js_data" type="application/json">' in html
    assert f'<script data-allauth-onload="allauth.webauthn.forms.{onload}" type="application/json">' in html
    for script in ("mfa/js/webauthn-json.js", "mfa/js/webauthn.js", "account/js/onload.js"):
        assert re.search(rf'<script src="[^"]*{re.escape(script)}"></script>', html), script
    ids = re.search(r'data-allauth-onload="[^"]+" type="application/json">(.*?)</script>', html, re.S).group(1)
    for element_id in re.findall(r'"(?:add|authenticate|credential|data)": "([^"]+)"', ids):
        assert f'id="{element_id}"' in html, element_id


def mfa_url_names() -> set[str]:
    return {name for name in get_resolver().reverse_dict if isinstance(name, str) and name.startswith("mfa_")}


@pytest.fixture
def protected(acme):
    """A recruiter with an authenticator app, recovery codes and a passkey."""
    user = acme.recruiter.user
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    RecoveryCodes.activate(user)
    passkey = stored_passkey(user, "Work laptop")
    return user, secret, passkey


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_two_factor_page_says_passkey_in_the_product_layout(protected, acme, language):
    user, secret, passkey = protected
    browser = browser_in(language, user)
    seen = set()

    def get(url, *, layout):
        response = browser.get(url)
        seen.add(response.resolver_match.url_name)
        return assert_passkey_wording(response, language, layout=layout)

    # Signing in: the password, then the second step, with the passkey offered beside the code.
    response = browser.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    html = get(reverse("mfa_authenticate"), layout="entrance")
    assert USE_A_PASSKEY[language] in html
    assert 'name="code"' in html and 'name="credential"' in html
    assert html.count('name="csrfmiddlewaretoken"') >= 3  # the code form, the passkey form, the cancel form
    assert_webauthn_hooks(html, "mfa_webauthn_authenticate", "authenticateForm")
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    assert browser.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302

    # Confirming access, by code or by passkey: the other ways are offered as "use a passkey", not a security key.
    html = get(reverse("mfa_reauthenticate"), layout="entrance")
    assert 'name="code"' in html and USE_A_PASSKEY[language] in html
    assert 'href="/accounts/2fa/webauthn/reauthenticate/"' in html
    html = get(reverse("mfa_reauthenticate_webauthn"), layout="entrance")
    assert USE_A_PASSKEY[language] in html and 'name="credential"' in html
    assert_webauthn_hooks(html, "mfa_webauthn_reauthenticate", "authenticateForm")
    assert browser.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302

    html = get(reverse("mfa_index"), layout="manage")
    assert PASSKEYS[language] in html
    assert {"en": "You have added 1 passkey.", "sv": "Du har lagt till 1 passkey."}[language] in html
    html = get(reverse("mfa_list_webauthn"), layout="manage")
    assert "Work laptop" in html and f"<title>{PASSKEYS[language]} · Interview Analyzer</title>" in html
    ref = passkeys.passkey_ref(passkey)
    html = get(reverse("mfa_edit_webauthn", kwargs={"ref": ref}), layout="manage")
    assert RENAME_PASSKEY[language] in html and 'name="name"' in html and 'value="Work laptop"' in html
    assert f'action="{reverse("mfa_edit_webauthn", kwargs={"ref": ref})}"' in html
    html = get(reverse("mfa_remove_webauthn", kwargs={"ref": ref}), layout="manage")
    assert {"en": "Remove passkey", "sv": "Ta bort passkey"}[language] in html
    html = get(reverse("mfa_add_webauthn"), layout="manage")
    assert ADD_PASSKEY[language] in html and 'name="name"' in html and 'value="Passkey 2"' in html
    assert f"<title>{ADD_PASSKEY[language]} · Interview Analyzer</title>" in html
    assert_webauthn_hooks(html, "mfa_webauthn_add", "addForm")
    get(reverse("mfa_deactivate_totp"), layout="manage")
    get(reverse("mfa_view_recovery_codes"), layout="manage")
    get(reverse("mfa_generate_recovery_codes"), layout="manage")
    download = browser.get(reverse("mfa_download_recovery_codes"))
    seen.add(download.resolver_match.url_name)
    assert download.status_code == 200 and FORBIDDEN.search(text(download)) is None

    # Removing the passkey on the page: allauth's message after it says passkey too.
    response = browser.post(reverse("mfa_remove_webauthn", kwargs={"ref": ref}), follow=True)
    assert REMOVED[language] in assert_passkey_wording(response, language, layout="manage")
    assert not Authenticator.objects.filter(pk=passkey.pk).exists()

    # The member with nothing set up is covered below (the activation page and the empty states).
    assert seen >= mfa_url_names() - NOT_ROUTED - {"mfa_activate_totp"}, mfa_url_names() - NOT_ROUTED - seen


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_member_without_two_factor_sees_passkeys_and_adds_one(acme, language):
    user = acme.interviewer.user
    browser = browser_in(language, user)
    assert browser.post(reverse("account_login"), {"login": user.email, "password": PASSWORD}).status_code == 302
    html = assert_passkey_wording(browser.get(reverse("mfa_index")), language, layout="manage")
    assert {"en": "No passkeys have been added.", "sv": "Inga passkeys har lagts till."}[language] in html
    assert 'href="/accounts/2fa/webauthn/add/"' in html
    assert browser.post(reverse("account_reauthenticate"), {"password": PASSWORD}).status_code == 302
    assert_passkey_wording(browser.get(reverse("mfa_activate_totp")), language, layout="manage")
    html = assert_passkey_wording(browser.get(reverse("mfa_add_webauthn")), language, layout="manage")
    assert 'value="Passkey"' in html  # the suggested name, not allauth's "Master key"
    html = assert_passkey_wording(browser.get(reverse("mfa_list_webauthn")), language, layout="manage")
    assert {"en": "No passkeys have been added.", "sv": "Inga passkeys har lagts till."}[language] in html

    response = add_passkey(browser, "Phone")
    assert response.status_code == 302, text(response)[:2000]
    page = browser.get(response["Location"], follow=True)  # allauth shows the new recovery codes first
    assert ADDED[language] in assert_passkey_wording(page, language, layout="manage")
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.WEBAUTHN).get().wrap().name == "Phone"


def test_every_reachable_mfa_page_is_covered():
    """The URL configuration's mfa_* names are the ones these tests visit, plus those not routed here."""
    visited = {
        "mfa_index",
        "mfa_authenticate",
        "mfa_reauthenticate",
        "mfa_activate_totp",
        "mfa_deactivate_totp",
        "mfa_view_recovery_codes",
        "mfa_generate_recovery_codes",
        "mfa_download_recovery_codes",
        "mfa_list_webauthn",
        "mfa_add_webauthn",
        "mfa_reauthenticate_webauthn",
        "mfa_edit_webauthn",
        "mfa_remove_webauthn",
    }
    assert mfa_url_names() == visited
    assert not (NOT_ROUTED & mfa_url_names())
