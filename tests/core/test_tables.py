"""core.tables: the table functions' signatures django-tables2 reads per cell are read once per function."""

from __future__ import annotations

import inspect

import django_tables2 as tables
import django_tables2.utils
import pytest
from django_tables2 import A

from core import tables as core_tables
from registry.models import Organization
from supervision.models import Inspection
from tests.factories import InspectionFactory, OrganizationFactory, SignedContractFactory


class Columns:
    def render_plain(self, value):
        return value

    def render_record(self, record, value, bound_column):
        return record

    def render_anything(self, value, **kwargs):
        return kwargs


def plain(record):
    return record


class Callable:
    def __call__(self, record, table):
        return record


@pytest.mark.parametrize(
    "fn",
    [
        Columns().render_plain,
        Columns().render_record,
        Columns().render_anything,
        plain,
        lambda value, **rest: value,
        Callable(),
    ],
)
def test_the_signature_is_the_one_django_tables2_reads(fn):
    assert core_tables.signature(fn) == core_tables._signature(fn)


def test_a_method_is_read_once_for_every_instance():
    core_tables._signature_of.cache_clear()
    first, second = Columns(), Columns()
    assert core_tables.signature(first.render_record) == (("record", "value", "bound_column"), None)
    assert core_tables.signature(second.render_record) == (("record", "value", "bound_column"), None)
    assert core_tables._signature_of.cache_info().hits == 1
    # Calls go to the instance the method is bound to.
    assert django_tables2.utils.call_with_appropriate(second.render_plain, {"value": 7, "record": None}) == 7


def test_the_site_reads_signatures_through_the_cache():
    assert django_tables2.utils.signature is core_tables.signature


@pytest.mark.django_db
def test_a_table_renders_each_cell_with_its_own_record():
    class Names(tables.Table):
        name = tables.Column()
        uscc = tables.Column()

        class Meta:
            model = Organization
            fields = ("name", "uscc")

        def render_name(self, value, record):
            return f"{value}/{record.uscc}"

    organizations = [OrganizationFactory(name=f"阳光社会工作服务中心{n}") for n in range(3)]
    table = Names(Organization.objects.filter(pk__in=[o.pk for o in organizations]).order_by("pk"))
    cells = [row.get_cell("name") for row in table.rows]
    assert cells == [f"{o.name}/{o.uscc}" for o in organizations]


class Dates(tables.Table):
    established_on = tables.DateColumn(format="Y-m-d")
    created_at = tables.DateTimeColumn(format="Y-m-d H:i")

    class Meta:
        model = Organization
        fields = ("established_on", "created_at")


@pytest.mark.django_db
def test_a_template_column_renders_its_template_compiled_once():
    import datetime

    from django.template import Context, Template

    OrganizationFactory(established_on=datetime.date(2019, 3, 7))
    core_tables._compiled.cache_clear()
    table = Dates(Organization.objects.all())
    row = next(iter(table.rows))
    assert row.get_cell("established_on") == "2019-03-07"
    assert row.get_cell("created_at") == Template('{{ value|date:"Y-m-d H:i"|default:default }}').render(
        Context({"value": row.record.created_at, "default": "—"})
    )
    next(iter(Dates(Organization.objects.all()).rows)).get_cell("established_on")
    assert core_tables._compiled.cache_info().misses == 2
    assert core_tables._compiled.cache_info().hits == 1


class Plain(tables.Table):
    name = tables.Column()
    org_type = tables.Column()
    status = tables.Column()
    region_name = tables.Column(accessor="region__name")
    missing = tables.Column(accessor="no_such_attribute")
    method = tables.Column(accessor="get_status_display")

    class Meta:
        model = Organization
        fields = ("name", "org_type", "status", "established_on")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_plain_cell_is_the_cell_django_tables2_gives(language):
    from django.utils import translation

    OrganizationFactory(org_type=Organization.Type.SERVICE, status=Organization.Status.NORMAL)
    OrganizationFactory(org_type=Organization.Type.FOUNDATION, legal_representative="")
    with translation.override(language):
        table = Plain(Organization.objects.order_by("pk"))
        rows = list(table.rows)
        plans = {column.name: core_tables._plain_cell(column, Organization) for column in table.columns}
        assert plans["region_name"] is not None  # a path along a foreign key: read as plainly
        assert plans["missing"] is not None and plans["method"] is not None  # each cell: django-tables2's own way
        for row in rows:
            for column in table.columns:
                if plans[column.name] is not None:
                    assert plans[column.name](row) == row.get_cell(column.name), column.name
        assert rows[0].get_cell("org_type") == str(Organization.Type.SERVICE.label)


