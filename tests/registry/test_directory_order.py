"""The directory's order and page figures: the region code kept on every organization by every writer, the order it
backs, and the grade and listings read for the shown page only (registry.selectors.organization_facts)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registry import services
from registry.imports import organizations_import
from registry.models import CreditListing, Organization, Rating
from registry.selectors import (
    DIRECTORY_ORDER,
    organization_facts,
    organization_list,
    organization_search,
    with_current_grade,
)
from tests.factories import (
    CreditListingFactory,
    OrganizationFactory,
    RatingFactory,
    RegistrarFactory,
    next_uscc,
    region,
)
from tests.registry.test_import import org_row, write_file

pytestmark = pytest.mark.django_db

URL = reverse("registry:organization-list")


def test_save_keeps_the_region_code_and_a_move_changes_it():
    organization = OrganizationFactory(region=region("150102"), registration_authority__region=region("150100"))
    organization.refresh_from_db()
    assert organization.region_code == "150102"

    registrar = RegistrarFactory(department__region=region("150000"))
    services.organization_update(actor=registrar, organization=organization, region=region("150105"))
    organization.refresh_from_db()
    assert organization.region_code == "150105"


def test_the_importer_writes_the_region_code_of_new_and_moved_organizations(tmp_path, bureaus):
    rows = [org_row(1), org_row(2, 所属区划="150105")]
    organizations_import(actor=None, source=write_file(tmp_path / "v1.csv", rows))
    codes = dict(Organization.objects.values_list("uscc", "region_code"))
    assert codes == {rows[0]["统一社会信用代码"]: "150102", rows[1]["统一社会信用代码"]: "150105"}

    rows[0]["所属区划"] = "150103"
    result = organizations_import(actor=None, source=write_file(tmp_path / "v2.csv", rows))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    assert Organization.objects.get(uscc=rows[0]["统一社会信用代码"]).region_code == "150103"


def test_bulk_create_writes_the_derived_columns_so_the_rows_are_ordered_and_found():
    template = OrganizationFactory(region=region("150203"), registration_authority__region=region("150100"))
    fields = {
        field.attname: getattr(template, field.attname)
        for field in Organization._meta.concrete_fields
        if not field.primary_key and field.attname not in ("uscc", "name", *Organization.SEARCH_COLUMNS)
    }
    fields["region_id"], fields["region_code"] = region("150102").pk, ""
    names = ["呼和浩特市新城区赵家社会工作服务中心", "呼和浩特市新城区安家社会工作服务中心"]
    Organization.objects.bulk_create(
        Organization(**fields, name=name, uscc=next_uscc(region_code="150102")) for name in names
    )

    listed = organization_list().exclude(pk=template.pk).values_list("region_code", "name")
    assert list(listed) == [("150102", names[1]), ("150102", names[0])]
    assert [o.name for o in organization_search("赵家")] == [names[0]]
    assert [o.name for o in organization_search("ajshgz")] == [names[1]]  # the initials of 安家社会工作…


def test_the_directory_orders_by_region_code_then_pinyin():
    names = {
        "150203": ["包头市昆都仑区阿拉坦社会工作服务中心"],
        "150102": ["呼和浩特市新城区赵家社会工作服务中心", "呼和浩特市新城区安家社会工作服务中心"],
        "150100": ["呼和浩特市志愿者协会"],
    }
    for code, region_names in names.items():
        for name in region_names:
            OrganizationFactory(name=name, region=region(code))
    listed = list(organization_list().values_list("region_code", "name"))
    assert listed == [
        ("150100", "呼和浩特市志愿者协会"),
        ("150102", "呼和浩特市新城区安家社会工作服务中心"),  # an before zhao
        ("150102", "呼和浩特市新城区赵家社会工作服务中心"),
        ("150203", "包头市昆都仑区阿拉坦社会工作服务中心"),
    ]
    assert DIRECTORY_ORDER == ("region_code", "name_pinyin", "pk")


def test_page_facts_are_what_the_annotations_give():
    today = timezone.localdate()
    graded, expired, listed, serious, plain = OrganizationFactory.create_batch(5)
    RatingFactory(organization=graded, grade=Rating.Grade.A3, awarded_on=today - datetime.timedelta(days=3000))
    RatingFactory(organization=graded, grade=Rating.Grade.A4, awarded_on=today - datetime.timedelta(days=10))
    RatingFactory(organization=expired, grade=Rating.Grade.A5, awarded_on=datetime.date(2015, 1, 10))
    CreditListingFactory(organization=listed, listed_on=today - datetime.timedelta(days=5))
    CreditListingFactory(
        organization=listed,
        listed_on=datetime.date(2024, 7, 1),
        removed_on=datetime.date(2024, 12, 1),
        removal_reason="已补报",
    )
    CreditListingFactory(organization=serious, list_kind=CreditListing.List.SERIOUS)

    with CaptureQueriesContext(connection) as queries:
        rows = organization_facts(list(organization_list()))
    assert len(queries) == 2  # the page, then its figures
    facts = {row.pk: (row.current_grade, row.on_credit_list, row.on_serious_list) for row in rows}
    assert facts == {
        graded.pk: ("4A", False, False),
        expired.pk: (None, False, False),
        listed.pk: (None, True, False),
        serious.pk: (None, True, True),
        plain.pk: (None, False, False),
    }
    annotated = dict(with_current_grade(Organization.objects.all()).values_list("pk", "current_grade"))
    assert {pk: grade for pk, (grade, _, _) in facts.items()} == annotated
    assert rows[0].current_grade_valid_until is None or isinstance(rows[0].current_grade_valid_until, datetime.date)


def test_the_page_shows_the_figures_of_its_rows_and_its_query_count_does_not_grow(client):
    today = timezone.localdate()
    organizations = OrganizationFactory.create_batch(60, region=region("150102"))
    for organization in organizations:
        RatingFactory(organization=organization, grade=Rating.Grade.A5, awarded_on=today - datetime.timedelta(days=1))
        CreditListingFactory(organization=organization, list_kind=CreditListing.List.SERIOUS)

    def load(per_page):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"per_page": per_page})
        rows = [row.record for row in response.context["table"].paginated_rows]
        assert {(row.current_grade, row.on_serious_list) for row in rows} == {("5A", True)}
        assert "严重违法失信名单" in response.content.decode()
        return len(queries), len(rows)

    assert load(5)[1] == 5
    assert load(5)[0] == load(50)[0]
    assert load(50)[1] == 50


def test_the_region_filter_takes_the_region_and_everything_below_it(client):
    inside = OrganizationFactory(region=region("150105"))
    city = OrganizationFactory(region=region("150100"))
    OrganizationFactory(region=region("150203"))
    response = client.get(URL, {"region": "150100"})
    assert {row.record.pk for row in response.context["table"].paginated_rows} == {inside.pk, city.pk}


def test_api_list_carries_the_page_figures(client):
    organization = OrganizationFactory()
    RatingFactory(organization=organization, grade=Rating.Grade.A2, awarded_on=timezone.localdate())
    CreditListingFactory(organization=organization)
    body = client.get(reverse("api:organization-list")).json()
    row = next(item for item in body["results"] if item["uscc"] == organization.uscc)
    assert (row["current_grade"], row["on_credit_list"], row["on_serious_list"]) == ("2A", True, False)
    serious_only = client.get(reverse("api:organization-list"), {"on_serious_list": "false"}).json()
    assert organization.uscc in {item["uscc"] for item in serious_only["results"]}
    listed_only = client.get(URL, {"on_credit_list": "true"})
    assert [row.record.pk for row in listed_only.context["table"].paginated_rows] == [organization.pk]
