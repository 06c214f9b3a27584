"""The registry: regions (GB/T 2260), departments and the social organizations they register, with their annual
inspections, evaluation grades, credit listings and administrative penalties.

Business rules live in services.py (writes) and selectors.py (reads); the models hold fields, invariants
that the database can enforce, and small derived properties.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import connections, models, router
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.search import pinyin_of, search_document, search_tokens


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


class Organization(models.Model):
    """A registered social organization (社会组织)."""

    class Type(models.TextChoices):
        ASSOCIATION = "association", _("社会团体")
        SERVICE = "service", _("社会服务机构(民办非企业单位)")
        FOUNDATION = "foundation", _("基金会")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        NORMAL = "normal", _("正常")
        DEREGISTERED = "deregistered", _("注销")
        REVOKED = "revoked", _("撤销登记")

    # The category digit (position 2 of the USCC) each type must carry.
    TYPE_CATEGORY_DIGIT = {Type.ASSOCIATION: "1", Type.SERVICE: "2", Type.FOUNDATION: "3", Type.OTHER: "9"}

    name = models.CharField(_("名称"), max_length=200, db_index=True)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    org_type = models.CharField(_("类型"), max_length=20, choices=Type.choices, db_index=True)
    registration_authority = models.ForeignKey(
        Department,
        verbose_name=_("登记管理机关"),
        on_delete=models.PROTECT,
        related_name="registered_organizations",
    )
    supervisory_unit = models.CharField(_("业务主管单位"), max_length=200, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=50)
    registered_funds = models.DecimalField(_("注册资金(元)"), max_digits=14, decimal_places=2)
    established_on = models.DateField(_("成立日期"), db_index=True)
    domicile = models.CharField(_("住所"), max_length=300)
    region = models.ForeignKey(
        Region, verbose_name=_("所属区划"), on_delete=models.PROTECT, related_name="organizations"
    )
    business_scope = models.TextField(_("业务范围"), blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=40, blank=True)
    contact_email = models.EmailField(_("联系邮箱"), blank=True)
    certificate_valid_until = models.DateField(_("证书有效期至"), null=True, blank=True)
    status = models.CharField(
        _("登记状态"), max_length=20, choices=Status.choices, default=Status.NORMAL, db_index=True
    )
    status_changed_on = models.DateField(_("状态变更日期"), null=True, blank=True)
    status_reason = models.TextField(_("状态变更原因"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    # Derived from the fields above whenever the organization is written (search_columns): the pinyin of the name
    # for sorting, and the folded texts with the name's pinyin and initials for /search/ (core/search.py).
    name_pinyin = models.CharField(_("名称拼音"), max_length=255, blank=True, editable=False)
    search_document = models.TextField(_("检索文本"), blank=True, editable=False)
    search_tokens = models.TextField(_("检索分词"), blank=True, editable=False)
    # The code of `region`, kept by save() and every bulk writer: the directory's order (region, then the pinyin of
    # the name) is then one index on this table instead of a sort of the joined rows.
    region_code = models.CharField(_("区划代码"), max_length=6, blank=True, editable=False)
    # The former names (FormerName), newest first, one a line: kept by organization_rename so that every writer of the
    # search columns finds them without a query.
    former_names_text = models.TextField(_("曾用名"), blank=True, editable=False)
    # Facts of the records that point here, kept by the database on every write of those records (triggers of
    # registry migration 0009, whichever code writes them: services, admin, imports, bulk writers), so that the 待办
    # counts a bureau's organizations from one index instead of probing each one's records. Never written by save().
    # The two latest years with an annual work report or an annual inspection on record (of any status):
    annual_year_latest = models.PositiveSmallIntegerField(_("最近的年报年度"), null=True, blank=True, editable=False)
    annual_year_previous = models.PositiveSmallIntegerField(_("上一个年报年度"), null=True, blank=True, editable=False)
    # The latest end of validity of its ratings (None: never rated); before today, its rating has expired.
    rating_valid_until = models.DateField(_("评估等级有效期至"), null=True, blank=True, editable=False)

    history = HistoricalRecords(
        excluded_fields=[
            "updated_at",
            "name_pinyin",
            "search_document",
            "search_tokens",
            "region_code",
            "former_names_text",
            "annual_year_latest",
            "annual_year_previous",
            "rating_valid_until",
        ]
    )

    # Kept by the database (see above): save() leaves them to it.
    STORED_FACTS = ("annual_year_latest", "annual_year_previous", "rating_valid_until")

    # The texts /search/ looks in, besides the name's pinyin.
    SEARCH_FIELDS = ("name", "uscc", "legal_representative", "domicile", "supervisory_unit", "business_scope")
    SEARCH_COLUMNS = ("name_pinyin", "search_document", "search_tokens")

    class Meta:
        verbose_name = _("社会组织")
        verbose_name_plural = _("社会组织")
        ordering = ["name_pinyin", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(registered_funds__gte=0), name="organization_funds_not_negative"),
        ]
        indexes = [
            models.Index(fields=["region", "status"], name="organization_region_status"),
            models.Index(fields=["region", "name_pinyin"], name="organization_region_pinyin"),
            models.Index(fields=["name_pinyin"], name="organization_pinyin"),
            # The directory's default order (registry.selectors.DIRECTORY_ORDER).
            models.Index(fields=["region_code", "name_pinyin", "id"], name="organization_directory_order"),
            # A registration authority's own organizations as the 待办 counts them (registry/todo.py, stats/todo.py):
            # the filter, the order and the keys the counts join on, so that PostgreSQL counts a provincial bureau's
            # 15,000 organizations from the index instead of reading their wide rows. The latest year on record comes
            # before the date of establishment: the overdue reports are ranges of it (registry.selectors.
            # annual_year_missing), the few hundred entries of a bureau's 15,000 that lack last year's report.
            models.Index(
                fields=["registration_authority", "status", "annual_year_latest", "established_on"],
                include=["id", "region", "annual_year_previous"],
                name="organization_authority_filed",
            ),
            # The few organizations without contact data (the data-quality check), found without a scan.
            models.Index(
                fields=["registration_authority"],
                include=["id", "region"],
                condition=Q(status="normal") & (Q(contact_phone="") | Q(contact_email="")),
                name="organization_missing_contact",
            ),
        ]
        # PostgreSQL also has a trigram index on search_document and a full-text index on search_tokens (0002).

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        # Keeping derived columns in step with their sources is storage, not a business rule.
        values = self.__dict__
        if "former_names_text" in self.get_deferred_fields():
            values = {**values, "former_names_text": self.former_names_text}  # loaded, so the document keeps them
        for column, value in self.search_columns(values).items():
            setattr(self, column, value)
        if self.region_id is not None:
            self.region_code = self.region.code  # the cached region, or the one region_id names
        update_fields = kwargs.get("update_fields")
        if update_fields is None and not self._state.adding and not kwargs.get("force_insert"):
            # An existing row: every loaded field but the stored facts, which a copy loaded earlier would set back.
            deferred = self.get_deferred_fields()
            update_fields = [
                field.attname
                for field in self._meta.concrete_fields
                if not field.primary_key and field.attname not in self.STORED_FACTS and field.attname not in deferred
            ]
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, *self.SEARCH_COLUMNS, "region_code"}
        super().save(*args, **kwargs)

    @classmethod
    def search_columns(cls, values) -> dict[str, str]:
        """The derived columns for a row given as {field name: value} (every writer of organizations uses it); the
        former names are searched like the name, pinyin and initials included."""
        name = values.get("name") or ""
        former = [line for line in (values.get("former_names_text") or "").splitlines() if line]
        texts = [values.get(field) or "" for field in cls.SEARCH_FIELDS] + former
        pinyin = pinyin_of(name)  # one conversion for the sort key and the document
        document = search_document(texts, names=[name, *former], known={name: pinyin})
        return {
            "name_pinyin": pinyin.sort_key(),
            "search_document": document,
            "search_tokens": search_tokens(document),
        }

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.NORMAL

    @property
    def former_name_list(self) -> list[str]:
        return [line for line in self.former_names_text.splitlines() if line]


class FormerName(models.Model):
    """A name the organization was registered under before (曾用名), kept when the registrar records a change of name
    (organization_rename): the name and the day it stopped being used."""

    organization = models.ForeignKey(
        Organization, verbose_name=_("社会组织"), on_delete=models.PROTECT, related_name="former_names"
    )
    name = models.CharField(_("曾用名"), max_length=200)
    changed_on = models.DateField(_("名称变更日期"))
    recorded_at = models.DateTimeField(_("登记时间"), default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("曾用名")
        verbose_name_plural = _("曾用名")
        ordering = ["-changed_on", "-pk"]

    def __str__(self) -> str:
        return self.name


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
