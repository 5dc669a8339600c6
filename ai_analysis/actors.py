"""Dramatiq actors of the analysis pipeline: one per step, keyed by the analysis's public id (ARCHITECTURE 6).

Each loads nothing but the id, calls ``pipeline.run_step`` and, when the step is done, enqueues the next one. State
lives in the database; a message delivered twice or a worker killed mid-step are both safe (see ``pipeline``).
``RetryStep`` propagates so Dramatiq retries with exponential backoff; every other outcome is recorded by the step.
"""

import dramatiq

from ai_analysis import pipeline
from ai_analysis.models import Step

OPTIONS = {
    "queue_name": "analysis",
    "max_retries": pipeline.MAX_ATTEMPTS - 1,
    "min_backoff": 2_000,
    "max_backoff": 120_000,
    "retry_when": lambda retries, exception: (
        isinstance(exception, pipeline.RetryStep) and retries < pipeline.MAX_ATTEMPTS - 1
    ),
}


@dramatiq.actor(**OPTIONS, time_limit=30 * 60_000)
def merge_recording(analysis_public_id: str) -> None:
    if pipeline.run_step(analysis_public_id, Step.MERGE):
        transcribe.send(analysis_public_id)


@dramatiq.actor(**OPTIONS, time_limit=2 * 60 * 60_000)
def transcribe(analysis_public_id: str) -> None:
    if pipeline.run_step(analysis_public_id, Step.TRANSCRIBE):
        structure.send(analysis_public_id)


@dramatiq.actor(**OPTIONS, time_limit=10 * 60_000)
def structure(analysis_public_id: str) -> None:
    if pipeline.run_step(analysis_public_id, Step.STRUCTURE):
        score.send(analysis_public_id)


@dramatiq.actor(**OPTIONS, time_limit=30 * 60_000)
def score(analysis_public_id: str) -> None:
    if pipeline.run_step(analysis_public_id, Step.SCORE):
        draft_feedback.send(analysis_public_id)


@dramatiq.actor(**OPTIONS, time_limit=30 * 60_000)
def draft_feedback(analysis_public_id: str) -> None:
    pipeline.run_step(analysis_public_id, Step.FEEDBACK)


# Step → its actor, in order: the pipeline's entry point and the list the consent tests enumerate.
STEP_ACTORS = {
    Step.MERGE: merge_recording,
    Step.TRANSCRIBE: transcribe,
    Step.STRUCTURE: structure,
    Step.SCORE: score,
    Step.FEEDBACK: draft_feedback,
}


def start(analysis_public_id: str) -> None:
    """Enqueue an analysis from its first unfinished step (call after the transaction that created it commits)."""
    merge_recording.send(analysis_public_id)
