"""`{% load core_tags %}`: small helpers the shared includes need."""

import hashlib

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
def nav_items(context, items, link_class: str, item_class: str = ""):
    """`{% nav_items nav_main "nav-link" "nav-item" %}`: the `<li>` of each navigation item (`label`, `url`,
    `url_name`), its link of class `link_class`; the link to the page being shown is `active` and
    `aria-current="page"`. Written without a template loop: the bar is on every page, and the loop's variable lookups
    were a fifth of the frame's rendering."""
    from django.utils.html import format_html, format_html_join
    from django.utils.safestring import mark_safe

    match = getattr(context.get("request"), "resolver_match", None)
    current = getattr(match, "view_name", None)
    item_attrs = format_html(' class="{}"', item_class) if item_class else ""
    shown = (f"{link_class} active", mark_safe(' aria-current="page"'))
    links = (
        (item_attrs, *(shown if item["url_name"] == current else (link_class, "")), item["url"], item["label"])
        for item in items
    )
    return format_html_join("", '<li{}><a class="{}"{} href="{}">{}</a></li>', links)


@register.simple_tag(takes_context=True)
def table_html(context, table):
    """`{% table_html table %}`: a django-tables2 table's whole `<table>` (`core.tables.render_table`), for the
    site's table templates."""
    from django.utils.safestring import mark_safe

    from core.tables import render_table

    return mark_safe(render_table(table, context))


@register.simple_tag(takes_context=True)
def list_table(context, table):
    """`{% list_table table %}`: django-tables2's `{% render_table table %}` rendered in the page's own context (with
    `table` set) instead of a new one: the context processors (navigation, unread notifications, messages) are not
    run a second time for the table. As `render_table` does, the table sees the context while it renders (its
    template columns read it) and is told it is about to render (`before_render`)."""
    request = context.get("request")
    template = context.template.engine.get_template(table.template_name)
    table.context = context
    try:
        table.before_render(request)
        with context.push(table=table):
            return template.render(context)
    finally:
        del table.context


class RememberedNode(template.Node):
    def __init__(self, name, parts, nodelist):
        self.name, self.parts, self.nodelist = name, parts, nodelist

    def render(self, context):
        from core import pagecache

        request = context["request"]
        user = getattr(request, "user", None)
        parts = (request.get_full_path(), getattr(user, "pk", None), *(part.resolve(context) for part in self.parts))
        digest = hashlib.sha256(repr(parts).encode("utf-8", "surrogateescape")).hexdigest()[:40]
        return pagecache.fragment(self.name, digest, render=lambda: self.nodelist.render(context))


@register.tag
def remembered(parser, token):
    """`{% remembered "name" a b %}…{% endremembered %}`: the enclosed piece as `core.pagecache.fragment` keeps it
    (until the next committed write, per language and day) for this request's path and query string, this user
    and the values `a`, `b`: for a piece that depends on nothing else (the filter card of a list page, whose
    fields, choices and values follow from the query string and the user's scope)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% remembered %} needs a name")
    name = bits[1].strip("\"'")
    parts = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("endremembered",))
    parser.delete_first_token()
    return RememberedNode(name, parts, nodelist)
