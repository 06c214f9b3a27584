"""Every write to indicator sets, the evaluator pool, evaluations, assignments and scores.

Each service is atomic, checks the actor's permission first (PermissionDenied), refuses a broken rule or a wrong
state with a ValidationError in plain Chinese, validates rows with full_clean() and leaves history through
simple-history with the actor as the history user.

A finalized evaluation is a public record and never changes: every service touching an evaluation, its assignments
or its scores re-reads the evaluation and refuses once it is finalized.

Concurrency: `evaluation_finalize` locks the evaluation row, then every assignment of it (select_for_update, in id
order), and decides on what it reads under those locks. `score_save_draft` and `assignment_submit` lock the
assignment row and only then read the evaluation's status. So a submission racing a finalization either commits
before finalize reads the assignment (and is counted) or waits for finalize to commit and then finds the evaluation
finalized (and is refused): no score is lost and no evaluation is finalized with a missing score. Invitations and
withdrawals lock the evaluation first, as finalize does.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from core.services import apply_fields, lock, now, require, save, today
from evaluations import permissions, scoring
from evaluations.models import (
    Assignment,
    Evaluation,
    EvaluatorProfile,
    Indicator,
    IndicatorResult,
    IndicatorSet,
    PerformanceWarning,
    Score,
    default_min_evaluators,
)
from evaluations.selectors import (
    affiliation_refusal,
    finalization_problems,
    indicator_tree,
    leaf_specs,
    leaves_of,
    points,
    tree_problems,
)

NO_CONFLICT_DECLARATION = gettext_lazy(
    "本人承诺：与被评价的承接主体不存在利益冲突（未在该组织任职、兼职或领取报酬，与其负责人无近亲属关系，"
    "与本合同无经济往来），将独立、客观、公正地评分，并对评价中获知的信息保密。"
)

INDICATOR_SET_FIELDS = ("name", "description")
INDICATOR_FIELDS = ("code", "name", "weight", "max_score", "guidance", "order")
PROFILE_FIELDS = ("specialties", "affiliation_organization", "affiliation", "contact_phone", "contact_email")
PROFILE_SELF_FIELDS = ("specialties", "contact_phone", "contact_email")
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


@dataclass(frozen=True)
class ScoreEntry:
    """One leaf's score as an evaluator enters it (score None clears it)."""

    score: Decimal | str | int | None
    comment: str = ""


# Helpers -------------------------------------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return (value or "").strip()


