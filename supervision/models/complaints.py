"""Complaints and reports (投诉举报) from the public, tracked by code."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Case, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.uploads import upload_to


def queue_rank() -> Case:
    """The complaint queue's first key: filed and awaiting acceptance (0), accepted or under review (1), closed (2).
    The index complaint_queue_order is built on this very expression, so the queue's order reads the index."""
    return Case(
        When(status="received", then=Value(0)),
        When(status="accepted", then=Value(1)),
        When(status="under_review", then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


class Complaint(models.Model):
    """A complaint or report (投诉举报) from the public about an organization or one of its contracts."""

    class Status(models.TextChoices):
        # Filing is not acceptance: 受理 is the department's decision, with a date and a handling deadline.
        RECEIVED = "received", _("已提交")
        ACCEPTED = "accepted", _("已受理")
        NOT_ACCEPTED = "not_accepted", _("不予受理")
        UNDER_REVIEW = "under_review", _("调查核实中")
        UPHELD = "upheld", _("已办结：属实")
        DISMISSED = "dismissed", _("已办结：不属实")

    DECIDED_STATUSES = (Status.UPHELD, Status.DISMISSED)
    OPEN_STATUSES = (Status.RECEIVED, Status.ACCEPTED, Status.UNDER_REVIEW)

    tracking_code = models.CharField(_("查询码"), max_length=12, unique=True, editable=False)
    organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("被投诉社会组织"), on_delete=models.PROTECT, related_name="complaints"
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("涉及合同"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    subject = models.CharField(_("标题"), max_length=200)
    text = models.TextField(_("投诉举报内容"))
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    attachment = models.FileField(_("附件"), upload_to=upload_to, max_length=255, blank=True)
    attachment_name = models.CharField(_("附件原文件名"), max_length=255, blank=True)
    attachment_size = models.PositiveBigIntegerField(_("附件大小(字节)"), null=True, blank=True)
    attachment_content_type = models.CharField(_("附件类型"), max_length=100, blank=True)
    attachment_sha256 = models.CharField(_("附件 SHA-256"), max_length=64, blank=True, db_index=True)
    status = models.CharField(
        _("办理状态"), max_length=15, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    received_at = models.DateTimeField(_("提交时间"), default=timezone.now, db_index=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The acceptance decision (受理 or 不予受理): its day, and for an accepted complaint the handling deadline.
    acceptance_decided_on = models.DateField(_("受理决定日期"), null=True, blank=True)
    handling_deadline = models.DateField(_("办理期限"), null=True, blank=True)
    not_accepted_reason = models.TextField(_("不予受理理由"), blank=True)
    review_started_at = models.DateTimeField(_("开始核实时间"), null=True, blank=True)
    decided_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reasoning = models.TextField(_("处理意见(公开)"), blank=True)
    internal_note = models.TextField(_("内部备注"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("投诉举报")
        verbose_name_plural = _("投诉举报")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["received", "accepted", "not_accepted", "under_review"])
                | (Q(decided_at__isnull=False) & Q(decided_by__isnull=False) & ~Q(reasoning="")),
                name="complaint_decision_complete",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_accepted")
                | (Q(acceptance_decided_on__isnull=False) & ~Q(not_accepted_reason="")),
                name="complaint_not_accepted_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status="received") | Q(handler__isnull=False), name="complaint_review_has_handler"
            ),
        ]
        indexes = [
            models.Index(fields=["organization", "status"], name="complaint_org_status"),
            # The complaint queue's order (supervision.selectors.complaint_queue): open ones first, newest first.
            models.Index(queue_rank(), F("received_at").desc(), F("id").desc(), name="complaint_queue_order"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.subject}"

    queue_rank = staticmethod(queue_rank)

    @property
    def is_decided(self) -> bool:
        return self.status in self.DECIDED_STATUSES

    @property
    def region(self):
        return self.organization.region
