"""The `tiny` profile of `manage.py generate_data` makes valid, consistent, deterministic data.

The data set is generated once for the module (twice, in fact: the first run is rolled back and compared with the
second) inside a transaction that is rolled back at the end, so the other tests never see it.
"""

from __future__ import annotations

import datetime
import hashlib
from collections import defaultdict
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Sum

from accounts.models import User
from contracts.models import (
    Amendment,
    Contract,
    ContractNumberSequence,
    Deliverable,
    Payment,
    PurchaseItem,
    PurchaseList,
    Submission,
)
from evaluations import scoring
from evaluations.models import (
    Assignment,
    Evaluation,
    EvaluatorProfile,
    Indicator,
    IndicatorResult,
    IndicatorSet,
    PerformanceWarning,
    Score,
)
from portal.generator import generate
from registry.models import AnnualInspection, CreditListing, Department, Organization, Rating, Region
from registry.selectors import organization_eligibility
from registry.uscc import validate_uscc
from supervision import sampling
from supervision.models import (
    Complaint,
    DeliverableOverdueFlag,
    Inspection,
    OrderListing,
    OrderResponse,
    RectificationOrder,
    SampleDraw,
    SampleDrawEntry,
)

TODAY = datetime.date(2026, 12, 6)
SEED = 7
MODELS = (
    User,
    Department,
    Organization,
    AnnualInspection,
    Rating,
    CreditListing,
    PurchaseList,
    PurchaseItem,
    Contract,
    ContractNumberSequence,
    Deliverable,
    Submission,
    Payment,
    Amendment,
    IndicatorSet,
    Indicator,
    EvaluatorProfile,
    Evaluation,
    Assignment,
    Score,
    IndicatorResult,
    PerformanceWarning,
    SampleDraw,
    SampleDrawEntry,
    Inspection,
    Complaint,
    RectificationOrder,
    OrderResponse,
    OrderListing,
    DeliverableOverdueFlag,
)
# A tiny data set may have no 差 grade and no overdue order.
OPTIONAL = (PerformanceWarning, OrderListing)
CHECKSUMMED = (Organization, Contract, Deliverable, Payment, Score, Evaluation, Complaint, User)


