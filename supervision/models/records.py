"""What the deadline check and the reminders leave behind: overdue flags of deliverables, reminder e-mails sent."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DeliverableOverdueFlag(models.Model):
    """The record that a deliverable went overdue, written once by the deadline check."""

    deliverable = models.OneToOneField(
        "contracts.Deliverable", verbose_name=_("履约事项"), on_delete=models.CASCADE, related_name="overdue_flag"
    )
    due_on = models.DateField(_("截止日期"))
    flagged_on = models.DateField(_("认定逾期日期"))
    flagged_at = models.DateTimeField(_("标记时间"), default=timezone.now)

    class Meta:
        verbose_name = _("履约逾期标记")
        verbose_name_plural = _("履约逾期标记")
        ordering = ["-flagged_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.deliverable} {self.flagged_on.isoformat()}"


class ReminderDigest(models.Model):
    """The one reminder e-mail a person gets on a day: its items are the reminder notifications it marked e-mailed
    (notifications.Notification.emailed_at), counted here."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收件人"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("提醒日期"))
    item_count = models.PositiveIntegerField(_("提醒事项数"))
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now)

    class Meta:
        verbose_name = _("提醒邮件")
        verbose_name_plural = _("提醒邮件")
        ordering = ["-day", "-pk"]
        constraints = [models.UniqueConstraint(fields=["recipient", "day"], name="reminder_digest_once_a_day")]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.day.isoformat()}: {self.item_count}"
