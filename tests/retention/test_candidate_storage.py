"""Candidate storage (RET-4, SEC-UP): every file of a candidate is stored under one prefix, ``<org public id>/
<candidate public id>/``, through one upload-path helper, and the erasure deletes that prefix, so an object nobody
listed goes too. Runs on local files and, with ``AZURE_STORAGE_CONNECTION_STRING`` set, on Azure Blob Storage
(Azurite)."""

import io
import math
import struct
import wave
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from ai_analysis import pipeline
from ai_analysis.models import Recording, RecordingChunk
from hiring.models import Document
from interview_analyzer.candidate_storage import CandidateUploadTo, candidate_path, candidate_prefix
from retention import graph, services, sweep
from retention.models import DeletionRecord, PendingDeletion
from tests.ai_analysis import pipeline_world
from tests.retention import flaky_storage
from tests.retention.world import full_candidate


def owner_problem(model: type[models.Model], field: models.FileField) -> str | None:
    """Why ``field`` of ``model`` would store a file outside its candidate's prefix, or None when it cannot."""
    label = f"{model._meta.label}.{field.name}"
    upload_to = field.upload_to
    if not isinstance(upload_to, CandidateUploadTo):
        return f"{label}: upload_to is {upload_to!r}, not interview_analyzer.candidate_storage.CandidateUploadTo"
    current = model
    for step in upload_to.owner.split("."):
        try:
            key = current._meta.get_field(step)
        except Exception:  # noqa: BLE001 - FieldDoesNotExist: the declared owner path is wrong
            return f"{label}: owner path {upload_to.owner!r} has no field {step!r} on {current._meta.label}"
        if not (key.is_relation and key.concrete and (key.many_to_one or key.one_to_one)):
            return f"{label}: owner path {upload_to.owner!r} step {step!r} is not a key to one row"
        current = key.related_model
    if current is not apps.get_model("hiring", "Candidate"):
        return f"{label}: owner path {upload_to.owner!r} leads to {current._meta.label}, not hiring.Candidate"
    return None


# --- Structure --------------------------------------------------------------------------------------------------


def test_every_file_field_of_every_model_stores_under_the_candidate_prefix_through_the_one_helper():
    """RET-4: walks every FileField of every installed model; a new kind of file whose upload_to is anything but
    ``CandidateUploadTo`` with an owner path that reaches the candidate fails here, before it can escape erasure."""
    fields = [
        (model, field)
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]
    assert {f"{model._meta.label}.{field.name}" for model, field in fields} >= {
        "hiring.Document.file",
        "ai_analysis.Recording.merged",
        "ai_analysis.RecordingChunk.file",
    }
    problems = [problem for model, field in fields if (problem := owner_problem(model, field))]
    assert problems == []


@pytest.mark.parametrize(
    ("model", "upload_to", "says"),
    [
        (Document, "documents/", "not interview_analyzer.candidate_storage.CandidateUploadTo"),
        (Document, lambda instance, filename: filename, "not interview_analyzer.candidate_storage.CandidateUploadTo"),
        (Document, CandidateUploadTo("candidate.hiring", "x/{row.public_id}"), "leads to hiring.Hiring"),
        (RecordingChunk, CandidateUploadTo("recording.interview", "x/{row.index}"), "leads to hiring.Interview"),
        (Recording, CandidateUploadTo("person", "x"), "has no field 'person'"),
        (Document, CandidateUploadTo("original_name", "x"), "is not a key to one row"),
    ],
    ids=["plain-path", "own-function", "owner-hiring", "owner-interview", "no-such-field", "not-a-key"],
)
def test_the_structural_check_fails_for_a_file_field_that_would_escape(model, upload_to, says):
    field = models.FileField(upload_to=upload_to)
    field.name = "file"
    assert says in owner_problem(model, field)


def test_names_are_the_prefix_then_generated_parts_only():
    organization = SimpleNamespace(public_id="org_A")
    candidate = SimpleNamespace(public_id="cand_B", organization=organization)
    assert candidate_prefix(organization, candidate) == "org_A/cand_B/"
    assert candidate_path(organization, candidate, "recordings/rec_C", "chunk-000001.bin") == (
        "org_A/cand_B/recordings/rec_C/chunk-000001.bin"
    )
    row = SimpleNamespace(candidate=candidate, public_id="doc_D", extension="pdf")
    upload_to = CandidateUploadTo("candidate", "documents/{row.public_id}.{row.extension}")
    assert upload_to(row, "../../etc/passwd.pdf") == "org_A/cand_B/documents/doc_D.pdf"  # the client's name unread
    for unsafe in ("", "..", "documents/../../x", "a//b", "merged.", "a\\b"):
        with pytest.raises(ValueError):
            candidate_path(organization, candidate, unsafe)
    with pytest.raises(ValueError):
        candidate_prefix(SimpleNamespace(public_id=""), candidate)  # an unsaved row has no prefix to give


