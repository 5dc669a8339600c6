"""The chunk upload API (SEC-UP, CON-4): idempotent per index, checksummed, resumable, limited; every refusal a clear
4xx with a JSON body that stores nothing."""

import hashlib

import pytest
from rest_framework.test import APIClient

from ai_analysis.models import Analysis, Recording, RecordingChunk
from tests.ai_analysis import pipeline_world as pw

pytestmark = pytest.mark.django_db

OGG = b"OggS\x00\x02" + bytes(200)


@pytest.fixture
def world(acme):
    return pw.build(acme)


def stored():
    return list(RecordingChunk.objects.for_operators().values_list("index", "sha256", "size"))


def test_a_chunk_is_stored_once_and_resending_it_is_a_no_op(world):
    recording = pw.start(world)
    first = pw.put_chunk(world.client, recording, 0, OGG)
    assert first.status_code == 201 and first.json()["stored"] is True
    again = pw.put_chunk(world.client, recording, 0, OGG)
    assert again.status_code == 200 and again.json()["stored"] is False
    assert stored() == [(0, hashlib.sha256(OGG).hexdigest(), len(OGG))]
    body = world.client.get(f"/api/v1/recordings/{recording}/").json()
    assert body["received_chunks"] == [0] and body["status"] == "receiving"


def test_other_bytes_for_a_stored_index_are_a_conflict(world):
    recording = pw.start(world)
    pw.put_chunk(world.client, recording, 0, OGG)
    response = pw.put_chunk(world.client, recording, 0, OGG + b"x")
    assert response.status_code == 409 and "detail" in response.json()
    assert len(stored()) == 1


@pytest.mark.parametrize(
    ("data", "sha", "status", "words"),
    [
        (OGG, "0" * 64, 400, "checksum"),
        (OGG, "not-a-checksum", 400, "SHA-256"),
        (OGG, "", 400, "SHA-256"),
        (b"", hashlib.sha256(b"").hexdigest(), 400, "empty"),
    ],
    ids=["wrong checksum", "malformed checksum", "no checksum", "empty"],
)
def test_bad_chunks_are_refused_and_nothing_is_stored(world, data, sha, status, words):
    recording = pw.start(world)
    response = pw.put_chunk(world.client, recording, 0, data, sha256=sha)
    assert response.status_code == status
    assert words.lower() in str(response.json()).lower()
    assert stored() == []


def test_a_chunk_beyond_the_size_limit_is_refused(world, settings):
    settings.RECORDING_CHUNK_MAX_BYTES = 100
    recording = pw.start(world)
    response = pw.put_chunk(world.client, recording, 0, OGG)
    assert response.status_code == 400 and "at most" in str(response.json())
    assert stored() == []


def test_a_body_beyond_the_request_limit_is_refused_before_parsing(world, settings):
    recording = pw.start(world)
    big = b"x" * (settings.RECORDING_CHUNK_MAX_BYTES + 128 * 1024)
    response = pw.put_chunk(world.client, recording, 0, big)
    assert response.status_code == 413
    assert stored() == []


def test_the_organizations_quota_counts_recordings(world, settings):
    settings.ORGANIZATION_STORAGE_QUOTA_BYTES = len(OGG) + 10
    recording = pw.start(world)
    assert pw.put_chunk(world.client, recording, 0, OGG).status_code == 201
    response = pw.put_chunk(world.client, recording, 1, OGG)
    assert response.status_code == 400 and "quota" in str(response.json())
    assert len(stored()) == 1


def test_an_index_out_of_range_and_a_wrong_content_type_are_refused(world, settings):
    recording = pw.start(world)
    too_far = pw.put_chunk(world.client, recording, settings.RECORDING_MAX_CHUNKS, OGG)
    assert too_far.status_code == 400
    as_json = world.client.put(
        f"/api/v1/recordings/{recording}/chunks/0/",
        data={"a": 1},
        format="json",
        HTTP_X_CHUNK_SHA256=hashlib.sha256(OGG).hexdigest(),
    )
    assert as_json.status_code == 415
    assert stored() == []


def test_complete_needs_every_chunk_and_says_which_are_missing(world):
    recording = pw.start(world)
    for index in (0, 2):
        pw.put_chunk(world.client, recording, index, OGG + bytes([index]))
    response = pw.complete(world, recording, 4)
    assert response.status_code == 400
    assert response.json()["missing"] == [1, 3]
    assert Recording.objects.for_operators().get(public_id=recording).status == "receiving"
    assert not Analysis.objects.for_operators().exists()
    beyond = pw.complete(world, recording, 2)
    assert beyond.status_code == 400 and beyond.json()["beyond_chunk_count"] == [2]


def test_complete_is_idempotent_and_closes_the_recording(world, django_capture_on_commit_callbacks):
    recording = pw.start(world)
    pw.put_chunk(world.client, recording, 0, OGG)
    with django_capture_on_commit_callbacks() as queued:
        first = pw.complete(world, recording, 1)
    assert first.status_code == 202 and len(queued) == 1  # the pipeline is enqueued after the commit
    again = pw.complete(world, recording, 1)
    assert again.status_code == 202 and again.json()["id"] == first.json()["id"]
    assert Analysis.objects.for_operators().count() == 1
    late = pw.put_chunk(world.client, recording, 1, OGG + b"late")
    assert late.status_code == 409
    analysis = Analysis.objects.for_operators().get()
    assert (analysis.provider, analysis.criteria_version) == ("local", world.hiring.criteria_version)
    assert list(analysis.steps.values_list("name", "status")) == [
        ("merge", "pending"),
        ("transcribe", "pending"),
        ("structure", "pending"),
        ("score", "pending"),
        ("feedback", "pending"),
    ]


def test_chunk_uploads_are_rate_limited_per_recording(world, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "recording_chunk": {"ip": "100/m", "account": "2/m"}}
    recording = pw.start(world)
    for index in range(2):
        assert pw.put_chunk(world.client, recording, index, OGG + bytes([index])).status_code == 201
    limited = pw.put_chunk(world.client, recording, 2, OGG)
    assert limited.status_code == 429 and "Retry-After" in limited
    assert len(stored()) == 2


def test_only_members_who_see_the_interview_may_record(world, acme, globex):
    recording = pw.start(world)
    outsider = APIClient()
    outsider.force_login(globex.admin.user)
    assert pw.put_chunk(outsider, recording, 0, OGG).status_code == 404
    other_interviewer = APIClient()
    other = acme.hiring_manager  # sees no hiring of the recruiter's (ORG-4)
    other_interviewer.force_login(other.user)
    assert pw.put_chunk(other_interviewer, recording, 0, OGG).status_code == 404
    start = other_interviewer.post("/api/v1/recordings/", {"interview": world.interview.public_id}, format="json")
    assert start.status_code == 400  # an interview they cannot see does not exist for them
    assert stored() == []
