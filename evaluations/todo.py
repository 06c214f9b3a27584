"""The evaluations' kinds of to-do items (see notifications/todo.py): what purchasers have to do to run evaluations
and decide on a 差, and what evaluators have to answer and score.

Purchasers' items are their own department's contracts (`contracts.selectors.managed_by`, a subset of what
`can_create_evaluation` lets them open); evaluators' their own assignments.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract
from contracts.selectors import managed_by
from evaluations.models import Assignment, Evaluation, PerformanceWarning
from evaluations.selectors import invitations_for_evaluator
from notifications import todo


def _scoped(queryset, user, department_field: str):
    visible = managed_by(user, department_field)
    return queryset if visible is None else queryset.filter(visible)


def _evaluation_title(evaluation: Evaluation) -> str:
    return f"{evaluation.contract.number} {evaluation.get_kind_display()}（{evaluation.year}）"


# --- purchasers ------------------------------------------------------------------------------------------------------


@todo.kind("evaluations.unevaluated", _("已完成尚未评价的合同"), role=todo.PURCHASER, order=50)
def completed_unevaluated(user, today: datetime.date) -> todo.Source:
    rows = (
        Contract.objects.filter(status=Contract.Status.COMPLETED)
        .exclude(Exists(Evaluation.objects.filter(contract=OuterRef("pk"))))
        .select_related("organization")
    )
    return todo.Source(
        rows=_scoped(rows, user, "department"),
        order_by=("-completed_on", "pk"),
        item=lambda contract: todo.Item(
            title=f"{contract.number} {contract.title}",
            detail=contract.organization.name,
            url=reverse("evaluations:evaluation-create") + f"?contract={contract.number}",
        ),
    )


@todo.kind("evaluations.finalize", _("可以定稿的绩效评价"), role=todo.PURCHASER, order=60)
def ready_to_finalize(user, today: datetime.date) -> todo.Source:
    submitted = (
        Assignment.objects.filter(evaluation=OuterRef("pk"), status=Assignment.Status.SUBMITTED)
        .order_by()
        .values("evaluation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    pending = Assignment.objects.filter(
        evaluation=OuterRef("pk"), status__in=(Assignment.Status.INVITED, Assignment.Status.ACCEPTED)
    )
    rows = (
        Evaluation.objects.filter(status=Evaluation.Status.SCORING)
        .exclude(Exists(pending))
        .alias(submitted=Coalesce(Subquery(submitted, output_field=IntegerField()), 0))
        .filter(submitted__gte=F("min_evaluators"))
        .select_related("contract")
    )
    return todo.Source(
        rows=_scoped(rows, user, "contract__department"),
        order_by=("due_on", "pk"),
        overdue=Q(due_on__lt=today),
        item=lambda evaluation: todo.Item(
            title=_evaluation_title(evaluation),
            detail=evaluation.contract.title,
            url=reverse("evaluations:evaluation-finalize", args=[evaluation.pk]),
            deadline=evaluation.due_on,
        ),
    )


@todo.kind("evaluations.payment_decisions", _("评价为差待作出付款处理决定"), role=todo.PURCHASER, order=70)
def payment_decisions(user, today: datetime.date) -> todo.Source:
    rows = PerformanceWarning.objects.filter(decided_at__isnull=True).select_related(
        "evaluation__contract", "organization"
    )
    return todo.Source(
        rows=_scoped(rows, user, "evaluation__contract__department"),
        order_by=("recorded_on", "pk"),
        item=lambda warning: todo.Item(
            title=_evaluation_title(warning.evaluation),
            detail=warning.organization.name,
            url=reverse("evaluations:payment-decision", args=[warning.evaluation_id]),
        ),
    )


# --- evaluators ------------------------------------------------------------------------------------------------------


@todo.kind("evaluations.invitations", _("待答复的评价邀请"), role=todo.EVALUATOR, order=10)
def invitations(user, today: datetime.date) -> todo.Source:
    return todo.Source(
        rows=invitations_for_evaluator(user),
        order_by=("evaluation__due_on", "pk"),
        overdue=Q(evaluation__due_on__lt=today),
        item=lambda assignment: todo.Item(
            title=_evaluation_title(assignment.evaluation),
            detail=assignment.evaluation.contract.title,
            url=reverse("evaluations:task-detail", args=[assignment.pk]),
            deadline=assignment.evaluation.due_on,
        ),
    )


@todo.kind("evaluations.scoring", _("已接受待评分的评价任务"), role=todo.EVALUATOR, order=20)
def assignments_to_score(user, today: datetime.date) -> todo.Source:
    rows = Assignment.objects.filter(
        evaluator=user, status=Assignment.Status.ACCEPTED, evaluation__status=Evaluation.Status.SCORING
    ).select_related("evaluation__contract")
    return todo.Source(
        rows=rows,
        order_by=("evaluation__due_on", "pk"),
        overdue=Q(evaluation__due_on__lt=today),
        item=lambda assignment: todo.Item(
            title=_evaluation_title(assignment.evaluation),
            detail=assignment.evaluation.contract.title,
            url=reverse("evaluations:task-score", args=[assignment.pk]),
            deadline=assignment.evaluation.due_on,
        ),
    )
