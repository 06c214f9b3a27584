"""The statistics summary table: its refresh, and reading a breakdown from it.

`refresh_summary(today)` runs each family's aggregates grouped by every dimension at once (the record's region path,
year, department, service category, organization type; the supplier's region for contracts) and replaces the summary
rows in one transaction. `summary_figures(...)` then answers a breakdown with one query that sums the rows (two when
purchase lists are broken down by service category, where one list may fall in several rows).

The pages read the summary when a refresh has run today (`summary_in_use`), the records themselves otherwise, so a
new installation, the tests and a small region never see stale figures; `STATS_SUMMARY = "off"` always reads the
records. Figures that depend on the day (overdue deliverables, valid ratings) are those of the refresh's day.
"""

from __future__ import annotations

import datetime
import time
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, F, IntegerField, Q, Sum, Value
from django.db.models.functions import Coalesce, ExtractYear, Substr
from django.utils import timezone

from stats.measures import FAMILIES, Family
from stats.models import SummaryRefresh, SummaryRow
from stats.scope import Scope

CODE_LENGTH = 6
BATCH = 5000
# Purchase lists broken down by service category (a list counts once in each category it buys).
LISTS_BY_CATEGORY = "purchase_lists_category"
MEASURE_FIELDS = [
    field.name
    for field in SummaryRow._meta.get_fields()
    if field.name
    not in {"id", "family", "region_path", "org_region_path", "year", "department_id", "category", "org_type"}
]
OUTSIDE = {"outside_contracts": "contracts_signed", "outside_amount": "contract_amount"}


def _dimension_values(family: Family, *, category_breakdown: bool = False) -> dict:
    """The grouping expressions of a family's summary rows."""
    values = {
        "s_region_path": F(family.region_path),
        "s_year": (ExtractYear(family.year_field) if family.year_is_date else F(family.year_field))
        if family.year_field
        else Value(None, output_field=IntegerField()),
        "s_department_id": F(family.keys["department"])
        if "department" in family.keys
        else Value(None, output_field=IntegerField()),
        "s_category": Coalesce(F(family.keys["category"]), Value("", output_field=CharField()))
        if "category" in family.keys and (category_breakdown or family.name != "purchase_lists")
        else Value("", output_field=CharField()),
        "s_org_type": F(family.keys["org_type"]) if "org_type" in family.keys else Value("", output_field=CharField()),
        "s_org_region_path": F("organization__region__path")
        if family.name == "contracts"
        else Value("", output_field=CharField()),
    }
    return values


def _family_rows(family: Family, today: datetime.date, *, name: str, category_breakdown: bool = False):
    aggregates = {key: value for key, value in family.aggregates("", today).items() if key not in OUTSIDE}
    dimensions = _dimension_values(family, category_breakdown=category_breakdown)
    rows = family.base(today).order_by().annotate(**dimensions).values(*dimensions).annotate(**aggregates)
    for row in rows.iterator(chunk_size=BATCH):
        yield SummaryRow(
            family=name,
            region_path=row["s_region_path"],
            org_region_path=row["s_org_region_path"] or "",
            year=row["s_year"],
            department_id=row["s_department_id"],
            category=row["s_category"] or "",
            org_type=row["s_org_type"] or "",
            **{key: row[key] for key in aggregates},
        )


def _batches(rows):
    batch = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


@transaction.atomic
def refresh_summary(today: datetime.date | None = None) -> SummaryRefresh:
    """Rebuild the summary rows of every family as of `today` (default: today)."""
    today = today or timezone.localdate()
    started = time.perf_counter()
    SummaryRow.objects.all().delete()
    count = 0
    for family in FAMILIES:
        sources = [(family.name, False)]
        if family.name == "purchase_lists":
            sources.append((LISTS_BY_CATEGORY, True))
        for name, by_category in sources:
            for batch in _batches(_family_rows(family, today, name=name, category_breakdown=by_category)):
                SummaryRow.objects.bulk_create(batch)
                count += len(batch)
    return SummaryRefresh.objects.create(
        as_of=today,
        finished_at=timezone.now(),
        rows=count,
        seconds=Decimal(f"{time.perf_counter() - started:.2f}"),
    )


