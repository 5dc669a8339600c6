"""The structural definition of a candidate's data (RET-4, RET-7): ``retention.graph`` walks the app registry,
and these tests walk it again to fail the moment a model or file could escape erasure or export."""

import pytest
from django.apps import apps
from django.db import models

from retention import graph
from tests.retention.world import full_candidate

# Models that point into candidate data without cascading from it, each with the reason it may: the rows the erasure
# keeps detached (``graph.DETACHED``: the access log, LOG-1).
KEPT_ON_PURPOSE: dict[str, str] = {label: reason for label, (_key, _cleared, reason) in graph.DETACHED.items()}


def _keys_into(targets):
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in targets:
                yield model, field


def test_every_key_into_candidate_data_cascades_so_no_row_survives_its_candidate():
    """RET-4: a model with a SET_NULL/PROTECT/DO_NOTHING key into candidate data would keep a row (and its
    text) after erasure, or block it. Walks every model of every installed app."""
    owned = graph.owned_models()
    escaping = [
        f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}"
        f" ({field.remote_field.on_delete.__name__})"
        for model, field in _keys_into(owned)
        if model not in owned and model._meta.label_lower not in KEPT_ON_PURPOSE
    ]
    assert escaping == [], "These keys point at candidate data but do not cascade from it: " + "; ".join(escaping)


def test_rows_kept_on_purpose_are_detached_by_a_nullable_set_null_key_to_the_candidate():
    """LOG-1, RET-4: a kept row's only key into candidate data is the one the erasure clears, and it is the key to
    the candidate itself (a key to a document or an interview would be left dangling)."""
    candidate = apps.get_model("hiring", "Candidate")
    for label, (key, cleared, reason) in graph.DETACHED.items():
        model = apps.get_model(label)
        keys = [
            field
            for field in model._meta.concrete_fields
            if field.is_relation and field.related_model in graph.owned_models()
        ]
        assert [field.name for field in keys] == [key], label
        field = model._meta.get_field(key)
        assert field.related_model is candidate and field.null and field.remote_field.on_delete is models.SET_NULL
        assert all(model._meta.get_field(column).blank for column in cleared) and reason


def test_every_model_reaching_the_candidate_is_in_the_graph():
    """Any chain of cascading keys from any model that ends at Candidate puts that model in the graph."""
    candidate = apps.get_model("hiring", "Candidate")
    owned = graph.owned_models()
    changed = True
    reach = {candidate}
    while changed:
        changed = False
        for model, field in _keys_into(reach):
            if field.remote_field.on_delete is models.CASCADE and model not in reach:
                reach.add(model)
                changed = True
    assert reach == owned


def test_every_file_field_belongs_to_candidate_data():
    """RET-4, ARCHITECTURE "Candidate storage": a FileField on a model outside the graph would store files the
    erasure never finds."""
    outside = [
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in graph.file_fields(model)
        if model not in graph.owned_models()
    ]
    assert outside == []


def test_the_graph_holds_the_kinds_of_data_the_spec_names():
    labels = {model._meta.label for model in graph.owned_models()}
    assert {
        "hiring.Candidate",
        "hiring.Document",
        "hiring.Interview",
        "hiring.Decision",
        "consent.ConsentRequest",
        "consent.ConsentLink",
        "consent.ConsentEvent",
        "ai_analysis.Recording",
        "ai_analysis.RecordingChunk",
        "ai_analysis.Analysis",
        "ai_analysis.TranscriptTurn",
        "ai_analysis.QuestionAnswer",
        "ai_analysis.Score",
        "ai_analysis.Evidence",
        "ai_analysis.Feedback",
    } <= labels


@pytest.mark.django_db
def test_rows_and_files_of_one_candidate_are_all_theirs_and_every_kind_is_found(acme, globex):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    other = full_candidate(acme.recruiter, name="Ola Berg", email="ola@mail.test")
    rival = full_candidate(globex.recruiter, name="Rut Dahl", email="rut@mail.test")
    rows = dict(graph.candidate_rows(kim.candidate))
    assert list(rows)[0]._meta.label == "hiring.Candidate"
    for model, queryset in rows.items():
        if model._meta.auto_created:
            continue
        assert queryset.exists(), f"no {model._meta.label} row found for the candidate"
    candidate_ids = set()
    for model, queryset in rows.items():
        assert (
            not queryset.filter(organization_id=globex.organization.pk).exists()
            if hasattr(model, "organization_id")
            else True
        )
        candidate_ids.update(queryset.values_list("pk", flat=True)) if model._meta.label == "hiring.Candidate" else None
    assert candidate_ids == {kim.candidate.pk}

    files = graph.candidate_files(kim.candidate)
    kinds = {stored.kind for stored in files}
    assert kinds == {"hiring.document.file", "ai_analysis.recordingchunk.file", "ai_analysis.recording.merged"}
    theirs = {stored.name for stored in files}
    assert theirs.isdisjoint({stored.name for stored in graph.candidate_files(other.candidate)})
    assert theirs.isdisjoint({stored.name for stored in graph.candidate_files(rival.candidate)})
    for stored in files:
        assert stored.storage.exists(stored.name)


@pytest.mark.django_db
def test_files_under_the_candidate_prefix_are_listed_too(acme):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    prefix = graph.candidate_storage_prefix(kim.candidate)
    assert prefix == f"{acme.organization.public_id}/{kim.candidate.public_id}/"
    name = default_storage.save(prefix + "exports/export.zip", ContentFile(b"zip"))
    try:
        found = [stored for stored in graph.candidate_files(kim.candidate) if stored.model is None]
        assert [stored.name for stored in found] == [name]
    finally:
        default_storage.delete(name)


@pytest.mark.django_db
def test_references_by_public_id_are_found_outside_the_graph(acme):
    from accounts import audit

    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    ids = graph.candidate_public_ids(kim.candidate)
    assert kim.candidate.public_id in ids
    event = audit.record(organization=acme.organization, actor=None, action="profile.updated", target=ids[0])
    found = {(model._meta.label, attname): list(rows) for model, attname, rows in graph.candidate_references(ids)}
    assert found[("accounts.AuditEvent", "target")] == [event]
