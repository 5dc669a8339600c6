"""Liveness and readiness (OPS-2)."""

import dramatiq
import pytest
from dramatiq.brokers.redis import RedisBroker

pytestmark = pytest.mark.django_db


def test_liveness_answers_without_touching_anything(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readiness_checks_database_broker_and_storage(client, storage_container):
    response = client.get("/readyz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert body["database"]["ok"] and body["broker"]["ok"] and body["storage"]["ok"]


def test_readiness_fails_when_the_broker_is_down(client, monkeypatch, storage_container):
    unreachable = RedisBroker(url="redis://127.0.0.1:1/0", socket_connect_timeout=1)
    monkeypatch.setattr(dramatiq, "get_broker", lambda: unreachable)
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["broker"] == {"ok": False}
    assert body["database"]["ok"]


def test_readiness_names_no_backend_to_anonymous_callers(client, monkeypatch, storage_container, caplog):
    unreachable = RedisBroker(url="redis://127.0.0.1:1/0", socket_connect_timeout=1)
    monkeypatch.setattr(dramatiq, "get_broker", lambda: unreachable)
    response = client.get("/readyz")
    text = response.content.decode().lower()
    for revealing in ("redis", "sqlite", "postgres", "storage:", "azure", "filesystem", "connectionerror"):
        assert revealing not in text, revealing
    # Operators still learn what failed, from the log.
    assert any(getattr(record, "broker", "") == "RedisBroker: ConnectionError" for record in caplog.records)


def test_health_endpoints_refuse_writes(client):
    assert client.post("/healthz").status_code == 405