def checksum() -> str:
    digest = hashlib.sha256()
    for model in CHECKSUMMED:
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def generated(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            with transaction.atomic():
                generate(profile="tiny", seed=SEED, today=TODAY, batch_size=97)
                first = checksum()
                transaction.set_rollback(True)
            report = generate(profile="tiny", seed=SEED, today=TODAY, batch_size=500)
            yield report, first, checksum()
            transaction.set_rollback(True)


pytestmark = pytest.mark.usefixtures("generated")


@pytest.mark.django_db
def test_every_table_has_rows(generated):
    report, _first, _second = generated
    empty = [model.__name__ for model in MODELS if not model.objects.exists() and model not in OPTIONAL]
    assert empty == []
    assert 250 <= Organization.objects.count() <= 300
    assert Score.objects.count() > 1000


@pytest.mark.django_db
def test_the_same_seed_gives_the_same_rows(generated):
    _report, first, second = generated
    assert first == second


@pytest.mark.django_db
def test_every_code_is_valid_for_its_type_and_authority():
    regions = set(Region.objects.values_list("code", flat=True))
    for organization in Organization.objects.select_related("registration_authority__region"):
        category = Organization.TYPE_CATEGORY_DIGIT[organization.org_type]
        assert validate_uscc(organization.uscc, category=category, region_codes=regions) == organization.uscc
        assert organization.uscc[2:8] == organization.registration_authority.region.code
        assert organization.registration_authority.kind == Department.Kind.CIVIL_AFFAIRS


@pytest.mark.django_db
def test_a_sample_of_every_table_passes_full_clean():
    for model in MODELS:
        rows = list(model.objects.order_by("pk"))
        for instance in rows[:: max(1, len(rows) // 6)]:
            instance.full_clean()


@pytest.mark.django_db
def test_contracts_keep_the_signing_rules():
    for contract in Contract.objects.exclude(status=Contract.Status.DRAFT).select_related("organization", "department"):
        year, sequence = contract.number.split("-")[-2:]
        assert contract.number.startswith(contract.department.code) and int(year) == contract.year
        assert len(sequence) == 4
        if contract.term_exceeds_one_year:
            assert contract.term_within(3) and contract.term_justification
        eligibility = organization_eligibility(contract.organization, on=contract.signed_on)
        assert not eligibility.refusals
        grade_warnings = [text for text in eligibility.warnings if "评估等级" in text]
        assert contract.eligibility_acknowledged_warnings.splitlines() == grade_warnings
        assert contract.purchase_item.budget >= contract.amount
        assert contract.purchase_item.purchase_list.status == PurchaseList.Status.PUBLISHED
        assert contract.purchase_item.purchase_list.published_on <= contract.signed_on
        assert contract.signed_on <= TODAY
    statuses = set(Contract.objects.values_list("status", flat=True))
    assert {Contract.Status.COMPLETED, Contract.Status.PERFORMING, Contract.Status.DRAFT} <= statuses


@pytest.mark.django_db
def test_shares_sum_to_100_and_payments_stay_within_the_amount():
    shares = Deliverable.objects.values("contract").annotate(total=Sum("payment_share"))
    assert {row["total"] for row in shares} == {Decimal("100.00")}
    paid = defaultdict(Decimal)
    for payment in Payment.objects.select_related("deliverable", "contract"):
        assert payment.deliverable.contract_id == payment.contract_id
        assert payment.deliverable.status == Deliverable.Status.ACCEPTED
        assert payment.contract.signed_on <= payment.paid_on <= TODAY
        paid[payment.contract] += payment.amount
    assert paid
    for contract, total in paid.items():
        assert total <= contract.amount
        if contract.status == Contract.Status.COMPLETED:
            assert total == contract.amount


@pytest.mark.django_db
def test_deliverables_are_accepted_through_submissions_and_completed_contracts_have_all():
    for deliverable in Deliverable.objects.prefetch_related("submissions").select_related("contract"):
        decisions = [submission.decision for submission in deliverable.submissions.all()]
        if deliverable.status == Deliverable.Status.ACCEPTED:
            assert decisions[-1] == Submission.Decision.ACCEPTED
            assert deliverable.accepted_at == deliverable.submissions.all()[len(decisions) - 1].decided_at
        elif deliverable.status == Deliverable.Status.SUBMITTED:
            assert decisions[-1] is None
        elif deliverable.status == Deliverable.Status.RETURNED:
            assert decisions[-1] == Submission.Decision.RETURNED
        else:
            assert decisions == []
        if deliverable.contract.status == Contract.Status.COMPLETED:
            assert deliverable.status == Deliverable.Status.ACCEPTED


@pytest.mark.django_db
def test_overdue_deliverables_are_a_few_percent_and_flagged():
    total = Deliverable.objects.count()
    overdue = Deliverable.objects.filter(contract__status__in=Contract.ACTIVE_STATUSES, due_on__lt=TODAY).exclude(
        status=Deliverable.Status.ACCEPTED
    )
    assert 0.01 <= overdue.count() / total <= 0.05
    assert set(overdue.values_list("pk", flat=True)) == set(
        DeliverableOverdueFlag.objects.values_list("deliverable_id", flat=True)
    )


@pytest.mark.django_db
def test_grades_are_what_scoring_computes_from_the_scores():
    for evaluation in Evaluation.objects.filter(status=Evaluation.Status.FINALIZED):
        leaves = [
            scoring.LeafSpec(indicator.pk, indicator.weight, indicator.max_score)
            for indicator in Indicator.objects.filter(indicator_set=evaluation.indicator_set, level=3)
        ]
        sheets = {}
        for assignment in evaluation.assignments.filter(status=Assignment.Status.SUBMITTED).order_by("pk"):
            sheets[assignment.pk] = dict(assignment.scores.values_list("indicator_id", "score"))
        outcome = scoring.compute(leaves, sheets, evaluation.aggregation)
        assert (evaluation.score, evaluation.grade) == (outcome.score, outcome.grade)
        assert scoring.grade_for(evaluation.score) == evaluation.grade
        assert evaluation.evaluator_count == len(sheets) >= evaluation.min_evaluators
        assert evaluation.grade == scoring.POOR or not hasattr(evaluation, "performance_warning")


@pytest.mark.django_db
def test_indicator_leaves_weigh_100_and_draws_reproduce():
    for indicator_set in IndicatorSet.objects.all():
        leaves = Indicator.objects.filter(indicator_set=indicator_set, level=3)
        assert leaves.aggregate(total=Sum("weight"))["total"] == Decimal("100")
        assert leaves.count() == 49
    for draw in SampleDraw.objects.all():
        assert sampling.verify_draw(draw).ok
        assert draw.inspections.count() == draw.sample_size


@pytest.mark.django_db
def test_orders_past_their_deadline_are_verified_or_escalated():
    for order in RectificationOrder.objects.filter(deadline__lt=TODAY):
        if order.status != RectificationOrder.Status.VERIFIED:
            assert order.overdue_marked_at is not None
            assert order.escalation.listing.list_kind == CreditListing.List.ABNORMAL
    assert CreditListing.objects.filter(removed_on__isnull=True).values(
        "organization", "list_kind"
    ).distinct().count() == (CreditListing.objects.filter(removed_on__isnull=True).count())


@pytest.mark.django_db
def test_a_second_run_refuses(monkeypatch):
    with pytest.raises(CommandError, match="generated data"):
        call_command("generate_data", profile="tiny", verbosity=0)
    monkeypatch.setattr("portal.generator.run.generated_data_present", lambda: False)
    with pytest.raises(CommandError, match="--append"):
        call_command("generate_data", profile="tiny", verbosity=0)


@pytest.mark.django_db
def test_contracts_and_items_carry_their_search_texts(generated):
    """The search columns are kept by the database while the generator streams its tables (contracts migration 0010),
    whichever of a contract, its department and its supplier, or an item and its list, is written first."""
    from core.search import fold

    contracts = Contract.objects.select_related("department", "organization")
    assert contracts.exists()
    for contract in contracts:
        document = contract.search_document
        for text in (contract.number, contract.title, contract.department.name):
            assert fold(text) in document, (contract.number, text)
        assert document.endswith(contract.organization.search_document)
    items = PurchaseItem.objects.select_related("purchase_list__department")
    assert items.exists()
    for item in items:
        texts = (item.code, item.service_name, item.purchase_list.title, item.purchase_list.department.name)
        assert all(fold(text) in item.search_document for text in texts), item.code
