"""Dramatiq jobs run for real on the configured broker: the stub in-process by default, Redis in CI."""

import dramatiq
import pytest
from django.test import override_settings

from accounts.models import Organization
from interview_analyzer import jobs


@dramatiq.actor(queue_name="foundation-tests", max_retries=0)
def create_organization(name: str):
    Organization.objects.get_or_create(name=name)


@pytest.mark.django_db(transaction=True)
def test_a_queued_job_runs_on_a_worker_and_writes_to_the_database(broker, worker):
    create_organization.send("Made by a worker")
    broker.join(create_organization.queue_name, timeout=15_000)
    worker.join()
    assert Organization.objects.filter(name="Made by a worker").count() == 1


def test_the_inprocess_worker_starts_once_per_process(broker):
    with override_settings(DRAMATIQ_INPROCESS_WORKER=True):
        first = jobs.start_inprocess_worker(worker_threads=1)
        try:
            assert first is not None
            assert jobs.start_inprocess_worker() is first
        finally:
            first.stop(timeout=5_000)
            jobs._worker = None


def test_no_inprocess_worker_when_a_real_broker_runs_workers():
    with override_settings(DRAMATIQ_INPROCESS_WORKER=False):
        assert jobs.start_inprocess_worker() is None


def test_the_configured_broker_is_ready():
    ok, detail = jobs.broker_is_ready()
    assert ok, detail
