"""Erasure as one unit (RET-4) with its proof (RET-5): after it, no row in any table and no stored object refers
to the candidate, nothing personal is on the deletion record, and the other candidates are untouched."""

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import audit
from retention import graph, services
from retention.models import DeletionRecord, PendingDeletion
from tests.retention.world import full_candidate

pytestmark = pytest.mark.django_db


def rows_naming(values: list[str]) -> list[str]:
    """Every row of every table whose text columns contain one of ``values`` (case-insensitive substring), by table;
    the columns ``graph.KEPT_REFERENCES`` keeps on purpose (with its reason) are not read."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        text_fields = [
            field.attname
            for field in model._meta.concrete_fields
            if field.get_internal_type() in ("CharField", "TextField", "EmailField", "JSONField", "FileField")
            and not graph.kept_reference(model, field.attname)
        ]
        for row in model._base_manager.values_list(*text_fields) if text_fields else []:
            blob = " ".join(str(value) for value in row)
            for value in values:
                if value.lower() in blob.lower():
                    found.append(f"{model._meta.label}: {value}")
    return found


def stored_names(storage, prefix="") -> list[str]:
    return graph.list_prefix(storage, prefix) if prefix else _everything(storage)


def _everything(storage):
    names = []
    for top in ("documents", "recordings") + tuple(storage.listdir("")[0]):
        names += graph.list_prefix(storage, top)
    return sorted(set(names))


def test_erasure_leaves_no_row_and_no_stored_object_of_the_candidate(acme, django_capture_on_commit_callbacks):
    from django.core.files.storage import default_storage

    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim.lindqvist@mail.test")
    ola = full_candidate(acme.recruiter, name="Ola Berg", email="ola.berg@mail.test")
    files = [stored.name for stored in graph.candidate_files(kim.candidate)]
    ids = graph.candidate_public_ids(kim.candidate)
    audit.record(organization=acme.organization, actor=None, action="profile.updated", target=kim.candidate.public_id)
    ola_rows = {model: rows.count() for model, rows in graph.candidate_rows(ola.candidate)}
    assert len(files) == 3 and all(default_storage.exists(name) for name in files)

    with django_capture_on_commit_callbacks(execute=True):
        record = services.erase_candidate(
            kim.candidate, reason="Asked by phone", trigger="staff_request", actor=acme.recruiter
        )

    for model, rows in graph.candidate_rows(kim.candidate):
        assert not rows.exists(), model._meta.label
    assert rows_naming([*kim.secrets, *ids]) == []
    assert not any(default_storage.exists(name) for name in files)
    assert [name for name in _everything(default_storage) if any(i in name for i in ids)] == []
    # Ola keeps everything.
    assert {model: rows.count() for model, rows in graph.candidate_rows(ola.candidate)} == ola_rows
    assert all(default_storage.exists(stored.name) for stored in graph.candidate_files(ola.candidate))

    record.refresh_from_db()
    assert record.trigger == "staff_request"
    assert record.actor_label == acme.recruiter.user.email
    assert record.counts["hiring.candidate"] == 1
    assert record.counts["ai_analysis.transcriptturn"] == 2
    assert record.counts["hiring.document"] == 1
    assert record.storage_objects == 3 and record.storage_objects_removed == 3
    assert record.storage_confirmed_at is not None
    assert record.public_ids_digest == services.public_ids_digest(ids)
    assert not PendingDeletion.objects.exists()


def test_the_deletion_record_holds_nothing_personal_even_if_the_reason_names_the_person(acme):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim.lindqvist@mail.test")
    record = services.erase_candidate(
        kim.candidate,
        reason="Kim Lindqvist wrote from KIM.LINDQVIST@mail.test asking us to delete",
        trigger="staff_request",
        actor=acme.admin,
    )
    values = DeletionRecord.objects.filter(pk=record.pk).values().get()
    text = " ".join(str(value) for value in values.values()).lower()
    for secret in kim.secrets + ["lindqvist", "kim"]:
        assert secret.lower() not in text
    assert record.reason == "[candidate] wrote from [candidate] asking us to delete"


@pytest.mark.parametrize("role", ["interviewer", "hiring_manager"])
def test_below_recruiter_cannot_erase_and_nothing_changes(acme, role):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    before = {model: rows.count() for model, rows in graph.candidate_rows(kim.candidate)}
    with pytest.raises(PermissionDenied):
        services.erase_candidate(kim.candidate, reason="x", trigger="staff_request", actor=acme.member(role))
    assert {model: rows.count() for model, rows in graph.candidate_rows(kim.candidate)} == before
    assert not DeletionRecord.objects.exists()


def test_a_rival_organization_cannot_erase(acme, globex):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    with pytest.raises(PermissionDenied):
        services.erase_candidate(kim.candidate, reason="x", trigger="staff_request", actor=globex.admin)
    assert graph.candidate_rows(kim.candidate)[0][1].exists()


@pytest.mark.parametrize("reason,trigger", [("", "staff_request"), ("   ", "staff_request"), ("ok", "because")])
def test_a_missing_reason_or_unknown_trigger_erases_nothing(acme, reason, trigger):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    with pytest.raises(ValidationError):
        services.erase_candidate(kim.candidate, reason=reason, trigger=trigger, actor=acme.recruiter)
    assert graph.candidate_rows(kim.candidate)[0][1].exists()
    assert not DeletionRecord.objects.exists()


def test_erasing_twice_is_refused_and_writes_one_record(acme):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    services.erase_candidate(kim.candidate, reason="Asked", trigger="staff_request", actor=acme.recruiter)
    with pytest.raises(services.CandidateGone):
        services.erase_candidate(kim.candidate, reason="Asked", trigger="candidate_request")
    assert DeletionRecord.objects.count() == 1


def test_the_sweep_and_the_candidate_are_named_as_such(acme):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    ola = full_candidate(acme.recruiter, name="Ola Berg", email="ola@mail.test")
    by_sweep = services.erase_candidate(kim.candidate, reason="Expired", trigger="expiry")
    by_candidate = services.erase_candidate(ola.candidate, reason="Asked in the portal", trigger="candidate_request")
    assert by_sweep.actor_label == "retention sweep"
    assert by_candidate.actor_label == "the candidate"
