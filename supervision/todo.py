"""Supervision's kinds of to-do items (see notifications/todo.py): complaints to accept and close, answers to verify,
overdue orders, inspections of this year's draw, listings that may be removed, and orders to answer.

Officials' items are scoped like the supervision pages (the organization lies in the official's region, as
`permissions.supervises` decides; superusers see everything); a purchaser's own items narrow that to the orders their
department issued and the complaints about their department's contracts; members' items to their own organization.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.permissions import in_official_region, is_official, is_registrar, is_superuser
from contracts.selectors import managed_by
from notifications import todo
from supervision.models import Complaint, Inspection, RectificationOrder
from supervision.selectors import listings_removable, overdue_order_condition
from supervision.workflows import COMPLAINT, ORDER

# Complaint handling periods, counted from the day of receipt (common practice, see docs: 15 days to decide on
# acceptance and start the review, 60 days to close with a written outcome).
COMPLAINT_ACCEPT_DAYS = 15
COMPLAINT_CLOSE_DAYS = 60


def _in_region(queryset, user, region_field: str = "organization__region", *, registrars_only: bool = False):
    if is_superuser(user):
        return queryset
    allowed = is_registrar(user) if registrars_only else is_official(user)
    if not allowed:
        return queryset.none()
    return queryset.filter(in_official_region(user, queryset.model, region_field))


def _start_of(day: datetime.date) -> datetime.datetime:
    """Midnight at the start of `day` in TIME_ZONE (deadlines compare in local days)."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def complaint_deadline(complaint: Complaint) -> datetime.date:
    """The day by which the complaint's current step is due: the acceptance decision, or its outcome (the handling
    deadline set at acceptance; for complaints accepted before it was recorded, 60 days from receipt)."""
    if complaint.status != Complaint.Status.RECEIVED and complaint.handling_deadline is not None:
        return complaint.handling_deadline
    days = COMPLAINT_ACCEPT_DAYS if complaint.status == Complaint.Status.RECEIVED else COMPLAINT_CLOSE_DAYS
    return timezone.localdate(complaint.received_at) + datetime.timedelta(days=days)


def _complaint_overdue(today: datetime.date) -> Q:
    accept_by = _start_of(today - datetime.timedelta(days=COMPLAINT_ACCEPT_DAYS))
    close_by = _start_of(today - datetime.timedelta(days=COMPLAINT_CLOSE_DAYS))
    in_handling = Q(status__in=(Complaint.Status.ACCEPTED, Complaint.Status.UNDER_REVIEW))
    return (
        Q(status=Complaint.Status.RECEIVED, received_at__lt=accept_by)
        | (in_handling & Q(handling_deadline__lt=today))
        | (in_handling & Q(handling_deadline__isnull=True, received_at__lt=close_by))
    )


def _complaint_item(complaint: Complaint) -> todo.Item:
    return todo.Item(
        title=complaint.subject,
        detail=f"{complaint.organization.name} · {complaint.get_status_display()}",
        url=reverse("supervision:complaint-detail", args=[complaint.pk]),
        deadline=complaint_deadline(complaint),
    )


def _order_title(order: RectificationOrder) -> str:
    return _("整改通知 %(number)s") % {"number": order.label}


# --- registrars ------------------------------------------------------------------------------------------------------


@todo.kind("supervision.complaints_received", _("待受理的投诉举报"), role=todo.REGISTRAR, order=10)
def complaints_received(user, today: datetime.date) -> todo.Source:
    rows = Complaint.objects.filter(status__in=COMPLAINT.statuses_allowing("accept")).select_related("organization")
    return todo.Source(
        rows=_in_region(rows, user),
        order_by=("received_at", "pk"),
        overdue=_complaint_overdue(today),
        item=_complaint_item,
    )


@todo.kind("supervision.complaints_reviewing", _("核实中待办结的投诉举报"), role=todo.REGISTRAR, order=20)
def complaints_under_review(user, today: datetime.date) -> todo.Source:
    rows = Complaint.objects.filter(
        status__in=(Complaint.Status.ACCEPTED, Complaint.Status.UNDER_REVIEW)
    ).select_related("organization")
    return todo.Source(
        rows=_in_region(rows, user),
        order_by=("received_at", "pk"),
        overdue=_complaint_overdue(today),
        item=_complaint_item,
    )


