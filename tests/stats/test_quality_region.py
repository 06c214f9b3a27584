"""The data-quality checks of an official's own region are scoped like every page of theirs
(`accounts.permissions.in_official_region`): the organizations of the region, whether or not another region holds
any; a region below theirs, or none of theirs, by its path."""

from __future__ import annotations

import datetime

import pytest

from registry.models import Organization, Rating
from stats import quality
from tests.factories import OrganizationFactory, RatingFactory, RegistrarFactory, region

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 6)


def _rows(user, in_region, key: str) -> set[int]:
    kind = next(kind for kind in quality.KINDS if kind.key == key)
    return set(kind.rows(in_region, TODAY, user).values_list("pk", flat=True))


def _gaps(code: str) -> Organization:
    """An organization in `code` without a phone number, whose only rating ran out in 2024."""
    organization = OrganizationFactory(region=region(code), contact_phone="")
    RatingFactory(organization=organization, awarded_on=datetime.date(2019, 1, 1))
    return organization


@pytest.mark.parametrize("key", ["missing_contact", "expired_rating", "missing_inspection"])
def test_an_officials_region_keeps_its_own_organizations(key):
    registrar = RegistrarFactory(department__region=region("150100"))
    inside = _gaps("150102")
    outside = _gaps("150203")
    assert _rows(registrar, region("150100"), key) == {inside.pk}
    assert _rows(registrar, region("150102"), key) == {inside.pk}  # a county of their city: by its path
    assert _rows(None, region("150000"), key) == {inside.pk, outside.pk}
    # No organization left outside the city: the region holds every one (no condition), and the rows are the same.
    Rating.objects.filter(organization=outside).delete()
    outside.delete()
    other = RegistrarFactory(department__region=region("150100"))  # a user asks the region afresh
    assert _rows(other, region("150100"), key) == {inside.pk}


def test_the_registrars_check_is_ordered_by_the_region_code_on_the_row():
    registrar = RegistrarFactory(department__region=region("150000"))
    later, earlier = _gaps("150203"), _gaps("150102")
    kind = next(kind for kind in quality.KINDS if kind.key == "missing_contact")
    rows = list(kind.rows(region("150000"), TODAY, registrar))
    assert [row.pk for row in rows] == [earlier.pk, later.pk]
    assert [row.region_code for row in rows] == ["150102", "150203"]
