"""The database cache (`core.cache.DatabaseCache`): what Django's gives — values kept, replaced, expired, the table
culled past MAX_ENTRIES, a failed set that leaves the transaction around it usable — with a set in one statement on
PostgreSQL."""

from __future__ import annotations

import pytest
from django.core.cache import cache, caches
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from core import cache as database_cache

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def empty():
    cache.clear()
    yield
    cache.clear()


def test_values_are_kept_replaced_and_deleted():
    cache.set("qiyue:test", {"组织": 1}, 60)
    assert cache.get("qiyue:test") == {"组织": 1}
    cache.set("qiyue:test", [2, 3], 60)
    assert cache.get("qiyue:test") == [2, 3]
    cache.set_many({"qiyue:a": 1, "qiyue:b": None}, 60)
    assert cache.get_many(["qiyue:a", "qiyue:b", "qiyue:c"]) == {"qiyue:a": 1, "qiyue:b": None}
    assert cache.add("qiyue:a", 9) is False and cache.get("qiyue:a") == 1
    assert cache.touch("qiyue:a", 120) is True
    cache.delete("qiyue:a")
    assert cache.get("qiyue:a", "gone") == "gone"


def test_a_value_past_its_timeout_is_gone():
    cache.set("qiyue:short", 1, -1)
    assert cache.get("qiyue:short") is None
    cache.set("qiyue:forever", 1, None)
    assert cache.get("qiyue:forever") == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="on other databases a set is Django's own")
def test_a_set_is_one_statement_on_postgresql():
    cache.set("qiyue:warm", 0)  # the set that counts the table
    with CaptureQueriesContext(connection) as queries:
        cache.set("qiyue:one", 1, 60)
    statements = [q["sql"] for q in queries.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) == 1 and "ON CONFLICT" in statements[0]


def test_the_table_is_culled_past_its_entries(monkeypatch):
    backend = caches["default"]
    monkeypatch.setattr(backend, "_max_entries", 9)
    monkeypatch.setattr(database_cache, "CULL_CHECK_EVERY", 1)
    for n in range(30):
        cache.set(f"qiyue:many:{n}", n, 60)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(backend._table)}")
        assert cursor.fetchone()[0] <= 10
    assert cache.get("qiyue:many:29") == 29


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite keeps a key longer than its column")
@pytest.mark.filterwarnings("ignore::django.core.cache.backends.base.CacheKeyWarning")
def test_a_failed_set_leaves_the_transaction_usable():
    too_long = "qiyue:" + "x" * 400  # longer than the key column
    with transaction.atomic():
        cache.set(too_long, 1, 60)
        assert cache.get(too_long) is None
        cache.set("qiyue:after", 2, 60)
        assert cache.get("qiyue:after") == 2