def test_the_helper_survives_a_migration_round_trip():
    upload_to = Document._meta.get_field("file").upload_to
    path, args, kwargs = upload_to.deconstruct()
    assert path == "interview_analyzer.candidate_storage.CandidateUploadTo"
    assert CandidateUploadTo(*args, **kwargs) == upload_to


# --- Uploads land under the prefix ------------------------------------------------------------------------------


def wav_bytes(seconds: float = 1.0, rate: int = 16000) -> bytes:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = int(seconds * rate)
        out.writeframes(
            b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * 440 * n / rate))) for n in range(frames))
        )
    return buffer.getvalue()


@pytest.mark.django_db
def test_an_uploaded_document_and_a_recording_are_stored_under_the_candidate_prefix(acme):
    """Through the API as clients upload (the document by a recruiter, the chunks by the interviewer) and the
    pipeline's own merge step: every stored name starts with ``<org>/<candidate>/`` and is generated (SEC-UP)."""
    from rest_framework.test import APIClient

    world = pipeline_world.build(acme)
    prefix = f"{acme.organization.public_id}/{world.candidate.public_id}/"
    assert graph.candidate_storage_prefix(world.candidate) == prefix

    recruiter = APIClient()
    recruiter.force_login(acme.recruiter.user)
    response = recruiter.post(
        "/api/v1/documents/",
        {
            "candidate": world.candidate.public_id,
            "file": SimpleUploadedFile("../../Robin's CV.txt", b"Robin Example, engineer.", content_type="text/plain"),
        },
        format="multipart",
    )
    assert response.status_code == 201, response.content
    document = Document.objects.for_operators().get(public_id=response.json()["id"])
    assert document.file.name == f"{prefix}documents/{document.public_id}.txt"

    audio = wav_bytes()
    half = len(audio) // 2 + 3  # a cut inside the samples, as a recorder's timeslice would
    recording_id = pipeline_world.start(world)
    for index, piece in enumerate((audio[:half], audio[half:])):
        assert pipeline_world.put_chunk(world.client, recording_id, index, piece).status_code in (200, 201)
    completed = pipeline_world.complete(world, recording_id, 2)
    assert completed.status_code == 202, completed.content
    assert pipeline.run_step(completed.json()["id"], "merge")

    recording = Recording.objects.for_operators().get(public_id=recording_id)
    chunks = [chunk.file.name for chunk in recording.chunks.order_by("index")]
    assert chunks == [f"{prefix}recordings/{recording_id}/chunk-{index:06d}.bin" for index in (0, 1)]
    assert recording.merged.name == f"{prefix}recordings/{recording_id}/merged.{recording.merged_format}"
    names = [document.file.name, *chunks, recording.merged.name]
    assert all(default_storage.exists(name) for name in names)
    # Everything of the candidate is under their prefix: listing it finds exactly the files the rows name.
    assert sorted(graph.list_prefix(default_storage, prefix)) == sorted(names)
    assert sorted(stored.name for stored in graph.candidate_files(world.candidate)) == sorted(names)


# --- Erasure deletes the prefix ---------------------------------------------------------------------------------


def put_legacy_document(person) -> str:
    """A document stored before the prefix layout (``documents/<org>/<doc>.<ext>``), named by its row."""
    document = Document.objects.for_operators().get(candidate=person.candidate)
    legacy = f"documents/{person.candidate.organization.public_id}/{document.public_id}.txt"
    with default_storage.open(document.file.name, "rb") as current:
        stored = default_storage.save(legacy, ContentFile(current.read()))
    default_storage.delete(document.file.name)
    Document.objects.for_operators().filter(pk=document.pk).update(file=stored)
    return stored


