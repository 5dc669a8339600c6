"""Dates in the reader's language (issue 14, "Polish"): day first and a 24-hour clock, from the format module of the
active language (interview_analyzer/formats), never Django's US default ("Dec. 1, 2026, 2:05 p.m.")."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import translation

from hiring.models import Candidate, Decision
from tests.hiring.factories import CandidateFactory, DecisionFactory, HiringFactory

pytestmark = pytest.mark.django_db

STOCKHOLM = ZoneInfo("Europe/Stockholm")
DECEMBER = datetime(2026, 12, 1, 14, 5, tzinfo=STOCKHOLM)
MAY = datetime(2026, 5, 3, 9, 30, tzinfo=STOCKHOLM)


def candidate_page(acme, language: str) -> str:
    hiring = HiringFactory(owner=acme.recruiter, organization=acme.organization)
    candidate = CandidateFactory(hiring=hiring)
    Candidate.objects.filter(pk=candidate.pk).update(created_at=DECEMBER)
    decision = DecisionFactory(candidate=candidate, decided_by_email="rec@acme.example")
    Decision.objects.filter(pk=decision.pk).update(decided_at=MAY)
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(acme.recruiter.user)
    response = client.get(f"/candidates/{candidate.public_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_english_pages_write_day_month_year_and_a_24_hour_clock(acme, settings):
    settings.TIME_ZONE = "Europe/Stockholm"
    html = candidate_page(acme, "en")
    assert "added 1 Dec 2026" in html
    assert "3 May 2026, 09:30" in html
    assert "Dec. 1, 2026" not in html and "a.m." not in html and "p.m." not in html


def test_swedish_pages_write_swedish_month_abbreviations(acme, settings):
    settings.TIME_ZONE = "Europe/Stockholm"
    html = candidate_page(acme, "sv")
    assert "1 dec. 2026" in html
    assert "3 maj 2026 09:30" in html
    assert "Dec 2026" not in html


@pytest.mark.parametrize(
    ("language", "expected"),
    [("en", "1 Dec 2026, 14:05 · 1 Dec 2026 · 1 Dec"), ("sv", "1 dec. 2026 14:05 · 1 dec. 2026 · 1 dec.")],
)
def test_named_formats_per_language(settings, language, expected):
    settings.TIME_ZONE = "Europe/Stockholm"
    template = Template('{{ d|date:"DATETIME_FORMAT" }} · {{ d|date:"DATE_FORMAT" }} · {{ d|date:"MONTH_DAY_FORMAT" }}')
    with translation.override(language):
        assert template.render(Context({"d": DECEMBER})) == expected
        assert Template("{{ d }}").render(Context({"d": DECEMBER})) == expected.split(" · ")[0]


def test_no_template_spells_out_the_common_formats():
    """The everyday date and date-time formats come from the language's format module, not from the template."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    offenders = [
        str(path.relative_to(root))
        for path in root.glob("*/templates/**/*.html")
        if any(f in path.read_text() for f in ('|date:"j M Y, H:i"', '|date:"j M Y"', '|date:"j M Y H:i"'))
    ]
    assert offenders == []
