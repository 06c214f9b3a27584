"""The public complaint pages: filing without logging in (tracking code shown afterwards), the limits on the form
(hourly rate, attachment size), the status lookup by tracking code, and the public list of credit listings. The
complainant's contact data never reaches the public pages."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from registry.models import CreditListing
from supervision import services
from supervision.models import Complaint
from tests.factories import (
    ComplaintFactory,
    CreditListingFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    make_upload,
    region,
)

pytestmark = pytest.mark.django_db

URL = "/complaints/new/"


def text_of(response) -> str:
    return response.content.decode()


def filing(about, **extra):
    return {
        "organization": about.uscc,
        "contract": "",
        "subject": "服务人员未按约定上门",
        "text": "十月以来预约的居家养老上门服务三次未到岗。",
        "contact_name": "王秀兰",
        "contact_phone": "13912345678",
        "contact_email": "wangxl@example.cn",
        **extra,
    }


def test_urls_are_public():
    assert reverse("supervision:complaint-create") == URL
    assert reverse("supervision:complaint-track") == "/complaints/track/"


@pytest.mark.parametrize(
    "name", ["supervision:complaint-create", "supervision:complaint-track", "supervision:credit-listings"]
)
def test_public_pages_open_for_everyone(client, member, registrar, name):
    assert client.get(reverse(name)).status_code == 200
    for user in (member, registrar):
        client.force_login(user)
        assert client.get(reverse(name)).status_code == 200


def test_anonymous_filing_shows_the_tracking_code(client, organization):
    response = client.post(URL, filing(organization, attachment=make_upload("jpg", "现场照片.jpg")))
    complaint = Complaint.objects.get()
    assert response.url == reverse("supervision:complaint-filed")
    page = client.get(response.url)
    assert f'data-testid="tracking-code">{complaint.tracking_code}<' in text_of(page)
    assert complaint.organization == organization and complaint.status == Complaint.Status.RECEIVED
    assert complaint.contact_phone == "13912345678" and complaint.attachment_name == "现场照片.jpg"
    assert complaint.history.first().history_user is None


def test_attachment_is_for_the_handling_officials(client, organization, registrar, baotou_registrar):
    client.post(URL, filing(organization, attachment=make_upload("jpg", "现场照片.jpg")))
    url = reverse("supervision:complaint-attachment", args=[Complaint.objects.get().pk])
    assert client.get(url).status_code == 404
    client.force_login(baotou_registrar)
    assert client.get(url).status_code == 404
    client.force_login(registrar)
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]


def test_filed_page_without_a_filing_goes_to_the_form(client):
    assert client.get(reverse("supervision:complaint-filed")).url == URL


def test_organization_by_name_or_suggestion_text(client, organization):
    client.post(URL, filing(organization, organization=organization.name))
    client.post(URL, filing(organization, organization=f"{organization.name}（{organization.uscc}）"))
    assert Complaint.objects.filter(organization=organization).count() == 2


def test_unknown_or_ambiguous_organization_is_explained(client, organization):
    response = client.post(URL, filing(organization, organization="不存在的协会"))
    assert "没有找到“不存在的协会”" in text_of(response)
    OrganizationFactory(name="阳光社会工作服务中心甲", region=region("150102"))
    OrganizationFactory(name="阳光社会工作服务中心乙", region=region("150102"))
    response = client.post(URL, filing(organization, organization="阳光社会工作"))
    assert "对应多个社会组织" in text_of(response) and "阳光社会工作服务中心乙" in text_of(response)
    assert not Complaint.objects.exists()


def test_about_a_contract_without_choosing_the_organization(client, contract):
    response = client.post(URL, filing(contract.organization, organization="", contract=contract.number))
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.contract == contract and complaint.organization == contract.organization


def test_a_draft_contract_is_unknown_to_the_public_form(client, organization):
    from tests.factories import ContractFactory

    draft = ContractFactory(organization=organization)
    response = client.post(URL, filing(organization, contract=draft.number))
    assert f"没有编号为 {draft.number} 的已公开合同" in text_of(response)


def test_organization_or_contract_is_required(client, organization):
    response = client.post(URL, filing(organization, organization=""))
    assert "请选择被投诉举报的社会组织或合同。" in text_of(response)


def test_rate_limit_message(client, organization, settings):
    settings.SUPERVISION_COMPLAINTS_PER_HOUR = 2
    for _ in range(2):
        assert client.post(URL, filing(organization)).status_code == 302
    response = client.post(URL, filing(organization))
    assert response.status_code == 200
    assert "提交过于频繁：同一来源每小时最多提交 2 件投诉举报，请稍后再试。" in text_of(response)
    assert Complaint.objects.count() == 2
    assert Client(REMOTE_ADDR="10.0.0.9").post(URL, filing(organization)).status_code == 302


def test_attachment_size_limit_message(client, organization, settings):
    settings.SUPERVISION_COMPLAINT_ATTACHMENT_MAX_MB = 1
    big = make_upload("pdf", "扫描件.pdf", content=b"%PDF-1.4\n" + b"0" * (1024 * 1024 + 10))
    response = client.post(URL, filing(organization, attachment=big))
    assert response.status_code == 200
    assert "文件“扫描件.pdf”超过大小上限 1 MB。" in text_of(response)
    assert "不超过 1 MB" in text_of(response)
    assert not Complaint.objects.exists()


def test_text_limit_message(client, organization):
    response = client.post(URL, filing(organization, text="字" * 5001))
    assert "投诉举报内容不能超过 5000 个字（现为 5001 个字）。" in text_of(response)


def test_tracking_lookup_shows_status_and_public_reasoning_only(client, organization, registrar):
    client.post(URL, filing(organization))
    complaint = Complaint.objects.get()
    track = reverse("supervision:complaint-track")

    response = client.get(track, {"code": complaint.tracking_code.lower()[:6] + "-" + complaint.tracking_code[6:]})
    html = text_of(response)
    assert "已受理" in html and "服务人员未按约定上门" in html

    services.complaint_start_review(actor=registrar, complaint=complaint)
    services.complaint_uphold(
        actor=registrar, complaint=complaint, reasoning="经核实属实，已责令整改。", internal_note="负责人态度消极"
    )
    services.complaint_open_order(
        actor=registrar,
        complaint=complaint,
        requirements="按约定提供上门服务",
        deadline=timezone.localdate() + datetime.timedelta(days=10),
    )
    html = text_of(client.get(track, {"code": complaint.tracking_code}))
    assert "属实" in html and "经核实属实，已责令整改。" in html and 'data-testid="order-issued"' in html
    for private in ("王秀兰", "13912345678", "wangxl@example.cn", "负责人态度消极", "三次未到岗"):
        assert private not in html


def test_unknown_tracking_code(client):
    response = client.get(reverse("supervision:complaint-track"), {"code": "ABCDEFGHJKMN"})
    assert "没有查询码为 ABCDEFGHJKMN 的投诉举报" in text_of(response)
    assert 'data-testid="complaint-status"' not in text_of(response)


def test_contact_hidden_from_other_roles(client, organization, member, baotou_registrar):
    complaint = ComplaintFactory(organization=organization, contact_phone="13700001111")
    url = reverse("supervision:complaint-detail", args=[complaint.pk])
    client.force_login(member)
    assert client.get(url).status_code == 403
    client.force_login(baotou_registrar)
    assert client.get(url).status_code == 404
    client.force_login(OrganizationMemberFactory(organization=organization))
    assert "13700001111" not in text_of(client.get(reverse("registry:organization-detail", args=[organization.uscc])))
    assert client.get(reverse("supervision:complaint-attachment", args=[complaint.pk])).status_code == 404


def test_organization_suggestions(client, organization):
    response = client.get(reverse("supervision:organization-suggestions"), {"organization": organization.name[:5]})
    assert f'value="{organization.name}（{organization.uscc}）"' in text_of(response)
    assert text_of(client.get(reverse("supervision:organization-suggestions"), {"organization": ""})).strip() == ""


def test_form_prefills_the_organization_from_its_page(client, organization, contract):
    response = client.get(URL, {"organization": organization.uscc})
    assert f'value="{organization.name}（{organization.uscc}）"' in text_of(response)
    response = client.get(URL, {"contract": contract.number})
    assert f'value="{contract.number}"' in text_of(response)


def test_public_credit_listings(client, organization):
    open_listing = CreditListingFactory(organization=organization, reason="未按规定报送年度工作报告")
    removed = CreditListingFactory(
        organization=OrganizationFactory(region=region("150200")),
        list_kind=CreditListing.List.SERIOUS,
        reason="二〇二四年已移出",
        removed_on=timezone.localdate(),
        removal_reason="期满",
    )
    CreditListingFactory(organization=OrganizationFactory(region=region("150200")), reason="包头的记录")
    url = reverse("supervision:credit-listings")
    html = text_of(client.get(url))
    assert "未按规定报送年度工作报告" in html and "包头的记录" in html and removed.reason not in html
    response = client.get(url, {"region": "150100"})
    assert [row.record.pk for row in response.context["table"].page.object_list] == [open_listing.pk]
    response = client.get(url, {"organization": organization.uscc})
    assert [row.record.pk for row in response.context["table"].page.object_list] == [open_listing.pk]
    response = client.get(url, {"list_kind": "serious"})
    assert response.context["table"].paginator.count == 0


def test_the_contractors_purchaser_sees_the_complaint_without_the_person(client, contract, purchaser, registrar):
    complaint = ComplaintFactory(
        organization=contract.organization,
        contract=contract,
        contact_name="王秀兰",
        contact_phone="13700001111",
        contact_email="wangxl@example.cn",
    )
    url = reverse("supervision:complaint-detail", args=[complaint.pk])
    client.force_login(purchaser)
    html = text_of(client.get(url))
    assert complaint.tracking_code in html or complaint.subject in html
    for private in ("王秀兰", "13700001111", "wangxl@example.cn"):
        assert private not in html
    client.force_login(registrar)
    html = text_of(client.get(url))
    assert "王秀兰" in html and "13700001111" in html
