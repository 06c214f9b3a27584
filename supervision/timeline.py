"""Timelines of a contract and of an organization: what happened, in date order, from the historied records.

Each source is read with one query (the number of queries does not grow with the number of events). Public events
(signing, completion, payments, amendments, finalized evaluations, completed inspections, closed or escalated orders,
credit listings, registration status changes) are shown to everyone; the working record (submissions and returns,
open orders and the organization's answers) only to those who may see it: the supervising officials, the
organization's members and superusers (and, on a contract, whoever may see its evidence: its submissions, not its open
orders). Inspections that are planned and not yet done (including those planned from a random draw) are not
announced: only the supervising officials and superusers see them, never the organization's members or anyone else.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import is_member_of, is_superuser
from contracts.models import Amendment, Contract, Payment, Submission
from contracts.permissions import can_view_contract_evidence
from contracts.selectors import organization_contract_rows
from core import formatting
from registry.models import Organization
from registry.organization_records import OrganizationRecords
from supervision.models import Complaint, Inspection, OrderListing, OrderResponse, RectificationOrder
from supervision.permissions import supervises
from supervision.selectors import (
    orders_with_answers,
    organization_inspections,
    organization_orders,
    organization_upheld_complaints,
)


@dataclass(frozen=True)
class TimelineEvent:
    """One event: when (a date or an aware datetime), what kind, a Chinese title and detail, and what it links to."""

    when: datetime.date | datetime.datetime
    kind: str
    title: str
    detail: str = ""
    # What the page links to: ("contract", number), ("order", pk), ("inspection", pk), ("organization", uscc),
    # ("listing", pk), ("evaluation", pk), or None.
    target: tuple | None = None
    # Where a dated event falls among the timed events of its day (e.g. an acceptance after the submission it
    # accepts); None: before them.
    sort_at: datetime.datetime | None = None

    @property
    def day(self) -> datetime.date:
        if isinstance(self.when, datetime.datetime):
            return timezone.localdate(self.when)
        return self.when

    @property
    def sort_key(self) -> tuple:
        moment = self.when if isinstance(self.when, datetime.datetime) else self.sort_at
        if moment is not None and timezone.localdate(moment) == self.day:
            return (self.day, 1, timezone.localtime(moment).time())
        return (self.day, 0, datetime.time.min)


def _sorted(events: list[TimelineEvent]) -> list[TimelineEvent]:
    return sorted(events, key=lambda event: event.sort_key)


def _excerpt(text: str, length: int = 80) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= length else text[:length] + "…"


# --- shared pieces -------------------------------------------------------------------------------------------------


def _finalized_evaluations(**contract_filter):
    """Finalized evaluations of the contracts the filter names (the evaluations app is optional: no app, none)."""
    try:
        from evaluations.models import Evaluation
    except ImportError:
        return []
    return Evaluation.objects.filter(status=Evaluation.Status.FINALIZED, **contract_filter).select_related("contract")


def _evaluation_events(evaluations) -> list[TimelineEvent]:
    """Finalized evaluations, each with its contract."""
    events = []
    for evaluation in evaluations:
        events.append(
            TimelineEvent(
                when=evaluation.finalized_at,
                kind="evaluation_finalized",
                title=_("绩效评价定稿：%(kind)s，%(grade)s（%(score)s 分）")
                % {
                    "kind": evaluation.get_kind_display(),
                    "grade": evaluation.get_grade_display(),
                    "score": evaluation.score,
                },
                detail=evaluation.contract.number,
                target=("evaluation", evaluation.pk),
            )
        )
    return events


def _inspection_events(inspections, *, insider: bool, supervisor: bool) -> list[TimelineEvent]:
    """Completed inspections for everyone (findings for insiders); planned ones only for the supervising officials."""
    events = []
    for inspection in inspections:
        kind = inspection.get_kind_display()
        if inspection.is_completed:
            events.append(
                TimelineEvent(
                    when=inspection.inspected_on,
                    kind="inspection_completed",
                    title=_("%(kind)s：%(conclusion)s")
                    % {"kind": kind, "conclusion": inspection.get_conclusion_display()},
                    detail=_excerpt(inspection.findings) if insider else inspection.department.name,
                    target=("inspection", inspection.pk),
                )
            )
        elif supervisor:
            events.append(
                TimelineEvent(
                    when=inspection.planned_on,
                    kind="inspection_planned",
                    title=_("安排%(kind)s（计划 %(day)s）") % {"kind": kind, "day": inspection.planned_on.isoformat()},
                    detail=inspection.department.name,
                    target=("inspection", inspection.pk),
                )
            )
    return events


def _order_events(orders, insider: bool) -> list[TimelineEvent]:
    events = []
    for order in orders:
        escalation = getattr(order, "escalation", None)
        public = order.status == RectificationOrder.Status.VERIFIED or escalation is not None
        if not (insider or public):
            continue
        number = order.label
        events.append(
            TimelineEvent(
                when=order.issued_on,
                kind="order_issued",
                title=_("%(department)s下达整改通知 %(number)s（期限 %(deadline)s）")
                % {"department": order.department.name, "number": number, "deadline": order.deadline.isoformat()},
                detail=_excerpt(order.requirements),
                target=("order", order.pk),
            )
        )
        for response in order.responses.all():
            if insider:
                events.append(
                    TimelineEvent(
                        when=response.responded_at,
                        kind="order_answered",
                        title=_("答复整改通知 %(number)s") % {"number": number},
                        detail=_excerpt(response.text),
                        target=("order", order.pk),
                    )
                )
            if response.decision == OrderResponse.Decision.RETURNED and insider:
                events.append(
                    TimelineEvent(
                        when=response.decided_at,
                        kind="order_returned",
                        title=_("整改通知 %(number)s 的答复被退回") % {"number": number},
                        detail=_excerpt(response.decision_reason),
                        target=("order", order.pk),
                    )
                )
            if response.decision == OrderResponse.Decision.VERIFIED:
                events.append(
                    TimelineEvent(
                        when=order.verified_on or response.decided_at,
                        kind="order_verified",
                        title=_("整改通知 %(number)s 整改完成，经核验通过") % {"number": number},
                        detail=_excerpt(response.decision_reason),
                        target=("order", order.pk),
                    )
                )
        if order.overdue_marked_at:
            events.append(
                TimelineEvent(
                    when=order.overdue_marked_at,
                    kind="order_overdue",
                    title=_("整改通知 %(number)s 逾期未完成整改") % {"number": number},
                    detail=order.deadline.isoformat(),
                    target=("order", order.pk),
                )
            )
    return events


def _listing_events(listings) -> list[TimelineEvent]:
    events = []
    for listing in listings:
        label = listing.get_list_kind_display()
        events.append(
            TimelineEvent(
                when=listing.listed_on,
                kind="listing_added",
                title=_("列入%(list)s") % {"list": label},
                detail=listing.reason,
                target=("listing", listing.pk),
            )
        )
        if listing.removed_on:
            events.append(
                TimelineEvent(
                    when=listing.removed_on,
                    kind="listing_removed",
                    title=_("移出%(list)s") % {"list": label},
                    detail=listing.removal_reason,
                    target=("listing", listing.pk),
                )
            )
    return events


def _contract_status_events(contract: Contract) -> list[TimelineEvent]:
    target = ("contract", contract.number)
    events = []
    history = list(
        contract.history.order_by("history_date", "history_id").values_list("status", "history_date", "amount")
    )
    signed_amount = next(
        (amount for status, _day, amount in history if status != Contract.Status.DRAFT), contract.amount
    )
    if contract.signed_on:
        events.append(
            TimelineEvent(
                when=contract.signed_on,
                kind="contract_signed",
                title=_("签订合同，金额 %(amount)s 元") % {"amount": formatting.amount(signed_amount)},
                detail=contract.department.name,
                target=target,
            )
        )
    # The day performance began, as recorded with the action; contracts started before that date was recorded
    # fall back to the moment of the status change in their history.
    performing, previous = contract.performance_started_on, None
    for status, history_date, _amount in history if performing is None else ():
        if status == Contract.Status.PERFORMING and previous is not None and previous != status and not performing:
            performing = history_date
        previous = status
    if performing:
        events.append(TimelineEvent(when=performing, kind="contract_performing", title=_("开始履行"), target=target))
    if contract.completed_on:
        events.append(
            TimelineEvent(when=contract.completed_on, kind="contract_completed", title=_("合同履行完毕"), target=target)
        )
    if contract.terminated_on:
        events.append(
            TimelineEvent(
                when=contract.terminated_on,
                kind="contract_terminated",
                title=_("合同终止"),
                detail=contract.termination_reason,
                target=target,
            )
        )
    return events


def contract_timeline(contract: Contract, *, user=None) -> list[TimelineEvent]:
    """Everything that happened to one contract, oldest first."""
    supervisor = bool(is_superuser(user) or supervises(user, contract.organization))
    insider = supervisor or bool(can_view_contract_evidence(user, contract))
    # Open orders and the answers to them: those who may open the order (supervising officials and the organization's
    # members), not every reader of the contract's evidence (an evaluator is not party to supervision).
    order_insider = supervisor or bool(is_member_of(user, contract.organization))
    events = _contract_status_events(contract)
    target = ("contract", contract.number)

    submissions = Submission.objects.filter(deliverable__contract=contract).select_related("deliverable")
    for submission in submissions:
        title = submission.deliverable.title
        if insider:
            events.append(
                TimelineEvent(
                    when=submission.submitted_at,
                    kind="submission",
                    title=_("提交履约材料：%(title)s") % {"title": title},
                    target=target,
                )
            )
        if submission.decision == Submission.Decision.ACCEPTED:
            # The day the acceptance took place (recorded later, perhaps): after the submission on the same day.
            recorded_that_day = timezone.localdate(submission.decided_at) == submission.accepted_on
            events.append(
                TimelineEvent(
                    when=submission.decided_at
                    if recorded_that_day or not submission.accepted_on
                    else submission.accepted_on,
                    sort_at=submission.submitted_at,
                    kind="submission_accepted",
                    title=_("履约事项通过验收：%(title)s") % {"title": title},
                    detail=submission.decision_comment,
                    target=target,
                )
            )
        elif submission.decision == Submission.Decision.RETURNED and insider:
            events.append(
                TimelineEvent(
                    when=submission.decided_at,
                    kind="submission_returned",
                    title=_("履约材料被退回：%(title)s") % {"title": title},
                    detail=_excerpt(submission.decision_comment),
                    target=target,
                )
            )

    for payment in Payment.objects.filter(contract=contract):
        events.append(
            TimelineEvent(
                when=payment.paid_on,
                kind="payment",
                title=_("第 %(instalment)d 期付款 %(amount)s 元")
                % {"instalment": payment.instalment, "amount": formatting.amount(payment.amount)},
                detail=payment.note,
                target=target,
            )
        )
    for amendment in Amendment.objects.filter(contract=contract):
        events.append(
            TimelineEvent(
                when=amendment.amended_on,
                kind="amendment",
                title=_("合同变更：%(kind)s %(old)s → %(new)s")
                % {"kind": amendment.get_kind_display(), "old": amendment.old_value, "new": amendment.new_value},
                detail=amendment.reason,
                target=target,
            )
        )
    events += _evaluation_events(_finalized_evaluations(contract=contract))
    inspections = Inspection.objects.filter(contract=contract).select_related("department")
    events += _inspection_events(inspections, insider=insider, supervisor=supervisor)
    events += _order_events(orders_with_answers().filter(contract=contract), order_insider)
    created = OrderListing.objects.filter(order__contract=contract, created_listing=True).select_related("listing")
    listings = {order_listing.listing.pk: order_listing.listing for order_listing in created}
    events += _listing_events(listings.values())
    for complaint in Complaint.objects.filter(contract=contract, status=Complaint.Status.UPHELD):
        events.append(
            TimelineEvent(
                when=complaint.decided_at, kind="complaint_upheld", title=_("投诉举报经核实属实"), target=target
            )
        )
    return _sorted(events)


# --- organization --------------------------------------------------------------------------------------------------


def _registry_events(records: OrganizationRecords) -> list[TimelineEvent]:
    organization = records.organization
    target = ("organization", organization.uscc)
    events = [
        TimelineEvent(
            when=organization.established_on,
            kind="registered",
            title=_("成立登记（%(authority)s）") % {"authority": organization.registration_authority.name},
            target=target,
        )
    ]
    history = organization.history.order_by("history_date", "history_id").values_list(
        "status", "status_changed_on", "status_reason", "history_date"
    )
    previous = None
    for status, changed_on, reason, history_date in history:
        if previous is not None and status != previous:
            events.append(
                TimelineEvent(
                    when=changed_on or history_date,
                    kind="status_changed",
                    title=_("登记状态变更为%(status)s") % {"status": Organization.Status(status).label},
                    detail=reason,
                    target=target,
                )
            )
        previous = status
    for inspection in records.annual_inspections:
        events.append(
            TimelineEvent(
                when=inspection.decided_on,
                kind="annual_inspection",
                title=_("%(year)d 年度年检：%(result)s")
                % {"year": inspection.year, "result": inspection.get_result_display()},
                target=target,
            )
        )
    for rating in records.ratings:
        events.append(
            TimelineEvent(
                when=rating.awarded_on,
                kind="rating",
                title=_("评定为 %(grade)s 级社会组织（有效期至 %(until)s）")
                % {"grade": rating.grade, "until": rating.valid_until.isoformat()},
                target=target,
            )
        )
    return events


def _organization_evaluations(records: OrganizationRecords) -> list:
    """The organization's finalized evaluations as its page holds them (the evaluations app is optional), in their
    model's order."""
    try:
        from evaluations.selectors import organization_evaluation_rows
    except ImportError:
        return []
    return sorted(
        organization_evaluation_rows(records), key=lambda evaluation: (evaluation.year, evaluation.pk), reverse=True
    )


