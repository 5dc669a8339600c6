"""The transcribe step with the offline speech engines (AI-2): a model file that is not the pinned one fails the
analysis with that reason on its page, and an engine that does not understand the hiring's language refuses; never a
silent fallback to another engine."""

import shutil
from pathlib import Path

import pytest
from django.test import Client

from ai_analysis.models import Analysis, TranscriptTurn
from ai_analysis.speech.model_files import WHISPER_BASE, ready_directory, sha256_of
from ai_analysis.structuring import is_question
from tests.ai_analysis import pipeline_world as pw

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(acme):
    return pw.build(acme)


def analysis_of(world, spoken_interview) -> str:
    recording_id = pw.upload(world, list(spoken_interview.fragments))
    return pw.complete(world, recording_id, len(spoken_interview.fragments)).json()["id"]


def progress_html(world, analysis: Analysis) -> str:
    client = Client()
    client.force_login(world.org.interviewer.user)
    return client.get(f"/analyses/{analysis.public_id}/progress/").content.decode()


def test_a_tampered_model_fails_the_transcribe_step_with_the_hashes_shown(world, spoken_interview, tmp_path, settings):
    real = ready_directory(WHISPER_BASE, Path(settings.SPEECH_MODEL_DIR))
    copy = tmp_path / "models" / real.name
    shutil.copytree(real, copy)
    with (copy / "model.bin").open("r+b") as weights:
        weights.seek(4096)
        byte = weights.read(1)
        weights.seek(4096)
        weights.write(bytes([byte[0] ^ 0x01]))  # one bit of one byte
    settings.SPEECH_MODEL_DIR = tmp_path / "models"
    settings.SPEECH_ENGINE = "whisper-base"

    analysis = pw.run_pipeline(analysis_of(world, spoken_interview))

    assert analysis.status == Analysis.Status.FAILED
    step = analysis.steps.get(name="transcribe")
    assert step.status == "failed" and step.attempts == 1  # not retried: it cannot pass by itself
    for reason in (analysis.failure_reason, step.failure_reason):
        assert "model.bin" in reason and "was not loaded" in reason
        assert WHISPER_BASE.model_sha256 in reason and sha256_of(copy / "model.bin") in reason
    assert not TranscriptTurn.objects.for_operators().filter(analysis=analysis).exists()
    assert analysis.speech_engine == ""  # nothing else transcribed it instead
    html = progress_html(world, analysis)
    assert WHISPER_BASE.model_sha256 in html and "was not loaded" in html


def test_tiny_en_refuses_a_swedish_hiring_with_a_reason(world, spoken_interview, settings):
    if not hasattr(world.hiring, "interview_language"):
        pytest.skip("Hiring.interview_language is not there yet")
    world.hiring.interview_language = "sv"
    world.hiring.save(update_fields=["interview_language"])
    settings.SPEECH_ENGINE = "whisper-tiny-en"

    analysis = pw.run_pipeline(analysis_of(world, spoken_interview))

    assert analysis.status == Analysis.Status.FAILED
    assert "English only" in analysis.failure_reason and "Swedish" in analysis.failure_reason
    assert not TranscriptTurn.objects.for_operators().filter(analysis=analysis).exists()


def test_the_english_only_engine_transcribes_an_english_hiring(world, spoken_interview, settings):
    settings.SPEECH_ENGINE = "whisper-tiny-en"

    analysis = pw.run_pipeline(analysis_of(world, spoken_interview))

    assert analysis.status == Analysis.Status.DONE, analysis.failure_reason
    assert analysis.speech_engine.startswith("whisper-tiny-en (Whisper tiny.en")
    assert "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a" in analysis.speech_engine


def test_a_punctuated_question_after_a_lead_in_clause_is_a_question():
    """A prompt after a comma opens a question (Whisper punctuates); a remark after a comma does not."""
    assert not is_question("Thanks for that, it was a clear example.")
    # Whisper base's transcript of the scripted interview's first question, punctuation as it wrote it.
    assert is_question(
        "Thank you for joining us today, can you tell me about a project where you worked with a team to solve the "
        "difficult problem."
    )
