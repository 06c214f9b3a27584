"""What the inspections list and the complaint queue read for their page: the people they name by their names only
(never a password), the columns their cells show, the same queries for one row as for many."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import ComplaintFactory, InspectionFactory, OrganizationFactory, region

pytestmark = pytest.mark.django_db

URL = reverse("supervision:inspection-list")


def cells(response, index: int) -> list[str]:
    """The cell `index` of each row, in the page's order."""
    rows = re.findall(r"<tr [^>]*>(.*?)</tr>", response.content.decode(), re.S)
    return [re.findall(r"<td [^>]*>(.*?)</td>", row, re.S)[index] for row in rows]


def inspector_cells(response) -> list[str]:
    return cells(response, 5)  # 检查人员


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


def test_the_complaint_queue_reads_the_columns_it_shows_and_its_handlers_names(client, registrar, organization):
    client.force_login(registrar)
    ComplaintFactory(organization=organization, handler=registrar, status="accepted")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("supervision:complaint-queue"))
    for _ in range(4):
        ComplaintFactory(organization=OrganizationFactory(region=region("150102")))
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("supervision:complaint-queue"))
    assert len(many) == len(few)
    assert cells(response, 7) == ["—"] * 4 + [str(registrar)]  # 处理人: the received ones first, unassigned
    (rows,) = [query["sql"] for query in many if re.search(r'FROM "supervision_complaint" .*\bIN \(', query["sql"])]
    assert '"display_name"' in rows and '"subject"' in rows
    for unshown in ('"text"', "internal_note", "contact_phone", "password", "business_scope", '"description"'):
        assert unshown not in rows


def test_the_draws_list_names_each_region_in_full_with_the_same_queries_for_more_rows(client, registrar):
    from supervision.models import SampleDraw

    def draw(code: str, year: int) -> SampleDraw:
        return SampleDraw.objects.create(
            region=region(code),
            year=year,
            rate=4,
            seed=year,
            population_count=2,
            population_hash="0" * 64,
            population_usccs="91150102MA0000000X\n91150102MA0000001X",
            sample_size=1,
            drawn_by=registrar,
        )

    client.force_login(registrar)
    url = reverse("supervision:draw-list")
    draw("150102", 2026)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for year, code in enumerate(("150103", "150104", "150105", "150121", "150100"), start=2020):
        draw(code, year)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    assert "内蒙古自治区呼和浩特市新城区" in cells(response, 1)
    (rows,) = [q["sql"] for q in many if re.search(r'FROM "supervision_sampledraw" .*\bIN \(', q["sql"])]
    assert "population_usccs" not in rows
