"""The annual report PDF of an area and a year: generated narrative sentences, then the tables behind them (by
region, service category, organization type, the top suppliers and the five-year trend).

The sentences are built from the same selectors as the statistics pages, so the report and the pages never disagree.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from core import formatting
from core.pdf import Report
from stats.scope import Scope
from stats.selectors import StatisticsTable, concentration, statistics_table, summary

TREND_YEARS = 5


def _wan(value) -> str:
    return formatting.amount(formatting.wan(value or 0))


def _n(value) -> int:
    return value or 0


def change_sentence(current: Decimal, previous: Decimal) -> str:
    """较上年增长 Y% / 下降 Y% / 持平, or that there was nothing the year before."""
    if not previous:
        return _("上年无可比数据")
    change = ((Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
    if change > 0:
        return _("较上年增长 %(change)s%%") % {"change": change}
    if change < 0:
        return _("较上年下降 %(change)s%%") % {"change": -change}
    return _("与上年持平")


def narrative(scope: Scope, values: dict, previous: dict, top_share, top_count: int) -> list[str]:
    """The report's opening sentences."""
    name, year = scope.region.name, scope.year
    sentences = [
        _("%(year)d 年%(name)s共签订政府向社会组织购买服务合同 %(contracts)d 份，金额 %(amount)s 万元，%(change)s。")
        % {
            "year": year,
            "name": name,
            "contracts": _n(values.get("contracts_signed")),
            "amount": _wan(values.get("contract_amount")),
            "change": change_sentence(values.get("contract_amount") or 0, previous.get("contract_amount") or 0),
        },
        _(
            "全年发布购买服务目录 %(lists)d 个、购买项目 %(items)d 项，预算 %(budget)s 万元，已签约金额占预算的 "
            "%(share)s。"
        )
        % {
            "lists": _n(values.get("lists_published")),
            "items": _n(values.get("items_published")),
            "budget": _wan(values.get("budget")),
            "share": formatting.percent(values.get("contracted_share")) or "—",
        },
        _(
            "全年付款 %(payments)d 笔，金额 %(paid)s 万元；到期履约事项 %(due)d 项，按期验收 %(on_time)d 项，"
            "逾期验收 %(late)d 项，逾期未验收 %(overdue)d 项。"
        )
        % {
            "payments": _n(values.get("payments")),
            "paid": _wan(values.get("paid")),
            "due": _n(values.get("deliverables_due")),
            "on_time": _n(values.get("accepted_on_time")),
            "late": _n(values.get("accepted_late")),
            "overdue": _n(values.get("overdue")),
        },
    ]
    if values.get("evaluations"):
        sentences.append(
            _(
                "已定稿绩效评价 %(count)d 项，其中优 %(excellent)d 项、良 %(good)d 项、中 %(fair)d 项、差 %(poor)d 项，"
                "平均得分 %(average)s 分。"
            )
            % {
                "count": values["evaluations"],
                "excellent": _n(values.get("grade_excellent")),
                "good": _n(values.get("grade_good")),
                "fair": _n(values.get("grade_fair")),
                "poor": _n(values.get("grade_poor")),
                "average": formatting.points(values.get("average_score")),
            }
        )
    else:
        sentences.append(_("本年度尚无已定稿的绩效评价。"))
    if values.get("contracts_signed"):
        sentences.append(
            _(
                "合同金额最高的 %(top)d 家承接主体占合同总金额的 %(share)s；"
                "%(outside)d 份合同（%(outside_amount)s 万元）由本地区以外登记的社会组织承接。"
            )
            % {
                "top": top_count,
                "share": formatting.percent(top_share) or "—",
                "outside": _n(values.get("outside_contracts")),
                "outside_amount": _wan(values.get("outside_amount")),
            }
        )
    if values.get("organizations_active") is not None:
        sentences.append(
            _(
                "截至报告生成日，本地区正常登记的社会组织 %(active)d 家，其中评估等级在有效期内的 %(rated)d 家；"
                "列入活动异常名录 %(abnormal)d 家，列入严重违法失信名单 %(serious)d 家。"
            )
            % {
                "active": values["organizations_active"],
                "rated": _n(values.get("organizations_rated")),
                "abnormal": _n(values.get("abnormal_listed")),
                "serious": _n(values.get("serious_listed")),
            }
        )
    if values.get("inspections") is not None:
        sentences.append(
            _(
                "全年完成监督检查 %(inspections)d 次，发现问题 %(problems)d 次；下达整改通知 %(orders)d 份，"
                "核验通过 %(verified)d 份，逾期 %(orders_overdue)d 份；收到投诉举报 %(complaints)d 件，"
                "经核实属实 %(upheld)d 件。"
            )
            % {
                "inspections": _n(values.get("inspections")),
                "problems": _n(values.get("problems_found")),
                "orders": _n(values.get("orders_issued")),
                "verified": _n(values.get("orders_verified")),
                "orders_overdue": _n(values.get("orders_overdue")),
                "complaints": _n(values.get("complaints")),
                "upheld": _n(values.get("complaints_upheld")),
            }
        )
    return sentences


