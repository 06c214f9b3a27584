"""The evaluation report (绩效评价报告) as a PDF, built with the shared toolkit core/pdf.py.

It shows the contract and the evaluation, the conclusion (aggregate score and grade, with the bands and the rounding
rule), every indicator with its weight, maximum and mean, each evaluator's total (named or anonymised), the
performance warning a 差 left, and a block for signatures and the purchaser's seal.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib.units import mm
from reportlab.platypus import KeepTogether, Table, TableStyle

from core import formatting
from core.formatting import points
from core.pdf import CONTENT_WIDTH, GRID_COLOR, Report, format_date, paragraph
from evaluations.models import Evaluation
from evaluations.permissions import publish_evaluator_names
from evaluations.selectors import evaluation_results
from verification.models import IssuedDocument
from verification.services import issue_pdf

INDENT = "\u00a0" * 4  # no-break spaces (Paragraph collapses ordinary ones) per level below the first
GAP = "\u00a0" * 8


def _signature_block(report: Report) -> Table:
    styles = report.styles
    rows = [
        [paragraph(_("评价组组长（签字）："), styles.body), paragraph(_("评价专家（签字）："), styles.body)],
        [paragraph(_("购买主体（盖章）："), styles.body), paragraph(_("承接主体（确认）："), styles.body)],
        [
            paragraph(_("日期：%(gap)s年%(gap)s月%(gap)s日") % {"gap": GAP}, styles.body),
            paragraph(_("日期：%(gap)s年%(gap)s月%(gap)s日") % {"gap": GAP}, styles.body),
        ],
    ]
    table = Table(rows, colWidths=[CONTENT_WIDTH / 2] * 2, rowHeights=[22 * mm, 22 * mm, 10 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.5, GRID_COLOR),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, GRID_COLOR),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table


def evaluation_report_pdf(
    evaluation: Evaluation, *, user=None, show_names: bool | None = None, base_url: str | None = None
) -> bytes:
    """The report of a finalized evaluation as PDF bytes (ValidationError when not finalized).

    Evaluators are named or anonymised as selectors.evaluation_results decides for `user` (or `show_names`).
    """
    evaluation = Evaluation.objects.select_related(
        "contract__department", "contract__organization", "indicator_set", "finalized_by"
    ).get(pk=evaluation.pk)
    results = evaluation_results(evaluation, user=user, show_names=show_names)
    contract = evaluation.contract
    finalized_on = timezone.localdate(evaluation.finalized_at) if evaluation.finalized_at else None
    report = Report(
        _("政府购买服务绩效评价报告"),
        subject=f"{contract.number} {evaluation.get_kind_display()}",
    )

    report.heading(_("一、评价对象"))
    aggregation = evaluation.get_aggregation_display()
    if evaluation.trimmed:
        aggregation = f"{aggregation}（{_('已去掉一个最高分和一个最低分')}）"
    report.key_values(
        [
            (_("合同编号"), contract.number),
            (_("合同名称"), contract.title),
            (_("购买主体"), contract.department.name),
            (_("承接主体"), f"{contract.organization.name}（{contract.organization.uscc}）"),
            (_("合同金额"), formatting.yuan(contract.amount)),
            (_("履行期限"), f"{format_date(contract.start_on)} 至 {format_date(contract.end_on)}"),
            (_("评价类型"), evaluation.get_kind_display()),
            (_("评价期间"), f"{format_date(evaluation.period_start_on)} 至 {format_date(evaluation.period_end_on)}"),
            (_("指标体系"), evaluation.indicator_set.label),
            (_("汇总方式"), aggregation),
            (_("提交评分专家人数"), str(evaluation.evaluator_count)),
            (_("定稿日期"), format_date(finalized_on)),
        ]
    )

    report.heading(_("二、评价结论"))
    report.key_values(
        [(_("综合得分"), _("%(score)s 分") % {"score": points(results.score)}), (_("评价等级"), results.grade_label)]
    )
    report.paragraph(
        _(
            "等级标准：优 ≥ 90 分，良 80–89.99 分，中 60–79.99 分，差 < 60 分。综合得分四舍五入保留两位小数，"
            "等级按保留两位小数后的综合得分确定。"
        ),
        small=True,
    )

    report.heading(_("三、指标得分"))
    report.table(
        [_("编码"), _("指标"), _("分值"), _("满分"), _("平均得分"), _("平均折算分")],
        (
            [
                indicator.code,
                INDENT * (indicator.level - 1) + indicator.name,
                points(indicator.weight),
                points(indicator.max_score) if indicator.is_leaf else "",
                points(indicator.result.mean_score) if indicator.result and indicator.is_leaf else "",
                points(indicator.result.mean_points) if indicator.result else "",
            ]
            for indicator in results.indicators
        ),
        col_widths=(1.2, 4.2, 1, 1, 1.2, 1.3),
    )
    report.paragraph(
        _("末级指标得分按“得分 ÷ 满分 × 分值”折算；平均值按计入综合得分的专家计算。"),
        small=True,
    )

    report.heading(_("四、专家评分"))
    report.table(
        [_("评价专家"), _("总分"), _("计入综合得分")],
        (
            [row.label, points(row.total), _("是") if row.counted else _("否（去掉的最高分或最低分）")]
            for row in results.evaluators
        ),
        col_widths=(3, 1.5, 2.5),
    )

    if results.warning is not None:
        warning = results.warning
        report.heading(_("五、绩效预警"))
        pairs = [(_("记录日期"), format_date(warning.recorded_on)), (_("事由"), warning.reason)]
        if warning.is_open:
            pairs.append((_("付款处理决定"), _("尚未作出；作出决定前暂缓支付该合同款项")))
        else:
            pairs.append((_("付款处理决定"), warning.decision))
            pairs.append((_("决定日期"), format_date(warning.decided_on)))
        report.key_values(pairs)

    report.add(
        KeepTogether([paragraph(_("签字确认"), report.styles.heading), _signature_block(report)]),
        content="signatures",
    )
    return issue_pdf(
        report,
        kind=IssuedDocument.Kind.EVALUATION_REPORT,
        subject=str(evaluation.pk),
        office=contract.department.name,
        facts=[
            (_("合同编号"), contract.number),
            (_("承接主体"), f"{contract.organization.name}（{contract.organization.uscc}）"),
            (_("评价类型"), evaluation.get_kind_display()),
            (_("评价期间"), f"{format_date(evaluation.period_start_on)} 至 {format_date(evaluation.period_end_on)}"),
            (_("综合得分"), points(evaluation.score)),
            (_("评价等级"), evaluation.get_grade_display()),
            (_("定稿日期"), format_date(finalized_on)),
        ],
        page_url=reverse("evaluations:evaluation-detail", args=[evaluation.pk]),
        # A copy naming the evaluators is public only when the names are.
        is_public=evaluation.is_public and (not results.names_shown or publish_evaluator_names()),
        base_url=base_url,
    ).content
