"""Rectification orders (整改通知), the organization's answers with the official's decisions, their evidence, and
the activity-abnormal listing an overdue order led to."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import StoredFile
from supervision.models.complaints import Complaint
from supervision.models.inspections import Inspection


class RectificationOrder(models.Model):
    """An order to put something right by a deadline (整改通知), and where it stands."""

    class Source(models.TextChoices):
        INSPECTION = "inspection", _("监督检查")
        COMPLAINT = "complaint", _("投诉举报")
        EVALUATION = "evaluation", _("绩效评价为差")
        DIRECT = "direct", _("直接责令")

    class Status(models.TextChoices):
        ISSUED = "issued", _("已下达")
        ANSWERED = "answered", _("已答复")
        VERIFIED = "verified", _("已核验")
        RETURNED = "returned", _("已退回")

    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("整改社会组织"),
        on_delete=models.PROTECT,
        related_name="rectification_orders",
    )
    department = models.ForeignKey(
        "registry.Department",
        verbose_name=_("下达部门"),
        on_delete=models.PROTECT,
        related_name="rectification_orders",
    )
    source = models.CharField(_("来源"), max_length=12, choices=Source.choices, default=Source.DIRECT)
    inspection = models.ForeignKey(
        Inspection, verbose_name=_("来源检查"), null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    complaint = models.ForeignKey(
        Complaint, verbose_name=_("来源投诉"), null=True, blank=True, on_delete=models.PROTECT, related_name="orders"
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("涉及合同"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectification_orders",
    )
    evaluation = models.ForeignKey(
        "evaluations.Evaluation",
        verbose_name=_("来源绩效评价"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectification_orders",
    )
    source_reference = models.CharField(_("来源说明"), max_length=200, blank=True)
    requirements = models.TextField(_("整改要求"))
    issued_on = models.DateField(_("下达日期"))
    deadline = models.DateField(_("整改期限"), db_index=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.ISSUED, db_index=True)
    verified_on = models.DateField(_("核验日期"), null=True, blank=True)
    overdue_marked_at = models.DateTimeField(_("逾期认定时间"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("下达人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    # The document number (文号) `呼民监改〔2026〕3号`: the issuing department's abbreviation, the year of issue and a
    # sequence gap-free per department and year (services.orders allocates it from OrderNumberSequence).
    document_number = models.CharField(_("文号"), max_length=60, blank=True, db_index=True)
    document_year = models.PositiveSmallIntegerField(_("文号年度"), null=True, blank=True)
    document_sequence = models.PositiveIntegerField(_("文号序号"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("整改通知")
        verbose_name_plural = _("整改通知")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gt=F("issued_on")),
                name="order_deadline_after_issue",
                violation_error_message=_("整改期限须晚于下达日期。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="verified") | Q(verified_on__isnull=False), name="order_verified_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(source="inspection") | Q(inspection__isnull=False), name="order_inspection_source"
            ),
            models.CheckConstraint(
                condition=~Q(source="complaint") | Q(complaint__isnull=False), name="order_complaint_source"
            ),
            models.CheckConstraint(
                condition=~Q(source="evaluation") | Q(evaluation__isnull=False), name="order_evaluation_source"
            ),
            models.UniqueConstraint(
                fields=["department", "document_year", "document_sequence"], name="order_document_number_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "deadline"], name="order_status_deadline"),
            # The order list's order (supervision.selectors.order_list): newest issued first.
            models.Index(fields=["-issued_on", "-id"], name="order_list_order"),
            # The open orders by deadline (the registrar's 待办 of overdue orders, the deadline reminders): a
            # province's orders past their deadline are mostly verified long ago, which the plain deadline index
            # walks and throws away (4,560 of 4,777 rows).
            models.Index(fields=["deadline", "id"], name="order_open_deadline", condition=~Q(status="verified")),
        ]

    def __str__(self) -> str:
        return _("整改通知 %(number)s %(organization)s") % {"number": self.label, "organization": self.organization}

    @property
    def label(self) -> str:
        """How the order is cited: its document number (or #id for an order issued before numbers existed)."""
        return self.document_number or f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.VERIFIED

    @property
    def open_response(self) -> OrderResponse | None:
        """The answer waiting for the official's decision (uses prefetched responses when present)."""
        for response in self.responses.all():
            if response.decision is None:
                return response
        return None

    def is_overdue(self, on: datetime.date | None = None) -> bool:
        """The deadline passed without a verified answer; an answer filed by the deadline and still awaiting the
        official's check does not count until it is returned."""
        day = on or timezone.localdate()
        if self.status == self.Status.VERIFIED or not self.deadline < day:
            return False
        if self.status == self.Status.ANSWERED:
            pending = self.open_response
            if pending is not None and pending.responded_on <= self.deadline:
                return False
        return True


class OrderResponse(models.Model):
    """The organization's answer to an order, with the official's decision on it (整改答复)."""

    class Decision(models.TextChoices):
        VERIFIED = "verified", _("核验通过")
        RETURNED = "returned", _("退回")

    order = models.ForeignKey(
        RectificationOrder, verbose_name=_("整改通知"), on_delete=models.PROTECT, related_name="responses"
    )
    text = models.TextField(_("整改情况"))
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("答复人"), on_delete=models.PROTECT, related_name="+"
    )
    responded_at = models.DateTimeField(_("答复时间"), default=timezone.now)
    # The deadline-relevant day of the answer, in Asia/Shanghai (kept so overdue queries need no time-zone maths).
    responded_on = models.DateField(_("答复日期"), db_index=True)
    decision = models.CharField(_("核验结论"), max_length=10, choices=Decision.choices, null=True, blank=True)
    decision_reason = models.TextField(_("核验意见"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核验人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("核验时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("整改答复")
        verbose_name_plural = _("整改答复")
        ordering = ["responded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["order"], condition=Q(decision__isnull=True), name="order_response_one_open"
            ),
            models.CheckConstraint(
                condition=(Q(decision__isnull=True) & Q(decided_at__isnull=True) & Q(decided_by__isnull=True))
                | (Q(decision__isnull=False) & Q(decided_at__isnull=False) & Q(decided_by__isnull=False)),
                name="order_response_decision_complete",
            ),
            models.CheckConstraint(
                condition=~Q(decision="returned") | ~Q(decision_reason=""), name="order_response_return_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order} @ {self.responded_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.decision is None


class OrderResponseFile(StoredFile):
    """A file of evidence attached to an answer; never public."""

    response = models.ForeignKey(
        OrderResponse, verbose_name=_("整改答复"), on_delete=models.CASCADE, related_name="files"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("整改材料")
        verbose_name_plural = _("整改材料")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class OrderListing(models.Model):
    """The activity-abnormal listing an overdue order led to: exactly one per order; several orders may share one."""

    order = models.OneToOneField(
        RectificationOrder, verbose_name=_("整改通知"), on_delete=models.PROTECT, related_name="escalation"
    )
    listing = models.ForeignKey(
        "registry.CreditListing",
        verbose_name=_("信用名单记录"),
        on_delete=models.PROTECT,
        related_name="supervision_orders",
    )
    created_listing = models.BooleanField(_("由本通知列入"), default=True)
    linked_at = models.DateTimeField(_("关联时间"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("逾期整改列入记录")
        verbose_name_plural = _("逾期整改列入记录")
        ordering = ["-linked_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.order} → {self.listing}"


class OrderNumberSequence(models.Model):
    """The last document sequence number given out per issuing department and year (an internal counter)."""

    department = models.ForeignKey(
        "registry.Department", verbose_name=_("下达部门"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    last_value = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("整改通知文号序列")
        verbose_name_plural = _("整改通知文号序列")
        constraints = [models.UniqueConstraint(fields=["department", "year"], name="order_number_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.department_id}-{self.year}: {self.last_value}"
