"""Deadline reminders (`manage.py send_reminders`, or the django-tasks task in tasks.py): in-app notifications for
everyone concerned, and e-mail to those who have an address and did not turn that kind of e-mail off.

Organization members hear about their deliverables due within 7 days and their rectification deadlines within 3
days; officials hear about the overdue deliverables and orders in their region (purchasers: deliverables of contracts
of departments they cover; registrars and purchasers: orders of organizations they cover). Each person gets at most
one e-mail per run, listing only the items not reminded to them at that stage before: every item, stage and
recipient is recorded in ReminderLog (unique), written in the same transaction as the sending, so a reminder is sent
once. E-mails are plain text in the recipient's language (User.language).

Every recipient also gets a notification per item and stage (notifications.Notification, once however often the job
runs), whether or not they have an e-mail address: a reminder never vanishes silently. The report counts the
recipients who had no address (they are told in the site only).
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import Contract, Deliverable
from contracts.selectors import deliverable_overdue_list
from notifications.models import Notification
from notifications.services import notify, users_refusing_email
from supervision.models import RectificationOrder, ReminderLog
from supervision.selectors import overdue_order_list
from supervision.workflows import ORDER

logger = logging.getLogger(__name__)

DELIVERABLE_NOTICE_DAYS = 7
ORDER_NOTICE_DAYS = 3
EXCERPT = 60


@dataclass(frozen=True)
class ReminderItem:
    kind: str  # ReminderLog.Kind
    object_id: int
    stage: str  # ReminderLog.Stage
    title: str
    organization: str
    day: datetime.date  # due date or deadline
    region: object  # the Region that decides which officials hear about it
    target: object = None  # the deliverable or order
    url: str = ""

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.kind, self.object_id, self.stage)


@dataclass
class ReminderReport:
    on: datetime.date
    emails_sent: int = 0
    recipients: list[str] = field(default_factory=list)
    items_by_stage: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    notified: list[str] = field(default_factory=list)  # everyone reminded (in the site), e-mail or not
    without_email: list[str] = field(default_factory=list)  # of those, the ones without an e-mail address

    def as_dict(self) -> dict:
        return {
            "on": self.on.isoformat(),
            "emails_sent": self.emails_sent,
            "recipients": list(self.recipients),
            "items_by_stage": dict(self.items_by_stage),
            "errors": list(self.errors),
            "notified": list(self.notified),
            "without_email": list(self.without_email),
        }

    def lines(self) -> list[str]:
        lines = [
            _("提醒日期：%(on)s") % {"on": self.on.isoformat()},
            _("站内提醒：%(count)d 人") % {"count": len(self.notified)},
            _("发送提醒邮件：%(count)d 封（%(users)s）")
            % {"count": self.emails_sent, "users": ", ".join(self.recipients) or "-"},
            _("无电子邮箱、仅站内提醒：%(count)d 人（%(users)s）")
            % {"count": len(self.without_email), "users": ", ".join(self.without_email) or "-"},
        ]
        for key, count in sorted(self.items_by_stage.items()):
            lines.append(_("提醒事项 %(key)s：%(count)d 项") % {"key": key, "count": count})
        return lines + [_("未能发送：%(error)s") % {"error": error} for error in self.errors]


def _excerpt(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "…"


def _deliverable_item(deliverable: Deliverable, stage: str) -> ReminderItem:
    contract = deliverable.contract
    return ReminderItem(
        kind=ReminderLog.Kind.DELIVERABLE,
        object_id=deliverable.pk,
        stage=stage,
        title=f"{contract.number} {contract.title}：{deliverable.title}",
        organization=contract.organization.name,
        day=deliverable.due_on,
        region=contract.department.region,
        target=deliverable,
        url=reverse("contracts:contract-detail", args=[contract.number]),
    )


def _order_item(order: RectificationOrder, stage: str) -> ReminderItem:
    return ReminderItem(
        kind=ReminderLog.Kind.ORDER,
        object_id=order.pk,
        stage=stage,
        title=f"#{order.pk} {order.department.name}：{_excerpt(order.requirements)}",
        organization=order.organization.name,
        day=order.deadline,
        region=order.organization.region,
        target=order,
        url=reverse("supervision:order-detail", args=[order.pk]),
    )


def _due_soon(on: datetime.date) -> tuple[list[tuple[int, ReminderItem]], list[tuple[int, ReminderItem]]]:
    """(organization id, item) pairs of deliverables and orders coming due."""
    deliverables = (
        Deliverable.objects.filter(
            contract__status__in=Contract.ACTIVE_STATUSES,
            status__in=(Deliverable.Status.PENDING, Deliverable.Status.RETURNED),
            due_on__gte=on,
            due_on__lte=on + datetime.timedelta(days=DELIVERABLE_NOTICE_DAYS),
        )
        .select_related("contract__organization", "contract__department__region")
        .order_by("due_on", "pk")
    )
    orders = (
        RectificationOrder.objects.filter(
            status__in=ORDER.statuses_allowing("answer"),
            deadline__gte=on,
            deadline__lte=on + datetime.timedelta(days=ORDER_NOTICE_DAYS),
        )
        .select_related("organization__region", "department")
        .order_by("deadline", "pk")
    )
    stage = ReminderLog.Stage.DUE_SOON
    return (
        [(d.contract.organization_id, _deliverable_item(d, stage)) for d in deliverables],
        [(o.organization_id, _order_item(o, stage)) for o in orders],
    )


def _recipients():
    """Everyone who may be reminded: active users, with or without an e-mail address."""
    return get_user_model().objects.filter(is_active=True)


def collect(on: datetime.date) -> dict:
    """Every (recipient → items) pair due at `on`, before removing what was already sent."""
    plan: dict = defaultdict(list)

    deliverables_soon, orders_soon = _due_soon(on)
    organization_ids = {organization_id for organization_id, _item in deliverables_soon + orders_soon}
    members = defaultdict(list)
    for member in _recipients().filter(organization_id__in=organization_ids):
        members[member.organization_id].append(member)
    for organization_id, item in deliverables_soon + orders_soon:
        for member in members[organization_id]:
            plan[member].append(item)

    stage = ReminderLog.Stage.OVERDUE
    overdue = [_deliverable_item(d, stage) for d in deliverable_overdue_list(on=on)]
    overdue_orders = [_order_item(o, stage) for o in overdue_order_list(on=on)]
    if overdue or overdue_orders:
        officials = list(
            _recipients()
            .filter(Q(is_purchaser=True) | Q(is_registrar=True), department__isnull=False)
            .select_related("department__region")
        )
        for official in officials:
            covers = official.department.region.covers
            if official.is_purchaser:
                plan[official].extend(item for item in overdue if covers(item.region))
            plan[official].extend(item for item in overdue_orders if covers(item.region))
    return {recipient: items for recipient, items in plan.items() if items}


def _already_sent(plan: dict) -> set[tuple[str, int, str, int]]:
    keys = {item.key for items in plan.values() for item in items}
    if not keys:
        return set()
    condition = Q(pk__in=[])
    by_kind_stage = defaultdict(set)
    for kind, object_id, stage in keys:
        by_kind_stage[(kind, stage)].add(object_id)
    for (kind, stage), object_ids in by_kind_stage.items():
        condition |= Q(kind=kind, stage=stage, object_id__in=object_ids)
    return set(
        ReminderLog.objects.filter(condition, recipient__in=list(plan)).values_list(
            "kind", "object_id", "stage", "recipient_id"
        )
    )


def _message(recipient, items: list[ReminderItem], on: datetime.date) -> EmailMessage:
    with translation.override(recipient.language or None):
        member_items = [item for item in items if item.stage == ReminderLog.Stage.DUE_SOON]
        official_items = [item for item in items if item.stage == ReminderLog.Stage.OVERDUE]
        context = {
            "recipient": recipient,
            "on": on,
            "deliverables_due": [i for i in member_items if i.kind == ReminderLog.Kind.DELIVERABLE],
            "orders_due": [i for i in member_items if i.kind == ReminderLog.Kind.ORDER],
            "deliverables_overdue": [i for i in official_items if i.kind == ReminderLog.Kind.DELIVERABLE],
            "orders_overdue": [i for i in official_items if i.kind == ReminderLog.Kind.ORDER],
            "deliverable_days": DELIVERABLE_NOTICE_DAYS,
            "order_days": ORDER_NOTICE_DAYS,
        }
        body = render_to_string("supervision/email/reminder.txt", context)
        if official_items and not member_items:
            subject = _("【契约】辖区内有 %(count)d 项事项已逾期") % {"count": len(official_items)}
        else:
            subject = _("【契约】您有 %(count)d 项事项即将到期或已逾期") % {"count": len(items)}
    return EmailMessage(subject=subject, body=body, to=[recipient.email])


NOTIFICATION_KINDS = {
    (ReminderLog.Kind.DELIVERABLE, ReminderLog.Stage.DUE_SOON): Notification.Kind.DELIVERABLE_DUE,
    (ReminderLog.Kind.DELIVERABLE, ReminderLog.Stage.OVERDUE): Notification.Kind.DELIVERABLE_OVERDUE,
    (ReminderLog.Kind.ORDER, ReminderLog.Stage.DUE_SOON): Notification.Kind.ORDER_DUE,
    (ReminderLog.Kind.ORDER, ReminderLog.Stage.OVERDUE): Notification.Kind.ORDER_OVERDUE,
}
DUE_SOON_TITLE = gettext_lazy("即将到期（%(day)s）：%(title)s")
OVERDUE_TITLE = gettext_lazy("已逾期（%(day)s 到期）：%(title)s")


def _notify_in_site(plan: dict) -> None:
    """One notification per recipient, item and stage (the same one is never written twice)."""
    recipients_by_item: dict = defaultdict(list)
    items = {}
    for recipient, recipient_items in plan.items():
        for item in recipient_items:
            recipients_by_item[item.key].append(recipient)
            items[item.key] = item
    for key, recipients in recipients_by_item.items():
        item = items[key]
        notify(
            recipients=recipients,
            kind=NOTIFICATION_KINDS[(item.kind, item.stage)],
            target=item.target,
            stage=item.stage,
            title=DUE_SOON_TITLE if item.stage == ReminderLog.Stage.DUE_SOON else OVERDUE_TITLE,
            params={"day": item.day.isoformat(), "title": item.title},
            body=item.organization,
            url=item.url,
        )


def _email_wanted(plan: dict) -> dict:
    """The plan narrowed to recipients with an address, each without the kinds they turned e-mail off for."""
    refusing = {
        kind: users_refusing_email(kind, [user.pk for user in plan]) for kind in set(NOTIFICATION_KINDS.values())
    }
    wanted = {}
    for recipient, items in plan.items():
        if not recipient.email:
            continue
        kept = [item for item in items if recipient.pk not in refusing[NOTIFICATION_KINDS[(item.kind, item.stage)]]]
        if kept:
            wanted[recipient] = kept
    return wanted


def send_reminders(*, on: datetime.date | None = None, email: bool = True) -> ReminderReport:
    """Remind everyone of what is due at `on` (today): a notification in the site for each, and (unless `email` is
    False) an e-mail with every reminder not sent before to each who has an address and wants it; returns what was
    done."""
    on = on or timezone.localdate()
    report = ReminderReport(on=on)
    everyone = collect(on)
    with transaction.atomic():
        _notify_in_site(everyone)
    report.notified = sorted(user.username for user in everyone)
    report.without_email = sorted(user.username for user in everyone if not user.email)
    plan = _email_wanted(everyone) if email else {}
    sent = _already_sent(plan)
    counts: dict[str, int] = defaultdict(int)
    for recipient in sorted(plan, key=lambda user: user.pk):
        items = [item for item in plan[recipient] if (*item.key, recipient.pk) not in sent]
        if not items:
            continue
        try:
            with transaction.atomic():
                ReminderLog.objects.bulk_create(
                    ReminderLog(
                        kind=item.kind,
                        object_id=item.object_id,
                        stage=item.stage,
                        recipient=recipient,
                        sent_at=timezone.now(),
                    )
                    for item in items
                )
                _message(recipient, items, on).send()
        except IntegrityError:
            # A concurrent run recorded (and sent) these first.
            continue
        except (smtplib.SMTPException, OSError) as error:  # mail refused: nothing recorded, the next run tries again
            logger.warning("reminder to %s failed: %s", recipient.username, error)
            report.errors.append(f"{recipient.username}: {error}")
            continue
        report.emails_sent += 1
        report.recipients.append(recipient.username)
        for item in items:
            counts[f"{item.kind}:{item.stage}"] += 1
    report.items_by_stage = dict(counts)
    return report
