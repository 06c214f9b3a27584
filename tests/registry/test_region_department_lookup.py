"""The region and department type-ahead: suggestions by name, code, pinyin or initials (narrowed to the user's scope
where the form is), and the fields that take a suggestion, a code or a unique name within their choices."""

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from registry.forms import DepartmentLookupField, OrganizationForm, RegionLookupField
from registry.models import Department, Region
from tests.factories import DepartmentFactory, RegistrarFactory, region

pytestmark = pytest.mark.django_db

REGIONS = reverse("registry:region-suggestions")
DEPARTMENTS = reverse("registry:department-suggestions")


def options(client, url, **params) -> str:
    return client.get(url, params).content.decode()


def test_region_suggestions_by_name_city_code_and_pinyin():
    client = Client()
    label = "呼和浩特市新城区（150102）"
    assert label in options(client, REGIONS, region="新城区")
    assert label in options(client, REGIONS, region="呼和浩特 新城")  # a county with its city, in any order
    assert label in options(client, REGIONS, region="150102")
    assert label in options(client, REGIONS, region="hhhts xcq")  # initials of the city and the county
    assert label in options(client, REGIONS, place="xinchengqu")  # any field name
    assert "包头市" not in options(client, REGIONS, region="呼和浩特 新城")
    assert options(client, REGIONS, region=" ").strip() == ""


def test_region_suggestions_in_the_registrars_scope():
    client = Client()
    client.force_login(RegistrarFactory(department__region=region("150100")))
    assert "呼和浩特市新城区（150102）" in options(client, REGIONS, scope="registration", region="新城")
    assert "包头市" not in options(client, REGIONS, scope="registration", region="qingshanqu")
    assert "包头市青山区（150204）" in options(client, REGIONS, region="qingshanqu")  # without a scope: every region
    anonymous = Client()
    assert options(anonymous, REGIONS, scope="registration", region="新城").strip() == ""


def test_department_suggestions_by_name_code_region_and_pinyin():
    bureau = DepartmentFactory(name="呼和浩特市民政局", code="MZ150100", region=region("150100"))
    DepartmentFactory(name="包头市民政局", code="MZ150200", region=region("150200"))
    client = Client()
    label = "呼和浩特市民政局（MZ150100）"
    assert label in options(client, DEPARTMENTS, department="呼和浩特 民政")
    assert label in options(client, DEPARTMENTS, department="mz1501")
    assert label in options(client, DEPARTMENTS, department="hhhtsmzj")
    assert label in options(client, DEPARTMENTS, authority="minzhengju")
    assert "包头市" not in options(client, DEPARTMENTS, department="hhht")
    registrar = RegistrarFactory(department=bureau)
    client.force_login(registrar)
    scoped = options(client, DEPARTMENTS, scope="authorities", department="mzj")
    assert label in scoped and "包头市" not in scoped
    own = RegistrarFactory(department=DepartmentFactory(name="赤峰市民政局", region=region("150400")))
    client.force_login(own)
    assert "赤峰市民政局" in options(client, DEPARTMENTS, scope="own", department="民政局")
    assert "呼和浩特市" not in options(client, DEPARTMENTS, scope="own", department="民政局")


def test_region_field_takes_a_label_a_code_or_a_unique_name_in_its_choices():
    field = RegionLookupField(queryset=region("150100").descendants())
    xincheng = region("150102")
    assert field.clean("呼和浩特市新城区（150102）") == xincheng
    assert field.clean("150102") == xincheng
    assert field.clean("新城区") == xincheng  # unique within Hohhot, not within China
    assert field.clean("hhhts xcq") == xincheng
    assert field.prepare_value(xincheng.pk) == "呼和浩特市新城区（150102）"
    with pytest.raises(ValidationError) as error:
        field.clean("包头市青山区（150204）")  # outside the field's choices
    assert error.value.code == "unknown"
    with pytest.raises(ValidationError) as error:
        RegionLookupField(queryset=Region.objects.all()).clean("新城区")
    assert error.value.code == "ambiguous" and "呼和浩特市新城区（150102）" in error.value.params["names"]


def test_department_field_takes_a_label_or_a_code_in_its_choices():
    bureau = DepartmentFactory(name="呼和浩特市民政局", code="MZ150100", region=region("150100"))
    other = DepartmentFactory(name="包头市民政局", code="MZ150200", region=region("150200"))
    field = DepartmentLookupField(queryset=Department.objects.filter(pk=bureau.pk))
    assert field.clean("呼和浩特市民政局（MZ150100）") == bureau
    assert field.clean("mz150100") == bureau
    with pytest.raises(ValidationError) as error:
        field.clean(f"{other.name}（{other.code}）")
    assert error.value.code == "unknown"


def test_the_registration_form_types_region_and_authority():
    registrar = RegistrarFactory(department=DepartmentFactory(name="呼和浩特市民政局", region=region("150100")))
    form = OrganizationForm(user=registrar)
    html = str(form["region"]) + str(form["registration_authority"])
    assert "<select" not in html
    assert reverse("registry:region-suggestions") + "?scope=registration" in html
    assert reverse("registry:department-suggestions") + "?scope=authorities" in html
