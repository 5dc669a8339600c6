"""Rate limits on sign-in, signup, password reset, verification resend and the token API (SEC-RL, SEC-IP).

Each flow has its own limit per client IP and per account, counted on POST only in a database table that every
instance shares. The stories: someone guessing a password from several browsers and networks, someone forging
``X-Forwarded-For``, and the people who must not be locked out meanwhile. Time stands still in each test (one rate
window), and each refused attempt also shows that nothing happened: nobody signed in, no email, no row.
"""

from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.cache import cache, caches
from django.test import Client
from django_ratelimit.core import _get_window, _make_cache_key
from rest_framework.test import APIClient

from accounts.models import Organization, RefreshSession, User
from interview_analyzer.models import RateLimitCounter
from interview_analyzer.rate_limit_cache import DatabaseCounterCache
from interview_analyzer.roles import Role
from tests.factories import PASSWORD, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN_URL = "/accounts/login/"
SIGNUP_URL = "/accounts/signup/"
RESET_URL = "/accounts/password/reset/"
EMAIL_URL = "/accounts/email/"
TOKEN_URL = "/api/v1/auth/token"
START = datetime(2031, 3, 3, 9, 0, tzinfo=UTC)
HOME_NETWORK = "198.51.100.10"
CAFE_NETWORK = "198.51.100.20"
ATTACKER = "203.0.113.66"
GENEROUS = "1000/m"
WRONG = "not-the-password"


# --- helpers ----------------------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def clock():
    """One frozen instant, so every attempt of a test falls in the same rate window."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def _empty_counters():
    caches["ratelimit"].clear()


def limit(settings, flow: str, *, ip: str = GENEROUS, account: str = GENEROUS):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, flow: {"ip": ip, "account": account}}


def sign_in(client: Client, email: str, password: str = PASSWORD, ip: str = HOME_NETWORK, **headers):
    return client.post(LOGIN_URL, {"login": email, "password": password}, REMOTE_ADDR=ip, **headers)


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def obtain_token(email: str, password: str = PASSWORD, ip: str = HOME_NETWORK):
    return APIClient().post(TOKEN_URL, {"email": email, "password": password}, format="json", REMOTE_ADDR=ip)


def reset_password(email: str, ip: str = HOME_NETWORK):
    return Client().post(RESET_URL, {"email": email}, REMOTE_ADDR=ip)


def assert_page_429(response):
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert "Too many attempts" in response.content.decode()
    assert int(response["Retry-After"]) >= 1


def assert_api_429(response):
    assert response.status_code == 429
    assert response["Content-Type"].startswith("application/json")
    assert set(response.json()) == {"detail"}
    assert int(response["Retry-After"]) >= 1


def move_to_start_of_window(clock, value: str, period: int):
    """Travel to the first second of ``value``'s rate window (django-ratelimit staggers windows per key)."""
    end = _get_window(value, period)
    clock.move_to(datetime.fromtimestamp(end - period + 1, tz=UTC))
    assert _get_window(value, period) == end


@pytest.fixture
def rosa(acme):
    """Acme's recruiter, whose password someone is guessing."""
    return acme.recruiter.user


@pytest.fixture
def omar(acme):
    """Acme's hiring manager, who just wants to sign in."""
    return acme.hiring_manager.user


# --- sign-in: the per-account limit -----------------------------------------------------------------------------------


def test_account_limit_holds_when_guesses_alternate_between_two_browsers_on_one_network(settings, rosa):
    limit(settings, "login", account="3/m")
    laptop, phone = Client(), Client()

    answers = [sign_in(browser, rosa.email, WRONG).status_code for browser in (laptop, phone, laptop)]
    refused = sign_in(phone, rosa.email, PASSWORD)

    assert answers == [200, 200, 200]
    assert_page_429(refused)
    assert not signed_in(phone)
    rosa.refresh_from_db()
    assert rosa.last_login is None


