"""Complaints from the public: filed without login, tracked by code, handled by the region's officials, whose
contact data only those officials see; rate- and size-limited."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from supervision import permissions, services
from supervision.models import Complaint, RectificationOrder
from supervision.selectors import complaint_get, complaint_lookup, complaint_queue
from supervision.services import TRACKING_ALPHABET
from tests.errors import all_codes, codes
from tests.factories import ContractFactory, make_upload
from tests.supervision.conftest import DEADLINE, ISSUED_ON, at

pytestmark = pytest.mark.django_db


def file(organization, **kwargs):
    values = dict(
        organization=organization,
        subject="服务人员未按约定上门",
        text="本月预约的三次上门服务均未到岗。",
        contact_name="王女士",
        contact_phone="13912345678",
        contact_email="wang@example.cn",
    )
    values.update(kwargs)
    return services.complaint_file(**values)


def test_anyone_files_without_login_and_gets_a_tracking_code(organization):
    complaint = file(organization, attachment=make_upload("jpg", "现场照片.jpg"))
    assert complaint.status == Complaint.Status.RECEIVED
    assert len(complaint.tracking_code) == 12 and set(complaint.tracking_code) <= set(TRACKING_ALPHABET)
    assert complaint.attachment_name == "现场照片.jpg" and complaint.attachment_content_type == "image/jpeg"
    assert complaint.attachment.name.startswith("supervision/")
    assert complaint.history.get().history_user is None


def test_tracking_codes_are_unique(organization):
    codes = {file(organization).tracking_code for _ in range(20)}
    assert len(codes) == 20


def test_complaint_about_a_contract_takes_its_organization(contract, organization):
    complaint = file(None, contract=contract)
    assert complaint.organization == organization and complaint.contract == contract


def test_contract_must_be_signed_and_match(organization, purchaser, contract):
    draft = ContractFactory(organization=organization, department=purchaser.department)
    with pytest.raises(ValidationError) as error:
        file(None, contract=draft)
    assert codes(error.value) == {"contract": ["contract_not_signed"]}
    other = ContractFactory(department=purchaser.department, status="signed", signed_on=datetime.date(2026, 2, 1))
    with pytest.raises(ValidationError) as error:
        file(organization, contract=other)
    assert codes(error.value) == {"contract": ["contract_not_of_organization"]}


def test_required_fields_and_size_limits(organization, settings):
    with pytest.raises(ValidationError) as error:
        file(None, subject="", text="")
    assert codes(error.value) == {"organization": ["required"], "subject": ["required"], "text": ["required"]}
    with pytest.raises(ValidationError) as error:
        file(organization, subject="题" * 201, text="字" * 5001)
    assert codes(error.value) == {"subject": ["too_long"], "text": ["too_long"]}
    assert error.value.message_dict["text"] == ["投诉举报内容不能超过 5000 个字（现为 5001 个字）。"]
    assert file(organization, text="字" * 5000).text == "字" * 5000
    with pytest.raises(ValidationError) as error:
        file(organization, attachment=make_upload("pdf", "说明.pdf", b"not a pdf"))
    assert codes(error.value) == {"attachment": ["upload_content"]}
    settings.SUPERVISION_COMPLAINT_ATTACHMENT_MAX_MB = 1
    big = make_upload("pdf", "大文件.pdf", b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 1))
    with pytest.raises(ValidationError) as error:
        file(organization, attachment=big)
    assert codes(error.value) == {"attachment": ["upload_size"]}
    assert error.value.error_dict["attachment"][0].params == {"name": "大文件.pdf", "limit": 1}
    # Never above the site's limit.
    settings.SUPERVISION_COMPLAINT_ATTACHMENT_MAX_MB, settings.UPLOAD_MAX_MB = 30, 1
    with pytest.raises(ValidationError) as error:
        file(organization, attachment=big)
    assert codes(error.value) == {"attachment": ["upload_size"]}
    with pytest.raises(ValidationError) as error:
        file(organization, contact_email="not-an-email")
    assert "contact_email" in error.value.message_dict


def test_rate_limit_per_client_per_hour(organization, settings):
    settings.SUPERVISION_COMPLAINTS_PER_HOUR = 3
    start = at(2026, 11, 20, 9)
    for minute in range(3):
        file(organization, client_key="203.0.113.7", now=start + datetime.timedelta(minutes=minute))
    with pytest.raises(ValidationError) as error:
        file(organization, client_key="203.0.113.7", now=start + datetime.timedelta(minutes=10))
    assert codes(error.value) == {"__all__": ["rate_limited"]}
    assert error.value.params == {"limit": 3}
    assert error.value.messages == ["提交过于频繁：同一来源每小时最多提交 3 件投诉举报，请稍后再试。"]
    with pytest.raises(ValidationError) as error:
        services.complaint_rate_limit_check("203.0.113.7", now=start + datetime.timedelta(minutes=59))
    assert error.value.code == "rate_limited"
    # Another client is not affected, and the window slides: an hour after the first filing one more is allowed.
    file(organization, client_key="198.51.100.1", now=start + datetime.timedelta(minutes=10))
    file(organization, client_key="203.0.113.7", now=start + datetime.timedelta(minutes=60, seconds=1))
    assert Complaint.objects.count() == 5


def test_refused_filings_do_not_count(organization, settings):
    settings.SUPERVISION_COMPLAINTS_PER_HOUR = 1
    with pytest.raises(ValidationError):
        file(organization, text="", client_key="203.0.113.8")
    file(organization, client_key="203.0.113.8")
    with pytest.raises(ValidationError):
        file(organization, client_key="203.0.113.8")


def test_lookup_shows_status_and_public_reasoning_only(organization, registrar):
    complaint = file(organization)
    status = complaint_lookup(tracking_code=complaint.tracking_code.lower()[:6] + "-" + complaint.tracking_code[6:])
    assert status.status == "received" and status.reasoning == "" and not status.order_issued
    assert status.organization_name == organization.name
    for hidden in ("王女士", "13912345678", "wang@example.cn", "上门服务均未到岗"):
        assert hidden not in repr(status)
    services.complaint_start_review(actor=registrar, complaint=complaint, now=at(2026, 11, 21))
    assert complaint_lookup(tracking_code=complaint.tracking_code).reasoning == ""
    services.complaint_uphold(
        actor=registrar,
        complaint=complaint,
        reasoning="经核实属实，已责令整改",
        internal_note="走访三户",
        now=at(2026, 11, 22),
    )
    status = complaint_lookup(tracking_code=complaint.tracking_code)
    assert status.status_label == "属实" and status.reasoning == "经核实属实，已责令整改"
    assert "走访三户" not in repr(status)
    with pytest.raises(Complaint.DoesNotExist):
        complaint_lookup(tracking_code="ZZZZZZZZZZZZ")
    with pytest.raises(Complaint.DoesNotExist):
        complaint_lookup(tracking_code="  ")


def test_state_machine_and_order(organization, registrar, member):
    complaint = file(organization)
    with pytest.raises(ValidationError) as error:
        services.complaint_uphold(actor=registrar, complaint=complaint, reasoning="属实")
    assert all_codes(error.value) == {"wrong_state"}
    assert error.value.messages == ["当前状态为“已受理”，不能作出核实结论。"]
    services.complaint_start_review(actor=registrar, complaint=complaint)
    assert complaint.handler == registrar
    with pytest.raises(ValidationError) as error:
        services.complaint_start_review(actor=registrar, complaint=complaint)
    assert all_codes(error.value) == {"wrong_state"}
    with pytest.raises(ValidationError) as error:
        services.complaint_uphold(actor=registrar, complaint=complaint, reasoning=" ")
    assert codes(error.value) == {"reasoning": ["required"]}
    with pytest.raises(ValidationError) as error:
        services.complaint_open_order(actor=registrar, complaint=complaint, requirements="整改", deadline=DEADLINE)
    assert all_codes(error.value) == {"wrong_state"}
    services.complaint_uphold(actor=registrar, complaint=complaint, reasoning="属实")
    with pytest.raises(ValidationError) as error:
        services.complaint_dismiss(actor=registrar, complaint=complaint, reasoning="不属实")
    assert all_codes(error.value) == {"wrong_state"}
    order = services.complaint_open_order(
        actor=registrar, complaint=complaint, requirements="补足上门服务", deadline=DEADLINE, issued_on=ISSUED_ON
    )
    assert order.source == RectificationOrder.Source.COMPLAINT and order.complaint == complaint
    assert complaint_lookup(tracking_code=complaint.tracking_code).order_issued
    with pytest.raises(ValidationError) as error:
        services.complaint_open_order(actor=registrar, complaint=complaint, requirements="再次", deadline=DEADLINE)
    assert codes(error.value)["complaint"] == ["order_already_issued"]
    assert error.value.message_dict["complaint"] == [f"投诉 {complaint.tracking_code} 已下达过整改通知，不能重复下达。"]


def test_dismiss(organization, purchaser):
    complaint = file(organization)
    services.complaint_start_review(actor=purchaser, complaint=complaint)
    services.complaint_dismiss(actor=purchaser, complaint=complaint, reasoning="经核实，服务记录完整，投诉不属实")
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.DISMISSED and complaint.decided_by == purchaser


def test_only_officials_of_the_region_handle(organization, baotou_registrar, member, other_county_registrar):
    complaint = file(organization)
    for actor in (baotou_registrar, member, other_county_registrar, None):
        with pytest.raises(PermissionDenied) as error:
            services.complaint_start_review(actor=actor, complaint=complaint)
        assert all_codes(error.value) == {"permission_denied"}


def test_contact_data_visible_only_to_handling_officials(
    organization, registrar, county_registrar, purchaser, baotou_registrar, member, django_user_model
):
    from tests.factories import EvaluatorFactory, SuperuserFactory

    complaint = file(organization)
    for official in (registrar, county_registrar):
        assert permissions.can_view_complaint_contact(official, complaint)
        assert official.has_perm("supervision.can_view_complaint_contact", complaint)
    # The purchaser of the region (its contractor may be the subject) and superusers see the complaint, not the person.
    for other in (purchaser, baotou_registrar, member, EvaluatorFactory(), SuperuserFactory(), None):
        assert not permissions.can_view_complaint_contact(other, complaint)


def test_queue_and_get_are_scoped(organization, registrar, county_registrar, baotou_registrar, member):
    first = file(organization, now=at(2026, 11, 1))
    second = file(organization, now=at(2026, 11, 2))
    services.complaint_start_review(actor=registrar, complaint=first)
    services.complaint_dismiss(actor=registrar, complaint=first, reasoning="不属实")
    assert list(complaint_queue(user=registrar)) == [second, first]
    assert list(complaint_queue(user=county_registrar)) == [second, first]
    assert list(complaint_queue(user=baotou_registrar)) == []
    assert list(complaint_queue(user=member)) == []
    assert complaint_get(pk=first.pk, user=registrar) == first
    for user in (baotou_registrar, member, None):
        with pytest.raises(Complaint.DoesNotExist):
            complaint_get(pk=first.pk, user=user)
