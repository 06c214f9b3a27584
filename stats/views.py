"""Statistics pages: the overview of an area and a year (by region with drill-down, department, service category or
organization type; the multi-year trend; concentration), every table as xlsx or csv, the annual report PDF and the
data-quality report.

Public for what is disclosed; officials whose region covers the area also see the supervision measures.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views import View

from accounts import permissions
from contracts.models import PurchaseItem
from core import pagecache
from core.spreadsheets import XLSX_CONTENT_TYPE, xlsx_bytes
from core.views import bytes_response, csv_response, page_of, pdf_response
from registry.models import Department, Organization
from stats import charts, presentation, quality, reports
from stats.scope import DIMENSIONS, official_covers, scope_from
from stats.selectors import available_years, breadcrumbs, concentration, statistics_table
from stats.summary import summary_in_use
from verification.services import site_url

TABLE_DIMENSIONS = ["region", "department", "category", "org_type"]
DOWNLOADS = {"xlsx", "csv"}


def _kept(name: str, scope, *parts, compute):
    """A figure of the statistics pages, kept per scope (area, year, department, category, type, detail), language and
    day until a write to one of the tables it was read from commits (`core.pagecache.remember_read`): a province's
    figures are 130 ms of aggregates over the summary rows and the contracts."""
    key = (scope.region.code, scope.year, scope.department_id, scope.category, scope.org_type, scope.detailed)
    return pagecache.remember_read(name, *key, *parts, translation.get_language(), compute=compute)


def _table(scope, dimension: str):
    return _kept("stats-table", scope, dimension, compute=lambda: statistics_table(scope, dimension))


def _concentration(scope):
    return _kept("stats-concentration", scope, compute=lambda: concentration(scope))


def default_year(years: list[int]) -> int | None:
    """The current year if it has data, else the latest year with data (None: no data at all)."""
    current = timezone.localdate().year
    if current in years or not years:
        return current
    return years[0]


def _download(headers, rows, name: str, kind: str) -> HttpResponse | StreamingHttpResponse:
    """The table as xlsx, or as CSV streamed in blocks of lines while `rows` (which may be a generator) is read."""
    if kind == "xlsx":
        return bytes_response(xlsx_bytes(headers, rows, title=name), f"{name}.xlsx", XLSX_CONTENT_TYPE)
    return csv_response(headers, rows, f"{name}.csv")


def _area_name(scope) -> str:
    return scope.region.name


def _title(scope, what: str) -> str:
    year = _("%(year)d 年") % {"year": scope.year} if scope.year else _("历年")
    return f"{_area_name(scope)}{year}{what}"


class StatisticsView(View):
    """统计分析: the figures of an area (the home province by default) and a year (the current one by default)."""

    template_name = "stats/overview.html"

    def get(self, request):
        years = pagecache.remember_read("stats-years", compute=available_years)
        scope = scope_from(request.GET, request.user, default_year=default_year(years))
        dimension = request.GET.get("by") or "region"
        if dimension not in TABLE_DIMENSIONS:
            raise Http404
        download = request.GET.get("format")
        if download and download not in DOWNLOADS:
            raise Http404
        which = request.GET.get("table") or "main"

        if download and which == "concentration":
            headers, rows = presentation.concentration_table(_concentration(scope))
            return _download(headers, rows, _title(scope, _("承接主体集中度")), download)
        if download and which == "trend":
            headers, rows = presentation.download_table(_table(scope.with_year(None), "year"))
            return _download(headers, rows, _title(scope.with_year(None), _("历年趋势")), download)
        table = _table(scope, dimension)
        if download:
            headers, rows = presentation.download_table(table)
            return _download(headers, rows, _title(scope, _("按%(by)s统计") % {"by": DIMENSIONS[dimension]}), download)

        trend = _table(scope.with_year(None), "year")
        # Long breakdowns (a province's departments) are paged; the total and the downloads hold every row.
        page = page_of(request, table.rows, per_page=TABLE_ROWS)
        context = {
            "scope": scope,
            "dimension": dimension,
            "dimensions": [(key, DIMENSIONS[key]) for key in TABLE_DIMENSIONS],
            "table_label": DIMENSIONS[dimension],
            "years": years,
            "table": table,
            "sections": presentation.sections(table, rows=page.object_list),
            "page_obj": page,
            "total": table.total,
            "totals": table.total.values,
            "trend": trend,
            "trend_sections": presentation.sections(trend),
            "concentration": _concentration(scope),
            "charts": _charts(table, trend),
            "breadcrumbs": breadcrumbs(scope.region, settings.HOME_PROVINCE_CODE),
            "title": _title(scope, _("政府向社会组织购买服务统计")),
            "filters": _active_filters(scope),
            "categories": PurchaseItem.Category.choices,
            "org_types": Organization.Type.choices,
            "page_query": scope.query(by=dimension),
            "refresh": summary_in_use(timezone.localdate()),
        }
        return render(request, self.template_name, context)


def _active_filters(scope) -> list[tuple[str, str, str]]:
    """(label, value, link without it) for each filter applied besides the area and the year."""
    out = []
    if scope.department_id:
        department = Department.objects.filter(pk=scope.department_id).first()
        out.append(
            (_("购买主体"), department.name if department else "?", presentation.page_link(scope, department=""))
        )
    if scope.category:
        label = dict(PurchaseItem.Category.choices).get(scope.category, scope.category)
        out.append((_("服务类别"), str(label), presentation.page_link(scope, category="")))
    if scope.org_type:
        label = dict(Organization.Type.choices).get(scope.org_type, scope.org_type)
        out.append((_("组织类型"), str(label), presentation.page_link(scope, org_type="")))
    return out


CHART_ROWS = 15
TABLE_ROWS = 50


def _largest(rows, key: str) -> tuple[list, bool]:
    """The rows a chart draws: all of them, or the CHART_ROWS largest by `key` (True when cut)."""
    if len(rows) <= CHART_ROWS:
        return rows, False
    return sorted(rows, key=lambda row: row.values.get(key) or 0, reverse=True)[:CHART_ROWS], True


def _charts(table, trend) -> list[charts.Chart]:
    by = DIMENSIONS[table.dimension]
    rows, cut = _largest(table.rows, "contract_amount")
    graded, graded_cut = _largest(table.rows, "evaluations")
    top = _("（前 %(n)d 名）") % {"n": CHART_ROWS}
    out = [
        charts.bar_chart(
            _("按%(by)s合同金额（万元）") % {"by": by} + (top if cut else ""),
            _("合同金额（万元）"),
            [(row.label, charts.wan(row.values.get("contract_amount"))) for row in rows],
            money=True,
        ),
        charts.stacked_chart(
            _("按%(by)s绩效评价等级分布") % {"by": by} + (top if graded_cut else ""),
            [(grade, str(label)) for grade, label in _grade_choices()],
            [
                (row.label, {grade: row.values.get(f"grade_{grade}") or 0 for grade, _l in _grade_choices()})
                for row in graded
            ],
            charts.GRADE_COLOURS,
        ),
        charts.line_chart(
            _("历年预算、合同与付款金额（万元）"),
            [
                (_("项目预算"), [charts.wan(row.values.get("budget")) for row in trend.rows]),
                (_("合同金额"), [charts.wan(row.values.get("contract_amount")) for row in trend.rows]),
                (_("付款金额"), [charts.wan(row.values.get("paid")) for row in trend.rows]),
            ],
            [row.label for row in trend.rows],
        ),
    ]
    return out


def _grade_choices():
    from evaluations.models import Evaluation

    return Evaluation.Grade.choices


class AnnualReportView(View):
    """The annual report PDF of an area and a year."""

    def get(self, request):
        years = available_years()
        scope = scope_from(request.GET, request.user, default_year=default_year(years))
        if scope.year is None:
            raise Http404
        content = reports.annual_report(scope, base_url=site_url(request))
        return pdf_response(content, f"{_title(scope, _('政府向社会组织购买服务年度报告'))}.pdf")


class DataQualityView(LoginRequiredMixin, View):
    """数据质量报告: the records in the official's region that miss something, each kind a count and a list."""

    template_name = "stats/quality.html"

    def get(self, request):
        if not permissions.is_official(request.user):
            raise PermissionDenied
        region = request.user.department.region
        code = request.GET.get("region")
        if code:
            scope = scope_from(request.GET, request.user)
            if not official_covers(request.user, scope.region):
                raise Http404
            region = scope.region
        report = quality.data_quality(request.user, region)
        kind = request.GET.get("item")
        download = request.GET.get("format")
        if kind:
            item = report.item(kind)
            if item is None:
                raise Http404
            if download in DOWNLOADS:
                headers, rows = quality.item_table(item, request.user, region)
                return _download(headers, rows, f"{region.name}{item.label}", download)
        context = {"report": report, "region": region, "title": _("%(region)s数据质量报告") % {"region": region.name}}
        if kind:
            page = page_of(request, item.rows)
            context.update(
                selected=item,
                page_obj=page,
                headers=quality.headers(item.key),
                rows=[quality.row_cells(item.key, record) for record in page.object_list],
            )
        return render(request, self.template_name, context)
