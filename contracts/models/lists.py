"""Purchase lists (购买服务目录) and their items."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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