class Paths(tables.Table):
    """Columns that read a record the row's foreign keys lead to, some of them NULL."""

    contract = tables.Column(accessor="contract__number")
    contract_title = tables.Column(accessor="contract__title", empty_values=())
    region = tables.Column(accessor="organization__region__name")
    level = tables.Column(accessor="organization__region__level")
    organization_status = tables.Column(accessor="organization__status")
    draw_year = tables.Column(accessor="sample_draw__year", default="无")
    region_record = tables.Column(accessor="organization__region")
    inspectors = tables.Column(accessor="inspectors__username")  # to-many: django-tables2's own way
    linked = tables.LinkColumn("supervision:inspection-detail", args=[A("pk")], accessor="contract__number")

    class Meta:
        model = Inspection
        fields = ()


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_cell_along_foreign_keys_is_the_cell_django_tables2_gives(language):
    from django.utils import translation

    InspectionFactory(contract=SignedContractFactory())
    InspectionFactory(organization=OrganizationFactory(status=Organization.Status.REVOKED))
    with translation.override(language):
        table = Paths(Inspection.objects.select_related("organization__region", "contract").order_by("pk"))
        plans = {column.name: core_tables._plain_cell(column, Inspection) for column in table.columns}
        assert plans["inspectors"] is None and plans["linked"] is None
        rows = list(table.rows)
        for row in rows:
            for column in table.columns:
                if plans[column.name] is not None:
                    assert plans[column.name](row) == row.get_cell(column.name), column.name
        assert [row.get_cell("draw_year") for row in rows] == ["无", "无"]
        assert rows[1].get_cell("contract") == "—" and rows[1].get_cell("contract_title") is None
        assert rows[1].get_cell("organization_status") == str(Organization.Status.REVOKED.label)


def test_a_model_with_its_own_display_takes_django_tables2s_way():
    class Own:  # an organization's class with its own get_status_display (not a model of its own)
        _meta = Organization._meta
        get_org_type_display = inspect.getattr_static(Organization, "get_org_type_display")

        def get_status_display(self):
            return "own"

    table = Plain(Organization.objects.none())
    assert core_tables._plain_cell(table.columns["status"], Own) is None
    assert core_tables._plain_cell(table.columns["org_type"], Own) is not None
    assert core_tables._plain_cell(table.columns["status"], Organization) is not None


class Linked(tables.Table):
    """Date, date-time and linked cells, with and without values, in a time zone other than UTC."""

    name = tables.Column(linkify=lambda record: f"/o/{record.uscc}/?a=1&b=<2>")
    uscc = tables.Column(linkify=lambda record, value: f"/u/{value}/")  # not a function of the record alone
    established_on = tables.DateColumn(format="Y-m-d", linkify=lambda record: None)
    certificate_valid_until = tables.DateColumn(short=False, default="无")
    created_at = tables.DateTimeColumn(format="Y-m-d H:i")
    status_changed_on = tables.DateColumn(format="Y年n月j日", linkify=lambda record: "/s/")

    class Meta:
        model = Organization
        fields = ("name", "uscc", "established_on", "certificate_valid_until", "created_at", "status_changed_on")


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_dates_and_links_render_as_django_tables2_renders_them(language):
    import datetime

    from django.utils import timezone, translation

    OrganizationFactory(name="<阳光> & 社工", established_on=datetime.date(2019, 3, 7), certificate_valid_until=None)
    OrganizationFactory(established_on=datetime.date(2021, 12, 31), certificate_valid_until=datetime.date(2030, 1, 2))
    Organization.objects.update(created_at=datetime.datetime(2026, 12, 6, 23, 30, tzinfo=datetime.UTC))
    with translation.override(language), timezone.override("Asia/Shanghai"):
        table = Linked(Organization.objects.order_by("pk"))
        renderers = {column.name: core_tables._renderer(column) for column in table.columns}
        assert core_tables._date_content(table.columns["created_at"]) is not None
        assert core_tables._plain_link(table.columns["name"].link) is not None
        assert core_tables._plain_link(table.columns["uscc"].link) is None
        for row in table.rows:
            for column in table.columns:
                expected = row.get_cell(column.name)
                value = column.accessor.resolve(row.record)
                assert renderers[column.name](row, value) == expected, column.name
        first = next(iter(table.rows))
        assert first.get_cell("created_at") == "2026-12-07 07:30"  # the current time zone's day
        assert first.get_cell("certificate_valid_until") == "无"
        assert "&lt;阳光&gt; &amp; 社工" in first.get_cell("name")
        assert 'href="/o/' in first.get_cell("name") and "&amp;b=&lt;2&gt;" in first.get_cell("name")