def test_account_limit_holds_when_every_guess_comes_from_another_network(settings, rosa):
    limit(settings, "login", account="3/m")
    networks = ["198.51.100.1", "198.51.100.2", "198.51.100.3"]

    answers = [sign_in(Client(), rosa.email, WRONG, ip=network).status_code for network in networks]
    browser = Client()
    refused = sign_in(browser, rosa.email, PASSWORD, ip="198.51.100.4")

    assert answers == [200, 200, 200]
    assert_page_429(refused)
    assert not signed_in(browser)
    rosa.refresh_from_db()
    assert rosa.last_login is None


def test_capitals_and_spaces_in_the_email_do_not_start_a_fresh_account_count(settings, rosa):
    limit(settings, "login", account="3/m")
    spellings = [rosa.email.upper(), f"  {rosa.email}  ", rosa.email.title()]

    answers = [sign_in(Client(), spelling, WRONG).status_code for spelling in spellings]
    browser = Client()

    assert answers == [200, 200, 200]
    assert_page_429(sign_in(browser, rosa.email, PASSWORD))
    assert not signed_in(browser)


def test_account_limit_lives_in_the_database_not_in_the_default_cache(settings, rosa):
    limit(settings, "login", account="3/m")
    assert isinstance(caches["ratelimit"], DatabaseCounterCache)
    for _ in range(3):
        sign_in(Client(), rosa.email, WRONG)
    assert RateLimitCounter.objects.filter(value__gte=3).exists()  # the count is a database row

    cache.clear()  # what a restart does to a process-local cache
    browser = Client()

    assert_page_429(sign_in(browser, rosa.email, PASSWORD))
    assert not signed_in(browser)

    caches["ratelimit"].clear()  # only emptying the database table lifts it

    assert sign_in(browser, rosa.email, PASSWORD).status_code == 302
    assert signed_in(browser)


# --- sign-in: the per-IP limit and forged headers (SEC-IP) ------------------------------------------------------------


def test_forged_forwarded_for_does_not_reset_the_per_ip_limit(settings, acme):
    settings.TRUSTED_PROXY_HOPS = 0
    settings.TRUSTED_PROXY_CIDRS = []
    limit(settings, "login", ip="5/m")
    targets = [MembershipFactory(organization=acme.organization, role=Role.INTERVIEWER).user for _ in range(6)]

    answers = [
        sign_in(Client(), user.email, WRONG, ip=ATTACKER, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}").status_code
        for n, user in enumerate(targets[:5], start=1)
    ]
    browser = Client()
    refused = sign_in(browser, targets[5].email, PASSWORD, ip=ATTACKER, HTTP_X_FORWARDED_FOR="192.0.2.99")

    assert answers == [200] * 5
    assert_page_429(refused)
    assert not signed_in(browser)


def test_forged_forwarded_for_naming_someone_else_does_not_lock_them_out(settings, rosa, omar):
    settings.TRUSTED_PROXY_HOPS = 0
    limit(settings, "login", ip="3/m")
    for _ in range(4):
        sign_in(Client(), "nobody@example.test", WRONG, ip=ATTACKER, HTTP_X_FORWARDED_FOR=CAFE_NETWORK)

    browser = Client()
    response = sign_in(browser, omar.email, PASSWORD, ip=CAFE_NETWORK)

    assert response.status_code == 302
    assert signed_in(browser)


def test_behind_one_trusted_proxy_the_forwarded_client_is_counted_not_the_proxy(settings, omar):
    settings.TRUSTED_PROXY_HOPS = 1
    proxy = "10.0.0.2"
    limit(settings, "login", ip="3/m")
    for n in range(3):
        sign_in(Client(), f"guess{n}@example.test", WRONG, ip=proxy, HTTP_X_FORWARDED_FOR=ATTACKER)

    # The guesser prepends a made-up address; the proxy still appends the real one.
    refused = sign_in(Client(), omar.email, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=f"192.0.2.1, {ATTACKER}")
    browser = Client()
    welcomed = sign_in(browser, omar.email, PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR=CAFE_NETWORK)

    assert_page_429(refused)
    assert welcomed.status_code == 302
    assert signed_in(browser)


