"""Registry predicates: who may manage an organization, register in a region, edit and see contact data."""

import pytest
from django.contrib.auth.models import AnonymousUser

from registry import permissions
from tests.factories import (
    DepartmentFactory,
    EvaluatorFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    RegistrarFactory,
    SuperuserFactory,
    region,
)

pytestmark = pytest.mark.django_db

PREDICATES = ("can_manage_organization", "can_register_in_region", "can_edit_contact", "can_view_contact")


def registrar_in(code):
    return RegistrarFactory(department=DepartmentFactory(region=region(code)))


def purchaser_in(code):
    return PurchaserFactory(department=PurchasingDepartmentFactory(region=region(code)))


@pytest.fixture
def organization():
    """An organization of 新城区 (150102), a district of 呼和浩特市 (150100)."""
    return OrganizationFactory(region=region("150102"))


def answers(user, organization):
    return {
        "manage": permissions.can_manage_organization(user, organization),
        "register": permissions.can_register_in_region(user, organization.region),
        "edit_contact": permissions.can_edit_contact(user, organization),
        "view_contact": permissions.can_view_contact(user, organization),
    }


def test_anonymous_may_do_nothing(organization):
    assert answers(AnonymousUser(), organization) == {
        "manage": False,
        "register": False,
        "edit_contact": False,
        "view_contact": False,
    }
    assert answers(None, organization) == {
        "manage": False,
        "register": False,
        "edit_contact": False,
        "view_contact": False,
    }


def test_member_edits_and_sees_its_own_contact_data_only(organization):
    member = OrganizationMemberFactory(organization=organization)
    assert answers(member, organization) == {
        "manage": False,
        "register": False,
        "edit_contact": True,
        "view_contact": True,
    }
    other = OrganizationFactory(region=region("150102"))
    assert answers(member, other) == {"manage": False, "register": False, "edit_contact": False, "view_contact": False}


def test_registrar_of_another_region_may_do_nothing_here(organization):
    assert answers(registrar_in("150200"), organization) == {
        "manage": False,
        "register": False,
        "edit_contact": False,
        "view_contact": False,
    }


def test_registrar_of_a_sibling_county_may_do_nothing_here(organization):
    assert not any(answers(registrar_in("150103"), organization).values())


@pytest.mark.parametrize("code", ["150102", "150100", "150000"])
def test_registrar_of_the_region_or_above_may_do_everything(organization, code):
    assert all(answers(registrar_in(code), organization).values())


def test_county_registrar_does_not_reach_its_city():
    county = registrar_in("150102")
    city = registrar_in("150100")
    city_organization = OrganizationFactory(region=region("150100"))
    county_organization = OrganizationFactory(region=region("150102"))
    assert not permissions.can_manage_organization(county, city_organization)
    assert not permissions.can_register_in_region(county, region("150100"))
    assert not permissions.can_view_contact(county, city_organization)
    assert permissions.can_manage_organization(county, county_organization)
    assert permissions.can_manage_organization(city, city_organization)
    assert permissions.can_manage_organization(city, county_organization)
    assert permissions.can_register_in_region(city, region("150102"))


def test_purchaser_sees_contact_data_in_its_region_but_is_no_registrar(organization):
    assert answers(purchaser_in("150100"), organization) == {
        "manage": False,
        "register": False,
        "edit_contact": False,
        "view_contact": True,
    }
    assert not any(answers(purchaser_in("150200"), organization).values())


def test_registrar_flag_on_a_purchasing_department_user_is_what_counts(organization):
    # A user of the civil-affairs bureau who only purchases is no registrar.
    purchaser = PurchaserFactory(department=DepartmentFactory(region=region("150100")))
    assert not permissions.can_manage_organization(purchaser, organization)
    assert permissions.can_view_contact(purchaser, organization)


def test_evaluator_may_do_nothing(organization):
    assert not any(answers(EvaluatorFactory(), organization).values())


def test_inactive_registrar_may_do_nothing(organization):
    registrar = registrar_in("150100")
    registrar.is_active = False
    assert not any(answers(registrar, organization).values())


def test_superuser_may_do_everything(organization):
    assert all(answers(SuperuserFactory(), organization).values())


def test_predicates_are_django_permissions(organization):
    registrar = registrar_in("150100")
    member = OrganizationMemberFactory(organization=organization)
    assert registrar.has_perm("registry.can_manage_organization", organization)
    assert registrar.has_perm("registry.can_register_in_region", region("150102"))
    assert not registrar.has_perm("registry.can_register_in_region", region("150200"))
    assert member.has_perm("registry.can_edit_contact", organization)
    assert member.has_perm("registry.can_view_contact", organization)
    assert not member.has_perm("registry.can_manage_organization", organization)
    assert not AnonymousUser().has_perm("registry.can_view_contact", organization)


def test_missing_objects_are_refused():
    registrar = registrar_in("150100")
    for name in PREDICATES:
        assert not getattr(permissions, name)(registrar, None)
