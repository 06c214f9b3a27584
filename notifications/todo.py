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
UNION ALL — then one query per kind that has items, reading its first rows by key. The number of queries therefore
depends on the number of kinds with items, never on the number of items. A kind's `rows` must `select_related`
whatever its `item` function reads. `group_for` does the same for one kind (one query, or two for a kind marked
`keys_first`).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BooleanField, Case, Count, F, OrderBy, Q, QuerySet, Sum, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accounts import permissions
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
    item = source.item(row)
    if getattr(row, "todo_overdue", False) and not item.overdue:
        item = Item(item.title, item.url, item.deadline, item.detail, True)
    return item


def _counted(source: Source) -> QuerySet:
    """The source's rows, most urgent first, each carrying the count and the overdue count of the whole set."""
    return _flagged(source).annotate(
        todo_total=Window(Count("pk")),
        todo_overdue_total=Window(Sum(Case(When(todo_overdue=True, then=Value(1)), default=Value(0)))),
    )


def _heads(sources: list[Source], limit: int) -> list[list[tuple]]:
    """Each source's first `limit` (at least one) keys with its count and overdue count, [(pk, count, overdue)] per
    source in the sources' order: one query for all of them, each source's own query (its filter, order and LIMIT)
    an arm of a UNION ALL."""
    if not sources:
        return []
    arms, params = [], []
    for index, source in enumerate(sources):
        keys = _counted(source).annotate(todo_key=F("pk"), todo_position=Window(RowNumber(), order_by=_order(source)))
        keys = keys.values_list("todo_key", "todo_total", "todo_overdue_total", "todo_overdue", "todo_position")
        keys = keys[: max(limit, 1)]
        try:
            sql, arm_params = keys.query.get_compiler(using=keys.db).as_sql()
        except EmptyResultSet:  # a scope that selects nothing (`.none()`)
            continue
        arms.append(
            f"SELECT {index} AS todo_kind, todo_position, todo_key, todo_total, todo_overdue_total, todo_overdue "
            f"FROM ({sql}) todo_arm_{index}"
        )
        params.extend(arm_params)
    heads: list[list[tuple]] = [[] for _ in sources]
    if not arms:
        return heads
    with connections[sources[0].rows.db].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(arms), params)
        # UNION ALL keeps no arm's order: each key comes with its position in its kind's order.
        for index, position, pk, count, overdue, flagged in cursor.fetchall():
            heads[index].append((position, pk, count, overdue or 0, bool(flagged)))
    return [[row[1:] for row in sorted(head)] for head in heads]


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
    one query for every kind's keys and counts, then one per kind with items (see the module's costs)."""
    on = on or local_today()
    wanted = set(roles) if roles is not None else None
    chosen = [k for k in kinds_for(user) if wanted is None or k.role in wanted]
    sources = [k.source(user, on) for k in chosen]
    heads = _heads(sources, limit)
    groups = [_group(k, source, head, limit) for k, source, head in zip(chosen, sources, heads, strict=True) if head]
    groups.sort(key=lambda group: 0 if group.overdue_count else 1)
    return groups


def total(groups: Iterable[Group]) -> tuple[int, int]:
    """(items, overdue items) over the groups."""
    groups = list(groups)
    return sum(g.count for g in groups), sum(g.overdue_count for g in groups)
