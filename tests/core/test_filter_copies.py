"""Each filter set's filters are its own (`core.filters._filter_copy`): what one filter set changes of its filters —
their parent, a narrowed queryset and scope, the form field made from them — reaches neither the class nor another
filter set. Its form (`ListFilterSet.form`) is django-filter's, of a class made once per filter set class."""

from __future__ import annotations

import django_filters
import pytest
from django import forms

from core.filters import ListFilterSet
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


class _DeclaredForm(forms.Form):
    first = forms.CharField(required=False)
    name = forms.IntegerField(required=False)  # a filter of the same name takes its place


class _Declared(ListFilterSet):
    name = django_filters.CharFilter()
    last = django_filters.CharFilter(field_name="uscc")

    class Meta:
        model = Organization
        fields: list[str] = []
        form = _DeclaredForm


def _djangos_form(filter_set):
    """The form django-filter itself makes for a filter set (a new class of the filters' fields, deep-copied)."""
    return django_filters.filterset.BaseFilterSet.form.fget(filter_set)


@pytest.mark.parametrize(
    ("filter_class", "data"),
    [
        (OrganizationFilter, {"q": "阳光", "org_type": Organization.Type.SERVICE, "per_page": "50"}),
        (OrganizationFilter, {"org_type": "no-such-type", "established_from": "not a date"}),
        (OrganizationFilter, None),
        (_Declared, {"first": "a", "name": "阳光", "last": "9115"}),
    ],
)
def test_the_form_is_django_filters_own_of_a_class_made_once(filter_class, data):
    ours = filter_class(data, queryset=Organization.objects.none())
    reference = _djangos_form(filter_class(data, queryset=Organization.objects.none()))

    assert list(ours.form.fields) == list(reference.fields)
    assert [type(field) for field in ours.form.fields.values()] == [type(f) for f in reference.fields.values()]
    assert ours.form.is_bound is reference.is_bound is (data is not None)
    assert ours.form.is_valid() == reference.is_valid()
    assert ours.form.errors == reference.errors
    if reference.is_valid():
        assert ours.form.cleaned_data == reference.cleaned_data
    for name, filter_ in ours.filters.items():  # the filters' own fields, made for this filter set alone
        assert ours.form.fields[name] is filter_.field
    again = filter_class({}, queryset=Organization.objects.none())
    assert type(again.form) is type(ours.form)
    text = "name" if filter_class is _Declared else "q"
    assert again.form.fields[text] is not ours.form.fields[text]


def test_a_declared_fields_are_the_forms_own_copies():
    first, second = (_Declared({}, queryset=Organization.objects.none()) for _ in range(2))
    first.form.fields["first"].widget.attrs["placeholder"] = "changed"
    assert "placeholder" not in second.form.fields["first"].widget.attrs
    assert "placeholder" not in _DeclaredForm.base_fields["first"].widget.attrs
    assert list(first.form.fields) == ["first", "name", "last"]
    assert isinstance(first.form.fields["name"], forms.CharField)


def test_a_filter_set_that_makes_its_own_form_class_gets_it():
    class Own(_Declared):
        def get_form_class(self):
            form_class = super().get_form_class()
            form_class.made_here = True
            return form_class

    own = Own({"name": "阳光"}, queryset=Organization.objects.none())
    assert own.form.made_here is True
    assert list(own.form.fields) == ["first", "name", "last"]
