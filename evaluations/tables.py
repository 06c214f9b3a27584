"""The evaluation listings as tables (django-tables2); every column comes from the selector's row."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.choices import display
from core.formatting import points
from core.links import reverse_one
from evaluations.models import Evaluation

GRADE_BADGES = {
    Evaluation.Grade.EXCELLENT: "text-bg-success",
    Evaluation.Grade.GOOD: "text-bg-primary",
    Evaluation.Grade.FAIR: "text-bg-warning",
    Evaluation.Grade.POOR: "text-bg-danger",
}
STATUS_BADGES = {
    Evaluation.Status.DRAFT: "text-bg-secondary",
    Evaluation.Status.SCORING: "text-bg-info",
    Evaluation.Status.FINALIZED: "text-bg-success",
}


def grade_badge(evaluation: Evaluation) -> str:
    if not evaluation.grade:
        return "—"
    return format_html(
        '<span class="badge {}" data-grade="{}">{}</span>',
        GRADE_BADGES.get(evaluation.grade, "text-bg-secondary"),
        evaluation.grade,
        display(evaluation, "grade"),
    )


def evaluation_url(evaluation: Evaluation) -> str:
    return reverse("evaluations:evaluation-detail", args=[evaluation.pk])


class EvaluationTable(tables.Table):
    """绩效评价结果 (finalized evaluations)."""

    contract = tables.Column(
        verbose_name=_("合同"),
        accessor="contract__number",
        linkify=lambda record: evaluation_url(record),
        order_by=("contract__number", "pk"),
        attrs={"td": {"class": "text-nowrap"}},
    )
    title = tables.Column(verbose_name=_("合同名称"), accessor="contract__title", order_by=("contract__title", "pk"))
    organization = tables.Column(
        verbose_name=_("承接主体"),
        accessor="contract__organization__name",
        linkify=lambda record: reverse_one("registry:organization-detail", record.contract.organization.uscc),
        order_by=("contract__organization__name", "pk"),
    )
    department = tables.Column(
        verbose_name=_("购买主体"), accessor="contract__department__name", order_by=("contract__department__name", "pk")
    )
    region = tables.Column(
        verbose_name=_("所属区划"),
        accessor="contract__department__region__name",
        order_by=("contract__department__region__code", "pk"),
    )
    kind = tables.Column(order_by=("kind", "pk"))
    year = tables.Column(order_by=("year", "pk"))
    score = tables.Column(attrs={"td": {"class": "text-end"}}, order_by=("score", "pk"))
    grade = tables.Column(order_by=("score", "pk"))
    finalized_at = tables.DateColumn(verbose_name=_("定稿日期"), format="Y-m-d", order_by=("finalized_at", "pk"))

    class Meta:
        model = Evaluation
        fields = ("kind", "year", "score", "grade", "finalized_at")
        sequence = (
            "contract",
            "title",
            "organization",
            "department",
            "region",
            "kind",
            "year",
            "score",
            "grade",
            "finalized_at",
        )
        template_name = "includes/table.html"
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "evaluation-table"}
        row_attrs = {"data-evaluation": lambda record: record.pk}
        empty_text = _("没有符合条件的绩效评价结果。")

    def render_score(self, value):
        return points(value)

    def render_grade(self, record):
        badge = grade_badge(record)
        if getattr(record, "has_warning", False):
            return format_html('{} <span class="badge text-bg-dark">{}</span>', badge, gettext("绩效预警"))
        return badge


class EvaluationManageTable(EvaluationTable):
    """绩效评价管理: every evaluation the official runs, with its status and where the evaluators stand."""

    status = tables.Column(order_by=("status", "pk"))
    progress = tables.Column(verbose_name=_("专家"), accessor="submitted_count", orderable=False, empty_values=())
    due_on = tables.DateColumn(format="Y-m-d", order_by=("due_on", "pk"))

    class Meta(EvaluationTable.Meta):
        fields = ("kind", "year", "status", "due_on", "score", "grade")
        sequence = (
            "contract",
            "title",
            "organization",
            "kind",
            "year",
            "status",
            "progress",
            "due_on",
            "score",
            "grade",
        )
        exclude = ("department", "region", "finalized_at")
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "evaluation-manage-table"}
        empty_text = _("没有符合条件的绩效评价。")

    def render_status(self, record):
        return format_html(
            '<span class="badge {}">{}</span>',
            STATUS_BADGES.get(record.status, "text-bg-secondary"),
            display(record, "status"),
        )

    def render_progress(self, record):
        return format_html(
            '<span class="small text-nowrap" title="{}">{} / {} / {}</span>',
            gettext("待确认 / 已接受 / 已提交"),
            record.invited_count,
            record.accepted_count,
            record.submitted_count,
        )

    def render_score(self, value):
        return points(value) if value is not None else "—"
