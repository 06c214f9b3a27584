"""load_regions: all of China to county level, idempotent; descendant queries in one query."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from registry.models import Region
from registry.regions import regions_load

pytestmark = pytest.mark.django_db


def test_every_province_city_and_county_is_loaded():
    assert Region.objects.filter(level=Region.Level.PROVINCE).count() >= 31
    assert Region.objects.filter(level=Region.Level.COUNTY).count() > 2800
    inner_mongolia = Region.objects.get(code="150000")
    assert inner_mongolia.name == "内蒙古自治区"
    leagues = inner_mongolia.children.filter(level=Region.Level.CITY)
    assert leagues.count() == 12
    assert {"阿拉善盟", "锡林郭勒盟", "兴安盟", "呼和浩特市"} <= set(leagues.values_list("name", flat=True))


def test_parents_and_paths():
    xincheng = Region.objects.get(code="150102")
    assert xincheng.parent.code == "150100"
    assert xincheng.path == "100000/150000/150100/150102/"
    assert xincheng.full_name == "内蒙古自治区呼和浩特市新城区"
    dongcheng = Region.objects.get(code="110101")  # a Beijing district: no city row in between
    assert dongcheng.parent.code == "110000"


def test_load_regions_is_idempotent():
    before = Region.objects.count()
    history_before = Region.history.count()
    result = regions_load()
    assert result.created == 0 and result.updated == 0 and result.unchanged == before
    call_command("load_regions", verbosity=0)
    assert Region.objects.count() == before
    assert Region.history.count() == history_before


def test_load_regions_updates_a_renamed_region():
    Region.objects.filter(code="150102").update(name="旧名称")
    result = regions_load()
    assert result.updated == 1
    assert Region.objects.get(code="150102").name == "新城区"


@pytest.mark.parametrize("code", ["150000", "150100", "150102"])
def test_descendants_take_one_query_at_every_level(code):
    region = Region.objects.get(code=code)
    with CaptureQueriesContext(connection) as queries:
        codes = list(region.descendants().values_list("code", flat=True))
    assert len(queries) == 1
    assert code in codes
    assert all(c[: len(code.rstrip("0")) or 2] == code[: len(code.rstrip("0")) or 2] for c in codes)


def test_city_descendants_are_its_counties():
    hohhot = Region.objects.get(code="150100")
    counties = set(hohhot.descendants(include_self=False).values_list("name", flat=True))
    assert {
        "新城区",
        "回民区",
        "玉泉区",
        "赛罕区",
        "土默特左旗",
        "托克托县",
        "和林格尔县",
        "清水河县",
        "武川县",
    } == counties
