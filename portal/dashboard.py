"""The public home page's figures: the home province and each of its leagues and cities for one year (the current
year unless the visitor picks another), read from the statistics selectors (`stats`), so the home page and
/statistics/ always agree.

Figures are the public ones: published purchase lists of the year, contracts of the year (合同年度; an amended contract
at its current amount), deliverables due in the year and not accepted after their due date, finalized evaluations of
the year, and the organizations registered and in normal standing today. The page costs the same handful of queries
whatever the number of records. Rows registered at province level count for the province only.

Charts are pygal SVG rendered on the server and inlined (`stats.charts`): no script, no external file, and no chart
whose every value is zero.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from core import formatting
from evaluations.models import Evaluation
from stats import charts
from stats.scope import YEAR_RANGE, Scope, home_region
from stats.selectors import OWN_LEVEL, Row, available_years, statistics_table

GRADES = [grade for grade, _label in Evaluation.Grade.choices]
HOME_MEASURES = {
    "organizations_active",
    "lists_published",
    "contracts_signed",
    "contract_amount",
    "overdue",
    "evaluations",
    *(f"grade_{grade}" for grade in GRADES),
}


@dataclass
class AreaFigures:
    """The figures of one area (the province or a city)."""

    code: str
    name: str
    active_organizations: int = 0
    published_lists: int = 0
    contracts_signed: int = 0
    contracts_amount: Decimal = Decimal("0.00")
    overdue_deliverables: int = 0
    grades: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GRADES, 0))

    @classmethod
    def from_row(cls, code: str, name: str, row: Row) -> AreaFigures:
        values = row.values
        return cls(
            code=code,
            name=name,
            active_organizations=values.get("organizations_active") or 0,
            published_lists=values.get("lists_published") or 0,
            contracts_signed=values.get("contracts_signed") or 0,
            contracts_amount=values.get("contract_amount") or Decimal("0.00"),
            overdue_deliverables=values.get("overdue") or 0,
            grades={grade: values.get(f"grade_{grade}") or 0 for grade in GRADES},
        )

    @property
    def contracts_amount_wan(self) -> Decimal:
        """The amount in 万元 (10,000 yuan), two decimals."""
        return formatting.wan(self.contracts_amount)

    @property
    def graded(self) -> int:
        return sum(self.grades.values())

    def grade_rows(self) -> list[tuple[str, str, int]]:
        labels = dict(Evaluation.Grade.choices)
        return [(grade, str(labels[grade]), self.grades[grade]) for grade in GRADES]


@dataclass
class Dashboard:
    year: int
    province: AreaFigures | None
    cities: list[AreaFigures]
    years: list[int] = field(default_factory=list)
    grade_chart: charts.Chart | None = None
    city_grade_chart: charts.Chart | None = None
    amount_chart: charts.Chart | None = None


def home_year(value: str | None, today: datetime.date) -> int:
    """The year asked for in `?year=`, or the current year when there is none or it is not a year."""
    try:
        year = int(value or "")
    except ValueError:
        return today.year
    return year if YEAR_RANGE[0] <= year <= YEAR_RANGE[1] else today.year


def home_dashboard(*, year: int | None = None, today: datetime.date | None = None) -> Dashboard:
    """The province's and each city's figures for `year` (the year of `today` by default)."""
    today = today or timezone.localdate()
    year = year or today.year
    province_region = home_region()
    if province_region is None:
        return Dashboard(year=year, province=None, cities=[])
    years = sorted(set(available_years()) | {today.year, year}, reverse=True)
    table = statistics_table(Scope(region=province_region, year=year), "region", today=today, only=HOME_MEASURES)
    province = AreaFigures.from_row(province_region.code, province_region.name, table.total)
    cities = [AreaFigures.from_row(row.key, row.label, row) for row in table.rows if row.key != OWN_LEVEL]
    labels = dict(Evaluation.Grade.choices)
    grade_series = [(grade, str(labels[grade])) for grade in GRADES]
    return Dashboard(
        year=year,
        province=province,
        cities=cities,
        years=years,
        grade_chart=charts.stacked_chart(
            _("%(year)d 年绩效评价等级分布（全区）") % {"year": year},
            grade_series,
            [(province.name, province.grades)],
            charts.GRADE_COLOURS,
        ),
        city_grade_chart=charts.stacked_chart(
            _("%(year)d 年各盟市绩效评价等级分布") % {"year": year},
            grade_series,
            [(city.name, city.grades) for city in cities],
            charts.GRADE_COLOURS,
        ),
        amount_chart=charts.bar_chart(
            _("%(year)d 年各盟市签订合同金额（万元）") % {"year": year},
            _("合同金额（万元）"),
            [(city.name, city.contracts_amount_wan) for city in cities],
            money=True,
        ),
    )
