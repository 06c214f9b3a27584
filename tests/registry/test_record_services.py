"""Registry services on an organization's records: annual inspections and evaluation grades, their refusals' codes
and their history."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from registry import services
from registry.models import AnnualInspection, Organization, Rating
from tests.errors import codes
from tests.factories import OrganizationFactory, PurchaserFactory, region
from tests.registry.conftest import registrar_in, tomorrow

pytestmark = pytest.mark.django_db


# --- inspection_record ---------------------------------------------------------------------------------------------


def test_inspection_is_recorded_once_per_year():
    registrar = registrar_in("150100")
    organization = OrganizationFactory()
    inspection = services.inspection_record(
        actor=registrar,
        organization=organization,
        year=2025,
        result=AnnualInspection.Result.PASSED,
        decided_on=datetime.date(2026, 5, 31),
    )
    assert inspection.history.get().history_user == registrar
    with pytest.raises(ValidationError) as caught:
        services.inspection_record(
            actor=registrar,
            organization=organization,
            year=2025,
            result=AnnualInspection.Result.FAILED,
            decided_on=datetime.date(2026, 6, 30),
        )
    assert codes(caught.value) == {"year": ["year_recorded"]}
    assert caught.value.message_dict["year"] == [
        "2025年度的年检结论已经登记（合格，2026-05-31作出），每个年度只能登记一次"
    ]
    assert organization.inspections.get().result == AnnualInspection.Result.PASSED


def test_inspection_decision_date_is_not_in_the_future_nor_within_its_own_year():
    registrar = registrar_in("150100")
    organization = OrganizationFactory()
    with pytest.raises(ValidationError) as caught:
        services.inspection_record(
            actor=registrar,
            organization=organization,
            year=2025,
            result=AnnualInspection.Result.PASSED,
            decided_on=tomorrow(),
        )
    assert codes(caught.value) == {"decided_on": ["date_in_future"]}
    with pytest.raises(ValidationError) as caught:
        services.inspection_record(
            actor=registrar,
            organization=organization,
            year=2025,
            result=AnnualInspection.Result.PASSED,
            decided_on=datetime.date(2025, 12, 1),
        )
    assert codes(caught.value) == {"decided_on": ["decided_too_early"]}


def test_inspection_result_must_be_a_known_result():
    with pytest.raises(ValidationError) as caught:
        services.inspection_record(
            actor=registrar_in("150100"),
            organization=OrganizationFactory(),
            year=2025,
            result="excellent",
            decided_on=datetime.date(2026, 5, 31),
        )
    assert "result" in caught.value.message_dict


def test_inspection_before_the_organization_was_established_is_refused():
    with pytest.raises(ValidationError) as caught:
        services.inspection_record(
            actor=registrar_in("150100"),
            organization=OrganizationFactory(established_on=datetime.date(2020, 3, 1)),
            year=2019,
            result=AnnualInspection.Result.PASSED,
            decided_on=datetime.date(2020, 5, 31),
        )
    assert codes(caught.value) == {"year": ["before_establishment"]}


def test_inspection_by_another_region_is_refused():
    with pytest.raises(PermissionDenied) as caught:
        services.inspection_record(
            actor=registrar_in("150200"),
            organization=OrganizationFactory(region=region("150102")),
            year=2025,
            result=AnnualInspection.Result.PASSED,
            decided_on=datetime.date(2026, 5, 31),
        )
    assert caught.value.code == "permission_denied"


# --- rating_award --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("awarded_on", "valid_until"),
    [
        (datetime.date(2024, 3, 1), datetime.date(2029, 3, 1)),
        (datetime.date(2024, 2, 29), datetime.date(2029, 2, 28)),
        (datetime.date(2021, 12, 31), datetime.date(2026, 12, 31)),
    ],
)
def test_rating_is_valid_for_five_years(awarded_on, valid_until):
    registrar = registrar_in("150100")
    rating = services.rating_award(
        actor=registrar,
        organization=OrganizationFactory(),
        grade=Rating.Grade.A4,
        awarded_on=awarded_on,
        score=Decimal("860.50"),
    )
    rating.refresh_from_db()
    assert rating.valid_until == valid_until
    assert rating.awarding_authority == registrar.department
    assert rating.history.get().history_user == registrar


def test_rating_refuses_future_dates_and_negative_scores():
    registrar = registrar_in("150100")
    with pytest.raises(ValidationError) as caught:
        services.rating_award(
            actor=registrar,
            organization=OrganizationFactory(),
            grade=Rating.Grade.A3,
            awarded_on=tomorrow(),
            score=Decimal("-5"),
        )
    assert codes(caught.value) == {"awarded_on": ["date_in_future"], "score": ["negative"]}
    assert not Rating.objects.exists()


def test_rating_refuses_an_unknown_grade_and_a_deregistered_organization():
    registrar = registrar_in("150100")
    with pytest.raises(ValidationError) as caught:
        services.rating_award(
            actor=registrar, organization=OrganizationFactory(), grade="6A", awarded_on=datetime.date(2026, 1, 5)
        )
    assert "grade" in caught.value.message_dict
    gone = OrganizationFactory(
        status=Organization.Status.DEREGISTERED, status_changed_on=datetime.date(2025, 1, 1), status_reason="解散"
    )
    with pytest.raises(ValidationError) as caught:
        services.rating_award(
            actor=registrar, organization=gone, grade=Rating.Grade.A3, awarded_on=datetime.date(2026, 1, 5)
        )
    assert codes(caught.value) == {"awarded_on": ["not_active"]}
    assert caught.value.message_dict["awarded_on"] == ["该社会组织的登记状态为“注销”，不能评定等级"]


def test_rating_by_a_purchaser_is_refused():
    with pytest.raises(PermissionDenied):
        services.rating_award(
            actor=PurchaserFactory(),
            organization=OrganizationFactory(),
            grade=Rating.Grade.A3,
            awarded_on=datetime.date(2026, 1, 5),
        )


def test_rating_names_an_explicit_authority():
    registrar = registrar_in("150000")
    province_bureau = registrar.department
    organization = OrganizationFactory(region=region("150102"))
    rating = services.rating_award(
        actor=registrar,
        organization=organization,
        grade=Rating.Grade.A5,
        awarded_on=datetime.date(2026, 1, 5),
        awarding_authority=organization.registration_authority,
    )
    assert rating.awarding_authority == organization.registration_authority != province_bureau


def test_automated_rating_needs_an_authority():
    organization = OrganizationFactory()
    with pytest.raises(ValidationError) as caught:
        services.rating_award(
            actor=None, organization=organization, grade=Rating.Grade.A3, awarded_on=datetime.date(2026, 1, 5)
        )
    assert codes(caught.value) == {"awarding_authority": ["authority_required"]}
    rating = services.rating_award(
        actor=None,
        organization=organization,
        grade=Rating.Grade.A3,
        awarded_on=datetime.date(2026, 1, 5),
        awarding_authority=organization.registration_authority,
    )
    assert rating.history.get().history_user is None
