"""The sweep runs periodically (RET-8): an actor with periodiq's schedule, enqueued by the in-process scheduler on
the embedded default (a ``periodiq`` process beside a real broker), and ``manage.py retention_sweep`` by hand."""

from datetime import timedelta
from io import StringIO

import pendulum
import pytest
from django.core.management import call_command
from django.utils import timezone

from hiring.models import Candidate
from interview_analyzer import jobs
from retention import actors
from retention.models import DeletionRecord, RetentionClock
from tests.retention.world import full_candidate


def test_the_sweep_actor_is_scheduled_every_quarter_hour_by_default():
    assert actors.retention_sweep in jobs.periodic_actors()
    spec = actors.retention_sweep.options["periodic"]
    assert spec.validate(pendulum.datetime(2026, 12, 1, 12, 15))
    assert not spec.validate(pendulum.datetime(2026, 12, 1, 12, 16))


@pytest.mark.django_db(transaction=True)
def test_a_scheduled_sweep_runs_on_a_worker_and_erases_what_expired(acme, broker, worker):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    RetentionClock.objects.for_operators().update(delete_after=timezone.now() - timedelta(minutes=1))
    # As the scheduler sends it at a scheduled minute (periodiq's middleware skips messages scheduled long ago).
    actors.retention_sweep.send_with_options(scheduled_at=str(pendulum.now()))
    broker.join(actors.retention_sweep.queue_name, timeout=30_000)
    worker.join()
    assert not Candidate.objects.for_operators().filter(pk=kim.candidate.pk).exists()
    assert DeletionRecord.objects.get().trigger == "expiry"


def test_the_scheduler_sends_the_sweep_at_its_minutes_and_not_between(broker):
    assert actors.retention_sweep not in jobs.run_due(
        jobs.periodic_actors(broker), pendulum.datetime(2026, 12, 1, 12, 7)
    )
    assert actors.retention_sweep in jobs.run_due(jobs.periodic_actors(broker), pendulum.datetime(2026, 12, 1, 12, 45))
    broker.flush_all()


@pytest.mark.django_db
def test_the_command_prints_what_it_did_and_the_dry_run_changes_nothing(acme):
    kim = full_candidate(acme.recruiter, name="Kim Lindqvist", email="kim@mail.test")
    RetentionClock.objects.for_operators().update(delete_after=timezone.now() - timedelta(days=1))
    out = StringIO()
    call_command("retention_sweep", "--dry-run", stdout=out)
    assert "Dry run: nothing was changed." in out.getvalue()
    assert "Candidates past their deletion date that would be erased: 1" in out.getvalue()
    assert Candidate.objects.for_operators().filter(pk=kim.candidate.pk).exists()
    out = StringIO()
    call_command("retention_sweep", stdout=out)
    assert "Candidates past their deletion date that were erased: 1" in out.getvalue()
    record = DeletionRecord.objects.get()
    assert f"Deletion record: {record.public_id}" in out.getvalue()
    assert not Candidate.objects.for_operators().filter(pk=kim.candidate.pk).exists()
