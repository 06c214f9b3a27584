"""Who hears about what happens to rectification orders and complaints (notifications.services.notify).

Orders: the organization's members when one is issued, verified or returned; the issuing department's officials (and
whoever issued it) when it is answered. Complaints: the registrars of the organization's registration authority and
the purchasers of the contract's department, when it arrives and at each change of status — each only if they may
handle it (`permissions.can_handle_complaint`), so nobody is sent to a page they cannot open.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from notifications.models import Notification
from notifications.selectors import department_staff, organization_members
from notifications.services import notify
from supervision import permissions
from supervision.models import Complaint, OrderResponse, RectificationOrder


def _order_url(order: RectificationOrder) -> str:
    return reverse("supervision:order-detail", args=[order.pk])


def order_issued(order: RectificationOrder, *, actor) -> None:
    notify(
        recipients=organization_members(order.organization_id),
        kind=Notification.Kind.ORDER_ISSUED,
        target=order,
        stage="issued",
        title=_("%(department)s 下达整改通知，整改期限 %(deadline)s"),
        params={"department": order.department.name, "deadline": order.deadline.isoformat()},
        body=order.requirements,
        url=reverse("supervision:order-answer", args=[order.pk]),
        actor=actor,
    )


def order_answered(order: RectificationOrder, response: OrderResponse, *, actor) -> None:
    recipients = list(department_staff(order.department_id, registrars=True, purchasers=True))
    if order.issued_by is not None:
        recipients.append(order.issued_by)
    recipients = [user for user in recipients if permissions.can_decide_order(user, order)]
    notify(
        recipients=recipients,
        kind=Notification.Kind.ORDER_ANSWERED,
        target=order,
        stage=f"answered:{response.pk}",
        title=_("%(organization)s 已答复整改通知 #%(pk)s，待核验"),
        params={"organization": order.organization.name, "pk": order.pk},
        url=reverse("supervision:order-decide", args=[order.pk]),
        actor=actor,
    )


def order_decided(order: RectificationOrder, response: OrderResponse, *, actor) -> None:
    verified = response.decision == OrderResponse.Decision.VERIFIED
    notify(
        recipients=organization_members(order.organization_id),
        kind=Notification.Kind.ORDER_VERIFIED if verified else Notification.Kind.ORDER_RETURNED,
        target=order,
        stage=f"{response.decision}:{response.pk}",
        title=_("整改通知 #%(pk)s 的答复已核验通过")
        if verified
        else _("整改通知 #%(pk)s 的答复被退回，请在 %(deadline)s 前重新答复"),
        params={"pk": order.pk, "deadline": order.deadline.isoformat()},
        body=response.decision_reason,
        url=_order_url(order) if verified else reverse("supervision:order-answer", args=[order.pk]),
        actor=actor,
    )


def complaint_handlers(complaint: Complaint) -> list:
    organization = complaint.organization
    users = list(
        department_staff(organization.registration_authority_id, registrars=True).select_related("department__region")
    )
    if complaint.contract_id is not None:
        users += department_staff(complaint.contract.department_id, purchasers=True).select_related(
            "department__region"
        )
    return [user for user in users if permissions.can_handle_complaint(user, complaint)]


def complaint_changed(complaint: Complaint, *, actor=None) -> None:
    """A complaint arrived (status received) or moved on: its handlers hear of each status once."""
    received = complaint.status == Complaint.Status.RECEIVED
    notify(
        recipients=complaint_handlers(complaint),
        kind=Notification.Kind.COMPLAINT,
        target=complaint,
        stage=complaint.status,
        title=_("收到关于 %(organization)s 的投诉举报：%(subject)s")
        if received
        else _("投诉举报“%(subject)s”（%(organization)s）：%(status)s"),
        params={
            "organization": complaint.organization.name,
            "subject": complaint.subject,
            "status": Complaint.Status(complaint.status).label,
        },
        url=reverse("supervision:complaint-detail", args=[complaint.pk]),
        actor=actor,
    )
