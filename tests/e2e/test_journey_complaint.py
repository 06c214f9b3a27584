"""A citizen files a complaint without logging in; an official upholds it and orders the organization to put it right;
the organization's member answers with evidence; the official verifies the answer; the citizen looks the complaint up
by its tracking code and sees the outcome."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.factories import (
    UPLOAD_SAMPLES,
    DepartmentFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    RegistrarFactory,
    region,
)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def logout(page):
    page.click("[data-testid=user-menu]")
    page.click("[data-testid=logout]")
    page.wait_for_load_state()


def test_complaint_upheld_order_answered_and_verified(live_server, page, regions, login, media_root):
    bureau = DepartmentFactory(name="呼和浩特市民政局", region=region("150100"))
    official = RegistrarFactory(department=bureau, display_name="赵建国")
    organization = OrganizationFactory(
        name="新城区夕阳红居家养老服务中心", region=region("150102"), registration_authority=bureau
    )
    member = OrganizationMemberFactory(organization=organization, display_name="李淑芬")
    deadline = (timezone.localdate() + datetime.timedelta(days=14)).isoformat()

    # A citizen files a complaint, without logging in, and keeps the tracking code.
    page.goto(live_server.url + "/")
    page.click("[data-nav=main] >> text=投诉举报")
    page.fill("input[name=organization]", organization.uscc)
    page.fill("input[name=subject]", "上门服务人员多次未到岗")
    page.fill("textarea[name=text]", "十一月预约的三次助浴服务均无人上门，电话也无人接听。")
    page.fill("input[name=contact_name]", "王秀兰")
    page.fill("input[name=contact_phone]", "13912345678")
    page.click("[data-testid=submit]")
    code_box = page.locator("[data-testid=tracking-code]")
    expect(code_box).to_have_text(re.compile(r"^[2-9A-Z]{12}$"))
    tracking_code = code_box.inner_text().strip()

    # The official of the region takes it up, upholds it and issues an order.
    login(page, official)
    page.click("[data-testid=work-menu]")
    page.click("[data-nav=work] >> text=投诉处理")
    page.click(f"text={tracking_code}")
    expect(page.locator("[data-testid=contact-data]")).to_contain_text("13912345678")
    page.click("[data-testid=accept]")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=complaint-status]")).to_have_text("已受理")
    expect(page.locator("[data-testid=handling-deadline]")).to_be_visible()
    page.click("[data-testid=start-review]")
    expect(page.locator("[data-testid=complaint-status]")).to_have_text("调查核实中")
    page.check("input[name=decision][value=upheld]")
    page.fill("textarea[name=reasoning]", "经实地核查，服务中心确有三次未按约定上门，已责令限期整改。")
    page.click("[data-testid=decide-submit]")
    expect(page.locator("[data-testid=complaint-status]")).to_have_text("已办结：属实")
    page.click("[data-testid=open-order]")
    page.fill("textarea[name=requirements]", "按合同约定提供上门服务，建立服务排班和回访制度。")
    page.fill("input[name=deadline]", deadline)
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=order-status]")).to_have_text("已下达")
    order_url = page.url
    logout(page)

    # The organization's member answers with evidence.
    login(page, member)
    page.click("[data-testid=work-menu]")
    page.click("[data-nav=work] >> text=我的整改通知")
    page.click("[data-testid=order-table] a[href*='/supervision/orders/']")
    page.fill("textarea[name=text]", "已建立服务排班表和回访制度，补做了三次助浴服务。")
    page.set_input_files(
        "input[name=files]",
        files=[{"name": "排班表.pdf", "mimeType": "application/pdf", "buffer": UPLOAD_SAMPLES["pdf"]}],
    )
    page.click("[data-testid=answer-submit]")
    expect(page.locator("[data-testid=order-status]")).to_have_text("已答复")
    expect(page.locator("[data-testid=responses]")).to_contain_text("排班表.pdf")
    logout(page)

    # The official verifies the answer.
    login(page, official)
    page.goto(order_url)
    page.check("input[name=decision][value=verify]")
    page.fill("textarea[name=comment]", "经回访核实，整改到位。")
    page.click("[data-testid=decide-submit]")
    expect(page.locator("[data-testid=order-status]")).to_have_text("已核验")
    logout(page)

    # The citizen looks the complaint up and sees the outcome, never anyone's contact data.
    page.click("[data-nav=main] >> text=投诉举报")
    page.click("[data-testid=track-link]")
    page.fill("input[name=code]", tracking_code.lower())
    page.click("[data-testid=track-form] button[type=submit]")
    status = page.locator("[data-testid=complaint-status]")
    expect(page.locator("[data-testid=status-label]")).to_have_text("已办结：属实")
    expect(page.locator("[data-testid=reasoning]")).to_contain_text("已责令限期整改")
    expect(page.locator("[data-testid=order-issued]")).to_be_visible()
    expect(status).not_to_contain_text("13912345678")
    expect(status).not_to_contain_text("王秀兰")

    # The organization's public page counts the upheld complaint and lists the closed order.
    page.goto(f"{live_server.url}/organizations/{organization.uscc}/")
    expect(page.locator("[data-testid=upheld-complaints]")).to_contain_text("1")
    expect(page.locator("[data-testid=closed-orders]")).to_contain_text("建立服务排班和回访制度")
