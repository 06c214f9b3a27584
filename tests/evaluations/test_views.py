"""Evaluation pages: who may open each page, and the officials' and evaluators' forms calling the services.

The rule every page follows: anonymous users are sent to log in (the public results excepted), signed-in users
without the page's role get 403, objects outside the user's reach (another region, another evaluator's task, an
evaluation not yet public) get 404.
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from contracts import services as contract_services
from evaluations import imports, services
from evaluations.models import Assignment, Evaluation, Indicator, IndicatorSet, PerformanceWarning
from tests.evaluations.conftest import create_evaluation, make_set, submit
from tests.factories import (
    DeliverableFactory,
    EvaluatorProfileFactory,
    IndicatorFactory,
    IndicatorSetFactory,
    OrganizationMemberFactory,
    RegistrarFactory,
    SuperuserFactory,
    make_upload,
    region,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def setup(purchaser, chifeng_purchaser, member, contract, evaluation, pool):
    """An evaluation in scoring: pool[0] and pool[1] accepted, pool[2] invited only, pool[3] in the pool but not
    assigned. The contract has a deliverable with a submitted file (evidence)."""
    deliverable = DeliverableFactory(contract=contract)
    submission = contract_services.submission_create(
        actor=member, deliverable=deliverable, report="上半年服务台账", files=[make_upload("pdf", "台账.pdf")]
    )
    assignments = [
        services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=user) for user in pool[:3]
    ]
    for assignment in assignments[:2]:
        services.assignment_accept(actor=assignment.evaluator, assignment=assignment, confirm_no_conflict=True)
    services.evaluation_start_scoring(actor=purchaser, evaluation=evaluation)
    evaluation.refresh_from_db()
    return {
        "evaluation": evaluation,
        "accepted": assignments[0],
        "accepted_other": assignments[1],
        "invited": assignments[2],
        "file": submission.files.get(),
        "users": {
            "anonymous": None,
            "evaluator_unassigned": pool[3],
            "evaluator_invited": pool[2],
            "evaluator_accepted": pool[0],
            "member": member,
            "other_purchaser": chifeng_purchaser,
            "purchaser": purchaser,
        },
    }


def get_as(client, user, url, **kwargs):
    if user is not None:
        client.force_login(user)
    return client.get(url, **kwargs)


def post_as(client, user, url, data=None, **kwargs):
    if user is not None:
        client.force_login(user)
    return client.post(url, data or {}, **kwargs)


def page_messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and reverse("accounts:login") in response["Location"]


def check_matrix(client, users, url, expected, *, method="get", data=None):
    """`expected` maps a user key to a status code, or to "login" for the login redirect."""
    for key, want in expected.items():
        client.logout()
        user = users[key]
        response = get_as(client, user, url) if method == "get" else post_as(client, user, url, data)
        if want == "login":
            assert is_login_redirect(response), (key, url, response.status_code)
        else:
            assert response.status_code == want, (key, url, response.status_code)


OFFICIAL_PAGE = {
    "anonymous": "login",
    "evaluator_unassigned": 403,
    "evaluator_invited": 403,
    "evaluator_accepted": 403,
    "member": 403,
    "other_purchaser": 404,
    "purchaser": 200,
}


# ---- permissions of every page ----------------------------------------------------------------------------------


def test_official_pages_of_one_evaluation(client, setup):
    evaluation = setup["evaluation"]
    for name in ("evaluation-edit", "assignment-invite", "evaluation-finalize"):
        check_matrix(client, setup["users"], reverse(f"evaluations:{name}", args=[evaluation.pk]), OFFICIAL_PAGE)
    withdraw = reverse("evaluations:assignment-withdraw", args=[evaluation.pk, setup["invited"].pk])
    check_matrix(client, setup["users"], withdraw, OFFICIAL_PAGE)


def test_draft_only_official_pages(client, setup, purchaser, contract):
    draft = create_evaluation(purchaser, contract, make_set(), kind=Evaluation.Kind.MID_TERM)
    for name in ("evaluation-start", "evaluation-delete"):
        check_matrix(client, setup["users"], reverse(f"evaluations:{name}", args=[draft.pk]), OFFICIAL_PAGE)


def test_payment_decision_page(client, setup, purchaser):
    evaluation = setup["evaluation"]
    finalize_poor(purchaser, evaluation, setup)
    check_matrix(client, setup["users"], reverse("evaluations:payment-decision", args=[evaluation.pk]), OFFICIAL_PAGE)


def test_manage_list_and_create_pages(client, setup, contract):
    users = setup["users"]
    role_only = {**OFFICIAL_PAGE, "other_purchaser": 200}
    check_matrix(client, users, reverse("evaluations:evaluation-manage"), role_only)
    check_matrix(client, users, reverse("evaluations:evaluation-create"), role_only)
    from_contract = reverse("evaluations:evaluation-create") + f"?contract={contract.number}"
    check_matrix(client, users, from_contract, OFFICIAL_PAGE)


def test_manage_list_shows_only_the_region(client, setup, chifeng_purchaser):
    response = get_as(client, setup["users"]["purchaser"], reverse("evaluations:evaluation-manage"))
    assert setup["evaluation"].contract.number in response.content.decode()
    client.force_login(chifeng_purchaser)
    response = client.get(reverse("evaluations:evaluation-manage"))
    assert setup["evaluation"].contract.number not in response.content.decode()


def test_evaluation_page_before_finalization(client, setup):
    evaluation = setup["evaluation"]
    url = reverse("evaluations:evaluation-detail", args=[evaluation.pk])
    check_matrix(
        client,
        setup["users"],
        url,
        {
            "anonymous": 404,
            "evaluator_unassigned": 404,
            "evaluator_invited": 200,
            "evaluator_accepted": 200,
            "member": 200,
            "other_purchaser": 404,
            "purchaser": 200,
        },
    )
    # Only the officials running it see who was invited and how far each evaluator got.
    for key in ("evaluator_invited", "evaluator_accepted", "member"):
        client.logout()
        page = get_as(client, setup["users"][key], url).content.decode()
        assert 'data-testid="progress"' not in page
        assert 'data-testid="not-final"' in page
        assert str(setup["accepted_other"].evaluator) not in page
    client.logout()
    page = get_as(client, setup["users"]["purchaser"], url).content.decode()
    assert 'data-testid="progress"' in page
    for assignment in (setup["accepted"], setup["accepted_other"], setup["invited"]):
        assert str(assignment.evaluator) in page


def test_task_pages(client, setup):
    users = setup["users"]
    check_matrix(
        client,
        users,
        reverse("evaluations:task-list"),
        {
            "anonymous": "login",
            "evaluator_unassigned": 200,
            "evaluator_invited": 200,
            "evaluator_accepted": 200,
            "member": 403,
            "other_purchaser": 403,
            "purchaser": 403,
        },
    )
    for assignment_key, owner in (("accepted", "evaluator_accepted"), ("invited", "evaluator_invited")):
        expected = {
            "anonymous": "login",
            "evaluator_unassigned": 404,
            "evaluator_invited": 404,
            "evaluator_accepted": 404,
            "member": 403,
            "other_purchaser": 403,
            "purchaser": 403,
        }
        expected[owner] = 200
        check_matrix(client, users, reverse("evaluations:task-detail", args=[setup[assignment_key].pk]), expected)


def test_task_list_shows_only_own_assignments(client, setup):
    client.force_login(setup["users"]["evaluator_accepted"])
    page = client.get(reverse("evaluations:task-list")).content.decode()
    assert reverse("evaluations:task-detail", args=[setup["accepted"].pk]) in page
    assert reverse("evaluations:task-detail", args=[setup["accepted_other"].pk]) not in page
    assert reverse("evaluations:task-detail", args=[setup["invited"].pk]) not in page
    client.force_login(setup["users"]["evaluator_invited"])
    page = client.get(reverse("evaluations:task-list")).content.decode()
    assert 'data-testid="invitation"' in page
    assert reverse("evaluations:task-detail", args=[setup["invited"].pk]) in page


def test_evidence_and_score_form_only_after_accepting(client, setup):
    file_url = reverse("contracts:submission-file", args=[setup["evaluation"].contract.number, setup["file"].pk])
    client.force_login(setup["users"]["evaluator_invited"])
    page = client.get(reverse("evaluations:task-detail", args=[setup["invited"].pk])).content.decode()
    assert 'data-testid="accept-form"' in page
    assert 'data-testid="evidence"' not in page
    assert 'data-testid="score-form"' not in page
    assert "上半年服务台账" not in page
    assert client.get(file_url).status_code == 404

    client.force_login(setup["users"]["evaluator_accepted"])
    page = client.get(reverse("evaluations:task-detail", args=[setup["accepted"].pk])).content.decode()
    assert 'data-testid="evidence"' in page
    assert "上半年服务台账" in page
    assert file_url in page
    assert 'data-testid="score-form"' in page
    download = client.get(file_url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF-")


def test_scoring_endpoints_refuse_who_may_not_score(client, setup):
    users = setup["users"]
    leaf = Indicator.objects.filter(indicator_set=setup["evaluation"].indicator_set, children__isnull=True).first()
    data = {f"score_{leaf.pk}": "80", "action": "save"}
    total_url = reverse("evaluations:task-total", args=[setup["accepted"].pk])
    check_matrix(
        client,
        users,
        total_url,
        {
            "anonymous": 404,
            "evaluator_unassigned": 404,
            "evaluator_invited": 404,
            "evaluator_accepted": 200,
            "member": 403,
            "other_purchaser": 403,
            "purchaser": 403,
        },
        method="post",
        data=data,
    )
    # The invited evaluator cannot score their own task before accepting.
    client.force_login(users["evaluator_invited"])
    response = client.post(reverse("evaluations:task-score", args=[setup["invited"].pk]), data)
    assert response.status_code == 302
    assert any("请先接受评价任务" in message for message in page_messages(response))
    assert not setup["invited"].scores.exists()
    assert client.post(reverse("evaluations:task-total", args=[setup["invited"].pk]), data).status_code == 404


def test_score_sheets_are_never_shown_to_other_evaluators(client, setup, purchaser):
    accepted = setup["accepted"]
    leaf = Indicator.objects.filter(indicator_set=setup["evaluation"].indicator_set, children__isnull=True).first()
    services.score_save_draft(actor=accepted.evaluator, assignment=accepted, entries={leaf.pk: Decimal("71.5")})
    url = reverse("evaluations:assignment-scores", args=[setup["evaluation"].pk, accepted.pk])
    check_matrix(
        client,
        setup["users"],
        url,
        {
            "anonymous": "login",
            "evaluator_unassigned": 404,
            "evaluator_invited": 404,
            "evaluator_accepted": 200,
            "member": 404,
            "other_purchaser": 404,
            # Officials read a sheet once it is submitted, never a draft.
            "purchaser": 404,
        },
    )
    client.force_login(setup["accepted_other"].evaluator)
    assert client.get(url).status_code == 404
    client.force_login(accepted.evaluator)
    assert "71.50" in client.get(url).content.decode()


def test_indicator_set_pages(client, setup):
    users = {
        **setup["users"],
        "registrar": RegistrarFactory(department__region=region("150100")),
    }
    indicator_set = make_set(status=IndicatorSet.Status.DRAFT)
    leaf = indicator_set.indicators.filter(children__isnull=True).first()
    expected = {
        "anonymous": "login",
        "evaluator_accepted": 403,
        "member": 403,
        "registrar": 200,
        "other_purchaser": 200,
        "purchaser": 200,
    }
    urls = [
        reverse("evaluations:indicator-set-list"),
        reverse("evaluations:indicator-set-create"),
        reverse("evaluations:indicator-set-import"),
        reverse("evaluations:indicator-set-detail", args=[indicator_set.pk]),
        reverse("evaluations:indicator-set-edit", args=[indicator_set.pk]),
        reverse("evaluations:indicator-set-activate", args=[indicator_set.pk]),
        reverse("evaluations:indicator-set-delete", args=[indicator_set.pk]),
        reverse("evaluations:indicator-set-export", args=[indicator_set.pk]),
        reverse("evaluations:indicator-create", args=[indicator_set.pk]),
        reverse("evaluations:indicator-edit", args=[indicator_set.pk, leaf.pk]),
        reverse("evaluations:indicator-remove", args=[indicator_set.pk, leaf.pk]),
    ]
    for url in urls:
        check_matrix(client, users, url, expected)
    client.force_login(users["purchaser"])
    assert client.get(reverse("evaluations:indicator-set-detail", args=[99999])).status_code == 404
    other_leaf = make_set().indicators.first()
    assert client.get(reverse("evaluations:indicator-edit", args=[indicator_set.pk, other_leaf.pk])).status_code == 404


def test_public_pages_of_a_finalized_evaluation(client, setup, purchaser):
    evaluation = setup["evaluation"]
    finalize(purchaser, evaluation, setup)
    public = {key: 200 for key in setup["users"]}
    check_matrix(client, setup["users"], reverse("evaluations:evaluation-list"), public)
    check_matrix(client, setup["users"], reverse("evaluations:evaluation-detail", args=[evaluation.pk]), public)
    for name in ("evaluation-report", "evaluation-results-export"):
        check_matrix(client, setup["users"], reverse(f"evaluations:{name}", args=[evaluation.pk]), public)


def test_report_and_export_only_once_finalized(client, setup):
    client.force_login(setup["users"]["purchaser"])
    for name in ("evaluation-report", "evaluation-results-export"):
        assert client.get(reverse(f"evaluations:{name}", args=[setup["evaluation"].pk])).status_code == 404


# ---- helpers driving the evaluation to its end ------------------------------------------------------------------


def finalize(purchaser, evaluation, setup, shares=("0.9", "0.8", "0.7")):
    """Accept the invited evaluator, submit three sheets at the given shares of each maximum, finalize."""
    invited = setup["invited"]
    services.assignment_accept(actor=invited.evaluator, assignment=invited, confirm_no_conflict=True)
    for assignment, share in zip((setup["accepted"], setup["accepted_other"], invited), shares, strict=True):
        assignment.refresh_from_db()
        submit(assignment, share)
    return services.evaluation_finalize(actor=purchaser, evaluation=evaluation)


def finalize_poor(purchaser, evaluation, setup):
    return finalize(purchaser, evaluation, setup, shares=("0.5", "0.5", "0.5"))


# ---- the officials' forms ---------------------------------------------------------------------------------------


def test_create_an_evaluation_from_the_contract_page(client, purchaser, contract, indicator_set):
    client.force_login(purchaser)
    contract_page = client.get(reverse("contracts:contract-detail", args=[contract.number])).content.decode()
    create_url = reverse("evaluations:evaluation-create") + f"?contract={contract.number}"
    assert create_url in contract_page
    form = client.get(create_url)
    assert form.status_code == 200
    assert form.context["form"].initial["period_start_on"] == contract.start_on
    response = client.post(
        create_url,
        {
            "contract": contract.number,
            "kind": "final",
            "indicator_set": indicator_set.pk,
            "period_start_on": "2026-03-01",
            "period_end_on": "2026-12-31",
            "due_on": "2027-01-15",
            "aggregation": "mean",
            "min_evaluators": 3,
            "year": "",
            "description": "年度末期评价",
        },
    )
    evaluation = Evaluation.objects.get(contract=contract)
    assert response.status_code == 302
    assert response["Location"] == reverse("evaluations:evaluation-detail", args=[evaluation.pk])
    assert evaluation.year == 2026
    assert evaluation.created_by == purchaser
    indicator_set.refresh_from_db()
    assert indicator_set.status == IndicatorSet.Status.FROZEN


def test_create_shows_service_errors(client, purchaser, contract, indicator_set, chifeng_purchaser):
    client.force_login(purchaser)
    data = {
        "contract": contract.number,
        "kind": "final",
        "indicator_set": indicator_set.pk,
        "period_start_on": "2026-03-01",
        "period_end_on": "2026-12-31",
        "due_on": "2026-02-01",
        "aggregation": "mean",
        "min_evaluators": 3,
    }
    response = client.post(reverse("evaluations:evaluation-create"), data)
    assert response.status_code == 200
    assert "评分截止日期不能早于评价期间的开始日期" in str(response.context["form"].errors["due_on"])
    response = client.post(reverse("evaluations:evaluation-create"), {**data, "contract": "NOPE-1"})
    assert "NOPE-1" in str(response.context["form"].errors["contract"])
    # Another region's contract is refused like a missing one.
    client.force_login(chifeng_purchaser)
    response = client.post(reverse("evaluations:evaluation-create"), {**data, "due_on": "2027-01-15"})
    assert "contract" in response.context["form"].errors
    assert not Evaluation.objects.exists()


def test_invite_offers_only_assignable_evaluators_and_shows_the_refusal(
    client, purchaser, evaluation, pool, organization
):
    affiliated = EvaluatorProfileFactory(affiliation_organization=organization)
    inactive = EvaluatorProfileFactory(is_active=False)
    url = reverse("evaluations:assignment-invite", args=[evaluation.pk])
    client.force_login(purchaser)
    response = client.get(url)
    offered = {profile.pk for profile in response.context["form"].offered}
    assert offered == {user.evaluator_profile.pk for user in pool}
    page = response.content.decode()
    assert str(affiliated.user) not in page
    assert str(inactive.user) not in page

    response = client.post(url, {"evaluators": [pool[0].evaluator_profile.pk, affiliated.pk]})
    assert response.status_code == 200
    errors = str(response.context["form"].errors["evaluators"])
    assert "不能参加对其的评价" in errors
    assert not evaluation.assignments.exists()  # all or nothing

    response = client.post(url, {"evaluators": [user.evaluator_profile.pk for user in pool[:3]]})
    assert response.status_code == 302
    assert evaluation.assignments.filter(status=Assignment.Status.INVITED).count() == 3
    assert "已邀请 3 位专家" in page_messages(response)[0]


def test_start_scoring_shows_the_minimum(client, purchaser, evaluation, pool):
    client.force_login(purchaser)
    services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=pool[0])
    url = reverse("evaluations:evaluation-start", args=[evaluation.pk])
    response = client.post(url)
    assert response.status_code == 200
    assert "少于最少人数 3 人" in response.content.decode()
    for user in pool[1:3]:
        services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=user)
    assert client.post(url).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SCORING


def test_progress_shows_declarations_with_timestamps(client, setup, purchaser):
    invited = setup["invited"]
    services.assignment_declare_conflict(
        actor=invited.evaluator, assignment=invited, declaration="本人曾在该组织兼职并领取报酬。"
    )
    client.force_login(purchaser)
    page = client.get(reverse("evaluations:evaluation-detail", args=[setup["evaluation"].pk])).content.decode()
    assert "本人曾在该组织兼职并领取报酬。" in page
    assert "声明利益冲突" in page
    assert "接受并声明无利益冲突" in page
    invited.refresh_from_db()
    assert (
        invited.declared_at.astimezone(datetime.timezone(datetime.timedelta(hours=8))).strftime("%Y-%m-%d %H:%M")
        in page
    )


def test_withdraw_needs_a_reason(client, setup, purchaser):
    url = reverse("evaluations:assignment-withdraw", args=[setup["evaluation"].pk, setup["invited"].pk])
    client.force_login(purchaser)
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    response = client.post(url, {"reason": "专家出差，无法按期评分"})
    assert response.status_code == 302
    setup["invited"].refresh_from_db()
    assert setup["invited"].status == Assignment.Status.WITHDRAWN
    assert setup["invited"].withdrawn_reason == "专家出差，无法按期评分"
    assert setup["invited"].withdrawn_by == purchaser


def test_finalize_shows_the_preconditions_then_finalizes(client, setup, purchaser):
    evaluation = setup["evaluation"]
    url = reverse("evaluations:evaluation-finalize", args=[evaluation.pk])
    client.force_login(purchaser)
    page = client.get(url).content.decode()
    assert "以下专家尚未提交评分" in page
    response = client.post(url)
    assert response.status_code == 200
    assert "以下专家尚未提交评分" in str(response.context["form"].non_field_errors())
    evaluation.refresh_from_db()
    assert evaluation.is_scoring

    services.assignment_accept(actor=setup["invited"].evaluator, assignment=setup["invited"], confirm_no_conflict=True)
    submitted = (setup["accepted"], setup["accepted_other"], setup["invited"])
    for assignment, share in zip(submitted, ("0.9", "0.8", "0.7"), strict=True):
        assignment.refresh_from_db()
        submit(assignment, share)
    response = client.post(url)
    assert response.status_code == 302
    assert "综合得分 80.00，等级良" in page_messages(response)[0]
    evaluation.refresh_from_db()
    assert evaluation.is_finalized
    # A finalized evaluation's forms send the official back to it.
    response = client.get(reverse("evaluations:evaluation-edit", args=[evaluation.pk]))
    assert response.status_code == 302


def test_payment_decision_after_a_poor_grade(client, setup, purchaser):
    evaluation = setup["evaluation"]
    finalize_poor(purchaser, evaluation, setup)
    client.force_login(purchaser)
    page = client.get(reverse("evaluations:evaluation-detail", args=[evaluation.pk])).content.decode()
    assert 'data-testid="performance-warning"' in page
    assert reverse("evaluations:payment-decision", args=[evaluation.pk]) in page
    url = reverse("evaluations:payment-decision", args=[evaluation.pk])
    response = client.post(url, {"decision": "", "decided_on": "2026-11-30"})
    assert "decision" in response.context["form"].errors
    response = client.post(url, {"decision": "责令整改，整改验收合格后支付尾款。", "decided_on": ""})
    assert "decided_on" in response.context["form"].errors
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    response = client.post(url, {"decision": "责令整改，整改验收合格后支付尾款。", "decided_on": today})
    assert response.status_code == 302
    warning = PerformanceWarning.objects.get(evaluation=evaluation)
    assert warning.decision == "责令整改，整改验收合格后支付尾款。"
    assert warning.decided_by == purchaser
    # Once decided, the page sends the official back.
    assert client.get(url).status_code == 302


# ---- the officials' indicator-set forms -------------------------------------------------------------------------


def test_build_activate_and_version_an_indicator_set(client, purchaser):
    client.force_login(purchaser)
    response = client.post(
        reverse("evaluations:indicator-set-create"), {"name": "社区服务绩效评价指标", "description": ""}
    )
    indicator_set = IndicatorSet.objects.get(name="社区服务绩效评价指标")
    detail = reverse("evaluations:indicator-set-detail", args=[indicator_set.pk])
    assert response["Location"] == detail

    add = reverse("evaluations:indicator-create", args=[indicator_set.pk])
    client.post(add, {"code": "A", "name": "产出", "weight": "60"})
    root = Indicator.objects.get(indicator_set=indicator_set, code="A")
    client.post(f"{add}?parent={root.pk}", {"code": "A1", "name": "服务数量", "weight": "50", "max_score": "10"})
    response = client.post(add, {"code": "B", "name": "效益", "weight": "30", "guidance": "满意度调查"})
    assert response.status_code == 302
    page = client.get(detail).content.decode()
    assert "末级指标分值合计为 80.00，应为 100.00。" in page

    activate = reverse("evaluations:indicator-set-activate", args=[indicator_set.pk])
    response = client.post(activate)
    assert response.status_code == 200
    assert "末级指标分值合计为 80.00，应为 100.00。" in str(response.context["form"].non_field_errors())

    b = Indicator.objects.get(indicator_set=indicator_set, code="B")
    response = client.post(
        reverse("evaluations:indicator-edit", args=[indicator_set.pk, b.pk]),
        {"code": "B", "name": "效益", "weight": "40", "guidance": "满意度调查", "order": "1"},
    )
    assert response.status_code == 302
    b.refresh_from_db()
    assert b.weight == Decimal("40.00")
    assert b.max_score == Decimal("40.00")
    # A parent whose children do not add up is refused on activation.
    response = client.post(activate)
    assert "其下级指标分值合计为 50.00" in str(response.context["form"].non_field_errors())
    a1 = Indicator.objects.get(indicator_set=indicator_set, code="A1")
    client.post(
        reverse("evaluations:indicator-edit", args=[indicator_set.pk, a1.pk]),
        {"code": "A1", "name": "服务数量", "weight": "60", "max_score": "10"},
    )
    assert a1.level == 2
    client.post(add, {"code": "C", "name": "临时指标", "weight": "5"})
    c = Indicator.objects.get(indicator_set=indicator_set, code="C")
    assert client.post(reverse("evaluations:indicator-remove", args=[indicator_set.pk, c.pk])).status_code == 302
    assert not Indicator.objects.filter(pk=c.pk).exists()
    response = client.post(activate)
    assert response.status_code == 302
    indicator_set.refresh_from_db()
    assert indicator_set.status == IndicatorSet.Status.ACTIVE

    # An active set is not edited in place: a new version copies the tree.
    response = client.post(
        reverse("evaluations:indicator-create", args=[indicator_set.pk]), {"code": "D", "name": "X", "weight": "1"}
    )
    assert "不能修改" in str(response.context["form"].non_field_errors())
    response = client.post(reverse("evaluations:indicator-set-new-version", args=[indicator_set.pk]))
    draft = IndicatorSet.objects.get(name="社区服务绩效评价指标", version=2)
    assert response["Location"] == reverse("evaluations:indicator-set-detail", args=[draft.pk])
    assert set(draft.indicators.values_list("code", flat=True)) == {"A", "A1", "B"}


def test_indicator_under_a_third_level_is_refused(client, purchaser):
    indicator_set = IndicatorSetFactory()
    first = IndicatorFactory(indicator_set=indicator_set, code="A", weight=100)
    second = IndicatorFactory(indicator_set=indicator_set, parent=first, code="A1", weight=100)
    third = IndicatorFactory(indicator_set=indicator_set, parent=second, code="A11", weight=100)
    client.force_login(purchaser)
    url = reverse("evaluations:indicator-create", args=[indicator_set.pk]) + f"?parent={third.pk}"
    response = client.post(url, {"code": "A111", "name": "第四级", "weight": "100"})
    assert response.status_code == 200
    assert "指标最多三级" in response.content.decode()


def xlsx_upload(rows, name="指标.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(imports.HEADERS))
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def test_import_is_all_or_nothing_with_row_errors(client, purchaser):
    client.force_login(purchaser)
    url = reverse("evaluations:indicator-set-import")
    bad = xlsx_upload(
        [
            ["A", "", "产出", 1, 60, "", ""],
            ["A1", "A", "服务数量", 2, "六十", "", ""],
            ["B", "", "效益", 1, 40, "", ""],
        ]
    )
    response = client.post(url, {"name": "导入的指标体系", "description": "", "file": bad})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="import-error"' in page
    assert "第3行" in page
    assert not IndicatorSet.objects.filter(name="导入的指标体系").exists()

    good = xlsx_upload(
        [
            ["A", "", "产出", 1, 60, "", ""],
            ["A1", "A", "服务数量", 2, 60, 10, "按服务台账"],
            ["B", "", "效益", 1, 40, "", "满意度调查"],
        ]
    )
    response = client.post(url, {"name": "导入的指标体系", "description": "", "file": good})
    indicator_set = IndicatorSet.objects.get(name="导入的指标体系")
    assert response["Location"] == reverse("evaluations:indicator-set-detail", args=[indicator_set.pk])
    assert indicator_set.indicators.count() == 3
    assert "已导入 3 项指标" in page_messages(response)[0]


def test_export_uses_the_import_format(client, purchaser, indicator_set):
    client.force_login(purchaser)
    response = client.get(reverse("evaluations:indicator-set-export", args=[indicator_set.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert tuple(cell.value for cell in sheet[1])[: len(imports.HEADERS)] == imports.HEADERS
    assert sheet.max_row == 1 + indicator_set.indicators.count()


# ---- the evaluator's answers ------------------------------------------------------------------------------------


def test_accept_needs_the_confirmation(client, setup):
    invited = setup["invited"]
    client.force_login(invited.evaluator)
    url = reverse("evaluations:task-accept", args=[invited.pk])
    response = client.post(url, {"accept-declaration": "本人与被评价单位无利益冲突。"})
    assert response.status_code == 200
    assert "接受评价须声明与被评价单位不存在利益冲突" in str(response.context["accept_form"].errors)
    invited.refresh_from_db()
    assert invited.status == Assignment.Status.INVITED
    response = client.post(
        url, {"accept-declaration": "本人与被评价单位无利益冲突。", "accept-confirm_no_conflict": "on"}
    )
    assert response.status_code == 302
    invited.refresh_from_db()
    assert invited.status == Assignment.Status.ACCEPTED
    assert invited.declaration == "本人与被评价单位无利益冲突。"


def test_declaring_a_conflict_needs_text_and_ends_the_task(client, setup):
    invited = setup["invited"]
    client.force_login(invited.evaluator)
    url = reverse("evaluations:task-conflict", args=[invited.pk])
    response = client.post(url, {"conflict-declaration": "  "})
    assert response.status_code == 200
    assert "请说明存在利益冲突的情形" in str(response.context["conflict_form"].errors)
    response = client.post(url, {"conflict-declaration": "本人配偶为该组织理事。"})
    assert response.status_code == 302
    invited.refresh_from_db()
    assert invited.status == Assignment.Status.CONFLICT
    assert invited.declaration == "本人配偶为该组织理事。"
    page = client.get(reverse("evaluations:task-detail", args=[invited.pk])).content.decode()
    assert 'data-testid="evidence"' not in page


def test_decline(client, setup):
    invited = setup["invited"]
    client.force_login(invited.evaluator)
    response = client.post(reverse("evaluations:task-decline", args=[invited.pk]), {"decline-reason": "时间冲突"})
    assert response.status_code == 302
    invited.refresh_from_db()
    assert invited.status == Assignment.Status.DECLINED
    assert invited.decline_reason == "时间冲突"


def test_superuser_runs_any_evaluation(client, setup):
    client.force_login(SuperuserFactory())
    page = client.get(reverse("evaluations:evaluation-detail", args=[setup["evaluation"].pk])).content.decode()
    assert 'data-testid="progress"' in page


def test_member_of_another_organization_sees_nothing_before_finalization(client, setup):
    client.force_login(OrganizationMemberFactory())
    assert client.get(reverse("evaluations:evaluation-detail", args=[setup["evaluation"].pk])).status_code == 404


def test_navigation_entries(client, setup):
    client.force_login(setup["users"]["purchaser"])
    page = client.get(reverse("portal:home")).content.decode()
    assert reverse("evaluations:evaluation-manage") in page
    assert reverse("evaluations:indicator-set-list") in page
    client.force_login(setup["users"]["evaluator_accepted"])
    page = client.get(reverse("portal:home")).content.decode()
    assert reverse("evaluations:task-list") in page
    assert reverse("evaluations:evaluation-manage") not in page
    client.logout()
    page = client.get(reverse("portal:home")).content.decode()
    assert reverse("evaluations:evaluation-list") in page


def test_edit_a_draft_then_only_the_due_date_while_scoring(client, purchaser, evaluation, pool):
    url = reverse("evaluations:evaluation-edit", args=[evaluation.pk])
    client.force_login(purchaser)
    form = client.get(url).context["form"]
    assert "kind" in form.fields
    assert "contract" not in form.fields
    data = {
        "kind": "final",
        "indicator_set": evaluation.indicator_set_id,
        "period_start_on": "2026-03-01",
        "period_end_on": "2027-02-28",
        "due_on": "2027-03-31",
        "aggregation": "trimmed_mean",
        "min_evaluators": 3,
        "year": "",
        "description": "",
    }
    assert client.post(url, data).status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.year == 2027  # an empty year follows the end of the period
    assert evaluation.aggregation == "trimmed_mean"

    for user in pool[:3]:
        services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=user)
    services.evaluation_start_scoring(actor=purchaser, evaluation=evaluation)
    form = client.get(url).context["form"]
    assert set(form.fields) == {"due_on", "description"}
    response = client.post(url, {"due_on": "2027-04-30", "description": "延长评分期限", "kind": "mid_term"})
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.due_on == datetime.date(2027, 4, 30)
    assert evaluation.kind == "final"


def test_task_actions_refuse_everyone_but_the_evaluator(client, setup):
    users = setup["users"]
    invited = setup["invited"]
    expected = {
        "anonymous": "login",
        "evaluator_unassigned": 404,
        "evaluator_accepted": 404,
        "member": 403,
        "other_purchaser": 403,
        "purchaser": 403,
    }
    for name, data in (
        ("task-accept", {"accept-confirm_no_conflict": "on", "accept-declaration": "无利益冲突"}),
        ("task-conflict", {"conflict-declaration": "本人为该组织理事"}),
        ("task-decline", {"decline-reason": "没有时间"}),
        ("task-score", {"action": "save"}),
    ):
        check_matrix(
            client, users, reverse(f"evaluations:{name}", args=[invited.pk]), expected, method="post", data=data
        )
    invited.refresh_from_db()
    assert invited.status == Assignment.Status.INVITED


def test_version_pages_of_an_active_set(client, setup):
    users = {**setup["users"], "registrar": RegistrarFactory(department__region=region("150100"))}
    active = make_set()
    expected = {
        "anonymous": "login",
        "evaluator_accepted": 403,
        "member": 403,
        "registrar": 200,
        "other_purchaser": 200,
        "purchaser": 200,
    }
    for name in ("indicator-set-reopen", "indicator-set-new-version"):
        check_matrix(client, users, reverse(f"evaluations:{name}", args=[active.pk]), expected)
    client.force_login(users["registrar"])
    assert client.post(reverse("evaluations:indicator-set-reopen", args=[active.pk])).status_code == 302
    active.refresh_from_db()
    assert active.is_draft
    # A set used by an evaluation is frozen: it cannot go back to draft.
    frozen = setup["evaluation"].indicator_set
    response = client.post(reverse("evaluations:indicator-set-reopen", args=[frozen.pk]))
    assert response.status_code == 200
    assert "不能退回草稿" in str(response.context["form"].non_field_errors())


def test_delete_a_draft_set(client, purchaser):
    draft = make_set(status=IndicatorSet.Status.DRAFT)
    client.force_login(purchaser)
    response = client.post(reverse("evaluations:indicator-set-delete", args=[draft.pk]))
    assert response["Location"] == reverse("evaluations:indicator-set-list")
    assert not IndicatorSet.objects.filter(pk=draft.pk).exists()


def test_buttons_follow_the_status(client, setup, purchaser, contract):
    """The evaluation and indicator-set pages offer the actions the workflow allows the viewer, nothing else."""

    def hrefs(page, container):
        block = page.split(f'data-testid="{container}"', 1)[1].split("</div>", 1)[0]
        return re.findall(r'href="([^"]+)"', block)

    client.force_login(purchaser)
    draft = create_evaluation(purchaser, contract, make_set(), kind=Evaluation.Kind.MID_TERM)
    page = client.get(reverse("evaluations:evaluation-detail", args=[draft.pk])).content.decode()
    assert hrefs(page, "evaluation-actions") == [
        reverse(f"evaluations:{name}", args=[draft.pk])
        for name in ("evaluation-edit", "assignment-invite", "evaluation-start", "evaluation-delete")
    ]
    scoring = setup["evaluation"]
    page = client.get(reverse("evaluations:evaluation-detail", args=[scoring.pk])).content.decode()
    assert hrefs(page, "evaluation-actions") == [
        reverse(f"evaluations:{name}", args=[scoring.pk])
        for name in ("evaluation-edit", "assignment-invite", "evaluation-finalize")
    ]
    withdraw = reverse("evaluations:assignment-withdraw", args=[scoring.pk, setup["invited"].pk])
    assert withdraw in page
    client.force_login(setup["users"]["member"])
    page = client.get(reverse("evaluations:evaluation-detail", args=[scoring.pk])).content.decode()
    assert hrefs(page, "evaluation-actions") == [] and withdraw not in page

    client.force_login(purchaser)
    frozen = scoring.indicator_set
    page = client.get(reverse("evaluations:indicator-set-detail", args=[frozen.pk])).content.decode()
    assert hrefs(page, "set-actions") == [
        reverse("evaluations:indicator-set-export", args=[frozen.pk]),
        reverse("evaluations:indicator-set-new-version", args=[frozen.pk]),
    ]
    assert 'data-testid="add-root"' not in page
    draft_set = make_set(status=IndicatorSet.Status.DRAFT, name="草稿 指标")
    page = client.get(reverse("evaluations:indicator-set-detail", args=[draft_set.pk])).content.decode()
    assert hrefs(page, "set-actions")[1:] == [
        reverse("evaluations:indicator-set-edit", args=[draft_set.pk]),
        reverse("evaluations:indicator-set-import") + "?name=%E8%8D%89%E7%A8%BF%20%E6%8C%87%E6%A0%87",
        reverse("evaluations:indicator-set-activate", args=[draft_set.pk]),
        reverse("evaluations:indicator-set-delete", args=[draft_set.pk]),
    ]
    assert 'data-testid="add-root"' in page
