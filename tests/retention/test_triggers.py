"""What starts an erasure (RET-6, CON-5): the candidate's withdrawal, a recruiter or admin acting on a request
through the page or the API. Expiry is in test_clock."""

import pytest
from django.test import Client

from accounts.services import create_api_key
from consent import services as consent_services
from consent.services import ConsentRequired
from hiring.models import Candidate
from retention import graph, sweep
from retention.models import DeletionRecord
from tests.retention.world import full_candidate

pytestmark = pytest.mark.django_db


def exists(person) -> bool:
    return Candidate.objects.for_operators().filter(pk=person.candidate.pk).exists()


def test_withdrawing_consent_erases_the_candidate_at_once(acme, django_capture_on_commit_callbacks):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    with django_capture_on_commit_callbacks(execute=True):
        consent_services.withdraw(kim.portal_token)
    assert not exists(kim)
    record = DeletionRecord.objects.for_operators().get()
    assert record.trigger == "consent_withdrawn" and record.actor_label == "the candidate"
    assert record.storage_confirmed_at is not None


def test_processing_stops_at_withdrawal_and_the_sweep_erases_if_the_process_died_first(acme):
    """The withdrawal commits; the erasure after it never runs (on_commit callbacks are dropped here, as when the
    process dies): nothing may be processed any more, and the next sweep erases."""
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    consent_services.withdraw(kim.portal_token)
    assert exists(kim)
    with pytest.raises(ConsentRequired):
        consent_services.require_consent(kim.candidate)
    report = sweep.run()
    assert report.erased_withdrawn == 1 and not exists(kim)
    assert DeletionRecord.objects.for_operators().get().trigger == "consent_withdrawn"
    assert sweep.run().erased_withdrawn == 0


# --- Staff request: the API ------------------------------------------------------------------------------------


def api(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def erase_path(person) -> str:
    return f"/api/v1/candidates/{person.candidate.public_id}/erase/"


def test_a_recruiter_erases_through_the_api_and_gets_the_record(acme):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    response = api(acme.recruiter).post(erase_path(kim), {"reason": "Asked by email"}, content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["trigger"] == "staff_request" and body["by"] == acme.recruiter.user.email
    assert body["counts"]["hiring.candidate"] == 1
    assert "Kim" not in response.content.decode()
    assert not exists(kim)
    again = api(acme.recruiter).post(erase_path(kim), {"reason": "Again"}, content_type="application/json")
    assert again.status_code == 404


@pytest.mark.parametrize("payload", [{}, {"reason": ""}, {"reason": "   "}, {"reason": "x", "trigger": "expiry"}])
def test_the_api_refuses_a_missing_reason_or_extra_fields_and_erases_nothing(acme, payload):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    response = api(acme.recruiter).post(erase_path(kim), payload, content_type="application/json")
    assert response.status_code == 400
    assert response.json()
    assert exists(kim) and not DeletionRecord.objects.exists()


@pytest.mark.parametrize("role,status", [("hiring_manager", 403), ("interviewer", 403)])
def test_below_recruiter_the_api_refuses_and_nothing_changes(acme, role, status):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    response = api(acme.member(role)).post(erase_path(kim), {"reason": "x"}, content_type="application/json")
    assert response.status_code in (status, 404)
    assert exists(kim)


def test_an_api_key_needs_the_write_scope(acme):
    acme.organization.plan = "team"
    acme.organization.save()
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    _key, read_only = create_api_key(actor=acme.admin, name="Reader", scopes=["read"], allowed_cidrs=[])
    _key, writer = create_api_key(actor=acme.admin, name="Writer", scopes=["read", "write"], allowed_cidrs=[])
    refused = Client(HTTP_AUTHORIZATION=f"Bearer {read_only}").post(
        erase_path(kim), {"reason": "x"}, content_type="application/json"
    )
    assert refused.status_code == 403 and exists(kim)
    done = Client(HTTP_AUTHORIZATION=f"Bearer {writer}").post(
        erase_path(kim), {"reason": "Asked"}, content_type="application/json"
    )
    assert done.status_code == 201 and not exists(kim)


def test_a_rival_gets_404(acme, globex):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    response = api(globex.admin).post(erase_path(kim), {"reason": "x"}, content_type="application/json")
    assert response.status_code == 404 and exists(kim)


def test_the_retention_endpoint_shows_the_deletion_date_and_takes_an_override(acme):
    from tests.hiring.factories import HiringFactory

    hiring = HiringFactory(owner=acme.hiring_manager, organization=acme.organization)
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test", hiring=hiring)
    path = f"/api/v1/candidates/{kim.candidate.public_id}/retention/"
    body = api(acme.hiring_manager).get(path).json()
    assert body["candidate"] == kim.candidate.public_id and body["override_days"] == 400
    assert body["delete_after"] and body["organization_days"] == 365
    assert (
        api(acme.hiring_manager).patch(path, {"override_days": 90}, content_type="application/json").status_code == 403
    )
    refused = api(acme.recruiter).patch(path, {"override_days": 5}, content_type="application/json")
    assert refused.status_code == 400
    changed = api(acme.recruiter).patch(path, {"override_days": 90}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["override_days"] == 90


def test_deletion_records_are_listed_to_admins_only(acme, globex):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    api(acme.recruiter).post(erase_path(kim), {"reason": "Asked"}, content_type="application/json")
    listed = api(acme.admin).get("/api/v1/deletion-records/")
    assert listed.status_code == 200
    [record] = listed.json()["results"]
    assert record["trigger"] == "staff_request" and record["public_ids_digest"]
    assert api(acme.recruiter).get("/api/v1/deletion-records/").status_code == 403
    rival = api(globex.admin).get("/api/v1/deletion-records/").json()
    assert rival["results"] == []


# --- Staff request: the page -----------------------------------------------------------------------------------


def test_the_erase_button_asks_for_a_reason_and_a_confirmation(acme):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    client = api(acme.recruiter)
    page = client.get(f"/candidates/{kim.candidate.public_id}/erase/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Erase Kim Lindqvist?" in html and "Transcript turn: 2" in html
    unconfirmed = client.post(f"/candidates/{kim.candidate.public_id}/erase/", {"reason": "Asked"})
    assert unconfirmed.status_code == 400 and exists(kim)
    no_reason = client.post(f"/candidates/{kim.candidate.public_id}/erase/", {"confirm": "on"})
    assert no_reason.status_code == 400 and exists(kim)
    done = client.post(f"/candidates/{kim.candidate.public_id}/erase/", {"reason": "Asked", "confirm": "on"})
    assert done.status_code == 302 and not exists(kim)
    assert client.get(f"/candidates/{kim.candidate.public_id}/").status_code == 404
    records = api(acme.admin).get("/settings/deletion-records/").content.decode()
    assert "Erased by a member on request" in records and "Kim" not in records


def test_the_deletion_records_export_is_csv_without_personal_data(acme):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    api(acme.recruiter).post(erase_path(kim), {"reason": "=HYPERLINK(1)"}, content_type="application/json")
    response = api(acme.admin).get("/settings/deletion-records.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    text = response.content.decode()
    assert "staff_request" in text and "'=HYPERLINK(1)" in text
    for secret in kim.secrets:
        assert secret not in text
    assert api(acme.recruiter).get("/settings/deletion-records.csv").status_code == 403


def test_the_graph_sees_nothing_left_after_a_page_erasure(acme):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    api(acme.admin).post(f"/candidates/{kim.candidate.public_id}/erase/", {"reason": "Asked", "confirm": "on"})
    assert all(not rows.exists() for _model, rows in graph.candidate_rows(kim.candidate))
