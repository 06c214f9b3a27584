"""The officials' and members' supervision pages: who may open each (anonymous → login, no role → 403, outside the
user's reach → 404), and the work done on them (plan and record inspections, random draws, orders, complaints).

Dates are relative to today: the services refuse future dates."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from registry.models import CreditListing
from supervision import services
from supervision.escalation import check_deadlines
from supervision.models import Complaint, Inspection, OrderResponse, RectificationOrder, SampleDraw
from tests.factories import (
    ComplaintFactory,
    InspectionFactory,
    OrganizationFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    RectificationOrderFactory,
    RegistrarFactory,
    SuperuserFactory,
    make_upload,
    region,
)

pytestmark = pytest.mark.django_db


def today():
    """The day in TIME_ZONE when the test runs (a run may cross midnight)."""
    return timezone.localdate()


DAY = datetime.timedelta(days=1)


def get_as(client, user, url, **kwargs):
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    return client.get(url, **kwargs)


def post_as(client, user, url, data=None, **kwargs):
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    return client.post(url, data or {}, **kwargs)


def page_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def text_of(response) -> str:
    return response.content.decode()


def assert_status(response, expected):
    if expected == "login":
        assert response.status_code == 302, response.status_code
        assert response.url.startswith(reverse("accounts:login"))
    else:
        assert response.status_code == expected, (response.status_code, expected)


@pytest.fixture
def users(registrar, baotou_registrar, member, other_member):
    """Anonymous, the organization's member, another organization's member, an official of another region (Baotou)
    and an official of the region (Hohhot)."""
    return {
        "anonymous": None,
        "member": member,
        "other_member": other_member,
        "other_official": baotou_registrar,
        "official": registrar,
    }


@pytest.fixture
def planned(organization, registrar):
    return InspectionFactory(organization=organization, department=registrar.department, created_by=registrar)


@pytest.fixture
def completed(organization, registrar, second_registrar):
    inspection = InspectionFactory(organization=organization, department=registrar.department, created_by=registrar)
    return services.inspection_complete(
        actor=registrar,
        inspection=inspection,
        inspected_on=today() - 5 * DAY,
        conclusion=Inspection.Conclusion.PROBLEMS_FOUND,
        findings="财务账目不清，未建立项目资金专账",
        inspectors=[registrar, second_registrar],
    )


@pytest.fixture
def order(organization, registrar):
    return services.order_issue(
        actor=registrar,
        organization=organization,
        requirements="建立项目资金专账",
        deadline=today() + 30 * DAY,
        issued_on=today() - DAY,
    )


@pytest.fixture
def complaint(organization):
    return ComplaintFactory(organization=organization, contact_name="王秀兰", contact_phone="13912345678")


@pytest.fixture
def draw(organization, registrar):
    return services.sample_draw_create(actor=registrar, region=region("150100"), year=today().year, seed=20261128)


# ---- permissions of every page ---------------------------------------------------------------------------------

LISTS = {
    # page: expected for anonymous, member, other member, official of another region, official of the region
    "supervision:inspection-list": ("login", 403, 403, 200, 200),
    "supervision:inspection-create": ("login", 403, 403, 200, 200),
    "supervision:draw-list": ("login", 403, 403, 200, 200),
    "supervision:draw-create": ("login", 403, 403, 200, 200),
    "supervision:draw-preview": ("login", 403, 403, 200, 200),
    "supervision:order-list": ("login", 403, 403, 200, 200),
    "supervision:order-create": ("login", 403, 403, 200, 200),
    "supervision:my-orders": ("login", 200, 200, 403, 403),
    "supervision:complaint-queue": ("login", 403, 403, 200, 200),
    "supervision:listings-removable": ("login", 403, 403, 200, 200),
}
WHO = ("anonymous", "member", "other_member", "other_official", "official")


@pytest.mark.parametrize("name", LISTS)
@pytest.mark.parametrize("index", range(len(WHO)), ids=WHO)
def test_list_pages(client, users, name, index):
    assert_status(get_as(client, users[WHO[index]], reverse(name)), LISTS[name][index])


ORGANIZATION_PAGES = {
    "supervision:inspection-create": ("login", 403, 403, 404, 200),
    "supervision:order-create": ("login", 403, 403, 404, 200),
}


@pytest.mark.parametrize("name", ORGANIZATION_PAGES)
@pytest.mark.parametrize("index", range(len(WHO)), ids=WHO)
def test_pages_about_one_organization(client, users, organization, name, index):
    url = reverse(name) + f"?organization={organization.uscc}"
    assert_status(get_as(client, users[WHO[index]], url), ORGANIZATION_PAGES[name][index])


PLANNED_INSPECTION_PAGES = {
    # A planned inspection is not announced to the organization in advance: its members get 404.
    "supervision:inspection-detail": ("login", 404, 404, 404, 200),
    "supervision:inspection-edit": ("login", 403, 403, 404, 200),
    "supervision:inspection-complete": ("login", 403, 403, 404, 200),
    "supervision:inspection-attachment-create": ("login", 403, 403, 404, 200),
}


@pytest.mark.parametrize("name", PLANNED_INSPECTION_PAGES)
@pytest.mark.parametrize("index", range(len(WHO)), ids=WHO)
def test_planned_inspection_pages(client, users, planned, name, index):
    response = get_as(client, users[WHO[index]], reverse(name, args=[planned.pk]))
    assert_status(response, PLANNED_INSPECTION_PAGES[name][index])


COMPLETED_INSPECTION_PAGES = {
    "supervision:inspection-detail": ("login", 200, 404, 404, 200),
    "supervision:inspection-order": ("login", 403, 403, 404, 200),
}


@pytest.mark.parametrize("name", COMPLETED_INSPECTION_PAGES)
@pytest.mark.parametrize("index", range(len(WHO)), ids=WHO)
def test_completed_inspection_pages(client, users, completed, name, index):
    response = get_as(client, users[WHO[index]], reverse(name, args=[completed.pk]))
    assert_status(response, COMPLETED_INSPECTION_PAGES[name][index])


ORDER_PAGES = {
    "supervision:order-detail": ("login", 200, 404, 404, 200),
    "supervision:order-answer": ("login", 200, 404, 403, 403),
    "supervision:order-decide": ("login", 403, 403, 404, 200),
}


@pytest.mark.parametrize("name", ORDER_PAGES)
@pytest.mark.parametrize("index", range(len(WHO)), ids=WHO)
def test_order_pages(client, users, order, name, index):
    assert_status(get_as(client, users[WHO[index]], reverse(name, args=[order.pk])), ORDER_PAGES[name][index])


COMPLAINT_PAGES = {
    "supervision:complaint-detail": ("login", 403, 403, 404, 200),
    "supervision:complaint-review": ("login", 403, 403, 404, 200),
    "supervision:complaint-decide": ("login", 403, 403, 404, 200),
    "supervision:complaint-order": ("login", 403, 403, 404, 200),
}


@pytest.mark.parametrize("name", COMPLAINT_PAGES)
@pytest.mark.parametrize("index", range(len(WHO)), ids=WHO)
def test_complaint_pages(client, users, complaint, name, index):
    response = get_as(client, users[WHO[index]], reverse(name, args=[complaint.pk]))
    assert_status(response, COMPLAINT_PAGES[name][index])


DRAW_PAGES = {
    "supervision:draw-detail": ("login", 403, 403, 404, 200),
    "supervision:draw-plan": ("login", 403, 403, 404, 200),
    "supervision:draw-population": ("login", 403, 403, 404, 200),
}


@pytest.mark.parametrize("name", DRAW_PAGES)
@pytest.mark.parametrize("index", range(len(WHO)), ids=WHO)
def test_draw_pages(client, users, draw, name, index):
    assert_status(get_as(client, users[WHO[index]], reverse(name, args=[draw.pk])), DRAW_PAGES[name][index])


def test_posts_are_refused_like_gets(client, users, order, complaint, planned):
    attempts = [
        (reverse("supervision:order-decide", args=[order.pk]), {"decision": "verify"}),
        (reverse("supervision:complaint-review", args=[complaint.pk]), {}),
        (reverse("supervision:inspection-complete", args=[planned.pk]), {"conclusion": "no_problem"}),
    ]
    for url, data in attempts:
        assert_status(post_as(client, users["anonymous"], url, data), "login")
        assert_status(post_as(client, users["member"], url, data), 403)
        assert_status(post_as(client, users["other_official"], url, data), 404)
    assert_status(post_as(client, users["other_member"], reverse("supervision:order-answer", args=[order.pk])), 404)
    complaint.refresh_from_db()
    order.refresh_from_db()
    assert complaint.status == Complaint.Status.RECEIVED and order.status == RectificationOrder.Status.ISSUED


def test_purchasers_may_not_draw_or_remove_listings(client, purchaser):
    assert_status(get_as(client, purchaser, reverse("supervision:draw-create")), 403)
    assert_status(get_as(client, purchaser, reverse("supervision:listings-removable")), 403)
    assert_status(get_as(client, purchaser, reverse("supervision:draw-list")), 200)


def test_county_official_does_not_see_another_county(client, organization, other_county_registrar, planned, order):
    assert_status(
        get_as(client, other_county_registrar, reverse("supervision:inspection-detail", args=[planned.pk])), 404
    )
    assert_status(get_as(client, other_county_registrar, reverse("supervision:order-detail", args=[order.pk])), 404)
    response = get_as(client, other_county_registrar, reverse("supervision:order-list"))
    assert organization.name not in text_of(response)


def test_files_answer_404_to_whoever_may_not_download(client, users, completed, order, member, registrar):
    attachment = services.inspection_attachment_add(
        actor=registrar, inspection=completed, file=make_upload("pdf", "检查记录.pdf"), title="检查记录"
    )
    response_file = services.order_answer(
        actor=member, order=order, text="已建立专账", files=[make_upload("png", "专账.png")]
    ).files.get()
    urls = [
        reverse("supervision:inspection-attachment", args=[completed.pk, attachment.pk]),
        reverse("supervision:order-file", args=[order.pk, response_file.pk]),
    ]
    for url in urls:
        for who in ("anonymous", "other_member", "other_official"):
            assert get_as(client, users[who], url).status_code == 404
        for who in ("member", "official"):
            response = get_as(client, users[who], url)
            assert response.status_code == 200
            assert "attachment" in response["Content-Disposition"]


# ---- inspections -----------------------------------------------------------------------------------------------


def test_plan_inspection_starting_from_the_organization_name(client, registrar, second_registrar, organization):
    client.force_login(registrar)
    response = client.get(reverse("supervision:inspection-create"), {"organization": organization.name})
    assert response.status_code == 200
    assert 'name="planned_on"' in text_of(response)

    url = reverse("supervision:inspection-create") + f"?organization={organization.uscc}"
    data = {"kind": "on_site", "planned_on": (today() + 10 * DAY).isoformat(), "inspectors": [registrar.pk]}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "实地检查须由至少 2 名检查人员进行。" in text_of(response)
    assert not Inspection.objects.exists()

    data["inspectors"] = [registrar.pk, second_registrar.pk]
    response = client.post(url, data)
    inspection = Inspection.objects.get()
    assert response.url == reverse("supervision:inspection-detail", args=[inspection.pk])
    assert inspection.kind == "on_site" and inspection.department == registrar.department
    assert set(inspection.inspectors.all()) == {registrar, second_registrar}


def test_ambiguous_organization_names_are_offered_as_choices(client, registrar, organization):
    OrganizationFactory(name=organization.name + "分部", region=region("150102"))
    client.force_login(registrar)
    response = client.get(reverse("supervision:inspection-create"), {"organization": organization.name[:4]})
    assert "对应多个社会组织" in text_of(response)


def test_inspectors_offered_are_officials_covering_the_organization(client, registrar, baotou_registrar, organization):
    client.force_login(registrar)
    response = client.get(reverse("supervision:inspection-create"), {"organization": organization.uscc})
    choices = response.context["form"].fields["inspectors"].queryset
    assert registrar in choices and baotou_registrar not in choices


def test_record_findings_attach_files_and_issue_order(client, registrar, second_registrar, planned, member):
    client.force_login(registrar)
    url = reverse("supervision:inspection-complete", args=[planned.pk])
    data = {
        "inspected_on": today().isoformat(),
        "conclusion": "problems_found",
        "findings": "",
        "inspectors": [registrar.pk, second_registrar.pk],
    }
    response = client.post(url, data)
    assert "结论为“发现问题”时须写明检查发现的问题。" in text_of(response)

    data["findings"] = "服务台账缺失三个月"
    response = client.post(url, data)
    assert response.status_code == 302
    planned.refresh_from_db()
    assert planned.is_completed and planned.findings == "服务台账缺失三个月"

    response = client.post(
        reverse("supervision:inspection-attachment-create", args=[planned.pk]),
        {"file": make_upload("jpg", "现场照片.jpg"), "title": "现场照片"},
    )
    assert response.status_code == 302
    detail = client.get(reverse("supervision:inspection-detail", args=[planned.pk]))
    assert "现场照片" in text_of(detail)
    assert 'data-testid="issue-order"' in text_of(detail)

    response = client.post(
        reverse("supervision:inspection-order", args=[planned.pk]),
        {
            "requirements": "补齐服务台账",
            "issued_on": today().isoformat(),
            "deadline": (today() + 20 * DAY).isoformat(),
        },
    )
    order = RectificationOrder.objects.get()
    assert response.url == reverse("supervision:order-detail", args=[order.pk])
    assert order.source == "inspection" and order.inspection == planned

    client.force_login(member)
    detail = client.get(reverse("supervision:inspection-detail", args=[planned.pk]))
    assert detail.status_code == 200 and "服务台账缺失三个月" in text_of(detail)


def test_attachment_of_a_wrong_type_is_refused_with_the_service_message(client, registrar, planned):
    client.force_login(registrar)
    response = client.post(
        reverse("supervision:inspection-attachment-create", args=[planned.pk]),
        {"file": make_upload("pdf", "记录.exe")},
    )
    assert response.status_code == 200
    assert "记录.exe" in text_of(response)
    assert not planned.attachments.exists()


def test_inspection_list_filters_and_query_count(client, registrar, organization):
    client.force_login(registrar)
    url = reverse("supervision:inspection-list")
    InspectionFactory(organization=organization, department=registrar.department, created_by=registrar)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(4):
        inspection = InspectionFactory(
            organization=OrganizationFactory(region=region("150102")),
            department=registrar.department,
            created_by=registrar,
            kind="document",
        )
        inspection.inspectors.set([registrar])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    assert response.context["table"].paginator.count == 5
    response = client.get(url, {"kind": "document"})
    assert response.context["table"].paginator.count == 4


# ---- random draws ----------------------------------------------------------------------------------------------


def test_draw_page_draws_shows_seed_and_verifies(client, registrar, organization):
    for _ in range(29):
        OrganizationFactory(region=region("150102"))
    client.force_login(registrar)
    response = client.get(reverse("supervision:draw-create"), {"region": "150100"})
    assert response.context["form"].initial["rate"] == 4

    preview = client.get(reverse("supervision:draw-preview"), {"region": "150100", "rate": ""})
    assert "默认抽查比例 4%" in text_of(preview) and "30 个正常登记的社会组织" in text_of(preview)
    assert "目前有 30 个正常登记的社会组织，按 4% 将抽取 2 个。" in text_of(preview)
    beyond = client.get(reverse("supervision:draw-preview"), {"region": "150100", "rate": "999"})
    assert "目前有 30 个正常登记的社会组织。" in text_of(beyond) and "将抽取" not in text_of(beyond)

    response = client.post(
        reverse("supervision:draw-create"), {"region": "150100", "year": today().year, "rate": "", "seed": "12345"}
    )
    draw = SampleDraw.objects.get()
    assert response.url == reverse("supervision:draw-detail", args=[draw.pk])
    assert "随机种子 12345" in page_messages(response)[0]
    assert draw.rate == 4 and draw.sample_size == 2 and draw.population_count == 30

    detail = client.get(response.url)
    html = text_of(detail)
    assert re.search(r'data-testid="seed">12345<', html)
    assert re.search(r'data-testid="population">30<', html)
    assert html.count('data-testid="entry"') == 2
    assert "verification" not in detail.context or detail.context["verification"] is None

    verified = client.get(response.url, {"verify": "1"})
    assert 'data-testid="verification-ok"' in text_of(verified)
    assert "以随机种子 12345 重新抽取，得到与记录相同的 2 个组织。" in text_of(verified)

    again = client.post(reverse("supervision:draw-create"), {"region": "150100", "year": today().year, "seed": "1"})
    assert again.status_code == 200 and "不能重复抽取" in text_of(again)

    population = client.get(reverse("supervision:draw-population", args=[draw.pk]))
    assert population.content.decode().split() == draw.population_list()


def test_draw_regions_are_the_registrars(client, county_registrar):
    client.force_login(county_registrar)
    response = client.post(reverse("supervision:draw-create"), {"region": "150100", "year": today().year})
    assert response.status_code == 200 and "region" in response.context["form"].errors
    assert not SampleDraw.objects.exists()


def test_the_draw_region_is_typed_with_the_registrars_suggestions_and_the_preview_reads_it(client, registrar):
    OrganizationFactory.create_batch(3, region=region("150102"))
    client.force_login(registrar)
    page = client.get(reverse("supervision:draw-create"), {"region": "150100"})
    field = str(page.context["form"]["region"])
    assert "<select" not in field and 'value="呼和浩特市（150100）"' in field
    assert reverse("registry:region-suggestions") + "?scope=official" in field
    assert 'hx-get="' + reverse("supervision:draw-preview") in text_of(page)

    suggestions = client.get(reverse("registry:region-suggestions"), {"scope": "official", "region": "xcq"})
    assert "呼和浩特市新城区（150102）" in text_of(suggestions) and "包头" not in text_of(suggestions)

    preview = reverse("supervision:draw-preview")
    # A suggestion, a code, pinyin initials, or a name unique among the registrar's regions (not within China).
    for typed in ("呼和浩特市新城区（150102）", "150102", "hhhts xcq", "新城区"):
        shown = text_of(client.get(preview, {"region": typed, "rate": ""}))
        assert "呼和浩特市新城区（县级）默认抽查比例 3%" in shown and "目前有 3 个正常登记的社会组织" in shown, typed
    unknown = text_of(client.get(preview, {"region": "火星", "rate": ""}))
    assert "没有找到“火星”" in unknown and 'data-testid="draw-preview-figures"' not in unknown
    outside = text_of(client.get(preview, {"region": "包头市青山区（150204）", "rate": ""}))
    assert "没有找到" in outside and "150204" in outside
    several = text_of(client.get(preview, {"region": "区", "rate": ""}))
    assert "对应多个" in several and "呼和浩特市新城区（150102）" in several
    assert text_of(client.get(preview, {"region": "", "rate": ""})).strip() == ""

    response = client.post(
        reverse("supervision:draw-create"), {"region": "呼和浩特市新城区（150102）", "year": today().year, "seed": "7"}
    )
    assert SampleDraw.objects.get().region == region("150102"), text_of(response)
    refused = client.post(reverse("supervision:draw-create"), {"region": "火星", "year": today().year})
    assert refused.status_code == 200 and "没有找到“火星”" in text_of(refused)


def test_plan_inspections_from_a_draw(client, registrar, second_registrar, draw):
    client.force_login(registrar)
    url = reverse("supervision:draw-plan", args=[draw.pk])
    response = client.post(url, {"planned_on": ""})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(url, {"planned_on": (today() + 14 * DAY).isoformat(), "inspectors": [second_registrar.pk]})
    assert response.status_code == 302
    planned = Inspection.objects.filter(sample_draw=draw)
    assert planned.count() == draw.sample_size
    assert all(inspection.kind == "random" for inspection in planned)
    detail = client.get(reverse("supervision:draw-detail", args=[draw.pk]))
    assert "尚未安排" not in text_of(detail)
    assert detail.context["can_plan"] is False


# ---- rectification orders --------------------------------------------------------------------------------------


def test_issue_direct_order_answer_return_answer_verify(client, registrar, member, organization):
    client.force_login(registrar)
    url = reverse("supervision:order-create") + f"?organization={organization.uscc}"
    data = {
        "source": "direct",
        "requirements": "按规定公示年度财务报告",
        "issued_on": today().isoformat(),
        "deadline": today().isoformat(),
    }
    response = client.post(url, data)
    assert "须晚于下达日期" in text_of(response)
    data["deadline"] = (today() + 15 * DAY).isoformat()
    response = client.post(url, data)
    order = RectificationOrder.objects.get()
    assert response.url == reverse("supervision:order-detail", args=[order.pk])

    client.force_login(member)
    mine = client.get(reverse("supervision:my-orders"))
    assert mine.context["table"].paginator.count == 1
    detail = client.get(reverse("supervision:order-detail", args=[order.pk]))
    assert 'data-testid="answer"' in text_of(detail)
    response = client.post(reverse("supervision:order-answer", args=[order.pk]), {"text": ""})
    assert response.status_code == 200 and "text" in response.context["form"].errors
    response = client.post(
        reverse("supervision:order-answer", args=[order.pk]),
        {"text": "已在官网公示 2025 年度财务报告", "files": [make_upload("pdf", "公示截图.pdf")]},
    )
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.ANSWERED

    client.force_login(registrar)
    decide = reverse("supervision:order-decide", args=[order.pk])
    response = client.post(decide, {"decision": "return", "comment": ""})
    assert "退回须写明理由" in text_of(response)
    response = client.post(decide, {"decision": "return", "comment": "公示内容缺少资产负债表"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.RETURNED

    client.force_login(member)
    client.post(reverse("supervision:order-answer", args=[order.pk]), {"text": "已补充资产负债表"})
    client.force_login(registrar)
    response = client.post(decide, {"decision": "verify", "comment": "整改到位"})
    order.refresh_from_db()
    assert order.status == RectificationOrder.Status.VERIFIED and order.verified_on == today()

    client.force_login(member)
    detail = text_of(client.get(reverse("supervision:order-detail", args=[order.pk])))
    assert detail.count('data-testid="response"') == 2
    assert "公示内容缺少资产负债表" in detail and "整改到位" in detail and "公示截图.pdf" in detail
    assert 'data-testid="answer"' not in detail
    assert list(OrderResponse.objects.values_list("decision", flat=True)) == ["returned", "verified"]


def test_verify_of_an_unanswered_order_shows_the_state_error(client, registrar, order):
    client.force_login(registrar)
    response = client.post(reverse("supervision:order-decide", args=[order.pk]), {"decision": "verify"})
    assert response.status_code == 200
    assert "当前状态为“已下达”，不能核验整改答复。" in text_of(response)


def test_order_list_flags_overdue_orders_and_filters(client, registrar, organization):
    overdue = RectificationOrderFactory(
        organization=organization,
        department=registrar.department,
        issued_by=registrar,
        issued_on=today() - 40 * DAY,
        deadline=today() - 10 * DAY,
    )
    RectificationOrderFactory(
        organization=organization,
        department=registrar.department,
        issued_by=registrar,
        issued_on=today() - DAY,
        deadline=today() + 10 * DAY,
    )
    client.force_login(registrar)
    url = reverse("supervision:order-list")
    response = client.get(url)
    html = text_of(response)
    assert response.context["table"].paginator.count == 2
    assert html.count('data-testid="overdue"') == 1
    response = client.get(url, {"overdue": "true"})
    assert [row.record.pk for row in response.context["table"].page.object_list] == [overdue.pk]
    response = client.get(url, {"scope": "department", "status": "issued"})
    assert response.context["table"].paginator.count == 2


def test_order_list_query_count_is_constant(client, registrar, organization):
    client.force_login(registrar)
    url = reverse("supervision:order-list")
    RectificationOrderFactory(organization=organization, department=registrar.department, issued_by=registrar)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for _ in range(5):
        RectificationOrderFactory(
            organization=OrganizationFactory(region=region("150102")),
            department=registrar.department,
            issued_by=registrar,
        )
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_order_from_an_evaluation_needs_the_evaluation(client, registrar, organization):
    client.force_login(registrar)
    url = reverse("supervision:order-create") + f"?organization={organization.uscc}"
    response = client.post(
        url,
        {
            "source": "evaluation",
            "requirements": "改进服务质量",
            "issued_on": today().isoformat(),
            "deadline": (today() + 30 * DAY).isoformat(),
        },
    )
    assert response.status_code == 200
    assert "来源为绩效评价时须选择该次评价。" in text_of(response)


def test_removable_listings_link_to_the_registry_removal(client, registrar, member, organization):
    order = RectificationOrderFactory(
        organization=organization,
        department=registrar.department,
        issued_by=registrar,
        issued_on=today() - 40 * DAY,
        deadline=today() - 10 * DAY,
    )
    check_deadlines(on=today() - 5 * DAY)
    listing = CreditListing.objects.get(organization=organization)
    client.force_login(registrar)
    assert "removable-empty" in text_of(client.get(reverse("supervision:listings-removable")))

    services.order_answer(actor=member, order=order, text="已整改")
    services.order_verify(actor=registrar, order=order)
    response = client.get(reverse("supervision:listings-removable"))
    assert f'href="{reverse("registry:listing-remove", args=[organization.uscc, listing.pk])}"' in text_of(response)
    assert response.context["listings"].paginator.count == 1
    order_page = text_of(client.get(reverse("supervision:order-detail", args=[order.pk])))
    assert 'data-testid="escalation"' in order_page

    other_region = RegistrarFactory(department__region=region("150200"))
    client.force_login(other_region)
    assert "removable-empty" in text_of(client.get(reverse("supervision:listings-removable")))


# ---- complaints (officials) ------------------------------------------------------------------------------------


def test_review_uphold_and_open_order(client, registrar, complaint):
    client.force_login(registrar)
    detail_url = reverse("supervision:complaint-detail", args=[complaint.pk])
    page = text_of(client.get(detail_url))
    assert 'data-testid="accept"' in page and 'data-testid="start-review"' not in page
    response = client.post(
        reverse("supervision:complaint-accept", args=[complaint.pk]),
        {"decided_on": today().isoformat(), "handling_deadline": (today() + datetime.timedelta(days=30)).isoformat()},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.ACCEPTED
    assert (complaint.acceptance_decided_on, complaint.handling_deadline) == (
        today(),
        today() + datetime.timedelta(days=30),
    )
    assert 'data-testid="start-review"' in text_of(client.get(detail_url))
    client.post(reverse("supervision:complaint-review", args=[complaint.pk]))
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.UNDER_REVIEW and complaint.handler == registrar

    decide = reverse("supervision:complaint-decide", args=[complaint.pk])
    response = client.post(decide, {"decision": "upheld", "reasoning": "", "internal_note": ""})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post(
        decide, {"decision": "upheld", "reasoning": "经实地核查，服务人员确未按约定上门。", "internal_note": "电话回访"}
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.UPHELD and complaint.internal_note == "电话回访"

    page = text_of(client.get(detail_url))
    assert 'data-testid="open-order"' in page
    response = client.post(
        reverse("supervision:complaint-order", args=[complaint.pk]),
        {
            "requirements": "按约定提供上门服务",
            "issued_on": today().isoformat(),
            "deadline": (today() + 7 * DAY).isoformat(),
        },
    )
    order = RectificationOrder.objects.get()
    assert response.url == reverse("supervision:order-detail", args=[order.pk])
    assert order.complaint == complaint and order.source == "complaint"
    assert 'data-testid="open-order"' not in text_of(client.get(detail_url))
    again = client.post(
        reverse("supervision:complaint-order", args=[complaint.pk]),
        {"requirements": "再次", "issued_on": today().isoformat(), "deadline": (today() + 7 * DAY).isoformat()},
    )
    assert "不能重复下达" in text_of(again)


def test_dismiss_a_complaint(client, purchaser, complaint):
    services.complaint_accept(actor=purchaser, complaint=complaint)
    services.complaint_start_review(actor=purchaser, complaint=complaint)
    client.force_login(purchaser)
    client.post(
        reverse("supervision:complaint-decide", args=[complaint.pk]),
        {"decision": "dismissed", "reasoning": "经核实，服务已按合同提供。"},
    )
    complaint.refresh_from_db()
    assert complaint.status == Complaint.Status.DISMISSED


def test_contact_data_only_for_handling_officials(client, registrar, complaint):
    url = reverse("supervision:complaint-detail", args=[complaint.pk])
    client.force_login(registrar)
    html = text_of(client.get(url))
    assert "王秀兰" in html and "13912345678" in html

    superuser = SuperuserFactory()
    client.force_login(superuser)
    response = client.get(url)
    assert response.status_code == 200
    assert "王秀兰" not in text_of(response) and "13912345678" not in text_of(response)
    assert 'data-testid="contact-hidden"' in text_of(response)

    queue = text_of(get_as(client, registrar, reverse("supervision:complaint-queue")))
    assert complaint.tracking_code in queue and "13912345678" not in queue


def test_complaint_queue_open_first_and_constant_queries(client, registrar, organization):
    decided = ComplaintFactory(
        organization=organization,
        status=Complaint.Status.DISMISSED,
        handler=registrar,
        decided_by=registrar,
        decided_at=timezone.now(),
        reasoning="不属实",
    )
    fresh = ComplaintFactory(organization=organization)
    client.force_login(registrar)
    url = reverse("supervision:complaint-queue")
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert [row.record.pk for row in response.context["table"].page.object_list] == [fresh.pk, decided.pk]
    for _ in range(6):
        ComplaintFactory(
            organization=OrganizationFactory(region=region("150102")),
            contract=None,
            status=Complaint.Status.UNDER_REVIEW,
            handler=registrar,
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)
    assert len(many) == len(few)
    assert response.context["table"].paginator.count == 8
    filtered = client.get(url, {"q": fresh.tracking_code})
    assert [row.record.pk for row in filtered.context["table"].page.object_list] == [fresh.pk]


def test_navigation_shows_supervision_entries_by_role(client, registrar, member):
    client.force_login(registrar)
    work = text_of(client.get(reverse("portal:home")))
    for label in ("监督检查", "整改通知", "投诉处理"):
        assert label in work
    client.force_login(member)
    assert "我的整改通知" in text_of(client.get(reverse("portal:home")))
    purchaser = PurchaserFactory(department=PurchasingDepartmentFactory(region=region("150200")))
    client.force_login(purchaser)
    assert reverse("supervision:complaint-queue") in text_of(client.get(reverse("portal:home")))
