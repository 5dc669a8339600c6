"""Inbound webhooks (SEC-HOOK): Stripe's (BIL-3) and the email provider's bounces and complaints (INT-2).

Both are public by nature (the provider holds no session) and so exempt from CSRF: the provider's signature over the
raw request body is the credential, checked before anything is parsed or stored, with a timestamp tolerance
against replays of old captures. Every refusal is a 400 with a JSON ``detail`` and changes nothing; an event id
already stored is answered 200 and changes nothing; an unknown event type is stored, ignored and answered 200, so
the provider does not retry it forever. Nothing here answers 5xx to bad input.

- Stripe: ``Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(STRIPE_WEBHOOK_SECRET, "<t>.<raw body>")>``, verified by
  ``stripe.Webhook.construct_event`` within ``STRIPE_WEBHOOK_TOLERANCE_SECONDS``.
- Email provider: ``X-Webhook-Timestamp: <unix>`` and ``X-Webhook-Signature: <hex HMAC-SHA256(EMAIL_WEBHOOK_SECRET,
  "<timestamp>.<raw body>")>`` within ``EMAIL_WEBHOOK_TOLERANCE_SECONDS``; the body is
  ``{"id": "<event id>", "type": "bounce" | "complaint" | …, "recipient": "<address>", "created": <unix>}``.
"""

import hashlib
import hmac
import json
import time

import stripe
from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from billing import email_events, stripe_events


def _refused(detail: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"detail": detail}, status=status)


@csrf_exempt
@require_POST
def stripe_webhook(request):
    secret = settings.STRIPE_WEBHOOK_SECRET
    header = request.headers.get("Stripe-Signature", "")
    if not secret:
        return _refused("Stripe webhooks are not configured on this server.")
    if not header:
        return _refused("Missing Stripe-Signature header.")
    payload = request.body  # the raw bytes, exactly as signed
    try:
        stripe.WebhookSignature.verify_header(
            payload.decode("utf-8"), header, secret, tolerance=settings.STRIPE_WEBHOOK_TOLERANCE_SECONDS
        )
    except (stripe.SignatureVerificationError, UnicodeDecodeError):
        return _refused("The signature does not match the body, or its timestamp is outside the tolerance.")
    try:
        event = json.loads(payload)
        outcome = stripe_events.handle(event)
    except (ValueError, stripe_events.MalformedEvent):
        return _refused("The signed body is not a Stripe event this server can read.")
    return JsonResponse({"received": True, "outcome": outcome})


def _email_signature_valid(payload: bytes, timestamp: str, signature: str) -> bool:
    secret = settings.EMAIL_WEBHOOK_SECRET
    if not secret or not timestamp.isdigit() or len(timestamp) > 12 or not signature:
        return False
    if abs(time.time() - int(timestamp)) > settings.EMAIL_WEBHOOK_TOLERANCE_SECONDS:
        return False
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + payload, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature.strip().lower())


@csrf_exempt
@require_POST
def email_webhook(request):
    if not settings.EMAIL_WEBHOOK_SECRET:
        return _refused("Email webhooks are not configured on this server.")
    timestamp = request.headers.get("X-Webhook-Timestamp", "")
    signature = request.headers.get("X-Webhook-Signature", "")
    if not timestamp or not signature:
        return _refused("Missing X-Webhook-Timestamp or X-Webhook-Signature header.")
    payload = request.body
    if not _email_signature_valid(payload, timestamp, signature):
        return _refused("The signature does not match the body, or its timestamp is outside the tolerance.")
    try:
        outcome = email_events.handle(json.loads(payload))
    except (ValueError, email_events.MalformedEvent):
        return _refused("The signed body is not an email event this server can read.")
    return JsonResponse({"received": True, "outcome": outcome})
