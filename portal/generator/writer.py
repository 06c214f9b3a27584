"""Streaming table writers: rows go to the database as plain tuples, a batch at a time, without model instances.

A `Table` knows its model's concrete columns (from `_meta`), fills the fields a row leaves out with their declared
constant default (or NULL / "" where the field allows it), hands out primary keys itself (so rows can point at each
other before they are written) and flushes every `batch_size` rows:

- on PostgreSQL with COPY (psycopg 3's `cursor.copy()`), the values as Python objects (psycopg adapts dates, aware
  datetimes and decimals);
- elsewhere (SQLite) with one prepared INSERT run over the batch (`executemany`), each date, datetime and decimal
  value passed through its field's `get_db_prep_value` first, as Django's own inserts do.

With `history=True` the same batch also goes to the model's django-simple-history table as "+" (created) rows: the
tracked columns of the row plus `history_date` (the row's own creation time where it has one), `history_type`,
no user and no change reason. `finish()` moves each table's id sequence past the ids handed out.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.management.color import no_style
from django.db import connection, models
from django.utils import timezone

MISSING = object()

# The first of these columns that holds a value is the history row's history_date (else a date column at 09:00).
HISTORY_TIME_COLUMNS = (
    "created_at",
    "submitted_at",
    "recorded_at",
    "invited_at",
    "drawn_at",
    "received_at",
    "responded_at",
    "uploaded_at",
    "linked_at",
    "date_joined",
    "updated_at",
)
HISTORY_DAY_COLUMNS = (
    "established_on",
    "signed_on",
    "decided_on",
    "awarded_on",
    "listed_on",
    "published_on",
    "issued_on",
    "planned_on",
    "recorded_on",
    "due_on",
    "amended_on",
    "paid_on",
)


def at_nine(day: datetime.date) -> datetime.datetime:
    """09:00 on `day` in the site's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))


@dataclass
class Stats:
    rows: int = 0
    history_rows: int = 0
    seconds: float = 0.0


# PostgreSQL: a table is analyzed, inside the generator's transaction, when the rows written to it reach each of these
# counts. The tables' triggers (a deliverable's first submission, the search documents) run their statements through
# PL/pgSQL, which keeps a generic plan once made; made while a table is nearly empty it is a sequential scan, run for
# every row COPY writes after, over a table that grows to hundreds of thousands of rows (quadratic: from minutes to
# more than half an hour for the province). Analyzing replaces the kept plans by plans for the table's new size.
ANALYZE_AT = (10_000, 100_000, 1_000_000)


