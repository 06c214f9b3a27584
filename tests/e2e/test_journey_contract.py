"""A purchaser publishes a list and signs a contract; the organization delivers, is sent back once, and is accepted.

1. The purchaser creates a purchase list with one item and publishes it.
2. From the item the purchaser registers a contract with an eligible organization (valid rating, so no warnings),
   adds its one deliverable and signs it.
3. A member of the organization submits the deliverable with a report and a PDF file.
4. The purchaser returns it with a comment; the member sees the comment and submits again.
5. The purchaser accepts it; the public contract page shows the deliverable accepted.
"""

import datetime

import pytest
from playwright.sync_api import expect
from reportlab.pdfgen import canvas

from tests.factories import (
    OrganizationFactory,
    OrganizationMemberFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    RatingFactory,
    region,
)


@pytest.fixture
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def small_pdf(path):
    """A real one-page PDF (reportlab), the kind of evidence an organization uploads."""
    document = canvas.Canvas(str(path))
    document.drawString(72, 720, "Service ledger 2026")
    document.save()
    return path


def switch_user(page, login, user):
    page.context.clear_cookies()
    login(page, user)


def test_purchase_list_contract_and_deliverable_with_return_and_resubmission(
    live_server, page, regions, login, media_root, tmp_path
):
    department = PurchasingDepartmentFactory(name="呼和浩特市民政局购买服务处", code="HHJOUR", region=region("150100"))
    purchaser = PurchaserFactory(department=department, display_name="王建国")
    organization = OrganizationFactory(name="青城社会工作服务中心")
    RatingFactory(organization=organization, awarded_on=datetime.date(2024, 3, 1))
    member = OrganizationMemberFactory(organization=organization, display_name="其其格")
    evidence = small_pdf(tmp_path / "服务台账.pdf")
    fixed = small_pdf(tmp_path / "回访记录.pdf")

    # 1. The purchaser publishes a list with one item.
    login(page, purchaser)
    page.click("[data-testid=work-menu]")
    page.click("[data-nav=work] >> text=新建购买目录")
    page.fill("input[name=title]", "2027 年养老服务购买目录")
    page.fill("input[name=year]", "2026")
    page.click("[data-testid=submit]")
    expect(page.locator("h1")).to_have_text("2027 年养老服务购买目录")
    expect(page.locator("[data-testid=list-status]")).to_have_text("草稿")

    page.click("[data-testid=item-create]")
    page.fill("input[name=code]", "YL-001")
    page.select_option("select[name=category]", "basic_public")
    page.fill("input[name=subcategory]", "养老服务")
    page.fill("input[name=service_name]", "居家养老上门服务")
    page.fill("input[name=quantity]", "12000")
    page.fill("input[name=unit]", "人次")
    page.fill("input[name=budget]", "300000")
    page.fill("input[name=service_start_on]", "2026-12-01")
    page.fill("input[name=service_end_on]", "2027-11-30")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=item-row]")).to_contain_text("居家养老上门服务")

    page.click("[data-testid=list-publish]")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=list-status]")).to_have_text("已发布")

    # 2. A contract from the item, one deliverable, signed.
    page.click("[data-testid=item-contract-create]")
    expect(page.locator("input[name=title]")).to_have_value("居家养老上门服务")
    page.fill("input[name=organization]", organization.uscc)
    page.select_option("select[name=method]", "competitive_consultation")
    page.fill("input[name=amount]", "150000")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=contract-status]")).to_have_text("草稿")
    expect(page.locator("[data-testid=contract-number]")).to_have_text("HHJOUR-2026-0001")

    page.click("[data-testid=deliverable-create]")
    page.fill("input[name=title]", "上半年服务报告")
    page.fill("input[name=due_on]", "2027-05-31")
    page.fill("input[name=payment_share]", "100")
    page.fill("textarea[name=acceptance_criteria]", "服务人次达到计划的 95% 以上")
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=deliverable-row]")).to_contain_text("上半年服务报告")

    page.click("[data-testid=contract-sign]")
    expect(page.locator("[data-testid=signing-ok]")).to_be_visible()
    expect(page.locator("[data-testid=signing-warnings]")).to_have_count(0)
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=contract-status]")).to_have_text("已签订")
    contract_url = page.url

    # 3. The organization submits the deliverable with a file.
    switch_user(page, login, member)
    page.click("[data-testid=work-menu]")
    page.click("[data-nav=work] >> text=我的合同")
    page.click("text=HHJOUR-2026-0001")
    page.click("[data-testid=submit-deliverable]")
    page.fill("textarea[name=report]", "上半年完成助餐、助洁服务 6,200 人次，附服务台账。")
    page.set_input_files("input[name=files]", [str(evidence)])
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=deliverable-status]")).to_have_text("已提交")
    expect(page.locator("[data-testid=submission]")).to_contain_text("服务台账.pdf")

    # 4. The purchaser returns it with a comment; the member resubmits.
    switch_user(page, login, purchaser)
    page.goto(contract_url)
    page.click("[data-testid=decide-deliverable]")
    expect(page.locator("[data-testid=submission]")).to_contain_text("服务台账.pdf")
    page.fill("textarea[name=comment]", "缺少服务对象回访记录，请补充。")
    page.click("[data-testid=return]")
    expect(page.locator("[data-testid=deliverable-status]")).to_have_text("已退回")

    switch_user(page, login, member)
    page.goto(contract_url)
    expect(page.locator("[data-testid=decision-comment]")).to_have_text("缺少服务对象回访记录，请补充。")
    page.click("[data-testid=submit-deliverable]")
    expect(page.locator("[data-testid=previous-submissions]")).to_contain_text("缺少服务对象回访记录")
    page.fill("textarea[name=report]", "已补充 30 户服务对象的回访记录。")
    page.set_input_files("input[name=files]", [str(evidence), str(fixed)])
    page.click("[data-testid=submit]")
    expect(page.locator("[data-testid=deliverable-status]")).to_have_text("已提交")
    expect(page.locator("[data-testid=submission]")).to_have_count(2)

    # 5. The purchaser accepts it.
    switch_user(page, login, purchaser)
    page.goto(contract_url)
    page.click("[data-testid=decide-deliverable]")
    expect(page.locator("[data-testid=submission]")).to_contain_text("回访记录.pdf")
    page.fill("textarea[name=comment]", "材料齐全，同意验收。")
    page.click("[data-testid=accept]")
    expect(page.locator("[data-testid=deliverable-status]")).to_have_text("已验收")

    # The public sees the signed contract and the accepted deliverable, but not the evidence.
    page.context.clear_cookies()
    page.goto(contract_url)
    expect(page.locator("[data-testid=deliverable-status]")).to_have_text("已验收")
    expect(page.locator("[data-testid=organization]")).to_contain_text("青城社会工作服务中心")
    expect(page.locator("[data-testid=submission]")).to_have_count(0)
