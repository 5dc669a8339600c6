"""A local HTTP server that speaks the parts of Stripe's API the product calls (BIL-1, BIL-3), for tests and trials.

The real ``stripe`` client talks to it (``STRIPE_API_BASE`` points here): it creates customers, Checkout Sessions
and customer-portal sessions, answers with Stripe's object shapes and checks the secret key as Stripe does. Its
hosted pages stand in for Stripe's: ``/c/pay/<session>`` is a Checkout page whose button "pays" (a subscription
and a paid invoice are created) and ``/p/session/<id>`` a portal page to switch plans or cancel. Each of them sends
the events Stripe would send, signed with the webhook secret the way Stripe signs them (``Stripe-Signature:
t=<unix>,v1=<HMAC-SHA256 of "<t>.<raw body>">``), to the product's webhook URL, then redirects back.

Run it next to the embedded default to try payments locally::

    .venv/bin/python -m tests.billing.stripe_server --port 12111 \\
        --webhook-url http://127.0.0.1:8000/webhooks/stripe/ --price team=price_team --price business=price_business

with ``STRIPE_SECRET_KEY=sk_test_local STRIPE_API_BASE=http://127.0.0.1:12111 STRIPE_WEBHOOK_SECRET=whsec_local
STRIPE_PRICES=team=price_team,business=price_business OUTBOUND_ALLOWED_HOSTS=127.0.0.1 OUTBOUND_ALLOW_LOOPBACK=1``.
"""

import argparse
import hashlib
import hmac
import html
import json
import re
import secrets
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlparse

