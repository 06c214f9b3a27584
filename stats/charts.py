"""Accessible SVG charts (pygal, rendered on the server and inlined: no script, no external file).

Each chart is an `<svg role="img">` whose accessible name is its title, and whose figures are also given as a data
table beside it (the templates show the table; `Chart.rows` carries it). A chart without any non-zero value is not
drawn at all: the page shows its table and says there is nothing to chart, never an empty series.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pygal
from django.utils.safestring import SafeString, mark_safe
from pygal.etree import etree as pygal_etree
from pygal.style import Style

FONT = '"Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", sans-serif'
BLUE = "#0d6efd"
GRADE_COLOURS = {"excellent": "#198754", "good": "#0d6efd", "fair": "#fd7e14", "poor": "#dc3545"}


@dataclass
class Chart:
    """A drawn chart and its data table: `columns` name the series, `rows` are (label, [value per series])."""

    title: str
    svg: SafeString
    columns: list[str] = field(default_factory=list)
    rows: list[tuple[str, list]] = field(default_factory=list)

    @property
    def drawn(self) -> bool:
        return bool(self.svg)


def style(colours: tuple[str, ...] = (BLUE,)) -> Style:
    return Style(
        font_family=FONT,
        background="transparent",
        plot_background="transparent",
        colors=colours,
        title_font_size=16,
        label_font_size=13,
        major_label_font_size=13,
        value_font_size=12,
        legend_font_size=13,
    )


def svg(chart, title: str = "") -> SafeString:
    """The chart as an inline <svg role="img"> element without pygal's scripts (its tooltips need JavaScript)."""
    tree = chart.render_tree()
    for parent in tree.iter():
        for child in list(parent):
            if isinstance(child.tag, str) and child.tag.rsplit("}", 1)[-1] == "script":
                parent.remove(child)
    tree.set("role", "img")
    if title:
        tree.set("aria-label", title)
    # Text comes from the database (region names) and is escaped by the serializer.
    if hasattr(tree, "getroottree"):  # pygal builds with lxml when it is installed
        from lxml import etree

        return mark_safe(etree.tostring(tree, encoding="unicode"))
    # pygal builds the tree with lxml when lxml is installed (it is, for python-docx and the OCDS validator):
    # serialize it with pygal's own wrapper, which speaks whichever library built it.
    return mark_safe(pygal_etree.tostring(tree, encoding="unicode"))


def count_axis(largest: int) -> list[int]:
    """Whole-number ticks for a chart of counts (at most about eight of them)."""
    step = max(1, -(-int(largest) // 8))
    return list(range(0, max(int(largest), 1) + step, step))


def config(**options) -> dict:
    return {"js": [], "disable_xml_declaration": True, "print_values": True, "print_zeroes": False, **options}


def _number(value) -> float:
    return float(value or 0)


def bar_chart(title: str, series: str, rows: list[tuple[str, object]], *, money: bool = False) -> Chart:
    """One horizontal bar per row (the first row on top); nothing is drawn when every value is zero."""
    table = [(label, [value]) for label, value in rows]
    if not any(_number(value) for _label, value in rows):
        return Chart(title=title, svg=mark_safe(""), columns=[series], rows=table)
    drawn = list(reversed(rows))
    options = {"value_formatter": lambda value: f"{value:,.2f}"} if money else {}
    chart = pygal.HorizontalBar(
        **config(
            title=title,
            show_legend=False,
            height=80 + 26 * max(len(drawn), 1),
            width=900,
            style=style(),
            **options,
        )
    )
    chart.x_labels = [label for label, _value in drawn]
    chart.add(series, [_number(value) or None for _label, value in drawn])  # no "0.00" labels on empty bars
    return Chart(title=title, svg=svg(chart, title), columns=[series], rows=table)


def stacked_chart(
    title: str, series: list[tuple[str, str]], rows: list[tuple[str, dict]], colours: dict[str, str]
) -> Chart:
    """One stacked horizontal bar per row; `series` are (key, label); series that are zero everywhere are left out."""
    used = [(key, label) for key, label in series if any(values.get(key) for _row, values in rows)]
    table = [(label, [values.get(key) or 0 for key, _l in series]) for label, values in rows]
    columns = [label for _key, label in series]
    if not used:
        return Chart(title=title, svg=mark_safe(""), columns=columns, rows=table)
    drawn = list(reversed(rows))
    chart = pygal.HorizontalStackedBar(
        **config(
            title=title,
            height=110 + 26 * max(len(drawn), 1),
            width=1100,
            legend_at_bottom=True,
            legend_at_bottom_columns=len(used),
            y_labels=count_axis(max((sum(values.get(key) or 0 for key, _l in used) for _r, values in rows), default=0)),
            style=style(tuple(colours.get(key, BLUE) for key, _label in used)),
        )
    )
    chart.x_labels = [label for label, _values in drawn]
    for key, label in used:
        chart.add(label, [values.get(key) or 0 for _label, values in drawn])
    return Chart(title=title, svg=svg(chart, title), columns=columns, rows=table)


def line_chart(title: str, series: list[tuple[str, list]], labels: list[str]) -> Chart:
    """A line per series over `labels` (years); series that are zero everywhere are left out."""
    used = [(name, values) for name, values in series if any(_number(value) for value in values)]
    columns = [name for name, _values in series]
    table = [(label, [values[index] for _name, values in series]) for index, label in enumerate(labels)]
    if not used or not labels:
        return Chart(title=title, svg=mark_safe(""), columns=columns, rows=table)
    chart = pygal.Line(
        **config(
            title=title,
            height=360,
            width=900,
            legend_at_bottom=True,
            style=style(("#0d6efd", "#198754", "#fd7e14", "#6f42c1")),
            value_formatter=lambda value: f"{value:,.2f}",
            print_values=False,
        )
    )
    chart.x_labels = labels
    for name, values in used:
        chart.add(name, [_number(value) for value in values])
    return Chart(title=title, svg=svg(chart, title), columns=columns, rows=table)


def wan(value) -> Decimal:
    return (Decimal(value or 0) / 10000).quantize(Decimal("0.01"))
