"""Every page a phone user opens fits a 390 px screen: the page never scrolls sideways (tables scroll inside their
own box with the first column pinned), and the navigation collapses behind its toggler. English navigation fits on
one line at 1366 px."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.urls import reverse

from contracts.models import Contract
from evaluations.models import Assignment, Evaluation
from registry.models import Organization
from supervision.models import Complaint

DEMO_PASSWORD = "qiyue-demo-2026"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(regions):
    call_command("seed_demo", verbosity=0)


def sign_in(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("[data-testid=login-submit]")
    page.wait_for_load_state()


def assert_fits(page, base, path):
    response = page.goto(base + path)
    assert response.status == 200, path
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"{path} is {width} px wide in a {inner} px screen"


def test_pages_fit_a_phone(live_server, browser, demo):
    base = live_server.url
    organization = Organization.objects.get(name="呼和浩特市赛罕区阳光社会工作服务中心")
    contract = Contract.objects.filter(organization=organization, status=Contract.Status.PERFORMING).first()
    complaint = Complaint.objects.order_by("pk").last()
    result = Evaluation.objects.filter(status=Evaluation.Status.FINALIZED).first()
    scoring = Assignment.objects.filter(status=Assignment.Status.SUBMITTED, evaluation__status="scoring").first()

    public = browser.new_context(viewport=PHONE, locale="zh-CN")
    page = public.new_page()
    for path in (
        "/",
        reverse("registry:organization-list"),
        reverse("registry:organization-detail", args=[organization.uscc]),
        reverse("contracts:contract-list"),
        reverse("contracts:contract-detail", args=[contract.number]),
        reverse("supervision:complaint-create"),
        f"{reverse('supervision:complaint-track')}?code={complaint.tracking_code}",
        reverse("evaluations:evaluation-detail", args=[result.pk]),
        f"{reverse('portal:search')}?q=阳光",
    ):
        assert_fits(page, base, path)
    # The navigation is collapsed behind the toggler, which opens it.
    assert not page.locator("#nav").is_visible()
    page.click(".navbar-toggler")
    page.locator("#nav").wait_for(state="visible")
    public.close()

    for username, paths in (
        (
            "member_yg",
            [
                reverse("contracts:contract-detail", args=[contract.number]),
                reverse("portal:workspace"),
                reverse("portal:todo"),
            ],
        ),
        (
            "purchaser_hh",
            [
                reverse("contracts:contract-detail", args=[contract.number]),
                reverse("contracts:contract-manage"),
                reverse("portal:workspace"),
                reverse("portal:todo"),
            ],
        ),
        (scoring.evaluator.username, [reverse("evaluations:task-detail", args=[scoring.pk])]),
    ):
        context = browser.new_context(viewport=PHONE, locale="zh-CN")
        page = context.new_page()
        sign_in(page, base, username)
        for path in paths:
            assert_fits(page, base, path)
        # Buttons are never cut off: each lies inside the screen or inside a box that scrolls.
        cut = page.evaluate(
            """() => [...document.querySelectorAll('main .btn')].filter(b => {
                   const r = b.getBoundingClientRect();
                   return r.width && r.right > innerWidth + 1 && !b.closest('table');
               }).map(b => b.textContent.trim())"""
        )
        assert cut == [], f"{username}: buttons cut off: {cut}"
        context.close()


def test_english_navigation_fits_on_one_line(live_server, browser, demo):
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en")
    page = context.new_page()
    sign_in(page, live_server.url, "purchaser_hh")
    with page.expect_navigation():
        page.select_option("[data-testid=language-select]", "en")
    page.wait_for_load_state()
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    # One line: every entry starts within a few pixels of the others, and the bar is one row high.
    tops = page.evaluate(
        "[...document.querySelectorAll('.navbar-nav > .nav-item')].map(i => i.getBoundingClientRect().top)"
    )
    assert max(tops) - min(tops) < 20, f"the navigation wraps onto a second line: {tops}"
    assert page.evaluate("document.querySelector('nav.navbar').getBoundingClientRect().height") < 80
    # The selector is wide enough for "English" (it used to be cut to "Engli").
    assert page.locator("[data-testid=language-select]").bounding_box()["width"] >= 95
    context.close()
