"""Filters of the public organization directory (社会组织名录)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from core.search import search_condition, search_words
from registry.models import Department, Organization, Rating, Region
from registry.selectors import on_credit_list_condition, region_choices, with_current_grade

NO_VALID_GRADE = "none"


class RegionChoiceField(forms.ModelChoiceField):
    """Regions labelled so that a county names its city (呼和浩特市新城区); needs select_related("parent")."""

    def label_from_instance(self, obj: Region) -> str:
        if obj.level == Region.Level.COUNTY and obj.parent is not None:
            return f"{obj.parent.name}{obj.name}"
        return obj.name


class RegionFilter(django_filters.ModelChoiceFilter):
    field_class = RegionChoiceField


def directory_regions() -> QuerySet[Region]:
    """The province, its leagues and cities, and every region where an organization is registered."""
    return region_choices(Organization.objects.all())


def directory_authorities() -> QuerySet[Department]:
    """The registration authorities that registered at least one organization, province first."""
    # One index probe per civil-affairs department, not a scan of every organization.
    registered = Organization.objects.filter(registration_authority=OuterRef("pk"))
    return (
        Department.objects.filter(kind=Department.Kind.CIVIL_AFFAIRS)
        .filter(Exists(registered))
        .order_by("region__code", "name")
    )


class YearFilter(django_filters.NumberFilter):
    """A year between 1 and 9999 (what a date can hold); anything else is a form error, not a server error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


def _year_input(placeholder) -> forms.NumberInput:
    return forms.NumberInput(attrs={"placeholder": placeholder, "min": 1949, "max": 2200})


class OrganizationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("名称、信用代码或拼音"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"placeholder": _("名称、信用代码、法定代表人、住所或拼音首字母"), "type": "search"}
        ),
    )
    org_type = django_filters.ChoiceFilter(label=_("类型"), choices=Organization.Type.choices, empty_label=_("全部"))
    region = RegionFilter(
        label=_("所属区划"),
        queryset=directory_regions(),
        to_field_name="code",
        method="filter_region",
        empty_label=_("全部"),
    )
    authority = django_filters.ModelChoiceFilter(
        label=_("登记管理机关"),
        field_name="registration_authority",
        queryset=directory_authorities(),
        to_field_name="code",
        empty_label=_("全部"),
    )
    status = django_filters.ChoiceFilter(
        label=_("登记状态"), choices=Organization.Status.choices, empty_label=_("全部")
    )
    grade = django_filters.ChoiceFilter(
        label=_("评估等级"),
        choices=[*reversed(Rating.Grade.choices), (NO_VALID_GRADE, _("无有效等级"))],
        method="filter_grade",
        empty_label=_("全部"),
    )
    on_credit_list = django_filters.BooleanFilter(
        label=_("当前列入信用名单"),
        method="filter_on_credit_list",
        widget=forms.Select(choices=[("", _("全部")), ("true", _("是")), ("false", _("否"))]),
    )
    established_from = YearFilter(
        label=_("成立年份自"),
        field_name="established_on",
        lookup_expr="year__gte",
        widget=_year_input(_("例如 2010")),
    )
    established_to = YearFilter(
        label=_("成立年份至"),
        field_name="established_on",
        lookup_expr="year__lte",
        widget=_year_input(_("例如 2020")),
    )

    class Meta:
        model = Organization
        fields: list[str] = []

    def filter_search(self, queryset, name, value):
        """Every word in the name, code, legal representative, address or business scope, or the name's pinyin or
        initials (the same matching as /search/)."""
        words = search_words(value)
        if not words:
            return queryset
        return queryset.filter(search_condition(words, tokens_field="search_tokens"))

    def filter_region(self, queryset, name, value):
        """The region and every region below it, by the codes kept on the rows: the database then knows how many
        rows each code holds (through the join to the regions' paths it guessed thirty times too few, and scanned
        every organization to count a city's)."""
        if not value:
            return queryset
        return queryset.filter(region_code__in=list(value.descendants().values_list("code", flat=True)))

    def filter_grade(self, queryset, name, value):
        if not value:
            return queryset
        queryset = with_current_grade(queryset)
        if value == NO_VALID_GRADE:
            return queryset.filter(current_grade__isnull=True)
        return queryset.filter(current_grade=value)

    def filter_on_credit_list(self, queryset, name, value):
        if value is None:
            return queryset
        listed = on_credit_list_condition(serious=name == "on_serious_list")
        return queryset.filter(listed if value else ~listed)
