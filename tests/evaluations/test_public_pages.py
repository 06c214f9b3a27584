"""The public side of evaluations: /evaluations/ (finalized results with filters, paginated, constant query count),
the page of a finalized evaluation, its report and export, and the grades on the contract and organization pages.
Before finalization nobody outside the officials sees a score."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from evaluations import services
from evaluations.models import Evaluation
from tests.evaluations.conftest import create_evaluation, make_set, submit
from tests.factories import (
    FinalizedEvaluationFactory,
    OrganizationFactory,
    PurchasingDepartmentFactory,
    SignedContractFactory,
    region,
)

pytestmark = pytest.mark.django_db


def listed(response) -> set[int]:
    return {row.record.pk for row in response.context["table"].page.object_list}


@pytest.fixture
def results(db):
    """Three finalized evaluations in different places, years and grades, and one still being scored."""
    xincheng = PurchasingDepartmentFactory(region=region("150102"))
    hohhot = PurchasingDepartmentFactory(region=region("150100"))
    chifeng = PurchasingDepartmentFactory(region=region("150400"))
    alpha = OrganizationFactory(name="呼和浩特市夕阳红养老服务中心")
    beta = OrganizationFactory(name="呼和浩特市青城社会工作服务中心")
    gamma = OrganizationFactory(name="赤峰市红山区志愿者协会")
    return {
        "xincheng": FinalizedEvaluationFactory(
            contract__department=xincheng, contract__organization=alpha, year=2026, grade="excellent", score=92
        ),
        "hohhot": FinalizedEvaluationFactory(
            contract__department=hohhot, contract__organization=beta, year=2025, grade="good", score=84.5
        ),
        "chifeng": FinalizedEvaluationFactory(
            contract__department=chifeng, contract__organization=gamma, year=2026, grade="poor", score=55
        ),
        "scoring": FinalizedEvaluationFactory(
            contract__department=hohhot,
            contract__organization=alpha,
            status="scoring",
            score=None,
            grade=None,
            finalized_at=None,
        ),
    }


def test_the_list_shows_finalized_evaluations_only(client, results):
    response = client.get(reverse("evaluations:evaluation-list"))
    assert response.status_code == 200
    assert listed(response) == {results[key].pk for key in ("xincheng", "hohhot", "chifeng")}
    html = response.content.decode()
    assert "92.00" in html
    assert "84.50" in html
    assert 'data-grade="poor"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"region": "150100"}, {"xincheng", "hohhot"}),  # a city includes its counties
        ({"region": "150102"}, {"xincheng"}),
        ({"region": "150400"}, {"chifeng"}),
        ({"region": "150000"}, {"xincheng", "hohhot", "chifeng"}),
        ({"year": "2026"}, {"xincheng", "chifeng"}),
        ({"grade": "poor"}, {"chifeng"}),
        ({"grade": "good", "year": "2025"}, {"hohhot"}),
        ({"organization": "夕阳红"}, {"xincheng"}),
        ({"kind": "final"}, set()),
    ],
)
def test_filters(client, results, query, expected):
    response = client.get(reverse("evaluations:evaluation-list"), query)
    assert listed(response) == {results[key].pk for key in expected}


def test_filter_by_credit_code(client, results):
    code = results["chifeng"].contract.organization.uscc
    response = client.get(reverse("evaluations:evaluation-list"), {"organization": code.lower()})
    assert listed(response) == {results["chifeng"].pk}


def test_pagination(client, results):
    response = client.get(reverse("evaluations:evaluation-list"), {"per_page": 2})
    assert len(listed(response)) == 2
    assert response.context["table"].paginator.num_pages == 2
    second = client.get(reverse("evaluations:evaluation-list"), {"per_page": 2, "page": 2})
    assert len(listed(second)) == 1
    assert listed(response) | listed(second) == {results[key].pk for key in ("xincheng", "hohhot", "chifeng")}


def queries_for_list(client, query=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("evaluations:evaluation-list"), query or {})
    assert response.status_code == 200
    return len(captured)


def test_query_count_does_not_grow_with_rows(client, results):
    few = queries_for_list(client)
    filtered = queries_for_list(client, {"region": "150100", "year": "2026"})
    for _ in range(12):
        FinalizedEvaluationFactory(contract__department=PurchasingDepartmentFactory(region=region("150204")))
    assert queries_for_list(client) == few
    assert queries_for_list(client, {"region": "150100", "year": "2026"}) == filtered
    assert few <= 4


def test_list_export_follows_the_filters(client, results):
    response = client.get(reverse("evaluations:evaluation-list-export"), {"region": "150100"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    numbers = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert numbers == {results["xincheng"].contract.number, results["hohhot"].contract.number}


# ---- a finalized evaluation ------------------------------------------------------------------------------------


@pytest.fixture
def finalized(purchaser, scoring):
    """The scoring fixture's evaluation (four leaves of 25 points, scored out of 100) with three sheets at 90 %,
    80 % and 70 %, finalized: 80.00, 良."""
    evaluation, assignments = scoring
    for assignment, share in zip(assignments, ("0.9", "0.8", "0.7"), strict=True):
        submit(assignment, share)
    services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    evaluation.refresh_from_db()
    return evaluation, assignments


def test_finalized_page_shows_the_results(client, finalized):
    evaluation, assignments = finalized
    response = client.get(reverse("evaluations:evaluation-detail", args=[evaluation.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="aggregate-score">80.00<' in html
    assert 'data-testid="grade">良<' in html
    # Indicators with weights and per-indicator means.
    results = response.context["results"]
    leaves = [indicator for indicator in results.indicators if indicator.is_leaf]
    assert len(leaves) == 4
    for leaf in leaves:
        assert leaf.weight == Decimal("25.00")
        assert leaf.result.mean_score == Decimal("80.0000")
        assert leaf.result.mean_points == Decimal("20.0000")
        assert f'data-indicator="{leaf.code}"' in html
    assert html.count('data-testid="mean-points">20.00<') == 4
    assert 'data-testid="mean-points">80.00<' in html  # the first-level indicator
    # Evaluator totals, anonymised by default.
    assert [row.total for row in results.evaluators] == [Decimal("90.0000"), Decimal("80.0000"), Decimal("70.0000")]
    for number in (1, 2, 3):
        assert f"专家 {number}" in html
    for assignment in assignments:
        assert str(assignment.evaluator) not in html
    # The report and the export.
    assert reverse("evaluations:evaluation-report", args=[evaluation.pk]) in html
    report = client.get(reverse("evaluations:evaluation-report", args=[evaluation.pk]))
    assert report["Content-Type"] == "application/pdf"
    assert report.content.startswith(b"%PDF-")
    export = client.get(reverse("evaluations:evaluation-results-export", args=[evaluation.pk]))
    assert load_workbook(io.BytesIO(export.content)).sheetnames[0] == "评价结果"
    # The public reads totals and means, never one evaluator's sheet.
    assert 'data-testid="evaluator-row"' in html
    assert reverse("evaluations:assignment-scores", args=[evaluation.pk, assignments[0].pk]) not in html


def test_evaluator_names_are_published_when_configured(client, settings, finalized):
    evaluation, assignments = finalized
    settings.EVALUATION_PUBLISH_EVALUATOR_NAMES = True
    html = client.get(reverse("evaluations:evaluation-detail", args=[evaluation.pk])).content.decode()
    for assignment in assignments:
        assert str(assignment.evaluator) in html
    assert "专家 1" not in html


def test_officials_always_see_the_names(client, finalized, purchaser):
    evaluation, assignments = finalized
    client.force_login(purchaser)
    html = client.get(reverse("evaluations:evaluation-detail", args=[evaluation.pk])).content.decode()
    for assignment in assignments:
        assert str(assignment.evaluator) in html


def test_members_see_individual_scores_only_after_finalization(client, purchaser, scoring, member):
    evaluation, assignments = scoring
    for assignment, share in zip(assignments, ("0.9", "0.8", "0.7"), strict=True):
        submit(assignment, share)
    client.force_login(member)
    detail = reverse("evaluations:evaluation-detail", args=[evaluation.pk])
    sheet_url = reverse("evaluations:assignment-scores", args=[evaluation.pk, assignments[0].pk])
    html = client.get(detail).content.decode()
    assert "90.00" not in html
    assert 'data-testid="evaluator-results"' not in html
    assert client.get(sheet_url).status_code == 404

    services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    html = client.get(detail).content.decode()
    assert "90.00" in html
    assert sheet_url in html
    sheet = client.get(sheet_url)
    assert sheet.status_code == 200
    assert "专家 1的评分" in sheet.content.decode()
    assert str(assignments[0].evaluator) not in sheet.content.decode()


def test_a_poor_grade_shows_the_warning(client, purchaser, scoring):
    evaluation, assignments = scoring
    for assignment in assignments:
        submit(assignment, "0.5")
    services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    html = client.get(reverse("evaluations:evaluation-detail", args=[evaluation.pk])).content.decode()
    assert 'data-testid="grade">差<' in html
    assert 'data-testid="performance-warning"' in html
    assert "付款暂缓" in html
    assert reverse("evaluations:payment-decision", args=[evaluation.pk]) not in html


# ---- grades on the contract and organization pages -------------------------------------------------------------


def test_contract_page_lists_the_grades(client, finalized, purchaser, contract):
    evaluation, _ = finalized
    draft = create_evaluation(purchaser, contract, make_set(), kind=Evaluation.Kind.MID_TERM)
    url = reverse("contracts:contract-detail", args=[contract.number])
    html = client.get(url).content.decode()
    assert 'data-testid="contract-evaluations"' in html
    assert reverse("evaluations:evaluation-detail", args=[evaluation.pk]) in html
    assert 'data-grade="good"' in html
    assert reverse("evaluations:evaluation-detail", args=[draft.pk]) not in html
    assert reverse("evaluations:evaluation-create") not in html
    client.force_login(purchaser)
    html = client.get(url).content.decode()
    assert reverse("evaluations:evaluation-detail", args=[draft.pk]) in html
    assert reverse("evaluations:evaluation-create") + f"?contract={contract.number}" in html


def test_organization_page_lists_grades_and_warnings(client, purchaser, scoring, organization):
    evaluation, assignments = scoring
    for assignment in assignments:
        submit(assignment, "0.5")
    services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    other = FinalizedEvaluationFactory(contract=SignedContractFactory(organization=organization), grade="excellent")
    html = client.get(reverse("registry:organization-detail", args=[organization.uscc])).content.decode()
    assert 'data-testid="organization-evaluations"' in html
    assert reverse("evaluations:evaluation-detail", args=[evaluation.pk]) in html
    assert reverse("evaluations:evaluation-detail", args=[other.pk]) in html
    assert 'data-testid="performance-warnings"' in html
    assert "等级为差" in html
