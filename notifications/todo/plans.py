"""The user's whole list in one query for every kind's keys and counts, its SQL compiled once per user and day
(`assemble`, `_plan`; the package's docstring gives the costs)."""

from __future__ import annotations

import contextlib
import datetime
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.db.models.query import get_related_populators

from accounts import permissions
from core import pagecache
from core.services import today as local_today
from notifications.todo.kinds import (
    DEFAULT_LIMIT,
    Group,
    Item,
    Kind,
    Source,
    _by_key,
    _counted,
    _group,
    _order,
    _shown_as,
    kinds_for,
)


def assemble(user, *, on: datetime.date | None = None, limit: int = DEFAULT_LIMIT, roles: Iterable[str] | None = None):
    """The user's to-do list: a Group per kind with at least one item, groups with overdue items first, then in page
    order. `roles` narrows to some roles (e.g. the API's filter). The same groups as `group_for` kind by kind, in
    one query for every kind's keys and counts, then one per kind with items (see the module's costs), their SQL
    compiled once per user and day (`_plan`)."""
    on = on or local_today()
    plan = _plan(user, on, limit, None if roles is None else frozenset(roles))
    groups = list(plan.groups(plan.heads(), user).values())
    groups.sort(key=lambda group: 0 if group.overdue_count else 1)
    return groups


# --- compiled once per user and day ----------------------------------------------------------------------------------
#
# Building twelve kinds' querysets and compiling them costs more than running them (about 7 and 25 ms of the
# province registrar's 待办). The SQL of a user's list depends only on the kinds (registered at start-up), the user
# (their roles, department, region, organization), the day, `limit` and — through `accounts.permissions.
# in_official_region` — whether the official's region holds every organization or department (`Region.holds_every`,
# a question about the data, asked again on every request). A plan keeps, per user and day, the union's SQL with
# its parameters and each kind's "first rows by key" SQL with slots for the keys; a request executes them. A kind
# whose source reads anything else from the database while it is built (or a superuser's home region) is a plan
# that is not kept: it is built again on every request, exactly as before.

_PLANS: OrderedDict[tuple, _Plan] = OrderedDict()
_PLANS_LOCK = threading.Lock()
PLANS_KEPT = 256  # users × days kept per process (least recently used dropped), about 100 KiB each
_KEY_SLOT = -1_999_999_001  # keys no row has (within any integer key's range), marking where the keys go in a compiled
# "rows by key" query


def _user_key(user, *, with_region: bool = True) -> tuple:
    """What of the user the SQL of their list may depend on: every column of their row but the password and the last
    sign-in, and their department's region (its key and path)."""
    fields = tuple(
        getattr(user, f.attname) for f in user._meta.concrete_fields if f.attname not in ("password", "last_login")
    )
    if not with_region:
        return (user._meta.label, fields)
    department = getattr(user, "department", None) if getattr(user, "department_id", None) else None
    region = department.region if department is not None else None
    return (user._meta.label, fields, region.pk if region else None, region.path if region else None)


class _Reader:
    """One kind's first rows read by key: the kind's `_by_key` query compiled once with `slots` placeholders for
    the keys, and Django's own row-to-instance machinery (select_related included)."""

    def __init__(self, rows: QuerySet, slots: int):
        self.db = rows.db
        sentinels = [_KEY_SLOT - n for n in range(slots)]
        queryset = _by_key(rows, sentinels)
        compiler = queryset.query.get_compiler(using=self.db)
        sql, params = compiler.as_sql()
        params = list(params)
        starts = [i for i in range(len(params) - slots + 1) if params[i : i + slots] == sentinels]
        if len(starts) != 1 or queryset._prefetch_related_lookups or queryset._known_related_objects:
            raise _NotPlanned
        self.sql, self.params, self.start, self.slots = sql, params, starts[0], slots
        # What the compiler's results_iter and ModelIterable use, taken from it once (the compiler and its query are
        # not kept: a plan stays small).
        klass_info, select = compiler.klass_info, compiler.select
        columns = [column[0] for column in select[: compiler.col_count]]
        if compiler.has_composite_fields(columns):
            raise _NotPlanned
        self.converters = list(compiler.get_converters(columns).items())
        fields = klass_info["select_fields"]
        self.model = klass_info["model"]
        self.fields = (fields[0], fields[-1] + 1)
        self.init_list = [column[0].target.attname for column in select[self.fields[0] : self.fields[1]]]
        self.populators = get_related_populators(klass_info, select, self.db)
        self.annotations = dict(compiler.annotation_col_map or {})
        self.versioned: list[tuple[str, str]] = []  # (table, key column) of each row a row is made of
        if connections[self.db].vendor == "postgresql":
            self.sql, self.versioned = _with_versions(sql, klass_info, select, connections[self.db].ops.quote_name)

    def params_for(self, keys: list) -> list:
        params = list(self.params)
        params[self.start : self.start + self.slots] = list(keys) + [keys[0]] * (self.slots - len(keys))
        return params

    def instances(self, rows: list) -> dict:
        """The rows as the kind's model instances (their select_related ones attached), by key."""
        connection = connections[self.db]
        found = {}
        start, end = self.fields
        for row in rows:
            if self.converters:
                row = list(row)
                for position, (converters, expression) in self.converters:
                    value = row[position]
                    for converter in converters:
                        value = converter(value, expression, connection)
                    row[position] = value
            obj = self.model.from_db(self.db, self.init_list, row[start:end])
            for populator in self.populators:
                populator.populate(row, obj)
            for name, position in self.annotations.items():
                setattr(obj, name, row[position])
            if self.versioned:
                tail = row[len(row) - 2 * len(self.versioned) :]
                obj.todo_versions = {
                    (table, column, tail[2 * n]): tail[2 * n + 1]
                    for n, (table, column) in enumerate(self.versioned)
                    if tail[2 * n] is not None
                }
            found[obj.pk] = obj
        return found


