"""Retention's Dramatiq actor (RET-8): the sweep, run periodically.

The schedule is periodiq's ``periodic`` option (``RETENTION_SWEEP_CRON``, every 15 minutes by default). With a real
broker, one ``periodiq`` process enqueues it (docs/retention.md); on the embedded default, the in-process worker's
scheduler thread does (``interview_analyzer.jobs``). The sweep is idempotent and safe beside another one, so a
message delivered twice, or two schedulers, erase nothing twice.
"""

import dramatiq
from django.conf import settings
from periodiq import cron

from retention import sweep


@dramatiq.actor(
    queue_name="retention",
    periodic=cron(settings.RETENTION_SWEEP_CRON),
    max_retries=0,  # the next scheduled run is the retry: everything left over is in the database
    time_limit=60 * 60 * 1000,
)
def retention_sweep() -> None:
    sweep.run()
