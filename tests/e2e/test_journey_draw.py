"""The registrar's random draw (抽查) in a browser: the region is typed, a suggestion picked, and the preview of the
draw follows; typed and confirmed (leaving the field) works the same; the page fits a phone."""

from __future__ import annotations

import os
import re

from django.urls import reverse
from playwright.sync_api import expect

from tests.factories import DepartmentFactory, OrganizationFactory, RegistrarFactory, region

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
SHOTS = os.environ.get("E2E_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def test_the_draw_region_is_typed_picked_and_previewed(live_server, browser, regions, login):
    bureau = DepartmentFactory(name="呼和浩特市民政局", code="MZ150100", region=region("150100"))
    registrar = RegistrarFactory(department=bureau)
    OrganizationFactory.create_batch(4, region=region("150105"), registration_authority=bureau)
    OrganizationFactory.create_batch(2, region=region("150102"), registration_authority=bureau)
    url = live_server.url + reverse("supervision:draw-create")

    context = browser.new_context(viewport=DESKTOP, locale="zh-CN")
    page = context.new_page()
    login(page, registrar)
    page.goto(url)
    region_input = page.locator("#id_region")
    preview = page.get_by_test_id("draw-preview")

    # Part of the name: the suggestions come, one is picked from the list the browser shows under the field.
    region_input.press_sequentially("赛罕", delay=60)
    options = page.locator("#id_region-suggestions option")
    expect(options.first).to_have_attribute("value", "呼和浩特市赛罕区（150105）")
    shot(page, "draw-typed-1366")
    # Headless Chromium draws no list to click: pick as the browser does, the option's value with an input event.
    options.first.evaluate(
        """option => {
            const field = document.getElementById("id_region");
            field.value = option.value;
            field.dispatchEvent(new InputEvent("input", {bubbles: true, inputType: "insertReplacementText"}));
        }"""
    )
    expect(region_input).to_have_value("呼和浩特市赛罕区（150105）")
    expect(preview).to_contain_text("赛罕区")
    expect(preview).to_contain_text("目前有 4 个正常登记的社会组织")
    shot(page, "draw-picked-1366")
    assert page.url == url

    # Typed in full (a code) and confirmed by leaving the field.
    region_input.fill("150102")
    region_input.press("Tab")
    expect(preview).to_contain_text("新城区")
    expect(preview).to_contain_text("目前有 2 个正常登记的社会组织")
    # A rate typed afterwards updates the figures of the chosen region.
    page.fill("#id_rate", "50")
    page.locator("#id_rate").press("Tab")
    expect(preview).to_contain_text("按 50% 将抽取 1 个")
    # Text that names no region of the registrar's says so.
    region_input.fill("包头市青山区（150204）")
    region_input.press("Tab")
    expect(preview).to_contain_text("没有找到")
    context.close()

    phone = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = phone.new_page()
    login(page, registrar)
    page.goto(url + "?region=150105")
    expect(page.get_by_test_id("draw-preview")).to_contain_text(re.compile("赛罕区"))
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"the draw page is {width} px wide in a {inner} px screen"
    shot(page, "draw-390")
    phone.close()
