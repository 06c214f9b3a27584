"""A performance evaluation in the browser: three evaluators accept with a no-conflict declaration, score (the running
weighted total follows their typing through htmx) and submit; the purchaser finalizes; a visitor who is not logged
in finds the grade on /evaluations/."""

import datetime
from decimal import Decimal

from playwright.sync_api import expect

from evaluations import services
from evaluations.models import Evaluation, IndicatorSet
from tests.factories import (
    EvaluatorProfileFactory,
    IndicatorFactory,
    IndicatorSetFactory,
    OrganizationFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    SignedContractFactory,
    region,
)


def build_indicator_set() -> tuple[IndicatorSet, list]:
    """产出 (60: 服务数量 30 and 服务质量 30, each scored out of 10) and 效益 (40: 服务对象满意度, out of 100)."""
    indicator_set = IndicatorSetFactory(name="居家养老服务绩效评价指标", status=IndicatorSet.Status.ACTIVE)
    output = IndicatorFactory(indicator_set=indicator_set, code="C", name="产出", weight=60, max_score=60, order=1)
    effect = IndicatorFactory(indicator_set=indicator_set, code="D", name="效益", weight=40, max_score=40, order=2)
    leaves = [
        IndicatorFactory(
            indicator_set=indicator_set, parent=output, code="C1", name="服务数量", weight=30, max_score=10, order=1
        ),
        IndicatorFactory(
            indicator_set=indicator_set, parent=output, code="C2", name="服务质量", weight=30, max_score=10, order=2
        ),
        IndicatorFactory(
            indicator_set=indicator_set,
            parent=effect,
            code="D1",
            name="服务对象满意度",
            weight=40,
            max_score=100,
            order=1,
            guidance="按第三方满意度调查结果评分",
        ),
    ]
    return indicator_set, leaves


def open_work_item(page, label: str) -> None:
    """Open a page of the signed-in user's work menu."""
    page.click("[data-testid=work-menu]")
    page.click(f"[data-nav=work] >> text={label}")
    page.wait_for_load_state()


def score_as(page, live_server, login, evaluator, leaves, scores, totals, comments=None):
    """Log in as the evaluator, accept the invitation, type the scores (checking the running total after each),
    and submit."""
    page.context.clear_cookies()
    login(page, evaluator)
    open_work_item(page, "我的评价任务")
    page.click("[data-testid=invitation]")
    expect(page.locator("[data-testid=evidence]")).to_have_count(0)
    page.check("[name=accept-confirm_no_conflict]")
    page.click("[data-testid=accept]")
    page.wait_for_load_state()
    expect(page.locator("[data-testid=assignment-status]")).to_have_text("已接受")
    expect(page.locator("[data-testid=evidence]")).to_be_visible()
    running = page.locator("[data-testid=running-total]")
    expect(running).to_have_text("0.00")
    for leaf, score, total in zip(leaves, scores, totals, strict=True):
        page.fill(f"input[name=score_{leaf.pk}]", score)
        expect(running).to_have_text(total)
    for leaf, comment in (comments or {}).items():
        page.fill(f"textarea[name=comment_{leaf.pk}]", comment)
    expect(page.locator("[data-testid=needs-comment]")).to_have_count(0)
    page.click("[data-testid=submit-scores]")
    page.wait_for_load_state()
    expect(page.locator("[data-testid=assignment-status]")).to_have_text("已提交")
    expect(page.locator("[data-testid=sheet-total]")).to_have_text(totals[-1])


def test_three_evaluators_score_the_official_finalizes_the_public_sees_the_grade(live_server, page, regions, login):
    department = PurchasingDepartmentFactory(region=region("150100"), name="呼和浩特市民政局")
    purchaser = PurchaserFactory(department=department, display_name="高建国")
    organization = OrganizationFactory(name="呼和浩特市夕阳红养老服务中心")
    contract = SignedContractFactory(
        department=department, organization=organization, title="居家养老上门服务项目", status="performing"
    )
    indicator_set, leaves = build_indicator_set()
    evaluation = services.evaluation_create(
        actor=purchaser,
        contract=contract,
        kind=Evaluation.Kind.FINAL,
        indicator_set=indicator_set,
        period_start_on=datetime.date(2026, 3, 1),
        period_end_on=datetime.date(2027, 2, 28),
        due_on=datetime.date(2027, 3, 31),
    )
    evaluators = [EvaluatorProfileFactory(user__display_name=name).user for name in ("王建华", "李秀英", "赵志强")]
    for evaluator in evaluators:
        services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=evaluator)
    services.evaluation_start_scoring(actor=purchaser, evaluation=evaluation)

    # 9/10 × 30 + 8/10 × 30 + 90/100 × 40 = 27 + 24 + 36 = 87.00
    score_as(page, live_server, login, evaluators[0], leaves, ["9", "8", "90"], ["27.00", "51.00", "87.00"])
    # 30 + 27 + 38 = 95.00
    score_as(page, live_server, login, evaluators[1], leaves, ["10", "9", "95"], ["30.00", "57.00", "95.00"])
    # 24 + 15 + 34 = 73.00; 5 out of 10 is below 60 % and needs a comment
    score_as(
        page,
        live_server,
        login,
        evaluators[2],
        leaves,
        ["8", "5", "85"],
        ["24.00", "39.00", "73.00"],
        comments={leaves[1]: "服务记录中有三次上门未按约定时间到达"},
    )

    page.context.clear_cookies()
    login(page, purchaser)
    open_work_item(page, "绩效评价管理")
    page.click(f"text={contract.number}")
    expect(page.locator("[data-testid=ready-to-finalize]")).to_be_visible()
    expect(page.locator("[data-testid=progress-row][data-status=submitted]")).to_have_count(3)
    page.click("[data-testid=finalize]")
    page.click("[data-testid=submit]")
    page.wait_for_load_state()
    expect(page.locator(".alert-success")).to_contain_text("综合得分 85.00，等级良")
    evaluation.refresh_from_db()
    assert evaluation.score == Decimal("85.00")

    page.context.clear_cookies()
    page.goto(f"{live_server.url}/evaluations/")
    expect(page.locator("[data-testid=login-link]")).to_be_visible()
    row = page.locator(f"[data-evaluation='{evaluation.pk}']")
    expect(row).to_contain_text(contract.number)
    expect(row).to_contain_text("呼和浩特市夕阳红养老服务中心")
    expect(row.locator("[data-grade=good]")).to_have_text("良")
    row.locator(f"text={contract.number}").click()
    expect(page.locator("[data-testid=aggregate-score]")).to_have_text("85.00")
    expect(page.locator("[data-testid=grade]")).to_have_text("良")
    expect(page.locator("[data-testid=evaluator-results]")).not_to_contain_text("王建华")
    expect(page.locator("[data-testid=report-pdf]")).to_be_visible()
