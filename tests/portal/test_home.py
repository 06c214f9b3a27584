"""The public home: this year's figures for Inner Mongolia and each league and city, inline SVG charts, links into
the public lists, and a query count that does not grow with the data."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from evaluations.models import Evaluation
from portal.dashboard import home_dashboard
from tests.factories import (
    ContractFactory,
    DeliverableFactory,
    IndicatorSetFactory,
    OrganizationFactory,
    PublishedPurchaseListFactory,
    PurchaseListFactory,
    PurchasingDepartmentFactory,
    SignedContractFactory,
    region,
)

pytestmark = pytest.mark.django_db


def this_year() -> int:
    return timezone.localdate().year


def signed_this_year(department, amount: str = "100000.00", **fields):
    start = datetime.date(this_year(), 1, 1)
    return SignedContractFactory(
        department=department,
        signed_on=start,
        start_on=start,
        end_on=datetime.date(this_year(), 12, 31),
        year=this_year(),
        amount=Decimal(amount),
        **fields,
    )


def finalized(contract, grade: str) -> Evaluation:
    return Evaluation.objects.create(
        contract=contract,
        kind="annual",
        year=contract.year,
        indicator_set=IndicatorSetFactory(status="frozen"),
        period_start_on=contract.start_on,
        period_end_on=contract.end_on,
        due_on=contract.end_on,
        status="finalized",
        score=Decimal("88.00"),
        grade=grade,
        evaluator_count=3,
        finalized_at=timezone.now(),
    )


def populate(city_codes: list[str], per_city: int) -> None:
    """Organizations, lists, contracts (with an overdue deliverable) and evaluations in each city."""
    today = timezone.localdate()
    for code in city_codes:
        department = PurchasingDepartmentFactory(region=region(code))
        for _ in range(per_city):
            OrganizationFactory(region=region(code))
            PublishedPurchaseListFactory(department=department)
            contract = signed_this_year(department)
            DeliverableFactory(contract=contract, due_on=today - datetime.timedelta(days=3))
            finalized(contract, "excellent")


def test_figures_by_city_and_for_the_province():
    today = timezone.localdate()
    hohhot = PurchasingDepartmentFactory(region=region("150100"))
    county = PurchasingDepartmentFactory(region=region("150102"))
    chifeng = PurchasingDepartmentFactory(region=region("150400"))
    provincial = PurchasingDepartmentFactory(region=region("150000"))

    OrganizationFactory(region=region("150102"))
    OrganizationFactory(region=region("150100"))
    OrganizationFactory(region=region("150100"), status="deregistered")
    OrganizationFactory(region=region("150000"))
    supplier = OrganizationFactory(region=region("110101"))  # Beijing: outside the province

    PublishedPurchaseListFactory(department=hohhot)
    PurchaseListFactory(department=hohhot)  # a draft is not counted
    PublishedPurchaseListFactory(department=chifeng)

    county_contract = signed_this_year(county, "50000.00", organization=supplier)
    signed_this_year(hohhot, "120000.50", organization=supplier)
    last_year = datetime.date(this_year() - 1, 6, 1)
    SignedContractFactory(department=hohhot, organization=supplier, signed_on=last_year, year=last_year.year)
    ContractFactory(department=hohhot, organization=supplier)  # a draft
    chifeng_contract = signed_this_year(chifeng, "80000.00", organization=supplier)
    signed_this_year(provincial, "10000.00", organization=supplier)

    DeliverableFactory(contract=county_contract, due_on=today - datetime.timedelta(days=1))
    DeliverableFactory(contract=county_contract, due_on=today + datetime.timedelta(days=30))
    DeliverableFactory(
        contract=chifeng_contract,
        due_on=today - datetime.timedelta(days=1),
        status="accepted",
        accepted_at=timezone.now(),
    )

    finalized(county_contract, "good")
    finalized(chifeng_contract, "poor")

    dashboard = home_dashboard()
    cities = {city.code: city for city in dashboard.cities}
    assert len(cities) == 12
    assert dashboard.year == this_year()

    hohhot_figures = cities["150100"]
    assert hohhot_figures.name == "呼和浩特市"
    assert hohhot_figures.active_organizations == 2
    assert hohhot_figures.published_lists == 1
    assert hohhot_figures.contracts_signed == 2
    assert hohhot_figures.contracts_amount == Decimal("170000.50")
    assert hohhot_figures.overdue_deliverables == 1
    assert hohhot_figures.grades == {"excellent": 0, "good": 1, "fair": 0, "poor": 0}

    assert cities["150400"].contracts_signed == 1 and cities["150400"].overdue_deliverables == 0
    assert cities["150400"].grades["poor"] == 1
    assert cities["150200"].active_organizations == 0

    province = dashboard.province
    assert province.code == "150000"
    assert province.active_organizations == 3  # province-level ones count for the province only
    assert province.published_lists == 2
    assert province.contracts_signed == 4
    assert province.contracts_amount == Decimal("260000.50")
    assert province.overdue_deliverables == 1
    assert province.graded == 2


def test_home_page_shows_figures_charts_and_links():
    populate(["150100", "150400"], per_city=1)
    response = Client().get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="home-statistics"' in html
    assert html.count("<svg") >= 3
    assert "<script" not in html.split('data-testid="home-statistics"')[1].split("</section>")[0]
    for link in (
        "/organizations/",
        "/purchase-lists/",
        "/contracts/",
        "/evaluations/",
        "/credit-listings/",
        "/api/docs/",
        "/api/v1/ocds/releases/",
    ):
        assert f'href="{link}' in html, link
    assert 'data-region="150100"' in html and "呼和浩特市" in html
    assert "/organizations/?region=150400&amp;status=normal" in html
    # The registry's search card stays on the page.
    assert 'name="q"' in html


def test_home_renders_without_regions_loaded():
    from registry.models import Region

    assert home_dashboard().province is not None
    Region.objects.filter(code="150000").update(code="159999")
    dashboard = home_dashboard()
    assert dashboard.province is None and dashboard.cities == []
    assert Client().get("/").status_code == 200


def test_home_query_count_does_not_grow_with_the_data():
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert Client().get("/").status_code == 200
        return len(queries)

    populate(["150100"], per_city=1)
    few = count_queries()
    populate(["150100", "150200", "150400", "152500", "150600"], per_city=4)
    many = count_queries()
    assert many == few
    # The home region, the years with data, the summary check, five aggregates and the cities.
    assert few <= 9


def test_year_selector_shows_that_years_figures():
    department = PurchasingDepartmentFactory(region=region("150100"))
    last = this_year() - 1
    SignedContractFactory(
        department=department, year=last, signed_on=datetime.date(last, 5, 1), amount=Decimal("42000.00")
    )
    signed_this_year(department, "1000.00")
    html = Client().get("/", {"year": last}).content.decode()
    assert f'<option value="{last}" selected>' in html
    dashboard = home_dashboard(year=last)
    assert dashboard.province.contracts_amount == Decimal("42000.00")
    assert home_dashboard().province.contracts_amount == Decimal("1000.00")
    # Not a year: the current year.
    assert Client().get("/", {"year": "abc"}).context["dashboard"].year == this_year()


def test_charts_have_no_empty_series():
    department = PurchasingDepartmentFactory(region=region("150100"))
    finalized(signed_this_year(department), "good")
    dashboard = home_dashboard()
    svg = str(dashboard.city_grade_chart.svg)
    assert dashboard.city_grade_chart.drawn
    # Only the grade that occurs is a series; the chart is an image named by its title, with its data table.
    assert "良" in svg and ">优<" not in svg and ">差<" not in svg
    assert 'role="img"' in svg
    html = Client().get("/").content.decode()
    assert "（数据表）" in html
    # A year without contracts draws no amount chart at all (only its table and a sentence).
    empty = home_dashboard(year=this_year() - 5)
    assert not empty.amount_chart.drawn and str(empty.amount_chart.svg) == ""
