"""The public home page's figures: the province (Inner Mongolia) and each of its twelve leagues and cities.

Every figure is one aggregate query grouped by the city part of the region path (`100000/150000/150100/...`: the six
characters after the province's path), so the page costs the same handful of queries whatever the number of
organizations, contracts or evaluations. Rows registered at province level count for the province only.

Charts are pygal SVG rendered on the server and inlined: no script, no external file.
"""

from __future__ import annotations

import datetime
import xml.etree.ElementTree as ET
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import pygal
from django.conf import settings
from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from pygal.style import Style

from contracts.models import Contract, Deliverable, PurchaseList
from contracts.selectors import overdue_condition
from core import formatting
from evaluations.models import Evaluation
from registry.models import Organization
from registry.selectors import region_choices

CODE_LENGTH = 6
GRADES = [grade for grade, _label in Evaluation.Grade.choices]
GRADE_COLOURS = {"excellent": "#198754", "good": "#0d6efd", "fair": "#fd7e14", "poor": "#dc3545"}
FONT = '"Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif'


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
    grade_chart: SafeString = mark_safe("")
    city_grade_chart: SafeString = mark_safe("")
    amount_chart: SafeString = mark_safe("")


def _city_counts(queryset: QuerySet, path_field: str, prefix: str, **aggregates) -> dict[str, dict]:
    """{city code or "": {aggregate: value}} for the rows of `queryset` below the province path `prefix`."""
    city = Substr(path_field, len(prefix) + 1, CODE_LENGTH)
    rows = (
        queryset.filter(**{f"{path_field}__startswith": prefix})
        .order_by()
        .annotate(city=city)
        .values("city")
        .annotate(**aggregates)
    )
    return {row["city"]: row for row in rows}


def _grade_counts(prefix: str) -> dict[str, dict[str, int]]:
    path_field = "contract__department__region__path"
    rows = (
        Evaluation.objects.filter(status=Evaluation.Status.FINALIZED, **{f"{path_field}__startswith": prefix})
        .order_by()
        .annotate(city=Substr(path_field, len(prefix) + 1, CODE_LENGTH))
        .values("city", "grade")
        .annotate(n=Count("pk"))
    )
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(GRADES, 0))
    for row in rows:
        if row["grade"] in GRADES:
            counts[row["city"]][row["grade"]] += row["n"]
    return counts


def home_dashboard(*, today: datetime.date | None = None) -> Dashboard:
    """The province's and each city's figures for the year of `today` (six queries in all)."""
    today = today or timezone.localdate()
    regions = list(region_choices())
    province_region = next((region for region in regions if region.code == settings.HOME_PROVINCE_CODE), None)
    if province_region is None:
        return Dashboard(year=today.year, province=None, cities=[])
    prefix = province_region.path

    organizations = _city_counts(
        Organization.objects.filter(status=Organization.Status.NORMAL), "region__path", prefix, n=Count("pk")
    )
    lists = _city_counts(
        PurchaseList.objects.filter(status=PurchaseList.Status.PUBLISHED), "region__path", prefix, n=Count("pk")
    )
    contracts = _city_counts(
        Contract.objects.exclude(status=Contract.Status.DRAFT).filter(
            signed_on__gte=datetime.date(today.year, 1, 1), signed_on__lte=datetime.date(today.year, 12, 31)
        ),
        "department__region__path",
        prefix,
        n=Count("pk"),
        amount=Sum("amount"),
    )
    overdue = _city_counts(
        Deliverable.objects.filter(overdue_condition(today)),
        "contract__department__region__path",
        prefix,
        n=Count("pk"),
    )
    grades = _grade_counts(prefix)

    def figures(code: str, name: str, keys: list[str]) -> AreaFigures:
        area = AreaFigures(code=code, name=name)
        for key in keys:
            area.active_organizations += organizations.get(key, {}).get("n", 0)
            area.published_lists += lists.get(key, {}).get("n", 0)
            area.contracts_signed += contracts.get(key, {}).get("n", 0)
            area.contracts_amount += contracts.get(key, {}).get("amount") or Decimal("0.00")
            area.overdue_deliverables += overdue.get(key, {}).get("n", 0)
            for grade in GRADES:
                area.grades[grade] += grades.get(key, {}).get(grade, 0)
        return area

    every_key = set(organizations) | set(lists) | set(contracts) | set(overdue) | set(grades)
    province = figures(province_region.code, province_region.name, sorted(every_key))
    cities = [figures(region.code, region.name, [region.code]) for region in regions if region is not province_region]
    graded = province.graded > 0
    return Dashboard(
        year=today.year,
        province=province,
        cities=cities,
        grade_chart=grade_chart(province) if graded else mark_safe(""),
        city_grade_chart=city_grade_chart(cities) if graded else mark_safe(""),
        amount_chart=amount_chart(cities, today.year),
    )


