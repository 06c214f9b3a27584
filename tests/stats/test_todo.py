"""The data-quality checks on a registrar's 待办 are their own work: organizations their bureau registered (missing
contact data) and ratings their bureau awarded (expired), while the data-quality report keeps the whole region."""

from __future__ import annotations

import datetime

import pytest

from registry.models import Organization
from stats import quality
from tests.factories import DepartmentFactory, OrganizationFactory, RatingFactory, RegistrarFactory, region
from tests.inbox import todo_counts, todo_urls

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 12, 6)


@pytest.fixture
def province_bureau(db):
    return DepartmentFactory(region=region("150000"), name="内蒙古自治区民政厅")


@pytest.fixture
def city_bureau(db):
    return DepartmentFactory(region=region("150100"), name="呼和浩特市民政局")


def expired_rating(organization, authority):
    return RatingFactory(
        organization=organization,
        awarding_authority=authority,
        awarded_on=datetime.date(2020, 3, 1),
        valid_until=datetime.date(2025, 2, 28),
    )


def test_missing_contact_of_the_bureaus_own_organizations(province_bureau, city_bureau):
    registrar = RegistrarFactory(department=province_bureau)
    own = OrganizationFactory(region=region("150102"), registration_authority=province_bureau, contact_phone="")
    OrganizationFactory(region=region("150102"), registration_authority=city_bureau, contact_email="")
    OrganizationFactory(
        region=region("150102"), registration_authority=province_bureau, contact_phone="", status="deregistered"
    )
    assert todo_counts(registrar, DAY)["stats.missing_contact"] == (1, 0)
    assert todo_urls(registrar, DAY, "stats.missing_contact") == [f"/organizations/{own.uscc}/"]
    report = quality.data_quality(registrar, region("150000"), today=DAY)
    assert report.item("missing_contact").count == 2  # the report's page: the whole region
    Organization.objects.filter(pk=own.pk).update(contact_phone="0471-1234567")
    assert "stats.missing_contact" not in todo_counts(registrar, DAY)


def test_expired_ratings_the_bureau_awarded(province_bureau, city_bureau):
    registrar = RegistrarFactory(department=province_bureau)
    rated_here = OrganizationFactory(region=region("150102"), registration_authority=city_bureau)
    expired_rating(rated_here, province_bureau)
    expired_rating(OrganizationFactory(region=region("150102"), registration_authority=province_bureau), city_bureau)
    assert todo_counts(registrar, DAY)["stats.expired_rating"] == (1, 0)
    assert todo_urls(registrar, DAY, "stats.expired_rating") == [f"/organizations/{rated_here.uscc}/"]
    assert quality.data_quality(registrar, region("150000"), today=DAY).item("expired_rating").count == 2
    RatingFactory(
        organization=rated_here,
        awarding_authority=province_bureau,
        awarded_on=datetime.date(2026, 1, 5),
        valid_until=datetime.date(2031, 1, 4),
    )
    assert "stats.expired_rating" not in todo_counts(registrar, DAY)