class Sink:
    """Where the batches go: the default database connection, with the insert method its engine does fastest."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.postgres = connection.vendor == "postgresql"
        self.written: dict[str, int] = {}  # rows written per table (PostgreSQL), for ANALYZE_AT

    def write(self, table: str, columns: list[str], rows: list[tuple]) -> None:
        if not rows:
            return
        quoted = ", ".join(connection.ops.quote_name(column) for column in columns)
        name = connection.ops.quote_name(table)
        raw = connection.connection.cursor()
        try:
            if self.postgres:
                with raw.copy(f"COPY {name} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                placeholders = ", ".join("?" for _ in columns)
                raw.executemany(f"INSERT INTO {name} ({quoted}) VALUES ({placeholders})", rows)
        finally:
            raw.close()
        if self.postgres:
            before = self.written.get(table, 0)
            self.written[table] = after = before + len(rows)
            if any(before < count <= after for count in ANALYZE_AT):
                with connection.cursor() as cursor:
                    cursor.execute(f"ANALYZE {name}")


def _constant_default(model_field: models.Field):
    if model_field.has_default():
        default = model_field.default
        if default is timezone.now:
            return MISSING  # the moment of the run would make runs differ: every row says when it happened
        return default() if callable(default) else default
    if model_field.null:
        return None
    if model_field.blank and isinstance(model_field, models.CharField | models.TextField | models.FileField):
        return ""
    return MISSING


class Table:
    """Rows of one model, streamed to the database in batches."""

    def __init__(
        self,
        sink: Sink,
        model: type[models.Model],
        *,
        batch_size: int,
        history: bool,
        stats: dict,
        fallback_time: datetime.datetime,
    ) -> None:
        self.sink = sink
        self.fallback_time = fallback_time
        self.model = model
        self.batch_size = batch_size
        fields = list(model._meta.concrete_fields)
        self.columns = [f.column for f in fields]
        self.attnames = [f.attname for f in fields]
        self.position = {name: index for index, name in enumerate(self.attnames)}
        self.defaults = [None if f.primary_key else _constant_default(f) for f in fields]
        self.pk_position = self.position[model._meta.pk.attname]
        self.converters: list[tuple[int, Callable]] = []
        if not sink.postgres:
            for index, model_field in enumerate(fields):
                if isinstance(model_field, models.DateField | models.DecimalField):  # DateTimeField is a DateField
                    self.converters.append((index, self._converter(model_field)))
        self.rows: list[list] = []
        self.next_pk = (model.objects.aggregate(top=models.Max("pk"))["top"] or 0) + 1
        self.stats = stats.setdefault(model._meta.db_table, Stats())
        self.history = self._history_plan(model) if history and hasattr(model, "history") else None

    @staticmethod
    def _converter(model_field: models.Field) -> Callable:
        def convert(value):
            return None if value is None else model_field.get_db_prep_value(value, connection, prepared=False)

        return convert

    def _history_plan(self, model):
        historical = model.history.model
        plan = []
        columns = []
        for model_field in historical._meta.concrete_fields:
            if model_field.attname == "history_id":
                continue
            columns.append(model_field.column)
            plan.append(self.position.get(model_field.attname, model_field.attname))
        time_at = next((self.position[c] for c in HISTORY_TIME_COLUMNS if c in self.position), None)
        day_at = next((self.position[c] for c in HISTORY_DAY_COLUMNS if c in self.position), None)
        return historical._meta.db_table, columns, plan, time_at, day_at

    def new_pk(self) -> int:
        pk = self.next_pk
        self.next_pk += 1
        return pk

    def add(self, pk: int | None = None, **values) -> int:
        """Queue one row (field attnames as keywords); returns its primary key."""
        row = list(self.defaults)
        if pk is None and self.model._meta.pk.attname not in values:
            pk = self.new_pk()
        if pk is not None:
            row[self.pk_position] = pk
        position = self.position
        for name, value in values.items():
            row[position[name]] = value
        if MISSING in row:
            missing = [name for name, value in zip(self.attnames, row, strict=True) if value is MISSING]
            raise ValueError(f"{self.model.__name__}: no value for {', '.join(missing)}")
        self.rows.append(row)
        if len(self.rows) >= self.batch_size:
            self.flush()
        return row[self.pk_position]

    def flush(self) -> None:
        if not self.rows:
            return
        started = time.perf_counter()
        rows = self.rows
        self.rows = []
        history_rows = self._history_rows(rows) if self.history else None
        for index, convert in self.converters:
            for row in rows:
                row[index] = convert(row[index])
        self.sink.write(self.model._meta.db_table, self.columns, rows)
        if history_rows:
            table, columns, *_ = self.history
            self.sink.write(table, columns, history_rows)
            self.stats.history_rows += len(history_rows)
        self.stats.rows += len(rows)
        self.stats.seconds += time.perf_counter() - started

    def _history_rows(self, rows: Iterable[list]) -> list[tuple]:
        _table, _columns, plan, time_at, day_at = self.history
        out = []
        for row in rows:
            when = row[time_at] if time_at is not None else None
            if when is None and day_at is not None and row[day_at] is not None:
                when = at_nine(row[day_at])
            extra = {"history_date": when or self.fallback_time, "history_type": "+"}
            out.append(tuple(row[item] if isinstance(item, int) else extra.get(item) for item in plan))
        return out


@dataclass
class Writer:
    """Every table of one run, sharing the sink, the batch size and the per-table statistics."""

    batch_size: int
    history: bool
    fallback_time: datetime.datetime  # the history date of rows that carry no time of their own
    sink: Sink = field(default_factory=Sink)
    stats: dict = field(default_factory=dict)
    tables: dict = field(default_factory=dict)

    def table(self, model: type[models.Model]) -> Table:
        if model not in self.tables:
            self.tables[model] = Table(
                self.sink,
                model,
                batch_size=self.batch_size,
                history=self.history,
                stats=self.stats,
                fallback_time=self.fallback_time,
            )
        return self.tables[model]

    def m2m(self, model: type[models.Model], name: str) -> Table:
        """The table behind a many-to-many field (its id column left to the database)."""
        return self.table(model._meta.get_field(name).remote_field.through)

    def finish(self) -> None:
        for table in self.tables.values():
            table.flush()
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.tables))
        if statements:
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
