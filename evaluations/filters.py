"""Filters of the public evaluation results and the officials' working list.

The region filter takes a region (its code from a link, or typed with suggestions: registry.filters.RegionFilter) and
keeps the evaluations of contracts whose purchasing department lies in that region or below it (a city includes its
counties). The officials' list suggests the regions of the official's own region.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import ListFilterSet
from evaluations.models import Evaluation
from registry.filters import OrganizationNameFilter, RegionFilter, narrow_to_official


def _year_widget() -> forms.NumberInput:
    return forms.NumberInput(attrs={"placeholder": _("例如 2026"), "min": 2000, "max": 2200})


class EvaluationFilter(ListFilterSet):
    """绩效评价结果: year, region (with the regions below it), grade, organization (name or credit code)."""

    year = django_filters.NumberFilter(label=_("评价年度"), field_name="year", widget=_year_widget())
    region = RegionFilter(label=_("所属区划"), method="filter_region")
    grade = django_filters.ChoiceFilter(label=_("评价等级"), choices=Evaluation.Grade.choices, empty_label=_("全部"))
    organization = OrganizationNameFilter(label=_("承接主体"), field_name="contract__organization")
    kind = django_filters.ChoiceFilter(label=_("评价类型"), choices=Evaluation.Kind.choices, empty_label=_("全部"))

    class Meta:
        model = Evaluation
        fields: list[str] = []

    def filter_region(self, queryset, name, value):
        return queryset.filter(contract__department__region__path__startswith=value.path) if value else queryset


class EvaluationManageFilter(EvaluationFilter):
    """The officials' list: the public filters plus status and a contract number or title."""

    q = django_filters.CharFilter(
        label=_("合同"),
        method="filter_contract",
        widget=forms.TextInput(attrs={"placeholder": _("合同编号或名称"), "type": "search"}),
    )
    status = django_filters.ChoiceFilter(label=_("状态"), choices=Evaluation.Status.choices, empty_label=_("全部"))

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        if request is not None:
            narrow_to_official(self.filters, request.user)

    def filter_contract(self, queryset, name, value):
        text = value.strip()
        if not text:
            return queryset
        return queryset.filter(Q(contract__number__icontains=text) | Q(contract__title__icontains=text))