def test_someone_else_on_another_network_still_signs_in_while_one_account_is_locked(settings, rosa, omar):
    limit(settings, "login", ip="5/m", account="3/m")
    for _ in range(4):
        sign_in(Client(), rosa.email, WRONG, ip=ATTACKER)
    assert_page_429(sign_in(Client(), rosa.email, PASSWORD, ip=ATTACKER))

    browser = Client()
    response = sign_in(browser, omar.email, PASSWORD, ip=CAFE_NETWORK)

    assert response.status_code == 302
    assert signed_in(browser)


def test_get_requests_do_not_count(settings, rosa):
    limit(settings, "login", ip="3/m", account="3/m")
    browser = Client()
    for _ in range(10):
        assert browser.get(LOGIN_URL, REMOTE_ADDR=HOME_NETWORK).status_code == 200
        assert browser.get(f"{LOGIN_URL}?login={rosa.email}", REMOTE_ADDR=HOME_NETWORK).status_code == 200

    response = sign_in(browser, rosa.email, PASSWORD)

    assert response.status_code == 302
    assert signed_in(browser)


# --- each flow its own limit ------------------------------------------------------------------------------------------


def test_exhausting_sign_in_does_not_block_a_password_reset_or_a_token_from_the_same_network(settings, rosa):
    limit(settings, "login", ip="3/m", account="3/m")
    for _ in range(3):
        sign_in(Client(), rosa.email, WRONG)
    assert_page_429(sign_in(Client(), rosa.email, PASSWORD))

    reset = reset_password(rosa.email)
    token = obtain_token(rosa.email)

    assert reset.status_code == 302
    assert [message.to for message in mail.outbox] == [[rosa.email]]
    assert token.status_code == 200


def test_exhausting_password_reset_does_not_block_sign_in(settings, rosa):
    limit(settings, "password_reset", ip="2/m", account="2/m")
    for _ in range(2):
        reset_password(rosa.email)
    assert_page_429(reset_password(rosa.email))

    browser = Client()

    assert sign_in(browser, rosa.email, PASSWORD).status_code == 302
    assert signed_in(browser)


# --- the other flows --------------------------------------------------------------------------------------------------


def signup_form(email: str) -> dict:
    return {
        "email": email,
        "password1": "a-long-and-new-passphrase-42",
        "password2": "a-long-and-new-passphrase-42",
        "full_name": "Nina Newcomer",
        "organization_name": "Initech",
        "accept_dpa": "on",
    }


def test_signup_is_limited_per_address_and_the_refused_signup_creates_nothing(settings, db):
    limit(settings, "signup", account="2/m")
    newcomer = "nina@initech.test"
    for network in (HOME_NETWORK, CAFE_NETWORK):
        assert Client().post(SIGNUP_URL, {"email": newcomer}, REMOTE_ADDR=network).status_code == 200
    organizations_before = Organization.objects.count()

    response = Client().post(SIGNUP_URL, signup_form(newcomer), REMOTE_ADDR="198.51.100.30")

    assert_page_429(response)
    assert not User.objects.filter(email=newcomer).exists()
    assert Organization.objects.count() == organizations_before
    assert mail.outbox == []


def test_signup_is_limited_per_network(settings, db):
    limit(settings, "signup", ip="2/m")
    for n in range(2):
        Client().post(SIGNUP_URL, {"email": f"bot{n}@spam.test"}, REMOTE_ADDR=ATTACKER)

    response = Client().post(SIGNUP_URL, signup_form("bot9@spam.test"), REMOTE_ADDR=ATTACKER)

    assert_page_429(response)
    assert not User.objects.filter(email="bot9@spam.test").exists()
    # Someone else, elsewhere, signs up fine.
    assert Client().post(SIGNUP_URL, signup_form("nina@initech.test"), REMOTE_ADDR=CAFE_NETWORK).status_code == 302
    assert User.objects.filter(email="nina@initech.test").exists()


