"""The organization page reads its region's parents with the organization (Region.full_name names the region with its
city and province), and each set of the organization's records once, however many parts of the page show it."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registry.models import AnnualInspection, Organization
from tests.factories import (
    AnnualInspectionFactory,
    ContractFactory,
    CreditListingFactory,
    DeliverableFactory,
    FinalizedEvaluationFactory,
    InspectionFactory,
    OrganizationFactory,
    PenaltyFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    RatingFactory,
    RectificationOrderFactory,
    RegistrarFactory,
    SignedContractFactory,
    region,
)

pytestmark = pytest.mark.django_db


def test_the_region_is_named_in_full_without_a_query_per_parent(client):
    organization = OrganizationFactory(region=region("150102"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("registry:organization-detail", args=[organization.uscc]))
    assert response.status_code == 200
    assert "内蒙古自治区呼和浩特市新城区" in response.content.decode()
    alone = [query["sql"] for query in queries if query["sql"].startswith('SELECT "registry_region"."id"')]
    assert alone == []


# --- each set of records read once, whatever their number ------------------------------------------------------------

# The tables of the records the page shows; each is read by one query, whichever parts of the page show it.
RECORD_TABLES = (
    "registry_rating",
    "registry_annualinspection",
    "registry_annualreport",
    "registry_creditlisting",
    "registry_penalty",
    "contracts_contract",
    "evaluations_evaluation",
    "supervision_inspection",
    "supervision_rectificationorder",
)


def reads_of(queries, table: str) -> int:
    """The queries that read `table` itself (its rows, or a count or aggregate of them), not as a join or subquery."""
    pattern = re.compile(rf'^SELECT (COUNT\()?"{table}"\.|^SELECT COUNT\(\*\) AS "__count" FROM "{table}"')
    return sum(1 for query in queries if pattern.match(query["sql"]))


def add_records(organization: Organization, official, number: int) -> None:
    """`number` more of each record the page shows: grades, annual inspections, listings (removed),
    penalties, signed contracts with an overdue deliverable and a finalized evaluation, a draft, inspections and
    rectification orders."""
    authority = organization.registration_authority
    start = 2010 + 3 * AnnualInspection.objects.filter(organization=organization).count()
    for year in range(start, start + number):
        RatingFactory(organization=organization, awarded_on=datetime.date(year, 3, 1))
        AnnualInspectionFactory(organization=organization, year=year, decided_on=datetime.date(year + 1, 5, 31))
        CreditListingFactory(
            organization=organization,
            listed_on=datetime.date(year, 7, 1),
            removed_on=datetime.date(year, 9, 1),
            removal_reason="已补报年度工作报告",
            removed_by=authority,
        )
        PenaltyFactory(organization=organization, decided_on=datetime.date(year, 4, 1))
        contract = SignedContractFactory(organization=organization, signed_on=datetime.date(year, 2, 20))
        DeliverableFactory(contract=contract, due_on=datetime.date(year, 6, 30))
        FinalizedEvaluationFactory(contract=contract)
        ContractFactory(organization=organization, department=official.department)
        InspectionFactory(organization=organization, created_by=official, planned_on=datetime.date(year, 10, 15))
        RectificationOrderFactory(organization=organization, issued_by=official, issued_on=datetime.date(year, 10, 1))


@pytest.mark.parametrize("who", ["anonymous", "registrar", "purchaser"])
def test_the_page_reads_each_set_of_records_once_whatever_their_number(client, who):
    organization = OrganizationFactory(region=region("150102"))
    official = {
        "anonymous": RegistrarFactory(department=organization.registration_authority),
        "registrar": RegistrarFactory(department=organization.registration_authority),
        "purchaser": PurchaserFactory(department=PurchasingDepartmentFactory(region=region("150102"))),
    }[who]
    if who != "anonymous":
        client.force_login(official)
    url = reverse("registry:organization-detail", args=[organization.uscc])

    add_records(organization, official, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    add_records(organization, official, 3)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert response.status_code == 200
    assert len(many) == len(few)
    assert {table: reads_of(many, table) for table in RECORD_TABLES} == dict.fromkeys(RECORD_TABLES, 1)
    html = response.content.decode()
    for tab in ("ratings", "penalties", "credit", "evaluations"):
        assert re.search(rf'data-testid="tab-{tab}">.*?data-testid="tab-count">4<', html, re.S), tab
    # The purchaser sees the four drafts of their department besides the four signed contracts.
    contracts = 8 if who == "purchaser" else 4
    assert re.search(rf'data-testid="tab-contracts">.*?data-testid="tab-count">{contracts}<', html, re.S)