def _with_versions(sql: str, klass_info: dict, select: list, quote) -> tuple[str, list[tuple[str, str]]]:
    """The reader's SQL selecting, after its own columns, the key and the version of each row a row is made of (the
    kind's own and each select_related one): PostgreSQL's `xmin` and `ctid`, which every write of a row changes —
    by another transaction (`xmin`) or by the same one (`ctid`, where the new version of the row is stored). A kept
    group whose rows all keep their versions shows the same items (`row_versions`). The SQL as it was, and no
    versions, where its select list cannot be told apart (a subquery in it)."""
    boundary = sql.find(" FROM ")
    if not sql.startswith("SELECT ") or boundary < 0 or "(SELECT" in sql[:boundary]:
        return sql, []
    infos, columns, versioned = [klass_info], [], []
    while infos:
        info = infos.pop(0)
        infos.extend(info.get("related_klass_infos", ()))
        alias = getattr(select[info["select_fields"][0]][0], "alias", None)
        if alias is None:
            return sql, []
        model = info["model"]
        table, key = quote(alias), quote(model._meta.pk.column)
        columns.append(f"{table}.{key}, {table}.xmin::text || ':' || {table}.ctid::text")
        versioned.append((model._meta.db_table, model._meta.pk.column))
    return f"{sql[:boundary]}, {', '.join(columns)}{sql[boundary:]}", versioned


def row_versions(db: str, rows: set[tuple[str, str, object]]) -> dict[tuple[str, str, object], str]:
    """The version now (PostgreSQL's `xmin` and `ctid`) of each of these rows, (table, key column, key): one query;
    a row gone since is missing."""
    by_table: dict[tuple[str, str], list] = {}
    for table, column, key in rows:
        by_table.setdefault((table, column), []).append(key)
    if not by_table:
        return {}
    connection = connections[db]
    quote = connection.ops.quote_name
    parts, params = [], []
    for (table, column), keys in by_table.items():
        parts.append(
            f"SELECT %s::text, %s::text, {quote(column)}, xmin::text || ':' || ctid::text FROM {quote(table)} "
            f"WHERE {quote(column)} = ANY(%s)"
        )
        params += [table, column, keys]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return {(table, column, key): version for table, column, key, version in cursor.fetchall()}


def _read_all(db: str, batch: list[tuple[_Reader, list]]) -> list[dict]:
    """Each reader's rows for its keys. On PostgreSQL the queries go out together in psycopg's pipeline mode (one
    round trip to the server instead of one per kind); each is still its own query."""
    connection = connections[db]
    if not batch:
        return []
    results = []
    if connection.vendor == "postgresql" and len(batch) > 1:
        connection.ensure_connection()
        cursors = []
        with connection.connection.pipeline():
            for reader, keys in batch:
                cursor = connection.cursor()
                cursor.execute(reader.sql, reader.params_for(keys))
                cursors.append(cursor)
        for cursor, (reader, _keys) in zip(cursors, batch, strict=True):
            with cursor:
                results.append(reader.instances(cursor.fetchall()))
        return results
    for reader, keys in batch:
        with connection.cursor() as cursor:
            cursor.execute(reader.sql, reader.params_for(keys))
            results.append(reader.instances(cursor.fetchall()))
    return results


class _NotPlanned(Exception):
    """A query that cannot be kept compiled: it is run through the ORM on every request."""


