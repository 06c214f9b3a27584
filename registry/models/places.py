"""Regions (GB/T 2260, a materialized path) and the departments that sit in them."""

from __future__ import annotations

from django.db import connections, models, router
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Region(models.Model):
    """An administrative division from GB/T 2260, with a materialized path for one-query descendant lookups."""

    class Level(models.TextChoices):
        NATIONAL = "national", _("全国")
        PROVINCE = "province", _("省级")
        CITY = "city", _("市级")
        COUNTY = "county", _("县级")

    code = models.CharField(_("区划代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级区划"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Codes of every ancestor and of the region itself, e.g. "100000/150000/150100/".
    path = models.CharField(_("层级路径"), max_length=40, db_index=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def full_name(self) -> str:
        """The name with its province and city, e.g. 内蒙古自治区呼和浩特市新城区."""
        names = []
        region: Region | None = self
        while region is not None and region.level != Region.Level.NATIONAL:
            names.append(region.name)
            region = region.parent
        return "".join(reversed(names))

    @property
    def label(self) -> str:
        """How lists name it: a county with its city (呼和浩特市新城区), other regions by their name. Reads the
        parent of a county (select_related("region__parent") where a list shows many)."""
        if self.level == Region.Level.COUNTY and self.parent is not None:
            return f"{self.parent.name}{self.name}"
        return self.name

    def covers(self, other: Region | None) -> bool:
        """True when `other` is this region or lies below it."""
        return other is not None and other.path.startswith(self.path)

    def descendants(self, include_self: bool = True) -> models.QuerySet[Region]:
        queryset = Region.objects.filter(path__startswith=self.path)
        return queryset if include_self else queryset.exclude(pk=self.pk)

    def holds_every(self, model: type[models.Model]) -> bool:
        """True when no row of `model` (Organization or Department: what has a `region`) lies outside this region:
        the province's own officials, on an installation that keeps one province's records.

        Every record scoped by region reaches it through an organization or a department, so an official of such a
        region sees every row of those records: their lists need no region filter, a filter that over a province
        only joins each row to its organization and region to keep all of them.

        One query that walks the distinct regions the rows lie in along the index on `region` (a loose index scan:
        each step the next region key after the last, a recursive CTE) and stops at the first region outside: a
        province's 200,000 organizations lie in a hundred-odd regions, while the country's 3,000 regions outside it
        are what probing each outside region read (4 ms)."""
        connection = connections[router.db_for_read(model)]
        table = connection.ops.quote_name(model._meta.db_table)
        column = connection.ops.quote_name(model._meta.get_field("region").column)
        regions = connection.ops.quote_name(Region._meta.db_table)
        sql = (
            f"WITH RECURSIVE present (region_id) AS ("
            f"SELECT * FROM (SELECT {column} FROM {table} WHERE {column} IS NOT NULL ORDER BY {column} LIMIT 1) first"
            f" UNION ALL SELECT (SELECT {column} FROM {table} WHERE {column} > present.region_id ORDER BY {column}"
            f" LIMIT 1) FROM present WHERE present.region_id IS NOT NULL) "
            f"SELECT 1 FROM present JOIN {regions} ON {regions}.id = present.region_id "
            f"WHERE SUBSTR({regions}.path, 1, %s) <> %s LIMIT 1"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [len(self.path), self.path])
            return cursor.fetchone() is None


class Department(models.Model):
    """A government department: a civil-affairs bureau (登记管理机关) or a purchasing department (购买主体)."""

    class Kind(models.TextChoices):
        CIVIL_AFFAIRS = "civil_affairs", _("民政部门")
        FINANCE = "finance", _("财政部门")
        PURCHASER = "purchaser", _("其他购买主体")

    name = models.CharField(_("名称"), max_length=100)
    code = models.CharField(
        _("部门代码"), max_length=20, unique=True, help_text=_("用于生成合同编号，例如 NMMZ 或 HHMZ")
    )
    region = models.ForeignKey(Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="departments")
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    uscc = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        blank=True,
        help_text=_("机关的统一社会信用代码（以 11 开头）；在开放数据中标识购买主体。"),
    )
    # The department's public contact for questions about its purchases (政务公开): published on the site and in OCDS.
    contact_name = models.CharField(_("对外联系部门"), max_length=100, blank=True)
    contact_phone = models.CharField(_("对外联系电话"), max_length=40, blank=True)
    contact_email = models.EmailField(_("对外联系邮箱"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("部门")
        verbose_name_plural = _("部门")
        ordering = ["region__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="department_unique_name_in_region"),
            models.UniqueConstraint(
                fields=["uscc"],
                condition=~models.Q(uscc=""),
                name="department_uscc_unique",
                violation_error_message=_("已有部门使用该统一社会信用代码。"),
            ),
        ]

    def __str__(self) -> str:
        return self.name
