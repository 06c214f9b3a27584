"""Tables whose rows carry figures read for the shown page only.

A list page shows 25 rows of a table that may hold 200,000. Figures computed by a subquery per row (a count, a sum,
"is it listed") or by a grouped join (`COUNT(DISTINCT …)`) make the database compute them for every row it sorts or
skips, or group every row before the page is cut. A `PageFactsTable` names instead a function of its app's selectors
that takes the page's records and sets those figures on them with one query scoped to their ids
(`WHERE id IN (…25 ids…)`), after the page was cut: the list's own query stays a range of an index.

The same functions serve the API (`api.views.common.ApiViewSet.page_facts`) and exports (`facts_in_chunks`).
"""

from __future__ import annotations

import copy
import datetime
import functools
import inspect
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import django_tables2 as tables
import django_tables2.columns.templatecolumn
import django_tables2.utils
from django.db.models import Model
from django.template import Context, Template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django_tables2.utils import call_with_appropriate

from core.byids import compiled_by_ids
from core.choices import cached_label_of

_signature = django_tables2.utils.signature


@functools.lru_cache(maxsize=4096)
def _signature_of(function, bound: bool) -> tuple[tuple[str, ...], str | None]:
    return _signature(function.__get__(object()) if bound else function)


def signature(fn) -> tuple[tuple[str, ...], str | None]:
    """django-tables2's `signature` (the arguments a column's `render_*`, `linkify` or accessor function takes),
    read once per function instead of once per cell: `inspect.signature` on every cell of a page was a tenth of
    its rendering. A bound method's signature, without `self`, is the same for every instance of its class."""
    if inspect.ismethod(fn) and inspect.isfunction(fn.__func__):
        return _signature_of(fn.__func__, True)
    if inspect.isfunction(fn):
        return _signature_of(fn, False)
    return _signature(fn)


@functools.lru_cache(maxsize=256)
def _compiled(template_code: str) -> Template:
    return Template(template_code)


def compiled_template(template_code: str) -> Template:
    """The template of a `TemplateColumn` (a `DateColumn`'s `{{ value|date:"Y-m-d"|default:default }}`), compiled
    once per text instead of once per cell: compiling it was most of a date cell's cost. Rendering a compiled
    template does not change it, so one serves every cell and every request."""
    return _compiled(template_code)


def _column_copy(column, memo):
    """A table's own copy of a declared column: django-tables2 deep-copies every column of the class for each table
    (about a thousand objects copied per list page, lazy labels and attribute dicts included) so that what a table
    changes of its columns never reaches the class. What a table changes is the column's own attributes
    (`visible`, by `columns.hide`) and its `attrs` dictionaries, which are copied; the rest (labels, accessors,
    orderings, link and render settings) is read, never changed, and shared."""
    copied = copy.copy(column)
    copied.attrs = {name: dict(value) if isinstance(value, dict) else value for name, value in column.attrs.items()}
    return copied


def install() -> None:
    """Read every table function's signature once, compile each template column's template once, and copy declared
    columns for each table without copying what no table changes (called from core's AppConfig.ready)."""
    django_tables2.utils.signature = signature
    django_tables2.columns.templatecolumn.Template = compiled_template
    django_tables2.columns.base.Column.__deepcopy__ = _column_copy


PageFacts = Callable[[list[Any]], Any]


def set_facts(
    records: list[Any],
    model,
    annotations: dict | Callable[[], dict],
    defaults: dict,
    *,
    key: tuple | None = None,
) -> list[Any]:
    """Set each name of `defaults` on `records` (rows of `model`) from one query of `model` annotated with
    `annotations`, scoped to their ids; a record the query leaves without a value gets the default.

    With `key` (what the annotations depend on besides the ids, e.g. the day of a date they compare with), the
    query is compiled once per key, database connection and number of ids (`compiled_by_ids`) and run again with
    the new ids: building and compiling it cost a list page more than running it. `annotations` may then be a
    function of nothing, called only when the query is compiled."""
    ids = sorted({record.pk for record in records})
    if not ids:
        return records

    def build(ids):
        found = annotations() if callable(annotations) else annotations
        return model._default_manager.filter(pk__in=ids).order_by().annotate(**found).values("pk", *defaults)

    if key is not None:
        found = compiled_by_ids(model, (model._meta.label, *defaults), key, build, ids)
    else:
        found = build(ids)
    rows = {row["pk"]: row for row in found}
    for record in records:
        row = rows.get(record.pk, {})
        for name, default in defaults.items():
            setattr(record, name, row.get(name, default))
    return records


