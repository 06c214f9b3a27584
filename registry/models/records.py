"""What the registration authorities record of an organization: annual inspections and work reports, evaluation
grades, credit listings and administrative penalties."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.models.organizations import Organization
from registry.models.places import Department


class AnnualInspection(models.Model):
    """The result of one year's annual inspection (年检) or annual report."""

    class Result(models.TextChoices):
        PASSED = "passed", _("合格")
        BASIC = "basic", _("基本合格")
        FAILED = "failed", _("不合格")

    organization = models.ForeignKey(
        Organization, verbose_name=_("社会组织"), on_delete=models.PROTECT, related_name="inspections"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    result = models.CharField(_("结论"), max_length=10, choices=Result.choices)
    decided_on = models.DateField(_("决定日期"))
    note = models.TextField(_("备注"), blank=True)
    # The annual work report the result was decided on (most provinces do 年检 by reviewing it).
    report = models.OneToOneField(
        "AnnualReport",
        verbose_name=_("年度工作报告"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="inspection",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度检查")
        verbose_name_plural = _("年度检查")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="inspection_one_per_year"),
            models.CheckConstraint(condition=Q(year__gte=1949) & Q(year__lte=2200), name="inspection_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.year} {self.get_result_display()}"


class Rating(models.Model):
    """An evaluation grade (社会组织评估等级, 1A-5A), valid for five years from the award."""

    VALIDITY_YEARS = 5

    class Grade(models.TextChoices):
        A1 = "1A", "1A"
        A2 = "2A", "2A"
        A3 = "3A", "3A"
        A4 = "4A", "4A"
        A5 = "5A", "5A"

    organization = models.ForeignKey(
        Organization, verbose_name=_("社会组织"), on_delete=models.PROTECT, related_name="ratings"
    )
    grade = models.CharField(_("等级"), max_length=2, choices=Grade.choices)
    score = models.DecimalField(_("评估得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    awarded_on = models.DateField(_("评定日期"))
    valid_until = models.DateField(_("有效期至"))
    awarding_authority = models.ForeignKey(
        Department, verbose_name=_("评定机关"), on_delete=models.PROTECT, related_name="awarded_ratings"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评估等级")
        verbose_name_plural = _("评估等级")
        ordering = ["-awarded_on"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gt=F("awarded_on")), name="rating_valid_after_award"),
            models.CheckConstraint(condition=Q(score__isnull=True) | Q(score__gte=0), name="rating_score_not_negative"),
        ]
        indexes = [
            # A bureau's ratings by end of validity, with their organizations (the 待办's ratings running out and
            # expired): a range of this index instead of every rating the bureau ever awarded.
            models.Index(
                fields=["awarding_authority", "valid_until"], include=["organization"], name="rating_authority_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.grade}"

    @staticmethod
    def validity_end(awarded_on: datetime.date) -> datetime.date:
        """awarded_on + 5 years (29 February falls back to 28 February)."""
        try:
            return awarded_on.replace(year=awarded_on.year + Rating.VALIDITY_YEARS)
        except ValueError:
            return awarded_on.replace(year=awarded_on.year + Rating.VALIDITY_YEARS, day=28)

    def is_valid_on(self, day: datetime.date) -> bool:
        return self.awarded_on <= day < self.valid_until

    @property
    def is_expired(self) -> bool:
        return timezone.localdate() >= self.valid_until


class CreditListing(models.Model):
    """A listing on a credit list; removal is recorded on the same row, never deleted."""

    class List(models.TextChoices):
        ABNORMAL = "abnormal", _("活动异常名录")
        SERIOUS = "serious", _("严重违法失信名单")

    organization = models.ForeignKey(
        Organization, verbose_name=_("社会组织"), on_delete=models.PROTECT, related_name="credit_listings"
    )
    list_kind = models.CharField(_("名录"), max_length=10, choices=List.choices)
    reason = models.TextField(_("列入事由"))
    listed_on = models.DateField(_("列入日期"))
    deciding_authority = models.ForeignKey(
        Department, verbose_name=_("作出决定机关"), on_delete=models.PROTECT, related_name="credit_listings"
    )
    removed_on = models.DateField(_("移出日期"), null=True, blank=True)
    removal_reason = models.TextField(_("移出事由"), blank=True)
    removed_by = models.ForeignKey(
        Department,
        verbose_name=_("移出决定机关"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="credit_removals",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("信用名单记录")
        verbose_name_plural = _("信用名单记录")
        ordering = ["-listed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "list_kind"],
                condition=Q(removed_on__isnull=True),
                name="credit_listing_one_open_per_list",
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=F("listed_on")),
                name="credit_listing_removed_after_listed",
            ),
        ]
        indexes = [models.Index(fields=["list_kind", "removed_on"], name="credit_listing_open")]

    def __str__(self) -> str:
        return f"{self.organization} {self.get_list_kind_display()}"

    @property
    def is_open(self) -> bool:
        return self.removed_on is None


class Penalty(models.Model):
    """An administrative penalty (行政处罚) decided against an organization, as the national platform publishes it.

    The decision is never edited away: a penalty that was fulfilled or annulled changes its status, with the date
    and the reason, and history keeps every state.
    """

    class Kind(models.TextChoices):
        WARNING = "warning", _("警告")
        FINE = "fine", _("罚款")
        CONFISCATION = "confiscation", _("没收违法所得或非法财产")
        SUSPENSION = "suspension", _("限期停止活动")
        REVOCATION = "revocation", _("撤销登记")

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("生效")
        FULFILLED = "fulfilled", _("已履行")
        ANNULLED = "annulled", _("已撤销")

    # Kinds that carry an amount in yuan: a fine must, a confiscation may.
    AMOUNT_KINDS = (Kind.FINE, Kind.CONFISCATION)

    organization = models.ForeignKey(
        Organization, verbose_name=_("社会组织"), on_delete=models.PROTECT, related_name="penalties"
    )
    decision_number = models.CharField(_("处罚决定书文号"), max_length=100)
    decided_on = models.DateField(_("处罚决定日期"), db_index=True)
    authority = models.ForeignKey(
        Department, verbose_name=_("处罚机关"), on_delete=models.PROTECT, related_name="penalties"
    )
    kind = models.CharField(_("处罚种类"), max_length=20, choices=Kind.choices)
    amount = models.DecimalField(_("金额(元)"), max_digits=14, decimal_places=2, null=True, blank=True)
    facts = models.TextField(_("违法事实"))
    legal_basis = models.TextField(_("处罚依据"))
    status = models.CharField(_("执行状态"), max_length=20, choices=Status.choices, default=Status.IN_FORCE)
    status_changed_on = models.DateField(_("状态变更日期"), null=True, blank=True)
    status_reason = models.TextField(_("状态变更说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("行政处罚")
        verbose_name_plural = _("行政处罚")
        ordering = ["-decided_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["authority", "decision_number"], name="penalty_number_per_authority"),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0), name="penalty_amount_not_negative"
            ),
            models.CheckConstraint(condition=~Q(kind="fine") | Q(amount__isnull=False), name="penalty_fine_has_amount"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.decision_number}"

    @property
    def counts(self) -> bool:
        """An annulled penalty no longer counts against the organization."""
        return self.status != self.Status.ANNULLED


class AnnualReport(models.Model):
    """An organization's annual work report (年度工作报告) for one year: filed by the organization by 31 May of the
    following year, reviewed by its registration authority (合格 / 基本合格 / 不合格), which records the year's annual
    inspection result with it."""

    DUE_MONTH, DUE_DAY = 5, 31

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        REVIEWED = "reviewed", _("已审核")

    organization = models.ForeignKey(
        Organization, verbose_name=_("社会组织"), on_delete=models.PROTECT, related_name="annual_reports"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    income = models.DecimalField(_("本年收入(元)"), max_digits=14, decimal_places=2)
    expenditure = models.DecimalField(_("本年支出(元)"), max_digits=14, decimal_places=2)
    government_purchase_income = models.DecimalField(_("其中：政府购买服务收入(元)"), max_digits=14, decimal_places=2)
    net_assets = models.DecimalField(_("年末净资产(元)"), max_digits=14, decimal_places=2)
    staff_count = models.PositiveIntegerField(_("专职工作人员(人)"))
    volunteer_count = models.PositiveIntegerField(_("志愿者(人)"))
    activity_count = models.PositiveIntegerField(_("开展活动(次)"))
    summary = models.TextField(_("主要业务活动情况"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    submitted_on = models.DateField(_("报送日期"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报送人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    review_result = models.CharField(_("审核结论"), max_length=10, choices=AnnualInspection.Result.choices, blank=True)
    review_comments = models.TextField(_("审核意见"), blank=True)
    reviewed_on = models.DateField(_("审核日期"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("年度工作报告")
        verbose_name_plural = _("年度工作报告")
        ordering = ["-year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="annual_report_one_per_year"),
            models.CheckConstraint(
                condition=Q(income__gte=0) & Q(expenditure__gte=0) & Q(government_purchase_income__gte=0),
                name="annual_report_amounts_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(government_purchase_income__lte=F("income")), name="annual_report_purchase_within_income"
            ),
        ]
        indexes = [models.Index(fields=["status", "year"], name="annual_report_status_year")]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}"

    @classmethod
    def due_on(cls, year: int) -> datetime.date:
        """The last day to file the report for `year`: 31 May of the following year."""
        return datetime.date(year + 1, cls.DUE_MONTH, cls.DUE_DAY)

    @property
    def filed_late(self) -> bool:
        return self.submitted_on > self.due_on(self.year)
