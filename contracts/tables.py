"""The purchase-list and contract listings as tables (django-tables2); every column comes from the selector's row."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, Deliverable, PurchaseList
from contracts.selectors import contract_facts, purchase_list_facts, with_contract_figures, with_purchase_list_figures
from core import formatting
from core.choices import display
from core.links import reverse_one
from core.tables import PageFactsTable

# Badge colours of every status the pages show (the values never collide across the models).
STATUS_BADGES = {
    PurchaseList.Status.DRAFT: "text-bg-secondary",
    PurchaseList.Status.PUBLISHED: "text-bg-success",
    PurchaseList.Status.WITHDRAWN: "text-bg-dark",
    Contract.Status.SIGNED: "text-bg-primary",
    Contract.Status.PERFORMING: "text-bg-info",
    Contract.Status.COMPLETED: "text-bg-success",
    Contract.Status.TERMINATED: "text-bg-dark",
    Deliverable.Status.PENDING: "text-bg-light border",
    Deliverable.Status.SUBMITTED: "text-bg-info",
    Deliverable.Status.ACCEPTED: "text-bg-success",
    Deliverable.Status.RETURNED: "text-bg-warning",
}


def status_badge(record) -> str:
    return format_html(
        '<span class="badge {}">{}</span>',
        STATUS_BADGES.get(record.status, "text-bg-secondary"),
        display(record, "status"),
    )


class PurchaseListTable(PageFactsTable):
    page_facts = staticmethod(purchase_list_facts)

    title = tables.Column(
        linkify=lambda record: reverse_one("contracts:purchase-list-detail", record.pk), order_by=("title", "pk")
    )
    year = tables.Column(order_by=("year", "pk"))
    department = tables.Column(order_by=("department__name", "pk"))
    region = tables.Column(order_by=("region__code", "pk"))
    status = tables.Column(order_by=("status", "pk"))
    published_on = tables.DateColumn(format="Y-m-d", order_by=("published_on", "pk"))
    item_count = tables.Column(verbose_name=_("项目数"), attrs={"td": {"class": "text-end"}}, order_by=("item_count",))
    total_budget = tables.Column(
        verbose_name=_("预算合计(元)"), attrs={"td": {"class": "text-end"}}, order_by=("total_budget",)
    )

    class Meta:
        model = PurchaseList
        fields = ("title", "year", "department", "region", "status", "published_on")
        sequence = ("title", "year", "department", "region", "status", "published_on", "item_count", "total_budget")
        template_name = "includes/table.html"
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "purchase-list-table"}
        empty_text = _("没有符合条件的购买服务目录。")

    def render_status(self, record):
        return status_badge(record)

    def order_item_count(self, queryset, is_descending):
        return with_purchase_list_figures(queryset).order_by(("-" if is_descending else "") + "item_count", "pk"), True

    def order_total_budget(self, queryset, is_descending):
        ordering = ("-" if is_descending else "") + "total_budget"
        return with_purchase_list_figures(queryset).order_by(ordering, "pk"), True

    def render_total_budget(self, value):
        return formatting.amount(value)


# What no list shows of a contract's supplier: its stored search columns and long texts.
UNSHOWN_ORGANIZATION = (
    "search_document",
    "search_tokens",
    "business_scope",
    "former_names_text",
    "created_at",
    "updated_at",
)


class ContractTable(PageFactsTable):
    page_facts = staticmethod(contract_facts)
    row_relations = ("department", "organization")
    unshown_columns = (
        "description",
        "term_justification",
        "termination_reason",
        "search_document",
        "search_vector",
        "created_at",
        "updated_at",
        *(f"organization__{name}" for name in UNSHOWN_ORGANIZATION),
    )

    number = tables.Column(
        linkify=lambda record: reverse_one("contracts:contract-detail", record.number),
        order_by=("number",),
        attrs={"td": {"class": "text-nowrap"}},
    )
    title = tables.Column(order_by=("title", "number"))
    department = tables.Column(order_by=("department__name", "number"))
    organization = tables.Column(
        linkify=lambda record: reverse_one("registry:organization-detail", record.organization.uscc),
        order_by=("organization__name", "number"),
    )
    amount = tables.Column(attrs={"td": {"class": "text-end text-nowrap"}}, order_by=("amount", "number"))
    paid_amount = tables.Column(
        verbose_name=_("已付(元)"), attrs={"td": {"class": "text-end text-nowrap"}}, order_by=("paid_amount", "number")
    )
    signed_on = tables.DateColumn(format="Y-m-d", order_by=("signed_on", "number"))
    status = tables.Column(order_by=("status", "number"))
    overdue_count = tables.Column(
        verbose_name=_("逾期事项"), attrs={"td": {"class": "text-center"}}, order_by=("overdue_count", "number")
    )

    class Meta:
        model = Contract
        fields = ("number", "title", "department", "organization", "amount", "signed_on", "status")
        sequence = (
            "number",
            "title",
            "department",
            "organization",
            "amount",
            "paid_amount",
            "signed_on",
            "status",
            "overdue_count",
        )
        template_name = "includes/table.html"
        attrs = {"class": "table table-sm table-hover align-middle", "data-testid": "contract-table"}
        empty_text = _("没有符合条件的合同。")

    def render_amount(self, value):
        return formatting.amount(value)

    def order_paid_amount(self, queryset, is_descending):
        ordering = ("-" if is_descending else "") + "paid_amount"
        return with_contract_figures(queryset).order_by(ordering, ("-" if is_descending else "") + "number"), True

    def order_overdue_count(self, queryset, is_descending):
        ordering = ("-" if is_descending else "") + "overdue_count"
        return with_contract_figures(queryset).order_by(ordering, ("-" if is_descending else "") + "number"), True

    def render_paid_amount(self, value):
        return formatting.amount(value)

    def render_status(self, record):
        return status_badge(record)

    def render_overdue_count(self, value):
        if not value:
            return "0"
        return format_html(
            '<span class="badge text-bg-danger" title="{}">{}</span>', gettext("有逾期未验收的履约事项"), value
        )