SECRET_KEY = "sk_test_local"
WEBHOOK_SECRET = "whsec_local"
API_VERSION = "2025-09-30.clover"


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def sign(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header for ``payload``, as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def decode_form(body: str) -> dict:
    """Stripe's form encoding (``a[b][0][c]=v``) back into nested dicts and lists."""
    root: dict = {}
    for key, value in parse_qsl(body, keep_blank_values=True):
        parts = re.findall(r"[^\[\]]+", key)
        node = root
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value

    def lists(node):
        if isinstance(node, dict):
            if node and all(k.isdigit() for k in node):
                return [lists(node[k]) for k in sorted(node, key=int)]
            return {k: lists(v) for k, v in node.items()}
        return node

    return lists(root)


class StripeDouble:
    """State of the double, shared by its handler threads."""

    def __init__(self, *, secret_key=SECRET_KEY, webhook_url="", webhook_secret=WEBHOOK_SECRET, prices=None):
        self.secret_key = secret_key
        self.webhook_url = webhook_url
        self.webhook_secret = webhook_secret
        self.prices = dict(prices or {})  # price id -> amount in cents
        self.lock = threading.Lock()
        self.customers: dict[str, dict] = {}
        self.sessions: dict[str, dict] = {}
        self.portal_sessions: dict[str, dict] = {}
        self.subscriptions: dict[str, dict] = {}
        self.invoices: dict[str, dict] = {}
        self.requests: list[tuple[str, str, dict]] = []  # (method, path, params) of API calls
        self.deliveries: list[tuple[str, int]] = []  # (event type, status the webhook answered)
        self.base_url = ""
        self._invoice_number = 0

    # --- events ---------------------------------------------------------------------------------------------------

    def event(self, type_: str, obj: dict, *, created: int | None = None) -> dict:
        return {
            "id": new_id("evt"),
            "object": "event",
            "api_version": API_VERSION,
            "created": int(time.time()) if created is None else created,
            "livemode": False,
            "pending_webhooks": 1,
            "type": type_,
            "data": {"object": json.loads(json.dumps(obj))},
        }

    def deliver(self, event: dict) -> int:
        """POST a signed event to the webhook URL, as Stripe does; returns the status it answered."""
        if not self.webhook_url:
            return 0
        payload = json.dumps(event).encode()
        request = urllib.request.Request(  # noqa: S310 - a local test URL
            self.webhook_url,
            data=payload,
            headers={"Content-Type": "application/json", "Stripe-Signature": sign(payload, self.webhook_secret)},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                status = response.status
        except urllib.error.HTTPError as error:
            status = error.code
        self.deliveries.append((event["type"], status))
        return status

    # --- objects ----------------------------------------------------------------------------------------------------

    def subscription_for(self, customer: str, price: str, metadata: dict) -> dict:
        now = int(time.time())
        subscription = {
            "id": new_id("sub"),
            "object": "subscription",
            "customer": customer,
            "status": "active",
            "cancel_at_period_end": False,
            "created": now,
            "metadata": metadata,
            "items": {
                "object": "list",
                "data": [
                    {
                        "id": new_id("si"),
                        "object": "subscription_item",
                        "price": {"id": price, "object": "price", "unit_amount": self.prices.get(price, 4900)},
                        "quantity": 1,
                        "current_period_start": now,
                        "current_period_end": now + 30 * 86400,
                    }
                ],
            },
        }
        self.subscriptions[subscription["id"]] = subscription
        return subscription

    def paid_invoice(self, subscription: dict) -> dict:
        self._invoice_number += 1
        customer = self.customers.get(subscription["customer"], {})
        item = subscription["items"]["data"][0]
        amount = item["price"]["unit_amount"]
        invoice = {
            "id": new_id("in"),
            "object": "invoice",
            "customer": subscription["customer"],
            "customer_email": customer.get("email"),
            "customer_name": customer.get("name"),
            "subscription": subscription["id"],
            "number": f"LOCAL-{self._invoice_number:04d}",
            "status": "paid",
            "currency": "eur",
            "amount_due": amount,
            "amount_paid": amount,
            "created": int(time.time()),
            "hosted_invoice_url": f"{self.base_url}/i/{self._invoice_number}",
            "lines": {
                "object": "list",
                "data": [{"description": f"Subscription ({item['price']['id']})", "amount": amount, "quantity": 1}],
            },
        }
        self.invoices[invoice["id"]] = invoice
        return invoice

    def complete_checkout(self, session_id: str) -> list[dict]:
        """The customer paid on the Checkout page: the events Stripe sends, in Stripe's order."""
        with self.lock:
            session = self.sessions[session_id]
            price = session["line_items"][0]["price"]
            subscription = self.subscription_for(
                session["customer"], price, (session.get("subscription_data") or {}).get("metadata", {})
            )
            invoice = self.paid_invoice(subscription)
            session.update(status="complete", payment_status="paid", subscription=subscription["id"])
            public = {k: v for k, v in session.items() if k not in ("line_items", "subscription_data")}
            return [
                self.event("checkout.session.completed", public),
                self.event("customer.subscription.created", subscription),
                self.event("invoice.paid", invoice),
            ]

    def portal_action(self, customer: str, action: str, price: str = "") -> list[dict]:
        with self.lock:
            subscription = next(
                (s for s in self.subscriptions.values() if s["customer"] == customer and s["status"] != "canceled"),
                None,
            )
            if subscription is None:
                return []
            if action == "cancel":
                subscription["status"] = "canceled"
                return [self.event("customer.subscription.deleted", subscription)]
            subscription["items"]["data"][0]["price"] = {
                "id": price,
                "object": "price",
                "unit_amount": self.prices.get(price, 4900),
            }
            return [
                self.event("customer.subscription.updated", subscription),
                self.event("invoice.paid", self.paid_invoice(subscription)),
            ]


class Handler(BaseHTTPRequestHandler):
    server_version = "StripeDouble/1"
    double: StripeDouble

    def log_message(self, format, *args):  # quiet in tests
        return

    def _send(self, status: int, body, content_type="application/json", headers=None):
        data = (
            body
            if isinstance(body, bytes)
            else (json.dumps(body) if content_type == "application/json" else body).encode()
        )
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, message: str, type_="invalid_request_error"):
        self._send(status, {"error": {"type": type_, "message": message}})

    def _body(self) -> str:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length).decode() if length else ""

    def _authorized(self) -> bool:
        if self.headers.get("Authorization") != f"Bearer {self.double.secret_key}":
            self._error(401, "Invalid API Key provided.", "authentication_error")
            return False
        return True

    def _redirect(self, location: str):
        self._send(303, b"", "text/plain", {"Location": location})

    # --- API -------------------------------------------------------------------------------------------------------

    def do_POST(self):  # noqa: N802 - http.server's naming
        path = urlparse(self.path).path
        body = self._body()
        params = decode_form(body)
        double = self.double
        if path.startswith("/v1/"):
            if not self._authorized():
                return None
            double.requests.append(("POST", path, params))
        if path == "/v1/customers":
            customer = {
                "id": new_id("cus"),
                "object": "customer",
                "email": params.get("email"),
                "name": params.get("name"),
                "metadata": params.get("metadata", {}),
            }
            double.customers[customer["id"]] = customer
            return self._send(200, customer)
        if path == "/v1/checkout/sessions":
            line_items = params.get("line_items") or []
            if params.get("mode") != "subscription" or not line_items or not line_items[0].get("price"):
                return self._error(400, "Missing required param: line_items[0][price].")
            if line_items[0]["price"] not in double.prices:
                return self._error(400, f"No such price: '{line_items[0]['price']}'")
            if params.get("customer") not in double.customers:
                return self._error(400, f"No such customer: '{params.get('customer')}'")
            session = {
                "id": new_id("cs_test"),
                "object": "checkout.session",
                "mode": "subscription",
                "status": "open",
                "payment_status": "unpaid",
                "customer": params["customer"],
                "client_reference_id": params.get("client_reference_id"),
                "metadata": params.get("metadata", {}),
                "success_url": params.get("success_url"),
                "cancel_url": params.get("cancel_url"),
                "subscription": None,
                "line_items": line_items,
                "subscription_data": params.get("subscription_data", {}),
            }
            session["url"] = f"{double.base_url}/c/pay/{session['id']}"
            double.sessions[session["id"]] = session
            return self._send(200, {k: v for k, v in session.items() if k not in ("line_items", "subscription_data")})
        if path == "/v1/billing_portal/sessions":
            if params.get("customer") not in double.customers:
                return self._error(400, f"No such customer: '{params.get('customer')}'")
            portal = {
                "id": new_id("bps"),
                "object": "billing_portal.session",
                "customer": params["customer"],
                "return_url": params.get("return_url"),
            }
            portal["url"] = f"{double.base_url}/p/session/{portal['id']}"
            double.portal_sessions[portal["id"]] = portal
            return self._send(200, portal)
        # --- the hosted pages' buttons ---
        if match := re.fullmatch(r"/c/pay/(cs_test_\w+)", path):
            session = double.sessions.get(match.group(1))
            if session is None or session["status"] != "open":
                return self._send(404, "<h1>This Checkout session is no longer open</h1>", "text/html")
            for event in double.complete_checkout(session["id"]):
                double.deliver(event)
            return self._redirect(session["success_url"])
        if match := re.fullmatch(r"/p/session/(bps_\w+)", path):
            portal = double.portal_sessions.get(match.group(1))
            if portal is None:
                return self._send(404, "<h1>Unknown portal session</h1>", "text/html")
            for event in double.portal_action(portal["customer"], params.get("action", ""), params.get("price", "")):
                double.deliver(event)
            return self._redirect(portal["return_url"])
        return self._error(404, f"Unrecognized request URL (POST: {path}).")

    def do_GET(self):  # noqa: N802
        path = urlparse(self.path).path
        double = self.double
        if match := re.fullmatch(r"/v1/checkout/sessions/(cs_test_\w+)", path):
            if not self._authorized():
                return None
            session = double.sessions.get(match.group(1))
            if session is None:
                return self._error(404, "No such checkout.session")
            return self._send(200, {k: v for k, v in session.items() if k not in ("line_items", "subscription_data")})
        if match := re.fullmatch(r"/c/pay/(cs_test_\w+)", path):
            session = double.sessions.get(match.group(1))
            if session is None:
                return self._send(404, "<h1>Unknown Checkout session</h1>", "text/html")
            price = html.escape(session["line_items"][0]["price"])
            amount = double.prices.get(session["line_items"][0]["price"], 4900) / 100
            page = (
                "<!doctype html><title>Checkout (local Stripe double)</title>"
                f"<h1>Subscribe</h1><p>Price <code>{price}</code>: €{amount:.2f} a month.</p>"
                f'<form method="post"><button type="submit">Pay and subscribe</button></form>'
                f'<p><a href="{html.escape(session["cancel_url"] or "/")}">Cancel</a></p>'
            )
            return self._send(200, page, "text/html")
        if match := re.fullmatch(r"/p/session/(bps_\w+)", path):
            portal = double.portal_sessions.get(match.group(1))
            if portal is None:
                return self._send(404, "<h1>Unknown portal session</h1>", "text/html")
            switches = "".join(
                f'<form method="post"><input type="hidden" name="action" value="switch">'
                f'<input type="hidden" name="price" value="{html.escape(price)}">'
                f'<button type="submit">Switch to {html.escape(price)}</button></form>'
                for price in double.prices
            )
            page = (
                "<!doctype html><title>Billing portal (local Stripe double)</title><h1>Your subscription</h1>"
                f'{switches}<form method="post"><input type="hidden" name="action" value="cancel">'
                f'<button type="submit">Cancel subscription</button></form>'
                f'<p><a href="{html.escape(portal["return_url"] or "/")}">Return</a></p>'
            )
            return self._send(200, page, "text/html")
        return self._error(404, f"Unrecognized request URL (GET: {path}).")


