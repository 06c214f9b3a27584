"""How statistics are shown and downloaded: formatted cells, the links from a figure to the public list it counts,
drill-down links, and the header/rows of each downloadable table.

A figure links to a list only when that list applies every filter the figure applied (and the same disclosure rule):
a list that cannot filter by purchasing department gets no link from a department row rather than a wrong one.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from core import formatting
from stats.measures import AMOUNT, PERCENT, SCORE, Measure
from stats.scope import DIMENSIONS, Scope
from stats.selectors import Concentration, Row, StatisticsTable

DASH = "—"

# measure -> (list URL name, fixed parameters, the scope parameters the list understands)
_CONTRACT_LIST = ("contracts:contract-list", {}, {"region", "year", "department", "category", "org_type"})
_PURCHASE_LISTS = (
    "contracts:purchase-list-list",
    {"status": "published"},
    {"region", "year", "department", "category"},
)
_EVALUATIONS = ("evaluations:evaluation-list", {}, {"region", "year"})
_ORGANIZATIONS = ("registry:organization-list", {"status": "normal"}, {"region", "org_type"})
LINKS: dict[str, tuple[str, dict, set]] = {
    "lists_published": _PURCHASE_LISTS,
    "contracts_signed": _CONTRACT_LIST,
    "contract_amount": _CONTRACT_LIST,
    "evaluations": _EVALUATIONS,
    "grade_excellent": (_EVALUATIONS[0], {"grade": "excellent"}, _EVALUATIONS[2]),
    "grade_good": (_EVALUATIONS[0], {"grade": "good"}, _EVALUATIONS[2]),
    "grade_fair": (_EVALUATIONS[0], {"grade": "fair"}, _EVALUATIONS[2]),
    "grade_poor": (_EVALUATIONS[0], {"grade": "poor"}, _EVALUATIONS[2]),
    "organizations_active": _ORGANIZATIONS,
}


def display(measure: Measure, value) -> str:
    if value is None:
        return DASH
    if measure.kind == AMOUNT:
        return formatting.amount(value)
    if measure.kind == PERCENT:
        return formatting.percent(value)
    if measure.kind == SCORE:
        return formatting.points(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


@functools.cache
def _path(url_name: str) -> str:
    return reverse(url_name)


def list_link(measure_key: str, scope: Scope | None) -> str | None:
    """The public list behind a figure, filtered like the figure, or None when no list can show exactly it."""
    if scope is None or measure_key not in LINKS:
        return None
    url_name, fixed, understood = LINKS[measure_key]
    wanted = scope.query()
    if set(wanted) - understood:
        return None
    if measure_key == "organizations_active":
        wanted.pop("year", None)
    return f"{_path(url_name)}?{urlencode({**wanted, **fixed})}"


def page_link(scope: Scope, **changes) -> str:
    return f"{_path('stats:overview')}?{urlencode(scope.query(**changes))}"


@dataclass
class Cell:
    text: str
    url: str | None = None
    value: object = None


@dataclass
class DisplayRow:
    label: str
    cells: list[Cell]
    url: str | None = None
    key: str = ""


@dataclass
class Section:
    title: str
    measures: list[Measure]
    rows: list[DisplayRow] = field(default_factory=list)
    total: DisplayRow | None = None


def _row(row: Row, measures: list[Measure], *, drill: str | None) -> DisplayRow:
    cells = [
        Cell(
            display(measure, row.values.get(measure.key)),
            list_link(measure.key, row.scope),
            row.values.get(measure.key),
        )
        for measure in measures
    ]
    return DisplayRow(label=row.label, cells=cells, url=drill, key=row.key)


def sections(table: StatisticsTable, *, rows: list[Row] | None = None) -> list[Section]:
    """The table split into its measure groups (purchase lists and contracts, delivery, evaluation, …), each with
    of `rows` (default: every row) and the total; a row links to the statistics narrowed to it (that region's, that
    year's, that department's …)."""
    groups: dict[str, list[Measure]] = {}
    for measure in table.measures:
        if any(row.values.get(measure.key) is not None for row in [*table.rows, table.total]):
            groups.setdefault(str(measure.group), []).append(measure)
    out = []
    for title, measures in groups.items():
        section = Section(title=title, measures=measures)
        for row in table.rows if rows is None else rows:
            drill = page_link(row.scope) if row.scope is not None and row.scope is not table.scope else None
            section.rows.append(_row(row, measures, drill=drill))
        section.total = _row(table.total, measures, drill=None)
        out.append(section)
    return out


def download_table(table: StatisticsTable) -> tuple[list[str], list[list]]:
    """Header and rows of the whole table for xlsx/csv (raw numbers, amounts in yuan)."""
    measures = [
        measure
        for measure in table.measures
        if any(row.values.get(measure.key) is not None for row in [*table.rows, table.total])
    ]
    headers = [str(DIMENSIONS[table.dimension])] + [f"{measure.group}·{measure.label}" for measure in measures]
    rows = [[row.label] + [_raw(row.values.get(measure.key)) for measure in measures] for row in table.rows]
    if table.dimension != "year" or table.rows:
        rows.append([table.total.label] + [_raw(table.total.values.get(measure.key)) for measure in measures])
    return headers, rows


def _raw(value):
    return "" if value is None else value


def concentration_table(result: Concentration) -> tuple[list[str], list[list]]:
    headers = [
        _("排名"),
        _("承接主体"),
        _("统一社会信用代码"),
        _("区域外"),
        _("合同数"),
        _("合同金额（元）"),
        _("占比（%）"),
    ]
    rows = [
        [
            index,
            supplier.name,
            supplier.uscc,
            _("是") if supplier.outside else _("否"),
            supplier.contracts,
            supplier.amount,
            supplier.share if supplier.share is not None else "",
        ]
        for index, supplier in enumerate(result.suppliers, start=1)
    ]
    return headers, rows


def share_text(value: Decimal | None) -> str:
    return DASH if value is None else formatting.percent(value)
