"""The ATS creates and updates hirings and candidates by its own ids (INT-1): idempotent upserts, candidates through
the one door with their consent request (CON-1), every bad input a 400 that stores nothing (SEC-VAL), and another
organization's colliding ids invisible (ORG-5)."""

import pytest
from django.core import mail

from consent.models import ConsentLink, ConsentRequest, ConsentStatus, LinkPurpose
from hiring.models import Candidate, Hiring
from integrations.models import ExternalCandidate, ExternalHiring
from tests.consent.links import last_token_to

pytestmark = pytest.mark.django_db

HIRING = "/api/v1/ats/hirings/"
CANDIDATE = "/api/v1/ats/candidates/"


def snapshot():
    return (
        list(Hiring.objects.for_operators().order_by("pk").values()),
        list(Candidate.objects.for_operators().order_by("pk").values()),
        list(ConsentRequest.objects.for_operators().order_by("pk").values()),
        list(ExternalHiring.objects.for_operators().order_by("pk").values()),
        list(ExternalCandidate.objects.for_operators().order_by("pk").values()),
        len(mail.outbox),
    )


def put_job(ats, external_id="JOB-1", **fields):
    return ats.put(HIRING + external_id, {"title": "Backend engineer", **fields})


def put_person(ats, external_id="cand-77", **fields):
    body = {"hiring": "JOB-1", "name": "Kim Ats", "email": "kim.ats@mail.test", **fields}
    return ats.put(CANDIDATE + external_id, body)


def test_a_hiring_is_created_once_and_a_repeat_changes_nothing(ats):
    first = put_job(ats, description="<p>Build APIs</p><script>x</script>", status="open")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["external_id"] == "JOB-1" and body["id"].startswith("hir_")
    assert body["description"] == "<p>Build APIs</p>"  # sanitized on write (SEC-HTML)
    hiring = Hiring.objects.for_operators().get(public_id=body["id"])
    assert hiring.organization == ats.org.organization
    before = snapshot()
    updated_at = hiring.updated_at

    again = put_job(ats, description="<p>Build APIs</p><script>x</script>", status="open")
    assert again.status_code == 200 and again.json() == body
    assert snapshot() == before
    hiring.refresh_from_db()
    assert hiring.updated_at == updated_at


def test_a_changed_hiring_is_updated_in_place(ats):
    created = put_job(ats).json()
    changed = put_job(ats, title="Senior backend engineer", status="on_hold")
    assert changed.status_code == 200
    assert changed.json()["id"] == created["id"]
    assert (changed.json()["title"], changed.json()["status"]) == ("Senior backend engineer", "on_hold")
    assert Hiring.objects.for_operators().filter(organization=ats.org.organization).count() == 1


def test_a_candidate_from_the_ats_gets_the_consent_request_as_by_hand(ats, django_capture_on_commit_callbacks):
    put_job(ats)
    with django_capture_on_commit_callbacks(execute=True):
        response = put_person(ats, phone="+46 70 123", language="sv")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["hiring"]["external_id"] == "JOB-1" and body["consent"] == {"status": "pending"}
    candidate = Candidate.objects.for_operators().get(public_id=body["id"])
    consent = ConsentRequest.objects.for_operators().get(candidate=candidate)
    assert (consent.status, consent.language, consent.requested_by) == ("pending", "sv", ats.key.membership)
    assert ConsentLink.objects.for_operators().filter(request=consent, purpose=LinkPurpose.CONSENT).count() == 1
    assert last_token_to("kim.ats@mail.test")  # the one-time link was emailed (CON-1)
    before = snapshot()

    with django_capture_on_commit_callbacks(execute=True):
        again = put_person(ats, phone="+46 70 123", language="sv")
    assert again.status_code == 200 and again.json() == body
    assert snapshot() == before  # no second candidate, request or email


def test_a_changed_candidate_is_updated_and_keeps_their_consent(ats):
    put_job(ats)
    created = put_person(ats).json()
    consent_pk = ConsentRequest.objects.for_operators().get(candidate__public_id=created["id"]).pk
    changed = put_person(ats, name="Kim Ats-Lind", email="KIM.LIND@mail.test")
    assert changed.status_code == 200
    assert (changed.json()["name"], changed.json()["email"]) == ("Kim Ats-Lind", "kim.lind@mail.test")
    assert ConsentRequest.objects.for_operators().get(candidate__public_id=created["id"]).pk == consent_pk
    assert Candidate.objects.for_operators().count() == 1


