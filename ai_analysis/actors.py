"""Dramatiq actors of the analysis pipeline: one per step, keyed by the analysis's public id (ARCHITECTURE 6).

Each loads nothing but the id, calls ``pipeline.run_step`` and, when the step is done, enqueues the actor of the
next step in ``models.STEP_ORDER`` (the order is written only there). State lives in the database; a message
delivered twice or a worker killed mid-step are both safe (``interview_analyzer.steps``). ``steps.RetryLater``
propagates so Dramatiq retries with exponential backoff; every other outcome is recorded by the step.
"""

import dramatiq

from ai_analysis import pipeline
from ai_analysis.models import STEP_ORDER, Step, next_step
from interview_analyzer import jobs, steps

MINUTE_MS = 60_000
OPTIONS = {"queue_name": "analysis", **steps.retry_options(pipeline.MAX_ATTEMPTS)}

_ACTOR_OF_STEP: dict[Step, dramatiq.Actor] = {}


def _step_actor(step: Step, actor_name: str, *, time_limit_ms: int) -> dramatiq.Actor:
    """The actor of one step: run it and, when it is done, enqueue the actor of the step after it."""

    def run_then_continue(analysis_public_id: str) -> None:
        if pipeline.run_step(analysis_public_id, step) and (following := next_step(step)) is not None:
            jobs.send_surviving_a_broker_restart(STEP_ACTORS[following], analysis_public_id)

    run_then_continue.__name__ = run_then_continue.__qualname__ = actor_name
    actor = dramatiq.actor(run_then_continue, actor_name=actor_name, time_limit=time_limit_ms, **OPTIONS)
    _ACTOR_OF_STEP[step] = actor
    return actor


merge_recording = _step_actor(Step.MERGE, "merge_recording", time_limit_ms=30 * MINUTE_MS)
transcribe = _step_actor(Step.TRANSCRIBE, "transcribe", time_limit_ms=120 * MINUTE_MS)
structure = _step_actor(Step.STRUCTURE, "structure", time_limit_ms=10 * MINUTE_MS)
score = _step_actor(Step.SCORE, "score", time_limit_ms=30 * MINUTE_MS)
draft_feedback = _step_actor(Step.FEEDBACK, "draft_feedback", time_limit_ms=30 * MINUTE_MS)

# Step → its actor, in the pipeline's order: the entry point's chain and the list the consent tests enumerate.
STEP_ACTORS: dict[Step, dramatiq.Actor] = {step: _ACTOR_OF_STEP[step] for step in STEP_ORDER}


def start(analysis_public_id: str) -> None:
    """Enqueue an analysis at its first step (call after the transaction that created it commits); steps already
    done are skipped and pass on to the next."""
    STEP_ACTORS[STEP_ORDER[0]].send(analysis_public_id)
