"""accounts.ratelimit: the count is taken before the work, atomically, in the shared store (database or Redis)."""

import datetime
import os

import pytest
from django.core.cache import caches
from django.utils import timezone

from accounts import ratelimit
from accounts.models import RateCounter

HOUR = datetime.timedelta(hours=1)


@pytest.mark.django_db
def test_database_counter_counts_per_client_and_window():
    start = timezone.make_aware(datetime.datetime(2026, 11, 20, 9, 0))
    assert [ratelimit.hit("t", "a", window=HOUR, now=start) for _ in range(3)] == [1, 2, 3]
    assert ratelimit.hit("t", "b", window=HOUR, now=start) == 1
    assert ratelimit.count("t", "a", window=HOUR, now=start + datetime.timedelta(minutes=59)) == 3
    ratelimit.release("t", "a", window=HOUR, now=start)
    assert ratelimit.count("t", "a", window=HOUR, now=start) == 2
    # A new window starts from one and sweeps the expired rows.
    assert ratelimit.hit("t", "a", window=HOUR, now=start + HOUR) == 1
    assert RateCounter.objects.count() == 1


def test_default_cache_is_shared_between_processes(settings):
    from django.core.cache import caches
    from django.core.cache.backends.db import DatabaseCache

    assert settings.CACHES["default"]["BACKEND"] == "core.cache.DatabaseCache"
    assert isinstance(caches["default"], DatabaseCache)


def _redis_or_skip(settings):
    """Redis at 127.0.0.1:6379; on a developer's machine without it the Redis tests are skipped, in CI (CI=true, where
    Redis runs as a service) its absence is a failure."""
    import redis

    url = "redis://127.0.0.1:6379/1"
    try:
        redis.Redis.from_url(url, socket_connect_timeout=0.5).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI") == "true":
            pytest.fail("CI runs Redis at 127.0.0.1:6379, and it does not answer")
        pytest.skip("no Redis at 127.0.0.1:6379")
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "qiyue-test",
            "OPTIONS": {"CLIENT_CLASS": "django_redis.client.DefaultClient"},
        }
    }
    caches["default"].clear()


def test_redis_counter_is_atomic_incr(settings):
    _redis_or_skip(settings)
    now = timezone.now()
    assert [ratelimit.hit("t", "redis-client", window=HOUR, now=now) for _ in range(3)] == [1, 2, 3]
    ratelimit.release("t", "redis-client", window=HOUR, now=now)
    assert ratelimit.count("t", "redis-client", window=HOUR, now=now) == 2
    caches["default"].clear()
