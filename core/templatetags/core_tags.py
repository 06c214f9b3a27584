"""`{% load core_tags %}`: small helpers the shared includes need."""

from django import template
from django.core.exceptions import ValidationError

register = template.Library()


def _names(value) -> set[str]:
    return {name.strip() for name in str(value or "").split(",") if name.strip()}


@register.filter
def is_in(name: str, names) -> bool:
    """`field.name|is_in:"a,b"`: the name is one of the comma-separated names."""
    return name in _names(names)


@register.filter
def kept(query, names) -> list[tuple[str, str]]:
    """The (name, value) pairs of the query string whose names are listed: parameters a filter form must keep."""
    wanted = _names(names)
    return [(name, value) for name in sorted(wanted) for value in query.getlist(name)]


@register.filter
def message(error) -> str:
    """A coded refusal (a ValidationError with its params) as text in the page's language: `{{ problem|message }}`."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error)


@register.simple_tag(takes_context=True)
def table_rows(context, table):
    """`{% table_rows table %}`: the rows of a django-tables2 table's page (`core.tables.render_rows`), for the
    `table.tbody` block of the site's table templates."""
    from django.utils.safestring import mark_safe

    from core.tables import render_rows

    return mark_safe(render_rows(table, context))
