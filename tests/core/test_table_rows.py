"""The site's list pages render their tables in Python (`{% table_html %}`, core.tables.render_table and render_rows)
and compile each template column's template once: every page reads exactly as it did with django-tables2's own
templates."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.test.html import parse_html
from django.test.utils import override_settings

pytestmark = pytest.mark.django_db

# The site's table templates rendered by django-tables2's own templates (header, rows and footer in its blocks).
PAGINATION = (
    '{% block pagination %}{% if table.page %}{% include "includes/pagination.html" with page_obj=table.page %}'
    "{% endif %}{% endblock pagination %}"
)
TEMPLATE_ROWS = {
    "includes/table.html": '{% extends "django_tables2/bootstrap5.html" %}\n' + PAGINATION,
    "registry/organization_table.html": '{% extends "django_tables2/bootstrap5-responsive.html" %}\n' + PAGINATION,
}
TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")


def with_template_rows():
    engine = dict(settings.TEMPLATES[0])
    options = dict(engine["OPTIONS"])
    options["loaders"] = [
        ("django.template.loaders.locmem.Loader", TEMPLATE_ROWS),
        "django.template.loaders.filesystem.Loader",
        "django.template.loaders.app_directories.Loader",
    ]
    return override_settings(TEMPLATES=[{**engine, "APP_DIRS": False, "OPTIONS": options}])


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return TOKEN.sub("token", response.content.decode())


@pytest.fixture
def generated():
    call_command("generate_data", profile="tiny", verbosity=0)


def official(**role) -> Client:
    client = Client()
    user = get_user_model().objects.filter(is_active=True, username__startswith="gen_", **role).order_by("pk").first()
    assert user is not None
    client.force_login(user)
    return client


PUBLIC = [
    "/organizations/",
    "/organizations/?sort=-established_on&per_page=50",
    "/organizations/?q=zzzz-nothing",
    "/contracts/",
    "/contracts/?sort=paid_amount",
    "/purchase-lists/",
    "/evaluations/",
    "/credit-listings/",
]
REGISTRAR = [
    "/supervision/inspections/",
    "/supervision/complaints/",
    "/supervision/orders/",
    "/supervision/draws/",
]


@pytest.mark.parametrize("url", PUBLIC)
def test_public_lists_read_as_with_django_tables2s_templates(generated, url):
    fast = page(Client(), url)
    with with_template_rows():
        slow = page(Client(), url)
    _assert_same_html(fast, slow)


@pytest.mark.parametrize("url", REGISTRAR)
def test_officials_lists_read_as_with_django_tables2s_templates(generated, url):
    client = official(is_registrar=True)
    fast = page(client, url)
    with with_template_rows():
        slow = page(client, url)
    _assert_same_html(fast, slow)


def test_a_purchasers_contracts_read_as_with_django_tables2s_templates(generated):
    client = official(is_purchaser=True)
    fast = page(client, "/contracts/manage/")
    with with_template_rows():
        slow = page(client, "/contracts/manage/")
    _assert_same_html(fast, slow)


def _assert_same_html(fast: str, slow: str) -> None:
    """The same elements, attributes and text (django.test's HTML comparison: whitespace between tags aside)."""
    assert fast.count("<td") == slow.count("<td") >= 1
    assert parse_html(fast) == parse_html(slow)


def test_a_tables_columns_are_its_own():
    """Each table gets its own copies of the declared columns (`core.tables._column_copy`): what one table changes of
    them (a column hidden, an attribute set) reaches neither the class nor another table."""
    from registry.models import Organization
    from registry.tables import OrganizationTable

    first = OrganizationTable(Organization.objects.none())
    second = OrganizationTable(Organization.objects.none())
    first.columns.hide("uscc")
    first.columns["name"].column.attrs["td"]["class"] = "changed"
    first.columns["name"].column.attrs["th"] = {"class": "changed"}
    assert [column.name for column in first.columns].count("uscc") == 0
    assert "uscc" in [column.name for column in second.columns]
    assert OrganizationTable.base_columns["uscc"].visible
    for column in (second.columns["name"].column, OrganizationTable.base_columns["name"]):
        assert column.attrs == {"th": {"class": "col-name"}, "td": {"class": "col-name"}}
    third = OrganizationTable(Organization.objects.none())
    assert "uscc" in [column.name for column in third.columns]
    assert third.columns["name"].column.attrs["td"] == {"class": "col-name"}