def test_password_reset_is_limited_per_account_across_networks_and_sends_no_more_mail(settings, rosa):
    limit(settings, "password_reset", account="2/m")
    for network in (HOME_NETWORK, CAFE_NETWORK):
        assert reset_password(rosa.email, ip=network).status_code == 302
    assert len(mail.outbox) == 2

    response = reset_password(rosa.email.upper(), ip="198.51.100.30")

    assert_page_429(response)
    assert len(mail.outbox) == 2


@pytest.fixture
def unverified(acme):
    """A new recruiter at Acme who has not clicked the verification link yet, signed in on two browsers."""
    user = UserFactory(verified=False)
    MembershipFactory(organization=acme.organization, user=user, role=Role.RECRUITER)
    browsers = [Client(), Client()]
    for browser in browsers:
        browser.force_login(user)
    return user, browsers


def resend(browser: Client, email: str, ip: str = HOME_NETWORK):
    return browser.post(EMAIL_URL, {"email": email, "action_send": ""}, REMOTE_ADDR=ip)


def test_verification_resend_is_limited_per_account_and_sends_no_more_mail(settings, unverified):
    limit(settings, "verification_resend", account="2/m")
    user, (laptop, phone) = unverified

    assert resend(laptop, user.email, ip=HOME_NETWORK).status_code == 302
    assert resend(phone, user.email, ip=CAFE_NETWORK).status_code == 302
    assert len(mail.outbox) == 2

    response = resend(laptop, user.email, ip="198.51.100.30")

    assert_page_429(response)
    assert len(mail.outbox) == 2


def test_token_api_is_limited_per_account_and_answers_json(settings, rosa):
    limit(settings, "token", account="2/m")
    for network in (HOME_NETWORK, CAFE_NETWORK):
        assert obtain_token(rosa.email, WRONG, ip=network).status_code == 401

    response = obtain_token(rosa.email, PASSWORD, ip="198.51.100.30")

    assert_api_429(response)
    assert not RefreshSession.objects.exists()


def test_token_api_is_limited_per_network(settings, rosa, omar):
    limit(settings, "token", ip="2/m")
    for n in range(2):
        obtain_token(f"guess{n}@example.test", WRONG, ip=ATTACKER)

    assert_api_429(obtain_token(rosa.email, PASSWORD, ip=ATTACKER))
    assert not RefreshSession.objects.exists()
    assert obtain_token(omar.email, PASSWORD, ip=CAFE_NETWORK).status_code == 200


# --- Retry-After tells the truth ----------------------------------------------------------------------------------


def test_token_api_retry_after_is_the_time_left_in_the_window(settings, rosa, clock):
    limit(settings, "token", account="3/h")
    move_to_start_of_window(clock, rosa.email, 3600)
    for _ in range(3):
        obtain_token(rosa.email, WRONG)

    response = obtain_token(rosa.email, PASSWORD)

    assert_api_429(response)
    assert int(response["Retry-After"]) == 3599


def test_sign_in_page_retry_after_is_the_time_left_in_the_window(settings, rosa, clock):
    limit(settings, "login", account="3/h")
    move_to_start_of_window(clock, rosa.email, 3600)
    for _ in range(3):
        sign_in(Client(), rosa.email, WRONG)

    response = sign_in(Client(), rosa.email, PASSWORD)

    assert_page_429(response)
    assert int(response["Retry-After"]) == 3599


# --- counters that must not be forgotten ------------------------------------------------------------------------------


