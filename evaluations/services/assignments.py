"""Assignments (评价专家指派): the officials invite and withdraw evaluators; the evaluator accepts with a no-conflict
declaration, declares a conflict or declines."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.services import now, refuse, save
from evaluations import notices
from evaluations.models import Assignment, Evaluation, EvaluatorProfile
from evaluations.selectors import affiliation_refusal
from evaluations.services.common import (
    clean_text,
    guard_mutable,
    lock_assignment_and_evaluation,
    lock_evaluation_then_assignment,
    open_evaluation_for,
    require_manager,
    require_own,
)
from evaluations.workflows import ASSIGNMENT

NO_CONFLICT_DECLARATION = _(
    "本人承诺：与被评价的承接主体不存在利益冲突（未在该组织任职、兼职或领取报酬，与其负责人无近亲属关系，"
    "与本合同无经济往来），将独立、客观、公正地评分，并对评价中获知的信息保密。"
)


# ---- the officials' side ---------------------------------------------------------------------------------------


@transaction.atomic
def assignment_invite(*, actor, evaluation: Evaluation, evaluator) -> Assignment:
    """Invite an evaluator from the pool to a draft or scoring evaluation."""
    open_evaluation_for(actor, evaluation, "invite")
    profile = EvaluatorProfile.objects.filter(user=evaluator).first()
    if not (evaluator.is_active and evaluator.is_evaluator) or profile is None or not profile.is_active:
        refuse("evaluator", _("“%(user)s”不在评价专家库中或已停用。"), code="not_in_pool", user=str(evaluator))
    affiliated = affiliation_refusal(evaluator, evaluation)
    if affiliated is not None:
        raise ValidationError({"evaluator": [affiliated]})
    previous = Assignment.objects.filter(evaluation=evaluation, evaluator=evaluator)
    if previous.filter(status=Assignment.Status.CONFLICT).exists():
        refuse(
            "evaluator",
            _("专家“%(user)s”已就本次评价声明利益冲突，不能再次指派。"),
            code="conflict_declared",
            user=str(evaluator),
        )
    if previous.filter(status__in=Assignment.LIVE_STATUSES).exists():
        refuse("evaluator", _("专家“%(user)s”已被指派参加本次评价。"), code="already_assigned", user=str(evaluator))
    assignment = Assignment(evaluation=evaluation, evaluator=evaluator, invited_at=now(), invited_by=actor)
    save(assignment, actor=actor)
    notices.invitation(assignment, actor=actor)
    return assignment


@transaction.atomic
def assignment_withdraw(*, actor, assignment: Assignment, reason: str) -> Assignment:
    """An official ends an invited, accepted or submitted assignment, with the reason on record."""
    require_manager(actor, assignment.evaluation)
    evaluation = lock_evaluation_then_assignment(assignment)
    guard_mutable(evaluation)
    ASSIGNMENT.check("withdraw", assignment.status)
    reason = clean_text(reason)
    if not reason:
        refuse("reason", _("撤回专家指派须说明理由。"), code="required")
    assignment.status = Assignment.Status.WITHDRAWN
    assignment.withdrawn_at = now()
    assignment.withdrawn_by = actor
    assignment.withdrawn_reason = reason
    save(assignment, actor=actor)
    return assignment


# ---- the evaluator's answers -----------------------------------------------------------------------------------


def _answer(actor, assignment: Assignment, action: str) -> None:
    """The evaluator's prologue: their own assignment, locked before its evaluation is read, the evaluation not
    finalized, and the assignment's status allowing `action`."""
    require_own(actor, assignment)
    evaluation = lock_assignment_and_evaluation(assignment)
    guard_mutable(evaluation)
    ASSIGNMENT.check(action, assignment.status)


@transaction.atomic
def assignment_accept(
    *, actor, assignment: Assignment, confirm_no_conflict: bool, declaration: str | None = None
) -> Assignment:
    """invited → accepted, with the evaluator's declaration that there is no conflict of interest. Only then do the
    contract's evidence and the score form open to them."""
    _answer(actor, assignment, "accept")
    if not confirm_no_conflict:
        refuse(
            "confirm_no_conflict",
            _("接受评价须声明与被评价单位不存在利益冲突；如存在利益冲突，请选择“声明利益冲突”。"),
            code="declaration_not_confirmed",
        )
    declaration = clean_text(str(NO_CONFLICT_DECLARATION) if declaration is None else declaration)
    if not declaration:
        refuse("declaration", _("请填写利益冲突声明。"), code="required")
    affiliated = affiliation_refusal(actor, assignment.evaluation)
    if affiliated is not None:
        raise affiliated
    moment = timezone.now()
    assignment.status = Assignment.Status.ACCEPTED
    assignment.declaration = declaration
    assignment.declared_at = moment
    assignment.responded_at = moment
    save(assignment, actor=actor)
    return assignment


@transaction.atomic
def assignment_declare_conflict(*, actor, assignment: Assignment, declaration: str) -> Assignment:
    """The evaluator declares a conflict of interest: the assignment ends (status conflict) and the declaration is
    kept on record; they cannot be invited to this evaluation again."""
    _answer(actor, assignment, "declare_conflict")
    declaration = clean_text(declaration)
    if not declaration:
        refuse("declaration", _("请说明存在利益冲突的情形。"), code="required")
    moment = timezone.now()
    assignment.status = Assignment.Status.CONFLICT
    assignment.declaration = declaration
    assignment.declared_at = moment
    assignment.responded_at = assignment.responded_at or moment
    save(assignment, actor=actor)
    return assignment


@transaction.atomic
def assignment_decline(*, actor, assignment: Assignment, reason: str = "") -> Assignment:
    """invited → declined (e.g. no time); the reason is optional."""
    _answer(actor, assignment, "decline")
    assignment.status = Assignment.Status.DECLINED
    assignment.decline_reason = clean_text(reason)
    assignment.responded_at = now()
    save(assignment, actor=actor)
    return assignment
