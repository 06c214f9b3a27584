"""Statistics reads: every figure is an aggregate query (grouped by the requested dimension, plus one for the total)
per record family, so a page costs the same number of queries whatever the number of records.

- `statistics_table(scope, dimension)`: one row per child region, year, department, service category or organization
  type, each with every measure, and the total row (its own aggregate, never a sum of rounded rows).
- `concentration(scope)`: the top suppliers' share of the contract money and the contracts that went to organizations
  registered outside the area.
- `available_years()`, `breadcrumbs(region)`.

Records registered at the area's own level (a city's own departments, when the rows are its counties) form a row of
their own, so the rows always add up to the total.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, QuerySet, Sum
from django.db.models.functions import ExtractYear, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, PurchaseItem, PurchaseList
from evaluations.models import Evaluation
from registry.models import Department, Organization, Region
from stats.measures import DERIVED, FAMILIES, MEASURES, Family, Measure
from stats.scope import Scope
from stats.summary import summary_figures, summary_in_use

CODE_LENGTH = 6
UNCLASSIFIED = "-"
OWN_LEVEL = "="


@dataclass
class Row:
    key: str
    label: str
    values: dict[str, object] = field(default_factory=dict)
    # The scope this row stands for (a child region, a year, …): links and drill-down use it.
    scope: Scope | None = None

    def __getitem__(self, key: str):
        return self.values.get(key)


@dataclass
class StatisticsTable:
    scope: Scope
    dimension: str
    measures: list[Measure]
    rows: list[Row]
    total: Row

    def column(self, key: str) -> list:
        return [row.values.get(key) for row in self.rows]


def visible_measures(scope: Scope) -> list[Measure]:
    return [measure for measure in MEASURES if scope.detailed or not measure.officials]


def _filters(scope: Scope) -> list[tuple[str, object]]:
    return [("department", scope.department_id), ("category", scope.category), ("org_type", scope.org_type)]


def _applies(family: Family, scope: Scope, dimension: str | None) -> bool:
    if family.officials and not scope.detailed:
        return False
    if dimension and dimension not in ("region", "year") and dimension not in family.keys:
        return False
    if dimension == "year" and family.year_field is None:
        return False
    for name, value in _filters(scope):
        if value and name not in family.keys:
            return False
    return True


def _filtered(family: Family, scope: Scope, today: datetime.date, *, by_year: bool) -> QuerySet:
    queryset = family.base(today).filter(**{f"{family.region_path}__startswith": scope.prefix}).order_by()
    if scope.year is not None and family.year_field and not by_year:
        lookup = f"{family.year_field}__year" if family.year_is_date else family.year_field
        queryset = queryset.filter(**{lookup: scope.year})
    for name, value in _filters(scope):
        if value:
            queryset = queryset.filter(**{family.keys[name]: value})
    return queryset


def _key_expression(family: Family, scope: Scope, dimension: str):
    if dimension == "region":
        return Substr(family.region_path, len(scope.prefix) + 1, CODE_LENGTH)
    if dimension == "year":
        return ExtractYear(family.year_field) if family.year_is_date else F(family.year_field)
    return F(family.keys[dimension])


def _key(value) -> str:
    return UNCLASSIFIED if value in (None, "") else str(value)


def _family_figures(family: Family, scope: Scope, dimension: str | None, today: datetime.date):
    """({row key: {measure: value}}, {measure: total}) for one family: one grouped query, whose rows add up to the
    total; a second query for the total only where a record may fall in several rows."""
    aggregates = family.aggregates(scope.prefix, today)
    queryset = _filtered(family, scope, today, by_year=dimension == "year")
    if not dimension:
        return {}, queryset.aggregate(**aggregates)
    grouped: dict[str, dict] = {}
    rows = queryset.annotate(stat_key=_key_expression(family, scope, dimension)).values("stat_key")
    for row in rows.annotate(**aggregates):
        key = _key(row.pop("stat_key"))
        if dimension == "region" and key == UNCLASSIFIED:
            key = OWN_LEVEL
        grouped[key] = row
    if dimension == "year":
        total = dict.fromkeys(aggregates)  # the trend's total is the sum of the years shown
    elif dimension in family.multi_valued:
        total = _filtered(family, scope, today, by_year=False).aggregate(**aggregates)
    else:
        total = {name: _add(row.get(name) for row in grouped.values()) for name in aggregates}
    return grouped, total


def _add(values) -> object:
    present = [value for value in values if value is not None]
    if not present:
        return None
    return sum(present[1:], present[0])


def _clean(values: dict) -> dict:
    """Zero instead of NULL for sums; two decimals for amounts; averages to two decimals."""
    for key, value in list(values.items()):
        if isinstance(value, Decimal):
            values[key] = value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        elif isinstance(value, float):
            values[key] = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return values


def _derive(values: dict) -> None:
    """Compute the derived measures from the raw aggregates (which are then dropped)."""
    score_sum, scored = values.pop("score_sum", None), values.pop("scored", None)
    if scored is not None:
        values["average_score"] = (
            (Decimal(score_sum) / scored).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if scored else None
        )
    budget, amount = values.get("budget"), values.get("contract_amount")
    values["contracted_share"] = (
        (Decimal(amount or 0) * 100 / Decimal(budget)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        if budget
        else None
    )


SUMMABLE_ZERO = {"budget", "contract_amount", "outside_amount", "paid"}


def _with_zeros(values: dict, measures: list[Measure], present: set[str]) -> dict:
    """Measures of applicable families default to 0 (amounts to 0.00); others stay None (not applicable)."""
    out = {}
    for measure in measures:
        if measure.key in DERIVED:
            out[measure.key] = values.get(measure.key)
        elif measure.key not in present:
            out[measure.key] = None
        elif values.get(measure.key) is None:
            out[measure.key] = Decimal("0.00") if measure.key in SUMMABLE_ZERO else 0
        else:
            out[measure.key] = values.get(measure.key)
    return out


def _labels(scope: Scope, dimension: str, keys: set[str]) -> list[tuple[str, str, Scope]]:
    """The rows of a dimension in display order: (key, label, scope of the row)."""
    rows: list[tuple[str, str, Scope]] = []
    if dimension == "region":
        for child in Region.objects.filter(parent=scope.region).order_by("code"):
            rows.append((child.code, child.name, replace(scope, region=child)))
        if OWN_LEVEL in keys:
            rows.append((OWN_LEVEL, str(_("%(name)s本级") % {"name": scope.region.name}), scope))
    elif dimension == "year":
        for key in sorted(key for key in keys if key != UNCLASSIFIED):
            rows.append((key, key, replace(scope, year=int(key))))
    elif dimension == "department":
        ids = [int(key) for key in keys if key != UNCLASSIFIED]
        departments = Department.objects.filter(pk__in=ids).order_by("region__code", "name")
        for department in departments:
            rows.append((str(department.pk), department.name, replace(scope, department_id=department.pk)))
    elif dimension == "category":
        for value, label in PurchaseItem.Category.choices:
            rows.append((value, str(label), replace(scope, category=value)))
        if UNCLASSIFIED in keys:
            rows.append((UNCLASSIFIED, str(_("未关联购买项目")), None))
    elif dimension == "org_type":
        for value, label in Organization.Type.choices:
            rows.append((value, str(label), replace(scope, org_type=value)))
    return rows


def _live_figures(scope: Scope, dimension: str, families: list[Family], today: datetime.date):
    """({row key: raw values}, raw total, keys that make rows) from the records themselves (one or two queries per
    family)."""
    per_key: dict[str, dict] = {}
    total_raw: dict = {}
    row_keys: set[str] = set()
    for family in families:
        grouped, total = _family_figures(family, scope, dimension, today)
        total_raw.update(total)
        for key, values in grouped.items():
            per_key.setdefault(key, {}).update(values)
            if family.makes_years or dimension != "year":
                row_keys.add(key)
    return per_key, total_raw, row_keys


def _finish(raw: dict, measures: list[Measure], present: set[str]) -> dict:
    values = _clean(dict(raw))
    _derive(values)
    return _with_zeros(values, measures, present)


def statistics_table(
    scope: Scope, dimension: str, *, today: datetime.date | None = None, only: set[str] | None = None
) -> StatisticsTable:
    """Every visible measure (or only the measures `only` names) for each row of `dimension` and for the total."""
    today = today or timezone.localdate()
    measures = [measure for measure in visible_measures(scope) if only is None or measure.key in only]
    families = [
        family
        for family in FAMILIES
        if _applies(family, scope, dimension) and (only is None or only & set(family.measures))
    ]
    present = {name for family in families for name in family.measures}
    if summary_in_use(today):
        per_key, total_raw, row_keys = summary_figures(scope, dimension, families)
    else:
        per_key, total_raw, row_keys = _live_figures(scope, dimension, families, today)
    labels = _labels(scope, dimension, row_keys)
    if dimension == "year":
        # The trend's total is the sum of the years shown.
        names = {name for key, _label, _scope in labels for name in per_key.get(key, {})}
        total_raw = {name: _add(per_key.get(key, {}).get(name) for key, _l, _s in labels) for name in names}
    rows = [
        Row(key=key, label=label, values=_finish(per_key.get(key, {}), measures, present), scope=row_scope)
        for key, label, row_scope in labels
    ]
    total = Row(key="", label=str(_("合计")), values=_finish(total_raw, measures, present), scope=scope)
    return StatisticsTable(scope=scope, dimension=dimension, measures=measures, rows=rows, total=total)


def summary(scope: Scope, *, today: datetime.date | None = None) -> dict:
    """The scope's totals only (one query per family, or one from the summary table): {measure key: value}."""
    today = today or timezone.localdate()
    measures = visible_measures(scope)
    families = [family for family in FAMILIES if _applies(family, scope, None)]
    present = {name for family in families for name in family.measures}
    if summary_in_use(today):
        raw = summary_figures(scope, None, families)[1]
    else:
        raw = {}
        for family in families:
            raw.update(_family_figures(family, scope, None, today)[1])
    return _finish(raw, measures, present)


