"""Candidate comparison per hiring (SPEC section 0, AI-3, AI-4): approved scores side by side, with links to their
evidence; drafts, rejected scores and other hirings never appear."""

import pytest
from django.test import Client
from django.utils import timezone

from ai_analysis.models import Review
from tests.ai_analysis.factories import AnalysisFactory, EvidenceFactory, ScoreFactory
from tests.hiring.factories import CandidateFactory, CriterionFactory, HiringFactory, InterviewFactory

pytestmark = pytest.mark.django_db


def url(hiring) -> str:
    return f"/hirings/{hiring.public_id}/compare"


def client_for(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def scored(hiring, name, values: dict, *, status=Review.APPROVED, reviewer=None):
    candidate = CandidateFactory(hiring=hiring, name=name)
    analysis = AnalysisFactory(recording__interview=InterviewFactory(candidate=candidate))
    for criterion, value in values.items():
        score = ScoreFactory(
            analysis=analysis,
            criterion=criterion,
            value=value,
            status=status,
            reviewed_by=reviewer,
            reviewed_at=timezone.now() if status != Review.DRAFT else None,
        )
        EvidenceFactory(score=score, turn__analysis=analysis)
    return candidate


@pytest.fixture
def hiring(acme):
    hiring = HiringFactory(owner=acme.recruiter, organization=acme.organization, title="Backend")
    CriterionFactory(hiring=hiring, name="Design", weight=3, position=0)
    CriterionFactory(hiring=hiring, name="Testing", weight=1, position=1)
    return hiring


def test_approved_scores_side_by_side_with_a_weighted_average(acme, hiring):
    design, testing = hiring.criteria.order_by("position")
    scored(hiring, "Ada", {design: 4, testing: 2}, reviewer=acme.recruiter)
    scored(hiring, "Bo", {design: 5}, reviewer=acme.recruiter)
    response = client_for(acme.recruiter).get(url(hiring))
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row["candidate"].name for row in rows] == ["Bo", "Ada"]  # best weighted average first
    assert rows[1]["average"] == pytest.approx((4 * 3 + 2 * 1) / 4)
    assert rows[0]["covered"] == 1 and rows[0]["cells"][1] is None
    html = response.content.decode()
    assert 'href="/analyses/' in html and "/explanation/#score-" in html
    assert "1 quote" in html


def test_drafts_rejected_and_unscored_never_appear(acme, hiring):
    design, _testing = hiring.criteria.order_by("position")
    scored(hiring, "Dee Draft", {design: 5}, status=Review.DRAFT)
    scored(hiring, "Rex Rejected", {design: 5}, status=Review.REJECTED, reviewer=acme.recruiter)
    response = client_for(acme.recruiter).get(url(hiring))
    html = response.content.decode()
    assert "Dee Draft" not in html and "Rex Rejected" not in html
    assert "No approved scores yet." in html


def test_another_hirings_scores_stay_out(acme, hiring):
    other = HiringFactory(owner=acme.recruiter, organization=acme.organization)
    scored(other, "Otto Other", {CriterionFactory(hiring=other): 5}, reviewer=acme.recruiter)
    assert "Otto Other" not in client_for(acme.recruiter).get(url(hiring)).content.decode()


def test_who_may_compare(acme, globex, hiring):
    assert client_for(acme.interviewer).get(url(hiring)).status_code == 403
    assert client_for(acme.hiring_manager).get(url(hiring)).status_code == 404  # not their hiring (ORG-4)
    assert client_for(globex.admin).get(url(hiring)).status_code == 404  # another organization (ORG-5)
    assert Client().get(url(hiring)).status_code == 302


def test_the_query_count_does_not_grow_with_candidates(acme, hiring):
    design, testing = hiring.criteria.order_by("position")
    for number in range(3):
        scored(hiring, f"Few {number}", {design: 3, testing: 3}, reviewer=acme.recruiter)
    client = client_for(acme.recruiter)
    client.get(url(hiring))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url(hiring))
    for number in range(12):
        scored(hiring, f"Many {number}", {design: 4, testing: 2}, reviewer=acme.recruiter)
    with CaptureQueriesContext(connection) as many:
        client.get(url(hiring))
    assert len(many) == len(few)