@dataclass
class _Plan:
    kinds: list[Kind]
    items: list[Callable[[object], Item]]  # each kind's `item`
    on: datetime.date
    limit: int
    db: str
    arms: list[tuple[str, list] | None]  # each kind's arm of the union: SQL and parameters (None: it selects nothing)
    answers: dict  # Region.holds_every(holder) answers the SQL was built on
    # The tables each kind's count and first keys are read from (its arm) and those its items are read from (its
    # first rows by key, with what `item` reads), for remembering each until one of them is written to; None for
    # every kind of a plan that is not kept (its SQL depends on data read while it was built).
    arm_tables: list[frozenset[str] | None] = field(default_factory=list)
    item_tables: list[frozenset[str] | None] = field(default_factory=list)
    kept: bool = False
    readers: dict[int, _Reader | None] = field(default_factory=dict)

    def heads(self, indexes: Iterable[int] | None = None) -> list[list[tuple]]:
        """The keys, counts and overdue flags of each kind (of `indexes` only: the others' heads are left empty), in
        one query."""
        heads: list[list[tuple]] = [[] for _ in self.kinds]
        chosen = [i for i in (range(len(self.kinds)) if indexes is None else indexes) if self.arms[i] is not None]
        if not chosen:
            return heads
        sql = " UNION ALL ".join(
            f"SELECT {i} AS todo_kind, todo_position, todo_key, todo_total, todo_overdue_total, todo_overdue "
            f"FROM ({self.arms[i][0]}) todo_arm_{i}"
            for i in chosen
        )
        params = [param for i in chosen for param in self.arms[i][1]]
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            # UNION ALL keeps no arm's order: each key comes with its position in its kind's order.
            for index, position, pk, count, overdue, flagged in cursor.fetchall():
                heads[index].append((position, pk, count, overdue or 0, bool(flagged)))
        return [[row[1:] for row in sorted(head)] for head in heads]

    def reader(self, index: int, user) -> _Reader | None:
        """The kind's compiled "first rows by key" query, made the first time the kind has items: from its source
        built again for this request's user (the plan's key vouches that it gives the same SQL)."""
        if index not in self.readers:
            try:
                reader = _Reader(self.kinds[index].source(user, self.on).rows, self.limit)
            except (_NotPlanned, EmptyResultSet, ValidationError, ValueError, TypeError):  # e.g. keys not integers
                reader = None
            self.readers[index] = reader
        return self.readers[index]

    def groups(
        self,
        heads: list[list[tuple]],
        user,
        *,
        read_more: set[int] | None = None,
        versions: dict[int, dict] | None = None,
        kept: dict[int, list[Item]] | None = None,
    ) -> dict[int, Group]:
        """A group per kind with items, by kind index: the first rows of every kind read together (`_read_all`).
        `read_more` collects the kinds whose items read the database beyond their rows (their group depends on more
        than their tables); `versions`, for each kind whose items are made of its rows alone, the versions of those
        rows (PostgreSQL); `kept` gives the items of kinds known to show what they showed (not read again)."""
        kept = kept or {}
        groups = {
            index: Group(kind=self.kinds[index], count=head[0][1], overdue_count=head[0][2], items=items)
            for index, items in kept.items()
            if (head := heads[index])
        }
        wanted = [
            (index, head, self.reader(index, user) if self.limit else None)
            for index, head in enumerate(heads)
            if head and index not in kept
        ]
        batch = [(reader, [pk for pk, *_ in head[: self.limit]]) for _index, head, reader in wanted if reader]
        read = iter(_read_all(self.db, batch))
        for index, head, reader in wanted:
            kind_ = self.kinds[index]
            with _queries_counted(self.db) as counted:
                if reader is None:
                    groups[index] = _group(kind_, kind_.source(user, self.on), head, self.limit)
                else:
                    found = next(read)
                    items, made_of = [], {}
                    for pk, _count, _overdue, overdue in head[: self.limit]:
                        if pk in found:
                            found[pk].todo_overdue = overdue
                            items.append(_shown_as(self.items[index], found[pk]))
                            made_of.update(getattr(found[pk], "todo_versions", {}))
                    groups[index] = Group(kind=kind_, count=head[0][1], overdue_count=head[0][2], items=items)
            # Read by key: no query when planned, its one `_by_key` query otherwise.
            if read_more is not None and counted[0] > (0 if reader is not None else 1):
                read_more.add(index)
            elif versions is not None and reader is not None and reader.versioned:
                if len(items) == len(head[: self.limit]):  # every row found: the items are made of these alone
                    versions[index] = made_of
        return groups


@contextlib.contextmanager
def _queries_counted(db: str):
    """A one-element list holding the number of queries run inside the block."""
    counted = [0]

    def count(execute, sql, params, many, context):
        counted[0] += 1
        return execute(sql, params, many, context)

    with connections[db].execute_wrapper(count):
        yield counted


