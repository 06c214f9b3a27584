"""Evaluations through the services: creation, invitations with the conflict and affiliation rules, scoring,
finalization preconditions and results, immutability, and the consequences of a 差."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation

from contracts import services as contract_services
from core.services import today
from evaluations import services
from evaluations.models import Assignment, Evaluation, IndicatorResult, PerformanceWarning, Score
from evaluations.selectors import (
    assignable_evaluators,
    evaluation_payment_blockers,
    evaluation_progress,
    indicator_tree,
    leaves_of,
)
from registry.selectors import organization_eligibility
from tests.errors import all_codes, codes
from tests.evaluations.conftest import create_evaluation, make_set, start_scoring, submit
from tests.factories import (
    ContractFactory,
    DeliverableFactory,
    EvaluatorFactory,
    EvaluatorProfileFactory,
    OrganizationFactory,
    RatingFactory,
)

pytestmark = pytest.mark.django_db


# --- creating ------------------------------------------------------------------------------------------------------


def test_only_purchasers_covering_the_department_create_evaluations(
    purchaser, chifeng_purchaser, contract, indicator_set, member
):
    for outsider in (chifeng_purchaser, member, EvaluatorFactory()):
        with pytest.raises(PermissionDenied) as error:
            create_evaluation(outsider, contract, indicator_set)
        assert all_codes(error.value) == {"permission_denied"}
    evaluation = create_evaluation(purchaser, contract, indicator_set)
    assert evaluation.status == Evaluation.Status.DRAFT
    assert evaluation.min_evaluators == 3
    assert evaluation.year == 2026
    assert evaluation.created_by == purchaser
    assert evaluation.history.first().history_user == purchaser


def test_min_evaluators_default_comes_from_settings(settings, purchaser, contract, indicator_set):
    settings.EVALUATION_MIN_EVALUATORS = 5
    assert create_evaluation(purchaser, contract, indicator_set).min_evaluators == 5


def test_contract_must_be_signed(purchaser, department, organization, indicator_set):
    draft = ContractFactory(department=department, organization=organization)
    with pytest.raises(ValidationError) as error:
        create_evaluation(purchaser, draft, indicator_set)
    assert all_codes(error.value) == {"contract_not_signed"}
    assert error.value.messages == ["合同尚未签订，不能开展绩效评价。"]


def test_one_final_evaluation_per_contract_and_dates_checked(purchaser, contract, indicator_set):
    create_evaluation(purchaser, contract, indicator_set)
    with pytest.raises(ValidationError, match="已有末期评价"):
        create_evaluation(purchaser, contract, indicator_set)
    with pytest.raises(ValidationError):
        create_evaluation(
            purchaser,
            contract,
            indicator_set,
            kind="mid_term",
            period_start_on=datetime.date(2026, 9, 1),
            period_end_on=datetime.date(2026, 3, 1),
        )
    with pytest.raises(ValidationError) as error:
        create_evaluation(purchaser, contract, indicator_set, kind="mid_term", due_on=datetime.date(2026, 1, 1))
    assert codes(error.value) == {"due_on": ["due_before_period"]}
    create_evaluation(purchaser, contract, indicator_set, kind="mid_term")
    create_evaluation(purchaser, contract, indicator_set, kind="mid_term")  # several mid-term ones are fine


# --- invitations, conflicts, affiliation ------------------------------------------------------------------------------


def test_an_evaluator_affiliated_with_the_organization_cannot_be_assigned(purchaser, evaluation, organization, member):
    affiliated = EvaluatorProfileFactory(affiliation_organization=organization).user
    with pytest.raises(ValidationError) as error:
        services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=affiliated)
    assert codes(error.value) == {"evaluator": ["affiliated_with_organization"]}
    assert f"所属单位即被评价的承接主体“{organization.name}”" in error.value.messages[0]
    assert error.value.error_dict["evaluator"][0].params["organization"] == organization.name
    staff = EvaluatorProfileFactory(user=EvaluatorFactory(organization=organization)).user
    with pytest.raises(ValidationError, match="的成员，不能参加") as error:
        services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=staff)
    assert codes(error.value) == {"evaluator": ["affiliated_with_organization"]}
    other = EvaluatorProfileFactory(affiliation_organization=OrganizationFactory()).user
    assert services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=other).status == "invited"
    assignable = {profile.user for profile in assignable_evaluators(evaluation)}
    assert affiliated not in assignable and staff not in assignable and other not in assignable


def test_evaluators_outside_the_pool_cannot_be_invited(purchaser, evaluation):
    with pytest.raises(ValidationError) as error:
        services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=EvaluatorFactory())
    assert codes(error.value) == {"evaluator": ["not_in_pool"]}
    profile = EvaluatorProfileFactory(is_active=False)
    with pytest.raises(ValidationError) as error:
        services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=profile.user)
    assert codes(error.value) == {"evaluator": ["not_in_pool"]}


def test_accepting_needs_a_no_conflict_declaration(purchaser, evaluation, pool):
    assignment = services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=pool[0])
    with pytest.raises(PermissionDenied) as error:
        services.assignment_accept(actor=pool[1], assignment=assignment, confirm_no_conflict=True)
    assert all_codes(error.value) == {"not_own_assignment"}
    with pytest.raises(ValidationError) as error:
        services.assignment_accept(actor=pool[0], assignment=assignment, confirm_no_conflict=False)
    assert codes(error.value) == {"confirm_no_conflict": ["declaration_not_confirmed"]}
    with pytest.raises(ValidationError) as error:
        services.assignment_accept(actor=pool[0], assignment=assignment, confirm_no_conflict=True, declaration="  ")
    assert codes(error.value) == {"declaration": ["required"]}
    services.assignment_accept(actor=pool[0], assignment=assignment, confirm_no_conflict=True)
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.ACCEPTED
    assert assignment.declaration == str(services.NO_CONFLICT_DECLARATION)
    assert assignment.declared_at is not None
    with pytest.raises(ValidationError) as error:
        services.assignment_accept(actor=pool[0], assignment=assignment, confirm_no_conflict=True)
    assert all_codes(error.value) == {"wrong_state"}
    assert error.value.messages == ["当前状态为“已接受”，不能接受。"]
    with pytest.raises(ValidationError) as error:
        services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=pool[0])
    assert codes(error.value) == {"evaluator": ["already_assigned"]}


def test_declaring_a_conflict_ends_the_assignment_and_is_recorded(purchaser, evaluation, pool):
    assignment = services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=pool[0])
    with pytest.raises(ValidationError) as error:
        services.assignment_declare_conflict(actor=pool[0], assignment=assignment, declaration="")
    assert codes(error.value) == {"declaration": ["required"]}
    services.assignment_declare_conflict(actor=pool[0], assignment=assignment, declaration="本人配偶在该组织担任理事。")
    assignment.refresh_from_db()
    assert assignment.status == Assignment.Status.CONFLICT
    assert assignment.declaration == "本人配偶在该组织担任理事。" and assignment.declared_at is not None
    assert assignment.history.count() == 2
    with pytest.raises(ValidationError) as error:
        services.assignment_accept(actor=pool[0], assignment=assignment, confirm_no_conflict=True)
    assert all_codes(error.value) == {"wrong_state"}
    with pytest.raises(ValidationError) as error:
        services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=pool[0])
    assert codes(error.value) == {"evaluator": ["conflict_declared"]}
    progress = evaluation_progress(evaluation)
    assert progress.counts["conflict"] == 1


def test_an_accepted_evaluator_may_still_declare_a_conflict_but_not_after_submitting(purchaser, scoring):
    evaluation, assignments = scoring
    services.score_save_draft(actor=assignments[0].evaluator, assignment=assignments[0], entries={})
    services.assignment_declare_conflict(
        actor=assignments[0].evaluator, assignment=assignments[0], declaration="发现曾为该组织提供有偿咨询。"
    )
    submit(assignments[1], "0.8")
    with pytest.raises(ValidationError) as error:
        services.assignment_declare_conflict(
            actor=assignments[1].evaluator, assignment=assignments[1], declaration="迟到的声明"
        )
    assert all_codes(error.value) == {"wrong_state"}
    assert error.value.error_list[0].params["action"] == "声明利益冲突"


def test_declining_an_invitation(purchaser, evaluation, pool):
    assignment = services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=pool[0])
    services.assignment_decline(actor=pool[0], assignment=assignment, reason="时间冲突")
    assert assignment.status == Assignment.Status.DECLINED and assignment.decline_reason == "时间冲突"
    # Declined: may be invited again later.
    assert services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=pool[0]).status == "invited"


def test_scoring_starts_with_enough_evaluators(purchaser, evaluation, pool):
    services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=pool[0])
    with pytest.raises(ValidationError, match="少于最少人数 3 人") as error:
        services.evaluation_start_scoring(actor=purchaser, evaluation=evaluation)
    assert all_codes(error.value) == {"too_few_evaluators"}
    assert error.value.error_list[0].params == {"count": 1, "min": 3}
    for user in pool[1:3]:
        services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=user)
    services.evaluation_start_scoring(actor=purchaser, evaluation=evaluation)
    assert evaluation.status == Evaluation.Status.SCORING and evaluation.scoring_started_at is not None


# --- scoring ----------------------------------------------------------------------------------------------------------


def test_scores_are_bounded_and_drafts_may_be_partial(scoring):
    evaluation, assignments = scoring
    evaluator = assignments[0].evaluator
    leaves = leaves_of(indicator_tree(evaluation.indicator_set))
    first, second = leaves[0], leaves[1]
    with pytest.raises(ValidationError) as error:
        services.score_save_draft(
            actor=evaluator, assignment=assignments[0], entries={first.pk: Decimal("100.01"), second.pk: "-1"}
        )
    assert codes(error.value) == {
        f"score_{first.pk}": ["score_out_of_range"],
        f"score_{second.pk}": ["score_out_of_range"],
    }
    assert "得分须在 0 至 100.00 之间" in error.value.message_dict[f"score_{first.pk}"][0]
    with pytest.raises(ValidationError, match="两位小数") as error:
        services.score_save_draft(actor=evaluator, assignment=assignments[0], entries={first.pk: "12.345"})
    assert codes(error.value) == {f"score_{first.pk}": ["too_many_decimals"]}
    with pytest.raises(ValidationError) as error:
        services.score_save_draft(actor=evaluator, assignment=assignments[0], entries={first.pk: "abc"})
    assert codes(error.value) == {f"score_{first.pk}": ["not_a_number"]}
    assert error.value.messages == [f"“{first.code} {first.name}”：得分须为数字。"]
    with pytest.raises(ValidationError) as error:
        services.score_save_draft(actor=evaluator, assignment=assignments[0], entries={first.parent_id: "1"})
    assert codes(error.value) == {f"score_{first.parent_id}": ["not_a_leaf"]}

    services.score_save_draft(actor=evaluator, assignment=assignments[0], entries={first.pk: services.ScoreEntry("40")})
    assert Score.objects.get(assignment=assignments[0]).score == Decimal("40")
    services.score_save_draft(actor=evaluator, assignment=assignments[0], entries={first.pk: ("85.5", "良好")})
    score = Score.objects.get(assignment=assignments[0])
    assert (score.score, score.comment) == (Decimal("85.5"), "良好")
    services.score_save_draft(actor=evaluator, assignment=assignments[0], entries={first.pk: None})
    assert not Score.objects.filter(assignment=assignments[0]).exists()


def test_submitting_needs_every_leaf_and_comments_for_low_scores(scoring):
    evaluation, assignments = scoring
    evaluator = assignments[0].evaluator
    leaves = leaves_of(indicator_tree(evaluation.indicator_set))
    services.score_save_draft(actor=evaluator, assignment=assignments[0], entries={leaves[0].pk: "59.99"})
    with pytest.raises(ValidationError) as error:
        services.assignment_submit(actor=evaluator, assignment=assignments[0])
    assert codes(error.value) == {
        f"comment_{leaves[0].pk}": ["comment_required"],
        **{f"score_{leaf.pk}": ["score_missing"] for leaf in leaves[1:]},
    }
    assert "低于满分的 60%，" in error.value.message_dict[f"comment_{leaves[0].pk}"][0]
    assignments[0].refresh_from_db()
    assert assignments[0].status == Assignment.Status.ACCEPTED

    entries = {leaf.pk: ("60", "") for leaf in leaves}
    entries[leaves[0].pk] = ("59.99", "回访记录缺失")
    services.assignment_submit(actor=evaluator, assignment=assignments[0], entries=entries)
    assignments[0].refresh_from_db()
    assert assignments[0].status == Assignment.Status.SUBMITTED and assignments[0].submitted_at is not None
    with pytest.raises(ValidationError) as error:
        services.score_save_draft(actor=evaluator, assignment=assignments[0], entries={leaves[1].pk: "70"})
    assert all_codes(error.value) == {"already_submitted"}


def test_scoring_needs_an_accepted_assignment_and_a_scoring_evaluation(purchaser, evaluation, pool):
    assignment = services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=pool[0])
    leaf = leaves_of(indicator_tree(evaluation.indicator_set))[0]
    with pytest.raises(ValidationError) as error:
        services.score_save_draft(actor=pool[0], assignment=assignment, entries={leaf.pk: "50"})
    assert all_codes(error.value) == {"not_accepted"}
    services.assignment_accept(actor=pool[0], assignment=assignment, confirm_no_conflict=True)
    with pytest.raises(ValidationError, match="尚未开始评分") as error:
        services.score_save_draft(actor=pool[0], assignment=assignment, entries={leaf.pk: "50"})
    assert all_codes(error.value) == {"scoring_not_started"}
    with pytest.raises(PermissionDenied) as error:
        services.score_save_draft(actor=pool[1], assignment=assignment, entries={leaf.pk: "50"})
    assert all_codes(error.value) == {"not_own_assignment"}


# --- finalizing -------------------------------------------------------------------------------------------------------


def test_finalize_needs_every_live_assignment_submitted_and_the_minimum(purchaser, scoring, pool):
    evaluation, assignments = scoring
    submit(assignments[0], "0.9")
    submit(assignments[1], "0.8")
    with pytest.raises(ValidationError) as error:
        services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    assert [item.code for item in error.value.error_list] == ["evaluators_pending", "too_few_submitted"]
    assert error.value.messages[0].startswith(f"以下专家尚未提交评分：{assignments[2].evaluator}（已接受）。")
    assert evaluation_progress(evaluation).problems == error.value.error_list

    with pytest.raises(ValidationError) as error:
        services.assignment_withdraw(actor=purchaser, assignment=assignments[2], reason=" ")
    assert codes(error.value) == {"reason": ["required"]}
    services.assignment_withdraw(actor=purchaser, assignment=assignments[2], reason="因病无法参加")
    with pytest.raises(ValidationError, match="已提交评分的专家为 2 人，少于最少人数 3 人") as error:
        services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    assert all_codes(error.value) == {"too_few_submitted"}

    late = services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=pool[3])
    assert not evaluation_progress(evaluation).can_finalize
    services.assignment_accept(actor=pool[3], assignment=late, confirm_no_conflict=True)
    submit(late, "0.7")
    progress = evaluation_progress(evaluation)
    assert progress.can_finalize and progress.submitted_count == 3 and progress.counts["withdrawn"] == 1
    services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.FINALIZED
    assert evaluation.score == Decimal("80.00") and evaluation.grade == Evaluation.Grade.GOOD
    assert evaluation.evaluator_count == 3 and not evaluation.trimmed
    assert evaluation.finalized_by == purchaser


def test_finalize_only_from_scoring_and_only_by_the_purchaser(purchaser, chifeng_purchaser, evaluation):
    with pytest.raises(ValidationError) as error:
        services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    assert all_codes(error.value) == {"wrong_state"}
    assert error.value.messages == ["当前状态为“草稿”，不能定稿。"]
    with pytest.raises(PermissionDenied):
        services.evaluation_finalize(actor=chifeng_purchaser, evaluation=evaluation)


def test_results_with_trimmed_mean_and_indicator_means(purchaser, contract, pool):
    indicator_set = make_set(leaves=4, groups=2, max_score=Decimal("10"))
    evaluation = create_evaluation(purchaser, contract, indicator_set, aggregation="trimmed_mean")
    assignments = start_scoring(purchaser, evaluation, pool)
    for assignment, share in zip(assignments, ["0.9", "0.5", "0.8", "0.7", "1"], strict=True):
        submit(assignment, share)
    services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    evaluation.refresh_from_db()
    # Totals 90, 50, 80, 70, 100: drop 100 and 50, mean of 90, 80, 70.
    assert evaluation.trimmed and evaluation.score == Decimal("80.00") and evaluation.grade == "good"
    totals = {a.evaluator_id: (a.total_score, a.counted) for a in Assignment.objects.filter(evaluation=evaluation)}
    assert totals[pool[1].pk] == (Decimal("50.0000"), False)
    assert totals[pool[4].pk] == (Decimal("100.0000"), False)
    assert totals[pool[0].pk] == (Decimal("90.0000"), True)
    results = {
        r.indicator.code: r for r in IndicatorResult.objects.filter(evaluation=evaluation).select_related("indicator")
    }
    assert len(results) == 6
    assert results["G1.1"].mean_score == Decimal("8.0000")  # mean of 9, 8, 7 on a scale of 10
    assert results["G1.1"].mean_points == Decimal("20.0000")
    assert results["G1"].mean_score is None and results["G1"].mean_points == Decimal("40.0000")
    assert sum(results[code].mean_points for code in ("G1", "G2")) == Decimal("80.0000")


def test_finalize_query_count_does_not_grow_with_evaluators_and_indicators(purchaser, department, settings):
    def run(evaluator_count: int, leaf_count: int) -> int:
        contract = ContractFactory(
            department=department,
            organization=OrganizationFactory(),
            status="signed",
            signed_on=datetime.date(2026, 2, 20),
        )
        indicator_set = make_set(leaves=leaf_count, groups=5 if leaf_count >= 5 else 1)
        evaluation = create_evaluation(purchaser, contract, indicator_set)
        users = [EvaluatorProfileFactory().user for _ in range(evaluator_count)]
        assignments = start_scoring(purchaser, evaluation, users)
        for index, assignment in enumerate(assignments):
            submit(assignment, Decimal("0.6") + Decimal(index) / 100)
        evaluation.refresh_from_db()
        with CaptureQueriesContext(connection) as queries:
            services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
        evaluation.refresh_from_db()
        assert evaluation.is_finalized
        assert IndicatorResult.objects.filter(evaluation=evaluation).count() == leaf_count + (
            5 if leaf_count >= 5 else 1
        )
        return len(queries)

    small = run(3, 5)
    large = run(10, 50)
    assert large == small


# --- immutability -----------------------------------------------------------------------------------------------------


@pytest.fixture
def finalized(purchaser, scoring):
    evaluation, assignments = scoring
    for assignment in assignments:
        submit(assignment, "0.85")
    services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    evaluation.refresh_from_db()
    return evaluation, assignments


def test_a_finalized_evaluation_never_changes(purchaser, finalized, pool):
    evaluation, assignments = finalized
    leaf = leaves_of(indicator_tree(evaluation.indicator_set))[0]
    attempts = [
        lambda: services.evaluation_update(actor=purchaser, evaluation=evaluation, due_on=datetime.date(2026, 12, 31)),
        lambda: services.evaluation_update(actor=purchaser, evaluation=evaluation, description="改"),
        lambda: services.evaluation_delete(actor=purchaser, evaluation=evaluation),
        lambda: services.evaluation_finalize(actor=purchaser, evaluation=evaluation),
        lambda: services.evaluation_start_scoring(actor=purchaser, evaluation=evaluation),
        lambda: services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=pool[4]),
        lambda: services.assignment_withdraw(actor=purchaser, assignment=assignments[0], reason="事后撤回"),
        lambda: services.score_save_draft(
            actor=assignments[0].evaluator, assignment=assignments[0], entries={leaf.pk: "1"}
        ),
        lambda: services.assignment_submit(actor=assignments[0].evaluator, assignment=assignments[0]),
        lambda: services.assignment_declare_conflict(
            actor=assignments[0].evaluator, assignment=assignments[0], declaration="事后声明"
        ),
    ]
    before = (evaluation.score, evaluation.grade, list(Score.objects.values_list("pk", "score")))
    for attempt in attempts:
        with pytest.raises(ValidationError, match="已定稿") as error:
            attempt()
        assert all_codes(error.value) == {"evaluation_finalized"}
    evaluation.refresh_from_db()
    assert (evaluation.score, evaluation.grade, list(Score.objects.values_list("pk", "score"))) == before
    assert evaluation.status == Evaluation.Status.FINALIZED


# --- consequences of 差 -----------------------------------------------------------------------------------------------


def test_a_poor_grade_warns_blocks_payments_until_a_decision(purchaser, department, pool, indicator_set):
    organization = OrganizationFactory()
    RatingFactory(organization=organization, awarded_on=datetime.date(2024, 3, 1))
    contract = ContractFactory(
        department=department, organization=organization, status="signed", signed_on=datetime.date(2026, 2, 20)
    )
    deliverable = DeliverableFactory(contract=contract, status="accepted", accepted_at=timezone.now())
    contract_services.payment_record(
        actor=purchaser,
        contract=contract,
        amount=Decimal("1000.00"),
        paid_on=datetime.date(2026, 3, 1),
        deliverable=deliverable,
    )
    evaluation = create_evaluation(purchaser, contract, indicator_set, kind="annual")
    assignments = start_scoring(purchaser, evaluation, pool[:3])
    for assignment, share in zip(assignments, ["0.55", "0.6", "0.5"], strict=True):
        submit(assignment, share)
    services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    evaluation.refresh_from_db()
    assert evaluation.score == Decimal("55.00") and evaluation.grade == Evaluation.Grade.POOR

    warning = PerformanceWarning.objects.get(evaluation=evaluation)
    assert warning.organization == organization and warning.is_open
    assert "等级为差" in warning.reason

    eligibility = organization_eligibility(organization)
    assert eligibility.eligible
    assert any("绩效评价等级为差" in text and contract.number in text for text in eligibility.warnings)
    # Only recent ones count.
    later = organization_eligibility(organization, on=warning.recorded_on + datetime.timedelta(days=400))
    assert not any("绩效评价等级为差" in text for text in later.warnings)

    with pytest.raises(ValidationError) as error:
        contract_services.payment_record(
            actor=purchaser, contract=contract, amount=Decimal("1000.00"), paid_on=warning.recorded_on
        )
    assert any("须由购买主体作出处理决定后方可付款" in message for message in error.value.messages)

    with pytest.raises(ValidationError) as error:
        services.evaluation_record_payment_decision(actor=purchaser, evaluation=evaluation, decision=" ")
    assert codes(error.value) == {"decision": ["required"]}
    with pytest.raises(ValidationError) as error:
        services.evaluation_record_payment_decision(
            actor=purchaser, evaluation=evaluation, decision="付款", decided_on=today() + datetime.timedelta(days=1)
        )
    assert codes(error.value) == {"decided_on": ["date_in_future"]}
    with pytest.raises(ValidationError) as error:
        services.evaluation_record_payment_decision(
            actor=purchaser,
            evaluation=evaluation,
            decision="付款",
            decided_on=warning.recorded_on - datetime.timedelta(days=1),
        )
    assert codes(error.value) == {"decided_on": ["date_before_warning"]}
    with pytest.raises(PermissionDenied):
        services.evaluation_record_payment_decision(actor=pool[0], evaluation=evaluation, decision="付款")
    services.evaluation_record_payment_decision(
        actor=purchaser, evaluation=evaluation, decision="整改验收合格后支付，扣减 10% 违约金。"
    )
    warning.refresh_from_db()
    assert not warning.is_open and warning.decided_by == purchaser
    with pytest.raises(ValidationError, match="不能重复记录") as error:
        services.evaluation_record_payment_decision(actor=purchaser, evaluation=evaluation, decision="再次")
    assert all_codes(error.value) == {"already_decided"}
    assert error.value.error_list[0].params == {"day": warning.decided_on}
    payment = contract_services.payment_record(
        actor=purchaser, contract=contract, amount=Decimal("1000.00"), paid_on=warning.recorded_on
    )
    assert payment.instalment == 2
    # The warning stays among the eligibility warnings (it is a record, not a payment hold).
    assert any("绩效评价等级为差" in text for text in organization_eligibility(organization).warnings)


def test_a_good_grade_leaves_no_warning(finalized):
    evaluation, _ = finalized
    assert evaluation.grade == Evaluation.Grade.GOOD
    assert not PerformanceWarning.objects.exists()
    with pytest.raises(ValidationError) as error:
        services.evaluation_record_payment_decision(actor=evaluation.created_by, evaluation=evaluation, decision="无")
    assert all_codes(error.value) == {"no_warning"}


def test_history_names_the_actors(purchaser, finalized):
    evaluation, assignments = finalized
    assert evaluation.history.first().history_user == purchaser
    first_submitted = assignments[0].history.filter(status="submitted").order_by("history_date").first()
    assert first_submitted.history_user == assignments[0].evaluator
    assert first_submitted.total_score is None  # the finalization row after it names the purchaser
    assert Score.history.filter(assignment_id=assignments[0].pk).first().history_user == assignments[0].evaluator


def test_refusals_render_in_the_language_they_are_read_in(purchaser, scoring, contract):
    evaluation, assignments = scoring
    with pytest.raises(ValidationError) as error:
        services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    refusal = error.value.error_list[0]
    assert refusal.code == "evaluators_pending"
    with translation.override("en"):
        english = error.value.messages[0]
    with translation.override("zh-hans"):
        chinese = error.value.messages[0]
    name = str(assignments[0].evaluator)
    assert english.startswith(f"These evaluators have not submitted their scores yet: {name}（Accepted）")
    assert chinese.startswith(f"以下专家尚未提交评分：{name}（已接受）")


def test_a_payment_hold_reads_in_the_readers_language(purchaser, department, pool, indicator_set):
    contract = ContractFactory(
        department=department, organization=OrganizationFactory(), status="signed", signed_on=datetime.date(2026, 2, 20)
    )
    evaluation = create_evaluation(purchaser, contract, indicator_set, kind="annual")
    for assignment in start_scoring(purchaser, evaluation, pool[:3]):
        submit(assignment, "0.5")
    services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    (reason,) = evaluation_payment_blockers(contract)
    with translation.override("en"):
        assert str(reason).startswith("Annual evaluation graded Poor (overall score 50.00")
    with translation.override("zh-hans"):
        assert str(reason).startswith("年度评价等级为差（综合得分 50.00")
