"""API lists count their total up to a bound (issue 17, SEC-VAL): ``interview_analyzer.pagination``. Past the bound
the count says so (``count_exact: false``) and every page still works, ``next`` following the rows themselves; the
bound is set to 10 here so that a few candidates cross it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from interview_analyzer.pagination import BoundedCountPaginator
from tests.hiring.factories import CandidateFactory, HiringFactory

pytestmark = pytest.mark.django_db

CANDIDATES = "/api/v1/candidates/"


@pytest.fixture
def client(acme):
    client = APIClient()
    client.force_authenticate(user=acme.recruiter.user)
    client.force_login(acme.recruiter.user)
    return client


@pytest.fixture
def bound(monkeypatch):
    monkeypatch.setattr(BoundedCountPaginator, "count_limit", 10)


def candidates(acme, number: int) -> list:
    hiring = HiringFactory(owner=acme.recruiter, organization=acme.organization)
    return CandidateFactory.create_batch(number, hiring=hiring, organization=acme.organization)


def ids(body) -> list[str]:
    return [row["id"] for row in body["results"]]


def test_a_list_within_the_bound_counts_exactly(acme, client, bound):
    candidates(acme, 10)
    body = client.get(CANDIDATES, {"page_size": 4}).json()
    assert (body["count"], body["count_exact"], len(body["results"])) == (10, True, 4)
    assert client.get(CANDIDATES, {"page_size": 4, "page": 4}).status_code == 404  # past the last page, as before


def test_past_the_bound_the_count_says_so_and_every_page_still_works(acme, client, bound):
    made = {candidate.public_id for candidate in candidates(acme, 23)}
    seen, page, pages = [], 1, []
    while True:
        response = client.get(CANDIDATES, {"page_size": 5, "page": page})
        assert response.status_code == 200, response.content
        body = response.json()
        assert (body["count"], body["count_exact"]) == (10, False)
        seen += ids(body)
        pages.append(len(body["results"]))
        if body["next"] is None:
            break
        assert f"page={page + 1}" in body["next"]
        page += 1
    assert pages == [5, 5, 5, 5, 3]  # past the count of 10: the pages follow the rows, not the count
    assert len(seen) == len(set(seen)) == 23 and set(seen) == made
    assert client.get(CANDIDATES, {"page_size": 5, "page": 6}).status_code == 404
    last = client.get(CANDIDATES, {"page_size": 5, "page": "last"}).json()
    assert ids(last) == seen[-3:] and last["next"] is None


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5"])
def test_a_page_number_that_is_not_one_is_a_404_with_a_json_body(acme, client, bound, page):
    candidates(acme, 23)
    response = client.get(CANDIDATES, {"page": page})
    assert response.status_code == 404
    assert response.json()["detail"] == "Invalid page."


def test_the_count_reads_at_most_one_row_past_the_bound_and_no_sort(acme, client, bound):
    candidates(acme, 23)
    with CaptureQueriesContext(connection) as captured:
        client.get(CANDIDATES)
    counts = [q["sql"] for q in captured.captured_queries if q["sql"].startswith("SELECT COUNT(*)")]
    assert len(counts) == 1
    assert "LIMIT 11" in counts[0] and "ORDER BY" not in counts[0]


def test_the_schema_documents_count_exact(client):
    schema = client.get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    listing = schema["paths"][CANDIDATES]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    if "$ref" in listing:
        listing = schema["components"]["schemas"][listing["$ref"].rsplit("/", 1)[1]]
    assert listing["properties"]["count_exact"]["type"] == "boolean"
    assert {"count", "count_exact", "results"} <= set(listing["required"])
