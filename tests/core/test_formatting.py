"""core.formatting: how amounts, scores and percentages are written everywhere."""

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation

from core import formatting


def test_amounts_group_thousands_with_two_decimals():
    assert formatting.amount(Decimal("1310000")) == "1,310,000.00"
    assert formatting.amount(None) == ""
    with translation.override("zh-hans"):
        assert formatting.yuan(Decimal("30000")) == "30,000.00 元"
        assert formatting.yuan(None) == "—"
    assert formatting.wan(Decimal("1234500")) == Decimal("123.45")


def test_points_round_halves_up():
    assert formatting.points(Decimal("89.995")) == "90.00"
    assert formatting.points(Decimal("89.994")) == "89.99"
    assert formatting.points(None) == "—"


def test_percentages_drop_trailing_zeros():
    assert formatting.percent(Decimal("4.00")) == "4%"
    assert formatting.percent(Decimal("3.50")) == "3.5%"


def test_template_filters_use_the_same_functions():
    rendered = Template("{% load formatting %}{{ a|yuan }} {{ s|points }} {{ r|percent }}").render(
        Context({"a": Decimal("12345.6"), "s": Decimal("1.005"), "r": Decimal("5")})
    )
    assert rendered == "12,345.60 1.01 5%"
