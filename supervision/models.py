"""Supervision: random-sample draws, inspections, rectification orders and their answers, complaints from the public,
and the records the deadline checks and reminders leave behind.

Business rules live in services.py (writes), selectors.py (reads), escalation.py and reminders.py; the models hold
fields, the invariants the database can enforce, and small derived properties.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import StoredFile
from core.uploads import upload_to  # also named by old migrations as supervision.models.upload_to

# --- random-sample draws -------------------------------------------------------------------------------------------


class SampleDraw(models.Model):
    """A reproducible random draw (双随机抽查) of a region's active organizations, with its seed and population."""

    region = models.ForeignKey(
        "registry.Region", verbose_name=_("抽查区划"), on_delete=models.PROTECT, related_name="sample_draws"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    rate = models.DecimalField(_("抽查比例(%)"), max_digits=5, decimal_places=2)
    seed = models.PositiveBigIntegerField(_("随机种子"))
    population_count = models.PositiveIntegerField(_("抽查对象总数"))
    population_hash = models.CharField(_("抽查对象名单摘要(SHA-256)"), max_length=64)
    population_usccs = models.TextField(_("抽查对象名单(统一社会信用代码)"))
    sample_size = models.PositiveIntegerField(_("抽取数量"))
    note = models.TextField(_("说明"), blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("抽取人"), on_delete=models.PROTECT, related_name="+"
    )
    drawn_at = models.DateTimeField(_("抽取时间"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("随机抽查抽取")
        verbose_name_plural = _("随机抽查抽取")
        ordering = ["-year", "region__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["region", "year"],
                name="sample_draw_one_per_region_year",
                violation_error_message=_("该区划本年度已经抽取过，不能重复抽取。"),
            ),
            models.CheckConstraint(
                condition=Q(rate__gt=0) & Q(rate__lte=100),
                name="sample_draw_rate_in_range",
                violation_error_message=_("抽查比例须大于 0 且不超过 100%。"),
            ),
            models.CheckConstraint(
                condition=Q(sample_size__lte=F("population_count")), name="sample_draw_size_within_population"
            ),
            models.CheckConstraint(condition=Q(year__gte=2000) & Q(year__lte=2200), name="sample_draw_year_range"),
        ]

    def __str__(self) -> str:
        return _("%(region)s %(year)s 年度随机抽查") % {"region": self.region, "year": self.year}

    def population_list(self) -> list[str]:
        return [line for line in self.population_usccs.split("\n") if line]

    def drawn_organizations(self) -> list:
        """The drawn organizations in draw order (uses prefetched entries when present)."""
        return [entry.organization for entry in self.entries.all()]


class SampleDrawEntry(models.Model):
    """One organization drawn, with its place in the draw order."""

    draw = models.ForeignKey(SampleDraw, verbose_name=_("抽取"), on_delete=models.CASCADE, related_name="entries")
    organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("社会组织"), on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveIntegerField(_("抽取顺序"))

    class Meta:
        verbose_name = _("抽中对象")
        verbose_name_plural = _("抽中对象")
        ordering = ["draw", "position"]
        constraints = [
            models.UniqueConstraint(fields=["draw", "position"], name="sample_entry_unique_position"),
            models.UniqueConstraint(fields=["draw", "organization"], name="sample_entry_unique_organization"),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.organization}"


# --- inspections ---------------------------------------------------------------------------------------------------


class Inspection(models.Model):
    """An inspection of an organization, optionally of one of its contracts (监督检查)."""

    class Kind(models.TextChoices):
        RANDOM = "random", _("双随机抽查")
        TARGETED = "targeted", _("专项检查")
        ON_SITE = "on_site", _("实地检查")
        DOCUMENT = "document", _("书面审查")

    class Conclusion(models.TextChoices):
        NO_PROBLEM = "no_problem", _("无问题")
        PROBLEMS_FOUND = "problems_found", _("发现问题")

    class Status(models.TextChoices):
        PLANNED = "planned", _("计划中")
        COMPLETED = "completed", _("已完成")

    # On-site checks need at least two inspectors (民发〔2017〕45号).
    ON_SITE_MIN_INSPECTORS = 2

    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("被检查社会组织"),
        on_delete=models.PROTECT,
        related_name="supervision_inspections",
    )
    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("检查合同"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspections",
    )
    kind = models.CharField(_("检查方式"), max_length=10, choices=Kind.choices)
    department = models.ForeignKey(
        "registry.Department", verbose_name=_("检查部门"), on_delete=models.PROTECT, related_name="inspections"
    )
    sample_draw = models.ForeignKey(
        SampleDraw,
        verbose_name=_("随机抽取"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="inspections",
    )
    planned_on = models.DateField(_("计划检查日期"), db_index=True)
    inspected_on = models.DateField(_("实际检查日期"), null=True, blank=True)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("检查人员"), blank=True, related_name="supervision_inspections"
    )
    findings = models.TextField(_("检查发现"), blank=True)
    conclusion = models.CharField(_("检查结论"), max_length=20, choices=Conclusion.choices, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PLANNED, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("结果登记人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    completed_at = models.DateTimeField(_("结果登记时间"), null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[inspectors])

    class Meta:
        verbose_name = _("监督检查")
        verbose_name_plural = _("监督检查")
        ordering = ["-planned_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(status="planned") & Q(inspected_on__isnull=True) & Q(conclusion=""))
                | (Q(status="completed") & Q(inspected_on__isnull=False) & ~Q(conclusion="")),
                name="inspection_completed_has_result",
            ),
            models.CheckConstraint(
                condition=~Q(conclusion="problems_found") | ~Q(findings=""),
                name="inspection_problems_have_findings",
                violation_error_message=_("结论为“发现问题”时须填写检查发现。"),
            ),
            models.UniqueConstraint(
                fields=["sample_draw", "organization"],
                condition=Q(sample_draw__isnull=False),
                name="inspection_one_per_drawn_organization",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="inspection_org_status")]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_kind_display()} {self.planned_on.isoformat()}"

    @property
    def is_planned(self) -> bool:
        return self.status == self.Status.PLANNED

    @property
    def is_completed(self) -> bool:
        return self.status == self.Status.COMPLETED


class InspectionAttachment(StoredFile):
    """A file of an inspection: the record, photographs, the organization's documents."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("监督检查"), on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("标题"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("检查材料")
        verbose_name_plural = _("检查材料")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title


# --- complaints ----------------------------------------------------------------------------------------------------


class Complaint(models.Model):
    """A complaint or report (投诉举报) from the public about an organization or one of its contracts."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("已受理")
        UNDER_REVIEW = "under_review", _("调查核实中")
        UPHELD = "upheld", _("属实")
        DISMISSED = "dismissed", _("不属实")

    DECIDED_STATUSES = (Status.UPHELD, Status.DISMISSED)

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
    status = models.CharField(
        _("办理状态"), max_length=15, choices=Status.choices, default=Status.RECEIVED, db_index=True
    )
    received_at = models.DateTimeField(_("受理时间"), default=timezone.now, db_index=True)
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("承办人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
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
                condition=Q(status__in=["received", "under_review"])
                | (Q(decided_at__isnull=False) & Q(decided_by__isnull=False) & ~Q(reasoning="")),
                name="complaint_decision_complete",
            ),
            models.CheckConstraint(
                condition=Q(status="received") | Q(handler__isnull=False), name="complaint_review_has_handler"
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"], name="complaint_org_status")]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.subject}"

    @property
    def is_decided(self) -> bool:
        return self.status in self.DECIDED_STATUSES

    @property
    def region(self):
        return self.organization.region


# --- rectification orders ------------------------------------------------------------------------------------------


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

    ANSWERABLE_STATUSES = (Status.ISSUED, Status.RETURNED)

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
        ]
        indexes = [models.Index(fields=["status", "deadline"], name="order_status_deadline")]

    def __str__(self) -> str:
        return _("整改通知 #%(number)s %(organization)s") % {"number": self.pk, "organization": self.organization}

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.VERIFIED

    @property
    def can_be_answered(self) -> bool:
        return self.status in self.ANSWERABLE_STATUSES

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


# --- deadline records ----------------------------------------------------------------------------------------------


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