def _decimal(value: Any, field: str, label: str) -> Decimal:
    if isinstance(value, float):
        value = str(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise ValidationError({field: _("%(label)s须为数字。") % {"label": label}}) from None
    if not number.is_finite():
        raise ValidationError({field: _("%(label)s须为数字。") % {"label": label}})
    if number.as_tuple().exponent < -2:
        raise ValidationError({field: _("%(label)s最多保留两位小数。") % {"label": label}})
    return number


def _guard_mutable(evaluation: Evaluation) -> None:
    """The model-level guard: nothing of a finalized evaluation changes."""
    if evaluation.is_finalized:
        raise ValidationError(_("评价已定稿，结果已公开，不能再作任何修改。"))


def _wrong_state(what: str, status_label: str) -> ValidationError:
    return ValidationError(_("当前状态为“%(status)s”，不能%(action)s。") % {"status": status_label, "action": what})


# Indicator sets -------------------------------------------------------------------------------------------------------


def _require_set_manager(actor) -> None:
    require(permissions.can_manage_indicator_sets(actor), _("只有登记管理人员或购买主体人员可以维护指标体系。"))


def _require_draft_set(indicator_set: IndicatorSet) -> None:
    if not indicator_set.is_draft:
        raise ValidationError(
            _("指标体系“%(set)s”%(status)s，不能修改；如需调整，请创建新版本。")
            % {"set": indicator_set.label, "status": indicator_set.get_status_display()}
        )


@transaction.atomic
def indicator_set_create(*, actor, name: str, description: str = "") -> IndicatorSet:
    """A new draft set (version 1)."""
    _require_set_manager(actor)
    name = _text(name)
    if name and IndicatorSet.objects.filter(name=name).exists():
        raise ValidationError({"name": _("已有名为“%(name)s”的指标体系，请在其基础上创建新版本。") % {"name": name}})
    indicator_set = IndicatorSet(name=name, version=1, description=_text(description), created_by=actor)
    save(indicator_set, actor=actor)
    return indicator_set


@transaction.atomic
def indicator_set_update(*, actor, indicator_set: IndicatorSet, **fields) -> IndicatorSet:
    """Change a draft's description, or the name of a first version."""
    _require_set_manager(actor)
    lock(indicator_set)
    _require_draft_set(indicator_set)
    if "name" in fields:
        name = _text(fields["name"])
        if name != indicator_set.name:
            if indicator_set.version != 1:
                raise ValidationError({"name": _("新版本沿用原指标体系的名称，不能改名。")})
            if IndicatorSet.objects.filter(name=name).exclude(pk=indicator_set.pk).exists():
                raise ValidationError({"name": _("已有名为“%(name)s”的指标体系。") % {"name": name}})
        fields["name"] = name
    apply_fields(indicator_set, fields, INDICATOR_SET_FIELDS, "indicator_set_update")
    save(indicator_set, actor=actor)
    return indicator_set


@transaction.atomic
def indicator_set_delete(*, actor, indicator_set: IndicatorSet) -> None:
    _require_set_manager(actor)
    lock(indicator_set)
    _require_draft_set(indicator_set)
    indicator_set._history_user = actor
    indicator_set.delete()


def _next_order(indicator_set: IndicatorSet, parent: Indicator | None) -> int:
    last = Indicator.objects.filter(indicator_set=indicator_set, parent=parent).aggregate(last=Max("order"))["last"]
    return 0 if last is None else last + 1


@transaction.atomic
def indicator_add(
    *,
    actor,
    indicator_set: IndicatorSet,
    code: str,
    name: str,
    weight: Decimal,
    parent: Indicator | None = None,
    max_score: Decimal | None = None,
    guidance: str = "",
    order: int | None = None,
) -> Indicator:
    """Add an indicator to a draft set; its level follows from the parent (at most three levels). The maximum score
    defaults to the weight (the leaf is then scored directly in points)."""
    _require_set_manager(actor)
    lock(indicator_set)
    _require_draft_set(indicator_set)
    if parent is not None:
        if parent.indicator_set_id != indicator_set.pk:
            raise ValidationError({"parent": _("上级指标不属于该指标体系。")})
        if parent.level >= Indicator.MAX_LEVEL:
            raise ValidationError({"parent": _("指标最多三级，第三级指标下不能再设下级指标。")})
    weight = _decimal(weight, "weight", _("分值"))
    max_score = weight if max_score in (None, "") else _decimal(max_score, "max_score", _("满分"))
    indicator = Indicator(
        indicator_set=indicator_set,
        parent=parent,
        level=parent.level + 1 if parent is not None else 1,
        code=_text(code),
        name=_text(name),
        weight=weight,
        max_score=max_score,
        guidance=_text(guidance),
        order=_next_order(indicator_set, parent) if order is None else order,
    )
    save(indicator, actor=actor)
    return indicator


@transaction.atomic
def indicator_update(*, actor, indicator: Indicator, **fields) -> Indicator:
    _require_set_manager(actor)
    lock(indicator.indicator_set)
    _require_draft_set(indicator.indicator_set)
    for name, label in (("weight", _("分值")), ("max_score", _("满分"))):
        if name in fields:
            fields[name] = _decimal(fields[name], name, label)
    for name in ("code", "name", "guidance"):
        if name in fields:
            fields[name] = _text(fields[name])
    apply_fields(indicator, fields, INDICATOR_FIELDS, "indicator_update")
    save(indicator, actor=actor)
    return indicator


@transaction.atomic
def indicator_remove(*, actor, indicator: Indicator) -> None:
    """Remove an indicator of a draft set with everything below it."""
    _require_set_manager(actor)
    lock(indicator.indicator_set)
    _require_draft_set(indicator.indicator_set)
    indicator._history_user = actor
    indicator.delete()


def _require_valid_tree(indicator_set: IndicatorSet) -> None:
    problems = tree_problems(indicator_tree(indicator_set))
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def indicator_set_activate(*, actor, indicator_set: IndicatorSet) -> IndicatorSet:
    """draft → active, once the leaves' weights sum to 100 and every parent's weight equals its children's."""
    _require_set_manager(actor)
    lock(indicator_set)
    if not indicator_set.is_draft:
        raise _wrong_state(_("启用"), indicator_set.get_status_display())
    _require_valid_tree(indicator_set)
    indicator_set.status = IndicatorSet.Status.ACTIVE
    indicator_set.activated_at = now()
    save(indicator_set, actor=actor)
    return indicator_set


@transaction.atomic
def indicator_set_reopen(*, actor, indicator_set: IndicatorSet) -> IndicatorSet:
    """active → draft, as long as no evaluation uses the set."""
    _require_set_manager(actor)
    lock(indicator_set)
    if indicator_set.status != IndicatorSet.Status.ACTIVE:
        raise _wrong_state(_("退回草稿"), indicator_set.get_status_display())
    if indicator_set.evaluations.exists():
        raise ValidationError(_("该指标体系已被绩效评价使用，不能修改；请创建新版本。"))
    indicator_set.status = IndicatorSet.Status.DRAFT
    indicator_set.activated_at = None
    save(indicator_set, actor=actor)
    return indicator_set


def copy_indicator_tree(source: IndicatorSet, target: IndicatorSet, actor) -> list[Indicator]:
    """Copy every indicator of `source` into `target` (parents before children), with history."""
    copies: dict[int, Indicator] = {}
    created = []
    for indicator in indicator_tree(source):
        copy = Indicator(
            indicator_set=target,
            parent=copies.get(indicator.parent_id),
            level=indicator.level,
            code=indicator.code,
            name=indicator.name,
            weight=indicator.weight,
            max_score=indicator.max_score,
            guidance=indicator.guidance,
            order=indicator.order,
        )
        save(copy, actor=actor)
        copies[indicator.pk] = copy
        created.append(copy)
    return created


@transaction.atomic
def indicator_set_new_version(*, actor, indicator_set: IndicatorSet) -> IndicatorSet:
    """A new draft with the same name, the next version number and a copy of the tree, for editing a set that is
    active or frozen. One draft per name at a time."""
    _require_set_manager(actor)
    lock(indicator_set)
    if indicator_set.is_draft:
        raise ValidationError(_("草稿可以直接修改，无需创建新版本。"))
    draft = IndicatorSet.objects.filter(name=indicator_set.name, status=IndicatorSet.Status.DRAFT).first()
    if draft is not None:
        raise ValidationError(_("“%(set)s”已有尚未启用的草稿版本，请直接修改该草稿。") % {"set": draft.label})
    latest = IndicatorSet.objects.filter(name=indicator_set.name).aggregate(latest=Max("version"))["latest"]
    new_version = IndicatorSet(
        name=indicator_set.name,
        version=latest + 1,
        description=indicator_set.description,
        previous_version=indicator_set,
        created_by=actor,
    )
    save(new_version, actor=actor)
    copy_indicator_tree(indicator_set, new_version, actor)
    return new_version


def _freeze(indicator_set: IndicatorSet, actor) -> None:
    """An evaluation uses the set: it never changes again (active → frozen)."""
    if indicator_set.status == IndicatorSet.Status.ACTIVE:
        indicator_set.status = IndicatorSet.Status.FROZEN
        save(indicator_set, actor=actor, reason=_("被绩效评价使用"))


def _require_usable_set(indicator_set: IndicatorSet) -> None:
    lock(indicator_set)
    if not indicator_set.is_usable:
        raise ValidationError(
            {"indicator_set": _("指标体系“%(set)s”尚未启用，不能用于评价。") % {"set": indicator_set.label}}
        )
    problems = tree_problems(indicator_tree(indicator_set))
    if problems:
        raise ValidationError({"indicator_set": problems})


# Evaluator pool -------------------------------------------------------------------------------------------------------


@transaction.atomic
def evaluator_profile_create(
    *,
    actor,
    user,
    specialties: str = "",
    affiliation_organization=None,
    affiliation: str = "",
    contact_phone: str = "",
    contact_email: str = "",
) -> EvaluatorProfile:
    """Enter a user holding the evaluator role into the pool."""
    require(permissions.can_manage_evaluator_pool(actor), _("只有登记管理人员或购买主体人员可以维护评价专家库。"))
    if not user.is_evaluator:
        raise ValidationError({"user": _("用户“%(user)s”没有评价专家角色。") % {"user": user}})
    if EvaluatorProfile.objects.filter(user=user).exists():
        raise ValidationError({"user": _("用户“%(user)s”已在评价专家库中。") % {"user": user}})
    profile = EvaluatorProfile(
        user=user,
        specialties=_text(specialties),
        affiliation_organization=affiliation_organization,
        affiliation=_text(affiliation),
        contact_phone=_text(contact_phone),
        contact_email=_text(contact_email),
    )
    save(profile, actor=actor)
    return profile


@transaction.atomic
def evaluator_profile_update(*, actor, profile: EvaluatorProfile, **fields) -> EvaluatorProfile:
    """Pool keepers change every field; the evaluator their own specialties and contact data."""
    require(permissions.can_edit_evaluator_profile(actor, profile), _("您无权修改该专家的信息。"))
    if not permissions.can_manage_evaluator_pool(actor):
        forbidden = set(fields) - set(PROFILE_SELF_FIELDS)
        require(not forbidden, _("专家本人只能修改专业领域和联系方式。"))
    for name in ("specialties", "affiliation", "contact_phone", "contact_email"):
        if name in fields:
            fields[name] = _text(fields[name])
    apply_fields(profile, fields, PROFILE_FIELDS, "evaluator_profile_update")
    save(profile, actor=actor)
    return profile


@transaction.atomic
def evaluator_profile_set_active(*, actor, profile: EvaluatorProfile, is_active: bool) -> EvaluatorProfile:
    """Take an evaluator out of the pool (no new invitations) or back in; running assignments are unaffected."""
    require(permissions.can_manage_evaluator_pool(actor), _("只有登记管理人员或购买主体人员可以维护评价专家库。"))
    profile.is_active = bool(is_active)
    save(profile, actor=actor)
    return profile


# Evaluations ----------------------------------------------------------------------------------------------------------


def _require_manager(actor, evaluation: Evaluation) -> None:
    require(permissions.can_manage_evaluation(actor, evaluation), _("您无权管理该合同的绩效评价。"))


def _check_dates(evaluation: Evaluation) -> None:
    if (
        evaluation.due_on is not None
        and evaluation.period_start_on is not None
        and evaluation.due_on < evaluation.period_start_on
    ):
        raise ValidationError({"due_on": _("评分截止日期不能早于评价期间的开始日期。")})


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
    if contract.is_draft:
        raise ValidationError(_("合同尚未签订，不能开展绩效评价。"))
    _require_usable_set(indicator_set)
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
        description=_text(description),
        created_by=actor,
    )
    _check_dates(evaluation)
    save(evaluation, actor=actor)
    _freeze(indicator_set, actor)
    return evaluation