class PageFactsTable(tables.Table):
    """A django-tables2 table that calls `page_facts(records)` on the records of the page it was cut to.

    `row_relations` names the relations its cells read (the page's rows are read with exactly these joined, instead
    of whatever the selector joins for its other readers), `row_prefetches` likewise the prefetched relations (none
    where the page facts read what the cells show of them), `row_columns` the only columns of the rows and of those
    relations that the cells read (every other left unread), or else `unshown_columns` those that no cell shows
    (long texts, stored search columns: left unread). `rows_of(queryset)` applies them; `core.views.paginate_table`
    reads each page through it."""

    page_facts: PageFacts | None = None
    row_relations: tuple[str, ...] | None = None
    row_prefetches: tuple | None = None
    row_columns: tuple[str, ...] | None = None
    unshown_columns: tuple[str, ...] = ()

    @classmethod
    def rows_of(cls, queryset):
        if cls.row_relations is not None:
            queryset = queryset.select_related(None).select_related(*cls.row_relations)
        if cls.row_prefetches is not None:
            queryset = queryset.prefetch_related(None).prefetch_related(*cls.row_prefetches)
        if cls.row_columns is not None:
            return queryset.only(*cls.row_columns)
        return queryset.defer(*cls.unshown_columns) if cls.unshown_columns else queryset

    def paginate(self, *args, **kwargs):
        super().paginate(*args, **kwargs)
        facts = type(self).page_facts
        if facts is not None:
            # The page's rows are a sliced queryset (or a list): evaluated once here, kept for the template.
            records = self.page.object_list.data
            facts(list(records))
        return self


def facts_in_chunks(rows: Iterable[Any], facts: PageFacts, size: int) -> Iterator[Any]:
    """Every row of `rows` (e.g. `queryset.iterator(chunk_size=size)`), with `facts` applied a chunk at a time."""
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            facts(chunk)
            yield from chunk
            chunk = []
    if chunk:
        facts(chunk)
        yield from chunk


# ---- the rows of a table, rendered in Python -----------------------------------------------------------------------


def _static(attrs) -> bool:
    """Whether a column's attributes are plain values (no function of the record or value)."""
    return not any(callable(value) or isinstance(value, dict) for value in (attrs or {}).values())


def _cell_attrs(bound_column):
    """A function of nothing giving the `<td>` attributes of `bound_column` for its current cell: read once when no
    attribute of the column or table (`td`, or `cell` for both) is a function of the record, else for every cell as
    django-tables2's template reads them."""
    from django_tables2.utils import AttributeDict

    merged = {**bound_column._table.attrs, **bound_column.column.attrs}
    td = merged.get("td", merged.get("cell", {}))
    if _static(td):
        # What `bound_column.attrs["td"]` holds, without the header's and footer's attributes (and the header's
        # ordering) it works out beside them.
        attrs = AttributeDict(td)
        attrs["class"] = bound_column.get_td_class(attrs)
        html = attrs.as_html()
        return lambda: html
    return lambda: bound_column.attrs["td"].as_html()


def _localized(bound_column):
    """How django-tables2's template writes a cell of this column: `{{ cell }}`, `{{ cell|localize }}` or
    `{{ cell|unlocalize }}`."""
    from django.templatetags.l10n import localize, unlocalize

    if bound_column.localize is None:
        return None
    return localize if bound_column.localize else unlocalize


def _path(model, accessor: str) -> tuple[list[str], type, str] | None:
    """The forward to-one relations (foreign keys, one-to-one fields) an accessor `a__b__name` follows from `model`,
    the model it ends on and the name it reads there; None when it follows anything else."""
    from django.core.exceptions import FieldDoesNotExist
    from django_tables2.utils import Accessor

    *relations, name = accessor.split(Accessor.SEPARATOR)
    owner = model
    for relation in relations:
        try:
            field = owner._meta.get_field(relation)
        except FieldDoesNotExist:
            return None
        if not (field.concrete and (field.many_to_one or field.one_to_one)):
            return None
        owner = field.related_model
        if hasattr(owner, "__getitem__"):
            return None
    return relations, owner, name


