"""The step runner for background jobs (ARCHITECTURE "Jobs" 6), through real ``AnalysisStep`` rows.

``interview_analyzer.steps`` knows no app; these tests drive it with an analysis's step rows and a job that records
what it was told, then once with a real Dramatiq worker to show a retryable failure is retried with backoff.
"""

import ast
import sys
from pathlib import Path

import dramatiq
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ai_analysis.models import Analysis, AnalysisStep
from interview_analyzer import steps
from tests.ai_analysis.factories import AnalysisFactory

pytestmark = pytest.mark.django_db
Status = steps.StepStatus


class RecordingJob:
    """A job that records the transitions it hears of."""

    def __init__(self):
        self.heard: list[tuple] = []

    def step_started(self, step):
        self.heard.append(("started", step.name))

    def step_done(self, step):
        self.heard.append(("done", step.name, depth()))

    def step_failed(self, step, reason):
        self.heard.append(("failed", step.name, reason))

    def step_stopped(self, step, reason):
        self.heard.append(("stopped", step.name, reason))


@pytest.fixture
def step() -> AnalysisStep:
    return AnalysisFactory().steps.get(name="merge")


def depth() -> int:
    """How many transactions or savepoints are open (the test itself runs inside one)."""
    return len(connection.atomic_blocks)


def fresh(step: AnalysisStep) -> AnalysisStep:
    return AnalysisStep.objects.for_operators().get(pk=step.pk)


def mark_analysis(step: AnalysisStep, engine: str) -> None:
    """A write by the step's work, to see whether it is kept."""
    Analysis.objects.for_operators().filter(pk=step.analysis_id).update(speech_engine=engine)


def engine(step: AnalysisStep) -> str:
    return Analysis.objects.for_operators().get(pk=step.analysis_id).speech_engine


def test_a_pending_step_runs_marked_running_with_its_attempt_inside_a_locked_transaction(step):
    job, seen = RecordingJob(), {}

    def work():
        row = fresh(step)
        seen.update(status=row.status, attempts=row.attempts, started=row.started_at is not None, depth=depth())
        mark_analysis(step, "written")

    outside = depth()
    with CaptureQueriesContext(connection) as queries:
        assert steps.run_step(step, work, job=job)

    assert seen == {"status": Status.RUNNING, "attempts": 1, "started": True, "depth": outside + 1}
    row = fresh(step)
    assert (row.status, row.attempts, row.failure_reason) == (Status.DONE, 1, "")
    assert row.finished_at is not None and engine(step) == "written"
    assert job.heard == [("started", "merge"), ("done", "merge", outside + 1)]  # inside the step's transaction
    if connection.features.has_select_for_update:  # SQLite locks the whole database instead
        assert any("FOR UPDATE" in query["sql"] for query in queries.captured_queries)


@pytest.mark.parametrize(("status", "result"), [(Status.DONE, True), (Status.FAILED, False), (Status.STOPPED, False)])
def test_a_finished_step_is_not_run_again(step, status, result):
    AnalysisStep.objects.for_operators().filter(pk=step.pk).update(status=status, attempts=1)
    ran, job = [], RecordingJob()
    assert steps.run_step(fresh(step), lambda: ran.append(1), job=job) is result
    assert ran == [] and job.heard == []
    assert (fresh(step).status, fresh(step).attempts) == (status, 1)


def test_a_step_left_running_by_a_dead_worker_runs_again_and_counts_the_attempt(step):
    AnalysisStep.objects.for_operators().filter(pk=step.pk).update(status=Status.RUNNING, attempts=1)
    assert steps.run_step(fresh(step), lambda: None)
    assert (fresh(step).status, fresh(step).attempts) == (Status.DONE, 2)


def test_an_unexpected_error_keeps_nothing_and_leaves_the_step_running_for_the_next_delivery(step):
    def work():
        mark_analysis(step, "half-written")
        raise KeyboardInterrupt  # the worker dies

    with pytest.raises(KeyboardInterrupt):
        steps.run_step(step, work)
    assert engine(step) == ""
    assert (fresh(step).status, fresh(step).attempts) == (Status.RUNNING, 1)