@transaction.atomic
def evaluation_update(*, actor, evaluation: Evaluation, **fields) -> Evaluation:
    """Drafts: any field but the contract. Scoring: the due date and the description only. Finalized: nothing."""
    _require_manager(actor, evaluation)
    lock(evaluation)
    _guard_mutable(evaluation)
    allowed = EVALUATION_FIELDS if evaluation.is_draft else EVALUATION_SCORING_FIELDS
    if not evaluation.is_draft and set(fields) - set(EVALUATION_SCORING_FIELDS):
        raise ValidationError(_("评分已经开始，只能修改评分截止日期和评价说明。"))
    if "description" in fields:
        fields["description"] = _text(fields["description"])
    new_set = fields.get("indicator_set")
    if new_set is not None and new_set.pk != evaluation.indicator_set_id:
        _require_usable_set(new_set)
    apply_fields(evaluation, fields, allowed, "evaluation_update")
    _check_dates(evaluation)
    save(evaluation, actor=actor)
    if new_set is not None:
        _freeze(new_set, actor)
    return evaluation


@transaction.atomic
def evaluation_delete(*, actor, evaluation: Evaluation) -> None:
    """Delete a draft evaluation with its invitations (the indicator set stays frozen)."""
    _require_manager(actor, evaluation)
    lock(evaluation)
    _guard_mutable(evaluation)
    if not evaluation.is_draft:
        raise _wrong_state(_("删除"), evaluation.get_status_display())
    for assignment in evaluation.assignments.all():
        assignment._history_user = actor
        assignment.delete()
    evaluation._history_user = actor
    evaluation.delete()


