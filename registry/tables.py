"""The organization directory as a table, and the rows of its export (written by core.spreadsheets)."""

from __future__ import annotations

from collections.abc import Iterator

import django_tables2 as tables
from django.db.models import F
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.choices import display
from core.links import reverse_one
from core.tables import PageFactsTable, facts_in_chunks
from registry.models import Organization, Region
from registry.selectors import organization_facts, with_current_grade

EXPORT_CHUNK_SIZE = 2000


def region_label(region: Region | None) -> str:
    """`Region.label` (a county with its city), empty for none. Needs select_related("region__parent")."""
    return "" if region is None else region.label


# What no list of organizations shows: the stored search columns, long texts and the record's own timestamps.
UNSHOWN_COLUMNS = (
    "search_document",
    "search_tokens",
    "former_names_text",
    "business_scope",
    "created_at",
    "updated_at",
)


class OrganizationTable(PageFactsTable):
    page_facts = staticmethod(organization_facts)
    unshown_columns = UNSHOWN_COLUMNS

    name = tables.Column(
        linkify=lambda record: reverse_one("registry:organization-detail", record.uscc),
        order_by=("name_pinyin", "pk"),
        attrs={"th": {"class": "col-name"}, "td": {"class": "col-name"}},
    )
    uscc = tables.Column(attrs={"td": {"class": "uscc"}}, order_by=("uscc",))
    org_type = tables.Column(order_by=("org_type", "name_pinyin", "pk"))
    legal_representative = tables.Column(orderable=False)
    registration_authority = tables.Column(orderable=False, attrs={"td": {"class": "col-authority"}})
    region = tables.Column(order_by=("region_code", "name_pinyin", "pk"))
    established_on = tables.DateColumn(format="Y-m-d", order_by=("established_on", "name_pinyin", "pk"))
    current_grade = tables.Column(
        verbose_name=_("评估等级"), empty_values=(), order_by=("current_grade", "name_pinyin", "pk")
    )
    status = tables.Column(order_by=("status", "name_pinyin", "pk"))
    credit = tables.Column(verbose_name=_("信用名单"), empty_values=(), orderable=False, accessor="on_credit_list")

    class Meta:
        model = Organization
        fields = (
            "name",
            "uscc",
            "org_type",
            "legal_representative",
            "registration_authority",
            "region",
            "established_on",
            "current_grade",
            "status",
        )
        sequence = (
            "name",
            "uscc",
            "org_type",
            "legal_representative",
            "registration_authority",
            "region",
            "established_on",
            "current_grade",
            "status",
            "credit",
        )
        template_name = "registry/organization_table.html"
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "organization-table"}
        empty_text = _("没有符合条件的社会组织。")

    def render_region(self, value):
        return region_label(value)

    def order_current_grade(self, queryset, is_descending):
        """Organizations without a valid grade sort last both ways (PostgreSQL puts NULLs first when descending)."""
        grade = F("current_grade").desc(nulls_last=True) if is_descending else F("current_grade").asc(nulls_last=True)
        return with_current_grade(queryset).order_by(grade, "name_pinyin", "pk"), True

    def render_current_grade(self, record):
        if record.current_grade:
            return record.current_grade
        return format_html('<span class="text-muted">{}</span>', gettext("无有效等级"))

    def render_status(self, record):
        label = display(record, "status")
        if record.status == Organization.Status.NORMAL:
            return label
        return format_html('<span class="badge text-bg-secondary">{}</span>', label)

    def render_credit(self, record):
        if record.on_serious_list:
            return format_html('<span class="badge text-bg-danger">{}</span>', gettext("严重违法失信名单"))
        if record.on_credit_list:
            return format_html('<span class="badge text-bg-warning">{}</span>', gettext("活动异常名录"))
        return ""


# ---- export ----------------------------------------------------------------------------------------------------


def export_headers() -> list[str]:
    return [
        gettext("名称"),
        gettext("统一社会信用代码"),
        gettext("类型"),
        gettext("所属区划"),
        gettext("登记管理机关"),
        gettext("业务主管单位"),
        gettext("法定代表人"),
        gettext("注册资金(元)"),
        gettext("成立日期"),
        gettext("住所"),
        gettext("登记状态"),
        gettext("当前评估等级"),
        gettext("等级有效期至"),
        gettext("当前列入信用名单"),
        gettext("列入严重违法失信名单"),
    ]


def export_rows(queryset) -> Iterator[list]:
    """One list of plain values (str, Decimal, date or None) per organization, streamed in chunks.

    Labels are resolved once, before the first row, so a generator consumed after the view returned still writes
    them in the request's language.
    """
    types = {value: str(label) for value, label in Organization.Type.choices}
    statuses = {value: str(label) for value, label in Organization.Status.choices}
    yes, no = gettext("是"), gettext("否")

    def rows():
        rows = queryset.iterator(chunk_size=EXPORT_CHUNK_SIZE)
        for organization in facts_in_chunks(rows, organization_facts, EXPORT_CHUNK_SIZE):
            yield [
                organization.name,
                organization.uscc,
                types.get(organization.org_type, organization.org_type),
                region_label(organization.region),
                organization.registration_authority.name,
                organization.supervisory_unit,
                organization.legal_representative,
                organization.registered_funds,
                organization.established_on,
                organization.domicile,
                statuses.get(organization.status, organization.status),
                organization.current_grade or "",
                organization.current_grade_valid_until,
                yes if organization.on_credit_list else no,
                yes if organization.on_serious_list else no,
            ]

    return rows()
