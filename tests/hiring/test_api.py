"""The hiring API under /api/v1/ (ORG-4, ORG-5, ORG-6, SEC-VAL, SEC-MASS, AI-3), told through the people who use it.

Every caller authenticates for real: a browser session (``force_login``), an access token from
``accounts.tokens.issue_tokens`` or an API key from ``accounts.services.create_api_key``. Every refusal also shows
that the hiring tables are exactly as before.
"""

from datetime import timedelta

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import tokens
from accounts.services import create_api_key
from consent import services as consent_services
from hiring import services
from hiring.models import Candidate, Criterion, Decision, Document, Hiring, Interview, InterviewQuestion
from interview_analyzer.public_ids import PUBLIC_ID_RE
from interview_analyzer.roles import Role
from tests.hiring.factories import CandidateFactory

pytestmark = pytest.mark.django_db

HIRINGS = "/api/v1/hirings/"
CRITERIA = "/api/v1/criteria/"
CANDIDATES = "/api/v1/candidates/"
INTERVIEWS = "/api/v1/interviews/"
DECISIONS = "/api/v1/decisions/"
DOCUMENTS = "/api/v1/documents/"
HIRING_MODELS = (Hiring, Criterion, InterviewQuestion, Candidate, Interview, Decision, Document)
# Keys whose value is an object's public id, and the only keys that may hold numbers.
ID_KEYS = {"id", "hiring", "candidate", "interviewer", "owner", "created_by", "decided_by", "uploaded_by"}
NUMBER_KEYS = {"count", "weight", "position", "duration_minutes", "criteria_version", "size"}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# --- helpers -------------------------------------------------------------------------------------------------------


def session_for(member) -> APIClient:
    client = APIClient()
    client.force_login(member.user)
    return client


def token_for(member) -> APIClient:
    pair = tokens.issue_tokens(user=member.user, membership=member, request_ip="127.0.0.1", user_agent="pytest")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {pair.access_token}")
    return client


def key_for(org, *scopes) -> APIClient:
    org.organization.plan = "team"
    org.organization.save()
    _, raw_key = create_api_key(actor=org.admin, name="script", scopes=list(scopes), allowed_cidrs=[])
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {raw_key}")
    return client


def detail(collection: str, obj) -> str:
    return f"{collection}{obj.public_id}/"


def hiring_rows() -> dict:
    """Every row of the hiring domain, every organization: the 'nothing changed' proof."""
    return {model._meta.label: list(model.objects.for_operators().order_by("pk").values()) for model in HIRING_MODELS}


def assert_public_ids_only(body, primary_keys=()):
    """ORG-6: ids are public ids; no number outside the known numeric fields; no primary key anywhere."""

    def walk(value, key=None):
        if isinstance(value, dict):
            for name, item in value.items():
                walk(item, name)
        elif isinstance(value, list):
            for item in value:
                walk(item, key)
        elif key in ID_KEYS:
            assert value is None or PUBLIC_ID_RE.match(value), (key, value)
        elif isinstance(value, int) and not isinstance(value, bool):
            assert key in NUMBER_KEYS, (key, value)
        elif isinstance(value, str):
            assert value not in {str(pk) for pk in primary_keys}, (key, value)

    walk(body)


def results(response) -> list[dict]:
    assert response.status_code == 200, response.content
    return response.json()["results"]


def ids(response) -> set[str]:
    return {row["id"] for row in results(response)}


@pytest.fixture
def world(acme_world):
    return acme_world


# --- hirings -------------------------------------------------------------------------------------------------------