@transaction.atomic
def assignment_invite(*, actor, evaluation: Evaluation, evaluator) -> Assignment:
    """Invite an evaluator from the pool to a draft or scoring evaluation."""
    _require_manager(actor, evaluation)
    lock(evaluation)
    _guard_mutable(evaluation)
    profile = EvaluatorProfile.objects.filter(user=evaluator).first()
    if not (evaluator.is_active and evaluator.is_evaluator) or profile is None or not profile.is_active:
        raise ValidationError({"evaluator": _("“%(user)s”不在评价专家库中或已停用。") % {"user": evaluator}})
    refusal = affiliation_refusal(evaluator, evaluation)
    if refusal:
        raise ValidationError({"evaluator": refusal})
    previous = Assignment.objects.filter(evaluation=evaluation, evaluator=evaluator)
    if previous.filter(status=Assignment.Status.CONFLICT).exists():
        raise ValidationError(
            {"evaluator": _("专家“%(user)s”已就本次评价声明利益冲突，不能再次指派。") % {"user": evaluator}}
        )
    if previous.filter(status__in=Assignment.LIVE_STATUSES).exists():
        raise ValidationError({"evaluator": _("专家“%(user)s”已被指派参加本次评价。") % {"user": evaluator}})
    assignment = Assignment(evaluation=evaluation, evaluator=evaluator, invited_at=now(), invited_by=actor)
    save(assignment, actor=actor)
    return assignment


