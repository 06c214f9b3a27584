"""The kinds of to-do item and one kind's group: roles, `Item`, `Source`, `Kind`, `Group`, the registry (`kind`,
`register`, `kinds_for`) and `group_for` / `kind_rows` (the package's docstring says how a kind is declared)."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import BooleanField, Case, Count, F, OrderBy, Q, QuerySet, Sum, Value, When, Window
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


def _shown(item: Item) -> Item:
    """The item as the page shows it: its texts in the active language (lazy strings do not outlive it)."""
    return Item(str(item.title), str(item.url), item.deadline, str(item.detail), item.overdue)


def total(groups: Iterable[Group]) -> tuple[int, int]:
    """(items, overdue items) over the groups."""
    groups = list(groups)
    return sum(g.count for g in groups), sum(g.overdue_count for g in groups)
