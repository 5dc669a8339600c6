"""Hiring's Dramatiq actor: settling the access log's API list reads (LOG-1), run periodically.

The schedule is periodiq's ``periodic`` option (``ACCESS_LOG_SETTLE_CRON``, every minute by default), enqueued by the
``scheduler`` process with a real broker and by the in-process scheduler on the embedded default. Settling is
idempotent and safe beside another settler (``hiring.access_log.settle``), and every reader of the log settles its
organization's reads itself first, so a late or missed run delays nothing anyone can see.
"""

import dramatiq
from django.conf import settings
from periodiq import cron

from hiring.access_log import settle_list_reads


@dramatiq.actor(
    queue_name="access_log",
    periodic=cron(settings.ACCESS_LOG_SETTLE_CRON),
    max_retries=0,  # the next scheduled run is the retry: the pending rows stay in the database until settled
    time_limit=10 * 60 * 1000,
)
def settle_access_log() -> None:
    settle_list_reads()