@todo.kind("supervision.answers", _("待核验的整改答复"), role=todo.REGISTRAR, order=30)
def answers_to_verify(user, today: datetime.date) -> todo.Source:
    rows = RectificationOrder.objects.filter(status__in=ORDER.statuses_allowing("verify")).select_related(
        "organization"
    )
    return todo.Source(
        rows=_in_region(rows, user, registrars_only=True),
        order_by=("deadline", "pk"),
        item=lambda order: todo.Item(
            title=_order_title(order),
            detail=order.organization.name,
            url=reverse("supervision:order-decide", args=[order.pk]),
            deadline=order.deadline,
        ),
    )


@todo.kind("supervision.orders_overdue", _("逾期未整改的整改通知"), role=todo.REGISTRAR, order=40)
def orders_overdue(user, today: datetime.date) -> todo.Source:
    rows = RectificationOrder.objects.filter(overdue_order_condition(today)).select_related("organization")
    return todo.Source(
        rows=_in_region(rows, user, registrars_only=True),
        order_by=("deadline", "pk"),
        overdue=Q(deadline__lt=today),
        item=lambda order: todo.Item(
            title=_order_title(order),
            detail=order.organization.name,
            url=reverse("supervision:order-detail", args=[order.pk]),
            deadline=order.deadline,
        ),
    )


@todo.kind("supervision.draw_inspections", _("本年度随机抽查尚未登记结果"), role=todo.REGISTRAR, order=50)
def draw_inspections_open(user, today: datetime.date) -> todo.Source:
    rows = Inspection.objects.filter(
        status=Inspection.Status.PLANNED, sample_draw__isnull=False, sample_draw__year=today.year
    ).select_related("organization")
    return todo.Source(
        rows=_in_region(rows, user, registrars_only=True),
        order_by=("planned_on", "pk"),
        overdue=Q(planned_on__lt=today),
        item=lambda inspection: todo.Item(
            title=inspection.organization.name,
            detail=inspection.get_kind_display(),
            url=reverse("supervision:inspection-complete", args=[inspection.pk]),
            deadline=inspection.planned_on,
        ),
    )


@todo.kind("supervision.listings_removable", _("可以移出活动异常名录的组织"), role=todo.REGISTRAR, order=70)
def removable_listings(user, today: datetime.date) -> todo.Source:
    rows = listings_removable(user).select_related(None).select_related("organization")
    rows = rows.prefetch_related(None)
    return todo.Source(
        rows=rows,
        order_by=("listed_on", "pk"),
        item=lambda listing: todo.Item(
            title=listing.organization.name,
            detail=listing.get_list_kind_display(),
            url=reverse("registry:listing-remove", args=[listing.organization.uscc, listing.pk]),
        ),
    )


# --- purchasers ------------------------------------------------------------------------------------------------------


@todo.kind("supervision.department_answers", _("本部门下达待核验的整改通知"), role=todo.PURCHASER, order=80)
def department_answers(user, today: datetime.date) -> todo.Source:
    rows = RectificationOrder.objects.filter(
        status__in=ORDER.statuses_allowing("verify"), department_id=user.department_id
    ).select_related("organization")
    return todo.Source(
        rows=_in_region(rows, user),
        order_by=("deadline", "pk"),
        item=lambda order: todo.Item(
            title=_order_title(order),
            detail=order.organization.name,
            url=reverse("supervision:order-decide", args=[order.pk]),
            deadline=order.deadline,
        ),
    )


@todo.kind("supervision.contract_complaints", _("涉及本部门合同的投诉举报"), role=todo.PURCHASER, order=85)
def contract_complaints(user, today: datetime.date) -> todo.Source:
    rows = Complaint.objects.filter(
        status__in=(Complaint.Status.RECEIVED, Complaint.Status.UNDER_REVIEW), contract__isnull=False
    ).select_related("organization")
    own = managed_by(user, "contract__department")
    if own is not None:
        rows = rows.filter(own)
    return todo.Source(
        rows=_in_region(rows, user),
        order_by=("received_at", "pk"),
        overdue=_complaint_overdue(today),
        item=_complaint_item,
    )


# --- organization members --------------------------------------------------------------------------------------------


@todo.kind("supervision.orders_to_answer", _("待答复的整改通知"), role=todo.MEMBER, order=30)
def orders_to_answer(user, today: datetime.date) -> todo.Source:
    rows = RectificationOrder.objects.filter(
        organization_id=user.organization_id, status__in=ORDER.statuses_allowing("answer")
    ).select_related("department")
    return todo.Source(
        rows=rows,
        order_by=("deadline", "pk"),
        overdue=Q(deadline__lt=today),
        item=lambda order: todo.Item(
            title=_order_title(order),
            detail=order.department.name,
            url=reverse("supervision:order-answer", args=[order.pk]),
            deadline=order.deadline,
        ),
    )
