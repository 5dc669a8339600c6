"""A failed recording or analysis is not a dead end (ARCHITECTURE "Jobs" 6, AI-1, CON-4): it can be retried from the
step that failed, replaced by a new upload, or deleted, from the page and the API; the page says why it failed in
words a recruiter can act on. Every refusal changes nothing."""

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone

from ai_analysis import actors, pipeline, recordings
from ai_analysis.models import Analysis, AnalysisStep, Recording, RecordingChunk, Score, Step
from consent.models import ConsentRequest, ConsentStatus
from tests.ai_analysis import pipeline_world as pw
from tests.ai_analysis.containers import containers  # noqa: F401 (fixture)
from tests.ai_analysis.step_world import transcribed_analysis
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db

NOT_AUDIO = b"%PDF-1.7 this is a document, not a recording " * 50


def client_for(member) -> Client:
    client = Client()
    client.force_login(member.user)
    return client


def steps_of(analysis) -> dict:
    return dict(AnalysisStep.objects.for_operators().filter(analysis=analysis).values_list("name", "status"))


def refreshed(analysis) -> Analysis:
    return Analysis.objects.for_operators().get(pk=analysis.pk)


@pytest.fixture
def failed_upload(acme):
    """The interviewer uploaded a file that is not audio: chunks stored, the merge failed."""
    world = pw.build(acme)
    recording_id = pw.start(world)
    assert pw.put_chunk(world.client, recording_id, 0, NOT_AUDIO).status_code == 201
    analysis_id = pw.complete(world, recording_id, 1).json()["id"]
    analysis = pw.run_pipeline(analysis_id)
    assert analysis.status == Analysis.Status.FAILED
    return world, Recording.objects.for_operators().get(public_id=recording_id), analysis


def test_the_page_says_why_in_words_a_recruiter_understands(failed_upload):
    world, _recording, analysis = failed_upload
    html = client_for(world.org.recruiter).get(f"/analyses/{analysis.public_id}/").content.decode()
    assert "The uploaded file could not be read as a recording." in html
    assert "Upload the recording again, or another copy of it (WebM, Ogg, MP3, M4A/MP4 or WAV)." in html
    assert "Technical detail" in html and "does not start with a WebM, Ogg, WAV or MP4 header" in html
    assert "Retry from the failed step" in html
    assert "Replace with a new upload" in html and "Delete the recording" in html


def test_the_interview_page_points_to_the_way_out(failed_upload):
    world, recording, _analysis = failed_upload
    html = client_for(world.org.interviewer).get(f"/interviews/{world.interview.public_id}/").content.decode()
    assert "The analysis failed. Open it to see why, then retry it or replace the recording" in html
    assert f'action="/recordings/{recording.public_id}/delete"' in html


def test_retry_starts_again_from_the_failed_step_and_keeps_the_steps_done(acme, invite, accept):
    analysis, _criterion = transcribed_analysis(acme, invite, accept)
    AnalysisStep.objects.for_operators().filter(
        analysis=analysis, name__in=[Step.MERGE, Step.TRANSCRIBE, Step.STRUCTURE]
    ).update(status=AnalysisStep.Status.DONE, attempts=1)
    AnalysisStep.objects.for_operators().filter(analysis=analysis, name=Step.SCORE).update(
        status=AnalysisStep.Status.FAILED, attempts=4, failure_reason="The AI service timed out."
    )
    Analysis.objects.for_operators().filter(pk=analysis.pk).update(
        status=Analysis.Status.FAILED, failure_reason="The AI service timed out."
    )
    turns_before = list(analysis.turns.values_list("pk", flat=True))

    response = client_for(acme.recruiter).post(f"/analyses/{analysis.public_id}/retry")
    assert response.status_code == 302
    assert steps_of(analysis) == {
        "merge": "done",
        "transcribe": "done",
        "structure": "done",
        "score": "pending",
        "feedback": "pending",
    }
    again = refreshed(analysis)
    assert again.status == Analysis.Status.QUEUED and again.failure_reason == "" and again.finished_at is None
    score_step = AnalysisStep.objects.for_operators().get(analysis=analysis, name=Step.SCORE)
    assert score_step.attempts == 0 and score_step.failure_reason == ""

    # What the workers do next: the score step's actor, then feedback; the earlier outputs are untouched.
    for step in (Step.SCORE, Step.FEEDBACK):
        assert pipeline.run_step(analysis.public_id, step)
    assert refreshed(analysis).status == Analysis.Status.DONE
    assert list(analysis.turns.values_list("pk", flat=True)) == turns_before
    assert Score.objects.for_operators().filter(analysis=analysis).exists()


def test_retry_enqueues_the_failed_steps_actor_after_commit(
    failed_upload, django_capture_on_commit_callbacks, monkeypatch
):
    world, _recording, analysis = failed_upload
    sent = []
    monkeypatch.setattr(actors.STEP_ACTORS[Step.MERGE], "send", lambda *args: sent.append(args))
    with django_capture_on_commit_callbacks(execute=True):
        response = world.client.post(f"/api/v1/analyses/{analysis.public_id}/retry/")
    assert response.status_code == 202
    assert response.json()["status"] == "queued"
    assert sent == [(analysis.public_id,)]


def test_retrying_what_did_not_fail_is_a_conflict_and_changes_nothing(failed_upload):
    world, _recording, analysis = failed_upload
    Analysis.objects.for_operators().filter(pk=analysis.pk).update(status=Analysis.Status.DONE)
    before = steps_of(analysis)
    response = world.client.post(f"/api/v1/analyses/{analysis.public_id}/retry/")
    assert response.status_code == 409 and response.json()["code"] == "not_recoverable"
    page = client_for(world.org.recruiter).post(f"/analyses/{analysis.public_id}/retry")
    assert page.status_code == 409 and "Only a failed analysis can be retried" in page.content.decode()
    assert steps_of(analysis) == before and refreshed(analysis).status == Analysis.Status.DONE


