"""Every hiring list endpoint runs a fixed number of queries, however many rows it returns (SEC-VAL, lists).

The same list is read once with 5 candidates (each in its own hiring, with a criterion and question, an interview, a
decision and a document) and once with 200, at the largest page size; the counts of read queries must be equal.

The lists of a candidate's data also write the access log (LOG-1): one ``ListRead`` row per list page, whatever its
size, settled later into one entry per object on the page. That INSERT is counted apart: exactly one, and the entries
it settles into must be exactly the rows listed; every other query counts as a read.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from hiring.access_log import AccessLogEntry, ListRead, settle_list_reads
from hiring.models import Document, InterviewQuestion
from interview_analyzer.roles import Role
from tests.hiring.factories import CandidateFactory, CriterionFactory, DecisionFactory, HiringFactory, InterviewFactory

pytestmark = pytest.mark.django_db

LISTS = ["hirings", "criteria", "candidates", "interviews", "decisions", "documents"]
CANDIDATE_DATA = {"candidates", "interviews", "decisions", "documents"}  # logged per listed object (LOG-1)
LOG_INSERT = f'INSERT INTO "{ListRead._meta.db_table}"'


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
    """The read queries of one list request; its access log INSERTs are checked here and left out of the count."""
    logged_before = AccessLogEntry.objects.for_operators().count()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(f"/api/v1/{name}/", {"page_size": 100})
    assert response.status_code == 200, response.content
    results = response.json()["results"]
    assert len(results) == expected_rows
    inserts = [query["sql"] for query in captured.captured_queries if query["sql"].startswith(LOG_INSERT)]
    settle_list_reads()
    logged = AccessLogEntry.objects.for_operators().order_by("pk")[logged_before:]
    if name in CANDIDATE_DATA and expected_rows:
        assert sorted(entry.object_ref for entry in logged) == sorted(row["id"] for row in results), name
        assert len(inserts) == 1, (name, len(inserts))  # one row per list page, whatever its size
    else:
        assert not inserts and not logged, name
    return len(captured) - len(inserts)


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
