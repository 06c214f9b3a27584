"""What the inspections list reads for its page: the inspectors by their names only (never a password), the columns
its cells show, the same queries for one row as for many."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import InspectionFactory, OrganizationFactory, region

pytestmark = pytest.mark.django_db

URL = reverse("supervision:inspection-list")


def inspector_cells(response) -> list[str]:
    """The 检查人员 cell of each row, in the page's order."""
    rows = re.findall(r"<tr [^>]*>(.*?)</tr>", response.content.decode(), re.S)
    return [re.findall(r"<td [^>]*>(.*?)</td>", row, re.S)[5] for row in rows]


def test_the_inspectors_are_shown_by_name_in_the_order_they_were_named(
    client, registrar, second_registrar, organization
):
    named = InspectionFactory(organization=organization, department=registrar.department, created_by=registrar)
    named.inspectors.add(second_registrar)
    named.inspectors.add(registrar)
    InspectionFactory(
        organization=organization,
        department=registrar.department,
        created_by=registrar,
        planned_on=named.planned_on.replace(day=1),
    )
    client.force_login(registrar)
    assert inspector_cells(client.get(URL)) == [f"{second_registrar}、{registrar}", "—"]


def test_the_page_reads_the_columns_it_shows_with_the_same_queries_for_more_rows(client, registrar, organization):
    client.force_login(registrar)
    first = InspectionFactory(organization=organization, department=registrar.department, created_by=registrar)
    first.inspectors.add(registrar)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for _ in range(6):
        inspection = InspectionFactory(
            organization=OrganizationFactory(region=region("150102")),
            department=registrar.department,
            created_by=registrar,
        )
        inspection.inspectors.add(registrar)
    with CaptureQueriesContext(connection) as many:
        response = client.get(URL)
    assert len(many) == len(few)
    assert len(inspector_cells(response)) == 7
    sqls = [query["sql"] for query in many]
    (rows,) = [sql for sql in sqls if re.search(r'FROM "supervision_inspection" .*\bIN \(', sql)]
    for unshown in ("findings", "created_at", "completed_at", "business_scope", "search_document", '"description"'):
        assert unshown not in rows
    (inspectors,) = [sql for sql in sqls if 'FROM "supervision_inspection_inspectors"' in sql]
    assert '"username"' in inspectors and "password" not in inspectors and "last_login" not in inspectors
