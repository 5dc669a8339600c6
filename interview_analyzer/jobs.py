"""Background jobs: Dramatiq on the configured broker, or in-process on the embedded default.

``django_dramatiq`` builds the broker from ``DRAMATIQ_BROKER`` (settings). With the stub broker, messages live in
the web process's memory, so that process must also run the worker: ``start_inprocess_worker`` does it once per
process (called from wsgi/asgi). Production runs ``manage.py rundramatiq`` beside the web processes instead.
"""

import logging
import threading

import dramatiq
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
    return _worker


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