def _arms(sources: list[Source], limit: int) -> list[tuple[str, list] | None]:
    """Each kind's arm of the one query for every kind's first keys and counts: its SQL and parameters (None for a
    scope that selects nothing)."""
    arms = []
    for source in sources:
        keys = _counted(source).annotate(todo_key=F("pk"), todo_position=Window(RowNumber(), order_by=_order(source)))
        keys = keys.values_list("todo_key", "todo_total", "todo_overdue_total", "todo_overdue", "todo_position")
        keys = keys[: max(limit, 1)]
        try:
            sql, params = keys.query.get_compiler(using=keys.db).as_sql()
        except EmptyResultSet:  # a scope that selects nothing (`.none()`)
            arms.append(None)
            continue
        arms.append((sql, list(params)))
    return arms


def _readers(sources: list[Source], limit: int) -> dict[int, _Reader | None]:
    """Each kind's compiled "first rows by key" query (None where it cannot be kept compiled)."""
    readers = {}
    for index, source in enumerate(sources):
        try:
            readers[index] = _Reader(source.rows, limit)
        except (_NotPlanned, EmptyResultSet, ValidationError, ValueError, TypeError):  # e.g. keys not integers
            readers[index] = None
    return readers


def _item_tables(source: Source, reader: _Reader | None) -> frozenset[str] | None:
    """The tables a kind's items are read from: its reader's query (the rows by key with what they select_related),
    or the kind's own rows where it has none."""
    if reader is not None:
        return pagecache.tables_named([reader.sql])
    try:
        rows_sql, _params = source.rows.query.get_compiler(using=source.rows.db).as_sql()
    except EmptyResultSet:
        rows_sql = ""
    return pagecache.tables_named([rows_sql])


def _holds_every_still(user, answers: dict, *, changed: bool = False) -> bool:
    """Whether the official's region still holds (or not) every row of each holder as when the plan was built; the
    answers are kept on the user for the rest of the request, as `in_official_region` keeps them. `changed`: the
    tables the answers are read from are known to have changed since, so a remembered answer is no use (it would be
    read, computed and written back for nothing): the region is asked itself."""
    if not answers:
        return True
    known = user.__dict__.setdefault("_region_holds_every", {})
    region = user.department.region
    for holder, answer in answers.items():
        if holder not in known:
            known[holder] = region.holds_every(holder) if changed else permissions.region_holds_every(region, holder)
        if known[holder] != answer:
            return False
    return True


def _plan(user, on: datetime.date, limit: int, roles: frozenset | None, *, answers: dict | None = None) -> _Plan:
    """The user's plan for the day, kept or built. `answers`: the answers about the data known to hold still (the
    remembered list watched their tables), which a kept plan built on the same answers need not ask again."""
    chosen = [k for k in kinds_for(user) if roles is None or k.role in roles]
    key = None
    if getattr(user, "pk", None) is not None:
        # The day asked for, and today: a selector that reads the day itself (`timezone.localdate()`) keeps it too.
        key = (_user_key(user), on, local_today(), limit, roles, tuple(k.key for k in chosen))
        try:
            hash(key)
        except TypeError:  # a user model with a column that is not a plain value: never kept
            key = None
    if key is not None:
        with _PLANS_LOCK:
            plan = _PLANS.get(key)
            if plan is not None:
                _PLANS.move_to_end(key)
        if plan is not None and (
            answers == plan.answers if answers is not None else _holds_every_still(user, plan.answers)
        ):
            return plan
    executed = []

    def watch(execute, sql, params, many, context):
        if not permissions.asking_holds_every():
            executed.append(sql)
        return execute(sql, params, many, context)

    with connections[DEFAULT_DB_ALIAS].execute_wrapper(watch):
        sources = [k.source(user, on) for k in chosen]
    answers = dict(user.__dict__.get("_region_holds_every", {}))
    db = sources[0].rows.db if sources else DEFAULT_DB_ALIAS
    arms = _arms(sources, limit)
    # Only the holds_every questions may read the database while the sources are built; anything else read then (a
    # home region, a list of keys) is data the SQL would silently keep.
    kept = key is not None and not executed
    plan = _Plan(
        kinds=chosen,
        items=[source.item for source in sources],
        on=on,
        limit=limit,
        db=db,
        arms=arms,
        answers=answers,
        kept=kept,
    )
    if kept:
        plan.readers = _readers(sources, limit) if limit else {}
        plan.arm_tables = [pagecache.tables_named([arm[0] if arm else ""]) for arm in arms]
        plan.item_tables = [_item_tables(source, plan.readers.get(i)) for i, source in enumerate(sources)]
    else:
        plan.arm_tables = plan.item_tables = [None] * len(sources)
    if kept:
        with _PLANS_LOCK:
            _PLANS[key] = plan
            while len(_PLANS) > PLANS_KEPT:
                _PLANS.popitem(last=False)
    return plan


def forget_plans() -> None:
    """Drop every compiled plan (tests, or after the registered kinds change)."""
    with _PLANS_LOCK:
        _PLANS.clear()
