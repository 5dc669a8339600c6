"""The job of the AI provider settings page (BYO-1): the golden set against an organization's own endpoint.

Not in ``ai_analysis.actors``, whose actors are exactly the pipeline's steps (each checks the candidate's consent,
CON-4): this one reads only the golden set, no candidate's data. Imported by ``AiAnalysisConfig.ready`` so that every
process (web with its in-process worker, ``rundramatiq``) declares it.
"""

import dramatiq

from ai_analysis import provider_settings

MINUTE_MS = 60_000


@dramatiq.actor(queue_name="analysis", max_retries=0, time_limit=120 * MINUTE_MS)
def evaluate_own_provider(evaluation_public_id: str) -> None:
    """Keyed by the evaluation's public id; not retried (the admin runs it again), safe to run twice."""
    provider_settings.run_evaluation(evaluation_public_id)
