"""The to-do list (待办事项): what each signed-in user has to do, computed from the records on every request.

Every app declares the kinds of work it creates in its own `todo.py`, one decorated function per kind:

    @todo.kind("contracts.submissions", _("待验收的履约提交"), role=todo.PURCHASER, order=110)
    def submissions_waiting(user, today) -> todo.Source:
        return todo.Source(
            rows=Submission.objects.filter(...the user's own work, never wider than the page the item links to...),
            order_by=("deliverable__due_on", "pk"),
            overdue=Q(deliverable__due_on__lt=today),
            item=lambda submission: todo.Item(title=..., url=..., deadline=...),
        )

That is the whole change: `notifications.apps` imports every app's `todo` module at start-up (Django's
`autodiscover_modules`, as the admin does), so nothing else needs to know the kind exists; this app stays below
every app that registers (it imports none of them). `assemble(user)` is what the 待办 page (portal), the login
landing and the API (`/api/v1/me/todo/`) all show.

Costs of `assemble`: one query for every kind that applies to the user — each kind's first `limit` keys (overdue
first, then deadline order) with its count and overdue count as window aggregates, the kinds side by side in one
UNION ALL — then one query per kind that has items, reading its first rows by key (on PostgreSQL sent together,
in one round trip). The number of queries therefore depends on the number of kinds with items, never on the number
of items. A kind's `rows` must `select_related` whatever its `item` function reads. `group_for` does the same for
one kind (one query, or two for a kind marked `keys_first`).

The SQL of those queries is compiled once per user and day and kept in the process (`_plan`): the rows are read
afresh on every request, only the building and compiling of the querysets is saved. A kind's SQL may therefore
depend on the user, the day and `limit` only — not on the time of day, nor on anything its source reads from the
database (a source that reads the database while it is built, other than `Region.holds_every`, which is asked again
on every request, is simply not kept). `assemble_remembered` (the 待办 page) keeps each kind's group until a write
to one of the tables it is read from commits (`core.pagecache.generations`, which follows the database's triggers):
a payment recorded leaves a registrar's list as it was kept, a complaint accepted reads the complaint kinds again.
"""

from __future__ import annotations

import contextlib
import datetime
import functools
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import EmptyResultSet, ValidationError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import BooleanField, Case, Count, F, OrderBy, Q, QuerySet, Sum, Value, When, Window
from django.db.models.functions import RowNumber
from django.db.models.query import get_related_populators
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts import permissions
from core import pagecache
from core.services import today as local_today

# Roles, in the order the page shows their sections.
PURCHASER = "purchaser"
REGISTRAR = "registrar"
MEMBER = "member"
EVALUATOR = "evaluator"
ADMIN = "superuser"

ROLE_LABELS = {
    PURCHASER: _("购买主体"),
    REGISTRAR: _("登记管理机关"),
    MEMBER: _("本组织"),
    EVALUATOR: _("评价专家"),
    ADMIN: _("系统管理"),
}

# Whose list a kind of each role appears on. Superusers see every officials' kind (scoped to everything) and their
# own; members' and evaluators' kinds are personal work a superuser cannot do in their place.
_ROLE_APPLIES: dict[str, Callable[[object], bool]] = {
    PURCHASER: lambda user: bool(permissions.is_purchaser(user) or permissions.is_superuser(user)),
    REGISTRAR: lambda user: bool(permissions.is_registrar(user) or permissions.is_superuser(user)),
    MEMBER: lambda user: bool(permissions.is_org_member(user)),
    EVALUATOR: lambda user: bool(permissions.is_evaluator(user)),
    ADMIN: lambda user: bool(permissions.is_superuser(user)),
}

DEFAULT_LIMIT = 5


@dataclass(frozen=True)
class Item:
    """One thing to do: what it is, where it is done, and by when."""

    title: str
    url: str
    deadline: datetime.date | None = None
    detail: str = ""
    overdue: bool = False


@dataclass(frozen=True)
class Source:
    """The rows of one kind for one user.

    rows: the scoped queryset (select_related what `item` reads); order_by: most urgent first (deadline order);
    overdue: which rows are past their deadline (None: the kind has no deadline); item: a row → Item (its `overdue`
    is filled in by the assembly).
    """

    rows: QuerySet
    item: Callable[[object], Item]
    order_by: tuple = ("pk",)  # field names or expressions
    overdue: Q | None = None
    # Count and choose the first rows on their keys alone, then read those rows: two queries instead of one, for
    # kinds over thousands of wide rows (a province's organizations) whose filter and order an index covers, so that
    # the count never visits the rows themselves.
    keys_first: bool = False


