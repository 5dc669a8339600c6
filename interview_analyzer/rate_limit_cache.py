"""A cache backend for rate-limit counters on the database (SEC-RL).

Django's ``DatabaseCache`` is not fit for counting: its ``incr`` reads then writes (two workers lose increments),
every increment resets the expiry to the default timeout (an hourly limit forgets after five quiet minutes), and it
culls a third of all rows past ``MAX_ENTRIES`` (flooding it with made-up accounts wipes real counters). This backend
keeps exactly what django-ratelimit needs — ``add``, ``incr``, ``get``, ``set``, ``delete`` — on one table, with
atomic increments, fixed expiry and no eviction before expiry. Expired rows are removed as new ones are added.
"""

import random
from datetime import timedelta

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

# One ``add`` in this many also deletes every expired counter, so the table stays the size of the live windows.
PURGE_ONE_IN = 200


class DatabaseCounterCache(BaseCache):
    def __init__(self, location, params):
        super().__init__(params)

    @staticmethod
    def _model():
        from interview_analyzer.models import RateLimitCounter

        return RateLimitCounter

    def _expiry(self, timeout):
        seconds = self.default_timeout if timeout is DEFAULT_TIMEOUT else timeout
        return timezone.now() + timedelta(seconds=seconds if seconds is not None else 10 * 365 * 86400)

    def _live(self, key):
        return self._model().objects.filter(key=key, expires_at__gt=timezone.now())

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        counters = self._model().objects
        now = timezone.now()
        if random.randrange(PURGE_ONE_IN) == 0:  # noqa: S311 - housekeeping, not security
            counters.filter(expires_at__lte=now).delete()
        else:
            counters.filter(key=key, expires_at__lte=now).delete()
        try:
            with transaction.atomic():
                counters.create(key=key, value=int(value), expires_at=self._expiry(timeout))
        except IntegrityError:
            return False
        return True

    def get(self, key, default=None, version=None):
        key = self.make_and_validate_key(key, version=version)
        value = self._live(key).values_list("value", flat=True).first()
        return default if value is None else value

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        self._model().objects.update_or_create(
            key=key, defaults={"value": int(value), "expires_at": self._expiry(timeout)}
        )

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with transaction.atomic():
            if not self._live(key).update(value=F("value") + delta):
                raise ValueError(f"Key '{key}' not found")
            return self._live(key).values_list("value", flat=True).first()

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        return bool(self._live(key).update(expires_at=self._expiry(timeout)))

    def delete(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return bool(self._model().objects.filter(key=key).delete()[0])

    def has_key(self, key, version=None):
        key = self.make_and_validate_key(key, version=version)
        return self._live(key).exists()

    def clear(self):
        self._model().objects.all().delete()
