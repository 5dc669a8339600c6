"""The ``stripe`` package's client, configured from settings, talking through the outbound wrapper (BIL-1, SEC-SSRF).

``STRIPE_API_BASE`` points it at Stripe, or at the local Stripe double (``tests/billing/stripe_server.py``) in tests
and local trials. Every request goes through ``interview_analyzer.outbound``: the Stripe host must be in
``OUTBOUND_ALLOWED_HOSTS`` like every other outbound destination, and private addresses are refused.
"""

from urllib.parse import urlsplit

import stripe
from django.conf import settings

from interview_analyzer.outbound import OutboundRefused, outbound_client


class StripeNotConfigured(Exception):
    """No ``STRIPE_SECRET_KEY``: the deployment runs without payments (every organization on the default plan)."""


class OutboundHTTPClient(stripe.HTTPClient):
    """``stripe.HTTPClient`` over ``outbound_client()``: the allowlist and the address checks apply to Stripe too."""

    name = "outbound"

    def __init__(self):
        super().__init__()
        self._client = outbound_client()

    def request(self, method, url, headers, post_data=None):
        try:
            response = self._client.request(method.upper(), url, headers=dict(headers or {}), content=post_data)
        except OutboundRefused as error:
            raise stripe.APIConnectionError(f"Stripe is not an allowed outbound destination: {error}") from error
        except Exception as error:  # the transport's errors (timeouts, refused connections) become Stripe's own
            raise stripe.APIConnectionError(f"Stripe could not be reached: {error}") from error
        return response.content, response.status_code, response.headers

    def close(self):
        self._client.close()


def is_configured() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def client() -> stripe.StripeClient:
    if not is_configured():
        raise StripeNotConfigured
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE.rstrip("/")},
        http_client=OutboundHTTPClient(),
        max_network_retries=1,
    )


STRIPE_HOSTED_PAGES = ("https://checkout.stripe.com", "https://billing.stripe.com")


def hosted_page_origins() -> tuple[str, ...]:
    """Where Stripe's Checkout and portal pages live, for the billing page's CSP ``form-action`` (SEC-HDR): its
    buttons post here and are redirected there, which ``form-action 'self'`` would block. With ``STRIPE_API_BASE``
    pointing elsewhere (the local Stripe double), that origin serves the hosted pages."""
    base = urlsplit(settings.STRIPE_API_BASE)
    if base.hostname == "api.stripe.com":
        return STRIPE_HOSTED_PAGES
    return (f"{base.scheme}://{base.netloc}",)
