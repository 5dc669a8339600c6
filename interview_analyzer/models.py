"""Shared plumbing tables that belong to no domain."""

from django.db import models


class RateLimitCounter(models.Model):
    """One rate-limit counter (SEC-RL), shared by every process and instance through the database.

    Written only through ``interview_analyzer.rate_limit_cache.DatabaseCounterCache``, the cache backend that
    django-ratelimit counts in: increments are single ``UPDATE … SET value = value + 1`` statements (atomic across
    workers), each counter keeps the expiry it was created with, and nothing is evicted before it expires.
    """

    key = models.CharField(max_length=255, unique=True)
    value = models.BigIntegerField(default=0)
    expires_at = models.DateTimeField(db_index=True)

    class Meta:
        verbose_name = "rate-limit counter"

    def __str__(self):
        return f"{self.key} = {self.value}"