def _lock_assignment_and_evaluation(assignment: Assignment) -> Evaluation:
    """Lock the assignment row, then read its evaluation as committed now (used by the evaluator's services)."""
    lock(assignment)
    evaluation = Evaluation.objects.get(pk=assignment.evaluation_id)
    assignment.evaluation = evaluation
    return evaluation


def _lock_evaluation_then_assignment(assignment: Assignment) -> Evaluation:
    """The officials' order, the same as finalize's: the evaluation first, then the assignment."""
    evaluation = Evaluation.objects.get(pk=assignment.evaluation_id)
    lock(evaluation)
    lock(assignment)
    assignment.evaluation = evaluation
    return evaluation


@transaction.atomic
def assignment_withdraw(*, actor, assignment: Assignment, reason: str) -> Assignment:
    """An official ends an invited, accepted or submitted assignment, with the reason on record."""
    _require_manager(actor, assignment.evaluation)
    evaluation = _lock_evaluation_then_assignment(assignment)
    _guard_mutable(evaluation)
    if not assignment.is_live:
        raise _wrong_state(_("撤回"), assignment.get_status_display())
    reason = _text(reason)
    if not reason:
        raise ValidationError({"reason": _("撤回专家指派须说明理由。")})
    assignment.status = Assignment.Status.WITHDRAWN
    assignment.withdrawn_at = now()
    assignment.withdrawn_by = actor
    assignment.withdrawn_reason = reason
    save(assignment, actor=actor)
    return assignment


