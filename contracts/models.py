"""Purchase lists and their items, contracts, deliverables with submissions, payments and amendments.

Business rules live in services.py (writes) and selectors.py (reads); the models hold fields, the invariants the
database can enforce, and small derived properties.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Replace, Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.models import StoredFile


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later (29 February falls back to 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class PurchaseList(models.Model):
    """A purchasing department's published catalogue of services it will buy in a year (购买服务目录)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        WITHDRAWN = "withdrawn", _("已撤回")

    department = models.ForeignKey(
        "registry.Department", verbose_name=_("发布部门"), on_delete=models.PROTECT, related_name="purchase_lists"
    )
    region = models.ForeignKey(
        "registry.Region", verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="purchase_lists"
    )
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("标题"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_on = models.DateField(_("发布日期"), null=True, blank=True)
    withdrawn_on = models.DateField(_("撤回日期"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("撤回原因"), blank=True)
    revision_of = models.ForeignKey(
        "self",
        verbose_name=_("修订自"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="revisions",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("购买服务目录")
        verbose_name_plural = _("购买服务目录")
        ordering = ["-year", "-published_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2200),
                name="purchase_list_year_range",
                violation_error_message=_("年度须在 2000 至 2200 之间。"),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(published_on__isnull=False), name="purchase_list_published_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | (Q(withdrawn_on__isnull=False) & ~Q(withdrawal_reason="")),
                name="purchase_list_withdrawn_has_date_and_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "year"], name="purchase_list_status_year"),
            # The lists' default order (Meta.ordering): newest year first, then the latest published.
            models.Index(fields=["-year", "-published_on", "-id"], name="purchase_list_order"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

    @property
    def is_public(self) -> bool:
        return self.status != self.Status.DRAFT


class PurchaseItem(models.Model):
    """One service in a purchase list, with its budget and service period (购买项目)."""

    class Category(models.TextChoices):
        BASIC_PUBLIC = "basic_public", _("基本公共服务")
        SOCIAL_MANAGEMENT = "social_management", _("社会管理性服务")
        INDUSTRY_COORDINATION = "industry_coordination", _("行业管理与协调性服务")
        TECHNICAL = "technical", _("技术性服务")
        GOVERNMENT_AUXILIARY = "government_auxiliary", _("政府履职所需辅助性服务")

    purchase_list = models.ForeignKey(
        PurchaseList, verbose_name=_("购买服务目录"), on_delete=models.CASCADE, related_name="items"
    )
    code = models.CharField(_("项目编号"), max_length=30)
    category = models.CharField(_("一级目录"), max_length=30, choices=Category.choices, db_index=True)
    subcategory = models.CharField(_("二级目录"), max_length=100, blank=True)
    service_name = models.CharField(_("服务名称"), max_length=200)
    description = models.TextField(_("服务内容"), blank=True)
    provider_requirements = models.TextField(_("承接主体要求"), blank=True)
    quantity = models.DecimalField(_("数量"), max_digits=12, decimal_places=2)
    unit = models.CharField(_("计量单位"), max_length=20)
    budget = models.DecimalField(_("预算金额(元)"), max_digits=14, decimal_places=2)
    service_start_on = models.DateField(_("服务期限起"))
    service_end_on = models.DateField(_("服务期限止"))
    performance_targets = models.TextField(_("绩效目标"), blank=True)
    # The first item of a revision chain: a revised list copies its items, and every copy points to the original.
    origin = models.ForeignKey(
        "self",
        verbose_name=_("原始项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # Kept by the database (migration 0010's triggers, whoever writes the item, its list or the list's department):
    # the folded code, service name, list title and department name /search/ looks in, and their Chinese characters
    # and pairs of characters as a text-search vector (core.search.search_tokens; PostgreSQL only). save() writes them
    # only to have them recomputed.
    search_document = models.TextField(_("检索文本"), blank=True, editable=False)
    search_vector = SearchVectorField(_("检索分词"), null=True, editable=False)

    history = HistoricalRecords(excluded_fields=["search_document", "search_vector"])

    class Meta:
        verbose_name = _("购买项目")
        verbose_name_plural = _("购买项目")
        ordering = ["purchase_list", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["purchase_list", "code"],
                name="purchase_item_code_unique_in_list",
                violation_error_message=_("同一目录中的项目编码不能重复。"),
            ),
            models.CheckConstraint(
                condition=Q(quantity__gt=0),
                name="purchase_item_quantity_positive",
                violation_error_message=_("数量须大于零。"),
            ),
            models.CheckConstraint(
                condition=Q(budget__gt=0),
                name="purchase_item_budget_positive",
                violation_error_message=_("预算金额须大于零。"),
            ),
            models.CheckConstraint(
                condition=Q(service_start_on__lte=F("service_end_on")),
                name="purchase_item_period_ordered",
                violation_error_message=_("服务期限的开始日期不能晚于结束日期。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.service_name}"

    @property
    def lineage_id(self) -> int | None:
        """The id shared by this item and every revision of it."""
        return self.origin_id or self.pk


# A contract's number in upper case without dashes, as core.search.compact turns a typed one.
COMPACT_NUMBER = Replace(Upper("number"), Value("-"), Value(""))


class Contract(models.Model):
    """A purchase-of-services contract between a purchasing department and an organization (购买服务合同)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SIGNED = "signed", _("已签订")
        PERFORMING = "performing", _("履行中")
        COMPLETED = "completed", _("已完成")
        TERMINATED = "terminated", _("已终止")

    class Method(models.TextChoices):
        PUBLIC_TENDER = "public_tender", _("公开招标")
        INVITED_TENDER = "invited_tender", _("邀请招标")
        COMPETITIVE_NEGOTIATION = "competitive_negotiation", _("竞争性谈判")
        COMPETITIVE_CONSULTATION = "competitive_consultation", _("竞争性磋商")
        SINGLE_SOURCE = "single_source", _("单一来源")
        INQUIRY = "inquiry", _("询价")
        OTHER = "other", _("其他")

    ACTIVE_STATUSES = (Status.SIGNED, Status.PERFORMING)
    # Contracts whose amount counts against a purchase item's budget.
    BUDGET_STATUSES = (Status.SIGNED, Status.PERFORMING, Status.COMPLETED)

    number = models.CharField(_("合同编号"), max_length=40, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    title = models.CharField(_("合同名称"), max_length=200)
    description = models.TextField(_("服务内容"), blank=True)
    department = models.ForeignKey(
        "registry.Department", verbose_name=_("购买主体"), on_delete=models.PROTECT, related_name="contracts"
    )
    organization = models.ForeignKey(
        "registry.Organization", verbose_name=_("承接主体"), on_delete=models.PROTECT, related_name="contracts"
    )
    purchase_item = models.ForeignKey(
        PurchaseItem,
        verbose_name=_("购买项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contracts",
    )
    method = models.CharField(_("采购方式"), max_length=30, choices=Method.choices)
    amount = models.DecimalField(_("合同金额(元)"), max_digits=14, decimal_places=2)
    signed_on = models.DateField(_("签订日期"), null=True, blank=True)
    start_on = models.DateField(_("履行期限起"))
    end_on = models.DateField(_("履行期限止"))
    term_justification = models.TextField(_("期限超过一年的理由"), blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True)
    performance_started_on = models.DateField(_("开始履行日期"), null=True, blank=True)
    completed_on = models.DateField(_("完成日期"), null=True, blank=True)
    terminated_on = models.DateField(_("终止日期"), null=True, blank=True)
    termination_reason = models.TextField(_("终止原因"), blank=True)
    eligibility_acknowledged_warnings = models.TextField(_("签订时已确认的资格提示"), blank=True)
    text_version = models.ForeignKey(
        "contracts.ContractTemplate",
        verbose_name=_("签订的合同文本版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Kept by the database (migration 0010's triggers, whoever writes the contract, its department or its supplier):
    # the folded number, title and buyer's name followed by the supplier's own search document, which /search/ looks
    # in, and their Chinese characters and pairs of characters as a text-search vector (core.search.search_tokens;
    # PostgreSQL only). save() writes them only to have them recomputed.
    search_document = models.TextField(_("检索文本"), blank=True, editable=False)
    search_vector = SearchVectorField(_("检索分词"), null=True, editable=False)

    history = HistoricalRecords(excluded_fields=["updated_at", "search_document", "search_vector"])

    class Meta:
        verbose_name = _("购买服务合同")
        verbose_name_plural = _("购买服务合同")
        ordering = ["-year", "-number"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="contract_amount_not_negative",
                violation_error_message=_("合同金额不能为负数。"),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (Q(amount__gt=0) & Q(signed_on__isnull=False)),
                name="contract_signed_has_amount_and_date",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(start_on__lte=F("end_on")), name="contract_signed_period_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(status="completed") | Q(completed_on__isnull=False), name="contract_completed_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(status="terminated") | (Q(terminated_on__isnull=False) & ~Q(termination_reason="")),
                name="contract_terminated_has_date_and_reason",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2200),
                name="contract_year_range",
                violation_error_message=_("年度须在 2000 至 2200 之间。"),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "year"], name="contract_status_year"),
            models.Index(fields=["organization", "status"], name="contract_organization_status"),
            # The OCDS lists and bulk files read public contracts in signing order (api.selectors.ocds_contract_list,
            # keyset-paged): migration 0006 says why.
            models.Index(
                fields=["signed_on", "number"],
                name="contract_ocds_order",
                condition=Q(signed_on__isnull=False) & ~Q(status="draft"),
            ),
            # The contract lists' default order (Meta.ordering): newest year first, then the number.
            models.Index(fields=["-year", "-number"], name="contract_list_order"),
            # The number as /search/ compares a typed one (contracts.selectors.contract_by_number): a query that may be
            # a number is looked up here instead of in every contract.
            models.Index(COMPACT_NUMBER, name="contract_compact_number"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_public(self) -> bool:
        """Signed contracts (and every later state) are public records."""
        return self.status != self.Status.DRAFT

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    def term_within(self, years: int) -> bool:
        """True when the term (both ends inclusive) is at most `years` years: end_on < start_on + years."""
        return self.end_on < add_years(self.start_on, years)

    @property
    def term_exceeds_one_year(self) -> bool:
        return not self.term_within(1)


class ContractTemplate(models.Model):
    """One version of the model contract text (政府购买服务合同示范文本). Versions are never changed: saving the text
    makes the next version, and a signed contract keeps the version it was signed on (Contract.text_version).

    The text is plain: a line starting with "# " is a heading, "{{名称}}" a placeholder filled from the contract
    (contracts.contract_text.PLACEHOLDERS), a placeholder alone on a line that names a table puts the table there."""

    version = models.PositiveIntegerField(_("版本"), unique=True)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("合同文本"))
    note = models.CharField(_("修订说明"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("修订人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("修订时间"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("合同示范文本")
        verbose_name_plural = _("合同示范文本")
        ordering = ["-version"]
        constraints = [models.CheckConstraint(condition=Q(version__gte=1), name="contract_template_version_from_one")]

    def __str__(self) -> str:
        return f"{self.title}（{self.version}）"


class ContractNumberSequence(models.Model):
    """The last contract sequence number given out per department and year (an internal counter)."""

    department = models.ForeignKey(
        "registry.Department", verbose_name=_("购买主体"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    last_value = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        verbose_name = _("合同编号序列")
        verbose_name_plural = _("合同编号序列")
        constraints = [models.UniqueConstraint(fields=["department", "year"], name="contract_sequence_unique")]

    def __str__(self) -> str:
        return f"{self.department_id}-{self.year}: {self.last_value}"


class ContractDocument(StoredFile):
    """A file attached to a contract: the signed contract text or an annex."""

    class Kind(models.TextChoices):
        CONTRACT_TEXT = "contract_text", _("合同文本")
        ATTACHMENT = "attachment", _("附件")

    contract = models.ForeignKey(Contract, verbose_name=_("合同"), on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("标题"), max_length=200)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.CONTRACT_TEXT)
    is_public = models.BooleanField(_("公开"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("合同文件")
        verbose_name_plural = _("合同文件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.title

    def public_link(self) -> tuple[str, str] | None:
        """A public document of a signed contract is published on the contract's page."""
        if not (self.is_public and self.contract.is_public):
            return None
        return f"{self.contract.number} {self.contract.title}：{self.title}", reverse(
            "contracts:contract-detail", args=[self.contract.number]
        )


class Deliverable(models.Model):
    """Something the organization must deliver, with its share of the payment (履约事项)."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待提交")
        SUBMITTED = "submitted", _("已提交")
        ACCEPTED = "accepted", _("已验收")
        RETURNED = "returned", _("已退回")

    contract = models.ForeignKey(
        Contract, verbose_name=_("合同"), on_delete=models.CASCADE, related_name="deliverables"
    )
    title = models.CharField(_("名称"), max_length=200)
    description = models.TextField(_("内容"), blank=True)
    due_on = models.DateField(_("截止日期"), db_index=True)
    payment_share = models.DecimalField(_("付款比例(%)"), max_digits=5, decimal_places=2)
    acceptance_criteria = models.TextField(_("验收标准"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    # The moment of its first submission (the earliest submitted_at of its submissions; None: never submitted), kept
    # by the database whatever writes the submissions (triggers of contracts migration 0009; a write of this row
    # recomputes it too, so a copy loaded earlier never sets it back): whether it was submitted on time is then read
    # on the row, not looked up among the submissions.
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True, editable=False)

    history = HistoricalRecords(excluded_fields=["first_submitted_at"])

    class Meta:
        verbose_name = _("履约事项")
        verbose_name_plural = _("履约事项")
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(payment_share__gt=0) & Q(payment_share__lte=100),
                name="deliverable_share_in_range",
                violation_error_message=_("付款比例须大于 0 且不超过 100。"),
            ),
            models.CheckConstraint(
                condition=~Q(status="accepted") | Q(accepted_at__isnull=False), name="deliverable_accepted_has_time"
            ),
        ]
        indexes = [
            # Overdue deliverables (due date passed, not accepted: contracts.selectors.overdue_condition) for the
            # reminders, the deadline check and the 待办 page: the few open deliverables by due date, instead of a
            # scan of every deliverable, most of them long accepted.
            models.Index(fields=["due_on"], condition=~Q(status="accepted"), name="deliverable_open_due"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        """Due date passed, not accepted, while the contract is being performed."""
        return (
            self.contract.status in Contract.ACTIVE_STATUSES
            and self.status != self.Status.ACCEPTED
            and self.due_on < timezone.localdate()
        )

    @property
    def open_submission(self) -> Submission | None:
        """The submission waiting for a decision (uses prefetched submissions when present)."""
        for submission in self.submissions.all():
            if submission.decision is None:
                return submission
        return None


class Submission(models.Model):
    """One submission of a deliverable with its report, and the purchaser's decision on it (履约提交)."""

    class Decision(models.TextChoices):
        ACCEPTED = "accepted", _("通过验收")
        RETURNED = "returned", _("退回")

    deliverable = models.ForeignKey(
        Deliverable, verbose_name=_("履约事项"), on_delete=models.PROTECT, related_name="submissions"
    )
    report = models.TextField(_("履约报告"))
    submitted_at = models.DateTimeField(_("提交时间"), default=timezone.now)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("验收结论"), max_length=10, choices=Decision.choices, null=True, blank=True)
    decided_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("验收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision_comment = models.TextField(_("验收意见"), blank=True)
    # The day the deliverable was actually accepted (an official may record it later than it happened);
    # decided_at keeps the moment the decision was recorded.
    accepted_on = models.DateField(_("验收日期"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("履约提交")
        verbose_name_plural = _("履约提交")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deliverable"], condition=Q(decision__isnull=True), name="submission_one_open_per_deliverable"
            ),
            models.CheckConstraint(
                condition=(Q(decision__isnull=True) & Q(decided_at__isnull=True) & Q(decided_by__isnull=True))
                | (Q(decision__isnull=False) & Q(decided_at__isnull=False) & Q(decided_by__isnull=False)),
                name="submission_decision_complete",
            ),
            models.CheckConstraint(
                condition=~Q(decision="returned") | ~Q(decision_comment=""), name="submission_return_has_comment"
            ),
            models.CheckConstraint(
                condition=Q(decision="accepted", accepted_on__isnull=False)
                | (~Q(decision="accepted") & Q(accepted_on__isnull=True))
                | Q(decision__isnull=True, accepted_on__isnull=True),
                name="submission_accepted_on_when_accepted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deliverable} @ {self.submitted_at:%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.decision is None


class SubmissionFile(StoredFile):
    """A file of evidence attached to a submission; never public."""

    submission = models.ForeignKey(
        Submission, verbose_name=_("履约提交"), on_delete=models.CASCADE, related_name="files"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("提交材料")
        verbose_name_plural = _("提交材料")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.original_name


class Payment(models.Model):
    """One instalment paid under a contract (付款记录)."""

    contract = models.ForeignKey(Contract, verbose_name=_("合同"), on_delete=models.PROTECT, related_name="payments")
    instalment = models.PositiveSmallIntegerField(_("期次"))
    amount = models.DecimalField(_("金额(元)"), max_digits=14, decimal_places=2)
    paid_on = models.DateField(_("付款日期"))
    deliverable = models.ForeignKey(
        Deliverable,
        verbose_name=_("对应履约事项"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="payments",
    )
    note = models.TextField(_("备注"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("登记人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("付款记录")
        verbose_name_plural = _("付款记录")
        ordering = ["contract", "instalment"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "instalment"], name="payment_instalment_unique"),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="payment_amount_positive",
                violation_error_message=_("付款金额须大于零。"),
            ),
            models.CheckConstraint(condition=Q(instalment__gte=1), name="payment_instalment_from_one"),
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} #{self.instalment}"


class Amendment(models.Model):
    """A recorded change to a signed contract: what changed, from what to what, why, when and by whom (合同变更)."""

    class Kind(models.TextChoices):
        AMOUNT = "amount", _("合同金额")
        DATES = "dates", _("履行期限")
        OTHER = "other", _("其他")

    contract = models.ForeignKey(Contract, verbose_name=_("合同"), on_delete=models.PROTECT, related_name="amendments")
    kind = models.CharField(_("变更内容"), max_length=10, choices=Kind.choices)
    old_value = models.TextField(_("变更前"), blank=True)
    new_value = models.TextField(_("变更后"), blank=True)
    reason = models.TextField(_("变更原因"))
    amended_on = models.DateField(_("变更日期"))
    amended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("变更人"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("合同变更")
        verbose_name_plural = _("合同变更")
        ordering = ["amended_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""), name="amendment_has_reason", violation_error_message=_("须填写变更原因。")
            )
        ]

    def __str__(self) -> str:
        return f"{self.contract.number} {self.get_kind_display()}"
