"""How a pipeline step ends, without audio (AI-1, AI-8, CON-4, ARCHITECTURE "Jobs" 6): the order written once, the
actors' chain, retries of a failure that may pass, failure reasons shown to people, and the AI call audit on every
outcome. The mechanics themselves are ``interview_analyzer.steps`` (tests/test_steps.py)."""

import dramatiq
import pytest

from ai_analysis import actors, pipeline
from ai_analysis.models import STEP_ORDER, AICall, Analysis, AnalysisStep, Step, next_step
from consent.models import ConsentRequest
from interview_analyzer import steps
from tests.ai_analysis.openai_server import Reply, chat_completion, error_body
from tests.ai_analysis.step_world import openai_provider_settings, started_with_current_provider, transcribed_analysis

pytestmark = pytest.mark.django_db


@pytest.fixture
def analysis(acme, invite, accept):
    return transcribed_analysis(acme, invite, accept)[0]


@pytest.fixture
def server(settings, analysis):
    """The OpenAI provider on a fake server, and ``analysis`` recorded as started with it."""
    settings.AI_PROVIDER = "openai"
    with openai_provider_settings(settings) as running:
        started_with_current_provider(analysis)
        yield running


def step_row(analysis, name) -> AnalysisStep:
    return AnalysisStep.objects.for_operators().get(analysis=analysis, name=name)


def refreshed(analysis) -> Analysis:
    return Analysis.objects.for_operators().get(pk=analysis.pk)


# --- The order, written once ----------------------------------------------------------------------------------------


def test_the_step_order_is_the_order_of_step_and_everything_follows_it():
    chain = [STEP_ORDER[0]]
    while (following := next_step(chain[-1])) is not None:
        chain.append(following)
    assert chain == STEP_ORDER == list(Step)
    assert set(pipeline.STEPS) == set(Step)  # every step has its work
    assert list(actors.STEP_ACTORS) == STEP_ORDER


def test_each_actor_enqueues_the_actor_of_the_next_step_and_the_last_enqueues_nothing(monkeypatch):
    ran, sent = [], []
    monkeypatch.setattr(pipeline, "run_step", lambda analysis_id, step: ran.append(step) or True)
    monkeypatch.setattr(dramatiq.Actor, "send", lambda actor, *args, **kwargs: sent.append(actor.actor_name))
    for step, actor in actors.STEP_ACTORS.items():
        sent.clear()
        actor.fn("ana_test")
        following = next_step(step)
        assert sent == ([actors.STEP_ACTORS[following].actor_name] if following else [])
    assert ran == STEP_ORDER


def test_an_actor_whose_step_did_not_finish_enqueues_nothing(monkeypatch):
    sent = []
    monkeypatch.setattr(pipeline, "run_step", lambda analysis_id, step: False)
    monkeypatch.setattr(dramatiq.Actor, "send", lambda actor, *args, **kwargs: sent.append(actor.actor_name))
    actors.merge_recording.fn("ana_test")
    assert sent == []


def test_start_enqueues_the_first_step(monkeypatch):
    sent = []
    monkeypatch.setattr(dramatiq.Actor, "send", lambda actor, *args, **kwargs: sent.append((actor.actor_name, args)))
    actors.start("ana_test")
    assert sent == [("merge_recording", ("ana_test",))]


def test_the_actors_retry_only_what_the_step_runner_says_may_pass():
    retry_when = actors.merge_recording.options["retry_when"]
    assert retry_when(0, steps.RetryLater("the AI service timed out"))
    assert not retry_when(pipeline.MAX_ATTEMPTS - 1, steps.RetryLater("the AI service timed out"))
    assert not retry_when(0, ValueError("a bug"))


# --- Outcomes -------------------------------------------------------------------------------------------------------