def test_no_retry_without_consent(failed_upload):
    world, _recording, analysis = failed_upload
    ConsentRequest.objects.for_operators().filter(candidate=world.candidate).update(
        status=ConsentStatus.WITHDRAWN, withdrawn_at=timezone.now()
    )
    before = steps_of(analysis)
    response = world.client.post(f"/api/v1/analyses/{analysis.public_id}/retry/")
    assert response.status_code == 403 and response.json()["code"] == "consent_required"
    assert steps_of(analysis) == before and refreshed(analysis).status == Analysis.Status.FAILED


def test_others_cannot_retry_or_delete(failed_upload, acme, globex):
    world, recording, analysis = failed_upload
    stranger = MembershipFactory(organization=acme.organization, role="interviewer")
    for member in (stranger, globex.admin):
        client = client_for(member)
        assert client.post(f"/analyses/{analysis.public_id}/retry").status_code == 404
        assert client.post(f"/recordings/{recording.public_id}/delete").status_code == 404
    assert refreshed(analysis).status == Analysis.Status.FAILED
    assert Recording.objects.for_operators().filter(pk=recording.pk).exists()


def test_replace_deletes_the_failed_recording_and_opens_the_upload(failed_upload, django_capture_on_commit_callbacks):
    world, recording, analysis = failed_upload
    chunk_names = list(
        RecordingChunk.objects.for_operators().filter(recording=recording).values_list("file", flat=True)
    )
    assert chunk_names and all(default_storage.exists(name) for name in chunk_names)
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(world.org.interviewer).post(f"/recordings/{recording.public_id}/delete", {"replace": "1"})
    assert response.status_code == 302
    assert response["Location"] == f"/interviews/{world.interview.public_id}/record/#file-heading"
    assert not Recording.objects.for_operators().filter(pk=recording.pk).exists()
    assert not Analysis.objects.for_operators().filter(pk=analysis.pk).exists()
    assert not any(default_storage.exists(name) for name in chunk_names)  # the stored files are gone too
    recorder = client_for(world.org.interviewer).get(response["Location"]).content.decode()
    assert "Upload a recording file" in recorder


def test_the_new_upload_after_a_replace_is_analysed(failed_upload, containers, django_capture_on_commit_callbacks):  # noqa: F811
    world, recording, _analysis = failed_upload
    with django_capture_on_commit_callbacks(execute=True):
        assert world.client.delete(f"/api/v1/recordings/{recording.public_id}/").status_code == 204
    data = containers["mp3"].read_bytes()
    new_id = pw.start(world)
    assert new_id != recording.public_id
    assert pw.put_chunk(world.client, new_id, 0, data).status_code == 201
    analysis_id = pw.complete(world, new_id, 1).json()["id"]
    assert pipeline.run_step(analysis_id, Step.MERGE)
    merged = Recording.objects.for_operators().get(public_id=new_id)
    assert merged.merged_format == "mp3" and 4 < merged.duration_seconds < 8


def test_a_recording_under_review_cannot_be_deleted(failed_upload):
    world, recording, analysis = failed_upload
    Analysis.objects.for_operators().filter(pk=analysis.pk).update(status=Analysis.Status.DONE)
    response = world.client.delete(f"/api/v1/recordings/{recording.public_id}/")
    assert response.status_code == 409 and response.json()["code"] == "not_recoverable"
    page = client_for(world.org.recruiter).post(f"/recordings/{recording.public_id}/delete")
    assert page.status_code == 302  # back to the interview page, with the reason
    assert Recording.objects.for_operators().filter(pk=recording.pk).exists()
    assert RecordingChunk.objects.for_operators().filter(recording=recording).count() == 1
    html = client_for(world.org.recruiter).get(f"/analyses/{analysis.public_id}/").content.decode()
    assert "Delete the recording" not in html and "Retry from the failed step" not in html


def test_an_unfinished_recording_can_be_deleted_to_start_again(acme):
    world = pw.build(acme)
    recording_id = pw.start(world)
    assert pw.put_chunk(world.client, recording_id, 0, NOT_AUDIO).status_code == 201
    recording = Recording.objects.for_operators().get(public_id=recording_id)
    assert recordings.can_delete(recording, None)
    assert world.client.delete(f"/api/v1/recordings/{recording_id}/").status_code == 204
    assert not Recording.objects.for_operators().filter(public_id=recording_id).exists()


@pytest.mark.parametrize(
    ("step", "reason", "summary"),
    [
        ("transcribe", "decoder crashed", "The speech in the recording could not be transcribed."),
        ("score", "The AI service answered 401: invalid api key", "its settings need attention"),
        ("feedback", "timed out after 30 s", "the AI service did not give a usable answer"),
    ],
)
def test_each_failed_step_is_explained(acme, invite, accept, step, reason, summary):
    analysis, _criterion = transcribed_analysis(acme, invite, accept)
    AnalysisStep.objects.for_operators().filter(analysis=analysis, name=step).update(
        status=AnalysisStep.Status.FAILED, failure_reason=reason
    )
    Analysis.objects.for_operators().filter(pk=analysis.pk).update(status=Analysis.Status.FAILED, failure_reason=reason)
    html = client_for(acme.recruiter).get(f"/analyses/{analysis.public_id}/progress/").content.decode()
    assert summary in html and reason in html
