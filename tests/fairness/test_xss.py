"""What an admin types (category names, answers) is printed escaped everywhere it appears: the settings page,
the report's tables and SVG chart, the CSV (no spreadsheet formula), and the candidate's portal (SEC-HTML, FAIR-1)."""

import csv
import io

import pytest
from django.test import Client
from django.urls import reverse

from fairness import services
from retention.portal import tokens
from tests.hiring.factories import CandidateFactory, HiringFactory
from tests.security.xss_payloads import PAYLOADS

pytestmark = pytest.mark.django_db

NAME = "<script>alert(1)</script>"
ANSWERS = ["<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", '=HYPERLINK("http://evil.test")']


def test_admin_typed_names_are_escaped_on_every_page_and_defused_in_the_csv(acme):
    category = services.save_category(actor=acme.admin, category=None, name=NAME, enabled=True, options=ANSWERS)
    hiring = HiringFactory(owner=acme.recruiter, organization=acme.organization)
    options = list(category.options.all())
    candidates = []
    for index in range(15):
        candidate = CandidateFactory(hiring=hiring)
        services.answer(
            candidate=candidate, consent_given=True, answers={category.public_id: options[index % 3].public_id}
        )
        candidates.append(candidate)
    admin = Client()
    admin.force_login(acme.admin.user)
    token = tokens.issue(candidates[0], kind=tokens.AFTER_CONSENT).token
    pages = {
        "settings": admin.get(reverse("fairness:settings")),
        "report": admin.get(reverse("fairness:hiring_report", args=[hiring.public_id])),
        "organization": admin.get(reverse("fairness:report")),
        "portal": Client().get(reverse("portal:home", args=[token])),
        "portal page": Client().get(reverse("fairness:portal", args=[token])),
    }
    for name, response in pages.items():
        html = response.content.decode()
        assert response.status_code == 200, name
        for payload in [NAME, *ANSWERS[:2], *PAYLOADS[:3]]:
            assert payload not in html, (name, payload)
        assert "&lt;img src=x onerror=alert(1)&gt;" in html, name
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["report"].content.decode()
    rows = list(csv.reader(io.StringIO(admin.get(reverse("fairness:report_csv")).content.decode())))
    assert all(not cell.startswith("=") for row in rows for cell in row)
    assert any(cell == "'" + ANSWERS[2] for row in rows for cell in row)
