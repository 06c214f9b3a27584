"""Each filter set's filters are its own (`core.filters._filter_copy`): what one filter set changes of its filters —
their parent, a narrowed queryset and scope, the form field made from them — reaches neither the class nor another
filter set."""

from __future__ import annotations

import pytest

from registry.filters import OrganizationFilter, RegionFilter
from registry.models import Organization, Region

pytestmark = pytest.mark.django_db


def test_a_filter_sets_filters_are_its_own():
    first = OrganizationFilter({"q": "阳光"}, queryset=Organization.objects.none())
    second = OrganizationFilter({}, queryset=Organization.objects.none())
    narrowed = Region.objects.filter(code="150100")
    first.filters["region"].narrow(narrowed, "official")
    first.form.fields["q"].widget.attrs["placeholder"] = "changed"

    assert first.filters["q"].parent is first and second.filters["q"].parent is second
    for filter_set in (first, second):  # `q` and `region` are filter methods: each found on its own filter set
        assert filter_set.filters["q"].filter.f is filter_set.filters["q"]
        assert list(filter_set.qs) == []
    assert first.filters["region"].queryset is narrowed
    for region in (second.filters["region"], OrganizationFilter.base_filters["region"]):
        assert isinstance(region, RegionFilter)
        assert region.queryset is not narrowed
        assert region.extra["scope"] == ""
    assert first.filters["q"].field is not second.filters["q"].field
    assert second.form.fields["q"].widget.attrs["placeholder"] != "changed"
    assert "_field" not in OrganizationFilter.base_filters["q"].__dict__
    third = OrganizationFilter({}, queryset=Organization.objects.none())
    assert third.filters["region"].extra["scope"] == ""
    assert third.form.fields["q"].widget.attrs["placeholder"] == second.form.fields["q"].widget.attrs["placeholder"]