class Renders(tables.Table):
    """Columns whose table renders them with each kind of signature django-tables2 accepts."""

    name = tables.Column()
    uscc = tables.Column()
    legal_representative = tables.Column()
    domicile = tables.Column()
    supervisory_unit = tables.Column()
    established_on = tables.DateColumn(format="Y-m-d")

    class Meta:
        model = Organization
        fields = ("name", "uscc", "legal_representative", "domicile", "supervisory_unit", "established_on")

    def render_name(self, value):
        return f"v:{value}"

    def render_uscc(self, record):
        return f"r:{record.pk}"

    def render_legal_representative(self, record, value):
        return f"rv:{record.pk}:{value}"

    def render_domicile(self, value, column, bound_row):
        return f"c:{column.__class__.__name__}:{bound_row.record.pk}:{value}"

    def render_supervisory_unit(self, **kwargs):
        return f"k:{sorted(kwargs)}"


@pytest.mark.django_db
def test_a_tables_render_methods_get_the_arguments_they_name():
    import datetime

    OrganizationFactory(established_on=datetime.date(999, 1, 2), supervisory_unit="民政局")
    OrganizationFactory(established_on=datetime.date(2021, 12, 31), supervisory_unit="民政局")
    table = Renders(Organization.objects.order_by("pk"))
    renderers = {column.name: core_tables._renderer(column) for column in table.columns}
    rows = list(table.rows)
    for row in rows:
        for column in table.columns:
            value = column.accessor.resolve(row.record)
            assert renderers[column.name](row, value) == row.get_cell(column.name), column.name
    assert rows[0].get_cell("name").startswith("v:")
    assert rows[0].get_cell("established_on") == "0999-01-02"
    assert renderers["supervisory_unit"](rows[0], "民政局") == row.get_cell("supervisory_unit")


class Attributed(tables.Table):
    """Cells with attributes of their column, of the table for every cell, and of each record."""

    name = tables.Column(attrs={"td": {"class": "col-name", "data-x": "<1>"}})
    uscc = tables.Column()
    status = tables.Column(attrs={"td": {"title": lambda record: record.uscc}})

    class Meta:
        model = Organization
        fields = ("name", "uscc", "status")
        attrs = {"cell": {"class": "cell"}}


@pytest.mark.django_db
@pytest.mark.parametrize("row_attrs", [None, {"data-pk": lambda record: record.pk, "class": "r"}])
def test_row_and_cell_attributes_are_django_tables2s(row_attrs):
    from django.template import Context, Template

    OrganizationFactory.create_batch(3)
    queryset = Organization.objects.order_by("pk")
    expected = Template(
        "{% for row in table.paginated_rows %}<tr {{ row.attrs.as_html }}>{% for column, cell in row.items %}"
        "<td {{ column.attrs.td.as_html }}>{{ cell }}</td>{% endfor %}</tr>{% endfor %}"
    ).render(Context({"table": Attributed(queryset, row_attrs=row_attrs)}))
    table = Attributed(queryset, row_attrs=row_attrs)
    assert core_tables.render_rows(table, Context()) == expected
    assert ('<tr class="even">' in expected) is (row_attrs is None)
    assert '<td class="col-name" data-x="&lt;1&gt;">' in expected and '<td class="cell">' in expected