@transaction.atomic
def evaluation_start_scoring(*, actor, evaluation: Evaluation) -> Evaluation:
    """draft → scoring, once at least the minimum number of evaluators are invited (or have accepted)."""
    _require_manager(actor, evaluation)
    lock(evaluation)
    _guard_mutable(evaluation)
    if not evaluation.is_draft:
        raise _wrong_state(_("开始评分"), evaluation.get_status_display())
    live = evaluation.assignments.filter(status__in=Assignment.LIVE_STATUSES).count()
    if live < evaluation.min_evaluators:
        raise ValidationError(
            _("已指派的专家为 %(count)d 人，少于最少人数 %(min)d 人，请先邀请专家。")
            % {"count": live, "min": evaluation.min_evaluators}
        )
    _require_valid_tree(evaluation.indicator_set)
    evaluation.status = Evaluation.Status.SCORING
    evaluation.scoring_started_at = now()
    save(evaluation, actor=actor)
    return evaluation


@transaction.atomic
def evaluation_finalize(*, actor, evaluation: Evaluation) -> Evaluation:
    """scoring → finalized: every live assignment submitted (others withdrawn with a reason) and at least
    min_evaluators submitted. Stores every evaluator's total, every indicator's mean, the score and the grade; a 差
    records a performance warning on the organization. The number of queries does not depend on the number of
    evaluators or indicators."""
    _require_manager(actor, evaluation)
    lock(evaluation)
    _guard_mutable(evaluation)
    if not evaluation.is_scoring:
        raise _wrong_state(_("定稿"), evaluation.get_status_display())
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
                _("专家“%(user)s”的评分缺少 %(count)d 项。") % {"user": assignment.evaluator, "count": missing}
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
        default_change_reason=_("评价定稿"),
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
        contract = evaluation.contract
        warning = PerformanceWarning(
            organization_id=contract.organization_id,
            evaluation=evaluation,
            recorded_on=today(),
            reason=_("合同 %(number)s“%(title)s”%(kind)s综合得分 %(score)s，等级为差。")
            % {
                "number": contract.number,
                "title": contract.title,
                "kind": evaluation.get_kind_display(),
                "score": points(outcome.score),
            },
        )
        save(warning, actor=actor)
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
        raise ValidationError(_("该评价没有需要处理的绩效预警。"))
    lock(warning)
    if not warning.is_open:
        raise ValidationError(_("已于 %(day)s 作出处理决定，不能重复记录。") % {"day": warning.decided_on.isoformat()})
    decision = _text(decision)
    if not decision:
        raise ValidationError({"decision": _("请填写处理决定。")})
    decided_on = decided_on or today()
    if decided_on > today():
        raise ValidationError({"decided_on": _("决定日期不能晚于今天。")})
    if decided_on < warning.recorded_on:
        raise ValidationError(
            {"decided_on": _("决定日期不能早于预警记录日期 %(day)s。") % {"day": warning.recorded_on.isoformat()}}
        )
    warning.decision = decision
    warning.decided_on = decided_on
    warning.decided_by = actor
    warning.decided_at = now()
    save(warning, actor=actor)
    return warning


# The evaluator's side -------------------------------------------------------------------------------------------------


def _require_own(actor, assignment: Assignment) -> None:
    require(permissions.can_respond_to_assignment(actor, assignment), _("这不是您的评价任务。"))


