"""Random-sample draws (双随机抽查): the recorded draw, with its seed and population, and the organizations drawn."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


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
