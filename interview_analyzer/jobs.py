"""Background jobs: Dramatiq on the configured broker, or in-process on the embedded default.

``django_dramatiq`` builds the broker from ``DRAMATIQ_BROKER`` (settings). With the stub broker, messages live in
the web process's memory, so that process must also run the worker: ``start_inprocess_worker`` does it once per
process (called from wsgi/asgi). Production runs ``manage.py rundramatiq`` beside the web processes instead.

Periodic actors (periodiq's ``periodic=cron(...)`` option, e.g. the retention sweep) are enqueued by one
``periodiq`` process beside a real broker. The embedded default has no such process, and periodiq's own scheduler
needs the main thread (it sleeps on SIGALRM), so ``start_inprocess_scheduler`` runs the same schedules in a thread
of the web process, beside the in-process worker.
"""

import logging
import threading
import time

import dramatiq
import dramatiq.errors
from django.conf import settings

logger = logging.getLogger(__name__)
_lock = threading.Lock()
_worker = None


def start_inprocess_worker(worker_threads: int = 2):
    global _worker
    if not settings.DRAMATIQ_INPROCESS_WORKER:
        return None
    with _lock:
        if _worker is None:
            from dramatiq import Worker

            _worker = Worker(dramatiq.get_broker(), worker_threads=worker_threads, worker_timeout=250)
            _worker.start()
            logger.info("in-process dramatiq worker started", extra={"broker": type(_worker.broker).__name__})
    start_inprocess_scheduler()
    return _worker


def _broker_connection_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [dramatiq.errors.ConnectionError, ConnectionError, TimeoutError]
    try:
        import redis

        errors.append(redis.exceptions.ConnectionError)
        errors.append(redis.exceptions.TimeoutError)
    except ImportError:  # pragma: no cover - redis is installed with dramatiq[redis]
        pass
    try:
        import pika

        errors.append(pika.exceptions.AMQPConnectionError)
    except ImportError:  # pragma: no cover - pika is installed with dramatiq[rabbitmq]
        pass
    return tuple(errors)


def send_surviving_a_broker_restart(actor, *args, attempts: int = 8, first_wait: float = 0.5, sleep=time.sleep):
    """``actor.send(*args)``, retried with backoff while the broker cannot be reached (DEP-2, OPS-2).

    A job that has finished its work and hands on to the next one must not lose that hand-over because the broker is
    restarting: the failed message could not be retried either (that also needs the broker), so the chain would stop
    with its work done. Waits 0.5, 1, 2 … s, about 2 minutes in all, then raises the last error.
    """
    errors = _broker_connection_errors()
    wait = first_wait
    for attempt in range(1, attempts + 1):
        try:
            return actor.send(*args)
        except errors as error:
            if attempt == attempts:
                raise
            logger.warning(
                "broker unreachable; retrying the send",
                extra={"actor": actor.actor_name, "attempt": attempt, "error": type(error).__name__},
            )
            sleep(wait)
            wait = min(wait * 2, 30)
    return None


_scheduler = None


def periodic_actors(broker=None) -> list:
    broker = broker or dramatiq.get_broker()
    return [actor for actor in broker.actors.values() if "periodic" in actor.options]


def run_due(actors, now) -> list:
    """Enqueue every actor whose schedule matches the minute ``now`` (as periodiq's scheduler does); returns them."""
    due = [actor for actor in actors if actor.options["periodic"].validate(now)]
    for actor in due:
        actor.send_with_options(scheduled_at=str(now))
    return due


def start_inprocess_scheduler():
    """A daemon thread that enqueues each periodic actor at the minutes its cron spec names (embedded default).
    It lives as long as the in-process worker: a message is sent only while that worker exists to run it."""
    global _scheduler
    with _lock:
        if _scheduler is not None:
            return _scheduler
        actors = periodic_actors()
        if not actors:
            return None
        stop = threading.Event()

        def loop():
            import pendulum

            while not stop.is_set():
                now = pendulum.now()
                following = min(actor.options["periodic"].next_valid_date(now) for actor in actors)
                if stop.wait(max((following - pendulum.now()).total_seconds(), 0) + 0.5) or _worker is None:
                    return  # stopped, or the in-process worker that would run the jobs is gone
                run_due(actors, following.replace(second=0, microsecond=0))

        _scheduler = threading.Thread(target=loop, name="periodic-actors", daemon=True)
        _scheduler.stop = stop
        _scheduler.start()
        logger.info("in-process scheduler started", extra={"actors": [actor.actor_name for actor in actors]})
    return _scheduler


def broker_is_ready() -> tuple[bool, str]:
    """Readiness of the broker (OPS-2): the stub is always ready; Redis and RabbitMQ must answer."""
    broker = dramatiq.get_broker()
    name = type(broker).__name__
    try:
        if name == "RedisBroker":
            broker.client.ping()
        elif name == "RabbitmqBroker":
            import pika

            parameters = broker.parameters[0] if isinstance(broker.parameters, list) else broker.parameters
            connection = pika.BlockingConnection(parameters)
            connection.close()
    except Exception as exc:  # noqa: BLE001 - readiness reports any failure by kind, never raises
        return False, f"{name}: {type(exc).__name__}"
    return True, name
