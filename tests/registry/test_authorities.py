"""The registration authorities `load_regions` creates: one per region, named as in practice, idempotent, matching
the departments that exist already."""

import pytest
from django.core.management import call_command

from registry import demo
from registry.authorities import authorities_load, authority_name
from registry.models import Department, Region
from tests.factories import DepartmentFactory, PurchasingDepartmentFactory, region

pytestmark = pytest.mark.django_db

CIVIL = Department.Kind.CIVIL_AFFAIRS


def authority_of(code):
    return Department.objects.get(region__code=code, kind=CIVIL)


def test_every_region_of_the_mainland_gets_one_authority_named_as_in_practice():
    result = authorities_load()
    mainland = Region.objects.exclude(code__regex=r"^(71|81|82)")
    assert result.created == mainland.count() == Department.objects.filter(kind=CIVIL).count()
    assert result.created > 3100
    assert not Department.objects.filter(region__code__in=["710000", "810000", "820000"]).exists()
    names = {
        "100000": "民政部",
        "150000": "内蒙古自治区民政厅",
        "110000": "北京市民政局",
        "500000": "重庆市民政局",
        "150100": "呼和浩特市民政局",
        "152500": "锡林郭勒盟民政局",
        "150105": "赛罕区民政局",
        "150121": "土默特左旗民政局",
        "152922": "阿拉善右旗民政局",
    }
    for code, name in names.items():
        authority = authority_of(code)
        assert (authority.name, authority.code) == (name, f"MZ{code}")
    assert Department.history.filter(code="MZ150105").count() == 1


def test_inner_mongolia_has_one_provincial_twelve_city_and_league_and_a_bureau_per_county():
    authorities_load()
    inner_mongolia = Department.objects.filter(kind=CIVIL, region__path__startswith="100000/150000/")
    counties = Region.objects.filter(code__startswith="15", level=Region.Level.COUNTY).count()
    assert inner_mongolia.filter(region__level=Region.Level.PROVINCE).count() == 1
    assert inner_mongolia.filter(region__level=Region.Level.CITY).count() == 12
    assert inner_mongolia.filter(region__level=Region.Level.COUNTY).count() == counties == 103
    assert inner_mongolia.count() == 1 + 12 + 103


def test_running_the_loader_again_changes_nothing():
    call_command("load_regions", verbosity=0)
    departments = list(Department.objects.order_by("pk").values_list("pk", "code", "name", "region_id"))
    history = Department.history.count()
    result = authorities_load()
    assert (result.created, result.existing) == (0, len(departments))
    call_command("load_regions", verbosity=0)
    assert list(Department.objects.order_by("pk").values_list("pk", "code", "name", "region_id")) == departments
    assert Department.history.count() == history


def test_existing_departments_are_matched_not_duplicated():
    # an administrator's bureau under another name, a purchaser bearing the planned name, a taken code
    admin_made = DepartmentFactory(region=region("150102"), name="呼和浩特市新城区民政局", code="XC")
    PurchasingDepartmentFactory(region=region("150103"), name="回民区民政局", code="HM")
    DepartmentFactory(region=region("150104"), name="某某局", code="MZ150105", kind=Department.Kind.PURCHASER)
    authorities_load()
    assert list(Department.objects.filter(region__code="150102", kind=CIVIL)) == [admin_made]
    assert Department.objects.filter(region__code="150103").count() == 1
    assert authority_of("150105").code == "MZ150105-2"


def test_the_demo_bureaus_become_the_loaded_authorities_and_the_loader_keeps_them():
    authorities_load()
    hohhot = authority_of("150100")
    departments = demo.seed_departments()
    assert departments["HHMZ"].pk == hohhot.pk
    assert authority_of("150100").code == "HHMZ"
    xincheng = authority_of("150102")  # the demo names it with its city
    assert (xincheng.code, xincheng.name) == ("XCMZ", "呼和浩特市新城区民政局")
    count = Department.objects.count()
    assert authorities_load().created == 0
    demo.seed_departments()
    assert Department.objects.count() == count


def test_the_demo_first_then_the_loader():
    demo.seed_departments()
    authorities_load()
    assert authority_of("150000").code == "NMMZ"
    assert Department.objects.filter(region__code="150100", kind=CIVIL).count() == 1


@pytest.mark.parametrize(
    ("code", "name"),
    [
        ("100000", "民政部"),
        ("650000", "新疆维吾尔自治区民政厅"),
        ("310000", "上海市民政局"),
        ("222400", "延边朝鲜族自治州民政局"),
    ],
)
def test_authority_names(code, name):
    assert authority_name(Region.objects.get(code=code)) == name
