"""Contracts, the model contract's versions, contract numbers and contract documents."""

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

from contracts.models.lists import PurchaseItem
from core.models import StoredFile


def add_years(day: datetime.date, years: int) -> datetime.date:
    """The same calendar day `years` later (29 February falls back to 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


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
            # A department's or a region's contracts with what the officials' dashboard counts and sums of them
            # (portal.officials) and what the purchasers' to-do list orders them by (the contracts without a public
            # text, by signing day and number): read from the index, not from the wide rows (2.4 KB each with their
            # search columns).
            models.Index(
                fields=["department", "status"],
                include=["id", "year", "amount", "signed_on", "number"],
                name="contract_department_figures",
            ),
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
