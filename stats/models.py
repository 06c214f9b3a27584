"""The statistics summary: the aggregates of every record family at the finest grain the pages ask for (the record's
region, year, department, service category, organization type; for contracts also the supplier's region), refreshed
as a whole by `refresh_statistics` (a daily background task). At provincial scale the pages sum these rows instead of
scanning the records (docs/benchmarks.md "statistics").

Rows are derived data: nothing else refers to them and each refresh replaces them all in one transaction.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class SummaryRow(models.Model):
    """One family's aggregates for one combination of the dimensions (a measure column is NULL in other families)."""

    family = models.CharField(_("数据类别"), max_length=30)
    region_path = models.CharField(_("区划路径"), max_length=40)
    org_region_path = models.CharField(_("承接主体区划路径"), max_length=40, blank=True)
    year = models.SmallIntegerField(_("年度"), null=True)
    department_id = models.IntegerField(_("部门"), null=True)
    category = models.CharField(_("服务类别"), max_length=30, blank=True)
    org_type = models.CharField(_("组织类型"), max_length=20, blank=True)
    lists_published = models.PositiveIntegerField(null=True)
    items_published = models.PositiveIntegerField(null=True)
    contracts_signed = models.PositiveIntegerField(null=True)
    payments = models.PositiveIntegerField(null=True)
    deliverables_due = models.PositiveIntegerField(null=True)
    accepted_on_time = models.PositiveIntegerField(null=True)
    accepted_late = models.PositiveIntegerField(null=True)
    overdue = models.PositiveIntegerField(null=True)
    returned = models.PositiveIntegerField(null=True)
    evaluations = models.PositiveIntegerField(null=True)
    grade_excellent = models.PositiveIntegerField(null=True)
    grade_good = models.PositiveIntegerField(null=True)
    grade_fair = models.PositiveIntegerField(null=True)
    grade_poor = models.PositiveIntegerField(null=True)
    scored = models.PositiveIntegerField(null=True)
    organizations_registered = models.PositiveIntegerField(null=True)
    organizations_active = models.PositiveIntegerField(null=True)
    organizations_rated = models.PositiveIntegerField(null=True)
    abnormal_listed = models.PositiveIntegerField(null=True)
    serious_listed = models.PositiveIntegerField(null=True)
    inspections = models.PositiveIntegerField(null=True)
    problems_found = models.PositiveIntegerField(null=True)
    orders_issued = models.PositiveIntegerField(null=True)
    orders_verified = models.PositiveIntegerField(null=True)
    orders_overdue = models.PositiveIntegerField(null=True)
    complaints = models.PositiveIntegerField(null=True)
    complaints_upheld = models.PositiveIntegerField(null=True)
    complaints_dismissed = models.PositiveIntegerField(null=True)
    budget = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    contract_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    paid = models.DecimalField(max_digits=18, decimal_places=2, null=True)
    score_sum = models.DecimalField(max_digits=18, decimal_places=2, null=True)

    class Meta:
        verbose_name = _("统计汇总行")
        verbose_name_plural = _("统计汇总行")
        indexes = [models.Index(fields=["region_path", "year"], name="stats_summary_path_year")]

    def __str__(self) -> str:
        return f"{self.family} {self.region_path} {self.year}"


class SummaryRefresh(models.Model):
    """One completed refresh of the summary: the day its date-dependent figures (overdue, ratings) were computed for."""

    as_of = models.DateField(_("统计日期"))
    finished_at = models.DateTimeField(_("完成时间"))
    rows = models.PositiveIntegerField(_("汇总行数"))
    seconds = models.DecimalField(_("用时(秒)"), max_digits=8, decimal_places=2)

    class Meta:
        verbose_name = _("统计汇总刷新")
        verbose_name_plural = _("统计汇总刷新")
        ordering = ["-finished_at"]

    def __str__(self) -> str:
        return f"{self.as_of} ({self.rows})"
