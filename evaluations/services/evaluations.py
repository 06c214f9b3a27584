"""An evaluation's life as the officials run it: create, change, delete a draft, start scoring, finalize (the results
and, for a 差, the performance warning), and the decision on the payments a 差 holds."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.formatting import points
from core.services import apply_fields, lock, now, refusal, refuse, render_message, require, save, today
from evaluations import notices, permissions, scoring
from evaluations.models import (
    Assignment,
    Evaluation,
    IndicatorResult,
    IndicatorSet,
    PerformanceWarning,
    Score,
    default_min_evaluators,
)
from evaluations.selectors import finalization_problems, indicator_tree, leaf_specs
from evaluations.services.common import clean_text, open_evaluation_for
from evaluations.services.indicator_sets import freeze, require_usable_set, require_valid_tree

EVALUATION_FIELDS = (
    "kind",
    "indicator_set",
    "period_start_on",
    "period_end_on",
    "due_on",
    "aggregation",
    "min_evaluators",
    "year",
    "description",
)
EVALUATION_SCORING_FIELDS = ("due_on", "description")
TOTAL_PLACES = Decimal("0.0001")


def _check_dates(evaluation: Evaluation) -> None:
    if (
        evaluation.due_on is not None
        and evaluation.period_start_on is not None
        and evaluation.due_on < evaluation.period_start_on
    ):
        refuse("due_on", _("评分截止日期不能早于评价期间的开始日期。"), code="due_before_period")


@transaction.atomic
def evaluation_create(
    *,
    actor,
    contract,
    kind: str,
    indicator_set: IndicatorSet,
    period_start_on: datetime.date,
    period_end_on: datetime.date,
    due_on: datetime.date,
    aggregation: str = Evaluation.Aggregation.MEAN,
    min_evaluators: int | None = None,
    year: int | None = None,
    description: str = "",
) -> Evaluation:
    """A draft evaluation of a signed (or later) contract; the indicator set is frozen from now on."""
    require(permissions.can_create_evaluation(actor, contract), _("您无权对该合同开展绩效评价。"))
    error = permissions.contract_evaluation_refusal(contract)
    if error is not None:
        raise error
    require_usable_set(indicator_set)
    evaluation = Evaluation(
        contract=contract,
        kind=kind,
        indicator_set=indicator_set,
        period_start_on=period_start_on,
        period_end_on=period_end_on,
        due_on=due_on,
        aggregation=aggregation,
        min_evaluators=default_min_evaluators() if min_evaluators is None else min_evaluators,
        year=year if year is not None else (period_end_on.year if period_end_on else None),
        description=clean_text(description),
        created_by=actor,
    )
    _check_dates(evaluation)
    save(evaluation, actor=actor)
    freeze(indicator_set, actor)
    return evaluation


@transaction.atomic
def evaluation_update(*, actor, evaluation: Evaluation, **fields) -> Evaluation:
    """Drafts: any field but the contract. Scoring: the due date and the description only. Finalized: nothing."""
    open_evaluation_for(actor, evaluation, "edit")
    allowed = EVALUATION_FIELDS if evaluation.is_draft else EVALUATION_SCORING_FIELDS
    if set(fields) - set(allowed) and not evaluation.is_draft:
        refuse(None, _("评分已经开始，只能修改评分截止日期和评价说明。"), code="scoring_started")
    if "description" in fields:
        fields["description"] = clean_text(fields["description"])
    new_set = fields.get("indicator_set")
    if new_set is not None and new_set.pk != evaluation.indicator_set_id:
        require_usable_set(new_set)
    apply_fields(evaluation, fields, allowed, "evaluation_update")
    _check_dates(evaluation)
    save(evaluation, actor=actor)
    if new_set is not None:
        freeze(new_set, actor)
    return evaluation


@transaction.atomic
def evaluation_delete(*, actor, evaluation: Evaluation) -> None:
    """Delete a draft evaluation with its invitations (the indicator set stays frozen)."""
    open_evaluation_for(actor, evaluation, "delete")
    for assignment in evaluation.assignments.all():
        assignment._history_user = actor
        assignment.delete()
    evaluation._history_user = actor
    evaluation.delete()


@transaction.atomic
def evaluation_start_scoring(*, actor, evaluation: Evaluation) -> Evaluation:
    """draft → scoring, once at least the minimum number of evaluators are invited (or have accepted)."""
    open_evaluation_for(actor, evaluation, "start_scoring")
    live = evaluation.assignments.filter(status__in=Assignment.LIVE_STATUSES).count()
    if live < evaluation.min_evaluators:
        refuse(
            None,
            _("已指派的专家为 %(count)d 人，少于最少人数 %(min)d 人，请先邀请专家。"),
            code="too_few_evaluators",
            count=live,
            min=evaluation.min_evaluators,
        )
    require_valid_tree(evaluation.indicator_set)
    evaluation.status = Evaluation.Status.SCORING
    evaluation.scoring_started_at = now()
    save(evaluation, actor=actor)
    return evaluation


def _record_poor_grade(evaluation: Evaluation, actor) -> None:
    """A 差 leaves a performance warning on the organization (its reason is stored text, written in the language of
    the request that finalized)."""
    contract = evaluation.contract
    reason = render_message(
        _("合同 %(number)s“%(title)s”%(kind)s综合得分 %(score)s，等级为差。"),
        {
            "number": contract.number,
            "title": contract.title,
            "kind": Evaluation.Kind(evaluation.kind).label,
            "score": points(evaluation.score),
        },
    )
    warning = PerformanceWarning(
        organization_id=contract.organization_id, evaluation=evaluation, recorded_on=today(), reason=reason
    )
    save(warning, actor=actor)


@transaction.atomic
def evaluation_finalize(*, actor, evaluation: Evaluation) -> Evaluation:
    """scoring → finalized: every live assignment submitted (others withdrawn with a reason) and at least
    min_evaluators submitted. Stores every evaluator's total, every indicator's mean, the score and the grade; a 差
    records a performance warning on the organization. The number of queries does not depend on the number of
    evaluators or indicators."""
    open_evaluation_for(actor, evaluation, "finalize")
    assignments = list(
        Assignment.objects.select_for_update(of=("self",))
        .filter(evaluation_id=evaluation.pk)
        .select_related("evaluator")
        .order_by("pk")
    )
    problems = finalization_problems(evaluation, assignments)
    if problems:
        raise ValidationError(problems)
    submitted = sorted(
        (assignment for assignment in assignments if assignment.status == Assignment.Status.SUBMITTED),
        key=lambda assignment: (assignment.invited_at, assignment.pk),
    )
    tree = indicator_tree(evaluation.indicator_set)
    leaves = leaf_specs(tree)
    sheets: dict[int, dict[int, Decimal]] = {assignment.pk: {} for assignment in submitted}
    for assignment_id, indicator_id, value in Score.objects.filter(assignment__in=submitted).values_list(
        "assignment_id", "indicator_id", "score"
    ):
        sheets[assignment_id][indicator_id] = value
    incomplete = []
    for assignment in submitted:
        missing = sum(1 for leaf in leaves if leaf.id not in sheets[assignment.pk])
        if missing:
            incomplete.append(
                refusal(
                    _("专家“%(user)s”的评分缺少 %(count)d 项。"),
                    code="scores_missing",
                    user=str(assignment.evaluator),
                    count=missing,
                )
            )
    if incomplete:
        raise ValidationError(incomplete)
    outcome = scoring.compute(leaves, sheets, evaluation.aggregation)

    for assignment in submitted:
        assignment.total_score = outcome.totals[assignment.pk].quantize(TOTAL_PLACES)
        assignment.counted = assignment.pk in outcome.counted
    bulk_update_with_history(
        submitted,
        Assignment,
        ["total_score", "counted"],
        default_user=actor,
        default_change_reason=str(_("评价定稿")),
    )

    points_by_id = {indicator_id: value for indicator_id, value in outcome.leaf_mean_points.items()}
    for indicator in reversed(tree):  # children before parents
        if not indicator.is_leaf:
            points_by_id[indicator.pk] = sum((points_by_id[child.pk] for child in indicator.child_list), Decimal(0))
    results = [
        IndicatorResult(
            evaluation=evaluation,
            indicator=indicator,
            mean_score=outcome.leaf_mean_scores[indicator.pk].quantize(TOTAL_PLACES) if indicator.is_leaf else None,
            mean_points=points_by_id[indicator.pk].quantize(TOTAL_PLACES),
        )
        for indicator in tree
    ]
    bulk_create_with_history(results, IndicatorResult, default_user=actor)

    evaluation.score = outcome.score
    evaluation.grade = outcome.grade
    evaluation.evaluator_count = len(submitted)
    evaluation.trimmed = outcome.trimmed
    evaluation.status = Evaluation.Status.FINALIZED
    evaluation.finalized_at = now()
    evaluation.finalized_by = actor
    save(evaluation, actor=actor)

    if outcome.grade == scoring.POOR:
        _record_poor_grade(evaluation, actor)
    notices.finalized(evaluation, actor=actor)
    return evaluation


@transaction.atomic
def evaluation_record_payment_decision(
    *, actor, evaluation: Evaluation, decision: str, decided_on: datetime.date | None = None
) -> PerformanceWarning:
    """A purchaser's decision on the payments a 差 holds (e.g. pay after rectification, deduct, terminate); once
    recorded, the contract's payments may proceed. Recorded once."""
    require(permissions.can_record_payment_decision(actor, evaluation), _("您无权对该合同的绩效预警作出处理决定。"))
    warning = PerformanceWarning.objects.filter(evaluation=evaluation).first()
    if warning is None:
        refuse(None, _("该评价没有需要处理的绩效预警。"), code="no_warning")
    lock(warning)
    if not warning.is_open:
        refuse(None, _("已于 %(day)s 作出处理决定，不能重复记录。"), code="already_decided", day=warning.decided_on)
    decision = clean_text(decision)
    if not decision:
        refuse("decision", _("请填写处理决定。"), code="required")
    decided_on = decided_on or today()
    if decided_on > today():
        refuse("decided_on", _("决定日期不能晚于今天。"), code="date_in_future")
    if decided_on < warning.recorded_on:
        refuse(
            "decided_on",
            _("决定日期不能早于预警记录日期 %(day)s。"),
            code="date_before_warning",
            day=warning.recorded_on,
        )
    warning.decision = decision
    warning.decided_on = decided_on
    warning.decided_by = actor
    warning.decided_at = now()
    save(warning, actor=actor)
    return warning
