"""The evaluations' to-do kinds: invitations and scoring for evaluators, finalizing, completed contracts without an
evaluation and pending payment decisions for purchasers."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from contracts import services as contract_services
from evaluations import services
from tests.evaluations.conftest import invite_and_accept, submit
from tests.inbox import todo_counts, todo_urls

pytestmark = pytest.mark.django_db

NOV_1 = datetime.date(2026, 11, 1)


def test_invitation_then_scoring_then_finalize(purchaser, evaluation, pool, chifeng_purchaser):
    evaluator = pool[0]
    [assignment] = invite_and_accept(purchaser, evaluation, [evaluator], accept=False)
    assert todo_counts(evaluator, NOV_1)["evaluations.invitations"] == (1, 0)
    assert todo_urls(evaluator, NOV_1, "evaluations.invitations") == [
        reverse("evaluations:task-detail", args=[assignment.pk])
    ]
    assert todo_counts(evaluator, datetime.date(2026, 12, 1))["evaluations.invitations"] == (1, 1)  # due 11-30
    assert todo_counts(pool[1], NOV_1) == {}

    services.assignment_accept(actor=evaluator, assignment=assignment, confirm_no_conflict=True)
    assert "evaluations.invitations" not in todo_counts(evaluator, NOV_1)
    assert "evaluations.scoring" not in todo_counts(evaluator, NOV_1)  # not yet in scoring
    others = invite_and_accept(purchaser, evaluation, pool[1:3])
    services.evaluation_start_scoring(actor=purchaser, evaluation=evaluation)
    assert todo_counts(evaluator, NOV_1)["evaluations.scoring"] == (1, 0)
    assert todo_urls(evaluator, NOV_1, "evaluations.scoring") == [
        reverse("evaluations:task-score", args=[assignment.pk])
    ]

    for row in [assignment, *others[:1]]:
        row.refresh_from_db()
        submit(row, "0.9")
    assert "evaluations.scoring" not in todo_counts(evaluator, NOV_1)
    assert "evaluations.finalize" not in todo_counts(purchaser, NOV_1)  # one evaluator still scoring
    others[1].refresh_from_db()
    submit(others[1], "0.9")
    assert todo_counts(purchaser, NOV_1)["evaluations.finalize"] == (1, 0)
    assert todo_urls(purchaser, NOV_1, "evaluations.finalize") == [
        reverse("evaluations:evaluation-finalize", args=[evaluation.pk])
    ]
    assert "evaluations.finalize" not in todo_counts(chifeng_purchaser, NOV_1)

    evaluation.refresh_from_db()
    services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    assert "evaluations.finalize" not in todo_counts(purchaser, NOV_1)


def test_poor_grade_waits_for_a_payment_decision(purchaser, scoring):
    evaluation, assignments = scoring
    for assignment in assignments:
        submit(assignment, "0.3")
    services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    assert todo_counts(purchaser, NOV_1)["evaluations.payment_decisions"] == (1, 0)
    assert todo_urls(purchaser, NOV_1, "evaluations.payment_decisions") == [
        reverse("evaluations:payment-decision", args=[evaluation.pk])
    ]
    services.evaluation_record_payment_decision(actor=purchaser, evaluation=evaluation, decision="扣减尾款 20%")
    assert "evaluations.payment_decisions" not in todo_counts(purchaser, NOV_1)


def test_completed_contract_without_an_evaluation(purchaser, contract, indicator_set):
    contract_services.contract_start_performance(actor=purchaser, contract=contract)
    contract_services.contract_complete(actor=purchaser, contract=contract, completed_on=datetime.date(2026, 10, 31))
    assert todo_counts(purchaser, NOV_1)["evaluations.unevaluated"] == (1, 0)
    assert todo_urls(purchaser, NOV_1, "evaluations.unevaluated") == [
        reverse("evaluations:evaluation-create") + f"?contract={contract.number}"
    ]
    services.evaluation_create(
        actor=purchaser,
        contract=contract,
        indicator_set=indicator_set,
        kind="final",
        period_start_on=contract.start_on,
        period_end_on=datetime.date(2026, 10, 31),
        due_on=datetime.date(2026, 12, 15),
    )
    assert "evaluations.unevaluated" not in todo_counts(purchaser, NOV_1)
