"""The contracts' kinds of to-do items (see notifications/todo.py): what purchasers and organization members have to
do about purchase lists, contracts, deliverables and payments.

Purchasers' items are their own department's (`selectors.managed_by`: a subset of what `can_manage_contract` lets
them open), members' items their own organization's; each links to the page where the action is taken.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, Deliverable, PurchaseList, Submission
from contracts.selectors import managed_by, overdue_condition
from contracts.workflows import CONTRACT
from notifications import todo

DUE_SOON_DAYS = 14  # members see deliverables due within this many days
ENDING_DAYS = 30  # purchasers see contracts ending within this many days
STALE_DRAFT_DAYS = 30  # drafts created more than this many days ago (local days) are brought back to mind


def _scoped(queryset, user, department_field: str):
    visible = managed_by(user, department_field)
    return queryset if visible is None else queryset.filter(visible)


def _contract_url(contract: Contract) -> str:
    return reverse("contracts:contract-detail", args=[contract.number])


def _stale_before(today: datetime.date) -> datetime.datetime:
    """Drafts created before this moment are stale: the start, in TIME_ZONE, of the day STALE_DRAFT_DAYS before
    today. Whole local days, as every deadline of the list, so that the list is the same all day long."""
    day = today - datetime.timedelta(days=STALE_DRAFT_DAYS)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _deliverable_title(deliverable: Deliverable) -> str:
    return f"{deliverable.contract.number} {deliverable.title}"


# --- purchasers ------------------------------------------------------------------------------------------------------


@todo.kind("contracts.submissions", _("待验收的履约提交"), role=todo.PURCHASER, order=10)
def submissions_waiting(user, today: datetime.date) -> todo.Source:
    rows = Submission.objects.filter(
        decision__isnull=True,
        deliverable__contract__status__in=CONTRACT.statuses_allowing("decide_submission"),
    ).select_related("deliverable__contract__organization")
    return todo.Source(
        rows=_scoped(rows, user, "deliverable__contract__department"),
        order_by=("submitted_at", "pk"),
        item=lambda submission: todo.Item(
            title=_deliverable_title(submission.deliverable),
            detail=submission.deliverable.contract.organization.name,
            url=reverse("contracts:submission-decide", args=[submission.deliverable.contract.number, submission.pk]),
            deadline=None,
        ),
    )


@todo.kind("contracts.overdue", _("逾期未验收的履约事项"), role=todo.PURCHASER, order=20)
def deliverables_overdue(user, today: datetime.date) -> todo.Source:
    rows = Deliverable.objects.filter(overdue_condition(today)).select_related("contract__organization")
    return todo.Source(
        rows=_scoped(rows, user, "contract__department"),
        order_by=("due_on", "pk"),
        overdue=Q(due_on__lt=today),
        item=lambda deliverable: todo.Item(
            title=_deliverable_title(deliverable),
            detail=deliverable.contract.organization.name,
            url=_contract_url(deliverable.contract),
            deadline=deliverable.due_on,
        ),
    )


@todo.kind("contracts.unpaid", _("已验收待付款的履约事项"), role=todo.PURCHASER, order=30)
def accepted_unpaid(user, today: datetime.date) -> todo.Source:
    rows = (
        Deliverable.objects.filter(
            status=Deliverable.Status.ACCEPTED,
            contract__status__in=CONTRACT.statuses_allowing("record_payment"),
        )
        .filter(paid=False)  # no payment recorded against it (kept on the row: contracts migration 0015)
        .select_related("contract__organization")
    )
    return todo.Source(
        rows=_scoped(rows, user, "contract__department"),
        order_by=("accepted_at", "pk"),
        item=lambda deliverable: todo.Item(
            title=_deliverable_title(deliverable),
            detail=deliverable.contract.organization.name,
            url=reverse("contracts:payment-create", args=[deliverable.contract.number]),
        ),
    )


@todo.kind("contracts.ending", _("30 日内到期的合同"), role=todo.PURCHASER, order=40)
def contracts_ending(user, today: datetime.date) -> todo.Source:
    rows = Contract.objects.filter(
        status__in=Contract.ACTIVE_STATUSES,
        end_on__gte=today,
        end_on__lte=today + datetime.timedelta(days=ENDING_DAYS),
    ).select_related("organization")
    return todo.Source(
        rows=_scoped(rows, user, "department"),
        order_by=("end_on", "pk"),
        item=lambda contract: todo.Item(
            title=f"{contract.number} {contract.title}",
            detail=contract.organization.name,
            url=_contract_url(contract),
            deadline=contract.end_on,
        ),
    )


@todo.kind("contracts.stale_drafts", _("超过 30 日的合同草稿"), role=todo.PURCHASER, order=90)
def stale_contract_drafts(user, today: datetime.date) -> todo.Source:
    rows = Contract.objects.filter(status=Contract.Status.DRAFT, created_at__lt=_stale_before(today)).select_related(
        "organization"
    )
    return todo.Source(
        rows=_scoped(rows, user, "department"),
        order_by=("created_at", "pk"),
        item=lambda contract: todo.Item(
            title=f"{contract.number} {contract.title}",
            detail=contract.organization.name,
            url=_contract_url(contract),
        ),
    )


@todo.kind("contracts.stale_lists", _("超过 30 日的购买目录草稿"), role=todo.PURCHASER, order=91)
def stale_list_drafts(user, today: datetime.date) -> todo.Source:
    rows = PurchaseList.objects.filter(
        status=PurchaseList.Status.DRAFT, created_at__lt=_stale_before(today)
    ).select_related("department")
    return todo.Source(
        rows=_scoped(rows, user, "department"),
        order_by=("created_at", "pk"),
        item=lambda purchase_list: todo.Item(
            title=purchase_list.title,
            detail=purchase_list.department.name,
            url=reverse("contracts:purchase-list-detail", args=[purchase_list.pk]),
        ),
    )


# --- organization members --------------------------------------------------------------------------------------------


def _own_deliverables(user):
    return Deliverable.objects.filter(
        contract__organization_id=user.organization_id,
        contract__status__in=CONTRACT.statuses_allowing("submit_deliverable"),
    ).select_related("contract")


def _submit_item(deliverable: Deliverable) -> todo.Item:
    return todo.Item(
        title=_deliverable_title(deliverable),
        detail=deliverable.contract.title,
        url=reverse("contracts:submission-create", args=[deliverable.contract.number, deliverable.pk]),
        deadline=deliverable.due_on,
    )


@todo.kind("contracts.due", _("14 日内到期或已逾期的履约事项"), role=todo.MEMBER, order=10)
def deliverables_due(user, today: datetime.date) -> todo.Source:
    rows = _own_deliverables(user).filter(
        status=Deliverable.Status.PENDING, due_on__lte=today + datetime.timedelta(days=DUE_SOON_DAYS)
    )
    return todo.Source(rows=rows, order_by=("due_on", "pk"), overdue=Q(due_on__lt=today), item=_submit_item)


@todo.kind("contracts.returned", _("被退回待重新提交的履约事项"), role=todo.MEMBER, order=20)
def deliverables_returned(user, today: datetime.date) -> todo.Source:
    rows = _own_deliverables(user).filter(status=Deliverable.Status.RETURNED)
    return todo.Source(rows=rows, order_by=("due_on", "pk"), overdue=Q(due_on__lt=today), item=_submit_item)
