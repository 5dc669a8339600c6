"""Two analyses racing for the last credit on PostgreSQL: exactly one starts (BIL-5).

Each recording is completed in its own thread and its own database connection, released together by a barrier.
The window between reading the balance and writing the consumption is widened on purpose (a pause after the
monthly grant is checked), so without the lock on the organization's billing account both would see one credit
left and both would start; with it, the second waits, sees none, and is refused.
"""

import threading
import time

import pytest
from django.db import connection, transaction

from ai_analysis import recordings
from ai_analysis.models import Analysis, Recording
from billing import services
from billing.models import CreditEntry
from tests.ai_analysis import pipeline_world as pw
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the race needs PostgreSQL's row locks"),
]


def test_two_analyses_racing_for_the_last_credit_exactly_one_starts(acme, monkeypatch):
    worlds = [pw.build(acme), pw.build(acme)]
    recording_rows = []
    for world in worlds:
        recording_id = pw.start(world)
        assert pw.put_chunk(world.client, recording_id, 0, b"bytes").status_code == 201
        recording_rows.append(Recording.objects.for_operators().get(public_id=recording_id))
    left = services.credits_left(acme.organization)
    operator = UserFactory(is_staff=True, is_superuser=True)
    services.adjust_credits(operator=operator, organization=acme.organization, amount=1 - left, reason="one left")
    assert services.credits_left(acme.organization) == 1

    grant = services._grant_monthly_credits_locked

    def slow_grant(*args, **kwargs):
        result = grant(*args, **kwargs)
        time.sleep(0.3)  # between the balance check and the write: the race window
        return result

    monkeypatch.setattr(services, "_grant_monthly_credits_locked", slow_grant)
    barrier = threading.Barrier(2)
    outcomes = []

    def complete(recording):
        try:
            barrier.wait(timeout=10)
            with transaction.atomic():
                analysis = recordings.complete(actor=acme.interviewer, recording=recording, chunk_count=1)
            outcomes.append(("started", analysis.public_id))
        except services.CreditsExhausted:
            outcomes.append(("refused", recording.public_id))
        finally:
            connection.close()

    threads = [threading.Thread(target=complete, args=(recording,)) for recording in recording_rows]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(kind for kind, _ in outcomes) == ["refused", "started"]
    started = [public_id for kind, public_id in outcomes if kind == "started"]
    assert list(Analysis.objects.for_operators().values_list("public_id", flat=True)) == started
    assert CreditEntry.objects.filter(organization=acme.organization).balance() == 0
    assert CreditEntry.objects.filter(kind=CreditEntry.Kind.CONSUMPTION).count() == 1