@transaction.atomic
def assignment_accept(
    *, actor, assignment: Assignment, confirm_no_conflict: bool, declaration: str | None = None
) -> Assignment:
    """invited → accepted, with the evaluator's declaration that there is no conflict of interest. Only then do the
    contract's evidence and the score form open to them."""
    _require_own(actor, assignment)
    evaluation = _lock_assignment_and_evaluation(assignment)
    _guard_mutable(evaluation)
    if assignment.status != Assignment.Status.INVITED:
        raise _wrong_state(_("接受"), assignment.get_status_display())
    if not confirm_no_conflict:
        raise ValidationError(
            {
                "confirm_no_conflict": _(
                    "接受评价须声明与被评价单位不存在利益冲突；如存在利益冲突，请选择“声明利益冲突”。"
                )
            }
        )
    declaration = _text(str(NO_CONFLICT_DECLARATION) if declaration is None else declaration)
    if not declaration:
        raise ValidationError({"declaration": _("请填写利益冲突声明。")})
    refusal = affiliation_refusal(actor, evaluation)
    if refusal:
        raise ValidationError(refusal)
    now = timezone.now()
    assignment.status = Assignment.Status.ACCEPTED
    assignment.declaration = declaration
    assignment.declared_at = now
    assignment.responded_at = now
    save(assignment, actor=actor)
    return assignment


@transaction.atomic
def assignment_declare_conflict(*, actor, assignment: Assignment, declaration: str) -> Assignment:
    """The evaluator declares a conflict of interest: the assignment ends (status conflict) and the declaration is
    kept on record; they cannot be invited to this evaluation again."""
    _require_own(actor, assignment)
    evaluation = _lock_assignment_and_evaluation(assignment)
    _guard_mutable(evaluation)
    if assignment.status not in (Assignment.Status.INVITED, Assignment.Status.ACCEPTED):
        raise _wrong_state(_("声明利益冲突"), assignment.get_status_display())
    declaration = _text(declaration)
    if not declaration:
        raise ValidationError({"declaration": _("请说明存在利益冲突的情形。")})
    now = timezone.now()
    assignment.status = Assignment.Status.CONFLICT
    assignment.declaration = declaration
    assignment.declared_at = now
    assignment.responded_at = assignment.responded_at or now
    save(assignment, actor=actor)
    return assignment


@transaction.atomic
def assignment_decline(*, actor, assignment: Assignment, reason: str = "") -> Assignment:
    """invited → declined (e.g. no time); the reason is optional."""
    _require_own(actor, assignment)
    evaluation = _lock_assignment_and_evaluation(assignment)
    _guard_mutable(evaluation)
    if assignment.status != Assignment.Status.INVITED:
        raise _wrong_state(_("谢绝"), assignment.get_status_display())
    assignment.status = Assignment.Status.DECLINED
    assignment.decline_reason = _text(reason)
    assignment.responded_at = now()
    save(assignment, actor=actor)
    return assignment


def _require_scorable(assignment: Assignment, evaluation: Evaluation) -> None:
    _guard_mutable(evaluation)
    if not evaluation.is_scoring:
        raise ValidationError(_("评价尚未开始评分。"))
    if assignment.status == Assignment.Status.SUBMITTED:
        raise ValidationError(_("评分已提交，不能再修改。"))
    if assignment.status != Assignment.Status.ACCEPTED:
        raise _wrong_state(_("评分"), assignment.get_status_display())


def _entry_parts(value: Any) -> tuple[Any, str]:
    if value is None:
        return None, ""
    if isinstance(value, ScoreEntry):
        return value.score, value.comment or ""
    if isinstance(value, tuple | list):
        score = value[0] if value else None
        comment = value[1] if len(value) > 1 else ""
        return score, comment or ""
    return value, ""


def _indicator_id(key: Any) -> int | None:
    if isinstance(key, Indicator):
        return key.pk
    try:
        return int(key)
    except (TypeError, ValueError):
        return None


