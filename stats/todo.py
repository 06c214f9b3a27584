"""The data-quality checks on the officials' to-do lists (see notifications/todo.py): each check of the data-quality
report that a person must act on becomes a kind of to-do item, scoped like the report (registrars: their region;
purchasers: their own department; superusers: the home province). The missing annual inspections are not repeated
here: the registry's own kind lists them."""

from __future__ import annotations

import datetime

from accounts.permissions import is_superuser
from notifications import todo
from stats import quality
from stats.scope import home_region

ORDERS = {
    "missing_contact": 90,
    "expired_rating": 91,
    "no_contract_text": 92,
    "no_criteria": 93,
    "payment_without_acceptance": 94,
    "overdue_evaluation": 95,
}
ROLES = {quality.REGISTRAR: todo.REGISTRAR, quality.PURCHASER: todo.PURCHASER}
SKIPPED = {"missing_inspection"}  # registry.inspection_missing


def _region(user):
    if user.department_id and not is_superuser(user):
        return user.department.region
    return home_region()


def _item(kind: quality.ItemKind):
    def item(record) -> todo.Item:
        cells, url = quality.row_cells(kind.key, record)
        return todo.Item(title=str(cells[0]), detail=str(cells[1]), url=url)

    return item


def _source(kind: quality.ItemKind):
    def source(user, today: datetime.date) -> todo.Source:
        region = _region(user)
        rows = kind.rows(region, today, user)
        return todo.Source(rows=rows, item=_item(kind), order_by=tuple(rows.query.order_by) or ("pk",))

    return source


for _kind in quality.KINDS:
    if _kind.key not in SKIPPED:
        todo.register(
            todo.Kind(
                key=f"stats.{_kind.key}",
                label=_kind.label,
                role=ROLES[_kind.audience],
                source=_source(_kind),
                order=ORDERS[_kind.key],
                description=_kind.description,
            )
        )
