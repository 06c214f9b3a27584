"""The generator's tables are analyzed as they grow, so that the plans PostgreSQL keeps for their triggers fit them."""

from __future__ import annotations

import pytest
from django.db import connection

from portal.generator import writer

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PL/pgSQL triggers and their kept plans are PostgreSQL's"
)


def estimated_rows(table: str) -> float:
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_a_table_is_analyzed_in_the_generators_transaction_each_time_it_grows_past_a_mark(monkeypatch):
    """A trigger's PL/pgSQL statement keeps a generic plan once made; made while its table was nearly empty, it is a
    sequential scan, run for every row written after (the province's submissions: more than half an hour instead of
    minutes). Each mark a table's rows pass has it analyzed, which replaces the kept plans by plans for its size."""
    monkeypatch.setattr(writer, "ANALYZE_AT", (5, 12))
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE generated_rows (id integer PRIMARY KEY, label text)")
    sink = writer.Sink()
    assert estimated_rows("generated_rows") == -1  # never analyzed

    sink.write("generated_rows", ["id", "label"], [(n, f"row {n}") for n in range(4)])
    assert estimated_rows("generated_rows") == -1
    sink.write("generated_rows", ["id", "label"], [(n, f"row {n}") for n in range(4, 8)])
    assert estimated_rows("generated_rows") == 8
    sink.write("generated_rows", ["id", "label"], [(n, f"row {n}") for n in range(8, 11)])
    assert estimated_rows("generated_rows") == 8  # no mark passed
    sink.write("generated_rows", ["id", "label"], [(n, f"row {n}") for n in range(11, 30)])
    assert estimated_rows("generated_rows") == 30
