"""The transition tables of indicator sets, evaluations and assignments.

Services check a transition here before anything else about the record's state (`EVALUATION.check("finalize",
evaluation.status)` refuses with the code `wrong_state`, naming the status and the action); pages build their buttons
from `available(status)` through `permissions.evaluation_actions` and its siblings, which add who may act.

Indicator set:  draft → active (activate) → frozen (use: the first evaluation that uses it); active → draft (reopen,
                while no evaluation uses it); active or frozen → a new draft version (new_version).
Evaluation:     draft → scoring (start_scoring) → finalized (finalize); a finalized evaluation never changes again,
                except that a purchaser records the decision on the payments a 差 holds.
Assignment:     invited → accepted (accept) → submitted (submit); invited → declined (decline); invited or
                accepted → conflict (declare_conflict); invited, accepted or submitted → withdrawn (withdraw, by an
                official, before finalization).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.workflow import Transition, Workflow
from evaluations.models import Assignment, Evaluation, IndicatorSet

_Set = IndicatorSet.Status
_Evaluation = Evaluation.Status
_Assignment = Assignment.Status

INDICATOR_SET = Workflow(
    IndicatorSet.Status,
    [
        # Editing the set's information or its indicators (also importing into it, deleting it).
        Transition("edit", _("修改"), {_Set.DRAFT}),
        Transition("activate", _("启用"), {_Set.DRAFT}, _Set.ACTIVE),
        Transition("delete", _("删除"), {_Set.DRAFT}),
        Transition("reopen", _("退回草稿"), {_Set.ACTIVE}, _Set.DRAFT),
        Transition("new_version", _("创建新版本"), {_Set.ACTIVE, _Set.FROZEN}),
        # An evaluation uses the set: from then on it never changes.
        Transition("use", _("用于评价"), {_Set.ACTIVE, _Set.FROZEN}, _Set.FROZEN),
    ],
)

EVALUATION = Workflow(
    Evaluation.Status,
    [
        # In scoring only the due date and the description change (evaluation_update decides which fields).
        Transition("edit", _("修改"), {_Evaluation.DRAFT, _Evaluation.SCORING}),
        Transition("invite", _("邀请专家"), {_Evaluation.DRAFT, _Evaluation.SCORING}),
        Transition("start_scoring", _("开始评分"), {_Evaluation.DRAFT}, _Evaluation.SCORING),
        Transition("delete", _("删除"), {_Evaluation.DRAFT}),
        Transition("finalize", _("定稿"), {_Evaluation.SCORING}, _Evaluation.FINALIZED),
        Transition("record_payment_decision", _("记录付款处理决定"), {_Evaluation.FINALIZED}),
    ],
)

ASSIGNMENT = Workflow(
    Assignment.Status,
    [
        Transition("accept", _("接受"), {_Assignment.INVITED}, _Assignment.ACCEPTED),
        Transition("decline", _("谢绝"), {_Assignment.INVITED}, _Assignment.DECLINED),
        Transition(
            "declare_conflict", _("声明利益冲突"), {_Assignment.INVITED, _Assignment.ACCEPTED}, _Assignment.CONFLICT
        ),
        # Saving draft scores; the evaluation must be in scoring too (permissions.score_refusal).
        Transition("score", _("评分"), {_Assignment.ACCEPTED}),
        Transition("submit", _("提交评分"), {_Assignment.ACCEPTED}, _Assignment.SUBMITTED),
        Transition("withdraw", _("撤回"), Assignment.LIVE_STATUSES, _Assignment.WITHDRAWN),
    ],
)
