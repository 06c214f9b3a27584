"""Performance evaluations (绩效评价) of purchase-of-services contracts.

An indicator set is a versioned tree of weighted indicators; an evaluation of a contract invites evaluators from the
pool, each of whom accepts with a no-conflict declaration (or declares a conflict), scores every leaf indicator and
submits; finalizing stores each evaluator's total, each indicator's mean, the aggregate score and its grade.

Business rules live in services/ (writes), selectors.py (reads), workflows.py (which status allows what),
permissions.py (who may) and scoring.py (the arithmetic); the models hold fields, the invariants the database can
enforce, and small derived properties.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.services import lazy_message, render_message
from evaluations import scoring

INDICATOR_SET_LABEL = _("%(name)s（第%(version)d版）")


def default_min_evaluators() -> int:
    """settings.EVALUATION_MIN_EVALUATORS, 3 when unset."""
    return int(getattr(settings, "EVALUATION_MIN_EVALUATORS", 3))


class IndicatorSet(models.Model):
    """A named, versioned tree of weighted indicators (绩效评价指标体系).

    Only drafts are edited. Activation checks the weights; an evaluation using the set freezes it, and a change to a
    frozen set is a new version (same name, version + 1, the tree copied).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        ACTIVE = "active", _("已启用")
        FROZEN = "frozen", _("已冻结(已使用)")

    name = models.CharField(_("名称"), max_length=200)
    version = models.PositiveSmallIntegerField(_("版本"), default=1)
    description = models.TextField(_("说明"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    previous_version = models.ForeignKey(
        "self",
        verbose_name=_("上一版本"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="next_versions",
    )
    activated_at = models.DateTimeField(_("启用时间"), null=True, blank=True)
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
        verbose_name = _("绩效评价指标体系")
        verbose_name_plural = _("绩效评价指标体系")
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["name", "version"],
                name="indicator_set_unique_version",
                violation_error_message=_("同名指标体系的版本号不能重复。"),
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="indicator_set_version_positive"),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """ "名称（第2版）" in the active language."""
        return render_message(INDICATOR_SET_LABEL, {"name": self.name, "version": self.version})

    @property
    def lazy_label(self):
        """The label rendered wherever it is shown (a param of a service's refusal)."""
        return lazy_message(INDICATOR_SET_LABEL, {"name": self.name, "version": self.version})

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT


class Indicator(models.Model):
    """One indicator of a set: first level (决策/过程/产出/效益), second and third levels below; leaves are scored."""

    MAX_LEVEL = 3

    indicator_set = models.ForeignKey(
        IndicatorSet, verbose_name=_("指标体系"), on_delete=models.CASCADE, related_name="indicators"
    )
    parent = models.ForeignKey(
        "self", verbose_name=_("上级指标"), null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    level = models.PositiveSmallIntegerField(_("层级"), default=1)
    code = models.CharField(_("指标编码"), max_length=20)
    name = models.CharField(_("指标名称"), max_length=200)
    weight = models.DecimalField(
        _("分值"), max_digits=5, decimal_places=2, help_text=_("本指标在总分 100 分中所占分值")
    )
    max_score = models.DecimalField(
        _("满分"), max_digits=6, decimal_places=2, help_text=_("末级指标的评分上限（评分按 得分÷满分×分值 折算）")
    )
    guidance = models.TextField(_("评分说明"), blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评价指标")
        verbose_name_plural = _("评价指标")
        ordering = ["order", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator_set", "code"],
                name="indicator_code_unique_in_set",
                violation_error_message=_("同一指标体系中的指标编码不能重复。"),
            ),
            models.CheckConstraint(
                condition=Q(weight__gt=0) & Q(weight__lte=100),
                name="indicator_weight_range",
                violation_error_message=_("分值须大于 0 且不超过 100。"),
            ),
            models.CheckConstraint(
                condition=Q(max_score__gt=0),
                name="indicator_max_score_positive",
                violation_error_message=_("满分须大于 0。"),
            ),
            models.CheckConstraint(
                condition=Q(level__gte=1) & Q(level__lte=3),
                name="indicator_level_range",
                violation_error_message=_("指标层级须为 1 至 3 级。"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EvaluatorProfile(models.Model):
    """A member of the evaluator pool (评价专家库)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.PROTECT, related_name="evaluator_profile"
    )
    specialties = models.CharField(_("专业领域"), max_length=300, blank=True)
    affiliation_organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("所属社会组织(第三方评估机构)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="affiliated_evaluators",
    )
    affiliation = models.CharField(_("工作单位"), max_length=200, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    is_active = models.BooleanField(_("在库"), default=True, db_index=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        verbose_name = _("评价专家")
        verbose_name_plural = _("评价专家")
        ordering = ["user__username"]

    def __str__(self) -> str:
        return str(self.user)

    @property
    def affiliation_display(self) -> str:
        if self.affiliation_organization_id is not None:
            return str(self.affiliation_organization)
        return self.affiliation


class Evaluation(models.Model):
    """The performance evaluation of one contract: mid-term, final or annual."""

    class Kind(models.TextChoices):
        MID_TERM = "mid_term", _("中期评价")
        FINAL = "final", _("末期评价")
        ANNUAL = "annual", _("年度评价")

    class Aggregation(models.TextChoices):
        MEAN = scoring.MEAN, _("算术平均")
        TRIMMED_MEAN = scoring.TRIMMED_MEAN, _("去掉一个最高分和一个最低分后平均")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SCORING = "scoring", _("评分中")
        FINALIZED = "finalized", _("已定稿")

    class Grade(models.TextChoices):
        EXCELLENT = scoring.EXCELLENT, _("优")
        GOOD = scoring.GOOD, _("良")
        FAIR = scoring.FAIR, _("中")
        POOR = scoring.POOR, _("差")

    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("合同"), on_delete=models.PROTECT, related_name="evaluations"
    )
    kind = models.CharField(_("评价类型"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("评价年度"), db_index=True)
    indicator_set = models.ForeignKey(
        IndicatorSet, verbose_name=_("指标体系"), on_delete=models.PROTECT, related_name="evaluations"
    )
    period_start_on = models.DateField(_("评价期间起"))
    period_end_on = models.DateField(_("评价期间止"))
    due_on = models.DateField(_("评分截止日期"))
    aggregation = models.CharField(_("汇总方式"), max_length=15, choices=Aggregation.choices, default=Aggregation.MEAN)
    min_evaluators = models.PositiveSmallIntegerField(_("最少评价专家人数"), default=default_min_evaluators)
    description = models.TextField(_("评价说明"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    scoring_started_at = models.DateTimeField(_("开始评分时间"), null=True, blank=True)
    finalized_at = models.DateTimeField(_("定稿时间"), null=True, blank=True)
    finalized_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("定稿人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    score = models.DecimalField(_("综合得分"), max_digits=5, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("评价等级"), max_length=10, choices=Grade.choices, null=True, blank=True, db_index=True)
    evaluator_count = models.PositiveSmallIntegerField(_("提交评分专家人数"), null=True, blank=True)
    trimmed = models.BooleanField(_("已去掉最高分和最低分"), default=False)
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
        verbose_name = _("绩效评价")
        verbose_name_plural = _("绩效评价")
        ordering = ["-year", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_start_on__lte=F("period_end_on")),
                name="evaluation_period_ordered",
                violation_error_message=_("评价期间的开始日期不能晚于结束日期。"),
            ),
            models.CheckConstraint(
                condition=Q(min_evaluators__gte=1),
                name="evaluation_min_evaluators_positive",
                violation_error_message=_("最少评价专家人数至少为 1。"),
            ),
            models.CheckConstraint(
                condition=Q(score__isnull=True) | (Q(score__gte=0) & Q(score__lte=100)),
                name="evaluation_score_range",
            ),
            models.CheckConstraint(
                condition=~Q(status="finalized")
                | (Q(score__isnull=False) & Q(grade__isnull=False) & Q(finalized_at__isnull=False)),
                name="evaluation_finalized_has_result",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2200),
                name="evaluation_year_range",
                violation_error_message=_("年度须在 2000 至 2200 之间。"),
            ),
            models.UniqueConstraint(
                fields=["contract"],
                condition=Q(kind="final"),
                name="evaluation_one_final_per_contract",
                violation_error_message=_("该合同已有末期评价。"),
            ),
            models.UniqueConstraint(
                fields=["contract", "year"],
                condition=Q(kind="annual"),
                name="evaluation_one_annual_per_contract_year",
                violation_error_message=_("该合同本年度已有年度评价。"),
            ),
        ]
        indexes = [models.Index(fields=["status", "year"], name="evaluation_status_year")]

    def __str__(self) -> str:
        return f"{self.contract.number} {self.get_kind_display()}"

    @property
    def is_draft(self) -> bool:
        return self.status == self.Status.DRAFT

    @property
    def is_scoring(self) -> bool:
        return self.status == self.Status.SCORING

    @property
    def is_finalized(self) -> bool:
        return self.status == self.Status.FINALIZED

    @property
    def is_public(self) -> bool:
        """A finalized evaluation is a public record."""
        return self.is_finalized


class Assignment(models.Model):
    """An evaluator invited to an evaluation (评价专家指派), with the conflict-of-interest declaration."""

    class Status(models.TextChoices):
        INVITED = "invited", _("待确认")
        ACCEPTED = "accepted", _("已接受")
        SUBMITTED = "submitted", _("已提交")
        DECLINED = "declined", _("已谢绝")
        CONFLICT = "conflict", _("利益冲突回避")
        WITHDRAWN = "withdrawn", _("已撤回")

    LIVE_STATUSES = (Status.INVITED, Status.ACCEPTED, Status.SUBMITTED)
    # The evaluator serves on the evaluation: they declared no conflict, so the evidence and their sheet are open.
    SERVING_STATUSES = (Status.ACCEPTED, Status.SUBMITTED)

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("绩效评价"), on_delete=models.PROTECT, related_name="assignments"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价专家"),
        on_delete=models.PROTECT,
        related_name="evaluation_assignments",
    )
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.INVITED, db_index=True)
    invited_at = models.DateTimeField(_("邀请时间"), default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("邀请人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    declaration = models.TextField(_("利益冲突声明"), blank=True)
    declared_at = models.DateTimeField(_("声明时间"), null=True, blank=True)
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    decline_reason = models.TextField(_("谢绝理由"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    withdrawn_reason = models.TextField(_("撤回理由"), blank=True)
    total_score = models.DecimalField(_("专家总分"), max_digits=7, decimal_places=4, null=True, blank=True)
    counted = models.BooleanField(_("计入综合得分"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评价专家指派")
        verbose_name_plural = _("评价专家指派")
        ordering = ["evaluation_id", "invited_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "evaluator"],
                condition=Q(status__in=["invited", "accepted", "submitted"]),
                name="assignment_one_live_per_evaluator",
                violation_error_message=_("该专家已被指派参加本次评价。"),
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["accepted", "submitted", "conflict"])
                | (Q(declared_at__isnull=False) & ~Q(declaration="")),
                name="assignment_declared",
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False), name="assignment_submitted_has_time"
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | (Q(withdrawn_at__isnull=False) & ~Q(withdrawn_reason="")),
                name="assignment_withdrawn_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation} · {self.evaluator}"

    @property
    def is_live(self) -> bool:
        return self.status in self.LIVE_STATUSES


class Score(models.Model):
    """One evaluator's score for one leaf indicator."""

    assignment = models.ForeignKey(
        Assignment, verbose_name=_("评价专家指派"), on_delete=models.CASCADE, related_name="scores"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="scores")
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("评分意见"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        ordering = ["assignment_id", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "indicator"],
                name="score_one_per_indicator",
                violation_error_message=_("同一指标只能评分一次。"),
            ),
            models.CheckConstraint(
                condition=Q(score__gte=0), name="score_not_negative", violation_error_message=_("得分不能为负数。")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.score}"


class IndicatorResult(models.Model):
    """An indicator's mean over the evaluators counted in the aggregate, stored at finalization."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("绩效评价"), on_delete=models.CASCADE, related_name="indicator_results"
    )
    indicator = models.ForeignKey(Indicator, verbose_name=_("指标"), on_delete=models.PROTECT, related_name="results")
    mean_score = models.DecimalField(_("平均得分"), max_digits=8, decimal_places=4, null=True, blank=True)
    mean_points = models.DecimalField(_("平均折算分"), max_digits=8, decimal_places=4)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")
        ordering = ["evaluation_id", "indicator_id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "indicator"], name="indicator_result_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.mean_points}"


class PerformanceWarning(models.Model):
    """The record a 差 grade leaves on the organization; it holds the contract's payments until a decision."""

    organization = models.ForeignKey(
        "registry.Organization",
        verbose_name=_("社会组织"),
        on_delete=models.PROTECT,
        related_name="performance_warnings",
    )
    evaluation = models.OneToOneField(
        Evaluation, verbose_name=_("绩效评价"), on_delete=models.PROTECT, related_name="performance_warning"
    )
    recorded_on = models.DateField(_("记录日期"), db_index=True)
    reason = models.TextField(_("事由"))
    decision = models.TextField(_("付款处理决定"), blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("决定人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("决定记录时间"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("绩效预警")
        verbose_name_plural = _("绩效预警")
        ordering = ["-recorded_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(decided_at__isnull=True) & Q(decision=""))
                | (Q(decided_at__isnull=False) & Q(decided_on__isnull=False) & ~Q(decision="")),
                name="performance_warning_decision_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.recorded_on}"

    @property
    def is_open(self) -> bool:
        return self.decided_at is None
