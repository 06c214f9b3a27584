"""The transition tables of supervision's status fields: which actions each status of an inspection, a rectification
order and a complaint allows.

Services refuse a transition from a wrong status with `ORDER.check("verify", order.status)` (a ValidationError coded
`wrong_state`); pages decide which buttons a record offers with `actions_for(WORKFLOW, status, allowed)` instead of
comparing statuses in a template. Who may act is the permissions.py predicate's question, not the table's; rules that
depend on more than the status (an order only from an inspection that found problems, one order per complaint) stay
in the services.

    inspection:  planned ──complete──▶ completed            (update: planned only; issue_order: completed)
    order:       issued ──answer──▶ answered ──verify──▶ verified
                                   answered ──return──▶ returned ──answer──▶ answered …
    complaint:   received ──accept──▶ accepted ──start_review──▶ under_review ──uphold──▶ upheld (open_order)
                                                                           under_review ──dismiss──▶ dismissed
                 received ──not_accept──▶ not_accepted
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from core.workflow import Transition, Workflow
from supervision.models import Complaint, Inspection, RectificationOrder

_Inspection = Inspection.Status
_Order = RectificationOrder.Status
_Complaint = Complaint.Status

INSPECTION = Workflow(
    Inspection.Status,
    [
        Transition("update", _("修改计划"), {_Inspection.PLANNED}),
        Transition("complete", _("登记检查结果"), {_Inspection.PLANNED}, _Inspection.COMPLETED),
        Transition("issue_order", _("下达整改通知"), {_Inspection.COMPLETED}),
    ],
)

ORDER = Workflow(
    RectificationOrder.Status,
    [
        Transition("answer", _("答复整改通知"), {_Order.ISSUED, _Order.RETURNED}, _Order.ANSWERED),
        Transition("verify", _("核验整改答复"), {_Order.ANSWERED}, _Order.VERIFIED),
        Transition("return", _("退回"), {_Order.ANSWERED}, _Order.RETURNED),
    ],
)

COMPLAINT = Workflow(
    Complaint.Status,
    [
        Transition("accept", _("受理"), {_Complaint.RECEIVED}, _Complaint.ACCEPTED),
        Transition("not_accept", _("不予受理"), {_Complaint.RECEIVED}, _Complaint.NOT_ACCEPTED),
        Transition("start_review", _("开始核实"), {_Complaint.ACCEPTED}, _Complaint.UNDER_REVIEW),
        Transition("uphold", _("作出核实结论"), {_Complaint.UNDER_REVIEW}, _Complaint.UPHELD),
        Transition("dismiss", _("作出核实结论"), {_Complaint.UNDER_REVIEW}, _Complaint.DISMISSED),
        Transition("open_order", _("下达整改通知"), {_Complaint.UPHELD}),
    ],
)


def actions_for(workflow: Workflow, status: str, allowed: bool = True) -> frozenset[str]:
    """The actions a page offers on a record in `status`: none unless the user may act on it (`allowed`, the
    permissions.py predicate's answer), else those the status allows."""
    if not allowed:
        return frozenset()
    return frozenset(transition.action for transition in workflow.available(status))