# --- charts ---------------------------------------------------------------------------------------------------------


def _style(colours: tuple[str, ...] = ("#0d6efd",)) -> Style:
    return Style(
        font_family=FONT,
        background="transparent",
        plot_background="transparent",
        colors=colours,
        title_font_size=16,
        label_font_size=13,
        major_label_font_size=13,
        value_font_size=12,
        legend_font_size=13,
    )


def svg(chart) -> SafeString:
    """The chart as an inline <svg> element without pygal's scripts (its tooltips need JavaScript)."""
    tree = chart.render_tree()
    for parent in tree.iter():
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    # Text comes from the database (region names) and is escaped by the serializer. pygal builds the tree with lxml
    # when lxml is installed, with xml.etree otherwise: serialize it with the library that built it.
    if type(tree).__module__.startswith("lxml"):
        from lxml import etree as lxml_etree

        return mark_safe(lxml_etree.tostring(tree, encoding="unicode"))
    return mark_safe(ET.tostring(tree, encoding="unicode"))


def _count_axis(largest: int) -> list[int]:
    """Whole-number ticks for a chart of counts (at most about eight of them)."""
    step = max(1, -(-largest // 8))
    return list(range(0, max(largest, 1) + step, step))


def _config(**options) -> dict:
    return {"js": [], "disable_xml_declaration": True, "print_values": True, "print_zeroes": False, **options}


def grade_chart(area: AreaFigures) -> SafeString:
    chart = pygal.Bar(
        **_config(
            title=_("绩效评价等级分布（全区）"),
            show_legend=False,
            height=360,
            width=520,
            y_labels=_count_axis(max(area.grades.values())),
            style=_style(tuple(GRADE_COLOURS[grade] for grade in GRADES)),
        )
    )
    chart.x_labels = [label for _grade, label, _count in area.grade_rows()]
    chart.add(
        _("评价数"), [{"value": count, "color": GRADE_COLOURS[grade]} for grade, _label, count in area.grade_rows()]
    )
    return svg(chart)


def city_grade_chart(cities: list[AreaFigures]) -> SafeString:
    """One stacked bar per city (the first city on top)."""
    rows = list(reversed(cities))
    chart = pygal.HorizontalStackedBar(
        **_config(
            title=_("各盟市绩效评价等级分布"),
            height=90 + 26 * max(len(rows), 1),
            width=1200,
            legend_at_bottom=True,
            legend_at_bottom_columns=len(GRADES),
            y_labels=_count_axis(max((city.graded for city in rows), default=0)),
            style=_style(tuple(GRADE_COLOURS[grade] for grade in GRADES)),
        )
    )
    chart.x_labels = [city.name for city in rows]
    labels = dict(Evaluation.Grade.choices)
    for grade in GRADES:
        chart.add(str(labels[grade]), [city.grades[grade] for city in rows])
    return svg(chart)


def amount_chart(cities: list[AreaFigures], year: int) -> SafeString:
    """Each city's contract amount this year in 万元 (the first city on top)."""
    rows = list(reversed(cities))
    chart = pygal.HorizontalBar(
        **_config(
            title=_("%(year)d 年各盟市签订合同金额（万元）") % {"year": year},
            show_legend=False,
            height=70 + 24 * max(len(rows), 1),
            width=860,
            style=_style(),
            value_formatter=lambda value: f"{value:,.2f}",
        )
    )
    chart.x_labels = [city.name for city in rows]
    chart.add(_("合同金额（万元）"), [float(city.contracts_amount_wan) for city in rows])
    return svg(chart)
