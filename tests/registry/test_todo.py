"""The registry's to-do kinds: ratings running out, annual work reports to review and overdue for registrars; the
organization's own annual work report, certificate and rating for its members."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from registry import services
from tests.factories import (
    AnnualInspectionFactory,
    DepartmentFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    RatingFactory,
    RegistrarFactory,
    region,
)
from tests.inbox import todo_counts, todo_urls

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 6)


@pytest.fixture
def bureau(db):
    return DepartmentFactory(region=region("150100"))


@pytest.fixture
def registrar(bureau):
    return RegistrarFactory(department=bureau)


@pytest.fixture
def baotou_registrar(db):
    return RegistrarFactory(department=DepartmentFactory(region=region("150200")))


@pytest.fixture
def organization(bureau):
    organization = OrganizationFactory(region=region("150102"), registration_authority=bureau)
    AnnualInspectionFactory(organization=organization, year=2025)
    return organization


def test_rating_expiring_within_90_days_until_a_new_one(registrar, organization, baotou_registrar):
    RatingFactory(
        organization=organization, awarded_on=datetime.date(2022, 1, 10), valid_until=datetime.date(2027, 1, 9)
    )
    assert todo_counts(registrar, DAY)["registry.ratings_expiring"] == (1, 0)
    assert todo_urls(registrar, DAY, "registry.ratings_expiring") == [
        reverse("registry:rating-create", args=[organization.uscc])
    ]
    assert "registry.ratings_expiring" not in todo_counts(registrar, datetime.date(2026, 10, 10))  # 91 days ahead
    assert "registry.ratings_expiring" not in todo_counts(baotou_registrar, DAY)

    member = OrganizationMemberFactory(organization=organization)
    assert todo_counts(member, DAY)["registry.rating_expiring"] == (1, 0)

    RatingFactory(
        organization=organization, awarded_on=datetime.date(2026, 12, 1), valid_until=datetime.date(2031, 11, 30)
    )
    assert "registry.ratings_expiring" not in todo_counts(registrar, DAY)
    assert "registry.rating_expiring" not in todo_counts(member, DAY)


def test_annual_reports_overdue_after_31_may_and_reports_to_review(registrar, bureau, baotou_registrar):
    organization = OrganizationFactory(region=region("150102"), registration_authority=bureau)
    OrganizationFactory(
        region=region("150102"), registration_authority=bureau, established_on=datetime.date(2026, 3, 1)
    )
    AnnualInspectionFactory(organization=organization, year=2024, decided_on=datetime.date(2025, 6, 1))
    member = OrganizationMemberFactory(organization=organization)
    may = datetime.date(2026, 5, 20)
    assert "registry.annual_reports_overdue" not in todo_counts(registrar, may)  # not due yet
    assert todo_counts(member, may)["registry.own_annual_report"] == (1, 0)
    assert todo_counts(member, DAY)["registry.own_annual_report"] == (1, 1)
    assert todo_urls(member, DAY, "registry.own_annual_report") == [
        reverse("registry:annual-report-create", args=[organization.uscc])
    ]
    assert todo_counts(registrar, DAY)["registry.annual_reports_overdue"] == (1, 1)
    assert todo_urls(registrar, DAY, "registry.annual_reports_overdue") == [
        reverse("registry:organization-detail", args=[organization.uscc]) + "#annual"
    ]
    assert "registry.annual_reports_overdue" not in todo_counts(baotou_registrar, DAY)

    report = services.annual_report_submit(
        actor=member,
        organization=organization,
        year=2025,
        income=1000,
        expenditure=900,
        government_purchase_income=500,
        net_assets=100,
        staff_count=3,
        volunteer_count=10,
        activity_count=5,
    )
    assert "registry.annual_reports_overdue" not in todo_counts(registrar, DAY)
    assert "registry.own_annual_report" not in todo_counts(member, DAY)
    assert todo_counts(registrar, DAY)["registry.annual_reports_to_review"] == (1, 0)
    assert todo_urls(registrar, DAY, "registry.annual_reports_to_review") == [
        reverse("registry:annual-report-review", args=[organization.uscc, 2025])
    ]
    assert "registry.annual_reports_to_review" not in todo_counts(baotou_registrar, DAY)
    services.annual_report_review(actor=registrar, report=report, result="passed")
    assert "registry.annual_reports_to_review" not in todo_counts(registrar, DAY)


def test_member_sees_the_certificate_running_out(organization):
    member = OrganizationMemberFactory(organization=organization)
    organization.certificate_valid_until = datetime.date(2027, 2, 1)
    organization.save()
    assert todo_counts(member, DAY)["registry.certificate_expiring"] == (1, 0)
    assert todo_counts(member, datetime.date(2027, 2, 2))["registry.certificate_expiring"] == (1, 1)
    assert "registry.certificate_expiring" not in todo_counts(member, datetime.date(2026, 11, 1))


def test_each_bureau_sees_the_organizations_it_registered(registrar, bureau):
    """The province's registrar (region above Hohhot) is not handed the Hohhot bureau's reports and ratings."""
    provincial = RegistrarFactory(department=DepartmentFactory(region=region("150000")))
    organization = OrganizationFactory(region=region("150102"), registration_authority=bureau)
    RatingFactory(
        organization=organization, awarded_on=datetime.date(2022, 1, 10), valid_until=datetime.date(2027, 1, 9)
    )
    assert todo_counts(registrar, DAY)["registry.annual_reports_overdue"] == (1, 1)
    assert todo_counts(registrar, DAY)["registry.ratings_expiring"] == (1, 0)
    assert "registry.annual_reports_overdue" not in todo_counts(provincial, DAY)
    assert "registry.ratings_expiring" not in todo_counts(provincial, DAY)


def test_serious_listing_two_years_on(registrar, organization, bureau, baotou_registrar):
    from registry import services
    from tests.factories import CreditListingFactory

    listing = CreditListingFactory(
        organization=organization, list_kind="serious", listed_on=datetime.date(2024, 12, 6), deciding_authority=bureau
    )
    assert "registry.serious_listings_due" not in todo_counts(registrar, datetime.date(2026, 12, 5))
    assert todo_counts(registrar, DAY)["registry.serious_listings_due"] == (1, 0)
    assert todo_urls(registrar, DAY, "registry.serious_listings_due") == [
        reverse("registry:listing-remove", args=[organization.uscc, listing.pk])
    ]
    assert "registry.serious_listings_due" not in todo_counts(baotou_registrar, DAY)
    services.credit_listing_remove(actor=registrar, listing=listing, removed_on=DAY, reason="满两年未再发生失信行为")
    assert "registry.serious_listings_due" not in todo_counts(registrar, DAY)
