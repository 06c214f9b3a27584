"""Filters of the public organization directory (社会组织名录)."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.filters import QuerySetRequestMixin

from core.filters import ListFilterSet
from core.search import search_condition, search_words
from registry.forms import (
    DepartmentLookupField,
    OrganizationLookupField,
    RegionLookupField,
    civil_affairs_departments,
    departments_of_official,
    regions_of_official,
)
from registry.models import Department, Organization, Rating, Region
from registry.selectors import on_credit_list_condition, with_current_grade
from registry.uscc import normalize_uscc

NO_VALID_GRADE = "none"


class DepartmentFilterField(DepartmentLookupField):
    """A department typed as in the forms, or named by its key: the dashboards' and statistics' links carry
    `?department=<key>` (a code is tried first, so a department whose code is all digits is still found by it)."""

    def find(self, text: str):
        if text.isdigit():
            found = self.queryset.filter(code=text).first() or self.queryset.filter(pk=int(text)).first()
            if found is not None:
                return found, []
        return super().find(text)


class LookupFilter(QuerySetRequestMixin, django_filters.Filter):
    """A list filter that names a region or a department: typed with the forms' suggestions (by name, code or
    pinyin, registry.forms.LookupChoiceField) instead of a select that lists every choice. It accepts what a link
    carries (a code), a suggestion's "名称（代码）" or an exact name, shows the chosen row's name, and answers text
    that names nothing (or several) with the field's message. `queryset` (or a callable taking the request) bounds
    the choices and `scope` narrows the suggestions alike; rendering the filter reads none of them."""

    def __init__(self, *args, scope: str = "", **kwargs):
        kwargs["scope"] = scope
        super().__init__(*args, **kwargs)

    def narrow(self, queryset: QuerySet, scope: str = "") -> None:
        """Bound the choices (and the suggestions, by `scope`) to what the page shows, e.g. an official's region."""
        self.queryset = queryset
        self.extra["scope"] = scope
        self.__dict__.pop("_field", None)


def narrow_to_official(filters: dict, user) -> None:
    """Narrow a FilterSet's region and department lookups to the official's region and below (registry.forms
    regions_of_official, departments_of_official), for the lists that hold only that region's rows."""
    for lookup in filters.values():
        if isinstance(lookup, RegionFilter):
            lookup.narrow(regions_of_official(user), "official")
        elif isinstance(lookup, DepartmentFilter):
            lookup.narrow(departments_of_official(user), "official")


class RegionFilter(LookupFilter):
    field_class = RegionLookupField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Region.objects.all())
        super().__init__(*args, **kwargs)


class DepartmentFilter(LookupFilter):
    field_class = DepartmentFilterField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", Department.objects.all())
        super().__init__(*args, **kwargs)


def _suggestion_code(text: str) -> str:
    """The code inside a suggestion's "名称（代码）", or ""."""
    if not text.endswith(("）", ")")):
        return ""
    return normalize_uscc(text.rsplit("（", 1)[-1].rsplit("(", 1)[-1].rstrip("）)"))


class OrganizationNameField(forms.CharField):
    """A list filter's organization: words of its name, its 18-character code, or a suggestion's "名称（代码）" (the
    suggestions of the forms' organization type-ahead). A code, or a suggestion, that names no organization is an
    error with the forms' message; words are a search, and finding nothing is an empty list."""

    default_error_messages = {"unknown": OrganizationLookupField.default_error_messages["unknown"]}

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", OrganizationLookupField().widget)
        super().__init__(**kwargs)

    def clean(self, value):
        text = (super().clean(value) or "").strip()
        code = _suggestion_code(text) or (normalize_uscc(text) if len(normalize_uscc(text)) == 18 else "")
        if code and not Organization.objects.filter(uscc=code).exists():
            raise ValidationError(self.error_messages["unknown"], code="unknown", params={"text": text})
        return code or text


class OrganizationNameFilter(django_filters.CharFilter):
    """Rows whose organization (`field_name`, e.g. "contract__organization") has that code, or a name containing the
    typed words (OrganizationNameField)."""

    field_class = OrganizationNameField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("field_name", "organization")
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(organization_name_condition(value, prefix=f"{self.field_name}__"))


def organization_name_condition(text: str, *, prefix: str = "organization__") -> Q:
    """Organizations (through `prefix`) whose code is `text`, or whose name contains it."""
    condition = Q(**{f"{prefix}name__icontains": text})
    code = normalize_uscc(text)
    if code:
        condition |= Q(**{f"{prefix}uscc": code})
    return condition


class YearFilter(django_filters.NumberFilter):
    """A year between 1 and 9999 (what a date can hold); anything else is a form error, not a server error."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 9999)
        super().__init__(*args, **kwargs)


def _year_input(placeholder) -> forms.NumberInput:
    return forms.NumberInput(attrs={"placeholder": placeholder, "min": 1949, "max": 2200})


class OrganizationFilter(ListFilterSet):
    q = django_filters.CharFilter(
        label=_("名称、信用代码或拼音"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"placeholder": _("名称、信用代码、法定代表人、住所或拼音首字母"), "type": "search"}
        ),
    )
    org_type = django_filters.ChoiceFilter(label=_("类型"), choices=Organization.Type.choices, empty_label=_("全部"))
    region = RegionFilter(label=_("所属区划"), method="filter_region")
    authority = DepartmentFilter(
        label=_("登记管理机关"),
        field_name="registration_authority",
        queryset=civil_affairs_departments(),
        scope="civil_affairs",
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
