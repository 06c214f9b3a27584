"""Filters of the purchase-list and contract pages.

Regions, departments and organizations are typed with suggestions (registry.filters.RegionFilter, DepartmentFilter,
OrganizationNameFilter): the pages read no list of choices, and a filter only narrows the rows the selector already
scoped to the user, so it never reveals a draft of another region. The officials' contract list suggests the
regions and departments of the official's own region.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract, Deliverable, PurchaseItem, PurchaseList
from contracts.selectors import overdue_condition
from core.filters import ListFilterSet
from registry.filters import DepartmentFilter, OrganizationNameFilter, RegionFilter, narrow_to_official
from registry.models import Organization

YES_NO_ALL = [("", _("全部")), ("true", _("是")), ("false", _("否"))]


def _year_widget() -> forms.NumberInput:
    return forms.NumberInput(attrs={"placeholder": _("例如 2026"), "min": 2000, "max": 2200})


class PurchaseListFilter(ListFilterSet):
    q = django_filters.CharFilter(
        label=_("关键词"),
        method="filter_text",
        widget=forms.TextInput(attrs={"placeholder": _("目录标题、服务名称或部门"), "type": "search"}),
    )
    year = django_filters.NumberFilter(label=_("年度"), field_name="year", widget=_year_widget())
    region = RegionFilter(label=_("所属区划"), method="filter_region")
    department = DepartmentFilter(label=_("发布部门"))
    category = django_filters.ChoiceFilter(
        label=_("一级目录"), choices=PurchaseItem.Category.choices, method="filter_category", empty_label=_("全部")
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=PurchaseList.Status.choices, empty_label=_("全部"))

    class Meta:
        model = PurchaseList
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        items = PurchaseItem.objects.filter(Q(service_name__icontains=text) | Q(code__iexact=text))
        return queryset.filter(
            Q(title__icontains=text)
            | Q(description__icontains=text)
            | Q(department__name__icontains=text)
            | Q(pk__in=items.values("purchase_list_id"))
        )

    def filter_region(self, queryset, name, value):
        return queryset.filter(region__path__startswith=value.path) if value else queryset

    def filter_category(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(pk__in=PurchaseItem.objects.filter(category=value).values("purchase_list_id"))


class ContractFilter(ListFilterSet):
    q = django_filters.CharFilter(
        label=_("关键词"),
        method="filter_text",
        widget=forms.TextInput(attrs={"placeholder": _("合同编号或名称"), "type": "search"}),
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Contract.Status.choices, empty_label=_("全部"))
    organization = OrganizationNameFilter(label=_("承接主体"))
    department = DepartmentFilter(label=_("购买主体"))
    year = django_filters.NumberFilter(label=_("年度"), field_name="year", widget=_year_widget())
    region = RegionFilter(label=_("购买主体所在区划"), method="filter_region")
    category = django_filters.ChoiceFilter(
        label=_("一级目录"),
        choices=PurchaseItem.Category.choices,
        field_name="purchase_item__category",
        empty_label=_("全部"),
    )
    org_type = django_filters.ChoiceFilter(
        label=_("承接主体类型"),
        choices=Organization.Type.choices,
        field_name="organization__org_type",
        empty_label=_("全部"),
    )
    overdue = django_filters.BooleanFilter(
        label=_("有逾期履约事项"), method="filter_overdue", widget=forms.Select(choices=YES_NO_ALL)
    )

    class Meta:
        model = Contract
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, include_drafts: bool = False):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.include_drafts = include_drafts
        user = getattr(request, "user", None)
        if include_drafts and user is not None:
            # The officials' list holds their region's contracts: its suggestions are that region's.
            narrow_to_official(self.filters, user)

    @property
    def form(self):
        form = super().form
        if not self.include_drafts and not getattr(form, "drafts_hidden", False):
            # Set on the form field: a filter's field may have been built before (schema generation builds them).
            form.fields["status"].choices = [
                (value, label) for value, label in Contract.Status.choices if value != Contract.Status.DRAFT
            ]
            form.drafts_hidden = True
        return form

    def filter_region(self, queryset, name, value):
        return queryset.filter(department__region__path__startswith=value.path) if value else queryset

    def filter_text(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(number__icontains=text) | Q(title__icontains=text))

    def filter_overdue(self, queryset, name, value):
        overdue = Exists(Deliverable.objects.filter(overdue_condition(), contract=OuterRef("pk")))
        if value is True:
            return queryset.filter(overdue)
        if value is False:
            return queryset.filter(~overdue)
        return queryset
