"""The 待办 as a member and a purchaser live it.

1. A member logs in and lands on 待办: the overdue deliverable is there, marked overdue.
2. The member follows it to the submission page and submits the report with a PDF; it leaves their 待办.
3. The purchaser logs in and lands on 待办: the submission waits for acceptance there, and the bell counts the
   notification of it; the item leads to the acceptance page; beside the 待办, the department's dashboard.
"""

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_journey_contract import small_pdf, switch_user
from tests.factories import (
    DeliverableFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    SignedContractFactory,
    region,
)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def test_member_submits_the_overdue_deliverable_from_the_todo_and_the_purchaser_sees_it(
    live_server, page, regions, login, media_root, tmp_path
):
    today = timezone.localdate()
    department = PurchasingDepartmentFactory(
        name="呼和浩特市卫生健康委员会（测试）", code="HHINBOX", region=region("150100")
    )
    purchaser = PurchaserFactory(department=department, display_name="王建国")
    organization = OrganizationFactory(name="青城社会工作服务中心")
    member = OrganizationMemberFactory(organization=organization, display_name="其其格")
    contract = SignedContractFactory(
        number="HHINBOX-2026-0001",
        department=department,
        organization=organization,
        status="performing",
        start_on=today - datetime.timedelta(days=120),
        end_on=today + datetime.timedelta(days=200),
        signed_on=today - datetime.timedelta(days=125),
    )
    deliverable = DeliverableFactory(
        contract=contract, title="第三季度服务报告", due_on=today - datetime.timedelta(days=3), payment_share=100
    )
    evidence = small_pdf(tmp_path / "服务台账.pdf")

    # 1. The member lands on 待办 and sees the overdue deliverable.
    login(page, member)
    expect(page).to_have_url(f"{live_server.url}/todo/")
    group = page.locator("[data-kind='contracts.due']")
    expect(group).to_contain_text("第三季度服务报告")
    expect(group.locator("[data-testid=todo-overdue]")).to_be_visible()
    page.screenshot(path=str(tmp_path / "todo-member.png"), full_page=True)

    # 2. The member follows it and submits.
    group.locator("a", has_text="第三季度服务报告").click()
    expect(page).to_have_url(f"{live_server.url}/contracts/{contract.number}/deliverables/{deliverable.pk}/submit/")
    page.fill("textarea[name=report]", "第三季度完成助餐、助洁服务 3,100 人次，附服务台账。")
    page.set_input_files("input[name=files]", [str(evidence)])
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=deliverable-status]")).to_have_text("已提交")
    page.goto(f"{live_server.url}/todo/")
    expect(page.locator("[data-kind='contracts.due']")).to_have_count(0)

    # 3. The purchaser lands on 待办: the submission waits for acceptance; the bell counts its notification.
    switch_user(page, login, purchaser)
    expect(page).to_have_url(f"{live_server.url}/todo/")
    waiting = page.locator("[data-kind='contracts.submissions']")
    expect(waiting).to_contain_text("第三季度服务报告")
    expect(page.locator("[data-testid=unread-count]")).to_have_text("1")
    page.screenshot(path=str(tmp_path / "todo-purchaser.png"), full_page=True)
    waiting.locator("a", has_text="第三季度服务报告").click()
    expect(page.locator("[data-testid=accept]")).to_be_visible()

    page.goto(f"{live_server.url}/todo/")
    page.click("[data-testid=dashboard-link]")
    expect(page.locator("[data-testid=official-dashboard]")).to_contain_text("履行中")

    page.click("[data-testid=notification-bell]")
    expect(page.locator("[data-testid=notification]")).to_contain_text("青城社会工作服务中心")