@pytest.mark.django_db
def test_erasure_leaves_nothing_under_the_prefix_also_a_stray_object_and_old_names(
    acme, django_capture_on_commit_callbacks
):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim.lindqvist@mail.test")
    ola = full_candidate(acme.recruiter, name="Ola Berg", email="ola.berg@mail.test")
    prefix = graph.candidate_storage_prefix(kim.candidate)
    legacy = put_legacy_document(kim)
    known_stray = default_storage.save(prefix + "exports/left-over.zip", ContentFile(b"zip"))
    named = [stored.name for stored in graph.candidate_files(kim.candidate)]
    assert legacy in named and known_stray in named
    assert all(name.startswith(prefix) for name in named if name != legacy)
    ola_names = sorted(graph.list_prefix(default_storage, graph.candidate_storage_prefix(ola.candidate)))
    assert len(ola_names) == 3

    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        record = services.erase_candidate(kim.candidate, reason="Asked", trigger="staff_request", actor=acme.recruiter)
    # Between the commit and the blob deletes, an object arrives under the prefix that no row and no listing at
    # erasure time knew of (a late chunk, a file of a kind nobody listed): only the prefix deletion can find it.
    late_stray = default_storage.save(prefix + "recordings/rec_late/chunk-000009.bin", ContentFile(b"late"))
    for callback in after_commit:
        callback()

    assert graph.list_prefix(default_storage, prefix) == []
    assert not default_storage.exists(legacy) and not default_storage.exists(late_stray)
    assert not PendingDeletion.objects.filter(record=record).exists()
    record.refresh_from_db()
    # The named objects (three artefacts and the stray listed at erasure) and the late one the prefix found.
    assert (record.storage_objects, record.storage_objects_removed) == (len(named) + 1, len(named) + 1)
    assert record.storage_confirmed_at is not None
    # Ola's prefix is untouched.
    assert sorted(graph.list_prefix(default_storage, graph.candidate_storage_prefix(ola.candidate))) == ola_names


@pytest.fixture
def flaky(settings):
    settings.STORAGES = {**settings.STORAGES, "default": flaky_storage.flaky_backend()}
    flaky_storage.FAILING["on"] = False
    yield flaky_storage.FAILING
    flaky_storage.FAILING["on"] = False


@pytest.mark.django_db
def test_the_prefix_deletion_is_retried_by_the_sweep_until_storage_is_back(
    acme, flaky, django_capture_on_commit_callbacks
):
    """Storage is down while the erasure's blob deletes run: every named object and the prefix, which holds a stray
    no row names, stay pending; the sweep removes them all once storage answers again, each counted once."""
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    prefix = graph.candidate_storage_prefix(kim.candidate)
    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        record = services.erase_candidate(kim.candidate, reason="Asked", trigger="staff_request", actor=acme.recruiter)
    stray = default_storage.save(prefix + "exports/after.zip", ContentFile(b"zip"))
    flaky["on"] = True
    for callback in after_commit:
        callback()
    down = sweep.run()
    assert (down.storage_removed, down.storage_pending) == (0, 4)  # three named objects and the prefix
    prefix_row = PendingDeletion.objects.get(record=record, is_prefix=True)
    assert (prefix_row.name, prefix_row.attempts) == (prefix, 2) and "StorageDown" in prefix_row.last_error
    assert len(graph.list_prefix(default_storage, prefix)) == 4

    flaky["on"] = False
    assert sweep.run().storage_removed == 4
    assert graph.list_prefix(default_storage, prefix) == [] and not default_storage.exists(stray)
    assert not PendingDeletion.objects.exists()
    record.refresh_from_db()
    assert (record.storage_objects, record.storage_objects_removed) == (4, 4)
    assert record.storage_confirmed_at is not None
    assert DeletionRecord.objects.count() == 1


@pytest.mark.django_db
def test_two_candidates_prefixes_never_overlap(acme):
    """A prefix ends with a slash: no candidate's prefix is the start of another's, so erasing one lists only theirs."""
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    prefix = graph.candidate_storage_prefix(kim.candidate)
    lookalike = default_storage.save(prefix.rstrip("/") + "0/x.bin", ContentFile(b"x"))  # <org>/<cand>0/x.bin
    try:
        assert lookalike not in graph.list_prefix(default_storage, prefix)
        services.erase_candidate(kim.candidate, reason="Asked", trigger="staff_request", actor=acme.recruiter)
        services.finish_storage()
        assert default_storage.exists(lookalike)
    finally:
        default_storage.delete(lookalike)
