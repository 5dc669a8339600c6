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


def test_a_send_waits_out_a_broker_restart_and_then_gives_up():
    """DEP-2: a finished step hands on to the next even when the broker is down for a moment (the scale-out check in
    CI lost an analysis that way: its transcribe step done, the send of structure refused, the chain stopped)."""
    import redis

    from interview_analyzer.jobs import send_surviving_a_broker_restart

    class Flaky:
        actor_name = "next_step"

        def __init__(self, failures):
            self.failures, self.sent = failures, []

        def send(self, *args):
            if self.failures:
                self.failures -= 1
                raise redis.exceptions.ConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")
            self.sent.append(args)
            return "message"

    waits = []
    flaky = Flaky(failures=3)
    assert send_surviving_a_broker_restart(flaky, "ana_1", sleep=waits.append) == "message"
    assert flaky.sent == [("ana_1",)] and waits == [0.5, 1.0, 2.0]

    down = Flaky(failures=100)
    with pytest.raises(redis.exceptions.ConnectionError):
        send_surviving_a_broker_restart(down, "ana_2", attempts=4, sleep=waits.append)
    assert down.sent == [] and down.failures == 96


def test_a_send_does_not_retry_other_errors():
    from interview_analyzer.jobs import send_surviving_a_broker_restart

    class Broken:
        actor_name = "next_step"
        calls = 0

        def send(self, *args):
            Broken.calls += 1
            raise ValueError("not a broker problem")

    with pytest.raises(ValueError):
        send_surviving_a_broker_restart(Broken(), "ana_3", sleep=lambda _: None)
    assert Broken.calls == 1
