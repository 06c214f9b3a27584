"""The social organizations and their former names."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from core.search import pinyin_of, search_document, search_tokens
from registry.models.places import Department, Region


class OrganizationQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        """Django's bulk_create, with the derived columns `save()` keeps (the pinyin and search columns, the region's
        code) worked out for every row first, the regions' codes read in one query: without them a row is in the
        table but missing from the directory's order and from every search. `bulk_create_with_history` comes here
        too. The stored facts stay the database's (registry 0012)."""
        objs = list(objs)
        wanted = {obj.region_id for obj in objs if obj.region_id is not None}
        codes = dict(Region.objects.using(self.db).filter(pk__in=wanted).values_list("pk", "code")) if wanted else {}
        for obj in objs:
            for column, value in self.model.search_columns(obj.__dict__).items():
                setattr(obj, column, value)
            if obj.region_id is not None:
                obj.region_code = codes.get(obj.region_id, "")
        return super().bulk_create(objs, *args, **kwargs)


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

    # The audit trail is read one organization at a time (by `id`, in `history_date` order), never searched: the
    # history table keeps those indexes and not the copies of the organization's own (name, code, type, dates,
    # status, region, authority; ten B-trees), which every imported or edited organization would otherwise pay for.
    history = HistoricalRecords(
        no_db_index=[
            "name",
            "uscc",
            "org_type",
            "registration_authority",
            "established_on",
            "region",
            "status",
        ],
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
        ],
    )

    objects = OrganizationQuerySet.as_manager()

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
            # The organizations whose rating has expired (stats.quality's expired_rating, on a registrar's 待办): read
            # from this index alone — a province's 9,000 of 200,000 rows — and matched with the ratings a bureau
            # awarded, instead of probing the row of each organization it rated (4.5 → 2.3 ms; docs/benchmarks.md).
            models.Index(
                fields=["rating_valid_until"],
                include=["id", "region_code"],
                condition=Q(status="normal", rating_valid_until__isnull=False),
                name="organization_rating_expired",
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
