"""Fakturownia's HTTP API, through the outbound wrapper (BIL-4, SEC-SSRF).

One call: ``POST {FAKTUROWNIA_URL}/invoices.json`` with the API token and the invoice, answered 201 with the created
invoice (its ``id``, ``number`` and ``view_url``). The host of ``FAKTUROWNIA_URL`` must be in
``OUTBOUND_ALLOWED_HOSTS``. The token travels in the JSON body, never in a URL that a log line could print.

Whether a failed call may be sent again matters, because a second POST would issue a second invoice:
- it never reached Fakturownia (no connection, a refused connection): retry;
- Fakturownia answered 429 or 5xx: it did not create the invoice; retry;
- Fakturownia answered another 4xx (a bad token, an invalid invoice): permanent, nothing to retry;
- the answer was lost after the request was sent (a read timeout): Fakturownia may have created it, so it is not
  retried automatically; the billing page says to check Fakturownia for the order id (the Stripe invoice id).
"""

from django.conf import settings

from interview_analyzer.outbound import OutboundRefused, outbound_client

# Transport errors that prove the request never left this server: sending it again cannot issue a second invoice.
NOT_SENT_ERRORS = {"ConnectError", "ConnectTimeout", "PoolTimeout"}


class FakturowniaError(Exception):
    def __init__(self, reason: str, *, retryable: bool):
        super().__init__(reason)
        self.reason, self.retryable = reason, retryable


def is_configured() -> bool:
    return bool(settings.FAKTUROWNIA_URL and settings.FAKTUROWNIA_API_TOKEN)


def create_invoice(invoice: dict) -> dict:
    url = settings.FAKTUROWNIA_URL.rstrip("/") + "/invoices.json"
    body = {"api_token": settings.FAKTUROWNIA_API_TOKEN, "invoice": invoice}
    try:
        with outbound_client() as client:
            response = client.post(url, json=body, headers={"Accept": "application/json"})
    except OutboundRefused as error:
        raise FakturowniaError(
            f"Fakturownia is not an allowed outbound destination ({error})", retryable=False
        ) from error
    except Exception as error:  # the transport's errors: were we heard?
        if type(error).__name__ in NOT_SENT_ERRORS:
            raise FakturowniaError(
                f"Fakturownia could not be reached ({type(error).__name__})", retryable=True
            ) from error
        raise FakturowniaError(
            f"No answer from Fakturownia ({type(error).__name__}): check there for an invoice with order id "
            f"{invoice.get('oid')} before issuing it by hand",
            retryable=False,
        ) from error
    if response.status_code == 429 or response.status_code >= 500:
        raise FakturowniaError(f"Fakturownia answered HTTP {response.status_code}", retryable=True)
    if response.status_code not in (200, 201):
        raise FakturowniaError(f"Fakturownia refused the invoice (HTTP {response.status_code})", retryable=False)
    try:
        created = response.json()
        return {
            "id": str(created["id"]),
            "number": str(created.get("number") or ""),
            "view_url": created.get("view_url"),
        }
    except (ValueError, KeyError, TypeError) as error:
        raise FakturowniaError("Fakturownia's answer had no invoice id", retryable=False) from error
