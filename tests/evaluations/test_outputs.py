"""The evaluation report PDF and the results workbook."""

from io import BytesIO

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from pypdf import PdfReader

from evaluations import services
from evaluations.exports import evaluation_list_xlsx, evaluation_results_xlsx
from evaluations.reports import evaluation_report_pdf
from evaluations.selectors import evaluation_list_public, indicator_tree
from tests.evaluations.conftest import submit

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)


@pytest.fixture
def finalized(purchaser, scoring):
    evaluation, assignments = scoring
    for assignment, share in zip(assignments, ["0.95", "0.9", "0.85"], strict=True):
        submit(assignment, share)
    services.evaluation_finalize(actor=purchaser, evaluation=evaluation)
    evaluation.refresh_from_db()
    return evaluation, assignments


def test_report_shows_grade_indicators_and_anonymised_evaluators(finalized):
    evaluation, assignments = finalized
    text = pdf_text(evaluation_report_pdf(evaluation, user=AnonymousUser()))
    assert "政府购买服务绩效评价报告" in text
    assert evaluation.contract.number in text
    assert "90.00" in text and "优" in text
    for indicator in indicator_tree(evaluation.indicator_set):
        assert indicator.name in text
    assert "专家 1" in text and "专家 3" in text
    assert str(assignments[0].evaluator) not in text
    assert "评价组组长" in text and "盖章" in text


def test_report_names_evaluators_for_the_officials(purchaser, finalized):
    evaluation, assignments = finalized
    text = pdf_text(evaluation_report_pdf(evaluation, user=purchaser))
    for assignment in assignments:
        assert str(assignment.evaluator) in text


def test_report_needs_a_finalized_evaluation(evaluation):
    with pytest.raises(ValidationError):
        evaluation_report_pdf(evaluation)


def test_results_workbook(finalized):
    evaluation, _ = finalized
    workbook = load_workbook(BytesIO(evaluation_results_xlsx(evaluation)))
    assert workbook.sheetnames == ["评价结果", "指标得分", "专家总分"]
    summary = {row[0]: row[1] for row in workbook["评价结果"].iter_rows(values_only=True)}
    assert summary["综合得分"] == 90 and summary["评价等级"] == "优"
    indicators = list(workbook["指标得分"].iter_rows(values_only=True))
    assert indicators[0][:3] == ("指标编码", "上级编码", "指标名称")
    assert len(indicators) == 1 + len(indicator_tree(evaluation.indicator_set))
    evaluators = list(workbook["专家总分"].iter_rows(values_only=True))
    assert [row[0] for row in evaluators[1:]] == ["专家 1", "专家 2", "专家 3"]
    assert [row[1] for row in evaluators[1:]] == [95, 90, 85]

    listing = load_workbook(BytesIO(evaluation_list_xlsx(evaluation_list_public())))
    rows = list(listing.active.iter_rows(values_only=True))
    assert rows[1][0] == evaluation.contract.number and rows[1][10] == "优"