def _rows(table: StatisticsTable, *, with_total: bool = True) -> list[list]:
    rows = [*table.rows, table.total] if with_total else list(table.rows)
    return [
        [
            row.label,
            _n(row.values.get("contracts_signed")),
            _wan(row.values.get("contract_amount")),
            _wan(row.values.get("budget")) if row.values.get("budget") is not None else "—",
            formatting.percent(row.values.get("contracted_share")) or "—",
            _wan(row.values.get("paid")),
            _n(row.values.get("evaluations")),
        ]
        for row in rows
    ]


def _header(first: str) -> list[str]:
    return [
        first,
        _("合同数"),
        _("合同金额（万元）"),
        _("预算（万元）"),
        _("签约比例"),
        _("付款（万元）"),
        _("已定稿评价"),
    ]


WIDTHS = [0.24, 0.1, 0.15, 0.15, 0.1, 0.14, 0.12]


def annual_report(scope: Scope, *, today: datetime.date | None = None) -> bytes:
    """The annual report of `scope.region` for `scope.year` as PDF bytes."""
    today = today or timezone.localdate()
    values = summary(scope, today=today)
    previous = summary(scope.with_year(scope.year - 1), today=today)
    top = concentration(scope, today=today)
    title = _("%(name)s %(year)d 年政府向社会组织购买服务年度报告") % {"name": scope.region.name, "year": scope.year}
    report = Report(title, generated_on=today, subject=_("政府向社会组织购买服务统计"))
    report.heading(_("概述"))
    for sentence in narrative(scope, values, previous, top.top_share, len(top.suppliers)):
        report.paragraph(sentence)

    by_region = statistics_table(scope, "region", today=today)
    if by_region.rows:
        report.heading(_("分地区情况"))
        report.table(_header(_("地区")), _rows(by_region), col_widths=WIDTHS)
    report.heading(_("分服务类别情况"))
    report.table(_header(_("服务类别")), _rows(statistics_table(scope, "category", today=today)), col_widths=WIDTHS)
    report.heading(_("分承接主体类型情况"))
    report.table(_header(_("组织类型")), _rows(statistics_table(scope, "org_type", today=today)), col_widths=WIDTHS)

    report.heading(_("合同金额最高的承接主体"))
    report.table(
        [_("排名"), _("承接主体"), _("合同数"), _("合同金额（万元）"), _("占比")],
        [
            [
                index,
                supplier.name + (_("（区域外）") if supplier.outside else ""),
                supplier.contracts,
                _wan(supplier.amount),
                formatting.percent(supplier.share) or "—",
            ]
            for index, supplier in enumerate(top.suppliers, start=1)
        ],
        col_widths=[0.08, 0.5, 0.12, 0.18, 0.12],
        empty=_("本年度没有签订合同。"),
    )

    trend = statistics_table(scope.with_year(None), "year", today=today)
    recent = [row for row in trend.rows if scope.year - TREND_YEARS < int(row.key) <= scope.year]
    report.heading(_("近五年趋势"))
    trend.rows = recent
    report.table(_header(_("年度")), _rows(trend, with_total=False), col_widths=WIDTHS, empty=_("没有往年数据。"))
    report.paragraph(
        _(
            "说明：合同按合同年度计入，变更过金额的合同按变更后的现行金额计入一次；草稿、未发布的目录和未定稿的评价不计入。"
        ),
        small=True,
    )
    return report.render()
