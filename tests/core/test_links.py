"""core.links.reverse_one gives `reverse(viewname, args=[value])`, the same text, for every value and language;
reverse_bare gives `reverse(viewname)` for a route without arguments."""

import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from core import links

ROUTES = [
    "contracts:contract-detail",  # <str:…>
    "registry:organization-detail",
    "supervision:inspection-detail",  # <int:…>
    "contracts:purchase-list-detail",
]


def both(viewname, value):
    try:
        expected = reverse(viewname, args=[value])
    except NoReverseMatch:
        with pytest.raises(NoReverseMatch):
            links.reverse_one(viewname, value)
        return None
    assert links.reverse_one(viewname, value) == expected, (viewname, value)
    return expected


@pytest.mark.parametrize("viewname", ROUTES)
@pytest.mark.parametrize(
    "value", [1, 0, 987654, -3, True, "HHMZ-2026-0001", "52150000MJ0000000X", "合同 a?b#c&d=%", "a/b", "", "12", 1.5]
)
def test_the_same_link_as_reverse(viewname, value):
    both(viewname, value)


@settings(max_examples=200, deadline=None)
@given(value=st.one_of(st.integers(min_value=-5, max_value=10**12), st.text(max_size=12)))
def test_any_value_any_route(value):
    for viewname in ROUTES:
        both(viewname, value)


def test_in_english_under_a_script_prefix_and_a_route_it_cannot_take():
    with translation.override("en"):
        assert both("contracts:contract-detail", "X-1") == "/contracts/X-1/"
    set_script_prefix("/qiyue/")
    try:
        assert both("contracts:contract-detail", "X-1") == "/qiyue/contracts/X-1/"
    finally:
        set_script_prefix("/")
    assert links._template("portal:home", None, "/", "zh-hans") is None  # no argument: reverse() answers
    with pytest.raises(NoReverseMatch):
        links.reverse_one("portal:home", 1)
    assert links._template("supervision:inspection-detail", None, "/", "zh-hans")[2] == "int"


def test_a_route_without_arguments_gets_reverses_own_link_in_every_language_and_prefix():
    from portal.navigation import NAV_ITEMS

    names = [item.url_name for item in NAV_ITEMS if item.url_args is None]
    for language in ("zh-hans", "en"):
        with translation.override(language):
            assert [links.reverse_bare(name) for name in names] == [reverse(name) for name in names]
    set_script_prefix("/qiyue/")
    try:
        assert links.reverse_bare("portal:home") == reverse("portal:home") == "/qiyue/"
    finally:
        set_script_prefix("/")
    assert links.reverse_bare("portal:home") == "/"
    with pytest.raises(NoReverseMatch):
        links.reverse_bare("supervision:inspection-detail")  # a route that takes an argument