def test_a_provider_failure_that_may_pass_is_retried_then_fails_with_its_reason_and_every_call_audited(
    analysis, server
):
    server.push(*[Reply(error_body("busy"), status=503) for _ in range(pipeline.MAX_ATTEMPTS)])
    for attempt in range(1, pipeline.MAX_ATTEMPTS):
        with pytest.raises(steps.RetryLater):
            pipeline.run_step(analysis.public_id, Step.SCORE)
        row = step_row(analysis, Step.SCORE)
        assert (row.status, row.attempts) == (AnalysisStep.Status.PENDING, attempt)
        assert row.failure_reason == "Will retry: the AI service failed (HTTP 503) (1 attempts)"
        assert refreshed(analysis).status == Analysis.Status.RUNNING

    assert pipeline.run_step(analysis.public_id, Step.SCORE) is False

    row, failed = step_row(analysis, Step.SCORE), refreshed(analysis)
    assert (row.status, row.attempts) == (AnalysisStep.Status.FAILED, pipeline.MAX_ATTEMPTS)
    assert row.failure_reason == failed.failure_reason == "the AI service failed (HTTP 503) (1 attempts)"
    assert failed.status == Analysis.Status.FAILED and failed.finished_at is not None
    calls = AICall.objects.for_operators().filter(analysis_public_id=analysis.public_id)
    assert [(c.purpose, c.outcome) for c in calls] == [("score", "error:http_503")] * pipeline.MAX_ATTEMPTS
    assert not analysis.scores.exists()


def test_a_provider_failure_that_cannot_pass_fails_at_once(analysis, server, settings):
    settings.OPENAI_API_KEY = ""
    assert pipeline.run_step(analysis.public_id, Step.SCORE) is False
    row, failed = step_row(analysis, Step.SCORE), refreshed(analysis)
    assert (row.status, row.attempts) == (AnalysisStep.Status.FAILED, 1)
    assert failed.failure_reason == row.failure_reason == "the OpenAI provider has no API key (OPENAI_API_KEY)"
    assert server.requests == []


def test_audio_that_cannot_be_read_fails_the_merge_with_a_reason(analysis):
    assert pipeline.run_step(analysis.public_id, Step.MERGE) is False  # the recording has no chunks
    row, failed = step_row(analysis, Step.MERGE), refreshed(analysis)
    assert row.status == AnalysisStep.Status.FAILED
    assert row.failure_reason.startswith("The audio could not be read: ")
    assert failed.status == Analysis.Status.FAILED and failed.failure_reason == row.failure_reason


def test_a_successful_step_is_audited_and_the_last_step_finishes_the_analysis(analysis, server):
    team = "Database design: designed the orders schema."
    server.push(Reply(chat_completion(team)), Reply(chat_completion("Thank you. Database design: a strength.")))
    assert pipeline.run_step(analysis.public_id, Step.FEEDBACK)
    done = refreshed(analysis)
    assert done.status == Analysis.Status.DONE and done.finished_at is not None
    assert step_row(analysis, Step.FEEDBACK).status == AnalysisStep.Status.DONE
    assert analysis.feedback.get(audience="recruiter").text == team
    calls = AICall.objects.for_operators().filter(analysis_public_id=analysis.public_id)
    assert sorted((c.purpose, c.outcome) for c in calls) == [("candidate_feedback", "ok"), ("recruiter_feedback", "ok")]


def test_an_earlier_step_leaves_the_analysis_running(analysis):
    assert pipeline.run_step(analysis.public_id, Step.STRUCTURE)
    assert refreshed(analysis).status == Analysis.Status.RUNNING


def test_a_withdrawal_stops_every_unfinished_step_and_the_analysis(analysis):
    analysis.steps.filter(name=Step.MERGE).update(status=AnalysisStep.Status.DONE)
    ConsentRequest.objects.for_operators().update(status="withdrawn", withdrawn_at=analysis.created_at)

    assert pipeline.run_step(analysis.public_id, Step.TRANSCRIBE) is False

    statuses = dict(analysis.steps.values_list("name", "status"))
    assert statuses == {Step.MERGE: "done"} | dict.fromkeys(STEP_ORDER[1:], "stopped")
    assert set(analysis.steps.exclude(name=Step.MERGE).values_list("failure_reason", flat=True)) == {
        pipeline.STEP_STOPPED_FOR_CONSENT
    }
    stopped = refreshed(analysis)
    assert (stopped.status, stopped.failure_reason) == (Analysis.Status.STOPPED, pipeline.ANALYSIS_STOPPED_FOR_CONSENT)


def test_an_erased_analysis_is_nothing_to_do():
    assert pipeline.run_step("ana_0000000000000000000000", Step.MERGE) is False
