"""Writing what an import found valid: new organizations through raw SQL (with their history rows), and the rows'
evaluation grades as ratings. Changed organizations are saved by the importer with simple-history's bulk update.
"""

from __future__ import annotations

import datetime
import itertools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import DatabaseError, connections, models, router, transaction
from simple_history.utils import bulk_create_with_history, get_history_model_for_model

from core import pagecache
from registry.models import Organization, Rating

# Rows checked and written together, and codes looked up per query.
BATCH_SIZE = 500


@dataclass(frozen=True)
class PendingRating:
    """A row's evaluation grade, created once the row's organization is written."""

    uscc: str
    grade: str
    score: Decimal | None
    awarded_on: datetime.date
    authority_id: int


def ratings_create(pending: Sequence[PendingRating], *, user, reason: str, date: datetime.datetime, write: bool) -> int:
    """Create the pending ratings whose organization does not already hold that grade from that day, with their
    history rows; with `write` false only count them (organizations not yet in the database count as new)."""
    organization_ids: dict[str, int] = {}
    codes = sorted({rating.uscc for rating in pending})
    for start in range(0, len(codes), BATCH_SIZE):
        chunk = codes[start : start + BATCH_SIZE]
        organization_ids.update(Organization.objects.filter(uscc__in=chunk).values_list("uscc", "pk"))
    held: set[tuple[int, str, datetime.date]] = set()
    ids = sorted(organization_ids.values())
    for start in range(0, len(ids), BATCH_SIZE):
        chunk = ids[start : start + BATCH_SIZE]
        held.update(
            Rating.objects.filter(organization_id__in=chunk).values_list("organization_id", "grade", "awarded_on")
        )
    new: list[Rating] = []
    for rating in pending:
        organization_id = organization_ids.get(rating.uscc)
        if organization_id is not None:
            key = (organization_id, rating.grade, rating.awarded_on)
            if key in held:
                continue
            held.add(key)
        new.append(
            Rating(
                organization_id=organization_id,
                grade=rating.grade,
                score=rating.score,
                awarded_on=rating.awarded_on,
                valid_until=Rating.validity_end(rating.awarded_on),
                awarding_authority_id=rating.authority_id,
            )
        )
    if write and new:
        bulk_create_with_history(
            new, Rating, batch_size=BATCH_SIZE, default_user=user, default_change_reason=reason, default_date=date
        )
    return len(new)


def _cell_reader(model_field: models.Field, connection, date: datetime.datetime) -> Callable[[dict[str, Any]], Any]:
    """How one column's database value is taken from a row of parsed values."""
    name = model_field.attname
    if name in ("created_at", "updated_at"):
        fixed = model_field.get_db_prep_save(date, connection)
        return lambda values: fixed
    default = model_field.get_default()
    if isinstance(model_field, (models.CharField, models.TextField)) or model_field.is_relation:
        return lambda values: values.get(name, default)  # text and ids: the driver takes them as they are
    return lambda values: model_field.get_db_prep_save(values.get(name, default), connection)