@dataclass(frozen=True)
class Kind:
    key: str
    label: str | Promise
    role: str
    source: Callable[[object, datetime.date], Source]
    order: int = 1000
    description: str | Promise = ""

    def applies_to(self, user) -> bool:
        return _ROLE_APPLIES[self.role](user)


@dataclass
class Group:
    """One kind on one user's list: its count, how many are overdue, and the first items."""

    kind: Kind
    count: int
    overdue_count: int
    items: list[Item] = field(default_factory=list)

    @property
    def key(self) -> str:
        return self.kind.key

    @property
    def label(self):
        return self.kind.label

    @property
    def role(self) -> str:
        return self.kind.role

    @property
    def role_label(self):
        return ROLE_LABELS[self.kind.role]

    @property
    def more(self) -> int:
        return max(self.count - len(self.items), 0)


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Add a kind of to-do item (idempotent for the same key and source)."""
    if kind.role not in _ROLE_APPLIES:
        raise ValueError(f"unknown to-do role {kind.role!r}")
    existing = _KINDS.get(kind.key)
    if existing is not None and existing.source is not kind.source:
        raise ValueError(f"to-do kind {kind.key!r} is registered twice")
    _KINDS[kind.key] = kind
    return kind


def kind(key: str, label, *, role: str, order: int = 1000, description=""):
    """Decorator form of `register` for a source function `(user, today) -> Source`."""

    def decorate(source: Callable[[object, datetime.date], Source]):
        register(Kind(key=key, label=label, role=role, source=source, order=order, description=description))
        return source

    return decorate


def kinds() -> list[Kind]:
    """Every registered kind, in page order (role, then the kind's order)."""
    roles = list(ROLE_LABELS)
    return sorted(_KINDS.values(), key=lambda k: (roles.index(k.role), k.order, k.key))


def kinds_for(user) -> list[Kind]:
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    return [k for k in kinds() if k.applies_to(user)]


def get_kind(key: str) -> Kind:
    """The registered kind (KeyError when unknown)."""
    return _KINDS[key]


def _order(source: Source) -> list:
    """The kind's order (overdue first, then its own) as expressions, for a window's ORDER BY."""
    terms = []
    for term in ("-todo_overdue", *source.order_by):
        if isinstance(term, str):
            terms.append(F(term[1:]).desc() if term.startswith("-") else F(term).asc())
        else:
            terms.append(term if isinstance(term, OrderBy) else term.asc())
    return terms


def _flagged(source: Source) -> QuerySet:
    if source.overdue is None:
        flag = Value(False, output_field=BooleanField())
    else:
        flag = Case(When(source.overdue, then=Value(True)), default=Value(False), output_field=BooleanField())
    return source.rows.annotate(todo_overdue=flag).order_by("-todo_overdue", *source.order_by)


def _item(source: Source, row) -> Item:
    return _shown_as(source.item, row)


def _shown_as(item_of: Callable[[object], Item], row) -> Item:
    """The row's item, marked overdue when its row is."""
    item = item_of(row)
    if getattr(row, "todo_overdue", False) and not item.overdue:
        item = Item(item.title, item.url, item.deadline, item.detail, True)
    return item


def _counted(source: Source) -> QuerySet:
    """The source's rows, most urgent first, each carrying the count and the overdue count of the whole set."""
    return _flagged(source).annotate(
        todo_total=Window(Count("pk")),
        todo_overdue_total=Window(Sum(Case(When(todo_overdue=True, then=Value(1)), default=Value(0)))),
    )


def _by_key(rows: QuerySet, keys: list) -> QuerySet:
    """The rows with these keys, with what the kind's `item` reads (its select_related and constant annotations),
    without compiling the kind's filter again: the keys come from it. A kind annotating anything else is read through
    its own queryset."""
    if not keys:
        return rows.none()
    annotations = rows.query.annotation_select
    if not all(isinstance(value, Value) for value in annotations.values()):
        return rows.filter(pk__in=keys).order_by()
    found = rows.model._default_manager.filter(pk__in=keys).annotate(**annotations)
    found.query.select_related = rows.query.select_related
    return found


def _group(kind_: Kind, source: Source, head: list[tuple], limit: int) -> Group:
    """The group of a kind from its head (keys, counts and overdue flags, most urgent first): its first rows, read
    by key (the kind's filter holds for so few rows at no cost; a row gone since is left out)."""
    if not head:
        return Group(kind=kind_, count=0, overdue_count=0)
    keys = head[:limit]
    found = {row.pk: row for row in _by_key(source.rows, [pk for pk, *_ in keys])} if limit else {}
    items = []
    for pk, _count, _overdue, overdue in keys:
        if pk in found:
            found[pk].todo_overdue = overdue
            items.append(_item(source, found[pk]))
    return Group(kind=kind_, count=head[0][1], overdue_count=head[0][2], items=items)


def group_for(kind_: Kind, user, *, on: datetime.date | None = None, limit: int = DEFAULT_LIMIT) -> Group:
    """The count, overdue count and the first `limit` items of one kind, in one query: the counts travel on the rows
    as window aggregates over the whole set (`COUNT(*) OVER ()`), so the rows are read once. With `limit` 0, one
    aggregate query."""
    on = on or local_today()
    source = kind_.source(user, on)
    if not limit:
        aggregates = {"todo_count": Count("pk")}
        if source.overdue is not None:
            aggregates["todo_overdue"] = Count("pk", filter=source.overdue)
        totals = source.rows.order_by().aggregate(**aggregates)
        return Group(kind=kind_, count=totals["todo_count"], overdue_count=totals.get("todo_overdue") or 0)
    flagged = _counted(source)
    if not source.keys_first:
        rows = list(flagged[:limit])
        if not rows:
            return Group(kind=kind_, count=0, overdue_count=0)
        counts = (rows[0].todo_total, rows[0].todo_overdue_total)
    else:
        head = list(flagged.values_list("pk", "todo_total", "todo_overdue_total")[:limit])
        if not head:
            return Group(kind=kind_, count=0, overdue_count=0)
        found = {row.pk: row for row in _flagged(source).filter(pk__in=[pk for pk, _, _ in head])}
        rows = [found[pk] for pk, _, _ in head if pk in found]
        counts = head[0][1:]
    return Group(kind=kind_, count=counts[0], overdue_count=counts[1] or 0, items=[_item(source, row) for row in rows])


def kind_rows(kind_: Kind, user, *, on: datetime.date | None = None) -> tuple[QuerySet, Callable[[object], Item]]:
    """Every row of one kind for the user, overdue first (for the kind's full list, paginated by the caller), and
    the function that turns a row into an Item."""
    on = on or local_today()
    source = kind_.source(user, on)
    return _flagged(source), lambda row: _item(source, row)


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


def assemble_remembered(user, *, on: datetime.date | None = None, limit: int = DEFAULT_LIMIT) -> list[Group]:
    """`assemble`, remembered per user, day, `limit` and language, each kind's group until a write to one of the
    tables it is read from commits (`core.pagecache`'s table generations: never stale, never kept from a transaction
    that has written, computed afresh when the page cache is off). A write elsewhere — a payment recorded, while this
    is a registrar's list of complaints and ratings — leaves the list as it was kept; a write to one kind's tables
    reads that kind again, and only that one. A kind's count and first keys (its arm of the union) and its items as
    shown (its first rows, read by key) are watched apart: an organization renamed reads again the items that show
    organizations' names, not the counts of complaints. Another user's list is another entry. What is kept is the
    figures, the first keys and the items as shown (text, link, deadline), not the rows, with what the SQL was built
    on: the user's row and department, and the answers about the data (`Region.holds_every`), any change of which
    reads every kind again. A kind whose items read the database beyond their rows, and every kind of a plan that is
    not kept, goes with any write, as the pages do."""
    on = on or local_today()
    if getattr(user, "pk", None) is None or not pagecache.enabled():
        return assemble(user, on=on, limit=limit)
    key = ("todo", user.pk, on.isoformat(), limit, translation.get_language())
    generation, entry = pagecache.recall(*key)
    chosen = [k.key for k in kinds_for(user)]
    kept: dict[str, tuple] = {}
    now: dict[str, str] = {}
    answers = None  # the answers about the data, when known to hold still
    if entry is not None and entry["user"] == _row_key(user):
        kept = entry["kinds"]
        watched = {table for k in chosen if k in kept for watch in kept[k][:2] for table in (watch[0] or ())}
        now = pagecache.generations(watched | entry["answered"].keys())
        # The answers about the data the SQL was built on hold while the tables they were read from are unchanged;
        # otherwise they are asked again.
        if all(now.get(table) == value for table, value in entry["answered"].items()) or _holds_every_still(
            user, entry["answers"], changed=True
        ):
            answers = entry["answers"]
        else:
            kept = {}
    kept_generation = entry["generation"] if entry is not None else None
    fresh, to_read = {}, {}
    for kind_key in chosen:
        counted, shown_from, head, _shown_as_kept = kept.get(kind_key, ((None, None), (None, None), None, None))
        if kind_key not in kept or not _still(counted, now, generation, kept_generation):
            continue
        if _still(shown_from, now, generation, kept_generation):
            fresh[kind_key] = kept[kind_key]
        else:
            to_read[kind_key] = head  # the same first keys, their rows read again
    if len(fresh) < len(chosen):
        plan = _plan(user, on, limit, None, answers=answers)
        index = {k.key: i for i, k in enumerate(plan.kinds)}
        to_count = [i for i, k in enumerate(plan.kinds) if k.key not in fresh and k.key not in to_read]
        stale = to_count + [index[k] for k in to_read]
        answered = _answer_tables(plan.answers) | _department_tables(user)
        needed = {t for i in stale for tables in (plan.arm_tables[i], plan.item_tables[i]) for t in (tables or ())}
        missing = (needed | answered) - now.keys()
        if missing or not now:
            # Read before the rows, as `pagecache.remember` reads the generation: a write committed meanwhile is
            # seen by the next request.
            now = {**now, **pagecache.generations(missing)}
        heads = plan.heads(to_count) if to_count else [[] for _ in plan.kinds]
        for kind_key, head in to_read.items():
            heads[index[kind_key]] = list(head)
        read_more: set[int] = set()
        groups = plan.groups(heads, user, read_more=read_more)
        for i in stale:
            group = groups.get(i)
            shown = (
                None if group is None else (group.count, group.overdue_count, [_shown(item) for item in group.items])
            )
            fresh[plan.kinds[i].key] = (
                _watch(plan.arm_tables[i], now),
                _watch(None if i in read_more else plan.item_tables[i], now),
                heads[i][: max(limit, 1)],
                shown,
            )
        pagecache.keep(
            *key,
            value={
                "user": _row_key(user),
                "answers": plan.answers,
                "answered": {table: now[table] for table in (*answered, pagecache.EPOCH_KEY)},
                "generation": generation,
                "kinds": fresh,
            },
        )
    groups = [
        Group(kind=_KINDS[kind_key], count=shown[0], overdue_count=shown[1], items=list(shown[2]))
        for kind_key in chosen
        if (shown := fresh[kind_key][3]) is not None
    ]
    groups.sort(key=lambda group: 0 if group.overdue_count else 1)
    return groups


def _watch(tables: frozenset[str] | None, now: dict[str, str]) -> tuple:
    """What a kept part of a group holds while: its tables and their generations now (None: any write)."""
    if tables is None:
        return (None, None)
    return (tables, {table: now.get(table) for table in (*tables, pagecache.EPOCH_KEY)})


def _still(watch: tuple, now: dict, generation: str | None, kept_generation: str | None) -> bool:
    """Whether a kept part of a group still holds: none of its tables written since (nor everything, the epoch), or
    — for one kept without its tables — no write at all since."""
    tables, generations = watch
    if tables is None:
        return generation is not None and generation == kept_generation
    return all(now.get(table) is not None and now.get(table) == value for table, value in generations.items())


def _row_key(user) -> tuple:
    """The user's own row as the SQL of their list may depend on it (their department's region, which it may depend
    on too, is watched by its tables: `_department_tables`)."""
    return _user_key(user, with_region=False)


def _department_tables(user) -> set[str]:
    """The tables of the user's department and its region, when the user has a department."""
    if not getattr(user, "department_id", None):
        return set()
    department = user._meta.get_field("department").related_model
    region = department._meta.get_field("region").related_model
    return {department._meta.db_table.lower(), region._meta.db_table.lower()}


def _answer_tables(answers: dict) -> set[str]:
    """The tables the answers about the data (`Region.holds_every(holder)`) are read from: the regions' and each
    holder's."""
    tables = set()
    for holder in answers:
        tables.add(holder._meta.db_table.lower())
        tables.add(holder._meta.get_field("region").related_model._meta.db_table.lower())
    return tables


def _shown(item: Item) -> Item:
    """The item as the page shows it: its texts in the active language (lazy strings do not outlive it)."""
    return Item(str(item.title), str(item.url), item.deadline, str(item.detail), item.overdue)


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
            found[obj.pk] = obj
        return found


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

    def groups(self, heads: list[list[tuple]], user, *, read_more: set[int] | None = None) -> dict[int, Group]:
        """A group per kind with items, by kind index: the first rows of every kind read together (`_read_all`).
        `read_more` collects the kinds whose items read the database beyond their rows (their group depends on more
        than their tables)."""
        wanted = [
            (index, head, self.reader(index, user) if self.limit else None) for index, head in enumerate(heads) if head
        ]
        batch = [(reader, [pk for pk, *_ in head[: self.limit]]) for _index, head, reader in wanted if reader]
        read = iter(_read_all(self.db, batch))
        groups = {}
        for index, head, reader in wanted:
            kind_ = self.kinds[index]
            with _queries_counted(self.db) as counted:
                if reader is None:
                    groups[index] = _group(kind_, kind_.source(user, self.on), head, self.limit)
                else:
                    found = next(read)
                    items = []
                    for pk, _count, _overdue, overdue in head[: self.limit]:
                        if pk in found:
                            found[pk].todo_overdue = overdue
                            items.append(_shown_as(self.items[index], found[pk]))
                    groups[index] = Group(kind=kind_, count=head[0][1], overdue_count=head[0][2], items=items)
            # Read by key: no query when planned, its one `_by_key` query otherwise.
            if read_more is not None and counted[0] > (0 if reader is not None else 1):
                read_more.add(index)
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


_QUOTED = re.compile(r'"(\w+)"')


def _tables_read(sqls: Iterable[str]) -> frozenset[str]:
    """The models' tables named in these statements (Django quotes every table it names)."""
    known = _model_tables()
    return frozenset(name.lower() for sql in sqls for name in _QUOTED.findall(sql) if name.lower() in known)


@functools.cache
def _model_tables() -> frozenset[str]:
    return frozenset(model._meta.db_table.lower() for model in apps.get_models(include_auto_created=True))


def _readers(sources: list[Source], limit: int) -> dict[int, _Reader | None]:
    """Each kind's compiled "first rows by key" query (None where it cannot be kept compiled)."""
    readers = {}
    for index, source in enumerate(sources):
        try:
            readers[index] = _Reader(source.rows, limit)
        except (_NotPlanned, EmptyResultSet, ValidationError, ValueError, TypeError):  # e.g. keys not integers
            readers[index] = None
    return readers


def _watched_tables(sqls: Iterable[str]) -> frozenset[str] | None:
    """The tables these statements read, to be watched (None: one of them sets no generation — task results,
    notifications — so what is read from it goes with any write, as before)."""
    tables = _tables_read(sqls)
    return None if tables & pagecache.IGNORED_TABLES else tables


def _item_tables(source: Source, reader: _Reader | None) -> frozenset[str] | None:
    """The tables a kind's items are read from: its reader's query (the rows by key with what they select_related),
    or the kind's own rows where it has none."""
    if reader is not None:
        return _watched_tables([reader.sql])
    try:
        rows_sql, _params = source.rows.query.get_compiler(using=source.rows.db).as_sql()
    except EmptyResultSet:
        rows_sql = ""
    return _watched_tables([rows_sql])


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
        plan.arm_tables = [_watched_tables([arm[0] if arm else ""]) for arm in arms]
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


def total(groups: Iterable[Group]) -> tuple[int, int]:
    """(items, overdue items) over the groups."""
    groups = list(groups)
    return sum(g.count for g in groups), sum(g.overdue_count for g in groups)
