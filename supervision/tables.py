"""The supervision lists as tables (django-tables2); every column comes from the selector's row, so a page's query
count does not grow with its rows."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from core.choices import display
from core.links import reverse_one
from core.tables import PageFactsTable
from registry.models import CreditListing
from registry.tables import region_label
from supervision.models import Complaint, Inspection, RectificationOrder, SampleDraw
from supervision.selectors import complaint_facts, inspection_facts, order_facts

TABLE_TEMPLATE = "includes/table.html"
TABLE_CLASS = "table table-sm table-hover align-middle"

BADGES = {
    Inspection.Status.PLANNED: "text-bg-info",
    Inspection.Status.COMPLETED: "text-bg-success",
    RectificationOrder.Status.ISSUED: "text-bg-primary",
    RectificationOrder.Status.ANSWERED: "text-bg-info",
    RectificationOrder.Status.VERIFIED: "text-bg-success",
    RectificationOrder.Status.RETURNED: "text-bg-warning",
    Complaint.Status.RECEIVED: "text-bg-primary",
    Complaint.Status.ACCEPTED: "text-bg-info",
    Complaint.Status.NOT_ACCEPTED: "text-bg-secondary",
    Complaint.Status.UNDER_REVIEW: "text-bg-info",
    Complaint.Status.UPHELD: "text-bg-danger",
    Complaint.Status.DISMISSED: "text-bg-secondary",
    CreditListing.List.ABNORMAL: "text-bg-warning",
    CreditListing.List.SERIOUS: "text-bg-danger",
}


def badge(value: str, label) -> str:
    return format_html('<span class="badge {}">{}</span>', BADGES.get(value, "text-bg-secondary"), label)


def organization_url(record) -> str:
    return reverse_one("registry:organization-detail", record.organization.uscc)


class InspectionTable(PageFactsTable):
    page_facts = staticmethod(inspection_facts)  # the inspectors too: `inspector_list`
    row_relations = ("organization__region", "contract")
    row_prefetches = ()
    row_columns = (
        "planned_on",
        "kind",
        "status",
        "conclusion",
        "organization__name",
        "organization__uscc",
        "organization__region__name",
        "contract__number",
    )

    planned_on = tables.DateColumn(
        format="Y-m-d",
        linkify=lambda record: reverse_one("supervision:inspection-detail", record.pk),
        order_by=("planned_on", "pk"),
    )
    organization = tables.Column(linkify=organization_url, order_by=("organization__name", "pk"))
    region = tables.Column(verbose_name=_("所属区划"), accessor="organization__region__name", orderable=False)
    kind = tables.Column(order_by=("kind", "pk"))
    contract = tables.Column(order_by=("contract__number", "pk"))
    inspectors = tables.Column(verbose_name=_("检查人员"), accessor="inspector_list", orderable=False, empty_values=())
    status = tables.Column(order_by=("status", "pk"))
    conclusion = tables.Column(order_by=("conclusion", "pk"))
    order_count = tables.Column(verbose_name=_("整改通知"), attrs={"td": {"class": "text-center"}}, orderable=False)

    class Meta:
        model = Inspection
        fields = ("planned_on", "organization", "kind", "contract", "status", "conclusion")
        sequence = (
            "planned_on",
            "organization",
            "region",
            "kind",
            "contract",
            "inspectors",
            "status",
            "conclusion",
            "order_count",
        )
        template_name = TABLE_TEMPLATE
        attrs = {"class": TABLE_CLASS, "data-testid": "inspection-table"}
        empty_text = _("没有符合条件的监督检查。")

    def render_contract(self, value):
        return value.number

    def render_inspectors(self, value):
        separator = pgettext("enumeration separator", "、")
        return separator.join(str(inspector) for inspector in value) or "—"

    def render_status(self, record):
        return badge(record.status, display(record, "status"))

    def render_conclusion(self, record):
        if record.conclusion == Inspection.Conclusion.PROBLEMS_FOUND:
            return format_html('<span class="text-danger fw-semibold">{}</span>', display(record, "conclusion"))
        return display(record, "conclusion")


def order_status(record) -> str:
    html = badge(record.status, display(record, "status"))
    if getattr(record, "is_overdue_now", False):
        html += format_html(' <span class="badge text-bg-danger" data-testid="overdue">{}</span>', gettext("逾期"))
    return html


class OrderTable(PageFactsTable):
    page_facts = staticmethod(order_facts)

    number = tables.Column(
        verbose_name=_("文号"),
        accessor="label",
        linkify=lambda record: reverse_one("supervision:order-detail", record.pk),
        order_by=("department__name", "document_year", "document_sequence", "pk"),
    )
    organization = tables.Column(linkify=organization_url, order_by=("organization__name", "pk"))
    source = tables.Column(order_by=("source", "pk"))
    department = tables.Column(order_by=("department__name", "pk"))
    issued_on = tables.DateColumn(format="Y-m-d", order_by=("issued_on", "pk"))
    deadline = tables.DateColumn(format="Y-m-d", order_by=("deadline", "pk"))
    status = tables.Column(order_by=("status", "pk"))
    response_count = tables.Column(verbose_name=_("答复次数"), attrs={"td": {"class": "text-center"}}, orderable=False)

    class Meta:
        model = RectificationOrder
        fields = ("organization", "source", "department", "issued_on", "deadline", "status")
        sequence = (
            "number",
            "organization",
            "source",
            "department",
            "issued_on",
            "deadline",
            "status",
            "response_count",
        )
        template_name = TABLE_TEMPLATE
        attrs = {"class": TABLE_CLASS, "data-testid": "order-table"}
        empty_text = _("没有符合条件的整改通知。")

    def render_number(self, value):
        return f"#{value}"

    def render_status(self, record):
        return order_status(record)


class ComplaintTable(PageFactsTable):
    page_facts = staticmethod(complaint_facts)
    row_relations = ("organization__region", "contract", "handler")
    row_columns = (
        "tracking_code",
        "received_at",
        "subject",
        "status",
        "organization__name",
        "organization__uscc",
        "organization__region__name",
        "contract__number",
        *(f"handler__{name}" for name in User.NAME_FIELDS),
    )

    tracking_code = tables.Column(
        linkify=lambda record: reverse_one("supervision:complaint-detail", record.pk), order_by=("tracking_code",)
    )
    received_at = tables.DateTimeColumn(format="Y-m-d H:i", order_by=("received_at", "pk"))
    subject = tables.Column(orderable=False)
    organization = tables.Column(linkify=organization_url, order_by=("organization__name", "pk"))
    region = tables.Column(verbose_name=_("所属区划"), accessor="organization__region__name", orderable=False)
    contract = tables.Column(order_by=("contract__number", "pk"))
    status = tables.Column(order_by=("status_order", "-received_at"))
    handler = tables.Column(orderable=False)

    class Meta:
        model = Complaint
        fields = ("tracking_code", "received_at", "subject", "organization", "contract", "status", "handler")
        sequence = (
            "tracking_code",
            "received_at",
            "subject",
            "organization",
            "region",
            "contract",
            "status",
            "handler",
        )
        template_name = TABLE_TEMPLATE
        attrs = {"class": TABLE_CLASS, "data-testid": "complaint-table"}
        empty_text = _("没有符合条件的投诉举报。")

    def render_contract(self, value):
        return value.number

    def render_status(self, record):
        html = badge(record.status, display(record, "status"))
        if getattr(record, "order_count", 0):
            html += format_html(' <span class="badge text-bg-light border">{}</span>', gettext("已下达整改"))
        return html


class SampleDrawTable(tables.Table):
    year = tables.Column(
        linkify=lambda record: reverse_one("supervision:draw-detail", record.pk), order_by=("year", "region__code")
    )
    region = tables.Column(order_by=("region__code", "year"))
    rate = tables.Column(order_by=("rate", "pk"))
    population_count = tables.Column(attrs={"td": {"class": "text-end"}}, order_by=("population_count", "pk"))
    sample_size = tables.Column(attrs={"td": {"class": "text-end"}}, order_by=("sample_size", "pk"))
    inspection_count = tables.Column(
        verbose_name=_("已安排检查"), attrs={"td": {"class": "text-end"}}, order_by=("inspection_count", "pk")
    )
    seed = tables.Column(orderable=False)
    drawn_by = tables.Column(orderable=False)
    drawn_at = tables.DateTimeColumn(format="Y-m-d H:i", order_by=("drawn_at", "pk"))

    class Meta:
        model = SampleDraw
        fields = ("year", "region", "rate", "population_count", "sample_size", "seed", "drawn_by", "drawn_at")
        sequence = (
            "year",
            "region",
            "rate",
            "population_count",
            "sample_size",
            "inspection_count",
            "seed",
            "drawn_by",
            "drawn_at",
        )
        template_name = TABLE_TEMPLATE
        attrs = {"class": TABLE_CLASS, "data-testid": "draw-table"}
        empty_text = _("尚未抽取随机抽查对象。")

    def render_region(self, value):
        return value.full_name or value.name

    def render_rate(self, value):
        return f"{value.normalize():f}%"


class CreditListingTable(tables.Table):
    organization = tables.Column(linkify=organization_url, order_by=("organization__name", "pk"))
    uscc = tables.Column(
        verbose_name=_("统一社会信用代码"), accessor="organization__uscc", order_by=("organization__uscc",)
    )
    region = tables.Column(verbose_name=_("所属区划"), accessor="organization__region", orderable=False)
    list_kind = tables.Column(order_by=("list_kind", "-listed_on"))
    listed_on = tables.DateColumn(format="Y-m-d", order_by=("listed_on", "pk"))
    deciding_authority = tables.Column(orderable=False)
    reason = tables.Column(orderable=False)

    class Meta:
        model = CreditListing
        fields = ("organization", "list_kind", "listed_on", "deciding_authority", "reason")
        sequence = ("organization", "uscc", "region", "list_kind", "listed_on", "deciding_authority", "reason")
        template_name = TABLE_TEMPLATE
        attrs = {"class": TABLE_CLASS, "data-testid": "listing-table"}
        empty_text = _("没有符合条件的信用名单记录。")

    def render_region(self, value):
        return region_label(value)

    def render_list_kind(self, record):
        return badge(record.list_kind, display(record, "list_kind"))
