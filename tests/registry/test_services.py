"""Registry services: each write's happy path, its refusals, and the history it leaves."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from registry import services
from registry.models import AnnualInspection, CreditListing, Organization, Rating
from registry.uscc import make_uscc
from tests.factories import (
    CreditListingFactory,
    DepartmentFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    RegistrarFactory,
    SuperuserFactory,
    next_uscc,
    region,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
TOMORROW = TODAY + datetime.timedelta(days=1)


def registrar_in(code):
    return RegistrarFactory(department=DepartmentFactory(region=region(code)))


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
    assert field_messages(caught, "registration_authority") == [
        f"基金会只能由国务院民政部门或省级民政部门登记，“{registrar.department.name}”不能登记基金会"
    ]


def test_registrar_of_another_region_cannot_register_there():
    baotou = registrar_in("150200")
    with pytest.raises(PermissionDenied) as caught:
        services.organization_register(actor=baotou, **registration())
    assert str(caught.value) == "您无权在内蒙古自治区呼和浩特市新城区登记社会组织"
    assert not Organization.objects.exists()


def test_county_registrar_cannot_register_in_its_city():
    xincheng = registrar_in("150102")
    with pytest.raises(PermissionDenied):
        services.organization_register(actor=xincheng, **registration(region=region("150100")))
    organization = services.organization_register(actor=xincheng, **registration(region=region("150102")))
    assert organization.registration_authority == xincheng.department


@pytest.mark.parametrize("make_user", [PurchaserFactory, OrganizationMemberFactory])
def test_purchasers_and_members_cannot_register(make_user):
    with pytest.raises(PermissionDenied):
        services.organization_register(actor=make_user(), **registration())


def test_duplicate_uscc_is_refused_with_a_clear_message():
    registrar = registrar_in("150100")
    existing = OrganizationFactory(name="呼和浩特市老年人协会", org_type=Organization.Type.ASSOCIATION)
    with pytest.raises(ValidationError) as caught:
        services.organization_register(
            actor=registrar, **registration(uscc=existing.uscc.lower(), org_type=Organization.Type.ASSOCIATION)
        )
    assert field_messages(caught, "uscc") == [
        f"统一社会信用代码{existing.uscc}已由“呼和浩特市老年人协会”登记，同一代码不能登记两次"
    ]


def test_uscc_of_another_type_is_refused_next_to_the_field():
    registrar = registrar_in("150100")
    with pytest.raises(ValidationError) as caught:
        services.organization_register(
            actor=registrar, **registration(uscc=next_uscc("1", "150100"), org_type=Organization.Type.SERVICE)
        )
    assert field_messages(caught, "uscc") == [
        "第2位机构类别代码1表示“社会团体”，与所填类型“社会服务机构(民办非企业单位)”不一致"
    ]


def test_invalid_check_digit_is_refused_next_to_the_field():
    registrar = registrar_in("150100")
    with pytest.raises(ValidationError) as caught:
        services.organization_register(actor=registrar, **registration(uscc="52150100MJ00000010"))
    assert field_messages(caught, "uscc")[0].startswith("第")
    assert caught.value.error_dict["uscc"][0].code in {"inner_check", "check_digit"}


def test_registration_rules_report_every_field_at_once():
    registrar = registrar_in("150100")
    other_city_bureau = DepartmentFactory(region=region("150200"))
    with pytest.raises(ValidationError) as caught:
        services.organization_register(
            actor=registrar,
            **registration(
                registration_authority=other_city_bureau,
                established_on=TOMORROW,
                registered_funds=Decimal("-1"),
                name="",
            ),
        )
    errors = caught.value.message_dict
    assert errors["registration_authority"] == [
        f"登记管理机关“{other_city_bureau.name}”的辖区不包括内蒙古自治区呼和浩特市新城区"
    ]
    assert errors["established_on"] == [f"成立日期{TOMORROW.isoformat()}晚于今天，不能登记将来的日期"]
    assert errors["registered_funds"] == ["注册资金不能为负数"]
    assert "name" in errors


def test_registration_authority_must_be_a_civil_affairs_department():
    registrar = registrar_in("150100")
    health = PurchasingDepartmentFactory(region=region("150100"))
    with pytest.raises(ValidationError) as caught:
        services.organization_register(actor=registrar, **registration(registration_authority=health))
    assert field_messages(caught, "registration_authority") == [
        f"登记管理机关应为民政部门，“{health.name}”不是民政部门"
    ]


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
    assert str(caught.value) == "社会组织成员只能修改本组织的联系电话和联系邮箱"


def test_member_cannot_edit_another_organization():
    member = OrganizationMemberFactory()
    with pytest.raises(PermissionDenied):
        services.organization_update(actor=member, organization=OrganizationFactory(), contact_phone="0471-1")


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
    assert "您无权将社会组织迁入" in str(caught.value)


def test_changing_the_type_rechecks_the_uscc():
    registrar = registrar_in("150100")
    organization = OrganizationFactory(org_type=Organization.Type.SERVICE)
    with pytest.raises(ValidationError) as caught:
        services.organization_update(actor=registrar, organization=organization, org_type=Organization.Type.ASSOCIATION)
    assert "与所填类型“社会团体”不一致" in field_messages(caught, "uscc")[0]
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
            changed_on=TODAY,
            reason="无",
        )
    assert caught.value.message_dict["status"] == ["该社会组织的登记状态已经是“正常”，无需变更"]
    with pytest.raises(ValidationError) as caught:
        services.organization_change_status(
            actor=registrar,
            organization=organization,
            status=Organization.Status.REVOKED,
            changed_on=TOMORROW,
            reason="违法",
        )
    assert caught.value.message_dict["changed_on"] == [
        f"状态变更日期{TOMORROW.isoformat()}晚于今天，不能登记将来的日期"
    ]


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
    assert "早于上一次状态变更的日期2026-03-01" in caught.value.message_dict["changed_on"][0]
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
    for outsider in (registrar_in("150200"), member, None):
        with pytest.raises(PermissionDenied):
            services.organization_change_status(
                actor=outsider,
                organization=organization,
                status=Organization.Status.DEREGISTERED,
                changed_on=TODAY,
                reason="解散",
            )


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
            decided_on=TOMORROW,
        )
    assert caught.value.message_dict["decided_on"] == [f"决定日期{TOMORROW.isoformat()}晚于今天，不能登记将来的日期"]
    with pytest.raises(ValidationError) as caught:
        services.inspection_record(
            actor=registrar,
            organization=organization,
            year=2025,
            result=AnnualInspection.Result.PASSED,
            decided_on=datetime.date(2025, 12, 1),
        )
    assert caught.value.message_dict["decided_on"] == ["2025年度的年检在次年作出决定，决定日期2025-12-01不在2025年之后"]


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


def test_inspection_by_another_region_is_refused():
    with pytest.raises(PermissionDenied):
        services.inspection_record(
            actor=registrar_in("150200"),
            organization=OrganizationFactory(region=region("150102")),
            year=2025,
            result=AnnualInspection.Result.PASSED,
            decided_on=datetime.date(2026, 5, 31),
        )


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
            awarded_on=TOMORROW,
            score=Decimal("-5"),
        )
    errors = caught.value.message_dict
    assert errors["awarded_on"] == [f"评定日期{TOMORROW.isoformat()}晚于今天，不能登记将来的日期"]
    assert errors["score"] == ["评估得分不能为负数"]
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


# --- credit_listing_add / credit_listing_remove --------------------------------------------------------------------


def test_listing_is_recorded_with_its_reason():
    registrar = registrar_in("150100")
    organization = OrganizationFactory()
    listing = services.credit_listing_add(
        actor=registrar,
        organization=organization,
        list_kind=CreditListing.List.ABNORMAL,
        reason="未按规定报送年度工作报告",
        listed_on=datetime.date(2026, 7, 1),
    )
    assert listing.is_open
    assert listing.deciding_authority == registrar.department
    record = listing.history.get()
    assert record.history_user == registrar
    assert record.history_change_reason == "未按规定报送年度工作报告"


def test_second_open_listing_on_the_same_list_is_refused():
    registrar = registrar_in("150100")
    open_listing = CreditListingFactory(listed_on=datetime.date(2026, 7, 1), reason="未按规定报送年度工作报告")
    with pytest.raises(ValidationError) as caught:
        services.credit_listing_add(
            actor=registrar,
            organization=open_listing.organization,
            list_kind=CreditListing.List.ABNORMAL,
            reason="通过登记的住所无法联系",
            listed_on=datetime.date(2026, 8, 1),
        )
    assert caught.value.message_dict["list_kind"] == [
        "该社会组织已于2026-07-01列入活动异常名录（未按规定报送年度工作报告），尚未移出，不能重复列入"
    ]
    # The other list is independent.
    serious = services.credit_listing_add(
        actor=registrar,
        organization=open_listing.organization,
        list_kind=CreditListing.List.SERIOUS,
        reason="被处以5万元以上罚款",
        listed_on=datetime.date(2026, 8, 1),
    )
    assert serious.is_open


def test_listing_again_after_removal_is_allowed_and_history_keeps_both_states():
    registrar = registrar_in("150100")
    organization = OrganizationFactory()
    first = services.credit_listing_add(
        actor=registrar,
        organization=organization,
        list_kind=CreditListing.List.ABNORMAL,
        reason="未按规定报送年度工作报告",
        listed_on=datetime.date(2026, 3, 1),
    )
    removed = services.credit_listing_remove(
        actor=registrar, listing=first, removed_on=datetime.date(2026, 4, 10), reason="已补报年度工作报告"
    )
    assert removed.pk == first.pk and not first.is_open
    first.refresh_from_db()
    assert first.removed_on == datetime.date(2026, 4, 10)
    assert first.removal_reason == "已补报年度工作报告"
    assert first.removed_by == registrar.department

    states = list(first.history.order_by("history_date", "history_id"))
    assert [state.removed_on for state in states] == [None, datetime.date(2026, 4, 10)]
    assert [state.history_change_reason for state in states] == ["未按规定报送年度工作报告", "已补报年度工作报告"]

    with pytest.raises(ValidationError) as caught:
        services.credit_listing_add(
            actor=registrar,
            organization=organization,
            list_kind=CreditListing.List.ABNORMAL,
            reason="通过登记的住所无法联系",
            listed_on=datetime.date(2026, 4, 1),
        )
    assert caught.value.message_dict["listed_on"] == [
        "该社会组织2026-03-01至2026-04-10期间已在活动异常名录中，新的列入日期不能早于2026-04-10"
    ]
    again = services.credit_listing_add(
        actor=registrar,
        organization=organization,
        list_kind=CreditListing.List.ABNORMAL,
        reason="通过登记的住所无法联系",
        listed_on=datetime.date(2026, 9, 1),
    )
    assert again.pk != first.pk
    assert organization.credit_listings.count() == 2


def test_listing_date_is_not_in_the_future():
    with pytest.raises(ValidationError) as caught:
        services.credit_listing_add(
            actor=registrar_in("150100"),
            organization=OrganizationFactory(),
            list_kind=CreditListing.List.ABNORMAL,
            reason="未按规定报送年度工作报告",
            listed_on=TOMORROW,
        )
    assert caught.value.message_dict["listed_on"] == [f"列入日期{TOMORROW.isoformat()}晚于今天，不能登记将来的日期"]


def test_removal_dates_and_a_second_removal_are_refused():
    registrar = registrar_in("150100")
    listing = CreditListingFactory(listed_on=datetime.date(2026, 7, 1))
    with pytest.raises(ValidationError) as caught:
        services.credit_listing_remove(
            actor=registrar, listing=listing, removed_on=datetime.date(2026, 6, 30), reason="已整改"
        )
    assert caught.value.message_dict["removed_on"] == ["移出日期2026-06-30早于列入日期2026-07-01"]
    with pytest.raises(ValidationError) as caught:
        services.credit_listing_remove(actor=registrar, listing=listing, removed_on=TOMORROW, reason="已整改")
    assert caught.value.message_dict["removed_on"] == [f"移出日期{TOMORROW.isoformat()}晚于今天，不能登记将来的日期"]
    with pytest.raises(ValidationError) as caught:
        services.credit_listing_remove(actor=registrar, listing=listing, removed_on=TODAY, reason="")
    assert caught.value.message_dict["reason"] == ["请填写移出事由"]

    services.credit_listing_remove(
        actor=registrar, listing=listing, removed_on=datetime.date(2026, 7, 1), reason="已整改"
    )
    with pytest.raises(ValidationError) as caught:
        services.credit_listing_remove(actor=registrar, listing=listing, removed_on=TODAY, reason="再次移出")
    assert caught.value.messages == ["该记录已于2026-07-01移出活动异常名录，不能再次移出"]
    listing.refresh_from_db()
    assert listing.removal_reason == "已整改"


def test_listing_and_removal_by_another_region_are_refused():
    listing = CreditListingFactory(organization=OrganizationFactory(region=region("150102")))
    outsider = registrar_in("150200")
    with pytest.raises(PermissionDenied):
        services.credit_listing_add(
            actor=outsider,
            organization=listing.organization,
            list_kind=CreditListing.List.SERIOUS,
            reason="被处以5万元以上罚款",
            listed_on=TODAY,
        )
    with pytest.raises(PermissionDenied):
        services.credit_listing_remove(actor=outsider, listing=listing, removed_on=TODAY, reason="已整改")


def test_automated_listing_needs_an_authority_and_records_no_user():
    organization = OrganizationFactory()
    with pytest.raises(ValidationError) as caught:
        services.credit_listing_add(
            actor=None,
            organization=organization,
            list_kind=CreditListing.List.ABNORMAL,
            reason="整改通知逾期未完成整改",
            listed_on=TODAY,
        )
    assert "deciding_authority" in caught.value.message_dict

    authority = organization.registration_authority
    listing = services.credit_listing_add(
        actor=None,
        organization=organization,
        list_kind=CreditListing.List.ABNORMAL,
        reason="整改通知逾期未完成整改",
        listed_on=TODAY,
        deciding_authority=authority,
    )
    record = listing.history.get()
    assert record.history_user is None
    assert record.history_change_reason == "系统自动处理：整改通知逾期未完成整改"
    assert listing.deciding_authority == authority

    with pytest.raises(ValidationError):
        services.credit_listing_remove(actor=None, listing=listing, removed_on=TODAY, reason="已整改")
    services.credit_listing_remove(actor=None, listing=listing, removed_on=TODAY, reason="已整改", removed_by=authority)
    latest = listing.history.latest()
    assert latest.history_user is None
    assert latest.history_change_reason == "系统自动处理：已整改"


def test_automated_rating_needs_an_authority():
    organization = OrganizationFactory()
    with pytest.raises(ValidationError):
        services.rating_award(
            actor=None, organization=organization, grade=Rating.Grade.A3, awarded_on=datetime.date(2026, 1, 5)
        )
    rating = services.rating_award(
        actor=None,
        organization=organization,
        grade=Rating.Grade.A3,
        awarded_on=datetime.date(2026, 1, 5),
        awarding_authority=organization.registration_authority,
    )
    assert rating.history.get().history_user is None


def test_superuser_may_act_everywhere_but_names_the_authority():
    admin = SuperuserFactory()
    organization = OrganizationFactory(region=region("150402"))
    with pytest.raises(ValidationError) as caught:
        services.credit_listing_add(
            actor=admin,
            organization=organization,
            list_kind=CreditListing.List.ABNORMAL,
            reason="未按规定报送年度工作报告",
            listed_on=TODAY,
        )
    assert caught.value.message_dict["deciding_authority"] == ["请选择作出决定的机关"]
    listing = services.credit_listing_add(
        actor=admin,
        organization=organization,
        list_kind=CreditListing.List.ABNORMAL,
        reason="未按规定报送年度工作报告",
        listed_on=TODAY,
        deciding_authority=organization.registration_authority,
    )
    assert listing.history.get().history_user == admin
