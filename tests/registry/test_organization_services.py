"""Registry services on organizations: registration, changes and status, their refusals' codes, and the history
they leave."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from registry import services
from registry.models import Organization
from registry.uscc import make_uscc
from tests.errors import codes
from tests.factories import (
    DepartmentFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    next_uscc,
    region,
)
from tests.registry.conftest import registrar_in, today, tomorrow

pytestmark = pytest.mark.django_db


def registration(**overrides):
    fields = {
        "name": "呼和浩特市新城区阳光社会工作服务中心",
        "uscc": next_uscc("2", "150100"),
        "org_type": Organization.Type.SERVICE,
        "region": region("150102"),
        "legal_representative": "张文",
        "registered_funds": Decimal("50000.00"),
        "established_on": datetime.date(2020, 3, 15),
        "domicile": "呼和浩特市新城区海拉尔东路1号",
        "business_scope": "社会工作服务",
        "contact_phone": "0471-6900000",
        "contact_email": "yangguang@example.cn",
    }
    fields.update(overrides)
    return fields


def field_messages(caught, field):
    return caught.value.message_dict[field]


# --- organization_register -----------------------------------------------------------------------------------------


def test_city_registrar_registers_an_organization_in_a_county():
    registrar = registrar_in("150100")
    fields = registration(uscc=next_uscc("2", "150100").lower())
    organization = services.organization_register(actor=registrar, **fields)
    organization.refresh_from_db()
    assert organization.uscc == fields["uscc"].upper()
    assert organization.status == Organization.Status.NORMAL
    assert organization.registration_authority == registrar.department
    assert organization.region.code == "150102"
    record = organization.history.get()
    assert record.history_type == "+"
    assert record.history_user == registrar


def test_registration_authority_may_be_a_provincial_bureau_for_a_foundation():
    registrar = registrar_in("150000")
    organization = services.organization_register(
        actor=registrar,
        **registration(uscc=next_uscc("3", "150000"), org_type=Organization.Type.FOUNDATION, region=region("150000")),
    )
    assert organization.org_type == Organization.Type.FOUNDATION


def test_foundation_cannot_be_registered_by_a_city_bureau():
    registrar = registrar_in("150100")
    with pytest.raises(ValidationError) as caught:
        services.organization_register(
            actor=registrar, **registration(uscc=next_uscc("3", "150100"), org_type=Organization.Type.FOUNDATION)
        )
    assert codes(caught.value) == {"registration_authority": ["foundation_authority"]}
    assert field_messages(caught, "registration_authority") == [
        f"基金会只能由国务院民政部门或省级民政部门登记，“{registrar.department.name}”不能登记基金会"
    ]


def test_registrar_of_another_region_cannot_register_there():
    baotou = registrar_in("150200")
    with pytest.raises(PermissionDenied) as caught:
        services.organization_register(actor=baotou, **registration())
    assert caught.value.code == "region_not_covered"
    assert str(caught.value) == "您无权在内蒙古自治区呼和浩特市新城区登记社会组织"
    assert not Organization.objects.exists()


def test_county_registrar_cannot_register_in_its_city():
    xincheng = registrar_in("150102")
    with pytest.raises(PermissionDenied) as caught:
        services.organization_register(actor=xincheng, **registration(region=region("150100")))
    assert caught.value.code == "region_not_covered"
    organization = services.organization_register(actor=xincheng, **registration(region=region("150102")))
    assert organization.registration_authority == xincheng.department


@pytest.mark.parametrize("make_user", [PurchaserFactory, OrganizationMemberFactory])
def test_purchasers_and_members_cannot_register(make_user):
    with pytest.raises(PermissionDenied) as caught:
        services.organization_register(actor=make_user(), **registration())
    assert caught.value.code == "region_not_covered"
    with pytest.raises(PermissionDenied) as caught:
        services.organization_register(actor=make_user(), **registration(region=None))
    assert caught.value.code == "not_registrar"


def test_duplicate_uscc_is_refused_with_a_clear_message():
    registrar = registrar_in("150100")
    existing = OrganizationFactory(name="呼和浩特市老年人协会", org_type=Organization.Type.ASSOCIATION)
    with pytest.raises(ValidationError) as caught:
        services.organization_register(
            actor=registrar, **registration(uscc=existing.uscc.lower(), org_type=Organization.Type.ASSOCIATION)
        )
    assert codes(caught.value) == {"uscc": ["uscc_taken"]}
    assert field_messages(caught, "uscc") == [
        f"统一社会信用代码{existing.uscc}已由“呼和浩特市老年人协会”登记，同一代码不能登记两次"
    ]


def test_uscc_of_another_type_is_refused_next_to_the_field():
    registrar = registrar_in("150100")
    with pytest.raises(ValidationError) as caught:
        services.organization_register(
            actor=registrar, **registration(uscc=next_uscc("1", "150100"), org_type=Organization.Type.SERVICE)
        )
    assert codes(caught.value) == {"uscc": ["category_mismatch"]}
    assert field_messages(caught, "uscc") == [
        "第2位机构类别代码1表示“社会团体”，与所填类型“社会服务机构(民办非企业单位)”不一致"
    ]


def test_invalid_check_digit_is_refused_next_to_the_field():
    registrar = registrar_in("150100")
    with pytest.raises(ValidationError) as caught:
        services.organization_register(actor=registrar, **registration(uscc="52150100MJ00000010"))
    assert codes(caught.value)["uscc"][0] in {"inner_check", "check_digit"}


def test_registration_rules_report_every_field_at_once():
    registrar = registrar_in("150100")
    other_city_bureau = DepartmentFactory(region=region("150200"))
    with pytest.raises(ValidationError) as caught:
        services.organization_register(
            actor=registrar,
            **registration(
                registration_authority=other_city_bureau,
                established_on=tomorrow(),
                registered_funds=Decimal("-1"),
                name="",
            ),
        )
    found = codes(caught.value)
    assert found["registration_authority"] == ["authority_region"]
    assert found["established_on"] == ["date_in_future"]
    assert found["registered_funds"] == ["negative"]
    assert "name" in found
    errors = caught.value.message_dict
    assert errors["registration_authority"] == [
        f"登记管理机关“{other_city_bureau.name}”的辖区不包括内蒙古自治区呼和浩特市新城区"
    ]
    assert errors["established_on"] == [f"成立日期{tomorrow().isoformat()}晚于今天，不能登记将来的日期"]


def test_registration_authority_must_be_a_civil_affairs_department():
    registrar = registrar_in("150100")
    health = PurchasingDepartmentFactory(region=region("150100"))
    with pytest.raises(ValidationError) as caught:
        services.organization_register(actor=registrar, **registration(registration_authority=health))
    assert codes(caught.value) == {"registration_authority": ["not_civil_affairs"]}


def test_automated_registration_names_its_authority_and_records_no_user():
    bureau = DepartmentFactory(region=region("150100"))
    organization = services.organization_register(actor=None, registration_authority=bureau, **registration())
    record = organization.history.get()
    assert record.history_user is None
    assert record.history_change_reason == "系统自动处理"


# --- organization_update -------------------------------------------------------------------------------------------


def test_registrar_changes_registration_data_and_history_names_the_items():
    registrar = registrar_in("150100")
    organization = OrganizationFactory(region=region("150102"))
    old_name = organization.name
    services.organization_update(
        actor=registrar, organization=organization, name="新城区社区服务协会", domicile="新城区新华大街2号"
    )
    organization.refresh_from_db()
    assert organization.name == "新城区社区服务协会"
    latest = organization.history.latest()
    assert latest.history_user == registrar
    assert latest.history_change_reason == "变更：名称、住所"
    assert latest.prev_record is None or latest.prev_record.name == old_name


def test_update_without_a_change_writes_no_history():
    registrar = registrar_in("150100")
    organization = services.organization_register(actor=registrar, **registration())
    services.organization_update(
        actor=registrar, organization=organization, name=organization.name, uscc=organization.uscc.lower()
    )
    assert organization.history.count() == 1


def test_member_edits_contact_fields():
    member = OrganizationMemberFactory()
    organization = member.organization
    services.organization_update(
        actor=member, organization=organization, contact_phone="0471-1234567", contact_email="new@example.cn"
    )
    organization.refresh_from_db()
    assert (organization.contact_phone, organization.contact_email) == ("0471-1234567", "new@example.cn")
    assert organization.history.latest().history_user == member


def test_member_cannot_edit_other_fields():
    member = OrganizationMemberFactory()
    with pytest.raises(PermissionDenied) as caught:
        services.organization_update(
            actor=member, organization=member.organization, contact_phone="0471-1234567", name="改名"
        )
    assert caught.value.code == "contact_fields_only"
    assert str(caught.value) == "社会组织成员只能修改本组织的联系电话和联系邮箱"


def test_member_cannot_edit_another_organization():
    member = OrganizationMemberFactory()
    with pytest.raises(PermissionDenied) as caught:
        services.organization_update(actor=member, organization=OrganizationFactory(), contact_phone="0471-1")
    assert caught.value.code == "permission_denied"


def test_registrar_of_another_region_cannot_update():
    organization = OrganizationFactory(region=region("150102"))
    for outsider in (registrar_in("150200"), registrar_in("150103"), PurchaserFactory()):
        with pytest.raises(PermissionDenied):
            services.organization_update(actor=outsider, organization=organization, domicile="别处")


def test_registrar_cannot_move_an_organization_out_of_its_region():
    registrar = registrar_in("150100")
    organization = OrganizationFactory(region=region("150102"))
    with pytest.raises(PermissionDenied) as caught:
        services.organization_update(actor=registrar, organization=organization, region=region("150202"))
    assert caught.value.code == "region_not_covered"
    assert str(caught.value) == "您无权将社会组织迁入内蒙古自治区包头市东河区"


def test_changing_the_type_rechecks_the_uscc():
    registrar = registrar_in("150100")
    organization = OrganizationFactory(org_type=Organization.Type.SERVICE)
    with pytest.raises(ValidationError) as caught:
        services.organization_update(actor=registrar, organization=organization, org_type=Organization.Type.ASSOCIATION)
    assert codes(caught.value) == {"uscc": ["category_mismatch"]}
    new_code = make_uscc("1", "150100", "MJ777777")
    services.organization_update(
        actor=registrar, organization=organization, org_type=Organization.Type.ASSOCIATION, uscc=new_code
    )
    organization.refresh_from_db()
    assert organization.uscc == new_code


def test_update_refuses_fields_it_does_not_own():
    with pytest.raises(TypeError):
        services.organization_update(
            actor=registrar_in("150100"), organization=OrganizationFactory(), status=Organization.Status.REVOKED
        )


# --- organization_change_status ------------------------------------------------------------------------------------


def test_deregistration_records_date_and_reason():
    registrar = registrar_in("150100")
    organization = OrganizationFactory()
    services.organization_change_status(
        actor=registrar,
        organization=organization,
        status=Organization.Status.DEREGISTERED,
        changed_on=datetime.date(2026, 3, 1),
        reason="理事会决议解散，清算完毕",
    )
    organization.refresh_from_db()
    assert organization.status == Organization.Status.DEREGISTERED
    assert organization.status_changed_on == datetime.date(2026, 3, 1)
    assert organization.status_reason == "理事会决议解散，清算完毕"
    latest = organization.history.latest()
    assert latest.history_change_reason == "理事会决议解散，清算完毕"
    assert latest.history_user == registrar


def test_status_change_needs_date_and_reason():
    registrar = registrar_in("150100")
    organization = OrganizationFactory()
    with pytest.raises(ValidationError) as caught:
        services.organization_change_status(
            actor=registrar, organization=organization, status=Organization.Status.REVOKED, changed_on=None, reason=" "
        )
    assert codes(caught.value) == {"changed_on": ["required"], "reason": ["required"]}
    assert caught.value.message_dict == {"changed_on": ["请填写状态变更日期"], "reason": ["请填写状态变更原因"]}
    organization.refresh_from_db()
    assert organization.status == Organization.Status.NORMAL


def test_status_change_refuses_a_no_op_and_a_future_date():
    registrar = registrar_in("150100")
    organization = OrganizationFactory()
    with pytest.raises(ValidationError) as caught:
        services.organization_change_status(
            actor=registrar,
            organization=organization,
            status=Organization.Status.NORMAL,
            changed_on=today(),
            reason="无",
        )
    assert codes(caught.value) == {"status": ["status_unchanged"]}
    assert caught.value.message_dict["status"] == ["该社会组织的登记状态已经是“正常”，无需变更"]
    with pytest.raises(ValidationError) as caught:
        services.organization_change_status(
            actor=registrar,
            organization=organization,
            status=Organization.Status.REVOKED,
            changed_on=tomorrow(),
            reason="违法",
        )
    assert codes(caught.value) == {"changed_on": ["date_in_future"]}


def test_revocation_can_be_set_aside_but_not_backdated_before_itself():
    registrar = registrar_in("150100")
    organization = OrganizationFactory()
    services.organization_change_status(
        actor=registrar,
        organization=organization,
        status=Organization.Status.REVOKED,
        changed_on=datetime.date(2026, 3, 1),
        reason="严重违法",
    )
    with pytest.raises(ValidationError) as caught:
        services.organization_change_status(
            actor=registrar,
            organization=organization,
            status=Organization.Status.NORMAL,
            changed_on=datetime.date(2026, 2, 1),
            reason="行政复议撤销原决定",
        )
    assert codes(caught.value) == {"changed_on": ["before_previous"]}
    assert caught.value.error_dict["changed_on"][0].params == {"day": "2026-02-01", "previous": "2026-03-01"}
    services.organization_change_status(
        actor=registrar,
        organization=organization,
        status=Organization.Status.NORMAL,
        changed_on=datetime.date(2026, 5, 1),
        reason="行政复议撤销原决定",
    )
    assert organization.status == Organization.Status.NORMAL
    assert organization.history.count() == 3


def test_status_change_by_another_region_or_a_member_is_refused():
    organization = OrganizationFactory(region=region("150102"))
    member = OrganizationMemberFactory(organization=organization)
    for outsider, code in (
        (registrar_in("150200"), "permission_denied"),
        (member, "permission_denied"),
        (None, "actor_required"),
    ):
        with pytest.raises(PermissionDenied) as caught:
            services.organization_change_status(
                actor=outsider,
                organization=organization,
                status=Organization.Status.DEREGISTERED,
                changed_on=today(),
                reason="解散",
            )
        assert caught.value.code == code


def test_unknown_status_is_refused():
    with pytest.raises(ValidationError) as caught:
        services.organization_change_status(
            actor=registrar_in("150100"),
            organization=OrganizationFactory(),
            status="dissolved",
            changed_on=today(),
            reason="解散",
        )
    assert codes(caught.value) == {"status": ["unknown_status"]}


def test_names_are_normalized_and_invisible_or_reversed_names_refused():
    registrar = registrar_in("150100")
    organization = services.organization_register(
        actor=registrar,
        **registration(name=" 新城区\u200b乐龄养老服务中心\u200d ", legal_representative="其其格\u200b"),
    )
    assert organization.name == "新城区乐龄养老服务中心" and organization.legal_representative == "其其格"
    for name, code in (("\u200b\u200c\u0301", "name_empty"), ("阳光\u202e心中exe", "name_bidi_control")):
        with pytest.raises(ValidationError) as caught:
            services.organization_register(actor=registrar, **registration(uscc=next_uscc("2", "150100"), name=name))
        assert codes(caught.value) == {"name": [code]}
        with pytest.raises(ValidationError) as caught:
            services.organization_update(actor=registrar, organization=organization, name=name)
        assert codes(caught.value) == {"name": [code]}
    organization.refresh_from_db()
    assert organization.name == "新城区乐龄养老服务中心"
