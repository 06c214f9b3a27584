"""The data-quality checks on the officials' to-do lists (see notifications/todo.py): each check of the data-quality
report that a person must act on becomes a kind of to-do item, scoped like the report (registrars: their region;
purchasers: their own department; superusers: the home province) and, for registrars, narrowed to their own work
(OWN_WORK), as the registry's own kinds are. The missing annual inspections are not repeated
here: the registry's own kind lists them."""

from __future__ import annotations

import datetime

from accounts.permissions import is_superuser
from notifications import todo
from registry.models import Rating
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


# A registrar's own work among a check's rows (the report's page keeps the whole region): the organizations their
# bureau registered (it keeps their records), and those whose rating their bureau awarded (it rates again).
OWN_WORK = {
    "missing_contact": lambda rows, user, today: rows.filter(registration_authority_id=user.department_id),
    "expired_rating": lambda rows, user, today: rows.filter(
        pk__in=Rating.objects.filter(awarding_authority_id=user.department_id, valid_until__lt=today).values(
            "organization_id"
        )
    ),
}


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
        order_by = tuple(rows.query.order_by) or ("pk",)
        if kind.audience == quality.REGISTRAR and not is_superuser(user):
            rows = OWN_WORK[kind.key](rows, user, today)
            # By region (the code kept on the organization's row: no join to the regions), then as registered (the
            # report's page sorts by name).
            order_by = ("region_code", "pk")
        return todo.Source(
            rows=rows, item=_item(kind), order_by=order_by, keys_first=kind.audience == quality.REGISTRAR
        )

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
