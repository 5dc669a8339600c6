"""One storage quota for every kind of file (SEC-UP): ``interview_analyzer.storage_quota``.

Every model with a ``FileField`` names the fields that hold its files' sizes, so a new kind of file counts the
moment it exists; the count is one sum over all of them, and both upload paths (documents, recording chunks) refuse
with the same error when it would pass the quota.
"""

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models

from interview_analyzer.storage_quota import check_storage_quota, models_storing_bytes, storage_used
from tests.ai_analysis.factories import RecordingFactory
from tests.hiring.factories import CandidateFactory

pytestmark = pytest.mark.django_db


def test_every_model_that_stores_files_counts_toward_the_quota():
    with_files = {
        model
        for model in apps.get_models()
        if any(isinstance(field, models.FileField) for field in model._meta.get_fields())
    }
    assert with_files, "the walk found no FileField at all"
    assert with_files <= set(models_storing_bytes())
    for model in models_storing_bytes():
        for name in model.stored_bytes_fields:
            assert isinstance(model._meta.get_field(name), models.IntegerField), (model, name)


def test_used_storage_sums_documents_chunks_and_merged_audio_of_one_organization(acme, globex):
    from ai_analysis.models import RecordingChunk
    from hiring.models import Document

    candidate = CandidateFactory(hiring__owner=acme.recruiter)
    Document.objects.create(
        organization=acme.organization,
        candidate=candidate,
        file="x",
        original_name="cv.pdf",
        size=1000,
        extension="pdf",
    )
    recording = RecordingFactory(interview__candidate=candidate, merged_bytes=300)
    RecordingChunk.objects.create(
        organization=recording.organization, recording=recording, index=0, size=20, sha256="0" * 64, file="c"
    )
    assert storage_used(acme.organization.pk) == 1320
    assert storage_used(globex.organization.pk) == 0


def test_the_quota_check_refuses_past_the_limit(acme, settings):
    settings.ORGANIZATION_STORAGE_QUOTA_BYTES = 100
    check_storage_quota(acme.organization.pk, 100)
    with pytest.raises(ValidationError) as refused:
        check_storage_quota(acme.organization.pk, 101)
    assert refused.value.code == "quota"