class StripeServer:
    """``with StripeServer(prices=...) as stripe_double:`` a running double on a free local port."""

    def __init__(self, *, port=0, **options):
        self.double = StripeDouble(**options)
        handler = type("BoundHandler", (Handler,), {"double": self.double})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.httpd.daemon_threads = True
        self.double.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return self.double.base_url

    def __enter__(self) -> StripeDouble:
        self.thread.start()
        return self.double

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=12111)
    parser.add_argument("--secret-key", default=SECRET_KEY)
    parser.add_argument("--webhook-url", default="http://127.0.0.1:8000/webhooks/stripe/")
    parser.add_argument("--webhook-secret", default=WEBHOOK_SECRET)
    parser.add_argument("--price", action="append", default=[], help="code=price_id[:cents], e.g. team=price_team:4900")
    args = parser.parse_args()
    prices = {}
    for entry in args.price:
        _, _, price = entry.partition("=")
        price_id, _, cents = price.partition(":")
        prices[price_id] = int(cents or 4900)
    server = StripeServer(
        port=args.port,
        secret_key=args.secret_key,
        webhook_url=args.webhook_url,
        webhook_secret=args.webhook_secret,
        prices=prices,
    )
    with server:
        import sys

        sys.stdout.write(f"Stripe double on {server.base_url}; webhooks to {args.webhook_url}\n")
        server.thread.join()


if __name__ == "__main__":
    main()
