"""Registry pages: who may open each page, the registrar forms calling their services, and the organization page."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from registry.models import AnnualInspection, CreditListing, Organization, Rating
from tests.factories import (
    AnnualInspectionFactory,
    CreditListingFactory,
    DepartmentFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    PurchaserFactory,
    RatingFactory,
    RegistrarFactory,
    next_uscc,
    region,
)

pytestmark = pytest.mark.django_db


def today():
    """The day in TIME_ZONE when the test runs (a run may cross midnight)."""
    return timezone.localdate()


@pytest.fixture
def organization():
    """An organization in 新城区 (a county of 呼和浩特市)."""
    return OrganizationFactory(
        name="新城区阳光社会工作服务中心",
        region=region("150102"),
        contact_phone="0471-6661234",
        contact_email="yangguang@example.cn",
        established_on=datetime.date(2015, 6, 1),
    )


@pytest.fixture
def listing(organization):
    return CreditListingFactory(organization=organization, listed_on=today() - datetime.timedelta(days=20))


@pytest.fixture
def users(organization):
    """One user of each kind the pages tell apart."""
    return {
        "anonymous": None,
        "own_member": OrganizationMemberFactory(organization=organization),
        "other_member": OrganizationMemberFactory(organization=OrganizationFactory(region=region("150200"))),
        "other_registrar": RegistrarFactory(department__region=region("150200")),
        "registrar": RegistrarFactory(department__region=region("150100")),
    }


def get_as(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


# ---- permissions -----------------------------------------------------------------------------------------------

ACTION_PAGES = ["organization-status", "inspection-create", "rating-create", "listing-create", "listing-remove"]
# (user, expected status) for the registrar-only pages on one organization.
REGISTRAR_ONLY = [
    ("anonymous", 302),
    ("own_member", 403),
    ("other_member", 403),
    ("other_registrar", 404),
    ("registrar", 200),
]


def action_url(name, organization, listing):
    if name == "listing-remove":
        return reverse("registry:listing-remove", args=[organization.uscc, listing.pk])
    return reverse(f"registry:{name}", args=[organization.uscc])


@pytest.mark.parametrize("page_name", ACTION_PAGES)
@pytest.mark.parametrize(("who", "expected"), REGISTRAR_ONLY)
def test_registrar_pages_permissions(client, users, organization, listing, page_name, who, expected):
    response = get_as(client, users[who], action_url(page_name, organization, listing))
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith(reverse("accounts:login"))


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("own_member", 200), ("other_member", 404), ("other_registrar", 404), ("registrar", 200)],
)
def test_edit_page_permissions(client, users, organization, who, expected):
    response = get_as(client, users[who], reverse("registry:organization-edit", args=[organization.uscc]))
    assert response.status_code == expected


@pytest.mark.parametrize(
    ("who", "expected"),
    [("anonymous", 302), ("own_member", 403), ("other_member", 403), ("other_registrar", 200), ("registrar", 200)],
)
def test_create_page_permissions(client, users, who, expected):
    assert get_as(client, users[who], reverse("registry:organization-create")).status_code == expected


def test_purchaser_gets_403_on_registrar_pages(client, organization):
    client.force_login(PurchaserFactory(department__region=region("150100")))
    assert client.get(reverse("registry:organization-create")).status_code == 403
    assert client.get(reverse("registry:organization-status", args=[organization.uscc])).status_code == 403
    assert client.get(reverse("registry:organization-edit", args=[organization.uscc])).status_code == 403


def test_outside_the_region_looks_like_a_missing_organization(client, users, organization):
    client.force_login(users["other_registrar"])
    missing = client.get(reverse("registry:organization-status", args=["52150100MJ0000000X"]))
    outside = client.get(reverse("registry:organization-status", args=[organization.uscc]))
    assert missing.status_code == outside.status_code == 404


def test_listing_of_another_organization_is_404(client, users, organization):
    other = CreditListingFactory(organization=OrganizationFactory(region=region("150100")))
    client.force_login(users["registrar"])
    assert client.get(reverse("registry:listing-remove", args=[organization.uscc, other.pk])).status_code == 404


def test_posting_is_guarded_like_getting(client, users, organization):
    client.force_login(users["other_registrar"])
    url = reverse("registry:organization-status", args=[organization.uscc])
    response = client.post(url, {"status": "revoked", "changed_on": today().isoformat(), "reason": "违法"})
    assert response.status_code == 404
    organization.refresh_from_db()
    assert organization.status == Organization.Status.NORMAL


@pytest.mark.parametrize("who", ["anonymous", "own_member", "other_member", "other_registrar", "registrar"])
def test_public_pages_open_to_everyone(client, users, organization, who):
    user = users[who]
    assert get_as(client, user, reverse("registry:organization-list")).status_code == 200
    assert client.get(reverse("registry:organization-detail", args=[organization.uscc])).status_code == 200
    report = client.get(reverse("registry:organization-report", args=[organization.uscc]))
    assert report.status_code == 200


def test_unknown_organization_is_404(client):
    assert client.get(reverse("registry:organization-detail", args=["52150100MJ0000000X"])).status_code == 404
    assert client.get(reverse("registry:organization-report", args=["52150100MJ0000000X"])).status_code == 404


# ---- the organization page -------------------------------------------------------------------------------------


def detail(client, organization, user=None):
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("registry:organization-detail", args=[organization.uscc]))
    assert response.status_code == 200
    return response.content.decode()


def test_contact_hidden_from_anonymous_and_other_organizations(client, users, organization):
    page = detail(client, organization)
    assert "0471-6661234" not in page and "yangguang@example.cn" not in page
    assert "0471-6661234" not in detail(client, organization, users["other_member"])
    assert "0471-6661234" not in detail(client, organization, users["other_registrar"])


@pytest.mark.parametrize("who", ["registrar", "own_member"])
def test_contact_shown_to_registrar_and_members(client, users, organization, who):
    page = detail(client, organization, users[who])
    assert "0471-6661234" in page and "yangguang@example.cn" in page


def test_contact_shown_to_purchaser_of_the_region(client, organization):
    assert "0471-6661234" in detail(client, organization, PurchaserFactory(department__region=region("150100")))


def test_detail_shows_the_public_record(client, organization):
    RatingFactory(organization=organization, grade=Rating.Grade.A3, awarded_on=today() - datetime.timedelta(days=100))
    AnnualInspectionFactory(organization=organization, year=2024, result=AnnualInspection.Result.FAILED)
    CreditListingFactory(
        organization=organization,
        list_kind=CreditListing.List.ABNORMAL,
        reason="无法通过登记的住所联系",
        listed_on=datetime.date(2023, 3, 1),
        removed_on=datetime.date(2023, 9, 1),
        removal_reason="已办理住所变更",
        removed_by=organization.registration_authority,
    )
    CreditListingFactory(
        organization=organization, reason="未按规定报送年度工作报告", listed_on=datetime.date(2026, 7, 1)
    )
    page = detail(client, organization)
    assert "新城区阳光社会工作服务中心" in page and organization.uscc in page
    assert "内蒙古自治区呼和浩特市新城区" in page
    assert "3A" in page and "有效" in page and "已过期" not in page
    assert "不合格" in page
    # credit listing history: the open one and the removed one, with dates, authorities and reasons
    assert "无法通过登记的住所联系" in page and "已办理住所变更" in page and "2023-09-01" in page
    assert "未按规定报送年度工作报告" in page and "尚未移出" in page
    assert organization.registration_authority.name in page
    # eligibility reasons as plain sentences
    assert "2026-07-01 起列入活动异常名录：未按规定报送年度工作报告" in page
    assert "2024 年度年检结论为不合格" in page


def test_expired_rating_says_so(client, organization):
    RatingFactory(organization=organization, grade=Rating.Grade.A5, awarded_on=datetime.date(2019, 5, 1))
    page = detail(client, organization)
    assert "5A" in page
    assert "已过期" in page
    assert "2024-05-01" in page  # the date it expired
    assert "无有效评估等级" in page  # the eligibility list says it too


def test_status_change_is_shown_with_date_and_reason(client, organization):
    organization.status = Organization.Status.DEREGISTERED
    organization.status_changed_on = datetime.date(2026, 3, 15)
    organization.status_reason = "理事会决议解散"
    organization.save()
    page = detail(client, organization)
    assert "注销" in page and "2026-03-15" in page and "理事会决议解散" in page
    assert "不具备承接资格" in page


def test_action_buttons_only_for_the_registrar_of_the_region(client, users, organization):
    status_url = reverse("registry:organization-status", args=[organization.uscc])
    edit_url = reverse("registry:organization-edit", args=[organization.uscc])
    assert status_url not in detail(client, organization)
    assert status_url not in detail(client, organization, users["other_registrar"])
    member_page = detail(client, organization, users["own_member"])
    assert status_url not in member_page and edit_url in member_page
    registrar_page = detail(client, organization, users["registrar"])
    assert status_url in registrar_page and edit_url in registrar_page
    assert reverse("registry:rating-create", args=[organization.uscc]) in registrar_page


def test_remove_button_only_on_open_listings(client, users, organization, listing):
    removed = CreditListingFactory(
        organization=organization,
        list_kind=CreditListing.List.SERIOUS,
        listed_on=datetime.date(2020, 1, 1),
        removed_on=datetime.date(2022, 1, 1),
        removal_reason="期满移出",
    )
    page = detail(client, organization, users["registrar"])
    assert reverse("registry:listing-remove", args=[organization.uscc, listing.pk]) in page
    assert reverse("registry:listing-remove", args=[organization.uscc, removed.pk]) not in page


def test_lower_case_code_redirects_to_the_canonical_page(client, organization):
    response = client.get(reverse("registry:organization-detail", args=[organization.uscc.lower()]))
    assert response.status_code == 301
    assert response["Location"] == reverse("registry:organization-detail", args=[organization.uscc])


def test_credit_report_pdf(client, organization):
    response = client.get(reverse("registry:organization-report", args=[organization.uscc]))
    assert response["Content-Type"] == "application/pdf"
    assert f'filename="{organization.uscc}.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")


# ---- forms call the services -----------------------------------------------------------------------------------


def success_message(response) -> str:
    return " ".join(str(message) for message in get_messages(response.wsgi_request))


def registration_data(registrar, **overrides):
    code = next_uscc("2", "150102")
    data = {
        "name": "新城区乐龄养老服务中心",
        "uscc": f"{code[:8].lower()} {code[8:].lower()}",
        "org_type": Organization.Type.SERVICE,
        "registration_authority": registrar.department.code,
        "supervisory_unit": "",
        "legal_representative": "其其格",
        "registered_funds": "50000.00",
        "established_on": "2024-04-01",
        "domicile": "呼和浩特市新城区成吉思汗大街1号",
        "region": "150102",
        "business_scope": "居家养老服务",
        "contact_phone": "0471-1234567",
        "contact_email": "leling@example.cn",
        "certificate_valid_until": "2029-03-31",
    }
    data.update(overrides)
    return data, code


def test_register_organization(client, users):
    registrar = users["registrar"]
    client.force_login(registrar)
    data, code = registration_data(registrar)
    response = client.post(reverse("registry:organization-create"), data)
    organization = Organization.objects.get(uscc=code)
    assert response.status_code == 302
    assert response["Location"] == reverse("registry:organization-detail", args=[code])
    assert organization.name == "新城区乐龄养老服务中心"
    assert organization.registered_funds == Decimal("50000.00")
    assert organization.registration_authority == registrar.department
    assert organization.history.first().history_user == registrar
    assert "新城区乐龄养老服务中心" in success_message(response)


def test_register_shows_the_check_digit_error_next_to_the_field(client, users):
    registrar = users["registrar"]
    client.force_login(registrar)
    data, code = registration_data(registrar)
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    data["uscc"] = wrong
    response = client.post(reverse("registry:organization-create"), data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["uscc"]
    assert "第18位校验码应为" in errors["uscc"][0]
    page = response.content.decode()
    field_error = page[page.index('id="id_uscc"') :]
    assert field_error.index("第18位校验码应为") < field_error.index('id="id_org_type"')  # under the USCC field
    assert not Organization.objects.filter(uscc=wrong).exists()


def test_register_offers_only_regions_and_authorities_in_scope(client, users):
    registrar = users["registrar"]
    DepartmentFactory(region=region("150200"), name="包头市民政局测试")
    client.force_login(registrar)
    form = client.get(reverse("registry:organization-create")).context["form"]
    region_codes = {region.code for region in form.fields["region"].queryset}
    assert {"150100", "150102", "150105"} <= region_codes and "150200" not in region_codes
    authorities = set(form.fields["registration_authority"].queryset)
    assert registrar.department in authorities
    assert all(department.region.code.startswith("1501") for department in authorities)
    data, _ = registration_data(registrar, region="150200")
    response = client.post(reverse("registry:organization-create"), data)
    assert "region" in response.context["form"].errors


def test_registrar_edits_every_field(client, users, organization):
    client.force_login(users["registrar"])
    url = reverse("registry:organization-edit", args=[organization.uscc])
    form = client.get(url).context["form"]
    assert form.initial["name"] == organization.name and "legal_representative" in form.fields
    # What the page shows in each field (a region or an authority as its label, as the type-ahead writes it).
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(name="新城区阳光社会工作发展中心", legal_representative="巴特尔", established_on="2015-06-01")
    response = client.post(url, data)
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name == "新城区阳光社会工作发展中心"
    assert organization.legal_representative == "巴特尔"


def test_member_edits_only_contact_fields(client, users, organization):
    client.force_login(users["own_member"])
    url = reverse("registry:organization-edit", args=[organization.uscc])
    response = client.get(url)
    assert set(response.context["form"].fields) == {"contact_phone", "contact_email"}
    response = client.post(
        url, {"contact_phone": "0471-7778888", "contact_email": "new@example.cn", "name": "改名不生效"}
    )
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.contact_phone == "0471-7778888"
    assert organization.contact_email == "new@example.cn"
    assert organization.name == "新城区阳光社会工作服务中心"


def test_change_status(client, users, organization):
    client.force_login(users["registrar"])
    url = reverse("registry:organization-status", args=[organization.uscc])
    data = {"status": "deregistered", "changed_on": today().isoformat(), "reason": "理事会决议注销"}
    response = client.post(url, data)
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.status == Organization.Status.DEREGISTERED
    assert organization.status_changed_on == today() and organization.status_reason == "理事会决议注销"
    assert "注销" in success_message(response)


def test_change_status_shows_the_service_error_next_to_the_date(client, users, organization):
    client.force_login(users["registrar"])
    url = reverse("registry:organization-status", args=[organization.uscc])
    response = client.post(url, {"status": "revoked", "changed_on": "2010-01-01", "reason": "违法"})
    assert response.status_code == 200
    assert "早于该组织的成立日期" in response.context["form"].errors["changed_on"][0]
    organization.refresh_from_db()
    assert organization.status == Organization.Status.NORMAL


def test_record_inspection(client, users, organization):
    client.force_login(users["registrar"])
    url = reverse("registry:inspection-create", args=[organization.uscc])
    data = {"year": today().year - 1, "result": "basic", "decided_on": today().isoformat(), "note": "财务制度需完善"}
    response = client.post(url, data)
    assert response.status_code == 302
    inspection = organization.inspections.get()
    assert (inspection.year, inspection.result, inspection.note) == (today().year - 1, "basic", "财务制度需完善")
    again = client.post(url, data)
    assert "每个年度只能登记一次" in again.context["form"].errors["year"][0]


def test_award_rating(client, users, organization):
    registrar = users["registrar"]
    client.force_login(registrar)
    url = reverse("registry:rating-create", args=[organization.uscc])
    response = client.post(url, {"grade": "4A", "score": "852.5", "awarded_on": today().isoformat()})
    assert response.status_code == 302
    rating = organization.ratings.get()
    assert rating.grade == "4A" and rating.score == Decimal("852.50")
    assert rating.valid_until == Rating.validity_end(today())
    assert rating.awarding_authority == registrar.department
    assert "4A" in success_message(response)


def test_list_on_a_credit_list_and_refuse_a_second_open_listing(client, users, organization):
    client.force_login(users["registrar"])
    url = reverse("registry:listing-create", args=[organization.uscc])
    data = {"list_kind": "abnormal", "reason": "未按规定报送年度工作报告", "listed_on": today().isoformat()}
    response = client.post(url, data)
    assert response.status_code == 302
    listing = organization.credit_listings.get()
    assert listing.is_open and listing.deciding_authority == users["registrar"].department
    again = client.post(url, data)
    assert again.status_code == 200
    assert "不能重复列入" in again.context["form"].errors["list_kind"][0]
    assert organization.credit_listings.count() == 1


def test_remove_a_listing(client, users, organization, listing):
    client.force_login(users["registrar"])
    url = reverse("registry:listing-remove", args=[organization.uscc, listing.pk])
    page = client.get(url).content.decode()
    assert listing.reason in page
    response = client.post(url, {"removed_on": today().isoformat(), "reason": "已补报年度工作报告"})
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.removed_on == today() and listing.removal_reason == "已补报年度工作报告"
    assert listing.removed_by == users["registrar"].department
    again = client.post(url, {"removed_on": today().isoformat(), "reason": "重复"})
    assert again.status_code == 200
    assert "不能再次移出" in " ".join(again.context["form"].non_field_errors())


# ---- navigation ------------------------------------------------------------------------------------------------


def test_navigation_entries(client, users, organization):
    directory = reverse("registry:organization-list")
    create = reverse("registry:organization-create")
    own = reverse("registry:organization-detail", args=[organization.uscc])
    home = client.get("/").content.decode()
    assert directory in home and create not in home
    client.force_login(users["registrar"])
    assert create in client.get("/").content.decode()
    client.force_login(users["own_member"])
    page = client.get(reverse("portal:workspace")).content.decode()
    assert own in page and "本组织信息" in page and create not in page


def test_register_shows_service_errors_next_to_the_field(client, users, organization):
    registrar = users["registrar"]
    client.force_login(registrar)
    data, _ = registration_data(registrar, uscc=organization.uscc)
    response = client.post(reverse("registry:organization-create"), data)
    assert response.status_code == 200
    assert "已由“新城区阳光社会工作服务中心”登记" in response.context["form"].errors["uscc"][0]
    data, _ = registration_data(registrar, org_type=Organization.Type.FOUNDATION)
    response = client.post(reverse("registry:organization-create"), data)
    assert "与所填类型“基金会”不一致" in response.context["form"].errors["uscc"][0]


@pytest.mark.parametrize("page_name", ACTION_PAGES)
def test_registrar_forms_name_the_organization_and_lead_back_to_it(client, users, organization, listing, page_name):
    client.force_login(users["registrar"])
    page = client.get(action_url(page_name, organization, listing)).content.decode()
    detail_url = reverse("registry:organization-detail", args=[organization.uscc])
    assert 'data-testid="action-form"' in page
    assert f'{organization.name} · <span class="uscc">{organization.uscc}</span>' in page
    assert f'href="{detail_url}"' in page  # the breadcrumb and the cancel button


def test_registering_a_duplicate_name_warns(client, users):
    registrar = users["registrar"]
    existing = OrganizationFactory(name="新城区乐龄养老服务中心", region=region("150102"))
    client.force_login(registrar)
    data, code = registration_data(registrar, name="新城区乐龄养老服务中心\u200b")
    response = client.post(reverse("registry:organization-create"), data)
    assert response.status_code == 302
    assert Organization.objects.get(uscc=code).name == existing.name
    assert f"已有同名社会组织 新城区乐龄养老服务中心（{existing.uscc}" in success_message(response)
    data, code = registration_data(registrar, name="新城区邻里互助服务中心")
    # The first warning is still queued (the redirect was not followed); no second one is added.
    assert success_message(client.post(reverse("registry:organization-create"), data)).count("已有同名") == 1
