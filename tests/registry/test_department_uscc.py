"""A department's unified social credit code is checked like an organization's: registered by the establishment
authorities (first character 1), a government category, valid check characters and a known region."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from registry.admin import DepartmentAdminForm
from registry.uscc import make_uscc, validate_department_uscc
from tests.errors import all_codes
from tests.factories import PurchasingDepartmentFactory

pytestmark = pytest.mark.django_db

GOOD = make_uscc("1", "150100", "00000001", authority="1")


def test_a_government_code_is_accepted_and_normalized():
    assert validate_department_uscc(" " + GOOD.lower()[:9] + " " + GOOD.lower()[9:]) == GOOD


@pytest.mark.parametrize(
    ("value", "code"),
    [
        (make_uscc("2", "150100", "MJ000001"), "department"),  # a social organization's code (5…)
        (make_uscc("4", "150100", "00000001", authority="1"), "category"),
        (GOOD[:17] + ("0" if GOOD[17] != "0" else "1"), "check_digit"),
        (GOOD[:-1], "length"),
    ],
)
def test_a_wrong_code_is_refused_with_its_reason(value, code):
    with pytest.raises(ValidationError) as refused:
        validate_department_uscc(value)
    assert all_codes(refused.value) == {code}


def test_the_admin_form_checks_the_code(db):
    department = PurchasingDepartmentFactory()
    data = {
        "name": department.name,
        "code": department.code,
        "region": department.region_id,
        "kind": department.kind,
        "uscc": "52150100MJ0000010X",
        "contact_name": "",
        "contact_phone": "",
        "contact_email": "",
    }
    form = DepartmentAdminForm(data=data, instance=department)
    assert not form.is_valid()
    assert "第1位登记管理部门代码应为1" in str(form.errors["uscc"])
    form = DepartmentAdminForm(data={**data, "uscc": GOOD.lower()}, instance=department)
    assert form.is_valid(), form.errors
    assert form.save().uscc == GOOD
