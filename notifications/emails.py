"""The e-mail channel of notifications: `send_notification_emails` (the command and task of the same name) e-mails
each recipient one digest of their notifications not yet e-mailed, in their language, to those who have an address
and did not turn that kind off. Reminders of deadlines are e-mailed by `send_reminders` in their own format and are
left out here.

Each recipient's rows are locked (`SKIP LOCKED`) and marked sent in the same transaction as the sending, so two runs
never send the same notification twice; a refused e-mail leaves them for the next run. Only the last
`NOTIFICATION_EMAIL_DAYS` days (default 7) are e-mailed: an old backlog is not mailed out when e-mail is switched on.
"""

from __future__ import annotations

import datetime
import logging
import smtplib
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from notifications.models import EmailPreference, Notification

logger = logging.getLogger(__name__)


@dataclass
class EmailReport:
    emails_sent: int = 0
    notifications_sent: int = 0
    recipients: list[str] = field(default_factory=list)
    without_email: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "emails_sent": self.emails_sent,
            "notifications_sent": self.notifications_sent,
            "recipients": list(self.recipients),
            "without_email": list(self.without_email),
            "errors": list(self.errors),
        }

    def lines(self) -> list[str]:
        return [
            _("发送通知邮件：%(count)d 封，含 %(items)d 条通知（%(users)s）")
            % {"count": self.emails_sent, "items": self.notifications_sent, "users": ", ".join(self.recipients) or "-"},
            _("无电子邮箱、仅站内通知：%(count)d 人（%(users)s）")
            % {"count": len(self.without_email), "users": ", ".join(self.without_email) or "-"},
            *(_("未能发送：%(error)s") % {"error": error} for error in self.errors),
        ]


def _pending(now: datetime.datetime):
    days = int(getattr(settings, "NOTIFICATION_EMAIL_DAYS", 7))
    return Notification.objects.filter(
        emailed_at__isnull=True, created_at__gte=now - datetime.timedelta(days=days)
    ).exclude(kind__in=Notification.REMINDER_KINDS)


def _message(recipient, notifications: list[Notification]) -> EmailMessage:
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        body = render_to_string(
            "notifications/email/digest.txt",
            {"recipient": recipient, "notifications": notifications, "site": getattr(settings, "SITE_URL", "")},
        )
        subject = _("【契约】您有 %(count)d 条新通知") % {"count": len(notifications)}
    return EmailMessage(subject=subject, body=body, to=[recipient.email])


def send_notification_emails(*, now: datetime.datetime | None = None) -> EmailReport:
    now = now or timezone.now()
    report = EmailReport()
    pending = _pending(now)
    recipient_ids = list(pending.order_by().values_list("recipient_id", flat=True).distinct())
    refused = defaultdict(set)
    for user_id, kind in EmailPreference.objects.filter(user_id__in=recipient_ids, email=False).values_list(
        "user_id", "kind"
    ):
        refused[user_id].add(kind)
    users = get_user_model().objects.filter(pk__in=recipient_ids, is_active=True).order_by("pk")
    for user in users:
        if not user.email:
            report.without_email.append(user.username)
            continue
        try:
            with transaction.atomic():
                rows = list(
                    pending.filter(recipient=user)
                    .exclude(kind__in=refused[user.pk])
                    .select_for_update(skip_locked=True)
                    .order_by("created_at", "pk")
                )
                if not rows:
                    continue
                _message(user, rows).send()
                Notification.objects.filter(pk__in=[row.pk for row in rows]).update(emailed_at=now)
        except (smtplib.SMTPException, OSError) as error:  # nothing marked: the next run tries again
            logger.warning("notification e-mail to %s failed: %s", user.username, error)
            report.errors.append(f"{user.username}: {error}")
            continue
        report.emails_sent += 1
        report.notifications_sent += len(rows)
        report.recipients.append(user.username)
    return report
