"""Fixtures shared by the evaluations tests: a Hohhot purchaser with a signed contract, an active indicator set,
a pool of evaluators, and helpers that drive an evaluation through the services."""

from __future__ import annotations

import datetime
import os
from decimal import Decimal

import pytest
from django.core.management import call_command

from evaluations import services
from evaluations.models import Assignment, Evaluation, IndicatorSet
from evaluations.selectors import indicator_tree, leaves_of
from tests.factories import (
    DepartmentFactory,
    EvaluatorProfileFactory,
    IndicatorFactory,
    IndicatorSetFactory,
    OrganizationFactory,
    OrganizationMemberFactory,
    PurchaserFactory,
    PurchasingDepartmentFactory,
    RegistrarFactory,
    SignedContractFactory,
    region,
)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test (the PostgreSQL concurrency tests) flushes the database when it ends; put the regions
    back for the tests that follow."""
    yield
    marker = item.get_closest_marker("django_db")
    if nextitem is None or marker is None or not marker.kwargs.get("transaction"):
        return
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        from registry.models import Region

        if not Region.objects.filter(code="150000").exists():
            with open(os.devnull, "w") as devnull:
                call_command("load_regions", without_authorities=True, verbosity=0, stdout=devnull)


PERIOD_START = datetime.date(2026, 3, 1)
PERIOD_END = datetime.date(2026, 10, 31)
DUE = datetime.date(2026, 11, 30)


def equal_weights(count: int) -> list[Decimal]:
    """`count` weights with two decimals summing to exactly 100 (the first takes the remainder)."""
    share = (Decimal(100) / count).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
    weights = [share] * count
    weights[0] += Decimal(100) - share * count
    return weights


def make_set(
    *,
    leaves: int = 4,
    max_score: Decimal | None = Decimal("100"),
    status=IndicatorSet.Status.ACTIVE,
    groups: int = 1,
    name: str | None = None,
) -> IndicatorSet:
    """A two-level set: `groups` first-level indicators sharing `leaves` leaves with equal weights summing to 100.

    Leaves are scored out of `max_score` (None: out of their weight)."""
    kwargs = {"status": status}
    if name:
        kwargs["name"] = name
    indicator_set = IndicatorSetFactory(**kwargs)
    weights = equal_weights(leaves)
    per_group = [weights[index::groups] for index in range(groups)]
    position = 0
    for group_index, group_weights in enumerate(per_group, start=1):
        root = IndicatorFactory(
            indicator_set=indicator_set,
            code=f"G{group_index}",
            name=f"一级指标{group_index}",
            weight=sum(group_weights, Decimal(0)),
            max_score=sum(group_weights, Decimal(0)),
            order=group_index,
        )
        for weight in group_weights:
            position += 1
            IndicatorFactory(
                indicator_set=indicator_set,
                parent=root,
                code=f"G{group_index}.{position}",
                name=f"末级指标{position}",
                weight=weight,
                max_score=max_score if max_score is not None else weight,
                order=position,
            )
    return indicator_set


@pytest.fixture
def department(db):
    return PurchasingDepartmentFactory(region=region("150100"), code="HHEVAL")


@pytest.fixture
def purchaser(department):
    return PurchaserFactory(department=department)


@pytest.fixture
def pool_keeper(db):
    """A registrar of the provincial civil-affairs department: keeps the evaluator pool."""
    return RegistrarFactory(department=DepartmentFactory(name="内蒙古自治区民政厅（测试）", region=region("150000")))


@pytest.fixture
def chifeng_purchaser(db):
    return PurchaserFactory(department=PurchasingDepartmentFactory(region=region("150400")))


@pytest.fixture
def organization(db):
    return OrganizationFactory()


@pytest.fixture
def member(organization):
    return OrganizationMemberFactory(organization=organization)


@pytest.fixture
def contract(department, organization):
    return SignedContractFactory(department=department, organization=organization)


@pytest.fixture
def indicator_set(db):
    return make_set(leaves=4)


@pytest.fixture
def pool(db):
    """Five active evaluators (users), none affiliated with the contracted organization."""
    return [EvaluatorProfileFactory().user for _ in range(5)]


def create_evaluation(purchaser, contract, indicator_set, **overrides) -> Evaluation:
    fields = {
        "kind": Evaluation.Kind.FINAL,
        "period_start_on": PERIOD_START,
        "period_end_on": PERIOD_END,
        "due_on": DUE,
    }
    fields.update(overrides)
    return services.evaluation_create(actor=purchaser, contract=contract, indicator_set=indicator_set, **fields)


@pytest.fixture
def evaluation(purchaser, contract, indicator_set):
    return create_evaluation(purchaser, contract, indicator_set)


def invite_and_accept(purchaser, evaluation, evaluators, *, accept=True) -> list[Assignment]:
    assignments = [
        services.assignment_invite(actor=purchaser, evaluation=evaluation, evaluator=user) for user in evaluators
    ]
    if accept:
        for assignment in assignments:
            services.assignment_accept(actor=assignment.evaluator, assignment=assignment, confirm_no_conflict=True)
    return assignments


def start_scoring(purchaser, evaluation, evaluators) -> list[Assignment]:
    assignments = invite_and_accept(purchaser, evaluation, evaluators)
    services.evaluation_start_scoring(actor=purchaser, evaluation=evaluation)
    return assignments


def full_sheet(evaluation: Evaluation, share: Decimal | str) -> dict:
    """Every leaf scored at `share` of its maximum (two decimals), with a comment where the rule asks for one."""
    share = Decimal(share)
    sheet = {}
    for leaf in leaves_of(indicator_tree(evaluation.indicator_set)):
        score = (leaf.max_score * share).quantize(Decimal("0.01"))
        sheet[leaf.pk] = services.ScoreEntry(score, "服务记录不完整" if score < leaf.max_score * Decimal("0.6") else "")
    return sheet


def submit(assignment: Assignment, share: Decimal | str) -> Assignment:
    return services.assignment_submit(
        actor=assignment.evaluator, assignment=assignment, entries=full_sheet(assignment.evaluation, share)
    )


@pytest.fixture
def scoring(purchaser, evaluation, pool):
    """The evaluation in scoring with three evaluators who accepted."""
    assignments = start_scoring(purchaser, evaluation, pool[:3])
    evaluation.refresh_from_db()
    return evaluation, assignments
