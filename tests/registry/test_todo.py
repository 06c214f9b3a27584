"""The registry's to-do kinds: ratings running out and missing annual inspections for registrars; the
organization's own certificate and rating for its members."""

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


def test_missing_annual_inspection_of_last_year(registrar, bureau, baotou_registrar):
    organization = OrganizationFactory(region=region("150102"), registration_authority=bureau)
    OrganizationFactory(
        region=region("150102"), registration_authority=bureau, established_on=datetime.date(2026, 3, 1)
    )
    assert todo_counts(registrar, DAY)["registry.inspection_missing"] == (1, 0)
    assert todo_urls(registrar, DAY, "registry.inspection_missing") == [
        reverse("registry:inspection-create", args=[organization.uscc])
    ]
    assert "registry.inspection_missing" not in todo_counts(baotou_registrar, DAY)
    services.inspection_record(
        actor=registrar, organization=organization, year=2025, result="passed", decided_on=datetime.date(2026, 5, 20)
    )
    assert "registry.inspection_missing" not in todo_counts(registrar, DAY)


def test_member_sees_the_certificate_running_out(organization):
    member = OrganizationMemberFactory(organization=organization)
    organization.certificate_valid_until = datetime.date(2027, 2, 1)
    organization.save()
    assert todo_counts(member, DAY)["registry.certificate_expiring"] == (1, 0)
    assert todo_counts(member, datetime.date(2027, 2, 2))["registry.certificate_expiring"] == (1, 1)
    assert "registry.certificate_expiring" not in todo_counts(member, datetime.date(2026, 11, 1))
