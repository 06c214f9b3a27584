"""Region scoping: a city official covers its counties, a county official only its county."""

import pytest

from accounts import permissions
from registry.models import Department, Organization
from tests.factories import (
    DepartmentFactory,
    EvaluatorFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    PurchaserFactory,
    RegionFactory,
    RegistrarFactory,
    region,
)

pytestmark = pytest.mark.django_db


def registrar_in(code):
    return RegistrarFactory(department=DepartmentFactory(region=region(code)))


def test_city_official_covers_its_county_not_a_sibling_city():
    hohhot = registrar_in("150100")
    assert permissions.user_covers_region(hohhot, region("150102"))  # 新城区, a district of Hohhot
    assert permissions.user_covers_region(hohhot, region("150100"))
    assert not permissions.user_covers_region(hohhot, region("150200"))  # 包头市
    assert not permissions.user_covers_region(hohhot, region("150202"))  # a district of Baotou


def test_county_official_does_not_cover_its_city():
    xincheng = registrar_in("150102")
    assert permissions.user_covers_region(xincheng, region("150102"))
    assert not permissions.user_covers_region(xincheng, region("150100"))
    assert not permissions.user_covers_region(xincheng, region("150103"))


def test_provincial_official_covers_the_whole_province_only():
    province = registrar_in("150000")
    assert permissions.user_covers_region(province, region("152921"))  # 阿拉善左旗
    assert not permissions.user_covers_region(province, region("110101"))


def test_roles_are_predicates():
    registrar = registrar_in("150100")
    purchaser = PurchaserFactory()
    evaluator = EvaluatorFactory()
    member = OrganizationMemberFactory()
    assert permissions.is_registrar(registrar) and not permissions.is_registrar(purchaser)
    assert permissions.is_purchaser(purchaser) and not permissions.is_purchaser(evaluator)
    assert permissions.is_evaluator(evaluator) and not permissions.is_evaluator(member)
    assert permissions.is_org_member(member) and not permissions.is_org_member(registrar)
    assert registrar.has_perm("accounts.is_registrar") and not member.has_perm("accounts.is_registrar")


def test_inactive_and_anonymous_users_have_no_role():
    from django.contrib.auth.models import AnonymousUser

    registrar = registrar_in("150100")
    registrar.is_active = False
    assert not permissions.is_registrar(registrar)
    assert not permissions.covers_region(registrar, region("150102"))
    assert not permissions.is_registrar(AnonymousUser())


def test_scope_to_region_filters_querysets():
    inside = OrganizationFactory(region=region("150102"))
    city = OrganizationFactory(region=region("150100"))
    outside = OrganizationFactory(region=region("150202"))
    hohhot = registrar_in("150100")
    xincheng = registrar_in("150102")
    assert set(permissions.scope_to_region(Organization.objects.all(), hohhot)) == {inside, city}
    assert set(permissions.scope_to_region(Organization.objects.all(), xincheng)) == {inside}
    assert not permissions.scope_to_region(Organization.objects.all(), EvaluatorFactory()).exists()
    assert outside not in permissions.scope_to_region(Organization.objects.all(), hohhot)


def test_member_of_own_organization_only():
    member = OrganizationMemberFactory()
    assert permissions.is_member_of(member, member.organization)
    assert not permissions.is_member_of(member, OrganizationFactory())


def test_a_region_holds_every_organization_only_when_none_lies_outside_it():
    province = region("150000")
    OrganizationFactory(region=region("150102"))
    OrganizationFactory(region=region("150202"))  # Baotou
    assert province.holds_every(Organization)
    assert not region("150100").holds_every(Organization)

    OrganizationFactory(region=RegionFactory(parent=region("100000"), level="province"))
    assert not province.holds_every(Organization)


def test_departments_are_counted_apart_from_organizations():
    province = region("150000")
    OrganizationFactory(region=region("150102"))
    DepartmentFactory(region=region("110101"))  # a Beijing bureau: departments reach past the province
    assert province.holds_every(Organization)
    assert not province.holds_every(Department)


def test_an_organization_outside_the_province_keeps_the_province_official_filtered():
    inside = OrganizationFactory(region=region("150102"))
    province = registrar_in("150000")
    everything = permissions.scope_to_region(Organization.objects.all(), province)
    assert set(everything) == {inside}
    assert "registry_region" not in str(everything.query)  # no join only to keep every row

    outside = OrganizationFactory(region=RegionFactory(parent=region("100000"), level="province"))
    province = registrar_in("150000")  # the next request's user
    scoped = permissions.scope_to_region(Organization.objects.all(), province)
    assert set(scoped) == {inside}
    assert outside not in scoped


def test_a_scope_through_a_relation_asks_about_the_model_that_holds_the_region():
    from supervision.models import Complaint
    from tests.factories import ComplaintFactory

    complaint = ComplaintFactory(organization=OrganizationFactory(region=region("150102")))
    DepartmentFactory(region=region("110101"))
    province = registrar_in("150000")
    scoped = permissions.scope_to_region(Complaint.objects.all(), province, "organization__region")
    assert list(scoped) == [complaint]
    assert "registry_region" not in str(scoped.query)


def test_whether_a_region_holds_every_organization_is_remembered_until_a_write_to_its_tables(
    settings, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def committed():  # the writes so far count as committed: what is read now may be kept
        connection.run_on_commit.clear()
        return django_capture_on_commit_callbacks(execute=True)

    settings.PUBLIC_PAGE_CACHE_SECONDS = 600
    province = region("150000")
    outside = region("100000")
    with committed():
        OrganizationFactory(region=region("150102"))
    connection.run_on_commit.clear()
    assert permissions.region_holds_every(province, Organization)
    with CaptureQueriesContext(connection) as again:
        assert permissions.region_holds_every(province, Organization)
    probes = [query for query in again.captured_queries if query["sql"].startswith("WITH RECURSIVE present")]
    assert not probes  # read back, not probed
    assert permissions.region_holds_every(province, Department) == province.holds_every(Department)
    with committed():
        Department.objects.filter(region=province).update(name="内蒙古自治区民政厅")  # not the organizations' tables
    with CaptureQueriesContext(connection) as again:
        assert permissions.region_holds_every(province, Organization)
    assert not [query for query in again.captured_queries if query["sql"].startswith("WITH RECURSIVE present")]

    with committed():
        OrganizationFactory(region=RegionFactory(parent=outside, level="province"))
    assert not permissions.region_holds_every(province, Organization)  # asked again after the write
    assert not permissions.asking_holds_every()


def test_an_official_asks_once_per_request_and_nothing_is_kept_with_the_cache_off():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    OrganizationFactory(region=region("150102"))
    province = registrar_in("150000")
    with CaptureQueriesContext(connection) as first:
        assert permissions.in_official_region(province, Organization, "region") == permissions.Q()
    with CaptureQueriesContext(connection) as second:
        permissions.in_official_region(province, Organization, "region")
    assert len(second.captured_queries) == 0  # kept on the user for the rest of the request
    province.__dict__.pop("_region_holds_every")
    with CaptureQueriesContext(connection) as third:
        permissions.in_official_region(province, Organization, "region")
    assert [q["sql"] for q in third.captured_queries] == [q["sql"] for q in first.captured_queries]