def latest_refresh() -> SummaryRefresh | None:
    return SummaryRefresh.objects.order_by("-finished_at").first()


def summary_in_use(today: datetime.date) -> SummaryRefresh | None:
    """The refresh the pages read from: one made today, unless the summary is switched off."""
    if getattr(settings, "STATS_SUMMARY", "auto") == "off":
        return None
    refresh = latest_refresh()
    return refresh if refresh is not None and refresh.as_of == today else None


def _key_expression(scope: Scope, dimension: str):
    return {
        "region": Substr("region_path", len(scope.prefix) + 1, CODE_LENGTH),
        "year": F("year"),
        "department": F("department_id"),
        "category": F("category"),
        "org_type": F("org_type"),
    }[dimension]


def _filtered(scope: Scope, names: list[str], *, by_year: bool):
    queryset = SummaryRow.objects.filter(family__in=names, region_path__startswith=scope.prefix).order_by()
    if scope.year is not None and not by_year:
        queryset = queryset.filter(Q(year=scope.year) | Q(family="organizations"))
    if scope.department_id:
        queryset = queryset.filter(department_id=scope.department_id)
    if scope.category:
        queryset = queryset.filter(category=scope.category)
    if scope.org_type:
        queryset = queryset.filter(org_type=scope.org_type)
    return queryset


PREFIX = "m_"


def _aggregates(scope: Scope, fields: set[str]) -> dict:
    """Sums of the measure columns (named with a prefix: an aggregate may not take a column's own name)."""
    aggregates = {PREFIX + name: Sum(name) for name in MEASURE_FIELDS if name in fields}
    outside = Q(family="contracts") & ~Q(org_region_path__startswith=scope.prefix)
    for name, source in OUTSIDE.items():
        if source in fields:
            aggregates[PREFIX + name] = Sum(source, filter=outside)
    return aggregates


def _unprefixed(row: dict) -> dict:
    return {key.removeprefix(PREFIX): value for key, value in row.items() if key.startswith(PREFIX)}


def summary_figures(
    scope: Scope, dimension: str | None, families: list[Family]
) -> tuple[dict[str, dict], dict, set[str]]:
    """({row key: raw values}, raw total, keys that make rows) from the summary, for the applicable `families`."""
    by_category = dimension == "category" or bool(scope.category)
    names = [
        LISTS_BY_CATEGORY if family.name == "purchase_lists" and by_category else family.name for family in families
    ]
    aggregates = _aggregates(scope, {name for family in families for name in family.measures})
    queryset = _filtered(scope, names, by_year=dimension == "year")
    if not dimension:
        return {}, _unprefixed(queryset.aggregate(**aggregates)), set()
    year_makers = {name for family in families if family.makes_years for name in family.measures}
    grouped: dict[str, dict] = {}
    row_keys: set[str] = set()
    for row in queryset.annotate(stat_key=_key_expression(scope, dimension)).values("stat_key").annotate(**aggregates):
        raw_key = row["stat_key"]
        row = _unprefixed(row)
        key = "-" if raw_key in (None, "") else str(raw_key)
        if dimension == "region" and key == "-":
            key = "="
        grouped[key] = row
        if dimension != "year" or any(row.get(name) is not None for name in year_makers):
            row_keys.add(key)
    names_in_total = {name.removeprefix(PREFIX) for name in aggregates}
    total = {name: _add(row.get(name) for row in grouped.values()) for name in names_in_total}
    if dimension == "category" and not scope.category and "purchase_lists" in {family.name for family in families}:
        lists = _filtered(scope, ["purchase_lists"], by_year=False).aggregate(m_lists=Sum("lists_published"))
        total["lists_published"] = lists["m_lists"]
    return grouped, total, row_keys


def _add(values):
    present = [value for value in values if value is not None]
    if not present:
        return None
    return sum(present[1:], present[0])