def _plain_cell(bound_column, model, render=None):
    """A function of a row giving the cell `row.get_cell(name)` gives, for a column that reads one attribute of a
    model record or of a record its foreign keys lead to (`organization__region__name`), with what django-tables2
    looks up for every cell — the model field behind the name and, for a field with choices, the label of each
    value (`get_FOO_display`, whose dictionary of choices Django builds on every call) — looked up once; a missing
    related record (a NULL key) gives no value, as django-tables2's lookup does. None for any other column (a path
    through anything else, a link column with a path, a many-to-many column, a model that overrides
    `get_FOO_display` or reads items with `[]`): it takes django-tables2's own way. A value that is callable, an
    attribute that is missing or a related record of another class also takes it, cell by cell."""
    from django_tables2.columns import ManyToManyColumn
    from django_tables2.columns.linkcolumn import BaseLinkColumn
    from django_tables2.utils import Accessor

    accessor = bound_column.accessor
    column = bound_column.column
    if (
        model is None
        or not accessor
        or Accessor.LEGACY_SEPARATOR in accessor
        or getattr(accessor, "callable_args", None)
        or getattr(accessor, "callable_kwargs", None)
        or isinstance(column, ManyToManyColumn)
        or hasattr(model, "__getitem__")
    ):
        return None
    path = _path(model, str(accessor))
    if path is None or (path[0] and isinstance(column, BaseLinkColumn)):
        return None
    relations, owner, name = path
    field = Accessor(name).get_field(owner)
    empty_values, default = column.empty_values, bound_column.default
    if getattr(field, "choices", ()):
        label = cached_label_of(owner, name)
        if label is None:
            return None
        read = label if not relations else lambda record: label(record) if type(record) is owner else _MISSING
    else:

        def read(record):
            value = getattr(record, name, _MISSING)
            return _MISSING if value is _MISSING or callable(value) else value

    value_of = read if not relations else _following(relations, read)

    def cell(row):
        value = value_of(row.record)
        if value is _MISSING:
            return row.get_cell(bound_column.name)
        if value in empty_values:
            return default
        return render(row, value)

    if render is None:
        render = _renderer(bound_column)
    return cell


def _following(relations: list[str], read):
    """`read` of the record `relations` lead to from a record; None where one of them leads nowhere."""
    from django.core.exceptions import ObjectDoesNotExist

    def value_of(record):
        try:
            for relation in relations:
                record = getattr(record, relation)
                if record is None:
                    return None
        except ObjectDoesNotExist:
            return None
        return read(record)

    return value_of


_MISSING = object()
_DATE_TEMPLATE = re.compile(r'\{\{ value\|date:"([^"]*)"\|default:default \}\}')


def _date_content(bound_column):
    """A function of a value giving what a `DateColumn` or `DateTimeColumn` cell's template
    (`{{ value|date:"…"|default:default }}`) renders for it, by the same filters without a template: `date` of the
    value in the current time zone, else the column's default, escaped as the template escapes it. None for any
    other column, a subclass, a column with extra context or a table's own `render_FOO`."""
    from django.template.defaultfilters import date, default
    from django_tables2.columns import DateColumn, DateTimeColumn

    column = bound_column.column
    if type(column) not in (DateColumn, DateTimeColumn) or column.extra_context or column.template_name:
        return None
    if bound_column.render != column.render:
        return None
    match = _DATE_TEMPLATE.fullmatch(column.template_code or "")
    fallback = bound_column.default
    if match is None or callable(fallback):
        return None
    format_string = match.group(1)
    context = getattr(bound_column._table, "context", None) or Context()
    iso = format_string == "Y-m-d"

    def content(value) -> str:
        from django.template.base import render_value_in_context
        from django.utils.timezone import template_localtime

        if iso and type(value) is datetime.date:
            return mark_safe(value.isoformat())  # what `date:"Y-m-d"` writes for a date: digits and dashes
        text = default(date(template_localtime(value, context.use_tz), format_string), fallback)
        return mark_safe(render_value_in_context(text, context))

    return content


def _plain_link(link):
    """A function of (content, record) wrapping a cell in its `<a href>` as django-tables2's `LinkTransform` does,
    for a link given by a function of the record only and no `<a>` attributes; None for any other link."""
    if link is None:
        return None
    url = link.url
    if link.attrs or not callable(url) or signature(url) != (("record",), None):
        return None

    def wrap(content, record):
        href = url(record=record)
        return content if href is None else format_html('<a href="{}">{}</a>', href, content)

    return wrap


def _render_call(bound_column):
    """A function of (row, value) calling the column's render (its table's `render_FOO`) as django-tables2's
    `call_with_appropriate` does: with the arguments it names. One that names only `value` and `record` (or
    nothing) is called with them directly, without the dictionary of every optional argument made per cell."""
    render = bound_column.render
    names, catch_all = signature(render)
    if catch_all is None and set(names) <= {"value", "record"}:
        if names == ("value",):
            return lambda row, value: render(value=value)
        if names == ("record",):
            return lambda row, value: render(record=row.record)
        return lambda row, value: render(**{name: value if name == "value" else row.record for name in names})

    def content_of(row, value):
        return call_with_appropriate(render, row._optional_cell_arguments(bound_column, value))

    return content_of


