"""CSRF on every state-changing page (TST-1): every page of the URL configuration, enumerated, is POSTed (and PUT,
PATCH, DELETE) by a signed-in admin whose browser enforces CSRF, without a token: each answers 403 and nothing is
stored. The same POST with a valid token gets past the check, so the 403 is the CSRF check's and not the view's.
The only pages without the check are the signed webhooks (``csrf_exempt``, house rule): unsigned, they change
nothing either. The API takes sessions too: there a session write without a token is refused the same way.
"""

from django.db import transaction
from django.middleware.csrf import _get_new_csrf_string, _mask_cipher_secret
from django.test import Client

from accounts.models import User
from tests.conftest import _build_org
from tests.security.tenant_world import TenantWorldTestCase, build_tenant, object_id_for, tenant_snapshot
from tests.security.test_anonymous_matrix import is_public
from tests.security.urls_under_test import all_endpoints, path_with

ENDPOINTS = all_endpoints()
PAGES = [e for e in ENDPOINTS if not e.path.startswith("/api/")]
API = [e for e in ENDPOINTS if e.path.startswith("/api/") and not is_public(e)]
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
CSRF_FAILURE = b"CSRF verification failed"
# The pages without Django's check, each with what stands in for it. A new csrf_exempt page fails the matrix.
EXEMPT = {
    "billing:stripe_webhook": "Stripe-Signature over the raw body (SEC-HOOK); unsigned is a 400",
    "billing:email_webhook": "the provider's HMAC over timestamp and body (SEC-HOOK); unsigned is a 400",
    "google_login_by_token": "allauth's Google One Tap: Google's signed ID token and its own g_csrf_token "
    "double-submit cookie; without them nobody is signed in",
}


def is_csrf_exempt(endpoint) -> bool:
    return getattr(endpoint.view, "csrf_exempt", False)


def everything(organization) -> tuple:
    """What a forged request could change: the organization's tenant rows and its people's accounts and sessions."""
    users = list(User.objects.order_by("pk").values())
    from django.contrib.sessions.models import Session

    return tenant_snapshot(organization), users, sorted(Session.objects.values_list("session_key", flat=True))


class CsrfOnEveryPage(TenantWorldTestCase):
    @classmethod
    def setUpTestData(cls):
        cls.tenant = build_tenant(_build_org("Acme"), tag="csrfm2p")

    def setUp(self):
        self.browser = Client(enforce_csrf_checks=True, raise_request_exception=False)
        self.browser.force_login(self.tenant.org.admin.user)

    def _path(self, endpoint) -> str:
        values = {}
        if "<pid:" in endpoint.route:
            values["public_id"] = object_id_for(endpoint, self.tenant.organization) or ""
        return path_with(endpoint, **{k: v for k, v in values.items() if v})

    def test_every_page_refuses_a_write_without_a_token_and_stores_nothing(self):
        before = everything(self.tenant.organization)
        problems, reached = [], set()
        self.assertEqual({e.label for e in PAGES if is_csrf_exempt(e)}, set(EXEMPT), "csrf_exempt pages")
        for endpoint in PAGES:
            path = self._path(endpoint)
            for method in UNSAFE:
                body = {"email": "forged@evil.example", "role": "admin", "name": "Forged", "title": "Forged"}
                if method == "POST":
                    response = self.browser.post(path, body)
                else:
                    response = self.browser.generic(method, path, "name=Forged")
                if is_csrf_exempt(endpoint):
                    webhook = endpoint.label.startswith("billing:")
                    expected = {"POST": 400}.get(method, 405) if webhook else None  # POST only, signed
                    if response.status_code != (expected or response.status_code) or response.status_code >= 500:
                        problems.append((endpoint.route, method, response.status_code, EXEMPT[endpoint.label]))
                elif response.status_code != 403 or CSRF_FAILURE not in response.content:
                    problems.append((endpoint.route, method, response.status_code, "not refused by CSRF"))
            reached.add(endpoint.route)
        self.assertEqual(everything(self.tenant.organization), before, "a request without a token changed something")
        self.assertEqual(problems, [], "\n".join(map(str, problems)))
        self.assertEqual(sorted(e.route for e in PAGES if e.route not in reached), [])

    def test_with_a_valid_token_the_same_posts_get_past_the_check(self):
        """The positive control: the 403s above are the CSRF check's. Each POST is undone before the next."""
        secret = _get_new_csrf_string()
        self.browser.cookies["csrftoken"] = secret
        token = _mask_cipher_secret(secret)
        problems = []
        for endpoint in PAGES:
            if is_csrf_exempt(endpoint) or endpoint.name in ("account_logout", "admin:logout"):
                continue
            with transaction.atomic():
                response = self.browser.post(self._path(endpoint), {"csrfmiddlewaretoken": token})
                transaction.set_rollback(True)
            if response.status_code == 403 and CSRF_FAILURE in response.content:
                problems.append((endpoint.route, "refused with a valid token"))
            if response.status_code >= 500:
                problems.append((endpoint.route, response.status_code))
        self.assertEqual(problems, [], "\n".join(map(str, problems)))
        signed_out = self.browser.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
        self.assertEqual(signed_out.status_code, 302)

    def test_a_session_cannot_write_through_the_api_without_a_token(self):
        before = everything(self.tenant.organization)
        problems = []
        for endpoint in API:
            path = self._path(endpoint)
            for method in UNSAFE:
                response = self.browser.generic(method, path, "{}", content_type="application/json")
                body = response.json() if "json" in response.get("Content-Type", "") else {}
                if response.status_code != 403 or "CSRF" not in str(body.get("detail", "")):
                    problems.append((endpoint.route, method, response.status_code, body))
        self.assertEqual(everything(self.tenant.organization), before)
        self.assertEqual(problems, [], "\n".join(map(str, problems)))
