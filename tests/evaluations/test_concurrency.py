"""Concurrency on PostgreSQL: evaluators submitting while an official finalizes lose nothing, and an evaluation is
never finalized with a missing score. (SQLite serializes writers, so the race only exists on PostgreSQL.)"""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from evaluations import scoring, services
from evaluations.models import Assignment, Evaluation, Score
from evaluations.selectors import indicator_tree, leaf_specs
from tests.evaluations.conftest import create_evaluation, full_sheet, make_set, start_scoring, submit
from tests.factories import (
    EvaluatorProfileFactory,
    OrganizationFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    SignedContractFactory,
    region,
)

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are exercised on PostgreSQL only"),
]

ROUNDS = 6
SHARES = ("0.9", "0.75", "0.6")


def run_in_threads(*jobs):
    """Start every job at the same moment (a barrier) in its own thread and database connection; return what each
    job returned or raised."""
    barrier = threading.Barrier(len(jobs))
    outcomes: list[object] = [None] * len(jobs)

    def runner(index, job):
        try:
            barrier.wait()
            outcomes[index] = job()
        except Exception as error:  # the outcome is inspected by the test
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=runner, args=(index, job)) for index, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def expected_score(evaluation: Evaluation) -> Decimal:
    tree = indicator_tree(evaluation.indicator_set)
    sheets = {
        index: {key: entry.score for key, entry in full_sheet(evaluation, share).items()}
        for index, share in enumerate(SHARES)
    }
    return scoring.compute(leaf_specs(tree), sheets, evaluation.aggregation).score


def test_two_submissions_racing_a_finalization_lose_nothing():
    purchaser = PurchaserFactory(department=PurchasingDepartmentFactory(region=region("150100")))
    indicator_set = make_set(leaves=12, groups=3)
    for _ in range(ROUNDS):
        contract = SignedContractFactory(department=purchaser.department, organization=OrganizationFactory())
        evaluation = create_evaluation(purchaser, contract, indicator_set)
        users = [EvaluatorProfileFactory().user for _ in SHARES]
        assignments = start_scoring(purchaser, evaluation, users)
        submit(assignments[0], SHARES[0])
        leaf_count = len([leaf for leaf in indicator_tree(indicator_set) if leaf.is_leaf])

        def submit_job(index, assignments=assignments, evaluation=evaluation):
            assignment = Assignment.objects.get(pk=assignments[index].pk)
            return services.assignment_submit(
                actor=assignment.evaluator, assignment=assignment, entries=full_sheet(evaluation, SHARES[index])
            )

        def finalize_job(evaluation=evaluation):
            return services.evaluation_finalize(actor=purchaser, evaluation=Evaluation.objects.get(pk=evaluation.pk))

        first, second, finalized = run_in_threads(lambda: submit_job(1), lambda: submit_job(2), finalize_job)

        # Both submissions went through: finalization cannot complete while they are pending, so it never
        # closed the door on them.
        assert isinstance(first, Assignment) and isinstance(second, Assignment), (first, second)
        if isinstance(finalized, Exception):
            assert isinstance(finalized, ValidationError), finalized
            evaluation.refresh_from_db()
            assert evaluation.status == Evaluation.Status.SCORING
            services.evaluation_finalize(actor=purchaser, evaluation=evaluation)

        evaluation.refresh_from_db()
        assert evaluation.status == Evaluation.Status.FINALIZED
        assert evaluation.evaluator_count == 3
        rows = Assignment.objects.filter(evaluation=evaluation)
        assert all(row.status == Assignment.Status.SUBMITTED and row.total_score is not None for row in rows)
        for row in rows:
            assert Score.objects.filter(assignment=row).count() == leaf_count
        assert evaluation.score == expected_score(evaluation)


def test_a_withdrawal_racing_a_submission_never_finalizes_a_partial_sheet():
    purchaser = PurchaserFactory(department=PurchasingDepartmentFactory(region=region("150100")))
    indicator_set = make_set(leaves=10, groups=2)
    for _ in range(ROUNDS):
        contract = SignedContractFactory(department=purchaser.department, organization=OrganizationFactory())
        evaluation = create_evaluation(purchaser, contract, indicator_set, min_evaluators=2)
        users = [EvaluatorProfileFactory().user for _ in SHARES]
        assignments = start_scoring(purchaser, evaluation, users)
        submit(assignments[0], SHARES[0])
        submit(assignments[1], SHARES[1])
        late = assignments[2]
        half = dict(list(full_sheet(evaluation, SHARES[2]).items())[:5])
        services.score_save_draft(actor=late.evaluator, assignment=late, entries=half)

        def submit_job(late=late, evaluation=evaluation):
            assignment = Assignment.objects.get(pk=late.pk)
            return services.assignment_submit(
                actor=assignment.evaluator, assignment=assignment, entries=full_sheet(evaluation, SHARES[2])
            )

        def withdraw_and_finalize_job(late=late, evaluation=evaluation):
            services.assignment_withdraw(
                actor=purchaser, assignment=Assignment.objects.get(pk=late.pk), reason="逾期未提交"
            )
            return services.evaluation_finalize(actor=purchaser, evaluation=Evaluation.objects.get(pk=evaluation.pk))

        submitted, finalized = run_in_threads(submit_job, withdraw_and_finalize_job)
        assert not isinstance(finalized, Exception), finalized
        evaluation.refresh_from_db()
        late.refresh_from_db()
        assert evaluation.status == Evaluation.Status.FINALIZED
        assert late.status == Assignment.Status.WITHDRAWN
        if isinstance(submitted, Exception):
            # Withdrawn first: the submission was refused and its draft stayed a draft.
            assert isinstance(submitted, ValidationError)
            assert Score.objects.filter(assignment=late).count() == 5
        else:
            # Submitted first, then withdrawn with a reason: the full sheet is kept on record.
            assert late.submitted_at is not None
            assert Score.objects.filter(assignment=late).count() == 10
        assert evaluation.evaluator_count == 2
        counted = Assignment.objects.filter(evaluation=evaluation, status=Assignment.Status.SUBMITTED)
        assert {row.pk for row in counted} == {assignments[0].pk, assignments[1].pk}
        for row in counted:
            assert Score.objects.filter(assignment=row).count() == 10
