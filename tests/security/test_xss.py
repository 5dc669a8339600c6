"""The XSS suite (SEC-HTML, TST-1): every known payload is neutralized when written as rich text, and escaped
everywhere else. Pages and the API are covered in tests/security/test_xss_pages.py once they exist."""

import pytest

from hiring import services
from hiring.models import Hiring
from interview_analyzer.sanitize import sanitize_rich_text
from tests.security.xss_payloads import PAYLOADS, live_markup


def test_the_suite_is_big_enough():
    assert len(PAYLOADS) >= 30


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_sanitizer_neutralizes_every_payload(payload):
    cleaned = sanitize_rich_text(payload)
    assert live_markup(cleaned) == [], cleaned


@pytest.mark.parametrize(
    ("rich", "kept"),
    [
        ("<p>Plain <strong>bold</strong> and <em>em</em></p>", "<strong>bold</strong>"),
        ("<ul><li>one</li><li>two</li></ul>", "<li>two</li>"),
        ('<a href="https://jobs.example/role">posting</a>', 'href="https://jobs.example/role"'),
    ],
)
def test_the_sanitizer_keeps_ordinary_formatting(rich, kept):
    assert kept in sanitize_rich_text(rich)


def test_links_get_rel_noopener():
    assert 'rel="noopener noreferrer nofollow"' in sanitize_rich_text('<a href="https://x.example">x</a>')


@pytest.mark.django_db
@pytest.mark.parametrize("payload", PAYLOADS)
def test_hiring_descriptions_are_sanitized_on_write(acme, payload):
    hiring = services.create_hiring(actor=acme.recruiter, title="XSS probe", description=f"<p>Intro</p>{payload}")
    stored = Hiring.objects.get(pk=hiring.pk).description
    assert live_markup(stored) == [], stored
    services.update_hiring(actor=acme.recruiter, hiring=hiring, description=payload)
    assert live_markup(Hiring.objects.get(pk=hiring.pk).description) == []
