"""Filters of the supervision lists. Each filters a queryset the selector has already scoped to the user, so a filter
never widens what the user may see."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import ListFilterSet
from registry.filters import OrganizationNameFilter, RegionFilter, organization_name_condition
from registry.models import CreditListing
from supervision.models import Complaint, Inspection, RectificationOrder
from supervision.selectors import normalize_tracking_code

YES_NO_ALL = [("", _("全部")), ("true", _("是")), ("false", _("否"))]


def _search_widget(placeholder) -> forms.TextInput:
    return forms.TextInput(attrs={"placeholder": placeholder, "type": "search"})


def _year_widget() -> forms.NumberInput:
    return forms.NumberInput(attrs={"placeholder": _("例如 2026"), "min": 2000, "max": 2200})


class InspectionFilter(ListFilterSet):
    organization = OrganizationNameFilter(label=_("社会组织"))
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Inspection.Status.choices, empty_label=_("全部"))
    kind = django_filters.ChoiceFilter(label=_("检查方式"), choices=Inspection.Kind.choices, empty_label=_("全部"))
    conclusion = django_filters.ChoiceFilter(
        label=_("检查结论"), choices=Inspection.Conclusion.choices, empty_label=_("全部")
    )
    year = django_filters.NumberFilter(
        label=_("计划年度"), field_name="planned_on", lookup_expr="year", widget=_year_widget()
    )

    class Meta:
        model = Inspection
        fields: list[str] = []


class OrderFilter(ListFilterSet):
    organization = OrganizationNameFilter(label=_("社会组织"))
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=RectificationOrder.Status.choices, empty_label=_("全部")
    )
    source = django_filters.ChoiceFilter(
        label=_("来源"), choices=RectificationOrder.Source.choices, empty_label=_("全部")
    )
    overdue = django_filters.BooleanFilter(
        label=_("已逾期"), field_name="is_overdue_now", widget=forms.Select(choices=YES_NO_ALL)
    )

    class Meta:
        model = RectificationOrder
        fields: list[str] = []


class ComplaintFilter(ListFilterSet):
    q = django_filters.CharFilter(
        label=_("关键词"), method="filter_text", widget=_search_widget(_("标题、查询码或社会组织"))
    )
    status = django_filters.ChoiceFilter(label=_("办理状态"), choices=Complaint.Status.choices, empty_label=_("全部"))

    class Meta:
        model = Complaint
        fields: list[str] = []

    def filter_text(self, queryset, name, value):
        text = (value or "").strip()
        if not text:
            return queryset
        condition = Q(subject__icontains=text) | organization_name_condition(text)
        code = normalize_tracking_code(text)
        if code:
            condition |= Q(tracking_code=code)
        return queryset.filter(condition)


class CreditListingFilter(ListFilterSet):
    organization = OrganizationNameFilter(label=_("社会组织"))
    list_kind = django_filters.ChoiceFilter(label=_("名录"), choices=CreditListing.List.choices, empty_label=_("全部"))
    region = RegionFilter(label=_("所属区划"), method="filter_region")

    class Meta:
        model = CreditListing
        fields: list[str] = []

    def filter_region(self, queryset, name, value):
        return queryset.filter(organization__region__path__startswith=value.path) if value else queryset