def test_account_limit_of_an_hour_is_not_forgotten_after_five_quiet_minutes(settings, rosa, clock):
    limit(settings, "login", account="3/h")
    move_to_start_of_window(clock, rosa.email, 3600)
    for _ in range(3):
        sign_in(Client(), rosa.email, WRONG, ip=ATTACKER)
    assert_page_429(sign_in(Client(), rosa.email, WRONG, ip=ATTACKER))

    clock.shift(301)  # still 54 minutes left in the window
    browser = Client()
    response = sign_in(browser, rosa.email, PASSWORD, ip=ATTACKER)

    assert response.status_code == 429
    assert not signed_in(browser)


def _account_counter_key(flow: str, email: str, rate: str, period: int) -> str:
    value = email.strip().casefold()
    return caches["ratelimit"].make_key(
        _make_cache_key(f"{flow}:account", _get_window(value, period), rate, value, ("POST",))
    )


def test_flooding_the_table_with_made_up_accounts_does_not_unlock_a_guessed_account(settings, rosa, clock):
    limit(settings, "login", ip="5/h", account="3/h")
    # Pick a window in which Rosa's counter sorts in the lowest sixteenth of keys: a culling cache (Django's
    # DatabaseCache, which this project used first) would evict it at its first cull.
    for _ in range(200):
        if _account_counter_key("login", rosa.email, "3/h", 3600).split("rl:")[1].startswith("0"):
            break
        clock.shift(3600)
    move_to_start_of_window(clock, rosa.email, 3600)
    for _ in range(3):
        sign_in(Client(), rosa.email, WRONG, ip=ATTACKER)
    assert_page_429(sign_in(Client(), rosa.email, WRONG, ip=ATTACKER))

    # Refused by the per-IP limit, but each attempt still leaves a counter row for the address it names.
    flooder = Client()
    for n in range(320):
        sign_in(flooder, f"made-up-{n}@example.test", WRONG, ip=ATTACKER)
    browser = Client()
    response = sign_in(browser, rosa.email, PASSWORD, ip=CAFE_NETWORK)

    assert response.status_code == 429
    assert not signed_in(browser)


# --- the Django admin's sign-in (found from outside: it had no limit although operators see every tenant) ----------


@pytest.fixture
def operator(db):
    return UserFactory(email="ops@platform.example", is_staff=True, is_superuser=True)


def admin_sign_in(email: str, password: str = WRONG, ip: str = HOME_NETWORK):
    client = Client()
    response = client.post("/admin/login/", {"username": email, "password": password}, REMOTE_ADDR=ip)
    return client, response


def test_admin_sign_in_is_limited_per_account_from_any_network(settings, operator):
    limit(settings, "login", account="3/10m")
    for ip in ("198.51.100.1", "198.51.100.2", "198.51.100.3"):
        _, response = admin_sign_in(operator.email, ip=ip)
        assert response.status_code == 200  # the admin's own "please enter a correct email" page
    client, response = admin_sign_in(operator.email, password=PASSWORD, ip="198.51.100.4")
    assert_page_429(response)
    assert not signed_in(client)  # even the right password is not tried while locked


def test_admin_sign_in_is_limited_per_ip(settings, operator, omar):
    limit(settings, "login", ip="2/10m")
    admin_sign_in("a@example.com", ip=ATTACKER)
    admin_sign_in("b@example.com", ip=ATTACKER)
    _, response = admin_sign_in(operator.email, password=PASSWORD, ip=ATTACKER)
    assert_page_429(response)
    _, elsewhere = admin_sign_in(operator.email, password=PASSWORD, ip=CAFE_NETWORK)
    assert elsewhere.status_code == 302  # the operator, from their own network, signs in


def test_admin_and_product_sign_in_share_one_account_count(settings, operator):
    """Alternating between the two sign-in pages gains a guesser nothing."""
    limit(settings, "login", account="2/10m")
    sign_in(Client(), operator.email, WRONG)
    admin_sign_in(operator.email)
    _, response = admin_sign_in(operator.email, password=PASSWORD)
    assert_page_429(response)
    assert_page_429(sign_in(Client(), operator.email, PASSWORD))