def organization_timeline(organization: Organization | OrganizationRecords, *, user=None) -> list[TimelineEvent]:
    """Everything on an organization's record, oldest first, from its page's OrganizationRecords (or its own)."""
    records = OrganizationRecords.of(organization, user=user)
    organization = records.organization
    supervisor = bool(is_superuser(user) or supervises(user, organization))
    insider = supervisor or bool(is_member_of(user, organization))
    events = _registry_events(records)
    # The contracts the page shows, less the drafts, in their model's order (newest year, then number, first).
    contracts = [contract for contract in organization_contract_rows(records) if not contract.is_draft]
    contracts.sort(key=lambda contract: (contract.year, contract.number), reverse=True)
    for contract in contracts:
        target = ("contract", contract.number)
        events.append(
            TimelineEvent(
                when=contract.signed_on,
                kind="contract_signed",
                title=_("签订合同 %(number)s：%(title)s") % {"number": contract.number, "title": contract.title},
                detail=_("%(department)s，%(amount)s 元")
                % {"department": contract.department.name, "amount": formatting.amount(contract.signed_amount)},
                target=target,
            )
        )
        if contract.completed_on:
            events.append(
                TimelineEvent(
                    when=contract.completed_on,
                    kind="contract_completed",
                    title=_("合同 %(number)s 履行完毕") % {"number": contract.number},
                    target=target,
                )
            )
        if contract.terminated_on:
            events.append(
                TimelineEvent(
                    when=contract.terminated_on,
                    kind="contract_terminated",
                    title=_("合同 %(number)s 终止") % {"number": contract.number},
                    detail=contract.termination_reason,
                    target=target,
                )
            )
    events += _evaluation_events(_organization_evaluations(records))
    events += _inspection_events(organization_inspections(records), insider=insider, supervisor=supervisor)
    events += _order_events(organization_orders(records), insider)
    events += _listing_events(records.credit_listings)
    for complaint in organization_upheld_complaints(records):
        events.append(
            TimelineEvent(
                when=complaint.decided_at,
                kind="complaint_upheld",
                title=_("投诉举报经核实属实"),
                target=("organization", organization.uscc),
            )
        )
    return _sorted(events)
