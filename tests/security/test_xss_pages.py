"""The XSS suite through pages and the API (SEC-HTML): every payload is written as a hiring title and description
(through the page form and through the API), as a criterion and as a candidate's name and notes, then read back on
every page that shows them and through the API. Rich text comes back sanitized; plain text comes back escaped, so
no page carries more live markup than the same page with harmless text."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from rest_framework.test import APIClient

from hiring.models import Candidate, Hiring
from tests.security.xss_payloads import PAYLOADS, live_markup

pytestmark = pytest.mark.django_db

DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "svg", "math", "base", "meta", "link", "frame", "frameset"}
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")


class LiveMarkup(HTMLParser):
    """Counts what a browser would act on: dangerous elements, event-handler attributes and script URLs, as parsed
    by a real HTML parser (escaped text such as ``&lt;img onerror=…&gt;`` is text, and does not count)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in DANGEROUS_TAGS and not (tag in ("link", "meta") and self._is_ours(attrs)):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag}[{name}]")
            compact = "".join((value or "").split()).lower()
            if name in ("href", "src", "action", "formaction", "data", "srcdoc") and compact.startswith(
                DANGEROUS_SCHEMES
            ):
                self.found.append(f"{tag}[{name}]")
            if name == "style":
                self.found.append(f"{tag}[style]")

    @staticmethod
    def _is_ours(attrs):
        values = dict(attrs)
        return values.get("href", "").startswith("/static/") or "charset" in values or "name" in values


def live_elements(html: str) -> list[str]:
    parser = LiveMarkup()
    parser.feed(html)
    return parser.found


def pages_for(hiring: Hiring, candidate: Candidate) -> list[str]:
    return [
        "/hirings/",
        f"/hirings/{hiring.public_id}/",
        f"/hirings/{hiring.public_id}/edit",
        f"/candidates/{candidate.public_id}/",
        "/hirings/dashboard/",
        "/interviews/",
    ]


def write_everything(acme, text: str, *, via: str):
    """The payload in every text field a recruiter can fill, through the page forms or the API."""
    if via == "pages":
        client = Client()
        client.force_login(acme.recruiter.user)
        response = client.post("/hirings/new", {"title": text[:200], "status": "open", "description": text})
        assert response.status_code == 302, response.content[:500]
        hiring = Hiring.objects.get(public_id=response["Location"].strip("/").split("/")[-1])
        client.post(
            f"/hirings/{hiring.public_id}/criteria/new",
            {"name": text[:120], "description": text, "good_evidence": text, "weight": 2},
        )
        client.post(
            f"/hirings/{hiring.public_id}/candidates/new",
            {"name": text[:200], "email": "xss@mail.test", "phone": "", "notes": text},
        )
    else:
        client = APIClient()
        client.force_login(acme.recruiter.user)
        response = client.post(
            "/api/v1/hirings/", {"title": text[:200], "status": "open", "description": text}, format="json"
        )
        assert response.status_code == 201, response.content[:500]
        hiring = Hiring.objects.get(public_id=response.json()["id"])
        client.post(
            "/api/v1/criteria/",
            {"hiring": hiring.public_id, "name": text[:120], "description": text, "good_evidence": text, "weight": 2},
            format="json",
        )
        client.post(
            "/api/v1/candidates/",
            {"hiring": hiring.public_id, "name": text[:200], "email": "xss@mail.test", "notes": text},
            format="json",
        )
    candidate = Candidate.objects.get(hiring=hiring)
    return hiring, candidate


def test_the_checker_sees_live_markup_and_ignores_escaped_text():
    assert live_elements('<p><img src=x onerror="alert(1)"><a href=" javascript:alert(1)">x</a><svg></svg></p>')
    assert live_elements("<p>&lt;img src=x onerror=alert(1)&gt; javascript:alert(1)</p>") == []


@pytest.mark.parametrize("via", ["pages", "api"])
@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_neutralized_everywhere_it_is_shown(acme, payload, via):
    hiring, candidate = write_everything(acme, payload, via=via)
    hiring.refresh_from_db()
    assert live_markup(hiring.description) == [], hiring.description

    client = Client()
    client.force_login(acme.recruiter.user)
    for url in pages_for(hiring, candidate):
        response = client.get(url)
        assert response.status_code == 200, url
        page = response.content.decode()
        # The product's pages carry no script, event handler or inline style of their own (strict CSP), so any
        # live element found is the payload's.
        assert live_elements(page) == [], (url, payload)
        if "<" in payload:
            assert payload not in page, (url, payload)

    api = APIClient()
    api.force_login(acme.recruiter.user)
    body = api.get(f"/api/v1/hirings/{hiring.public_id}/").json()
    assert live_markup(body["description"]) == []
    response = api.get(f"/api/v1/candidates/{candidate.public_id}/")
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