def test_hiring_manager_creates_reads_and_changes_a_hiring(world):
    manager = world.org.hiring_manager
    client = session_for(manager)
    created = client.post(
        HIRINGS,
        {"title": "  Site reliability engineer ", "description": "<p>Run it</p><script>alert(1)</script>"},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    hiring = Hiring.objects.get(public_id=body["id"])
    assert body["title"] == "Site reliability engineer"
    assert body["owner"] == manager.public_id
    assert body["status"] == "open"
    assert "<script" not in body["description"] and "<p>Run it</p>" in body["description"]
    assert hiring.organization == world.org.organization

    assert body["id"] in ids(client.get(HIRINGS))
    assert client.get(detail(HIRINGS, hiring)).json() == body

    changed = client.patch(detail(HIRINGS, hiring), {"status": "on_hold", "title": "SRE"}, format="json")
    assert changed.status_code == 200, changed.content
    hiring.refresh_from_db()
    assert (hiring.status, hiring.title) == ("on_hold", "SRE")
    assert changed.json()["status"] == "on_hold"


def test_hiring_list_filters_by_status_and_searches_titles(world):
    client = session_for(world.org.recruiter)
    services.update_hiring(actor=world.org.recruiter, hiring=world.other, status=Hiring.Status.CLOSED)
    assert ids(client.get(HIRINGS, {"status": "closed"})) == {world.other.public_id}
    assert ids(client.get(HIRINGS, {"status": "open"})) == {world.own.public_id}
    assert ids(client.get(HIRINGS, {"search": "platform"})) == {world.own.public_id}
    assert client.get(HIRINGS, {"status": "sleeping"}).status_code == 400


def test_hiring_manager_sees_and_writes_only_their_hirings(world):
    """ORG-4: the other hiring of the organization is a 404 to read or change, and a 400 to reference."""
    client = token_for(world.org.hiring_manager)
    before = hiring_rows()
    assert ids(client.get(HIRINGS)) == {world.own.public_id}
    assert client.get(detail(HIRINGS, world.other)).status_code == 404
    assert client.patch(detail(HIRINGS, world.other), {"title": "Mine now"}, format="json").status_code == 404
    assert client.get(detail(CANDIDATES, world.other_candidate)).status_code == 404
    assert client.get(detail(CRITERIA, world.other_criterion)).status_code == 404
    referencing = [
        (CANDIDATES, {"hiring": world.other.public_id, "name": "Eve", "email": "eve@mail.test"}),
        (CRITERIA, {"hiring": world.other.public_id, "name": "Sneaky"}),
        (DECISIONS, {"candidate": world.other_candidate.public_id, "outcome": "rejected", "reason": "Because"}),
        (
            INTERVIEWS,
            {
                "candidate": world.other_candidate.public_id,
                "interviewer": world.org.interviewer.public_id,
                "scheduled_at": (timezone.now() + timedelta(days=3)).isoformat(),
            },
        ),
    ]
    for url, body in referencing:
        response = client.post(url, body, format="json")
        assert response.status_code == 400, (url, response.content)
        field = "hiring" if "hiring" in body else "candidate"
        assert "does not exist" in response.json()[field][0]
    assert hiring_rows() == before


def test_a_granted_hiring_manager_may_work_on_the_hiring(world):
    manager = world.org.hiring_manager
    services.grant_hiring_access(actor=world.org.recruiter, hiring=world.other, member=manager)
    client = session_for(manager)
    assert client.get(detail(HIRINGS, world.other)).status_code == 200
    response = client.post(
        CANDIDATES, {"hiring": world.other.public_id, "name": "Cy Granted", "email": "cy@mail.test"}, format="json"
    )
    assert response.status_code == 201, response.content


# --- strict bodies (SEC-VAL, SEC-MASS) -----------------------------------------------------------------------------


def _strict_cases(world, rival):
    hiring, candidate, interview = world.own, world.own_candidate, world.own_interview
    return [
        ("post", HIRINGS, {"title": "X", "organization": rival.organization.public_id}, "organization"),
        ("post", HIRINGS, {"title": "X", "owner": world.org.recruiter.public_id}, "owner"),
        ("post", HIRINGS, {"title": "X", "id": "hir_" + "a" * 22}, "id"),
        ("post", HIRINGS, {"title": "X", "public_id": "hir_" + "a" * 22}, "public_id"),
        ("patch", detail(HIRINGS, hiring), {"criteria_version": 99}, "criteria_version"),
        ("patch", detail(HIRINGS, hiring), {"owner": world.org.recruiter.public_id}, "owner"),
        ("patch", detail(HIRINGS, hiring), {"title": "Fine", "pk": 1}, "pk"),
        ("post", CRITERIA, {"hiring": hiring.public_id, "name": "N", "organization": 1}, "organization"),
        ("patch", detail(CRITERIA, world.own_criterion), {"hiring": world.other.public_id}, "hiring"),
        ("post", CANDIDATES, {"hiring": hiring.public_id, "name": "N", "email": "n@x.test", "stage": "offer"}, "stage"),
        (
            "post",
            CANDIDATES,
            {"hiring": hiring.public_id, "name": "N", "email": "n@x.test", "created_by": 1},
            "created_by",
        ),
        ("patch", detail(CANDIDATES, candidate), {"hiring": world.other.public_id}, "hiring"),
        ("patch", detail(CANDIDATES, candidate), {"organization": rival.organization.public_id}, "organization"),
        ("patch", detail(CANDIDATES, candidate), {"id": "cand_" + "b" * 22}, "id"),
        ("patch", detail(INTERVIEWS, interview), {"status": "completed"}, "status"),
        ("patch", detail(INTERVIEWS, interview), {"candidate": world.other_candidate.public_id}, "candidate"),
        (
            "post",
            DECISIONS,
            {"candidate": candidate.public_id, "outcome": "hired", "reason": "R", "decided_by": "usr_" + "c" * 22},
            "decided_by",
        ),
    ]


def test_unknown_and_protected_fields_are_refused_and_nothing_changes(world, globex):
    client = session_for(world.org.recruiter)
    for method, url, body, field in _strict_cases(world, globex):
        before = hiring_rows()
        response = getattr(client, method)(url, body, format="json")
        assert response.status_code == 400, (method, url, field, response.content)
        assert field in response.json(), (field, response.json())
        assert hiring_rows() == before, (method, url, field)


def test_a_body_that_is_not_an_object_is_refused(world):
    client = session_for(world.org.recruiter)
    before = hiring_rows()
    assert client.post(HIRINGS, ["title", "X"], format="json").status_code == 400
    assert client.post(CANDIDATES, b"{not json", content_type="application/json").status_code == 400
    assert client.post(HIRINGS, {"title": "X"}).status_code == 415  # multipart: JSON only
    assert hiring_rows() == before


# --- public ids and pagination (ORG-6, SEC-VAL) --------------------------------------------------------------------


def test_every_response_carries_public_ids_only(world):
    client = session_for(world.org.admin)
    primary_keys = [row.pk for model in HIRING_MODELS for row in model.objects.for_operators()]
    primary_keys += [world.org.organization.pk, world.org.admin.pk, world.org.admin.user.pk]
    services.add_question(actor=world.org.recruiter, criterion=world.own_criterion, text="Design a rate limiter.")
    objects = {
        HIRINGS: world.own,
        CRITERIA: world.own_criterion,
        CANDIDATES: world.own_candidate,
        INTERVIEWS: world.own_interview,
        DECISIONS: world.own_decision,
    }
    for collection, obj in objects.items():
        listing = client.get(collection)
        assert results(listing), collection
        assert_public_ids_only(listing.json(), primary_keys)
        one = client.get(detail(collection, obj))
        assert one.status_code == 200
        assert one.json()["id"] == obj.public_id
        assert_public_ids_only(one.json(), primary_keys)
    criterion = client.get(detail(CRITERIA, world.own_criterion)).json()
    assert criterion["questions"][0]["id"].startswith("qst_")


def test_lists_are_paginated_with_a_maximum_page_size(world):
    CandidateFactory.create_batch(105, hiring=world.own, organization=world.org.organization)
    client = session_for(world.org.recruiter)
    body = client.get(CANDIDATES, {"page_size": 1000}).json()
    assert set(body) == {"count", "count_exact", "next", "previous", "results"}
    assert body["count"] == 107 and body["count_exact"] is True
    assert len(body["results"]) == 100
    assert body["next"] is not None
    assert len(client.get(CANDIDATES).json()["results"]) == 25
    second = client.get(CANDIDATES, {"page_size": 100, "page": 2}).json()
    assert len(second["results"]) == 7


# --- criteria ------------------------------------------------------------------------------------------------------


def test_hiring_manager_manages_criteria_and_each_change_is_a_new_version(world):
    client = token_for(world.org.hiring_manager)
    hiring = world.own
    version = Hiring.objects.get(pk=hiring.pk).criteria_version
    created = client.post(
        CRITERIA,
        {"hiring": hiring.public_id, "name": "Incident response", "weight": 4, "anchor_5": "Leads calmly"},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["hiring"], body["weight"], body["anchor_5"], body["position"]) == (
        hiring.public_id,
        4,
        "Leads calmly",
        1,
    )
    criterion = Criterion.objects.get(public_id=body["id"])
    assert ids(client.get(CRITERIA, {"hiring": hiring.public_id})) == {world.own_criterion.public_id, body["id"]}

    assert client.patch(detail(CRITERIA, criterion), {"weight": 9}, format="json").status_code == 400
    changed = client.patch(detail(CRITERIA, criterion), {"weight": 2, "name": "Incidents"}, format="json")
    assert changed.status_code == 200, changed.content
    criterion.refresh_from_db()
    assert (criterion.weight, criterion.name) == (2, "Incidents")

    assert client.delete(detail(CRITERIA, criterion)).status_code == 204
    assert not Criterion.objects.for_operators().filter(pk=criterion.pk).exists()
    assert Hiring.objects.get(pk=hiring.pk).criteria_version == version + 3


def test_interviewer_reads_the_criteria_of_their_interviews_only(world):
    client = session_for(world.org.interviewer)
    assert ids(client.get(CRITERIA)) == {world.own_criterion.public_id}
    assert client.get(detail(CRITERIA, world.other_criterion)).status_code == 404


# --- candidates ----------------------------------------------------------------------------------------------------


def test_hiring_manager_adds_finds_and_updates_candidates(world):
    client = session_for(world.org.hiring_manager)
    created = client.post(
        CANDIDATES,
        {"hiring": world.own.public_id, "name": " Grace Hopper ", "email": "Grace@Mail.TEST", "phone": "+46 70 1"},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["hiring"] == world.own.public_id
    assert (body["name"], body["email"], body["stage"]) == ("Grace Hopper", "grace@mail.test", "applied")
    assert body["created_by"] == world.org.hiring_manager.public_id

    assert ids(client.get(CANDIDATES, {"hiring": world.own.public_id, "stage": "applied"})) == {body["id"]}
    assert ids(client.get(CANDIDATES, {"stage": "hired"})) == {world.own_candidate.public_id}
    assert ids(client.get(CANDIDATES, {"hiring": world.other.public_id})) == set()
    assert client.get(CANDIDATES, {"stage": "famous"}).status_code == 400

    changed = client.patch(f"{CANDIDATES}{body['id']}/", {"stage": "screening", "notes": "Strong CV"}, format="json")
    assert changed.status_code == 200, changed.content
    candidate = Candidate.objects.get(public_id=body["id"])
    assert (candidate.stage, candidate.notes) == ("screening", "Strong CV")


@pytest.mark.parametrize("stage", ["hired", "rejected", "withdrawn"])
def test_decision_stages_cannot_be_set_on_a_candidate(world, stage):
    """AI-3: hired, rejected and withdrawn are decisions, recorded with a reason; never a field."""
    candidate = consent_services.add_candidate(
        actor=world.org.recruiter, hiring=world.own, name="Dee Pending", email="dee@mail.test"
    )
    client = session_for(world.org.recruiter)
    before = hiring_rows()
    response = client.patch(detail(CANDIDATES, candidate), {"stage": stage}, format="json")
    assert response.status_code == 400
    assert "decision" in response.json()["stage"][0]
    assert hiring_rows() == before


def test_interviewer_sees_only_the_minimum_of_their_interviews_candidates(world):
    client = session_for(world.org.interviewer)
    listing = results(client.get(CANDIDATES))
    assert [row["id"] for row in listing] == [world.own_candidate.public_id]
    # consent: without it there is nothing to record (CON-4), so the interviewer must see it.
    assert set(listing[0]) == {"id", "hiring", "name", "stage", "consent"}
    one = client.get(detail(CANDIDATES, world.own_candidate)).json()
    assert one == {
        "id": world.own_candidate.public_id,
        "hiring": world.own.public_id,
        "name": "Ada Own",
        "stage": "hired",
        # Every candidate comes in with a consent request (CON-1); the interviewer sees its status, not its links.
        "consent": {
            "id": world.own_candidate.consent.public_id,
            "status": "pending",
            "responded_at": None,
            "withdrawn_at": None,
        },
    }
    assert client.get(detail(CANDIDATES, world.other_candidate)).status_code == 404
    assert results(client.get(DECISIONS)) == []
    assert results(client.get(DOCUMENTS)) == []


# --- interviews ----------------------------------------------------------------------------------------------------


def test_hiring_manager_schedules_and_reassigns_an_interview(world, acme):
    client = token_for(world.org.hiring_manager)
    candidate = consent_services.add_candidate(
        actor=world.org.hiring_manager, hiring=world.own, name="Lin Next", email="lin@mail.test"
    )
    when = timezone.now() + timedelta(days=5)
    created = client.post(
        INTERVIEWS,
        {
            "candidate": candidate.public_id,
            "interviewer": acme.interviewer.public_id,
            "scheduled_at": when.isoformat(),
            "duration_minutes": 60,
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["candidate"], body["hiring"], body["interviewer"]) == (
        candidate.public_id,
        world.own.public_id,
        acme.interviewer.public_id,
    )
    assert (body["duration_minutes"], body["status"]) == (60, "scheduled")
    candidate.refresh_from_db()
    assert candidate.stage == "interview"

    assert ids(client.get(INTERVIEWS, {"candidate": candidate.public_id})) == {body["id"]}
    assert ids(client.get(INTERVIEWS, {"hiring": world.own.public_id})) == {body["id"], world.own_interview.public_id}

    moved = client.patch(f"{INTERVIEWS}{body['id']}/", {"interviewer": acme.recruiter.public_id}, format="json")
    assert moved.status_code == 200, moved.content
    assert moved.json()["interviewer"] == acme.recruiter.public_id
    assert Interview.objects.get(public_id=body["id"]).interviewer == acme.recruiter


def test_a_service_refusal_becomes_a_400_with_its_message(world, acme):
    """The serializer accepts a known member; the service refuses an inactive one (400 JSON, nothing stored)."""
    acme.interviewer.is_active = False
    acme.interviewer.save()
    client = session_for(world.org.recruiter)
    before = hiring_rows()
    response = client.post(
        INTERVIEWS,
        {
            "candidate": world.other_candidate.public_id,
            "interviewer": acme.interviewer.public_id,
            "scheduled_at": (timezone.now() + timedelta(days=1)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    assert "active member" in response.json()["detail"][0]
    assert hiring_rows() == before


def test_a_service_permission_refusal_becomes_a_403(world, monkeypatch):
    def refuse(**kwargs):
        raise PermissionDenied

    monkeypatch.setattr(services, "update_hiring", refuse)
    response = session_for(world.org.recruiter).patch(detail(HIRINGS, world.own), {"title": "X"}, format="json")
    assert response.status_code == 403
    assert "detail" in response.json()


def test_interviewer_sees_only_assigned_interviews_and_cannot_write(world):
    client = session_for(world.org.interviewer)
    assert ids(client.get(INTERVIEWS)) == {world.own_interview.public_id}
    assert client.get(detail(INTERVIEWS, world.own_interview)).status_code == 200
    assert client.get(detail(INTERVIEWS, world.other_interview)).status_code == 404
    before = hiring_rows()
    writes = [
        client.post(HIRINGS, {"title": "Mine"}, format="json"),
        client.patch(
            detail(INTERVIEWS, world.own_interview), {"interviewer": world.org.admin.public_id}, format="json"
        ),
        client.patch(detail(CANDIDATES, world.own_candidate), {"notes": "Seen"}, format="json"),
        client.post(
            DECISIONS,
            {"candidate": world.own_candidate.public_id, "outcome": "hired", "reason": "I liked them"},
            format="json",
        ),
    ]
    assert [w.status_code for w in writes] == [403, 403, 403, 403]
    assert hiring_rows() == before


# --- decisions -----------------------------------------------------------------------------------------------------


def test_a_person_records_a_decision_with_a_reason(world):
    candidate = consent_services.add_candidate(
        actor=world.org.hiring_manager, hiring=world.own, name="Mo Decided", email="mo@mail.test"
    )
    manager = world.org.hiring_manager
    client = session_for(manager)
    created = client.post(
        DECISIONS,
        {"candidate": candidate.public_id, "outcome": "rejected", "reason": "  Weaker design evidence.  "},
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["candidate"], body["hiring"], body["outcome"]) == (
        candidate.public_id,
        world.own.public_id,
        "rejected",
    )
    assert body["reason"] == "Weaker design evidence."
    assert (body["decided_by"], body["decided_by_email"]) == (manager.user.public_id, manager.user.email)
    candidate.refresh_from_db()
    assert candidate.stage == "rejected"
    assert ids(client.get(DECISIONS, {"candidate": candidate.public_id})) == {body["id"]}
    assert ids(client.get(DECISIONS, {"hiring": world.own.public_id})) == {body["id"], world.own_decision.public_id}
    # A decision is a record: it is not edited or deleted through the API.
    decision_url = f"{DECISIONS}{body['id']}/"
    assert client.patch(decision_url, {"outcome": "hired"}, format="json").status_code == 405
    assert client.delete(decision_url).status_code == 405


@pytest.mark.parametrize(
    "body",
    [{"outcome": "hired"}, {"outcome": "hired", "reason": "   "}, {"outcome": "promoted", "reason": "Why not"}, {}],
    ids=["no reason", "blank reason", "unknown outcome", "nothing"],
)
def test_a_decision_needs_an_outcome_and_a_reason(world, body):
    candidate = consent_services.add_candidate(
        actor=world.org.recruiter, hiring=world.own, name="Al", email="al@mail.test"
    )
    before = hiring_rows()
    response = session_for(world.org.recruiter).post(
        DECISIONS, {"candidate": candidate.public_id, **body}, format="json"
    )
    assert response.status_code == 400
    assert hiring_rows() == before


def test_no_decision_happens_unless_a_person_records_one(world, acme):
    """AI-3: adding, changing and interviewing a candidate through the API never decides anything."""
    client = session_for(world.org.hiring_manager)
    created = client.post(
        CANDIDATES, {"hiring": world.own.public_id, "name": "Ned", "email": "ned@mail.test"}, format="json"
    ).json()
    client.patch(f"{CANDIDATES}{created['id']}/", {"stage": "offer"}, format="json")
    client.post(
        INTERVIEWS,
        {
            "candidate": created["id"],
            "interviewer": acme.interviewer.public_id,
            "scheduled_at": (timezone.now() + timedelta(days=1)).isoformat(),
        },
        format="json",
    )
    candidate = Candidate.objects.get(public_id=created["id"])
    assert candidate.stage == "offer"
    assert not Decision.objects.for_operators().filter(candidate=candidate).exists()


# --- documents (SEC-UP) --------------------------------------------------------------------------------------------


@pytest.fixture
def stored_documents(storage_container):
    yield
    for document in Document.objects.for_operators():
        document.file.delete(save=False)


@pytest.mark.usefixtures("stored_documents")
def test_hiring_manager_uploads_lists_and_deletes_a_document(world, django_capture_on_commit_callbacks):
    client = session_for(world.org.hiring_manager)
    # Larger than the ordinary request limit: the upload endpoint declares its own.
    content = PDF + b"%" + b"0" * (settings.REQUEST_MAX_BYTES + 10)
    upload = _file("../../etc/cv.pdf", content)
    created = client.post(DOCUMENTS, {"candidate": world.own_candidate.public_id, "file": upload}, format="multipart")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["candidate"], body["original_name"], body["content_type"]) == (
        world.own_candidate.public_id,
        "cv.pdf",
        "application/pdf",
    )
    assert body["size"] == len(content)
    document = Document.objects.get(public_id=body["id"])
    prefix = f"{world.org.organization.public_id}/{world.own_candidate.public_id}/"  # the candidate's (RET-4)
    assert document.file.name.startswith(prefix)
    # The stored name is generated from the public id alone (SEC-UP): nothing of the uploader's name survives. (A
    # substring test would flake: a random id can contain "cv".)
    assert document.file.name == f"{prefix}documents/{document.public_id}.pdf"
    assert ids(client.get(DOCUMENTS, {"candidate": world.own_candidate.public_id})) == {body["id"]}
    assert client.get(f"{DOCUMENTS}{body['id']}/").json() == body

    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(f"{DOCUMENTS}{body['id']}/").status_code == 204
    assert not Document.objects.for_operators().filter(public_id=body["id"]).exists()
    assert not document.file.storage.exists(document.file.name)


@pytest.mark.usefixtures("stored_documents")
def test_a_document_that_is_not_a_document_is_refused(world):
    client = session_for(world.org.recruiter)
    before = hiring_rows()
    disguised = _file("cv.pdf", b"<html><script>alert(1)</script></html>")
    response = client.post(
        DOCUMENTS, {"candidate": world.own_candidate.public_id, "file": disguised}, format="multipart"
    )
    assert response.status_code == 400
    assert "detail" in response.json()
    sneaky = _file("cv.pdf", PDF)
    response = client.post(
        DOCUMENTS,
        {"candidate": world.own_candidate.public_id, "file": sneaky, "uploaded_by": "x"},
        format="multipart",
    )
    assert response.status_code == 400
    assert "uploaded_by" in response.json()
    assert hiring_rows() == before


@pytest.mark.usefixtures("stored_documents")
def test_a_document_is_stored_under_its_own_public_id(world):
    response = session_for(world.org.recruiter).post(
        DOCUMENTS, {"candidate": world.own_candidate.public_id, "file": _file("cv.pdf", PDF)}, format="multipart"
    )
    assert response.status_code == 201, response.content
    document = Document.objects.get(public_id=response.json()["id"])
    prefix = f"{world.org.organization.public_id}/{world.own_candidate.public_id}/"  # the candidate's (RET-4)
    assert document.file.name == f"{prefix}documents/{document.public_id}.pdf"


def _file(name: str, content: bytes):
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# --- another organization (ORG-5) ----------------------------------------------------------------------------------


def test_a_rival_organization_gets_404_for_every_object_and_400_for_referencing_one(world, globex):
    client = token_for(globex.recruiter)
    before = hiring_rows()
    objects = {
        HIRINGS: world.own,
        CRITERIA: world.own_criterion,
        CANDIDATES: world.own_candidate,
        INTERVIEWS: world.own_interview,
        DECISIONS: world.own_decision,
    }
    for collection, obj in objects.items():
        url = detail(collection, obj)
        assert client.get(url).status_code == 404, url
        assert client.patch(url, {"name": "Taken"}, format="json").status_code == 404, url
        assert client.post(url, {}, format="json").status_code == 404, url  # 404 before 405
        assert client.delete(url).status_code == 404, url
        assert obj.public_id not in ids(client.get(collection))
    assert hiring_rows() == before
    rival_hiring = services.create_hiring(actor=globex.recruiter, title="Ours")
    before = hiring_rows()
    later = (timezone.now() + timedelta(days=2)).isoformat()
    references = [
        (CRITERIA, {"hiring": world.own.public_id, "name": "N"}, "hiring"),
        (CANDIDATES, {"hiring": world.own.public_id, "name": "N", "email": "n@mail.test"}, "hiring"),
        (DECISIONS, {"candidate": world.own_candidate.public_id, "outcome": "hired", "reason": "R"}, "candidate"),
        (
            INTERVIEWS,
            {
                "candidate": world.own_candidate.public_id,
                "interviewer": globex.interviewer.public_id,
                "scheduled_at": later,
            },
            "candidate",
        ),
    ]
    for url, body, field in references:
        response = client.post(url, body, format="json")
        assert response.status_code == 400, (url, response.content)
        assert "does not exist" in response.json()[field][0]
    assert hiring_rows() == before
    response = client.post(
        DOCUMENTS, {"candidate": world.own_candidate.public_id, "file": _file("cv.pdf", PDF)}, format="multipart"
    )
    assert response.status_code == 400
    assert "does not exist" in response.json()["candidate"][0]
    assert hiring_rows() == before
    rival_candidate = consent_services.add_candidate(
        actor=globex.recruiter, hiring=rival_hiring, name="R", email="r@mail.test"
    )
    before = hiring_rows()
    response = client.post(
        INTERVIEWS,
        {"candidate": rival_candidate.public_id, "interviewer": world.org.interviewer.public_id, "scheduled_at": later},
        format="json",
    )
    assert response.status_code == 400
    assert "interviewer" in response.json()
    assert hiring_rows() == before


# --- API keys (KEY-4) ----------------------------------------------------------------------------------------------


def test_a_read_key_reads_but_never_writes(world):
    client = key_for(world.org, "read")
    assert ids(client.get(HIRINGS)) == {world.own.public_id, world.other.public_id}
    before = hiring_rows()
    writes = [
        client.post(HIRINGS, {"title": "Scripted"}, format="json"),
        client.patch(detail(HIRINGS, world.own), {"title": "Scripted"}, format="json"),
        client.post(
            DECISIONS,
            {"candidate": world.own_candidate.public_id, "outcome": "hired", "reason": "Script"},
            format="json",
        ),
        client.delete(detail(CRITERIA, world.own_criterion)),
    ]
    assert [w.status_code for w in writes] == [403, 403, 403, 403]
    assert hiring_rows() == before


def test_a_write_key_writes_as_its_creator(world):
    client = key_for(world.org, "write")
    assert client.get(HIRINGS).status_code == 403
    response = client.post(HIRINGS, {"title": "From the ATS"}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["owner"] == world.org.admin.public_id


@pytest.mark.parametrize("role", [Role.HIRING_MANAGER, Role.RECRUITER, Role.ADMIN], ids=lambda r: r.value)
def test_hiring_managers_and_above_see_every_candidate_field(world, role):
    body = session_for(world.org.member(role)).get(detail(CANDIDATES, world.own_candidate)).json()
    assert {"email", "phone", "notes", "created_by"} <= set(body)
