"""Counts read right in English and Swedish (issue 14, "Polish"): the pages choose the singular for one and the plural
for three, through ngettext / blocktranslate count, never "1 of 3 criterion" or "1 seats"."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from accounts import services as accounts_services
from ai_analysis.models import Review
from billing.models import Plan
from tests.ai_analysis.factories import AnalysisFactory, EvidenceFactory, ScoreFactory
from tests.hiring.factories import CandidateFactory, CriterionFactory, HiringFactory, InterviewFactory

pytestmark = pytest.mark.django_db


def client_for(member, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(member.user)
    return client


def compare_page(acme, criteria: int, language="en") -> str:
    hiring = HiringFactory(owner=acme.recruiter, organization=acme.organization, title=f"Backend {criteria}")
    made = [CriterionFactory(hiring=hiring, name=f"C{i}", position=i) for i in range(criteria)]
    analysis = AnalysisFactory(recording__interview=InterviewFactory(candidate=CandidateFactory(hiring=hiring)))
    score = ScoreFactory(
        analysis=analysis,
        criterion=made[0],
        value=4,
        status=Review.APPROVED,
        reviewed_by=acme.recruiter,
        reviewed_at=timezone.now(),
    )
    EvidenceFactory(score=score, turn__analysis=analysis)
    response = client_for(acme.recruiter, language).get(f"/hirings/{hiring.public_id}/compare")
    assert response.status_code == 200
    return response.content.decode()


def test_compare_counts_the_criteria_by_the_total(acme):
    assert "1 of 1 criterion<" in compare_page(acme, 1)
    three = compare_page(acme, 3)
    assert "1 of 3 criteria<" in three and "1 of 3 criterion<" not in three


def test_compare_counts_in_swedish(acme):
    assert "1 av 1 kriterium<" in compare_page(acme, 1, "sv")
    assert "1 av 3 kriterier<" in compare_page(acme, 3, "sv")


@pytest.mark.parametrize(
    ("credits", "english", "swedish"),
    [
        (1, "with 1 analysis credit each month.", "med 1 analyskredit per månad."),
        (3, "with 3 analysis credits each month.", "med 3 analyskrediter per månad."),
    ],
)
def test_billing_page_monthly_credits(acme, credits, english, swedish):
    Plan.objects.filter(code=acme.organization.plan).update(monthly_credits=credits)
    assert english in client_for(acme.admin).get("/settings/billing/").content.decode()
    assert swedish in client_for(acme.admin, "sv").get("/settings/billing/").content.decode()


@pytest.mark.parametrize(
    ("days", "english"),
    [(1, "within 1 day appear here."), (3, "within 3 days appear here.")],
)
def test_dashboard_retention_warning_window(acme, settings, days, english):
    settings.RETENTION_WARNING_DAYS = days
    html = client_for(acme.recruiter).get("/").content.decode()
    assert english in html


@pytest.mark.parametrize(
    ("seats", "message"),
    [(1, "The Free plan's only seat is in use."), (3, "All 3 seats of the Free plan are in use.")],
)
def test_seat_limit_message(acme, seats, message):
    Plan.objects.filter(code=acme.organization.plan).update(seats=seats, name="Free")
    with pytest.raises(ValidationError) as refused:
        accounts_services.invite_member(actor=acme.admin, email="new@acme.example", role="interviewer")
    assert message in " ".join(refused.value.messages)
