"""Query filters of the API lists.

Each API list reuses its page's FilterSet (registry.filters.OrganizationFilter, contracts.filters.PurchaseListFilter
and ContractFilter, evaluations.filters.EvaluationFilter, supervision.filters.CreditListingFilter), with what machine
clients need on top: departments and regions named by their codes (any GB/T 2260 code, not only those offered in a
page's dropdown), exact unified social credit codes, dates. Region filters include the region's descendants: one
indexed `path LIKE 'prefix%'` condition.
"""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from accounts.permissions import is_purchaser, is_superuser
from api.exceptions import ApiError, plain_errors
from contracts import filters as contract_filters
from evaluations import filters as evaluation_filters
from registry.filters import OrganizationFilter, YearFilter
from registry.models import Department, Organization, Region
from registry.uscc import normalize_uscc
from supervision import filters as supervision_filters


class FilterBackend(DjangoFilterBackend):
    """django-filter's backend, answering invalid filters with the API's error body."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        if not filterset.is_valid():
            raise ApiError.invalid(plain_errors(filterset.errors), message=_("筛选条件有误。"))
        return filterset.qs


def _regions() -> QuerySet[Region]:
    return Region.objects.all()


@extend_schema_field(OpenApiTypes.STR)
class RegionCodeFilter(django_filters.ModelChoiceFilter):
    """A GB/T 2260 code; matches rows whose region is that region or lies below it."""

    def __init__(self, *, path_field: str, **kwargs):
        self.path_field = path_field
        kwargs.setdefault("label", _("区划代码（含下级区划）"))
        super().__init__(queryset=_regions(), to_field_name="code", **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.path_field}__startswith": value.path})


class UsccFilter(django_filters.CharFilter):
    """An exact unified social credit code (spaces, full-width forms and lower case accepted)."""

    def __init__(self, *, field_name: str, **kwargs):
        kwargs.setdefault("label", _("统一社会信用代码"))
        super().__init__(field_name=field_name, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{self.field_name: normalize_uscc(value)})


class OrganizationApiFilter(OrganizationFilter):
    uscc = UsccFilter(field_name="uscc")
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("名称包含"))
    region = RegionCodeFilter(path_field="region__path")
    on_serious_list = django_filters.BooleanFilter(label=_("当前列入严重违法失信名单"), method="filter_on_credit_list")
    # Years outside the calendar's range are refused (400) instead of reaching the database's year lookup.
    established_from = YearFilter(
        label=_("成立年份自"), field_name="established_on", lookup_expr="year__gte", min_value=1, max_value=9999
    )
    established_to = YearFilter(
        label=_("成立年份至"), field_name="established_on", lookup_expr="year__lte", min_value=1, max_value=9999
    )

    class Meta(OrganizationFilter.Meta):
        model = Organization
        fields: list[str] = []


class CreditListingApiFilter(supervision_filters.CreditListingFilter):
    """The credit-list page's filters (organization by name or code, list, region), plus open/removed and dates."""

    region = RegionCodeFilter(path_field="organization__region__path")
    open = django_filters.BooleanFilter(field_name="removed_on", lookup_expr="isnull", label=_("尚未移出"))
    listed_from = django_filters.DateFilter(field_name="listed_on", lookup_expr="gte", label=_("列入日期自"))
    listed_to = django_filters.DateFilter(field_name="listed_on", lookup_expr="lte", label=_("列入日期至"))

    class Meta(supervision_filters.CreditListingFilter.Meta):
        fields: list[str] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["region"].queryset = _regions()


class PurchaseListApiFilter(contract_filters.PurchaseListFilter):
    """The purchase-list page's filters, with departments named by code and any region code accepted."""

    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), to_field_name="code", label=_("发布部门代码")
    )
    region = RegionCodeFilter(path_field="region__path")

    class Meta(contract_filters.PurchaseListFilter.Meta):
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.filters["region"].queryset = _regions()


def _sees_drafts(request) -> bool:
    user = getattr(request, "user", None)
    return bool(is_superuser(user) or is_purchaser(user))


class ContractApiFilter(contract_filters.ContractFilter):
    """The contract pages' filters, plus region, signing dates and an exact organization code."""

    department = django_filters.ModelChoiceFilter(
        queryset=Department.objects.all(), to_field_name="code", label=_("购买主体代码")
    )
    organization_uscc = UsccFilter(field_name="organization__uscc", label=_("承接主体的统一社会信用代码"))
    region = RegionCodeFilter(path_field="department__region__path")
    signed_from = django_filters.DateFilter(field_name="signed_on", lookup_expr="gte", label=_("签订日期自"))
    signed_to = django_filters.DateFilter(field_name="signed_on", lookup_expr="lte", label=_("签订日期至"))

    class Meta(contract_filters.ContractFilter.Meta):
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None, include_drafts: bool | None = None):
        if include_drafts is None:
            include_drafts = _sees_drafts(request)
        super().__init__(data, queryset, request=request, prefix=prefix, include_drafts=include_drafts)


class EvaluationApiFilter(evaluation_filters.EvaluationFilter):
    """The evaluation results page's filters (year, region, grade, organization, kind), plus a contract number."""

    region = RegionCodeFilter(path_field="contract__department__region__path")
    contract = django_filters.CharFilter(field_name="contract__number", label=_("合同编号"))

    class Meta(evaluation_filters.EvaluationFilter.Meta):
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.filters["region"].queryset = _regions()