# --- concentration --------------------------------------------------------------------------------------------------


@dataclass
class Supplier:
    organization_id: int
    name: str
    uscc: str
    outside: bool
    contracts: int
    amount: Decimal
    share: Decimal | None


@dataclass
class Concentration:
    total_amount: Decimal
    total_contracts: int
    suppliers: list[Supplier]
    top_share: Decimal | None
    outside_contracts: int
    outside_amount: Decimal


def _share(part: Decimal, whole: Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def concentration(scope: Scope, *, top: int = 10, today: datetime.date | None = None) -> Concentration:
    """The `top` suppliers by contract amount in the scope, their share, and the contracts that went outside (two
    queries)."""
    today = today or timezone.localdate()
    contracts = next(family for family in FAMILIES if family.name == "contracts")
    if summary_in_use(today):
        totals = summary_figures(scope, None, [contracts])[1]
    else:
        totals = _filtered(contracts, scope, today, by_year=False).aggregate(
            **contracts.aggregates(scope.prefix, today)
        )
    total_amount = totals["contract_amount"] or Decimal("0.00")
    rows = list(
        _filtered(contracts, scope, today, by_year=False)
        .values("organization_id")
        .annotate(contracts=Count("pk"), amount=Sum("amount"))
        .order_by("-amount", "organization_id")[:top]
    )
    organizations = Organization.objects.select_related("region").in_bulk([row["organization_id"] for row in rows])
    suppliers = []
    for row in rows:
        organization = organizations[row["organization_id"]]
        suppliers.append(
            Supplier(
                organization_id=organization.pk,
                name=organization.name,
                uscc=organization.uscc,
                outside=not _region_path(organization).startswith(scope.prefix),
                contracts=row["contracts"],
                amount=row["amount"],
                share=_share(row["amount"], total_amount),
            )
        )
    return Concentration(
        total_amount=total_amount,
        total_contracts=totals["contracts_signed"] or 0,
        suppliers=suppliers,
        top_share=_share(sum((supplier.amount for supplier in suppliers), Decimal("0")), total_amount),
        outside_contracts=totals["outside_contracts"] or 0,
        outside_amount=totals["outside_amount"] or Decimal("0.00"),
    )


def _region_path(organization: Organization) -> str:
    return organization.region.path if organization.region_id else ""


# --- years and regions ----------------------------------------------------------------------------------------------


def available_years() -> list[int]:
    """Every year with a published list, a signed contract or a finalized evaluation, newest first (one query)."""
    years = (
        Contract.objects.exclude(status=Contract.Status.DRAFT)
        .order_by()
        .values_list("year", flat=True)
        .union(
            PurchaseList.objects.filter(status=PurchaseList.Status.PUBLISHED).order_by().values_list("year", flat=True),
            Evaluation.objects.filter(status=Evaluation.Status.FINALIZED).order_by().values_list("year", flat=True),
        )
    )
    return sorted(set(years), reverse=True)


def breadcrumbs(region: Region, home_code: str) -> list[Region]:
    """The regions from the home province down to `region` (one query)."""
    codes = [code for code in region.path.strip("/").split("/") if code]
    if home_code in codes:
        codes = codes[codes.index(home_code) :]
    return list(Region.objects.filter(code__in=codes).order_by("path"))