def _renderer(bound_column):
    """A function of (row, value) giving `row._call_render(bound_column, value)`: the column's render (its table's
    `render_FOO`) wrapped in its link, with a date column's template (`_date_content`) and a link that depends on
    the record alone (`_plain_link`) done without django-tables2's general machinery."""
    link = bound_column.link
    wrap = _plain_link(link)
    dated = _date_content(bound_column)
    if link is not None and wrap is None:
        return lambda row, value: row._call_render(bound_column, value)
    if dated is not None:
        content_of = lambda row, value: dated(value)  # noqa: E731
    else:
        content_of = _render_call(bound_column)

    if wrap is None:
        return content_of
    return lambda row, value: wrap(content_of(row, value), row.record)


def _row_attrs(table):
    """A function of a row giving `row.attrs.as_html()`: for a table without `row_attrs`, the even or odd class alone
    (what django-tables2 makes of no attributes) without building the row's attributes; else the row's own."""
    from django.utils.html import conditional_escape
    from django_tables2.rows import BoundRow

    if table.row_attrs:
        return lambda row: row.attrs.as_html()

    def attrs(row):
        if type(row) is not BoundRow:
            return row.attrs.as_html()
        return f'class="{conditional_escape(row.get_even_odd_css_class())}"'

    return attrs


def render_rows(table, context) -> str:
    """The `<tr>` rows of `table`'s current page, exactly as the `table.tbody` block of django-tables2's templates
    writes them (`<tr {{ row.attrs.as_html }}>`, each cell `<td {{ column.attrs.td.as_html }}>{{ cell }}</td>`, the
    empty text in one cell spanning every column), without a template node per cell. Each cell is the table's own
    `row.get_cell(name)`, or for a column that reads one attribute of the record the same value with its field and
    choices looked up once (`_plain_cell`); a column's `<td>` attributes are read once when they do not depend on
    the record, a row's when the table gives rows no attributes of their own (`_row_attrs`)."""
    from django.template.base import render_value_in_context

    columns = list(table.columns)
    rows = list(table.paginated_rows)
    model = type(rows[0].record) if rows and isinstance(rows[0].record, Model) else None
    plans = []
    for column in columns:
        render = _renderer(column)
        plans.append((column, _plain_cell(column, model, render), render, _cell_attrs(column), _localized(column)))
    row_attrs = _row_attrs(table)
    out: list[str] = []
    for row in rows:
        out.append(f"<tr {row_attrs(row)}>")
        record = row.record
        for column, plain, render, attrs, localize in plans:
            if plain is not None and type(record) is model:
                cell = plain(row)
            else:
                cell = row._get_and_render_with(
                    column, lambda _column, value=None, row=row, render=render: render(row, value), column.default
                )
            column.current_value = cell
            column.current_record = record
            if localize is not None:
                cell = localize(cell)
            out.append(f"<td {attrs()}>{render_value_in_context(cell, context)}</td>")
        out.append("</tr>")
    if not out and table.empty_text:
        empty = render_value_in_context(table.empty_text, context)
        out.append(f'<tr><td colspan="{len(columns)}">{empty}</td></tr>')
    return "".join(out)


def render_table(table, context) -> str:
    """The whole `<table>` of django-tables2's bootstrap5 template (its attributes with the class `table` by default,
    the header with a sorting link on each orderable column, the rows of `render_rows`, the footer if any) written
    without a template: the site's table templates put it in their wrapper beside the pagination."""
    from django.template.base import render_value_in_context
    from django.utils.html import escape
    from django.utils.http import urlencode
    from django_tables2.utils import AttributeDict

    def attrs(name: str) -> str:
        found = table.attrs.get(name)
        return found.as_html() if isinstance(found, AttributeDict) else ""

    out = [f"<table {AttributeDict({'class': 'table', **table.attrs}).as_html()}>"]
    if table.show_header:
        query, field = dict(context["request"].GET), table.prefixed_order_by_field
        out.append(f"<thead {attrs('thead')}><tr>")
        for column in table.columns:
            header = render_value_in_context(column.header, context)
            if column.orderable:
                link = escape("?" + urlencode({**query, field: column.order_by_alias.next}, doseq=True))
                header = f'<a href="{link}">{header}</a>'
            out.append(f'<th {column.attrs["th"].as_html()} scope="col">{header}</th>')
        out.append("</tr></thead>")
    out.append(f"<tbody {attrs('tbody')}>{render_rows(table, context)}</tbody>")
    if table.has_footer():
        cells = (
            f"<td {column.attrs['tf'].as_html()}>{render_value_in_context(column.footer, context)}</td>"
            for column in table.columns
        )
        out.append(f"<tfoot {attrs('tfoot')}><tr>{''.join(cells)}</tr></tfoot>")
    out.append("</table>")
    return "".join(out)
