"""Atomic rate-limit counters shared by every web process: complaints per client per hour, and the like.

`hit(scope, client, window=...)` counts one attempt *before* the work is done and returns the count in the current
window (fixed windows aligned to the epoch: an hourly limit counts per clock hour). Concurrent attempts from one
client each get their own number, so "the 6th of 5" is refused however many processes serve at once.

Where the count lives: in Redis when the default cache is django-redis (CACHE_URL=redis://…; INCR is atomic), else
in the database table of accounts.RateCounter (one INSERT … ON CONFLICT DO UPDATE … RETURNING: atomic on PostgreSQL
and SQLite; inside the caller's transaction the row stays locked until it commits, and a rolled-back attempt does not
count). `release` takes an attempt back (a refused filing on Redis, where nothing rolls back).
"""

from __future__ import annotations

import datetime
import hashlib

from django.core.cache import cache, caches
from django.db import connection
from django.db.models import F
from django.utils import timezone

from accounts.models import RateCounter


def _uses_redis() -> bool:
    return type(caches["default"]).__module__.startswith("django_redis")


def _window(window: datetime.timedelta, now: datetime.datetime) -> tuple[int, datetime.datetime]:
    seconds = int(window.total_seconds())
    number = int(now.timestamp()) // seconds
    return number, datetime.datetime.fromtimestamp((number + 1) * seconds, tz=datetime.UTC)


def _key(scope: str, client: str, number: int) -> str:
    digest = hashlib.sha256(str(client).encode()).hexdigest()[:40]
    return f"ratelimit:{scope}:{digest}:{number}"


def hit(scope: str, client: str, *, window: datetime.timedelta, now: datetime.datetime | None = None) -> int:
    """Count one attempt of `client` at `scope`; the number of attempts in this window, this one included."""
    now = now or timezone.now()
    number, expires_at = _window(window, now)
    key = _key(scope, client, number)
    if _uses_redis():
        cache.add(key, 0, timeout=int(window.total_seconds()) + 60)
        return int(cache.incr(key))
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (key, count, expires_at) VALUES (%s, 1, %s) "
            f"ON CONFLICT (key) DO UPDATE SET count = {table}.count + 1 RETURNING count",
            [key, connection.ops.adapt_datetimefield_value(expires_at)],
        )
        count = cursor.fetchone()[0]
    if count == 1:  # the first attempt of a new window sweeps the expired ones
        RateCounter.objects.filter(expires_at__lte=now).delete()
    return int(count)


def release(scope: str, client: str, *, window: datetime.timedelta, now: datetime.datetime | None = None) -> None:
    """Take one attempt back (the attempt was refused before doing anything)."""
    now = now or timezone.now()
    number, _ = _window(window, now)
    key = _key(scope, client, number)
    if _uses_redis():
        try:
            cache.decr(key)
        except ValueError:  # expired meanwhile
            pass
        return
    RateCounter.objects.filter(key=key, count__gt=0).update(count=F("count") - 1)


def release_after_refusal(
    scope: str, client: str, *, window: datetime.timedelta, now: datetime.datetime | None = None
) -> None:
    """Take back an attempt whose transaction is being rolled back: only Redis needs it (the database row rolls back
    with the transaction, which may no longer accept queries)."""
    if _uses_redis():
        release(scope, client, window=window, now=now)


def count(scope: str, client: str, *, window: datetime.timedelta, now: datetime.datetime | None = None) -> int:
    """Attempts of `client` at `scope` in the current window (nothing counted)."""
    now = now or timezone.now()
    number, _ = _window(window, now)
    key = _key(scope, client, number)
    if _uses_redis():
        return int(cache.get(key, 0))
    return RateCounter.objects.filter(key=key).values_list("count", flat=True).first() or 0