def test_a_retryable_failure_is_raised_for_dramatiq_until_the_last_attempt(step):
    job = RecordingJob()

    def work():
        mark_analysis(step, "half-written")
        raise steps.Failure("the AI service timed out", retryable=True)

    for attempt in (1, 2):
        with pytest.raises(steps.RetryLater, match="timed out"):
            steps.run_step(fresh(step), work, job=job, max_attempts=3)
        row = fresh(step)
        assert (row.status, row.attempts, row.failure_reason) == (
            Status.PENDING,
            attempt,
            "Will retry: the AI service timed out",
        )
    assert steps.run_step(fresh(step), work, job=job, max_attempts=3) is False
    row = fresh(step)
    assert (row.status, row.attempts, row.failure_reason) == (Status.FAILED, 3, "the AI service timed out")
    assert row.finished_at is not None and engine(step) == ""
    assert job.heard[-1] == ("failed", "merge", "the AI service timed out")
    assert [entry[0] for entry in job.heard] == ["started", "started", "started", "failed"]


def test_a_permanent_failure_marks_the_step_failed_with_a_reason_for_people(step):
    job = RecordingJob()
    reason = "The audio could not be read: " + "x" * 600

    def work():
        raise steps.Failure(reason)

    assert steps.run_step(step, work, job=job) is False
    row = fresh(step)
    assert (row.status, row.attempts, row.failure_reason) == (Status.FAILED, 1, reason[:500])
    assert job.heard == [("started", "merge"), ("failed", "merge", reason)]


def test_a_precondition_that_fails_first_stops_the_step_before_any_work(step):
    job, ran = RecordingJob(), []

    def no_consent():
        raise steps.Stop("No recorded consent: processing stopped (CON-4).")

    assert steps.run_step(step, lambda: ran.append(1), job=job, precondition=no_consent) is False
    row = fresh(step)
    assert (row.status, row.attempts, row.failure_reason) == (
        Status.STOPPED,
        0,
        "No recorded consent: processing stopped (CON-4).",
    )
    assert ran == [] and job.heard == [("stopped", "merge", "No recorded consent: processing stopped (CON-4).")]


def test_a_precondition_that_fails_during_the_work_keeps_nothing_the_work_wrote(step):
    job, checks = RecordingJob(), []

    def withdrawn_meanwhile():
        checks.append(depth())
        if len(checks) > 1:
            raise steps.Stop("withdrawn")

    def write():
        mark_analysis(step, "written")

    outside = depth()
    assert steps.run_step(step, write, job=job, precondition=withdrawn_meanwhile) is False
    assert checks == [outside, outside + 1]  # before the step, then inside its transaction
    assert engine(step) == ""
    assert fresh(step).status == Status.STOPPED
    assert job.heard == [("started", "merge"), ("stopped", "merge", "withdrawn")]


def test_the_job_is_optional(step):
    assert steps.run_step(step, lambda: None)
    assert fresh(step).status == Status.DONE


def test_retry_options_retry_only_a_retry_later_and_only_up_to_the_attempts():
    options = steps.retry_options(3, min_backoff_ms=10, max_backoff_ms=20)
    assert (options["max_retries"], options["min_backoff"], options["max_backoff"]) == (2, 10, 20)
    retry_when = options["retry_when"]
    assert retry_when(0, steps.RetryLater("x")) and retry_when(1, steps.RetryLater("x"))
    assert not retry_when(2, steps.RetryLater("x"))
    assert not retry_when(0, ValueError("a bug is not retried"))


# Declared at import, like the app's actors: a queue declared while earlier tests' workers still listen for new
# queues would be given to them as well.
FLAKY_FAILURES: list[str] = []


@dramatiq.actor(actor_name="test_steps_flaky", queue_name="test_steps", **steps.retry_options(4, min_backoff_ms=10))
def flaky(step_pk: int) -> None:
    def work():
        if FLAKY_FAILURES:
            raise steps.Failure(FLAKY_FAILURES.pop(0), retryable=True)

    steps.run_step(AnalysisStep.objects.for_operators().get(pk=step_pk), work)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_retries_a_retryable_failure_with_backoff_until_it_passes(broker):
    step = AnalysisFactory().steps.get(name="merge")
    FLAKY_FAILURES[:] = ["rate limited", "timed out"]
    worker = dramatiq.Worker(broker, worker_threads=1, worker_timeout=100)
    worker.start()
    try:
        flaky.send(step.pk)
        broker.join("test_steps", timeout=20_000)
        worker.join()
    finally:
        worker.stop(timeout=10_000)
    row = fresh(step)
    assert (row.status, row.attempts, row.failure_reason) == (Status.DONE, 3, "")
    assert FLAKY_FAILURES == []


def test_the_runner_imports_no_app():
    """Floor 0: django, dramatiq and the standard library only."""
    source = Path(steps.__file__).read_text(encoding="utf-8")
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            modules.add((node.module or "").split(".")[0])
    assert modules - {"django", "dramatiq", "__future__"} <= set(sys.stdlib_module_names), modules
