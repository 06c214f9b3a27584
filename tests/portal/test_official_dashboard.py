"""The officials' dashboard beside the 待办: this year's figures of their department (purchasers) or region
(registrars), each linking to the filtered list that shows the same rows; a fixed number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.permissions import in_official_region
from contracts.models import Contract
from portal.officials import official_dashboard
from registry.models import Department
from tests.factories import (
    ComplaintFactory,
    ContractFactory,
    DeliverableFactory,
    DepartmentFactory,
    FinalizedEvaluationFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    PaymentFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    RegistrarFactory,
    SignedContractFactory,
    region,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def department(db):
    return PurchasingDepartmentFactory(region=region("150102"))


@pytest.fixture
def purchaser(department):
    return PurchaserFactory(department=department)


@pytest.fixture
def registrar(db):
    return RegistrarFactory(department=DepartmentFactory(region=region("150100")))


def _figure(figures, label):
    return next(figure for figure in figures if str(figure.label) == label)


def _build(department, today):
    organization = OrganizationFactory(region=region("150102"))
    year = today.year
    performing = SignedContractFactory(
        department=department, organization=organization, status="performing", year=year, amount=Decimal("200000.00")
    )
    SignedContractFactory(department=department, organization=organization, year=year, amount=Decimal("50000.00"))
    ContractFactory(department=department, organization=organization, year=year)  # a draft
    DeliverableFactory(contract=performing, due_on=datetime.date(year, 1, 15), payment_share=50)
    PaymentFactory(contract=performing, amount=Decimal("30000.00"), paid_on=datetime.date(year, 1, 20))
    ComplaintFactory(organization=organization)
    FinalizedEvaluationFactory(contract=performing, grade="poor", score=Decimal("55.00"))
    return performing


def test_purchaser_sees_their_department(client, purchaser, department, today):
    _build(department, today)
    other = PurchasingDepartmentFactory(region=region("150102"))
    SignedContractFactory(department=other, year=today.year, status="performing")  # another department's
    dashboard = official_dashboard(purchaser, on=today)
    assert dashboard.scope_label == department.name
    assert _figure(dashboard.contracts_by_status, "履行中").value == 1
    assert _figure(dashboard.contracts_by_status, "草稿").value == 1
    assert _figure(dashboard.money, "本年签订金额(元)").value == Decimal("250000.00")
    assert _figure(dashboard.money, "本年付款金额(元)").value == Decimal("30000.00")
    if today > datetime.date(today.year, 1, 15):
        assert _figure(dashboard.delivery, "迟交或未交").value == 1
        assert dashboard.on_time_rate == Decimal("0.0")
    assert _figure(dashboard.supervision, "待受理的投诉举报").value == 1
    assert _figure(dashboard.grades, "差").value == 1

    client.force_login(purchaser)
    url = _figure(dashboard.contracts_by_status, "履行中").url
    assert url == reverse("contracts:contract-manage") + f"?status=performing&department={department.pk}"
    listed = client.get(url).context["table"].data
    assert len(listed) == 1


def test_registrar_sees_the_region_and_links_filter_by_it(client, registrar, department, today):
    _build(department, today)
    SignedContractFactory(  # Baotou: outside Hohhot
        department=PurchasingDepartmentFactory(region=region("150200")), year=today.year, status="performing"
    )
    dashboard = official_dashboard(registrar, on=today)
    performing = _figure(dashboard.contracts_by_status, "履行中")
    assert performing.value == 1
    assert "草稿" not in [str(figure.label) for figure in dashboard.contracts_by_status]
    client.force_login(registrar)
    assert len(client.get(performing.url).context["table"].data) == 1
    grade = _figure(dashboard.grades, "差")
    assert grade.value == 1 and "region=150100" in grade.url


def test_page_beside_the_todo_with_a_fixed_number_of_queries(client, purchaser, department, today):
    client.force_login(purchaser)
    _build(department, today)
    assert reverse("portal:official-dashboard") in client.get(reverse("portal:todo")).content.decode()
    page = client.get(reverse("portal:official-dashboard"))
    assert 'data-testid="official-dashboard"' in page.content.decode()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("portal:official-dashboard"))
    for _ in range(3):
        _build(department, today)
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("portal:official-dashboard"))
    assert len(many.captured_queries) == len(few.captured_queries)


def test_members_have_none(client, today):
    member = OrganizationMemberFactory()
    assert official_dashboard(member, on=today) is None
    client.force_login(member)
    assert 'data-testid="dashboard-link"' not in client.get(reverse("portal:todo")).content.decode()
    assert client.get(reverse("portal:official-dashboard")).status_code == 403


def test_the_page_is_kept_until_a_write_commits_and_per_user(client, settings, committed, purchaser, department, today):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    url = reverse("portal:official-dashboard")
    with committed():
        _build(department, today)
        other = PurchaserFactory(department=PurchasingDepartmentFactory(region=region("150102")))
        client.force_login(purchaser)  # the sign-in writes the user's last login
    first = client.get(url).context["dashboard"]
    assert _figure(first.contracts_by_status, "履行中").value == 1
    with CaptureQueriesContext(connection) as kept:
        again = client.get(url).context["dashboard"]
    assert again == first
    assert not any('"contracts_contract"' in query["sql"] for query in kept.captured_queries)  # read back, not counted

    with committed():
        SignedContractFactory(department=department, year=today.year, status="performing")
    assert _figure(client.get(url).context["dashboard"].contracts_by_status, "履行中").value == 2

    with committed():
        client.force_login(other)
    theirs = client.get(url).context["dashboard"]
    assert theirs.scope_label == other.department.name
    assert _figure(theirs.contracts_by_status, "履行中").value == 0


def test_a_province_that_holds_every_row_counts_them_all_and_no_more(today):
    """The province's registrar: while every department and organization lies in the province, its figures are every
    row's (no condition); once one lies outside, that one is left out."""
    department = PurchasingDepartmentFactory(region=region("150102"))
    _build(department, today)
    Department.objects.exclude(region__path__startswith=region("150000").path).delete()
    province = RegistrarFactory(department=DepartmentFactory(region=region("150000")))
    assert not in_official_region(province, Contract, "department__region")  # no condition: every department
    dashboard = official_dashboard(province, on=today)
    assert _figure(dashboard.contracts_by_status, "履行中").value == 1
    assert _figure(dashboard.money, "本年签订金额(元)").value == Decimal("250000.00")
    assert _figure(dashboard.supervision, "待受理的投诉举报").value == 1
    assert _figure(dashboard.grades, "差").value == 1

    beijing = PurchasingDepartmentFactory(region=region("110101"))
    outside = OrganizationFactory(region=region("110101"), registration_authority=beijing)
    elsewhere = SignedContractFactory(department=beijing, organization=outside, status="performing", year=today.year)
    ComplaintFactory(organization=outside)
    FinalizedEvaluationFactory(contract=elsewhere, grade="poor", score=Decimal("50.00"))
    province = RegistrarFactory(department=province.department)  # asks the province afresh
    assert in_official_region(province, Contract, "department__region")
    dashboard = official_dashboard(province, on=today)
    assert _figure(dashboard.contracts_by_status, "履行中").value == 1
    assert _figure(dashboard.money, "本年签订金额(元)").value == Decimal("250000.00")
    assert _figure(dashboard.supervision, "待受理的投诉举报").value == 1
    assert _figure(dashboard.grades, "差").value == 1