class NewOrganizationWriter:
    """Writes new organizations and their history rows, one batch at a time.

    The values come from the parsers already typed (text, ids, Decimal, date), so they go to the database as they
    are: one prepared INSERT run over the batch on SQLite, COPY … FROM STDIN on PostgreSQL (psycopg 3 sends the rows
    as one stream: no statement to parse, no parameters bound one by one), multi-row INSERTs on any other database
    server; only the columns that need it pass through the field's get_db_prep_save. COPY runs inside the import's
    transaction like any other statement, so a bad row later in the file still rolls everything back. The history
    rows are then copied by the database itself with INSERT … SELECT: exactly what simple-history's
    bulk_create_with_history writes (every tracked column, history_type "+", the user, date and change reason).
    Going through Organization.objects.bulk_create and bulk_create_with_history instead costs several times more per
    row in Python than the whole import may take (docs/benchmarks.md has the figures).

    On PostgreSQL a batch's COPY runs in a thread of its own, on the import's connection and in its transaction, while
    the importer reads and checks the next batch: the server's work for the new rows (above all the entries of the
    trigram and full-text indexes of the search columns) overlaps the parsing instead of following it. The importer
    calls `wait()` before it uses the connection again; `wait()` ends the COPY, then writes that batch's history rows,
    so every statement but the COPY itself is still run by the importer's own thread. When the import fails, `close()`
    waits as well, so the transaction is never rolled back under a COPY still running.
    """

    HISTORY_COLUMNS = ("history_date", "history_type", "history_user", "history_change_reason")
    # PostgreSQL, for the import's transaction: a GIN index's new entries are gathered in its pending list and merged
    # into the index in sorted runs; the default list (4 MB) and memory (4 MB) make that several short merges per
    # batch. With these the new rows' entries are merged once, when the last batch is written (`finish`): about a
    # sixth less of the server's time for the rows of a populated province (docs/benchmarks.md).
    GIN_SETTINGS = {"gin_pending_list_limit": "64MB", "work_mem": "64MB"}

    def __init__(self, *, date: datetime.datetime, user, reason: str):
        self.connection = connections[router.db_for_write(Organization)]
        connection, quote = self.connection, self.connection.ops.quote_name
        fields = [column for column in Organization._meta.concrete_fields if not column.primary_key]
        self.cells = [_cell_reader(column, connection, date) for column in fields]
        table = quote(Organization._meta.db_table)
        self.insert_sql = f"INSERT INTO {table} ({', '.join(quote(column.column) for column in fields)}) VALUES "
        self.row_placeholder = f"({', '.join(['%s'] * len(fields))})"
        limit = connection.features.max_query_params
        self.rows_per_statement = max(1, limit // len(fields)) if limit else None
        self.in_process = connection.vendor == "sqlite"
        self.copy_sql = (
            f"COPY {table} ({', '.join(quote(column.column) for column in fields)}) FROM STDIN"
            if connection.vendor == "postgresql"
            else None
        )
        history = get_history_model_for_model(Organization)
        tracked = [quote(column.column) for column in history.tracked_fields]
        extra = [quote(history._meta.get_field(name).column) for name in self.HISTORY_COLUMNS]
        self.history_sql = (
            f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(tracked + extra)}) "
            f"SELECT {', '.join(tracked)}, %s, %s, %s, %s FROM {table} "
            f"WHERE {quote(Organization._meta.get_field('uscc').column)} IN "
        )
        self.history_params = [
            connection.ops.adapt_datetimefield_value(date),
            "+",
            user.pk if user is not None else None,
            reason,
        ]
        self.codes_per_statement = (limit - len(self.history_params)) if limit else None
        # The batch whose COPY is running (PostgreSQL): its thread, the codes it writes, and what the thread raised.
        self.copying: threading.Thread | None = None
        self.copied_codes: list[str] = []
        self.copy_error: BaseException | None = None
        self.gin_indexes: list[str] | None = None  # the table's GIN indexes, once the first COPY is under way
        self.settings_before: dict[str, str] = {}  # the GIN_SETTINGS' values before the import set them

    def write(self, rows: list[dict[str, Any]]) -> None:
        """Insert `rows` (model attname -> value; columns the file left out take the field's default), their derived
        columns added. On PostgreSQL the rows may still be on their way when this returns: `wait()` before using the
        connection again."""
        self.wait()
        codes = [row["uscc"] for row in rows]
        if self.copy_sql is not None:
            # PostgreSQL: the batch as one COPY stream on the connection's own psycopg connection, in a thread.
            self.connection.ensure_connection()
            if self.gin_indexes is None:
                self._gather_gin_entries()
            self.copied_codes = codes
            self.copy_error = None
            self.copying = threading.Thread(target=self._copy, args=(rows,), name="organization-import-copy")
            self.copying.start()
            return
        values = [self._row_values(row) for row in rows]
        with self.connection.cursor() as cursor:
            if self.in_process:
                # SQLite runs in this process: one prepared statement run over the batch costs least.
                cursor.executemany(self.insert_sql + self.row_placeholder, values)
            else:
                # A database server: each statement is a round trip, so as many rows per statement as allowed.
                step = self.rows_per_statement or len(values)
                for start in range(0, len(values), step):
                    chunk = values[start : start + step]
                    cursor.execute(
                        self.insert_sql + ", ".join([self.row_placeholder] * len(chunk)),
                        list(itertools.chain.from_iterable(chunk)),
                    )
        self._write_history(codes)

    def _row_values(self, row: dict[str, Any]) -> list[Any]:
        """The row's database values, column by column, once its derived columns are added to it."""
        row.update(Organization.search_columns(row))
        return [cell(row) for cell in self.cells]

    def _copy(self, rows: list[dict[str, Any]]) -> None:
        """The COPY of one batch (run in the writer's thread). Each row is sent as soon as its derived columns are
        made, so the server inserts and indexes the first rows while the pinyin of the next ones is worked out; the
        thread then waits, without holding the interpreter, for the server to have written them all."""
        try:
            with self.connection.connection.cursor() as cursor, cursor.copy(self.copy_sql) as copy:
                for row in rows:
                    copy.write_row(self._row_values(row))
        except BaseException as error:  # handed to the importer's thread by wait()
            self.copy_error = error

    def wait(self) -> None:
        """End the running COPY, if any, and write its rows' history; raise what the COPY raised (as Django's error)."""
        copying, self.copying = self.copying, None
        if copying is None:
            return
        copying.join()
        error, self.copy_error = self.copy_error, None
        if error is not None:
            with self.connection.wrap_database_errors:
                raise error
        # The COPY went past Django's cursor, whose statements the page cache counts: named to it here.
        pagecache.written(Organization._meta.db_table, using=self.connection.alias)
        self._write_history(self.copied_codes)

    def finish(self) -> None:
        """After the last batch (PostgreSQL): the entries gathered in the GIN indexes' pending lists merged into the
        indexes, inside the import's transaction, and the settings back to what they were before. Merging is for
        the table's owner (and, from PostgreSQL 17, whoever holds MAINTAIN on it); for anyone else the entries stay in
        the pending list, where searches still find them, until the next vacuum."""
        self.wait()
        if not self.gin_indexes:
            return
        indexes, self.gin_indexes = self.gin_indexes, []
        with self.connection.cursor() as cursor:
            for name, value in self.settings_before.items():
                cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
            try:
                with transaction.atomic(using=self.connection.alias):
                    cursor.execute(
                        "SELECT " + ", ".join(["gin_clean_pending_list(%s::regclass)"] * len(indexes)), indexes
                    )
            except DatabaseError:
                pass

    def _gather_gin_entries(self) -> None:
        """The table's GIN indexes, and the transaction's settings that gather their entries (GIN_SETTINGS)."""
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT index_class.oid::regclass::text FROM pg_index JOIN pg_class index_class "
                "ON index_class.oid = pg_index.indexrelid JOIN pg_am ON pg_am.oid = index_class.relam "
                "WHERE pg_index.indrelid = %s::regclass AND pg_am.amname = 'gin' ORDER BY 1",
                [Organization._meta.db_table],
            )
            self.gin_indexes = [name for (name,) in cursor.fetchall()]
            if self.gin_indexes:
                for name, value in self.GIN_SETTINGS.items():
                    cursor.execute("SELECT current_setting(%s)", [name])
                    self.settings_before[name] = cursor.fetchone()[0]
                    cursor.execute("SELECT set_config(%s, %s, true)", [name, value])

    def close(self) -> None:
        """When the import fails: wait for the running COPY, ignoring what it raises (an error is already on its way,
        and the transaction is rolled back either way)."""
        copying, self.copying = self.copying, None
        if copying is not None:
            copying.join()
            self.copy_error = None

    def _write_history(self, codes: list[str]) -> None:
        step = self.codes_per_statement or len(codes)
        with self.connection.cursor() as cursor:
            for start in range(0, len(codes), step):
                chunk = codes[start : start + step]
                cursor.execute(self.history_sql + f"({', '.join(['%s'] * len(chunk))})", [*self.history_params, *chunk])
