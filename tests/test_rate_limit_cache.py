"""The database counter cache behind every rate limit (SEC-RL): atomic, fixed expiry, never evicted early."""

import threading
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection, connections
from django.utils import timezone

from interview_analyzer.models import RateLimitCounter


@pytest.fixture
def counters(db):
    cache = caches["ratelimit"]
    cache.clear()
    return cache


def test_add_counts_once_then_increments(counters):
    assert counters.add("k", 1, 60) is True
    assert counters.add("k", 1, 60) is False
    assert counters.incr("k") == 2
    assert counters.get("k") == 2


def test_incrementing_a_missing_counter_is_an_error_not_a_new_count(counters):
    with pytest.raises(ValueError):
        counters.incr("missing")


def test_increments_keep_the_original_expiry(counters):
    counters.add("k", 1, 3600)
    expiry = RateLimitCounter.objects.get().expires_at
    counters.incr("k")
    assert RateLimitCounter.objects.get().expires_at == expiry
    assert expiry > timezone.now() + timedelta(minutes=59)


def test_an_expired_counter_counts_as_gone_and_starts_afresh(counters):
    counters.add("k", 5, 60)
    RateLimitCounter.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert counters.get("k") is None
    with pytest.raises(ValueError):
        counters.incr("k")
    assert counters.add("k", 1, 60) is True
    assert counters.get("k") == 1


def test_thousands_of_counters_evict_nothing(counters):
    counters.add("victim", 3, 3600)
    RateLimitCounter.objects.bulk_create(
        RateLimitCounter(key=f":1:flood-{n}", value=1, expires_at=timezone.now() + timedelta(hours=1))
        for n in range(3000)
    )
    for n in range(50):
        counters.add(f"more-{n}", 1, 3600)
    assert counters.get("victim") == 3


def test_set_delete_and_clear(counters):
    counters.set("k", 7, 60)
    assert counters.get("k") == 7 and counters.has_key("k")
    assert counters.delete("k") and counters.get("k") is None
    counters.add("a", 1, 60)
    counters.clear()
    assert not RateLimitCounter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_increments_are_never_lost():
    """Four workers incrementing one counter at once: every increment counts (PostgreSQL row locks)."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serializes writers; concurrency is only meaningful on PostgreSQL (CI runs it)")
    cache = caches["ratelimit"]
    cache.clear()
    cache.add("shared", 0, 60)

    def hammer():
        for _ in range(25):
            cache.incr("shared")
        connections.close_all()

    threads = [threading.Thread(target=hammer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert cache.get("shared") == 100
