"""Rectification orders (整改通知): issue, the organization's answer, and the official's verification or return.

    issued ──answer──▶ answered ──verify──▶ verified
                       answered ──return──▶ returned ──answer──▶ answered …   (supervision.workflows.ORDER)

An order names its source: a completed inspection that found problems, an upheld complaint (one order per complaint),
a finalized evaluation graded 差, or the official's direct decision.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract
from core.services import Refusals, lock, refuse, require, save
from core.services import now as current_time
from core.services import today as current_day
from registry.models import Organization
from supervision import notices, permissions
from supervision.models import Complaint, Inspection, OrderResponse, OrderResponseFile, RectificationOrder
from supervision.services.common import check_contract, check_files, check_not_future
from supervision.workflows import COMPLAINT, ORDER

Source = RectificationOrder.Source


def _not_of_organization(refusals: Refusals, field: str, message) -> None:
    refusals.add(field, message, code="source_not_of_organization")


def _check_inspection_source(refusals: Refusals, inspection: Inspection | None, organization: Organization) -> None:
    if inspection is None:
        refusals.add("inspection", _("来源为监督检查时须选择该次检查。"), code="required")
    elif inspection.organization_id != organization.pk:
        _not_of_organization(refusals, "inspection", _("所选检查的对象不是该社会组织。"))
    elif not inspection.found_problems:
        refusals.add(
            "inspection",
            _("只有结论为“发现问题”的已完成检查可以作为整改来源。"),
            code="source_without_problems",
        )


def _check_complaint_source(refusals: Refusals, complaint: Complaint | None, organization: Organization) -> None:
    if complaint is None:
        refusals.add("complaint", _("来源为投诉举报时须选择该投诉。"), code="required")
    elif complaint.organization_id != organization.pk:
        _not_of_organization(refusals, "complaint", _("所选投诉的对象不是该社会组织。"))
    elif not COMPLAINT.allows("open_order", complaint.status):
        refusals.add("complaint", _("只有经核实属实的投诉可以作为整改来源。"), code="source_not_upheld")
    elif complaint.orders.exists():
        refusals.add(
            "complaint",
            _("投诉 %(code)s 已下达过整改通知，不能重复下达。"),
            code="order_already_issued",
            params={"code": complaint.tracking_code},
        )


def _check_evaluation_source(refusals: Refusals, evaluation, organization: Organization) -> None:
    if evaluation is None:
        refusals.add("evaluation", _("来源为绩效评价时须选择该次评价。"), code="required")
    elif evaluation.contract.organization_id != organization.pk:
        _not_of_organization(refusals, "evaluation", _("所选绩效评价的合同承接主体不是该社会组织。"))
    elif not (evaluation.is_finalized and evaluation.grade == evaluation.Grade.POOR):
        refusals.add(
            "evaluation",
            _("只有已定稿且评价等级为“差”的绩效评价可以作为整改来源。"),
            code="source_not_poor",
        )


def _check_minimum_period(refusals: Refusals, deadline: datetime.date, recorded_on: datetime.date) -> None:
    """The organization gets at least SUPERVISION_ORDER_MIN_DAYS from the day the order is recorded, however far back
    it was issued: an order recorded after its deadline would otherwise be escalated at the next deadline check."""
    days = settings.SUPERVISION_ORDER_MIN_DAYS
    if days <= 0 or "deadline" in refusals:
        return
    earliest = recorded_on + datetime.timedelta(days=days)
    if deadline < earliest:
        refusals.add(
            "deadline",
            _(
                "整改期限 %(deadline)s 距登记之日不足 %(days)s 天：整改期限最早为 %(earliest)s"
                "（补录的整改通知保留原下达日期）。"
            ),
            code="deadline_too_soon",
            deadline=deadline.isoformat(),
            days=days,
            earliest=earliest.isoformat(),
        )


@transaction.atomic
def order_issue(
    *,
    actor,
    organization: Organization,
    requirements: str,
    deadline: datetime.date | None,
    source: str = Source.DIRECT,
    inspection: Inspection | None = None,
    complaint: Complaint | None = None,
    contract: Contract | None = None,
    evaluation=None,
    source_reference: str = "",
    issued_on: datetime.date | None = None,
    recorded_on: datetime.date | None = None,
) -> RectificationOrder:
    """Order an organization to put something right by a deadline.

    The deadline is after the issue date and leaves at least SUPERVISION_ORDER_MIN_DAYS from the day the order is
    recorded (`recorded_on`, today; only loaders of historical records, such as the demo, name an earlier day).

    The source names why: a completed inspection that found problems, an upheld complaint, a finalized evaluation
    graded 差 (its contract becomes the order's contract unless one is given), or the official's direct decision;
    `source_reference` is free text (a document number, a meeting) for any source.
    """
    require(permissions.can_issue_order(actor, organization), _("您无权向该社会组织下达整改通知。"))
    today = current_day()
    issued_on = issued_on or today
    refusals = Refusals()
    requirements = (requirements or "").strip()
    source_reference = (source_reference or "").strip()
    if not requirements:
        refusals.add("requirements", _("请写明整改要求。"), code="required")
    check_not_future(refusals, "issued_on", issued_on, _("下达日期"), today)
    if deadline is None:
        refusals.add("deadline", _("请填写整改期限。"), code="required")
    elif deadline <= issued_on:
        refusals.add(
            "deadline",
            _("整改期限 %(deadline)s 须晚于下达日期 %(issued)s。"),
            code="deadline_not_after_issue",
            deadline=deadline.isoformat(),
            issued=issued_on.isoformat(),
        )
    else:
        _check_minimum_period(refusals, deadline, min(recorded_on or today, today))
    if source not in Source.values:
        refusals.add("source", _("请选择整改通知的来源。"), code="invalid_choice")
    if source == Source.INSPECTION:
        _check_inspection_source(refusals, inspection, organization)
    if source == Source.COMPLAINT:
        _check_complaint_source(refusals, complaint, organization)
    if source == Source.EVALUATION:
        _check_evaluation_source(refusals, evaluation, organization)
        if "evaluation" not in refusals and contract is None:
            contract = evaluation.contract
    check_contract(refusals, "contract", contract, organization)
    refusals.raise_if_any()
    order = RectificationOrder(
        organization=organization,
        department=actor.department,
        source=source,
        inspection=inspection if source == Source.INSPECTION else None,
        complaint=complaint if source == Source.COMPLAINT else None,
        evaluation=evaluation if source == Source.EVALUATION else None,
        contract=contract,
        source_reference=source_reference,
        requirements=requirements,
        issued_on=issued_on,
        deadline=deadline,
        status=RectificationOrder.Status.ISSUED,
        issued_by=actor,
        created_at=current_time(),
    )
    save(order, actor=actor)
    notices.order_issued(order, actor=actor)
    return order


@transaction.atomic
def order_answer(
    *, actor, order: RectificationOrder, text: str, files: Sequence = (), now: datetime.datetime | None = None
) -> OrderResponse:
    """The organization answers an order with what it corrected, and evidence files."""
    require(permissions.can_answer_order(actor, order), _("只有被责令整改的社会组织成员可以答复整改通知。"))
    lock(order)
    ORDER.check("answer", order.status)
    now = now or current_time()
    refusals = Refusals()
    text = (text or "").strip()
    if not text:
        refusals.add("text", _("请写明整改情况。"), code="required")
    files = list(files or [])
    checks = check_files(refusals, "files", files)
    refusals.raise_if_any()
    response = OrderResponse(
        order=order, text=text, responded_by=actor, responded_at=now, responded_on=timezone.localdate(now)
    )
    save(response, actor=actor)
    for file, check in zip(files, checks, strict=True):
        stored = OrderResponseFile(
            response=response,
            file=file,
            original_name=check.original_name,
            size=check.size,
            content_type=check.content_type,
        )
        save(stored, actor=actor)
    order.status = RectificationOrder.Status.ANSWERED
    save(order, actor=actor)
    notices.order_answered(order, response, actor=actor)
    return response


def _pending_response(order: RectificationOrder, action: str) -> OrderResponse:
    """The answer awaiting the decision of `action` (verify / return)."""
    ORDER.check(action, order.status)
    response = order.responses.filter(decision__isnull=True).first()
    if response is None:
        refuse(
            None,
            _("整改通知当前为“%(status)s”，没有待核验的答复。"),
            code="no_pending_response",
            status=ORDER.status_label(order.status),
        )
    return response


@transaction.atomic
def order_verify(
    *,
    actor,
    order: RectificationOrder,
    comment: str = "",
    on: datetime.date | None = None,
    now: datetime.datetime | None = None,
) -> RectificationOrder:
    """Accept the organization's answer: the order is closed (verified)."""
    require(permissions.can_decide_order(actor, order), _("您无权核验该整改通知。"))
    lock(order)
    response = _pending_response(order, "verify")
    now = now or current_time()
    on = on or timezone.localdate(now)
    refusals = Refusals()
    check_not_future(refusals, "on", on, _("核验日期"), current_day())
    if on < response.responded_on:
        refusals.add(
            "on",
            _("核验日期 %(on)s 早于答复日期 %(answered)s。"),
            code="verified_before_answer",
            on=on.isoformat(),
            answered=response.responded_on.isoformat(),
        )
    refusals.raise_if_any()
    response.decision = OrderResponse.Decision.VERIFIED
    response.decision_reason = (comment or "").strip()
    response.decided_by = actor
    response.decided_at = now
    save(response, actor=actor)
    order.status = RectificationOrder.Status.VERIFIED
    order.verified_on = on
    save(order, actor=actor, reason=response.decision_reason)
    notices.order_decided(order, response, actor=actor)
    return order


@transaction.atomic
def order_return(
    *, actor, order: RectificationOrder, reason: str, now: datetime.datetime | None = None
) -> RectificationOrder:
    """Refuse the organization's answer with the reason; the organization must answer again."""
    require(permissions.can_decide_order(actor, order), _("您无权核验该整改通知。"))
    lock(order)
    response = _pending_response(order, "return")
    reason = (reason or "").strip()
    if not reason:
        refuse("reason", _("退回须写明理由，说明整改尚未达到的要求。"), code="required")
    response.decision = OrderResponse.Decision.RETURNED
    response.decision_reason = reason
    response.decided_by = actor
    response.decided_at = now or current_time()
    save(response, actor=actor)
    order.status = RectificationOrder.Status.RETURNED
    save(order, actor=actor, reason=reason)
    notices.order_decided(order, response, actor=actor)
    return order
