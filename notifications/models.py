"""Notifications: one row per recipient for each event a person must know about, and each user's e-mail choices.

A notification points at the record it is about (a generic relation, so this app imports none of the apps that send
them) and keeps the title and link it was sent with: when the record is later deleted, the notification still reads,
marked as such. The same item and stage reach a recipient once (a unique constraint), however often a job runs.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    class Kind(models.TextChoices):
        SUBMISSION_RECEIVED = "submission_received", _("收到履约提交")
        SUBMISSION_ACCEPTED = "submission_accepted", _("履约事项通过验收")
        SUBMISSION_RETURNED = "submission_returned", _("履约提交被退回")
        PAYMENT_RECORDED = "payment_recorded", _("登记付款")
        DELIVERABLE_DUE = "deliverable_due", _("履约事项即将到期")
        DELIVERABLE_OVERDUE = "deliverable_overdue", _("履约事项逾期")
        ORDER_ISSUED = "order_issued", _("收到整改通知")
        ORDER_ANSWERED = "order_answered", _("整改通知已答复")
        ORDER_VERIFIED = "order_verified", _("整改答复核验通过")
        ORDER_RETURNED = "order_returned", _("整改答复被退回")
        ORDER_DUE = "order_due", _("整改期限即将到期")
        ORDER_OVERDUE = "order_overdue", _("整改通知逾期")
        COMPLAINT = "complaint", _("投诉举报办理状态变化")
        INVITATION = "invitation", _("评价邀请")
        EVALUATION_FINALIZED = "evaluation_finalized", _("绩效评价定稿")
        LISTING_ADDED = "listing_added", _("列入信用名单")
        LISTING_REMOVED = "listing_removed", _("移出信用名单")
        EXPORT_FINISHED = "export_finished", _("后台导出完成")

    # Reminders of deadlines (sent by `send_reminders`); every other kind is an event of a service.
    REMINDER_KINDS = (Kind.DELIVERABLE_DUE, Kind.DELIVERABLE_OVERDUE, Kind.ORDER_DUE, Kind.ORDER_OVERDUE)

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("类别"), max_length=30, choices=Kind.choices)
    stage = models.CharField(_("阶段"), max_length=30, blank=True)
    target_type = models.ForeignKey(
        ContentType, verbose_name=_("事项类型"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(_("事项编号"), null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    title = models.CharField(_("标题"), max_length=300)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "target_type", "target_id", "stage"],
                name="notification_once_per_item_stage",
            )
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_time"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            # The reminder job asks whether an item was already announced at a stage, to anyone: by its record.
            models.Index(fields=["target_id", "target_type", "kind"], name="notification_target"),
            # The e-mail jobs read what is not yet e-mailed, newest days only.
            models.Index(fields=["created_at"], condition=Q(emailed_at__isnull=True), name="notification_not_emailed"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_read(self) -> bool:
        return self.read_at is not None

    @property
    def target_available(self) -> bool:
        """The record still exists and was not withdrawn (a withdrawn list or assignment no longer leads anywhere)."""
        target = self.target
        return target is not None and getattr(target, "status", None) != "withdrawn"


class EmailPreference(models.Model):
    """A user's choice to receive one kind of notification by e-mail too (no row: yes)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="email_preferences"
    )
    kind = models.CharField(_("类别"), max_length=30, choices=Notification.Kind.choices)
    email = models.BooleanField(_("发送邮件"), default=True)

    class Meta:
        verbose_name = _("邮件通知设置")
        verbose_name_plural = _("邮件通知设置")
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="email_preference_once_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.email}"