def _write_scores(actor, assignment: Assignment, tree: list[Indicator], entries: Mapping[Any, Any]) -> None:
    """Validate and store score entries (partial allowed; a None score clears the leaf)."""
    leaves = {leaf.pk: leaf for leaf in leaves_of(tree)}
    errors: dict[str, list[str]] = {}
    parsed: dict[int, tuple[Decimal | None, str]] = {}
    for key, value in entries.items():
        indicator_id = _indicator_id(key)
        leaf = leaves.get(indicator_id)
        if leaf is None:
            errors.setdefault(f"score_{key if indicator_id is None else indicator_id}", []).append(
                _("“%(key)s”不是本次评价指标体系的末级指标。") % {"key": key}
            )
            continue
        raw_score, comment = _entry_parts(value)
        comment = _text(comment)
        if raw_score is None or (isinstance(raw_score, str) and not raw_score.strip()):
            parsed[leaf.pk] = (None, comment)
            continue
        field = f"score_{leaf.pk}"
        try:
            score = _decimal(raw_score, field, _("得分"))
        except ValidationError as error:
            errors.setdefault(field, []).append(
                _("“%(code)s %(name)s”：%(reason)s")
                % {"code": leaf.code, "name": leaf.name, "reason": error.message_dict[field][0]}
            )
            continue
        if score < 0 or score > leaf.max_score:
            errors.setdefault(field, []).append(
                _("“%(code)s %(name)s”的得分须在 0 至 %(max)s 之间。")
                % {"code": leaf.code, "name": leaf.name, "max": points(leaf.max_score)}
            )
            continue
        parsed[leaf.pk] = (score, comment)
    if errors:
        raise ValidationError(errors)

    existing = {score.indicator_id: score for score in Score.objects.filter(assignment=assignment)}
    now = timezone.now()
    to_create, to_update, to_delete = [], [], []
    for indicator_id, (score, comment) in parsed.items():
        row = existing.get(indicator_id)
        if score is None:
            if row is not None:
                to_delete.append(row)
            continue
        if row is None:
            to_create.append(
                Score(assignment=assignment, indicator_id=indicator_id, score=score, comment=comment, updated_at=now)
            )
        elif row.score != score or row.comment != comment:
            row.score, row.comment, row.updated_at = score, comment, now
            to_update.append(row)
    if to_create:
        bulk_create_with_history(to_create, Score, default_user=actor)
    if to_update:
        bulk_update_with_history(to_update, Score, ["score", "comment", "updated_at"], default_user=actor)
    for row in to_delete:
        row._history_user = actor
        row.delete()


@transaction.atomic
def score_save_draft(*, actor, assignment: Assignment, entries: Mapping[Any, Any]) -> Assignment:
    """Save some or all of an evaluator's scores as a draft (only they can read it).

    `entries` maps a leaf indicator (or its id) to a ScoreEntry, a (score, comment) tuple, a bare score, or None
    to clear it. Errors are keyed "score_<indicator id>" and name the indicator.
    """
    _require_own(actor, assignment)
    evaluation = _lock_assignment_and_evaluation(assignment)
    _require_scorable(assignment, evaluation)
    _write_scores(actor, assignment, indicator_tree(evaluation.indicator_set), entries)
    return assignment


@transaction.atomic
def assignment_submit(*, actor, assignment: Assignment, entries: Mapping[Any, Any] | None = None) -> Assignment:
    """Submit the score sheet (saving `entries` first when given): every leaf scored, every score below 60 % of its
    maximum explained. accepted → submitted; the scores are locked from then on."""
    _require_own(actor, assignment)
    evaluation = _lock_assignment_and_evaluation(assignment)
    _require_scorable(assignment, evaluation)
    tree = indicator_tree(evaluation.indicator_set)
    if entries:
        _write_scores(actor, assignment, tree, entries)
    scores = {score.indicator_id: score for score in Score.objects.filter(assignment=assignment)}
    errors: dict[str, list[str]] = {}
    for leaf in leaves_of(tree):
        score = scores.get(leaf.pk)
        if score is None:
            errors[f"score_{leaf.pk}"] = [_("请为“%(code)s %(name)s”评分。") % {"code": leaf.code, "name": leaf.name}]
        elif scoring.needs_comment(score.score, leaf.max_score) and not score.comment.strip():
            errors[f"comment_{leaf.pk}"] = [
                _("“%(code)s %(name)s”得分低于满分的 60%%，须填写评分意见。") % {"code": leaf.code, "name": leaf.name}
            ]
    if errors:
        raise ValidationError(errors)
    assignment.status = Assignment.Status.SUBMITTED
    assignment.submitted_at = now()
    save(assignment, actor=actor)
    return assignment