def test_the_ats_reads_back_what_it_sent(ats, accept, django_capture_on_commit_callbacks):
    put_job(ats)
    with django_capture_on_commit_callbacks(execute=True):
        created = put_person(ats).json()
    read = ats.client().get(CANDIDATE + "cand-77")
    assert read.status_code == 200 and read.json() == created
    assert ats.client().get(HIRING + "JOB-1").json()["id"] == created["hiring"]["id"]
    assert ats.client().get(HIRING + "JOB-404").status_code == 404


BAD_HIRINGS = [
    ({"title": "x", "owner": "usr_x"}, "owner"),  # not writable (SEC-MASS)
    ({"title": "x", "organization": "org_x"}, "organization"),
    ({"description": "no title"}, "title"),  # a new hiring needs one
    ({"title": ""}, "title"),
    ({"title": "x" * 201}, "title"),
    ({"title": "x", "status": "hired"}, "status"),
    ({"title": "x", "interview_language": "klingon"}, "interview_language"),
]


@pytest.mark.parametrize(("body", "field"), BAD_HIRINGS)
def test_bad_hirings_are_400_and_store_nothing(ats, body, field):
    before = snapshot()
    response = ats.put(HIRING + "JOB-9", body)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before


@pytest.mark.parametrize("external_id", ["-leading-dash", "a" * 129, "sp ace", "semi;colon", "ü"])
def test_malformed_external_ids_are_400(ats, external_id):
    before = snapshot()
    response = put_job(ats, external_id=external_id)
    assert response.status_code == 400 and "external_id" in response.json()
    assert snapshot() == before


@pytest.mark.parametrize("payload", [b"{not json", b"[1, 2]", b'"text"', b"\xff\xfe"])
def test_bodies_that_are_not_objects_are_400(ats, payload):
    before = snapshot()
    response = ats.client().put(HIRING + "JOB-1", payload, content_type="application/json")
    assert response.status_code == 400 and isinstance(response.json(), dict) and response.json()
    assert snapshot() == before


BAD_PEOPLE = [
    ({"email": "not-an-email"}, "email"),
    ({"name": ""}, "name"),
    ({"hiring": "JOB-UNKNOWN"}, "hiring"),  # PUT the hiring first
    ({"language": "de"}, "language"),
    ({"stage": "hired"}, "stage"),  # decisions are a person's (AI-3), never an ATS field here
    ({"consent": "accepted"}, "consent"),  # nobody answers for the candidate (CON-3)
]


@pytest.mark.parametrize(("change", "field"), BAD_PEOPLE)
def test_bad_candidates_are_400_and_store_nothing(ats, change, field):
    put_job(ats)
    before = snapshot()
    response = put_person(ats, **change)
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert snapshot() == before


def test_a_candidate_cannot_move_to_another_hiring(ats):
    put_job(ats)
    put_job(ats, external_id="JOB-2")
    put_person(ats)
    before = snapshot()
    response = put_person(ats, hiring="JOB-2")
    assert response.status_code == 400 and "hiring" in response.json()
    assert snapshot() == before


def test_another_organizations_colliding_ids_are_invisible(ats, rival_ats):
    """Both ATSs use JOB-1 and cand-77. Each organization gets its own objects; neither sees or changes the other's."""
    ours = put_job(ats).json()
    put_person(ats)
    before = snapshot()
    assert rival_ats.client().get(HIRING + "JOB-1").status_code == 404
    assert rival_ats.client().get(CANDIDATE + "cand-77").status_code == 404
    assert snapshot() == before
    # The rival's candidate cannot be put into our hiring by naming our job id: for them it does not exist.
    response = rival_ats.put(CANDIDATE + "cand-77", {"hiring": "JOB-1", "name": "Eve", "email": "eve@mail.test"})
    assert response.status_code == 400 and "hiring" in response.json()
    assert snapshot() == before

    theirs = put_job(rival_ats, title="Their job")
    assert theirs.status_code == 201 and theirs.json()["id"] != ours["id"]
    assert put_person(rival_ats, name="Their Kim").status_code == 201
    mine = Hiring.objects.for_operators().get(public_id=ours["id"])
    assert mine.title == "Backend engineer"
    assert ats.client().get(CANDIDATE + "cand-77").json()["name"] == "Kim Ats"
    assert ExternalCandidate.objects.for_operators().filter(external_id="cand-77").count() == 2


def test_a_declined_candidate_is_shown_as_declined(ats, django_capture_on_commit_callbacks):
    from consent import services as consent_services

    put_job(ats)
    with django_capture_on_commit_callbacks(execute=True):
        put_person(ats)
    consent_services.decline(last_token_to("kim.ats@mail.test"))
    assert ats.client().get(CANDIDATE + "cand-77").json()["consent"] == {"status": ConsentStatus.DECLINED}
