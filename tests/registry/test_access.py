"""registry.access: fetching a record and checking the user's right to it in one step."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from registry.access import (
    access_credit_listing_for_manage,
    access_organization_for_manage,
    access_organization_for_view,
    require_registrar,
)
from tests.factories import (
    CreditListingFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    PurchaserFactory,
    SuperuserFactory,
    region,
)
from tests.registry.conftest import registrar_in

pytestmark = pytest.mark.django_db

MISSING = "52150100MJ0000000X"


@pytest.fixture
def organization():
    return OrganizationFactory(region=region("150102"))


def message_of(call) -> str:
    with pytest.raises(Http404) as caught:
        call()
    return str(caught.value)


def test_anyone_views_an_organization_by_its_code_typed_loosely(organization):
    assert access_organization_for_view(None, organization.uscc.lower()) == organization
    assert message_of(lambda: access_organization_for_view(None, MISSING)) == (
        f"没有统一社会信用代码为 {MISSING} 的社会组织"
    )


def test_the_organization_is_read_alone_when_its_facts_are_not_wanted(organization, django_assert_num_queries):
    with django_assert_num_queries(2):
        assert access_organization_for_view(None, organization.uscc).on_credit_list is False
    with django_assert_num_queries(1):
        found = access_organization_for_view(None, organization.uscc, facts=False)
    assert found == organization
    assert not hasattr(found, "on_credit_list")


def test_a_registrar_manages_organizations_of_the_region_and_below(organization):
    assert access_organization_for_manage(registrar_in("150100"), organization.uscc) == organization
    assert access_organization_for_manage(SuperuserFactory(), organization.uscc) == organization


def test_outside_the_region_answers_exactly_as_a_missing_code(organization):
    outsider = registrar_in("150200")
    outside = message_of(lambda: access_organization_for_manage(outsider, organization.uscc))
    missing = message_of(lambda: access_organization_for_manage(outsider, MISSING))
    assert outside == missing.replace(MISSING, organization.uscc)


@pytest.mark.parametrize("make_user", [PurchaserFactory, OrganizationMemberFactory])
def test_a_user_without_the_role_gets_403(organization, make_user):
    with pytest.raises(PermissionDenied):
        access_organization_for_manage(make_user(), organization.uscc)
    with pytest.raises(PermissionDenied):
        require_registrar(make_user())


def test_members_may_keep_only_their_own_organizations_contact_data(organization):
    member = OrganizationMemberFactory(organization=organization)
    assert access_organization_for_manage(member, organization.uscc, members_may_use=True) == organization
    with pytest.raises(Http404):
        access_organization_for_manage(OrganizationMemberFactory(), organization.uscc, members_may_use=True)


def test_a_listing_is_reached_through_its_own_organization(organization):
    registrar = registrar_in("150100")
    listing = CreditListingFactory(organization=organization)
    assert access_credit_listing_for_manage(registrar, organization.uscc, listing.pk) == (organization, listing)
    other = CreditListingFactory(organization=OrganizationFactory(region=region("150100")))
    with pytest.raises(Http404):
        access_credit_listing_for_manage(registrar, organization.uscc, other.pk)
