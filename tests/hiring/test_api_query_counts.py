"""Every hiring list endpoint runs a fixed number of queries, however many rows it returns (SEC-VAL, lists).

The same list is read once with 5 candidates (each in its own hiring, with a criterion and question, an interview, a
decision and a document) and once with 200, at the largest page size; the query counts must be equal.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from hiring.models import Document, InterviewQuestion
from interview_analyzer.roles import Role
from tests.hiring.factories import CandidateFactory, CriterionFactory, DecisionFactory, HiringFactory, InterviewFactory

pytestmark = pytest.mark.django_db

LISTS = ["hirings", "criteria", "candidates", "interviews", "decisions", "documents"]


def add_rows(org, count: int) -> None:
    """``count`` more candidates, each with a hiring owned by the hiring manager and everything around it."""
    organization = org.organization
    for _ in range(count):
        hiring = HiringFactory(owner=org.hiring_manager, organization=organization)
        criterion = CriterionFactory(hiring=hiring, organization=organization)
        InterviewQuestion.objects.create(organization=organization, criterion=criterion, text="Tell us about X.")
        candidate = CandidateFactory(hiring=hiring, organization=organization, created_by=org.recruiter)
        InterviewFactory(candidate=candidate, organization=organization, interviewer=org.interviewer)
        DecisionFactory(candidate=candidate, organization=organization, decided_by=org.recruiter.user)
        Document.objects.create(
            organization=organization,
            candidate=candidate,
            file=f"documents/{organization.public_id}/placeholder.pdf",
            original_name="cv.pdf",
            content_type="application/pdf",
            extension="pdf",
            size=100,
            uploaded_by=org.recruiter,
        )


def queries_for(client, name: str, expected_rows: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/v1/{name}/", {"page_size": 100})
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == expected_rows
    return len(captured)


@pytest.mark.parametrize("role", [Role.RECRUITER, Role.HIRING_MANAGER, Role.INTERVIEWER], ids=lambda r: r.value)
def test_every_list_costs_the_same_for_5_and_200_candidates(acme, role):
    client = APIClient()
    client.force_login(acme.member(role).user)
    # Interviewers see no decisions or documents: those lists stay empty whatever the size.
    hidden = {"decisions", "documents"} if role == Role.INTERVIEWER else set()

    add_rows(acme, 5)
    few = {name: queries_for(client, name, 0 if name in hidden else 5) for name in LISTS}
    add_rows(acme, 195)
    many = {name: queries_for(client, name, 0 if name in hidden else 100) for name in LISTS}
    assert few == many
