"""The database cache (`CACHE_URL` unset or `db://…`): Django's own, with a key set in one statement on PostgreSQL.

Django's `DatabaseCache.set` counts the whole table (to cull it past MAX_ENTRIES), then, in a transaction, reads the
key and updates or inserts it: five round trips for every value the page cache keeps or every generation it sets. On
PostgreSQL a set here is one `INSERT … ON CONFLICT DO UPDATE`, and the table is counted once every CULL_CHECK_EVERY
sets of the process, so it may hold up to that many entries past MAX_ENTRIES before a third of them is culled, as
Django culls. Inside a transaction the statement has a savepoint of its own, as Django's has: a set that fails
(returning False, as Django's does) leaves the transaction around it usable. `add` and `touch`, and every operation on
other databases, are Django's.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import itertools
import pickle

from django.conf import settings
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import DatabaseError, connections, router, transaction
from django.utils import timezone

CULL_CHECK_EVERY = 50


class DatabaseCache(DjangoDatabaseCache):
    def __init__(self, table, params):
        super().__init__(table, params)
        self._sets = itertools.count()

    def _base_set(self, mode, key, value, timeout=DEFAULT_TIMEOUT):
        db = router.db_for_write(self.cache_model_class)
        connection = connections[db]
        if mode != "set" or connection.vendor != "postgresql":
            return super()._base_set(mode, key, value, timeout)
        timeout = self.get_backend_timeout(timeout)
        zone = datetime.UTC if settings.USE_TZ else None
        if timeout is None:
            expires = datetime.datetime.max.replace(tzinfo=zone)
        else:
            expires = datetime.datetime.fromtimestamp(timeout, tz=zone)
        expires = connection.ops.adapt_datetimefield_value(expires.replace(microsecond=0))
        encoded = base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")
        quote = connection.ops.quote_name
        table = quote(self._table)
        key_column, value_column, expires_column = quote("cache_key"), quote("value"), quote("expires")
        guarded = transaction.atomic(using=db) if connection.in_atomic_block else contextlib.nullcontext()
        try:
            with guarded, connection.cursor() as cursor:
                if next(self._sets) % CULL_CHECK_EVERY == 0:
                    cursor.execute(f"SELECT COUNT(*) FROM {table}")
                    entries = cursor.fetchone()[0]
                    if entries > self._max_entries:
                        self._cull(db, cursor, timezone.now().replace(microsecond=0), entries)
                cursor.execute(
                    f"INSERT INTO {table} ({key_column}, {value_column}, {expires_column}) VALUES (%s, %s, %s) "
                    f"ON CONFLICT ({key_column}) DO UPDATE "
                    f"SET {value_column} = EXCLUDED.{value_column}, {expires_column} = EXCLUDED.{expires_column}",
                    [key, encoded, expires],
                )
        except DatabaseError:
            return False  # as Django's: a set that fails is a value not kept
        return True
