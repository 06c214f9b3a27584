"""A visitor switches the language; a purchaser logs in, sees the navigation of that role and logs out."""

import re

from playwright.sync_api import expect

from tests.factories import PurchaserFactory


def test_visitor_switches_language_then_purchaser_logs_in_and_out(live_server, page, regions, login):
    page.goto(live_server.url + "/")
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page).to_have_title(re.compile("契约"))
    expect(page.locator("[data-testid=search-input]")).to_be_visible()
    page.select_option("[data-testid=language-select]", "en")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("[data-testid=login-link]")).to_have_text("Log in")
    page.select_option("[data-testid=language-select]", "zh-hans")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")

    purchaser = PurchaserFactory(display_name="刘海峰")
    login(page, purchaser)
    work_nav = page.locator("[data-nav=work]")
    expect(work_nav).to_contain_text("我的工作台")
    expect(work_nav).not_to_contain_text("系统管理")
    page.click("[data-testid=work-menu]")
    page.click("[data-nav=work] >> text=我的工作台")
    expect(page.locator("[data-testid=roles]")).to_contain_text("购买主体人员")
    expect(page.locator("[data-testid=region]")).to_contain_text("呼和浩特市")

    page.click("[data-testid=user-menu]")
    page.click("[data-testid=logout]")
    page.wait_for_load_state()
    expect(page.locator("[data-testid=login-link]")).to_be_visible()
    expect(page.locator("[data-nav=work]")).not_to_contain_text("我的工作台")
