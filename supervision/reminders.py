"""Deadline reminders (`manage.py send_reminders`, or the django-tasks task in tasks.py): one source of events, two
channels. The job first writes the in-site notifications (notifications.Notification, one per recipient, item and
stage, whether or not the recipient has an e-mail address), then e-mails each recipient one digest a day made from
those notifications.

Who hears about what: organization members about their deliverables due within 7 days and their rectification
deadlines within 3 days; officials about the overdue deliverables and orders in their region (purchasers: deliverables
of contracts of departments they cover; registrars and purchasers: orders of organizations they cover).

What is already done is filtered in SQL, so a run with nothing new reads a few index ranges and sends nothing:
- members: the (member, item) pairs without a notification of that stage (a new member still hears of an item the
  others were told of);
- officials: the items not yet announced at that stage to anyone (an official who arrives later finds them on the
  待办 page, which is computed from the records) — an overdue backlog is hundreds of thousands of (official, item)
  pairs, and checking them all on every run is what this avoids.

The digest (`ReminderDigest`, one per recipient and day, unique): counts per kind, the first `DIGEST_ITEMS_PER_KIND`
items of each kind (earliest deadline first) with their links, and a link to the full list — at most 4 × 10 lines,
each title at most 300 characters, so a digest stays under about 20,000 characters however large the backlog. It
covers the recipient's reminder notifications not yet e-mailed (of the last `NOTIFICATION_EMAIL_DAYS` days) of the
kinds they did not turn off, and marks them e-mailed in the same transaction as the sending: nothing is e-mailed twice,
and a refused e-mail leaves them for the next run. E-mails are plain text in the recipient's language (User.language).
The report counts the recipients without an address (they are told in the site only).
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMessage
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, F, OuterRef, Q, Window
from django.db.models.functions import RowNumber
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import Contract, Deliverable
from contracts.selectors import deliverable_overdue_list
from core.jobs import shown
from notifications.models import EmailPreference, Notification
from notifications.services import Notice, notify_many
from supervision.models import RectificationOrder, ReminderDigest
from supervision.selectors import overdue_order_list
from supervision.workflows import ORDER

logger = logging.getLogger(__name__)

DELIVERABLE_NOTICE_DAYS = 7
ORDER_NOTICE_DAYS = 3
DIGEST_ITEMS_PER_KIND = 10
# A run that writes this many notifications refreshes the planner's statistics of the table.
ANALYZE_AFTER = 10_000
EXCERPT = 60
DUE_SOON = "due_soon"
OVERDUE = "overdue"

DUE_SOON_TITLE = gettext_lazy("即将到期（%(day)s）：%(title)s")
OVERDUE_TITLE = gettext_lazy("已逾期（%(day)s 到期）：%(title)s")


@dataclass
class ReminderReport:
    on: datetime.date
    emails_sent: int = 0
    recipients: list[str] = field(default_factory=list)
    items_by_stage: dict[str, int] = field(default_factory=dict)  # items e-mailed, by kind
    errors: list[str] = field(default_factory=list)
    notified: list[str] = field(default_factory=list)  # everyone told in the site this run, e-mail or not
    notifications: int = 0  # notifications written this run
    without_email: list[str] = field(default_factory=list)  # of those, the ones without an e-mail address
    found: dict[str, int] = field(default_factory=dict)  # items due or overdue, by kind, told before or not

    def as_dict(self) -> dict:
        return {
            "on": self.on.isoformat(),
            "emails_sent": self.emails_sent,
            "recipients": list(self.recipients),
            "items_by_stage": dict(self.items_by_stage),
            "errors": list(self.errors),
            "notified": list(self.notified),
            "notifications": self.notifications,
            "without_email": list(self.without_email),
            "found": dict(self.found),
        }

    def lines(self) -> list[str]:
        found = {kind: self.found.get(kind, 0) for kind in DIGEST_KINDS}
        lines = [
            _("提醒日期：%(on)s") % {"on": self.on.isoformat()},
            _(
                "到期事项：即将到期的履约事项 %(due)d 项、整改通知 %(orders_due)d 项；已逾期的履约事项 %(overdue)d 项、"
                "整改通知 %(orders_overdue)d 项（此前已提醒过的不再提醒）"
            )
            % {
                "due": found[Notification.Kind.DELIVERABLE_DUE],
                "orders_due": found[Notification.Kind.ORDER_DUE],
                "overdue": found[Notification.Kind.DELIVERABLE_OVERDUE],
                "orders_overdue": found[Notification.Kind.ORDER_OVERDUE],
            },
            _("站内提醒：%(count)d 人，%(items)d 条") % {"count": len(self.notified), "items": self.notifications},
            _("发送提醒邮件：%(count)d 封（%(users)s）") % {"count": self.emails_sent, "users": shown(self.recipients)},
            _("无电子邮箱、仅站内提醒：%(count)d 人（%(users)s）")
            % {"count": len(self.without_email), "users": shown(self.without_email)},
        ]
        for key, count in sorted(self.items_by_stage.items()):
            lines.append(_("提醒事项 %(key)s：%(count)d 项") % {"key": key, "count": count})
        return lines + [_("未能发送：%(error)s") % {"error": error} for error in self.errors]


# ---- the in-site channel: which items, who hears of them -------------------------------------------------------


def _excerpt(text: str) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "…"


def _deliverable_notice(deliverable: Deliverable, stage: str, recipients) -> Notice:
    contract = deliverable.contract
    return Notice(
        recipients=recipients,
        kind=Notification.Kind.DELIVERABLE_DUE if stage == DUE_SOON else Notification.Kind.DELIVERABLE_OVERDUE,
        target=deliverable,
        stage=stage,
        title=DUE_SOON_TITLE if stage == DUE_SOON else OVERDUE_TITLE,
        params={
            "day": deliverable.due_on.isoformat(),
            "title": f"{contract.number} {contract.title}：{deliverable.title}",
        },
        body=contract.organization.name,
        url=reverse("contracts:contract-detail", args=[contract.number]),
    )


def _order_notice(order: RectificationOrder, stage: str, recipients) -> Notice:
    return Notice(
        recipients=recipients,
        kind=Notification.Kind.ORDER_DUE if stage == DUE_SOON else Notification.Kind.ORDER_OVERDUE,
        target=order,
        stage=stage,
        title=DUE_SOON_TITLE if stage == DUE_SOON else OVERDUE_TITLE,
        params={
            "day": order.deadline.isoformat(),
            "title": f"{order.label} {order.department.name}：{_excerpt(order.requirements)}",
        },
        body=order.organization.name,
        url=reverse("supervision:order-detail", args=[order.pk]),
    )


def _told(model, kind: str, stage: str) -> Exists:
    """Someone was told of the item (a row of `model`) at `stage`: one probe of the index notification_target."""
    return Exists(
        Notification.objects.filter(
            target_id=OuterRef("pk"), target_type=ContentType.objects.get_for_model(model), kind=kind, stage=stage
        )
    )


def _not_announced(queryset, kind: str, stage: str):
    """The items of `queryset` no one was told of at `stage` yet."""
    return queryset.filter(~_told(queryset.model, kind, stage))


def _found_and_new(queryset, kind: str, stage: str) -> tuple[int, int]:
    """How many items `queryset` holds, and how many of them no one was told of at `stage` yet: one query, which
    probes the notifications item by item (a run with nothing new reads no notification beyond those probes)."""
    figures = queryset.order_by().aggregate(
        found=Count("pk"), new=Count("pk", filter=~_told(queryset.model, kind, stage))
    )
    return figures["found"], figures["new"]


def _member_pairs(items, organization_path: str, kind: str, stage: str) -> list[tuple[int, int]]:
    """(item id, member id) of the active members of each item's organization not yet told of it at `stage`."""
    sql, params = items.values(item_id=F("pk"), org_id=F(organization_path)).order_by().query.sql_with_params()
    quote = connection.ops.quote_name
    user_table = quote(get_user_model()._meta.db_table)
    notification_table = quote(Notification._meta.db_table)
    target_type = ContentType.objects.get_for_model(items.model).pk
    query = (
        f"SELECT i.item_id, u.id FROM ({sql}) i JOIN {user_table} u ON u.organization_id = i.org_id "
        f"WHERE u.is_active AND NOT EXISTS (SELECT 1 FROM {notification_table} n WHERE n.recipient_id = u.id "
        "AND n.kind = %s AND n.target_type_id = %s AND n.target_id = i.item_id AND n.stage = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, (*params, kind, target_type, stage))
        return cursor.fetchall()


def _members_notices(on: datetime.date, found: dict[str, int]) -> list[Notice]:
    deliverables = Deliverable.objects.filter(
        contract__status__in=Contract.ACTIVE_STATUSES,
        status__in=(Deliverable.Status.PENDING, Deliverable.Status.RETURNED),
        due_on__gte=on,
        due_on__lte=on + datetime.timedelta(days=DELIVERABLE_NOTICE_DAYS),
    )
    orders = RectificationOrder.objects.filter(
        status__in=ORDER.statuses_allowing("answer"),
        deadline__gte=on,
        deadline__lte=on + datetime.timedelta(days=ORDER_NOTICE_DAYS),
    )
    found[Notification.Kind.DELIVERABLE_DUE] = deliverables.count()
    found[Notification.Kind.ORDER_DUE] = orders.count()
    if not found[Notification.Kind.DELIVERABLE_DUE] and not found[Notification.Kind.ORDER_DUE]:
        return []
    deliverable_pairs = _member_pairs(
        deliverables, "contract__organization_id", Notification.Kind.DELIVERABLE_DUE, DUE_SOON
    )
    order_pairs = _member_pairs(orders, "organization_id", Notification.Kind.ORDER_DUE, DUE_SOON)
    if not deliverable_pairs and not order_pairs:
        return []
    users = get_user_model().objects.in_bulk({user for _item, user in deliverable_pairs + order_pairs})
    notices = []
    for queryset, pairs, make in (
        (
            deliverables.select_related("contract__organization"),
            deliverable_pairs,
            _deliverable_notice,
        ),
        (orders.select_related("organization", "department"), order_pairs, _order_notice),
    ):
        recipients = defaultdict(list)
        for item_id, user_id in pairs:
            recipients[item_id].append(users[user_id])
        if recipients:
            notices += [
                make(item, DUE_SOON, recipients[item.pk])
                for item in queryset.filter(pk__in=list(recipients)).order_by("pk")
            ]
    return notices


def _officials_notices(on: datetime.date, found: dict[str, int]) -> list[Notice]:
    overdue_deliverables = deliverable_overdue_list(on=on)
    overdue_orders = overdue_order_list(on=on)
    found[Notification.Kind.DELIVERABLE_OVERDUE], new_deliverables = _found_and_new(
        overdue_deliverables, Notification.Kind.DELIVERABLE_OVERDUE, OVERDUE
    )
    found[Notification.Kind.ORDER_OVERDUE], new_orders = _found_and_new(
        overdue_orders, Notification.Kind.ORDER_OVERDUE, OVERDUE
    )
    if not new_deliverables and not new_orders:
        return []
    deliverables = list(
        _not_announced(overdue_deliverables, Notification.Kind.DELIVERABLE_OVERDUE, OVERDUE)
        .select_related("contract__department__region")
        .order_by("pk")
    )
    orders = list(
        _not_announced(overdue_orders, Notification.Kind.ORDER_OVERDUE, OVERDUE)
        .select_related("organization__region")
        .order_by("pk")
    )
    # Officials by the path of their department's region: an item's officials are those of the regions on its path.
    purchasers, officials = defaultdict(list), defaultdict(list)
    for user in (
        get_user_model()
        .objects.filter(Q(is_purchaser=True) | Q(is_registrar=True), is_active=True, department__isnull=False)
        .select_related("department__region")
    ):
        officials[user.department.region.path].append(user)
        if user.is_purchaser:
            purchasers[user.department.region.path].append(user)

    def covering(by_path, region) -> list:
        path, found = region.path, []
        for end in range(len(path)):
            if path[end] == "/":
                found += by_path.get(path[: end + 1], [])
        return found

    return [
        _deliverable_notice(item, OVERDUE, covering(purchasers, item.contract.department.region))
        for item in deliverables
    ] + [_order_notice(item, OVERDUE, covering(officials, item.organization.region)) for item in orders]


# ---- the e-mail channel: one digest a day ---------------------------------------------------------------------------

DIGEST_KINDS = (
    Notification.Kind.DELIVERABLE_DUE,
    Notification.Kind.ORDER_DUE,
    Notification.Kind.DELIVERABLE_OVERDUE,
    Notification.Kind.ORDER_OVERDUE,
)
DIGEST_HEADINGS = {
    Notification.Kind.DELIVERABLE_DUE: gettext_lazy(
        "以下履约事项将在 %(days)d 天内到期，请按时提交履约材料（共 %(count)d 项）："
    ),
    Notification.Kind.ORDER_DUE: gettext_lazy(
        "以下整改通知的整改期限将在 %(days)d 天内届满，请及时答复整改情况；逾期未完成整改的，将依法列入活动异常名录"
        "（共 %(count)d 项）："
    ),
    Notification.Kind.DELIVERABLE_OVERDUE: gettext_lazy("辖区内以下履约事项已逾期未验收（共 %(count)d 项）："),
    Notification.Kind.ORDER_OVERDUE: gettext_lazy("辖区内以下整改通知已逾期未完成整改（共 %(count)d 项）："),
}
DIGEST_DAYS = {
    Notification.Kind.DELIVERABLE_DUE: DELIVERABLE_NOTICE_DAYS,
    Notification.Kind.ORDER_DUE: ORDER_NOTICE_DAYS,
}
DIGEST_DAY_LABEL = {
    Notification.Kind.DELIVERABLE_DUE: gettext_lazy("截止日期"),
    Notification.Kind.ORDER_DUE: gettext_lazy("整改期限"),
    Notification.Kind.DELIVERABLE_OVERDUE: gettext_lazy("截止日期"),
    Notification.Kind.ORDER_OVERDUE: gettext_lazy("整改期限"),
}


def _pending(on: datetime.date, until: datetime.datetime):
    """Reminder notifications to e-mail: not e-mailed, recent, of a kind the recipient wants, to a recipient with an
    address who has had no digest on `on`."""
    days = int(getattr(settings, "NOTIFICATION_EMAIL_DAYS", 7))
    refused = EmailPreference.objects.filter(user=OuterRef("recipient"), kind=OuterRef("kind"), email=False)
    digested = ReminderDigest.objects.filter(recipient=OuterRef("recipient"), day=on)
    return (
        Notification.objects.filter(
            kind__in=DIGEST_KINDS,
            emailed_at__isnull=True,
            created_at__gte=until - datetime.timedelta(days=days),
            created_at__lte=until,
            recipient__is_active=True,
        )
        .exclude(recipient__email="")
        .filter(~Exists(refused), ~Exists(digested))
    )


def _days(notifications) -> dict:
    """(target type, id) → due day of the items shown (one query per kind of record)."""
    wanted = defaultdict(set)
    for notification in notifications:
        wanted[notification.target_type_id].add(notification.target_id)
    days = {}
    for model, column in ((Deliverable, "due_on"), (RectificationOrder, "deadline")):
        content_type = ContentType.objects.get_for_model(model).pk
        if wanted.get(content_type):
            for pk, day in model.objects.filter(pk__in=wanted[content_type]).values_list("pk", column):
                days[(content_type, pk)] = day
    return days


def _message(recipient, counts: dict, shown_rows: dict, days: dict, on: datetime.date) -> EmailMessage:
    site = getattr(settings, "SITE_URL", "")
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        sections = []
        for kind in DIGEST_KINDS:
            if not counts.get(kind):
                continue
            rows = shown_rows.get(kind, [])
            sections.append(
                {
                    "heading": DIGEST_HEADINGS[kind] % {"days": DIGEST_DAYS.get(kind, 0), "count": counts[kind]},
                    "day_label": DIGEST_DAY_LABEL[kind],
                    "items": [
                        {"notification": row, "day": days.get((row.target_type_id, row.target_id))} for row in rows
                    ],
                    "more": counts[kind] - len(rows),
                    "all_url": f"{site}{reverse('notifications:list')}?show=all&kind={kind}",
                }
            )
        body = render_to_string(
            "supervision/email/reminder.txt",
            {"recipient": recipient, "on": on, "sections": sections, "site": site, "todo": f"{site}/todo/"},
        )
        total = sum(counts.values())
        overdue_only = not (counts.get(Notification.Kind.DELIVERABLE_DUE) or counts.get(Notification.Kind.ORDER_DUE))
        if overdue_only:
            subject = _("【契约】辖区内有 %(count)d 项事项已逾期") % {"count": total}
        else:
            subject = _("【契约】您有 %(count)d 项事项即将到期或已逾期") % {"count": total}
    return EmailMessage(subject=subject, body=body, to=[recipient.email])


def _send_digests(report: ReminderReport, on: datetime.date, until: datetime.datetime) -> None:
    pending = _pending(on, until)
    counts: dict = defaultdict(lambda: defaultdict(int))
    covered: dict = defaultdict(list)  # recipient id → the notifications their digest covers
    for pk, recipient_id, kind in pending.order_by().values_list("pk", "recipient_id", "kind"):
        counts[recipient_id][kind] += 1
        covered[recipient_id].append(pk)
    if not counts:
        return
    # The first items of each recipient and kind (the title begins with the day: earliest first), one query for all.
    listed = list(
        pending.annotate(
            position=Window(
                RowNumber(), partition_by=[F("recipient_id"), F("kind")], order_by=[F("title").asc(), F("pk").asc()]
            )
        )
        .filter(position__lte=DIGEST_ITEMS_PER_KIND)
        .order_by("recipient_id", "kind", "position")
    )
    shown_rows: dict = defaultdict(lambda: defaultdict(list))
    for row in listed:
        shown_rows[row.recipient_id][row.kind].append(row)
    days = _days(listed)
    users = get_user_model().objects.in_bulk(list(counts))
    sent_counts: dict[str, int] = defaultdict(int)
    for recipient_id in sorted(counts):
        recipient = users[recipient_id]
        total = sum(counts[recipient_id].values())
        try:
            with transaction.atomic():
                ReminderDigest.objects.create(recipient=recipient, day=on, item_count=total, sent_at=timezone.now())
                _message(recipient, counts[recipient_id], shown_rows[recipient_id], days, on).send()
                Notification.objects.filter(pk__in=covered[recipient_id], emailed_at__isnull=True).update(
                    emailed_at=timezone.now()
                )
        except IntegrityError:  # a concurrent run sent this recipient's digest of the day first
            continue
        except (smtplib.SMTPException, OSError) as error:  # mail refused: nothing recorded, the next run tries again
            logger.warning("reminder to %s failed: %s", recipient.username, error)
            report.errors.append(f"{recipient.username}: {error}")
            continue
        report.emails_sent += 1
        report.recipients.append(recipient.username)
        for kind, count in counts[recipient_id].items():
            sent_counts[kind] += count
    report.items_by_stage = dict(sent_counts)


def send_reminders(*, on: datetime.date | None = None, email: bool = True) -> ReminderReport:
    """Remind everyone of what is due at `on` (today): a notification in the site for each new item and recipient,
    and (unless `email` is False) one digest e-mail a day to each who has an address and wants it; returns what was
    done."""
    on = on or timezone.localdate()
    report = ReminderReport(on=on)
    with transaction.atomic():
        notices = _members_notices(on, report.found) + _officials_notices(on, report.found)
        report.notifications = notify_many(notices)
        if report.notifications >= ANALYZE_AFTER and connection.vendor == "postgresql":
            # The next run asks which items were told of: after a large backlog, with the table's statistics
            # refreshed, PostgreSQL answers by probing the index notification_target item by item instead of
            # sorting every notification of the kind (what it plans when it believes the table nearly empty).
            with connection.cursor() as cursor:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(Notification._meta.db_table)}")
    told = {user.pk: user for notice in notices for user in notice.recipients if user.is_active}
    report.notified = sorted(user.username for user in told.values())
    report.without_email = sorted(user.username for user in told.values() if not user.email)
    if email:
        _send_digests(report, on, timezone.now())
    return report
