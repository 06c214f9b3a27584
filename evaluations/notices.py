"""Who hears about evaluations (notifications.services.notify): the evaluator when invited; when an evaluation is
finalized, the purchasers of the contract's department, the organization's members and the evaluators who scored."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from evaluations.models import Assignment, Evaluation
from notifications.models import Notification
from notifications.selectors import department_staff, organization_members
from notifications.services import notify


def invitation(assignment: Assignment, *, actor) -> None:
    evaluation = assignment.evaluation
    notify(
        recipients=[assignment.evaluator],
        kind=Notification.Kind.INVITATION,
        target=assignment,
        stage="invited",
        title=_("邀请您参加“%(contract)s”的%(kind)s，评分截止 %(due)s"),
        params={
            "contract": evaluation.contract.title,
            "kind": Evaluation.Kind(evaluation.kind).label,
            "due": evaluation.due_on.isoformat(),
        },
        url=reverse("evaluations:task-detail", args=[assignment.pk]),
        actor=actor,
    )


def finalized(evaluation: Evaluation, *, actor) -> None:
    contract = evaluation.contract
    evaluators = [
        assignment.evaluator
        for assignment in evaluation.assignments.filter(status=Assignment.Status.SUBMITTED).select_related("evaluator")
    ]
    notify(
        recipients=[
            *department_staff(contract.department_id, purchasers=True),
            *organization_members(contract.organization_id),
            *evaluators,
        ],
        kind=Notification.Kind.EVALUATION_FINALIZED,
        target=evaluation,
        stage="finalized",
        title=_("合同 %(number)s 的%(kind)s已定稿：%(grade)s（%(score)s 分）"),
        params={
            "number": contract.number,
            "kind": Evaluation.Kind(evaluation.kind).label,
            "grade": Evaluation.Grade(evaluation.grade).label,
            "score": evaluation.score,
        },
        url=reverse("evaluations:evaluation-detail", args=[evaluation.pk]),
        actor=actor,
    )
