"""What the evaluation services share: cleaning input, the finalized guard, the officials' check and the lock order.

Lock order (see the package docstring): the officials' services lock the evaluation, then the assignment; the
evaluator's services lock the assignment and only then read the evaluation as committed.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.services import lock, refusal, require
from evaluations import permissions
from evaluations.models import Assignment, Evaluation
from evaluations.workflows import EVALUATION


def clean_text(value: Any) -> str:
    return (value or "").strip()


def decimal_or_refusal(value: Any, label: Any) -> Decimal | ValidationError:
    """`value` as a Decimal with at most two decimals, or the refusal saying why it is not one (`label` names the
    field in the message: a lazy label)."""
    if isinstance(value, float):
        value = str(value)
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        return refusal(_("%(label)s须为数字。"), code="not_a_number", label=label)
    if not number.is_finite():
        return refusal(_("%(label)s须为数字。"), code="not_a_number", label=label)
    if number.as_tuple().exponent < -2:
        return refusal(_("%(label)s最多保留两位小数。"), code="too_many_decimals", label=label)
    return number


def parse_decimal(value: Any, field: str, label: Any) -> Decimal:
    """`value` as a Decimal with at most two decimals; refused on `field` otherwise."""
    number = decimal_or_refusal(value, label)
    if isinstance(number, ValidationError):
        raise ValidationError({field: [number]})
    return number


def guard_mutable(evaluation: Evaluation) -> None:
    """Nothing of a finalized evaluation changes (permissions.evaluation_change_refusal)."""
    error = permissions.evaluation_change_refusal(evaluation)
    if error is not None:
        raise error


def require_manager(actor, evaluation: Evaluation) -> None:
    require(permissions.can_manage_evaluation(actor, evaluation), _("您无权管理该合同的绩效评价。"))


def open_evaluation_for(actor, evaluation: Evaluation, action: str) -> None:
    """The officials' prologue: the actor runs the evaluation, its row is locked and re-read, it is not finalized,
    and its status allows `action` (workflows.EVALUATION)."""
    require_manager(actor, evaluation)
    lock(evaluation)
    guard_mutable(evaluation)
    EVALUATION.check(action, evaluation.status)


def require_own(actor, assignment: Assignment) -> None:
    require(
        permissions.can_respond_to_assignment(actor, assignment), _("这不是您的评价任务。"), code="not_own_assignment"
    )


def lock_assignment_and_evaluation(assignment: Assignment) -> Evaluation:
    """Lock the assignment row, then read its evaluation as committed now (the evaluator's services)."""
    lock(assignment)
    evaluation = Evaluation.objects.get(pk=assignment.evaluation_id)
    assignment.evaluation = evaluation
    return evaluation


def lock_evaluation_then_assignment(assignment: Assignment) -> Evaluation:
    """The officials' order, the same as finalize's: the evaluation first, then the assignment."""
    evaluation = Evaluation.objects.get(pk=assignment.evaluation_id)
    lock(evaluation)
    lock(assignment)
    assignment.evaluation = evaluation
    return evaluation
