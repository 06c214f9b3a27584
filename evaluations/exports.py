"""Excel (xlsx) exports of evaluation results (pure functions returning bytes), written with core.spreadsheets.

Text cells are always written as text, so a name beginning with "=" never becomes a formula in the reader's
spreadsheet program. Scores are written as numbers with two decimals shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.formatting import points
from core.spreadsheets import workbook_bytes, write_pairs, write_table
from evaluations.models import Evaluation
from evaluations.selectors import evaluation_results

SCORE_FORMAT = "0.00"


def _period(evaluation: Evaluation) -> str:
    return f"{evaluation.period_start_on.isoformat()} 至 {evaluation.period_end_on.isoformat()}"


def _finalized_on(evaluation: Evaluation) -> str:
    return timezone.localdate(evaluation.finalized_at).isoformat() if evaluation.finalized_at else ""


def _quantized(value: Decimal | None) -> Decimal | None:
    return None if value is None else Decimal(points(value))


def evaluation_results_xlsx(evaluation: Evaluation, *, user=None, show_names: bool | None = None) -> bytes:
    """The results of one finalized evaluation: a summary sheet, the indicators with their means and the evaluators'
    totals (named or anonymised as selectors.evaluation_results decides)."""
    results = evaluation_results(evaluation, user=user, show_names=show_names)
    contract = evaluation.contract
    workbook = Workbook()
    summary = workbook.active
    summary.title = _("评价结果")
    aggregation = evaluation.get_aggregation_display()
    if evaluation.trimmed:
        aggregation = f"{aggregation}（{_('已去掉一个最高分和一个最低分')}）"
    write_pairs(
        summary,
        [
            (_("合同编号"), contract.number),
            (_("合同名称"), contract.title),
            (_("购买主体"), contract.department.name),
            (_("承接主体"), contract.organization.name),
            (_("统一社会信用代码"), contract.organization.uscc),
            (_("评价类型"), evaluation.get_kind_display()),
            (_("评价年度"), evaluation.year),
            (_("评价期间"), _period(evaluation)),
            (_("指标体系"), evaluation.indicator_set.label),
            (_("汇总方式"), aggregation),
            (_("提交评分专家人数"), evaluation.evaluator_count),
            (_("综合得分"), evaluation.score),
            (_("评价等级"), results.grade_label),
            (_("定稿日期"), _finalized_on(evaluation)),
        ],
        number_format=SCORE_FORMAT,
    )

    indicators = workbook.create_sheet(_("指标得分"))
    by_id = {indicator.pk: indicator for indicator in results.indicators}
    write_table(
        indicators,
        [_("指标编码"), _("上级编码"), _("指标名称"), _("层级"), _("分值"), _("满分"), _("平均得分"), _("平均折算分")],
        (
            [
                indicator.code,
                by_id[indicator.parent_id].code if indicator.parent_id in by_id else "",
                indicator.name,
                indicator.level,
                indicator.weight,
                indicator.max_score if indicator.is_leaf else None,
                _quantized(indicator.result.mean_score) if indicator.result is not None else None,
                _quantized(indicator.result.mean_points) if indicator.result is not None else None,
            ]
            for indicator in results.indicators
        ),
        widths=[12, 12, 36, 8, 10, 10, 12, 12],
        number_format=SCORE_FORMAT,
    )

    evaluators = workbook.create_sheet(_("专家总分"))
    write_table(
        evaluators,
        [_("评价专家"), _("总分"), _("计入综合得分")],
        ([row.label, _quantized(row.total), row.counted] for row in results.evaluators),
        widths=[20, 12, 14],
        number_format=SCORE_FORMAT,
    )
    return workbook_bytes(workbook)


def evaluation_list_xlsx(evaluations: Iterable[Evaluation]) -> bytes:
    """A list of finalized evaluations (e.g. selectors.evaluation_list_public() filtered), one row each."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("绩效评价结果")
    write_table(
        sheet,
        [
            _("合同编号"),
            _("合同名称"),
            _("购买主体"),
            _("所属区划"),
            _("承接主体"),
            _("统一社会信用代码"),
            _("评价类型"),
            _("评价年度"),
            _("评价期间"),
            _("综合得分"),
            _("评价等级"),
            _("提交评分专家人数"),
            _("定稿日期"),
        ],
        (
            [
                evaluation.contract.number,
                evaluation.contract.title,
                evaluation.contract.department.name,
                evaluation.contract.department.region.name,
                evaluation.contract.organization.name,
                evaluation.contract.organization.uscc,
                evaluation.get_kind_display(),
                evaluation.year,
                _period(evaluation),
                evaluation.score,
                evaluation.get_grade_display() if evaluation.grade else "",
                evaluation.evaluator_count,
                _finalized_on(evaluation),
            ]
            for evaluation in evaluations
        ),
        widths=[18, 36, 24, 14, 30, 22, 10, 10, 26, 10, 8, 10, 12],
        number_format=SCORE_FORMAT,
    )
    return workbook_bytes(workbook)
