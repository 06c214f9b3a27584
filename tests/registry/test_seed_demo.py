import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from registry.models import Department

pytestmark = pytest.mark.django_db


def counts():
    from django.apps import apps

    return {model._meta.label: model.objects.count() for model in apps.get_models()}


def test_seed_demo_builds_every_role_and_is_idempotent():
    call_command("seed_demo", verbosity=0)
    first = counts()
    User = get_user_model()
    assert User.objects.filter(is_superuser=True).exists()
    assert User.objects.filter(is_registrar=True).exists()
    assert User.objects.filter(is_purchaser=True).exists()
    assert User.objects.filter(is_evaluator=True).exists()
    cities_with_three = [
        code
        for code in ("150100", "150200", "150400", "150600", "152500")
        if Department.objects.filter(region__code=code, kind=Department.Kind.CIVIL_AFFAIRS).exists()
        and Department.objects.filter(region__code=code, kind=Department.Kind.PURCHASER).count() >= 2
    ]
    assert len(cities_with_three) >= 3
    assert User.objects.get(username="purchaser_hh").check_password("qiyue-demo-2026")
    call_command("seed_demo", verbosity=0)
    assert counts() == first


def test_seed_demo_organizations_members_and_records():
    from registry.demo import DEMO_PASSWORD, EVALUATION_ORGANIZATION
    from registry.models import AnnualInspection, CreditListing, Organization, Rating
    from registry.selectors import organization_eligibility
    from registry.uscc import validate_uscc

    call_command("seed_demo", verbosity=0)
    organizations = list(Organization.objects.select_related("region", "registration_authority__region"))
    assert len(organizations) >= 55

    # Spread over the leagues and cities (the third code in the region path) and their counties.
    cities = {organization.region.path.split("/")[2] for organization in organizations}
    assert len(cities) >= 8
    assert sum(organization.region.level == "county" for organization in organizations) >= 30
    assert {organization.org_type for organization in organizations} >= {
        Organization.Type.ASSOCIATION,
        Organization.Type.SERVICE,
        Organization.Type.FOUNDATION,
    }
    for organization in organizations:
        category = Organization.TYPE_CATEGORY_DIGIT[organization.org_type]
        assert validate_uscc(organization.uscc, category=category) == organization.uscc
        assert organization.uscc[2:8] == organization.registration_authority.region.code
        assert organization.registration_authority.region.covers(organization.region)
    legal_representatives = {organization.legal_representative for organization in organizations}
    assert {"巴特尔", "乌云其其格", "额尔敦"} <= legal_representatives

    # Registered through the services: each registration's history names the registrar who did it.
    first_rows = Organization.history.filter(history_type="+").select_related("history_user")
    assert first_rows.count() == len(organizations)
    assert all(row.history_user is not None and row.history_user.is_registrar for row in first_rows)

    User = get_user_model()
    yg = User.objects.select_related("organization__region").get(username="member_yg")
    bt = User.objects.select_related("organization__region").get(username="member_bt")
    assert yg.organization.region.path.startswith("100000/150000/150100/")
    assert bt.organization.region.path.startswith("100000/150000/150200/")
    assert yg.check_password(DEMO_PASSWORD) and bt.check_password(DEMO_PASSWORD)
    assert yg.is_org_member and not yg.is_official

    inspections = AnnualInspection.objects.all()
    assert set(inspections.values_list("year", flat=True)) == {2023, 2024, 2025}
    assert inspections.filter(result=AnnualInspection.Result.FAILED).count() == 2
    assert inspections.filter(result=AnnualInspection.Result.BASIC).exists()
    assert inspections.filter(result=AnnualInspection.Result.PASSED).count() > len(organizations)

    ratings = list(Rating.objects.all())
    valid = [rating for rating in ratings if not rating.is_expired]
    assert {rating.grade for rating in valid} >= {"3A", "4A", "5A"}
    assert any(rating.is_expired for rating in ratings)

    abnormal = CreditListing.objects.filter(list_kind=CreditListing.List.ABNORMAL)
    # Two listings decided by registrars, one made by supervision's escalation of an overdue rectification order.
    assert abnormal.filter(removed_on__isnull=True, supervision_orders__isnull=True).count() == 2
    assert abnormal.filter(removed_on__isnull=True).count() == 3
    removed = abnormal.get(removed_on__isnull=False)
    assert removed.removal_reason and removed.removed_by_id is not None
    serious = CreditListing.objects.get(list_kind=CreditListing.List.SERIOUS)
    assert serious.is_open
    assert not organization_eligibility(serious.organization).eligible
    assert organization_eligibility(abnormal.filter(removed_on__isnull=True).first().organization).warnings
    # The removed listing's history keeps both the listing and the removal.
    assert removed.history.count() == 2

    deregistered = Organization.objects.get(status=Organization.Status.DEREGISTERED)
    assert deregistered.status_changed_on and deregistered.status_reason
    assert not organization_eligibility(deregistered).eligible

    evaluation_centre = Organization.objects.get(name=EVALUATION_ORGANIZATION)
    assert evaluation_centre.registration_authority.region.code == "150000"

    first = counts()
    assert first["registry.HistoricalOrganization"] == len(organizations) + 2  # + the deregistration and the renaming
    call_command("seed_demo", verbosity=0)
    assert counts() == first
