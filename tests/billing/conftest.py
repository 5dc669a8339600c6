"""Billing fixtures: the local Stripe double with the settings that point the real ``stripe`` client at it."""

import pytest

from tests.billing.stripe_server import SECRET_KEY, WEBHOOK_SECRET, StripeServer

PRICES = {"team": "price_team", "business": "price_business"}


def point_stripe_at(settings, base_url: str) -> None:
    settings.STRIPE_SECRET_KEY = SECRET_KEY
    settings.STRIPE_API_BASE = base_url
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_PRICES = dict(PRICES)
    settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.OUTBOUND_ALLOW_LOOPBACK = True


@pytest.fixture
def stripe_double(settings):
    """A running Stripe double (no webhook URL: tests deliver its events themselves) and settings aimed at it."""
    with StripeServer(prices={"price_team": 4900, "price_business": 19900}) as double:
        point_stripe_at(settings, double.base_url)
        yield double


@pytest.fixture
def fakturownia(settings):
    """The Fakturownia double, with the settings that send invoices there through the outbound allowlist."""
    from tests.billing.fakturownia_server import API_TOKEN, FakturowniaServer

    with FakturowniaServer() as double:
        settings.FAKTUROWNIA_URL = double.base_url
        settings.FAKTUROWNIA_API_TOKEN = API_TOKEN
        settings.OUTBOUND_ALLOWED_HOSTS = ["127.0.0.1"]
        settings.OUTBOUND_ALLOW_LOOPBACK = True
        yield double
