"""The whole recording path with real audio (SPEC section 0, AI-1, AI-3, AI-4): a scripted interview spoken by two
synthetic voices is uploaded in chunks out of order (one of them twice), merged, transcribed offline, split into
question/answer pairs and scored with evidence quoted from the candidate's own words; every score a draft."""

import random

import pytest

from ai_analysis import pipeline
from ai_analysis.models import AICall, Analysis, Evidence, QuestionAnswer, Recording, Score, TranscriptTurn
from ai_analysis.speech import word_error_rate
from ai_analysis.speech.model_files import WHISPER_BASE
from tests.ai_analysis import pipeline_world as pw

pytestmark = pytest.mark.django_db

MAX_WER = 0.1


@pytest.fixture
def world(acme):
    return pw.build(acme)


def test_chunks_out_of_order_and_twice_become_an_analysed_interview(world, spoken_interview, capsys):
    chunks = list(spoken_interview.fragments)
    order = list(range(len(chunks)))
    random.Random(7).shuffle(order)
    order.insert(2, order[0])  # one chunk sent twice: the second is a no-op
    recording_id = pw.upload(world, chunks, order)
    response = pw.complete(world, recording_id, len(chunks))
    assert response.status_code == 202, response.content
    analysis = pw.run_pipeline(response.json()["id"])

    assert analysis.status == Analysis.Status.DONE, [(s.name, s.failure_reason) for s in analysis.steps.all()]
    assert list(analysis.steps.values_list("status", flat=True)) == ["done"] * 5
    recording = Recording.objects.for_operators().get(public_id=recording_id)
    assert recording.chunk_count == len(chunks) and recording.chunks.count() == len(chunks)
    assert recording.duration_seconds == pytest.approx(spoken_interview.duration_s, abs=0.5)

    # Transcript: word error rate against the script, reported and bounded.
    turns = list(TranscriptTurn.objects.for_operators().filter(analysis=analysis))
    text = " ".join(turn.text for turn in turns)
    wer = word_error_rate(spoken_interview.reference, text)
    with capsys.disabled():
        print(f"\n[pipeline] {len(chunks)} chunks, {recording.duration_seconds:.1f} s audio, WER {wer:.2f}")
    # Whisper base, the default engine: 0.02 measured here (pocketsphinx gave 0.19 on the same fragments).
    assert wer <= MAX_WER
    assert [t.start_s for t in turns] == sorted(t.start_s for t in turns)
    assert {t.speaker for t in turns} == {"interviewer", "candidate"}

    # Q/A pairs: questions found in the recognised text, every candidate turn in an answer. Whisper punctuates; its
    # first question reads "…today, can you tell me about … problem.", a prompt after a comma, and opens a pair too.
    pairs = list(QuestionAnswer.objects.for_operators().filter(analysis=analysis))
    assert any(p.question_turn == turns[0].index and p.answer_turns for p in pairs)
    assert any(p.question_turn == turns[2].index and p.answer_turns == [turns[3].index] for p in pairs)
    answered = {index for p in pairs for index in p.answer_turns}
    assert answered == {t.index for t in turns if t.speaker == "candidate"}

    # Scores: one draft per criterion; the ones the candidate spoke about carry verbatim candidate quotes.
    scores = {s.criterion_name: s for s in Score.objects.for_operators().filter(analysis=analysis)}
    assert set(scores) == {name for name, _d, _g in pw.CRITERIA}
    assert all(score.status == "draft" for score in scores.values())
    # Every score and both feedback drafts wait for a person: the analysis counts them for the review queue.
    assert analysis.open_drafts == len(scores) + 2 == len(scores) + analysis.feedback.count()
    assert scores["Teamwork"].value is not None
    assert scores["Mandarin fluency"].value is None
    for evidence in Evidence.objects.for_operators().filter(score__analysis=analysis).select_related("turn"):
        assert evidence.turn.speaker == "candidate"
        assert evidence.quote.lower() in evidence.turn.text.lower()
        assert evidence.turn.start_s <= evidence.start_s <= evidence.end_s <= evidence.turn.end_s + 0.01

    # The team's feedback summarises the scores with the number of quotes each rests on.
    team = analysis.feedback.get(audience="recruiter").text
    assert f"Teamwork: {scores['Teamwork'].value}/5, based on {scores['Teamwork'].evidence.count()} quoted" in team

    # Reproducibility and the AI call audit (AI-8): provider, model, versions; no transcript text in the audit.
    assert analysis.provider == "local" and analysis.prompt_version
    assert analysis.speech_engine.startswith("whisper-base (Whisper base (multilingual)")
    assert f"model.bin sha256:{WHISPER_BASE.model_sha256}" in analysis.speech_engine
    assert analysis.criteria_version == world.hiring.criteria_version
    calls = list(AICall.objects.for_operators().filter(analysis_public_id=analysis.public_id))
    assert {c.purpose for c in calls} == {"transcribe", "score", "recruiter_feedback", "candidate_feedback"}
    audit_text = repr([vars(c) for c in calls])
    assert "billing" not in audit_text.lower() and world.candidate.name not in audit_text


def test_a_step_run_twice_leaves_exactly_one_transcript_and_one_set_of_scores(world, spoken_interview):
    recording_id = pw.upload(world, list(spoken_interview.fragments))
    analysis_id = pw.complete(world, recording_id, len(spoken_interview.fragments)).json()["id"]
    analysis = pw.run_pipeline(analysis_id)
    turns = list(analysis.turns.values_list("index", "text"))
    scores = list(analysis.scores.values_list("criterion_id", "value"))
    # A message delivered twice, and a worker that died after writing (its step still "running").
    analysis.steps.update(status="running")
    pw.run_pipeline(analysis_id)
    assert list(analysis.turns.values_list("index", "text")) == turns
    assert list(analysis.scores.values_list("criterion_id", "value")) == scores
    assert Score.objects.for_operators().filter(analysis=analysis).count() == len(pw.CRITERIA)
    analysis.refresh_from_db()
    assert analysis.open_drafts == len(pw.CRITERIA) + 2  # counted once, not once per delivery


def test_a_worker_killed_mid_step_keeps_nothing_of_that_step(world, spoken_interview, monkeypatch):
    recording_id = pw.upload(world, list(spoken_interview.fragments))
    analysis_id = pw.complete(world, recording_id, len(spoken_interview.fragments)).json()["id"]
    for step in ("merge", "transcribe", "structure"):
        assert pipeline.run_step(analysis_id, step)
    real_create = Evidence.objects.bulk_create

    def killed(*args, **kwargs):
        real_create(*args, **kwargs)  # some evidence is written…
        raise KeyboardInterrupt  # …and the worker dies

    monkeypatch.setattr(Evidence.objects, "bulk_create", killed)
    with pytest.raises(KeyboardInterrupt):
        pipeline.run_step(analysis_id, "score")
    monkeypatch.undo()
    analysis = Analysis.objects.for_operators().get(public_id=analysis_id)
    assert not Score.objects.for_operators().filter(analysis=analysis).exists()
    assert analysis.steps.get(name="score").status == "running"
    # The message is delivered again: the step runs from its stored inputs and completes once.
    assert pipeline.run_step(analysis_id, "score")
    assert Score.objects.for_operators().filter(analysis=analysis).count() == len(pw.CRITERIA)
