"""`{% load formatting %}`: core.formatting's functions as template filters."""

from django import template

from core import formatting

register = template.Library()


@register.filter
def yuan(value) -> str:
    """12345.6 → "12,345.60" (an empty string for None): amounts in tables, where the column says 元."""
    return formatting.amount(value)


@register.filter
def points(value) -> str:
    """A score, weight or total with two decimals (ROUND_HALF_UP), "—" for None."""
    return formatting.points(value)


@register.filter
def percent(value) -> str:
    """Decimal("4.00") → "4%", Decimal("3.50") → "3.5%"."""
    return formatting.percent(value)
