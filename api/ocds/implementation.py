"""The implementation: milestones (deliverables) met, not met or scheduled, payments as transactions, finalized
evaluations as documents and as the Qiyue extension's performanceEvaluations."""

from __future__ import annotations

import datetime

from django.utils import timezone

from api.ocds.parties import buyer_reference, supplier_reference
from api.ocds.values import (
    CLOSED_STATUSES,
    EVALUATION_TYPE,
    LANGUAGE,
    current_zone,
    day_end,
    day_start,
    filled,
    moment,
    money,
    path_to,
    period,
    rows,
    zh_display,
)
from contracts.models import Contract, Deliverable, Payment
from evaluations.models import Evaluation


def milestone_status(deliverable: Deliverable, contract: Contract, today: datetime.date) -> str:
    if deliverable.status == Deliverable.Status.ACCEPTED:
        return "met"
    if contract.status in CLOSED_STATUSES or deliverable.due_on < today:
        return "notMet"
    return "scheduled"


def milestone(deliverable: Deliverable, status: str) -> dict:
    """The deliverable as a milestone, without empty values (a page holds thousands: written out, not filtered)."""
    data = {"id": str(deliverable.pk)}
    if deliverable.title:
        data["title"] = deliverable.title
    data["type"] = "delivery"
    if deliverable.description:
        data["description"] = deliverable.description
    data["dueDate"] = day_end(deliverable.due_on)
    data["status"] = status
    if status == "met" and deliverable.accepted_at is not None:
        data["dateMet"] = moment(deliverable.accepted_at)
    return data


def payment_transaction(payment: Payment, payer: dict, payee: dict) -> dict:
    """The payment from the buyer to the supplier (their references, made once per contract)."""
    return {
        "id": str(payment.instalment),
        "date": day_start(payment.paid_on),
        "value": money(payment.amount),
        "payer": payer,
        "payee": payee,
    }


def implementation_events(contract: Contract, today: datetime.date) -> list[datetime.date]:
    """The days on which the implementation changed: payments, acceptances, deliverables falling overdue."""
    zone = current_zone()
    days = [payment.paid_on for payment in rows(contract, "payments")]
    days += [timezone.localtime(evaluation.finalized_at, zone).date() for evaluation in finalized_evaluations(contract)]
    for deliverable in rows(contract, "deliverables"):
        if deliverable.status == Deliverable.Status.ACCEPTED and deliverable.accepted_at is not None:
            days.append(timezone.localtime(deliverable.accepted_at, zone).date())
        elif contract.is_active and deliverable.due_on < today:
            days.append(deliverable.due_on + datetime.timedelta(days=1))
    return days


def finalized_evaluations(contract: Contract) -> list[Evaluation]:
    """The contract's finalized (public) evaluations, oldest first (prefetched by api.selectors)."""
    return [evaluation for evaluation in rows(contract, "evaluations") if evaluation.is_finalized]


def evaluation_document(evaluation: Evaluation, base_url: str) -> dict:
    return filled(
        {
            "id": f"evaluation-{evaluation.pk}",
            "documentType": "physicalProgressReport",
            "title": f"绩效评价报告（{zh_display(evaluation, 'kind')}）",
            "url": base_url.rstrip("/") + path_to("evaluations:evaluation-report", evaluation.pk),
            "datePublished": moment(evaluation.finalized_at),
            "format": "application/pdf",
            "language": LANGUAGE,
        }
    )


def performance_evaluation(evaluation: Evaluation) -> dict:
    """The result as the Qiyue extension's PerformanceEvaluation (api/ocds_extension)."""
    return filled(
        {
            "id": str(evaluation.pk),
            "type": EVALUATION_TYPE[evaluation.kind],
            "typeDetails": zh_display(evaluation, "kind"),
            "period": period(evaluation.period_start_on, evaluation.period_end_on),
            "date": moment(evaluation.finalized_at),
            "score": float(evaluation.score),
            "grade": evaluation.grade,
            "gradeDetails": zh_display(evaluation, "grade"),
            "evaluatorCount": evaluation.evaluator_count,
            "reportDocumentID": f"evaluation-{evaluation.pk}",
        }
    )


def implementation(
    contract: Contract,
    today: datetime.date,
    *,
    as_signed: bool = False,
    base_url: str = "",
    payer: dict | None = None,
    payee: dict | None = None,
    scheduled: list[dict] | None = None,
) -> dict:
    """The implementation, already pruned: each part is built without empty values (a milestone always has its id,
    type, status and due date), and parts without an entry are left out. `payer` and `payee`: the parties'
    references, `scheduled`: the milestones as signed (all scheduled, in the deliverables' order), when the caller
    made them; a milestone still scheduled is the same object."""
    deliverables = rows(contract, "deliverables")
    if as_signed:
        milestones = [milestone(deliverable, "scheduled") for deliverable in deliverables]
        return {"milestones": milestones} if milestones else {}
    evaluations = finalized_evaluations(contract)
    payer = payer or buyer_reference(contract)
    payee = payee or supplier_reference(contract)
    if scheduled is None:
        scheduled = [milestone(deliverable, "scheduled") for deliverable in deliverables]
    milestones = []
    for item, as_signed_milestone in zip(deliverables, scheduled, strict=True):
        status = milestone_status(item, contract, today)
        milestones.append(as_signed_milestone if status == "scheduled" else milestone(item, status))
    parts = {
        "milestones": milestones,
        "transactions": [payment_transaction(payment, payer, payee) for payment in rows(contract, "payments")],
        "documents": [evaluation_document(evaluation, base_url) for evaluation in evaluations],
        "performanceEvaluations": [performance_evaluation(evaluation) for evaluation in evaluations],
    }
    return {key: items for key, items in parts.items() if items}
