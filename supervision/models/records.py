"""What the deadline check and the reminders leave behind: overdue flags of deliverables, reminders sent."""

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


class ReminderLog(models.Model):
    """One reminder e-mailed to one person about one item at one stage; never sent twice."""

    class Kind(models.TextChoices):
        DELIVERABLE = "deliverable", _("履约事项")
        ORDER = "order", _("整改通知")

    class Stage(models.TextChoices):
        DUE_SOON = "due_soon", _("即将到期")
        OVERDUE = "overdue", _("已逾期")

    kind = models.CharField(_("事项类别"), max_length=12, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField(_("事项编号"))
    stage = models.CharField(_("提醒阶段"), max_length=10, choices=Stage.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("收件人"), on_delete=models.CASCADE, related_name="+"
    )
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now)

    class Meta:
        verbose_name = _("提醒发送记录")
        verbose_name_plural = _("提醒发送记录")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "object_id", "stage", "recipient"], name="reminder_once_per_item_stage_recipient"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind}#{self.object_id} {self.stage} → {self.recipient_id}"
